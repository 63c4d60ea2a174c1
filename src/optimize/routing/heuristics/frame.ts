import type { Layout, Pick } from '../../geometry/layout.ts';
import { aisleX, tourLength } from '../../geometry/layout.ts';
import type { ClassicMethod, RouteResult } from '../types.ts';
import type { Side } from './walker.ts';
import { Walker } from './walker.ts';

/**
 * Serves the sub-aisles of one block. Called with the picker on the block's back cross aisle (or on its front
 * cross aisle for the farthest block) and `order` = the block's sub-aisles with picks, in the order the
 * heuristic sweeps them. Must leave the picker on the block's front cross aisle with every pick of the block
 * collected.
 */
export type BlockHandler = (w: Walker, block: number, order: readonly number[]) => void;

export type StartAisle = 'left' | 'right';

export function opposite(side: Side): Side {
  return side === 'front' ? 'back' : 'front';
}

/**
 * The sub-aisles of a block ordered from the extreme (left-most or right-most) nearer to the picker,
 * as Roodbergen & de Koster (2001) prescribe for each block after the farthest one. Ties go left.
 */
export function nearestFirst(w: Walker, aisles: readonly number[]): number[] {
  const first = aisles[0];
  const last = aisles[aisles.length - 1];
  if (first === undefined || last === undefined) return [];
  const dl = Math.abs(w.x - aisleX(w.layout, first));
  const dr = Math.abs(w.x - aisleX(w.layout, last));
  return dl <= dr ? [...aisles] : [...aisles].reverse();
}

/**
 * The multi-block skeleton shared by all six heuristics (Roodbergen & de Koster, IJPR 2001):
 * go from the depot to the front of the left pick aisle, traverse it up to the front cross aisle of the
 * farthest block with picks, then handle the blocks back to front; finally return to the depot.
 * On a single-block layout the traversal step is empty and the handler sees the classic one-block problem.
 * `start = 'right'` mirrors the skeleton (used by combined+ to try both sides).
 */
export function multiBlockWalk(
  layout: Layout,
  picks: readonly Pick[],
  handle: BlockHandler,
  start: StartAisle = 'left',
  orderBlock: (w: Walker, block: number, aisles: readonly number[]) => number[] = (pw, _b, aisles) =>
    nearestFirst(pw, aisles),
): Walker {
  const w = new Walker(layout, picks);
  if (picks.length === 0) return w;
  let startAisle = start === 'left' ? Infinity : -Infinity;
  let farthest = 0;
  for (const p of picks) {
    startAisle = start === 'left' ? Math.min(startAisle, p.aisle) : Math.max(startAisle, p.aisle);
    farthest = Math.max(farthest, p.block);
  }
  w.toAisle(startAisle);
  w.vertical(w.sideY(farthest, 'front'));
  for (let b = farthest; b >= 0; b--) {
    const aisles = w.subaislesWithPicks(b);
    if (aisles.length === 0) {
      // Nothing left here (the start-aisle traversal may have emptied it): walk straight through.
      if (w.sideOf(b) === 'back') w.vertical(w.sideY(b, 'front'));
      continue;
    }
    handle(w, b, orderBlock(w, b, aisles));
    if (w.sideOf(b) !== 'front') throw new Error(`heuristic left block ${b} on its back cross aisle`);
  }
  w.toDepot();
  if (!w.allCollected()) throw new Error('heuristic walk missed a pick');
  return w;
}

/**
 * Heuristics are measured by the visiting order they produce: the reported length is the shortest-path tour
 * over that order (tourLength), which is never longer than the heuristic's own walk (Walker.walked), because
 * the heuristic may take detours (e.g. traversing a whole aisle) that a shortest path between the same two
 * consecutive picks would not. This keeps every RouteResult consistent with tourLength.
 */
export function toRouteResult(layout: Layout, picks: readonly Pick[], w: Walker, method: ClassicMethod): RouteResult {
  const sequence = [...w.sequence];
  return { length: tourLength(layout, picks, sequence), sequence, method };
}

export function maxOf(ys: readonly number[]): number {
  return ys.reduce((m, y) => Math.max(m, y), -Infinity);
}

export function minOf(ys: readonly number[]): number {
  return ys.reduce((m, y) => Math.min(m, y), Infinity);
}
