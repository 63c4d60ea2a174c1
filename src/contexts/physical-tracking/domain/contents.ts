import { DEFAULT_OWNER_ID } from '../../../contracts/inventory.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';

/** A line of what an LPN holds. `orderId` marks units picked for an order (in process: inventory holds them at `IN_PROCESS:<orderId>`). */
export interface ContentLine {
  readonly sku: string;
  readonly lot: string | null;
  readonly serial: string | null;
  readonly owner: string | null;
  readonly orderId: string | null;
  readonly quantity: number;
}

/** Which units to take out of an LPN: a SKU, optionally of one lot, owner, order or serial; undefined means any. */
export interface Want {
  readonly sku: string;
  readonly lot?: string | null | undefined;
  /** Whose units (ADR 0028): an owner id, the default owner's named either way (its id, or null as in a line naming none). */
  readonly owner?: string | null | undefined;
  readonly orderId?: string | null | undefined;
  readonly serial?: string | null | undefined;
  readonly quantity: number;
}

const sameKey = (a: ContentLine, b: ContentLine): boolean =>
  a.sku === b.sku && a.lot === b.lot && a.serial === b.serial && a.owner === b.owner && a.orderId === b.orderId;

/** A line's owner, or a wanted one, as one id: a line naming no owner holds the default owner's units. */
export const ownerOfLine = (owner: string | null | undefined): string => owner ?? DEFAULT_OWNER_ID;

/**
 * Whether every unit of `lines` is `owner`'s (lines naming no owner hold the default owner's); true for none. An LPN may
 * hold several owners' units (ADR 0029 addendum 2026-12-05): what carries a whole LPN for one owner asks this first.
 */
export const holdsOnlyOwner = (lines: readonly ContentLine[], owner: string | null | undefined): boolean =>
  lines.every((l) => ownerOfLine(l.owner) === ownerOfLine(owner));

const matches = (line: ContentLine, want: Want): boolean =>
  line.sku === want.sku && (want.lot === undefined || line.lot === want.lot)
  && (want.owner === undefined || ownerOfLine(line.owner) === ownerOfLine(want.owner))
  && (want.orderId === undefined || line.orderId === want.orderId) && (want.serial === undefined || line.serial === want.serial);

/** How many units of `contents` match `want` (its quantity aside). */
export const unitsMatching = (contents: readonly ContentLine[], want: Omit<Want, 'quantity'>): number =>
  contents.filter((l) => matches(l, { ...want, quantity: 0 })).reduce((s, l) => s + l.quantity, 0);

/**
 * Adds lines to contents, merging lines of the same SKU, lot, owner and order. A line of a serial is never merged: a
 * serial names one unit, and two units carrying one serial (two cases labelled alike, consolidated or split into one)
 * stay two lines of one unit each, every unit kept, the duplicate in sight; merged, they were one serial of 2 units
 * (lpn7, as a declared serial line of 2 units is refused since edge7).
 */
export function addLines(contents: readonly ContentLine[], lines: readonly ContentLine[]): ContentLine[] {
  const out = contents.map((l) => ({ ...l }));
  for (const line of lines) {
    if (line.quantity <= 0) continue;
    const i = line.serial === null ? out.findIndex((l) => sameKey(l, line)) : -1;
    if (i >= 0) out[i] = { ...out[i]!, quantity: out[i]!.quantity + line.quantity };
    else out.push({ ...line });
  }
  return out;
}

/**
 * Takes `want.quantity` matching units out of `contents`, first lines first: the lines taken (with their lot, serial,
 * owner and order) and what remains; INSUFFICIENT_CONTENTS when the LPN holds fewer.
 */
export function takeUnits(
  contents: readonly ContentLine[], want: Want,
): Outcome<{ taken: ContentLine[]; remaining: ContentLine[] }, 'INSUFFICIENT_CONTENTS'> {
  const held = contents.filter((l) => matches(l, want)).reduce((s, l) => s + l.quantity, 0);
  if (held < want.quantity) {
    return reject('INSUFFICIENT_CONTENTS', `The LPN holds ${held} unit${held === 1 ? '' : 's'} of ${want.sku}${want.lot == null ? '' : ` lot ${want.lot}`}${want.serial == null ? '' : ` serial ${want.serial}`}, not ${want.quantity}`);
  }
  let left = want.quantity;
  const taken: ContentLine[] = [];
  const remaining: ContentLine[] = [];
  for (const line of contents) {
    if (left > 0 && matches(line, want)) {
      const q = Math.min(left, line.quantity);
      left -= q;
      taken.push({ ...line, quantity: q });
      if (line.quantity > q) remaining.push({ ...line, quantity: line.quantity - q });
    } else {
      remaining.push(line);
    }
  }
  return ok({ taken, remaining });
}

/** Units an LPN holds in all. */
export const unitCount = (contents: readonly ContentLine[]): number => contents.reduce((s, l) => s + l.quantity, 0);

/**
 * The most units one LPN holds: quantities are 32-bit in the store (a scan's quantity, the reconciliation's lines), so
 * an LPN past it could be neither moved nor lost, and the site's reconciliation failed for it. A consolidate or a split
 * into an LPN that would take it past is refused as bad input (400 VALIDATION_FAILED), as a receipt past it is.
 */
export const MAX_LPN_UNITS = 2_147_483_647;
