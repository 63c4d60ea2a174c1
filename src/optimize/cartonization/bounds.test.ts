import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lowerBoundL0, lowerBoundL1, lowerBoundL2 } from './bounds.ts';
import type { BoundItem } from './bounds.ts';
import { packIdenticalBins } from './bin-packing.ts';
import { makeUnit } from './geometry.ts';

const bin = { W: 10, H: 10, D: 10 };

describe('lower bounds (Martello, Pisinger & Vigo 2000)', () => {
  it('L0 is the rounded-up volume ratio', () => {
    expect(lowerBoundL0([{ w: 10, h: 10, d: 5 }, { w: 10, h: 10, d: 5 }], bin)).toBe(1);
    expect(lowerBoundL0([{ w: 10, h: 10, d: 6 }, { w: 10, h: 10, d: 5 }], bin)).toBe(2);
  });

  it('L1 sees that items larger than half the face must be stacked', () => {
    // Four 6×6×6 cubes: volume says 1 bin, but no two of them fit side by side or on top of each other.
    const cubes: BoundItem[] = Array.from({ length: 4 }, () => ({ w: 6, h: 6, d: 6 }));
    expect(lowerBoundL0(cubes, bin)).toBe(1);
    expect(lowerBoundL1(cubes, bin)).toBe(4);
    expect(lowerBoundL2(cubes, bin)).toBe(4);
  });

  it('L1 counts small items that cannot share the left-over depth', () => {
    // Two 6×6×7 slabs leave depth 3 each; six 6×6×3 pieces: two go into the slack, four need ⌈12/10⌉ = 2 more bins.
    const items: BoundItem[] = [
      { w: 6, h: 6, d: 7 },
      { w: 6, h: 6, d: 7 },
      ...Array.from({ length: 6 }, () => ({ w: 6, h: 6, d: 3 })),
    ];
    expect(lowerBoundL1(items, bin)).toBe(4);
  });

  it('L2 charges the blocked face volume of tall items', () => {
    // Two 9×9×3 plates block the whole 10×10 face over depth 6 for any item at least 2×2 (p = q = 2), leaving
    // depth 4 for four 5×5×5 cubes: volume 986 fits one bin, L1 = 1, but L2 proves 2.
    const items: BoundItem[] = [
      ...Array.from({ length: 2 }, () => ({ w: 9, h: 9, d: 3 })),
      ...Array.from({ length: 4 }, () => ({ w: 5, h: 5, d: 5 })),
    ];
    expect(lowerBoundL0(items, bin)).toBe(1);
    expect(lowerBoundL1(items, bin)).toBe(1);
    expect(lowerBoundL2(items, bin)).toBe(2);
  });

  it('L0 ≤ L2 and L1 ≤ L2 ≤ bins used by the packer (random instances)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })), {
          minLength: 1,
          maxLength: 25,
        }),
        (dims) => {
          const items = dims.map(([w, h, d]) => ({ w, h, d }));
          const l2 = lowerBoundL2(items, bin);
          expect(l2).toBeGreaterThanOrEqual(lowerBoundL0(items, bin));
          expect(l2).toBeGreaterThanOrEqual(lowerBoundL1(items, bin));
          const units = dims.map((d, i) => makeUnit(i, `i${i}`, d, 0, 'none'));
          const packed = packIdenticalBins(units, [10, 10, 10], Infinity, { iterations: 5 });
          expect(packed.bins.length).toBeGreaterThanOrEqual(l2);
        },
      ),
      { numRuns: 60, seed: 7 },
    );
  });
});
