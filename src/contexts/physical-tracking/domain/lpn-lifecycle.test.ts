import { describe, expect, it } from 'vitest';
import { LPN_STATUSES, type LpnStatus } from '../../../contracts/physical-tracking.ts';
import { foundStatus, LIVE_STATUSES, LPN_TRANSITIONS, lpnLifecycle, shipPath } from './lpn-lifecycle.ts';

describe('LPN lifecycle', () => {
  it('follows OPEN → CLOSED → STAGED / IN_TRANSIT → SHIPPED, and an emptied LPN is CONSUMED', () => {
    expect(lpnLifecycle.can('OPEN', 'CLOSED')).toBe(true);
    expect(lpnLifecycle.can('CLOSED', 'STAGED')).toBe(true);
    expect(lpnLifecycle.can('CLOSED', 'IN_TRANSIT')).toBe(true);
    expect(lpnLifecycle.can('STAGED', 'SHIPPED')).toBe(true);
    expect(lpnLifecycle.can('IN_TRANSIT', 'SHIPPED')).toBe(true);
    expect(lpnLifecycle.can('OPEN', 'CONSUMED')).toBe(true);
  });

  it('refuses shipping an open LPN, and leaving final states', () => {
    expect(lpnLifecycle.can('OPEN', 'SHIPPED')).toBe(false);
    expect(lpnLifecycle.check('OPEN', 'STAGED')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    for (const to of LPN_STATUSES) {
      expect(lpnLifecycle.can('SHIPPED', to)).toBe(false);
      expect(lpnLifecycle.can('CONSUMED', to)).toBe(false);
    }
  });

  it('has a row for every status and only known targets', () => {
    expect(Object.keys(LPN_TRANSITIONS).sort()).toEqual([...LPN_STATUSES].sort());
    for (const targets of Object.values(LPN_TRANSITIONS)) for (const t of targets) expect(LPN_STATUSES).toContain(t);
  });

  it('ships through legal steps only', () => {
    for (const from of LPN_STATUSES) {
      let at: LpnStatus = from;
      for (const next of shipPath(from)) {
        expect(lpnLifecycle.can(at, next)).toBe(true);
        at = next;
      }
      if (from !== 'CONSUMED' && from !== 'LOST') expect(at).toBe('SHIPPED');
    }
  });

  it('loses any LPN still on the floor, never one that left, and a lost one ships only once found', () => {
    for (const from of LIVE_STATUSES) expect(lpnLifecycle.can(from, 'LOST')).toBe(true);
    expect(lpnLifecycle.check('SHIPPED', 'LOST')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(lpnLifecycle.can('CONSUMED', 'LOST')).toBe(false);
    expect(lpnLifecycle.can('LOST', 'LOST')).toBe(false);
    expect(LPN_TRANSITIONS.LOST).toEqual(['OPEN', 'CLOSED']);
    expect(shipPath('LOST')).toEqual([]);
  });

  it('a found LPN resumes OPEN when it was open, else CLOSED where it was found, always by a legal step', () => {
    expect(foundStatus('OPEN')).toBe('OPEN');
    expect(foundStatus('CLOSED')).toBe('CLOSED');
    expect(foundStatus('STAGED')).toBe('CLOSED');
    expect(foundStatus('IN_TRANSIT')).toBe('CLOSED');
    for (const from of LIVE_STATUSES) expect(lpnLifecycle.can('LOST', foundStatus(from))).toBe(true);
    expect(() => foundStatus('SHIPPED')).toThrow();
  });

  it('every state is reachable from the initial ones', () => {
    expect(lpnLifecycle.unreachable()).toEqual([]);
  });
});
