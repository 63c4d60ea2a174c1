import { Type } from '@fastify/type-provider-typebox';
import { resolveSiteId, type LocationMasterApi } from '../../contracts/location-master.ts';
import { AppError, unwrap } from '../../platform/errors.ts';
import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { Cursor, DateTime, Enum, Identifier, Limit, Nullable, Page, SiteRef, Sku } from '../../platform/http/schemas.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { fromLotKey, inProcessLocation } from './domain/stock.ts';
import { OwnerFilter, ownerFilterOf } from './http-owners.ts';
import * as serials from './serial-store.ts';

const tags: Tag[] = ['Inventory'];
const NullableString = Nullable(Type.String());

export const SerialUnitSchema = Type.Object({
  id: Type.String({ description: 'This life of the unit (`ser_…`): a serial shipped and received again starts a new one' }),
  serial: Type.String(), sku: Type.String(), siteId: Type.String(), ownerId: Type.String({ description: 'Whose unit (ADR 0028)' }),
  status: Enum(serials.SERIAL_STATUSES, { description: 'IN_STOCK (received, not picked), PICKED (in an order\'s tote) or SHIPPED' }),
  where: Type.Union([Type.String(), Type.Null()], {
    description: 'Where the unit is: while IN_STOCK its receiving location (the registry follows no moves, ADR 0058), or where it was put back '
      + 'after a pick (a cancelled order\'s return); IN_PROCESS:<orderId> once PICKED, null once SHIPPED (see shipmentId)',
  }),
  receivedAt: DateTime, receivedAtLocationId: Type.String({ description: 'The location it was received at' }),
  receiptMovementId: Type.String({ description: 'The RECEIPT movement (GET /inventory/movements/{id})' }),
  asnId: NullableString, lot: NullableString,
  orderId: NullableString, pickListId: NullableString,
  pickedFromLocationId: NullableString, pickedAt: Nullable(DateTime),
  shipmentId: NullableString, shippedAt: Nullable(DateTime),
}, { description: 'One life of a serial-controlled unit at a site: received, picked for an order, shipped (ADR 0058)' });

export function serialUnitView(r: serials.SerialUnitRow) {
  return {
    id: r.id, serial: r.serial, sku: r.sku, siteId: r.site_id, ownerId: r.owner_id, status: r.status as serials.SerialStatus,
    where: r.status === 'IN_STOCK' ? (r.stock_location_id ?? r.location_id) : r.status === 'PICKED' && r.order_id !== null ? inProcessLocation(r.order_id) : null,
    receivedAt: r.received_at.toISOString(), receivedAtLocationId: r.location_id,
    receiptMovementId: r.receipt_movement_id, asnId: r.asn_id, lot: fromLotKey(r.lot),
    orderId: r.order_id, pickListId: r.pick_list_id, pickedFromLocationId: r.picked_from_location_id, pickedAt: r.picked_at?.toISOString() ?? null,
    shipmentId: r.shipment_id, shippedAt: r.shipped_at?.toISOString() ?? null,
  };
}

/** The serial registry's reads (ADR 0058): where a serial is, or where it went. */
export async function serialRoutes(app: HttpApp, deps: PlatformDeps, locations: Pick<LocationMasterApi, 'getSite'>): Promise<void> {
  const siteId = async (idOrCode: string): Promise<string> => unwrap(await resolveSiteId(locations, idOrCode, '/querystring/siteId'));
  const ownerFilter = ownerFilterOf(deps);

  app.get('/inventory/serials/:serial', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'traceSerial', tags, summary: 'Where a serial is, or where it went (ADR 0058)',
      description: 'Every life of the serial at the site, newest first (a unit shipped and received again has two): where it was received '
        + '(movement, ASN, location, lot), the order and pick list it was picked for, the shipment it left in. `sku` narrows to one SKU (a serial is '
        + 'unique per SKU, not across SKUs). 404 NOT_FOUND when the site has never received it (an owner-scoped key sees its own owner\'s units only).',
      params: Type.Object({ serial: Identifier(100, { examples: ['SN-0001'] }) }, { additionalProperties: false }),
      querystring: Type.Object({ siteId: SiteRef, sku: Type.Optional(Sku), owner: OwnerFilter }, { additionalProperties: false }),
      response: {
        200: Type.Object({ serial: Type.String(), siteId: Type.String(), items: Type.Array(SerialUnitSchema) }),
        ...problems('NOT_FOUND', 'UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED'),
      },
    },
  }, async (req) => {
    const site = await siteId(req.query.siteId);
    const rows = await serials.serialLives(deps.db, { siteId: site, serial: req.params.serial, sku: req.query.sku, ownerId: await ownerFilter(req, req.query.owner) });
    if (rows.length === 0) {
      throw new AppError('NOT_FOUND', `Site ${req.query.siteId} never received serial ${req.params.serial}${req.query.sku === undefined ? '' : ` of ${req.query.sku}`}`);
    }
    return { serial: req.params.serial, siteId: site, items: rows.map(serialUnitView) };
  });

  app.get('/inventory/serials', {
    config: { roles: CAN.read, owners: true },
    schema: {
      operationId: 'listSerials', tags, summary: 'Serial-controlled units of a site (ADR 0058)',
      description: 'The serial registry of a site in id order, narrowed by `sku`, `orderId` (the units picked for an order), `status` and '
        + '`owner` (an owner-scoped key reads its own owner\'s only); paged by `limit` and `cursor`.',
      querystring: Type.Object({
        siteId: SiteRef, sku: Type.Optional(Sku), orderId: Type.Optional(Identifier(100)), status: Type.Optional(Enum(serials.SERIAL_STATUSES)),
        owner: OwnerFilter, limit: Limit(1000, 100), cursor: Cursor,
      }, { additionalProperties: false }),
      response: { 200: Page(SerialUnitSchema), ...problems('UNKNOWN_SITE', 'UNKNOWN_OWNER', 'OWNER_NOT_ALLOWED') },
    },
  }, async (req) => {
    const q = req.query;
    const after = unwrap(cursorKey(q.cursor, CURSOR_SHAPES.idOf('ser')));
    const rows = await serials.listSerialUnits(deps.db, {
      siteId: await siteId(q.siteId), sku: q.sku, orderId: q.orderId, status: q.status, ownerId: await ownerFilter(req, q.owner), after, limit: q.limit,
    });
    return { items: rows.map(serialUnitView), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
  });
}
