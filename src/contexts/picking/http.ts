import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { Cursor, DateTime, Enum, EXAMPLES, Identifier, IdParam, Limit, List, Nullable, NullableEnum, Page } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { AppError, unwrap, type ErrorCode } from '../../platform/errors.ts';
import { actingWorkerOf } from '../../platform/http/auth.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { PICK_LINE_STATUSES, PICK_LIST_STATUSES, SHORT_REASONS } from '../../contracts/picking.ts';
import type { PickingService } from './service.ts';

const tags: Tag[] = ['Picking'];
const ListId = IdParam('pickList', 'POST /tasks/next (a PICK task\'s reference)');
const LineParams = Type.Object({ id: ListId, lineId: IdParam('pickLine', 'GET /pick-lists/{id} (lines[].id)') }, { additionalProperties: false });
const NullableString = Nullable(Type.String());
/**
 * A scan's list, whose PICK task's holder tasks is asked for before the scan (heldTaskGuard): another person's scan is
 * refused there, and picking decides on the holder tasks answered rather than on its projection of it, which may not
 * have heard of the latest claim yet (and a key's scan records the holder as who picked).
 */
const listOf = async (req: { params: unknown }): Promise<string | undefined> => {
  const id = (req.params as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
};

const PickLineSchema = Type.Object({
  id: Type.String(), pickListId: Type.String(), seq: Type.Integer({ description: 'Position in walking order' }), orderId: Type.String(),
  orderLineId: Type.String(), reservationId: Type.String(), siteId: Type.String(), sku: Type.String(),
  ownerId: Type.Optional(Nullable(Type.String({ description: "Whose units the line takes: its reservation's owner (ADR 0028); null: the default owner's (and on lines made before lines named one)." }))),
  expectedBarcode: Nullable(Type.String({ description: 'The GTIN to scan (the SKU when the product has none)' })),
  locationId: Type.String(), locationCode: NullableString, pickSequence: Nullable(Type.Integer()), lot: NullableString,
  expiresOn: Type.Optional(Nullable(Type.String({ description: 'The expiry (YYYY-MM-DD) of the lot reserved: a confirm after that day is 409 LOT_EXPIRED. Null: undated stock, or a line made before lines knew it.' }))),
  quantity: Type.Integer(), picked: Type.Integer(), shortQuantity: Type.Integer(), shortReason: NullableEnum(SHORT_REASONS),
  toteId: NullableString, status: Enum(PICK_LINE_STATUSES), updatedAt: DateTime,
});
const PickListSchema = Type.Object({
  id: Type.String(), siteId: Type.String(), waveId: Type.String(), orderIds: List(Type.String()), status: Enum(PICK_LIST_STATUSES),
  priority: Type.Integer(), routeLength: Nullable(Type.Number({ description: 'Metres walked along the lines in this order' })),
  createdAt: DateTime, updatedAt: DateTime, completedAt: Nullable(DateTime), lines: List(PickLineSchema),
});
// ACTING_AS_ANOTHER_WORKER: a signed-in person scanning on a pick list another worker's task holds.
const scanProblems = (...more: ErrorCode[]) => problems(
  'NOT_FOUND', 'ILLEGAL_TRANSITION', 'ORDER_CANCELLED', 'WRONG_LOCATION', 'WRONG_PRODUCT', 'QUANTITY_EXCEEDS_OPEN', 'SCAN_ID_REUSED',
  'ACTING_AS_ANOTHER_WORKER', ...more,
);
const ScanId = Type.Optional(Identifier(100, {
  description: 'The handheld\'s id for this scan, unique per pick list: a retry with the same scanId and content answers the list '
    + 'as it is now and counts nothing twice; the same scanId with other content is 422 SCAN_ID_REUSED',
}));

export async function pickingRoutes(app: HttpApp, deps: PlatformDeps, picking: PickingService): Promise<void> {
  app.get('/pick-lists/:id', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'getPickList', tags, summary: 'A pick list with its lines in pick sequence',
      description: 'A pick list by id (404 NOT_FOUND when there is none); a PICK task\'s `reference` names it.',
      params: Type.Object({ id: ListId }, { additionalProperties: false }), response: { 200: PickListSchema, ...problems('NOT_FOUND') },
    },
  }, async (req) => {
    const list = await picking.get(req.params.id);
    if (list === undefined) throw new AppError('NOT_FOUND', `No pick list ${req.params.id}`);
    return list;
  });

  app.get('/pick-lists', {
    config: { roles: CAN.read },
    schema: {
      operationId: 'listPickLists', tags, summary: 'Pick lists by site, wave, order and status (oldest first)',
      description: 'Paged by `limit` and `cursor`. A caller of some sites only names one of them: `siteId`, or a wave or order of it '
        + '(403 SITE_REQUIRED otherwise).',
      querystring: Type.Object({
        siteId: Type.Optional(Type.String({
          pattern: '^sit_[0-9a-z]+$', maxLength: 64, description: 'Only this site\'s pick lists: its id (`sit_…`, from GET /sites)',
        })),
        waveId: Type.Optional(IdParam('wave', 'POST /waves')),
        orderId: Type.Optional(IdParam('order', 'POST /orders')),
        status: Type.Optional(Type.Union(PICK_LIST_STATUSES.map((s) => Type.Literal(s)))),
        limit: Limit(200, 50),
        cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(PickListSchema) },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('pkl'))); // the last id of the previous page
    const items = await picking.list({
      limit: q.limit,
      ...(q.siteId === undefined ? {} : { siteId: q.siteId }),
      ...(q.waveId === undefined ? {} : { waveId: q.waveId }),
      ...(q.orderId === undefined ? {} : { orderId: q.orderId }),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(after === null ? {} : { cursor: after }),
    });
    return { items, nextCursor: nextCursor(items, q.limit, (l) => l.id) };
  });

  app.post('/pick-lists/:id/lines/:lineId/confirm', {
    config: { roles: CAN.floor, idempotent: true, heldWork: listOf, namesHolder: true },
    schema: {
      operationId: 'confirmPick', tags,
      summary: 'Confirm a pick by scan: location, product barcode (GTIN or SKU), quantity, tote',
      description: '422 WRONG_LOCATION, WRONG_PRODUCT or QUANTITY_EXCEEDS_OPEN, 409 ILLEGAL_TRANSITION on a closed line; nothing is written then. '
        + '409 LOT_EXPIRED when the lot of the line (its `expiresOn`) expired before today: nothing of it is picked; short the line with '
        + 'reason EXPIRED and the order\'s units are re-reserved from a good lot (or the order ships short or waits, by its policy). '
        + 'Partial confirms add up; the line is PICKED when complete. Answers the pick list. A retry must not count twice: send '
        + 'an Idempotency-Key, or a scanId. The example scans the line of the POST /orders example\'s order, whose stock the inventory '
        + 'examples put at DEMO-A-03-05-1. A serial-controlled product (ADR 0058) is confirmed with `serials`, one scanned per unit: '
        + 'exactly `quantity` distinct serials (400 VALIDATION_FAILED naming /serials, or /serials/<i> for one named twice; a product without '
        + 'the flag takes none, 400 naming /serials), each a serial of the line\'s SKU received at the site (422 UNKNOWN_SERIAL naming '
        + '/serials/<i>, which says when it is another SKU\'s) and in stock, not picked already (409 SERIAL_NOT_IN_STOCK naming /serials/<i>). '
        + 'A refused confirm changes nothing; of two confirms naming one serial at once, one picks it and the other is 409 SERIAL_NOT_IN_STOCK. '
        + '`picking.line.picked` carries the serials; inventory marks them PICKED for the order (GET /inventory/serials/{serial}).',
      params: LineParams,
      body: Type.Object({
        locationCode: Identifier(100),
        barcode: Type.String({ minLength: 1, maxLength: 64 }),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        toteId: Identifier(100),
        scanId: ScanId,
        serials: Type.Optional(Type.Array(Identifier(100), { maxItems: 10_000, description: 'A serial-controlled product (ADR 0058): the serial '
          + 'scanned on each unit picked, exactly `quantity` distinct ones; none for any other product' })),
      }, { additionalProperties: false, examples: [{ locationCode: EXAMPLES.pickFace, barcode: EXAMPLES.newGtin, quantity: 1, toteId: 'TOTE-7' }] }),
      response: { 200: { ...PickListSchema, description: 'The pick list after the scan' }, ...scanProblems('LOT_EXPIRED', 'UNKNOWN_SERIAL', 'SERIAL_NOT_IN_STOCK') },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await picking.confirm(req.params.id, req.params.lineId, { ...req.body, actingWorker: actingWorkerOf(req), heldBy: req.workHolder }, requestMeta(req)))));

  app.post('/pick-lists/:id/lines/:lineId/short', {
    config: { roles: CAN.floor, idempotent: true, heldWork: listOf, namesHolder: true },
    schema: {
      operationId: 'shortPick', tags, summary: 'Close a line short for what is still open on it',
      description: 'The open quantity is shorted (inventory takes the reserved units out of stock at the location for NOT_FOUND and DAMAGED; '
        + 'OTHER and EXPIRED leave them on hand, EXPIRED being the way out of a confirm refused LOT_EXPIRED); 409 ILLEGAL_TRANSITION on a '
        + 'closed line. An order whose every unit was shorted ends CANCELLED.',
      params: LineParams,
      body: Type.Object({ reason: Type.Union(SHORT_REASONS.map((r) => Type.Literal(r))), scanId: ScanId }, {
        additionalProperties: false, examples: [{ reason: 'NOT_FOUND' }],
      }),
      response: { 200: { ...PickListSchema, description: 'The pick list after the short' }, ...scanProblems() },
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await picking.short(req.params.id, req.params.lineId, req.body.reason, requestMeta(req), req.body.scanId, actingWorkerOf(req), req.workHolder))));
}
