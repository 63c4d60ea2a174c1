import type { Executor, Tx } from '../../platform/db/database.ts';
import { columnList, type Selectable } from '../../platform/db/row-types.ts';
import type { InventorySerialUnits } from './db-types.ts';

/** SQL of the serial registry (ADR 0058, migration 032): one row per life of a serial-controlled unit at a site. */

const SERIAL_COLUMN_NAMES = [
  'id', 'site_id', 'owner_id', 'sku', 'serial', 'status', 'location_id', 'lot', 'receipt_movement_id', 'asn_id', 'received_at',
  'order_id', 'pick_list_id', 'picked_from_location_id', 'picked_at', 'shipment_id', 'shipped_at', 'updated_at', 'stock_location_id',
] as const;
const SERIAL_COLUMNS = columnList(SERIAL_COLUMN_NAMES);
export type SerialUnitRow = Pick<Selectable<InventorySerialUnits>, (typeof SERIAL_COLUMN_NAMES)[number]>;

export const SERIAL_STATUSES = ['IN_STOCK', 'PICKED', 'SHIPPED'] as const;
export type SerialStatus = (typeof SERIAL_STATUSES)[number];

/** Of `serials`, those of the SKU live (IN_STOCK or PICKED) at the site. */
export async function liveSerials(db: Executor, siteId: string, sku: string, serials: readonly string[]): Promise<string[]> {
  if (serials.length === 0) return [];
  const rows = await db.query<{ serial: string }>(
    `SELECT serial FROM inventory.serial_units WHERE site_id = $1 AND sku = $2 AND serial = ANY($3::text[]) AND status IN ('IN_STOCK', 'PICKED')`,
    [siteId, sku, [...serials]],
  );
  return rows.map((r) => r.serial);
}

export interface NewSerialUnits {
  readonly siteId: string; readonly ownerId: string; readonly sku: string; readonly locationId: string; readonly lot: string;
  readonly receiptMovementId: string; readonly asnId: string | null; readonly at: Date;
  /** Id and serial of each unit. */
  readonly units: readonly { readonly id: string; readonly serial: string }[];
}

/**
 * Registers received units IN_STOCK; the serials one is live already (a receipt of it committed since the caller's
 * check) are left out: the answer lists those, so the caller refuses the receipt and its transaction rolls back.
 */
export async function registerSerials(tx: Tx, u: NewSerialUnits): Promise<string[]> {
  const rows = await tx.query<{ serial: string }>(
    `INSERT INTO inventory.serial_units (id, site_id, owner_id, sku, serial, status, location_id, lot, receipt_movement_id, asn_id, received_at, updated_at)
     SELECT x.id, $1, $2, $3, x.serial, 'IN_STOCK', $4, $5, $6, $7, $8, $8
       FROM unnest($9::text[], $10::text[]) AS x(id, serial)
     ON CONFLICT (site_id, sku, serial) WHERE status IN ('IN_STOCK', 'PICKED') DO NOTHING
     RETURNING serial`,
    [u.siteId, u.ownerId, u.sku, u.locationId, u.lot, u.receiptMovementId, u.asnId, u.at, u.units.map((x) => x.id), u.units.map((x) => x.serial)],
  );
  const inserted = new Set(rows.map((r) => r.serial));
  return u.units.filter((x) => !inserted.has(x.serial)).map((x) => x.serial);
}

/** Every life of a serial at the site (of one SKU, of one owner when given), newest first. */
export async function serialLives(
  db: Executor, q: { siteId: string; serial: string; sku?: string | undefined; ownerId?: string | undefined },
): Promise<SerialUnitRow[]> {
  return db.query<SerialUnitRow>(
    `SELECT ${SERIAL_COLUMNS} FROM inventory.serial_units
      WHERE serial = $1 AND site_id = $2 AND ($3::text IS NULL OR sku = $3) AND ($4::text IS NULL OR owner_id = $4)
      ORDER BY received_at DESC, id DESC`,
    [q.serial, q.siteId, q.sku ?? null, q.ownerId ?? null],
  );
}

/** Serial units of a site in id order after `after`, narrowed by SKU, order, status and owner. */
export async function listSerialUnits(db: Executor, q: {
  siteId: string; sku?: string | undefined; orderId?: string | undefined; status?: string | undefined; ownerId?: string | undefined;
  after: string | null; limit: number;
}): Promise<SerialUnitRow[]> {
  return db.query<SerialUnitRow>(
    `SELECT ${SERIAL_COLUMNS} FROM inventory.serial_units
      WHERE site_id = $1 AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR order_id = $3) AND ($4::text IS NULL OR status = $4)
        AND ($5::text IS NULL OR owner_id = $5) AND ($6::text IS NULL OR id > $6)
      ORDER BY id LIMIT $7`,
    [q.siteId, q.sku ?? null, q.orderId ?? null, q.status ?? null, q.ownerId ?? null, q.after, q.limit],
  );
}

