import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hungarian } from './hungarian.ts';

/** Minimum over all ways to pair min(rows, cols) rows and columns one-to-one, by enumeration. */
function bruteForce(cost: readonly (readonly number[])[]): number {
  const rows = cost.length;
  const cols = cost[0]?.length ?? 0;
  const k = Math.min(rows, cols);
  const transpose = rows > cols;
  const at = (i: number, j: number): number => (transpose ? cost[j]![i]! : cost[i]![j]!);
  const wide = transpose ? rows : cols;
  let best = Infinity;
  const used = new Array<boolean>(wide).fill(false);
  const go = (i: number, sum: number): void => {
    if (i === k) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < wide; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, sum + at(i, j));
      used[j] = false;
    }
  };
  go(0, 0);
  return k === 0 ? 0 : best;
}

const matrixArb = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
  .chain(([r, c]) =>
    fc.array(fc.array(fc.integer({ min: -50, max: 100 }), { minLength: c, maxLength: c }), { minLength: r, maxLength: r }),
  );

describe('hungarian', () => {
  it('equals brute force on random rectangular matrices up to 6 × 6 (property)', () => {
    fc.assert(
      fc.property(matrixArb, (m) => {
        const r = hungarian(m);
        expect(r.cost).toBe(bruteForce(m));
        // The reported assignment is a matching of size min(rows, cols) that achieves the reported cost.
        const assigned = r.assignment.filter((j) => j >= 0);
        expect(new Set(assigned).size).toBe(assigned.length);
        expect(assigned.length).toBe(Math.min(m.length, m[0]!.length));
        expect(r.assignment.reduce((s, j, i) => (j >= 0 ? s + m[i]![j]! : s), 0)).toBe(r.cost);
        r.assignment.forEach((j, i) => {
          if (j >= 0) expect(r.rowOf[j]).toBe(i);
        });
      }),
      { numRuns: 400 },
    );
  });

  it('solves a textbook 3 × 3 case', () => {
    const r = hungarian([
      [4, 1, 3],
      [2, 0, 5],
      [3, 2, 2],
    ]);
    expect(r.cost).toBe(5);
    expect(r.assignment).toEqual([1, 0, 2]);
  });

  it('leaves surplus workers unassigned', () => {
    const r = hungarian([[5], [1], [3]]);
    expect(r.assignment).toEqual([-1, 0, -1]);
    expect(r.rowOf).toEqual([1]);
    expect(r.cost).toBe(1);
  });

  it('handles empty input and rejects ragged or non-finite matrices', () => {
    expect(hungarian([])).toEqual({ assignment: [], rowOf: [], cost: 0 });
    expect(() => hungarian([[1, 2], [3]])).toThrow(/row 1 has 1 entries/);
    expect(() => hungarian([[Infinity]])).toThrow(/cost\[0\]\[0\]/);
  });

  it('solves 200 × 150 quickly', () => {
    const m = Array.from({ length: 200 }, (_, i) => Array.from({ length: 150 }, (_, j) => ((i * 7919 + j * 104729) % 1000) / 7));
    const t = performance.now();
    const r = hungarian(m);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(r.assignment.filter((j) => j >= 0)).toHaveLength(150);
  });
});
