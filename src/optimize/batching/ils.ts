import type { BatchCoster } from './batch-cost.ts';
import type { SeededRng as Rng } from '../random.ts';

export interface IlsOptions {
  readonly capacity: number;
  readonly rng: Rng;
  /** Absolute deadline in performance.now() milliseconds. */
  readonly deadline: number;
  readonly maxIterations: number;
  /** Orders exchanged per perturbation (default 3). */
  readonly perturbationSwaps?: number;
  /** Threshold-accepting bound as a fraction of the current length at the start (default 0.005). */
  readonly threshold?: number;
  /** Moves of a batch are tried only with this many batches whose picks' centre is nearest (default all). */
  readonly neighbours?: number;
  /** Order → mean x and y of its picks, to find nearby batches. */
  readonly centre?: (order: number) => readonly [number, number];
}

interface Solution {
  batches: number[][];
  load: number[];
  cost: number[];
  total: number;
}

const EPS = 1e-9;

function clone(s: Solution): Solution {
  return { batches: s.batches.map((b) => [...b]), load: [...s.load], cost: [...s.cost], total: s.total };
}

function at<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`index ${i} out of range`);
  return x;
}

/**
 * Iterated local search for order batching after Henn, Koch, Doerner, Strauss & Wäscher (2010):
 * SWAP and SHIFT local search between batches, random order exchanges as perturbation, and threshold
 * acceptance (Dueck & Scheuer 1990) with a shrinking threshold in place of their acceptance rule.
 * Works on a copy of `initial` (batches of order indices) and returns the best batches found, never worse than
 * `initial`; the caller's deadline bounds the run, `maxIterations` makes it reproducible.
 */
