import { describe, expect, it } from 'vitest';
import { WorkerPool } from '../../../platform/workers/worker-pool.ts';
import type { Layout, Pick } from '../../../optimize/geometry/layout.ts';
import { route } from '../../../optimize/routing/index.ts';
import { fcfs, MAX_ORDERS_PER_SEARCH, planBatches, planBatchesTask, type BatchableOrder } from './batching.ts';

const layout: Layout = { aisles: 6, blocks: 1, blockLength: 20, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
/** SKU `A<a>-<offset>` sits in aisle a at that offset. */
const pickOf = (sku: string): Pick | undefined => {
  const m = /^A(\d+)-(\d+)$/.exec(sku);
  return m === null ? undefined : { aisle: Number(m[1]), block: 0, offset: Number(m[2]) };
};
const order = (orderId: string, ...lines: [string, number][]): BatchableOrder => ({ orderId, lines: lines.map(([sku, quantity]) => ({ sku, quantity })) });
const units = (orders: readonly BatchableOrder[], ids: readonly string[]): number =>
  ids.reduce((s, id) => s + (orders.find((o) => o.orderId === id)?.lines.reduce((u, l) => u + l.quantity, 0) ?? 0), 0);
const tour = (orders: readonly BatchableOrder[], ids: readonly string[]): number => {
  const picks = ids.flatMap((id) => orders.find((o) => o.orderId === id)?.lines.map((l) => pickOf(l.sku) as Pick) ?? []);
  return picks.length === 0 ? 0 : route(layout, picks).length;
};

describe('wave batching glue', () => {
  // 12 small orders: two per aisle, so aisle-mates belong together.
  const orders = Array.from({ length: 12 }, (_, i) => order(`o${String(i).padStart(2, '0')}`, [`A${i % 6}-${2 + (i % 5) * 3}`, 1 + (i % 2)], [`A${i % 6}-${15 - (i % 4)}`, 1]));

  it('puts every order in exactly one batch, within cart capacity, fewer batches than orders', () => {
    const plan = planBatches({ orders, capacity: 10, layout, pickOf, timeBudgetMs: 100 });
    const all = plan.batches.flat();
    expect([...all].sort()).toEqual(orders.map((o) => o.orderId).sort());
    expect(new Set(all).size).toBe(orders.length);
    expect(plan.batches.length).toBeLessThan(orders.length);
    for (const b of plan.batches) expect(units(orders, b)).toBeLessThanOrEqual(10);
    expect(plan.oversize).toEqual([]);
    expect(plan.unplaced).toEqual([]);
  });

  it('walks no more in total than FCFS batches of the same orders, and no more than discrete tours', () => {
    const plan = planBatches({ orders, capacity: 10, layout, pickOf, timeBudgetMs: 100 });
    const total = plan.batches.reduce((s, b) => s + tour(orders, b), 0);
    expect(total).toBeLessThanOrEqual(fcfs(orders, 10).reduce((s, b) => s + tour(orders, b), 0) + 1e-9);
    expect(total).toBeLessThanOrEqual(orders.reduce((s, o) => s + tour(orders, [o.orderId]), 0) + 1e-9);
  });

  it('sends an order larger than the cart alone, and orders with an unknown position FCFS', () => {
    const mixed = [order('big', ['A1-3', 12]), order('a', ['A2-3', 2]), order('lost', ['NOWHERE', 3]), order('b', ['A2-5', 2]), order('lost2', ['A1-3', 1], ['NOWHERE', 2])];
    const plan = planBatches({ orders: mixed, capacity: 10, layout, pickOf, timeBudgetMs: 50 });
    expect(plan.oversize).toEqual(['big']);
    expect(plan.unplaced).toEqual(['lost', 'lost2']);
    expect(plan.batches).toContainEqual(['big']);
    expect(plan.batches).toContainEqual(['lost', 'lost2']);
    expect(plan.batches).toContainEqual(['a', 'b']);
    // Batches come in the wave order of their first order.
    expect(plan.batches[0]).toEqual(['big']);
  });

  it('batches everything FCFS when the site has no fitted layout', () => {
    const plan = planBatches({ orders, capacity: 6, layout: undefined, pickOf, timeBudgetMs: 50 });
    expect(plan.batches).toEqual(fcfs(orders, 6));
    expect(plan.unplaced).toHaveLength(12);
  });

  it('fcfs starts a new cart when the next order does not fit and rejects a bad capacity', () => {
    expect(fcfs([order('x', ['s', 4]), order('y', ['s', 4]), order('z', ['s', 3])], 8)).toEqual([['x', 'y'], ['z']]);
    expect(() => planBatches({ orders, capacity: 0, layout, pickOf })).toThrow(RangeError);
  });

  it('searches a wave larger than MAX_ORDERS_PER_SEARCH in groups: every order once, within capacity', () => {
    const many = Array.from({ length: MAX_ORDERS_PER_SEARCH * 2 + 7 }, (_, i) => order(`m${String(i).padStart(3, '0')}`, [`A${i % 6}-${1 + (i % 19)}`, 1 + (i % 3)]));
    const plan = planBatches({ orders: many, capacity: 10, layout, pickOf, timeBudgetMs: 0 });
    expect([...plan.batches.flat()].sort()).toEqual(many.map((o) => o.orderId).sort());
    for (const b of plan.batches) expect(units(many, b)).toBeLessThanOrEqual(10);
    expect(plan.batches.length).toBeLessThan(many.length / 2);
  });

  it('runs on a worker thread with plain data (positions by SKU) and plans the same batches', async () => {
    const picks = new Map(orders.flatMap((o) => o.lines.map((l): [string, Pick] => [l.sku, pickOf(l.sku)!])));
    const pool = new WorkerPool({ threads: 1, maxQueue: 0 });
    try {
      const job = { orders, capacity: 10, layout, picks, timeBudgetMs: 0 };
      const onThread = await pool.run(planBatchesTask, job);
      expect(onThread).toEqual(planBatches({ orders, capacity: 10, layout, pickOf, timeBudgetMs: 0 }));
      expect([...onThread.batches.flat()].sort()).toEqual(orders.map((o) => o.orderId).sort());
    } finally {
      await pool.close();
    }
  });
});