/** Serials a pick confirmed (`picking.line.picked`): the units of an order's pick, from the location picked. */
export interface PickedSerials {
  readonly siteId: string; readonly sku: string; readonly serials: readonly string[];
  readonly orderId: string; readonly pickListId: string; readonly locationId: string;
}

/**
 * Marks picked serials PICKED for their order (ADR 0058), one statement for a run of picks; only units IN_STOCK move (a
 * redelivered pick finds them PICKED already and changes nothing). Answers how many it marked.
 */
export async function markPicked(tx: Tx, picks: readonly PickedSerials[], at: Date): Promise<number> {
  const rows = picks.flatMap((p) => p.serials.map((serial) => ({ ...p, serial })));
  if (rows.length === 0) return 0;
  const updated = await tx.query<{ id: string }>(
    `UPDATE inventory.serial_units u
        SET status = 'PICKED', order_id = x.order_id, pick_list_id = x.pick_list_id, picked_from_location_id = x.location_id,
            picked_at = $7, updated_at = $7
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(site_id, sku, serial, order_id, pick_list_id, location_id)
      WHERE u.site_id = x.site_id AND u.sku = x.sku AND u.serial = x.serial AND u.status = 'IN_STOCK'
      RETURNING u.id`,
    [rows.map((r) => r.siteId), rows.map((r) => r.sku), rows.map((r) => r.serial), rows.map((r) => r.orderId), rows.map((r) => r.pickListId),
      rows.map((r) => r.locationId), at],
  );
  return updated.length;
}

/**
 * A shipment of an order dispatched: of each SKU it ships, that many of the order's PICKED units (first picked first)
 * are SHIPPED in it. Answers how many.
 */
export async function markShipped(
  tx: Tx, s: { siteId: string; orderId: string; shipmentId: string; lines: readonly { sku: string; quantity: number }[]; at: Date },
): Promise<number> {
  const lines = s.lines.filter((l) => l.quantity > 0);
  if (lines.length === 0) return 0;
  const updated = await tx.query<{ id: string }>(
    `WITH shipped AS (
       SELECT u.id FROM unnest($3::text[], $4::int[]) AS x(sku, quantity)
         CROSS JOIN LATERAL (
           SELECT id FROM inventory.serial_units
            WHERE site_id = $1 AND order_id = $2 AND sku = x.sku AND status = 'PICKED'
            ORDER BY picked_at, id LIMIT x.quantity FOR UPDATE) u)
     UPDATE inventory.serial_units SET status = 'SHIPPED', shipment_id = $5, shipped_at = $6, updated_at = $6
      WHERE id IN (SELECT id FROM shipped) RETURNING id`,
    [s.siteId, s.orderId, lines.map((l) => l.sku), lines.map((l) => l.quantity), s.shipmentId, s.at],
  );
  return updated.length;
}

/**
 * Units of a cancelled order put back into stock (a return confirmed by scan): that many of the order's PICKED units of
 * the SKU (those of the return's lot and pick location first, then last picked first) are IN_STOCK again at `locationId`, no longer the order's. Answers
 * their serials (none for a product that is not serial-controlled).
 */
export async function putBack(
  tx: Tx, r: { siteId: string; orderId: string; sku: string; lot: string; pickedFrom: string; quantity: number; locationId: string; at: Date },
): Promise<string[]> {
  if (r.quantity <= 0) return [];
  const rows = await tx.query<{ serial: string }>(
    `UPDATE inventory.serial_units
        SET status = 'IN_STOCK', stock_location_id = $7, order_id = NULL, pick_list_id = NULL, picked_from_location_id = NULL, picked_at = NULL,
            updated_at = $8
      WHERE id IN (
        SELECT id FROM inventory.serial_units
         WHERE site_id = $1 AND order_id = $2 AND sku = $3 AND status = 'PICKED'
         ORDER BY (lot = $4) DESC, (picked_from_location_id = $5) DESC, picked_at DESC, id DESC LIMIT $6 FOR UPDATE)
      RETURNING serial`,
    [r.siteId, r.orderId, r.sku, r.lot, r.pickedFrom, r.quantity, r.locationId, r.at],
  );
  return rows.map((x) => x.serial).sort();
}
