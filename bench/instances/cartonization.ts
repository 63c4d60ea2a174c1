/**
 * Seeded instance generators for the cartonization benchmark (own code, no copied data):
 *  - 3D bin packing classes 1–8 as described by Martello, Pisinger & Vigo (2000), "The three-dimensional bin
 *    packing problem", Operations Research 48(2), §6 (after Berkey & Wang 1987 for classes 6–8);
 *  - e-commerce orders of 1–10 units drawn from a synthetic SKU assortment, with a 10-carton catalogue.
 */
import { mulberry32 as createRng, randInt } from '../../src/optimize/random.ts';
import type { Rng } from '../../src/optimize/random.ts';
import type { Carton, CartonItem } from '../../src/optimize/cartonization/index.ts';

export interface MpvInstance {
  readonly cls: number;
  readonly n: number;
  readonly seed: number;
  /** Bin extents (W, H, D). */
  readonly bin: readonly [number, number, number];
  /** Item extents (w, h, d); no rotation in this problem. */
  readonly items: readonly (readonly [number, number, number])[];
}

type Range = readonly [number, number];

/** MPV item types 1–5 for a 100³ bin: [w range, h range, d range] as fractions of the bin. */
function mpvType(type: number, W: number, H: number, D: number): readonly [Range, Range, Range] {
  switch (type) {
    case 1:
      return [[1, W / 2], [(2 * H) / 3, H], [(2 * D) / 3, D]];
    case 2:
      return [[(2 * W) / 3, W], [1, H / 2], [(2 * D) / 3, D]];
    case 3:
      return [[(2 * W) / 3, W], [(2 * H) / 3, H], [1, D / 2]];
    case 4:
      return [[W / 2, W], [H / 2, H], [D / 2, D]];
    default:
      return [[1, W / 2], [1, H / 2], [1, D / 2]];
  }
}

function draw(rng: Rng, [lo, hi]: Range): number {
  return randInt(rng, Math.ceil(lo), Math.floor(hi));
}

/**
 * Class k ∈ 1…5: bin 100³; each item is of type k with probability 0.6 and of each other type with probability 0.1.
 * Class 6: bin 10³, sides in [1, 10]; class 7: bin 40³, sides in [1, 35]; class 8: bin 100³, sides in [1, 100].
 */
export function mpvInstance(cls: number, n: number, seed: number): MpvInstance {
  const rng = createRng(seed * 1_000_003 + cls * 1009 + n);
  const items: [number, number, number][] = [];
  if (cls >= 1 && cls <= 5) {
    const [W, H, D] = [100, 100, 100];
    for (let j = 0; j < n; j++) {
      const u = rng();
      let type = cls;
      if (u >= 0.6) {
        const others = [1, 2, 3, 4, 5].filter((t) => t !== cls);
        type = others[Math.min(3, Math.floor((u - 0.6) / 0.1))]!;
      }
      const [rw, rh, rd] = mpvType(type, W, H, D);
      items.push([draw(rng, rw), draw(rng, rh), draw(rng, rd)]);
    }
    return { cls, n, seed, bin: [W, H, D], items };
  }
  const [side, maxItem] = cls === 6 ? [10, 10] : cls === 7 ? [40, 35] : [100, 100];
  for (let j = 0; j < n; j++) items.push([randInt(rng, 1, maxItem), randInt(rng, 1, maxItem), randInt(rng, 1, maxItem)]);
  return { cls, n, seed, bin: [side, side, side], items };
}

/**
 * A 10-carton catalogue from 200×150×100 to 600×400×400 mm. Cost ≈ board area (0.15 + 1.1 per m² of surface), so it
 * grows with size like real corrugated cartons; the weight limit grows with size.
 */
export function cartonCatalogue(): Carton[] {
  const sizes: [number, number, number, number][] = [
    [200, 150, 100, 5_000],
    [250, 200, 100, 8_000],
    [300, 200, 150, 10_000],
    [350, 250, 150, 12_000],
    [300, 250, 250, 15_000],
    [400, 300, 200, 18_000],
    [400, 300, 300, 20_000],
    [500, 350, 300, 25_000],
    [500, 400, 400, 30_000],
    [600, 400, 400, 30_000],
  ];
  return sizes.map(([l, w, h, maxWeight], i) => {
    const surfaceM2 = (2 * (l * w + l * h + w * h)) / 1e6;
    return { id: `C${String(i + 1).padStart(2, '0')}`, length: l, width: w, height: h, maxWeight, cost: Math.round((0.15 + 1.1 * surfaceM2) * 100) / 100 };
  });
}

