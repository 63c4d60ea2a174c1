/**
 * Tiny deterministic PRNG so optimisers and benchmarks are reproducible from a seed.
 * mulberry32: Tommy Ettinger's 32-bit generator (public domain, 2017); good enough for
 * perturbations and instance generation, not for cryptography.
 */
export type Rng = () => number;

/** Returns a generator of floats in [0, 1) fully determined by `seed`. */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Uniform integer in [lo, hi] (inclusive). */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** A generator with an integer helper, for searches that draw many indices. */
export interface SeededRng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n); n must be a positive integer. */
  int(n: number): number;
}

/** Folds any finite seed (large or fractional) into 32 bits before seeding mulberry32. */
export function createRng(seed: number): SeededRng {
  const next = mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
  return { next, int: (n: number): number => Math.floor(next() * n) };
}

/** In-place Fisher–Yates shuffle (Durstenfeld 1964). */
export function shuffle<T>(items: T[], rng: SeededRng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const a = items[i] as T;
    items[i] = items[j] as T;
    items[j] = a;
  }
  return items;
}
