// Seeded instance generator for the routing benchmark: slot-centre picks in rectangular layouts.
import type { Layout, Pick } from '../../src/optimize/geometry/layout.ts';
import type { Rng } from '../../src/optimize/random.ts';
import { mulberry32, randomInt } from '../../src/optimize/random.ts';

export interface RoutingInstance {
  readonly layout: Layout;
  readonly picks: readonly Pick[];
}

export interface LayoutSpec {
  readonly aisles: number;
  readonly blocks: number;
  /** Storage slots per rack side in one block, 1 m each, so blockLength = slots metres. */
  readonly slots: number;
  readonly aislePitch: number;
  readonly crossAisleWidth: number;
  /** 'left': depot in front of aisle 0; 'aisle': in front of a random aisle; 'anywhere': random x on the front cross aisle. */
  readonly depot: 'left' | 'aisle' | 'anywhere';
}

export function makeLayout(spec: LayoutSpec, rng: Rng): Layout {
  const width = (spec.aisles - 1) * spec.aislePitch;
  const x =
    spec.depot === 'left' ? 0 : spec.depot === 'aisle' ? randomInt(rng, spec.aisles) * spec.aislePitch : Math.round(rng() * width * 100) / 100;
  return {
    aisles: spec.aisles,
    blocks: spec.blocks,
    blockLength: spec.slots,
    aislePitch: spec.aislePitch,
    crossAisleWidth: spec.crossAisleWidth,
    depot: { x, y: 0 },
  };
}

/** n picks uniformly over aisles, blocks and slots (either rack side: same point on the centre line). */
export function makePicks(layout: Layout, n: number, rng: Rng): Pick[] {
  return Array.from({ length: n }, () => ({
    aisle: randomInt(rng, layout.aisles),
    block: randomInt(rng, layout.blocks),
    offset: randomInt(rng, Math.round(layout.blockLength)) + 0.5,
  }));
}

export function routingInstances(spec: LayoutSpec, picks: number, count: number, seed: number): RoutingInstance[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, () => {
    const layout = makeLayout(spec, rng);
    return { layout, picks: makePicks(layout, picks, rng) };
  });
}

/**
 * The exactness set: single-block layouts, aisles ∈ {3, 5, 10, 20}, 10–45 slots, pitch ∈ {3, 5},
 * 2 m cross aisles, 1–14 picks, depot in front of an aisle or anywhere on the front cross aisle.
 */
export function exactnessInstances(count: number, seed: number): RoutingInstance[] {
  const rng = mulberry32(seed);
  const aisles = [3, 5, 10, 20] as const;
  const pitches = [3, 5] as const;
  return Array.from({ length: count }, (_, i) => {
    const spec: LayoutSpec = {
      aisles: aisles[i % aisles.length] as number,
      blocks: 1,
      slots: 10 + randomInt(rng, 36),
      aislePitch: pitches[randomInt(rng, 2)] as number,
      crossAisleWidth: 2,
      depot: rng() < 0.5 ? 'aisle' : 'anywhere',
    };
    const layout = makeLayout(spec, rng);
    return { layout, picks: makePicks(layout, 1 + randomInt(rng, 14), rng) };
  });
}
