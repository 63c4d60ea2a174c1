/**
 * Rectangular multi-block picker-to-parts layout (Roodbergen & de Koster 2001 notation).
 * Pick aisles run along y; cross aisles run along x. Units are metres unless a caller says otherwise.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface Layout {
  /** Number of parallel pick aisles A; aisle a has its centre line at x = a * aislePitch. */
  readonly aisles: number;
  /** Number of blocks B >= 1; there are B + 1 cross aisles. */
  readonly blocks: number;
  /** Usable rack length of one block along an aisle. */
  readonly blockLength: number;
  /** Distance between the centre lines of two neighbouring pick aisles. */
  readonly aislePitch: number;
  /** Width of a cross aisle; the picker walks its centre line. */
  readonly crossAisleWidth: number;
  /** A point on the front cross aisle (y = 0). */
  readonly depot: Point;
}

/** A pick position: aisle index, block index and offset in [0, blockLength] from the start of the block's rack. */
export interface Pick {
  readonly aisle: number;
  readonly block: number;
  readonly offset: number;
}

/** y of the centre line of cross aisle j (0 = front, blocks = back). */
export function crossAisleY(layout: Layout, j: number): number {
  return j * (layout.blockLength + layout.crossAisleWidth);
}

export function aisleX(layout: Layout, aisle: number): number {
  return aisle * layout.aislePitch;
}

export function pickPoint(layout: Layout, pick: Pick): Point {
  return {
    x: aisleX(layout, pick.aisle),
    y: crossAisleY(layout, pick.block) + layout.crossAisleWidth / 2 + pick.offset,
  };
}

/** Shortest walking distance between two picks, moving along aisle and cross-aisle centre lines only. */
export function pickDistance(layout: Layout, p: Pick, q: Pick): number {
  const a = pickPoint(layout, p);
  const b = pickPoint(layout, q);
  if (p.aisle === q.aisle) return Math.abs(a.y - b.y);
  // Different aisles: leave p's block through its front or back cross aisle, cross over, enter q's block.
  const exitsP = [crossAisleY(layout, p.block), crossAisleY(layout, p.block + 1)];
  const exitsQ = [crossAisleY(layout, q.block), crossAisleY(layout, q.block + 1)];
  let vertical = Infinity;
  for (const ep of exitsP) {
    for (const eq of exitsQ) {
      vertical = Math.min(vertical, Math.abs(a.y - ep) + Math.abs(ep - eq) + Math.abs(eq - b.y));
    }
  }
  return Math.abs(a.x - b.x) + vertical;
}

/** Shortest walking distance from the depot (on the front cross aisle) to a pick. */
export function depotDistance(layout: Layout, p: Pick): number {
  const b = pickPoint(layout, p);
  return Math.abs(layout.depot.x - b.x) + b.y - crossAisleY(layout, 0);
}

/** Length of a closed tour depot → picks[sequence[0]] → … → depot. */
export function tourLength(layout: Layout, picks: readonly Pick[], sequence: readonly number[]): number {
  if (sequence.length === 0) return 0;
  let total = 0;
  let prev: Pick | undefined;
  for (const i of sequence) {
    const p = picks[i];
    if (p === undefined) throw new RangeError(`sequence refers to pick ${i}, which does not exist`);
    total += prev === undefined ? depotDistance(layout, p) : pickDistance(layout, prev, p);
    prev = p;
  }
  return total + (prev === undefined ? 0 : depotDistance(layout, prev));
}

/** Throws a RangeError naming the first field that makes the layout or a pick unusable. */
export function validateLayout(layout: Layout): void {
  const positive = (name: string, v: number, integer: boolean): void => {
    if (!Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
      throw new RangeError(`layout.${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(v)}`);
    }
  };
  positive('aisles', layout.aisles, true);
  positive('blocks', layout.blocks, true);
  positive('blockLength', layout.blockLength, false);
  positive('aislePitch', layout.aislePitch, false);
  if (!Number.isFinite(layout.crossAisleWidth) || layout.crossAisleWidth < 0) {
    throw new RangeError(`layout.crossAisleWidth must be a number >= 0, got ${String(layout.crossAisleWidth)}`);
  }
  if (layout.depot.y !== 0) throw new RangeError('layout.depot.y must be 0: the depot stands on the front cross aisle');
  if (!Number.isFinite(layout.depot.x)) throw new RangeError('layout.depot.x must be a number');
}

export function validatePick(layout: Layout, pick: Pick, where = 'pick'): void {
  if (!Number.isInteger(pick.aisle) || pick.aisle < 0 || pick.aisle >= layout.aisles) {
    throw new RangeError(`${where}.aisle must be an integer in [0, ${layout.aisles - 1}], got ${String(pick.aisle)}`);
  }
  if (!Number.isInteger(pick.block) || pick.block < 0 || pick.block >= layout.blocks) {
    throw new RangeError(`${where}.block must be an integer in [0, ${layout.blocks - 1}], got ${String(pick.block)}`);
  }
  if (!Number.isFinite(pick.offset) || pick.offset < 0 || pick.offset > layout.blockLength) {
    throw new RangeError(`${where}.offset must be in [0, ${layout.blockLength}], got ${String(pick.offset)}`);
  }
}
