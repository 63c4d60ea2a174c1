import type { Executor } from '../../../platform/db/database.ts';
import type { ShipTo } from '../../../contracts/orders.ts';
import type { ShippingOrderLine } from './x940.ts';
import type { TransferLine } from './x943.ts';

export type EdiDirection = 'IN' | 'OUT';
export type EdiDocumentStatus = 'ACCEPTED' | 'PARTLY_ACCEPTED' | 'REJECTED' | 'GENERATED';

export interface Partner {
  id: string;
  name: string;
  isaQualifier: string;
  isaId: string;
  ourQualifier: string;
  ourId: string;
  siteId: string;
  carrier: string;
  createdAt: Date;
}

export interface EdiDocument {
  id: string;
  partnerId: string;
  direction: EdiDirection;
  docType: string;
  interchangeControl: string;
  status: EdiDocumentStatus;
  orderIds: string[];
  references: string[];
  replyTo: string | null;
  createdAt: Date;
}

export interface DocumentFilter {
  readonly partnerId?: string | undefined;
  readonly docType?: string | undefined;
  readonly direction?: EdiDirection | undefined;
  readonly orderId?: string | undefined;
  readonly reference?: string | undefined;
  readonly siteId?: string | undefined;
}

export interface EdiOrder {
  orderId: string;
  partnerId: string;
  siteId: string;
  depositorOrderNumber: string;
  purchaseOrderNumber: string | null;
  shipTo: ShipTo;
  lines: ShippingOrderLine[];
  shipments: { shipmentId: string; carrier: string; trackingNumber: string }[];
  packages: { packageId: string; weightG: number; lines: { sku: string; quantity: number }[] }[];
  advisedAt: Date | null;
}

const PARTNER = `id, name, isa_qualifier AS "isaQualifier", isa_id AS "isaId", our_qualifier AS "ourQualifier", our_id AS "ourId",
  site_id AS "siteId", carrier, created_at AS "createdAt"`;
const DOC = `id, partner_id AS "partnerId", direction, doc_type AS "docType", interchange_control AS "interchangeControl", status,
  order_ids AS "orderIds", references_ AS "references", reply_to AS "replyTo", created_at AS "createdAt"`;
const ORDER = `order_id AS "orderId", partner_id AS "partnerId", site_id AS "siteId", depositor_order_number AS "depositorOrderNumber",
  purchase_order_number AS "purchaseOrderNumber", ship_to AS "shipTo", lines, shipments, packages, advised_at AS "advisedAt"`;

/** A 943 that became an ASN (ADR 0040): what its 944 echoes. */
export interface EdiTransfer {
  asnId: string;
  partnerId: string;
  depositorOrderNumber: string;
  shipmentId: string;
  purchaseOrderNumber: string | null;
  shipFrom: string;
  lines: TransferLine[];
  advisedAt: Date | null;
}
const TRANSFER = `asn_id AS "asnId", partner_id AS "partnerId", depositor_order_number AS "depositorOrderNumber", shipment_id AS "shipmentId",
  purchase_order_number AS "purchaseOrderNumber", ship_from AS "shipFrom", lines, advised_at AS "advisedAt"`;

