/** Independent checker of packings: used by tests, benchmarks and callers who want to trust but verify. */
import type { Box } from './geometry.ts';
import { EPS, boxesOverlap, le } from './geometry.ts';
import type { Carton, CartonItem, Placement } from './types.ts';

export interface PackageToVerify {
  readonly cartonId: string;
  readonly placements: readonly Placement[];
  /** When given, must equal the sum of the placed units' weights. */
  readonly weight?: number;
}

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly errors: readonly string[] };

/**
 * Checks that every package uses a known carton, that every placement lies inside it, that no two placements overlap,
 * that the content weight respects maxWeight, that each placement is an allowed orientation of its item (a permutation
 * of its dimensions; for upright items the height stays vertical), and that every unit of every item is placed exactly once.
 */
export function verifyPacking(
  request: { readonly cartons: readonly Carton[]; readonly items: readonly CartonItem[] },
  packages: readonly PackageToVerify[],
): VerifyResult {
  const errors: string[] = [];
  const cartons = new Map(request.cartons.map((c) => [c.id, c]));
  const items = new Map(request.items.map((i) => [i.id, i]));
  const placed = new Map<string, number>();
  packages.forEach((pkg, p) => {
    const carton = cartons.get(pkg.cartonId);
    if (carton === undefined) {
      errors.push(`package ${p}: unknown carton ${pkg.cartonId}`);
      return;
    }
    let weight = 0;
    const boxes: Box[] = [];
    pkg.placements.forEach((pl, k) => {
      const where = `package ${p} (${carton.id}) placement ${k} (${pl.itemId})`;
      const item = items.get(pl.itemId);
      if (item === undefined) {
        errors.push(`${where}: unknown item`);
        return;
      }
      placed.set(item.id, (placed.get(item.id) ?? 0) + 1);
      weight += item.weight;
      if (!sameMultiset([pl.length, pl.width, pl.height], [item.length, item.width, item.height])) {
        errors.push(`${where}: ${pl.length}×${pl.width}×${pl.height} is not a rotation of the item`);
      } else if (item.upright === true && Math.abs(pl.height - item.height) > EPS) {
        errors.push(`${where}: upright item placed on its side`);
      }
      const coords = [pl.x, pl.y, pl.z, pl.length, pl.width, pl.height];
      if (!coords.every(Number.isFinite)) errors.push(`${where}: non-finite coordinates`);
      if (pl.x < -EPS || pl.y < -EPS || pl.z < -EPS) errors.push(`${where}: negative coordinate`);
      if (!le(pl.x + pl.length, carton.length) || !le(pl.y + pl.width, carton.width) || !le(pl.z + pl.height, carton.height)) {
        errors.push(`${where}: sticks out of the carton`);
      }
      const box: Box = { x: pl.x, y: pl.y, z: pl.z, l: pl.length, w: pl.width, h: pl.height };
      boxes.forEach((other, j) => {
        if (boxesOverlap(box, other)) errors.push(`${where}: overlaps placement ${j}`);
      });
      boxes.push(box);
    });
    if (!le(weight, carton.maxWeight)) errors.push(`package ${p} (${carton.id}): ${weight} g exceeds maxWeight ${carton.maxWeight} g`);
    if (pkg.weight !== undefined && Math.abs(pkg.weight - weight) > 1e-6 * Math.max(1, weight)) {
      errors.push(`package ${p} (${carton.id}): reported weight ${pkg.weight} g, placed ${weight} g`);
    }
  });
  for (const item of request.items) {
    const want = item.quantity ?? 1;
    const got = placed.get(item.id) ?? 0;
    if (got !== want) errors.push(`item ${item.id}: ${got} unit(s) placed, ${want} ordered`);
  }
  return errors.length === 0 ? { ok: true } : { ok: false, errors };
}

function sameMultiset(a: number[], b: number[]): boolean {
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => Math.abs(v - y[i]!) <= EPS);
}
