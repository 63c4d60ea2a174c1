import { Type } from '@fastify/type-provider-typebox';
import { TRACKING_STATUSES } from '../../../contracts/pack-ship.ts';
import { requestMeta } from '../../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../../platform/errors.ts';
import { authorizeSite, authorizeSiteOrAll, type Principal } from '../../../platform/http/auth.ts';
import { problems, type Tag } from '../../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../../platform/http/paging.ts';
import { CAN } from '../../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, Limit, Nullable, Page, SiteRef, TextOrEmpty } from '../../../platform/http/schemas.ts';
import type { HttpApp } from '../../../platform/http/server.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { PARTNER_MESSAGE_KINDS, PARTNER_MESSAGE_STATUSES, PARTNERS } from './port.ts';
import type { PortsService } from './service.ts';

const tags: Tag[] = ['Integrations'];
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** The documented examples (docs/integrations/erp.md): an item master and an ASN as the ERP sends them. */
export const EXAMPLE_ITEMS = {
  items: [
    { sku: 'ERP-MUG-1', description: 'Mug, blue', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350 },
    { sku: 'ERP-TEA-1', description: 'Chai tea 100 g', gtin: '5901234123457', lengthMm: 80, widthMm: 60, heightMm: 120, weightG: 110, lotControlled: true, expiryControlled: true },
  ],
};
export const EXAMPLE_ASNS = {
  asns: [{
    asnNumber: 'PO-4711-1', siteId: 'DEMO', supplier: 'Acme Ceramics', expectedOn: '2026-12-24',
    lines: [{ sku: 'MUG-CERAMIC', quantity: 48 }, { sku: 'TEA-GREEN-100', quantity: 24, lot: 'L2026-11', expiresOn: '2027-11-30' }],
  }],
};

const MessageSchema = Type.Object({
  id: Type.String(), partner: Enum(PARTNERS), kind: Enum(PARTNER_MESSAGE_KINDS),
  siteId: Nullable(Type.String({ description: 'The site the message is about (a shipment\'s, an adjustment\'s, a snapshot\'s); null: it names none' })),
  idempotencyKey: Type.String({ description: 'Stable across retries and replays: the partner deduplicates on it' }),
  subject: Type.String({ description: 'Messages of one partner and subject are sent in order' }),
  status: Enum(PARTNER_MESSAGE_STATUSES, { description: 'FAILED: PAKLOG_PARTNER_MAX_ATTEMPTS attempts failed; replay it' }),
  attempts: Type.Integer(), nextAttemptAt: Nullable(DateTime), lastError: Nullable(Type.String()),
  result: Nullable(Type.Object({}, { additionalProperties: true, description: 'What the partner answered (a TMS: the loadId)' })),
  createdAt: DateTime, deliveredAt: Nullable(DateTime),
});
const MessageDetailSchema = Type.Object({
  ...MessageSchema.properties,
  document: Type.Object({}, { additionalProperties: true, description: 'The JSON document sent' }),
  attemptLog: Type.Array(Type.Object({ attempt: Type.Integer(), at: DateTime, error: Nullable(Type.String()), durationMs: Type.Integer() })),
});
const RowErrorSchema = Type.Object({ row: Type.Integer({ description: 'CSV: the line (header = 1); JSON: the element (first = 1); 0: the whole document' }), field: Type.String(), message: Type.String() });
const InboundSchema = Type.Object({
  fileId: Type.String(), kind: Type.String(), accepted: Type.Boolean(), rows: Type.Integer(),
  summary: Type.Object({}, { additionalProperties: Type.Integer(), description: 'created, updated, unchanged' }), errors: Type.Array(RowErrorSchema),
});
const LoadSchema = Type.Object({
  shipmentId: Type.String(), orderId: Type.String(), siteId: Type.String(), carrier: Type.String(), trackingNumber: Type.String(),
  messageId: Type.String({ description: 'The LOAD_BOOKING message (GET /integrations/partner-messages/{id})' }),
  loadId: Nullable(Type.String({ description: "The TMS's load id; null until it answered the booking" })), status: Nullable(Type.String()),
  createdAt: DateTime, bookedAt: Nullable(DateTime),
});

type MessageView = { nextAttemptAt: Date; createdAt: Date; deliveredAt: Date | null; status: string };
const messageView = <M extends MessageView>(m: M) => ({
  ...m, nextAttemptAt: m.status === 'PENDING' ? m.nextAttemptAt.toISOString() : null, createdAt: m.createdAt.toISOString(), deliveredAt: iso(m.deliveredAt),
});
const loadView = <L extends { createdAt: Date; bookedAt: Date | null }>(l: L) => ({ ...l, createdAt: l.createdAt.toISOString(), bookedAt: iso(l.bookedAt) });
const MessageParams = Type.Object({ id: Identifier(100, { description: 'The id GET /integrations/partner-messages returns', examples: [EXAMPLES.ids.partnerMessage] }) }, { additionalProperties: false });

