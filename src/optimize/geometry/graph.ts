import type { Layout, Pick, Point } from './layout.ts';
import { aisleX, crossAisleY, pickPoint, validateLayout, validatePick } from './layout.ts';

/** Coordinates closer than this are treated as the same point when graph nodes are merged. */
const EPS = 1e-9;

export interface Edge {
  readonly to: number;
  readonly length: number;
}

/**
 * An undirected, weighted graph of walkable lines for layouts that are not rectangular (or to cross-check the
 * closed-form distances of layout.ts). Nodes are numbered 0..nodeCount-1 in insertion order.
 */
export class Graph {
  private readonly points: Point[] = [];
  private readonly adjacency: Edge[][] = [];

  get nodeCount(): number {
    return this.points.length;
  }

  addNode(x: number, y: number): number {
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new RangeError('node coordinates must be finite numbers');
    this.points.push({ x, y });
    this.adjacency.push([]);
    return this.points.length - 1;
  }

  /** Adds an undirected edge; the length defaults to the straight-line distance between the two nodes. */
  addEdge(a: number, b: number, length?: number): void {
    const pa = this.node(a);
    const pb = this.node(b);
    const len = length ?? Math.hypot(pa.x - pb.x, pa.y - pb.y);
    if (!Number.isFinite(len) || len < 0) throw new RangeError(`edge length must be a finite number >= 0, got ${String(len)}`);
    this.adjacency[a]?.push({ to: b, length: len });
    this.adjacency[b]?.push({ to: a, length: len });
  }

  node(id: number): Point {
    const p = this.points[id];
    if (p === undefined) throw new RangeError(`node ${id} does not exist`);
    return p;
  }

  neighbours(id: number): readonly Edge[] {
    this.node(id);
    return this.adjacency[id] ?? [];
  }

  /**
   * Single-source shortest path lengths (Infinity where unreachable) and predecessors.
   * Dijkstra (1959) with a binary heap and lazy deletion: O((V + E) log V).
   */
  shortestPaths(source: number): { readonly distance: Float64Array; readonly previous: Int32Array } {
    this.node(source);
    const n = this.points.length;
    const distance = new Float64Array(n).fill(Infinity);
    const previous = new Int32Array(n).fill(-1);
    const done = new Uint8Array(n);
    const heap = new MinHeap();
    distance[source] = 0;
    heap.push(0, source);
    for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
      const [d, u] = top;
      if (done[u] === 1) continue;
      done[u] = 1;
      for (const e of this.adjacency[u] ?? []) {
        const nd = d + e.length;
        if (nd < (distance[e.to] as number)) {
          distance[e.to] = nd;
          previous[e.to] = u;
          heap.push(nd, e.to);
        }
      }
    }
    return { distance, previous };
  }

  /** Length and node path of a shortest path; `path` is empty when target is unreachable. */
  shortestPath(source: number, target: number): { readonly length: number; readonly path: readonly number[] } {
    this.node(target);
    const { distance, previous } = this.shortestPaths(source);
    const length = distance[target] as number;
    if (length === Infinity) return { length, path: [] };
    const path: number[] = [];
    for (let v = target; v !== -1; v = previous[v] as number) path.push(v);
    return { length, path: path.reverse() };
  }

  /** matrix[i][j] = shortest path length between nodes[i] and nodes[j]; one Dijkstra run per row. */
  distanceMatrix(nodes: readonly number[]): number[][] {
    return nodes.map((source) => {
      const { distance } = this.shortestPaths(source);
      return nodes.map((t) => {
        const d = distance[t];
        if (d === undefined) throw new RangeError(`node ${t} does not exist`);
        return d;
      });
    });
  }
}

