import fc from 'fast-check';
import type { Layout, Pick } from '../geometry/layout.ts';

/** Random layouts with 1–maxAisles aisles, `blocks` blocks (fixed or 1–3) and a depot anywhere on the front cross aisle. */
export function layoutArb(opts: { maxAisles: number; blocks?: number; maxBlocks?: number }): fc.Arbitrary<Layout> {
  return fc
    .record({
      aisles: fc.integer({ min: 1, max: opts.maxAisles }),
      blocks: opts.blocks === undefined ? fc.integer({ min: 1, max: opts.maxBlocks ?? 3 }) : fc.constant(opts.blocks),
      slots: fc.integer({ min: 1, max: 45 }),
      aislePitch: fc.constantFrom(1.5, 3, 5),
      crossAisleWidth: fc.constantFrom(0, 1, 2),
      depotAt: fc.double({ min: -0.5, max: 1.2, noNaN: true }),
      depotOnAisle: fc.boolean(),
    })
    .map(({ aisles, blocks, slots, aislePitch, crossAisleWidth, depotAt, depotOnAisle }) => {
      const width = (aisles - 1) * aislePitch;
      const x = depotOnAisle ? Math.round(Math.max(0, Math.min(1, depotAt)) * (aisles - 1)) * aislePitch : depotAt * width;
      return { aisles, blocks, blockLength: slots, aislePitch, crossAisleWidth, depot: { x, y: 0 } };
    });
}

/** 1–maxPicks picks on slot centres (or rack ends), duplicates allowed. */
export function picksArb(layout: Layout, maxPicks: number, minPicks = 1): fc.Arbitrary<Pick[]> {
  const pick = fc.record({
    aisle: fc.integer({ min: 0, max: layout.aisles - 1 }),
    block: fc.integer({ min: 0, max: layout.blocks - 1 }),
    offset: fc.oneof(
      fc.integer({ min: 0, max: Math.floor(layout.blockLength) - 1 }).map((s) => s + 0.5),
      fc.constantFrom(0, layout.blockLength),
    ),
  });
  return fc.array(pick, { minLength: minPicks, maxLength: maxPicks });
}

export function instanceArb(opts: { maxAisles: number; blocks?: number; maxBlocks?: number; maxPicks: number; minPicks?: number }): fc.Arbitrary<{ layout: Layout; picks: Pick[] }> {
  return layoutArb(opts).chain((layout) => picksArb(layout, opts.maxPicks, opts.minPicks).map((picks) => ({ layout, picks })));
}

export function isPermutation(sequence: readonly number[], n: number): boolean {
  return sequence.length === n && new Set(sequence).size === n && sequence.every((i) => Number.isInteger(i) && i >= 0 && i < n);
}
