/**
 * Item orderings for extreme-point first/best fit, after Crainic, Perboli & Tadei (2008): volume, height-area,
 * area-height and the clustered variants (items grouped by base area, resp. height, in bands of δ of the bin's base
 * area, resp. height; decreasing height, resp. area, inside a band). All orders are decreasing and stable on index.
 */
import type { Dims, Unit } from './geometry.ts';

export type SortKey = 'volume-height' | 'height-area' | 'area-height' | 'clustered-area-height' | 'clustered-height-area';
export const SORT_KEYS: readonly SortKey[] = [
  'clustered-area-height',
  'volume-height',
  'area-height',
  'height-area',
  'clustered-height-area',
];

/** Default band width δ of the clustered keys as a fraction of the bin's base area / height. */
export const CLUSTER_DELTA = 0.1;

export function sortUnits(units: readonly Unit[], key: SortKey, bin: Dims, delta: number = CLUSTER_DELTA): Unit[] {
  const keyed = units.map((u) => ({ u, k: keyOf(u, key, bin, delta) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < a.k.length; i++) {
      const d = b.k[i]! - a.k[i]!;
      if (d !== 0) return d;
    }
    return a.u.index - b.u.index;
  });
  return keyed.map((e) => e.u);
}

function keyOf(u: Unit, key: SortKey, bin: Dims, delta: number): number[] {
  const [l, w, h] = u.dims;
  const area = l * w;
  switch (key) {
    case 'volume-height':
      return [u.volume, h];
    case 'height-area':
      return [h, area];
    case 'area-height':
      return [area, h];
    case 'clustered-area-height':
      return [Math.floor(area / (delta * bin[0] * bin[1])), h, area];
    case 'clustered-height-area':
      return [Math.floor(h / (delta * bin[2])), area, h];
  }
}
