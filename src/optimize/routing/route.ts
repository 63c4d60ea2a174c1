import type { Layout, Pick } from '../geometry/layout.ts';
import { validateLayout, validatePick } from '../geometry/layout.ts';
import { classicRoutes } from './heuristics/index.ts';
import { heldKarp } from './held-karp.ts';
import { localSearchRoute } from './local-search.ts';
import { ratliffRosenthal } from './ratliff-rosenthal.ts';
import { roodbergenDeKoster } from './roodbergen-de-koster.ts';
import type { ClassicMethod, RouteMethod, RouteResult } from './types.ts';

export interface RouteOptions {
  /** Seed for the local search used with three or more blocks; same seed, same route. */
  readonly seed?: number;
  /** Perturbation budget of that local search. */
  readonly kicks?: number;
}

/** Up to this many picks Held–Karp is exact and takes well under a millisecond. */
const HELD_KARP_SMALL = 12;
/** Largest block count for which the exact aisle DP stays within the latency budget. */
const EXACT_DP_MAX_BLOCKS = 2;
/** Local-search budget for B >= 3: about 1.5 ms CPU for 50 picks on 20 aisles, mean gap < 0.1 %. */
const LS_KICKS = 100;
const LS_START: ClassicMethod = 'combined-plus';

/**
 * Routes one picker tour from the depot through all picks and back.
 * `optimal` is exact for one block (Ratliff & Rosenthal) and two blocks (Roodbergen & de Koster);
 * with more blocks it is exact up to 12 picks (Held–Karp), beyond that an iterated local search
 * seeded with the best classic heuristic.
 */
export function route(layout: Layout, picks: readonly Pick[], method: RouteMethod = 'optimal', options: RouteOptions = {}): RouteResult {
  validateLayout(layout);
  picks.forEach((p, i) => validatePick(layout, p, `picks[${i}]`));
  if (picks.length === 0) {
    const exact = layout.blocks === 1 ? 'ratliff-rosenthal' : layout.blocks === 2 ? 'roodbergen-de-koster' : 'held-karp';
    return { length: 0, sequence: [], method: method === 'optimal' ? exact : method };
  }
  if (method !== 'optimal') return classicRoutes[method](layout, picks);
  if (layout.blocks === 1) return strip(ratliffRosenthal(layout, picks));
  if (layout.blocks <= EXACT_DP_MAX_BLOCKS) return strip(roodbergenDeKoster(layout, picks));
  if (picks.length <= HELD_KARP_SMALL) return heldKarp(layout, picks);
  // Combined+ is the strongest classic start on multi-block layouts; running all six costs more
  // time than the extra kicks it would displace are worth (measured in bench/routing.ts).
  const starts = [classicRoutes[LS_START](layout, picks).sequence];
  return localSearchRoute(layout, picks, { kicks: LS_KICKS, ...options, starts });
}

/** Keeps the public result to the RouteResult fields. */
function strip(r: RouteResult): RouteResult {
  return { length: r.length, sequence: r.sequence, method: r.method };
}
