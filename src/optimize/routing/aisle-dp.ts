import type { Layout, Pick } from '../geometry/layout.ts';
import { aisleX, crossAisleY, pickPoint } from '../geometry/layout.ts';

/**
 * Aisle-by-aisle dynamic programme over "partial tour subgraphs" of the aisle/cross-aisle graph.
 * Source: Ratliff & Rosenthal, "Order-picking in a rectangular warehouse: a solvable case of the
 * travelling salesman problem", 1983 (single block); Roodbergen & de Koster, "Routing order pickers
 * in a warehouse with a middle aisle", 2001 (two blocks, one middle cross aisle).
 *
 * Both papers sweep the aisles left to right and keep, per equivalence class of partial subgraphs,
 * the cheapest one. A class is fixed by the degree parity of each frontier vertex (where the
 * current aisle meets a cross aisle) and by which frontier vertices are connected. Here the
 * classes are generated mechanically for B + 1 frontier vertices instead of being tabulated by
 * hand, which gives RR83's 7 classes for B = 1 and RdK01's classes for B = 2 (and works, slower,
 * for any B). The depot may stand anywhere on the front cross aisle: if it is not at an aisle,
 * it gets a virtual column with no vertical edges whose front vertex must be visited.
 */

/** Degree classes of a frontier vertex. */
const ABSENT = 0;
const ODD = 1;
const EVEN = 2;

/** How a tour subgraph may traverse one block of one aisle (the only useful patterns, see RR83). */
const NONE = 0; // untouched (only if the segment holds no picks)
const PASS = 1; // traversed once end to end
const PASS2 = 2; // traversed twice end to end
const FROM_LOW = 3; // entered from the lower cross aisle up to the farthest pick and back
const FROM_HIGH = 4; // entered from the upper cross aisle down to the farthest pick and back
const GAP = 5; // entered from both ends, leaving the largest gap between adjacent picks unwalked
const KINDS = 6;
/** Per kind: degree added to the lower and the upper end vertex, and whether it joins them. */
const ADD_LOW = [0, 1, 2, 2, 0, 2] as const;
const ADD_HIGH = [0, 1, 2, 0, 2, 2] as const;
const JOINS = [false, true, true, false, false, false] as const;

interface SegmentOption {
  readonly kind: number;
  readonly cost: number;
}

interface Segment {
  /** Picks in this block of this aisle, sorted by position. */
  readonly picks: readonly number[];
  /** Index of the interval (0 = between lower end and first pick) left out by GAP. */
  readonly gapInterval: number;
  readonly options: readonly SegmentOption[];
}

interface Column {
  readonly x: number;
  /** Real aisle index, or -1 for the depot's virtual column. */
  readonly aisle: number;
  /** One segment per block. */
  readonly segments: readonly Segment[];
  /** All combinations of segment options: encoded pattern (base KINDS) and summed cost. */
  readonly patterns: readonly { readonly code: number; readonly cost: number }[];
}

export interface AisleDpResult {
  /** Optimal tour length according to the DP. */
  readonly optimum: number;
  /** Pick indices in the order an Euler walk of the optimal subgraph first meets them. */
  readonly sequence: readonly number[];
}

/** Transition tables for one frontier size, shared by all calls (they depend on no instance data). */
class StateSpace {
  readonly n: number;
  readonly p3: number;
  readonly hChoices: number;
  readonly hDegreeSum: Int32Array;
  private readonly pn: number;
  private readonly hMemo = new Map<number, Int32Array>();
  private readonly vMemo = new Map<number, Int32Array>();
  private readonly vSize: number;
  readonly doneKey: number;

  constructor(n: number) {
    this.n = n;
    this.p3 = 3 ** n;
    this.pn = n ** n;
    this.hChoices = this.p3;
    this.vSize = KINDS ** (n - 1);
    this.hDegreeSum = new Int32Array(this.p3);
    for (let t = 0; t < this.p3; t++) {
      let s = 0;
      for (let j = 0, r = t; j < n; j++, r = Math.floor(r / 3)) s += r % 3;
      this.hDegreeSum[t] = s;
    }
    this.doneKey = this.encode(new Array<number>(n).fill(ABSENT), new Array<number>(n).fill(0), 1);
  }

