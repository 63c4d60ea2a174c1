import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideHold, type HoldCommand, type HoldState } from './decide.ts';

const spec = deciderSpec(decideHold);
const shelf = location({ id: 'loc_shelf', code: 'A-01' });
// 10 on hand at the shelf, 2 of them reserved; the SKU has 10 AVAILABLE, none elsewhere, 3 allocated.
const given: HoldState = {
  product: { sku: 'SKU-A' }, location: shelf, pickable: true, paused: false,
  balance: { on_hand: 10, reserved: 2 }, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 3 },
};
const hold = (o: Partial<HoldCommand> = {}): HoldCommand => ({
  siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', quantity: 4, status: 'QUARANTINE', reason: 'supplier recall 42', movementId: 'mov_1', ...o,
});

describe('hold stock', () => {
  it('moves units from AVAILABLE to the held status: two HOLD movements, ATP down by the quantity', () => {
    spec.given(given).when(hold()).then((d) => {
      expect(d.fromKey.status).toBe('AVAILABLE');
      expect(d.toKey.status).toBe('QUARANTINE');
      expect(d.availableDelta).toBe(-4);
      expect(d.unpickableDelta).toBe(0);
      expect(d.movements.map((m) => [m.type, m.status, m.deltaOnHand, m.reason])).toEqual([
        ['HOLD', 'AVAILABLE', -4, 'supplier recall 42'], ['HOLD', 'QUARANTINE', 4, 'supplier recall 42']]);
      expect(d.events[0]?.data).toMatchObject({ status: 'QUARANTINE', quantity: 4, movementId: 'mov_1' });
    });
  });

  it('takes held units at a non-pickable location out of unpickable as well', () => {
    spec.given({ ...given, pickable: false, skuStock: { on_hand_available: 10, unpickable: 10, allocated: 0 } }).when(hold())
      .then((d) => expect([d.availableDelta, d.unpickableDelta]).toEqual([-4, -4]));
  });

  it('refuses units reserved for picking', () => {
    spec.given(given).when(hold({ quantity: 9 })).thenRejects('STOCK_RESERVED', { fields: ['/quantity'] });
  });

  it('refuses units promised to orders: pickable AVAILABLE − allocated must cover the hold', () => {
    spec.given({ ...given, balance: { on_hand: 10, reserved: 0 } }).when(hold({ quantity: 8 })).thenRejects('STOCK_ALLOCATED');
    // 4 of the 10 sit at a dock: only 6 − 3 = 3 pickable units are unpromised.
    spec.given({ ...given, skuStock: { on_hand_available: 10, unpickable: 4, allocated: 3 } }).when(hold()).thenRejects('STOCK_ALLOCATED');
    spec.given({ ...given, skuStock: { on_hand_available: 10, unpickable: 4, allocated: 3 } }).when(hold({ quantity: 3 }))
      .then((d) => expect(d.quantity).toBe(3));
  });

  it('units of expired lots cover no allocation: good units they would leave uncovered are refused, the expired ones may be held', () => {
    // 10 pickable, 4 of them of an expired lot; 6 allocated: the 6 good units all cover orders.
    const expiring: HoldState = { ...given, balance: { on_hand: 6, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 6, expired_free: 4 } };
    spec.given(expiring).when(hold({ quantity: 1 })).thenRejects('STOCK_ALLOCATED', { message: /0 unpromised/ });
    spec.given({ ...expiring, skuStock: { ...expiring.skuStock!, allocated: 5 } }).when(hold({ quantity: 1 })).then((d) => expect(d.quantity).toBe(1));
    spec.given({ ...expiring, balance: { on_hand: 4, reserved: 0 }, hereExpired: true }).when(hold({ quantity: 4 })).then((d) => expect(d.quantity).toBe(4));
    // Expired units leave under the rule as it was: the pickable on-hand (theirs included) still covers what is allocated.
    spec.given({ ...expiring, balance: { on_hand: 4, reserved: 0 }, hereExpired: true, skuStock: { ...expiring.skuStock!, allocated: 8 } })
      .when(hold({ quantity: 4 })).thenRejects('STOCK_ALLOCATED', { message: /2 unpromised/ });
  });

  it('refuses more than the AVAILABLE on-hand, an unknown SKU or location, a bad quantity and a blank reason', () => {
    spec.given(given).when(hold({ quantity: 11 })).thenRejects('INSUFFICIENT_STOCK');
    spec.given({ ...given, balance: undefined }).when(hold()).thenRejects('INSUFFICIENT_STOCK');
    spec.given({ ...given, product: undefined }).when(hold()).thenRejects('UNKNOWN_SKU');
    spec.given({ ...given, location: undefined }).when(hold()).thenRejects('UNKNOWN_LOCATION', { fields: ['/locationId'] });
    spec.given(given).when(hold({ quantity: 0 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
    spec.given(given).when(hold({ reason: '  ' })).thenRejects('VALIDATION_FAILED', { fields: ['/reason'] });
  });

  it('at a location a count pauses, refuses units that cover allocations once the count lets go', () => {
    // 10 here (paused, in unpickable) + 5 on another shelf + 5 at the dock; 15 allocated: nothing here may be held.
    const paused: HoldState = { ...given, pickable: false, paused: true, balance: { on_hand: 10, reserved: 0 },
      skuStock: { on_hand_available: 20, unpickable: 15, allocated: 15 } };
    spec.given(paused).when(hold({ quantity: 1 })).thenRejects('STOCK_ALLOCATED');
    spec.given({ ...paused, skuStock: { ...paused.skuStock!, allocated: 12 } }).when(hold({ quantity: 3 })).then((d) => expect(d.fromKey.status).toBe('AVAILABLE'));
  });
});
