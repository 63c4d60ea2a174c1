import { describe, expect, it } from 'vitest';
import type { UnitsShortAtPack } from '../../../../contracts/pack-ship.ts';
import { EventNotReady } from '../../../../platform/bus/not-ready.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { allocation, SITE } from '../decider-fixtures.ts';
import { decideWriteOffAtPack, type WriteOffAtPackState } from './decide.ts';

const spec = deciderSpec(decideWriteOffAtPack);
const key = (lot: string) => ({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId: 'IN_PROCESS:ord_1', lot, status: 'AVAILABLE' as const });
const picked: WriteOffAtPackState = { allocations: [allocation({ requested: 3, allocated: 3 })], tote: [{ key: key('L1'), free: 1 }, { key: key('L2'), free: 2 }], openReturns: [],
  putBack: [], picksPending: false };
const short = (quantity: number, reason: 'MISSING' | 'DAMAGED' = 'MISSING'): UnitsShortAtPack & { movementIds: string[] } => ({
  orderId: 'ord_1', siteId: SITE, lineId: 'l1', sku: 'SKU-A', quantity, reason, toteId: null, note: null, movementIds: ['mov_1', 'mov_2'],
});

describe('units shorted at packing', () => {
  it('leave the tote lot by lot (ADJUST, LOST for missing units) and release as much of their allocation', () => {
    spec.given(picked).when(short(2)).then((d) => {
      expect(d.takes).toEqual([{ key: key('L1'), quantity: 1 }, { key: key('L2'), quantity: 1 }]);
      expect(d.movements.map((m) => [m.id, m.type, m.reason, m.deltaOnHand, m.deltaAllocated ?? 0, m.reference])).toEqual([
        ['mov_1', 'ADJUST', 'LOST', -1, -2, 'ord_1'], ['mov_2', 'ADJUST', 'LOST', -1, 0, 'ord_1'],
      ]);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 1, shipped: 0, status: 'ALLOCATED' }]);
      expect(d.released).toBe(2);
      expect(d.events.map((e) => e.data)).toEqual([
        expect.objectContaining({ delta: -1, reason: 'LOST', movementId: 'mov_1' }), expect.objectContaining({ delta: -1, reason: 'LOST', movementId: 'mov_2' }),
      ]);
    });
  });

  it('damaged units are adjusted out as DAMAGED; a line with nothing left allocated nor shipped is CANCELLED', () => {
    spec.given(picked).when(short(3, 'DAMAGED')).then((d) => {
      expect(d.movements.map((m) => m.reason)).toEqual(['DAMAGED', 'DAMAGED']);
      expect(d.allocationChanges[0]).toMatchObject({ allocated: 0, status: 'CANCELLED' });
    });
  });

  it('a shipComplete order\'s units, picked again (ADR 0024 addendum 2026-12-07): the line stays ALLOCATED with nothing left, for the recovery', () => {
    spec.given(picked).when({ ...short(3, 'DAMAGED'), repick: true }).then((d) => {
      expect(d.released).toBe(3);
      expect(d.allocationChanges).toEqual([{ orderId: 'ord_1', lineId: 'l1', allocated: 0, shipped: 0, status: 'ALLOCATED' }]);
    });
  });

  it('units the tote does not hold yet (picks not heard) wait: EventNotReady', () => {
    expect(() => decideWriteOffAtPack(picked, short(4), new Date())).toThrow(EventNotReady);
  });

  it('heard after the order\'s cancel: units no return waits for go first, then the returns waiting for the rest shrink or end CANCELLED', () => {
    const ret = (id: string, lot: string, quantity: number, returned = 0) => ({ id, owner_id: 'own_default', lot, quantity, returned, from_location_id: 'IN_PROCESS:ord_1' });
    const cancelled = { ...picked, allocations: [allocation({ requested: 3, allocated: 0, status: 'CANCELLED' })], openReturns: [ret('rtn_1', 'L1', 1), ret('rtn_2', 'L2', 3, 2)] };
    spec.given(cancelled).when(short(2)).then((d) => {
      // L2 holds 2, its return waits for 1 of them: the free one goes first, then L1's unit off its return.
      expect(d.takes).toEqual([{ key: key('L1'), quantity: 1 }, { key: key('L2'), quantity: 1 }]);
      expect(d.returnShrinks).toEqual([{ id: 'rtn_1', quantity: 1, status: 'CANCELLED' }]);
      expect(d.unpickable).toBe(1);
      expect(d.released).toBe(0);
      expect(d.events.map((e) => [e.type, e.data])).toContainEqual(['inventory.stock.return-cancelled.v1',
        expect.objectContaining({ returnId: 'rtn_1', writtenOff: 0, returned: 0, movementId: 'mov_1', reason: 'Units shorted at packing' })]);
    });
    spec.given(cancelled).when(short(3)).then((d) => {
      expect(d.returnShrinks).toEqual([{ id: 'rtn_1', quantity: 1, status: 'CANCELLED' }, { id: 'rtn_2', quantity: 3, status: 'CANCELLED' }]);
      expect(d.unpickable).toBe(2);
    });
    spec.given({ ...cancelled, openReturns: [ret('rtn_2', 'L2', 2)] }).when(short(2)).then((d) => {
      expect(d.returnShrinks).toEqual([{ id: 'rtn_2', quantity: 1, status: 'OPEN' }]);
      expect(d.unpickable).toBe(1);
      expect(d.events.filter((e) => e.type !== 'inventory.stock.adjusted.v1')).toEqual([]);
    });
  });

  it('heard after a return put every unit back: the units missing come off where the return put them (ADJUST there), the rest is recounted', () => {
    const shelf = (locationId: string) => ({ siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', locationId, lot: '', status: 'AVAILABLE' as const });
    const put = (locationId: string, quantity: number, onHand: number, reserved = 0, pickable = true) => ({ key: shelf(locationId), quantity, balance: { on_hand: onHand, reserved }, at: { pickable, paused: false } });
    const emptied: WriteOffAtPackState = {
      allocations: [allocation({ requested: 3, allocated: 0, status: 'CANCELLED' })], tote: [{ key: key(''), free: 0 }], openReturns: [],
      putBack: [put('LOC-B', 1, 5), put('LOC-A', 2, 8)], picksPending: false, skuStock: { on_hand_available: 13, unpickable: 0, allocated: 0 },
    };
    const late = { ...short(2), putBackMovementIds: ['mov_b', 'mov_a'] };
    spec.given(emptied).when(late).then((d) => {
      expect(d.takes).toEqual([]);
      expect(d.putBackTakes).toEqual([{ key: shelf('LOC-B'), quantity: 1, unpickable: 0 }, { key: shelf('LOC-A'), quantity: 1, unpickable: 0 }]);
      expect(d.movements.map((m) => [m.id, m.type, m.locationId, m.deltaOnHand, m.reason, m.reference])).toEqual([
        ['mov_b', 'ADJUST', 'LOC-B', -1, 'LOST', 'ord_1'], ['mov_a', 'ADJUST', 'LOC-A', -1, 'LOST', 'ord_1'],
      ]);
      expect(d.recount).toBeNull();
    });
    // Units at a staging area leave its unpickable count with them.
    spec.given({ ...emptied, putBack: [put('STAGE', 3, 3, 0, false)], skuStock: { on_hand_available: 13, unpickable: 3, allocated: 10 } }).when(late).then((d) => {
      expect(d.putBackTakes).toEqual([{ key: shelf('STAGE'), quantity: 2, unpickable: -2 }]);
    });
    // Promised since (every unit allocated): nothing written off, a count of the SKU there is opened.
    spec.given({ ...emptied, skuStock: { on_hand_available: 13, unpickable: 0, allocated: 13 } }).when(late).then((d) => {
      expect(d.putBackTakes).toEqual([]);
      expect(d.recount).toEqual({ locationId: 'LOC-B', units: 2 });
    });
    // More units than the returns put back, or a pick of the order still to come: the picks are waited for.
    expect(() => decideWriteOffAtPack(emptied, { ...short(4), putBackMovementIds: ['mov_b', 'mov_a'] }, new Date())).toThrow(EventNotReady);
    expect(() => decideWriteOffAtPack({ ...emptied, picksPending: true }, late, new Date())).toThrow(EventNotReady);
  });
});
