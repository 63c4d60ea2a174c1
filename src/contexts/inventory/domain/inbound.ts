/** Inbound rules: the ASN and putaway lifecycles, matching a scan to an ASN line, discrepancies at close. Pure. */
import type { AsnDiscrepancy, AsnStatus, PutawayStatus, StockStatus } from '../../../contracts/inventory.ts';
import type { LocationType } from '../../../contracts/location-master.ts';
import { isValidSscc, normaliseSscc } from '../../../contracts/physical-tracking.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';
import { fromLotKey } from './stock.ts';

/**
 * An ASN is OPEN until the first unit is received against it, RECEIVING while goods arrive (every receipt keeps it
 * there), CLOSED when the dock says it is done (also with nothing received: everything is then UNDER), CANCELLED only
 * while nothing was received.
 */
/**
 * The most lines one ASN has, however it comes (POST /inventory/asns, an ERP file, an EDI 943): a receipt's `lineNo`
 * names one of them, so a number past it (1e21, 2^53 + 1, which JSON reads as another number) is bad input, not a line.
 */
export const MAX_ASN_LINES = 1000;

export const ASN_TRANSITIONS: Record<AsnStatus, readonly AsnStatus[]> = {
  OPEN: ['RECEIVING', 'CLOSED', 'CANCELLED'],
  RECEIVING: ['RECEIVING', 'CLOSED'],
  CLOSED: [],
  CANCELLED: [],
};
export const asnLifecycle = defineLifecycle('ASN', ASN_TRANSITIONS, ['OPEN']);

/**
 * A putaway is OPEN while units wait at the receiving location; a partial confirm keeps it OPEN; the last units complete
 * it. CANCELLED withdraws it with units still open (nothing moves): the way out when they left the dock another way, or
 * will be moved by hand.
 */