interface Archetype {
  readonly name: string;
  readonly l: Range;
  readonly w: Range;
  readonly h: Range;
  /** g per cm³. */
  readonly density: number;
  readonly uprightShare: number;
  /** Relative frequency in the assortment. */
  readonly share: number;
}

const ARCHETYPES: readonly Archetype[] = [
  { name: 'book', l: [150, 240], w: [100, 170], h: [15, 50], density: 0.7, uprightShare: 0, share: 14 },
  { name: 'electronics', l: [120, 200], w: [70, 140], h: [40, 90], density: 0.4, uprightShare: 0.2, share: 12 },
  { name: 'shoes', l: [280, 350], w: [180, 220], h: [100, 130], density: 0.12, uprightShare: 0, share: 8 },
  { name: 'apparel', l: [200, 350], w: [150, 280], h: [20, 60], density: 0.2, uprightShare: 0, share: 16 },
  { name: 'cosmetics', l: [40, 80], w: [40, 80], h: [100, 180], density: 0.6, uprightShare: 0.8, share: 12 },
  { name: 'bottle', l: [60, 100], w: [60, 100], h: [200, 320], density: 0.9, uprightShare: 1, share: 6 },
  { name: 'mug', l: [100, 130], w: [100, 130], h: [100, 130], density: 0.3, uprightShare: 0.5, share: 8 },
  { name: 'toy', l: [150, 400], w: [100, 300], h: [80, 250], density: 0.15, uprightShare: 0.3, share: 8 },
  { name: 'accessory', l: [30, 100], w: [20, 80], h: [10, 50], density: 0.5, uprightShare: 0, share: 12 },
  { name: 'appliance', l: [250, 400], w: [200, 300], h: [200, 350], density: 0.25, uprightShare: 0.7, share: 4 },
];

export interface Sku {
  readonly sku: string;
  readonly kind: string;
  readonly length: number;
  readonly width: number;
  readonly height: number;
  readonly weight: number;
  readonly upright: boolean;
}

function pickWeighted<T>(rng: Rng, entries: readonly T[], weightOf: (t: T) => number): T {
  const total = entries.reduce((s, e) => s + weightOf(e), 0);
  let u = rng() * total;
  for (const e of entries) {
    u -= weightOf(e);
    if (u < 0) return e;
  }
  return entries[entries.length - 1]!;
}

export function skuAssortment(count: number, seed: number): Sku[] {
  const rng = createRng(seed * 7919 + 17);
  return Array.from({ length: count }, (_, i) => {
    const a = pickWeighted(rng, ARCHETYPES, (x) => x.share);
    const length = draw(rng, a.l);
    const width = Math.min(length, draw(rng, a.w));
    const height = draw(rng, a.h);
    const weight = Math.max(5, Math.round(((length * width * height) / 1000) * a.density * (0.7 + 0.6 * rng())));
    return { sku: `SKU${String(i).padStart(4, '0')}`, kind: a.name, length, width, height, weight, upright: rng() < a.uprightShare };
  });
}

/** Units per order: e-commerce orders are mostly small (probabilities for 1…10 units). */
const UNITS_PER_ORDER = [0.3, 0.2, 0.13, 0.1, 0.08, 0.06, 0.05, 0.04, 0.02, 0.02];

export interface Order {
  readonly id: string;
  readonly items: CartonItem[];
  readonly units: number;
}

/** Orders of 1–10 units; SKU popularity follows a Zipf-like law and a unit repeats the previous SKU w.p. 0.2. */
export function ecommerceOrders(count: number, seed: number, assortment: readonly Sku[]): Order[] {
  const rng = createRng(seed * 104729 + 3);
  const popularity = assortment.map((_, i) => 1 / (i + 1) ** 0.8);
  const indices = assortment.map((_, i) => i);
  const orders: Order[] = [];
  for (let o = 0; o < count; o++) {
    const units = pickWeighted(rng, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], (k) => UNITS_PER_ORDER[k - 1]!);
    const lines = new Map<number, number>();
    let last = -1;
    for (let u = 0; u < units; u++) {
      const idx = last >= 0 && rng() < 0.2 ? last : pickWeighted(rng, indices, (i) => popularity[i]!);
      lines.set(idx, (lines.get(idx) ?? 0) + 1);
      last = idx;
    }
    const items: CartonItem[] = [...lines].map(([idx, quantity]) => {
      const s = assortment[idx]!;
      return {
        id: s.sku,
        length: s.length,
        width: s.width,
        height: s.height,
        weight: s.weight,
        ...(quantity > 1 ? { quantity } : {}),
        ...(s.upright ? { upright: true } : {}),
      };
    });
    orders.push({ id: `O${String(o).padStart(5, '0')}`, items, units });
  }
  return orders;
}
