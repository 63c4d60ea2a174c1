/** Safety stock routes (ADR 0057): a SKU's units at a site that allocation never promises. Registered by http.ts. */
import { Type } from '@fastify/type-provider-typebox';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { requestMeta } from '../../platform/bus/envelope.ts';
import { unwrap } from '../../platform/errors.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { CAN } from '../../platform/http/roles.ts';
import { Cursor, DateTime, EXAMPLES, Limit, Nullable, Page, SiteRef, Sku } from '../../platform/http/schemas.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { OwnerFilter, OwnerRef, ownerFilterOf, ownerOfRequest } from './http-owners.ts';
import * as safety from './safety-stock-store.ts';
import type { InventoryService } from './service.ts';
import { safetyStockView } from './use-cases/set-safety-stock/handler.ts';

const tags: Tag[] = ['Inventory'];

const SafetyStockSchema = Type.Object({
  siteId: Type.String(), ownerId: Type.String({ description: 'Whose units (ADR 0028)' }), sku: Type.String(),
  quantity: Type.Integer({ description: 'Units never allocated to orders; 0: none set' }),
  updatedAt: Nullable({ ...DateTime, description: 'When it was last set or cleared (null: never)' }),
}, { description: 'A SKU\'s safety stock at a site, for one owner\'s units (ADR 0057)' });

const Params = Type.Object({ siteId: SiteRef, sku: { ...Sku, examples: [EXAMPLES.sku] } }, { additionalProperties: false });

/** Whether a key is a safety-stock page's: the SKU and the owner, apart by U+0001. */
const pageKey = (key: string): boolean => {
  const parts = key.split('\u0001');
  return parts.length === 2 && parts[0] !== '' && CURSOR_SHAPES.text(parts[0]!) && CURSOR_SHAPES.idOf('own')(parts[1]!);
};

const QUANTITY = Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Units of the SKU no order is ever allocated; 0 clears it' });

export async function safetyStockRoutes(
  app: HttpApp, deps: PlatformDeps, service: InventoryService, locations: Pick<LocationMasterApi, 'getSite'>,
): Promise<void> {
  const siteId = async (idOrCode: string, field: string): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, field));
  const ownerOf = ownerOfRequest(deps);
  const ownerFilter = ownerFilterOf(deps);
  const set = async (req: Parameters<typeof ownerOf>[0], params: { siteId: string; sku: string }, ownerId: string | undefined, quantity: number, field: string) =>
    unwrap(await service.setSafetyStock({
      siteId: await siteId(params.siteId, '/siteId'), ownerId: await ownerOf(req, ownerId, field), sku: params.sku, quantity,
    }, requestMeta(req)));

  app.put('/inventory/safety-stock/:siteId/:sku', {
    config: { roles: CAN.plan, owners: true },
    schema: {
      operationId: 'putSafetyStock', tags, summary: 'Set a SKU\'s safety stock at a site (units never allocated to orders)',
      description: 'Allocation (order intake, backorder retries, a short pick\'s re-reservation) promises only what is above it: pickable AVAILABLE '
        + 'on-hand, unexpired, unallocated, minus the safety stock; ATP (GET /inventory/atp) is net of it. 0 clears it (as DELETE does). '
        + 'Raising it takes back nothing already allocated; lowering it retries the SKU\'s backordered lines at once (`inventory.safety-stock.set`). '
        + 'Holds, moves, adjustments and picks may still take the units: it only keeps orders off them. Per owner\'s units (ADR 0028): '
        + '`ownerId` absent is the default owner. A SKU the catalogue does not know is 422 UNKNOWN_SKU; an unknown site 422 UNKNOWN_SITE. '
        + 'The same figure again changes nothing.',
      params: Params,
      body: Type.Object({ quantity: QUANTITY, ownerId: OwnerRef }, { additionalProperties: false, examples: [{ quantity: 5 }] }),
      response: { 200: SafetyStockSchema, ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => set(req, req.params, req.body.ownerId, req.body.quantity, '/ownerId'));

  app.delete('/inventory/safety-stock/:siteId/:sku', {
    config: { roles: CAN.plan, owners: true },
    schema: {
      operationId: 'deleteSafetyStock', tags, summary: 'Clear a SKU\'s safety stock at a site (as PUT with quantity 0)',
      description: 'Its backordered lines are retried at once when there was one. Clearing one never set answers quantity 0 and changes nothing.',
      params: Params,
      querystring: Type.Object({ ownerId: OwnerRef }, { additionalProperties: false }),
      response: { 200: SafetyStockSchema, ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => set(req, req.params, req.query.ownerId, 0, '/querystring/ownerId'));

  app.get('/inventory/safety-stock/:siteId/:sku', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'getSafetyStock', tags, summary: 'A SKU\'s safety stock at a site',
      description: 'Quantity 0 (updatedAt null) when none was ever set; `owner` absent is the default owner (or an owner-scoped key\'s). '
        + 'A SKU the catalogue does not know is 422 UNKNOWN_SKU.',
      params: Params,
      querystring: Type.Object({ owner: OwnerFilter }, { additionalProperties: false }),
      response: { 200: SafetyStockSchema, ...problems('UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => {
    const site = await siteId(req.params.siteId, '/siteId');
    const ownerId = await ownerOf(req, req.query.owner, '/querystring/owner');
    const row = await safety.safetyStock(deps.db, site, ownerId, req.params.sku);
    // A SKU with no stock row at the site: known to the catalogue (0), or a typo (422).
    if (row === undefined) unwrap(await service.unknownSku(req.params.sku, true, '/sku'));
    return safetyStockView(site, ownerId, req.params.sku, row);
  });

  app.get('/inventory/safety-stock', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listSafetyStocks', tags, summary: 'The safety stocks set at a site, by SKU and owner',
      description: 'Only SKUs with a safety stock above 0. Filter by owner and SKU (422 UNKNOWN_SKU for one the catalogue does not know); '
        + 'paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, owner: OwnerFilter, sku: Type.Optional(Sku), limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(SafetyStockSchema), ...problems('VALIDATION_FAILED', 'UNKNOWN_SITE', 'UNKNOWN_SKU', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => {
    const q = req.query;
    const key = unwrap(cursorKey(q.cursor, pageKey));
    const after = key === null ? undefined : { sku: key.split('\u0001')[0]!, ownerId: key.split('\u0001')[1]! };
    const site = await siteId(q.siteId, '/querystring/siteId');
    const rows = await safety.safetyStocks(deps.db, { siteId: site, ownerId: await ownerFilter(req, q.owner), sku: q.sku, limit: q.limit, after });
    unwrap(await service.unknownSku(q.sku, q.cursor === undefined && rows.length === 0));
    return {
      items: rows.map((r) => safetyStockView(r.site_id, r.owner_id, r.sku, r)),
      nextCursor: nextCursor(rows, q.limit, (r) => `${r.sku}\u0001${r.owner_id}`),
    };
  });
}
