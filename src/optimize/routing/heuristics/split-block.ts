import type { BlockHandler } from './frame.ts';
import { maxOf, minOf } from './frame.ts';

/** Picks of one sub-aisle (y ascending) divided into those served from the front and those from the back. */
export interface Split {
  readonly front: readonly number[];
  readonly back: readonly number[];
}

export type SplitRule = (ys: readonly number[], frontY: number, backY: number) => Split;

/**
 * Block handler shared by midpoint and largest gap (Hall 1993 single block; Roodbergen & de Koster 2001 per block):
 * the first sub-aisle of the sweep is traversed if the picker starts on the front (so it reaches the back),
 * middle sub-aisles are entered from the back for their back part while sweeping out, the last sub-aisle is
 * traversed back to front, and the front parts are collected while sweeping back. A picker starting on the back
 * serves the first sub-aisle's back part like a middle one. A block with one sub-aisle is a return visit from
 * the front, or a traversal when the picker arrives on the back.
 */
export function splitBlock(rule: SplitRule): BlockHandler {
  return (w, block, order) => {
    const frontY = w.sideY(block, 'front');
    const backY = w.sideY(block, 'back');
    const k = order.length;
    const first = order[0];
    const last = order[k - 1];
    if (first === undefined || last === undefined) return;
    if (k === 1) {
      w.toAisle(first);
      if (w.sideOf(block) === 'front') w.returnVisit(maxOf(w.remainingYs(first, block)));
      else w.vertical(frontY);
      return;
    }
    const middle = order.slice(0, k - 1);
    if (w.sideOf(block) === 'front') {
      w.toAisle(first);
      w.vertical(backY);
      middle.shift();
    }
    for (const aisle of middle) {
      const { back } = rule(w.remainingYs(aisle, block), frontY, backY);
      if (back.length === 0) continue;
      w.toAisle(aisle);
      w.returnVisit(minOf(back));
    }
    w.toAisle(last);
    w.vertical(frontY);
    for (const aisle of [...middle].reverse()) {
      const rest = w.remainingYs(aisle, block);
      if (rest.length === 0) continue;
      w.toAisle(aisle);
      w.returnVisit(maxOf(rest));
    }
  };
}
