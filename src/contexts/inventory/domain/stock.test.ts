import { describe, expect, it } from 'vitest';
import {
  ALLOCATION_TRANSITIONS, RESERVATION_TRANSITIONS, allocationLifecycle, freedStock, fromLotKey, inProcessLocation, isExpired, isInProcess,
  openQuantity, recoverableStock, RETURN_TRANSITIONS, returnLifecycle, reservationLifecycle, reservationStatusAfter, shortRemovesStock, toLotKey, type FreedStock, type FreeingEvent,
} from './stock.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** Partial payloads are enough for the rule; the envelope's type still narrows them in the code under test. */
const freed = (type: string, data: object): FreedStock | undefined => freedStock({ type, data } as FreeingEvent);

const canTransition = <S extends string>(table: Record<S, readonly S[]>, from: S, to: S): boolean => defineLifecycle('test', table, []).can(from, to);

describe('stock rules', () => {
  it('maps "no lot" to the empty key and back', () => {
    expect(toLotKey(undefined)).toBe('');
    expect(toLotKey(null)).toBe('');
    expect(fromLotKey('')).toBeNull();
    expect(fromLotKey('L1')).toBe('L1');
  });

  it('in-process stock sits on a per-order pseudo-location', () => {
    expect(inProcessLocation('ord_1')).toBe('IN_PROCESS:ord_1');
    expect(isInProcess('IN_PROCESS:ord_1')).toBe(true);
    expect(isInProcess('loc_1')).toBe(false);
  });

  it('a reservation stays open until every unit is picked or short', () => {
    expect(openQuantity({ quantity: 5, picked: 2, shorted: 1 })).toBe(2);
    expect(reservationStatusAfter({ quantity: 5, picked: 2, shorted: 0 })).toBe('OPEN');
    expect(reservationStatusAfter({ quantity: 5, picked: 5, shorted: 0 })).toBe('PICKED');
    expect(reservationStatusAfter({ quantity: 5, picked: 3, shorted: 2 })).toBe('SHORT');
  });

  it('transition tables: terminal states are final', () => {
    expect(canTransition(ALLOCATION_TRANSITIONS, 'ALLOCATED', 'SHIPPED')).toBe(true);
    expect(canTransition(ALLOCATION_TRANSITIONS, 'CANCELLED', 'ALLOCATED')).toBe(false);
    expect(canTransition(ALLOCATION_TRANSITIONS, 'BACKORDERED', 'SHIPPED')).toBe(false);
    expect(canTransition(ALLOCATION_TRANSITIONS, 'BACKORDERED', 'ALLOCATED')).toBe(true);
    expect(canTransition(RESERVATION_TRANSITIONS, 'OPEN', 'PICKED')).toBe(true);
    expect(canTransition(RESERVATION_TRANSITIONS, 'PICKED', 'OPEN')).toBe(false);
    expect(canTransition(RETURN_TRANSITIONS, 'OPEN', 'OPEN')).toBe(true);
    expect(canTransition(RETURN_TRANSITIONS, 'COMPLETED', 'OPEN')).toBe(false);
  });

  it('only NOT_FOUND and DAMAGED short picks remove the stock', () => {
    expect(shortRemovesStock('NOT_FOUND')).toBe(true);
    expect(shortRemovesStock('DAMAGED')).toBe(true);
    expect(shortRemovesStock('OTHER')).toBe(false);
  });

  it('a lot is expired from the day after its expiry date', () => {
    expect(isExpired(null, '2024-05-01')).toBe(false);
    expect(isExpired('2024-05-01', '2024-05-01')).toBe(false);
    expect(isExpired('2024-04-30', '2024-05-01')).toBe(true);
  });

  it('receipts, positive adjustments and deallocations free stock worth a backorder retry', () => {
    expect(freed('inventory.stock.received.v1', { siteId: 's', sku: 'A', locationId: 'p', quantity: 2 })).toEqual({ siteId: 's', skus: ['A'], arrivedAt: ['p'] });
    expect(freed('inventory.stock.adjusted.v1', { siteId: 's', sku: 'A', locationId: 'p', delta: 1 })).toEqual({ siteId: 's', skus: ['A'], arrivedAt: ['p'] });
    expect(freed('inventory.stock.adjusted.v1', { siteId: 's', sku: 'A', delta: -1 })).toBeUndefined();
    expect(freed('inventory.stock.deallocated.v1', { siteId: 's', orderId: 'o', lines: [{ lineId: 'l1', sku: 'B', quantity: 1 }, { lineId: 'l2', sku: 'A', quantity: 2 }] }))
      .toEqual({ siteId: 's', skus: ['A', 'B'], arrivedAt: [] });
    expect(freed('inventory.stock.deallocated.v1', { siteId: 's', orderId: 'o', lines: [] })).toBeUndefined();
    // Units of a cancelled order put back from its tote (where nobody could promise them).
    expect(freed('inventory.stock.returned.v1', { siteId: 's', orderId: 'o', lines: [{ sku: 'B', locationId: 'l', lot: null, quantity: 2 }] }))
      .toEqual({ siteId: 's', skus: ['B'], arrivedAt: ['l'] });
    // Only the six freeing types reach it (typed at the subscription): anything else is a programming error.
    expect(() => freed('inventory.stock.shipped.v1', {})).toThrow();
  });

  it('a move frees stock only when AVAILABLE units go from a non-pickable location to a pickable one', () => {
    const move = { siteId: 's', sku: 'A', lot: null, status: 'AVAILABLE', quantity: 3, fromLocationId: 'r', toLocationId: 'p', fromPickable: false, toPickable: true, movementId: 'm' };
    expect(freed('inventory.stock.moved.v1', move)).toEqual({ siteId: 's', skus: ['A'], arrivedAt: ['p'] });
    expect(freed('inventory.stock.moved.v1', { ...move, fromPickable: true })).toBeUndefined();
    expect(freed('inventory.stock.moved.v1', { ...move, toPickable: false })).toBeUndefined();
    expect(freed('inventory.stock.moved.v1', { ...move, status: 'HOLD' })).toBeUndefined();
  });

  it('a waiting short is retried on freed stock and on AVAILABLE units moved into a pickable location from anywhere', () => {
    const move = { siteId: 's', sku: 'A', lot: null, status: 'AVAILABLE', quantity: 3, fromLocationId: 'r', toLocationId: 'p', fromPickable: true, toPickable: true, movementId: 'm' };
    const recoverable = (type: string, data: unknown) => recoverableStock({ type, data } as never);
    expect(recoverable('inventory.stock.moved.v1', move)).toEqual({ siteId: 's', skus: ['A'], arrivedAt: ['p'] });
    expect(recoverable('inventory.stock.moved.v1', { ...move, toPickable: false })).toBeUndefined();
    expect(recoverable('inventory.stock.moved.v1', { ...move, status: 'HOLD' })).toBeUndefined();
    expect(recoverable('inventory.stock.received.v1', { siteId: 's', sku: 'A', locationId: 'p', quantity: 2 })).toEqual({ siteId: 's', skus: ['A'], arrivedAt: ['p'] });
  });

  it('a location that becomes pickable frees the SKUs it holds; one that stops being pickable frees nothing', () => {
    const flip = { siteId: 's', locationId: 'l', pickable: true, lines: [{ sku: 'B', quantity: 2 }, { sku: 'A', quantity: 1 }, { sku: 'C', quantity: 0 }] };
    expect(freed('inventory.location.pickability-changed.v1', flip)).toEqual({ siteId: 's', skus: ['A', 'B'], arrivedAt: ['l'] });
    expect(freed('inventory.location.pickability-changed.v1', { ...flip, pickable: false })).toBeUndefined();
    expect(freed('inventory.location.pickability-changed.v1', { ...flip, lines: [] })).toBeUndefined();
  });
});

describe('allocationLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(allocationLifecycle.unreachable()).toEqual([]);
  });
});

describe('reservationLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(reservationLifecycle.unreachable()).toEqual([]);
  });
});

describe('returnLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(returnLifecycle.unreachable()).toEqual([]);
  });
});
