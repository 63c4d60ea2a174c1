import { Type } from '@fastify/type-provider-typebox';
import { EDI_DIRECTIONS, EDI_DOCUMENT_STATUSES, EDI_DOCUMENT_TYPES } from '../../../contracts/integrations.ts';
import { requestMeta } from '../../../platform/bus/envelope.ts';
import { unwrap } from '../../../platform/errors.ts';
import { utf8BodyText } from '../../../platform/http/validation.ts';
import { authorizeSite } from '../../../platform/http/auth.ts';
import { problems, type Tag } from '../../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../../platform/http/paging.ts';
import { CAN } from '../../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, Nullable, Page, SiteRef, Text } from '../../../platform/http/schemas.ts';
import type { HttpApp } from '../../../platform/http/server.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import type { EdiService } from './service.ts';

const tags: Tag[] = ['Integrations'];

/** A 940 from partner ZZ/ACMEFOODS for one unit of the demo site's example product (docs/integrations/edi-x12.md). */
export const EXAMPLE_940 = [
  'ISA*00*          *00*          *ZZ*ACMEFOODS      *ZZ*PAKLOG         *261201*0900*U*00401*000000101*0*P*>~',
  'GS*OW*ACMEFOODS*PAKLOG*20261201*0900*101*X*004010~',
  'ST*940*0001~',
  'W05*N*ACME-PO-1001*PO-778899~',
  'N1*ST*Ada Lovelace~',
  'N3*12 Analytical Row*Floor 2~',
  'N4*Springfield*IL*62701*US~',
  'LX*1~',
  `W01*1*EA**SK*${EXAMPLES.sku}~`,
  'W76*1~',
  'SE*9*0001~',
  'GE*1*101~',
  'IEA*1*000000101~',
].join('\n');

const PartnerSchema = Type.Object({
  id: Type.String(), name: Type.String(), isaQualifier: Type.String(), isaId: Type.String(), ourQualifier: Type.String(), ourId: Type.String(),
  siteId: Type.String(), carrier: Type.String(), createdAt: DateTime,
});
const DocumentSchema = Type.Object({
  id: Type.String(), partnerId: Type.String(), direction: Enum(EDI_DIRECTIONS), docType: Type.String({ description: 'X12 transaction set: 940, 943, 997, 945, 856, 944' }),
  interchangeControl: Type.String({ description: 'ISA13' }), status: Enum(EDI_DOCUMENT_STATUSES), orderIds: Type.Array(Type.String()),
  references: Type.Array(Type.String({ description: "The partner's order numbers (W05-02, W05-03), PakLog's shipment ids" })),
  replyTo: Nullable(Type.String({ description: 'For a 997: the interchange it acknowledges' })), createdAt: DateTime,
});
const ElementErrorSchema = Type.Object({ position: Type.Integer(), code: Type.Integer({ description: 'AK4-03' }), value: Type.String(), message: Type.String() });
const SegmentErrorSchema = Type.Object({
  segmentId: Type.String(), position: Type.Integer({ description: 'AK3-02: position in the transaction set (ST = 1)' }),
  code: Type.Integer({ description: 'AK3-04' }), message: Type.String(), elements: Type.Array(ElementErrorSchema),
});
const ReceiveSchema = Type.Object({
  documentId: Type.String(), interchangeControl: Type.String(), status: Enum(['ACCEPTED', 'PARTLY_ACCEPTED', 'REJECTED'] as const),
  duplicate: Type.Boolean({ description: 'True: this interchange (ISA13) was received before; its first 997 and what each set became then (transactionSets) are answered again and nothing is made' }),
  acknowledgement: Type.Object({ documentId: Type.String(), interchangeControl: Type.String(), body: Type.String({ description: 'The 997 interchange' }) }),
  transactionSets: Type.Array(Type.Object({
    type: Type.String(), controlNumber: Type.String(), status: Enum(['ACCEPTED', 'REJECTED'] as const),
    depositorOrderNumber: Nullable(Type.String()), orderId: Nullable(Type.String()),
    asnId: Nullable(Type.String({ description: "A 943's ASN in inventory (GET /inventory/asns/{id})" })), errors: Type.Array(SegmentErrorSchema), intakeError: Nullable(Type.String()),
  })),
});

