// Seeded order-batching instances in the style of Henn, Koch, Doerner, Strauss & Wäscher (2010).
import type { Layout, Pick } from '../../src/optimize/geometry/layout.ts';
import { createRng } from '../../src/optimize/random.ts';
import type { Order } from '../../src/optimize/batching/index.ts';

/**
 * Single-block warehouse after Henn et al. (2010): 10 pick aisles with 90 storage locations each
 * (45 per side, 1 length unit (LU) per location), 900 locations in all; aisle centre lines 5 LU apart;
 * a front and a back cross aisle 2 LU wide, so the first location's centre lies 1.5 LU from the front
 * cross aisle; the depot stands on the front cross aisle in front of the leftmost aisle.
 */
export const BATCHING_LAYOUT: Layout = {
  aisles: 10,
  blocks: 1,
  blockLength: 45,
  aislePitch: 5,
  crossAisleWidth: 2,
  depot: { x: 0, y: 0 },
};

export const SLOTS_PER_SIDE = 45;

/** Location k in [0, 900): aisle ⌊k / 90⌋, side (left/right rack, same offset) and slot k mod 45. */
export function locationPick(k: number): Pick {
  const perAisle = 2 * SLOTS_PER_SIDE;
  const aisle = Math.floor(k / perAisle);
  const slot = (k % perAisle) % SLOTS_PER_SIDE;
  return { aisle, block: 0, offset: slot + 0.5 };
}

export interface BatchingInstance {
  readonly name: string;
  readonly layout: Layout;
  readonly orders: readonly Order[];
  readonly capacity: number;
  readonly seed: number;
}

/**
 * `orderCount` orders of 5–25 items (uniform), each item at a distinct location drawn uniformly from the
 * 900 (random storage), so the instance depends only on (orderCount, capacity, seed).
 */
export function batchingInstance(orderCount: number, capacity: number, seed: number): BatchingInstance {
  // Mix the parameters into the seed so instances of different sizes are independent.
  const rng = createRng(seed * 1_000_003 + orderCount * 1_009 + capacity);
  const locations = BATCHING_LAYOUT.aisles * 2 * SLOTS_PER_SIDE;
  const orders: Order[] = [];
  for (let i = 0; i < orderCount; i++) {
    const size = 5 + rng.int(21);
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(rng.int(locations));
    orders.push({ id: `o${i + 1}`, picks: [...chosen].map(locationPick) });
  }
  return { name: `n${orderCount}-c${capacity}-s${seed}`, layout: BATCHING_LAYOUT, orders, capacity, seed };
}

export const BATCHING_ORDER_COUNTS = [40, 60, 80, 100] as const;
export const BATCHING_CAPACITIES = [45, 60, 75] as const;
export const BATCHING_SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;