  encode(deg: readonly number[], lab: readonly number[], done: number): number {
    // Canonical labels: first present vertex gets 0, next new component 1, …; absent vertices 0.
    const map = new Map<number, number>();
    let d = 0;
    let l = 0;
    for (let j = this.n - 1; j >= 0; j--) d = d * 3 + (deg[j] as number);
    const canon: number[] = [];
    for (let j = 0; j < this.n; j++) {
      if (deg[j] === ABSENT) {
        canon.push(0);
        continue;
      }
      const raw = lab[j] as number;
      let c = map.get(raw);
      if (c === undefined) {
        c = map.size;
        map.set(raw, c);
      }
      canon.push(c);
    }
    for (let j = this.n - 1; j >= 0; j--) l = l * this.n + (canon[j] as number);
    return d + this.p3 * (l + this.pn * done);
  }

  private decode(key: number): { deg: number[]; lab: number[]; done: boolean } {
    const deg: number[] = [];
    const lab: number[] = [];
    let r = key;
    for (let j = 0; j < this.n; j++, r = Math.floor(r / 3)) deg.push(r % 3);
    for (let j = 0; j < this.n; j++, r = Math.floor(r / this.n)) lab.push(r % this.n);
    return { deg, lab, done: r === 1 };
  }

  /** Successor after adding `t` (base-3 multiplicities per cross aisle) horizontal edges; -1 if infeasible. */
  horizontal(key: number, t: number, depotHere: boolean): number {
    let memo = this.hMemo.get(key);
    if (memo === undefined) {
      memo = new Int32Array(2 * this.hChoices).fill(-2);
      this.hMemo.set(key, memo);
    }
    const slot = (depotHere ? this.hChoices : 0) + t;
    let r = memo[slot] as number;
    if (r === -2) {
      r = this.computeHorizontal(key, t, depotHere);
      memo[slot] = r;
    }
    return r;
  }

