import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideRoster } from './decide.ts';

const spec = deciderSpec(decideRoster);

describe('a roster', () => {
  it('is a list of shifts in minutes of the day', () => {
    spec.given(null).when({ day: '2026-06-01', shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:30' }, { workerId: 'ana', zone: 'B', from: '14:30', to: '24:00' }] })
      .then([{ workerId: 'ana', zone: 'A', fromMin: 360, toMin: 870 }, { workerId: 'ana', zone: 'B', fromMin: 870, toMin: 1440 }]);
  });
  it('refuses a shift that ends before it starts', () => {
    spec.given(null).when({ day: '2026-06-01', shifts: [{ workerId: 'ana', zone: 'A', from: '14:00', to: '06:00' }] }).thenRejects('SHIFT_EMPTY', { fields: ['/shifts/0/to'] });
  });
  it("refuses a worker's overlapping shifts", () => {
    spec.given(null).when({ day: '2026-06-01', shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' }, { workerId: 'bo', zone: 'A', from: '06:00', to: '14:00' },
      { workerId: 'ana', zone: 'B', from: '13:00', to: '18:00' }] }).thenRejects('ROSTER_OVERLAP', { fields: ['/shifts/2/from'] });
  });
  it("refuses a worker's overlapping shifts named in another letter case: a worker id ignores case (ADR 0019), ANA is ana", () => {
    // Before: ana 06–14 in A and ANA 10–18 in B were taken as two people, and the plan counted the one worker twice.
    spec.given(null).when({ day: '2026-06-01', shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' }, { workerId: 'ANA', zone: 'B', from: '10:00', to: '18:00' }] })
      .thenRejects('ROSTER_OVERLAP', { message: /ANA is in shifts 0 and 1/, fields: ['/shifts/1/from'] });
    spec.given(null).when({ day: '2026-06-01', shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' }, { workerId: 'ANA', zone: 'B', from: '14:00', to: '18:00' }] })
      .then((s) => expect(s).toHaveLength(2));
  });
  it('refuses a past day (today is allowed) and a zone the site has none of, naming each shift; PACK is always a zone, ALL where the site has none', () => {
    const site = { zones: new Set(['A']), today: '2026-06-02' };
    const shift = { workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' };
    spec.given(site).when({ day: '2026-06-01', shifts: [shift] }).thenRejects('ROSTER_DAY_PAST', { fields: ['/day'] });
    spec.given(site).when({ day: '2026-06-02', shifts: [shift, { ...shift, workerId: 'pat', zone: 'PACK' }] }).then((s) => expect(s).toHaveLength(2));
    spec.given(site).when({ day: '2026-06-03', shifts: [shift, { ...shift, workerId: 'bo', zone: 'Z9' }, { ...shift, workerId: 'cy', zone: 'ALL' }] })
      .thenRejects('UNKNOWN_ZONE', { message: /Z9, ALL/, fields: ['/shifts/1/zone', '/shifts/2/zone'] });
    spec.given({ zones: new Set<string>(), today: '2026-06-02' }).when({ day: '2026-06-02', shifts: [{ ...shift, zone: 'ALL' }] }).then((s) => expect(s).toHaveLength(1));
  });
  it('replaces the version an If-Match names (or any, for *), and refuses any other: VERSION_MISMATCH', () => {
    const site = { zones: null, today: '2026-06-01', version: 3 };
    const shifts = [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' }];
    spec.given(site).when({ day: '2026-06-01', shifts, ifMatch: { any: false, versions: [2], header: '"2"' } }).thenRejects('VERSION_MISMATCH', { message: /version 3 \("3"\), which If-Match "2"/ });
    spec.given(site).when({ day: '2026-06-01', shifts, ifMatch: { any: false, versions: [3, 4], header: '"3", "4"' } }).then((s) => expect(s).toHaveLength(1));
    spec.given(site).when({ day: '2026-06-01', shifts, ifMatch: { any: true } }).then((s) => expect(s).toHaveLength(1));
    spec.given(null).when({ day: '2026-06-01', shifts, ifMatch: { any: false, versions: [1], header: '"1"' } }).thenRejects('VERSION_MISMATCH');
  });
  it('refuses a day more than a year and a day ahead (9999-12-31 is a typo, not a roster), naming /day', () => {
    const site = { zones: new Set(['A']), today: '2026-06-02' };
    const shift = { workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' };
    spec.given(site).when({ day: '2027-06-03', shifts: [shift] }).then((s) => expect(s).toHaveLength(1));
    spec.given(site).when({ day: '2027-06-04', shifts: [shift] }).thenRejects('VALIDATION_FAILED', { message: /366 days ahead/, fields: ['/day'] });
    spec.given(site).when({ day: '9999-12-31', shifts: [shift] }).thenRejects('VALIDATION_FAILED', { fields: ['/day'] });
  });
});
