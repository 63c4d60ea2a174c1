import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkFeasibility } from './exact.ts';
import type { Dims, RotationMode, Unit } from './geometry.ts';
import { makeUnit } from './geometry.ts';
import { verifyPacking } from './verify.ts';
import { toPlacements } from './to-placements.ts';

function units(dims: readonly Dims[], mode: RotationMode = 'all', weight = 1): Unit[] {
  return dims.map((d, i) => makeUnit(i, `u${i}`, d, weight, mode));
}

function verifies(us: readonly Unit[], size: Dims, result: ReturnType<typeof checkFeasibility>): boolean {
  if (result.status !== 'feasible') return false;
  const cartons = [{ id: 'c', length: size[0], width: size[1], height: size[2], maxWeight: Infinity, cost: 0 }];
  const items = us.map((u) => ({ id: u.itemId, length: u.dims[0], width: u.dims[1], height: u.dims[2], weight: u.weight, upright: u.orientations.length <= 2 }));
  return verifyPacking({ cartons, items }, [{ cartonId: 'c', placements: toPlacements(result.boxes) }]).ok;
}

/**
 * Reference by brute force on integer instances: fill the lexicographically first undecided cell either with the
 * minimum corner of some unplaced item (any orientation) or with waste. Complete for integer packings, since the item
 * covering that cell in any packing must have its minimum corner there.
 */
function bruteForce(us: readonly Unit[], size: Dims): boolean {
  const [L, W, H] = size;
  const cells = new Uint8Array(L * W * H);
  const slack = L * W * H - us.reduce((s, u) => s + u.volume, 0);
  if (slack < 0) return false;
  const used = us.map(() => false);
  const idx = (x: number, y: number, z: number): number => (z * W + y) * L + x;
  const rec = (from: number, waste: number): boolean => {
    let c = from;
    while (c < cells.length && cells[c] !== 0) c++;
    if (used.every(Boolean)) return true;
    if (c === cells.length) return false;
    const x = c % L;
    const y = Math.floor(c / L) % W;
    const z = Math.floor(c / (L * W));
    for (let i = 0; i < us.length; i++) {
      if (used[i]) continue;
      for (const [l, w, h] of us[i]!.orientations) {
        if (x + l > L || y + w > W || z + h > H) continue;
        let free = true;
        for (let dz = 0; dz < h && free; dz++) for (let dy = 0; dy < w && free; dy++) for (let dx = 0; dx < l && free; dx++) free = cells[idx(x + dx, y + dy, z + dz)] === 0;
        if (!free) continue;
        const mark = (v: number): void => {
          for (let dz = 0; dz < h; dz++) for (let dy = 0; dy < w; dy++) for (let dx = 0; dx < l; dx++) cells[idx(x + dx, y + dy, z + dz)] = v;
        };
        mark(1);
        used[i] = true;
        const ok = rec(c + 1, waste);
        used[i] = false;
        mark(0);
        if (ok) return true;
      }
    }
    if (waste < slack) {
      cells[c] = 2;
      const ok = rec(c + 1, waste + 1);
      cells[c] = 0;
      if (ok) return true;
    }
    return false;
  };
  return rec(0, 0);
}