  private computeHorizontal(key: number, t: number, depotHere: boolean): number {
    const n = this.n;
    const { deg, lab, done } = this.decode(key);
    if (done) return t === 0 && !depotHere ? key : -1;
    const mult: number[] = [];
    for (let j = 0, r = t; j < n; j++, r = Math.floor(r / 3)) mult.push(r % 3);
    // The old frontier vertices leave the frontier now, so their degree must end even.
    for (let j = 0; j < n; j++) {
      const m = mult[j] as number;
      const d = deg[j] as number;
      if (d === ABSENT && m === 1) return -1;
      if (d === ODD && m !== 1) return -1;
      if (d === EVEN && m === 1) return -1;
    }
    if (depotHere && deg[0] === ABSENT && mult[0] === 0) return -1;
    // Union-find over old vertices 0..n-1 and new vertices n..2n-1.
    const parent = Array.from({ length: 2 * n }, (_, i) => i);
    const find = (x: number): number => {
      let y = x;
      while (parent[y] !== y) y = parent[y] as number;
      return y;
    };
    const union = (a: number, b: number): void => {
      parent[find(a)] = find(b);
    };
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (deg[i] !== ABSENT && deg[j] !== ABSENT && lab[i] === lab[j]) union(i, j);
      }
    }
    for (let j = 0; j < n; j++) if ((mult[j] as number) > 0) union(j, n + j);
    // Every old component must reach the new frontier, unless it is the whole, finished tour.
    const oldRoots = new Set<number>();
    const continuing = new Set<number>();
    for (let j = 0; j < n; j++) {
      if (deg[j] === ABSENT && mult[j] === 0) continue;
      oldRoots.add(find(j));
      if ((mult[j] as number) > 0) continuing.add(find(j));
    }
    if (continuing.size < oldRoots.size) {
      return oldRoots.size === 1 && t === 0 ? this.doneKey : -1;
    }
    const nd: number[] = [];
    const nl: number[] = [];
    for (let j = 0; j < n; j++) {
      const m = mult[j] as number;
      nd.push(m === 0 ? ABSENT : m === 1 ? ODD : EVEN);
      nl.push(find(n + j));
    }
    return this.encode(nd, nl, 0);
  }

  /** Successor after adding the vertical edges of one aisle (pattern: base-KINDS kind per block). */
  vertical(key: number, code: number): number {
    let memo = this.vMemo.get(key);
    if (memo === undefined) {
      memo = new Int32Array(this.vSize).fill(-2);
      this.vMemo.set(key, memo);
    }
    let r = memo[code] as number;
    if (r === -2) {
      r = this.computeVertical(key, code);
      memo[code] = r;
    }
    return r;
  }

  private computeVertical(key: number, code: number): number {
    const n = this.n;
    const { deg, lab, done } = this.decode(key);
    if (done) return code === 0 ? key : -1;
    const parent = Array.from({ length: n }, (_, i) => i);
    const find = (x: number): number => {
      let y = x;
      while (parent[y] !== y) y = parent[y] as number;
      return y;
    };
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (deg[i] !== ABSENT && deg[j] !== ABSENT && lab[i] === lab[j]) parent[find(i)] = find(j);
      }
    }
    const add = new Array<number>(n).fill(0);
    for (let b = 0, r = code; b < n - 1; b++, r = Math.floor(r / KINDS)) {
      const kind = r % KINDS;
      add[b] = (add[b] as number) + (ADD_LOW[kind] as number);
      add[b + 1] = (add[b + 1] as number) + (ADD_HIGH[kind] as number);
      if (JOINS[kind] === true) parent[find(b)] = find(b + 1);
    }
    const nd: number[] = [];
    const nl: number[] = [];
    for (let j = 0; j < n; j++) {
      const d = deg[j] as number;
      const a = add[j] as number;
      if (d === ABSENT && a === 0) nd.push(ABSENT);
      else nd.push(((d === ODD ? 1 : 0) + a) % 2 === 1 ? ODD : EVEN);
      nl.push(find(j));
    }
    return this.encode(nd, nl, 0);
  }
}

const spaces = new Map<number, StateSpace>();
function stateSpace(n: number): StateSpace {
  let s = spaces.get(n);
  if (s === undefined) {
    s = new StateSpace(n);
    spaces.set(n, s);
  }
  return s;
}

