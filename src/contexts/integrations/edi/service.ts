import type { CatalogApi } from '../../../contracts/catalog.ts';
import { IntegrationsEvents } from '../../../contracts/integrations.ts';
import type { AsnClosed, InventoryCommands } from '../../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../../contracts/location-master.ts';
import type { OrderCancelled, OrderCommands, OrderShipped } from '../../../contracts/orders.ts';
import type { PackagePacked, PackageRepacked, ShipmentDispatched } from '../../../contracts/pack-ship.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import { EventNotReady } from '../../../platform/bus/not-ready.ts';
import type { Tx } from '../../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import {
  functionalAck, shipNotice, validateOutbound, warehouseReceiptAdvice, warehouseShippingAdvice, type ReceivedTransfer, type SetAcknowledgement, type ShippedOrder,
} from './documents.ts';
import { ediStore as store, type DocumentFilter, type EdiDocument, type EdiOrder, type Partner } from './store.ts';
import { readShippingOrder, type SegmentError, type ShippingOrder } from './x940.ts';
import { readTransferShipment, type TransferShipment } from './x943.ts';
import {
  parseInterchange, writeInterchange, writeTa1, type Delimiters, type EnvelopeParties, type Interchange, type InterchangeError, type IsaHeader,
} from './x12.ts';

export interface PartnerInput {
  readonly name: string;
  readonly isaQualifier: string;
  readonly isaId: string;
  readonly ourQualifier?: string | undefined;
  readonly ourId?: string | undefined;
  readonly siteId: string;
  readonly carrier?: string | undefined;
}

export interface SetOutcome {
  readonly type: string;
  readonly controlNumber: string;
  readonly status: 'ACCEPTED' | 'REJECTED';
  readonly depositorOrderNumber: string | null;
  readonly orderId: string | null;
  /** A 943's ASN in inventory (ADR 0040). */
  readonly asnId: string | null;
  readonly errors: readonly SegmentError[];
  /** Why the order intake refused an otherwise well-formed set (e.g. ORDER_CONFLICT), when it did. */
  readonly intakeError: string | null;
}

export interface ReceiveOutcome {
  readonly documentId: string;
  readonly interchangeControl: string;
  readonly status: 'ACCEPTED' | 'PARTLY_ACCEPTED' | 'REJECTED';
  readonly duplicate: boolean;
  readonly acknowledgement: { readonly documentId: string; readonly interchangeControl: string; readonly body: string };
  readonly transactionSets: readonly SetOutcome[];
}

/** The externalId an EDI order gets: the partner's ISA id and the 940's depositor order number (W05-02). */
export const ediExternalId = (partner: Pick<Partner, 'isaId'>, depositorOrderNumber: string): string => `EDI-${partner.isaId}-${depositorOrderNumber}`;

/** The delimiters of the interchanges PakLog writes (`*`, `>`, `~`). */
const OUTBOUND_DELIMITERS: Delimiters = { element: '*', component: '>', segment: '~' };

/** The orders context's refusals of a 940 whose answer is final a moment later: the interchange is refused whole, for a resend. */
const ANSWERED_IN_A_MOMENT: ReadonlySet<string> = new Set(['ORDER_SHIPPING']);

const parties = (p: Partner): EnvelopeParties => ({ senderQualifier: p.ourQualifier, senderId: p.ourId, receiverQualifier: p.isaQualifier, receiverId: p.isaId });

/**
 * EDI X12 with trading partners (ADR 0037): 940s in become orders through the order intake, each answered by a 997;
 * a shipped EDI order gets its 945 and 856. Every document, in and out, is kept as sent.
 */
