/** SQL of replenishment (migration 008): min/max settings per pick face and SKU, the replenishments themselves, and faces waiting for a source (021). */
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { ReplenishmentStatus, ReplenishmentTrigger } from '../../contracts/inventory.ts';
import type { LocationStatus, LocationType } from '../../contracts/location-master.ts';
import type { InventoryReplenishments, InventoryReplenishmentSettings, InventoryReplenishmentWaits } from './db-types.ts';

const SETTING_COLUMN_NAMES = ['location_id', 'sku', 'site_id', 'min_quantity', 'max_quantity', 'updated_at'] as const;
const SETTING_COLUMNS = columnList(SETTING_COLUMN_NAMES);
export type SettingRow = Pick<Selectable<InventoryReplenishmentSettings>, (typeof SETTING_COLUMN_NAMES)[number]>;

const REPLENISHMENT_COLUMN_NAMES = [
  'id', 'site_id', 'owner_id', 'sku', 'lot', 'from_location_id', 'to_location_id', 'quantity', 'moved', 'status', 'trigger', 'trigger_reference',
  'confirmed_by', 'confirmed_at', 'created_at', 'updated_at',
] as const;
const REPLENISHMENT_COLUMNS = columnList(REPLENISHMENT_COLUMN_NAMES);
export type ReplenishmentRow = Narrowed<Pick<Selectable<InventoryReplenishments>, (typeof REPLENISHMENT_COLUMN_NAMES)[number]>, {
  status: ReplenishmentStatus; trigger: ReplenishmentTrigger;
}>;
export type NewReplenishmentRow = Pick<ReplenishmentRow, 'id' | 'site_id' | 'owner_id' | 'sku' | 'lot' | 'from_location_id' | 'to_location_id' | 'quantity' |
  'trigger' | 'trigger_reference'>;

export async function upsertSetting(db: Executor, s: Pick<SettingRow, 'location_id' | 'sku' | 'site_id' | 'min_quantity' | 'max_quantity'>): Promise<SettingRow> {
  return (await db.query<SettingRow>(
    `INSERT INTO inventory.replenishment_settings AS s (location_id, sku, site_id, min_quantity, max_quantity) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (location_id, sku) DO UPDATE SET min_quantity = EXCLUDED.min_quantity, max_quantity = EXCLUDED.max_quantity, updated_at = now()
     RETURNING ${SETTING_COLUMNS}`,
    [s.location_id, s.sku, s.site_id, s.min_quantity, s.max_quantity],
  ))[0]!;
}

export async function deleteSetting(db: Executor, locationId: string, sku: string): Promise<boolean> {
  return (await db.query(`DELETE FROM inventory.replenishment_settings WHERE location_id = $1 AND sku = $2 RETURNING 1`, [locationId, sku])).length === 1;
}

/**
 * `getSetting` FOR SHARE, for a low-stock trigger: a removal of the setting (its DELETE locks the row) at the same moment
 * either committed first (no row here) or waits for this commit and then ends the wait it started.
 */
export async function shareSetting(db: Executor, locationId: string, sku: string): Promise<SettingRow | undefined> {
  return (await db.query<SettingRow>(`SELECT ${SETTING_COLUMNS} FROM inventory.replenishment_settings WHERE location_id = $1 AND sku = $2 FOR SHARE`,
    [locationId, sku]))[0];
}

export async function getSetting(db: Executor, locationId: string, sku: string): Promise<SettingRow | undefined> {
  return (await db.query<SettingRow>(`SELECT ${SETTING_COLUMNS} FROM inventory.replenishment_settings WHERE location_id = $1 AND sku = $2`,
    [locationId, sku]))[0];
}

/** Which of these faces have a min/max for their SKU, as `locationId \u0000 sku` keys (one read for a run of picks). */
export async function settingsAt(db: Executor, faces: readonly { locationId: string; sku: string }[]): Promise<Set<string>> {
  if (faces.length === 0) return new Set();
  const rows = await db.query<Pick<SettingRow, 'location_id' | 'sku'>>(
    `SELECT s.location_id, s.sku FROM inventory.replenishment_settings s
     JOIN unnest($1::text[], $2::text[]) AS f(location_id, sku) ON s.location_id = f.location_id AND s.sku = f.sku`,
    [faces.map((f) => f.locationId), faces.map((f) => f.sku)],
  );
  return new Set(rows.map((r) => `${r.location_id}\u0000${r.sku}`));
}

/** The faces of these SKUs at a site that have a min/max, in SKU then location order. */
export async function settingsOfSkus(db: Executor, siteId: string, skus: readonly string[]): Promise<SettingRow[]> {
  if (skus.length === 0) return [];
  return db.query<SettingRow>(
    `SELECT ${SETTING_COLUMNS} FROM inventory.replenishment_settings WHERE site_id = $1 AND sku = ANY($2::text[]) ORDER BY sku, location_id`,
    [siteId, [...skus]],
  );
}

