import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { depotDistance } from '../geometry/layout.ts';
import type { Layout, Pick } from '../geometry/layout.ts';
import { rankLocations, slotSkus } from './index.ts';
import type { SlottingInput, SlottingMethod, Sku } from './index.ts';

const layout: Layout = { aisles: 4, blocks: 1, blockLength: 10, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
const allLocations: Pick[] = Array.from({ length: 40 }, (_, k) => ({ aisle: Math.floor(k / 10), block: 0, offset: (k % 10) + 0.5 }));
const methods: SlottingMethod[] = ['random', 'abc', 'turnover', 'coi', 'correlated'];

const inputArb = fc
  .tuple(
    fc.array(fc.record({ picks: fc.nat({ max: 100 }), cube: fc.integer({ min: 1, max: 50 }) }), { minLength: 0, maxLength: 30 }),
    fc.nat({ max: 10 }),
    fc.array(fc.array(fc.nat({ max: 29 }), { maxLength: 4 }), { maxLength: 30 }),
    fc.integer(),
  )
  .map(([raw, spare, orders, seed]): SlottingInput => {
    const skus: Sku[] = raw.map((r, i) => ({ id: `s${i}`, ...r }));
    return {
      skus,
      locations: allLocations.slice(0, Math.min(allLocations.length, skus.length + spare)),
      layout,
      seed,
      orders: orders.map((o) => o.filter((i) => i < skus.length).map((i) => `s${i}`)),
    };
  });

describe('slotSkus', () => {
  it('is a bijection from SKUs onto distinct valid locations for every method (property)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const m of methods) {
          const a = slotSkus(input, m);
          expect([...a.keys()].sort()).toEqual(input.skus.map((s) => s.id).sort());
          const locs = [...a.values()];
          expect(new Set(locs).size).toBe(locs.length);
          for (const l of locs) expect(l >= 0 && l < input.locations.length).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('turnover gives more-picked SKUs locations no farther from the depot (property)', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const a = slotSkus(input, 'turnover');
        const d = (s: Sku): number => depotDistance(layout, input.locations[a.get(s.id)!]!);
        for (const s of input.skus) for (const t of input.skus) if (s.picks > t.picks) expect(d(s)).toBeLessThanOrEqual(d(t));
      }),
      { numRuns: 100 },
    );
  });

  it('ABC keeps each class inside its distance zone', () => {
    const skus: Sku[] = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, picks: 100 - i }));
    const input: SlottingInput = { skus, locations: allLocations, layout, seed: 5 };
    const a = slotSkus(input, 'abc');
    const ranked = rankLocations(layout, allLocations);
    const zone = (id: string): number => {
      const r = ranked.indexOf(a.get(id)!);
      return r < 4 ? 0 : r < 10 ? 1 : 2;
    };
    skus.forEach((s, i) => expect(zone(s.id)).toBe(i < 4 ? 0 : i < 10 ? 1 : 2));
  });

  it('COI prefers small, often-picked SKUs and needs a cube', () => {
    const skus: Sku[] = [
      { id: 'bulky', picks: 10, cube: 100 },
      { id: 'small', picks: 5, cube: 1 },
    ];
    const a = slotSkus({ skus, locations: allLocations, layout }, 'coi');
    expect(a.get('small')).toBe(rankLocations(layout, allLocations)[0]);
    expect(() => slotSkus({ skus: [{ id: 'nocube', picks: 1 }], locations: allLocations, layout }, 'coi')).toThrow(/"nocube" needs a positive cube/);
  });

  it('correlated slotting puts SKUs ordered together into the same aisle', () => {
    // a and b are always ordered together, c and d likewise; frequencies alone would interleave them.
    const skus: Sku[] = [
      { id: 'a', picks: 10 },
      { id: 'c', picks: 10 },
      { id: 'b', picks: 9 },
      { id: 'd', picks: 9 },
    ];
    const locations: Pick[] = [
      { aisle: 0, block: 0, offset: 1 },
      { aisle: 1, block: 0, offset: 0 },
      { aisle: 1, block: 0, offset: 1 },
      { aisle: 0, block: 0, offset: 5 },
    ];
    const orders = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? ['a', 'b'] : ['c', 'd']));
    const turnover = slotSkus({ skus, locations, layout, orders }, 'turnover');
    expect(locations[turnover.get('a')!]!.aisle).not.toBe(locations[turnover.get('b')!]!.aisle);
    const a = slotSkus({ skus, locations, layout, orders }, 'correlated');
    const aisle = (id: string): number => locations[a.get(id)!]!.aisle;
    expect(aisle('a')).toBe(aisle('b'));
    expect(aisle('c')).toBe(aisle('d'));
  });

  it('rejects too few locations and duplicate SKUs', () => {
    const skus: Sku[] = [
      { id: 'x', picks: 1 },
      { id: 'y', picks: 1 },
    ];
    expect(() => slotSkus({ skus, locations: allLocations.slice(0, 1), layout })).toThrow(/2 SKUs need at least as many locations/);
    expect(() => slotSkus({ skus: [skus[0]!, skus[0]!], locations: allLocations, layout })).toThrow(/"x" appears more than once/);
  });
});