export function ediService(
  deps: PlatformDeps,
  apis: {
    locations: Pick<LocationMasterApi, 'getSite'>; catalog: () => Pick<CatalogApi, 'getBySkus'> | undefined; orders: () => OrderCommands | undefined;
    inventory: () => Pick<InventoryCommands, 'createAsn'> | undefined;
  },
) {
  const now = (): Date => deps.clock.now();

  async function createPartner(input: PartnerInput): Promise<Outcome<Partner>> {
    const site = await resolveSiteId(apis.locations, input.siteId);
    if (!site.ok) return site;
    const isaId = input.isaId.trim();
    return deps.db.tx(async (tx) => {
      // A partner's orders are known by `EDI-<ISA id>-<order number>`: two partners of one ISA id under different
      // qualifiers would send one another's order ids (the second's orders refused, its cancels the first's).
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.edi-isa-id'))`);
      // …nor a connected shop labelled edi-<ISA id>… (its orders are EDI-<ISA id>-<id>): the lock it takes too.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.storefront-prefix'))`);
      const shop = await store.shopDomainUnder(tx, isaId);
      if (shop !== undefined) {
        return reject('EDI_PARTNER_ID_TAKEN', `the storefront channel of ${shop} names its orders ${shop.split('.')[0]?.toUpperCase() ?? ''}-…, as this partner's would be (EDI-${isaId}-…)`, [
          { field: '/isaId', message: 'names orders as a connected shop\'s' },
        ]);
      }
      const same = await store.partnersWithIsaId(tx, isaId);
      if (same.length > 0 && !same.some((q) => q === input.isaQualifier)) {
        return reject('EDI_PARTNER_ID_TAKEN', `a trading partner with ISA id ${same[0] ?? ''}/${isaId} exists: its orders are EDI-${isaId}-…, as this one's would be`, [
          { field: '/isaId', message: 'is another partner\'s (under another qualifier)' },
        ]);
      }
      const p = await store.insertPartner(tx, {
        id: deps.ids.next('edp'), name: input.name, isaQualifier: input.isaQualifier, isaId,
        ourQualifier: input.ourQualifier ?? 'ZZ', ourId: (input.ourId ?? 'PAKLOG').trim(), siteId: site.value, carrier: input.carrier ?? 'OWN_FLEET', now: now(),
      });
      return p === undefined
        ? reject('EDI_PARTNER_EXISTS', `a trading partner with ISA id ${input.isaQualifier}/${input.isaId} exists`, [{ field: '/isaId', message: 'has a partner already' }])
        : ok(p);
    });
  }

  /** Unknown SKUs of well-formed sets become AK3/AK4 errors on their W01 (AK4-03 7: invalid code value). */
  async function unknownSkus(lines: readonly { sku: string; position: number }[], segmentId = 'W01'): Promise<SegmentError[]> {
    const catalog = apis.catalog();
    if (catalog === undefined) return [];
    const known = await catalog.getBySkus([...new Set(lines.map((l) => l.sku))]);
    return lines.filter((l) => !known.has(l.sku)).map((l) => ({
      segmentId, position: l.position, code: 8, message: `${segmentId}05: no product with SKU ${l.sku}`,
      elements: [{ position: 5, code: 7, value: l.sku, message: `no product with SKU ${l.sku}` }],
    }));
  }

  /**
   * The answer to an interchange received before: its first 997 (or TA1) and what each of its sets became then, as the
   * first answer said (kept with the interchange; none for one received before they were kept, or rejected whole by a TA1).
   */
  async function answerOf(doc: EdiDocument & { setOutcomes: unknown[] | null }): Promise<ReceiveOutcome> {
    const ack = await store.replyOf(deps.db, doc.id);
    const status = doc.status === 'GENERATED' ? 'ACCEPTED' : doc.status;
    return {
      documentId: doc.id, interchangeControl: doc.interchangeControl, status, duplicate: true,
      acknowledgement: { documentId: ack?.id ?? '', interchangeControl: ack?.interchangeControl ?? '', body: ack?.body ?? '' },
      transactionSets: (doc.setOutcomes ?? []) as SetOutcome[],
    };
  }

  /**
   * An interchange from a partner: read, its envelopes checked, each 940 checked and — when it holds — received as an
   * order (idempotent on `EDI-<ISA06>-<W05-02>`), the 997 written. A set with any error makes no order. The same
   * interchange (ISA13) sent again is answered with the first 997 and makes nothing.
   */
  /**
   * An interchange from a trading partner. `mayActAt` is called with the partner's site once the sender is known, before
   * anything is read back or written: it throws to refuse a caller that may not act there (403 FORBIDDEN_AT_SITE).
   */
  async function receiveX12(raw: string, meta: EventMeta, mayActAt: (siteId: string) => void = () => {}): Promise<Outcome<ReceiveOutcome>> {
    const parsed = parseInterchange(raw);
    if (!parsed.ok) {
      const refused = parsed.header === undefined ? undefined : await rejectInterchange(raw, parsed.header, parsed.errors, meta, mayActAt);
      return refused ?? reject('EDI_INTERCHANGE_INVALID', parsed.errors.map((e) => e.message).join('; '), parsed.errors.map((e) => ({ field: '/', message: e.message })));
    }
    const x: Interchange = parsed.interchange;
    const partner = await store.partnerBySender(deps.db, x.senderQualifier, x.senderId);
    if (partner === undefined) {
      return reject('EDI_PARTNER_UNKNOWN', `no trading partner with ISA05/ISA06 ${x.senderQualifier}/${x.senderId}`, [{ field: '/ISA06', message: 'is not a trading partner (POST /edi/partners)' }]);
    }
    mayActAt(partner.siteId);
    // ONE transaction (joining the request's unit of work under an Idempotency-Key): the orders, ASNs, the interchange,
    // its 997 and their events commit together, so a crash or a refusal part-way leaves nothing (the partner's resend
    // does it once). The partner's interchanges are received one at a time: the same one sent again while the first is
    // in flight waits for it and is answered with its 997, and a W06-02 is looked up after any earlier 943 committed.
    const receive = async (): Promise<Outcome<ReceiveOutcome>> => {
      await deps.db.query(`SELECT pg_advisory_xact_lock(hashtext('integrations.edi-receive'), hashtext($1))`, [partner.id]);
      const seen = await store.received(deps.db, partner.id, x.controlNumber);
      if (seen !== undefined) return ok(await answerOf(seen));
      return receiveInterchange(x, raw, partner, meta);
    };
    if (deps.db.openTx() !== undefined) return receive();
    // A refusal (a context not running here) rolls back what the interchange made before it.
    const refused: { outcome?: Outcome<ReceiveOutcome> } = {};
    try {
      return await deps.db.unitOfWork(async () => {
        const r = await receive();
        if (r.ok) return r;
        refused.outcome = r;
        throw new Error('the interchange was refused');
      });
    } catch (e) {
      if (refused.outcome !== undefined) return refused.outcome;
      throw e;
    }
  }

  async function receiveInterchange(x: Interchange, raw: string, partner: Partner, meta: EventMeta): Promise<Outcome<ReceiveOutcome>> {
    const groupsOut: { functionalId: string; controlNumber: string; envelopeErrors: number[]; sets: SetAcknowledgement[] }[] = [];
    const outcomes: SetOutcome[] = [];
    const accepted: { order: ShippingOrder; orderId: string }[] = [];
    const transfers: { shipment: TransferShipment; asnId: string }[] = [];
    // The ASNs this interchange made, by W06-02: a second 943 of one number in it is answered with the first's ASN.
    const madeHere = new Map<string, { asnId: string; shipment: TransferShipment }>();
    for (const g of x.groups) {
      const groupErrors = [...g.envelopeErrors];
      // Group OW carries 940s, group AR 943s (ADR 0040); each set's ST01 must match its group.
      const setType = SET_OF_GROUP[g.functionalId];
      if (setType === undefined && !groupErrors.includes(1)) groupErrors.unshift(1);
      const acks: SetAcknowledgement[] = [];
      for (const set of g.sets) {
        const setErrors: number[] = [...set.envelopeErrors];
        let segmentErrors: SegmentError[] = [];
        let order: ShippingOrder | undefined;
        if (set.type !== (setType ?? '940')) setErrors.unshift(1);
        else if (!/^[0-9]{4,9}$/.test(set.controlNumber)) setErrors.push(7);
        if (set.type === '943' && setType === '943') {
          const done = await receiveTransferSet(set, setErrors, groupErrors.length === 0, partner, meta, madeHere);
          if (!done.ok) return done;
          if (done.value.asnId !== null && done.value.shipment !== undefined) transfers.push({ shipment: done.value.shipment, asnId: done.value.asnId });
          acks.push({ type: set.type, controlNumber: set.controlNumber, setErrors, segmentErrors: done.value.errors });
          outcomes.push({
            type: set.type, controlNumber: set.controlNumber, status: done.value.asnId === null ? 'REJECTED' : 'ACCEPTED',
            depositorOrderNumber: done.value.shipment?.depositorOrderNumber ?? depositorNumberOf(set.segments, 'W06'), orderId: null, asnId: done.value.asnId,
            errors: done.value.errors, intakeError: done.value.intakeError,
          });
          continue;
        }
        if (setErrors.length === 0) {
          const read = readShippingOrder(set);
          segmentErrors = read.errors;
          if (read.order !== undefined) {
            segmentErrors = await unknownSkus(read.order.lines);
            if (segmentErrors.length === 0) order = read.order;
          }
        }
        let orderId: string | null = null;
        let intakeError: string | null = null;
        if (order !== undefined && groupErrors.length === 0) {
          const orders = apis.orders();
          if (orders === undefined) return reject('ORDER_INTAKE_UNAVAILABLE', 'run the orders context in the process that runs integrations');
          const received = await applyShippingOrder(orders, partner, order, meta);
          // A refusal whose answer is final a moment later (a cancel while a SHIP scan of the order decides at the dock)
          // refuses the interchange, recording nothing: a 997 rejecting the set would be its answer for good (the same
          // ISA13 is answered with it again), and the partner's cancel lost whatever the scan then did.
          if (!received.ok && ANSWERED_IN_A_MOMENT.has(received.code)) return received;
          if (received.ok) {
            orderId = received.value.orderId;
            accepted.push({ order, orderId });
          } else {
            intakeError = intakeRefusal(received);
            // The 997 has no words for a business refusal: it names the W01 of a line the intake refused (its quantity or
            // SKU), else the order number (W05-02), as the element in error.
            segmentErrors = [refusedLine(order, received.errors ?? [], intakeError)
              ?? { segmentId: 'W05', position: 2, code: 8, message: intakeError, elements: [{ position: 2, code: 7, value: order.depositorOrderNumber, message: intakeError }] }];
          }
        }
        acks.push({ type: set.type, controlNumber: set.controlNumber, setErrors, segmentErrors });
        outcomes.push({
          type: set.type, controlNumber: set.controlNumber, status: orderId === null ? 'REJECTED' : 'ACCEPTED',
          depositorOrderNumber: order?.depositorOrderNumber ?? depositorNumberOf(set.segments, 'W05'), orderId, asnId: null, errors: segmentErrors, intakeError,
        });
      }
      groupsOut.push({ functionalId: g.functionalId, controlNumber: g.controlNumber, envelopeErrors: groupErrors, sets: acks });
    }

    const nAccepted = outcomes.filter((o) => o.status === 'ACCEPTED').length;
    const status = nAccepted === 0 ? 'REJECTED' : nAccepted === outcomes.length ? 'ACCEPTED' : 'PARTLY_ACCEPTED';
    return deps.db.tx(async (tx) => {
      const at = now();
      const inDoc = await store.insertDocument(tx, {
        id: deps.ids.next('edi'), partnerId: partner.id, direction: 'IN', docType: x.groups[0]?.sets[0]?.type ?? '940', interchangeControl: x.controlNumber,
        status, orderIds: accepted.map((a) => a.orderId),
        references: [...outcomes.flatMap((o) => (o.depositorOrderNumber === null ? [] : [o.depositorOrderNumber])), ...transfers.map((t) => t.asnId)],
        replyTo: null, body: raw, now: at, setOutcomes: outcomes,
      });
      // Two requests with one interchange raced: the first one's answer stands (the orders were idempotent on externalId).
      if (inDoc === undefined) {
        const first = await store.received(tx, partner.id, x.controlNumber);
        return first === undefined ? reject('CONFLICT', 'the interchange is being received by another request') : ok(await answerOf(first));
      }
      const control = await store.nextControlNumber(tx);
      const body = writeInterchange({
        parties: parties(partner), functionalId: 'FA', interchangeControl: control, groupControl: control, at, d: x.delimiters, usage: x.usage === 'T' ? 'T' : 'P',
        // ISA14 = 1: the envelope's own acknowledgement, accepted, rides ahead of the 997 group.
        ...(x.ackRequested ? { ta1: writeTa1(x, undefined, x.delimiters) } : {}),
        sets: groupsOut.map((g, i) => ({ type: '997', controlNumber: String(i + 1).padStart(4, '0'), body: functionalAck(g, g.sets, x.delimiters) })),
      });
      const ack = await store.insertDocument(tx, {
        id: deps.ids.next('edi'), partnerId: partner.id, direction: 'OUT', docType: '997', interchangeControl: String(control).padStart(9, '0'), status: 'GENERATED',
        orderIds: inDoc.orderIds, references: inDoc.references, replyTo: inDoc.id, body, now: at,
      });
      if (ack === undefined) throw new Error('a generated 997 could not be stored');
      for (const a of accepted) {
        // A change's new ship-to and lines (the order intake applied both) go on the 945 and 856; a cancellation leaves
        // the order as it was last received or changed.
        if (a.order.purpose === 'CHANGE') await store.changeOrder(tx, a.orderId, a.order.shipTo, a.order.lines);
        if (a.order.purpose !== 'ORIGINAL') continue;
        await store.insertOrder(tx, {
          orderId: a.orderId, partnerId: partner.id, documentId: inDoc.id, siteId: partner.siteId, depositorOrderNumber: a.order.depositorOrderNumber,
          purchaseOrderNumber: a.order.purchaseOrderNumber, shipTo: a.order.shipTo, lines: [...a.order.lines], now: at,
        });
      }
      for (const t of transfers) {
        await store.insertTransfer(tx, {
          asnId: t.asnId, partnerId: partner.id, documentId: inDoc.id, depositorOrderNumber: t.shipment.depositorOrderNumber, shipmentId: t.shipment.shipmentId,
          purchaseOrderNumber: t.shipment.purchaseOrderNumber, shipFrom: t.shipment.shipFrom, lines: [...t.shipment.lines], now: at,
        });
      }
      await announce(tx, [inDoc, ack], meta);
      return ok({
        documentId: inDoc.id, interchangeControl: x.controlNumber, status, duplicate: false,
        acknowledgement: { documentId: ack.id, interchangeControl: ack.interchangeControl, body }, transactionSets: outcomes,
      });
    });
  }

  /**
   * An interchange whose ISA could be read but whose envelope could not (IEA missing or not matching, segments outside
   * GS … GE): a partner we know gets a TA1 rejecting it (TA1-04 R, TA1-05 the note code), stored beside the interchange,
   * answered 200 REJECTED; nothing inside it is read. An unknown sender gets no TA1 (undefined: the caller answers 422).
   */
  async function rejectInterchange(raw: string, header: IsaHeader, errors: readonly InterchangeError[], meta: EventMeta, mayActAt: (siteId: string) => void): Promise<Outcome<ReceiveOutcome> | undefined> {
    const partner = await store.partnerBySender(deps.db, header.senderQualifier, header.senderId);
    const code = errors.find((e) => e.ta1Code !== undefined)?.ta1Code;
    if (partner === undefined || code === undefined || !/^\d{9}$/.test(header.controlNumber)) return undefined;
    mayActAt(partner.siteId);
    const seen = await store.received(deps.db, partner.id, header.controlNumber);
    if (seen !== undefined) return ok(await answerOf(seen));
    return deps.db.tx(async (tx) => {
      const at = now();
      const inDoc = await store.insertDocument(tx, {
        id: deps.ids.next('edi'), partnerId: partner.id, direction: 'IN', docType: /ST\W(\d{3})\W/.exec(raw)?.[1] ?? '940', interchangeControl: header.controlNumber,
        status: 'REJECTED', orderIds: [], references: [], replyTo: null, body: raw, now: at, setOutcomes: [],
      });
      if (inDoc === undefined) {
        const first = await store.received(tx, partner.id, header.controlNumber);
        return first === undefined ? reject('CONFLICT', 'the interchange is being received by another request') : ok(await answerOf(first));
      }
      const control = await store.nextControlNumber(tx);
      const body = writeInterchange({
        parties: parties(partner), functionalId: 'FA', interchangeControl: control, groupControl: control, at, d: header.delimiters,
        usage: header.usage === 'T' ? 'T' : 'P', sets: [], ta1: writeTa1(header, code, header.delimiters),
      });
      const ta1 = await store.insertDocument(tx, {
        id: deps.ids.next('edi'), partnerId: partner.id, direction: 'OUT', docType: 'TA1', interchangeControl: String(control).padStart(9, '0'), status: 'GENERATED',
        orderIds: [], references: [], replyTo: inDoc.id, body, now: at,
      });
      if (ta1 === undefined) throw new Error('a generated TA1 could not be stored');
      await announce(tx, [inDoc, ta1], meta);
      return ok({
        documentId: inDoc.id, interchangeControl: header.controlNumber, status: 'REJECTED' as const, duplicate: false,
        acknowledgement: { documentId: ta1.id, interchangeControl: ta1.interchangeControl, body }, transactionSets: [],
      });
    });
  }

  /**
   * A well-formed 940 applied by its purpose (W05-01, ADR 0040): an original through the order intake (idempotent on
   * externalId), a change through `OrderCommands.update` (the ship-to, before the wave), a cancellation through
   * `OrderCommands.cancel` (any stage before dispatch). Every refusal is the orders context's, reported on W05-02.
   */
  async function applyShippingOrder(orders: OrderCommands, partner: Partner, order: ShippingOrder, meta: EventMeta): Promise<Outcome<{ orderId: string }>> {
    const externalId = ediExternalId(partner, order.depositorOrderNumber);
    if (order.purpose === 'CANCEL') {
      const orderId = await orders.orderIdOf(externalId, partner.siteId);
      if (orderId === undefined) return reject('NOT_FOUND', `no order ${order.depositorOrderNumber} was received from this partner`);
      const cancelled = await orders.cancel(orderId, `EDI 940 cancel ${order.depositorOrderNumber}`, meta);
      return cancelled.ok ? ok({ orderId }) : cancelled;
    }
    const intake = { externalId, siteId: partner.siteId, carrier: order.carrier ?? partner.carrier, shipTo: order.shipTo, lines: mergeLines(order) };
    const done = order.purpose === 'CHANGE' ? await orders.update(intake, meta) : await orders.receive(intake, meta);
    return done.ok ? ok({ orderId: done.value.orderId }) : done;
  }

  /**
   * One 943 (ADR 0040): read under the rules of readTransferShipment, its SKUs checked, and — when it holds and its
   * group does — registered as an ASN through `InventoryCommands.createAsn` (supplier: the N1*SF name; reference: the
   * shipment id W06-04; expected: W06-03). A partner's depositor order number (W06-02) already linked to an ASN is
   * answered with that ASN when the 943 says the same (W06-04, PO, ship-from, lines): a 943 sent again in a new
   * interchange makes no second one. With other content it is rejected, TRANSFER_CONFLICT on W06-02, changing nothing
   * (as a 940 re-sent with other content is ORDER_CONFLICT): the ASN is not silently kept in place of what was sent.
   */
  async function receiveTransferSet(
    set: Interchange['groups'][number]['sets'][number], setErrors: readonly number[], groupFine: boolean, partner: Partner, meta: EventMeta,
    madeHere: Map<string, { asnId: string; shipment: TransferShipment }>,
  ): Promise<Outcome<{ shipment?: TransferShipment; asnId: string | null; errors: SegmentError[]; intakeError: string | null }>> {
    if (setErrors.length > 0) return ok({ asnId: null, errors: [], intakeError: null });
    const read = readTransferShipment(set);
    if (read.shipment === undefined) return ok({ asnId: null, errors: read.errors, intakeError: null });
    const unknown = await unknownSkus(read.shipment.lines, 'W04');
    if (unknown.length > 0 || !groupFine) return ok({ shipment: read.shipment, asnId: null, errors: unknown, intakeError: null });
    const shipment = read.shipment;
    const linked = madeHere.get(shipment.depositorOrderNumber) ?? await store.transferOf(deps.db, partner.id, shipment.depositorOrderNumber)
      .then((t) => (t === undefined ? undefined : { asnId: t.asnId, shipment: t }));
    if (linked !== undefined) {
      const differs = transferDifferences(linked.shipment, shipment);
      if (differs.length === 0) return ok({ shipment, asnId: linked.asnId, errors: [], intakeError: null });
      const intakeError = `TRANSFER_CONFLICT: W06-02 ${shipment.depositorOrderNumber} was received with other content (${differs.join(', ')}) as ASN ${linked.asnId}; `
        + 'send it with a new W06-02';
      return ok({
        asnId: null, intakeError,
        errors: [{ segmentId: 'W06', position: 2, code: 8, message: intakeError, elements: [{ position: 2, code: 7, value: shipment.depositorOrderNumber, message: intakeError }] }],
      });
    }
    const inventory = apis.inventory();
    if (inventory === undefined) return reject('INVENTORY_UNAVAILABLE', 'run the inventory context in the process that runs integrations');
    const made = await inventory.createAsn({
      siteId: partner.siteId, supplier: shipment.shipFrom, reference: shipment.shipmentId, ...(shipment.shippedOn === null ? {} : { expectedOn: shipment.shippedOn }),
      lines: shipment.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, ...(l.lot === null ? {} : { lot: l.lot }) })),
    }, meta);
    if (made.ok) {
      madeHere.set(shipment.depositorOrderNumber, { asnId: made.value.asnId, shipment });
      return ok({ shipment, asnId: made.value.asnId, errors: [], intakeError: null });
    }
    const intakeError = intakeRefusal(made);
    // A refusal naming a line (its quantity or SKU) names that W04's element, as a 940's names its W01 (`refusedLine`).
    const line = refusedW04(shipment, made.errors ?? [], intakeError);
    if (line !== undefined) return ok({ shipment, asnId: null, intakeError, errors: [line] });
    return ok({
      shipment, asnId: null, intakeError,
      errors: [{ segmentId: 'W06', position: 2, code: 8, message: intakeError, elements: [{ position: 2, code: 7, value: shipment.depositorOrderNumber, message: intakeError }] }],
    });
  }

  /**
   * An ASN closed: when it came from a 943, its 944 — received units per 943 line from the close's discrepancies (a line
   * with none was received as expected) — written once (the row is locked; `advised_at` marks it done).
   */
  async function asnClosed(tx: Tx, closed: AsnClosed, meta: EventMeta): Promise<void> {
    const t = await store.transfer(tx, closed.asnId, true);
    if (t === undefined || t.advisedAt !== null) return;
    const partner = await store.partner(tx, t.partnerId);
    if (partner === undefined) return;
    const at = now();
    const doc: ReceivedTransfer = {
      asnId: t.asnId, depositorOrderNumber: t.depositorOrderNumber, shipmentId: t.shipmentId, purchaseOrderNumber: t.purchaseOrderNumber, shipFrom: t.shipFrom, receivedAt: at,
      lines: t.lines.map((l, i) => {
        const found = closed.discrepancies.filter((x) => x.lineNo === i + 1);
        const first = found[0];
        return { sku: l.sku, qualifier: l.qualifier, upc: l.upc, lot: l.lot, expected: l.quantity, received: first?.received ?? l.quantity, damaged: first?.damaged ?? 0 };
      }),
    };
    const d = await writeOutbound(tx, partner, {
      type: '944', functionalId: 'RE', body: (dl) => warehouseReceiptAdvice(doc, dl), at,
      orderIds: [], references: [t.depositorOrderNumber, t.shipmentId, t.asnId, ...(t.purchaseOrderNumber === null ? [] : [t.purchaseOrderNumber])],
    });
    await store.transferAdvised(tx, t.asnId, at);
    if (d !== undefined) await announce(tx, [d], meta);
  }

  /**
   * One outbound interchange (a 944, 945 or 856: one transaction set) written to the partner, checked against the
   * segment rules (a document PakLog wrote that breaks them is a fault, not sent) and recorded GENERATED under the next
   * control number. The document recorded (undefined when such a row was there already: ON CONFLICT DO NOTHING).
   */
  async function writeOutbound(tx: Tx, partner: Partner, o: {
    type: '944' | '945' | '856'; functionalId: 'RE' | 'SW' | 'SH'; body: (d: Delimiters) => string[]; at: Date; orderIds: string[]; references: string[];
  }): Promise<EdiDocument | undefined> {
    const control = await store.nextControlNumber(tx);
    const text = writeInterchange({
      parties: parties(partner), functionalId: o.functionalId, interchangeControl: control, groupControl: control, at: o.at,
      sets: [{ type: o.type, controlNumber: '0001', body: o.body(OUTBOUND_DELIMITERS) }],
    });
    const problems = validateOutbound(text).problems;
    if (problems.length > 0) throw new Error(`generated ${o.type} breaks the segment rules: ${problems.join('; ')}`);
    return store.insertDocument(tx, {
      id: deps.ids.next('edi'), partnerId: partner.id, direction: 'OUT', docType: o.type, interchangeControl: String(control).padStart(9, '0'), status: 'GENERATED',
      orderIds: o.orderIds, references: o.references, replyTo: null, body: text, now: o.at,
    });
  }

  async function announce(tx: Tx, docs: readonly EdiDocument[], meta: EventMeta): Promise<void> {
    await deps.bus.append(tx, 'integrations', docs.map((d) => ({
      type: IntegrationsEvents.ediDocumentRecorded, subject: d.id,
      data: { documentId: d.id, partnerId: d.partnerId, direction: d.direction, docType: d.docType, status: d.status, orderIds: d.orderIds, references: d.references },
    })), meta);
  }

  async function packagePacked(tx: Tx, p: PackagePacked): Promise<void> {
    if ((await store.order(tx, p.orderId)) === undefined) return;
    await store.addPackage(tx, p.orderId, { packageId: p.packageId, weightG: p.weightG, lines: p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })) });
  }
  async function packageRepacked(tx: Tx, p: PackageRepacked): Promise<void> {
    if ((await store.order(tx, p.orderId)) !== undefined) await store.dropPackage(tx, p.orderId, p.packageId);
  }
  async function shipmentDispatched(tx: Tx, s: ShipmentDispatched): Promise<void> {
    if ((await store.order(tx, s.orderId)) === undefined) return;
    await store.addShipment(tx, s.orderId, { shipmentId: s.shipmentId, carrier: s.carrier, trackingNumber: s.trackingNumber });
  }

  /**
   * The ship-from name (N1*SF) of a site's documents: its name in integrations' projection of the sites, read in the
   * handler's transaction (issue 8: no handler calls location-master inside it). A site not heard of yet (an
   * installation that predates the projection and has not replayed it) is named by its id.
   */
  async function shipFromNameOf(tx: Tx, siteId: string): Promise<string> {
    return (await store.siteName(tx, siteId)) ?? siteId;
  }

  /** A site created or renamed in location-master: integrations' projection of the sites (`paklog replay integrations`). */
  async function learnSite(tx: Tx, site: { id: string; code: string; name: string }): Promise<void> {
    await store.learnSite(tx, site);
  }

  /** An EDI order shipped: its 945 and 856, written once (the row is locked; `advised_at` marks it done). */
  async function orderShipped(tx: Tx, shipped: OrderShipped, meta: EventMeta): Promise<void> {
    const o = await store.order(tx, shipped.orderId, true);
    if (o === undefined || o.advisedAt !== null) return;
    // An order ships on a dispatched shipment, announced on pack & ship's topic: a split deployment may hear this (orders'
    // topic) first. Written now, the 945 and 856 would name no shipment and fail or go out without it: wait for it.
    if (o.shipments.length === 0) throw new EventNotReady(`EDI order ${o.orderId} shipped, but its dispatched shipment has not been heard of yet`);
    const partner = await store.partner(tx, o.partnerId);
    if (partner === undefined) return;
    const shipFromName = await shipFromNameOf(tx, o.siteId);
    const at = now();
    const doc: ShippedOrder = {
      orderId: o.orderId, depositorOrderNumber: o.depositorOrderNumber, purchaseOrderNumber: o.purchaseOrderNumber, shipTo: o.shipTo,
      shipFromName, shippedAt: at, shipments: o.shipments, packages: o.packages, ...advisedLines(o, shipped),
    };
    const written: EdiDocument[] = [];
    for (const [type, functionalId, body] of [['945', 'SW', warehouseShippingAdvice], ['856', 'SH', shipNotice]] as const) {
      const d = await writeOutbound(tx, partner, {
        type, functionalId, body: (dl) => body(doc, dl), at,
        orderIds: [o.orderId], references: [o.depositorOrderNumber, ...(o.purchaseOrderNumber === null ? [] : [o.purchaseOrderNumber]), ...o.shipments.map((s) => s.shipmentId)],
      });
      if (d !== undefined) written.push(d);
    }
    await store.advised(tx, o.orderId, at);
    await announce(tx, written, meta);
  }

  /**
   * An EDI order cancelled whole (`POST /orders/{id}/cancel`, a 940 cancel, or every unit shorted): the depositor's 940
   * is answered by a 945 that ships nothing — each line ID (item deleted, its units cancelled) or, for an order cancelled
   * because every unit was shorted, CP with the units short (line cancels made before stay ID). No 856: nothing left.
   * Written once, as a shipped order's (`advised_at`).
   */
  async function orderCancelled(tx: Tx, cancelled: OrderCancelled, meta: EventMeta): Promise<void> {
    const o = await store.order(tx, cancelled.orderId, true);
    if (o === undefined || o.advisedAt !== null) return;
    const partner = await store.partner(tx, o.partnerId);
    if (partner === undefined) return;
    const shipFromName = await shipFromNameOf(tx, o.siteId);
    const at = now();
    // Units still ordered when cancelled, by SKU (ordered less what line cancels took before): what a SHORTED cancel
    // reports short; the rest were cancelled by line.
    const stillOrdered = new Map<string, number>();
    for (const l of cancelled.lines) stillOrdered.set(l.sku, (stillOrdered.get(l.sku) ?? 0) + l.quantity - (l.cancelled ?? 0));
    const ordered = new Map<string, number>();
    for (const l of o.lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
    const shorted = cancelled.reason === 'SHORTED';
    const lines: OrderShipped['lines'] = [...ordered].map(([sku, n]) => {
      const c = shorted ? Math.max(0, n - (stillOrdered.get(sku) ?? 0)) : n;
      return { lineId: sku, sku, ordered: n, shipped: 0, ...(c > 0 ? { cancelled: c } : {}) };
    });
    const doc: ShippedOrder = {
      orderId: o.orderId, depositorOrderNumber: o.depositorOrderNumber, purchaseOrderNumber: o.purchaseOrderNumber, shipTo: o.shipTo,
      shipFromName, shippedAt: at, shipments: [], packages: [],
      ...advisedLines(o, { orderId: o.orderId, siteId: o.siteId, partial: !shorted, lines }),
    };
    const d = await writeOutbound(tx, partner, {
      type: '945', functionalId: 'SW', body: (dl) => warehouseShippingAdvice(doc, dl), at,
      orderIds: [o.orderId], references: [o.depositorOrderNumber, ...(o.purchaseOrderNumber === null ? [] : [o.purchaseOrderNumber])],
    });
    await store.advised(tx, o.orderId, at);
    await announce(tx, d === undefined ? [] : [d], meta);
  }

  async function getDocument(id: string): Promise<Outcome<EdiDocument & { body: string }>> {
    const d = await store.document(deps.db, id);
    return d === undefined ? reject('NOT_FOUND', `no EDI document ${id}`) : ok(d);
  }

  return {
    createPartner, listPartners: (after: string | null, limit: number, siteId?: string) => store.partners(deps.db, after, limit, siteId),
    receiveX12, getDocument,
    listDocuments: (f: DocumentFilter, after: string | null, limit: number) => store.documents(deps.db, f, after, limit),
    /** The site of a trading partner (its documents are that site's); undefined when there is none. */
    siteOfPartner: async (partnerId: string): Promise<string | undefined> => (await store.partner(deps.db, partnerId))?.siteId,
    /** The id of the site a reference (id or code) names, or UNKNOWN_SITE naming `field`. */
    resolveSite: (ref: string, field: string) => resolveSiteId(apis.locations, ref, field),
    packagePacked, packageRepacked, shipmentDispatched, orderShipped, orderCancelled, asnClosed, learnSite,
    /** Which of these orders came by EDI: the order events of the others change nothing here. */
    ediOrderIds: (tx: Tx, orderIds: readonly string[]) => store.ediOrderIds(tx, orderIds),
  };
}

