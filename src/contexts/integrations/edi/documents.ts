import type { ShipTo } from '../../../contracts/orders.ts';
import type { SegmentError } from './x940.ts';
import { ccyymmdd, clean, hhmm, parseInterchange, writeSegment, type Delimiters, type FunctionalGroup, type Interchange } from './x12.ts';

/** The answer to one received transaction set, as the 997 reports it. */
export interface SetAcknowledgement {
  readonly type: string;
  readonly controlNumber: string;
  /** AK5-02…: envelope codes (2 trailer missing, 3 control numbers differ, 4 count wrong, 5 segments in error). */
  readonly setErrors: readonly number[];
  readonly segmentErrors: readonly SegmentError[];
}

/**
 * The 997 body (AK1 … AK9) for one functional group: per set an AK2, its AK3/AK4 errors and an AK5 (A or R); AK9
 * A (all accepted), P (some) or R (none), with the group's own codes (AK9-05…).
 */
export function functionalAck(group: Pick<FunctionalGroup, 'functionalId' | 'controlNumber' | 'envelopeErrors'>, sets: readonly SetAcknowledgement[], d: Delimiters): string[] {
  const out = [writeSegment('AK1', [group.functionalId, group.controlNumber], d)];
  let accepted = 0;
  for (const s of sets) {
    out.push(writeSegment('AK2', [s.type, s.controlNumber], d));
    for (const e of s.segmentErrors) {
      out.push(writeSegment('AK3', [e.segmentId, e.position, undefined, e.code], d));
      for (const x of e.elements) out.push(writeSegment('AK4', [x.position, undefined, x.code, x.value === '' ? undefined : clean(x.value, d).slice(0, 99)], d));
    }
    const codes = [...s.setErrors, ...(s.segmentErrors.length > 0 && !s.setErrors.includes(5) ? [5] : [])].slice(0, 5);
    if (codes.length === 0) accepted += 1;
    out.push(writeSegment('AK5', [codes.length === 0 ? 'A' : 'R', ...codes], d));
  }
  const status = group.envelopeErrors.length > 0 || accepted === 0 ? 'R' : accepted === sets.length ? 'A' : 'P';
  out.push(writeSegment('AK9', [status, sets.length, sets.length, group.envelopeErrors.length > 0 ? 0 : accepted, ...group.envelopeErrors.slice(0, 5)], d));
  return out;
}

/** What the 945 and the 856 say about a shipped order (from the 940 PakLog kept and the shipment events). */
export interface ShippedOrder {
  readonly orderId: string;
  readonly depositorOrderNumber: string;
  readonly purchaseOrderNumber: string | null;
  readonly shipTo: ShipTo;
  readonly shipFromName: string;
  readonly partial: boolean;
  readonly shippedAt: Date;
  readonly shipments: readonly { shipmentId: string; carrier: string; trackingNumber: string }[];
  readonly packages: readonly { packageId: string; weightG: number; lines: readonly { sku: string; quantity: number }[] }[];
  /** Per 940 line: units ordered, shipped and cancelled before shipping (a line cancel; not short). */
  readonly lines: readonly { lineNo: number; sku: string; qualifier: string; upc: string | null; ordered: number; shipped: number; cancelled: number }[];
}

/**
 * W12-01 (code list 368) and the quantities of a 940 line: a line cancelled whole is ID (item deleted: ordered, none
 * shipped, the difference the deleted units); a line partly cancelled is reported against what is still ordered, so
 * its cancelled units never read as a shortage: CC when all of that shipped, CP (partial, no backorder) when short.
 */
export function itemDetail(l: ShippedOrder['lines'][number]): { status: 'CC' | 'CP' | 'ID'; ordered: number; shipped: number; difference: number } {
  if (l.cancelled >= l.ordered) return { status: 'ID', ordered: l.ordered, shipped: 0, difference: l.ordered };
  const ordered = l.ordered - l.cancelled;
  return { status: l.shipped >= ordered ? 'CC' : 'CP', ordered, shipped: l.shipped, difference: ordered - l.shipped };
}

/**
 * The shipment identification of BSN-02 and W06-04 (at most 30 characters in 4010): the tracking number of the first
 * shipment (PakLog's own ids are 36 characters); the order id without one. PakLog's order id travels in N9*OQ / REF*OQ.
 */
const shipmentReference = (o: ShippedOrder): string => o.shipments[0]?.trackingNumber ?? o.orderId.slice(-30);

const name = (s: string, d: Delimiters, max = 60): string => clean(s, d).slice(0, max) || '-';
const kg = (g: number): string => (Math.round(g / 10) / 100).toFixed(2);