/** Binary min-heap of (key, value) pairs; ties pop in no particular order. */
class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];

  push(key: number, value: number): void {
    const { keys, values } = this;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((keys[parent] as number) <= key) break;
      keys[i] = keys[parent] as number;
      values[i] = values[parent] as number;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  pop(): [number, number] | undefined {
    const { keys, values } = this;
    const topKey = keys[0];
    const topValue = values[0];
    if (topKey === undefined || topValue === undefined) return undefined;
    const lastKey = keys.pop() as number;
    const lastValue = values.pop() as number;
    const n = keys.length;
    if (n > 0) {
      // Sift the former last element down from the root.
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && (keys[r] as number) < (keys[l] as number) ? r : l;
        if ((keys[c] as number) >= lastKey) break;
        keys[i] = keys[c] as number;
        values[i] = values[c] as number;
        i = c;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return [topKey, topValue];
  }
}

export interface RectangularLayoutGraph {
  readonly graph: Graph;
  /** Node of the depot on the front cross aisle. */
  readonly depot: number;
  /** Node of pick i (picks at the same point share a node). */
  readonly picks: readonly number[];
  /** Node where aisle a meets cross aisle j (0 = front). */
  intersection(aisle: number, crossAisle: number): number;
}

/**
 * The walkable network of a rectangular multi-block layout: aisle and cross-aisle centre lines, with nodes at
 * every intersection, at the depot and at each pick. Shortest paths in it equal layout.ts's pickDistance and
 * depotDistance, which the tests check; other layouts can be built directly with Graph.
 */
export function rectangularLayoutGraph(layout: Layout, picks: readonly Pick[] = []): RectangularLayoutGraph {
  validateLayout(layout);
  picks.forEach((p, i) => validatePick(layout, p, `picks[${i}]`));
  const graph = new Graph();
  const grid: number[][] = [];
  for (let a = 0; a < layout.aisles; a++) {
    const column: number[] = [];
    for (let j = 0; j <= layout.blocks; j++) column.push(graph.addNode(aisleX(layout, a), crossAisleY(layout, j)));
    grid.push(column);
  }
  const intersection = (aisle: number, crossAisle: number): number => {
    const id = grid[aisle]?.[crossAisle];
    if (id === undefined) throw new RangeError(`no intersection of aisle ${aisle} and cross aisle ${crossAisle}`);
    return id;
  };

  // Cross aisles: chain neighbouring intersections; the depot joins the front cross aisle wherever it stands
  // (also beyond the outer aisles, where the front cross aisle is taken to extend to it).
  const depotX = layout.depot.x;
  let depot = -1;
  for (let a = 0; a < layout.aisles; a++) {
    if (Math.abs(aisleX(layout, a) - depotX) <= EPS) depot = intersection(a, 0);
  }
  if (depot === -1) depot = graph.addNode(depotX, 0);
  for (let j = 0; j <= layout.blocks; j++) {
    const line = Array.from({ length: layout.aisles }, (_, a) => intersection(a, j));
    if (j === 0 && !line.includes(depot)) line.push(depot);
    line.sort((u, v) => graph.node(u).x - graph.node(v).x);
    for (let k = 0; k + 1 < line.length; k++) graph.addEdge(line[k] as number, line[k + 1] as number);
  }

  // Sub-aisles: chain the two intersections with the picks between them, merging coincident points.
  const pickNodes: number[] = picks.map(() => -1);
  for (let a = 0; a < layout.aisles; a++) {
    for (let b = 0; b < layout.blocks; b++) {
      const inside = picks
        .map((p, i) => ({ i, p }))
        .filter(({ p }) => p.aisle === a && p.block === b)
        .map(({ i, p }) => ({ i, y: pickPoint(layout, p).y }))
        .sort((u, v) => u.y - v.y || u.i - v.i);
      let prev = intersection(a, b);
      for (const { i, y } of inside) {
        let id = prev;
        if (y - graph.node(prev).y > EPS) {
          id = graph.addNode(aisleX(layout, a), y);
          graph.addEdge(prev, id);
        }
        pickNodes[i] = id;
        prev = id;
      }
      const top = intersection(a, b + 1);
      // A pick at the very end of the sub-aisle (zero-width cross aisle) joins the top with a zero-length edge.
      graph.addEdge(prev, top, Math.max(0, graph.node(top).y - graph.node(prev).y));
    }
  }
  return { graph, depot, picks: pickNodes, intersection };
}

/** A storage location as a location master describes it, in metres. */
export interface LocationLike {
  readonly code: string;
  readonly x: number;
  readonly y: number;
  /** Level height; ignored: the model is a horizontal walk and reaching up does not change it. */
  readonly z: number;
  /** Aisle label; when present it decides the aisle instead of the x coordinate. */
  readonly aisle?: string;
}

export interface LocationsToLayoutOptions {
  /** x values within this distance of their neighbour belong to the same aisle (no labels). Default 0.5 m. */
  readonly aisleTolerance?: number;
  /** A y gap wider than this between neighbouring locations separates two blocks. Default 2 m. */
  readonly blockGap?: number;
  /** Cross-aisle width when it cannot be inferred (a single block). Default 0. */
  readonly crossAisleWidth?: number;
  /** Aisle pitch when it cannot be inferred (a single aisle). Default 1 m. */
  readonly aislePitch?: number;
  /** Depot x in the locations' coordinates. Default: the first aisle. */
  readonly depotX?: number;
}

export interface LocationsLayout {
  readonly layout: Layout;
  /** Pick position of every location code. */
  readonly picks: ReadonlyMap<string, Pick>;
  /** Subtract from location coordinates to get layout coordinates. */
  readonly origin: Point;
}

/**
 * Fits a rectangular Layout to location-master coordinates. Assumptions (all in metres):
 * - aisles run along y; an aisle's centre line is the mean x of its locations, so with `aisle` labels (used only
 *   when every location has one) both rack
 *   faces average to the centre, and without labels x is taken to be (close to) the centre line itself, since
 *   faces of neighbouring aisles cannot be told apart by x alone;
 * - aisles are evenly spaced: the pitch is the median gap between neighbouring centre lines and each aisle
 *   gets index round((x - first) / pitch); two aisles landing on one index is an error;
 * - blocks are the y ranges separated by gaps wider than `blockGap`, shared by all aisles; blockLength is the
 *   longest range, the cross-aisle width is the mean block-to-block pitch minus blockLength (at least 0);
 * - a location's offset is clamped into [0, blockLength], so uneven blocks are approximated, not rejected;
 * - z is ignored.
 */
export function locationsToLayout(locations: readonly LocationLike[], options: LocationsToLayoutOptions = {}): LocationsLayout {
  if (locations.length === 0) throw new RangeError('locations must not be empty');
  const codes = new Set<string>();
  for (const l of locations) {
    if (codes.has(l.code)) throw new RangeError(`location code ${l.code} appears twice`);
    codes.add(l.code);
    if (!Number.isFinite(l.x) || !Number.isFinite(l.y)) throw new RangeError(`location ${l.code} needs finite x and y`);
  }
  const tolerance = options.aisleTolerance ?? 0.5;
  const blockGap = options.blockGap ?? 2;

  // Aisle centre lines.
  const groups = new Map<string, LocationLike[]>();
  const labelled = locations.every((l) => l.aisle !== undefined);
  if (labelled) {
    for (const l of locations) groups.set(l.aisle ?? '', [...(groups.get(l.aisle ?? '') ?? []), l]);
  } else {
    const byX = [...locations].sort((u, v) => u.x - v.x);
    let key = -1;
    let lastX = -Infinity;
    for (const l of byX) {
      if (l.x - lastX > tolerance) key++;
      lastX = l.x;
      groups.set(String(key), [...(groups.get(String(key)) ?? []), l]);
    }
  }
  const aisles = [...groups.values()]
    .map((members) => ({ members, x: members.reduce((s, l) => s + l.x, 0) / members.length }))
    .sort((u, v) => u.x - v.x);
  const firstX = aisles[0]?.x ?? 0;
  const gaps = aisles.slice(1).map((g, i) => g.x - (aisles[i]?.x ?? 0));
  const aislePitch = gaps.length > 0 ? median(gaps) : (options.aislePitch ?? 1);
  if (!(aislePitch > 0)) throw new RangeError('two aisles share one centre line; cannot infer the aisle pitch');
  const aisleOf = new Map<string, number>();
  const used = new Set<number>();
  for (const g of aisles) {
    const index = Math.round((g.x - firstX) / aislePitch);
    if (used.has(index)) throw new RangeError(`aisles are too unevenly spaced for one pitch (${aislePitch} m)`);
    used.add(index);
    for (const l of g.members) aisleOf.set(l.code, index);
  }

  // Blocks from y ranges.
  const ys = [...new Set(locations.map((l) => l.y))].sort((u, v) => u - v);
  const ranges: { lo: number; hi: number }[] = [];
  for (const y of ys) {
    const last = ranges[ranges.length - 1];
    if (last !== undefined && y - last.hi <= blockGap) last.hi = y;
    else ranges.push({ lo: y, hi: y });
  }
  const span = ranges.reduce((m, r) => Math.max(m, r.hi - r.lo), 0);
  // A block with one row of locations still needs positive length; 1 m stands in for one slot.
  const blockLength = span > 0 ? span : 1;
  const firstLo = ranges[0]?.lo ?? 0;
  const lastLo = ranges[ranges.length - 1]?.lo ?? 0;
  const crossAisleWidth =
    ranges.length > 1 ? Math.max(0, (lastLo - firstLo) / (ranges.length - 1) - blockLength) : (options.crossAisleWidth ?? 0);
  const origin: Point = { x: firstX, y: firstLo - crossAisleWidth / 2 };
  const blockPitch = blockLength + crossAisleWidth;

  const layout: Layout = {
    aisles: Math.max(...used) + 1,
    blocks: ranges.length,
    blockLength,
    aislePitch,
    crossAisleWidth,
    depot: { x: (options.depotX ?? firstX) - origin.x, y: 0 },
  };
  const picks = new Map<string, Pick>();
  for (const l of locations) {
    const block = ranges.findIndex((r) => l.y >= r.lo && l.y <= r.hi);
    const raw = l.y - origin.y - (block * blockPitch + crossAisleWidth / 2);
    picks.set(l.code, {
      aisle: aisleOf.get(l.code) ?? 0,
      block,
      offset: Math.min(blockLength, Math.max(0, raw)),
    });
  }
  return { layout, picks, origin };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((u, v) => u - v);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