export async function listSettings(db: Executor, q: { siteId: string; sku?: string | undefined; locationId?: string | undefined; limit: number;
  after: string | null; }): Promise<SettingRow[]> {
  return db.query<SettingRow>(
    `SELECT ${SETTING_COLUMNS} FROM inventory.replenishment_settings
      WHERE site_id = $1 AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR location_id = $3)
        AND ($4::text IS NULL OR location_id || E'\\u0001' || sku > $4)
      ORDER BY location_id, sku LIMIT $5`,
    [q.siteId, q.sku ?? null, q.locationId ?? null, q.after, q.limit],
  );
}

/**
 * Serialises every request for one face and SKU in this transaction (triggers from picks, moves, waves and shorts may
 * arrive together): the one-open check and the insert then never race. Held by transactions that only read balances
 * (no row locks), so it cannot close a cycle with the balance locks a short pick holds when it takes it.
 */
export async function lockFaceSku(db: Executor, locationId: string, ownerId: string, sku: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('inventory.replenishment'), hashtext($1 || E'\\u0001' || $2 || E'\\u0001' || $3))`,
    [locationId, sku, ownerId]);
}

/** The open replenishment of a face, SKU and owner (one at a time: each owner's units at a face are topped up apart, ADR 0028). */
export async function openReplenishmentFor(db: Executor, locationId: string, ownerId: string, sku: string): Promise<ReplenishmentRow | undefined> {
  return (await db.query<ReplenishmentRow>(
    `SELECT ${REPLENISHMENT_COLUMNS} FROM inventory.replenishments WHERE to_location_id = $1 AND sku = $2 AND owner_id = $3 AND status = 'OPEN'`,
    [locationId, sku, ownerId],
  ))[0];
}

/** The OPEN replenishments that fill a face, every SKU and owner, by id (the order they are locked in). */
export async function openReplenishmentsTo(db: Executor, locationId: string): Promise<{ id: string }[]> {
  return db.query<{ id: string }>(`SELECT id FROM inventory.replenishments WHERE to_location_id = $1 AND status = 'OPEN' ORDER BY id`, [locationId]);
}

export async function insertReplenishment(db: Executor, r: NewReplenishmentRow): Promise<ReplenishmentRow> {
  return (await db.query<ReplenishmentRow>(
    `INSERT INTO inventory.replenishments (id, site_id, sku, lot, from_location_id, to_location_id, quantity, status, trigger, trigger_reference, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'OPEN', $8, $9, $10) RETURNING ${REPLENISHMENT_COLUMNS}`,
    [r.id, r.site_id, r.sku, r.lot, r.from_location_id, r.to_location_id, r.quantity, r.trigger, r.trigger_reference, r.owner_id],
  ))[0]!;
}

export async function getReplenishment(db: Executor, id: string): Promise<ReplenishmentRow | undefined> {
  return (await db.query<ReplenishmentRow>(`SELECT ${REPLENISHMENT_COLUMNS} FROM inventory.replenishments WHERE id = $1`, [id]))[0];
}

export async function lockReplenishment(db: Executor, id: string): Promise<ReplenishmentRow | undefined> {
  return (await db.query<ReplenishmentRow>(`SELECT ${REPLENISHMENT_COLUMNS} FROM inventory.replenishments WHERE id = $1 FOR UPDATE`, [id]))[0];
}

export async function finishReplenishment(db: Executor, id: string, c: { status: ReplenishmentStatus; moved: number; confirmedBy: string | null;
  at: Date | null; }): Promise<ReplenishmentRow> {
  return (await db.query<ReplenishmentRow>(
    `UPDATE inventory.replenishments SET status = $2, moved = $3, confirmed_by = $4, confirmed_at = $5, updated_at = now()
      WHERE id = $1 RETURNING ${REPLENISHMENT_COLUMNS}`,
    [id, c.status, c.moved, c.confirmedBy, c.at],
  ))[0]!;
}

export async function listReplenishments(db: Executor, q: { siteId: string; status?: ReplenishmentStatus | undefined; sku?: string | undefined;
  limit: number; after: string | null; }): Promise<ReplenishmentRow[]> {
  return db.query<ReplenishmentRow>(
    `SELECT ${REPLENISHMENT_COLUMNS} FROM inventory.replenishments
      WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR sku = $3) AND ($4::text IS NULL OR id > $4)
      ORDER BY id LIMIT $5`,
    [q.siteId, q.status ?? null, q.sku ?? null, q.after, q.limit],
  );
}

/** The owners with a balance of the SKU at a location (any status, any units): whose level a change there may have lowered. */
export async function ownersAt(db: Executor, siteId: string, locationId: string, sku: string): Promise<string[]> {
  return (await db.query<{ owner_id: string }>(
    `SELECT DISTINCT owner_id FROM inventory.balances WHERE site_id = $1 AND location_id = $2 AND sku = $3 ORDER BY owner_id`,
    [siteId, locationId, sku],
  )).map((r) => r.owner_id);
}

/** A face's AVAILABLE units of a SKU, all lots: what min and max are measured against. */
export async function faceLevel(db: Executor, siteId: string, locationId: string, ownerId: string, sku: string): Promise<{ on_hand: number; reserved: number }> {
  const row = (await db.query<{ on_hand: number; reserved: number }>(
    `SELECT COALESCE(sum(on_hand), 0)::int AS on_hand, COALESCE(sum(reserved), 0)::int AS reserved FROM inventory.balances
      WHERE site_id = $1 AND location_id = $2 AND sku = $3 AND owner_id = $4 AND status = 'AVAILABLE'`,
    [siteId, locationId, sku, ownerId],
  ))[0];
  return row ?? { on_hand: 0, reserved: 0 };
}

/** A balance a replenishment could take units from, with its location's facts (inventory's projection). */
export interface SourceBalanceRow {
  readonly location_id: string;
  readonly lot: string;
  readonly on_hand: number;
  readonly reserved: number;
  readonly expires_on: string | null;
  readonly first_received_at: Date;
  readonly type: LocationType | null;
  readonly status: LocationStatus | null;
  readonly count_locks: number;
}

/** AVAILABLE balances of a SKU with free units at a site, other than the face, with their locations' facts (no locks). */
export async function sourceBalances(db: Executor, siteId: string, ownerId: string, sku: string, exceptLocationId: string): Promise<SourceBalanceRow[]> {
  return db.query<SourceBalanceRow>(
    `SELECT b.location_id, b.lot, b.on_hand, b.reserved, to_char(b.expires_on, 'YYYY-MM-DD') AS expires_on, b.first_received_at, l.type, l.status, l.count_locks
       FROM inventory.balances b JOIN inventory.locations l ON l.location_id = b.location_id
      WHERE b.site_id = $1 AND b.owner_id = $4 AND b.sku = $2 AND b.status = 'AVAILABLE' AND b.on_hand > b.reserved AND b.location_id <> $3
      ORDER BY b.expires_on NULLS LAST, b.first_received_at, b.location_id, b.lot`,
    [siteId, sku, exceptLocationId, ownerId],
  );
}

const WAIT_COLUMN_NAMES = ['id', 'site_id', 'owner_id', 'sku', 'location_id', 'trigger', 'trigger_reference', 'quantity'] as const;
const WAIT_COLUMNS = columnList(WAIT_COLUMN_NAMES);
/** A face's wait for a replenishment source (migration 021): what asked, to ask again with it when stock is freed. */
export type ReplenishmentWaitRow = Narrowed<Pick<Selectable<InventoryReplenishmentWaits>, (typeof WAIT_COLUMN_NAMES)[number]>, { trigger: ReplenishmentTrigger }>;

/** Starts a wait (under the face and SKU's advisory lock); undefined when the face waits already (said once). */
export async function startWait(db: Executor, w: ReplenishmentWaitRow, now: Date): Promise<ReplenishmentWaitRow | undefined> {
  return (await db.query<ReplenishmentWaitRow>(
    `INSERT INTO inventory.replenishment_waits (${WAIT_COLUMNS}, since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (location_id, owner_id, sku) DO NOTHING RETURNING ${WAIT_COLUMNS}`,
    [w.id, w.site_id, w.owner_id, w.sku, w.location_id, w.trigger, w.trigger_reference, w.quantity, now],
  ))[0];
}

/** Ends the face's wait, if it waits (under the face and SKU's advisory lock): the ended row, to say so once. */
export async function endWait(db: Executor, locationId: string, ownerId: string, sku: string): Promise<ReplenishmentWaitRow | undefined> {
  return (await db.query<ReplenishmentWaitRow>(
    `DELETE FROM inventory.replenishment_waits WHERE location_id = $1 AND owner_id = $2 AND sku = $3 RETURNING ${WAIT_COLUMNS}`,
    [locationId, ownerId, sku],
  ))[0];
}

/**
 * Ends every wait of a face (deactivated: it needs nothing, for good), or of one SKU there (its min/max removed), in
 * owner and SKU order: the ended rows, to say so once. No advisory lock: the caller holds the face's location row, so a trigger that reads the face after it sees it
 * INACTIVE and starts no wait.
 */
export async function endWaitsAt(db: Executor, locationId: string, sku?: string): Promise<ReplenishmentWaitRow[]> {
  const ended = await db.query<ReplenishmentWaitRow>(
    `DELETE FROM inventory.replenishment_waits WHERE location_id = $1 AND ($2::text IS NULL OR sku = $2) RETURNING ${WAIT_COLUMNS}`, [locationId, sku ?? null]);
  return ended.sort((a, b) => (a.owner_id === b.owner_id ? (a.sku < b.sku ? -1 : 1) : a.owner_id < b.owner_id ? -1 : 1));
}

/** The faces waiting for a source of these SKUs at a site, in face, owner and SKU order (the lock order of their asks). */
export async function waitsOf(db: Executor, siteId: string, skus: readonly string[]): Promise<ReplenishmentWaitRow[]> {
  if (skus.length === 0) return [];
  return db.query<ReplenishmentWaitRow>(
    `SELECT ${WAIT_COLUMNS} FROM inventory.replenishment_waits WHERE site_id = $1 AND sku = ANY($2::text[]) ORDER BY location_id, owner_id, sku`,
    [siteId, [...skus]],
  );
}