/** SQL of the EDI tables (integrations schema). */
export const ediStore = {
  /** The ISA qualifiers of the partners with this ISA id. */
  async partnersWithIsaId(db: Executor, isaId: string): Promise<string[]> {
    return (await db.query<{ q: string }>(`SELECT isa_qualifier AS q FROM integrations.edi_partners WHERE isa_id = $1 ORDER BY id`, [isaId])).map((r) => r.q);
  },
  /** A connected shop whose order ids (`<FIRST LABEL>-<id>`) may be this ISA id's (`EDI-<ISA id>-<number>`), if any. */
  async shopDomainUnder(db: Executor, isaId: string): Promise<string | undefined> {
    return (await db.query<{ shopDomain: string }>(
      `SELECT shop_domain AS "shopDomain" FROM integrations.storefront_channels
       WHERE starts_with(upper(split_part(shop_domain, '.', 1)) || '-', 'EDI-' || $1 || '-') ORDER BY id LIMIT 1`, [isaId]))[0]?.shopDomain;
  },
  async insertPartner(db: Executor, p: Omit<Partner, 'createdAt'> & { now: Date }): Promise<Partner | undefined> {
    return (await db.query<Partner>(
      `INSERT INTO integrations.edi_partners (id, name, isa_qualifier, isa_id, our_qualifier, our_id, site_id, carrier, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (isa_qualifier, isa_id) DO NOTHING RETURNING ${PARTNER}`,
      [p.id, p.name, p.isaQualifier, p.isaId, p.ourQualifier, p.ourId, p.siteId, p.carrier, p.now]))[0];
  },
  async partners(db: Executor, after: string | null, limit: number, siteId?: string): Promise<Partner[]> {
    return db.query<Partner>(
      `SELECT ${PARTNER} FROM integrations.edi_partners WHERE ($1::text IS NULL OR id > $1) AND ($3::text IS NULL OR site_id = $3) ORDER BY id LIMIT $2`,
      [after, limit, siteId ?? null]);
  },
  async partnerBySender(db: Executor, qualifier: string, id: string): Promise<Partner | undefined> {
    return (await db.query<Partner>(`SELECT ${PARTNER} FROM integrations.edi_partners WHERE isa_qualifier = $1 AND isa_id = $2`, [qualifier, id]))[0];
  },
  async partner(db: Executor, id: string): Promise<Partner | undefined> {
    return (await db.query<Partner>(`SELECT ${PARTNER} FROM integrations.edi_partners WHERE id = $1`, [id]))[0];
  },
  /** A site as location-master announced it last (site.created, site.updated): integrations' own projection. */
  async learnSite(db: Executor, site: { id: string; code: string; name: string }): Promise<void> {
    await db.query(
      'INSERT INTO integrations.sites (id, code, name) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name',
      [site.id, site.code, site.name],
    );
  },
  /** The name of a site, from the projection (undefined: not heard of). */
  async siteName(db: Executor, id: string): Promise<string | undefined> {
    return (await db.query<{ name: string }>('SELECT name FROM integrations.sites WHERE id = $1', [id]))[0]?.name;
  },
  async nextControlNumber(db: Executor): Promise<number> {
    const rows = await db.query<{ n: string }>(`SELECT nextval('integrations.edi_control_numbers')::text AS n`);
    return Number(rows[0]?.n);
  },
  /**
   * Inserts a document; undefined when the partner's interchange was received already (IN only). `setOutcomes`: what
   * each transaction set of a received interchange became, answered again to its resend.
   */
  async insertDocument(db: Executor, d: Omit<EdiDocument, 'createdAt'> & { body: string; now: Date; setOutcomes?: readonly unknown[] }): Promise<EdiDocument | undefined> {
    return (await db.query<EdiDocument>(
      `INSERT INTO integrations.edi_documents (id, partner_id, direction, doc_type, interchange_control, status, order_ids, references_, reply_to, body, created_at, set_outcomes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING ${DOC}`,
      [d.id, d.partnerId, d.direction, d.docType, d.interchangeControl, d.status, d.orderIds, d.references, d.replyTo, d.body, d.now,
        d.setOutcomes === undefined ? null : JSON.stringify(d.setOutcomes)]))[0];
  },
  async received(db: Executor, partnerId: string, control: string): Promise<(EdiDocument & { setOutcomes: unknown[] | null }) | undefined> {
    return (await db.query<EdiDocument & { setOutcomes: unknown[] | null }>(
      `SELECT ${DOC}, set_outcomes AS "setOutcomes" FROM integrations.edi_documents WHERE partner_id = $1 AND interchange_control = $2 AND direction = 'IN'`,
      [partnerId, control]))[0];
  },
  async replyOf(db: Executor, documentId: string): Promise<(EdiDocument & { body: string }) | undefined> {
    return (await db.query<EdiDocument & { body: string }>(`SELECT ${DOC}, body FROM integrations.edi_documents WHERE reply_to = $1 ORDER BY id LIMIT 1`, [documentId]))[0];
  },
  async document(db: Executor, id: string): Promise<(EdiDocument & { body: string }) | undefined> {
    return (await db.query<EdiDocument & { body: string }>(`SELECT ${DOC}, body FROM integrations.edi_documents WHERE id = $1`, [id]))[0];
  },
  /** `siteId`: the documents of the partners of that site (a document is its partner's site's, ADR 0037 addendum). */
  async documents(db: Executor, f: DocumentFilter, after: string | null, limit: number): Promise<EdiDocument[]> {
    return db.query<EdiDocument>(
      `SELECT ${DOC} FROM integrations.edi_documents
       WHERE ($1::text IS NULL OR partner_id = $1) AND ($2::text IS NULL OR doc_type = $2) AND ($3::text IS NULL OR direction = $3)
         AND ($4::text IS NULL OR order_ids @> ARRAY[$4]) AND ($5::text IS NULL OR references_ @> ARRAY[$5]) AND ($6::text IS NULL OR id > $6)
         AND ($8::text IS NULL OR partner_id IN (SELECT p.id FROM integrations.edi_partners p WHERE p.site_id = $8))
       ORDER BY id LIMIT $7`,
      [f.partnerId ?? null, f.docType ?? null, f.direction ?? null, f.orderId ?? null, f.reference ?? null, after, limit, f.siteId ?? null]);
  },
  async insertOrder(db: Executor, o: Omit<EdiOrder, 'shipments' | 'packages' | 'advisedAt'> & { documentId: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO integrations.edi_orders (order_id, partner_id, document_id, site_id, depositor_order_number, purchase_order_number, ship_to, lines, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (order_id) DO NOTHING`,
      [o.orderId, o.partnerId, o.documentId, o.siteId, o.depositorOrderNumber, o.purchaseOrderNumber, JSON.stringify(o.shipTo), JSON.stringify(o.lines), o.now]);
  },
  /** A 940 change applied to the order: its ship-to and lines are what the 945 and 856 report from now on. */
  async changeOrder(db: Executor, orderId: string, shipTo: EdiOrder['shipTo'], lines: readonly ShippingOrderLine[]): Promise<void> {
    await db.query(`UPDATE integrations.edi_orders SET ship_to = $2, lines = $3 WHERE order_id = $1`, [orderId, JSON.stringify(shipTo), JSON.stringify(lines)]);
  },
  /** Which of `orderIds` came by EDI (have an EDI order row). */
  async ediOrderIds(db: Executor, orderIds: readonly string[]): Promise<Set<string>> {
    const rows = await db.query<{ order_id: string }>(`SELECT order_id FROM integrations.edi_orders WHERE order_id = ANY($1::text[])`, [orderIds]);
    return new Set(rows.map((r) => r.order_id));
  },
  async order(db: Executor, orderId: string, lock = false): Promise<EdiOrder | undefined> {
    return (await db.query<EdiOrder>(`SELECT ${ORDER} FROM integrations.edi_orders WHERE order_id = $1${lock ? ' FOR UPDATE' : ''}`, [orderId]))[0];
  },
  async addPackage(db: Executor, orderId: string, p: EdiOrder['packages'][number]): Promise<void> {
    await db.query(
      `UPDATE integrations.edi_orders SET packages = (SELECT coalesce(jsonb_agg(x), '[]') FROM jsonb_array_elements(packages) x WHERE x->>'packageId' <> $2) || jsonb_build_array($3::jsonb)
       WHERE order_id = $1`, [orderId, p.packageId, JSON.stringify(p)]);
  },
  async dropPackage(db: Executor, orderId: string, packageId: string): Promise<void> {
    await db.query(
      `UPDATE integrations.edi_orders SET packages = (SELECT coalesce(jsonb_agg(x), '[]') FROM jsonb_array_elements(packages) x WHERE x->>'packageId' <> $2) WHERE order_id = $1`,
      [orderId, packageId]);
  },
  async addShipment(db: Executor, orderId: string, s: EdiOrder['shipments'][number]): Promise<void> {
    await db.query(
      `UPDATE integrations.edi_orders SET shipments = shipments || jsonb_build_array($2::jsonb)
       WHERE order_id = $1 AND NOT shipments @> jsonb_build_array(jsonb_build_object('shipmentId', $3::text))`, [orderId, JSON.stringify(s), s.shipmentId]);
  },
  async transferOf(db: Executor, partnerId: string, depositorOrderNumber: string): Promise<EdiTransfer | undefined> {
    return (await db.query<EdiTransfer>(`SELECT ${TRANSFER} FROM integrations.edi_transfers WHERE partner_id = $1 AND depositor_order_number = $2`, [partnerId, depositorOrderNumber]))[0];
  },
  async transfer(db: Executor, asnId: string, lock = false): Promise<EdiTransfer | undefined> {
    return (await db.query<EdiTransfer>(`SELECT ${TRANSFER} FROM integrations.edi_transfers WHERE asn_id = $1${lock ? ' FOR UPDATE' : ''}`, [asnId]))[0];
  },
  async insertTransfer(db: Executor, t: Omit<EdiTransfer, 'advisedAt'> & { documentId: string; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO integrations.edi_transfers (asn_id, partner_id, document_id, depositor_order_number, shipment_id, purchase_order_number, ship_from, lines, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [t.asnId, t.partnerId, t.documentId, t.depositorOrderNumber, t.shipmentId, t.purchaseOrderNumber, t.shipFrom, JSON.stringify(t.lines), t.now]);
  },
  async transferAdvised(db: Executor, asnId: string, now: Date): Promise<void> {
    await db.query(`UPDATE integrations.edi_transfers SET advised_at = $2 WHERE asn_id = $1`, [asnId, now]);
  },
  async advised(db: Executor, orderId: string, now: Date): Promise<void> {
    await db.query(`UPDATE integrations.edi_orders SET advised_at = $2 WHERE order_id = $1`, [orderId, now]);
  },
};
