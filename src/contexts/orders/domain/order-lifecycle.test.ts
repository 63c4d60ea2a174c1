import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES, type OrderStatus } from '../../../contracts/orders.ts';
import { ORDER_TRANSITIONS, cancelDecision, forwardPath, hasShipped, holdDecision, isEarlierRound, orderLifecycle, readyToPackDecision } from './order-lifecycle.ts';

const canTransition = orderLifecycle.can;

describe('order lifecycle', () => {
  it('follows the lifecycle: RECEIVED → ALLOCATED | BACKORDERED → WAVED → RELEASED → PICKING → PICKED → PACKED → SHIPPED', () => {
    const line: OrderStatus[] = ['RECEIVED', 'ALLOCATED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED'];
    for (let i = 0; i + 1 < line.length; i++) expect(canTransition(line[i]!, line[i + 1]!)).toBe(true);
    expect(canTransition('RECEIVED', 'BACKORDERED')).toBe(true);
    expect(canTransition('BACKORDERED', 'ALLOCATED')).toBe(true);
  });

  it('returns a WAVED order to ALLOCATED when its wave is cancelled', () => {
    expect(canTransition('WAVED', 'ALLOCATED')).toBe(true);
    expect(canTransition('RELEASED', 'WAVED')).toBe(false);
  });

  it('cancels from any state before SHIPPED; shipped is final', () => {
    for (const s of ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED'] as const) {
      expect(canTransition(s, 'CANCELLED')).toBe(true);
      expect(cancelDecision(s)).toBe('cancel');
    }
    expect(canTransition('SHIPPED', 'CANCELLED')).toBe(false);
    expect(cancelDecision('SHIPPED')).toBe('ORDER_SHIPPED');
    expect(cancelDecision('CANCELLED')).toBe('ALREADY_CANCELLED');
  });

  it('ends SHIPPED → DELIVERED when the carrier delivered it: past SHIPPED for late shipping news, final for commands', () => {
    expect(canTransition('SHIPPED', 'DELIVERED')).toBe(true);
    for (const s of ORDER_STATUSES) if (s !== 'SHIPPED') expect(canTransition(s, 'DELIVERED'), s).toBe(false);
    // A dispatch heard after the delivery (quantities of a late event) never walks it back.
    expect(forwardPath('DELIVERED', 'SHIPPED')).toEqual([]);
    expect(forwardPath('SHIPPED', 'DELIVERED')).toEqual(['DELIVERED']);
    expect(cancelDecision('DELIVERED')).toBe('ORDER_SHIPPED');
    expect(holdDecision('DELIVERED', null)).toBe('ORDER_SHIPPED');
    expect([hasShipped('SHIPPED'), hasShipped('DELIVERED'), hasShipped('PACKED'), hasShipped('CANCELLED')]).toEqual([true, true, false, false]);
  });

  it('sends an order its release could not reserve back to allocation, and no wave news moves it from there', () => {
    expect(canTransition('RELEASED', 'BACKORDERED')).toBe(true);
    expect(canTransition('WAVED', 'BACKORDERED')).toBe(true);
    expect(forwardPath('BACKORDERED', 'RELEASED')).toEqual([]);
    expect(forwardPath('BACKORDERED', 'WAVED')).toEqual([]);
    expect(forwardPath('BACKORDERED', 'PICKED')).toEqual([]);
    // Held mid-pick for stock (reason SHORT_PICK, ADR 0024): news of picking moves it on, news of a wave does not.
    expect(forwardPath('BACKORDERED', 'PICKED', true)).toEqual(['PICKING', 'PICKED']);
    expect(forwardPath('BACKORDERED', 'SHIPPED', true)).toEqual(['PICKING', 'PICKED', 'PACKED', 'SHIPPED']);
    expect(forwardPath('BACKORDERED', 'RELEASED', true)).toEqual([]);
    // A shipComplete order's units lost at the pack bench wait for stock to be picked again (ADR 0024 addendum 2026-12-07).
    expect(canTransition('PICKED', 'BACKORDERED')).toBe(true);
    expect(canTransition('PACKED', 'BACKORDERED')).toBe(false);
  });

  it('refuses skipping steps and leaving final states', () => {
    expect(canTransition('RECEIVED', 'WAVED')).toBe(false);
    expect(canTransition('BACKORDERED', 'WAVED')).toBe(false);
    expect(canTransition('RELEASED', 'PICKED')).toBe(false);
    for (const to of ORDER_STATUSES) {
      expect(canTransition('SHIPPED', to)).toBe(to === 'DELIVERED');
      expect(canTransition('DELIVERED', to)).toBe(false);
      expect(canTransition('CANCELLED', to)).toBe(false);
    }
  });

  it('has a row for every status and only known targets', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const targets of Object.values(ORDER_TRANSITIONS)) for (const t of targets) expect(ORDER_STATUSES).toContain(t);
  });

  it('moves a RECEIVED order only by its allocation: news of a wave or of picking is about a wave that let it go before its lines changed', () => {
    expect(forwardPath('RECEIVED', 'ALLOCATED')).toEqual(['ALLOCATED']);
    expect(forwardPath('RECEIVED', 'WAVED')).toEqual([]);
    expect(forwardPath('RECEIVED', 'RELEASED')).toEqual([]);
    expect(forwardPath('RECEIVED', 'PICKED')).toEqual([]);
  });

  it('moves forward through legal steps only, never backwards and never out of CANCELLED', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        let at = from;
        for (const step of forwardPath(from, to)) {
          expect(canTransition(at, step)).toBe(true);
          at = step;
        }
      }
    }
    expect(forwardPath('WAVED', 'PICKING')).toEqual(['RELEASED', 'PICKING']);
    expect(forwardPath('RELEASED', 'PICKED')).toEqual(['PICKING', 'PICKED']);
    expect(forwardPath('BACKORDERED', 'ALLOCATED')).toEqual(['ALLOCATED']);
    expect(forwardPath('PICKED', 'PICKING')).toEqual([]);
    expect(forwardPath('SHIPPED', 'SHIPPED')).toEqual([]);
    expect(forwardPath('ALLOCATED', 'BACKORDERED')).toEqual([]);
    expect(forwardPath('CANCELLED', 'PICKING')).toEqual([]);
    expect(forwardPath('CANCELLED', 'ALLOCATED')).toEqual([]);
  });
});

