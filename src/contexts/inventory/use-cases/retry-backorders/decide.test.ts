import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, SITE } from '../decider-fixtures.ts';
import { decideRetry } from './decide.ts';

const spec = deciderSpec(decideRetry);
const waiting = (orderId: string, requested: number) => allocation({ order_id: orderId, requested, allocated: 0, status: 'BACKORDERED' });
const stock = (units: number) => new Map([['SKU-A', { onHandAvailable: units, unpickable: 0, allocated: 0, expiredFree: 0, safetyStock: 0 }]]);
const freed = { siteId: SITE, skus: ['SKU-A'] };

describe('retrying backorders', () => {
  it('allocates the oldest order first, whole lines only, with reason BACKORDER_RETRY', () => {
    const orders = [{ orderId: 'ord_1', lines: [waiting('ord_1', 3)] }, { orderId: 'ord_2', lines: [waiting('ord_2', 2)] }];
    spec.given({ orders, stock: stock(4) }).when(freed).then((d) => {
      expect(d.allocate.map((a) => a.orderId)).toEqual(['ord_1']);
      expect(d.movements[0]).toMatchObject({ reason: 'BACKORDER_RETRY', deltaAllocated: 3 });
      expect(d.events.map((e) => e.data)).toEqual([{ orderId: 'ord_1', siteId: SITE, lines: [{ lineId: 'l1', sku: 'SKU-A', requested: 3,
        allocated: 3 }], complete: true }]);
    });
  });
  it('leaves the safety stock alone: an older order that does not fit above it waits, a younger one that fits is allocated', () => {
    const orders = [{ orderId: 'ord_1', lines: [waiting('ord_1', 3)] }, { orderId: 'ord_2', lines: [waiting('ord_2', 2)] }];
    const guarded = new Map([['SKU-A', { onHandAvailable: 6, unpickable: 0, allocated: 0, expiredFree: 0, safetyStock: 4 }]]);
    spec.given({ orders, stock: guarded }).when(freed).then((d) => expect(d.allocate.map((a) => [a.orderId, a.allocated])).toEqual([['ord_2', 2]]));
  });
  it('never brings a cancelled order back', () => {
    const orders = [{ orderId: 'ord_1', lines: [waiting('ord_1', 1), allocation({ line_id: 'l2', status: 'CANCELLED' })] }];
    spec.given({ orders, stock: stock(9) }).when(freed).then((d) => expect(d.allocate).toEqual([]));
  });
});
