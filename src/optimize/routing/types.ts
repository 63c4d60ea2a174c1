import type { Layout, Pick } from '../geometry/layout.ts';

/** The classic picker-routing heuristics as defined by Roodbergen & de Koster (2001). */
export type ClassicMethod = 's-shape' | 'return' | 'midpoint' | 'largest-gap' | 'combined' | 'combined-plus';

/** Methods a caller may ask for; `optimal` lets `route()` choose the best method for the layout. */
export type RouteMethod = 'optimal' | ClassicMethod;

/** Which algorithm actually produced a route. */
export type RouteAlgorithm =
  | ClassicMethod
  | 'ratliff-rosenthal'
  | 'roodbergen-de-koster'
  | 'held-karp'
  | 'local-search';

export interface RouteResult {
  /** Walking distance depot → picks → depot, equal to tourLength(layout, picks, sequence). */
  readonly length: number;
  /** Pick indices in visiting order; every pick exactly once. */
  readonly sequence: readonly number[];
  readonly method: RouteAlgorithm;
}

export type Router = (layout: Layout, picks: readonly Pick[]) => RouteResult;
