import type { Layout, Pick } from '../../geometry/layout.ts';
import type { Router } from '../types.ts';
import { multiBlockWalk, toRouteResult } from './frame.ts';
import type { SplitRule } from './split-block.ts';
import { splitBlock } from './split-block.ts';
import type { Walker } from './walker.ts';

/** Midpoint (Hall 1993): picks in the front half of a sub-aisle are served from the front, the rest from the back. */
export const midpointSplit: SplitRule = (ys, frontY, backY) => {
  const mid = (frontY + backY) / 2;
  return { front: ys.filter((y) => y <= mid), back: ys.filter((y) => y > mid) };
};

export function midpointWalk(layout: Layout, picks: readonly Pick[]): Walker {
  return multiBlockWalk(layout, picks, splitBlock(midpointSplit));
}

export const midpointRoute: Router = (layout, picks) =>
  toRouteResult(layout, picks, midpointWalk(layout, picks), 'midpoint');
