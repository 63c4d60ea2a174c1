import type { Layout, Pick } from '../../geometry/layout.ts';
import { aisleX, crossAisleY, pickPoint, validateLayout, validatePick } from '../../geometry/layout.ts';

/** Tolerance for comparing coordinates that were produced by the same arithmetic. */
const EPS = 1e-9;

interface PickAt {
  readonly index: number;
  readonly block: number;
  readonly y: number;
}

/** Which cross aisle of a block the picker stands on: front = nearer the depot (y_b), back = y_{b+1}. */
export type Side = 'front' | 'back';

/**
 * A picker walking the centre lines of a rectangular layout.
 * Heuristics are written as explicit walks so that the visiting order falls out of the walk itself:
 * a pick is collected the first time the picker passes it while moving along its aisle.
 * The walker refuses moves that would leave the centre-line network, so a heuristic bug surfaces as an error
 * instead of a silently impossible route.
 */
export class Walker {
  readonly layout: Layout;
  /** Current position; `aisle` is undefined only while the picker is still at the depot's x. */
  x: number;
  y = 0;
  aisle: number | undefined = undefined;
  /** Distance the heuristic itself walks (not the shortest-path tour over its sequence). */
  walked = 0;
  readonly sequence: number[] = [];
  private readonly collected: boolean[];
  /** Picks per aisle, sorted by y then index so that ties resolve deterministically. */
  private readonly byAisle = new Map<number, PickAt[]>();

  constructor(layout: Layout, picks: readonly Pick[]) {
    validateLayout(layout);
    this.layout = layout;
    this.x = layout.depot.x;
    this.collected = picks.map(() => false);
    picks.forEach((p, index) => {
      validatePick(layout, p, `picks[${index}]`);
      const list = this.byAisle.get(p.aisle) ?? [];
      list.push({ index, block: p.block, y: pickPoint(layout, p).y });
      this.byAisle.set(p.aisle, list);
    });
    for (const list of this.byAisle.values()) list.sort((a, b) => a.y - b.y || a.index - b.index);
  }

  /** Aisles that still hold uncollected picks in block b, left to right. */
  subaislesWithPicks(block: number): number[] {
    const out: number[] = [];
    for (const [aisle, list] of this.byAisle) {
      if (list.some((p) => p.block === block && !this.collected[p.index])) out.push(aisle);
    }
    return out.sort((a, b) => a - b);
  }

  /** y values of the uncollected picks in one sub-aisle, ascending. */
  remainingYs(aisle: number, block: number): number[] {
    const list = this.byAisle.get(aisle) ?? [];
    return list.filter((p) => p.block === block && !this.collected[p.index]).map((p) => p.y);
  }

  allCollected(): boolean {
    return this.collected.every(Boolean);
  }

  /** Walk along the current cross aisle to the centre line of `aisle`. */
  toAisle(aisle: number): void {
    this.horizontal(aisleX(this.layout, aisle));
    this.aisle = aisle;
  }

  /** Walk along the front cross aisle back to the depot. */
  toDepot(): void {
    this.horizontal(this.layout.depot.x);
    if (Math.abs(this.y) > EPS) throw new Error('walker: the depot is on the front cross aisle');
  }

  /** Walk along the current aisle to y, collecting every pick passed on the way, in walking order. */
  vertical(toY: number): void {
    if (this.aisle === undefined) throw new Error('walker: vertical move while not in an aisle');
    const lo = Math.min(this.y, toY) - EPS;
    const hi = Math.max(this.y, toY) + EPS;
    const passed = (this.byAisle.get(this.aisle) ?? []).filter((p) => !this.collected[p.index] && p.y >= lo && p.y <= hi);
    if (toY < this.y) passed.reverse();
    for (const p of passed) {
      this.collected[p.index] = true;
      this.sequence.push(p.index);
    }
    this.walked += Math.abs(toY - this.y);
    this.y = toY;
  }

  /** Enter the current aisle up to y and come back to where the picker stood (a "return" visit). */
  returnVisit(toY: number): void {
    const from = this.y;
    this.vertical(toY);
    this.vertical(from);
  }

  /** y of the given side of a block's cross aisle. */
  sideY(block: number, side: Side): number {
    return crossAisleY(this.layout, side === 'front' ? block : block + 1);
  }

  /** Which side of `block` the picker is on; throws if it is not on one of the block's cross aisles. */
  sideOf(block: number): Side {
    if (Math.abs(this.y - this.sideY(block, 'front')) <= EPS) return 'front';
    if (Math.abs(this.y - this.sideY(block, 'back')) <= EPS) return 'back';
    throw new Error(`walker: not on a cross aisle of block ${block}`);
  }

  private horizontal(toX: number): void {
    const pitch = this.layout.blockLength + this.layout.crossAisleWidth;
    const j = Math.round(this.y / pitch);
    if (Math.abs(this.y - j * pitch) > EPS * Math.max(1, pitch)) {
      throw new Error('walker: horizontal move while not on a cross aisle');
    }
    this.walked += Math.abs(toX - this.x);
    this.x = toX;
    this.aisle = undefined;
  }
}
