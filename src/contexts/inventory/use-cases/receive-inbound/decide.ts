import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type PutawayRequested } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { refField } from '../../domain/command-checks.ts';
import { asnLifecycle, putawayTargetTypes, spreadOverLines, RECEIPT_STATUSES, type AsnLineFacts, type ReceiptStatus } from '../../domain/inbound.ts';
import type { PutawayCandidate, PutawayPolicy } from '../../domain/putaway-policy.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import type { AsnRow, NewPutaway } from '../../inbound-store.ts';
import { decideReceive, locationRef, type ReceiptInput, type ReceiveDecision, type ReceiveRejection, type ReceiveState } from '../receive/decide.ts';

export interface InboundReceiptInput extends Omit<ReceiptInput, 'status'> {
  /** The ASN received against (absent: a blind receipt). */
  readonly asnId?: string | undefined;
  /** The ASN line, when the scan should not be matched by SKU and lot (absent: spread over the lines of that SKU and lot in order). */
  readonly lineNo?: number | undefined;
  /** AVAILABLE (default), DAMAGED (counted as damaged on the ASN line) or QUARANTINE (good, held at once). */
  readonly status?: ReceiptStatus | undefined;
  /** Receive more than the line(s) still expect (recorded as OVER when the ASN is closed). */
  readonly acceptOver?: boolean | undefined;
}

export type InboundReceiptCommand = InboundReceiptInput & { readonly movementId: string; readonly putawayId: string };

export interface InboundReceiptState {
  /** What the receive rules need: the product, the receiving location, its pickability. */
  readonly receive: ReceiveState;
  /** The ASN, locked, and its lines (asnId given; undefined: no such ASN). */
  readonly asn: Pick<AsnRow, 'id' | 'site_id' | 'status'> | undefined;
  readonly lines: readonly AsnLineFacts[];
  /** One unit's volume (cm³) and weight (g) from the catalog, for the putaway strategy's capacity checks. */
  readonly unit: { readonly volumeCm3: number; readonly weightG: number } | null;
  /** The site's locations the units could be put away to (any type: the decider keeps those the status allows) and their contents. */
  readonly candidates: readonly PutawayCandidate[];
  readonly policy: PutawayPolicy;
}

export interface InboundReceiptDecision {
  readonly receipt: ReceiveDecision;
  /**
   * Units to add to the ASN lines, in line order (empty: blind receipt): one line, or the lines of the scanned SKU and
   * lot a receipt without `lineNo` is spread over.
   */
  readonly lines: readonly { readonly asnId: string; readonly lineNo: number; readonly received: number; readonly damaged: number }[];
  /** The ASN's first receipt moves it OPEN → RECEIVING. */
  readonly asnStarts: boolean;
  readonly putaway: NewPutaway;
  /** The receipt's events, then `inventory.stock.putaway-requested`. */
  readonly events: readonly PublishedEvent[];
}

export type InboundReceiptRejection =
  | ReceiveRejection | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'NOT_ON_ASN' | 'OVER_RECEIPT' | 'NOT_A_RECEIVING_LOCATION' | 'NO_RECEIVING_LOCATION';

/**
 * A scan at the dock: units received at a RECEIVING location (the receive rules: known SKU, ACTIVE location, lot and
 * expiry as the product requires), against the ASN line named, or else spread over the lines of that SKU and lot in line
 * order (`spreadOverLines`), or blind. Damaged units go to the DAMAGED balance, quarantined ones to QUARANTINE; neither
 * is promisable. More than the line(s) still expect is refused unless `acceptOver`. Every receipt leaves a putaway
 * request with a target the strategy suggests among the locations its status may go to.
 */
