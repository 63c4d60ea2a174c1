import { CURSOR_SHAPES, cursorKey, cursorSeq } from '../../platform/http/paging.ts';
import { Actor, Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, List, LocationFilter, Nullable, Page, SiteRef, Sku, Text, WorkerId } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { ADJUSTMENT_REASONS, HELD_STATUSES, MOVEMENT_TYPES, RETURN_STATUSES, STOCK_STATUSES } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { heldStockKey, ownerlessHeldStockKey } from '../../contracts/tasks.ts';
import type { FastifyRequest } from 'fastify';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { CAN, roleAt } from '../../platform/http/roles.ts';
import { countQueries, withoutCounted, type UnderCount } from './count-queries.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { InventoryService } from './service.ts';
import { inventoryQueries } from './queries.ts';
import { inventoryControlRoutes } from './http-control.ts';
import { safetyStockRoutes } from './http-safety-stock.ts';
import { OwnerFilter, OwnerRef, ownerFilterOf, ownerOfRequest, ownerRoutes } from './http-owners.ts';

const tags: Tag[] = ['Inventory'];
const NullableString = Nullable(Type.String());

const BalanceSchema = Type.Object({
  siteId: Type.String(), ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), sku: Type.String(), locationId: Type.String(), lot: NullableString,
  status: Type.String({ description: 'AVAILABLE, HOLD, QUARANTINE or DAMAGED; in-process stock (picked, not shipped) shows as IN_PROCESS:<orderId>' }),
  onHand: Type.Integer(), reserved: Type.Integer(), available: Type.Integer({ description: 'onHand − reserved' }),
  expiresOn: Nullable(Type.String({ format: 'date' })), firstReceivedAt: DateTime,
});
const StockChangeSchema = Type.Object({
  movementId: Type.String(), siteId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: NullableString,
  quantity: Type.Integer(), balance: BalanceSchema,
}, { description: 'The movement written and the balance it left' });
const MoveSchema = Type.Object({
  movementId: Type.String(), siteId: Type.String(), sku: Type.String(), lot: NullableString, status: Enum(STOCK_STATUSES), quantity: Type.Integer(),
  fromLocationId: Type.String(), toLocationId: Type.String(), from: BalanceSchema, to: BalanceSchema,
}, { description: 'The move and the balances it left at both ends' });
const MovementSchema = Type.Object({
  id: Type.String(), type: Enum(MOVEMENT_TYPES), siteId: Type.String(), ownerId: Type.String(), sku: Type.String(), locationId: NullableString, lot: NullableString,
  status: Type.String(), deltaOnHand: Type.Integer(), deltaReserved: Type.Integer(), deltaAllocated: Type.Integer(),
  reason: NullableString, reference: Nullable(Type.String({ description: 'What caused it: an order, a wave, a pick line, a shipment, or the movement itself' })),
  createdAt: DateTime,
  actor: Nullable({ ...Actor, description: 'Who caused it (null on movements written before actors were recorded)' }),
});
const ReservationSchema = Type.Object({
  reservationId: Type.String(), waveId: Type.String(), orderId: Type.String(), lineId: Type.String(), siteId: Type.String(), ownerId: Type.String(),
  sku: Type.String(),
  locationId: Type.String(), lot: NullableString, quantity: Type.Integer(), picked: Type.Integer(), shorted: Type.Integer(), status: Type.String(),
});
/** Page sizes of `GET /inventory/summary` (ADR 0047): the default page is what the p99 target of issue 18 c reads. */
export const SUMMARY_LIMIT = { default: 500, maximum: 5000 } as const;

