export { route } from './route.ts';
export type { RouteOptions } from './route.ts';
export { heldKarp, HELD_KARP_MAX_PICKS } from './held-karp.ts';
export { ratliffRosenthal } from './ratliff-rosenthal.ts';
export { roodbergenDeKoster } from './roodbergen-de-koster.ts';
export { localSearchRoute } from './local-search.ts';
export type { LocalSearchOptions } from './local-search.ts';
export type { ClassicMethod, RouteAlgorithm, RouteMethod, RouteResult, Router } from './types.ts';
