import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../../contracts/orders.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { OrderSummary } from '../../store.ts';
import { decidePicks, type PickNews, type PicksState } from './decide.ts';

const spec = deciderSpec(decidePicks);
const order = (id: string, status: OrderStatus, over: Partial<OrderSummary> = {}): OrderSummary => ({
  id, externalId: `X-${id}`, siteId: 'sit_1', ownerId: 'own_default', carrier: 'OWN_FLEET', priority: 5, shipBy: null,
  shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' }, status, waveId: 'wav_1', cancelReason: null, shipComplete: false,
  backorderReason: null, hold: null, version: 7, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', ...over,
});
const state = (...orders: OrderSummary[]): PicksState => ({ orders: new Map(orders.map((o) => [o.id, o])) });
const news = (orderId: string, lineId: string, quantity: number, n = 0): PickNews =>
  ({ orderId, lineId, quantity, cause: { type: 'picking.line.picked.v1', meta: { causationId: `evt_${n}` } } });

describe('recording a run of picks', () => {
  it('moves a released order to PICKING with its first report and only counts the others: each order written once', () => {
    spec.given(state(order('ord_a', 'RELEASED'), order('ord_b', 'PICKING')))
      .when([news('ord_a', 'l1', 2, 1), news('ord_b', 'l1', 1, 2), news('ord_a', 'l2', 3, 3)])
      .then((d) => {
        expect(d.lines).toEqual([{ orderId: 'ord_a', lineId: 'l1', quantity: 2 }, { orderId: 'ord_b', lineId: 'l1', quantity: 1 }, { orderId: 'ord_a', lineId: 'l2', quantity: 3 }]);
        expect(d.orders).toEqual([
          { id: 'ord_a', version: 7, bump: 2, status: 'PICKING', moved: true },
          { id: 'ord_b', version: 7, bump: 1, status: 'PICKING', moved: false },
        ]);
        expect(d.history).toEqual([{ orderId: 'ord_a', from: 'RELEASED', to: 'PICKING', cause: 'picking.line.picked.v1' }]);
        expect(d.events).toEqual([{
          events: [{ type: 'orders.order.picking-started.v1', subject: 'ord_a', siteId: 'sit_1', data: { orderId: 'ord_a', siteId: 'sit_1', from: 'RELEASED', to: 'PICKING' } }],
          meta: { causationId: 'evt_1' },
        }]);
      });
  });

  it('leaves reports about unknown and cancelled orders alone, quantities included', () => {
    spec.given(state(order('ord_c', 'CANCELLED'))).when([news('ord_c', 'l1', 1), news('ord_ghost', 'l1', 1)]).then((d) => {
      expect(d.lines).toEqual([]);
      expect(d.orders).toEqual([]);
      expect(d.ignored).toEqual([
        { orderId: 'ord_c', type: 'picking.line.picked.v1', why: 'cancelled' }, { orderId: 'ord_ghost', type: 'picking.line.picked.v1', why: 'unknown' },
      ]);
    });
  });

  it('moves an order held mid-pick for stock (BACKORDERED, SHORT_PICK) back to PICKING and clears the reason', () => {
    spec.given(state(order('ord_h', 'BACKORDERED', { backorderReason: 'SHORT_PICK' }))).when([news('ord_h', 'l1', 1), news('ord_h', 'l1', 1)]).then((d) => {
      expect(d.orders).toEqual([{ id: 'ord_h', version: 7, bump: 2, status: 'PICKING', moved: true }]);
      expect(d.history.map((h) => [h.from, h.to])).toEqual([['BACKORDERED', 'PICKING']]);
    });
  });

  it('keeps an order held mid-pick for stock BACKORDERED while a short of it still waits: its other lines\' units are counted', () => {
    const held = order('ord_w', 'BACKORDERED', { backorderReason: 'SHORT_PICK' });
    spec.given({ orders: new Map([[held.id, held]]), waitingForStock: new Set(['ord_w']) }).when([news('ord_w', 'l2', 1), news('ord_w', 'l2', 1)]).then((d) => {
      expect(d.orders).toEqual([{ id: 'ord_w', version: 7, bump: 2, status: 'BACKORDERED', moved: false }]);
      expect(d.history).toEqual([]);
      expect(d.events).toEqual([]);
      expect(d.lines).toHaveLength(2);
    });
  });

  it('does not move an order past picking or one backordered for allocation, but counts the units', () => {
    spec.given(state(order('ord_p', 'PICKED'), order('ord_r', 'BACKORDERED')))
      .when([news('ord_p', 'l1', 1), news('ord_r', 'l1', 1)])
      .then((d) => {
        expect(d.orders.map((o) => [o.id, o.status, o.bump, o.moved])).toEqual([['ord_p', 'PICKED', 1, false], ['ord_r', 'BACKORDERED', 1, false]]);
        expect(d.events).toEqual([]);
        expect(d.lines).toHaveLength(2);
      });
  });
});
