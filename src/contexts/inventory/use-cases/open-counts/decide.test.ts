import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { counter, SITE } from '../decider-fixtures.ts';
import { decideOpenCounts, type OpenCountsCommand, type OpenCountsState } from './decide.ts';

const spec = deciderSpec(decideOpenCounts);
const cmd = (o: Partial<OpenCountsCommand> = {}): OpenCountsCommand => ({
  siteId: SITE, origin: 'ON_DEMAND', tolerance: { units: 1, percent: null }, newCountId: counter('cnt'), ...o,
});
const given: OpenCountsState = {
  targets: [
    { location_id: 'loc_a', sku: 'SKU-A', lot: '' }, { location_id: 'loc_a', sku: 'SKU-B', lot: 'L1' }, { location_id: 'loc_b', sku: 'SKU-A', lot: '' },
  ],
  open: [],
};

describe('open counts', () => {
  it('opens one blind count per SKU and lot at each location, asks for a COUNT task each and locks each location per count', () => {
    spec.given(given).when(cmd()).then((d) => {
      expect(d.counts.map((c) => [c.id, c.location_id, c.sku, c.lot, c.tolerance_units])).toEqual([
        ['cnt_1', 'loc_a', 'SKU-A', '', 1], ['cnt_2', 'loc_a', 'SKU-B', 'L1', 1], ['cnt_3', 'loc_b', 'SKU-A', '', 1]]);
      expect(d.locks).toEqual([{ locationId: 'loc_a', counts: 2 }, { locationId: 'loc_b', counts: 1 }]);
      expect(d.events.map((e) => e.data)).toContainEqual(expect.objectContaining({ countId: 'cnt_2', lot: 'L1', attempt: 1, taskReference: 'cnt_2' }));
      // The event a counter's task is made from never carries the expected quantity: the count is blind.
      for (const e of d.events) expect(Object.keys(e.data as object)).not.toContain('expected');
    });
  });

  it('never opens a second count of units already being counted', () => {
    spec.given({ ...given, open: [{ id: 'cnt_old', location_id: 'loc_a', sku: 'SKU-A', lot: '' }] }).when(cmd()).then((d) => {
      expect(d.alreadyOpen).toEqual(['cnt_old']);
      expect(d.counts.map((c) => c.location_id)).toEqual(['loc_a', 'loc_b']);
      expect(d.locks).toEqual([{ locationId: 'loc_a', counts: 1 }, { locationId: 'loc_b', counts: 1 }]);
    });
  });

  it('refuses a request that covers nothing, but a schedule that finds nothing opens nothing', () => {
    spec.given({ targets: [], open: [] }).when(cmd()).thenRejects('UNPROCESSABLE', { fields: ['/locationIds'] });
    spec.given({ targets: [], open: [] }).when(cmd({ origin: 'SCHEDULED' })).then((d) => expect(d.counts).toEqual([]));
  });

  it('refuses a deactivated location the request names, and passes over one found by its stock', () => {
    spec.given({ ...given, inactive: ['loc_b'] }).when(cmd({ namedLocations: true })).thenRejects('LOCATION_NOT_ACTIVE', { fields: ['/locationIds'] });
    spec.given({ ...given, inactive: ['loc_b'] }).when(cmd()).then((d) => expect(d.counts.map((c) => c.location_id)).toEqual(['loc_a', 'loc_a']));
    spec.given({ ...given, inactive: ['loc_a', 'loc_b'] }).when(cmd({ origin: 'SCHEDULED' })).then((d) => expect(d.counts).toEqual([]));
  });
});
