import { describe, expect, it } from 'vitest';
import type { OrderCancelled } from '../../../../contracts/orders.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, reservation, SITE } from '../decider-fixtures.ts';
import { decideCancel, type CancelCommand, type CancelState } from './decide.ts';

const spec = deciderSpec(decideCancel);
let n = 0;
const order: OrderCancelled = {
  orderId: 'ord_1', siteId: SITE, previousStatus: 'PICKING', reason: null,
  lines: [{ lineId: 'l1', lineNo: 1, sku: 'SKU-A', quantity: 3 }, { lineId: 'l2', lineNo: 2, sku: 'SKU-B', quantity: 1 }],
};
const cancel: CancelCommand = { ...order, newReturnId: () => `rtn_${++n}` };
const nothing: CancelState = { allocations: [], openReservations: [], picked: [], tote: [], openReturns: [] };

describe('cancelling an order', () => {
  it('releases its allocation, unreserves what is still open and asks for the picked units to be returned by scan (they do not move yet)', () => {
    n = 0;
    const partlyPicked = reservation({ quantity: 3, picked: 1 });
    const state: CancelState = {
      allocations: [allocation({ requested: 3, allocated: 3 })], openReservations: [partlyPicked], picked: [partlyPicked],
      tote: [{ sku: 'SKU-A', lot: '', free: 1 }], openReturns: [],
    };
    spec.given(state).when(cancel).then((d) => {
      expect(d.releases).toEqual([{ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', quantity: 3 }]);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 0, shipped: 0, status: 'CANCELLED' }]);
      expect(d.tombstones.map((t) => [t.line_id, t.status])).toEqual([['l2', 'CANCELLED']]);
      expect(d.unreserves.map((u) => u.quantity)).toEqual([2]);
      expect(d.returns).toEqual([{
        id: 'rtn_1', site_id: SITE, owner_id: 'own_default', order_id: 'ord_1', sku: 'SKU-A', lot: '', quantity: 1, from_location_id: 'IN_PROCESS:ord_1',
        suggested_location_id: 'loc_a',
      }]);
      // The tote's unit is no longer covered by an allocation: it leaves ATP until put back.
      expect(d.unpickable).toEqual([{ sku: 'SKU-A', delta: 1 }]);
      // No MOVE: the units stay in the tote until the return is confirmed.
      expect(d.movements.map((m) => m.type)).toEqual(['DEALLOCATE', 'UNRESERVE']);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.deallocated.v1', 'inventory.stock.return-requested.v1']);
      expect(d.events[1]!.data).toMatchObject({ returnId: 'rtn_1', quantity: 1, fromLocationId: 'IN_PROCESS:ord_1', suggestedLocationId: 'loc_a' });
    });
  });

  it('one return per SKU, lot and pick location', () => {
    const a = reservation({ id: 'rsv_1', quantity: 2, picked: 2, status: 'PICKED' });
    const b = reservation({ id: 'rsv_2', quantity: 1, picked: 1, status: 'PICKED', location_id: 'loc_b' });
    const c = reservation({ id: 'rsv_3', quantity: 1, picked: 1, status: 'PICKED' });
    spec.given({ ...nothing, picked: [a, b, c], tote: [{ sku: 'SKU-A', lot: '', free: 4 }] }).when(cancel).then((d) => {
      expect(d.returns.map((r) => [r.suggested_location_id, r.quantity])).toEqual([['loc_a', 3], ['loc_b', 1]]);
      expect(d.unpickable).toEqual([{ sku: 'SKU-A', delta: 4 }]);
    });
  });

  it('asks nothing for units the tote no longer holds, nor for units an open return already covers (a second delivery asks nothing twice)', () => {
    spec.given({ ...nothing, picked: [reservation({ picked: 2, status: 'CANCELLED' })] }).when(cancel).then((d) => {
      expect(d.returns).toEqual([]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.deallocated.v1']);
    });
    const picked = [reservation({ quantity: 2, picked: 2, status: 'CANCELLED' })];
    spec.given({ ...nothing, picked, tote: [{ sku: 'SKU-A', lot: '', free: 2 }], openReturns: [{ sku: 'SKU-A', lot: '', open: 2 }] })
      .when(cancel).then((d) => {
        expect(d.returns).toEqual([]);
        expect(d.unpickable).toEqual([]);
      });
  });
});
