import type { Layout, Pick } from '../geometry/layout.ts';
import { tourLength } from '../geometry/layout.ts';
import { aisleDp } from './aisle-dp.ts';
import type { RouteResult } from './types.ts';

/**
 * Exact multi-block router.
 * Source: Roodbergen & de Koster, "Routing order pickers in a warehouse with a middle aisle", 2001 (B = 2).
 * aisle-dp.ts generates the partial-subgraph classes for B + 1 frontier vertices, so this is exact for
 * any B; the state space grows roughly like 3^(B+1)·Bell(B+1), so route() only uses it while it is fast.
 */
export function roodbergenDeKoster(layout: Layout, picks: readonly Pick[]): RouteResult & { readonly optimum: number } {
  if (layout.blocks < 2) throw new RangeError(`layout.blocks must be >= 2 for roodbergen-de-koster, got ${layout.blocks}`);
  const { optimum, sequence } = aisleDp(layout, picks);
  return { length: tourLength(layout, picks, sequence), sequence, method: 'roodbergen-de-koster', optimum };
}
