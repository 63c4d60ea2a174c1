import type { Layout, Pick } from '../../geometry/layout.ts';
import type { Router } from '../types.ts';
import type { BlockHandler } from './frame.ts';
import { maxOf, multiBlockWalk, opposite, toRouteResult } from './frame.ts';
import type { Walker } from './walker.ts';

/**
 * S-shape (traversal) per block, Roodbergen & de Koster (IJPR 2001): every sub-aisle with picks is traversed
 * entirely, sweeping away from the nearer extreme. The last sub-aisle must deliver the picker to the block's
 * front cross aisle: if the picker is then on the back it traverses it, if it is already on the front it enters
 * and leaves from the front (the single-block rule "last aisle is returned when the count is odd").
 */
export const sShapeBlock: BlockHandler = (w, block, order) => {
  order.forEach((aisle, i) => {
    w.toAisle(aisle);
    const side = w.sideOf(block);
    if (i < order.length - 1 || side === 'back') {
      w.vertical(w.sideY(block, opposite(side)));
    } else {
      w.returnVisit(maxOf(w.remainingYs(aisle, block)));
    }
  });
};

export function sShapeWalk(layout: Layout, picks: readonly Pick[]): Walker {
  return multiBlockWalk(layout, picks, sShapeBlock);
}

export const sShapeRoute: Router = (layout, picks) => toRouteResult(layout, picks, sShapeWalk(layout, picks), 's-shape');