export type EdiService = ReturnType<typeof ediService>;

/**
 * The order intake's refusal in words, its field errors named (`UNPROCESSABLE: The order is not valid (/lines/0/quantity
 * must be an integer from 1 to 1000000)`): the code and message alone did not say which line or why.
 */
function intakeRefusal(refused: { readonly code: string; readonly message: string; readonly errors?: readonly { field: string; message: string }[] }): string {
  const fields = (refused.errors ?? []).filter((e) => !refused.message.includes(e.message)).map((e) => `${e.field} ${e.message}`);
  return `${refused.code}: ${refused.message}${fields.length === 0 ? '' : ` (${fields.join('; ')})`}`;
}

/**
 * The W01 of the first intake line the refusal names (`/lines/<i>/quantity` or `/sku`), as a 997 segment error on its
 * quantity (W01-01) or product id (W01-05): lines of a SKU are merged (`mergeLines`), so a line is its SKU's last W01,
 * where the sum went past what an order line takes. Undefined when no line is named.
 */
function refusedLine(order: ShippingOrder, errors: readonly { field: string }[], message: string): SegmentError | undefined {
  const merged = mergeLines(order);
  for (const e of errors) {
    const m = /^\/lines\/(\d+)\/(quantity|sku)$/.exec(e.field);
    const sku = m === null ? undefined : merged[Number(m[1])]?.sku;
    const w01 = order.lines.filter((l) => l.sku === sku).at(-1);
    if (m === null || w01 === undefined) continue;
    const [position, value] = m[2] === 'quantity' ? [1, String(w01.quantity)] : [5, w01.sku];
    return { segmentId: 'W01', position: w01.position, code: 8, message, elements: [{ position, code: 7, value, message }] };
  }
  return undefined;
}