export const decideInboundReceipt: Decide<InboundReceiptState, InboundReceiptCommand, InboundReceiptDecision, InboundReceiptRejection> = (
  state, input, now,
) => {
  if (input.asnId !== undefined) {
    const a = state.asn;
    if (a === undefined) return reject('NOT_FOUND', `No ASN ${input.asnId}`);
    const receiving = asnLifecycle.check(a.status, 'RECEIVING', `ASN ${a.id} is ${a.status}: nothing more is received against it`);
    if (!receiving.ok) return receiving;
  }
  const status: ReceiptStatus = input.status ?? 'AVAILABLE';
  if (!RECEIPT_STATUSES.includes(status)) {
    return reject('VALIDATION_FAILED', 'The receipt is not valid', [{ field: '/status', message: `one of ${RECEIPT_STATUSES.join(', ')}` }]);
  }
  const ref = locationRef(input);
  if (ref.id === undefined && ref.code === undefined) {
    return reject('NO_RECEIVING_LOCATION', `Site ${input.siteId} has no ACTIVE RECEIVING location: name one`, [{ field: '/locationCode',
      message: 'no receiving location to default to' }]);
  }
  const received = decideReceive(state.receive, { ...input, status }, now);
  if (!received.ok) return received;
  const receipt = received.value;
  const dock = state.receive.location!;
  if (dock.type !== 'RECEIVING') {
    return reject('NOT_A_RECEIVING_LOCATION', `Location ${dock.code} is ${dock.type}: goods are received at a RECEIVING location, then put away`,
      [{ field: refField(ref), message: 'is not a RECEIVING location' }]);
  }
  const q = input.quantity;
  const lot = toLotKey(input.lot);
  let lines: InboundReceiptDecision['lines'] = [];
  if (input.asnId !== undefined) {
    const asnId = input.asnId;
    // A product that is not lot-controlled is received without a lot (decideReceive); a lot its ASN line still names
    // (announced before the lot rule, or before the product stopped being lot-controlled) does not keep its units out.
    const spread = spreadOverLines(state.lines, input.sku, lot, q, input.lineNo, state.receive.product?.lotControlled === false);
    if (spread.parts.length === 0) {
      const what = `${input.sku}${input.lot === undefined ? '' : ` lot ${input.lot}`}`;
      return reject('NOT_ON_ASN', `ASN ${asnId} expects no ${what}${input.lineNo === undefined ? '' : ` on line ${input.lineNo}`}: receive it blind`,
        [{ field: input.lineNo === undefined ? '/sku' : '/lineNo', message: 'not on the ASN' }]);
    }
    const { open } = spread;
    if (q > open && input.acceptOver !== true) {
      const which = spread.matching === 1 ? `Line ${spread.parts[0]!.line.line_no} of ASN ${asnId} expects`
        : `The lines of ${input.sku} on ASN ${asnId} expect`;
      return reject('OVER_RECEIPT', `${which} ${open} more unit(s), not ${q}: send acceptOver to take the rest`,
        [{ field: '/quantity', message: `more than the ${open} still expected` }]);
    }
    // Serials the lines received against announced (ADR 0058): a unit whose serial none of them lists is not the one expected.
    if (spread.parts.every((p) => (p.line.serials?.length ?? 0) > 0)) {
      const announced = new Set(spread.parts.flatMap((p) => p.line.serials ?? []));
      const strangers = (input.serials ?? []).flatMap((s, i) => (announced.has(s) ? [] : [{ field: `/serials/${i}`, message: `serial ${s} is not on the ASN line` }]));
      if (strangers.length > 0) {
        return reject('NOT_ON_ASN', `ASN ${asnId} announces other serials of ${input.sku}: ${strangers.map((e) => e.message.split(' ')[1]).join(', ')} not among them`, strangers);
      }
    }
    lines = spread.parts.map((p) => ({ asnId, lineNo: p.line.line_no, received: p.quantity, damaged: status === 'DAMAGED' ? p.quantity : 0 }));
  }
  const allowed = putawayTargetTypes(status);
  const candidates = state.candidates.filter((c) => allowed.includes(c.location.type));
  const suggested = state.policy({ sku: input.sku, status, quantity: q, unit: state.unit, from: dock }, candidates);
  const putaway: NewPutaway = {
    id: input.putawayId, site_id: input.siteId, owner_id: input.ownerId, receipt_movement_id: input.movementId, asn_id: input.asnId ?? null, line_no: lines[0]?.lineNo ?? null,
    sku: input.sku, lot, stock_status: status, quantity: q, from_location_id: dock.id, suggested_location_id: suggested?.id ?? null,
  };
  const data: PutawayRequested = {
    putawayId: putaway.id, siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, lot: fromLotKey(lot), status, quantity: q, asnId: putaway.asn_id,
    fromLocationId: dock.id, suggestedLocationId: putaway.suggested_location_id, receiptMovementId: input.movementId,
  };
  return ok({
    receipt, lines, asnStarts: state.asn?.status === 'OPEN', putaway,
    events: [...receipt.events, { type: InventoryEvents.putawayRequested, subject: putaway.id, siteId: input.siteId, data }],
  });
};
