import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import { decideAdjust, type AdjustCommand, type AdjustState } from './decide.ts';

const spec = deciderSpec(decideAdjust);
const stocked: AdjustState = {
  product: { sku: 'SKU-A', lotControlled: false }, location: location(), pickable: true, paused: false,
  balance: { on_hand: 10, reserved: 4 }, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 3 },
};
const adjustment = (o: Partial<AdjustCommand> = {}): AdjustCommand => ({
  siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', delta: -2, reason: 'DAMAGED', movementId: 'mov_1', ...o,
});

describe('adjust', () => {
  it('removes unreserved, unallocated units with one ADJUST movement', () => {
    spec.given(stocked).when(adjustment({ delta: -6 })).then((d) => {
      expect(d.delta).toBe(-6);
      expect(d.movements).toEqual([{ id: 'mov_1', type: 'ADJUST', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_a', lot: '',
        deltaOnHand: -6, reason: 'DAMAGED', reference: 'mov_1' }]);
    });
  });

  it('adds units where there is no balance yet; at a blocked location they are unpickable', () => {
    spec.given({ ...stocked, pickable: false, balance: undefined, skuStock: undefined }).when(adjustment({ delta: 3, reason: 'FOUND' }))
      .then((d) => expect(d.unpickable).toBe(3));
  });

  it('refuses a zero delta', () => {
    spec.given(stocked).when(adjustment({ delta: 0 })).thenRejects('VALIDATION_FAILED', { fields: ['/delta'] });
  });

  it('refuses an unknown SKU and an unknown location', () => {
    spec.given({ ...stocked, product: undefined }).when(adjustment()).thenRejects('UNKNOWN_SKU');
    spec.given({ ...stocked, location: undefined }).when(adjustment()).thenRejects('UNKNOWN_LOCATION', { fields: ['/locationId'] });
  });

  it('refuses to take on-hand below what is reserved there, or a balance that does not exist', () => {
    spec.given(stocked).when(adjustment({ delta: -7 })).thenRejects('INSUFFICIENT_STOCK', { message: /below reserved/ });
    spec.given({ ...stocked, balance: undefined }).when(adjustment()).thenRejects('INSUFFICIENT_STOCK', { message: /below reserved/ });
  });

  it('refuses to take the SKU below what is allocated to orders', () => {
    spec.given({ ...stocked, skuStock: { on_hand_available: 4, unpickable: 0, allocated: 3 } }).when(adjustment({ delta: -2 }))
      .thenRejects('INSUFFICIENT_STOCK', { message: /allocated to orders/ });
  });

  it('refuses to take the pickable units below what is allocated, whatever waits at the dock (found by the property test)', () => {
    // 10 on hand: 4 at a receiving dock, 6 here; 5 allocated. Removing 2 here would leave 4 pickable for 5 promised.
    const withDock: AdjustState = { ...stocked, balance: { on_hand: 6, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 4, allocated: 5 } };
    spec.given(withDock).when(adjustment({ delta: -2 })).thenRejects('INSUFFICIENT_STOCK', { message: /allocated to orders/ });
    spec.given(withDock).when(adjustment({ delta: -1 })).then((d) => expect(d.delta).toBe(-1));
    // At the dock itself the pickable units stay as they are.
    spec.given({ ...withDock, pickable: false, balance: { on_hand: 4, reserved: 0 } }).when(adjustment({ delta: -4 }))
      .then((d) => expect(d.unpickable).toBe(-4));
  });

  it('at a location a count pauses, its units still cover allocations: a removal there may not leave them uncovered once the count lets go (found by the property test)', () => {
    // 20 AVAILABLE: 10 at this shelf (under count, in unpickable), 5 on another shelf, 5 at the dock (unpickable); 15
    // promised before the count opened. Removing 2 here leaves 13 pickable once the count closes: refused. 1 leaves 15.
    const paused: AdjustState = { ...stocked, pickable: false, paused: true, balance: { on_hand: 10, reserved: 0 },
      skuStock: { on_hand_available: 20, unpickable: 15, allocated: 15 } };
    spec.given(paused).when(adjustment({ delta: -2 })).thenRejects('INSUFFICIENT_STOCK', { message: /allocated/ });
    spec.given({ ...paused, skuStock: { ...paused.skuStock!, allocated: 13 } }).when(adjustment({ delta: -2 })).then((d) => expect(d.unpickable).toBe(-2));
    // At the dock (not paused: nothing there covers an allocation) the same removal only needs on-hand above allocated.
    spec.given({ ...paused, paused: false }).when(adjustment({ delta: -2 })).then((d) => expect(d.unpickable).toBe(-2));
  });

  it('units of expired lots cover no allocation: a removal of good units they would leave uncovered is refused, of expired ones allowed', () => {
    const expiring: AdjustState = { ...stocked, balance: { on_hand: 6, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 6, expired_free: 4 } };
    spec.given(expiring).when(adjustment({ delta: -1 })).thenRejects('INSUFFICIENT_STOCK', { message: /allocated/ });
    spec.given({ ...expiring, balance: { on_hand: 4, reserved: 0 }, hereExpired: true }).when(adjustment({ delta: -4 })).then((d) => expect(d.delta).toBe(-4));
  });

  it('refuses units added under a lot for a product that is not lot-controlled, where no units of that lot are on hand', () => {
    const plain = { sku: 'SKU-A', lotControlled: false };
    spec.given({ ...stocked, product: plain, balance: undefined }).when(adjustment({ delta: 3, reason: 'FOUND', lot: 'L1' }))
      .thenRejects('UNPROCESSABLE', { message: /not lot-controlled/, fields: ['/lot'] });
    spec.given({ ...stocked, product: plain, balance: { on_hand: 0, reserved: 0 } }).when(adjustment({ delta: 3, reason: 'FOUND', lot: 'L1' }))
      .thenRejects('UNPROCESSABLE', { fields: ['/lot'] });
  });

  it('units already on hand under a lot stay addressable by it when the product is no longer lot-controlled (taken out, or found more of)', () => {
    const plain = { sku: 'SKU-A', lotControlled: false };
    spec.given({ ...stocked, product: plain }).when(adjustment({ delta: -2, lot: 'L1' })).then((d) => expect(d.key.lot).toBe('L1'));
    spec.given({ ...stocked, product: plain }).when(adjustment({ delta: 2, reason: 'FOUND', lot: 'L1' })).then((d) => expect(d.key.lot).toBe('L1'));
  });

  it('refuses units added without a lot for a lot-controlled product, where none are on hand and where lot-less units already are', () => {
    const lotted = { sku: 'SKU-A', lotControlled: true };
    spec.given({ ...stocked, product: lotted, balance: undefined }).when(adjustment({ delta: 3, reason: 'FOUND' }))
      .thenRejects('UNPROCESSABLE', { message: /lot-controlled: give the lot/, fields: ['/lot'] });
    spec.given({ ...stocked, product: lotted }).when(adjustment({ delta: 3, reason: 'FOUND', lot: '' }))
      .thenRejects('UNPROCESSABLE', { fields: ['/lot'] });
    spec.given({ ...stocked, product: lotted, balance: undefined }).when(adjustment({ delta: 3, reason: 'FOUND', lot: 'L1' }))
      .then((d) => expect(d.key.lot).toBe('L1'));
  });

  it('lot-less units of a product made lot-controlled later can still be taken out (the way out)', () => {
    const lotted = { sku: 'SKU-A', lotControlled: true };
    spec.given({ ...stocked, product: lotted }).when(adjustment({ delta: -2 })).then((d) => {
      expect(d.key.lot).toBe('');
      expect(d.delta).toBe(-2);
    });
  });
});
