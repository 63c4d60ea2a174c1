import type { Layout, Pick } from '../geometry/layout.ts';
import { aisleX, crossAisleY, depotDistance, pickPoint, tourLength } from '../geometry/layout.ts';
import type { Rng } from '../random.ts';
import { mulberry32, randomInt } from '../random.ts';
import type { RouteResult } from './types.ts';

export interface LocalSearchOptions {
  /** Seed for the perturbation kicks; equal seeds give equal routes. */
  readonly seed?: number;
  /** Number of double-bridge kicks after the first local optimum (iterated local search). */
  readonly kicks?: number;
  /** Extra starting sequences (pick indices), e.g. from classic heuristics; the best start wins. */
  readonly starts?: readonly (readonly number[])[];
}

const DEFAULT_SEED = 0x9e3779b9;
const DEFAULT_KICKS = 40;
const NEIGHBOURS = 10;
const EPS = 1e-10;

/**
 * Shortest-path distance matrix over depot (node 0) and picks (node i + 1). Same arithmetic as
 * pickDistance/depotDistance so tour lengths agree bit for bit, but without per-call allocation.
 */
export function distanceMatrix(layout: Layout, picks: readonly Pick[]): Float64Array {
  const n = picks.length + 1;
  const d = new Float64Array(n * n);
  const xs = picks.map((p) => aisleX(layout, p.aisle));
  const ys = picks.map((p) => pickPoint(layout, p).y);
  const lo = picks.map((p) => crossAisleY(layout, p.block));
  const hi = picks.map((p) => crossAisleY(layout, p.block + 1));
  for (let i = 0; i < picks.length; i++) {
    const p = picks[i] as Pick;
    const dep = depotDistance(layout, p);
    d[i + 1] = dep;
    d[(i + 1) * n] = dep;
    const ay = ys[i] as number;
    for (let j = i + 1; j < picks.length; j++) {
      const by = ys[j] as number;
      let v: number;
      if (p.aisle === (picks[j] as Pick).aisle) v = Math.abs(ay - by);
      else {
        let vertical = Infinity;
        for (const ep of [lo[i] as number, hi[i] as number]) {
          for (const eq of [lo[j] as number, hi[j] as number]) {
            vertical = Math.min(vertical, Math.abs(ay - ep) + Math.abs(ep - eq) + Math.abs(eq - by));
          }
        }
        v = Math.abs((xs[i] as number) - (xs[j] as number)) + vertical;
      }
      d[(i + 1) * n + j + 1] = v;
      d[(j + 1) * n + i + 1] = v;
    }
  }
  return d;
}

/** Cycle length of a closed tour over matrix nodes. */
function cycleLength(d: Float64Array, n: number, tour: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < tour.length; i++) s += d[(tour[i] as number) * n + (tour[(i + 1) % tour.length] as number)] as number;
  return s;
}

/** Greedy start: repeatedly walk to the nearest unvisited node. */
function nearestNeighbour(d: Float64Array, n: number): number[] {
  const seen = new Uint8Array(n);
  const tour = [0];
  seen[0] = 1;
  let cur = 0;
  for (let k = 1; k < n; k++) {
    let best = -1;
    let bd = Infinity;
    for (let j = 1; j < n; j++) {
      const v = d[cur * n + j] as number;
      if (seen[j] === 0 && v < bd) {
        bd = v;
        best = j;
      }
    }
    seen[best] = 1;
    tour.push(best);
    cur = best;
  }
  return tour;
}

/**
 * 2-opt and Or-opt (segments of 1–3, both orientations) driven by candidate neighbour lists and
 * don't-look bits. Sources: Croes 1958 (2-opt); Or 1976 (Or-opt); Bentley, "Fast algorithms for
 * geometric travelling salesman problems", 1992 (neighbour lists and don't-look bits).
 */
class TourImprover {
  private readonly d: Float64Array;
  private readonly n: number;
  private readonly neigh: Int32Array;
  private readonly k: number;
  tour: number[] = [];
  private pos: Int32Array;
  private readonly active: Uint8Array;
  private readonly queue: number[] = [];
  private readonly scratch: Int32Array;

