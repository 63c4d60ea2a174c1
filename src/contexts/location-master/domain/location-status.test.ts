import { describe, expect, it } from 'vitest';
import { LOCATION_STATUSES } from '../../../contracts/location-master.ts';
import { decideStatusChange, locationLifecycle, LOCATION_TRANSITIONS } from './location-status.ts';

describe('location status transitions', () => {
  it('allows exactly ACTIVE ↔ BLOCKED and ACTIVE → INACTIVE', () => {
    const allowed = LOCATION_STATUSES.flatMap((from) => LOCATION_TRANSITIONS[from].map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(['ACTIVE->BLOCKED', 'ACTIVE->INACTIVE', 'BLOCKED->ACTIVE']);
  });

  it('given an ACTIVE location, when blocked with a reason, then it is BLOCKED with that reason', () => {
    expect(decideStatusChange('ACTIVE', 'BLOCKED', ' rack damaged ')).toEqual({ ok: true, value: { from: 'ACTIVE', to: 'BLOCKED', reason: 'rack damaged' } });
  });

  it('refuses to block without a reason', () => {
    expect(decideStatusChange('ACTIVE', 'BLOCKED', '  ')).toMatchObject({ ok: false, code: 'UNPROCESSABLE', errors: [{ field: '/reason' }] });
  });

  it('refuses every move out of INACTIVE and BLOCKED → INACTIVE with ILLEGAL_TRANSITION', () => {
    for (const to of LOCATION_STATUSES) expect(decideStatusChange('INACTIVE', to, 'x')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(decideStatusChange('BLOCKED', 'INACTIVE', null)).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
    expect(decideStatusChange('BLOCKED', 'BLOCKED', 'again')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
  });
});

describe('deactivating a location under count', () => {
  it('given an open count at the location, when deactivated, then LOCATION_UNDER_COUNT names the count', () => {
    const decision = decideStatusChange('ACTIVE', 'INACTIVE', 'rack removed', ['cnt_1']);
    expect(decision).toMatchObject({ ok: false, code: 'LOCATION_UNDER_COUNT', errors: [{ field: '/countId', message: 'open count cnt_1 holds this location' }] });
    expect(decision.ok ? '' : decision.message).toContain('cnt_1');
  });

  it('given an open count, blocking is still allowed; given none, deactivating is', () => {
    expect(decideStatusChange('ACTIVE', 'BLOCKED', 'spill', ['cnt_1'])).toMatchObject({ ok: true, value: { to: 'BLOCKED' } });
    expect(decideStatusChange('ACTIVE', 'INACTIVE', null, [])).toMatchObject({ ok: true, value: { to: 'INACTIVE' } });
  });
});

describe('locationLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(locationLifecycle.unreachable()).toEqual([]);
  });
});
