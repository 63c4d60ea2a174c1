import { describe, expect, it } from 'vitest';
import { isAppError } from './errors.ts';
import { defineLifecycle } from './lifecycle.ts';

type Door = 'OPEN' | 'CLOSED' | 'LOCKED' | 'WELDED';
const door = defineLifecycle<Door>('door', { OPEN: ['CLOSED'], CLOSED: ['OPEN', 'LOCKED'], LOCKED: ['CLOSED'], WELDED: [] }, ['OPEN']);

describe('defineLifecycle', () => {
  it('can: exactly the moves of the table', () => {
    expect(door.can('OPEN', 'CLOSED')).toBe(true);
    expect(door.can('OPEN', 'LOCKED')).toBe(false);
    expect(door.can('OPEN', 'OPEN')).toBe(false);
  });

  it('refuses an illegal transition through the helper: a coded ILLEGAL_TRANSITION (409), thrown or returned', () => {
    let thrown: unknown;
    try {
      door.assertCan('OPEN', 'LOCKED');
    } catch (e) {
      thrown = e;
    }
    expect(isAppError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: 'ILLEGAL_TRANSITION', status: 409, message: 'A door that is OPEN cannot become LOCKED' });
    expect(() => door.assertCan('CLOSED', 'LOCKED')).not.toThrow();
    expect(door.check('LOCKED', 'OPEN', 'The door is locked')).toEqual({ ok: false, code: 'ILLEGAL_TRANSITION', message: 'The door is locked' });
    expect(door.check('LOCKED', 'CLOSED')).toEqual({ ok: true, value: 'CLOSED' });
  });

  it('finds the states no path reaches', () => {
    expect([...door.reachable()].sort()).toEqual(['CLOSED', 'LOCKED', 'OPEN']);
    expect(door.unreachable()).toEqual(['WELDED']);
  });
});