function buildColumns(layout: Layout, picks: readonly Pick[]): { columns: Column[]; depotCol: number } {
  const B = layout.blocks;
  const span = crossAisleY(layout, 1);
  const depotX = layout.depot.x;
  let minX = depotX;
  let maxX = depotX;
  for (const p of picks) {
    const x = aisleX(layout, p.aisle);
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
  }
  // Aisles outside [minX, maxX] are dead ends an optimal tour never enters; aisles inside may
  // carry no picks yet still be the cheapest way between cross aisles, so they stay.
  const byAisle = new Map<number, number[]>();
  picks.forEach((p, i) => {
    const list = byAisle.get(p.aisle);
    if (list === undefined) byAisle.set(p.aisle, [i]);
    else list.push(i);
  });
  const raw: { x: number; aisle: number }[] = [];
  for (let a = 0; a < layout.aisles; a++) {
    const x = aisleX(layout, a);
    if (x >= minX && x <= maxX) raw.push({ x, aisle: a });
  }
  if (!raw.some((c) => c.x === depotX)) raw.push({ x: depotX, aisle: -1 });
  raw.sort((p, q) => p.x - q.x);
  const relY = picks.map((p) => pickPoint(layout, p).y - crossAisleY(layout, p.block));
  const columns = raw.map(({ x, aisle }): Column => {
    const segments: Segment[] = [];
    for (let b = 0; b < B; b++) {
      if (aisle < 0) {
        segments.push({ picks: [], gapInterval: -1, options: [{ kind: NONE, cost: 0 }] });
        continue;
      }
      const inSeg = (byAisle.get(aisle) ?? []).filter((i) => picks[i]?.block === b);
      inSeg.sort((i, j) => (relY[i] as number) - (relY[j] as number) || i - j);
      const ys = inSeg.map((i) => relY[i] as number);
      const options: SegmentOption[] = [
        { kind: PASS, cost: span },
        { kind: PASS2, cost: 2 * span },
      ];
      let gapInterval = -1;
      if (ys.length === 0) {
        options.unshift({ kind: NONE, cost: 0 });
      } else {
        const lo = ys[0] as number;
        const hi = ys[ys.length - 1] as number;
        options.push({ kind: FROM_LOW, cost: 2 * hi }, { kind: FROM_HIGH, cost: 2 * (span - lo) });
        let best = -1;
        for (let i = 1; i < ys.length; i++) {
          const g = (ys[i] as number) - (ys[i - 1] as number);
          if (g > best) {
            best = g;
            gapInterval = i;
          }
        }
        if (gapInterval > 0) options.push({ kind: GAP, cost: 2 * (span - best) });
      }
      segments.push({ picks: inSeg, gapInterval, options });
    }
    let patterns = [{ code: 0, cost: 0 }];
    for (let b = B - 1; b >= 0; b--) {
      const next: { code: number; cost: number }[] = [];
      for (const p of patterns) {
        for (const o of (segments[b] as Segment).options) next.push({ code: p.code * KINDS + o.kind, cost: p.cost + o.cost });
      }
      patterns = next;
    }
    return { x, aisle, segments, patterns };
  });
  const depotCol = columns.findIndex((c) => c.x === depotX);
  return { columns, depotCol };
}

interface LayerState {
  key: number;
  cost: number;
  prev: number;
  choice: number;
}

function step(
  layer: readonly LayerState[],
  each: (s: LayerState, emit: (key: number, cost: number, choice: number) => void) => void,
): LayerState[] {
  const out: LayerState[] = [];
  const where = new Map<number, number>();
  layer.forEach((s, i) => {
    each(s, (key, cost, choice) => {
      const at = where.get(key);
      if (at === undefined) {
        where.set(key, out.length);
        out.push({ key, cost, prev: i, choice });
      } else {
        const o = out[at] as LayerState;
        if (cost < o.cost) {
          o.cost = cost;
          o.prev = i;
          o.choice = choice;
        }
      }
    });
  });
  return out;
}

/** Exact minimum tour for any number of blocks; cost grows quickly with `layout.blocks`. */
export function aisleDp(layout: Layout, picks: readonly Pick[]): AisleDpResult {
  if (picks.length === 0) return { optimum: 0, sequence: [] };
  const n = layout.blocks + 1;
  const space = stateSpace(n);
  const { columns, depotCol } = buildColumns(layout, picks);
  const layers: LayerState[][] = [];
  let layer: LayerState[] = [{ key: 0, cost: 0, prev: -1, choice: 0 }];
  for (let c = 0; c < columns.length; c++) {
    const col = columns[c] as Column;
    if (c > 0) {
      const dx = col.x - (columns[c - 1] as Column).x;
      const depotHere = c - 1 === depotCol;
      layer = step(layer, (s, emit) => {
        for (let t = 0; t < space.hChoices; t++) {
          const k = space.horizontal(s.key, t, depotHere);
          if (k >= 0) emit(k, s.cost + (space.hDegreeSum[t] as number) * dx, t);
        }
      });
      layers.push(layer);
    }
    layer = step(layer, (s, emit) => {
      for (const p of col.patterns) {
        const k = space.vertical(s.key, p.code);
        if (k >= 0) emit(k, s.cost + p.cost, p.code);
      }
    });
    layers.push(layer);
  }
  let bestIdx = -1;
  let best = Infinity;
  const lastIsDepot = depotCol === columns.length - 1;
  layer.forEach((s, i) => {
    if (space.horizontal(s.key, 0, lastIsDepot) === space.doneKey && s.cost < best) {
      best = s.cost;
      bestIdx = i;
    }
  });
  if (bestIdx < 0) throw new Error('aisle DP found no feasible tour (internal error)');
  // Walk back through the layers: per column its vertical pattern, per gap its horizontal multiplicities.
  const vChoice = new Array<number>(columns.length).fill(0);
  const hChoice = new Array<number>(columns.length).fill(0); // hChoice[c]: edges between column c-1 and c
  let idx = bestIdx;
  let li = layers.length - 1;
  for (let c = columns.length - 1; c >= 0; c--) {
    const v = (layers[li--] as LayerState[])[idx] as LayerState;
    vChoice[c] = v.choice;
    idx = v.prev;
    if (c > 0) {
      const h = (layers[li--] as LayerState[])[idx] as LayerState;
      hChoice[c] = h.choice;
      idx = h.prev;
    }
  }
  return { optimum: best, sequence: eulerSequence(columns, depotCol, n, picks.length, vChoice, hChoice) };
}

