import { isDay } from '../../../platform/days.ts';
import { check, el, setReader, type ElementError, type SegmentError } from './x940.ts';
import { isSegmentId, type Segment, type TransactionSet } from './x12.ts';

/** One expected line of a 943 (a W04), in the order sent: the ASN's line numbers follow it (1, 2, …). */
export interface TransferLine {
  readonly sku: string;
  readonly qualifier: string;
  readonly upc: string | null;
  readonly lot: string | null;
  readonly quantity: number;
  /** Position of its W04 in the set (AK3-02 when the line is refused later, e.g. an unknown SKU). */
  readonly position: number;
}

/** A 943 read into what PakLog keeps of it: the identifiers the 944 echoes, the ship-from (the ASN's supplier), the lines. */
export interface TransferShipment {
  readonly depositorOrderNumber: string;
  readonly shipmentId: string;
  readonly purchaseOrderNumber: string | null;
  /** W06-03 as YYYY-MM-DD (the shipment date: the ASN's expected date), when sent. */
  readonly shippedOn: string | null;
  readonly shipFrom: string;
  readonly lines: readonly TransferLine[];
}

/** Product id qualifiers W04-04 may use for the SKU (as for a 940's W01-04). */
const SKU_QUALIFIERS = ['SK', 'VN', 'BP', 'IN', 'PI'] as const;
/** W06-01 reporting codes PakLog takes on a 943: F final, N new (original), P partial. */
const REPORTING_CODES = ['F', 'N', 'P'] as const;
/** Segments a 943 may carry that PakLog reads or tolerates; any other well-formed id is "unexpected" (AK3 code 2). */
const KNOWN = new Set(['ST', 'W06', 'N1', 'N2', 'N3', 'N4', 'PER', 'N9', 'G62', 'NTE', 'W27', 'W28', 'FOB', 'LX', 'W04', 'G69', 'W20', 'W03', 'SE']);

const ccyymmdd = /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;

/** X12 element error 8 (invalid date) for a CCYYMMDD of the right shape that is no day of the calendar (20260230). */
function calendarDay(s: Segment, n: number, what: string): ElementError | undefined {
  const v = el(s, n);
  if (v === '' || isDay(`${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`)) return undefined;
  return { position: n, code: 8, value: v, message: `${s.id}${String(n).padStart(2, '0')} (${what}) is no day of the calendar` };
}

/**
 * The rules PakLog holds a 943 (4010, group AR) to (ADR 0040). Header: W06 first after ST, exactly once — W06-01
 * reporting code F/N/P, W06-02 depositor order number (required, ≤ 22), W06-03 shipment date CCYYMMDD (optional),
 * W06-04 shipment identification (required, ≤ 30), W06-06 purchase order number (optional); one N1*SF loop (N1-02
 * ship-from name: the ASN's supplier; N1*ST and other N1 loops are read past). Detail: one or more W04 (optionally each
 * after an LX) — W04-01 quantity ≥ 1, W04-02 unit EA, W04-03 UPC (optional), W04-04 a SKU qualifier, W04-05 the SKU,
 * W04-08 warehouse lot number (optional; an N9*LT after the W04 sets it too). W03-01, when present, equals the sum of
 * the W04 quantities.
 */
