import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { location, SITE } from '../decider-fixtures.ts';
import type { HoldState } from '../hold-stock/decide.ts';
import { decideLpnFound, decideLpnLostHold, type LpnFoundState, type LpnLostHoldCommand } from './decide.ts';

const shelf = location({ id: 'loc_shelf', code: 'A-01' });
// 10 on hand at the shelf, 2 reserved for picking; the SKU has 10 AVAILABLE and 3 promised to orders.
const given: HoldState = { product: { sku: 'SKU-A' }, location: shelf, pickable: true, paused: false, balance: { on_hand: 10, reserved: 2 },
  skuStock: { on_hand_available: 10, unpickable: 0, allocated: 3 } };
const lost = (quantity: number): LpnLostHoldCommand => ({
  lpnId: 'lpn_1', lossEventId: 'evt_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: '', quantity, movementId: 'mov_1',
});

describe('a lost LPN (inventory side)', () => {
  it('given free units, when an LPN holding 4 is lost, then 4 go AVAILABLE → HOLD with reason LPN_LOST <lpn>', () => {
    deciderSpec(decideLpnLostHold).given(given).when(lost(4)).then((d) => {
      expect(d.held).toBe(4);
      expect(d.change?.movements.map((m) => [m.type, m.status, m.deltaOnHand, m.reason])).toEqual([
        ['HOLD', 'AVAILABLE', -4, 'LPN_LOST lpn_1'], ['HOLD', 'HOLD', 4, 'LPN_LOST lpn_1'],
      ]);
    });
  });

  it('holds no more than the hold rules allow: reserved units and units promised to orders stay with them', () => {
    // 10 − 2 reserved = 8 at the shelf; 10 − 3 allocated = 7 for the SKU: 7 held of the 10 the LPN had.
    deciderSpec(decideLpnLostHold).given(given).when(lost(10)).then((d) => {
      expect(d.held).toBe(7);
      expect(d.placed.data).toMatchObject({ lpnId: 'lpn_1', lossEventId: 'evt_1', requested: 10, held: 7, shortfall: 3, movementId: 'mov_1' });
    });
    deciderSpec(decideLpnLostHold).given({ ...given, balance: undefined }).when(lost(10)).then((d) => {
      expect([d.held, d.change]).toEqual([0, null]);
      expect(d.placed).toMatchObject({ type: 'inventory.lpn-hold.placed.v1', subject: 'lpn_1', data: { requested: 10, held: 0, shortfall: 10, movementId: null } });
    });
    deciderSpec(decideLpnLostHold).given({ ...given, skuStock: { on_hand_available: 10, unpickable: 0, allocated: 10 } }).when(lost(5))
      .then((d) => expect([d.held, d.change, d.placed.data]).toEqual([0, null, expect.objectContaining({ shortfall: 5 })]));
  });
});

describe('a lost LPN found (inventory side)', () => {
  const key = { siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'loc_shelf', lot: '' };
  const state: LpnFoundState = {
    hold: { lpnId: 'lpn_1', held: 6, key }, heldThere: { on_hand: 8, expires_on: null, first_received_at: new Date(0) }, heldHere: undefined,
    fromPickable: true, toPickable: true,
  };
  const cmd = { locationId: 'loc_other', moveId: 'mov_m', releaseId: 'mov_r' };

  it('elsewhere: the held units move there on HOLD (MOVE, purpose LPN_FOUND), then are released there', () => {
    deciderSpec(decideLpnFound).given(state).when(cmd).then((d) => {
      expect(d.quantity).toBe(6);
      expect(d.move?.movements.map((m) => [m.type, m.locationId, m.status, m.deltaOnHand])).toEqual([
        ['MOVE', 'loc_shelf', 'HOLD', -6], ['MOVE', 'loc_other', 'HOLD', 6],
      ]);
      expect(d.move?.events[0]?.data).toMatchObject({ purpose: 'LPN_FOUND', status: 'HOLD', quantity: 6, toLocationId: 'loc_other' });
      expect(d.release?.movements.map((m) => [m.type, m.locationId, m.status, m.deltaOnHand])).toEqual([
        ['RELEASE', 'loc_other', 'HOLD', -6], ['RELEASE', 'loc_other', 'AVAILABLE', 6],
      ]);
      expect(d.release?.availableDelta).toBe(6);
    });
  });

  it('where it was lost: released in place; no more than still held there (a count found fewer); nothing when none is', () => {
    deciderSpec(decideLpnFound).given(state).when({ ...cmd, locationId: 'loc_shelf' }).then((d) => {
      expect([d.quantity, d.move]).toEqual([6, null]);
      expect(d.release?.movements.map((m) => m.deltaOnHand)).toEqual([-6, 6]);
    });
    deciderSpec(decideLpnFound).given({ ...state, heldThere: { ...state.heldThere!, on_hand: 2 } }).when(cmd).then((d) => expect(d.quantity).toBe(2));
    deciderSpec(decideLpnFound).given({ ...state, heldThere: undefined }).when(cmd).then({ quantity: 0, move: null, release: null });
  });

  it('never takes the HOLD units an open quality inspection owns where it was lost', () => {
    // 8 on HOLD there: the LPN's 6 on the books, an inspection's 4 (2 of the LPN's went missing meanwhile).
    deciderSpec(decideLpnFound).given({ ...state, heldByInspections: 4 }).when(cmd).then((d) => expect(d.quantity).toBe(4));
    deciderSpec(decideLpnFound).given({ ...state, heldByInspections: 8 }).when(cmd).then({ quantity: 0, move: null, release: null });
  });

  it('found where nobody picks: released, but not promised (unpickable)', () => {
    deciderSpec(decideLpnFound).given({ ...state, toPickable: false }).when(cmd).then((d) => expect(d.release?.unpickableDelta).toBe(6));
  });
});