export function iteratedLocalSearch(coster: BatchCoster, initial: readonly number[][], options: IlsOptions): number[][] {
  const { capacity, rng, deadline, maxIterations } = options;
  const swaps = options.perturbationSwaps ?? 3;
  let checks = 0;
  let expired = false;
  // performance.now() is cheap but not free; the inner loops poll it every 64 evaluations.
  const timeUp = (): boolean => {
    if (expired) return true;
    if ((++checks & 63) === 0 && performance.now() >= deadline) expired = true;
    return expired;
  };

  const start: Solution = { batches: [], load: [], cost: [], total: 0 };
  for (const b of initial) {
    start.batches.push([...b]);
    start.load.push(b.reduce((s, o) => s + coster.size(o), 0));
    const c = coster.cost(b);
    start.cost.push(c);
    start.total += c;
  }

  const without = (xs: readonly number[], k: number): number[] => {
    const out = xs.slice();
    out.splice(k, 1);
    return out;
  };

  /** Tries every SHIFT and SWAP between batch a and the others; applies the first improving one. */
  const neighbours = options.neighbours ?? Infinity;
  const centreOf = options.centre;
  const batchCentre = (b: readonly number[]): [number, number] => {
    let x = 0;
    let y = 0;
    for (const o of b) {
      const c = centreOf?.(o) ?? [0, 0];
      x += c[0];
      y += c[1];
    }
    return [x / Math.max(1, b.length), y / Math.max(1, b.length)];
  };
  /** Partner batches for a: all, or the nearest by centre when the neighbourhood is limited. */
  const partners = (s: Solution, a: number): number[] => {
    const m = s.batches.length;
    const first = rng.int(m);
    const all = Array.from({ length: m }, (_, k) => (first + k) % m).filter((b) => b !== a);
    if (centreOf === undefined || all.length <= neighbours) return all;
    const [ax, ay] = batchCentre(at(s.batches, a));
    const dist = new Map(
      all.map((b) => {
        const [bx, by] = batchCentre(at(s.batches, b));
        return [b, Math.abs(ax - bx) + Math.abs(ay - by)];
      }),
    );
    return all.sort((p, q) => (dist.get(p) ?? 0) - (dist.get(q) ?? 0)).slice(0, neighbours);
  };

  const improveBatch = (s: Solution, a: number, touched: (b: number) => void): boolean => {
    for (const b of partners(s, a)) {
      if (b === a) continue;
      const A = at(s.batches, a);
      const B = at(s.batches, b);
      if (A.length === 0) return false;
      if (B.length === 0) continue;
      const base = at(s.cost, a) + at(s.cost, b);
      const la = at(s.load, a);
      const lb = at(s.load, b);
      // SHIFT a → b and b → a.
      for (const [from, to, F, T, lt] of [
        [a, b, A, B, lb],
        [b, a, B, A, la],
      ] as const) {
        for (let k = 0; k < F.length; k++) {
          if (timeUp()) return false;
          const o = at(F, k);
          const size = coster.size(o);
          if (lt + size > capacity) continue;
          const nf = without(F, k);
          const nt = [...T, o];
          const cf = coster.cost(nf);
          const ct = coster.cost(nt);
          if (cf + ct < base - EPS) {
            s.batches[from] = nf;
            s.batches[to] = nt;
            s.load[from] = at(s.load, from) - size;
            s.load[to] = at(s.load, to) + size;
            s.cost[from] = cf;
            s.cost[to] = ct;
            s.total += cf + ct - base;
            touched(b);
            return true;
          }
        }
      }
      // SWAP one order of a with one order of b.
      for (let i = 0; i < A.length; i++) {
        const oi = at(A, i);
        const si = coster.size(oi);
        for (let j = 0; j < B.length; j++) {
          const oj = at(B, j);
          const sj = coster.size(oj);
          if (la - si + sj > capacity || lb - sj + si > capacity) continue;
          if (timeUp()) return false;
          const na = without(A, i);
          na.push(oj);
          const nb = without(B, j);
          nb.push(oi);
          const ca = coster.cost(na);
          const cb = coster.cost(nb);
          if (ca + cb < base - EPS) {
            s.batches[a] = na;
            s.batches[b] = nb;
            s.load[a] = la - si + sj;
            s.load[b] = lb - sj + si;
            s.cost[a] = ca;
            s.cost[b] = cb;
            s.total += ca + cb - base;
            touched(b);
            return true;
          }
        }
      }
    }
    return false;
  };

  /**
   * Local search driven by a queue of changed batches: a move's gain depends only on the two batches it
   * touches, so pairs of unchanged batches already known to have no improving move are not re-examined.
   */
  const localSearch = (s: Solution, dirty: Iterable<number>): void => {
    const queued = new Uint8Array(s.batches.length);
    const queue: number[] = [];
    const push = (b: number): void => {
      if (queued[b] === 0) {
        queued[b] = 1;
        queue.push(b);
      }
    };
    for (const b of dirty) push(b);
    while (queue.length > 0 && !timeUp()) {
      const a = queue.pop() ?? 0;
      queued[a] = 0;
      if (improveBatch(s, a, push)) push(a);
    }
  };

  /** Exchanges a few random orders between random pairs of batches, keeping the carts within capacity. */
  const perturb = (s: Solution): number[] => {
    const changed: number[] = [];
    const live = s.batches.flatMap((b, i) => (b.length > 0 ? [i] : []));
    if (live.length < 2) return changed;
    for (let t = 0; t < swaps; t++) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const a = at(live, rng.int(live.length));
        const b = at(live, rng.int(live.length));
        if (a === b) continue;
        const A = at(s.batches, a);
        const B = at(s.batches, b);
        const i = rng.int(A.length);
        const j = rng.int(B.length);
        const oi = at(A, i);
        const oj = at(B, j);
        const si = coster.size(oi);
        const sj = coster.size(oj);
        if (at(s.load, a) - si + sj > capacity || at(s.load, b) - sj + si > capacity) continue;
        A[i] = oj;
        B[j] = oi;
        s.load[a] = at(s.load, a) - si + sj;
        s.load[b] = at(s.load, b) - sj + si;
        for (const x of [a, b]) {
          const c = coster.cost(at(s.batches, x));
          s.total += c - at(s.cost, x);
          s.cost[x] = c;
          changed.push(x);
        }
        break;
      }
    }
    return changed;
  };

  const startTotal = start.total;
  let current = start;
  localSearch(current, current.batches.keys());
  let best = clone(current);
  const threshold0 = (options.threshold ?? 0.005) * current.total;
  const t0 = performance.now();
  const span = Math.max(1, deadline - t0);
  let idle = 0;
  for (let it = 0; it < maxIterations && !timeUp(); it++) {
    const candidate = clone(current);
    const changed = perturb(candidate);
    if (changed.length === 0) {
      // Fewer than two batches, or carts too full for any exchange: stop once retrying looks futile.
      if (++idle > 100) break;
      continue;
    }
    idle = 0;
    localSearch(candidate, changed);
    // Threshold accepting: tolerate slightly worse solutions early to leave local optima, less so later.
    const progress = Math.min(
      1,
      Math.max(
        Number.isFinite(maxIterations) ? it / maxIterations : 0,
        Number.isFinite(span) ? (performance.now() - t0) / span : 0,
      ),
    );
    const threshold = threshold0 * (1 - progress);
    if (candidate.total < current.total + threshold) current = candidate;
    if (current.total < best.total - EPS) best = clone(current);
  }
  // Local search applies improving moves only, so best ≤ start; kept explicit because callers rely on it.
  if (best.total > startTotal + EPS) return initial.map((b) => [...b]);
  return best.batches.filter((b) => b.length > 0);
}