type Dated = { createdAt: Date };
const view = <T extends Dated>(x: T) => ({ ...x, createdAt: x.createdAt.toISOString() });

/** EDI X12 routes (ADR 0037). */
export function ediRoutes(deps: PlatformDeps, edi: EdiService): (app: HttpApp) => void {
  return (app) => {
    // X12's own media type (RFC 1767, IANA application/edi-x12) is read as text/plain is: UTF-8, no other charset.
    app.addContentTypeParser('application/edi-x12', { parseAs: 'buffer' }, (req, body, done) => {
      try {
        done(null, utf8BodyText(req.headers['content-type'], body));
      } catch (e) {
        done(e as Error, undefined);
      }
    });
    app.post('/edi/partners', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'createEdiPartner', tags, summary: 'Register an EDI trading partner',
        description: 'Interchanges whose ISA05/ISA06 name this partner are received into the site; PakLog sends as ourQualifier/ourId (default ZZ/PAKLOG). '
          + '409 EDI_PARTNER_EXISTS, 409 EDI_PARTNER_ID_TAKEN (the ISA id is another partner\'s under another qualifier: its order ids, '
          + '`EDI-<ISA id>-<order number>`, would be this partner\'s; or a connected shop labelled `edi-<ISA id>…` names its orders alike), 422 UNKNOWN_SITE. See docs/integrations/edi-x12.md.',
        body: Type.Object({
          name: Text(100),
          isaQualifier: Type.String({ pattern: '^[0-9A-Z]{2}$', description: 'ISA05 of their interchanges (ZZ, 01, 12…)' }),
          isaId: Type.String({ minLength: 1, maxLength: 15, pattern: '^[A-Za-z0-9 ._-]+$', description: 'ISA06 of their interchanges' }),
          ourQualifier: Type.Optional(Type.String({ pattern: '^[0-9A-Z]{2}$' })),
          ourId: Type.Optional(Type.String({ minLength: 1, maxLength: 15, pattern: '^[A-Za-z0-9 ._-]+$' })),
          siteId: Identifier(64, { description: 'Site id or code' }),
          carrier: Type.Optional(Identifier(64, { description: 'When the 940 names none (W66); default OWN_FLEET' })),
        }, { additionalProperties: false, examples: [{ name: 'Acme Foods', isaQualifier: 'ZZ', isaId: 'ACMEFOODS', siteId: EXAMPLES.site }] }),
        response: { 201: PartnerSchema, ...problems('EDI_PARTNER_EXISTS', 'EDI_PARTNER_ID_TAKEN', 'UNKNOWN_SITE') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => view(unwrap(await edi.createPartner(req.body)))));

    app.get('/edi/partners', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listEdiPartners', tags, summary: 'EDI trading partners',
        description: 'In creation order, paged by `limit` and `cursor`; `siteId` (id or code): the partners of one site, which a caller of some '
          + 'sites only names (403 SITE_REQUIRED otherwise, FORBIDDEN_AT_SITE for another site).',
        querystring: Type.Object({ siteId: Type.Optional(SiteRef), limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
        response: { 200: Page(PartnerSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const site = req.query.siteId === undefined ? undefined : unwrap(await edi.resolveSite(req.query.siteId, '/querystring/siteId'));
      const rows = await edi.listPartners(unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.idOf('edp'))), req.query.limit, site);
      return { items: rows.map(view), nextCursor: nextCursor(rows, req.query.limit, (r) => r.id) };
    });

    app.post('/edi/x12', {
      config: { roles: CAN.integrations, idempotent: true },
      schema: {
        operationId: 'receiveEdiInterchange', tags, summary: 'Receive an X12 interchange (940 warehouse shipping orders, 943 stock transfer shipment advice)',
        description: 'The body is the interchange as text (text/plain, or application/edi-x12; UTF-8; delimiters from its ISA). Each 940 is checked (envelopes ISA/GS/ST…SE/GE/IEA, '
          + 'W05, the N1*ST loop, LX/W01 lines, known SKUs) and, when it holds, received as the order `EDI-<ISA06>-<W05-02>`; a set in error makes no order. '
          + 'A 943 (group AR) is checked (W06, N1*SF, W04 lines, known SKUs) and becomes an ASN (one per W06-02); closing it writes the 944. '
          + 'The answer (200) carries the 997 (AK1/AK2/AK3/AK4/AK5/AK9) and what became of each set. The same ISA13 again is answered with the first 997 and the first account of its sets (duplicate: true). '
          + '422 EDI_INTERCHANGE_INVALID (no envelope to acknowledge), EDI_PARTNER_UNKNOWN; 503 INVENTORY_UNAVAILABLE; 409 ORDER_SHIPPING when a 940 cancel names an order '
          + 'a SHIP scan is deciding at the dock (nothing of the interchange is received or answered: send it again in a moment); 403 FORBIDDEN_AT_SITE when the '
          + 'partner (ISA05/ISA06) is registered at a site the caller may not act at (nothing is received, no answer of an earlier one is given).',
        consumes: ['text/plain', 'application/edi-x12'],
        body: Type.String({ minLength: 106, maxLength: 5_000_000, examples: [EXAMPLE_940] }),
        response: { 200: ReceiveSchema, ...problems('EDI_INTERCHANGE_INVALID', 'EDI_PARTNER_UNKNOWN', 'ORDER_INTAKE_UNAVAILABLE', 'INVENTORY_UNAVAILABLE', 'ORDER_SHIPPING', 'CONFLICT') },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
      // The interchange names its partner, not a site: the partner's site decides, before anything is written.
      const mayActAt = (site: string): void => { if (req.principal !== undefined) authorizeSite(req.principal, site, CAN.integrations); };
      const r = unwrap(await edi.receiveX12(req.body, requestMeta(req), mayActAt));
      return { ...r, transactionSets: r.transactionSets.map((t) => ({ ...t, errors: t.errors.map((e) => ({ ...e, elements: [...e.elements] })) })) };
    }));

    app.get('/edi/documents', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'listEdiDocuments', tags, summary: 'EDI documents received and generated',
        description: 'Filtered by partner, type (940, 997, 945, 856), direction, PakLog order id or reference (the 940\'s W05-02/W05-03, a shipment id) '
          + 'or site (`siteId`, id or code: the documents of its partners); in creation order. GET /edi/documents/{id} has the text. A caller of some '
          + 'sites only names one of them (403 SITE_REQUIRED otherwise, FORBIDDEN_AT_SITE for another site).',
        querystring: Type.Object({
          siteId: Type.Optional(SiteRef), partnerId: Type.Optional(Identifier(64)), docType: Type.Optional(Enum(EDI_DOCUMENT_TYPES)),
          direction: Type.Optional(Enum(EDI_DIRECTIONS)), orderId: Type.Optional(Identifier(64)),
          reference: Type.Optional(Identifier(64)), limit: Limit(500, 100), cursor: Cursor,
        }, { additionalProperties: false }),
        response: { 200: Page(DocumentSchema), ...problems('UNKNOWN_SITE') },
      },
    }, async (req) => {
      const q = req.query;
      const site = q.siteId === undefined ? undefined : unwrap(await edi.resolveSite(q.siteId, '/querystring/siteId'));
      const rows = await edi.listDocuments({
        partnerId: q.partnerId, docType: q.docType, direction: q.direction, orderId: q.orderId, reference: q.reference, siteId: site,
      }, unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('edi'))), q.limit);
      return { items: rows.map(view), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    });

    app.get('/edi/documents/:id', {
      config: { roles: CAN.integrations },
      schema: {
        operationId: 'getEdiDocument', tags, summary: 'One EDI document with its text',
        description: 'The interchange as received or sent (`body`). 404 NOT_FOUND; 403 FORBIDDEN_AT_SITE for a document of a partner of a site '
          + 'the caller may not act at.',
        params: Type.Object({ id: IdParam('ediDocument', 'GET /edi/documents (items[].id)') }, { additionalProperties: false }),
        response: { 200: Type.Object({ ...DocumentSchema.properties, body: Type.String() }), ...problems('NOT_FOUND') },
      },
    }, async (req) => {
      const d = unwrap(await edi.getDocument(req.params.id));
      // A document id names no site: its partner's site decides.
      const site = await edi.siteOfPartner(d.partnerId);
      if (site !== undefined && req.principal !== undefined) authorizeSite(req.principal, site, CAN.integrations);
      return view(d);
    });
  };
}
