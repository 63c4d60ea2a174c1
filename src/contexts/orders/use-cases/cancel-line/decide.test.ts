import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../../contracts/orders.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { OrderLine } from '../../store.ts';
import { decideCancelLine, openUnits, type CancelLineState } from './decide.ts';

const spec = deciderSpec(decideCancelLine);
const line = (id: string, lineNo: number, ordered: number, over: Partial<OrderLine> = {}): OrderLine => ({
  id, lineNo, sku: `SKU-${lineNo}`, ordered, allocated: ordered, picked: 0, shorted: 0, packed: 0, shipped: 0, cancelled: 0, shortAtPack: 0, ...over,
});
const given = (status: OrderStatus, lines: readonly OrderLine[], over: Partial<CancelLineState['order']> = {}): CancelLineState => ({
  order: { id: 'ord_1', externalId: 'SHOP-1', status, backorderReason: null, waveId: null, hold: null, ...over }, lines,
});
const twoLines = [line('oln_a', 1, 3), line('oln_b', 2, 2)];

describe('cancelling units of one order line', () => {
  it('cancels every open unit of a line of an allocated two-line order: the other line is allocated again as it was', () => {
    spec.given(given('ALLOCATED', twoLines)).when({ lineId: 'oln_a' }).then({
      kind: 'cancel-units', lineId: 'oln_a', sku: 'SKU-1', quantity: 3,
      previousLines: [{ lineId: 'oln_a', lineNo: 1, sku: 'SKU-1', quantity: 3 }, { lineId: 'oln_b', lineNo: 2, sku: 'SKU-2', quantity: 2 }],
      lines: [{ lineId: 'oln_b', lineNo: 2, sku: 'SKU-2', quantity: 2 }],
    });
  });

  it('cancels part of a line: the line keeps its id with its open units', () => {
    spec.given(given('BACKORDERED', twoLines)).when({ lineId: 'oln_a', quantity: 2 }).then((d) => {
      expect(d).toMatchObject({ kind: 'cancel-units', quantity: 2 });
      expect(d.kind === 'cancel-units' && d.lines).toEqual([
        { lineId: 'oln_a', lineNo: 1, sku: 'SKU-1', quantity: 1 }, { lineId: 'oln_b', lineNo: 2, sku: 'SKU-2', quantity: 2 },
      ]);
    });
  });

  it('counts units cancelled before: only the open ones can go', () => {
    const lines = [line('oln_a', 1, 3, { cancelled: 2 }), line('oln_b', 2, 2)];
    spec.given(given('RECEIVED', lines)).when({ lineId: 'oln_a', quantity: 2 }).thenRejects('UNPROCESSABLE', { message: /1 open unit/, fields: ['/quantity'] });
    spec.given(given('RECEIVED', lines)).when({ lineId: 'oln_a' }).then((d) => expect(d).toMatchObject({ kind: 'cancel-units', quantity: 1 }));
  });

  it('cancels the whole order when no line would keep an open unit', () => {
    const lines = [line('oln_a', 1, 3), line('oln_b', 2, 2, { cancelled: 2 })];
    spec.given(given('ALLOCATED', lines)).when({ lineId: 'oln_a' }).then({ kind: 'cancel-order' });
    spec.given(given('ALLOCATED', [line('oln_a', 1, 1)])).when({ lineId: 'oln_a', quantity: 1 }).then({ kind: 'cancel-order' });
  });

  it('answers a line with nothing open, asked again without a quantity, unchanged (one cancellation)', () => {
    const lines = [line('oln_a', 1, 3, { cancelled: 3 }), line('oln_b', 2, 2)];
    spec.given(given('ALLOCATED', lines)).when({ lineId: 'oln_a' }).then({ kind: 'unchanged' });
    spec.given(given('ALLOCATED', lines)).when({ lineId: 'oln_a', quantity: 1 }).thenRejects('UNPROCESSABLE', { fields: ['/quantity'] });
  });

  it('rejects a quantity below 1 or above the open units with a field pointer', () => {
    for (const quantity of [0, -1]) {
      spec.given(given('ALLOCATED', twoLines)).when({ lineId: 'oln_a', quantity }).thenRejects('UNPROCESSABLE', { fields: ['/quantity'] });
    }
    spec.given(given('ALLOCATED', twoLines)).when({ lineId: 'oln_a', quantity: 4 }).thenRejects('UNPROCESSABLE', { message: /3 open unit/, fields: ['/quantity'] });
  });

  it('does not know a line of another order', () => {
    spec.given(given('ALLOCATED', twoLines)).when({ lineId: 'oln_x' }).thenRejects('NOT_FOUND', { message: /no line oln_x/ });
  });

  it('refuses once a wave has the order, naming the wave and the ways out (cancel the order, short the line)', () => {
    for (const status of ['WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED'] as const) {
      spec.given(given(status, twoLines, { waveId: 'wav_9' })).when({ lineId: 'oln_a' })
        .thenRejects('ORDER_IN_FULFILMENT', { message: /in wave wav_9.*cancel the whole order \(POST \/orders\/ord_1\/cancel.*short the line/ });
    }
    // Held mid-pick for stock: the floor has it too.
    spec.given(given('BACKORDERED', twoLines, { backorderReason: 'SHORT_PICK' })).when({ lineId: 'oln_a' }).thenRejects('ORDER_IN_FULFILMENT', { message: /SHORT_PICK/ });
  });

  it('refuses a final or held order with the codes a change of its lines gets', () => {
    spec.given(given('CANCELLED', twoLines)).when({ lineId: 'oln_a' }).thenRejects('ORDER_CANCELLED');
    spec.given(given('SHIPPED', twoLines)).when({ lineId: 'oln_a' }).thenRejects('ORDER_SHIPPED');
    spec.given(given('DELIVERED', twoLines)).when({ lineId: 'oln_a' }).thenRejects('ORDER_SHIPPED');
    spec.given(given('ON_HOLD', twoLines, { hold: { holdId: 'hld_1', reason: 'Credit check', from: 'ALLOCATED', resumeTo: 'ALLOCATED' } }))
      .when({ lineId: 'oln_a' }).thenRejects('ORDER_ON_HOLD', { message: /Credit check.*release-hold/ });
  });

  it('reads open units as ordered less shipped, cancelled and shorted at packing', () => {
    expect(openUnits({ ordered: 5, shipped: 1, cancelled: 2, shortAtPack: 0 })).toBe(2);
    expect(openUnits({ ordered: 5, shipped: 1, cancelled: 2, shortAtPack: 1 })).toBe(1);
  });
});