  constructor(d: Float64Array, n: number) {
    this.d = d;
    this.n = n;
    this.k = Math.min(NEIGHBOURS, n - 1);
    this.neigh = new Int32Array(n * this.k);
    this.pos = new Int32Array(n);
    this.active = new Uint8Array(n);
    this.scratch = new Int32Array(n);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < n; i++) {
      const cand = order.filter((j) => j !== i).sort((a, b) => (d[i * n + a] as number) - (d[i * n + b] as number) || a - b);
      for (let m = 0; m < this.k; m++) this.neigh[i * this.k + m] = cand[m] as number;
    }
  }

  private dist(a: number, b: number): number {
    return this.d[a * this.n + b] as number;
  }

  private succ(c: number): number {
    return this.tour[((this.pos[c] as number) + 1) % this.n] as number;
  }

  private pred(c: number): number {
    return this.tour[((this.pos[c] as number) + this.n - 1) % this.n] as number;
  }

  private setTour(t: readonly number[]): void {
    this.tour = [...t];
    this.tour.forEach((c, i) => (this.pos[c] = i));
  }

  private push(c: number): void {
    if (this.active[c] === 0) {
      this.active[c] = 1;
      this.queue.push(c);
    }
  }

  /** Reverses the tour path from position i forward to position j (cyclic), choosing the shorter side. */
  private reverse(i: number, j: number): void {
    const n = this.n;
    let len = ((j - i + n) % n) + 1;
    if (2 * len > n) {
      // Reversing the complement gives the same cycle (mirrored) with less work.
      const ni = (j + 1) % n;
      j = (i + n - 1) % n;
      i = ni;
      len = n - len;
    }
    for (let s = 0; s < Math.floor(len / 2); s++) {
      const a = (i + s) % n;
      const b = (j - s + n) % n;
      const ca = this.tour[a] as number;
      const cb = this.tour[b] as number;
      this.tour[a] = cb;
      this.tour[b] = ca;
      this.pos[cb] = a;
      this.pos[ca] = b;
    }
  }

  /** Tries an improving 2-opt move touching city a; applies the first one found. */
  private twoOpt(a: number): boolean {
    for (let dir = 0; dir < 2; dir++) {
      const forward = dir === 0;
      const b = forward ? this.succ(a) : this.pred(a);
      const dab = this.dist(a, b);
      for (let m = 0; m < this.k; m++) {
        const c = this.neigh[a * this.k + m] as number;
        const dac = this.dist(a, c);
        if (dac >= dab - EPS) break;
        const e = forward ? this.succ(c) : this.pred(c);
        if (c === b || e === a) continue;
        const delta = dac + this.dist(b, e) - dab - this.dist(c, e);
        if (delta < -EPS) {
          // forward: … a b … c e …  →  … a c … b e …  (reverse b..c)
          // backward: … e c … b a … →  … e b … c a …  (reverse c..b)
          if (forward) this.reverse(this.pos[b] as number, this.pos[c] as number);
          else this.reverse(this.pos[c] as number, this.pos[b] as number);
          this.push(a);
          this.push(b);
          this.push(c);
          this.push(e);
          return true;
        }
      }
    }
    return false;
  }

  /** Tries moving a segment of 1–3 cities starting or ending at a next to one of its endpoints' neighbours. */
  private orOpt(a: number): boolean {
    const n = this.n;
    for (let len = 1; len <= 3 && len <= n - 3; len++) {
      for (let side = 0; side < 2; side++) {
        const i = side === 0 ? (this.pos[a] as number) : ((this.pos[a] as number) - len + 1 + n) % n;
        const s1 = this.tour[i] as number;
        const s2 = this.tour[(i + len - 1) % n] as number;
        const p = this.tour[(i + n - 1) % n] as number;
        const q = this.tour[(i + len) % n] as number;
        const removeGain = this.dist(p, s1) + this.dist(s2, q) - this.dist(p, q);
        if (removeGain <= EPS) continue;
        for (let which = 0; which < 2; which++) {
          const end = which === 0 ? s1 : s2;
          for (let m = 0; m < this.k; m++) {
            const c = this.neigh[end * this.k + m] as number;
            if (this.dist(end, c) >= removeGain - EPS) break;
            if (this.inSegment(c, i, len)) continue;
            for (let side2 = 0; side2 < 2; side2++) {
              // Insert between c and its successor (side2 = 0) or its predecessor.
              const x = side2 === 0 ? c : this.pred(c);
              const y = side2 === 0 ? this.succ(c) : c;
              if (this.inSegment(x, i, len) || this.inSegment(y, i, len) || (x === p && y === q)) continue;
              const dxy = this.dist(x, y);
              const fwd = this.dist(x, s1) + this.dist(s2, y) - dxy;
              const rev = this.dist(x, s2) + this.dist(s1, y) - dxy;
              const add = Math.min(fwd, rev);
              if (add - removeGain < -EPS) {
                this.moveSegment(i, len, x, rev < fwd);
                this.push(p);
                this.push(q);
                this.push(s1);
                this.push(s2);
                this.push(x);
                this.push(y);
                return true;
              }
            }
          }
        }
      }
    }
    return false;
  }

  private inSegment(c: number, i: number, len: number): boolean {
    return ((this.pos[c] as number) - i + this.n) % this.n < len;
  }

  /** Moves the len cities from position i to just after city x (optionally reversed), rewriting the tour in one pass. */
  private moveSegment(i: number, len: number, x: number, reversed: boolean): void {
    const n = this.n;
    const old = this.scratch;
    for (let s = 0; s < n; s++) old[s] = this.tour[s] as number;
    let w = 0;
    // Walk the rest of the cycle starting right after the segment; drop the segment in after x.
    for (let s = 0; s < n - len; s++) {
      const c = old[(i + len + s) % n] as number;
      this.tour[w] = c;
      this.pos[c] = w++;
      if (c === x) {
        for (let k = 0; k < len; k++) {
          const sc = old[(i + (reversed ? len - 1 - k : k)) % n] as number;
          this.tour[w] = sc;
          this.pos[sc] = w++;
        }
      }
    }
  }

  /** Runs moves until no city in the queue yields an improvement. */
  optimise(start: readonly number[], touched?: readonly number[]): number[] {
    this.setTour(start);
    if (touched === undefined) for (const c of start) this.push(c);
    else for (const c of touched) this.push(c);
    while (this.queue.length > 0) {
      const a = this.queue.shift() as number;
      this.active[a] = 0;
      if (this.twoOpt(a) || this.orOpt(a)) this.push(a);
    }
    return [...this.tour];
  }
}