export const PUTAWAY_TRANSITIONS: Record<PutawayStatus, readonly PutawayStatus[]> = {
  OPEN: ['OPEN', 'COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};
export const putawayLifecycle = defineLifecycle('putaway', PUTAWAY_TRANSITIONS, ['OPEN']);

/** Statuses a receipt may put units in: good stock, damaged stock, or good stock held in quarantine at once. */
export const RECEIPT_STATUSES = ['AVAILABLE', 'DAMAGED', 'QUARANTINE'] as const satisfies readonly StockStatus[];
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * Where a putaway may put units, by their status: good stock into storage (storage, pick faces, reserve), damaged or
 * quarantined stock into a QUARANTINE location. The strategy suggests among these; the confirm refuses anything else.
 */
export function putawayTargetTypes(status: StockStatus): readonly LocationType[] {
  return status === 'AVAILABLE' ? ['STORAGE', 'PICK_FACE', 'RESERVE'] : ['QUARANTINE'];
}

/** An ASN line as the rules see it ('' lot: any lot matches). */
export interface AsnLineFacts {
  readonly line_no: number;
  readonly sku: string;
  readonly lot: string;
  readonly quantity: number;
  readonly received: number;
  readonly damaged: number;
  /** The serials the line announced, one per unit (empty or absent: none announced). */
  readonly serials?: readonly string[] | undefined;
}

/**
 * The line a scan of `sku` and `lot` is received against: the one named by `lineNo` when given, else the first line of
 * that SKU whose lot is the scanned one or unannounced (any lot, with `anyLot`: a product that is not lot-controlled),
 * preferring one with units still expected. Undefined: not on the ASN.
 */
export function matchLine<L extends AsnLineFacts>(lines: readonly L[], sku: string, lot: string, lineNo?: number, anyLot = false): L | undefined {
  const fits = (l: L) => l.sku === sku && (anyLot || l.lot === '' || l.lot === lot);
  if (lineNo !== undefined) {
    const named = lines.find((l) => l.line_no === lineNo);
    return named !== undefined && fits(named) ? named : undefined;
  }
  const candidates = lines.filter(fits).sort((a, b) => a.line_no - b.line_no);
  return candidates.find((l) => l.received < l.quantity) ?? candidates[0];
}

/**
 * The lines a scan of `sku` and `lot` is received against, and how many units each takes: the line named by `lineNo`
 * alone (all the units), else every line of that SKU whose lot fits (as `matchLine`; `matching` counts them) in line order, each filled up to
 * what it still expects, the last one taking what is left beyond them (an over-receipt, refused unless accepted). An
 * ERP may announce one SKU and lot on two lines (two purchase order lines, a file with the row twice): a receipt of
 * their sum completes both. Also `open`: what the lines still expect between them. Empty: not on the ASN.
 */
export function spreadOverLines<L extends AsnLineFacts>(
  lines: readonly L[], sku: string, lot: string, quantity: number, lineNo?: number, anyLot = false,
): { readonly parts: readonly { readonly line: L; readonly quantity: number }[]; readonly open: number; readonly matching: number } {
  const openOf = (l: L) => Math.max(0, l.quantity - l.received);
  if (lineNo !== undefined) {
    const named = matchLine(lines, sku, lot, lineNo, anyLot);
    return named === undefined ? { parts: [], open: 0, matching: 0 } : { parts: [{ line: named, quantity }], open: openOf(named), matching: 1 };
  }
  const fits = lines.filter((l) => l.sku === sku && (anyLot || l.lot === '' || l.lot === lot)).sort((a, b) => a.line_no - b.line_no);
  if (fits.length === 0) return { parts: [], open: 0, matching: 0 };
  const parts: { line: L; quantity: number }[] = [];
  let left = quantity;
  for (const l of fits) {
    const take = Math.min(left, openOf(l));
    if (take > 0) parts.push({ line: l, quantity: take });
    left -= take;
  }
  if (left > 0) {
    const last = fits[fits.length - 1]!;
    const i = parts.findIndex((p) => p.line === last);
    if (i >= 0) parts[i] = { line: last, quantity: parts[i]!.quantity + left };
    else parts.push({ line: last, quantity: left });
  }
  return { parts, open: fits.reduce((n, l) => n + openOf(l), 0), matching: fits.length };
}

/** Per line: over (received beyond expected), under (received short of expected) and damaged units, in line order. */
export function discrepancies(lines: readonly AsnLineFacts[]): AsnDiscrepancy[] {
  const out: AsnDiscrepancy[] = [];
  for (const l of [...lines].sort((a, b) => a.line_no - b.line_no)) {
    const base = { lineNo: l.line_no, sku: l.sku, lot: fromLotKey(l.lot), expected: l.quantity, received: l.received, damaged: l.damaged };
    if (l.received > l.quantity) out.push({ ...base, kind: 'OVER', quantity: l.received - l.quantity });
    if (l.received < l.quantity) out.push({ ...base, kind: 'UNDER', quantity: l.quantity - l.received });
    if (l.damaged > 0) out.push({ ...base, kind: 'DAMAGED', quantity: l.damaged });
  }
  return out;
}

/**
 * The code an LPN label names, as physical tracking reads it: a valid SSCC (behind `00`/`(00)` or not) as its 18
 * digits, anything else as written (trimmed). An ASN's expected LPN and a RECEIVE_LPN scan's barcode compare by it.
 */
export function lpnLabelCode(label: string): string {
  const sscc = normaliseSscc(label);
  return sscc !== undefined && isValidSscc(sscc) ? sscc : label.trim();
}

/**
 * The labels of an ASN's LPNs scanned in at the dock none of whose lines (those expecting that label) has a unit
 * booked, received or damaged: a pallet on the dock that is not on the books.
 */
export function unbookedLpns(
  arrivals: readonly { readonly code: string }[], lines: readonly (Pick<AsnLineFacts, 'received' | 'damaged'> & { readonly expected_lpn: string | null })[],
): string[] {
  const codes = [...new Set(arrivals.map((a) => a.code))];
  return codes.filter((code) => {
    const its = lines.filter((l) => l.expected_lpn !== null && lpnLabelCode(l.expected_lpn) === code);
    return its.length > 0 && its.every((l) => l.received + l.damaged === 0);
  });
}
