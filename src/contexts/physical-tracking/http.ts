import { Type } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { LPN_STATUSES, LPN_TYPES, SCAN_MEANINGS } from '../../contracts/physical-tracking.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, cursorSeq, nextCursor } from '../../platform/http/paging.ts';
import { CAN, roleAt, type Role } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, List, Nullable, Page, SiteRef, Sku, Text } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { PhysicalTrackingService } from './service.ts';
import { scanView } from './service.ts';

const tags: Tag[] = ['Physical tracking'];
/** The GS1 example SSCC (a valid check digit): the pallet the examples build. */
const EXAMPLE_SSCC = '106141411234567897';
/** An LPN code, lot, serial, owner, location or container a body or query names (an identifier: ADR 0007, 2026-12-06). */
const Ref = (description: string, examples?: string[]) => Identifier(100, { description, ...(examples === undefined ? {} : { examples }) });
const Who = {
  workerId: Type.Optional(Identifier(100, { description: 'Who scanned', examples: ['alice'] })),
  deviceId: Type.Optional(Identifier(100, { description: 'The handheld or fixed reader', examples: ['HH-07'] })),
};

const ContentLineSchema = Type.Object({
  sku: Type.String(), lot: Nullable(Type.String()), serial: Nullable(Type.String()), owner: Nullable(Type.String()),
  orderId: Nullable(Type.String({ description: 'Units picked for this order (in process)' })), quantity: Type.Integer(),
});
const LpnSchema = Type.Object({
  id: Type.String(), siteId: Type.String(),
  code: Type.String({ description: 'What the label says: an SSCC-18 or an internal code' }), codeKind: Enum(['SSCC', 'INTERNAL'] as const),
  type: Enum(LPN_TYPES), status: Enum(LPN_STATUSES),
  parentId: Nullable(Type.String({ description: 'The LPN this one sits in' })), childIds: List(Type.String()),
  locationId: Nullable(Type.String({ description: 'Where it rests; null while carried or once gone' })),
  contents: List(ContentLineSchema, { description: 'Units directly in this LPN (not in its children)' }), units: Type.Integer(),
  asnId: Nullable(Type.String()), createdAt: DateTime, updatedAt: DateTime, version: Type.Integer(),
  sscc: Nullable(Type.String({
    description: 'A carton\'s second code: the SSCC-18 of its package\'s shipping label (18 digits; scans by it find the carton). Null for any other LPN, '
      + 'and once the package is repacked (ADR 0029 addendum 2026-12-06)',
  })),
});
const ScanSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), at: DateTime, workerId: Nullable(Type.String()), deviceId: Nullable(Type.String()),
  locationId: Nullable(Type.String()), fromLocationId: Nullable(Type.String()), lpnId: Nullable(Type.String()),
  relatedLpnId: Nullable(Type.String({ description: 'The other LPN: the source of a pick or pack, the container of a load, the target of a consolidate or split' })),
  barcode: Type.String(), meaning: Enum(SCAN_MEANINGS), sku: Nullable(Type.String()), quantity: Nullable(Type.Integer()),
});
const DifferenceSchema = Type.Object({
  locationId: Type.String({ description: 'A location id, or IN_PROCESS:<orderId> for picked units' }), sku: Type.String(), lot: Nullable(Type.String()),
  ownerId: Type.String({ description: "Whose units (ADR 0028): LPN lines naming no owner hold the default owner's (own_default)" }),
  physical: Type.Integer({ description: 'Units live LPNs hold there' }), logical: Type.Integer({ description: "Inventory's on-hand there" }),
  kind: Enum(['PHYSICAL_ONLY', 'LOGICAL_ONLY', 'QUANTITY_MISMATCH'] as const),
  lpnIds: List(Type.String()), scans: List(ScanSchema, { description: 'The latest scans at or from the location, or of those LPNs, in time order' }),
});
const ContentInput = Type.Object({
  sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  lot: Type.Optional(Ref('Lot')), serial: Type.Optional(Ref('Serial number')), owner: Type.Optional(Ref('Stock owner (3PL client)')),
}, { additionalProperties: false });
const IdParams = Type.Object({ id: IdParam('lpn', 'POST /lpns') }, { additionalProperties: false });
const commandProblems = ['NOT_FOUND', 'ILLEGAL_TRANSITION', 'LPN_LOST', 'LPN_SHIPPED', 'LPN_CONSUMED'] as const;
/** What a handheld may send as a scan's meaning: LOST and FOUND are recorded by the LPN commands. */
const SCANNED_MEANINGS = SCAN_MEANINGS.filter((m) => m !== 'LOST' && m !== 'FOUND');
/** The scans that move, nest or change an LPN the barcode names (the others receive one, or only record). */
const LPN_SCANS: ReadonlySet<string> = new Set(['MOVE', 'PUTAWAY_TARGET', 'LOAD_ONTO_PALLET', 'CLOSE', 'REOPEN', 'STAGE', 'SHIP']);

