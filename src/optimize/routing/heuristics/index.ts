import type { Layout, Pick } from '../../geometry/layout.ts';
import type { ClassicMethod, Router } from '../types.ts';
import { combinedPlusRoute, combinedPlusWalk, combinedRoute, combinedWalk } from './combined.ts';
import { largestGapRoute, largestGapWalk } from './largest-gap.ts';
import { midpointRoute, midpointWalk } from './midpoint.ts';
import { returnRoute, returnWalk } from './return.ts';
import { sShapeRoute, sShapeWalk } from './s-shape.ts';
import type { Walker } from './walker.ts';

export { combinedPlusRoute, combinedRoute } from './combined.ts';
export { largestGapRoute } from './largest-gap.ts';
export { midpointRoute } from './midpoint.ts';
export { returnRoute } from './return.ts';
export { sShapeRoute } from './s-shape.ts';

/**
 * The six classic routing heuristics of Roodbergen & de Koster (2001). Each reports the shortest-path tour over
 * the visiting order its walk produces (see toRouteResult); use walkLength for the distance the heuristic walks.
 */
export const classicRoutes: Record<ClassicMethod, Router> = {
  's-shape': sShapeRoute,
  return: returnRoute,
  midpoint: midpointRoute,
  'largest-gap': largestGapRoute,
  combined: combinedRoute,
  'combined-plus': combinedPlusRoute,
};

const walks: Record<ClassicMethod, (layout: Layout, picks: readonly Pick[]) => Walker> = {
  's-shape': sShapeWalk,
  return: returnWalk,
  midpoint: midpointWalk,
  'largest-gap': largestGapWalk,
  combined: combinedWalk,
  'combined-plus': combinedPlusWalk,
};

/** Distance the heuristic itself walks, depot to depot; always >= the `length` its router reports. */
export function walkLength(method: ClassicMethod, layout: Layout, picks: readonly Pick[]): number {
  return walks[method](layout, picks).walked;
}
