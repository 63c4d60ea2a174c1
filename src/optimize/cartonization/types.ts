/**
 * Public model of the cartonization (3D bin packing) module. Units: millimetres, grams.
 * Axes of a carton: x along `length`, y along `width`, z along `height` (z is "up").
 */

/** One order line. `quantity` identical units (default 1) of a rectangular box. */
export interface CartonItem {
  readonly id: string;
  readonly length: number;
  readonly width: number;
  readonly height: number;
  /** Weight of one unit in grams. */
  readonly weight: number;
  /** Number of identical units, a positive integer; default 1. */
  readonly quantity?: number;
  /** "This side up": the item's height stays vertical, so only the two rotations about z are allowed. */
  readonly upright?: boolean;
}

/** A carton type of the catalogue (inner dimensions; wall thickness is not modelled). */
export interface Carton {
  readonly id: string;
  readonly length: number;
  readonly width: number;
  readonly height: number;
  /** Maximum content weight in grams. */
  readonly maxWeight: number;
  /** Cost of using one carton of this type (any currency unit; see cost.ts for the full package cost). */
  readonly cost: number;
}

export interface PackRequest {
  readonly cartons: readonly Carton[];
  readonly items: readonly CartonItem[];
  /**
   * Carrier dimensional-weight divisor in cm³ per kg (e.g. 5000). When given, the billable weight of a package is
   * max(actual kg, carton volume in cm³ / dimDivisor) and it enters the package cost (see cost.ts).
   */
  readonly dimDivisor?: number;
  /** Cost per billable kg when `dimDivisor` is given; default 1. Ignored without `dimDivisor`. */
  readonly ratePerKg?: number;
}

/** One unit as placed: its minimum corner in carton coordinates and its extents along x, y, z as placed. */
export interface Placement {
  readonly itemId: string;
  readonly x: number;
  readonly y: number;
  readonly z: number;
  readonly length: number;
  readonly width: number;
  readonly height: number;
}

export interface PackedCarton {
  readonly cartonId: string;
  readonly placements: readonly Placement[];
  /** Content weight in grams (sum of the placed units). */
  readonly weight: number;
  /** Sum of the placed units' volumes, mm³. */
  readonly itemVolume: number;
  /** Inner volume of the carton, mm³. */
  readonly cartonVolume: number;
  /** Billable weight in kg; present only when a `dimDivisor` was given. */
  readonly billableWeightKg?: number;
  /** Cost of this package under the cost model of cost.ts. */
  readonly cost: number;
}

export type PackFailureCode = 'INVALID_INPUT' | 'ITEM_TOO_LARGE' | 'ITEM_TOO_HEAVY';

export type PackResult =
  | { readonly ok: true; readonly packages: readonly PackedCarton[]; readonly cost: number }
  | { readonly ok: false; readonly code: PackFailureCode; readonly message: string; readonly itemId?: string };
