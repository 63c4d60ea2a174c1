import type { Layout, Pick } from '../../geometry/layout.ts';
import type { Router } from '../types.ts';
import { multiBlockWalk, toRouteResult } from './frame.ts';
import type { SplitRule } from './split-block.ts';
import { splitBlock } from './split-block.ts';
import type { Walker } from './walker.ts';

/**
 * Largest gap (Hall 1993): the longest stretch of a sub-aisle without picks — between the front cross aisle and
 * the first pick, between two neighbouring picks, or between the last pick and the back cross aisle — is the part
 * never walked; picks before it are served from the front, picks after it from the back. Ties keep the earliest gap.
 */
export const largestGapSplit: SplitRule = (ys, frontY, backY) => {
  const stops = [frontY, ...ys, backY];
  let cut = 0;
  let widest = -Infinity;
  for (let i = 0; i + 1 < stops.length; i++) {
    const gap = (stops[i + 1] as number) - (stops[i] as number);
    if (gap > widest) {
      widest = gap;
      cut = i;
    }
  }
  return { front: ys.slice(0, cut), back: ys.slice(cut) };
};

export function largestGapWalk(layout: Layout, picks: readonly Pick[]): Walker {
  return multiBlockWalk(layout, picks, splitBlock(largestGapSplit));
}

export const largestGapRoute: Router = (layout, picks) =>
  toRouteResult(layout, picks, largestGapWalk(layout, picks), 'largest-gap');
