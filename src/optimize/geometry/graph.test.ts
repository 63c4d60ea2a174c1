import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Graph, locationsToLayout, rectangularLayoutGraph } from './graph.ts';
import type { Layout, Pick } from './layout.ts';
import { depotDistance, pickDistance, pickPoint, validatePick } from './layout.ts';

const layoutArb: fc.Arbitrary<Layout> = fc
  .record({
    aisles: fc.integer({ min: 1, max: 6 }),
    blocks: fc.integer({ min: 1, max: 4 }),
    blockLength: fc.integer({ min: 1, max: 40 }),
    aislePitch: fc.integer({ min: 1, max: 6 }),
    crossAisleWidth: fc.integer({ min: 0, max: 3 }),
    depotFrac: fc.double({ min: -0.5, max: 1.5, noNaN: true }),
  })
  .map(({ depotFrac, ...l }) => ({ ...l, depot: { x: depotFrac * Math.max(1, l.aisles - 1) * l.aislePitch, y: 0 } }));

const instanceArb = layoutArb.chain((layout) =>
  fc
    .array(
      fc.record({
        aisle: fc.integer({ min: 0, max: layout.aisles - 1 }),
        block: fc.integer({ min: 0, max: layout.blocks - 1 }),
        offset: fc.oneof(fc.integer({ min: 0, max: layout.blockLength }), fc.double({ min: 0, max: layout.blockLength, noNaN: true })),
      }),
      { minLength: 1, maxLength: 10 },
    )
    .map((picks) => ({ layout, picks })),
);

/** Floyd–Warshall (1962) on the graph's edges: an independent oracle for Dijkstra. */
function floydWarshall(g: Graph): number[][] {
  const n = g.nodeCount;
  const d = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Infinity)));
  for (let u = 0; u < n; u++) for (const e of g.neighbours(u)) d[u]![e.to] = Math.min(d[u]![e.to]!, e.length);
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) d[i]![j] = Math.min(d[i]![j]!, d[i]![k]! + d[k]![j]!);
  return d;
}

describe('Graph', () => {
  it('Dijkstra agrees with Floyd–Warshall on random graphs, including unreachable nodes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            edges: fc.array(
              fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 }), fc.double({ min: 0, max: 100, noNaN: true })),
              { maxLength: 30 },
            ),
          }),
        ),
        ({ n, edges }) => {
          const g = new Graph();
          for (let i = 0; i < n; i++) g.addNode(i, 0);
          for (const [a, b, w] of edges) g.addEdge(a, b, w);
          const oracle = floydWarshall(g);
          const nodes = Array.from({ length: n }, (_, i) => i);
          const m = g.distanceMatrix(nodes);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              const want = oracle[i]![j]!;
              if (want === Infinity) expect(m[i]![j]).toBe(Infinity);
              else expect(Math.abs(m[i]![j]! - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, want));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shortestPath returns a path whose edges add up to its length', () => {
    const g = new Graph();
    const a = g.addNode(0, 0);
    const b = g.addNode(3, 0);
    const c = g.addNode(3, 4);
    const d = g.addNode(9, 9);
    g.addEdge(a, b);
    g.addEdge(b, c);
    g.addEdge(a, c, 10);
    expect(g.shortestPath(a, c)).toEqual({ length: 7, path: [a, b, c] });
    expect(g.shortestPath(a, d)).toEqual({ length: Infinity, path: [] });
    expect(() => g.addEdge(a, b, -1)).toThrow(RangeError);
    expect(() => g.shortestPaths(42)).toThrow(RangeError);
  });
});

