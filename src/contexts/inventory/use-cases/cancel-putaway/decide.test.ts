import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideCancelPutaway } from './decide.ts';

const spec = deciderSpec(decideCancelPutaway);
const putaway = (status: 'OPEN' | 'COMPLETED' | 'CANCELLED', putAway = 2) => ({
  putaway: {
    id: 'put_1', site_id: SITE, owner_id: 'own_default', sku: 'SKU-A', lot: 'L1', stock_status: 'AVAILABLE' as const, quantity: 5, put_away: putAway,
    from_location_id: 'loc_dock', status,
  },
});

describe('cancelling a putaway', () => {
  it('withdraws an OPEN putaway, naming what it no longer covers; nothing moves', () => {
    spec.given(putaway('OPEN')).when({ putawayId: 'put_1', reason: ' moved by hand ' }).then((d) => {
      expect(d.events.map((e) => [e.type, e.data])).toEqual([['inventory.stock.putaway-cancelled.v1', {
        putawayId: 'put_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', lot: 'L1', status: 'AVAILABLE', fromLocationId: 'loc_dock',
        putAway: 2, remaining: 3, reason: 'moved by hand',
      }]]);
    });
  });

  it('an AVAILABLE one names the units it leaves at the dock with no putaway: at most what it still covered, never below 0', () => {
    const left = (d: { events: readonly { data: unknown }[] }) => (d.events[0]!.data as { leftAtDock?: number }).leftAtDock;
    for (const [uncovered, expected] of [[7, 3], [2, 2], [0, 0], [-1, 0]] as const) {
      spec.given({ ...putaway('OPEN'), uncoveredAtDock: uncovered }).when({ putawayId: 'put_1', reason: 'x' })
        .then((d) => expect(left(d)).toBe(expected));
    }
    const held = { putaway: { ...putaway('OPEN').putaway, stock_status: 'HOLD' as const }, uncoveredAtDock: 3 };
    spec.given(held).when({ putawayId: 'put_1', reason: 'x' }).then((d) => expect(d.events[0]!.data).not.toHaveProperty('leftAtDock'));
  });

  it('refuses a blank reason, an unknown putaway, and one that ended', () => {
    spec.given(putaway('OPEN')).when({ putawayId: 'put_1', reason: '  ' }).thenRejects('VALIDATION_FAILED', { fields: ['/reason'] });
    spec.given({ putaway: undefined }).when({ putawayId: 'put_9', reason: 'x' }).thenRejects('NOT_FOUND');
    spec.given(putaway('COMPLETED', 5)).when({ putawayId: 'put_1', reason: 'x' }).thenRejects('ILLEGAL_TRANSITION');
    spec.given(putaway('CANCELLED')).when({ putawayId: 'put_1', reason: 'x' }).thenRejects('ILLEGAL_TRANSITION');
  });
});
