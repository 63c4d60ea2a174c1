import { describe, expect, it } from 'vitest';
import { AppError, isTransientFault } from './errors.ts';

const withCode = (code: string, message = 'x'): Error => Object.assign(new Error(message), { code });

describe('isTransientFault', () => {
  it('knows a database or a peer that is unreachable for now', () => {
    expect(isTransientFault(withCode('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(isTransientFault(withCode('08006'))).toBe(true);
    expect(isTransientFault(withCode('53300', 'sorry, too many clients already'))).toBe(true);
    expect(isTransientFault(withCode('40P01', 'deadlock detected'))).toBe(true);
    expect(isTransientFault(withCode('ECONNREFUSED'))).toBe(true);
    expect(isTransientFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientFault(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isTransientFault(new AppError('UNAVAILABLE', 'inventory did not answer', { retryable: true }))).toBe(true);
  });

  it('looks through the causes an error wraps', () => {
    expect(isTransientFault(new Error('reserving the wave failed', { cause: withCode('ECONNRESET') }))).toBe(true);
  });

  it('is false for the work\'s own faults: a bug, a constraint, a business refusal', () => {
    expect(isTransientFault(new TypeError('cannot read properties of undefined'))).toBe(false);
    expect(isTransientFault(withCode('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isTransientFault(withCode('42P01', 'relation does not exist'))).toBe(false);
    expect(isTransientFault(new AppError('CONFLICT', 'the order moved on'))).toBe(false);
    expect(isTransientFault(undefined)).toBe(false);
    expect(isTransientFault('a string')).toBe(false);
  });
});