/** The W04 of the first ASN line a refusal names (`/lines/<i>/quantity` or `/sku`): W04-01 or W04-05 (a 943's lines are the ASN's, in order). */
function refusedW04(shipment: TransferShipment, errors: readonly { field: string }[], message: string): SegmentError | undefined {
  for (const e of errors) {
    const m = /^\/lines\/(\d+)\/(quantity|sku)$/.exec(e.field);
    const w04 = m === null ? undefined : shipment.lines[Number(m[1])];
    if (m === null || w04 === undefined) continue;
    const [position, value] = m[2] === 'quantity' ? [1, String(w04.quantity)] : [5, w04.sku];
    return { segmentId: 'W04', position: w04.position, code: 8, message, elements: [{ position, code: 7, value, message }] };
  }
  return undefined;
}

/** One intake line per SKU (quantities of a SKU on several W01 lines added up, as the order intake takes them). */
function mergeLines(order: ShippingOrder): { sku: string; quantity: number }[] {
  const q = new Map<string, number>();
  for (const l of order.lines) q.set(l.sku, (q.get(l.sku) ?? 0) + l.quantity);
  return [...q].map(([sku, quantity]) => ({ sku, quantity }));
}

/**
 * The 940's lines with what shipped and what was cancelled: a SKU's shipped units fill its lines in 940 order, then its
 * cancelled units what is left of them. The shipment is partial only when units neither shipped nor cancelled remain
 * (the order's own `partial` counts cancelled units as missing: a cancel is not a short).
 */
