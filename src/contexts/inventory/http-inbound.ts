import { Type } from '@fastify/type-provider-typebox';
import { ASN_STATUSES, DISCREPANCY_KINDS, PUTAWAY_STATUSES, STOCK_STATUSES } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf, ownerScopeOf } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey } from '../../platform/http/paging.ts';
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, List, Nullable, Page, SiteRef, Sku, Text, WorkerId } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { MAX_ASN_LINES, RECEIPT_STATUSES } from './domain/inbound.ts';
import { inboundQueries } from './inbound-queries.ts';
import type { InboundService } from './inbound-service.ts';
import { OwnerFilter, OwnerRef, ownerFilterOf, ownerOfRequest } from './http-owners.ts';

const tags: Tag[] = ['Inbound'];
const NullableString = Nullable(Type.String());
const Lot = Identifier(64);
const LocationCode = Identifier(100);
const IsoDate = Type.String({ format: 'date' });

const DiscrepancySchema = Type.Object({
  lineNo: Type.Integer(), sku: Type.String(), lot: NullableString, kind: Enum(DISCREPANCY_KINDS),
  expected: Type.Integer(), received: Type.Integer(), damaged: Type.Integer(),
  quantity: Type.Integer({ description: 'OVER: received − expected; UNDER: expected − received; DAMAGED: the damaged units' }),
});
const AsnSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), supplier: Type.String(), reference: NullableString, expectedOn: Nullable(IsoDate),
  status: Enum(ASN_STATUSES), reason: NullableString, createdAt: DateTime, closedAt: Nullable(DateTime),
  lines: List(Type.Object({
    lineNo: Type.Integer(), sku: Type.String(), lot: NullableString, expiresOn: Nullable(IsoDate), serials: List(Type.String()),
    expectedLpn: Nullable(Type.String({ description: 'The LPN or SSCC the supplier\'s label carries' })),
    expected: Type.Integer(), received: Type.Integer({ description: 'Units received against the line, damaged ones included' }),
    damaged: Type.Integer(), open: Type.Integer({ description: 'Units still expected' }),
  })),
  discrepancies: List(DiscrepancySchema, { description: 'Recorded when the ASN was closed: over, under and damaged units per line' }),
}, { description: 'An advance shipping notice: what a supplier announced, what the dock received against it' });
const PutawaySchema = Type.Object({
  id: Type.String(), siteId: Type.String(), asnId: NullableString, lineNo: Nullable(Type.Integer()), receiptMovementId: Type.String(),
  sku: Type.String(), lot: NullableString, stockStatus: Enum(STOCK_STATUSES), quantity: Type.Integer(),
  putAway: Type.Integer({ description: 'Units put away so far' }), open: Type.Integer({ description: 'Units still at the receiving location' }),
  status: Enum(PUTAWAY_STATUSES),
  fromLocationId: Type.String({ description: 'The receiving location the units wait at' }),
  suggestedLocationId: Nullable(Type.String({ description: 'What the putaway strategy suggests (null: no location fits); the scan decides' })),
  confirmedLocationId: NullableString, confirmedBy: NullableString, confirmedAt: Nullable(DateTime), createdAt: DateTime,
  confirmations: List(Type.Object({
    movementId: Type.String({ description: 'The PUTAWAY movement out of the receiving location' }), locationId: Type.String(), quantity: Type.Integer(),
    confirmedBy: NullableString, confirmedAt: DateTime, scanId: NullableString,
  })),
}, { description: 'A putaway request: received units waiting at the receiving location until put away by scan' });
const BalanceSchema = Type.Object({
  siteId: Type.String(), ownerId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: NullableString, status: Type.String(),
  onHand: Type.Integer(), reserved: Type.Integer(), available: Type.Integer(), expiresOn: Nullable(IsoDate), firstReceivedAt: DateTime,
});
const ReceiptResultSchema = Type.Object({
  movementId: Type.String({ description: 'The RECEIPT movement' }), siteId: Type.String(), sku: Type.String(), lot: NullableString,
  status: Type.String({ description: 'AVAILABLE, DAMAGED or QUARANTINE' }), quantity: Type.Integer(), locationId: Type.String(),
  asnId: NullableString, lineNo: Nullable(Type.Integer()), balance: BalanceSchema, putaway: PutawaySchema,
}, { description: 'The receipt, the balance it left at the receiving location, and the putaway request it made' });

/** The codes every receipt may answer (one `problems()` call per route: its statuses are merged there, not by spreading). */
const RECEIPT_CODES = ['VALIDATION_FAILED', 'SERIAL_IN_STOCK', 'UNKNOWN_SKU', 'PRODUCT_INACTIVE', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE', 'NOT_A_RECEIVING_LOCATION',
  'NO_RECEIVING_LOCATION'] as const;