const SummarySchema = Type.Object({
  sku: Type.String(), received: Type.Integer(), shipped: Type.Integer(), adjusted: Type.Integer(), onHand: Type.Integer(), onHandAvailable: Type.Integer(),
  reserved: Type.Integer(), allocated: Type.Integer(), ledgerOnHand: Type.Integer(), ledgerReserved: Type.Integer(), ledgerAllocated: Type.Integer(),
});
const ReturnSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), orderId: Type.String(), sku: Type.String(), lot: NullableString,
  quantity: Type.Integer({ description: 'Units of the cancelled order to put back' }),
  returned: Type.Integer({ description: 'Units put back so far' }),
  open: Type.Integer({ description: 'Units still in the tote (0 once CANCELLED: the rest, quantity − returned, were written off it)' }),
  status: Enum(RETURN_STATUSES),
  fromLocationId: Type.String({ description: "The order's in-process location (IN_PROCESS:<orderId>), where the units wait" }),
  suggestedLocationId: Type.String({ description: 'Where the units were picked from: the suggestion; the scan decides' }),
  confirmedLocationId: NullableString, confirmedBy: NullableString, confirmedAt: Nullable(DateTime),
  cancelReason: Type.Union([Type.String(), Type.Null()], { description: 'Why a manager cancelled it (CANCELLED only)' }), createdAt: DateTime,
  confirmations: List(Type.Object({
    movementId: Type.String({ description: 'The MOVE movement out of the tote' }), locationId: Type.String(), quantity: Type.Integer(),
    confirmedBy: NullableString, confirmedAt: DateTime, scanId: NullableString,
  })),
}, { description: 'A return to stock: units picked for an order that was cancelled, waiting in its tote until put back by scan' });
const LocationCode = Identifier(100);
const Lot = Identifier(64);

const AtpItem = Type.Object({
  sku: Type.String(),
  onHandAvailable: Type.Integer({ description: 'AVAILABLE units on hand at the site, in-process (picked, not shipped) units included' }),
  unpickable: Type.Integer({ description: 'Of those, units at locations nobody picks from: receiving, docks, pack stations, the depot, staging, quarantine, blocked or inactive locations. Move them to a storage location or pick face (POST /inventory/moves) to make them promisable; a blocked location leaves ATP at once and returns when unblocked' }),
  allocated: Type.Integer({ description: 'Units allocated to order lines' }),
  expired: Type.Integer({ description: 'Unreserved units of expired lots at pickable locations' }),
  safetyStock: Type.Integer({ description: 'Units kept back from orders (PUT /inventory/safety-stock/{siteId}/{sku}, ADR 0057): never allocated; 0 when none is set' }),
  atp: Type.Integer({ description: 'onHandAvailable − unpickable − allocated − expired − safetyStock, never below 0 (per owner, then summed)' }),
});