/** A message about a site is authorised there; one that names no site only for callers of every site. */
const authorizeMessage = (principal: Principal | undefined, siteId: string | null): void => {
  if (principal !== undefined) authorizeSiteOrAll(principal, siteId, CAN.integrations);
};

/** The ERP and TMS ports' routes (ADR 0039, docs/integrations/erp.md and tms.md). */
export function portsRoutes(deps: PlatformDeps, ports: PortsService): (app: HttpApp) => void {
  return (app) => {
    app.get('/integrations/partners', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getPartnerPorts', tags, summary: 'ERP and TMS ports: configured, and messages per status',
        description: 'Which adapters run (PAKLOG_ERP, PAKLOG_TMS) and, per partner and status, how many messages and the oldest one. '
          + 'PENDING with attempts and FAILED ones are listed by GET /integrations/partner-messages?status=…. `siteId` (id or code): the '
          + 'messages of one site (no such site is 422 UNKNOWN_SITE); a caller of some sites only names one of them (403 SITE_REQUIRED otherwise).',
        querystring: Type.Object({ siteId: Type.Optional(SiteRef) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            erp: Type.String(), tms: Type.String(),
            messages: Type.Array(Type.Object({ partner: Type.String(), status: Type.String(), count: Type.Integer(), oldest: Nullable(DateTime) })),
          }),
          ...problems('UNKNOWN_SITE', 'SITE_REQUIRED'),
        },
      },
    }, async (req) => ports.status(req.query.siteId === undefined ? undefined : unwrap(await ports.resolveSite(req.query.siteId, '/querystring/siteId'))));

    app.get('/integrations/partner-messages', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listPartnerMessages', tags, summary: 'The delivery log of messages to the ERP and TMS',
        description: 'In creation order with attempts, last error and next attempt; filtered by partner, kind, status, subject and site '
          + '(`siteId`, id or code: the messages about that site). A caller of some sites only names one of them (403 SITE_REQUIRED '
          + 'otherwise, FORBIDDEN_AT_SITE for another site); a message that names no site is listed only to callers of every site.',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef), partner: Type.Optional(Enum(PARTNERS)), kind: Type.Optional(Enum(PARTNER_MESSAGE_KINDS)), status: Type.Optional(Enum(PARTNER_MESSAGE_STATUSES)),
          subject: Type.Optional(Identifier(200)), limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(MessageSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      const site = q.siteId === undefined ? undefined : unwrap(await ports.resolveSite(q.siteId, '/querystring/siteId'));
      const rows = await ports.listMessages({ partner: q.partner, kind: q.kind, status: q.status, subject: q.subject, siteId: site }, unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('pms'))), q.limit);
      return { items: rows.map(messageView), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    });

    app.get('/integrations/partner-messages/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getPartnerMessage', tags, summary: 'One message with its document and every attempt',
        description: '404 NOT_FOUND; 403 FORBIDDEN_AT_SITE for a message about a site the caller may not act at (or, to a caller of some '
          + 'sites only, one that names no site).', params: MessageParams, response: { 200: MessageDetailSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      const m = unwrap(await ports.getMessage(req.params.id));
      authorizeMessage(req.principal, m.siteId);
      return { ...messageView(m), attemptLog: m.attemptLog.map((a) => ({ ...a, at: a.at.toISOString() })) };
    });

    app.post('/integrations/partner-messages/:id/replay', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'replayPartnerMessage', tags, summary: 'Send a message again',
        description: 'PENDING and due now, a DELIVERED or FAILED one too, with the same idempotency key (the partner deduplicates on it). '
          + 'It still waits for older messages of its partner and subject. 404 NOT_FOUND; 403 FORBIDDEN_AT_SITE for a message about a site '
          + 'the caller may not act at (nothing is sent again).',
        params: MessageParams, response: { 200: MessageSchema, ...problems('NOT_FOUND') },
      },
    }, async (req, reply) => {
      // A message id names no site the site guard could read: the message's own site decides, before anything is queued.
      const m = await ports.getMessage(req.params.id);
      if (m.ok) authorizeMessage(req.principal, m.value.siteId);
      return deps.idempotency.run(req, reply, 200, async () => messageView(unwrap(await ports.replay(req.params.id))));
    });

    app.post('/integrations/erp/snapshots', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'sendInventorySnapshot', tags, summary: 'Send the ERP an inventory snapshot of a site now',
        description: 'Every balance of the site with units on hand or reserved, as one INVENTORY_SNAPSHOT message (scheduled ones: '
          + 'PAKLOG_ERP_SNAPSHOT_SITES every PAKLOG_ERP_SNAPSHOT_EVERY_MS). 409 PARTNER_PORT_OFF without an ERP, 422 UNKNOWN_SITE.',
        body: Type.Object({ siteId: SiteRef }, { additionalProperties: false, examples: [{ siteId: 'DEMO' }] }),
        response: { 201: Type.Object({ ...MessageSchema.properties, lines: Type.Integer({ description: 'Balances in the snapshot' }) }), ...problems('PARTNER_PORT_OFF', 'UNKNOWN_SITE', 'SNAPSHOT_UNAVAILABLE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => messageView(unwrap(await ports.snapshot(req.body.siteId)))));

    app.post('/integrations/erp/inbound/:kind', {
      // An item master is the network's (every site's catalog); ASNs are checked at their sites.
      config: { roles: CAN.integrations, idempotent: true, network: (req) => (req.params as { kind?: string }).kind === 'items' },
      schema: {
        operationId: 'receiveErpDocument', tags, summary: 'Receive an item master or ASNs from the ERP (JSON or CSV)',
        description: 'The same documents the file-drop inbox takes: `{"items": […]}` (upserted by SKU, the product import\'s rules) or '
          + '`{"asns": […]}` (created once per site and asnNumber), as application/json, or the CSV form as text/csv. Checked whole: any row in '
          + 'error and nothing is written (422 ERP_INBOUND_INVALID, each row in `errors`). Sending a document again is safe. 409 PARTNER_PORT_OFF '
          + 'unless PAKLOG_ERP is set. A caller of some sites only sends ASNs of its sites: one of another site is 403 FORBIDDEN_AT_SITE, nothing written; '
          + 'an item master is every site\'s, so such a caller may not send one (403 FORBIDDEN). '
          + 'See docs/integrations/erp.md.',
        consumes: ['application/json', 'text/csv'],
        params: Type.Object({ kind: Enum(['items', 'asns'] as const, { examples: ['items'] }) }, { additionalProperties: false }),
        body: Type.Union([Type.Object({}, { additionalProperties: true }), Type.String({ minLength: 1, maxLength: 50_000_000 })], { examples: [EXAMPLE_ITEMS] }),
        response: { 200: InboundSchema, ...problems('ERP_INBOUND_INVALID', 'PARTNER_PORT_OFF') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
      const csv = typeof req.body === 'string';
      const text = csv ? req.body as string : (req as unknown as { rawBody?: string }).rawBody ?? JSON.stringify(req.body);
      const name = `${req.params.kind}.${csv ? 'csv' : 'json'} (POST)`;
      if (ports.erp === undefined) throw new AppError('PARTNER_PORT_OFF', 'no ERP is configured (PAKLOG_ERP, docs/integrations/erp.md)');
      // ASNs name their sites inside the document, where the site guard does not look: each is checked before anything is written.
      const mayActAt = (siteId: string): void => { if (req.principal !== undefined) authorizeSite(req.principal, siteId, CAN.integrations); };
      const r = await ports.receive(name, req.params.kind, csv ? 'csv' : 'json', text, requestMeta(req), { logRejected: false, mayActAt });
      if (!r.accepted || r.fileId === null) {
        throw new AppError('ERP_INBOUND_INVALID', `${r.errors.length} error(s) in the ${r.kind} document; nothing was imported`, {
          errors: r.errors.map((e) => ({ field: e.field.startsWith('/') ? e.field : `/rows/${e.row}/${e.field}`, message: e.message })),
        });
      }
      return { ...r, fileId: r.fileId, errors: [...r.errors] };
    }));

    app.get('/integrations/erp/inbound-files', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listErpInboundFiles', tags, summary: 'Inbound ERP documents and what became of them',
        description: 'Every file picked up from the inbox (and every POST /integrations/erp/inbound): PROCESSED or REJECTED with its row-level errors. '
          + '`siteId` (id or code): the ASN documents that named that site (`siteIds`); a caller of some sites only names one of them (403 '
          + 'SITE_REQUIRED), and so never lists item masters, which are about no site.',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef), status: Type.Optional(Enum(['PROCESSED', 'REJECTED'] as const)), limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: {
          200: Page(Type.Object({
            id: Type.String(), name: Type.String(), kind: Type.String(), status: Type.String(), rows: Type.Integer(),
            summary: Type.Object({}, { additionalProperties: Type.Integer() }), errors: Type.Array(RowErrorSchema),
            siteIds: Type.Array(Type.String(), { description: 'The sites its ASNs named; none for an item master' }), receivedAt: DateTime,
          })),
          ...problems('UNKNOWN_SITE'),
        },
      },
    }, async (req) => {
      const site = req.query.siteId === undefined ? undefined : unwrap(await ports.resolveSite(req.query.siteId, '/querystring/siteId'));
      const rows = await ports.listFiles({ status: req.query.status, siteId: site }, unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.idOf('erf'))), req.query.limit);
      return { items: rows.map((f) => ({ ...f, receivedAt: f.receivedAt.toISOString() })), nextCursor: nextCursor(rows, req.query.limit, (r) => r.id) };
    });

    app.get('/integrations/tms/loads', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listTmsLoads', tags, summary: 'Shipments handed to the TMS',
        description: '`booked=false`: the ones the TMS has not answered yet (their LOAD_BOOKING message says why). `siteId` (id or code): '
          + 'the loads of one site; a caller of some sites only names one of them (403 SITE_REQUIRED otherwise).',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef), booked: Type.Optional(Type.Boolean()), limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(LoadSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const site = req.query.siteId === undefined ? {} : { siteId: unwrap(await ports.resolveSite(req.query.siteId, '/querystring/siteId')) };
      const rows = await ports.listLoads({ booked: req.query.booked, ...site }, unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.idOf('shp'))), req.query.limit);
      return { items: rows.map(loadView), nextCursor: nextCursor(rows, req.query.limit, (r) => r.shipmentId) };
    });

    app.get('/integrations/tms/loads/:shipmentId', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getTmsLoad', tags, summary: 'A shipment\'s TMS load with the tracking events the TMS reported',
        description: '404 NOT_FOUND; 403 FORBIDDEN_AT_SITE for a load of a site the caller may not act at.',
        params: Type.Object({ shipmentId: Identifier(100, { examples: ['shp_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c'] }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({ ...LoadSchema.properties, tracking: Type.Array(Type.Object({ status: Type.String(), at: DateTime, detail: Nullable(Type.String()), receivedAt: DateTime })) }),
          ...problems('NOT_FOUND'),
        },
      },
    }, async (req) => {
      const l = unwrap(await ports.getLoad(req.params.shipmentId));
      // The site guard knows a shipment's site only where pack & ship runs too; the load itself knows it everywhere.
      if (req.principal !== undefined) authorizeSite(req.principal, l.siteId, CAN.integrations);
      return { ...loadView(l), tracking: l.tracking.map((t) => ({ status: t.status, at: t.at.toISOString(), detail: t.detail, receivedAt: t.receivedAt.toISOString() })) };
    });

    app.post('/integrations/tms/tracking', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'receiveTmsTracking', tags, summary: 'A tracking event from the TMS',
        description: 'For a load PakLog booked (by `loadId`, or PakLog\'s `shipmentId`): stored once and recorded on the shipment — IN_TRANSIT, '
          + 'DELIVERED or EXCEPTION moves it forward (pack-ship.shipment.tracked.v1); a repeated or late event changes nothing (`duplicate`). '
          + '422 TRACKING_EVENT_IN_FUTURE or TRACKING_EVENT_BEFORE_DISPATCH for an `at` more than 5 minutes after PakLog\'s clock or before the dispatch (nothing recorded). '
          + '404 NOT_FOUND for a load PakLog did not book, 409 PARTNER_PORT_OFF without a TMS; 403 FORBIDDEN_AT_SITE for a load of a site '
          + 'the caller may not act at (nothing recorded).',
        body: Type.Object({
          loadId: Type.Optional(Identifier(100)), shipmentId: Type.Optional(Identifier(100)),
          status: Enum(TRACKING_STATUSES), at: DateTime, detail: Type.Optional(TextOrEmpty(500)),
        }, { additionalProperties: false, examples: [{ loadId: 'LD-100234', status: 'DELIVERED', at: EXAMPLES.ids.carrierEventAt, detail: 'Signed: A. Lovelace' }] }),
        response: {
          200: Type.Object({ shipmentId: Type.String(), loadId: Nullable(Type.String()), shipmentStatus: Type.String(), duplicate: Type.Boolean() }),
          ...problems('NOT_FOUND', 'PARTNER_PORT_OFF', 'ILLEGAL_TRANSITION', 'TRACKING_UNAVAILABLE'),
        },
      },
    }, async (req, reply) => {
      // A load id names no site the site guard could read: the load's own site decides.
      const site = await ports.siteOfLoad({ loadId: req.body.loadId, shipmentId: req.body.shipmentId });
      if (site !== undefined && req.principal !== undefined) authorizeSite(req.principal, site, CAN.integrations);
      return deps.idempotency.run(req, reply, 200, async () => unwrap(await ports.tracking(req.body, requestMeta(req))));
    });
  };
}