export function readTransferShipment(set: TransactionSet): { shipment?: TransferShipment; errors: SegmentError[] } {
  const { errors, segmentError, elementErrors, body, end } = setReader(set);
  let w06: Segment | undefined;
  let shipFrom: string | undefined;
  let sawShipFrom = false;
  let w03: Segment | undefined;
  const lines: TransferLine[] = [];
  let sawW04 = false;
  let last: { line: TransferLine; index: number } | undefined;

  for (const s of body) {
    if (!isSegmentId(s.id)) {
      segmentError(s, 1, `${s.id || '(empty)'} is not a segment id`);
      continue;
    }
    if (!KNOWN.has(s.id)) {
      segmentError(s, 2, `${s.id} is not expected in a 943`);
      continue;
    }
    switch (s.id) {
      case 'W06':
        if (w06 !== undefined) segmentError(s, 5, 'W06 appears more than once');
        else if (s.position !== 2) segmentError(s, 2, 'W06 must follow ST');
        else {
          w06 = s;
          elementErrors(s, [
            check(s, 1, { max: 1, required: true, codes: REPORTING_CODES, what: 'reporting code: F final, N new, P partial' }),
            check(s, 2, { max: 22, required: true, pattern: /^[\x21-\x7E][\x20-\x7E]*$/, what: 'depositor order number' }),
            check(s, 3, { min: 8, max: 8, pattern: ccyymmdd, what: 'shipment date (CCYYMMDD)' }) ?? calendarDay(s, 3, 'shipment date (CCYYMMDD)'),
            check(s, 4, { max: 30, required: true, pattern: /^[\x21-\x7E][\x20-\x7E]*$/, what: 'shipment identification number' }),
            check(s, 6, { max: 22, what: 'purchase order number' }),
          ]);
        }
        break;
      case 'N1':
        if (el(s, 1) !== 'SF') break;
        if (sawShipFrom) {
          segmentError(s, 5, 'more than one N1*SF (ship-from) loop');
          break;
        }
        sawShipFrom = true;
        if (elementErrors(s, [check(s, 2, { max: 60, required: true, what: 'ship-from name' })])) shipFrom = el(s, 2);
        break;
      case 'W04': {
        sawW04 = true;
        last = undefined;
        const fine = elementErrors(s, [
          check(s, 1, { max: 9, required: true, pattern: /^[1-9][0-9]*$/, what: 'number of units shipped (a whole number ≥ 1)' }),
          check(s, 2, { min: 2, max: 2, required: true, codes: ['EA'], what: 'unit' }),
          check(s, 4, { min: 2, max: 2, required: true, codes: SKU_QUALIFIERS, what: 'product id qualifier' }),
          check(s, 5, { max: 48, required: true, pattern: /^[A-Za-z0-9._-]{1,64}$/, what: 'product id (SKU)' }),
          check(s, 8, { max: 30, pattern: /^[\x21-\x7E][\x20-\x7E]*$/, what: 'warehouse lot number' }),
        ]);
        if (fine) {
          lines.push({ sku: el(s, 5), qualifier: el(s, 4), upc: el(s, 3) || null, lot: el(s, 8) || null, quantity: Number(el(s, 1)), position: s.position });
          last = { line: lines.at(-1)!, index: lines.length - 1 };
        }
        break;
      }
      case 'N9':
        if (el(s, 1) === 'LT' && last !== undefined && el(s, 2) !== '') {
          if (elementErrors(s, [check(s, 2, { max: 30, pattern: /^[\x21-\x7E][\x20-\x7E]*$/, what: 'lot number' })])) {
            lines[last.index] = { ...last.line, lot: el(s, 2) };
          }
        }
        break;
      case 'W03':
        w03 = s;
        break;
      default:
        break;
    }
  }
  const missing = (id: string, message: string): void => {
    errors.push({ segmentId: id, position: end, code: 3, elements: [], message });
  };
  if (w06 === undefined && !errors.some((e) => e.segmentId === 'W06')) missing('W06', 'W06 (warehouse shipment identification) is missing');
  if (!sawShipFrom) missing('N1', 'the N1*SF (ship-from) loop is missing');
  if (!sawW04) missing('W04', 'the 943 has no W04 line');
  if (w03 !== undefined && errors.length === 0) {
    const total = lines.reduce((a, l) => a + l.quantity, 0);
    if (Number(el(w03, 1)) !== total) {
      segmentError(w03, 8, `W03-01 says ${el(w03, 1)} units, the W04 lines add up to ${total}`, [{ position: 1, code: 7, value: el(w03, 1), message: 'does not equal the sum of W04-01' }]);
    }
  }
  if (errors.length > 0 || w06 === undefined || shipFrom === undefined) return { errors };
  const date = el(w06, 3);
  return {
    shipment: {
      depositorOrderNumber: el(w06, 2), shipmentId: el(w06, 4), purchaseOrderNumber: el(w06, 6) || null,
      shippedOn: date === '' ? null : `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}`, shipFrom, lines,
    },
    errors,
  };
}