/** Double bridge: A B C D → A C B D, the classic kick that 2-opt/Or-opt cannot undo in one move (Martin, Otto & Felten 1991). */
function doubleBridge(tour: readonly number[], rng: Rng): { tour: number[]; touched: number[] } {
  const n = tour.length;
  const cuts = [1 + randomInt(rng, n - 1), 1 + randomInt(rng, n - 1), 1 + randomInt(rng, n - 1)].sort((a, b) => a - b);
  const [p1, p2, p3] = cuts as [number, number, number];
  const out = [...tour.slice(0, p1), ...tour.slice(p2, p3), ...tour.slice(p1, p2), ...tour.slice(p3)];
  const touched = new Set<number>();
  for (const p of [0, p1, p2, p3]) {
    touched.add(tour[(p + n - 1) % n] as number);
    touched.add(tour[p % n] as number);
  }
  return { tour: out, touched: [...touched] };
}

/** Turns a matrix cycle into a pick sequence starting after the depot. */
function toSequence(tour: readonly number[]): number[] {
  const z = tour.indexOf(0);
  const seq: number[] = [];
  for (let s = 1; s < tour.length; s++) seq.push((tour[(z + s) % tour.length] as number) - 1);
  return seq;
}

/**
 * Iterated local search on the shortest-path distance matrix: best of the given starts and nearest
 * neighbour, then 2-opt/Or-opt, then seeded double-bridge kicks, keeping a kick only if it improves.
 * Source: Lourenço, Martin & Stützle, "Iterated local search", 2003.
 */
export function localSearchRoute(layout: Layout, picks: readonly Pick[], options: LocalSearchOptions = {}): RouteResult {
  const m = picks.length;
  if (m === 0) return { length: 0, sequence: [], method: 'local-search' };
  const n = m + 1;
  const d = distanceMatrix(layout, picks);
  const starts: number[][] = [nearestNeighbour(d, n)];
  for (const s of options.starts ?? []) {
    if (s.length === m && new Set(s).size === m) starts.push([0, ...s.map((i) => i + 1)]);
  }
  let best = starts[0] as number[];
  let bestLen = cycleLength(d, n, best);
  for (const s of starts.slice(1)) {
    const len = cycleLength(d, n, s);
    if (len < bestLen - EPS) {
      best = s;
      bestLen = len;
    }
  }
  if (n > 3) {
    const improver = new TourImprover(d, n);
    best = improver.optimise(best);
    bestLen = cycleLength(d, n, best);
    const kicks = n >= 8 ? (options.kicks ?? DEFAULT_KICKS) : 0;
    const rng = mulberry32(options.seed ?? DEFAULT_SEED);
    for (let k = 0; k < kicks; k++) {
      const kicked = doubleBridge(best, rng);
      const cand = improver.optimise(kicked.tour, kicked.touched);
      const len = cycleLength(d, n, cand);
      if (len < bestLen - EPS) {
        best = cand;
        bestLen = len;
      }
    }
  }
  const sequence = toSequence(best);
  return { length: tourLength(layout, picks, sequence), sequence, method: 'local-search' };
}
