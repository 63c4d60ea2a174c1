import type { ShipTo } from '../../../contracts/orders.ts';
import { isSegmentId, type Segment, type TransactionSet } from './x12.ts';

/** An element error as AK4 reports it: position in the segment (1-based), the AK4-03 code, the bad value. */
export interface ElementError {
  readonly position: number;
  /** 1 mandatory missing, 4 too short, 5 too long, 6 invalid character, 7 invalid code value. */
  readonly code: number;
  readonly value: string;
  readonly message: string;
}

/** A segment error as AK3 reports it, with its element errors (AK3-04 is 8 when there are any). */
export interface SegmentError {
  readonly segmentId: string;
  readonly position: number;
  /** 1 unrecognised segment id, 2 unexpected segment, 3 mandatory segment missing, 5 exceeds maximum use, 8 data element errors. */
  readonly code: number;
  readonly elements: readonly ElementError[];
  readonly message: string;
}

export interface ShippingOrderLine {
  readonly lineNo: number;
  readonly sku: string;
  readonly quantity: number;
  readonly uom: string;
  readonly qualifier: string;
  readonly upc: string | null;
  /** Position of its W01 in the set (AK3-02 when the line is refused later, e.g. an unknown SKU). */
  readonly position: number;
}

/**
 * What a 940 asks for, from W05-01 (order status code, element 473; ADR 0040): N original → a new order; R change and
 * G changes to other than line items → the order's ship-to replaced (lines compared, not changed); F cancel and
 * D delete → the order cancelled. Other codes (L line item replace, B backorder original, S future dated…) are
 * refused with AK4 code 7.
 */
export const ORDER_PURPOSES = { N: 'ORIGINAL', R: 'CHANGE', G: 'CHANGE', F: 'CANCEL', D: 'CANCEL' } as const;
export type OrderPurpose = (typeof ORDER_PURPOSES)[keyof typeof ORDER_PURPOSES];

/** A 940 read into what PakLog keeps of it: the identifiers the 945 and 856 echo, the ship-to and the lines. */
export interface ShippingOrder {
  readonly purpose: OrderPurpose;
  readonly depositorOrderNumber: string;
  readonly purchaseOrderNumber: string | null;
  readonly shipTo: ShipTo;
  readonly carrier: string | null;
  readonly lines: readonly ShippingOrderLine[];
}

/** Product id qualifiers W01-04 may use for the SKU: SK (SKU), VN (vendor item), BP (buyer part), IN (buyer item), PI (purchaser item). */
export const SKU_QUALIFIERS = ['SK', 'VN', 'BP', 'IN', 'PI'] as const;
/** W01-02 units PakLog ships by: eaches. */
export const ORDER_UNITS = ['EA'] as const;

/** Segments a 940 may carry that PakLog reads or tolerates; any other well-formed id is "unexpected" (AK3 code 2). */
const KNOWN = new Set(['ST', 'W05', 'N1', 'N2', 'N3', 'N4', 'PER', 'N9', 'G62', 'NTE', 'W66', 'LX', 'W01', 'G69', 'W20', 'AMT', 'W76', 'SE', 'FOB', 'LM', 'LQ', 'QTY']);

export const el = (s: Segment, n: number): string => (s.elements[n - 1] ?? '').trim();

export function check(s: Segment, n: number, o: { min?: number; max: number; required?: boolean; codes?: readonly string[]; pattern?: RegExp; what: string }): ElementError | undefined {
  const v = el(s, n);
  if (v === '') return o.required === true ? { position: n, code: 1, value: '', message: `${s.id}${String(n).padStart(2, '0')} (${o.what}) is required` } : undefined;
  if (v.length < (o.min ?? 1)) return { position: n, code: 4, value: v, message: `${s.id}${String(n).padStart(2, '0')} (${o.what}) is shorter than ${o.min ?? 1}` };
  if (v.length > o.max) return { position: n, code: 5, value: v.slice(0, 99), message: `${s.id}${String(n).padStart(2, '0')} (${o.what}) is longer than ${o.max}` };
  if (o.codes !== undefined && !o.codes.includes(v)) return { position: n, code: 7, value: v, message: `${s.id}${String(n).padStart(2, '0')} (${o.what}) must be one of ${o.codes.join(', ')}` };
  if (o.pattern !== undefined && !o.pattern.test(v)) return { position: n, code: 6, value: v, message: `${s.id}${String(n).padStart(2, '0')} (${o.what}) has an invalid character or format` };
  return undefined;
}

/**
 * What a transaction set's reader keeps and reports (940 and 943): its segment errors (AK3, with the AK4 element errors
 * under code 8), the segments between ST and SE, and the position SE has (or would have).
 */