const scanFields = {
  sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  lot: Type.Optional(Lot), expiresOn: Type.Optional(IsoDate),
  status: Type.Optional(Type.Union(RECEIPT_STATUSES.map((s) => Type.Literal(s)), {
    description: 'AVAILABLE (default); DAMAGED units go to the DAMAGED balance and count as damaged on the ASN line; QUARANTINE holds good units at once',
  })),
  locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
  serials: Type.Optional(Type.Array(Identifier(100), { maxItems: 10_000, description: 'A serial-controlled product (ADR 0058): exactly one distinct serial per unit '
    + '(400 VALIDATION_FAILED naming /serials otherwise; none for any other product), registered IN_STOCK with the receipt; a serial of the SKU already '
    + 'in stock or picked at the site is 409 SERIAL_IN_STOCK. Against an ASN line that lists serials, each must be among them (422 NOT_ON_ASN on /serials/<i>)' })),
};

/** Inbound: ASNs, receipts against them or blind, putaways confirmed by scan (docs/operations/inbound.md). */
export async function inboundRoutes(app: HttpApp, deps: PlatformDeps, service: InboundService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const ownerOf = ownerOfRequest(deps);
  const ownerFilter = ownerFilterOf(deps);
  const queries = inboundQueries(deps.db);
  const asnParams = Type.Object({ id: IdParam('asn', 'POST /inventory/asns') }, { additionalProperties: false });
  const putawayParams = Type.Object({ id: IdParam('putaway', 'POST /inventory/asns/{id}/receipts (putaway.id)') }, { additionalProperties: false });

  app.post('/inventory/asns', {
    config: { roles: CAN.intake, idempotent: true, owners: true },
    schema: {
      operationId: 'createAsn', tags, summary: 'Register an advance shipping notice (an expected receipt from a supplier)',
      description: 'Lines of known SKUs with quantities; lot, expiry, serial numbers (one per unit) and the expected LPN/SSCC are optional; '
        + 'a lot for a product that is not lot-controlled is refused (422 UNPROCESSABLE, field /lines/{i}/lot); an expected LPN another open ASN of the site '
        + 'still expects (none of its pallets of that label scanned in) is refused (409 LPN_ALREADY_EXPECTED, field /lines/{i}/expectedLpn, naming nothing of that ASN). '
        + 'The ASN starts OPEN; the dock receives against it (POST /inventory/asns/{id}/receipts). The example announces 24 units of the product '
        + 'the POST /products example creates.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, supplier: Text(200),
        reference: Type.Optional(Identifier(100, { description: 'The supplier\'s document number' })),
        expectedOn: Type.Optional(IsoDate),
        lines: Type.Array(Type.Object({
          sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), lot: Type.Optional(Lot), expiresOn: Type.Optional(IsoDate),
          serials: Type.Optional(Type.Array(Identifier(100), { maxItems: 10_000 })),
          expectedLpn: Type.Optional(Identifier(100, {
            description: 'The label: an internal code, or an SSCC-18 (18 digits, optionally behind (00)) with a valid GS1 check digit (400 VALIDATION_FAILED otherwise)' })),
        }, { additionalProperties: false }), { minItems: 1, maxItems: MAX_ASN_LINES }),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, supplier: 'Stoneware Ltd', reference: 'DN-2026-0042', expectedOn: '2026-12-02',
        lines: [{ sku: EXAMPLES.newSku, quantity: 24 }] }] }),
      response: { 201: AsnSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'PRODUCT_INACTIVE', 'UNPROCESSABLE', 'LPN_ALREADY_EXPECTED') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.createAsn({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.get('/inventory/asns', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listAsns', tags, summary: 'ASNs of a site, oldest first',
      description: 'Filter by status and owner (a key scoped to an owner lists its own ASNs only); paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, status: Type.Optional(Type.Union(ASN_STATUSES.map((s) => Type.Literal(s)))), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(AsnSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => {
    const q = req.query;
    return queries.asns({
      siteId: await siteId(q.siteId, '/querystring/siteId'), ownerId: await ownerFilter(req, q.owner), status: q.status, limit: q.limit,
      after: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('asn'))),
    });
  });

  app.get('/inventory/asns/:id', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getAsn', tags, summary: 'One ASN: expected, received and damaged units per line, and its discrepancies',
      description: 'An ASN by id (404 NOT_FOUND when there is none, or when it is another owner\'s and the key is scoped to an owner).', params: asnParams,
      response: { 200: AsnSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const a = await queries.asn(req.params.id);
    const scope = ownerScopeOf(req);
    if (a === undefined || (scope !== null && a.ownerId !== scope)) throw new AppError('NOT_FOUND', `No ASN ${req.params.id}`);
    return a;
  });

  app.post('/inventory/asns/:id/cancel', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'cancelAsn', tags, summary: 'Cancel an ASN that never arrived',
      description: 'Only an OPEN ASN (nothing received against it, none of its LPNs scanned in at the dock by a RECEIVE_LPN scan) is cancelled; '
        + 'one goods arrived against is closed instead (409 ILLEGAL_TRANSITION).',
      params: asnParams,
      body: Type.Object({ reason: Type.Optional(Text(200)) }, { additionalProperties: false, examples: [{ reason: 'Supplier cancelled the delivery' }] }),
      response: { 200: AsnSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await service.cancelAsn({ asnId: req.params.id, reason: req.body.reason }, requestMeta(req)))));

  app.post('/inventory/asns/:id/close', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'closeAsn', tags, summary: 'Close receiving against an ASN, recording its discrepancies',
      description: 'An OPEN or RECEIVING ASN becomes CLOSED: nothing more is received against it, and every line\'s over, under and damaged units '
        + 'are recorded as discrepancies (in the answer, on GET, and in `inventory.asn.closed`). 409 ILLEGAL_TRANSITION when already closed or cancelled, '
        + 'and when an LPN of it was scanned in at the dock (RECEIVE_LPN) with none of its units booked, unless `acceptUnbooked`.',
      params: asnParams,
      body: Type.Object({
        acceptUnbooked: Type.Optional(Type.Boolean({ description: 'Close although an LPN of the ASN scanned in at the dock has none of its units booked '
          + '(it holds nothing of the ASN, or is not there): its units stay off the books, PHYSICAL_ONLY in GET /physical-tracking/reconciliation' })),
      }, { additionalProperties: false, examples: [{}] }),
      response: { 200: AsnSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.closeAsn({ asnId: req.params.id, acceptUnbooked: req.body.acceptUnbooked }, requestMeta(req)))));

  app.post('/inventory/asns/:id/receipts', {
    config: { roles: CAN.receive, idempotent: true },
    schema: {
      operationId: 'receiveAgainstAsn', tags, summary: 'Receive a scan of units against an ASN at a receiving location',
      description: 'The scan (SKU, quantity, lot and expiry as the product requires) is received against the line named by `lineNo`, else spread over the '
        + 'ASN lines of that SKU and lot in line order (first fill line 1, then line 2 …); the response\'s `lineNo` is the first line it filled. '
        + 'The units land at the receiving location named, or the site\'s first ACTIVE RECEIVING location, where they are on hand but not promised; '
        + 'a putaway request is made with a suggested target and tasks queues a PUTAWAY task. More than the line (or those lines between them) still expects is 409 '
        + 'OVER_RECEIPT unless `acceptOver`; a SKU or lot the ASN does not expect is 422 NOT_ON_ASN (receive it blind); a CLOSED or CANCELLED ASN is 409 '
        + 'ILLEGAL_TRANSITION. The example receives 20 of the 24 units the POST /inventory/asns example announced.',
      params: asnParams,
      body: Type.Object({
        ...scanFields,
        lineNo: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ASN_LINES, description: `The ASN's line (1 to ${MAX_ASN_LINES}, the most lines an ASN has)` })),
        acceptOver: Type.Optional(Type.Boolean({ description: 'Take more than the line still expects (recorded as OVER at close)' })),
      }, { additionalProperties: false, examples: [{ sku: EXAMPLES.newSku, quantity: 20, locationCode: EXAMPLES.receivingDock }] }),
      response: { 201: ReceiptResultSchema, ...problems(...RECEIPT_CODES, 'NOT_FOUND', 'ILLEGAL_TRANSITION', 'NOT_ON_ASN', 'OVER_RECEIPT') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.receiveInbound({ ...req.body, asnId: req.params.id }, requestMeta(req)))));

  app.post('/inventory/inbound-receipts', {
    config: { roles: CAN.receive, idempotent: true },
    schema: {
      operationId: 'receiveBlind', tags, summary: 'Receive units with no ASN (blind receipt) at a receiving location',
      description: 'As a receipt against an ASN, without the ASN checks: the units land at the receiving location and a putaway request is made. '
        + 'The example receives 4 units of the demo\'s product at the demo\'s receiving dock.',
      body: Type.Object({ siteId: SiteRef, ownerId: OwnerRef, ...scanFields }, {
        additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.sku, quantity: 4, locationCode: EXAMPLES.receivingDock }],
      }),
      response: { 201: ReceiptResultSchema, ...problems(...RECEIPT_CODES, 'UNKNOWN_SITE', 'UNKNOWN_OWNER') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.receiveInbound({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.get('/inventory/putaways', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listPutaways', tags, summary: 'Putaway requests of a site, oldest first',
      description: 'Filter by status (OPEN: units still at the receiving location) and ASN; paged by `limit` and `cursor`. A PUTAWAY task\'s reference names one.',
      querystring: Type.Object({
        siteId: SiteRef, status: Type.Optional(Type.Union(PUTAWAY_STATUSES.map((s) => Type.Literal(s)))),
        asnId: Type.Optional(IdParam('asn', 'POST /inventory/asns')), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(PutawaySchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    return queries.putaways({ siteId: await siteId(q.siteId, '/querystring/siteId'), status: q.status, asnId: q.asnId, limit: q.limit,
      after: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('put'))) });
  });

  app.get('/inventory/putaways/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getPutaway', tags, summary: 'One putaway request, with its confirms', description: 'A putaway by id (404 NOT_FOUND when there is none).',
      params: putawayParams, response: { 200: PutawaySchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const p = await queries.putaway(req.params.id);
    if (p === undefined) throw new AppError('NOT_FOUND', `No putaway ${req.params.id}`);
    return p;
  });

  app.post('/inventory/putaways/:id/confirm', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'confirmPutaway', tags, summary: 'Confirm by scan that received units were put away, at the location scanned',
      description: 'Give exactly one of locationId and locationCode: the location scanned, which may differ from the suggested one. The units move '
        + 'from the receiving location to it (PUTAWAY movements, `inventory.stock.moved`): into a pickable location they join ATP and backorders are '
        + 'retried. Good units go to storage, pick faces or reserve, damaged and quarantined ones to a QUARANTINE location (422 PUTAWAY_TARGET_NOT_ALLOWED). '
        + '`quantity` defaults to every unit still open. Refused, with nothing changed: an unknown location or another site\'s (422 UNKNOWN_LOCATION), a '
        + 'BLOCKED or INACTIVE one (409 LOCATION_NOT_ACTIVE), a location under count (409 LOCATION_UNDER_COUNT), the receiving location itself or a tote (422 UNPROCESSABLE), more than is open (422 '
        + 'QUANTITY_EXCEEDS_OPEN), units no longer at the receiving location (409 INSUFFICIENT_STOCK), quarantined units a customer return (RMA) received '
        + 'there awaits inspection for (409 HELD_BY_INSPECTION naming the RMA: they stay for it), a COMPLETED putaway (409 ILLEGAL_TRANSITION). '
        + 'A retry must not count twice: send an Idempotency-Key, or a scanId. The example puts the received units away at the demo pick face.',
      params: putawayParams,
      body: Type.Object({
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        workerId: Type.Optional(WorkerId('Who put the units away (a signed-in person: themselves)')),
        scanId: Type.Optional(Identifier(100, { description: 'The handheld\'s id for this scan: a retry with the same scanId and content counts once; other content is 422 SCAN_ID_REUSED' })),
      }, { additionalProperties: false, examples: [{ locationCode: EXAMPLES.pickFace }] }),
      response: {
        200: { ...PutawaySchema, description: 'The putaway after the confirm' },
        ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE', 'LOCATION_UNDER_COUNT',
          'ILLEGAL_TRANSITION', 'QUANTITY_EXCEEDS_OPEN', 'INSUFFICIENT_STOCK', 'SCAN_ID_REUSED', 'PUTAWAY_TARGET_NOT_ALLOWED', 'ACTING_AS_ANOTHER_WORKER',
          'HELD_BY_INSPECTION'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
    const worker = req.body.workerId ?? actingWorkerOf(req);
    return unwrap(await service.confirmPutaway({ ...req.body, workerId: worker, putawayId: req.params.id }, requestMeta(req)));
  }));

  app.post('/inventory/putaways/:id/cancel', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'cancelPutaway', tags, summary: 'Withdraw a putaway nobody will finish (OPEN → CANCELLED); nothing moves',
      description: 'The way out of a putaway whose units left the receiving location another way (moved, adjusted), or that a dock lead '
        + 'will move by hand: only an OPEN putaway is cancelled (409 ILLEGAL_TRANSITION otherwise). Nothing moves: the units it still covered '
        + 'stay where they are (at the receiving location they are not promised until moved to a pickable one, `POST /inventory/moves`). '
        + 'Its PUTAWAY task is withdrawn (CANCELLED, whoever holds it); `inventory.stock.putaway-cancelled` says so. A reason is required.',
      params: putawayParams,
      body: Type.Object({ reason: Text(200) }, { additionalProperties: false, examples: [{ reason: 'Pallet moved to the quarantine cage by hand' }] }),
      response: { 200: { ...PutawaySchema, description: 'The putaway, CANCELLED' }, ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'ILLEGAL_TRANSITION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await service.cancelPutaway({ putawayId: req.params.id, reason: req.body.reason }, requestMeta(req)))));
}