function shipToLoop(to: ShipTo, d: Delimiters): string[] {
  return [
    writeSegment('N1', ['ST', name(to.name, d)], d),
    ...(to.company === undefined ? [] : [writeSegment('N2', [name(to.company, d)], d)]),
    writeSegment('N3', [name(to.line1, d, 55), to.line2 === undefined ? undefined : name(to.line2, d, 55)], d),
    writeSegment('N4', [name(to.city, d, 30), to.state === undefined ? undefined : clean(to.state, d).slice(0, 2), clean(to.postalCode, d).slice(0, 15), to.country], d),
  ];
}

/**
 * 945 warehouse shipping advice (4010, group SW): W06 echoes the 940's depositor order number (W06-02) and purchase
 * order number (W06-06) with the shipment's tracking number (W06-04), N9*OQ PakLog's order id; one LX/W12 per 940 line (ordered, shipped, difference,
 * status CC complete, CP partial or ID cancelled whole: `itemDetail`); W03 totals units and weight.
 */
export function warehouseShippingAdvice(o: ShippedOrder, d: Delimiters): string[] {
  const first = o.shipments[0];
  const out = [
    writeSegment('W06', [o.partial ? 'P' : 'F', clean(o.depositorOrderNumber, d), ccyymmdd(o.shippedAt), clean(shipmentReference(o), d).slice(0, 30), undefined, o.purchaseOrderNumber ?? undefined], d),
    ...shipToLoop(o.shipTo, d),
    writeSegment('N9', ['OQ', undefined, o.orderId], d),
    writeSegment('G62', ['11', ccyymmdd(o.shippedAt), '8', hhmm(o.shippedAt)], d),
  ];
  if (first !== undefined) {
    out.push(writeSegment('W27', ['M', clean(first.carrier, d).slice(0, 4)], d));
    for (const s of o.shipments) out.push(writeSegment('N9', ['BM', clean(s.trackingNumber, d).slice(0, 30)], d));
  }
  for (const l of o.lines) {
    out.push(writeSegment('LX', [l.lineNo], d));
    const item = itemDetail(l);
    out.push(writeSegment('W12', [item.status, item.ordered, item.shipped, item.difference, 'EA', l.upc ?? undefined, l.qualifier, clean(l.sku, d)], d));
  }
  const weight = o.packages.reduce((a, p) => a + p.weightG, 0);
  out.push(writeSegment('W03', [o.lines.reduce((a, l) => a + l.shipped, 0), kg(weight), 'KG'], d));
  return out;
}

/**
 * 856 ship notice (4010, group SH), pick-and-pack structure 0001 (shipment → order → pack → item): BSN-02 is the
 * shipment's tracking number, the order level carries PRF-01 (the 940's purchase order number, else its depositor order number) and
 * REF*CO (the depositor order number) and REF*OQ (PakLog's order id); each package is a P level (MAN*CP package id) with its items
 * (LIN*…*SK, SN1 quantity). CTT-01 counts the HL segments.
 */
export function shipNotice(o: ShippedOrder, d: Delimiters): string[] {
  const first = o.shipments[0];
  const out = [writeSegment('BSN', ['00', clean(shipmentReference(o), d).slice(0, 30), ccyymmdd(o.shippedAt), hhmm(o.shippedAt), '0001'], d)];
  let hl = 0;
  const shipmentHl = ++hl;
  out.push(writeSegment('HL', [shipmentHl, undefined, 'S'], d));
  out.push(writeSegment('TD1', ['CTN', o.packages.length, undefined, undefined, undefined, 'G', kg(o.packages.reduce((a, p) => a + p.weightG, 0)), 'KG'], d));
  if (first !== undefined) out.push(writeSegment('TD5', [undefined, '2', clean(first.carrier, d).slice(0, 80)], d));
  for (const s of o.shipments) out.push(writeSegment('REF', ['CN', clean(s.trackingNumber, d).slice(0, 30)], d));
  out.push(writeSegment('DTM', ['011', ccyymmdd(o.shippedAt), hhmm(o.shippedAt)], d));
  out.push(...shipToLoop(o.shipTo, d).filter((s) => !s.startsWith('N2')));
  out.push(writeSegment('N1', ['SF', name(o.shipFromName, d)], d));
  const orderHl = ++hl;
  out.push(writeSegment('HL', [orderHl, shipmentHl, 'O'], d));
  out.push(writeSegment('PRF', [clean(o.purchaseOrderNumber ?? o.depositorOrderNumber, d).slice(0, 22)], d));
  out.push(writeSegment('REF', ['CO', clean(o.depositorOrderNumber, d).slice(0, 30)], d));
  out.push(writeSegment('REF', ['OQ', undefined, o.orderId], d));
  const bySku = new Map(o.lines.map((l) => [l.sku, l]));
  for (const p of o.packages) {
    const packHl = ++hl;
    out.push(writeSegment('HL', [packHl, orderHl, 'P'], d));
    out.push(writeSegment('MAN', ['CP', clean(p.packageId, d).slice(0, 48)], d));
    for (const item of p.lines) {
      const line = bySku.get(item.sku);
      out.push(writeSegment('HL', [++hl, packHl, 'I'], d));
      out.push(writeSegment('LIN', [line?.lineNo ?? undefined, line?.qualifier ?? 'SK', clean(item.sku, d)], d));
      out.push(writeSegment('SN1', [undefined, item.quantity, 'EA'], d));
    }
  }
  out.push(writeSegment('CTT', [hl], d));
  return out;
}