describe('orders on hold (ADR 0052)', () => {
  it('holds only before a wave, back to any of those states, and cancels from ON_HOLD', () => {
    for (const s of ['RECEIVED', 'ALLOCATED', 'BACKORDERED'] as const) {
      expect(canTransition(s, 'ON_HOLD')).toBe(true);
      expect(canTransition('ON_HOLD', s)).toBe(true);
      expect(holdDecision(s, null)).toBe('hold');
    }
    expect(canTransition('ON_HOLD', 'CANCELLED')).toBe(true);
    expect(canTransition('ON_HOLD', 'WAVED')).toBe(false);
    expect(canTransition('WAVED', 'ON_HOLD')).toBe(false);
    expect(cancelDecision('ON_HOLD')).toBe('cancel');
    expect(holdDecision('ON_HOLD', null)).toBe('ALREADY_HELD');
    expect(holdDecision('BACKORDERED', 'SHORT_PICK')).toBe('ORDER_IN_FULFILMENT');
    for (const s of ['WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED'] as const) expect(holdDecision(s, null)).toBe('ORDER_IN_FULFILMENT');
    expect(holdDecision('SHIPPED', null)).toBe('ORDER_SHIPPED');
    expect(holdDecision('CANCELLED', null)).toBe('ORDER_CANCELLED');
  });

  it('no event moves a held order forward, and none puts an order on hold', () => {
    for (const to of ORDER_STATUSES) if (to !== 'CANCELLED') expect(forwardPath('ON_HOLD', to)).toEqual([]);
    for (const from of ORDER_STATUSES) expect(forwardPath(from, 'ON_HOLD')).toEqual([]);
    expect(forwardPath('ON_HOLD', 'CANCELLED')).toEqual(['CANCELLED']);
  });
});

describe('orderLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(orderLifecycle.unreachable()).toEqual([]);
  });
});

describe('an illegal transition is refused through the lifecycle helper', () => {
  it('a shipped order cannot be cancelled: assertCan throws ILLEGAL_TRANSITION (409), check returns the rejection', () => {
    expect(() => orderLifecycle.assertCan('SHIPPED', 'CANCELLED')).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION', status: 409 }));
    expect(orderLifecycle.check('SHIPPED', 'CANCELLED')).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
  });
});

describe('packing rounds', () => {
  it('packing rounds (ADR 0049 addendum 2026-12-04): a later round takes a PACKED order back to PICKED; its own or an earlier round changes nothing', () => {
    expect(orderLifecycle.can('PACKED', 'PICKED')).toBe(true);
    expect(forwardPath('PACKED', 'PICKED')).toEqual([]);
    expect(readyToPackDecision('PACKED', 1, 2)).toBe('reopen');
    expect(readyToPackDecision('PACKED', 2, 2)).toBe('ignore');
    expect(readyToPackDecision('PACKED', 2, 1)).toBe('ignore');
    for (const s of ['PICKING', 'PICKED', 'SHIPPED', 'CANCELLED'] as const) expect(readyToPackDecision(s, 1, 2)).toBe('pick');
    expect([isEarlierRound(2, 1), isEarlierRound(2, 2), isEarlierRound(1, 2)]).toEqual([true, false, false]);
  });
});
