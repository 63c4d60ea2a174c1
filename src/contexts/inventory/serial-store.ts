import type { Executor, Tx } from '../../platform/db/database.ts';
import { columnList, type Selectable } from '../../platform/db/row-types.ts';
import type { InventorySerialUnits } from './db-types.ts';

/** SQL of the serial registry (ADR 0058, migration 032): one row per life of a serial-controlled unit at a site. */

const SERIAL_COLUMN_NAMES = [
  'id', 'site_id', 'owner_id', 'sku', 'serial', 'status', 'location_id', 'lot', 'receipt_movement_id', 'asn_id', 'received_at',
  'order_id', 'pick_list_id', 'picked_from_location_id', 'picked_at', 'shipment_id', 'shipped_at', 'updated_at',
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
