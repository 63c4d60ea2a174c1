import type { Layout, Pick } from '../../geometry/layout.ts';
import type { Router } from '../types.ts';
import type { BlockHandler } from './frame.ts';
import { maxOf, multiBlockWalk, toRouteResult } from './frame.ts';
import type { Walker } from './walker.ts';

/**
 * Return policy per block (single-block form: Hall 1993; multi-block skeleton: Roodbergen & de Koster 2001):
 * each sub-aisle with picks is entered and left from the block's front cross aisle. A picker arriving on the
 * block's back cross aisle first needs a way down; it takes the nearer extreme sub-aisle with picks, traversing
 * it (our interpretation: the only way down that does not detour through an empty aisle).
 */
export const returnBlock: BlockHandler = (w, block, order) => {
  order.forEach((aisle, i) => {
    const ys = w.remainingYs(aisle, block);
    if (ys.length === 0) return;
    w.toAisle(aisle);
    if (i === 0 && w.sideOf(block) === 'back') w.vertical(w.sideY(block, 'front'));
    else w.returnVisit(maxOf(ys));
  });
};

export function returnWalk(layout: Layout, picks: readonly Pick[]): Walker {
  return multiBlockWalk(layout, picks, returnBlock);
}

export const returnRoute: Router = (layout, picks) => toRouteResult(layout, picks, returnWalk(layout, picks), 'return');