/** What the 944 says about a closed ASN that came from a 943 (the 943's identifiers, per line expected and received). */
export interface ReceivedTransfer {
  readonly asnId: string;
  readonly depositorOrderNumber: string;
  readonly shipmentId: string;
  readonly purchaseOrderNumber: string | null;
  readonly shipFrom: string;
  readonly receivedAt: Date;
  readonly lines: readonly { sku: string; qualifier: string; upc: string | null; lot: string | null; expected: number; received: number; damaged: number }[];
}

/**
 * 944 warehouse stock transfer receipt advice (4010, group RE, ADR 0040): W17 (F, the receipt date, the warehouse
 * receipt number — the ASN id's last 30 characters —, the 943's depositor order number W06-02 and shipment id W06-04),
 * N9*OQ the full ASN id, N1*SF the ship-from; per 943 line a W07 (units received, damaged ones included, EA, UPC,
 * qualifier, SKU, lot at W07-08) and, when the line differs, W13 exceptions (W13-01 units, W13-02 EA, W13-03 condition:
 * 01 damaged, 02 short, 03 over — see docs/integrations/edi-x12.md); W14 totals the units received.
 */
export function warehouseReceiptAdvice(t: ReceivedTransfer, d: Delimiters): string[] {
  const out = [
    writeSegment('W17', ['F', ccyymmdd(t.receivedAt), clean(t.asnId, d).slice(-30), clean(t.depositorOrderNumber, d), undefined, clean(t.shipmentId, d)], d),
    writeSegment('N9', ['OQ', undefined, clean(t.asnId, d)], d),
    ...(t.purchaseOrderNumber === null ? [] : [writeSegment('N9', ['PO', clean(t.purchaseOrderNumber, d)], d)]),
    writeSegment('N1', ['SF', name(t.shipFrom, d)], d),
  ];
  for (const l of t.lines) {
    out.push(writeSegment('W07', [l.received, 'EA', l.upc ?? undefined, l.qualifier, clean(l.sku, d), undefined, undefined, l.lot === null ? undefined : clean(l.lot, d)], d));
    if (l.damaged > 0) out.push(writeSegment('W13', [l.damaged, 'EA', '01'], d));
    if (l.received < l.expected) out.push(writeSegment('W13', [l.expected - l.received, 'EA', '02'], d));
    if (l.received > l.expected) out.push(writeSegment('W13', [l.received - l.expected, 'EA', '03'], d));
  }
  out.push(writeSegment('W14', [t.lines.reduce((a, l) => a + l.received, 0)], d));
  return out;
}

/** Segments each outbound set must carry (checked before a document is stored, and by the tests). */
export const REQUIRED_SEGMENTS: Readonly<Record<string, readonly string[]>> = {
  '997': ['AK1', 'AK9'],
  '945': ['W06', 'N1', 'LX', 'W12', 'W03'],
  '856': ['BSN', 'HL', 'TD1', 'PRF', 'MAN', 'LIN', 'SN1', 'CTT'],
  '944': ['W17', 'N1', 'W07', 'W14'],
};

/**
 * Checks a written interchange against the envelope rules and the required segments of its sets; the list of what
 * is wrong (empty: valid). The same reader that takes inbound documents reads it back.
 */
export function validateOutbound(raw: string): { interchange?: Interchange; problems: string[] } {
  const parsed = parseInterchange(raw);
  if (!parsed.ok) return { problems: parsed.errors.map((e) => e.message) };
  const problems: string[] = [];
  for (const g of parsed.interchange.groups) {
    if (g.envelopeErrors.length > 0) problems.push(`group ${g.controlNumber}: envelope codes ${g.envelopeErrors.join(',')}`);
    for (const s of g.sets) {
      if (s.envelopeErrors.length > 0) problems.push(`set ${s.type} ${s.controlNumber}: envelope codes ${s.envelopeErrors.join(',')}`);
      const ids = new Set(s.segments.map((x) => x.id));
      for (const id of REQUIRED_SEGMENTS[s.type] ?? []) if (!ids.has(id)) problems.push(`set ${s.type} ${s.controlNumber}: ${id} missing`);
    }
  }
  return { interchange: parsed.interchange, problems };
}
