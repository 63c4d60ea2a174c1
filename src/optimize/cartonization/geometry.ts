/** Shared geometry of boxes in a carton: orientations, tolerant comparisons and overlap tests. */

/** Extents along x, y, z. */
export type Dims = readonly [number, number, number];

/**
 * Tolerance for comparisons of sums of non-integer millimetre values (e.g. 0.1 + 0.2); integer inputs are exact.
 * Far below any physical tolerance, so it never lets a real overlap through.
 */
export const EPS = 1e-7;

/** a ≤ b up to EPS. */
export function le(a: number, b: number): boolean {
  return a <= b + EPS;
}

/** a < b by more than EPS. */
export function lt(a: number, b: number): boolean {
  return a < b - EPS;
}

/** A unit of an item as the algorithms see it: one physical box, with its allowed orientations. */
export interface Unit {
  /** Position of the unit in the caller's unit array; used for deterministic tie-breaks. */
  readonly index: number;
  readonly itemId: string;
  /** Nominal extents as given by the caller (length, width, height). */
  readonly dims: Dims;
  readonly weight: number;
  readonly volume: number;
  /** Distinct allowed extents (x, y, z); the first one is the nominal orientation. */
  readonly orientations: readonly Dims[];
}

export type RotationMode = 'all' | 'upright' | 'none';

/**
 * Distinct orientations of a box. 'upright' keeps the height vertical (2 rotations about z),
 * 'none' keeps the nominal orientation (the classical 3D-BPP of Martello, Pisinger & Vigo 2000), 'all' gives the 6.
 */
export function orientationsOf(dims: Dims, mode: RotationMode): Dims[] {
  const [l, w, h] = dims;
  const candidates: Dims[] =
    mode === 'none'
      ? [[l, w, h]]
      : mode === 'upright'
        ? [
            [l, w, h],
            [w, l, h],
          ]
        : [
            [l, w, h],
            [w, l, h],
            [l, h, w],
            [h, l, w],
            [w, h, l],
            [h, w, l],
          ];
  const out: Dims[] = [];
  for (const c of candidates) {
    if (!out.some((o) => o[0] === c[0] && o[1] === c[1] && o[2] === c[2])) out.push(c);
  }
  return out;
}

export function makeUnit(index: number, itemId: string, dims: Dims, weight: number, mode: RotationMode): Unit {
  return {
    index,
    itemId,
    dims,
    weight,
    volume: dims[0] * dims[1] * dims[2],
    orientations: orientationsOf(dims, mode),
  };
}

/** True when some allowed orientation of `unit` fits inside a container of extents `bin`. */
export function fitsAlone(unit: Unit, bin: Dims): boolean {
  return unit.orientations.some((o) => le(o[0], bin[0]) && le(o[1], bin[1]) && le(o[2], bin[2]));
}

/** An axis-aligned box at minimum corner (x, y, z) with extents (l, w, h). */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly l: number;
  readonly w: number;
  readonly h: number;
}

/** Interiors intersect (touching faces is not an overlap). */
export function boxesOverlap(a: Box, b: Box): boolean {
  return (
    lt(a.x, b.x + b.l) &&
    lt(b.x, a.x + a.l) &&
    lt(a.y, b.y + b.w) &&
    lt(b.y, a.y + a.w) &&
    lt(a.z, b.z + b.h) &&
    lt(b.z, a.z + a.h)
  );
}
