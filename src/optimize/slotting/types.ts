import type { Layout, Pick } from '../geometry/layout.ts';

export interface Sku {
  readonly id: string;
  /** Pick frequency (picks or order lines per period); drives every method but random. */
  readonly picks: number;
  /** Volume of the SKU's average stock or demand; required by the cube-per-order index. */
  readonly cube?: number;
}

export interface SlottingInput {
  readonly skus: readonly Sku[];
  /** Candidate storage locations, one SKU each; at least as many as SKUs. */
  readonly locations: readonly Pick[];
  readonly layout: Layout;
  /** Seed of the PRNG used by random storage and within ABC zones. Default 1. */
  readonly seed?: number;
  /** Order history as lists of SKU ids; used by correlated slotting (pair co-occurrence). */
  readonly orders?: readonly (readonly string[])[];
  /** ABC class shares of the SKUs ranked by picks; default [0.2, 0.3, 0.5]. Must sum to 1. */
  readonly classShares?: readonly number[];
  /** Correlated slotting: how many of the most frequent unplaced SKUs compete for each location (default 20). */
  readonly correlationWindow?: number;
}

export type SlottingMethod = 'random' | 'abc' | 'turnover' | 'coi' | 'correlated';

/** SKU id → index into `input.locations`; distinct SKUs get distinct locations. */
export type SlottingResult = ReadonlyMap<string, number>;