export async function inventoryRoutes(
  app: HttpApp, deps: PlatformDeps, service: InventoryService, locations: Pick<LocationMasterApi, 'getSite' | 'getLocationByCode'>,
): Promise<void> {
  /** The id of the site a request names by id or code (422 UNKNOWN_SITE naming `field` otherwise). */
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const queries = inventoryQueries(deps.db);
  const ownerOf = ownerOfRequest(deps);
  const ownerFilter = ownerFilterOf(deps);
  /**
   * What a hand move takes from a PUTAWAY task's hold (heldTaskGuard, ADR 0019): the units of its SKU, lot and owner at
   * its source, which a putaway waiting there holds (`heldStockKey`, and the owner-less key of tasks queued before
   * owners). A person moves them only while no other person holds that putaway's task, as for the pallet's LPN (the
   * handheld's Move screen moves an LPN of one product by this move). A reference the handler refuses names nothing here.
   */
  const movedStock = async (req: FastifyRequest): Promise<readonly string[] | undefined> => {
    const b = req.body as { siteId: string; ownerId?: string; sku: string; lot?: string; fromLocationId?: string; fromLocationCode?: string };
    try {
      const from = b.fromLocationId ?? (b.fromLocationCode === undefined ? undefined
        : (await locations.getLocationByCode(await siteId(b.siteId), b.fromLocationCode))?.id);
      if (from === undefined) return undefined;
      const lot = b.lot ?? null;
      return [heldStockKey(from, b.sku, lot, await ownerOf(req, b.ownerId)), ownerlessHeldStockKey(from, b.sku, lot)];
    } catch (e) {
      if (e instanceof AppError) return undefined;
      throw e;
    }
  };
  /** A page a `sku` filter narrowed, as is, unless it is an empty first page and the catalogue does not know the SKU (422 UNKNOWN_SKU). */
  const counts = countQueries(deps.db);
  /**
   * What the caller may not read of a site's stock: an operator there counts blind (GET /inventory/counts hides the
   * expected quantity), so the SKUs under an open count are left out of the stock an operator reads at that site — at
   * the counted locations (balances, holds, as-of, ledger) and, for a SKU's totals, the whole SKU (summary). Managers, viewers
   * and integrations (an ERP reconciles the stock) read it all. docs/operations/counting.md, "Who sees what".
   */
  const hiddenFrom = async (req: FastifyRequest, site: string): Promise<UnderCount | undefined> => {
    const p = req.principal;
    return p !== undefined && (roleAt(p, site) ?? p.role) === 'operator' ? counts.underCount(site) : undefined;
  };
  const ofKnownSku = async <P extends { readonly items: readonly unknown[] }>(sku: string | undefined, firstPage: boolean, page: P): Promise<P> => {
    unwrap(await service.unknownSku(sku, firstPage && page.items.length === 0));
    return page;
  };

  app.post('/inventory/receipts', {
    config: { roles: CAN.receive, idempotent: true, owners: true },
    schema: {
      operationId: 'receiveStock', tags: ['Inbound'] satisfies Tag[], summary: 'Receive stock into a location (RECEIPT movement)',
      description: 'Give exactly one of locationId and locationCode. Lot and expiry are required when the product is lot- or expiry-controlled; '
        + 'a lot for a product that is not lot-controlled is refused (422 UNPROCESSABLE, field /lot). '
        + 'Stock at a dock is on hand but not promised until moved to a pickable location (POST /inventory/moves). The example receives '
        + 'the product the POST /products example creates at the demo\'s receiving dock.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku,
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        lot: Type.Optional(Lot), expiresOn: Type.Optional(Type.String({ format: 'date' })),
        serials: Type.Optional(Type.Array(Identifier(100), { maxItems: 10_000, description: 'A serial-controlled product (ADR 0058): exactly one distinct serial '
          + 'per unit (400 VALIDATION_FAILED naming /serials otherwise; none for any other product), registered IN_STOCK with the receipt; a serial of '
          + 'the SKU already in stock or picked at the site is 409 SERIAL_IN_STOCK' })),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku, locationCode: EXAMPLES.receivingDock, quantity: 20 }] }),
      response: { 201: StockChangeSchema, ...problems('VALIDATION_FAILED', 'SERIAL_IN_STOCK', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'PRODUCT_INACTIVE', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await service.receive({
    ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId),
  }, requestMeta(req)))));

  app.post('/inventory/adjustments', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'adjustStock', tags, summary: 'Adjust on-hand at a location with a reason (ADJUST movement)',
      description: 'A negative delta never takes on-hand below what is reserved there, nor SKU stock below what is allocated, nor (at a '
        + 'pickable location) the SKU\'s pickable on-hand below what is allocated (409 INSUFFICIENT_STOCK). Units added under a lot no units '
        + 'of which are on hand there are new stock: refused for a product that is not lot-controlled (422 UNPROCESSABLE, field /lot). Units '
        + 'added of a lot-controlled product name their lot (422 UNPROCESSABLE, field /lot, otherwise); lot-less units of it on hand from '
        + 'before it was made lot-controlled are only taken out.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku,
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        lot: Type.Optional(Lot),
        // 0 is refused by the handler, not by a `not` here: ajv says "must NOT be valid" of it, which tells no one what to send.
        delta: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000, description: 'Units added (> 0) or taken out (< 0); 0 is 400 VALIDATION_FAILED' }),
        reason: Type.Union(ADJUSTMENT_REASONS.map((r) => Type.Literal(r))),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku, locationCode: EXAMPLES.pickFace, delta: 2, reason: 'FOUND' }] }),
      response: { 201: StockChangeSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'INSUFFICIENT_STOCK', 'UNPROCESSABLE') },
    },
  }, async (req, reply) => {
    // Before the site, SKU and location are looked up: the body is refused as the schema refuses it, whatever it names.
    if (req.body.delta === 0) throw new AppError('VALIDATION_FAILED', '/delta must be a non-zero integer', { errors: [{ field: '/delta', message: 'must be a non-zero integer' }] });
    return deps.idempotency.run(req, reply, 201, async () => unwrap(await service.adjust({
      ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId),
    }, requestMeta(req))));
  });

  app.post('/inventory/moves', {
    // An owner-scoped key moves its own owner's units only (ownerOf: another owner is 403 OWNER_NOT_ALLOWED).
    config: { roles: CAN.floor, idempotent: true, owners: true, heldWork: movedStock },
    schema: {
      operationId: 'moveStock', tags, summary: 'Move unreserved stock from one location to another (MOVE movements)',
      description: 'Give exactly one of fromLocationId and fromLocationCode, and of toLocationId and toLocationCode. '
        + 'Stock received at a dock is not promised (ATP) until it stands at a pickable location (ACTIVE storage, pick face or reserve): '
        + 'moving it there makes it allocatable and retries backordered lines. Only unreserved units move, and AVAILABLE units leave '
        + 'the pickable locations for one nobody picks from only while the pickable units left still cover what is allocated (409 INSUFFICIENT_STOCK); '
        + 'the target must be ACTIVE (409 LOCATION_NOT_ACTIVE); nothing moves from or to a location under count (409 LOCATION_UNDER_COUNT); QUARANTINE units an RMA received at the source '
        + 'and still awaits inspection for stay there for it (409 HELD_BY_INSPECTION naming the RMA); units a PUTAWAY task waiting at the source holds are '
        + 'another signed-in person\'s to move only while no one else holds that task (403 ACTING_AS_ANOTHER_WORKER; keys are not checked); the HOLD units of an LPN reported lost at the source are '
        + 'not on the shelf and stay there for its find (a move reaching into them is 409 INSUFFICIENT_STOCK naming the LPN); lot, status, expiry and first-receipt date are kept. The example moves '
        + 'the units the POST /inventory/receipts example received to a pick face.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku, lot: Type.Optional(Lot),
        status: Type.Optional(Type.Union(STOCK_STATUSES.map((s) => Type.Literal(s)), { description: 'Status of the units moved (default AVAILABLE)' })),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        fromLocationId: Type.Optional(Id), fromLocationCode: Type.Optional(LocationCode),
        toLocationId: Type.Optional(Id), toLocationCode: Type.Optional(LocationCode),
      }, {
        additionalProperties: false,
        examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku, quantity: 20, fromLocationCode: EXAMPLES.receivingDock, toLocationCode: EXAMPLES.pickFace }],
      }),
      response: { 201: MoveSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE', 'INSUFFICIENT_STOCK', 'LOCATION_UNDER_COUNT', 'HELD_BY_INSPECTION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.moveStock({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.get('/inventory/returns', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listReturns', tags, summary: 'Returns to stock of a site (units of cancelled orders waiting in their totes), oldest first',
      description: 'An order cancelled after units were picked (packed or not) leaves them in its tote (IN_PROCESS:<orderId>) with one return per '
        + 'SKU, lot and pick location, and a MOVE task whose reference is the return id. Filter by status (OPEN: still to put back) and order. '
        + 'Paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, status: Type.Optional(Type.Union(RETURN_STATUSES.map((x) => Type.Literal(x)))),
        orderId: Type.Optional(IdParam('order', 'POST /orders')), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(ReturnSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('rtn')));
    return queries.returns({ siteId: await siteId(q.siteId, '/querystring/siteId'), status: q.status, orderId: q.orderId, limit: q.limit, after });
  });

  app.get('/inventory/returns/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getReturn', tags, summary: 'One return to stock, with its confirms',
      description: 'A return by id (404 NOT_FOUND when there is none); a MOVE task\'s `reference` names it.',
      params: Type.Object({ id: IdParam('return', 'GET /inventory/returns (items[].id), or a MOVE task\'s reference,') }, { additionalProperties: false }),
      response: { 200: ReturnSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const r = await queries.return(req.params.id);
    if (r === undefined) throw new AppError('NOT_FOUND', `No return ${req.params.id}`);
    return r;
  });

  app.post('/inventory/returns/:id/confirm', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'confirmReturn', tags,
      summary: 'Confirm by scan that units of a return were put back into stock, at the location scanned',
      description: 'Give exactly one of locationId and locationCode: the location scanned, which may differ from the suggested one — the units '
        + 'go where the scan says (MOVE movements out of the tote, reason RETURN_TO_STOCK). `quantity` defaults to every unit still open; a '
        + 'partial confirm leaves the rest OPEN. Units scanned back to a RECEIVING location are not pickable there: they get a putaway and its PUTAWAY '
        + 'task, as units released at the dock do. Refused, with nothing changed: an unknown location or another site\'s (422 UNKNOWN_LOCATION), '
        + 'a BLOCKED or INACTIVE one (409 LOCATION_NOT_ACTIVE), one under count (409 LOCATION_UNDER_COUNT), an in-process location (422 '
        + 'UNPROCESSABLE), more than is open (422 QUANTITY_EXCEEDS_OPEN), a COMPLETED return (409 ILLEGAL_TRANSITION). A retry must not count twice: send an Idempotency-Key, or a '
        + 'scanId. A signed-in person acts as their own worker (`workerId` filled in; another is 403 ACTING_AS_ANOTHER_WORKER). The example '
        + 'puts a return back at the demo pick face.',
      params: Type.Object({ id: IdParam('return', 'GET /inventory/returns (items[].id), or a MOVE task\'s reference,') }, { additionalProperties: false }),
      body: Type.Object({
        locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode),
        quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
        workerId: Type.Optional(WorkerId('Who put the units back (a signed-in person: themselves)')),
        scanId: Type.Optional(Identifier(100, { description: 'The handheld\'s id for this scan: a retry with the same scanId and content counts once; other content is 422 SCAN_ID_REUSED' })),
      }, { additionalProperties: false, examples: [{ locationCode: EXAMPLES.pickFace }] }),
      response: {
        200: { ...ReturnSchema, description: 'The return after the confirm' },
        ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE', 'LOCATION_UNDER_COUNT',
          'ILLEGAL_TRANSITION', 'QUANTITY_EXCEEDS_OPEN', 'SCAN_ID_REUSED', 'ACTING_AS_ANOTHER_WORKER'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => {
    const worker = req.body.workerId ?? actingWorkerOf(req);
    return unwrap(await service.confirmReturn({ ...req.body, workerId: worker, returnId: req.params.id }, requestMeta(req)));
  }));

  app.post('/inventory/returns/:id/cancel', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'cancelReturn', tags, summary: 'Withdraw a return nobody will confirm (OPEN → CANCELLED); its open units are written off the tote',
      description: 'The way out of a return whose units left the tote another way (lost, damaged, carried back to a shelf without a scan): '
        + 'only an OPEN return is cancelled (409 ILLEGAL_TRANSITION otherwise; a COMPLETED or CANCELLED one stays as it is). The tote '
        + '(IN_PROCESS:<orderId>) is no place anyone counts, moves or adjusts, so the units the return still covered are written off it: an '
        + 'ADJUST movement, reason LOST, reference = the return (`inventory.stock.adjusted`); they were not promisable, so ATP does not '
        + 'change. Units that turn up are added back where they are found (`POST /inventory/adjustments`, reason FOUND, or a count). Its '
        + 'MOVE task is withdrawn (CANCELLED, whoever holds it); `inventory.stock.return-cancelled` says so. A reason is required. Refused '
        + 'with 409 INSUFFICIENT_STOCK, nothing changed, while orders are allocated beyond what would remain on hand (a location blocked '
        + 'after allocation).',
      params: Type.Object({ id: IdParam('return', 'GET /inventory/returns (items[].id), or a MOVE task\'s reference,') }, { additionalProperties: false }),
      body: Type.Object({ reason: Text(200) }, { additionalProperties: false,
        examples: [{ reason: 'Tote lost between pack station and returns shelf' }] }),
      response: {
        200: { ...ReturnSchema, description: 'The return, CANCELLED' }, ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'ILLEGAL_TRANSITION', 'INSUFFICIENT_STOCK'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await service.cancelReturn({ returnId: req.params.id, reason: req.body.reason }, requestMeta(req)))));

  app.get('/inventory/balances', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listBalances', tags, summary: 'Balances of a site by SKU and location',
      description: 'One row per SKU, location, lot and status; in-process stock (picked, not shipped) shows as IN_PROCESS:<orderId>. '
        + '`locationId` is a location\'s id or its code at the site, or IN_PROCESS:<orderId> (422 UNKNOWN_LOCATION otherwise). A `sku` the catalogue '
        + 'does not know is 422 UNKNOWN_SKU (a product with no stock there answers no rows). Paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }), locationId: Type.Optional(LocationFilter),
        limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(BalanceSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor));
    const site = await siteId(q.siteId, '/querystring/siteId');
    const ownerId = await ownerFilter(req, q.owner);
    const locationId = unwrap(await service.locationFilter(site, q.locationId));
    return withoutCounted(await ofKnownSku(q.sku, q.cursor === undefined, await queries.balances({ siteId: site, ownerId, sku: q.sku, locationId, limit: q.limit, after })),
      await hiddenFrom(req, site));
  });

  app.get('/inventory/holds', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listHolds', tags, summary: 'Stock still held at a site, with who put it on hold, when and why',
      description: 'One row per SKU, location, lot, held status (HOLD, QUARANTINE, DAMAGED) and owner with units on hand, and the movements that '
        + 'put units there, newest first (at most 10): a hold placed by hand (POST /inventory/holds, type HOLD) with its reason and actor, a '
        + 'receipt into QUARANTINE or DAMAGED, a lost LPN\'s or a quality hold. Released units (POST /inventory/hold-releases) are no longer '
        + 'listed. Filtered by sku (422 UNKNOWN_SKU for one the catalogue does not know), locationId (a location\'s id or its code at the site, '
        + '422 UNKNOWN_LOCATION otherwise) and status; '
        + 'paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.newSku] }), locationId: Type.Optional(LocationFilter),
        status: Type.Optional(Enum(HELD_STATUSES, { description: 'Only units held in this status' })),
        limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: {
        200: Page(Type.Object({
          siteId: Type.String(), ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), sku: Type.String(), locationId: Type.String(), lot: NullableString,
          status: Enum(HELD_STATUSES), quantity: Type.Integer({ description: 'Units still held there in this status' }),
          since: { ...DateTime, description: 'When units were first put in this balance' },
          holds: Type.Array(Type.Object({
            movementId: Type.String(), type: Enum(MOVEMENT_TYPES, { description: 'HOLD for a hold placed by hand or by a rule; RECEIPT, COUNT, ADJUST…' }),
            quantity: Type.Integer({ description: 'Units it put there' }), reason: NullableString, at: DateTime,
            actor: Nullable({ ...Actor, description: 'Who placed it (null for jobs and movements written before actors were recorded)' }),
          }), { description: 'The movements that put units there, newest first (at most 10)' }),
        })),
        ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION'),
      },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor));
    const site = await siteId(q.siteId, '/querystring/siteId');
    const ownerId = await ownerFilter(req, q.owner);
    const locationId = unwrap(await service.locationFilter(site, q.locationId));
    return withoutCounted(await ofKnownSku(q.sku, q.cursor === undefined, await queries.holds({ siteId: site, ownerId, sku: q.sku, locationId, status: q.status, limit: q.limit, after })),
      await hiddenFrom(req, site));
  });

  app.get('/inventory/as-of', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getStockAsOf', tags, summary: 'On-hand and reserved per SKU, location, lot, status and owner as of a past instant, rebuilt from the ledger',
      description: 'Sums the movements created at or before `at` (a movement counts from the start of the transaction that wrote it), '
        + 'starting from the last stock snapshot before `at`; keys with nothing on hand or reserved are left out. In-process stock (picked, '
        + 'not shipped) shows at IN_PROCESS:<orderId>. Narrow by owner, sku (422 UNKNOWN_SKU for one the catalogue does not know), locationId (a location\'s id or its code at the site, or '
        + 'IN_PROCESS:<orderId>; 422 UNKNOWN_LOCATION otherwise) and lot (a key scoped to an owner sees only that owner\'s units); paged by `limit` and `cursor` in SKU, location, lot, status, owner order. An instant later than now is 422 AS_OF_IN_FUTURE; a malformed one 400 VALIDATION_FAILED. Answers for the last '
        + 'few seconds may still grow while transactions that started before `at` commit. See docs/operations/stock-history.md.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter,
        at: { ...DateTime, description: 'The instant, ISO 8601 with an offset (2026-11-30T18:00:00Z)', examples: ['2026-11-30T18:00:00Z'] },
        sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }), locationId: Type.Optional(LocationFilter), lot: Type.Optional(Lot),
        limit: Limit(5000, 1000), cursor: Cursor,
      }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          siteId: Type.String(), at: DateTime,
          snapshotAsOf: Nullable({ ...DateTime, description: 'The snapshot the answer was rebuilt from (null: from the first movement)' }),
          items: Type.Array(Type.Object({
            sku: Type.String(), locationId: Type.String(), lot: NullableString, status: Type.String(),
            ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), onHand: Type.Integer(), reserved: Type.Integer(),
          })),
          nextCursor: Nullable(Type.String()),
        }),
        ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'AS_OF_IN_FUTURE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION'),
      },
    },
  }, async (req) => {
    const q = req.query;
    // The key is JSON (stock-as-of/handler.ts), whose own parse refuses the rest of a tampered one.
    const after = unwrap(cursorKey(q.cursor, (key) => key.startsWith('[') && key.endsWith(']')));
    const site = await siteId(q.siteId, '/querystring/siteId');
    const ownerId = await ownerFilter(req, q.owner);
    return withoutCounted(await ofKnownSku(q.sku, q.cursor === undefined, unwrap(await service.stockAsOf({
      siteId: site, at: new Date(q.at), sku: q.sku, locationId: unwrap(await service.locationFilter(site, q.locationId)), lot: q.lot, ownerId,
      limit: q.limit, after,
    }))), await hiddenFrom(req, site));
  });

  app.get('/inventory/atp', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getAtp', tags, summary: 'Available to promise per SKU: pickable on-hand AVAILABLE − allocated − unreserved expired units − safety stock',
      description: 'Units at non-pickable locations (receiving, docks, pack stations, blocked…) are on hand but never promised (`unpickable`). '
        + 'A `sku` with no stock at the site answers one row of zeros; one the catalogue does not know is 422 UNKNOWN_SKU (a deactivated product is known).',
      querystring: Type.Object({ siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(AtpItem) }), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU') },
    },
  }, async (req) => {
    const { sku } = req.query;
    const rows = await service.atp(await siteId(req.query.siteId, '/querystring/siteId'), sku === undefined ? null : [sku],
      (await ownerFilter(req, req.query.owner)) ?? null);
    if (sku !== undefined && rows.length === 0) {
      unwrap(await service.unknownSku(sku, true));
      return { items: [{ sku, onHandAvailable: 0, unpickable: 0, allocated: 0, expired: 0, safetyStock: 0, atp: 0 }] };
    }
    return { items: rows };
  });

  app.get('/inventory/ledger', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listMovements', tags, summary: 'Stock movements of a site, oldest first',
      description: 'The append-only stock ledger, filtered by SKU (422 UNKNOWN_SKU for one the catalogue does not know), lot and movement type; paged by `limit` and `cursor`. '
        + '`lot` (with or without `sku`: a recall\'s lot trace) lists the movements of units of that lot, of every SKU unless `sku` narrows it; '
        + 'SKU-level movements (ALLOCATE, DEALLOCATE) and lot-less units carry no lot and are not listed under one, and a lot nothing was '
        + 'ever booked under answers no rows.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }),
        lot: Type.Optional({ ...Lot, description: 'Only movements of units of this lot (exactly as received: case matters)' }),
        type: Type.Optional(Type.Union(MOVEMENT_TYPES.map((t) => Type.Literal(t)))), limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(MovementSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorSeq(q.cursor));
    const site = await siteId(q.siteId, '/querystring/siteId');
    return withoutCounted(await ofKnownSku(q.sku, q.cursor === undefined,
      await queries.movements({ siteId: site, ownerId: await ownerFilter(req, q.owner), sku: q.sku, lot: q.lot, type: q.type, limit: q.limit, after })), await hiddenFrom(req, site));
  });

  app.get('/inventory/movements/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getMovement', tags, summary: 'One stock movement', description: 'A movement by id (404 NOT_FOUND when there is none).',
      params: Type.Object({ id: IdParam('movement', 'POST /inventory/receipts (movementId)') }, { additionalProperties: false }),
      response: { 200: MovementSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const m = await queries.movement(req.params.id);
    if (m === undefined) throw new AppError('NOT_FOUND', `No movement ${req.params.id}`);
    return m;
  });

  app.get('/inventory/reservations', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listReservations', tags, summary: 'Location-level reservations of a wave or an order',
      description: 'Give waveId or orderId (400 VALIDATION_FAILED otherwise). Reservations are made when a wave is released (POST /waves/{id}/release).',
      querystring: Type.Object({
        waveId: Type.Optional(IdParam('wave', 'POST /waves')), orderId: Type.Optional(IdParam('order', 'POST /orders')),
      }, { additionalProperties: false }),
      response: { 200: Page(ReservationSchema) },
    },
  }, async (req) => {
    const { waveId, orderId } = req.query;
    if (waveId === undefined && orderId === undefined) {
      throw new AppError('VALIDATION_FAILED', 'Filter by waveId or orderId', { errors: [{ field: '/waveId', message: 'give waveId or orderId' }] });
    }
    return { items: await queries.reservations({ waveId, orderId }), nextCursor: null };
  });

  app.get('/inventory/summary', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getStockSummary', tags, summary: 'Per SKU: ledger sums (received, shipped, adjusted, ledger*) next to balance sums (onHand, reserved, allocated)',
      description: 'adjusted sums ADJUST and COUNT movements. Conservation holds when received − shipped + adjusted = onHand, ledgerOnHand = onHand, ledgerReserved = reserved and ledgerAllocated = allocated. '
        + `Every SKU with a movement is listed, in SKU order, paged by \`limit\` (default ${SUMMARY_LIMIT.default}, at most ${SUMMARY_LIMIT.maximum}) and \`cursor\`: follow \`nextCursor\` until it is null for the whole site. `
        + 'Each row is consistent in itself (one snapshot per page); two pages may be from different instants (ADR 0047). A cursor this API did not return is 400 VALIDATION_FAILED; '
        + 'a `sku` the catalogue does not know 422 UNKNOWN_SKU.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional({ ...Sku, examples: [EXAMPLES.sku] }), limit: Limit(SUMMARY_LIMIT.maximum, SUMMARY_LIMIT.default), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(SummarySchema), ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.text)); // the last SKU of the previous page
    const site = await siteId(q.siteId, '/querystring/siteId');
    return withoutCounted(await ofKnownSku(q.sku, q.cursor === undefined,
      await queries.summary({ siteId: site, ownerId: await ownerFilter(req, q.owner), sku: q.sku, after, limit: q.limit })), await hiddenFrom(req, site));
  });

  await inventoryControlRoutes(app, deps, service, locations);
  await safetyStockRoutes(app, deps, service, locations);
  await ownerRoutes(app, deps);
}
