import { describe, expect, it } from 'vitest';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideSubmitCount, type SubmitCountCommand, type SubmitCountState } from './decide.ts';

const spec = deciderSpec(decideSubmitCount);
const open = {
  id: 'cnt_1', site_id: SITE, owner_id: 'own_default', location_id: 'loc_a', sku: 'SKU-A', lot: '', status: 'OPEN' as const, origin: 'ON_DEMAND' as const,
  tolerance_units: 1, tolerance_percent: null,
};
// 10 on hand, the location under count (not pickable, its units in `unpickable`, paused), 4 of the SKU allocated.
const given: SubmitCountState = {
  count: open, first: undefined, balance: { on_hand: 10, reserved: 0 }, skuStock: { on_hand_available: 10, unpickable: 10, allocated: 4 }, pickable: false, paused: true,
};
const submit = (o: Partial<SubmitCountCommand> = {}): SubmitCountCommand => ({
  countId: 'cnt_1', attempt: 1, quantity: 9, workerId: 'alice', movementId: 'mov_c', ...o,
});
const types = (events: readonly { type: string }[]): string[] => events.map((e) => e.type);

describe('submit a count', () => {
  it('applies a variance within tolerance at once: one COUNT movement, the count COMPLETED', () => {
    spec.given(given).when(submit()).then((d) => {
      expect([d.status, d.closed]).toEqual(['COMPLETED', true]);
      expect(d.submission).toEqual({ attempt: 1, counted: 9, expected: 10, variance: -1, withinTolerance: true });
      expect(d.adjustment?.movement).toMatchObject({ type: 'COUNT', deltaOnHand: -1, reason: 'CYCLE_COUNT', reference: 'cnt_1', id: 'mov_c' });
      expect(d.adjustment?.unpickable).toBe(-1);
      expect(types(d.events)).toEqual([InventoryEvents.countSubmitted, InventoryEvents.countClosed]);
      expect(d.events[1]?.data).toMatchObject({ status: 'COMPLETED', applied: -1, movementId: 'mov_c' });
    });
  });

  it('closes an exact count with no movement', () => {
    spec.given(given).when(submit({ quantity: 10 })).then((d) => expect([d.status, d.adjustment]).toEqual(['COMPLETED', null]));
  });

  it('asks for a recount by another task when the first count is beyond tolerance; nothing is adjusted', () => {
    spec.given(given).when(submit({ quantity: 7 })).then((d) => {
      expect([d.status, d.closed, d.adjustment]).toEqual(['RECOUNT', false, null]);
      expect(types(d.events)).toEqual([InventoryEvents.countSubmitted, InventoryEvents.countRequested]);
      expect(d.events[1]?.data).toMatchObject({ attempt: 2, taskReference: 'cnt_1:recount' });
    });
  });

  it('names the first counter in the recount request, whose task is then never offered to them; a count by nobody named names nobody', () => {
    spec.given(given).when(submit({ quantity: 7, workerId: 'alice' })).then((d) => expect(d.events[1]?.data).toMatchObject({ excludedWorkerId: 'alice' }));
    spec.given(given).when(submit({ quantity: 7, workerId: null })).then((d) => expect(d.events[1]?.data).not.toHaveProperty('excludedWorkerId'));
  });

  it('asks for a manager when the recount is beyond tolerance too', () => {
    spec.given({ ...given, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' } }).when(submit({ attempt: 2, quantity: 7, workerId: 'bob' }))
      .then((d) => {
        expect([d.status, d.closed, d.adjustment]).toEqual(['AWAITING_APPROVAL', false, null]);
        expect(d.events.map((e) => (e.data as { result?: string }).result)).toEqual(['AWAITING_APPROVAL']);
      });
  });

  it('never applies a variance by itself when units were picked, received, moved or adjusted there since the attempt was asked for: recount, then a manager; an exact count closes', () => {
    // 10 on the books after a pick of 1: the counter who saw 11 before the pick is not taken for finding one.
    spec.given({ ...given, changedSince: 1 }).when(submit({ quantity: 11 })).then((d) => {
      expect([d.status, d.closed, d.adjustment]).toEqual(['RECOUNT', false, null]);
      expect(d.submission).toEqual({ attempt: 1, counted: 11, expected: 10, variance: 1, withinTolerance: false });
    });
    spec.given({ ...given, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' }, changedSince: 2 })
      .when(submit({ attempt: 2, quantity: 9, workerId: 'bob' })).then((d) => expect([d.status, d.adjustment]).toEqual(['AWAITING_APPROVAL', null]));
    spec.given({ ...given, changedSince: 3 }).when(submit({ quantity: 10 })).then((d) => expect([d.status, d.adjustment]).toEqual(['COMPLETED', null]));
  });

  it('applies a recount within tolerance', () => {
    spec.given({ ...given, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' } }).when(submit({ attempt: 2, quantity: 11, workerId: 'bob' }))
      .then((d) => expect([d.status, d.adjustment?.delta]).toEqual(['COMPLETED', 1]));
  });

  it('refuses the first counter as the recounter', () => {
    spec.given({ ...given, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' } }).when(submit({ attempt: 2 }))
      .thenRejects('RECOUNT_BY_SAME_COUNTER', { fields: ['/workerId'] });
    // A worker id ignores letter case (ADR 0019): ALICE is alice, whichever case the first count named.
    spec.given({ ...given, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' } }).when(submit({ attempt: 2, workerId: 'ALICE' }))
      .thenRejects('RECOUNT_BY_SAME_COUNTER', { fields: ['/workerId'] });
  });

  it('refuses another attempt than the one awaited, a closed or waiting count, an unknown one and a bad quantity', () => {
    spec.given(given).when(submit({ attempt: 2 })).thenRejects('COUNT_ATTEMPT_MISMATCH', { fields: ['/attempt'] });
    spec.given({ ...given, count: { ...open, status: 'AWAITING_APPROVAL' } }).when(submit()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: { ...open, status: 'COMPLETED' } }).when(submit()).thenRejects('ILLEGAL_TRANSITION');
    spec.given({ ...given, count: undefined }).when(submit()).thenRejects('NOT_FOUND');
    spec.given(given).when(submit({ quantity: -1 })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
  });

  it('refuses to apply a loss below the units reserved there or below what orders were promised', () => {
    spec.given({ ...given, balance: { on_hand: 10, reserved: 10 } }).when(submit()).thenRejects('INSUFFICIENT_STOCK', { message: /reserved/ });
    spec.given({ ...given, skuStock: { on_hand_available: 10, unpickable: 10, allocated: 10 } }).when(submit()).thenRejects('INSUFFICIENT_STOCK', { message: /allocated/ });
    // The counted units cover allocations once the count lets them go; units at the dock never do: 10 here + 5 at the
    // dock, 10 allocated, a loss of 1 would leave 9 pickable for 10 promised.
    spec.given({ ...given, skuStock: { on_hand_available: 15, unpickable: 15, allocated: 10 } }).when(submit()).thenRejects('INSUFFICIENT_STOCK', { message: /allocated/ });
    spec.given({ ...given, skuStock: { on_hand_available: 15, unpickable: 15, allocated: 9 } }).when(submit()).then((d) => expect(d.adjustment?.delta).toBe(-1));
  });

  it('never takes units found over the books by a lot-less count of a lot-controlled product as within tolerance: a recount, then a manager', () => {
    const lotted = { ...given, lotControlled: true };
    spec.given(lotted).when(submit({ quantity: 11 })).then((d) => expect([d.status, d.adjustment]).toEqual(['RECOUNT', null]));
    spec.given({ ...lotted, count: { ...open, status: 'RECOUNT' }, first: { worker_id: 'alice' } }).when(submit({ attempt: 2, quantity: 11, workerId: 'bob' }))
      .then((d) => expect([d.status, d.adjustment]).toEqual(['AWAITING_APPROVAL', null]));
    // A loss is applied as ever (the way out for lot-less units on hand), and a count under a lot finds more as ever.
    spec.given(lotted).when(submit({ quantity: 9 })).then((d) => expect(d.adjustment?.delta).toBe(-1));
    spec.given({ ...lotted, count: { ...open, lot: 'L1' } }).when(submit({ quantity: 11 })).then((d) => expect(d.adjustment?.key.lot).toBe('L1'));
  });

  it('expects the held units on the shelf too: a counter who finds them all adjusts nothing, a missing unit comes out of AVAILABLE', () => {
    const held = { ...given, heldThere: 4 };
    spec.given(held).when(submit({ quantity: 14 })).then((d) => {
      expect(d.submission).toEqual({ attempt: 1, counted: 14, expected: 14, variance: 0, withinTolerance: true });
      expect(d.adjustment).toBeNull();
    });
    spec.given(held).when(submit({ quantity: 13 })).then((d) => expect(d.adjustment?.key.status).toBe('AVAILABLE'));
    // More missing than AVAILABLE: the held units are the missing ones, which a count does not take out.
    spec.given({ ...held, balance: { on_hand: 0, reserved: 0 }, skuStock: { on_hand_available: 0, unpickable: 0, allocated: 0 } })
      .when(submit({ quantity: 3 })).thenRejects('INSUFFICIENT_STOCK', { message: /held/ });
  });

  it("takes units found over the shelf's as a lost LPN's there first: on the books already (HOLD), never added again (lpn7)", () => {
    const lost = { ...given, lostThere: 6 };
    // The LPN was there after all: its 6 units found with the 10 on the shelf, nothing to adjust.
    spec.given(lost).when(submit({ quantity: 16 })).then((d) => {
      expect(d.submission).toEqual({ attempt: 1, counted: 16, expected: 16, variance: 0, withinTolerance: true });
      expect(d.adjustment).toBeNull();
    });
    // One more than the shelf and the lost LPN: that one is found stock.
    spec.given(lost).when(submit({ quantity: 17 })).then((d) => expect([d.submission.expected, d.adjustment?.delta]).toEqual([16, 1]));
    // Some of it there: expected as found, nothing added.
    spec.given(lost).when(submit({ quantity: 12 })).then((d) => expect([d.submission.expected, d.adjustment]).toEqual([12, null]));
    // Missing as reported: the shelf's units are expected, not the lost LPN's.
    spec.given(lost).when(submit({ quantity: 9 })).then((d) => expect([d.submission.expected, d.adjustment?.delta]).toEqual([10, -1]));
  });
});
