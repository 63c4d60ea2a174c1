/** Stock control routes (issue 11): holds and cycle counts. Registered by http.ts; docs/operations/counting.md. */
import { Type } from '@fastify/type-provider-typebox';
import { ABC_CLASSES, COUNT_ORIGINS, COUNT_STATUSES, HELD_STATUSES } from '../../contracts/inventory.ts';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey } from '../../platform/http/paging.ts';
import { CAN, roleAt } from '../../platform/http/roles.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Id, Identifier, IdParam, Limit, List, LocationFilter, Nullable, Page, SiteRef, Sku, Text, WorkerId } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { FastifyRequest } from 'fastify';
import { countQueries } from './count-queries.ts';
import type { InventoryService } from './service.ts';
import { OwnerRef, ownerOfRequest } from './http-owners.ts';

const tags: Tag[] = ['Inventory'];
const NullableString = Nullable(Type.String());
const LocationCode = Identifier(100);
const Lot = Identifier(64);
const Reason = Text(500);

const HeldBalance = Type.Object({
  siteId: Type.String(), ownerId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: NullableString, status: Type.String(),
  onHand: Type.Integer(), reserved: Type.Integer(), available: Type.Integer(), expiresOn: Nullable(Type.String({ format: 'date' })), firstReceivedAt: DateTime,
});
const StatusChangeSchema = Type.Object({
  movementId: Type.String(), siteId: Type.String(), sku: Type.String(), locationId: Type.String(), lot: NullableString, quantity: Type.Integer(),
  fromStatus: Type.String(), toStatus: Type.String(), from: HeldBalance, to: HeldBalance,
}, { description: 'The HOLD or RELEASE movements written and the balances they left in both statuses' });

const CountSchema = Type.Object({
  id: Type.String(), siteId: Type.String(),
  ownerId: Type.String({ description: 'Whose units it counts (ADR 0028): a location holding several owners\' units of the SKU has a count for each; count only theirs' }),
  locationId: Type.String(), sku: Type.String(), lot: NullableString,
  origin: Enum(COUNT_ORIGINS), status: Enum(COUNT_STATUSES),
  attempt: Nullable(Type.Integer({ description: 'The attempt a submit must name while the count waits for one: 1 (count) or 2 (recount)' })),
  taskReference: Nullable(Type.String({ description: 'The reference of the COUNT task of that attempt' })),
  toleranceUnits: Nullable(Type.Integer()), tolerancePercent: Nullable(Type.Number()),
  blind: Type.Boolean({ description: 'True for counters (operators, integrations): no expected quantity, no variance, no earlier count' }),
  applied: Nullable(Type.Integer({ description: 'Units the COUNT movement changed on-hand by, once COMPLETED' })),
  movementId: NullableString, decidedBy: NullableString, decisionReason: NullableString, createdAt: DateTime, closedAt: Nullable(DateTime),
  submissions: List(Type.Object({
    attempt: Type.Integer(), counted: Type.Integer(),
    expected: Type.Integer({ description: 'AVAILABLE and held units on the shelf (not a lost LPN\'s): the counter counts them all' }), variance: Type.Integer(), withinTolerance: Type.Boolean(),
    workerId: NullableString, submittedAt: DateTime,
  }), { description: 'Each count submitted (managers and viewers only; empty in a blind view)' }),
}, { description: 'A cycle count of one owner\'s SKU and lot at one location' });

const SettingsSchema = Type.Object({ siteId: Type.String(), toleranceUnits: Nullable(Type.Integer()), tolerancePercent: Nullable(Type.Number()) });
const PolicySchema = Type.Object({ siteId: Type.String(), sku: Type.String(), abcClass: Enum(ABC_CLASSES), lastScheduledAt: Nullable(DateTime) });
const ToleranceUnits = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'A variance of at most this many units is applied at once' });
const TolerancePercent = Type.Number({ minimum: 0, maximum: 100, description: 'A variance of at most this percentage of the expected quantity is applied at once' });

/** Counters count blind: only managers (and viewers, who change nothing) see expected quantities and variances. */
/**
 * Whether the caller sees a count of `siteId` blind: its role at that site decides (a person who manages another site and
 * counts at this one is a counter here), its overall role where it has no grant there.
 */
const blindFor = (req: FastifyRequest, siteId: string): boolean => {
  const p = req.principal;
  return !['admin', 'manager', 'viewer'].includes((p === undefined ? undefined : roleAt(p, siteId) ?? p.role) ?? '');
};

