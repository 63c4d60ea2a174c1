import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Layout, Pick } from '../geometry/layout.ts';
import { batchOrders } from './index.ts';
import type { BatchingInput, BatchingMethod, Order } from './index.ts';
import { route } from '../routing/index.ts';
import { createRng } from '../random.ts';
import { sortedRouter } from './test-router.ts';

const layout: Layout = { aisles: 6, blocks: 1, blockLength: 20, aislePitch: 4, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
const methods: BatchingMethod[] = ['fcfs', 'seed', 'savings', 'ils'];

const pickArb = fc.record({
  aisle: fc.integer({ min: 0, max: layout.aisles - 1 }),
  block: fc.constant(0),
  offset: fc.integer({ min: 0, max: layout.blockLength }),
});

const instanceArb = fc
  .tuple(fc.integer({ min: 1, max: 12 }), fc.array(fc.array(pickArb, { minLength: 1, maxLength: 6 }), { maxLength: 14 }))
  .map(([extra, pickLists]): BatchingInput => {
    const orders: Order[] = pickLists.map((picks, i) => ({ id: `o${i}`, picks }));
    // Capacity at least the largest order so every instance is feasible.
    const capacity = Math.max(1, ...orders.map((o) => o.picks.length)) + extra;
    return { orders, capacity, layout, router: sortedRouter, seed: 7, maxIterations: 20, timeBudgetMs: 10_000 };
  });

function load(input: BatchingInput, batch: readonly string[]): number {
  return batch.reduce((s, id) => s + (input.orders.find((o) => o.id === id)?.picks.length ?? 0), 0);
}

describe('batchOrders', () => {
  it('covers every order exactly once and respects capacity (property, all methods)', () => {
    fc.assert(
      fc.property(instanceArb, (input) => {
        for (const m of methods) {
          const r = batchOrders(input, m);
          const ids = r.batches.flat().sort();
          expect(ids).toEqual(input.orders.map((o) => o.id).sort());
          for (const b of r.batches) {
            expect(b.length).toBeGreaterThan(0);
            expect(load(input, b)).toBeLessThanOrEqual(input.capacity);
          }
          const picks = (b: string[]): Pick[] => b.flatMap((id) => input.orders.find((o) => o.id === id)?.picks ?? []);
          const expected = r.batches.reduce((s, b) => s + sortedRouter(layout, picks(b)).length, 0);
          expect(r.length).toBeCloseTo(expected, 9);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('savings and ILS never do worse than their starting points (property)', () => {
    fc.assert(
      fc.property(instanceArb, (input) => {
        const cw = batchOrders(input, 'savings').length;
        const seed = batchOrders(input, 'seed').length;
        const ils = batchOrders(input, 'ils').length;
        expect(ils).toBeLessThanOrEqual(Math.min(cw, seed) + 1e-9);
        const near = batchOrders(input, 'ils', { neighbours: 2 });
        expect(near.length).toBeLessThanOrEqual(Math.min(cw, seed) + 1e-9);
        expect(near.batches.flat().sort()).toEqual(input.orders.map((o) => o.id).sort());
      }),
      { numRuns: 40 },
    );
  });

  it('ILS is never worse than its construction when the budget is already spent (property, budget 0)', () => {
    fc.assert(
      fc.property(instanceArb, (input) => {
        const spent: BatchingInput = { ...input, timeBudgetMs: 0, maxIterations: Infinity };
        const cw = batchOrders(spent, 'savings').length;
        const seed = batchOrders(spent, 'seed').length;
        expect(batchOrders(spent, 'ils').length).toBeLessThanOrEqual(Math.min(cw, seed) + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic for a seed and an iteration limit', () => {
    const orders: Order[] = Array.from({ length: 20 }, (_, i) => ({
      id: `o${i}`,
      picks: Array.from({ length: 1 + (i % 4) }, (_, k) => ({ aisle: (i * 7 + k * 3) % 6, block: 0, offset: (i * 13 + k * 5) % 21 })),
    }));
    const input: BatchingInput = { orders, capacity: 8, layout, router: sortedRouter, seed: 3, maxIterations: 50, timeBudgetMs: 60_000 };
    expect(batchOrders(input, 'ils')).toEqual(batchOrders(input, 'ils'));
  });

  it('FCFS keeps arrival order and opens a new cart when the next order does not fit', () => {
    const p = (aisle: number): Pick => ({ aisle, block: 0, offset: 1 });
    const orders: Order[] = [
      { id: 'a', picks: [p(0), p(1)] },
      { id: 'b', picks: [p(2)] },
      { id: 'c', picks: [p(3), p(4)] },
      { id: 'd', picks: [p(5)] },
    ];
    const r = batchOrders({ orders, capacity: 3, layout, router: sortedRouter }, 'fcfs');
    expect(r.batches).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('savings puts orders from the same aisle together', () => {
    const p = (aisle: number, offset: number): Pick => ({ aisle, block: 0, offset });
    const orders: Order[] = [
      { id: 'left1', picks: [p(0, 15)] },
      { id: 'right1', picks: [p(5, 15)] },
      { id: 'left2', picks: [p(0, 18)] },
      { id: 'right2', picks: [p(5, 18)] },
    ];
    const r = batchOrders({ orders, capacity: 2, layout, router: sortedRouter }, 'savings');
    const sorted = r.batches.map((b) => [...b].sort()).sort();
    expect(sorted).toEqual([['left1', 'left2'], ['right1', 'right2']]);
  });

  it('rejects an order larger than the cart, naming it', () => {
    const orders: Order[] = [{ id: 'big-one', picks: Array.from({ length: 5 }, () => ({ aisle: 0, block: 0, offset: 0 })) }];
    expect(() => batchOrders({ orders, capacity: 4, layout, router: sortedRouter })).toThrow(/order "big-one" has 5 items.*capacity of 4/);
  });

  it('rejects duplicate ids and bad capacity', () => {
    const o: Order = { id: 'x', picks: [] };
    expect(() => batchOrders({ orders: [o, o], capacity: 4, layout, router: sortedRouter })).toThrow(/"x" appears more than once/);
    expect(() => batchOrders({ orders: [o], capacity: 0, layout, router: sortedRouter })).toThrow(/capacity/);
  });

  it('handles no orders', () => {
    expect(batchOrders({ orders: [], capacity: 4, layout, router: sortedRouter })).toEqual({ batches: [], length: 0 });
  });

  it('with the exact router: seed, savings and ILS all beat FCFS on a 30-order instance', () => {
    const rng = createRng(11);
    const big: Layout = { aisles: 10, blocks: 1, blockLength: 45, aislePitch: 5, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
    const orders: Order[] = Array.from({ length: 30 }, (_, i) => ({
      id: `o${i}`,
      picks: Array.from({ length: 5 + rng.int(11) }, () => ({ aisle: rng.int(10), block: 0, offset: rng.int(45) + 0.5 })),
    }));
    const input: BatchingInput = { orders, capacity: 45, layout: big, router: (l, p) => route(l, p), seed: 1, maxIterations: 40, timeBudgetMs: 20_000 };
    const fcfs = batchOrders(input, 'fcfs').length;
    const cw = batchOrders(input, 'savings').length;
    expect(batchOrders(input, 'seed').length).toBeLessThan(fcfs);
    expect(cw).toBeLessThan(fcfs);
    expect(batchOrders(input, 'ils').length).toBeLessThanOrEqual(cw);
  });
});

describe('batchOrders ils under a spent time budget (issue 6, item 12)', () => {
  // Henn et al. (2010)-style instance: 60 orders of 5–15 items on 10 aisles, exact router.
  const rng = createRng(23);
  const big: Layout = { aisles: 10, blocks: 1, blockLength: 45, aislePitch: 5, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
  const orders: Order[] = Array.from({ length: 60 }, (_, i) => ({
    id: `o${i}`,
    picks: Array.from({ length: 5 + rng.int(11) }, () => ({ aisle: rng.int(10), block: 0, offset: rng.int(45) + 0.5 })),
  }));
  const input: BatchingInput = { orders, capacity: 45, layout: big, router: (l, p) => route(l, p), seed: 1 };
  const cw = batchOrders(input, 'savings').length;

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('a budget of 0 or 1 ms still completes Clarke–Wright: the result is at least as short', () => {
    expect(cw).toBeLessThan(batchOrders(input, 'fcfs').length);
    for (const timeBudgetMs of [0, 1]) {
      expect(batchOrders({ ...input, timeBudgetMs }, 'ils').length).toBeLessThanOrEqual(cw + 1e-9);
    }
  });

  it('a clock that says time is up at once (a loaded machine) still gets full Clarke–Wright quality', () => {
    // Every reading is an hour after the previous one: any deadline taken during construction has passed.
    let t = performance.now();
    vi.spyOn(performance, 'now').mockImplementation(() => (t += 3_600_000));
    const r = batchOrders({ ...input, timeBudgetMs: 1000 }, 'ils');
    expect(r.length).toBeLessThanOrEqual(cw + 1e-9);
    expect(r.batches.flat().sort()).toEqual(orders.map((o) => o.id).sort());
  });
});
