/**
 * Lower bounds on the number of identical bins W×H×D for the 3D bin packing problem without rotation,
 * after Martello, Pisinger & Vigo (2000), "The three-dimensional bin packing problem", Operations Research 48(2).
 * Integer dimensions are assumed (the bounds enumerate integer thresholds p, q).
 * Here an item is (w, h, d) along the bin's (W, H, D); callers map length/width/height onto these as they like.
 */
export interface BoundItem {
  readonly w: number;
  readonly h: number;
  readonly d: number;
}

export interface BoundBin {
  readonly W: number;
  readonly H: number;
  readonly D: number;
}

/** L0: continuous (volume) bound, ⌈Σ v_j / (W·H·D)⌉. */
export function lowerBoundL0(items: readonly BoundItem[], bin: BoundBin): number {
  let v = 0;
  for (const it of items) v += it.w * it.h * it.d;
  return Math.ceil(v / (bin.W * bin.H * bin.D) - 1e-9);
}

/** One of the three ways to look at the bin: the two "face" axes (a, b) and the stacking axis c. */
interface Projection {
  readonly a: (i: BoundItem) => number;
  readonly b: (i: BoundItem) => number;
  readonly c: (i: BoundItem) => number;
  readonly A: number;
  readonly B: number;
  readonly C: number;
}

function projections(bin: BoundBin): Projection[] {
  return [
    { a: (i) => i.w, b: (i) => i.h, c: (i) => i.d, A: bin.W, B: bin.H, C: bin.D }, // WH faces, stacked along D
    { a: (i) => i.w, b: (i) => i.d, c: (i) => i.h, A: bin.W, B: bin.D, C: bin.H }, // WD faces, stacked along H
    { a: (i) => i.h, b: (i) => i.d, c: (i) => i.w, A: bin.H, B: bin.D, C: bin.W }, // HD faces, stacked along W
  ];
}

/**
 * L1 of MPV (2000) for one projection: items with a > A/2 and b > B/2 pairwise overlap in the AB face, so they are
 * stacked along C in every bin — a 1D bin packing of their c-extents. The 1D bound is the Martello & Toth (1990) L2
 * with the cardinality refinement used by MPV: for a threshold p ≤ C/2, items with c > C/2 need their own bins, and
 * the items with p ≤ c ≤ C/2 must fit into the left-over room of those bins by volume and by count.
 */
function l1For(items: readonly BoundItem[], pr: Projection): number {
  const stack = items.filter((i) => pr.a(i) > pr.A / 2 && pr.b(i) > pr.B / 2).map(pr.c);
  if (stack.length === 0) return 0;
  const C = pr.C;
  const big = stack.filter((c) => c > C / 2);
  let best = big.length;
  for (let p = 1; p <= Math.floor(C / 2); p++) {
    let roomVolume = 0;
    let roomCount = 0;
    for (const c of big) {
      if (c <= C - p) {
        roomVolume += C - c;
        roomCount += Math.floor((C - c) / p);
      }
    }
    let smallVolume = 0;
    let smallCount = 0;
    for (const c of stack) {
      if (c >= p && c <= C / 2) {
        smallVolume += c;
        smallCount++;
      }
    }
    const byVolume = Math.ceil((smallVolume - roomVolume) / C - 1e-9);
    const byCount = Math.ceil((smallCount - roomCount) / Math.floor(C / p) - 1e-9);
    best = Math.max(best, big.length + Math.max(0, byVolume, byCount));
  }
  return best;
}

/** L1 = max over the three projections (MPV 2000). */
export function lowerBoundL1(items: readonly BoundItem[], bin: BoundBin): number {
  let best = 0;
  for (const pr of projections(bin)) best = Math.max(best, l1For(items, pr));
  return best;
}

/**
 * L2 of MPV (2000) for one projection: for thresholds p ≤ A/2, q ≤ B/2, items with a > A − p and b > B − q (K_v)
 * block the whole AB face over their c-extent for every item with a ≥ p and b ≥ q (K_l ∪ K_s), so those items'
 * volume must fit in the rest of the bins: z ≥ ⌈(Σ_{K_l∪K_s} v + A·B·Σ_{K_v} c) / (A·B·C)⌉, combined with L1.
 */
function l2For(items: readonly BoundItem[], pr: Projection, l1: number): number {
  const { A, B, C } = pr;
  let best = l1;
  const as = items.map(pr.a);
  const bs = items.map(pr.b);
  const cs = items.map(pr.c);
  for (let p = 1; p <= Math.floor(A / 2); p++) {
    for (let q = 1; q <= Math.floor(B / 2); q++) {
      let blocked = 0;
      let volume = 0;
      for (let j = 0; j < items.length; j++) {
        const a = as[j]!;
        const b = bs[j]!;
        if (a > A - p && b > B - q) blocked += cs[j]!;
        else if (a >= p && b >= q) volume += a * b * cs[j]!;
      }
      const z = Math.ceil((volume + A * B * blocked) / (A * B * C) - 1e-9);
      if (z > best) best = z;
    }
  }
  return best;
}

/** L2 = max over the three projections (MPV 2000); always ≥ L0 and ≥ L1. */
export function lowerBoundL2(items: readonly BoundItem[], bin: BoundBin): number {
  const l1 = lowerBoundL1(items, bin);
  let best = Math.max(l1, lowerBoundL0(items, bin));
  for (const pr of projections(bin)) best = Math.max(best, l2For(items, pr, l1));
  return best;
}
