import { cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { Cursor, Id, Limit } from '../../platform/http/schemas.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { PICK_LIST_STATUSES, SHORT_REASONS } from '../../contracts/picking.ts';
import type { PickingService } from './service.ts';

const tags = ['picking'];
const LineParams = Type.Object({ id: Id, lineId: Id }, { additionalProperties: false });
const ScanId = Type.Optional(Type.String({
  minLength: 1, maxLength: 100,
  description: 'The handheld\'s id for this scan, unique per pick list: a retry with the same scanId and content answers the list '
    + 'as it is now and counts nothing twice; the same scanId with other content is 422 SCAN_ID_REUSED',
}));

export async function pickingRoutes(app: HttpApp, deps: PlatformDeps, picking: PickingService): Promise<void> {
  app.get('/pick-lists/:id', {
    config: { roles: CAN.read },
    schema: { tags, summary: 'A pick list with its lines in pick sequence', params: Type.Object({ id: Id }, { additionalProperties: false }) },
  }, async (req) => {
    const list = await picking.get(req.params.id);
    if (list === undefined) throw new AppError('NOT_FOUND', `No pick list ${req.params.id}`);
    return list;
  });

  app.get('/pick-lists', {
    config: { roles: CAN.read },
    schema: {
      tags, summary: 'Pick lists by wave, order and status (oldest first)',
      querystring: Type.Object({
        waveId: Type.Optional(Id),
        orderId: Type.Optional(Id),
        status: Type.Optional(Type.Union(PICK_LIST_STATUSES.map((s) => Type.Literal(s)))),
        limit: Limit(200, 50),
        cursor: Cursor,
      }, { additionalProperties: false }),
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor)); // the last id of the previous page
    const items = await picking.list({
      limit: q.limit,
      ...(q.waveId === undefined ? {} : { waveId: q.waveId }),
      ...(q.orderId === undefined ? {} : { orderId: q.orderId }),
      ...(q.status === undefined ? {} : { status: q.status }),
      ...(after === null ? {} : { cursor: after }),
    });
    return { items, nextCursor: nextCursor(items, q.limit, (l) => l.id) };
  });

  app.post('/pick-lists/:id/lines/:lineId/confirm', {
    config: { roles: CAN.floor },
    schema: {
      tags,
      summary: 'Confirm a pick by scan: location, product barcode (GTIN or SKU), quantity, tote',
      description: '422 WRONG_LOCATION, WRONG_PRODUCT or QUANTITY_EXCEEDS_OPEN, 409 ILLEGAL_TRANSITION on a closed line; nothing is written then. '
        + 'Partial confirms add up; the line is PICKED when complete. Answers the pick list. A retry must not count twice: send '
        + 'an Idempotency-Key, or a scanId.',
      params: LineParams,
      body: Type.Object({
        locationCode: Type.String({ minLength: 1, maxLength: 100 }),
        barcode: Type.String({ minLength: 1, maxLength: 64 }),
        quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        toteId: Type.String({ minLength: 1, maxLength: 100 }),
        scanId: ScanId,
      }, { additionalProperties: false }),
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await picking.confirm(req.params.id, req.params.lineId, req.body, requestMeta(req)))));

  app.post('/pick-lists/:id/lines/:lineId/short', {
    config: { roles: CAN.floor },
    schema: {
      tags, summary: 'Close a line short for what is still open on it', params: LineParams,
      body: Type.Object({ reason: Type.Union(SHORT_REASONS.map((r) => Type.Literal(r))), scanId: ScanId }, { additionalProperties: false }),
    },
  }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () =>
    unwrap(await picking.short(req.params.id, req.params.lineId, req.body.reason, requestMeta(req), req.body.scanId))));
}