function advisedLines(o: EdiOrder, shipped: OrderShipped): Pick<ShippedOrder, 'lines' | 'partial'> {
  const left = new Map<string, number>();
  const cancelledLeft = new Map<string, number>();
  for (const l of shipped.lines) {
    left.set(l.sku, (left.get(l.sku) ?? 0) + l.shipped);
    cancelledLeft.set(l.sku, (cancelledLeft.get(l.sku) ?? 0) + (l.cancelled ?? 0));
  }
  const lines = o.lines.map((l) => {
    const n = Math.min(l.quantity, left.get(l.sku) ?? 0);
    left.set(l.sku, (left.get(l.sku) ?? 0) - n);
    const c = Math.min(l.quantity - n, cancelledLeft.get(l.sku) ?? 0);
    cancelledLeft.set(l.sku, (cancelledLeft.get(l.sku) ?? 0) - c);
    return { lineNo: l.lineNo, sku: l.sku, qualifier: l.qualifier, upc: l.upc, ordered: l.quantity, shipped: n, cancelled: c };
  });
  return { lines, partial: lines.some((l) => l.shipped + l.cancelled < l.ordered) };
}

/** The transaction set each functional group carries: OW warehouse shipping orders, AR stock transfer shipment advice. */
const SET_OF_GROUP: Readonly<Record<string, string>> = { OW: '940', AR: '943' };

