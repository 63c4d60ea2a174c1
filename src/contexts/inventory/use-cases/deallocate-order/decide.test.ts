import { describe, expect, it } from 'vitest';
import type { OrderCancelled } from '../../../../contracts/orders.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, reservation, SITE } from '../decider-fixtures.ts';
import { decideCancel, type CancelState } from './decide.ts';

const spec = deciderSpec(decideCancel);
const cancel: OrderCancelled = {
  orderId: 'ord_1', siteId: SITE, previousStatus: 'PICKING', reason: null,
  lines: [{ lineId: 'l1', lineNo: 1, sku: 'SKU-A', quantity: 3 }, { lineId: 'l2', lineNo: 2, sku: 'SKU-B', quantity: 1 }],
};
const nothing: CancelState = { allocations: [], openReservations: [], picked: [], tote: [], pickable: new Map() };

describe('cancelling an order', () => {
  it('releases its allocation, unreserves what is still open and returns picked units to where they were picked', () => {
    const partlyPicked = reservation({ quantity: 3, picked: 1 });
    const state: CancelState = {
      allocations: [allocation({ requested: 3, allocated: 3 })], openReservations: [partlyPicked], picked: [partlyPicked],
      tote: [{ sku: 'SKU-A', lot: '', free: 1, expiresOn: null }], pickable: new Map([['loc_a', false]]),
    };
    spec.given(state).when(cancel).then((d) => {
      expect(d.releases).toEqual([{ siteId: SITE, sku: 'SKU-A', quantity: 3 }]);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 0, shipped: 0, status: 'CANCELLED' }]);
      expect(d.tombstones.map((t) => [t.line_id, t.status])).toEqual([['l2', 'CANCELLED']]);
      expect(d.unreserves.map((u) => u.quantity)).toEqual([2]);
      expect(d.returns).toEqual([{
        tote: { siteId: SITE, sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: '', status: 'AVAILABLE' },
        target: { siteId: SITE, sku: 'SKU-A', locationId: 'loc_a', lot: '', status: 'AVAILABLE' }, quantity: 1, expiresOn: null,
          unpickable: 1,
      }]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.deallocated.v1', 'inventory.stock.returned.v1']);
    });
  });
  it('returns nothing the tote no longer holds, so a second delivery moves nothing', () => {
    spec.given({ ...nothing, picked: [reservation({ picked: 2, status: 'CANCELLED' })] }).when(cancel).then((d) => {
      expect(d.returns).toEqual([]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.deallocated.v1']);
    });
  });
});