/** Builds the optimal multigraph and lists picks in the order a Hierholzer Euler circuit from the depot first meets them. */
function eulerSequence(
  columns: readonly Column[],
  depotCol: number,
  n: number,
  pickCount: number,
  vChoice: readonly number[],
  hChoice: readonly number[],
): number[] {
  const gridNodes = columns.length * n;
  const nodeCount = gridNodes + pickCount;
  const adj: number[][] = Array.from({ length: nodeCount }, () => []);
  const ends: number[] = [];
  const addEdge = (u: number, v: number, times: number): void => {
    for (let k = 0; k < times; k++) {
      const e = ends.length / 2;
      ends.push(u, v);
      (adj[u] as number[]).push(e);
      (adj[v] as number[]).push(e);
    }
  };
  columns.forEach((col, c) => {
    if (c > 0) {
      for (let j = 0, r = hChoice[c] as number; j < n; j++, r = Math.floor(r / 3)) addEdge((c - 1) * n + j, c * n + j, r % 3);
    }
    for (let b = 0, r = vChoice[c] as number; b < n - 1; b++, r = Math.floor(r / KINDS)) {
      const kind = r % KINDS;
      const seg = col.segments[b] as Segment;
      const chain = [c * n + b, ...seg.picks.map((i) => gridNodes + i), c * n + b + 1];
      for (let i = 0; i + 1 < chain.length; i++) {
        let times = 0;
        if (kind === PASS) times = 1;
        else if (kind === PASS2) times = 2;
        else if (kind === FROM_LOW) times = i < chain.length - 2 ? 2 : 0;
        else if (kind === FROM_HIGH) times = i > 0 ? 2 : 0;
        else if (kind === GAP) times = i === seg.gapInterval ? 0 : 2;
        addEdge(chain[i] as number, chain[i + 1] as number, times);
      }
    }
  });
  const used = new Uint8Array(ends.length / 2);
  const ptr = new Int32Array(nodeCount);
  const seen = new Uint8Array(pickCount);
  const sequence: number[] = [];
  const stack = [depotCol * n];
  // Iterative Hierholzer; the circuit comes out reversed, which is an equally valid circuit.
  while (stack.length > 0) {
    const v = stack[stack.length - 1] as number;
    const list = adj[v] as number[];
    while ((ptr[v] as number) < list.length && used[list[ptr[v] as number] as number] === 1) ptr[v] = (ptr[v] as number) + 1;
    if ((ptr[v] as number) < list.length) {
      const e = list[ptr[v] as number] as number;
      used[e] = 1;
      const u = ends[2 * e] === v ? (ends[2 * e + 1] as number) : (ends[2 * e] as number);
      stack.push(u);
    } else {
      stack.pop();
      if (v >= gridNodes && seen[v - gridNodes] === 0) {
        seen[v - gridNodes] = 1;
        sequence.push(v - gridNodes);
      }
    }
  }
  return sequence;
}
