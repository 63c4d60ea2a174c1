import { describe, expect, it } from 'vitest';
import type { LineShorted } from '../../../../contracts/picking.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, reservation, SITE } from '../decider-fixtures.ts';
import { decideShort, type ShortCommand, type ShortState } from './decide.ts';

const spec = deciderSpec(decideShort);
const open: ShortState = { reservation: reservation(), allocation: allocation({ requested: 3, allocated: 3 }), pickable: true };
const short = (shortQuantity: number, reason: LineShorted['reason']): ShortCommand => ({
  pickListId: 'pkl_1', pickLineId: 'pln_1', orderId: 'ord_1', lineId: 'l1', reservationId: 'rsv_1', siteId: SITE, sku: 'SKU-A',
  locationId: 'loc_a', lot: null, shortQuantity, reason, movementId: 'mov_adj',
});

describe('shorting a line', () => {
  it('NOT_FOUND: unreserves, deallocates and adjusts the missing units away (SHORT_PICK)', () => {
    spec.given(open).when(short(2, 'NOT_FOUND')).then((d) => {
      expect(d.unreserve?.quantity).toBe(2);
      expect(d.reservationChange).toEqual({ id: 'rsv_1', picked: 0, shorted: 2, status: 'OPEN' });
      expect(d.release).toMatchObject({ sku: 'SKU-A', quantity: 2, change: { allocated: 1, status: 'ALLOCATED' } });
      expect(d.remove).toEqual({ key: { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: '', status: 'AVAILABLE' }, quantity: 2,
        unpickable: 0 });
      expect(d.movements.map((m) => [m.type, m.reason])).toEqual([['UNRESERVE', 'SHORT_NOT_FOUND'], ['DEALLOCATE', 'SHORT_PICK'],
        ['ADJUST', 'SHORT_PICK']]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.stock.deallocated.v1', 'inventory.stock.adjusted.v1']);
      expect(d.events[1]?.data).toMatchObject({ delta: -2, movementId: 'mov_adj' });
    });
  });

  it('OTHER: the units stay on hand; the reservation ends SHORT when nothing is left open', () => {
    spec.given(open).when(short(5, 'OTHER')).then((d) => {
      expect(d.remove).toBeUndefined();
      expect(d.reservationChange).toEqual({ id: 'rsv_1', picked: 0, shorted: 3, status: 'SHORT' });
    });
  });

  it('does nothing on a reservation no longer open', () => {
    spec.given({ ...open, reservation: reservation({ status: 'CANCELLED' }) }).when(short(1,
      'DAMAGED')).then((d) => expect(d.movements).toEqual([]));
  });

  it('refuses a short of a reservation that does not exist', () => {
    spec.given({ ...open, reservation: undefined }).when(short(1, 'OTHER')).thenRejects('NOT_FOUND');
  });
});