const onTheFloor = (role: Role): boolean => (CAN.floor as readonly Role[]).includes(role);
function floorScanRefused(meaning: string, role: Role): never {
  throw new AppError('FORBIDDEN', `Role ${role} records RECEIVE_LPN scans only: a ${meaning} scan is floor work (${CAN.floor.join(', ')})`,
    { errors: [{ field: '/meaning', message: `RECEIVE_LPN only for role ${role}` }] });
}

export async function physicalTrackingRoutes(app: HttpApp, deps: PlatformDeps, service: PhysicalTrackingService, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  const siteId = async (idOrCode: string, field: string): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  // The work an LPN command touches: the orders whose units the LPN (and the one it goes into) holds. A person may act
  // on it only when no other worker holds the live task of one of them (heldTaskGuard: an order's PACK task).
  const lpnWork = async (req: FastifyRequest): Promise<string[]> => {
    const id = (req.params as { id?: unknown }).id;
    const into = (req.body as { into?: unknown } | null | undefined)?.into;
    const held = typeof id === 'string' ? await service.ordersHeld(id) : [];
    const site = typeof into === 'string' && !into.startsWith('lpn_') && typeof id === 'string' ? (await service.get(id))?.siteId : undefined;
    return typeof into === 'string' ? [...held, ...await service.ordersHeld(into, site)] : held;
  };
  const scanWork = async (req: FastifyRequest): Promise<string[]> => {
    const b = req.body as { siteId?: unknown; barcode?: unknown; meaning?: unknown; into?: unknown } | null | undefined;
    if (typeof b?.siteId !== 'string' || typeof b.barcode !== 'string' || !LPN_SCANS.has(String(b.meaning))) return [];
    const site = await siteId(b.siteId, '/siteId');
    return [...await service.ordersHeld(b.barcode, site), ...typeof b.into === 'string' ? await service.ordersHeld(b.into, site) : []];
  };

  app.post('/lpns', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'buildLpn', tags, summary: 'Build an LPN (pallet, case, tote or carton)',
      description: 'A new OPEN LPN with an SSCC-18 label (18 digits, optionally behind the AI (00): the GS1 check digit must be valid, else 422 '
        + 'INVALID_SSCC), an internal code, or none (its id is its code). Optional contents (products of the catalogue: 422 UNKNOWN_SKU otherwise; no lot for a product that is not lot-controlled: 422 UNPROCESSABLE; a `serial` names one unit: a serial line of another quantity than 1, or one serial of a SKU on two lines, is 400 VALIDATION_FAILED naming it; an `owner` is an owner id inventory knows: 422 UNKNOWN_OWNER naming /contents/<i>/owner otherwise; the default owner\'s units name none), location (of the site, by id or code: 422 '
        + 'UNKNOWN_LOCATION otherwise), and the LPN it goes into (409 NESTING_TOO_DEEP '
        + 'beyond three levels). Recorded as a BUILD scan. The example builds a pallet of two demo mugs under the GS1 example SSCC.',
      body: Type.Object({
        siteId: SiteRef, type: Enum(LPN_TYPES), code: Type.Optional(Ref('The label: an SSCC-18 or an internal code')),
        locationId: Type.Optional(Ref('Where it is built')), parentId: Type.Optional(Ref('The LPN it goes into')),
        contents: Type.Optional(Type.Array(ContentInput, { maxItems: 1000 })), ...Who,
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, type: 'PALLET', code: EXAMPLE_SSCC, contents: [{ sku: EXAMPLES.sku, quantity: 2 }], workerId: 'alice' }] }),
      response: { 201: LpnSchema, ...problems('UNKNOWN_SITE', 'INVALID_SSCC', 'LPN_CODE_TAKEN', 'NOT_FOUND', 'NESTING_TOO_DEEP', 'NESTING_CYCLE', 'ILLEGAL_TRANSITION', 'SITE_MISMATCH', 'LPN_LOST', 'LPN_SHIPPED', 'LPN_CONSUMED', 'UNKNOWN_LOCATION', 'UNKNOWN_SKU', 'UNPROCESSABLE', 'UNKNOWN_OWNER') },
    },
  }, async (req, reply) => {
    const site = await siteId(req.body.siteId, '/siteId');
    return deps.idempotency.run(req, reply, 201, async () => unwrap(await service.build({ ...req.body, siteId: site }, requestMeta(req))));
  });

  app.get('/lpns', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listLpns', tags, summary: 'LPNs of a site',
      description: 'Filter by location, status and label (`code`: the code on it or a carton\'s shipping SSCC, with or without its `(00)`; every LPN that carried it, live or not, since a shipped tote frees its label); in id order (creation order), paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, locationId: Type.Optional(Ref('Where they rest')), status: Type.Optional(Enum(LPN_STATUSES)),
        code: Type.Optional(Ref('The label: an LPN code or a carton\'s SSCC')),
        limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(LpnSchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const q = req.query;
    const items = await service.list({ siteId: await siteId(q.siteId, '/querystring/siteId'), locationId: q.locationId, status: q.status, code: q.code, after: unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('lpn'))), limit: q.limit });
    return { items, nextCursor: nextCursor(items, q.limit, (l) => l.id) };
  });

  app.get('/lpns/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getLpn', tags, summary: 'One LPN: its label, status, place, contents and the LPNs inside it',
      description: 'An LPN by id (404 NOT_FOUND when there is none).', params: IdParams,
      response: { 200: LpnSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const l = await service.get(req.params.id);
    if (l === undefined) throw new AppError('NOT_FOUND', `No LPN ${req.params.id}`);
    return l;
  });

  app.post('/lpns/:id/move', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'moveLpn', tags, summary: 'Move an LPN as one unit, with everything inside it',
      description: 'The LPN and its children (not an LPN that shipped or was emptied off it) go to the location (a location of its site, by id or code: 422 UNKNOWN_LOCATION otherwise; kept as its id; '
        + 'taken out of the LPN it sat in, if any); recorded as a MOVE scan. '
        + 'Only the physical record moves: the inventory move is its own command (POST /inventory/moves). A LOST LPN moved is found there (as POST '
        + '/lpns/{id}/found: the location must be a known, ACTIVE location of its site, by id or code, and neither it nor where the LPN was lost under count). The example moves the pallet to the location the POST /sites/{id}/locations example made.',
      params: IdParams,
      body: Type.Object({ locationId: Ref('Where it goes'), ...Who }, { additionalProperties: false, examples: [{ locationId: EXAMPLES.ids.location, workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems(...commandProblems, 'UNKNOWN_LOCATION', 'LOCATION_NOT_ACTIVE', 'LPN_CODE_TAKEN', 'LOCATION_UNDER_COUNT') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.move(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/split', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'splitLpn', tags, summary: 'Split units out of an LPN into a new or an existing one',
      description: 'Takes the lines (by SKU, optionally lot, serial and owner) out of the LPN into `into` (an OPEN LPN) or a new LPN at the same place; 409 '
        + 'INSUFFICIENT_CONTENTS when it holds fewer (a line without a serial takes the first units of the SKU, whatever their serials; a `serial` names one unit: '
        + 'a serial line of another quantity than 1, or one serial of a SKU on two lines, is 400 VALIDATION_FAILED naming it); 400 VALIDATION_FAILED when `into` would hold more than 2,147,483,647 units. A line of a SKU the LPN holds for more than one owner names whose units it takes (`owner`: '
        + 'an owner id; the default owner\'s by its id): 422 UNPROCESSABLE naming /lines/<i>/owner otherwise, nothing changed. Recorded as a SPLIT scan. '
        + 'The example splits one mug into a new case.',
      params: IdParams,
      body: Type.Object({
        lines: Type.Array(Type.Object({
          sku: Sku, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), lot: Type.Optional(Ref('Lot')),
          serial: Type.Optional(Ref('The serial of the unit it takes (quantity 1)')),
          owner: Type.Optional(Ref("Whose units (3PL owner id): needed when the LPN holds the SKU for several owners", ['own_default'])),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 1000 }),
        into: Type.Optional(Ref('An OPEN LPN to put them in (id)')),
        newLpn: Type.Optional(Type.Object({ type: Enum(LPN_TYPES), code: Type.Optional(Ref('Its label')) }, { additionalProperties: false })),
        ...Who,
      }, { additionalProperties: false, examples: [{ lines: [{ sku: EXAMPLES.sku, quantity: 1 }], newLpn: { type: 'CASE' }, workerId: 'alice' }] }),
      response: {
        201: Type.Object({ source: LpnSchema, target: LpnSchema }),
        ...problems(...commandProblems, 'INSUFFICIENT_CONTENTS', 'INVALID_SSCC', 'LPN_CODE_TAKEN', 'NESTING_CYCLE', 'SITE_MISMATCH', 'UNPROCESSABLE'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => unwrap(await service.split(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/consolidate', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'consolidateLpn', tags, summary: 'Consolidate an LPN into another: all its contents (and the LPNs inside it) move over',
      description: 'The target must be OPEN (`into`: its id or label); the emptied LPN is CONSUMED (its label is free again). Recorded as a CONSOLIDATE scan. '
        + 'A target that would hold more than 2,147,483,647 units is 400 VALIDATION_FAILED, nothing changed. '
        + 'The example puts the case the split example made back onto the pallet.',
      params: IdParams,
      body: Type.Object({ into: Ref('The LPN that takes the contents: id or label'), ...Who }, { additionalProperties: false, examples: [{ into: EXAMPLE_SSCC, workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems(...commandProblems, 'NESTING_TOO_DEEP', 'NESTING_CYCLE', 'SITE_MISMATCH') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.consolidate(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/close', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'closeLpn', tags, summary: 'Close an LPN (sealed: it takes nothing more in)',
      description: 'OPEN → CLOSED (409 ILLEGAL_TRANSITION otherwise; 409 LPN_LOST for a LOST LPN: find it first); recorded as a CLOSE scan.',
      params: IdParams,
      body: Type.Object({ ...Who }, { additionalProperties: false, examples: [{ workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems(...commandProblems) },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.close(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/reopen', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'reopenLpn', tags, summary: 'Reopen a closed LPN (it takes units and LPNs in again)',
      description: 'CLOSED → OPEN (409 ILLEGAL_TRANSITION otherwise; 409 LPN_LOST for a LOST LPN: find it first); recorded as a REOPEN scan.',
      params: IdParams,
      body: Type.Object({ ...Who }, { additionalProperties: false, examples: [{ workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems(...commandProblems) },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.reopen(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/lost', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'reportLpnLost', tags, summary: 'Report an LPN lost: nobody is sent to it, and its stock leaves ATP',
      description: 'An LPN still on the floor (OPEN, CLOSED, STAGED, IN_TRANSIT) becomes LOST, with the LPNs inside it; it leaves the LPN it sat in and '
        + 'keeps its last location. 409 ILLEGAL_TRANSITION when it is SHIPPED, CONSUMED or LOST already; 400 VALIDATION_FAILED without a reason. '
        + 'Recorded as a LOST scan and published as `physical-tracking.lpn.lost.v1`, on which inventory puts its units at that location on HOLD '
        + '(reason `LPN_LOST <lpnId>`): they leave ATP, allocation and wave reservation. Units a wave reserved or orders were promised before are '
        + 'not held: a picker sent to them short-picks NOT_FOUND (docs/operations/lpns.md). Floor events never take units from a LOST LPN, and its '
        + 'label is free while it is lost. The example reports the pallet the POST /lpns example built.',
      params: IdParams,
      body: Type.Object({
        reason: Text(200, { description: 'Why it is reported lost' }), ...Who,
      }, { additionalProperties: false, examples: [{ reason: 'not at its location at the morning count', workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'VALIDATION_FAILED') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.lost(req.params.id, req.body, requestMeta(req)))));

  app.post('/lpns/:id/found', {
    config: { roles: CAN.floor, idempotent: true, heldWork: lpnWork },
    schema: {
      operationId: 'reportLpnFound', tags, summary: 'Report a lost LPN found at a location: its stock moves there and is promised again',
      description: 'A LOST LPN (409 ILLEGAL_TRANSITION otherwise), with the LPNs lost inside it, is found at `location` (a location id or code of its '
        + 'site: 422 UNKNOWN_LOCATION; it must be ACTIVE: 409 LOCATION_NOT_ACTIVE) and resumes OPEN if it was OPEN, else CLOSED. 409 LPN_CODE_TAKEN '
        + 'when a live LPN took its label while it was lost. Found elsewhere than where it was lost, neither place may be under a cycle count '
        + '(409 LOCATION_UNDER_COUNT naming the location and the count: its held units cannot move until the count closes). Recorded as a FOUND scan and published as `physical-tracking.lpn.found.v1`, on which '
        + 'inventory moves its held units to the location (MOVE movements) and releases the LPN_LOST hold (RELEASE movements). A MOVE or '
        + 'PUTAWAY_TARGET scan of a LOST LPN (POST /scans, POST /lpns/{id}/move) finds it the same way. The example finds the pallet the lost example '
        + 'lost at a pick face of the demo warehouse.',
      params: IdParams,
      body: Type.Object({
        location: Ref('Where it was found: a location id or code', [EXAMPLES.pickFace]), ...Who,
      }, { additionalProperties: false, examples: [{ location: EXAMPLES.pickFace, workerId: 'alice' }] }),
      response: { 200: LpnSchema, ...problems('NOT_FOUND', 'ILLEGAL_TRANSITION', 'UNKNOWN_LOCATION', 'LOCATION_NOT_ACTIVE', 'LPN_CODE_TAKEN', 'LOCATION_UNDER_COUNT') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.found(req.params.id, req.body, requestMeta(req)))));

  app.get('/lpns/:id/timeline', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getLpnTimeline', tags, summary: "An LPN's timeline: every scan of it and of the LPNs its units went into, in time order",
      description: 'From receipt on: its own scans, and, from the moment its units went there, those of the tote they were picked into, the carton '
        + 'they were packed into and the pallet that carton was loaded onto. Paged by `limit` and `cursor`.',
      params: IdParams,
      querystring: Type.Object({ limit: Limit(500, 100), cursor: Cursor }, { additionalProperties: false }),
      response: { 200: Page(ScanSchema), ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const after = unwrap(cursorSeq(req.query.cursor));
    const { rows } = unwrap(await service.timeline(req.params.id, after, req.query.limit));
    return { items: rows.map(scanView), nextCursor: nextCursor(rows, req.query.limit, (r) => r.seq) };
  });

  app.post('/scans', {
    config: { roles: CAN.receive, idempotent: true, heldWork: scanWork },
    schema: {
      operationId: 'recordScan', tags, summary: 'Record a scan from a handheld or fixed reader, with what it meant',
      description: 'RECEIVE_LPN receives the whole LPN an ASN announces (the barcode is its expected LPN/SSCC; 404 UNKNOWN_ASN_LPN, also once the ASN '
        + 'is cancelled or closed; 409 LPN_CODE_TAKEN when the ASN\'s LPN was received already, even if it left the floor since) at `locationId`; '
        + 'MOVE and PUTAWAY_TARGET move the LPN the barcode names to `locationId`; LOAD_ONTO_PALLET puts it into `into` (at most three levels: 409 '
        + 'NESTING_TOO_DEEP); CLOSE, STAGE and SHIP change its status (CLOSE and STAGE with a `locationId` where it does not rest move it there first, '
        + 'with what is inside it, out of its container); a MOVE or PUTAWAY_TARGET scan of a LOST LPN finds it at `locationId` (a known, '
        + 'ACTIVE location: 422 UNKNOWN_LOCATION, 409 LOCATION_NOT_ACTIVE), any other scan of it is refused 409 LPN_LOST; a SHIP scan of an LPN that holds (itself or inside it) units of an order cancelled before '
        + 'dispatch (a voided carton on a pallet) is refused 409 LPN_HOLDS_CANCELLED_ORDER, naming the LPNs to take off (POST /lpns/{id}/move), and while a cancel of such an order is being decided 409 ORDER_CANCELLING (scan again in a moment); a SHIP scan of the carton of a package a failed quality inspection holds (or scrapped), or of an LPN carrying one, '
        + 'is refused 409 LPN_ON_QUALITY_HOLD naming the cartons and their inspections, until a disposition releases them; a SHIP scan of an LPN holding units of an order '
        + 'not packed yet (a pick tote), or of a packed order not moved into its carton yet (any LPN but a carton), is refused 409 UNITS_NOT_PACKED naming the order: its sealed carton ships, once packed (an LPN of loose stock, no order\'s, ships as before); PICK_INTO_TOTE, PACK_INTO_CARTON, BUILD, CONSOLIDATE and SPLIT are recorded as '
        + 'they are (picks and packs reach LPNs through the picking and pack & ship events). A `locationId` given is a location of the site, by id or '
        + 'code (422 UNKNOWN_LOCATION otherwise), and is recorded as its id. Every scan is published as '
        + '`physical-tracking.scan.recorded.v1`. An integration key records RECEIVE_LPN scans only (403 FORBIDDEN naming /meaning for any other: '
        + 'floor work, for admin, manager and operator). The example stages the pallet the POST /lpns example built.',
      body: Type.Object({
        siteId: SiteRef, barcode: Type.String({ minLength: 1, maxLength: 200, description: 'What was scanned, as read' }), meaning: Enum(SCANNED_MEANINGS),
        locationId: Type.Optional(Ref('Where: the location scanned or stood at')),
        into: Type.Optional(Ref('LOAD_ONTO_PALLET: the container (id or label)')),
        lpnType: Type.Optional(Enum(LPN_TYPES, { description: 'RECEIVE_LPN: what the received LPN is (default PALLET)' })),
        ...Who,
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, barcode: EXAMPLE_SSCC, meaning: 'STAGE', workerId: 'alice', deviceId: 'HH-07' }] }),
      response: {
        201: Type.Object({ scan: ScanSchema, lpn: Nullable(LpnSchema) }),
        ...problems('UNKNOWN_SITE', 'UNPROCESSABLE', 'NOT_FOUND', 'UNKNOWN_ASN_LPN', 'INVALID_SSCC', 'LPN_CODE_TAKEN', 'ILLEGAL_TRANSITION',
          'NESTING_TOO_DEEP', 'NESTING_CYCLE', 'SITE_MISMATCH', 'LPN_LOST', 'LPN_SHIPPED', 'LPN_CONSUMED', 'UNKNOWN_LOCATION', 'LOCATION_NOT_ACTIVE', 'LOCATION_UNDER_COUNT',
          'LPN_HOLDS_CANCELLED_ORDER', 'LPN_ON_QUALITY_HOLD', 'UNITS_NOT_PACKED', 'ORDER_CANCELLING'),
      },
    },
  }, async (req, reply) => {
    // The route is open to the roles that receive (an integration's ASN-driven receipts); every other meaning moves,
    // nests, stages, closes or ships an LPN, or records floor work: the floor's, as POST /lpns/{id}/move|consolidate|close
    // are. Before anything is read or kept (the Idempotency-Key included): a caller with no floor role anywhere before
    // the site is looked up (as a role the route refuses is), one with a role by site at the site named.
    const floorOnly = req.body.meaning !== 'RECEIVE_LPN' ? req.principal : undefined;
    if (floorOnly !== undefined && !Object.values(floorOnly.sites).some(onTheFloor)) floorScanRefused(req.body.meaning, floorOnly.role);
    const site = await siteId(req.body.siteId, '/siteId');
    const role = floorOnly === undefined ? undefined : roleAt(floorOnly, site);
    if (role !== undefined && !onTheFloor(role)) floorScanRefused(req.body.meaning, role);
    return deps.idempotency.run(req, reply, 201, async () => unwrap(await service.scan({ ...req.body, siteId: site }, requestMeta(req))));
  });

  app.get('/scans', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listScans', tags, summary: 'Scans of a site in time order: per location, per worker, per LPN',
      description: '`location` (an id or a code of the site\'s, 422 UNKNOWN_LOCATION otherwise) matches scans at it or moving things from it; '
        + '`lpn` (an id, or the label of a live or lost LPN: 404 NOT_FOUND when none carries it) scans of it or naming it as the other LPN. '
        + '`worker`: a person signed in as an operator at the site names themselves (403 ACTING_AS_ANOTHER_WORKER for a colleague: '
        + 'their scans are for supervisors). Paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, location: Type.Optional(Ref('A location id or code')), worker: Type.Optional(Ref('A worker id', ['alice'])),
        lpn: Type.Optional(Ref('An LPN id or label')), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(ScanSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_LOCATION', 'NOT_FOUND', 'ACTING_AS_ANOTHER_WORKER') },
    },
  }, async (req) => {
    const q = req.query;
    const site = await siteId(q.siteId, '/querystring/siteId');
    // A worker's scans are where they were and what they touched, minute by minute: a person signed in as an operator at
    // the site reads their own (typed in any letter case), as their labour figures (GET /workload/performance); a
    // colleague's are for supervisors. An LPN's or a location's scans stay the floor's, whoever made them.
    const acting = actingWorkerOf(req);
    let workerId = q.worker;
    if (workerId !== undefined && acting !== undefined && req.principal !== undefined && roleAt(req.principal, site) === 'operator') {
      if (workerId.toLowerCase() !== acting.toLowerCase()) {
        throw new AppError('ACTING_AS_ANOTHER_WORKER', `Operators read their own scans (${acting}), not ${workerId}'s`,
          { errors: [{ field: '/querystring/worker', message: `must be ${acting}` }] });
      }
      workerId = acting;
    }
    const { rows } = unwrap(await service.scans({
      siteId: site, locationId: q.location, workerId, lpnId: q.lpn, after: unwrap(cursorSeq(q.cursor)), limit: q.limit,
    }));
    return { items: rows.map(scanView), nextCursor: nextCursor(rows, q.limit, (r) => r.seq) };
  });

  app.get('/physical-tracking/reconciliation', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'reconcilePhysicalStock', tags, summary: 'Physical vs logical stock: LPN contents against inventory balances, per location',
      description: 'Per location physical tracking knows (where live LPNs rest or an LPN was scanned, and IN_PROCESS:<orderId> for picked units '
        + 'LPNs hold), SKU, lot and owner: the units LPNs hold against inventory\'s on-hand (from InventoryApi.locationBalances), and each difference with '
        + 'the latest scans that explain it. Loose stock at locations no LPN ever visited is not compared. Empty `differences`: they agree.',
      querystring: Type.Object({ siteId: SiteRef }, { additionalProperties: false }),
      response: {
        200: Type.Object({ siteId: Type.String(), locations: Type.Integer({ description: 'Locations compared' }), differences: List(DifferenceSchema) }),
        ...problems('UNKNOWN_SITE'),
      },
    },
  }, async (req) => service.reconcile(await siteId(req.query.siteId, '/querystring/siteId')));
}

