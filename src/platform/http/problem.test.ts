import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { toProblem, withSiteCodes } from './problem.ts';

describe('toProblem', () => {
  it('answers 503 UNAVAILABLE for a dependency unreachable for now (a lost database connection), not 500', () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    expect(toProblem(lost, 't1')).toMatchObject({ status: 503, code: 'UNAVAILABLE', traceId: 't1' });
    expect(toProblem(new Error('Connection terminated unexpectedly'), 't2')).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
  });

  it('keeps a bug a 500 INTERNAL that names nothing of it', () => {
    const p = toProblem(new TypeError('cannot read properties of undefined (reading \'id\')'), 't3');
    expect(p).toMatchObject({ status: 500, code: 'INTERNAL' });
    expect(p.detail).not.toMatch(/undefined/);
  });

  it('answers 400 for a value the database cannot store (class 22)', () => {
    expect(toProblem(Object.assign(new Error('invalid byte sequence'), { code: '22021' }), 't4')).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('says the 32-bit limit for a quantity the store cannot hold (22003: units added past 2,147,483,647)', () => {
    const p = toProblem(Object.assign(new Error('integer out of range'), { code: '22003' }), 't7');
    expect(p).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(p.detail).toMatch(/past 2,147,483,647; nothing was changed/);
  });

  it('answers 409 CONFLICT for a write the store refused (class 23: a unique key two racing requests both took), not 500', () => {
    const raced = Object.assign(new Error('duplicate key value violates unique constraint "lpns_site_code_key"'), { code: '23505', constraint: 'lpns_site_code_key' });
    expect(toProblem(raced, 't5')).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(toProblem(Object.assign(new Error('violates check constraint'), { code: '23514' }), 't6')).toMatchObject({ status: 409, code: 'CONFLICT' });
  });

  it('says the values an enum takes: a typo in an action or a status names what would have been taken', () => {
    const typo = Object.assign(new Error('invalid'), {
      validationContext: 'params',
      validation: [{ instancePath: '/action', keyword: 'enum', message: 'must be equal to one of the allowed values', params: { allowedValues: ['requeue', 'acknowledge'] } }],
    });
    expect(toProblem(typo, 't8')).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', errors: [{ field: '/params/action', message: 'must be one of: requeue, acknowledge' }] });
  });
});

// A platform code (NOT_FOUND): a context's code such as UNKNOWN_LOCATION is registered only when another file of the
// worker composed the app first, and unregistered it is a 500 that withSiteCodes leaves alone.
describe('withSiteCodes', () => {
  const codes: Record<string, string> = { sit_0190aa: 'DEMO', sit_0190bb: 'NORTH' };
  const siteCode = async (id: string): Promise<string | undefined> => codes[id];

  it('names a site of a refusal by its code, as people know it, not by its internal id', async () => {
    const refused = toProblem(new AppError('NOT_FOUND', 'No location NOPE-LOC at site sit_0190aa'), 't1');
    expect((await withSiteCodes(refused, siteCode)).detail).toBe('No location NOPE-LOC at site DEMO');
    const two = toProblem(new AppError('FORBIDDEN_AT_SITE', 'w1 is registered at site sit_0190bb, not at sit_0190aa; Site sit_0190bb says so'), 't2');
    expect((await withSiteCodes(two, siteCode)).detail).toBe('w1 is registered at site NORTH, not at sit_0190aa; Site NORTH says so');
  });

  it('keeps an id no site has, a detail naming none, and a problem without a lookup as they are', async () => {
    const unknown = toProblem(new AppError('NOT_FOUND', 'No location X at site sit_0190cc'), 't3');
    expect((await withSiteCodes(unknown, siteCode)).detail).toBe('No location X at site sit_0190cc');
    const refused = toProblem(new AppError('NOT_FOUND', 'No location X at site sit_0190aa'), 't4');
    expect(await withSiteCodes(refused, undefined)).toBe(refused);
  });
});