/** What PakLog keeps of a 943 (W06-04, W06-06, N1*SF, the lines' SKU, lot and units in W04 order) that differs between two of one W06-02. */
export function transferDifferences(
  kept: Pick<TransferShipment, 'shipmentId' | 'purchaseOrderNumber' | 'shipFrom' | 'lines'>, sent: Pick<TransferShipment, 'shipmentId' | 'purchaseOrderNumber' | 'shipFrom' | 'lines'>,
): string[] {
  const lines = (s: typeof kept): string => JSON.stringify(s.lines.map((l) => [l.sku, l.lot ?? null, l.quantity]));
  return [
    ...(kept.shipmentId === sent.shipmentId ? [] : ['W06-04 shipment id']),
    ...((kept.purchaseOrderNumber ?? null) === (sent.purchaseOrderNumber ?? null) ? [] : ['W06-06 purchase order']),
    ...(kept.shipFrom === sent.shipFrom ? [] : ['N1*SF ship-from']),
    ...(lines(kept) === lines(sent) ? [] : ['W04 lines']),
  ];
}

function depositorNumberOf(segments: readonly { id: string; elements: readonly string[] }[], header: 'W05' | 'W06'): string | null {
  const w05 = segments.find((s) => s.id === header);
  const n = w05?.elements[1]?.trim();
  return n === undefined || n === '' ? null : n;
}