export async function inventoryControlRoutes(
  app: HttpApp, deps: PlatformDeps, service: InventoryService, locations: Pick<LocationMasterApi, 'getSite'>,
): Promise<void> {
  const siteId = async (idOrCode: string, field = '/siteId'): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const counts = countQueries(deps.db);
  const ownerOf = ownerOfRequest(deps);

  // An owner-scoped key holds and releases its own owner's units only (ownerOf: another owner is 403 OWNER_NOT_ALLOWED).
  app.post('/inventory/holds', {
    config: { roles: CAN.plan, idempotent: true, owners: true },
    schema: {
      operationId: 'holdStock', tags, summary: 'Put AVAILABLE stock on HOLD, QUARANTINE or DAMAGED (HOLD movements)',
      description: 'Give exactly one of locationId and locationCode. The units stay where they are and leave ATP at once: never allocated nor reserved '
        + 'until released (POST /inventory/hold-releases). Refused with nothing changed: units reserved for picking there (409 STOCK_RESERVED), units '
        + 'orders were promised, i.e. more than the SKU\'s pickable AVAILABLE stock minus what is allocated (409 STOCK_ALLOCATED), more than the '
        + 'AVAILABLE on-hand (409 INSUFFICIENT_STOCK). The reason and the caller are recorded on the movements.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku, locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode), lot: Type.Optional(Lot),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), status: Enum(HELD_STATUSES), reason: Reason,
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku, locationCode: EXAMPLES.pickFace, quantity: 1, status: 'QUARANTINE', reason: 'carton crushed, awaiting QA' }] }),
      response: { 201: StatusChangeSchema, ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'INSUFFICIENT_STOCK', 'STOCK_RESERVED', 'STOCK_ALLOCATED') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.holdStock({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.post('/inventory/hold-releases', {
    config: { roles: CAN.plan, idempotent: true, owners: true },
    schema: {
      operationId: 'releaseHold', tags, summary: 'Release held stock back to AVAILABLE (RELEASE movements)',
      description: 'Give exactly one of locationId and locationCode, and the status the units are held in. At a pickable location they rejoin ATP '
        + 'at once and backordered lines are retried. More than is held there is 409 INSUFFICIENT_STOCK; so is a release reaching into the HOLD units of an LPN reported lost there (not on the shelf: its find releases them). HOLD units an open quality inspection '
        + 'holds there are kept back for its disposition (ADR 0031), and so are QUARANTINE units an RMA received there and still awaits inspection for '
        + '(ADR 0026 addendum): a release reaching into them is 409 HELD_BY_INSPECTION naming the inspection or the RMA.',
      body: Type.Object({
        siteId: SiteRef, ownerId: OwnerRef, sku: Sku, locationId: Type.Optional(Id), locationCode: Type.Optional(LocationCode), lot: Type.Optional(Lot),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }), fromStatus: Enum(HELD_STATUSES), reason: Reason,
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku, locationCode: EXAMPLES.pickFace, quantity: 1, fromStatus: 'QUARANTINE', reason: 'QA passed' }] }),
      response: { 201: StatusChangeSchema, ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'INSUFFICIENT_STOCK', 'HELD_BY_INSPECTION') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () =>
    unwrap(await service.releaseHold({ ...req.body, siteId: await siteId(req.body.siteId), ownerId: await ownerOf(req, req.body.ownerId) }, requestMeta(req)))));

  app.put('/inventory/count-settings', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'putCountSettings', tags, summary: "Set a site's count tolerance",
      description: 'A count whose variance is within either bound (units, or percent of the expected quantity) is applied at once; beyond both '
        + 'it asks for a recount, then a manager. Neither set: only an exact count is applied at once. Counts keep the tolerance they opened with.',
      body: Type.Object({ siteId: SiteRef, toleranceUnits: Nullable(ToleranceUnits), tolerancePercent: Nullable(TolerancePercent) },
        { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, toleranceUnits: 1, tolerancePercent: 2 }] }),
      response: { 200: SettingsSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => {
    const b = req.body;
    return counts.putSettings(await siteId(b.siteId), b.toleranceUnits, b.tolerancePercent);
  });

  app.get('/inventory/count-settings', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getCountSettings', tags, summary: "A site's count tolerance", description: 'Both null until set: counts must match exactly.',
      querystring: Type.Object({ siteId: SiteRef }, { additionalProperties: false }),
      response: { 200: SettingsSchema, ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => counts.settings(await siteId(req.query.siteId, '/querystring/siteId')));

  app.put('/inventory/count-policies', {
    config: { roles: CAN.plan },
    schema: {
      operationId: 'putCountPolicy', tags, summary: "Set a SKU's counting class at a site (A weekly, B monthly, C quarterly)",
      description: 'The job inventory.count-scheduler opens a SCHEDULED count at every location holding the SKU when its class\'s interval has passed '
        + 'since its last schedule (at once for a SKU never scheduled). A SKU the catalogue does not know is 422 UNKNOWN_SKU.',
      body: Type.Object({ siteId: SiteRef, sku: Sku, abcClass: Enum(ABC_CLASSES) },
        { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.sku, abcClass: 'A' }] }),
      response: { 200: PolicySchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU') },
    },
  }, async (req) => unwrap(await service.putCountPolicy({ siteId: await siteId(req.body.siteId), sku: req.body.sku, abcClass: req.body.abcClass })));

  app.get('/inventory/count-policies', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listCountPolicies', tags, summary: 'Counting classes of a site\'s SKUs', description: 'By SKU; paged by `limit` and `cursor`.',
      querystring: Type.Object({ siteId: SiteRef, limit: Limit(1000, 100), cursor: Cursor }, { additionalProperties: false }),
      response: { 200: Page(PolicySchema), ...problems('UNKNOWN_SITE') },
    },
  }, async (req) => counts.policies({ siteId: await siteId(req.query.siteId, '/querystring/siteId'), limit: req.query.limit,
    after: unwrap(cursorKey(req.query.cursor, CURSOR_SHAPES.text)) }));

  app.post('/inventory/counts', {
    config: { roles: CAN.plan, idempotent: true },
    schema: {
      operationId: 'requestCounts', tags, summary: 'Count locations or a SKU now (on-demand blind counts)',
      description: 'One count per SKU and lot (AVAILABLE units) at each location: `locationIds` alone counts everything there, `sku` alone counts it '
        + 'wherever it is, both count that SKU at those locations (an empty one too: expected 0). Each count queues a COUNT task and locks its '
        + 'location until it closes: not pickable (its units leave ATP, new reservations avoid it) and moves from or to it are refused (409 '
        + 'LOCATION_UNDER_COUNT). Units already being counted are not counted twice: their open count is answered. The tolerance is the site\'s '
        + 'unless given here. A SKU the catalogue does not know is 422 UNKNOWN_SKU (a typo is not "nothing to count"); nothing to count is 422 '
        + 'UNPROCESSABLE; a deactivated location named is 409 LOCATION_NOT_ACTIVE (a SKU-wide count passes over one).',
      body: Type.Object({
        siteId: SiteRef, locationIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 500 })), sku: Type.Optional(Sku),
        toleranceUnits: Type.Optional(ToleranceUnits), tolerancePercent: Type.Optional(TolerancePercent),
      }, { additionalProperties: false, examples: [{ siteId: EXAMPLES.site, sku: EXAMPLES.newSku }] }),
      response: { 201: Type.Object({ items: List(CountSchema) }), ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION', 'UNPROCESSABLE', 'LOCATION_NOT_ACTIVE') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 201, async () => {
    const site = await siteId(req.body.siteId);
    // Checked first: with locations named, an unknown SKU would be counted there (expected 0) instead of refused.
    unwrap(await service.unknownSku(req.body.sku, true, '/sku'));
    return { items: unwrap(await service.requestCounts({ ...req.body, siteId: site }, requestMeta(req))) };
  }));

  app.get('/inventory/counts', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listCounts', tags, summary: 'Cycle counts of a site, oldest first',
      description: 'Filter by status (AWAITING_APPROVAL: the manager\'s queue), location (its id or its code at the site; 422 UNKNOWN_LOCATION '
        + 'otherwise) and SKU (422 UNKNOWN_SKU for one the catalogue does not know); paged by `limit` and `cursor`. Counters get blind views.',
      querystring: Type.Object({
        siteId: SiteRef, status: Type.Optional(Enum(COUNT_STATUSES)), locationId: Type.Optional(LocationFilter), sku: Type.Optional(Sku), limit: Limit(500, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(CountSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_LOCATION') },
    },
  }, async (req) => {
    const q = req.query;
    const site = await siteId(q.siteId, '/querystring/siteId');
    const locationId = unwrap(await service.locationFilter(site, q.locationId));
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('cnt')));
    const page = await counts.counts({ siteId: site, status: q.status, locationId, sku: q.sku, limit: q.limit, after }, blindFor(req, site));
    unwrap(await service.unknownSku(q.sku, q.cursor === undefined && page.items.length === 0));
    return page;
  });

  const CountParams = Type.Object({ id: IdParam('count', 'POST /inventory/counts (items[].id), or a COUNT task\'s reference,') }, { additionalProperties: false });

  app.get('/inventory/counts/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getCount', tags, summary: 'One cycle count, with its submissions (blind for counters)',
      description: 'A count by id (404 NOT_FOUND when there is none). A counter (operator, integration) never sees the expected quantity, the '
        + 'variance nor an earlier count; managers see every submission.',
      params: CountParams, response: { 200: CountSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const c = await counts.count(req.params.id, false);
    if (c === undefined) throw new AppError('NOT_FOUND', `No count ${req.params.id}`);
    return blindFor(req, c.siteId) ? (await counts.count(req.params.id, true))! : c;
  });

  app.post('/inventory/counts/:id/submit', {
    config: { roles: CAN.floor, idempotent: true },
    schema: {
      operationId: 'submitCount', tags, summary: 'Submit a blind count: the units found at the location',
      description: 'Count every unit of the SKU and lot on the shelf, held ones (HOLD, QUARANTINE, DAMAGED) included: the ledger expects them '
        + 'all, and the variance is applied to AVAILABLE (held units stay held; a loss beyond the AVAILABLE units is 409 INSUFFICIENT_STOCK). '
        + 'Name the attempt the task was for (`attempt` of the count: 1, or 2 for the recount; another is 409 COUNT_ATTEMPT_MISMATCH). '
        + 'Within tolerance the variance is applied at once (COUNT movement) and the count COMPLETED; beyond it the first count asks for a recount '
        + '(a second COUNT task, by another counter: 409 RECOUNT_BY_SAME_COUNTER) and the recount for a manager\'s approval. A closed or waiting '
        + 'count is 409 ILLEGAL_TRANSITION; a loss below the units reserved there or below what orders were promised is 409 INSUFFICIENT_STOCK. '
        + 'Units found over the books by a count without a lot of a lot-controlled product are never within tolerance (they have no lot to be '
        + 'added under): recount, then a manager. The answer is blind. A signed-in person counts as their own worker.',
      params: CountParams,
      body: Type.Object({
        attempt: Type.Integer({ minimum: 1, maximum: 2 }), quantity: Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Every unit of the SKU and lot found on the shelf, held ones included' }),
        workerId: Type.Optional(WorkerId('Who counted (a signed-in person: themselves)')),
      }, { additionalProperties: false, examples: [{ attempt: 1, quantity: 0, workerId: 'alice' }] }),
      response: {
        200: { ...CountSchema, description: 'The count after the submission (blind)' },
        ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'ILLEGAL_TRANSITION', 'COUNT_ATTEMPT_MISMATCH', 'RECOUNT_BY_SAME_COUNTER', 'INSUFFICIENT_STOCK', 'ACTING_AS_ANOTHER_WORKER'),
      },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.submitCount({
    countId: req.params.id, attempt: req.body.attempt, quantity: req.body.quantity, workerId: req.body.workerId ?? actingWorkerOf(req) ?? null,
  }, requestMeta(req)))));

  for (const approve of [true, false]) {
    app.post(approve ? '/inventory/counts/:id/approve' : '/inventory/counts/:id/reject', {
      config: { roles: CAN.plan, idempotent: true },
      schema: {
        operationId: approve ? 'approveCount' : 'rejectCount', tags,
        summary: approve ? "Approve a recount's variance: it is applied (COUNT movement)" : "Reject a recount's variance, or abandon an open count: nothing is adjusted",
        description: approve
          ? 'Only a count AWAITING_APPROVAL (its recount was beyond tolerance; 409 ILLEGAL_TRANSITION otherwise), and not by a person who '
            + 'submitted its count or recount (403 OWN_COUNT_APPROVAL: segregation of duties). The count closes and lets go '
            + 'of its location; the manager and the reason are recorded. A loss below the units reserved there or below what orders were '
            + 'promised is 409 INSUFFICIENT_STOCK; units found over the books by a count without a lot of a lot-controlled product are 422 '
            + 'UNPROCESSABLE (field /lot): reject the count and add them by an adjustment or a receipt naming their lot.'
          : 'A count AWAITING_APPROVAL, or one still waiting for its count or recount (OPEN, RECOUNT: abandoned, e.g. nobody will count it); '
            + 'a closed one is 409 ILLEGAL_TRANSITION. Nothing is adjusted; the count closes REJECTED and lets go of its location; the manager '
            + 'and the reason (required) are recorded; the COUNT task of an attempt nobody submitted is withdrawn (CANCELLED, whoever holds it).',
        params: CountParams,
        body: Type.Object({ reason: approve ? Type.Optional(Reason) : Reason },
          { additionalProperties: false, examples: [{ reason: approve ? 'recount confirmed, damaged units scrapped' : 'stock found behind the rack' }] }),
        response: {
          200: CountSchema,
          ...problems('VALIDATION_FAILED', 'NOT_FOUND', 'ILLEGAL_TRANSITION', 'INSUFFICIENT_STOCK', 'UNPROCESSABLE', ...(approve ? ['OWN_COUNT_APPROVAL' as const] : [])),
        },
      },
    }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.decideCount({
      countId: req.params.id, approve, reason: req.body.reason, decidedBy: requestMeta(req).actor?.id ?? null,
      approver: req.principal?.kind === 'user' ? { userId: req.principal.id, workerId: actingWorkerOf(req) ?? null } : undefined,
    }, requestMeta(req)))));
  }
}
