import type { Layout, Pick } from '../geometry/layout.ts';
import { tourLength } from '../geometry/layout.ts';
import { aisleDp } from './aisle-dp.ts';
import type { RouteResult } from './types.ts';

/**
 * Exact single-block router, linear in the number of aisles.
 * Source: Ratliff & Rosenthal, "Order-picking in a rectangular warehouse: a solvable case of the TSP", 1983.
 * The DP itself lives in aisle-dp.ts (shared with the two-block case); here B = 1 is enforced.
 */
export function ratliffRosenthal(layout: Layout, picks: readonly Pick[]): RouteResult & { readonly optimum: number } {
  if (layout.blocks !== 1) throw new RangeError(`layout.blocks must be 1 for ratliff-rosenthal, got ${layout.blocks}`);
  const { optimum, sequence } = aisleDp(layout, picks);
  return { length: tourLength(layout, picks, sequence), sequence, method: 'ratliff-rosenthal', optimum };
}