export function setReader(set: TransactionSet) {
  const errors: SegmentError[] = [];
  const segmentError = (s: Segment, code: number, message: string, elements: ElementError[] = []): void => {
    errors.push({ segmentId: s.id, position: s.position, code, elements, message });
  };
  /** Reports the element errors found (undefined: none) as one AK3 code 8; true when there were none. */
  const elementErrors = (s: Segment, list: (ElementError | undefined)[]): boolean => {
    const found = list.filter((e): e is ElementError => e !== undefined);
    if (found.length > 0) segmentError(s, 8, found.map((e) => e.message).join('; '), found);
    return found.length === 0;
  };
  const trailer = set.segments.at(-1);
  return {
    errors, segmentError, elementErrors,
    body: set.segments.slice(1, -1),
    end: trailer?.id === 'SE' ? trailer.position : set.segments.length + 1,
  };
}

/**
 * The rules PakLog holds a 940 (4010, group OW) to, and the order it becomes. Header: W05 (purpose, see ORDER_PURPOSES;
 * depositor order number) first after ST, exactly once — a cancellation needs nothing else; one N1*ST loop (N1-02 name, N3 address, N4 city/postal code/country — country US
 * when absent); an optional W66 (W66-10 or W66-05: the carrier). Detail: one or more LX loops each with a W01 (quantity
 * ≥ 1, unit EA, a SKU qualifier and id); W76-01, when present, equals the sum of the W01 quantities.
 */