describe('rectangularLayoutGraph', () => {
  it('graph shortest paths equal pickDistance and depotDistance', () => {
    fc.assert(
      fc.property(instanceArb, ({ layout, picks }) => {
        const { graph, depot, picks: nodes } = rectangularLayoutGraph(layout, picks);
        const m = graph.distanceMatrix([depot, ...nodes]);
        picks.forEach((p, i) => {
          expect(graph.node(nodes[i]!).x).toBeCloseTo(pickPoint(layout, p).x, 8);
          expect(graph.node(nodes[i]!).y).toBeCloseTo(pickPoint(layout, p).y, 8);
          // The graph snaps a depot within 1e-9 m of an aisle onto it, so distances agree to that tolerance.
          expect(m[0]![i + 1]).toBeCloseTo(depotDistance(layout, p), 8);
          picks.forEach((q, j) => expect(m[i + 1]![j + 1]).toBeCloseTo(pickDistance(layout, p, q), 8));
        });
      }),
      { numRuns: 300 },
    );
  });

  it('has one node per intersection plus depot and distinct pick points', () => {
    const layout: Layout = { aisles: 3, blocks: 2, blockLength: 10, aislePitch: 4, crossAisleWidth: 2, depot: { x: 2, y: 0 } };
    const picks: Pick[] = [
      { aisle: 0, block: 0, offset: 5 },
      { aisle: 0, block: 0, offset: 5 },
      { aisle: 2, block: 1, offset: 1 },
    ];
    const g = rectangularLayoutGraph(layout, picks);
    expect(g.graph.nodeCount).toBe(3 * 3 + 1 + 2);
    expect(g.picks[0]).toBe(g.picks[1]);
    expect(g.graph.node(g.intersection(2, 2))).toEqual({ x: 8, y: 24 });
    expect(() => g.intersection(3, 0)).toThrow(RangeError);
  });
});

describe('locationsToLayout', () => {
  it('recovers a rectangular layout from location coordinates', () => {
    // 4 aisles 3 m apart starting at x = 10, two blocks of 10 m racks with a 4 m cross aisle between them.
    const locations = [];
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 2; b++) {
        for (let s = 0; s <= 10; s += 2) {
          locations.push({ code: `A${a}-B${b}-${s}`, x: 10 + 3 * a, y: 5 + b * 14 + s, z: 0 });
        }
      }
    }
    const { layout, picks, origin } = locationsToLayout(locations, { depotX: 10 });
    expect(layout).toEqual({
      aisles: 4,
      blocks: 2,
      blockLength: 10,
      aislePitch: 3,
      crossAisleWidth: 4,
      depot: { x: 0, y: 0 },
    });
    expect(origin).toEqual({ x: 10, y: 3 });
    expect(picks.get('A2-B1-4')).toEqual({ aisle: 2, block: 1, offset: 4 });
    for (const l of locations) {
      const p = picks.get(l.code)!;
      validatePick(layout, p);
      const pt = pickPoint(layout, p);
      expect(pt.x + origin.x).toBeCloseTo(l.x, 9);
      expect(pt.y + origin.y).toBeCloseTo(l.y, 9);
    }
  });

  it('uses aisle labels when every location has one (rack faces either side of the centre line)', () => {
    const locations = [
      { code: 'L1', x: 0, y: 0, z: 0, aisle: 'A' },
      { code: 'R1', x: 2, y: 8, z: 1, aisle: 'A' },
      { code: 'L2', x: 4, y: 3, z: 0, aisle: 'B' },
      { code: 'R2', x: 6, y: 8, z: 0, aisle: 'B' },
    ];
    const { layout, picks } = locationsToLayout(locations, { crossAisleWidth: 1, blockGap: 10 });
    expect(layout.aisles).toBe(2);
    expect(layout.aislePitch).toBe(4);
    expect(layout.blocks).toBe(1);
    expect(layout.blockLength).toBe(8);
    expect(picks.get('R2')).toEqual({ aisle: 1, block: 0, offset: 8 });
  });

  it('rejects empty input, duplicate codes and aisles that do not fit one pitch', () => {
    expect(() => locationsToLayout([])).toThrow(RangeError);
    expect(() =>
      locationsToLayout([
        { code: 'X', x: 0, y: 0, z: 0 },
        { code: 'X', x: 1, y: 0, z: 0 },
      ]),
    ).toThrow(RangeError);
    expect(() =>
      locationsToLayout([
        { code: 'a', x: 0, y: 0, z: 0 },
        { code: 'b', x: 10, y: 0, z: 0 },
        { code: 'c', x: 14, y: 0, z: 0 },
        { code: 'd', x: 16, y: 0, z: 0 },
      ]),
    ).toThrow(RangeError);
  });
});