describe('checkFeasibility (relative-position search, Onodera et al. 1991)', () => {
  it('proves infeasibility when volume fits but geometry does not', () => {
    // Three 60-cubes: any two overlap in x and y, so they must stack along z, which needs 180 > 120.
    const us = units([[60, 60, 60], [60, 60, 60], [60, 60, 60]]);
    const r = checkFeasibility(us, [100, 100, 120]);
    expect(r).toMatchObject({ status: 'infeasible', reason: 'search' });
  });

  it('answers trivial cases by bounds', () => {
    expect(checkFeasibility(units([[10, 10, 10]], 'all', 600), [20, 20, 20], 500).status).toBe('infeasible');
    expect(checkFeasibility(units([[30, 10, 10]], 'upright'), [20, 40, 40])).toMatchObject({ status: 'feasible' });
    expect(checkFeasibility(units([[10, 10, 30]], 'upright'), [40, 40, 20])).toMatchObject({ status: 'infeasible', reason: 'item-too-large' });
  });

  it('finds the non-guillotine pinwheel that no corner-point order produces', () => {
    const us = units([[2, 1, 1], [1, 2, 1], [2, 1, 1], [1, 2, 1], [1, 1, 1]], 'none');
    const r = checkFeasibility(us, [3, 3, 1], Infinity, { searchOnly: true });
    expect(r.status).toBe('feasible');
    expect(verifies(us, [3, 3, 1], r)).toBe(true);
  });

  it('returns unknown when the node budget runs out and for too many items', () => {
    const us = units(Array.from({ length: 8 }, (): Dims => [5, 5, 4]), 'all');
    expect(checkFeasibility(us, [10, 10, 15], Infinity, { searchOnly: true, maxNodes: 3 }).status).toBe('unknown');
    const many = units(Array.from({ length: 9 }, (): Dims => [1, 1, 2]));
    expect(checkFeasibility(many, [3, 3, 1], Infinity, { searchOnly: true })).toMatchObject({ status: 'infeasible' });
    expect(checkFeasibility(units(Array.from({ length: 9 }, (): Dims => [3, 3, 3])), [9, 9, 3], Infinity, { searchOnly: true })).toMatchObject({
      status: 'unknown',
      reason: 'too-many-items',
    });
  });

  it('agrees with brute force on small integer instances (property)', () => {
    const side = fc.integer({ min: 1, max: 3 });
    fc.assert(
      fc.property(
        fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 }), fc.integer({ min: 1, max: 3 })),
        fc.array(fc.tuple(side, side, side), { minLength: 2, maxLength: 6 }),
        fc.constantFrom<RotationMode>('all', 'upright', 'none'),
        (size, dims, mode) => {
          const us = units(dims, mode);
          const r = checkFeasibility(us, size, Infinity, { searchOnly: true, maxNodes: 2_000_000 });
          expect(r.status).not.toBe('unknown');
          expect(r.status === 'feasible').toBe(bruteForce(us, size));
          if (r.status === 'feasible') expect(verifies(us, size, r)).toBe(true);
        },
      ),
      { numRuns: 300, seed: 11 },
    );
  });

  it('never refutes a guillotine cut of the carton, however the pieces are rotated (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(2), fc.double({ min: 0.2, max: 0.8, noNaN: true }), fc.nat(5)), { minLength: 1, maxLength: 7 }), (cuts) => {
        // Cut the largest piece along an axis; pieces are integer boxes that exactly tile 60×40×30.
        const pieces: [number, number, number][] = [[60, 40, 30]];
        for (const [axis, frac] of cuts) {
          pieces.sort((a, b) => b[0] * b[1] * b[2] - a[0] * a[1] * a[2]);
          const p = pieces[0]!;
          const cut = Math.round(p[axis]! * frac);
          if (cut <= 0 || cut >= p[axis]!) continue;
          const q: [number, number, number] = [...p];
          q[axis] = p[axis]! - cut;
          p[axis] = cut;
          pieces.push(q);
        }
        const perms = [[0, 1, 2], [1, 0, 2], [2, 1, 0], [0, 2, 1], [1, 2, 0], [2, 0, 1]] as const;
        const us = units(pieces.map((p, i): Dims => {
          const [a, b, c] = perms[cuts[i % cuts.length]![2]]!;
          return [p[a], p[b], p[c]];
        }));
        const r = checkFeasibility(us, [60, 40, 30], Infinity, { searchOnly: true, maxNodes: 1_000_000 });
        expect(r.status).not.toBe('infeasible');
        if (r.status === 'feasible') expect(verifies(us, [60, 40, 30], r)).toBe(true);
      }),
      { numRuns: 60, seed: 5 },
    );
  });
});