export function readShippingOrder(set: TransactionSet): { order?: ShippingOrder; errors: SegmentError[] } {
  const { errors, segmentError, elementErrors, body, end } = setReader(set);

  let w05: Segment | undefined;
  let n1: { name: string; n2?: string; n3?: Segment; n4?: Segment; per?: Segment; seg: Segment } | undefined;
  let inShipTo = false;
  let carrier: string | null = null;
  let w76: Segment | undefined;
  const lines: ShippingOrderLine[] = [];
  let lx = 0;
  let lxSeg: Segment | undefined;
  let lxHasW01 = true;

  for (const s of body) {
    if (!isSegmentId(s.id)) {
      segmentError(s, 1, `${s.id || '(empty)'} is not a segment id`);
      continue;
    }
    if (!KNOWN.has(s.id)) {
      segmentError(s, 2, `${s.id} is not expected in a 940`);
      continue;
    }
    if (s.id !== 'N2' && s.id !== 'N3' && s.id !== 'N4' && s.id !== 'PER') inShipTo = false;
    switch (s.id) {
      case 'W05':
        if (w05 !== undefined) segmentError(s, 5, 'W05 appears more than once');
        else if (s.position !== 2) segmentError(s, 2, 'W05 must follow ST');
        else {
          w05 = s;
          elementErrors(s, [
            check(s, 1, { max: 1, required: true, codes: Object.keys(ORDER_PURPOSES), what: 'order status: N original, R or G change, F or D cancel' }),
            check(s, 2, { max: 22, required: true, pattern: /^[\x21-\x7E][\x20-\x7E]*$/, what: 'depositor order number' }),
            check(s, 3, { max: 22, what: 'purchase order number' }),
          ]);
        }
        break;
      case 'N1':
        if (el(s, 1) === 'ST') {
          if (n1 !== undefined) {
            segmentError(s, 5, 'more than one N1*ST (ship-to) loop');
            break;
          }
          if (elementErrors(s, [check(s, 2, { max: 60, required: true, what: 'ship-to name' })])) n1 = { name: el(s, 2), seg: s };
          else n1 = { name: '', seg: s };
          inShipTo = true;
        }
        break;
      case 'N2':
        if (inShipTo && n1 !== undefined) n1.n2 = el(s, 1);
        break;
      case 'N3':
        if (inShipTo && n1 !== undefined) {
          if (elementErrors(s, [check(s, 1, { max: 55, required: true, what: 'address line 1' }), check(s, 2, { max: 55, what: 'address line 2' })])) n1.n3 = s;
        }
        break;
      case 'N4':
        if (inShipTo && n1 !== undefined) {
          if (elementErrors(s, [
            check(s, 1, { min: 2, max: 30, required: true, what: 'city' }),
            check(s, 2, { min: 2, max: 2, what: 'state or province code' }),
            check(s, 3, { min: 3, max: 15, required: true, what: 'postal code' }),
            check(s, 4, { min: 2, max: 3, pattern: /^[A-Z]{2}$/, what: 'country code (ISO 3166 alpha-2)' }),
          ])) n1.n4 = s;
        }
        break;
      case 'PER':
        if (inShipTo && n1 !== undefined) n1.per = s;
        break;
      case 'W66':
        carrier = el(s, 10) || el(s, 5) || null;
        break;
      case 'LX':
        if (!lxHasW01 && lxSeg !== undefined) segmentError(lxSeg, 3, `LX ${el(lxSeg, 1)} has no W01`);
        lx += 1;
        lxSeg = s;
        lxHasW01 = false;
        break;
      case 'W01': {
        if (lxSeg === undefined) {
          segmentError(s, 2, 'W01 must be inside an LX loop');
          break;
        }
        if (lxHasW01) {
          segmentError(s, 5, 'one W01 per LX loop');
          break;
        }
        lxHasW01 = true;
        const fine = elementErrors(s, [
          check(s, 1, { max: 9, required: true, pattern: /^[1-9][0-9]*$/, what: 'quantity ordered (a whole number ≥ 1)' }),
          check(s, 2, { min: 2, max: 2, required: true, codes: ORDER_UNITS, what: 'unit' }),
          check(s, 4, { min: 2, max: 2, required: true, codes: SKU_QUALIFIERS, what: 'product id qualifier' }),
          check(s, 5, { max: 48, required: true, pattern: /^[A-Za-z0-9._-]{1,64}$/, what: 'product id (SKU)' }),
        ]);
        if (fine) lines.push({ lineNo: Number(el(lxSeg, 1)) || lx, sku: el(s, 5), quantity: Number(el(s, 1)), uom: el(s, 2), qualifier: el(s, 4), upc: el(s, 3) || null, position: s.position });
        break;
      }
      case 'W76':
        w76 = s;
        break;
      default:
        break;
    }
  }
  if (!lxHasW01 && lxSeg !== undefined) segmentError(lxSeg, 3, `LX ${el(lxSeg, 1)} has no W01`);
  const missing = (id: string, message: string): void => {
    errors.push({ segmentId: id, position: end, code: 3, elements: [], message });
  };
  if (w05 === undefined && !errors.some((e) => e.segmentId === 'W05')) missing('W05', 'W05 (shipping order identification) is missing');
  const purpose = w05 === undefined ? undefined : ORDER_PURPOSES[el(w05, 1) as keyof typeof ORDER_PURPOSES] as OrderPurpose | undefined;
  // A cancellation names the order (W05-02); its ship-to and lines, when sent, are read above and not needed.
  if (purpose === 'CANCEL' && w05 !== undefined && errors.length === 0) {
    return { order: { purpose, depositorOrderNumber: el(w05, 2), purchaseOrderNumber: el(w05, 3) || null, shipTo: { name: '', line1: '', city: '', postalCode: '', country: '' }, carrier, lines }, errors };
  }
  if (n1 === undefined) missing('N1', 'the N1*ST (ship-to) loop is missing');
  else {
    if (n1.n3 === undefined && !errors.some((e) => e.segmentId === 'N3')) missing('N3', 'the ship-to loop has no N3 (address)');
    if (n1.n4 === undefined && !errors.some((e) => e.segmentId === 'N4')) missing('N4', 'the ship-to loop has no N4 (city, postal code)');
  }
  if (lx === 0) missing('LX', 'the 940 has no LX/W01 line');
  if (w76 !== undefined && errors.length === 0) {
    const total = lines.reduce((a, l) => a + l.quantity, 0);
    if (Number(el(w76, 1)) !== total) {
      segmentError(w76, 8, `W76-01 says ${el(w76, 1)} units, the W01 lines add up to ${total}`, [{ position: 1, code: 7, value: el(w76, 1), message: 'does not equal the sum of W01-01' }]);
    }
  }
  if (errors.length > 0 || w05 === undefined || n1?.n3 === undefined || n1.n4 === undefined) return { errors };
  const per = n1.per;
  const contact = (qualifier: string): string | undefined => {
    if (per === undefined) return undefined;
    for (const at of [3, 5, 7]) if (el(per, at) === qualifier && el(per, at + 1) !== '') return el(per, at + 1);
    return undefined;
  };
  const optional = (key: string, value: string | undefined): Record<string, string> => (value === undefined || value === '' ? {} : { [key]: value });
  const shipTo: ShipTo = {
    name: n1.name, line1: el(n1.n3, 1), city: el(n1.n4, 1), postalCode: el(n1.n4, 3), country: el(n1.n4, 4) || 'US',
    ...optional('company', n1.n2), ...optional('line2', el(n1.n3, 2)), ...optional('state', el(n1.n4, 2)),
    ...optional('phone', contact('TE')), ...optional('email', contact('EM')),
  };
  return {
    order: { purpose: purpose ?? 'ORIGINAL', depositorOrderNumber: el(w05, 2), purchaseOrderNumber: el(w05, 3) || null, shipTo, carrier, lines },
    errors,
  };
}
