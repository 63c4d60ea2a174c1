import { describe, expect, it } from 'vitest';
import type { LinePicked } from '../../../../contracts/picking.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { counter, reservation, SITE } from '../decider-fixtures.ts';
import { decidePick, type PickCommand, type PickState } from './decide.ts';

const spec = deciderSpec(decidePick);
const open: PickState = { reservation: reservation(), sourcePickable: true, sourceExpiresOn: '2026-05-01', sourceFree: 0,
  sourceUnpromised: Infinity };
const picked = (quantity: number): LinePicked => ({
  pickListId: 'pkl_1', pickLineId: 'pln_1', orderId: 'ord_1', lineId: 'l1', reservationId: 'rsv_1', siteId: SITE, sku: 'SKU-A',
  locationId: 'loc_a', lot: null, quantity, toteId: 'TOTE-1',
});
const pick = (quantity: number): PickCommand => ({ ...picked(quantity), newReturnId: counter('rtn') });

describe('picking a line', () => {
  it('moves the units from the location (on-hand and reserved) to the order in process, keeping their expiry', () => {
    spec.given(open).when(pick(2)).then((d) => {
      expect(d.take).toEqual({
        from: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: '', status: 'AVAILABLE' },
        to: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: '', status: 'AVAILABLE' }, quantity: 2,
          expiresOn: '2026-05-01', reserved: 2,
      });
      expect(d.reservationChange).toEqual({ id: 'rsv_1', picked: 2, shorted: 0, status: 'OPEN' });
      expect(d.movements.map((m) => [m.type, m.locationId, m.deltaOnHand, m.deltaReserved ?? 0])).toEqual([
        ['PICK', 'loc_a', -2, -2], ['PICK', 'IN_PROCESS:ord_1', 2, 0],
      ]);
    });
  });

  it('closes the reservation PICKED with its last unit; units from a location blocked since leave unpickable', () => {
    spec.given({ ...open, sourcePickable: false }).when(pick(3)).then((d) => {
      expect(d.reservationChange?.status).toBe('PICKED');
      expect(d.unpickable).toBe(-3);
    });
  });

  it('records the pick of a cancelled reservation into the tote and asks for a return by scan: the units wait there', () => {
    const cancelled = { ...open, reservation: reservation({ status: 'CANCELLED' }), sourceFree: 5 };
    spec.given(cancelled).when(pick(2)).then((d) => {
      expect(d.take).toEqual({
        from: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: '', status: 'AVAILABLE' },
        to: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot: '', status: 'AVAILABLE' }, quantity: 2,
          expiresOn: '2026-05-01', reserved: 0,
      });
      expect(d.reservationChange).toBeUndefined();
      expect(d.movements.map((m) => [m.type, m.locationId, m.deltaOnHand])).toEqual([['PICK', 'loc_a', -2], ['PICK', 'IN_PROCESS:ord_1', 2]]);
      // No allocation covers them in the tote: they leave ATP until put back.
      expect(d.unpickable).toBe(2);
      expect(d.returnRequest?.row).toMatchObject({ id: 'rtn_1', quantity: 2, suggested_location_id: 'loc_a', from_location_id: 'IN_PROCESS:ord_1' });
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.return-requested.v1']);
    });
    // From a location blocked since: they were unpickable there and stay so in the tote.
    spec.given({ ...cancelled, sourcePickable: false }).when(pick(2)).then((d) => expect(d.unpickable).toBe(0));
  });

  it('units of a cancelled reservation the location owes to other reservations are recorded as put straight back', () => {
    spec.given({ ...open, reservation: reservation({ status: 'CANCELLED' }), sourceFree: 1 }).when(pick(3)).then((d) => {
      expect(d.take?.quantity).toBe(1);
      expect(d.movements.map((m) => [m.type, m.locationId, m.deltaOnHand])).toEqual([
        ['PICK', 'loc_a', -3], ['PICK', 'IN_PROCESS:ord_1', 3], ['MOVE', 'IN_PROCESS:ord_1', -2], ['MOVE', 'loc_a', 2],
      ]);
      expect(d.returnRequest?.row.quantity).toBe(1);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.returned.v1', 'inventory.stock.return-requested.v1']);
    });
  });

  it('units of a cancelled reservation other orders were promised since are recorded as put straight back', () => {
    // The cancel freed 4 units at loc_a and a backorder retry promised 3 of them to another order: only 1 may stay in
    // the tote, where no allocation counts on it; the other 3 are the promised orders' pickable cover.
    spec.given({ ...open, reservation: reservation({ status: 'CANCELLED' }), sourceFree: 4, sourceUnpromised: 1 }).when(pick(3)).then((d) => {
      expect(d.take?.quantity).toBe(1);
      expect(d.unpickable).toBe(1);
      expect(d.movements.map((m) => [m.type, m.locationId, m.deltaOnHand])).toEqual([
        ['PICK', 'loc_a', -3], ['PICK', 'IN_PROCESS:ord_1', 3], ['MOVE', 'IN_PROCESS:ord_1', -2], ['MOVE', 'loc_a', 2],
      ]);
      expect(d.returnRequest?.row.quantity).toBe(1);
    });
    // Nothing unpromised (or less than nothing: a count found units missing): every unit is put straight back.
    spec.given({ ...open, reservation: reservation({ status: 'CANCELLED' }), sourceFree: 4, sourceUnpromised: -2 }).when(pick(3)).then((d) => {
      expect(d.take).toBeUndefined();
      expect(d.returnRequest).toBeUndefined();
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.returned.v1']);
    });
  });

  it('does nothing for a pick of no units', () => {
    spec.given(open).when(pick(0)).then((d) => expect(d.movements).toEqual([]));
  });

  it('refuses a pick of a reservation that does not exist', () => {
    spec.given({ ...open, reservation: undefined }).when(pick(1)).thenRejects('NOT_FOUND');
  });

  it('refuses more than the reservation has open, or a pick of a closed one', () => {
    spec.given(open).when(pick(4)).thenRejects('QUANTITY_EXCEEDS_OPEN', { message: /exceeds the 3 open/ });
    spec.given({ ...open, reservation: reservation({ status: 'SHORT', shorted: 3 }) }).when(pick(1)).thenRejects('QUANTITY_EXCEEDS_OPEN');
  });
});
