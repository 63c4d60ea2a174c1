import { describe, expect, it } from 'vitest';
import type { OrderReceived } from '../../../../contracts/orders.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, SITE } from '../decider-fixtures.ts';
import { decideAllocation, decideClaim } from './decide.ts';

const order: OrderReceived = {
  orderId: 'ord_1', externalId: 'X-1', siteId: SITE, carrier: 'DHL', priority: 5,
  lines: [{ lineId: 'l1', lineNo: 1, sku: 'SKU-B', quantity: 3 }, { lineId: 'l2', lineNo: 2, sku: 'SKU-A', quantity: 2 }],
};
const claimed = [allocation({ line_id: 'l1', sku: 'SKU-B', requested: 3, allocated: 0, status: 'BACKORDERED' }),
  allocation({ line_id: 'l2', sku: 'SKU-A', requested: 2, allocated: 0, status: 'BACKORDERED' })];
const stock = (a: number, b: number) => new Map([
  ['SKU-A', { onHandAvailable: a, unpickable: 0, allocated: 0, expiredFree: 0, safetyStock: 0 }],
  ['SKU-B', { onHandAvailable: b, unpickable: 0, allocated: 0, expiredFree: 0, safetyStock: 0 }],
]);

describe('claiming the lines of a received order', () => {
  const spec = deciderSpec(decideClaim);
  it('claims every line not claimed yet, BACKORDERED until allocated', () => {
    spec.given({ existing: [allocation({ line_id: 'l1' })] }).when(order).then((claims) => expect(claims.map((c) => [c.line_id,
      c.status])).toEqual([['l2', 'BACKORDERED']]));
  });
  it('claims nothing for an order cancelled before inventory saw it', () => {
    spec.given({ existing: [allocation({ line_id: 'l1', status: 'CANCELLED' })] }).when(order).then([]);
  });
});

describe('allocating an order', () => {
  const spec = deciderSpec(decideAllocation);
  it('allocates each line whole, in SKU order, and says the order is complete', () => {
    spec.given({ claimed, stock: stock(2, 3) }).when(order).then((d) => {
      expect(d.allocate.map((a) => [a.lineId, a.allocated])).toEqual([['l2', 2], ['l1', 3]]);
      expect(d.movements.map((m) => [m.type, m.sku, m.deltaAllocated])).toEqual([['ALLOCATE', 'SKU-A', 2], ['ALLOCATE', 'SKU-B', 3]]);
      expect(d.events[0]?.data).toMatchObject({ complete: true });
      expect(d.backorderedLines).toBe(0);
    });
  });
  it('backorders a line whole when its SKU cannot cover it (no partial allocation)', () => {
    spec.given({ claimed, stock: stock(2, 2) }).when(order).then((d) => {
      expect(d.allocate.map((a) => a.lineId)).toEqual(['l2']);
      expect(d.events[0]?.data).toMatchObject({ complete: false, lines: [{ lineId: 'l1', allocated: 0 }, { lineId: 'l2', allocated: 2 }] });
      expect(d.backorderedLines).toBe(1);
    });
  });
  it('gives the last units of a SKU on two lines to the order\'s earlier line, whatever their ids sort as', () => {
    // Line ids need not sort as the lines do (a generator rolling over from 'z' to '10'): the order's own order decides.
    const twice: OrderReceived = { ...order, lines: [{ lineId: 'l_z', lineNo: 1, sku: 'SKU-A', quantity: 2 },
      { lineId: 'l_10', lineNo: 2, sku: 'SKU-A', quantity: 2 }] };
    const both = [allocation({ line_id: 'l_10', sku: 'SKU-A', requested: 2, allocated: 0, status: 'BACKORDERED' }),
      allocation({ line_id: 'l_z', sku: 'SKU-A', requested: 2, allocated: 0, status: 'BACKORDERED' })];
    spec.given({ claimed: both, stock: stock(3, 0) }).when(twice).then((d) => {
      expect(d.allocate.map((a) => a.lineId)).toEqual(['l_z']);
      expect(d.events[0]?.data).toMatchObject({ lines: [{ lineId: 'l_z', allocated: 2 }, { lineId: 'l_10', allocated: 0 }] });
    });
  });
  it('does not promise unpickable, allocated or expired units', () => {
    const tight = new Map([['SKU-A', { onHandAvailable: 9, unpickable: 3, allocated: 2, expiredFree: 3, safetyStock: 0 }]]);
    spec.given({ claimed: [claimed[1]!], stock: tight }).when(order).then((d) => expect(d.allocate).toEqual([]));
  });
  it('never promises the safety stock: a line fits only in what is above it', () => {
    const withSafety = (safetyStock: number) => new Map([['SKU-A', { onHandAvailable: 5, unpickable: 0, allocated: 1, expiredFree: 0, safetyStock }]]);
    spec.given({ claimed: [claimed[1]!], stock: withSafety(3) }).when(order).then((d) => expect(d.allocate).toEqual([]));
    spec.given({ claimed: [claimed[1]!], stock: withSafety(2) }).when(order).then((d) => expect(d.allocate.map((a) => [a.lineId, a.allocated])).toEqual([['l2', 2]]));
  });
  it('announces nothing when this delivery claimed no line', () => {
    spec.given({ claimed: [], stock: stock(9, 9) }).when(order).then((d) => expect(d.events).toEqual([]));
  });
});
