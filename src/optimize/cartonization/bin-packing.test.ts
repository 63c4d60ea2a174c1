import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { packIdenticalBins } from './bin-packing.ts';
import { makeUnit } from './geometry.ts';
import type { RotationMode } from './geometry.ts';
import { verifyPacking } from './verify.ts';
import { toPlacements } from './to-placements.ts';

describe('packIdenticalBins (extreme points, Crainic, Perboli & Tadei 2008)', () => {
  it('packs eight half-cubes into one bin', () => {
    const units = Array.from({ length: 8 }, (_, i) => makeUnit(i, 'cube', [50, 50, 50], 1, 'none'));
    expect(packIdenticalBins(units, [100, 100, 100]).bins).toHaveLength(1);
  });

  it('respects the bin weight limit', () => {
    const units = Array.from({ length: 4 }, (_, i) => makeUnit(i, 'lead', [10, 10, 10], 600, 'none'));
    expect(packIdenticalBins(units, [100, 100, 100], 1000).bins).toHaveLength(4);
  });

  it('every packing verifies and is deterministic (property)', () => {
    const dim = fc.integer({ min: 5, max: 60 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.tuple(dim, dim, dim), mode: fc.constantFrom<RotationMode>('none', 'upright', 'all'), weight: fc.integer({ min: 0, max: 400 }) }), {
          minLength: 1,
          maxLength: 40,
        }),
        fc.integer({ min: 1, max: 1000 }),
        (specs, seed) => {
          const units = specs.map((s, i) => makeUnit(i, `i${i}`, s.d, s.weight, s.mode));
          const result = packIdenticalBins(units, [60, 60, 60], 1500, { seed, iterations: 5 });
          const cartons = [{ id: 'bin', length: 60, width: 60, height: 60, maxWeight: 1500, cost: 1 }];
          const items = specs.map((s, i) => ({ id: `i${i}`, length: s.d[0], width: s.d[1], height: s.d[2], weight: s.weight, upright: s.mode !== 'all' }));
          const packages = result.bins.map((b) => ({ cartonId: 'bin', placements: toPlacements(b.boxes) }));
          expect(verifyPacking({ cartons, items }, packages)).toEqual({ ok: true });
          // 'none' units must keep their nominal orientation exactly.
          for (const b of result.bins) for (const box of b.boxes) if (specs[box.unit.index]!.mode === 'none') expect([box.l, box.w, box.h]).toEqual([...box.unit.dims]);
          const again = packIdenticalBins(units, [60, 60, 60], 1500, { seed, iterations: 5 });
          expect(again.bins.map((b) => b.boxes.map((x) => [x.unit.index, x.x, x.y, x.z]))).toEqual(
            result.bins.map((b) => b.boxes.map((x) => [x.unit.index, x.x, x.y, x.z])),
          );
        },
      ),
      { numRuns: 40, seed: 3 },
    );
  });
});
