import type { Layout, Pick } from '../../geometry/layout.ts';
import { aisleX } from '../../geometry/layout.ts';
import type { Router } from '../types.ts';
import type { BlockHandler } from './frame.ts';
import { maxOf, minOf, multiBlockWalk, nearestFirst, opposite, toRouteResult } from './frame.ts';
import type { Side, Walker } from './walker.ts';

type Visit = 'traverse' | 'return';

interface BlockPlan {
  readonly visits: readonly Visit[];
  /** Distance walked inside sub-aisles; cross-aisle distance does not depend on the visits. */
  readonly vertical: number;
}

/**
 * Combined heuristic's per-block decision (Roodbergen & de Koster 1998; multi-block form 2001): sweeping the
 * sub-aisles in order, each is either traversed entirely (switching the picker's side) or entered and left from
 * the side the picker is on; a two-state DP (picker on front / back) picks the cheapest choices that end on the
 * block's front cross aisle.
 */
export function planBlock(w: Walker, block: number, order: readonly number[], start: Side): BlockPlan {
  const frontY = w.sideY(block, 'front');
  const backY = w.sideY(block, 'back');
  const traverse = backY - frontY;
  let cost: Record<Side, number> = { front: Infinity, back: Infinity };
  cost[start] = 0;
  // choice[i][side]: how sub-aisle i was served to end on `side`.
  const choice: Record<Side, Visit>[] = [];
  for (const aisle of order) {
    const ys = w.remainingYs(aisle, block);
    const ret: Record<Side, number> = { front: 2 * (maxOf(ys) - frontY), back: 2 * (backY - minOf(ys)) };
    const next: Record<Side, number> = { front: Infinity, back: Infinity };
    const chose: Record<Side, Visit> = { front: 'return', back: 'return' };
    for (const side of ['front', 'back'] as const) {
      const viaReturn = cost[side] + ret[side];
      const viaTraverse = cost[opposite(side)] + traverse;
      // Ties prefer the return visit: it keeps the picker on the same side, which the sweep assumes.
      if (viaReturn <= viaTraverse) next[side] = viaReturn;
      else {
        next[side] = viaTraverse;
        chose[side] = 'traverse';
      }
    }
    choice.push(chose);
    cost = next;
  }
  const visits: Visit[] = [];
  let side: Side = 'front';
  for (let i = order.length - 1; i >= 0; i--) {
    const v = (choice[i] as Record<Side, Visit>)[side];
    visits.push(v);
    if (v === 'traverse') side = opposite(side);
  }
  return { visits: visits.reverse(), vertical: cost.front };
}

function execute(w: Walker, block: number, order: readonly number[], plan: BlockPlan): void {
  order.forEach((aisle, i) => {
    w.toAisle(aisle);
    const side = w.sideOf(block);
    if (plan.visits[i] === 'traverse') {
      w.vertical(w.sideY(block, opposite(side)));
    } else {
      const ys = w.remainingYs(aisle, block);
      w.returnVisit(side === 'front' ? maxOf(ys) : minOf(ys));
    }
  });
}

export const combinedBlock: BlockHandler = (w, block, order) => {
  execute(w, block, order, planBlock(w, block, order, w.sideOf(block)));
};

export function combinedWalk(layout: Layout, picks: readonly Pick[]): Walker {
  return multiBlockWalk(layout, picks, combinedBlock);
}

export const combinedRoute: Router = (layout, picks) =>
  toRouteResult(layout, picks, combinedWalk(layout, picks), 'combined');

/** Cross-aisle distance from x to the nearer extreme sub-aisle of the next block with picks (or to the depot). */
function lookahead(w: Walker, block: number, x: number): number {
  for (let b = block - 1; b >= 0; b--) {
    const aisles = w.subaislesWithPicks(b);
    const first = aisles[0];
    const last = aisles[aisles.length - 1];
    if (first === undefined || last === undefined) continue;
    return Math.min(Math.abs(x - aisleX(w.layout, first)), Math.abs(x - aisleX(w.layout, last)));
  }
  return Math.abs(x - w.layout.depot.x);
}

/**
 * Combined+ block order: instead of always sweeping from the nearer extreme, try both sweep directions and keep
 * the one whose approach + cross-aisle span + DP sub-aisle cost + walk to the next block (or depot) is shortest.
 * This is our reading of the combined+ improvements of Roodbergen & de Koster (2001): look one block ahead when
 * deciding how to leave the current block.
 */
function combinedPlusOrder(w: Walker, block: number, aisles: readonly number[]): number[] {
  const start = w.sideOf(block);
  const candidates = [nearestFirst(w, aisles)];
  const other = [...(candidates[0] ?? [])].reverse();
  if (aisles.length > 1) candidates.push(other);
  let best: number[] = candidates[0] ?? [];
  let bestCost = Infinity;
  for (const order of candidates) {
    const first = order[0];
    const last = order[order.length - 1];
    if (first === undefined || last === undefined) continue;
    const xFirst = aisleX(w.layout, first);
    const xLast = aisleX(w.layout, last);
    const cost =
      Math.abs(w.x - xFirst) +
      Math.abs(xLast - xFirst) +
      planBlock(w, block, order, start).vertical +
      lookahead(w, block, xLast);
    if (cost < bestCost - 1e-9) {
      bestCost = cost;
      best = order;
    }
  }
  return best;
}

/**
 * Combined+ (Roodbergen & de Koster 2001): the combined heuristic with look-ahead on each block's sweep direction,
 * run from both the left-most and the right-most pick aisle; the shorter walk wins (ties keep the left start).
 */
export function combinedPlusWalk(layout: Layout, picks: readonly Pick[]): Walker {
  const left = multiBlockWalk(layout, picks, combinedBlock, 'left', combinedPlusOrder);
  const right = multiBlockWalk(layout, picks, combinedBlock, 'right', combinedPlusOrder);
  return right.walked < left.walked - 1e-9 ? right : left;
}

export const combinedPlusRoute: Router = (layout, picks) =>
  toRouteResult(layout, picks, combinedPlusWalk(layout, picks), 'combined-plus');
