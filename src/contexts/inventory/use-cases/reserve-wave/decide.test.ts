import { stockKey } from '../../domain/ledger.ts';
import { describe, expect, it } from 'vitest';
import type { WaveReleased } from '../../../../contracts/waves.ts';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import { allocation, counter, SITE } from '../decider-fixtures.ts';
import { decideReservation, type FreeBalance, type LocationFacts, type ReserveState } from './decide.ts';

const spec = deciderSpec(decideReservation);
const release = (orders: WaveReleased['orders']) => ({ waveId: 'wav_1', siteId: SITE, pickStrategy: 'discrete' as const, orders,
  newReservationId: counter('rsv') });
const line = (orderId: string, lineId: string, sku: string, quantity: number) => ({ orderId, lines: [{ lineId, sku, quantity }] });
const balance = (location_id: string, free: number, o: Partial<FreeBalance> = {}): FreeBalance => ({
  location_id, lot: '', on_hand: free, reserved: 0, expires_on: null, first_received_at: new Date('2026-01-01T00:00:00.000Z'), ...o,
});
const shelf = (o: Partial<LocationFacts> = {}): LocationFacts => ({ site_id: SITE, type: 'STORAGE', status: 'ACTIVE', pick_sequence: null,
  ...o });
const given = (balances: FreeBalance[], locations: Record<string, LocationFacts>,
  allocations = [allocation({ requested: 2 })]): ReserveState => ({
  allocations, balances: new Map([[stockKey('own_default', 'SKU-A'), balances]]), locations: new Map(Object.entries(locations)),
});

describe('reserving a released wave', () => {
  it('FEFO: a SKU received with dates is reserved from the earliest expiry, not the oldest receipt', () => {
    const state = given([
      balance('loc_late', 5, { expires_on: '2026-12-31', first_received_at: new Date('2025-01-01T00:00:00.000Z') }),
      balance('loc_soon', 5, { expires_on: '2026-03-01' }),
    ], { loc_late: shelf(), loc_soon: shelf() });
    spec.given(state).when(release([line('ord_1', 'l1', 'SKU-A', 2)])).then((d) => {
      expect(d.reservations).toEqual([{ id: 'rsv_1', wave_id: 'wav_1', order_id: 'ord_1', line_id: 'l1', site_id: SITE, owner_id: 'own_default', sku: 'SKU-A',
        location_id: 'loc_soon', lot: '', quantity: 2 }]);
      expect(d.reserve).toEqual([{ key: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_soon', lot: '', status: 'AVAILABLE' },
        quantity: 2 }]);
      expect(d.movements).toEqual([{ type: 'RESERVE', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_soon', lot: '', deltaReserved: 2,
        reference: 'wav_1' }]);
      expect(d.units).toBe(2);
    });
  });

  it('FIFO: undated stock is reserved from the oldest receipt; the pick sequence of the projection breaks a tie', () => {
    const state = given([balance('loc_new', 5, { first_received_at: new Date('2026-01-05T00:00:00.000Z') }), balance('loc_b', 5),
      balance('loc_a', 5)],
      { loc_new: shelf(), loc_b: shelf({ pick_sequence: 1 }), loc_a: shelf({ pick_sequence: 2 }) });
    spec.given(state).when(release([line('ord_1', 'l1', 'SKU-A',
      2)])).then((d) => expect(d.reservations.map((r) => r.location_id)).toEqual(['loc_b']));
  });

  it('skips expired lots and locations that are not pickable, of another site, or not learned by the projection', () => {
    const state = given([
      balance('loc_expired', 5, { expires_on: '2026-01-14' }), balance('loc_blocked', 5), balance('loc_dock', 5),
      balance('loc_other_site', 5), balance('loc_unlearned', 5), balance('loc_unknown', 5), balance('loc_ok', 2),
    ], {
      loc_expired: shelf(), loc_blocked: shelf({ status: 'BLOCKED' }), loc_dock: shelf({ type: 'RECEIVING' }),
      loc_other_site: shelf({ site_id: 'site_2' }), loc_unlearned: shelf({ type: null, status: null }), loc_ok: shelf(),
    });
    spec.given(state).when(release([line('ord_1', 'l1', 'SKU-A', 2)]),
      T0).then((d) => expect(d.reservations.map((r) => r.location_id)).toEqual(['loc_ok']));
  });

  it('sends an order it cannot reserve in full back to backorder: short line deallocated, the next order gets the stock', () => {
    const allocations = [allocation({ order_id: 'ord_1', requested: 3, allocated: 3 }), allocation({ order_id: 'ord_2', requested: 2,
      allocated: 2 })];
    const state = given([balance('loc_a', 2)], { loc_a: shelf() }, allocations);
    spec.given(state).when(release([line('ord_1', 'l1', 'SKU-A', 3), line('ord_2', 'l1', 'SKU-A', 2)])).then((d) => {
      expect(d.reservations.map((r) => r.order_id)).toEqual(['ord_2']);
      expect(d.releases).toEqual([{ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', quantity: 3 }]);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 0, shipped: 0, status: 'BACKORDERED' }]);
      expect(d.movements.map((m) => [m.type, m.reason ?? null])).toEqual([['RESERVE', null], ['DEALLOCATE', 'RESERVATION_SHORTAGE']]);
      expect(d.events[0]?.data).toMatchObject({
        shortages: [{ orderId: 'ord_1', lineId: 'l1', quantity: 1 }], backordered: [{ orderId: 'ord_1', lines: [{ lineId: 'l1',
          allocated: 0 }] }],
      });
      expect(d.events[1]?.data).toEqual({ orderId: 'ord_1', siteId: SITE, lines: [{ lineId: 'l1', sku: 'SKU-A', quantity: 3 }] });
    });
  });

  it('does not reserve a line whose allocation a cancel overtook', () => {
    const state = given([balance('loc_a', 5)], { loc_a: shelf() }, [allocation({ status: 'CANCELLED', allocated: 0 })]);
    spec.given(state).when(release([line('ord_1', 'l1', 'SKU-A', 2)])).then((d) => expect(d.reservations).toEqual([]));
  });
});
