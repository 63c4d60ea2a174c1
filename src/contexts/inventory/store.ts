import type { Actor } from '../../platform/bus/envelope.ts';
import { eventCtes } from '../../platform/bus/event-bus.ts';
import { assertNever } from '../../platform/errors.ts';
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { MovementType, OpenTaskWork, StockStatus, TaskWorkState, TaskWorkType } from '../../contracts/inventory.ts';
import type { LocationStatus, LocationType } from '../../contracts/location-master.ts';
import type { BalanceKey, PlannedMovement } from './domain/ledger.ts';
import { NO_LOT, type AllocationStatus, type ReservationStatus } from './domain/stock.ts';
import type { NewReturn } from './domain/returns.ts';
import { countAttemptState, moveWorkState, type MoveWorkStatus } from './domain/task-work.ts';
import type { AbcClass, CountOrigin, CountStatus, ReturnStatus } from '../../contracts/inventory.ts';
import type {
  InventoryAllocations, InventoryBalances, InventoryLocations, InventoryMovements, InventoryReservations, InventoryReturnConfirmations,
  InventoryReturns, InventorySkuStock,
} from './db-types.ts';

/** SQL of the inventory schema. Every function takes the executor (pool or transaction) its caller chose. */

export type { BalanceKey } from './domain/ledger.ts';

/** A movement as the ledger stores it: a decision's planned movement with its id. */
export type NewMovement = PlannedMovement & { readonly id: string; readonly actor?: Actor | undefined };

const MOVEMENT_COLUMN_NAMES = [
  'seq', 'id', 'type', 'site_id', 'owner_id', 'sku', 'location_id', 'lot', 'status', 'delta_on_hand', 'delta_reserved', 'delta_allocated', 'reason', 'reference', 'created_at',
  'actor_id', 'actor_kind', 'actor_role',
] as const;
export type MovementRow = Narrowed<Pick<Selectable<InventoryMovements>, (typeof MOVEMENT_COLUMN_NAMES)[number]>, { type: MovementType; status: StockStatus }>;

/** A balance as BALANCE_COLUMNS reads it: the expiry as `YYYY-MM-DD` text. */
export type BalanceRow = Narrowed<
  Pick<Selectable<InventoryBalances>, 'seq' | 'site_id' | 'owner_id' | 'sku' | 'location_id' | 'lot' | 'status' | 'on_hand' | 'reserved' | 'expires_on' | 'first_received_at'>,
  { status: StockStatus; expires_on: string | null }
>;

const ALLOCATION_COLUMN_NAMES = ['order_id', 'line_id', 'site_id', 'owner_id', 'sku', 'requested', 'allocated', 'shipped', 'status'] as const;
const ALLOCATION_COLUMNS = columnList(ALLOCATION_COLUMN_NAMES);
export type AllocationRow = Narrowed<Pick<Selectable<InventoryAllocations>, (typeof ALLOCATION_COLUMN_NAMES)[number]>, { status: AllocationStatus }>;

const RESERVATION_COLUMN_NAMES = ['id', 'wave_id', 'order_id', 'line_id', 'site_id', 'owner_id', 'sku', 'location_id', 'lot', 'quantity', 'picked', 'shorted', 'status'] as const;
const RESERVATION_COLUMNS = columnList(RESERVATION_COLUMN_NAMES);
export type ReservationRow = Narrowed<Pick<Selectable<InventoryReservations>, (typeof RESERVATION_COLUMN_NAMES)[number]>, { status: ReservationStatus }>;

/** A SKU's stock; `unpickable` is AVAILABLE on-hand at non-pickable locations (receiving, docks, blocked…): on hand, never promised. */
export type SkuStockRow = Pick<Selectable<InventorySkuStock>, 'site_id' | 'owner_id' | 'sku' | 'on_hand_available' | 'unpickable' | 'allocated' | 'safety_stock'>;

const BALANCE_COLUMNS = `seq, site_id, owner_id, sku, location_id, lot, status, on_hand, reserved, to_char(expires_on, 'YYYY-MM-DD') AS expires_on, first_received_at`;

/** A balance at a location known to be unpickable: its units are in sku_stock.unpickable already. */
const AT_UNPICKABLE = `EXISTS (SELECT 1 FROM inventory.locations l WHERE l.location_id = b.location_id AND NOT l.pickable)`;


export async function insertMovements(db: Executor, movements: readonly NewMovement[]): Promise<void> {
  if (movements.length === 0) return;
  await db.query(insertMovementsSql('$1'), [JSON.stringify(movementRecords(movements))]);
}

/** Movements as the jsonb array `insertMovementsSql` reads. */
function movementRecords(movements: readonly NewMovement[]): Record<string, unknown>[] {
  return movements.map((m) => ({
    id: m.id, type: m.type, site_id: m.siteId, owner_id: m.ownerId, sku: m.sku, location_id: m.locationId, lot: m.lot, status: m.status ?? 'AVAILABLE',
    delta_on_hand: m.deltaOnHand ?? 0, delta_reserved: m.deltaReserved ?? 0, delta_allocated: m.deltaAllocated ?? 0,
    reason: m.reason ?? null, reference: m.reference ?? null,
    actor_id: m.actor?.id ?? null, actor_kind: m.actor?.kind ?? null, actor_role: m.actor?.role ?? null,
  }));
}

/** The ledger insert of the movements in the jsonb array parameter `param`: ordinality keeps them in the caller's order. */
function insertMovementsSql(param: string, where?: string): string {
  return `INSERT INTO inventory.movements (id, type, site_id, owner_id, sku, location_id, lot, status, delta_on_hand, delta_reserved, delta_allocated, reason, reference,
                                      actor_id, actor_kind, actor_role)
     SELECT v->>'id', v->>'type', v->>'site_id', v->>'owner_id', v->>'sku', v->>'location_id', v->>'lot', v->>'status',
            (v->>'delta_on_hand')::int, (v->>'delta_reserved')::int, (v->>'delta_allocated')::int, v->>'reason', v->>'reference',
            v->>'actor_id', v->>'actor_kind', v->>'actor_role'
     FROM jsonb_array_elements(${param}::jsonb) WITH ORDINALITY AS e(v, n)${where === undefined ? '' : `
     WHERE ${where}`}
     ORDER BY n`;
}

/**
 * The earliest expiry the books know for an owner's lot of a SKU (any site, any status, balances emptied since
 * included), or null: what units of the lot that come back without a date (a customer return) carry.
 */
export async function knownLotExpiry(db: Executor, ownerId: string, sku: string, lot: string): Promise<string | null> {
  if (lot === NO_LOT) return null;
  const rows = await db.query<{ expires_on: string | null }>(
    `SELECT to_char(min(expires_on), 'YYYY-MM-DD') AS expires_on FROM inventory.balances WHERE owner_id = $1 AND sku = $2 AND lot = $3`,
    [ownerId, sku, lot],
  );
  return rows[0]?.expires_on ?? null;
}

/** Adds units to a balance, creating it; a lot keeps its earliest known expiry. */
export async function addOnHand(db: Executor, key: BalanceKey, quantity: number, expiresOn: string | null): Promise<BalanceRow> {
  const rows = await db.query<BalanceRow>(
    `INSERT INTO inventory.balances AS b (site_id, sku, location_id, lot, status, on_hand, expires_on, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (site_id, owner_id, sku, location_id, lot, status) DO UPDATE
       SET on_hand = b.on_hand + EXCLUDED.on_hand,
           expires_on = CASE WHEN b.expires_on IS NULL THEN EXCLUDED.expires_on
                             WHEN EXCLUDED.expires_on IS NULL THEN b.expires_on
                             ELSE LEAST(b.expires_on, EXCLUDED.expires_on) END,
           updated_at = now()
     RETURNING ${BALANCE_COLUMNS}`,
    [key.siteId, key.sku, key.locationId, key.lot, key.status, quantity, expiresOn, key.ownerId],
  );
  return rows[0]!;
}

/**
 * Conditional change of a balance: applies the deltas only when the result keeps reserved ≤ on-hand and both ≥ 0.
 * Returns undefined when the balance is missing or the change would break the rule (the caller decides what that means).
 */
export async function changeBalance(db: Executor, key: BalanceKey, deltaOnHand: number, deltaReserved: number): Promise<BalanceRow | undefined> {
  const rows = await db.query<BalanceRow>(
    `UPDATE inventory.balances SET on_hand = on_hand + $6, reserved = reserved + $7, updated_at = now()
     WHERE site_id = $1 AND owner_id = $8 AND sku = $2 AND location_id = $3 AND lot = $4 AND status = $5
       AND on_hand + $6 >= 0 AND reserved + $7 >= 0 AND reserved + $7 <= on_hand + $6
     RETURNING ${BALANCE_COLUMNS}`,
    [key.siteId, key.sku, key.locationId, key.lot, key.status, deltaOnHand, deltaReserved, key.ownerId],
  );
  return rows[0];
}

/** One balance, locked FOR UPDATE: what a command decides a removal from. */
export async function lockBalance(db: Executor, key: BalanceKey): Promise<BalanceRow | undefined> {
  const rows = await db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND owner_id = $6 AND sku = $2 AND location_id = $3 AND lot = $4 AND status = $5 FOR UPDATE`,
    [key.siteId, key.sku, key.locationId, key.lot, key.status, key.ownerId],
  );
  return rows[0];
}

/**
 * Units of one owner's SKU and lot at a location in a held status (HOLD, QUARANTINE, DAMAGED) that are on its shelf: a
 * counter finds them with the AVAILABLE ones. The HOLD units of an LPN lost there (`lpn_holds`, HELD) are not on the
 * shelf: they are left out (at most the HOLD on-hand), and answered as `lost`: a counter who finds more than the shelf's
 * units finds those first, if the LPN was there after all (`expectedOnShelf`).
 */
export async function heldOnShelf(db: Executor, key: Omit<BalanceKey, 'status'>): Promise<{ onShelf: number; lost: number }> {
  const rows = await db.query<{ held: number; hold: number; lost: number }>(
    `SELECT coalesce(sum(b.on_hand), 0)::int AS held, coalesce(sum(b.on_hand) FILTER (WHERE b.status = 'HOLD'), 0)::int AS hold,
       (SELECT coalesce(sum(h.held), 0)::int FROM inventory.lpn_holds h
        WHERE h.site_id = $1 AND h.owner_id = $2 AND h.sku = $3 AND h.location_id = $4 AND h.lot = $5 AND h.status = 'HELD') AS lost
     FROM inventory.balances b
     WHERE b.site_id = $1 AND b.owner_id = $2 AND b.sku = $3 AND b.location_id = $4 AND b.lot = $5 AND b.status <> 'AVAILABLE'`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot],
  );
  const r = rows[0];
  if (r === undefined) return { onShelf: 0, lost: 0 };
  const lost = Math.min(r.lost, r.hold);
  return { onShelf: r.held - lost, lost };
}

/**
 * Units of the counted stock carried onto or off the shelf or adjusted there (PICK, RECEIPT, MOVE, PUTAWAY and ADJUST
 * movements of its owner, SKU and lot there, in any status: returns to stock and replenishments are MOVEs) since the
 * count's awaited attempt was asked for (`changedMeanwhile`): after the ledger position `since.seq` when the count
 * recorded one (`counts.since_seq`, strict: read under the location's lock each of them takes first), else at or after
 * `since.at`; and an LPN reported lost or found there (HOLD / RELEASE, reason `LPN_LOST …` / `LPN_FOUND …`: its units
 * leave or rejoin what the count expects on the shelf, `heldOnShelf`). Not counted: a short's write-off (ADJUST, reason
 * SHORT_PICK: the units were not on the shelf for the picker, which is what the short's count looks at), other holds and
 * releases (a status; the counter finds held units with the rest).
 */
export async function changedSince(db: Executor, key: Omit<BalanceKey, 'status'>, since: { readonly seq: string | null; readonly at: Date }): Promise<number> {
  const rows = await db.query<{ changed: number }>(
    `SELECT coalesce(sum(abs(delta_on_hand)), 0)::int AS changed FROM inventory.movements
     WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5
       AND (type IN ('PICK', 'RECEIPT', 'MOVE', 'PUTAWAY') OR (type = 'ADJUST' AND reason IS DISTINCT FROM 'SHORT_PICK')
            OR (type IN ('HOLD', 'RELEASE') AND (reason LIKE 'LPN_LOST %' OR reason LIKE 'LPN_FOUND %')))
       AND delta_on_hand <> 0
       AND (CASE WHEN $6::bigint IS NULL THEN created_at >= $7 ELSE seq > $6::bigint END)`,
    [key.siteId, key.ownerId, key.sku, key.locationId, key.lot, since.seq, since.at],
  );
  return rows[0]?.changed ?? 0;
}

/**
 * A count's first submission asked for a recount: picks are watched from the ledger's position now (the caller holds
 * the counted location's row, which a pick takes before it writes).
 */
export async function watchCountFromNow(db: Executor, countId: string): Promise<void> {
  await db.query(`UPDATE inventory.counts SET since_seq = (SELECT coalesce(max(seq), 0) FROM inventory.movements) WHERE id = $1`, [countId]);
}

export async function getBalance(db: Executor, key: BalanceKey): Promise<BalanceRow | undefined> {
  const rows = await db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances WHERE site_id = $1 AND owner_id = $6 AND sku = $2 AND location_id = $3 AND lot = $4 AND status = $5`,
    [key.siteId, key.sku, key.locationId, key.lot, key.status, key.ownerId],
  );
  return rows[0];
}

/** On hand of an owner's SKU and lot at a location, every status together (what LPNs there can hold of it). */
export async function onHandAllStatuses(db: Executor, key: Omit<BalanceKey, 'status'>): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT coalesce(sum(on_hand), 0)::int AS n FROM inventory.balances WHERE site_id = $1 AND owner_id = $5 AND sku = $2 AND location_id = $3 AND lot = $4`,
    [key.siteId, key.sku, key.locationId, key.lot, key.ownerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Units of a SKU ever picked out of a location, every owner and lot (Σ of its PICK movements there): with physical
 * tracking's count of the picks it heard there, what tells it which picks the books had not booked yet.
 */
export async function pickedAt(db: Executor, siteId: string, sku: string, locationId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT coalesce(-sum(delta_on_hand), 0)::int AS n FROM inventory.movements
      WHERE site_id = $1 AND sku = $2 AND location_id = $3 AND type = 'PICK' AND delta_on_hand < 0`,
    [siteId, sku, locationId],
  );
  return rows[0]?.n ?? 0;
}

/** The units of one owner's SKU and lot picked out of a location so far (PICK movements), as `pickedAt` for every owner and lot. */
export async function pickedAtOwnerLot(db: Executor, k: { siteId: string; ownerId: string; sku: string; locationId: string; lot: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT coalesce(-sum(delta_on_hand), 0)::int AS n FROM inventory.movements
      WHERE site_id = $1 AND owner_id = $2 AND sku = $3 AND location_id = $4 AND lot = $5 AND type = 'PICK' AND delta_on_hand < 0`,
    [k.siteId, k.ownerId, k.sku, k.locationId, k.lot],
  );
  return rows[0]?.n ?? 0;
}

/** Locks the existing balances among `keys`, in location order, before a change touches several of them (moves). */
export async function lockBalances(db: Executor, keys: readonly BalanceKey[]): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `SELECT 1 FROM inventory.balances b
     JOIN jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, location_id text, lot text, status text)
       ON b.site_id = k.site_id AND b.owner_id = k.owner_id AND b.sku = k.sku AND b.location_id = k.location_id AND b.lot = k.lot AND b.status = k.status
     ORDER BY b.location_id FOR UPDATE OF b`,
    [JSON.stringify(keys.map((k) => ({ site_id: k.siteId, owner_id: k.ownerId, sku: k.sku, location_id: k.locationId, lot: k.lot, status: k.status })))],
  );
}

/**
 * Locks the AVAILABLE balances of a SKU that still have free units, outside in-process stock, in key order
 * (every reserver locks in the same order, so they queue instead of deadlocking).
 */
export async function lockFreeBalances(db: Executor, siteId: string, ownerId: string, sku: string): Promise<BalanceRow[]> {
  return db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND owner_id = $3 AND sku = $2 AND status = 'AVAILABLE' AND location_id NOT LIKE 'IN\\_PROCESS:%' AND on_hand > reserved
     ORDER BY location_id, lot, status FOR UPDATE`,
    [siteId, sku, ownerId],
  );
}

/**
 * Per SKU, the first free, unexpired AVAILABLE balance in rotation order (earliest expiry, undated last, then earliest
 * receipt, then key): the location a reservation most likely takes. One read, no locks: a hint, not a reservation.
 */
export async function candidateLocations(db: Executor, siteId: string, skus: readonly string[], today: string): Promise<Pick<Selectable<InventoryBalances>, 'sku' | 'location_id'>[]> {
  return db.query<Pick<Selectable<InventoryBalances>, 'sku' | 'location_id'>>(
    `SELECT DISTINCT ON (sku) sku, location_id FROM inventory.balances b
     WHERE site_id = $1 AND sku = ANY($2::text[]) AND status = 'AVAILABLE' AND location_id NOT LIKE 'IN\\_PROCESS:%'
       AND on_hand > reserved AND (expires_on IS NULL OR expires_on >= $3::date) AND NOT ${AT_UNPICKABLE}
     ORDER BY sku, expires_on NULLS LAST, first_received_at, location_id, lot`,
    [siteId, [...skus], today],
  );
}

/** On-hand per location, SKU, lot and owner (statuses summed) at the given locations: InventoryApi.locationBalances. */
export async function locationBalances(db: Executor, siteId: string, locationIds: readonly string[]): Promise<(Pick<Selectable<InventoryBalances>, 'location_id' | 'sku' | 'lot' | 'owner_id'> & { on_hand: number })[]> {
  return db.query<Pick<Selectable<InventoryBalances>, 'location_id' | 'sku' | 'lot' | 'owner_id'> & { on_hand: number }>(
    `SELECT location_id, sku, lot, owner_id, sum(on_hand)::int8 AS on_hand FROM inventory.balances
     WHERE site_id = $1 AND location_id = ANY($2::text[])
     GROUP BY location_id, sku, lot, owner_id HAVING sum(on_hand) <> 0
     ORDER BY location_id, sku, lot, owner_id`,
    [siteId, [...locationIds]],
  );
}

/**
 * Adds moved units to the target balance, creating it: the lot keeps its earliest expiry and the balance its earliest
 * first receipt, so FIFO/FEFO rotation does not treat moved stock as fresh.
 */
export async function addMovedOnHand(db: Executor, key: BalanceKey, quantity: number, expiresOn: string | null, firstReceivedAt: Date): Promise<BalanceRow> {
  const rows = await db.query<BalanceRow>(
    `INSERT INTO inventory.balances AS b (site_id, sku, location_id, lot, status, on_hand, expires_on, first_received_at, owner_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (site_id, owner_id, sku, location_id, lot, status) DO UPDATE
       SET on_hand = b.on_hand + EXCLUDED.on_hand,
           expires_on = CASE WHEN b.expires_on IS NULL THEN EXCLUDED.expires_on
                             WHEN EXCLUDED.expires_on IS NULL THEN b.expires_on
                             ELSE LEAST(b.expires_on, EXCLUDED.expires_on) END,
           first_received_at = LEAST(b.first_received_at, EXCLUDED.first_received_at),
           updated_at = now()
     RETURNING ${BALANCE_COLUMNS}`,
    [key.siteId, key.sku, key.locationId, key.lot, key.status, quantity, expiresOn, firstReceivedAt, key.ownerId],
  );
  return rows[0]!;
}

/** In-process balances of one order and SKU, locked, oldest lot first. */
export async function lockInProcess(db: Executor, siteId: string, sku: string, locationId: string): Promise<BalanceRow[]> {
  return db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND sku = $2 AND location_id = $3 AND status = 'AVAILABLE' AND on_hand > 0
     ORDER BY expires_on NULLS LAST, lot FOR UPDATE`,
    [siteId, sku, locationId],
  );
}

/**
 * SKU-level on-hand follows every AVAILABLE balance change at a real location (and `unpickable` by `unpickableDelta`
 * when that location is not pickable); refused (undefined) when on-hand would go below allocated.
 */
export async function changeSkuOnHand(db: Executor, siteId: string, ownerId: string, sku: string, delta: number, unpickableDelta = 0): Promise<SkuStockRow | undefined> {
  // Removal updates the existing row only (a proposed INSERT row would trip the CHECK before the conflict is seen).
  if (delta <= 0) {
    const rows = await db.query<SkuStockRow>(
      `UPDATE inventory.sku_stock SET on_hand_available = on_hand_available + $3, unpickable = unpickable + $4
       WHERE site_id = $1 AND owner_id = $5 AND sku = $2 AND on_hand_available + $3 >= allocated
       RETURNING site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock`,
      [siteId, sku, delta, unpickableDelta, ownerId],
    );
    return rows[0];
  }
  const rows = await db.query<SkuStockRow>(
    `INSERT INTO inventory.sku_stock AS s (site_id, sku, on_hand_available, unpickable, owner_id) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (site_id, owner_id, sku) DO UPDATE SET on_hand_available = s.on_hand_available + EXCLUDED.on_hand_available,
                                                        unpickable = s.unpickable + EXCLUDED.unpickable
     RETURNING site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock`,
    [siteId, sku, delta, unpickableDelta, ownerId],
  );
  return rows[0];
}

/** Units of a SKU entering (+) or leaving (−) non-pickable locations without changing its on-hand (moves, picks, flips). */
export async function changeUnpickable(db: Executor, siteId: string, ownerId: string, sku: string, delta: number): Promise<void> {
  if (delta === 0) return;
  const rows = await db.query(`UPDATE inventory.sku_stock SET unpickable = unpickable + $3 WHERE site_id = $1 AND owner_id = $4 AND sku = $2 RETURNING 1`,
    [siteId, sku, delta, ownerId]);
  if (rows.length !== 1) throw new Error(`no stock row for ${sku} at ${siteId} to change unpickable by ${delta}`);
}

/**
 * The allocation race in one statement: the row is updated only if enough unallocated, unexpired, pickable stock remains.
 * Concurrent callers queue on the row lock and re-check the condition on the committed value (READ COMMITTED).
 */
export async function tryAllocate(db: Executor, siteId: string, ownerId: string, sku: string, quantity: number, expiredFree: number): Promise<boolean> {
  const rows = await db.query(
    `UPDATE inventory.sku_stock SET allocated = allocated + $3
     WHERE site_id = $1 AND owner_id = $5 AND sku = $2 AND on_hand_available - unpickable - allocated - safety_stock - $4 >= $3 RETURNING 1`,
    [siteId, sku, quantity, expiredFree, ownerId],
  );
  return rows.length === 1;
}

/**
 * Locks a SKU's stock row, creating it empty if needed. Allocation takes this lock before trying, so it queues behind a
 * receipt (or any other change of the row) instead of deciding on the old stock while that change commits: a line it
 * backorders is then always visible to the retry the change triggers.
 */
export async function lockSkuStock(db: Executor, siteId: string, ownerId: string, sku: string): Promise<SkuStockRow> {
  await db.query(`INSERT INTO inventory.sku_stock (site_id, owner_id, sku) VALUES ($1, $3, $2) ON CONFLICT (site_id, owner_id, sku) DO NOTHING`, [siteId, sku, ownerId]);
  return (await db.query<SkuStockRow>(
    `SELECT site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock FROM inventory.sku_stock WHERE site_id = $1 AND owner_id = $3 AND sku = $2 FOR UPDATE`,
    [siteId, sku, ownerId],
  ))[0]!;
}

/**
 * `lockSkuStock` for many SKUs: every row locked FOR UPDATE in SKU order (the lock is taken above the sort), the order
 * every allocation path takes them in. One statement when the rows exist (they do once the SKU was ever received or
 * asked for); the missing ones are created in SKU order and then all are locked again. A row created here is new, so
 * the only wait it adds is on another transaction creating the same row, in the same SKU order.
 */
export async function lockSkuStocks(db: Executor, siteId: string, ownerId: string, skus: readonly string[]): Promise<SkuStockRow[]> {
  const sorted = [...new Set(skus)].sort();
  if (sorted.length === 0) return [];
  const lock = () => db.query<SkuStockRow>(
    `SELECT site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock FROM inventory.sku_stock
     WHERE site_id = $1 AND owner_id = $3 AND sku = ANY($2::text[]) ORDER BY sku FOR UPDATE`,
    [siteId, sorted, ownerId],
  );
  const rows = await lock();
  if (rows.length === sorted.length) return rows;
  const present = new Set(rows.map((r) => r.sku));
  await db.query(
    `INSERT INTO inventory.sku_stock (site_id, owner_id, sku) SELECT $1, $3, sku FROM unnest($2::text[]) AS u(sku) ORDER BY sku
     ON CONFLICT (site_id, owner_id, sku) DO NOTHING`,
    [siteId, sorted.filter((s) => !present.has(s)), ownerId],
  );
  return lock();
}

/** Units of one SKU row an allocation takes (one entry per site, owner and SKU), and its expired units no order may take. */
export interface SkuTake {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly expiredFree: number;
}

/** Expired units a decision was taken on (`SkuTake.expiredFree` for every SKU it looked at), for `writeAllocations` to check. */
export interface ExpiredCheck {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly expiredFree: number;
}

/**
 * An allocation's writes in ONE statement (data-modifying CTEs, ADR 0043 addenda): the SKU rows' UPDATE, each row only
 * if it can still cover its take (any number of site and owner pairs), the allocation rows' new state, the ledger
 * (`insertMovements`) and, when `o.events` is given, the events (`eventCtes`: run it with `EventBus.writeWithEvents`).
 * Returns the SKU rows the guard let through: on rows the caller locked, one missing is a broken invariant, and the
 * caller fails the transaction (which takes the other writes back with it).
 *
 * With `o.check`, the statement first reads the expired units of those SKUs again (`EXPIRED_FREE` on `o.today`, in
 * its snapshot, taken after the caller's locks) and writes nothing at all unless each equals the figure the decision
 * was taken on; `stale` then holds the figures as read (`ok` false), and the caller decides again on them.
 */
export async function writeAllocations(db: Executor, takes: readonly SkuTake[],
  changes: readonly { orderId: string; lineId: string; allocated: number; shipped: number; status: AllocationStatus }[],
  movements: readonly NewMovement[],
  o: { readonly events?: string | undefined; readonly check?: readonly ExpiredCheck[] | undefined; readonly today?: string | undefined } = {},
): Promise<{ ok: boolean; updated: Pick<SkuStockRow, 'site_id' | 'owner_id' | 'sku'>[]; stale: ExpiredFree[] }> {
  const check = o.check ?? [];
  const [row] = await db.query<{ ok: boolean; updated: Pick<SkuStockRow, 'site_id' | 'owner_id' | 'sku'>[]; stale: ExpiredFree[] }>(
    `WITH f AS (
       SELECT v.site_id, v.owner_id, v.sku, v.used,
              (SELECT coalesce(sum(b.on_hand - b.reserved), 0)::int8 FROM inventory.balances b
               WHERE b.site_id = v.site_id AND b.owner_id = v.owner_id AND b.sku = v.sku AND ${EXPIRED_FREE('$13::date')}) AS n
       FROM unnest($14::text[], $15::text[], $16::text[], $17::int8[]) AS v(site_id, owner_id, sku, used)
     ), ok AS (
       SELECT NOT EXISTS (SELECT 1 FROM f WHERE f.n <> f.used) AS ok
     ), go AS (
       SELECT 1 AS one FROM ok WHERE ok.ok
     ), s AS (
       UPDATE inventory.sku_stock s SET allocated = s.allocated + v.quantity
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[]) AS v(site_id, owner_id, sku, quantity, expired_free)
       WHERE s.site_id = v.site_id AND s.owner_id = v.owner_id AND s.sku = v.sku
         AND s.on_hand_available - s.unpickable - s.allocated - s.safety_stock - v.expired_free >= v.quantity AND EXISTS (SELECT 1 FROM go)
       RETURNING s.site_id, s.owner_id, s.sku
     ), a AS (
       UPDATE inventory.allocations a SET allocated = v.allocated, shipped = v.shipped, status = v.status, updated_at = now()
       FROM unnest($6::text[], $7::text[], $8::int[], $9::int[], $10::text[]) AS v(order_id, line_id, allocated, shipped, status)
       WHERE a.order_id = v.order_id AND a.line_id = v.line_id AND EXISTS (SELECT 1 FROM go)
     ), m AS (
       ${insertMovementsSql('$11', 'EXISTS (SELECT 1 FROM go)')}
     ), ${eventCtes('$12::jsonb', 'go')}
     SELECT (SELECT ok FROM ok) AS ok, (SELECT coalesce(json_agg(s), '[]') FROM s) AS updated,
            (SELECT coalesce(json_agg(json_build_object('site_id', f.site_id, 'owner_id', f.owner_id, 'sku', f.sku, 'n', f.n)), '[]') FROM f WHERE f.n <> f.used) AS stale`,
    [takes.map((t) => t.siteId), takes.map((t) => t.ownerId), takes.map((t) => t.sku), takes.map((t) => t.quantity), takes.map((t) => t.expiredFree),
      changes.map((c) => c.orderId), changes.map((c) => c.lineId), changes.map((c) => c.allocated), changes.map((c) => c.shipped), changes.map((c) => c.status),
      JSON.stringify(movementRecords(movements)), o.events ?? '[]', o.today ?? '1970-01-01',
      check.map((c) => c.siteId), check.map((c) => c.ownerId), check.map((c) => c.sku), check.map((c) => c.expiredFree)],
  );
  return row!;
}

/** A SKU's stock row locked FOR UPDATE, without creating it (a removal decides from it; a missing row holds nothing). */
export async function lockExistingSkuStock(db: Executor, siteId: string, ownerId: string, sku: string): Promise<SkuStockRow | undefined> {
  return (await db.query<SkuStockRow>(
    `SELECT site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock FROM inventory.sku_stock
     WHERE site_id = $1 AND owner_id = $3 AND sku = $2 FOR UPDATE`,
    [siteId, sku, ownerId],
  ))[0];
}

/** Orders with backordered lines of these SKUs at a site, oldest first (when inventory first saw the order). */
export async function backorderedOrders(db: Executor, siteId: string, skus: readonly string[]): Promise<string[]> {
  // Every owner's backordered lines of these SKUs: each order then allocates from its own owner's stock only.
  if (skus.length === 0) return [];
  const rows = await db.query<Pick<Selectable<InventoryAllocations>, 'order_id'>>(
    `SELECT order_id FROM inventory.allocations
     WHERE site_id = $1 AND sku = ANY($2::text[]) AND status = 'BACKORDERED' AND requested > 0
     GROUP BY order_id ORDER BY min(created_at), order_id`,
    [siteId, [...skus]],
  );
  return rows.map((r) => r.order_id);
}

/**
 * The order is allocated whole: a line of it ALLOCATED and none BACKORDERED (nor it cancelled: its lines CANCELLED).
 * A supervisor's retry asks it of an order it still sees backordered (InventoryCommands.retryBackorders' `forOrder`).
 */
export async function allocatedWhole(db: Executor, orderId: string): Promise<boolean> {
  const rows = await db.query<{ whole: boolean | null }>(
    `SELECT bool_or(status = 'ALLOCATED') AND NOT bool_or(status = 'BACKORDERED' AND requested > 0) AS whole
       FROM inventory.allocations WHERE order_id = $1`, [orderId]);
  return rows[0]?.whole === true;
}

export async function releaseAllocated(db: Executor, siteId: string, ownerId: string, sku: string, quantity: number): Promise<void> {
  await db.query(`UPDATE inventory.sku_stock SET allocated = allocated - $3 WHERE site_id = $1 AND owner_id = $4 AND sku = $2`, [siteId, sku, quantity, ownerId]);
}

/** Unreserved units of expired lots at pickable locations: on hand, but not promisable (unpickable units are counted apart). */
export async function expiredFreeQuantity(db: Executor, siteId: string, ownerId: string, sku: string, today: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT COALESCE(sum(on_hand - reserved), 0)::int8 AS n FROM inventory.balances b
     WHERE site_id = $1 AND owner_id = $4 AND sku = $2 AND status = 'AVAILABLE' AND expires_on < $3::date AND location_id NOT LIKE 'IN\\_PROCESS:%'
       AND NOT ${AT_UNPICKABLE}`,
    [siteId, sku, today, ownerId],
  );
  return rows[0]?.n ?? 0;
}

/**
 * A balance `b` whose units are expired and free (`expiredFreeBySku`): AVAILABLE, of a lot expired before `today` (a
 * `date` SQL expression), unreserved, at a pickable location outside the totes.
 */
const EXPIRED_FREE = (today: string): string => `b.status = 'AVAILABLE' AND b.expires_on < ${today} AND b.location_id NOT LIKE 'IN\\_PROCESS:%' AND NOT ${AT_UNPICKABLE}`;

/** `expiredFreeQuantity` for many SKUs (all when null) in one query; SKUs without expired units are absent. */
export async function expiredFreeBySku(db: Executor, siteId: string, ownerId: string | null, skus: readonly string[] | null, today: string): Promise<Map<string, number>> {
  const rows = await db.query<{ sku: string; n: number }>(
    `SELECT sku, sum(on_hand - reserved)::int8 AS n FROM inventory.balances b
     WHERE site_id = $1 AND ($4::text IS NULL OR owner_id = $4) AND ($2::text[] IS NULL OR sku = ANY($2::text[])) AND ${EXPIRED_FREE('$3::date')}
     GROUP BY sku`,
    [siteId, skus === null ? null : [...skus], today, ownerId],
  );
  return new Map(rows.map((r) => [r.sku, r.n]));
}

/** SKU stock rows of one owner, or of every owner (one row per owner and SKU) when `ownerId` is null. */
export async function skuStock(db: Executor, siteId: string, ownerId: string | null, skus: readonly string[] | null): Promise<SkuStockRow[]> {
  return db.query<SkuStockRow>(
    `SELECT site_id, owner_id, sku, on_hand_available, unpickable, allocated, safety_stock FROM inventory.sku_stock
     WHERE site_id = $1 AND ($3::text IS NULL OR owner_id = $3) AND ($2::text[] IS NULL OR sku = ANY($2::text[])) ORDER BY sku, owner_id`,
    [siteId, skus, ownerId],
  );
}

/** Inserts allocation rows that do not exist yet; returns the ones inserted (a line is allocated at most once). */
/** Deletes the allocation rows of these lines of an order (lines replaced by a line change, already released; ADR 0046). */
export async function deleteAllocationsOfLines(db: Executor, orderId: string, lineIds: readonly string[]): Promise<void> {
  if (lineIds.length === 0) return;
  await db.query(`DELETE FROM inventory.allocations WHERE order_id = $1 AND line_id = ANY($2::text[])`, [orderId, [...lineIds]]);
}

export async function insertAllocations(db: Executor, rows: readonly Omit<AllocationRow, 'shipped'>[]): Promise<AllocationRow[]> {
  if (rows.length === 0) return [];
  return db.query<AllocationRow>(
    `INSERT INTO inventory.allocations (order_id, line_id, site_id, owner_id, sku, requested, allocated, status)
     SELECT r.order_id, r.line_id, r.site_id, r.owner_id, r.sku, r.requested, r.allocated, r.status
     FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, line_id text, site_id text, owner_id text, sku text, requested int, allocated int, status text)
     ON CONFLICT (order_id, line_id) DO NOTHING
     RETURNING ${ALLOCATION_COLUMNS}`,
    [JSON.stringify(rows)],
  );
}

/** A SKU's expired units no order may take (`EXPIRED_FREE`), of one (site, owner) pair. */
export interface ExpiredFree {
  readonly site_id: string;
  readonly owner_id: string;
  readonly sku: string;
  readonly n: number;
}

/**
 * What allocate-order writes, locks and reads before it decides, in one statement (ADR 0043 addenda):
 * - the allocation rows the run's orders already have (`orderIds`), locked in (order, line) order as
 *   `lockAllocationsOfOrders` locks them, first;
 * - the orders' short-pick policies (a redelivery keeps the first copy) and the claimed lines (`insertAllocations`;
 *   `claimed` is the lines inserted). With `fresh`, the claims were decided on no existing rows (a first delivery, the
 *   common case), and they are written only if none of the orders has an allocation row: when one has, the statement
 *   claims and locks nothing, and the caller decides again on `existing` and claims with `fresh` false;
 * - the SKU rows of the lines it claimed (those asking for units) locked, as `lockSkuStocks` locks them: every (site,
 *   owner) pair of the claims, pairs in (site, owner) order and SKUs in SKU order within each, the order every
 *   allocation takes them in. The lock reads the claims, so it runs once they are written, and a row it waited for is
 *   returned as the other transaction committed it. A SKU row that does not exist yet is not in `stock`: the caller
 *   creates it (`lockSkuStocks`);
 * - the claimed SKUs' expired units (`EXPIRED_FREE` on `today`), read in the statement's snapshot, taken before any
 *   lock wait: a stock change the lock queued behind is not seen, so `writeAllocations` checks them again after the
 *   locks (`checkExpired`).
 */
export async function claimLinesAndLockStock(db: Executor, rows: readonly Omit<AllocationRow, 'shipped'>[],
  policies: readonly { orderId: string; shipComplete: boolean }[], o: { readonly orderIds: readonly string[]; readonly fresh: boolean; readonly today: string },
): Promise<{ existing: AllocationRow[]; claimed: AllocationRow[]; stock: SkuStockRow[]; expired: ExpiredFree[] }> {
  const [row] = await db.query<{ existing: AllocationRow[]; claimed: AllocationRow[]; stock: SkuStockRow[]; expired: ExpiredFree[] }>(
    `WITH e AS (
       SELECT ${ALLOCATION_COLUMNS} FROM inventory.allocations
       WHERE order_id = ANY($4::text[]) ORDER BY order_id, line_id FOR UPDATE
     ), go AS (
       SELECT (SELECT count(*) FROM e) = 0 OR NOT $5::boolean AS ok
     ), p AS (
       INSERT INTO inventory.order_policies (order_id, ship_complete)
       SELECT p.order_id, p.ship_complete FROM unnest($2::text[], $3::bool[]) AS p(order_id, ship_complete) ON CONFLICT (order_id) DO NOTHING
     ), c AS (
       INSERT INTO inventory.allocations (order_id, line_id, site_id, owner_id, sku, requested, allocated, status)
       SELECT r.order_id, r.line_id, r.site_id, r.owner_id, r.sku, r.requested, r.allocated, r.status
       FROM jsonb_to_recordset($1::jsonb) AS r(order_id text, line_id text, site_id text, owner_id text, sku text, requested int, allocated int, status text)
       WHERE (SELECT ok FROM go)
       ON CONFLICT (order_id, line_id) DO NOTHING
       RETURNING ${ALLOCATION_COLUMNS}
     ), s AS (
       SELECT l.site_id, l.owner_id, l.sku, l.on_hand_available, l.unpickable, l.allocated, l.safety_stock FROM (
         SELECT site_id, owner_id, sku FROM c WHERE requested > 0 GROUP BY site_id, owner_id, sku ORDER BY site_id COLLATE "C", owner_id COLLATE "C", sku
       ) k CROSS JOIN LATERAL (
         SELECT s.site_id, s.owner_id, s.sku, s.on_hand_available, s.unpickable, s.allocated, s.safety_stock FROM inventory.sku_stock s
         WHERE s.site_id = k.site_id AND s.owner_id = k.owner_id AND s.sku = k.sku FOR UPDATE
       ) l
     ), x AS (
       SELECT b.site_id, b.owner_id, b.sku, sum(b.on_hand - b.reserved)::int8 AS n FROM inventory.balances b
       WHERE (b.site_id, b.owner_id, b.sku) IN (SELECT site_id, owner_id, sku FROM c WHERE requested > 0) AND ${EXPIRED_FREE('$6::date')}
       GROUP BY b.site_id, b.owner_id, b.sku
     )
     SELECT (SELECT coalesce(json_agg(e), '[]') FROM e) AS existing, (SELECT coalesce(json_agg(c), '[]') FROM c) AS claimed,
            (SELECT coalesce(json_agg(s), '[]') FROM s) AS stock, (SELECT coalesce(json_agg(x), '[]') FROM x) AS expired`,
    [JSON.stringify(rows), policies.map((p) => p.orderId), policies.map((p) => p.shipComplete), [...o.orderIds], o.fresh, o.today],
  );
  return row!;
}

export async function lockAllocations(db: Executor, orderId: string): Promise<AllocationRow[]> {
  return db.query<AllocationRow>(
    `SELECT ${ALLOCATION_COLUMNS} FROM inventory.allocations
     WHERE order_id = $1 ORDER BY line_id FOR UPDATE`,
    [orderId],
  );
}

/** Allocation rows of several orders, locked in (order, line) order: the same order every locker of allocations uses. */
export async function lockAllocationsOfOrders(db: Executor, orderIds: readonly string[]): Promise<AllocationRow[]> {
  if (orderIds.length === 0) return [];
  return db.query<AllocationRow>(
    `SELECT ${ALLOCATION_COLUMNS} FROM inventory.allocations
     WHERE order_id = ANY($1::text[]) ORDER BY order_id, line_id FOR UPDATE`,
    [[...orderIds]],
  );
}

export async function updateAllocation(db: Executor, orderId: string, lineId: string, allocated: number, shipped: number, status: AllocationStatus): Promise<void> {
  await db.query(
    `UPDATE inventory.allocations SET allocated = $3, shipped = $4, status = $5, updated_at = now() WHERE order_id = $1 AND line_id = $2`,
    [orderId, lineId, allocated, shipped, status],
  );
}

export async function insertReservations(db: Executor, rows: readonly Omit<ReservationRow, 'picked' | 'shorted' | 'status'>[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO inventory.reservations (id, wave_id, order_id, line_id, site_id, owner_id, sku, location_id, lot, quantity, status)
     SELECT r.id, r.wave_id, r.order_id, r.line_id, r.site_id, r.owner_id, r.sku, r.location_id, r.lot, r.quantity, 'OPEN'
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, wave_id text, order_id text, line_id text, site_id text, owner_id text, sku text, location_id text, lot text, quantity int)`,
    [JSON.stringify(rows)],
  );
}

export async function hasReservationsForWave(db: Executor, waveId: string): Promise<boolean> {
  return (await db.query(`SELECT 1 FROM inventory.reservations WHERE wave_id = $1 LIMIT 1`, [waveId])).length > 0;
}

export async function lockReservation(db: Executor, id: string): Promise<ReservationRow | undefined> {
  const rows = await db.query<ReservationRow>(`SELECT ${RESERVATION_COLUMNS} FROM inventory.reservations WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0];
}

export async function lockOpenReservationsOfOrder(db: Executor, orderId: string): Promise<ReservationRow[]> {
  return db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN' ORDER BY id FOR UPDATE`, [orderId],
  );
}

export async function updateReservation(db: Executor, id: string, picked: number, shorted: number, status: ReservationStatus): Promise<void> {
  await db.query(`UPDATE inventory.reservations SET picked = $2, shorted = $3, status = $4, updated_at = now() WHERE id = $1`, [id, picked, shorted, status]);
}

export async function listReservations(db: Executor, filter: { waveId?: string | undefined; orderId?: string | undefined }): Promise<ReservationRow[]> {
  return db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.reservations
     WHERE ($1::text IS NULL OR wave_id = $1) AND ($2::text IS NULL OR order_id = $2) ORDER BY id LIMIT 1000`,
    [filter.waveId ?? null, filter.orderId ?? null],
  );
}

export async function listBalances(db: Executor, q: {
  siteId: string; ownerId?: string | undefined; sku?: string | undefined; locationId?: string | undefined; limit: number; cursor: number;
}): Promise<BalanceRow[]> {
  return db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR location_id = $3) AND seq > $4
       AND ($6::text IS NULL OR owner_id = $6)
     ORDER BY seq LIMIT $5`,
    [q.siteId, q.sku ?? null, q.locationId ?? null, q.cursor, q.limit, q.ownerId ?? null],
  );
}

const MOVEMENT_COLUMNS = columnList(MOVEMENT_COLUMN_NAMES);

export async function listMovements(db: Executor, q: {
  siteId: string; ownerId?: string | undefined; sku?: string | undefined; lot?: string | undefined; type?: string | undefined; limit: number; cursor: number;
}): Promise<MovementRow[]> {
  // A lot (never '': lot-less movements are not looked up by lot) reads movements_site_lot (migration 031).
  return db.query<MovementRow>(
    `SELECT ${MOVEMENT_COLUMNS} FROM inventory.movements
     WHERE site_id = $1 AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR type = $3) AND seq > $4
       AND ($6::text IS NULL OR owner_id = $6) AND ($7::text IS NULL OR lot = $7)
     ORDER BY seq LIMIT $5`,
    [q.siteId, q.sku ?? null, q.type ?? null, q.cursor, q.limit, q.ownerId ?? null, q.lot ?? null],
  );
}

/** Balances of a site in a held status (HOLD, QUARANTINE, DAMAGED) with units on hand, in balance order (`seq`). */
export async function listHeldBalances(db: Executor, q: {
  siteId: string; ownerId?: string | undefined; sku?: string | undefined; locationId?: string | undefined; status?: string | undefined; limit: number; cursor: number;
}): Promise<BalanceRow[]> {
  return db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND status IN ('HOLD', 'QUARANTINE', 'DAMAGED') AND on_hand > 0
       AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR location_id = $3) AND ($4::text IS NULL OR status = $4)
       AND ($5::text IS NULL OR owner_id = $5) AND seq > $6
     ORDER BY seq LIMIT $7`,
    [q.siteId, q.sku ?? null, q.locationId ?? null, q.status ?? null, q.ownerId ?? null, q.cursor, q.limit],
  );
}

/**
 * The movements that put units into each held balance (its status, SKU, location, lot and owner: a hold, a receipt
 * into QUARANTINE or DAMAGED, a count…), newest first, at most `perBalance` each; by the balance's `seq`.
 */
export async function movementsIntoBalances(db: Executor, siteId: string, balances: readonly BalanceRow[], perBalance: number): Promise<Map<number, MovementRow[]>> {
  const out = new Map<number, MovementRow[]>();
  if (balances.length === 0) return out;
  const cols = MOVEMENT_COLUMN_NAMES.map((c) => `m.${c}`).join(', ');
  const rows = await db.query<MovementRow & { balance_seq: number }>(
    `SELECT k.seq AS balance_seq, ${cols}
     FROM unnest($2::int8[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS k(seq, sku, location_id, lot, status, owner_id)
     CROSS JOIN LATERAL (
       SELECT ${MOVEMENT_COLUMNS} FROM inventory.movements
       WHERE site_id = $1 AND sku = k.sku AND location_id = k.location_id AND lot = k.lot AND status = k.status AND owner_id = k.owner_id
         AND delta_on_hand > 0
       ORDER BY seq DESC LIMIT $8) AS m
     ORDER BY k.seq, m.seq DESC`,
    [siteId, balances.map((b) => b.seq), balances.map((b) => b.sku), balances.map((b) => b.location_id), balances.map((b) => b.lot),
      balances.map((b) => b.status), balances.map((b) => b.owner_id), perBalance],
  );
  for (const r of rows) {
    const seq = Number(r.balance_seq);
    const list = out.get(seq) ?? [];
    list.push(r);
    out.set(seq, list);
  }
  return out;
}

export async function getMovement(db: Executor, id: string): Promise<MovementRow | undefined> {
  return (await db.query<MovementRow>(`SELECT ${MOVEMENT_COLUMNS} FROM inventory.movements WHERE id = $1`, [id]))[0];
}

export interface SummaryRow {
  sku: string;
  received: number;
  shipped: number;
  adjusted: number;
  ledger_on_hand: number;
  ledger_reserved: number;
  ledger_allocated: number;
  on_hand: number;
  on_hand_available: number;
  reserved: number;
  allocated: number;
}

/** The stock tables' sums per SKU (balances: on-hand and reserved; sku_stock: available on-hand and allocated). */
const STOCK_SUMS = (filters: string) => `
     b AS (
       SELECT sku, sum(on_hand)::int8 AS on_hand, sum(reserved)::int8 AS reserved
       FROM inventory.balances WHERE site_id = $1${filters} GROUP BY sku),
     s AS (
       SELECT sku, sum(on_hand_available)::int8 AS on_hand_available, sum(allocated)::int8 AS allocated
       FROM inventory.sku_stock WHERE site_id = $1${filters} GROUP BY sku)
     SELECT l.sku, l.received, l.shipped, l.adjusted, l.ledger_on_hand, l.ledger_reserved, l.ledger_allocated,
            COALESCE(b.on_hand, 0)::int8 AS on_hand, COALESCE(b.reserved, 0)::int8 AS reserved,
            COALESCE(s.on_hand_available, 0)::int8 AS on_hand_available, COALESCE(s.allocated, 0)::int8 AS allocated
     FROM l LEFT JOIN b ON b.sku = l.sku LEFT JOIN s ON s.sku = l.sku
     ORDER BY l.sku`;

/** `AND sku = $n AND owner_id = $m` for the filters given (none written when not given, so the planner sees plain equalities). */
function summaryFilters(params: unknown[], sku: string | undefined, ownerId: string | undefined): string {
  let filters = '';
  for (const [column, value] of [['sku', sku], ['owner_id', ownerId]] as const) {
    if (value === undefined) continue;
    params.push(value);
    filters += ` AND ${column} = $${params.length}`;
  }
  return filters;
}

/** A page of the summary: the SKUs after `after` (null: from the first), at most `limit` of them, in SKU order. */
export interface SummaryPageQuery {
  siteId: string;
  sku?: string | undefined;
  ownerId?: string | undefined;
  after: string | null;
  limit: number;
}

/**
 * Per SKU: the ledger's sums next to the balances' sums, so anyone can check that they agree; one page of SKUs, in SKU
 * order (ADR 0047). The ledger's sums are the per-SKU totals (every movement created before the watermark) plus the
 * movements created at or after it (ADR 0041): a short tail instead of the whole ledger. A page lists the first `limit`
 * SKUs after `after` that have a movement, each with the same sums as {@link summaryFromLedger}'s; the pages, followed
 * to the end, list exactly its answer. Each page is one statement, so one snapshot: every row is consistent in itself,
 * two pages may be from different instants.
 */
export async function summary(db: Executor, q: SummaryPageQuery): Promise<SummaryRow[]> {
  const watermark = (await db.query<{ folded_before: Date }>(`SELECT folded_before FROM inventory.sku_totals_watermark`))[0]?.folded_before;
  if (watermark === undefined) throw new Error('inventory.sku_totals_watermark has no row (migration 015 inserts it)');
  // '' sorts before every SKU (a SKU has at least one character), so the first page needs no catch-all filter.
  const params: unknown[] = [q.siteId, watermark, q.after ?? '', q.limit];
  const filters = summaryFilters(params, q.sku, q.ownerId);
  // Totals and watermark are read by this one statement, so from one snapshot. $2, the watermark read just before,
  // lets the planner see the tail's bounds; should the job have moved it since, the movements it folded meanwhile are
  // in the totals read here and the second bound leaves them out of the tail.
  // The page's SKUs are the first $4 after $3 among those with totals or a tail movement; `upto` is the last of them,
  // and every source is then read by `sku > $3 AND sku <= upto` (sku_totals' key, movements' tail by created_at,
  // balances_site_sku, sku_stock_site_sku: migration 017). The four sources are stacked and grouped once (ADR 0041
  // addendum), with sum_bigint (migration 016) instead of sum(bigint)'s numeric. `ledger` keeps the SKUs that have a
  // movement: a sku_stock or balance row alone does not list a SKU, as the left joins of summaryFromLedger do not.
  return db.query<SummaryRow>(
    `WITH tail AS MATERIALIZED (
       SELECT sku, type, delta_on_hand, delta_reserved, delta_allocated
         FROM inventory.movements
        WHERE site_id = $1 AND created_at >= $2 AND created_at >= (SELECT folded_before FROM inventory.sku_totals_watermark)
          AND sku > $3${filters}),
     page AS (
       SELECT sku FROM (
         (SELECT DISTINCT sku FROM inventory.sku_totals WHERE site_id = $1 AND sku > $3${filters} ORDER BY sku LIMIT $4)
         UNION
         SELECT sku FROM tail) skus
        ORDER BY sku LIMIT $4),
     upto AS (SELECT max(sku) AS sku FROM page)
     SELECT sku, inventory.sum_bigint(received) AS received, inventory.sum_bigint(shipped) AS shipped,
            inventory.sum_bigint(adjusted) AS adjusted, inventory.sum_bigint(l_on_hand) AS ledger_on_hand,
            inventory.sum_bigint(l_reserved) AS ledger_reserved, inventory.sum_bigint(l_allocated) AS ledger_allocated,
            inventory.sum_bigint(on_hand) AS on_hand, inventory.sum_bigint(reserved) AS reserved,
            inventory.sum_bigint(on_hand_available) AS on_hand_available, inventory.sum_bigint(allocated) AS allocated
       FROM (
         SELECT sku, received, shipped, adjusted, on_hand AS l_on_hand, reserved AS l_reserved, allocated AS l_allocated,
                0 AS on_hand, 0 AS reserved, 0 AS on_hand_available, 0 AS allocated, true AS ledger
           FROM inventory.sku_totals WHERE site_id = $1 AND sku > $3 AND sku <= (SELECT sku FROM upto)${filters}
         UNION ALL
         SELECT sku, CASE WHEN type = 'RECEIPT' THEN delta_on_hand ELSE 0 END, CASE WHEN type = 'SHIP' THEN -delta_on_hand ELSE 0 END,
                CASE WHEN type IN ('ADJUST', 'COUNT') THEN delta_on_hand ELSE 0 END, delta_on_hand, delta_reserved, delta_allocated,
                0, 0, 0, 0, true
           FROM tail WHERE sku <= (SELECT sku FROM upto)
         UNION ALL
         SELECT sku, 0, 0, 0, 0, 0, 0, on_hand, reserved, 0, 0, false
           FROM inventory.balances WHERE site_id = $1 AND sku > $3 AND sku <= (SELECT sku FROM upto)${filters}
         UNION ALL
         SELECT sku, 0, 0, 0, 0, 0, 0, 0, 0, on_hand_available, allocated, false
           FROM inventory.sku_stock WHERE site_id = $1 AND sku > $3 AND sku <= (SELECT sku FROM upto)${filters}
       ) stacked
      GROUP BY sku HAVING bool_or(ledger)
      ORDER BY sku`,
    params,
  );
}

/** {@link summary} summed over the whole ledger of the site (no snapshot yet; the benchmark's baseline; tests' oracle). */
export async function summaryFromLedger(db: Executor, siteId: string, sku: string | undefined, ownerId?: string): Promise<SummaryRow[]> {
  const params: unknown[] = [siteId];
  const filters = summaryFilters(params, sku, ownerId);
  return db.query<SummaryRow>(
    `WITH l AS (
       SELECT sku,
              COALESCE(sum(delta_on_hand) FILTER (WHERE type = 'RECEIPT'), 0)::int8 AS received,
              COALESCE(-sum(delta_on_hand) FILTER (WHERE type = 'SHIP'), 0)::int8 AS shipped,
              COALESCE(sum(delta_on_hand) FILTER (WHERE type IN ('ADJUST', 'COUNT')), 0)::int8 AS adjusted,
              sum(delta_on_hand)::int8 AS ledger_on_hand, sum(delta_reserved)::int8 AS ledger_reserved,
              sum(delta_allocated)::int8 AS ledger_allocated
       FROM inventory.movements WHERE site_id = $1${filters} GROUP BY sku),${STOCK_SUMS(filters)}`,
    params,
  );
}

// ---------------------------------------------------------------- the location projection (location-master's facts inventory needs)

/** Type and status are NULL while not learned yet (rows backfilled by migration 003); such a row counts as pickable. */
export type LocationRow = Narrowed<
  Pick<Selectable<InventoryLocations>, 'location_id' | 'site_id' | 'type' | 'status' | 'pickable' | 'pick_sequence' | 'count_locks'>,
  { type: LocationType | null; status: LocationStatus | null }
>;

const LOCATION_COLUMNS = `location_id, site_id, type, status, pickable, pick_sequence, count_locks`;

/** Projection rows of these locations, unlocked: what a wave release reads instead of asking location-master. */
export async function locationsByIds(db: Executor, ids: readonly string[]): Promise<LocationRow[]> {
  if (ids.length === 0) return [];
  return db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM inventory.locations WHERE location_id = ANY($1::text[])`, [[...ids]]);
}

export async function getLocation(db: Executor, locationId: string): Promise<LocationRow | undefined> {
  return (await db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM inventory.locations WHERE location_id = $1`, [locationId]))[0];
}

/**
 * The projection row a balance change at this location decides from, locked FOR SHARE: balance changes at one location
 * run side by side, a pickability flip (FOR UPDATE) waits for them and they wait for it.
 */
export async function shareLocation(db: Executor, locationId: string): Promise<LocationRow | undefined> {
  return (await db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM inventory.locations WHERE location_id = $1 FOR SHARE`, [locationId]))[0];
}

/** Creates the row if missing (pickable, type unknown: what a missing row means) and locks it FOR UPDATE. */
export async function lockLocation(db: Executor, locationId: string, siteId: string): Promise<LocationRow> {
  await db.query(`INSERT INTO inventory.locations (location_id, site_id) VALUES ($1, $2) ON CONFLICT (location_id) DO NOTHING`, [locationId, siteId]);
  return (await db.query<LocationRow>(`SELECT ${LOCATION_COLUMNS} FROM inventory.locations WHERE location_id = $1 FOR UPDATE`, [locationId]))[0]!;
}

/** Sets a location's facts; a pick sequence left undefined keeps the one known (status events do not carry it). */
export async function updateLocation(
  db: Executor, locationId: string,
    facts: { type: LocationType; status: LocationStatus; pickable: boolean; pickSequence?: number | null | undefined },
): Promise<void> {
  await db.query(
    `UPDATE inventory.locations SET type = $2, status = $3, pickable = $4,
       pick_sequence = CASE WHEN $5 THEN $6::int ELSE pick_sequence END, updated_at = now()
     WHERE location_id = $1`,
    [locationId, facts.type, facts.status, facts.pickable, facts.pickSequence !== undefined, facts.pickSequence ?? null],
  );
}

/** A location's open counts and the pickability they leave it with (issue 11: a location under count is not pickable). */
export async function setCountLocks(db: Executor, locationId: string, countLocks: number, pickable: boolean): Promise<void> {
  await db.query(`UPDATE inventory.locations SET count_locks = $2, pickable = $3, updated_at = now() WHERE location_id = $1`,
    [locationId, countLocks, pickable]);
}

/** AVAILABLE on-hand at one location per SKU, in SKU order (the order SKU rows are locked in). */
export async function availableOnHandAt(db: Executor, siteId: string, locationId: string): Promise<{ owner_id: string; sku: string; quantity: number }[]> {
  return db.query<{ owner_id: string; sku: string; quantity: number }>(
    `SELECT owner_id, sku, sum(on_hand)::int8 AS quantity FROM inventory.balances
     WHERE site_id = $1 AND location_id = $2 AND status = 'AVAILABLE' GROUP BY owner_id, sku HAVING sum(on_hand) > 0 ORDER BY owner_id, sku`,
    [siteId, locationId],
  );
}

/** Backfilled rows whose type inventory has not learned yet, a batch at a time. */
export async function unlearnedLocations(db: Executor, afterId: string, limit: number): Promise<Pick<Selectable<InventoryLocations>, 'location_id' | 'site_id'>[]> {
  return db.query<Pick<Selectable<InventoryLocations>, 'location_id' | 'site_id'>>(
    `SELECT location_id, site_id FROM inventory.locations WHERE type IS NULL AND location_id > $1 ORDER BY location_id LIMIT $2`, [afterId, limit],
  );
}

// ---- Returns to stock (migration 006) ----

const RETURN_COLUMN_NAMES = [
  'id', 'site_id', 'owner_id', 'order_id', 'sku', 'lot', 'quantity', 'returned', 'from_location_id', 'suggested_location_id', 'status',
  'confirmed_location_id', 'confirmed_by', 'confirmed_at', 'cancel_reason', 'created_at', 'updated_at',
] as const;
const RETURN_COLUMNS = columnList(RETURN_COLUMN_NAMES);
export type ReturnRow = Narrowed<Pick<Selectable<InventoryReturns>, (typeof RETURN_COLUMN_NAMES)[number]>, { status: ReturnStatus }>;


export async function insertReturns(db: Executor, rows: readonly NewReturn[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO inventory.returns (id, site_id, owner_id, order_id, sku, lot, quantity, from_location_id, suggested_location_id, status)
     SELECT r.id, r.site_id, r.owner_id, r.order_id, r.sku, r.lot, r.quantity, r.from_location_id, r.suggested_location_id, 'OPEN'
     FROM jsonb_to_recordset($1::jsonb) AS r(id text, site_id text, owner_id text, order_id text, sku text, lot text, quantity int,
                                             from_location_id text, suggested_location_id text)`,
    [JSON.stringify(rows)],
  );
}

export async function getReturn(db: Executor, id: string): Promise<ReturnRow | undefined> {
  return (await db.query<ReturnRow>(`SELECT ${RETURN_COLUMNS} FROM inventory.returns WHERE id = $1`, [id]))[0];
}

export async function lockReturn(db: Executor, id: string): Promise<ReturnRow | undefined> {
  return (await db.query<ReturnRow>(`SELECT ${RETURN_COLUMNS} FROM inventory.returns WHERE id = $1 FOR UPDATE`, [id]))[0];
}

/** Units of an order's open returns still in its tote, per SKU and lot (what a new return must not cover twice). */
export async function openReturnUnits(db: Executor, orderId: string): Promise<{ sku: string; lot: string; open: number }[]> {
  return db.query<{ sku: string; lot: string; open: number }>(
    `SELECT sku, lot, sum(quantity - returned)::int AS open FROM inventory.returns
     WHERE order_id = $1 AND status = 'OPEN' GROUP BY sku, lot ORDER BY sku, lot`,
    [orderId],
  );
}

/** An order's OPEN returns of a SKU, locked in id order (a short at packing takes the units they wait for). */
export async function lockOpenReturnsOfOrderSku(db: Executor, orderId: string, sku: string): Promise<ReturnRow[]> {
  return db.query<ReturnRow>(
    `SELECT ${RETURN_COLUMNS} FROM inventory.returns WHERE order_id = $1 AND sku = $2 AND status = 'OPEN' ORDER BY id FOR UPDATE`,
    [orderId, sku],
  );
}

/**
 * Returns a short at packing took units from: fewer to put back (`quantity`), or CANCELLED with `reason` when none is
 * left (what they returned stays as it was).
 */
export async function shrinkReturns(db: Executor, changes: readonly { id: string; quantity: number; status: 'OPEN' | 'CANCELLED' }[], reason: string): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `UPDATE inventory.returns r SET quantity = c.quantity, status = c.status,
            cancel_reason = CASE WHEN c.status = 'CANCELLED' THEN $4 ELSE r.cancel_reason END, updated_at = now()
     FROM unnest($1::text[], $2::int[], $3::text[]) AS c(id, quantity, status)
     WHERE r.id = c.id AND r.status = 'OPEN'`,
    [changes.map((c) => c.id), changes.map((c) => c.quantity), changes.map((c) => c.status), reason],
  );
}

export async function updateReturn(db: Executor, id: string, c: {
  returned: number; status: ReturnStatus; locationId: string; confirmedBy: string | null; at: Date;
}): Promise<ReturnRow> {
  const rows = await db.query<ReturnRow>(
    `UPDATE inventory.returns SET returned = $2, status = $3, confirmed_location_id = $4, confirmed_by = $5, confirmed_at = $6, updated_at = now()
     WHERE id = $1 RETURNING ${RETURN_COLUMNS}`,
    [id, c.returned, c.status, c.locationId, c.confirmedBy, c.at],
  );
  return rows[0]!;
}

/** The return ends without a confirm (CANCELLED), with the manager's reason; what it returned stays as it was. */
export async function cancelReturn(db: Executor, id: string, reason: string): Promise<ReturnRow> {
  const rows = await db.query<ReturnRow>(
    `UPDATE inventory.returns SET status = 'CANCELLED', cancel_reason = $2, updated_at = now() WHERE id = $1 RETURNING ${RETURN_COLUMNS}`,
    [id, reason],
  );
  return rows[0]!;
}

export async function listReturns(db: Executor, q: {
  siteId: string; status?: ReturnStatus | undefined; orderId?: string | undefined; limit: number; after: string | null;
}): Promise<ReturnRow[]> {
  return db.query<ReturnRow>(
    `SELECT ${RETURN_COLUMNS} FROM inventory.returns
     WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR order_id = $3) AND ($4::text IS NULL OR id > $4)
     ORDER BY id LIMIT $5`,
    [q.siteId, q.status ?? null, q.orderId ?? null, q.after, q.limit],
  );
}

const CONFIRMATION_COLUMN_NAMES = ['id', 'return_id', 'scan_id', 'location_id', 'quantity', 'confirmed_by', 'confirmed_at'] as const;
const CONFIRMATION_COLUMNS = columnList(CONFIRMATION_COLUMN_NAMES);
export type ReturnConfirmationRow = Pick<Selectable<InventoryReturnConfirmations>, (typeof CONFIRMATION_COLUMN_NAMES)[number]>;

export async function insertReturnConfirmation(db: Executor, c: Omit<ReturnConfirmationRow, 'confirmed_at'> & { confirmed_at: Date }): Promise<void> {
  await db.query(
    `INSERT INTO inventory.return_confirmations (id, return_id, scan_id, location_id, quantity, confirmed_by, confirmed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [c.id, c.return_id, c.scan_id, c.location_id, c.quantity, c.confirmed_by, c.confirmed_at],
  );
}

/** The confirm a handheld already sent with this scanId (its retry must count once). */
export async function confirmationByScan(db: Executor, returnId: string, scanId: string): Promise<ReturnConfirmationRow | undefined> {
  return (await db.query<ReturnConfirmationRow>(
    `SELECT ${CONFIRMATION_COLUMNS} FROM inventory.return_confirmations WHERE return_id = $1 AND scan_id = $2`, [returnId, scanId],
  ))[0];
}

/**
 * Where the order's returns of a SKU put units back: each confirmation's location, units, and its return's owner and
 * lot, newest first (a short at packing heard after the return was confirmed writes the units off there).
 */
export async function putBackOfOrderSku(db: Executor, orderId: string, sku: string): Promise<{ location_id: string; quantity: number; owner_id: string; lot: string }[]> {
  return db.query<{ location_id: string; quantity: number; owner_id: string; lot: string }>(
    `SELECT c.location_id, c.quantity, r.owner_id, r.lot FROM inventory.return_confirmations c JOIN inventory.returns r ON r.id = c.return_id
     WHERE r.order_id = $1 AND r.sku = $2 ORDER BY c.confirmed_at DESC, c.id DESC`,
    [orderId, sku],
  );
}

/** True while a reservation of the order's SKU is OPEN with units neither picked nor shorted (a pick may still be heard). */
export async function picksPendingOfOrderSku(db: Executor, orderId: string, sku: string): Promise<boolean> {
  const rows = await db.query<{ pending: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM inventory.reservations WHERE order_id = $1 AND sku = $2 AND status = 'OPEN' AND quantity > picked + shorted) AS pending`,
    [orderId, sku],
  );
  return rows[0]?.pending === true;
}

export async function confirmationsOf(db: Executor, returnIds: readonly string[]): Promise<ReturnConfirmationRow[]> {
  if (returnIds.length === 0) return [];
  return db.query<ReturnConfirmationRow>(
    `SELECT ${CONFIRMATION_COLUMNS} FROM inventory.return_confirmations WHERE return_id = ANY($1::text[]) ORDER BY confirmed_at, id`,
    [[...returnIds]],
  );
}

// ---------------------------------------------------------------- short-pick recovery (ADR 0024)

/** True when the order ships complete; an order inventory has no policy for ships what was picked. */
export async function shipsComplete(db: Executor, orderId: string): Promise<boolean> {
  return (await db.query<{ ship_complete: boolean }>(`SELECT ship_complete FROM inventory.order_policies WHERE order_id = $1`, [orderId]))[0]?.ship_complete ?? false;
}

/**
 * AVAILABLE units of a SKU at the site's RESERVE and STORAGE locations (by the projection), other than one location:
 * where a replenishment could bring units from, most units first. Read without locks: it only chooses a task.
 */
export async function reserveStorageStock(db: Executor, siteId: string, ownerId: string, sku: string, exceptLocationId: string): Promise<{ location_id: string; quantity: number }[]> {
  return db.query<{ location_id: string; quantity: number }>(
    `SELECT b.location_id, sum(b.on_hand)::int AS quantity FROM inventory.balances b
       JOIN inventory.locations l ON l.location_id = b.location_id
      WHERE b.site_id = $1 AND b.owner_id = $4 AND b.sku = $2 AND b.status = 'AVAILABLE' AND b.on_hand > 0 AND b.location_id <> $3
        AND l.type IN ('RESERVE', 'STORAGE')
      GROUP BY b.location_id ORDER BY 2 DESC, 1`,
    [siteId, sku, exceptLocationId, ownerId],
  );
}

export interface ShortRecoveryRow {
  readonly pick_line_id: string;
  readonly pick_list_id: string;
  readonly order_id: string;
  readonly line_id: string;
  readonly site_id: string;
  readonly owner_id: string;
  readonly sku: string;
  readonly wave_id: string;
  readonly shorted_location_id: string;
  readonly quantity: number;
  readonly status: 'WAITING' | 'RESERVED' | 'CANCELLED';
  /** PACK: a shipComplete order's short at packing (inventory migration 030); null: a short pick. */
  readonly origin: 'PACK' | null;
}
const RECOVERY_COLUMNS = 'pick_line_id, pick_list_id, order_id, line_id, site_id, sku, wave_id, shorted_location_id, quantity, status, owner_id, origin';

export async function insertShortRecovery(db: Executor, r: Omit<ShortRecoveryRow, 'status'>, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO inventory.short_recoveries (${RECOVERY_COLUMNS}, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'WAITING', $11, $12, $10, $10) ON CONFLICT (pick_line_id) DO NOTHING`,
    [r.pick_line_id, r.pick_list_id, r.order_id, r.line_id, r.site_id, r.sku, r.wave_id, r.shorted_location_id, r.quantity, now, r.owner_id, r.origin],
  );
}

/** Orders with recoveries waiting for stock of these SKUs at a site, oldest recovery first. */
export async function ordersWaitingForStock(db: Executor, siteId: string, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.query<{ order_id: string }>(
    `SELECT order_id FROM inventory.short_recoveries WHERE site_id = $1 AND sku = ANY($2::text[]) AND status = 'WAITING'
      GROUP BY order_id ORDER BY min(created_at), order_id`,
    [siteId, [...skus]],
  );
  return rows.map((r) => r.order_id);
}

/** The waiting recoveries of these orders for these SKUs, locked, oldest first. */
export async function lockWaitingRecoveries(db: Executor, orderIds: readonly string[], skus: readonly string[]): Promise<ShortRecoveryRow[]> {
  return db.query<ShortRecoveryRow>(
    `SELECT ${RECOVERY_COLUMNS} FROM inventory.short_recoveries
      WHERE order_id = ANY($1::text[]) AND sku = ANY($2::text[]) AND status = 'WAITING' ORDER BY created_at, pick_line_id FOR UPDATE`,
    [[...orderIds], [...skus]],
  );
}

export async function setRecoveryStatus(db: Executor, pickLineId: string, status: ShortRecoveryRow['status'], now: Date): Promise<void> {
  await db.query(`UPDATE inventory.short_recoveries SET status = $2, updated_at = $3 WHERE pick_line_id = $1`, [pickLineId, status, now]);
}

/**
 * Where a line's picked units came from, for a short at packing (ADR 0024 addendum 2026-12-07): the wave and location
 * of the line's latest reservation with units picked (undefined when none: its picks are not heard yet).
 */
export async function pickedFromOfLine(db: Executor, orderId: string, lineId: string): Promise<{ wave_id: string; location_id: string } | undefined> {
  const rows = await db.query<{ wave_id: string; location_id: string }>(
    `SELECT wave_id, location_id FROM inventory.reservations WHERE order_id = $1 AND line_id = $2 AND picked > 0 ORDER BY id DESC LIMIT 1`, [orderId, lineId],
  );
  return rows[0];
}

/** A cancelled order's waiting recoveries end: nothing is re-reserved for it. */
export async function cancelRecoveriesOfOrder(db: Executor, orderId: string, now: Date): Promise<void> {
  await db.query(`UPDATE inventory.short_recoveries SET status = 'CANCELLED', updated_at = $2 WHERE order_id = $1 AND status = 'WAITING'`, [orderId, now]);
}

// ---------------------------------------------------------------- cycle counts (issue 11, migration 008)

export interface CountRow {
  readonly id: string;
  readonly site_id: string;
  readonly owner_id: string;
  readonly location_id: string;
  readonly sku: string;
  readonly lot: string;
  readonly origin: CountOrigin;
  readonly status: CountStatus;
  readonly tolerance_units: number | null;
  readonly tolerance_percent: number | null;
  readonly applied: number | null;
  readonly movement_id: string | null;
  readonly decided_by: string | null;
  readonly decision_reason: string | null;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly closed_at: Date | null;
  /** False for a short pick's count (ADR 0024 addendum 2026-12-05): its location stays pickable while it is open (absent: true). */
  readonly locks_location?: boolean | undefined;
  /**
   * The ledger's last seq when the awaited attempt was asked for (opened; recount asked), read under the location's
   * lock: picks after it are picks meanwhile. NULL for counts opened before migration 025 (absent: as NULL).
   */
  readonly since_seq?: string | null | undefined;
}
const COUNT_COLUMNS = `id, site_id, owner_id, location_id, sku, lot, origin, status, tolerance_units, tolerance_percent::float8 AS tolerance_percent,
  applied, movement_id, decided_by, decision_reason, created_at, updated_at, closed_at, locks_location, since_seq::text AS since_seq`;

export interface CountSubmissionRow {
  readonly count_id: string;
  readonly attempt: number;
  readonly counted: number;
  readonly expected: number;
  readonly variance: number;
  readonly within_tolerance: boolean;
  readonly worker_id: string | null;
  readonly actor_id: string | null;
  readonly submitted_at: Date;
}
const SUBMISSION_COLUMNS = 'count_id, attempt, counted, expected, variance, within_tolerance, worker_id, actor_id, submitted_at';

/** A count as a decision opens it. */
export type NewCount = Pick<CountRow, 'id' | 'site_id' | 'owner_id' | 'location_id' | 'sku' | 'lot' | 'origin' | 'tolerance_units' | 'tolerance_percent'>;

/**
 * Inserts opened counts. `shortReference`: the short pick these counts are for (their location stays unlocked); a
 * count of that short already there makes the insert a no-op for that row (one count per short).
 */
export async function insertCounts(db: Executor, rows: readonly NewCount[], now: Date, shortReference: string | null = null): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO inventory.counts (id, site_id, owner_id, location_id, sku, lot, origin, status, tolerance_units, tolerance_percent, created_at, updated_at,
                                   locks_location, short_reference, since_seq)
     SELECT c.id, c.site_id, c.owner_id, c.location_id, c.sku, c.lot, c.origin, 'OPEN', c.tolerance_units, c.tolerance_percent, $2, $2,
            $3::text IS NULL, $3::text, (SELECT coalesce(max(seq), 0) FROM inventory.movements)
     FROM jsonb_to_recordset($1::jsonb) AS c(id text, site_id text, owner_id text, location_id text, sku text, lot text, origin text,
                                             tolerance_units int, tolerance_percent numeric)`,
    [JSON.stringify(rows), now, shortReference],
  );
}

/** Whether a short pick's count was opened already (`short_reference`): its event delivered again opens none. */
export async function knowsShortCount(db: Executor, shortReference: string): Promise<boolean> {
  return (await db.query(
    `SELECT 1 FROM inventory.counts WHERE short_reference = $1
     UNION ALL SELECT 1 FROM inventory.short_count_stand_ins WHERE short_reference = $1`, [shortReference])).length > 0;
}

/** Remembers the open count that stands in for a short's (one of the SKU there already): the short opens none of its own, now or later. */
export async function recordShortCountStandIn(db: Executor, shortReference: string, countId: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO inventory.short_count_stand_ins (short_reference, count_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (short_reference) DO NOTHING`,
    [shortReference, countId, now],
  );
}

/** Open counts at these locations (what a new count must not repeat). */
export async function openCountsAt(db: Executor, locationIds: readonly string[]): Promise<Pick<CountRow, 'id' | 'site_id' | 'owner_id' | 'location_id' | 'sku' | 'lot'>[]> {
  if (locationIds.length === 0) return [];
  return db.query<Pick<CountRow, 'id' | 'site_id' | 'owner_id' | 'location_id' | 'sku' | 'lot'>>(
    `SELECT id, site_id, owner_id, location_id, sku, lot FROM inventory.counts
     WHERE location_id = ANY($1::text[]) AND status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL') ORDER BY location_id, sku, lot`,
    [[...locationIds]],
  );
}

/**
 * The inventory work a task references, if still open (InventoryApi.openTaskWork): one primary-key read of the table
 * of its type. A COUNT task's reference is the count id (its first attempt) or `<id>:recount` (the recount).
 */
export async function openTaskWork(db: Executor, taskType: TaskWorkType, reference: string): Promise<OpenTaskWork | undefined> {
  type Row = { id: string; status: string; remaining: number | null };
  const one = async (sql: string, ...params: string[]): Promise<Row | undefined> => (await db.query<Row>(sql, params))[0];
  switch (taskType) {
    case 'PUTAWAY': {
      const r = await one(`SELECT id, status, quantity - put_away AS remaining FROM inventory.putaways WHERE id = $1 AND status = 'OPEN'`, reference);
      return r === undefined ? undefined : { kind: 'PUTAWAY', ...r };
    }
    case 'REPLENISH': {
      const r = await one(`SELECT id, status, quantity AS remaining FROM inventory.replenishments WHERE id = $1 AND status = 'OPEN'`, reference);
      return r === undefined ? undefined : { kind: 'REPLENISHMENT', ...r };
    }
    case 'MOVE': {
      const r = await one(`SELECT id, status, quantity - returned AS remaining FROM inventory.returns WHERE id = $1 AND status = 'OPEN'`, reference);
      return r === undefined ? undefined : { kind: 'RETURN', ...r };
    }
    case 'COUNT': {
      const recount = reference.endsWith(':recount');
      const id = recount ? reference.slice(0, -':recount'.length) : reference;
      // The attempt's task is open while the count waits for that attempt: OPEN for the first, RECOUNT for the recount.
      const r = await one(`SELECT id, status, NULL::int AS remaining FROM inventory.counts WHERE id = $1 AND status = $2`, id, recount ? 'RECOUNT' : 'OPEN');
      return r === undefined ? undefined : { kind: 'COUNT', ...r };
    }
    default:
      return assertNever(taskType, 'task work type');
  }
}

/**
 * How the inventory work a task references stands (InventoryApi.taskWorkState): one primary-key read of the table of
 * its type (a count with its submissions); undefined when there is no such record, or a recount never asked for.
 */
export async function taskWorkState(db: Executor, taskType: TaskWorkType, reference: string): Promise<TaskWorkState | undefined> {
  const statusOf = async (table: 'putaways' | 'replenishments' | 'returns') =>
    (await db.query<{ status: MoveWorkStatus }>(`SELECT status FROM inventory.${table} WHERE id = $1`, [reference]))[0]?.status;
  const moveState = (status: MoveWorkStatus | undefined) => (status === undefined ? undefined : moveWorkState(status));
  switch (taskType) {
    case 'PUTAWAY':
      return moveState(await statusOf('putaways'));
    case 'REPLENISH':
      return moveState(await statusOf('replenishments'));
    case 'MOVE':
      return moveState(await statusOf('returns'));
    case 'COUNT': {
      const attempt = reference.endsWith(':recount') ? 2 : 1;
      const id = attempt === 2 ? reference.slice(0, -':recount'.length) : reference;
      const r = (await db.query<{ status: CountStatus; submitted: boolean; first_within: boolean | null }>(
        `SELECT c.status, EXISTS (SELECT 1 FROM inventory.count_submissions s WHERE s.count_id = c.id AND s.attempt = $2) AS submitted,
                (SELECT f.within_tolerance FROM inventory.count_submissions f WHERE f.count_id = c.id AND f.attempt = 1) AS first_within
         FROM inventory.counts c WHERE c.id = $1`,
        [id, attempt],
      ))[0];
      return r === undefined ? undefined : countAttemptState({ status: r.status, attempt, submitted: r.submitted, firstWithinTolerance: r.first_within });
    }
    default:
      return assertNever(taskType, 'task work type');
  }
}

/** AVAILABLE balances with units at these locations (of these SKUs, when given), in key order: what a count covers. */
export async function availableBalancesAt(db: Executor, siteId: string, locationIds: readonly string[], skus: readonly string[] | null): Promise<{ owner_id: string; location_id: string; sku: string; lot: string }[]> {
  if (locationIds.length === 0) return [];
  return db.query<{ owner_id: string; location_id: string; sku: string; lot: string }>(
    `SELECT owner_id, location_id, sku, lot FROM inventory.balances
     WHERE site_id = $1 AND location_id = ANY($2::text[]) AND status = 'AVAILABLE' AND on_hand > 0 AND ($3::text[] IS NULL OR sku = ANY($3::text[]))
     ORDER BY location_id, sku, lot, owner_id`,
    [siteId, [...locationIds], skus === null ? null : [...skus]],
  );
}

/** Real locations (not in-process) holding AVAILABLE units of these SKUs, in id order. */
export async function locationsHolding(db: Executor, siteId: string, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.query<{ location_id: string }>(
    `SELECT DISTINCT location_id FROM inventory.balances
     WHERE site_id = $1 AND sku = ANY($2::text[]) AND status = 'AVAILABLE' AND on_hand > 0 AND location_id NOT LIKE 'IN\\_PROCESS:%'
     ORDER BY location_id`,
    [siteId, [...skus]],
  );
  return rows.map((r) => r.location_id);
}

export async function getCount(db: Executor, id: string): Promise<CountRow | undefined> {
  return (await db.query<CountRow>(`SELECT ${COUNT_COLUMNS} FROM inventory.counts WHERE id = $1`, [id]))[0];
}

export async function lockCount(db: Executor, id: string): Promise<CountRow | undefined> {
  return (await db.query<CountRow>(`SELECT ${COUNT_COLUMNS} FROM inventory.counts WHERE id = $1 FOR UPDATE`, [id]))[0];
}

export async function countsByIds(db: Executor, ids: readonly string[]): Promise<CountRow[]> {
  if (ids.length === 0) return [];
  return db.query<CountRow>(`SELECT ${COUNT_COLUMNS} FROM inventory.counts WHERE id = ANY($1::text[]) ORDER BY id`, [[...ids]]);
}

/** The SKUs under an open count (OPEN, RECOUNT, AWAITING_APPROVAL) at each location of a site: what its counters count blind. */
export async function skusUnderCount(db: Executor, siteId: string): Promise<{ location_id: string; sku: string }[]> {
  return db.query<{ location_id: string; sku: string }>(
    `SELECT DISTINCT location_id, sku FROM inventory.counts WHERE site_id = $1 AND status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL')`, [siteId]);
}

export async function listCounts(db: Executor, q: {
  siteId: string; status?: CountStatus | undefined; locationId?: string | undefined; sku?: string | undefined; limit: number; after: string | null;
}): Promise<CountRow[]> {
  return db.query<CountRow>(
    `SELECT ${COUNT_COLUMNS} FROM inventory.counts
     WHERE site_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR location_id = $3) AND ($4::text IS NULL OR sku = $4)
       AND ($5::text IS NULL OR id > $5)
     ORDER BY id LIMIT $6`,
    [q.siteId, q.status ?? null, q.locationId ?? null, q.sku ?? null, q.after, q.limit],
  );
}

/** A count's new status, as a decision set it; closing ones carry what was applied and who decided. */
export async function updateCount(db: Executor, id: string, c: {
  status: CountStatus; applied?: number | null; movementId?: string | null; decidedBy?: string | null; reason?: string | null; now: Date; closed: boolean;
}): Promise<void> {
  await db.query(
    `UPDATE inventory.counts SET status = $2, applied = COALESCE($3, applied), movement_id = COALESCE($4, movement_id),
       decided_by = COALESCE($5, decided_by), decision_reason = COALESCE($6, decision_reason), updated_at = $7,
       closed_at = CASE WHEN $8 THEN $7 ELSE closed_at END
     WHERE id = $1`,
    [id, c.status, c.applied ?? null, c.movementId ?? null, c.decidedBy ?? null, c.reason ?? null, c.now, c.closed],
  );
}

export async function insertCountSubmission(db: Executor, s: CountSubmissionRow): Promise<void> {
  await db.query(
    `INSERT INTO inventory.count_submissions (${SUBMISSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [s.count_id, s.attempt, s.counted, s.expected, s.variance, s.within_tolerance, s.worker_id, s.actor_id, s.submitted_at],
  );
}

export async function submissionsOf(db: Executor, countIds: readonly string[]): Promise<CountSubmissionRow[]> {
  if (countIds.length === 0) return [];
  return db.query<CountSubmissionRow>(
    `SELECT ${SUBMISSION_COLUMNS} FROM inventory.count_submissions WHERE count_id = ANY($1::text[]) ORDER BY count_id, attempt`, [[...countIds]],
  );
}

export interface CountSettingsRow {
  readonly site_id: string;
  readonly tolerance_units: number | null;
  readonly tolerance_percent: number | null;
}

export async function countSettings(db: Executor, siteId: string): Promise<CountSettingsRow | undefined> {
  return (await db.query<CountSettingsRow>(
    `SELECT site_id, tolerance_units, tolerance_percent::float8 AS tolerance_percent FROM inventory.count_settings WHERE site_id = $1`, [siteId],
  ))[0];
}

export async function putCountSettings(db: Executor, s: CountSettingsRow): Promise<CountSettingsRow> {
  return (await db.query<CountSettingsRow>(
    `INSERT INTO inventory.count_settings (site_id, tolerance_units, tolerance_percent) VALUES ($1, $2, $3)
     ON CONFLICT (site_id) DO UPDATE SET tolerance_units = EXCLUDED.tolerance_units, tolerance_percent = EXCLUDED.tolerance_percent, updated_at = now()
     RETURNING site_id, tolerance_units, tolerance_percent::float8 AS tolerance_percent`,
    [s.site_id, s.tolerance_units, s.tolerance_percent],
  ))[0]!;
}

export interface CountPolicyRow {
  readonly site_id: string;
  readonly sku: string;
  readonly abc_class: AbcClass;
  readonly last_scheduled_at: Date | null;
}
const POLICY_COLUMNS = 'site_id, sku, abc_class, last_scheduled_at';

export async function putCountPolicy(db: Executor, p: Omit<CountPolicyRow, 'last_scheduled_at'>): Promise<CountPolicyRow> {
  return (await db.query<CountPolicyRow>(
    `INSERT INTO inventory.count_policies (site_id, sku, abc_class) VALUES ($1, $2, $3)
     ON CONFLICT (site_id, sku) DO UPDATE SET abc_class = EXCLUDED.abc_class, updated_at = now()
     RETURNING ${POLICY_COLUMNS}`,
    [p.site_id, p.sku, p.abc_class],
  ))[0]!;
}

export async function listCountPolicies(db: Executor, q: { siteId: string; limit: number; after: string | null }): Promise<CountPolicyRow[]> {
  return db.query<CountPolicyRow>(
    `SELECT ${POLICY_COLUMNS} FROM inventory.count_policies WHERE site_id = $1 AND ($2::text IS NULL OR sku > $2) ORDER BY sku LIMIT $3`,
    [q.siteId, q.after, q.limit],
  );
}

/** Every site's policies, locked (the scheduler decides and marks them in one transaction per site). */
export async function lockCountPolicies(db: Executor, siteId: string): Promise<CountPolicyRow[]> {
  return db.query<CountPolicyRow>(`SELECT ${POLICY_COLUMNS} FROM inventory.count_policies WHERE site_id = $1 ORDER BY sku FOR UPDATE`, [siteId]);
}

export async function sitesWithCountPolicies(db: Executor): Promise<string[]> {
  return (await db.query<{ site_id: string }>(`SELECT DISTINCT site_id FROM inventory.count_policies ORDER BY site_id`)).map((r) => r.site_id);
}

export async function markCountsScheduled(db: Executor, siteId: string, skus: readonly string[], now: Date): Promise<void> {
  if (skus.length === 0) return;
  await db.query(`UPDATE inventory.count_policies SET last_scheduled_at = $3 WHERE site_id = $1 AND sku = ANY($2::text[])`, [siteId, [...skus], now]);
}

/** Reservations of a run, locked in id order (a set-based pick handler); unknown ids are absent. */
export async function lockReservations(db: Executor, ids: readonly string[]): Promise<Map<string, ReservationRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<ReservationRow>(
    `SELECT ${RESERVATION_COLUMNS} FROM inventory.reservations WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...new Set(ids)]]);
  return new Map(rows.map((r) => [r.id, r]));
}

/** `shareLocation` for a set of locations in one statement, in location order; unknown ones are absent. */
export async function shareLocations(db: Executor, locationIds: readonly string[]): Promise<Map<string, LocationRow>> {
  if (locationIds.length === 0) return new Map();
  const rows = await db.query<LocationRow>(
    `SELECT ${LOCATION_COLUMNS} FROM inventory.locations WHERE location_id = ANY($1::text[]) ORDER BY location_id FOR SHARE`, [[...new Set(locationIds)].sort()]);
  return new Map(rows.map((r) => [r.location_id, r]));
}

/** A balance key as one string (maps of a run's balances). */
export const balanceKeyOf = (k: BalanceKey): string => [k.siteId, k.ownerId, k.sku, k.locationId, k.lot, k.status].join('\u0000');

const keysJson = (keys: readonly BalanceKey[], extra: (i: number) => Record<string, unknown> = () => ({})): string =>
  JSON.stringify(keys.map((k, i) => ({ site_id: k.siteId, owner_id: k.ownerId, sku: k.sku, location_id: k.locationId, lot: k.lot, status: k.status, ...extra(i) })));
const KEY_JOIN = `b.site_id = k.site_id AND b.owner_id = k.owner_id AND b.sku = k.sku AND b.location_id = k.location_id AND b.lot = k.lot AND b.status = k.status`;

/** `lockBalance` for a set of balances in one statement, locked in key order; answered by `balanceKeyOf`. */
export async function lockBalancesByKey(db: Executor, keys: readonly BalanceKey[]): Promise<Map<string, BalanceRow>> {
  if (keys.length === 0) return new Map();
  const rows = await db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE (site_id, owner_id, sku, location_id, lot, status) IN (SELECT site_id, owner_id, sku, location_id, lot, status
       FROM jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, location_id text, lot text, status text))
     ORDER BY location_id, sku, owner_id, lot, status FOR UPDATE`,
    [keysJson(keys)],
  );
  return new Map(rows.map((r) => [balanceKeyOf({ siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.location_id, lot: r.lot, status: r.status }), r]));
}

/**
 * `changeBalance` for a set of distinct balances in one statement, each with the same guard (reserved ≤ on-hand, both
 * ≥ 0); returns how many it changed: fewer than asked means a change was refused or a balance is missing.
 */
export async function changeBalances(db: Executor, changes: readonly { key: BalanceKey; deltaOnHand: number; deltaReserved: number }[]): Promise<number> {
  if (changes.length === 0) return 0;
  const rows = await db.query(
    `UPDATE inventory.balances b SET on_hand = b.on_hand + k.d_on_hand, reserved = b.reserved + k.d_reserved, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, location_id text, lot text, status text, d_on_hand int4, d_reserved int4)
     WHERE ${KEY_JOIN} AND b.on_hand + k.d_on_hand >= 0 AND b.reserved + k.d_reserved >= 0 AND b.reserved + k.d_reserved <= b.on_hand + k.d_on_hand
     RETURNING 1`,
    [keysJson(changes.map((c) => c.key), (i) => ({ d_on_hand: changes[i]!.deltaOnHand, d_reserved: changes[i]!.deltaReserved }))],
  );
  return rows.length;
}

/** `addOnHand` for a set of distinct balances in one statement, in key order (expiry: the earlier of the two, as there). */
export async function addOnHands(db: Executor, adds: readonly { key: BalanceKey; quantity: number; expiresOn: string | null }[]): Promise<void> {
  if (adds.length === 0) return;
  await db.query(
    `INSERT INTO inventory.balances AS b (site_id, sku, location_id, lot, status, on_hand, expires_on, owner_id)
     SELECT k.site_id, k.sku, k.location_id, k.lot, k.status, k.quantity, k.expires_on::date, k.owner_id
     FROM jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, location_id text, lot text, status text, quantity int4, expires_on text)
     ORDER BY k.location_id, k.sku, k.owner_id, k.lot, k.status
     ON CONFLICT (site_id, owner_id, sku, location_id, lot, status) DO UPDATE
       SET on_hand = b.on_hand + EXCLUDED.on_hand,
           expires_on = CASE WHEN b.expires_on IS NULL THEN EXCLUDED.expires_on
                             WHEN EXCLUDED.expires_on IS NULL THEN b.expires_on
                             ELSE LEAST(b.expires_on, EXCLUDED.expires_on) END,
           updated_at = now()`,
    [keysJson(adds.map((a) => a.key), (i) => ({ quantity: adds[i]!.quantity, expires_on: adds[i]!.expiresOn }))],
  );
}

/** `changeUnpickable` for a set of SKU rows in one statement (zero deltas left out); a missing row is a fault. */
export async function changeUnpickables(db: Executor, changes: readonly { siteId: string; ownerId: string; sku: string; delta: number }[]): Promise<void> {
  const real = changes.filter((c) => c.delta !== 0);
  if (real.length === 0) return;
  const rows = await db.query(
    `UPDATE inventory.sku_stock s SET unpickable = s.unpickable + k.delta
     FROM jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, delta int4)
     WHERE s.site_id = k.site_id AND s.owner_id = k.owner_id AND s.sku = k.sku RETURNING 1`,
    [JSON.stringify(real.map((c) => ({ site_id: c.siteId, owner_id: c.ownerId, sku: c.sku, delta: c.delta })))],
  );
  if (rows.length !== real.length) throw new Error(`no stock row for one of ${real.map((c) => c.sku).join(', ')} to change unpickable`);
}

/** `updateReservation` for a set of distinct reservations in one statement. */
export async function updateReservations(db: Executor, changes: readonly { id: string; picked: number; shorted: number; status: ReservationStatus }[]): Promise<void> {
  if (changes.length === 0) return;
  await db.query(
    `UPDATE inventory.reservations r SET picked = x.picked, shorted = x.shorted, status = x.status, updated_at = now()
     FROM unnest($1::text[], $2::int4[], $3::int4[], $4::text[]) AS x(id, picked, shorted, status) WHERE r.id = x.id`,
    [changes.map((c) => c.id), changes.map((c) => c.picked), changes.map((c) => c.shorted), changes.map((c) => c.status)],
  );
}

/** `lockInProcess` for several SKUs of one order in one statement: locked SKU by SKU, each oldest lot first. */
export async function lockInProcessOfSkus(db: Executor, siteId: string, skus: readonly string[], locationId: string): Promise<BalanceRow[]> {
  if (skus.length === 0) return [];
  return db.query<BalanceRow>(
    `SELECT ${BALANCE_COLUMNS} FROM inventory.balances
     WHERE site_id = $1 AND sku = ANY($2::text[]) AND location_id = $3 AND status = 'AVAILABLE' AND on_hand > 0
     ORDER BY sku, expires_on NULLS LAST, lot FOR UPDATE`,
    [siteId, [...new Set(skus)].sort(), locationId],
  );
}

/**
 * The stock writes of one dispatch in one statement (data-modifying CTEs): the in-process balances it empties (distinct
 * keys, each guarded as `changeBalance`), its allocation rows (distinct lines, as `writeAllocations` writes them), and per SKU the
 * allocated units released and the on-hand that leaves (guarded as `changeSkuOnHand`: never below allocated). The SKU
 * rows are locked in (SKU, owner) order before any is written, as every allocation path takes them. Returns how many
 * balances and how many shipping SKU rows it changed: fewer than asked means a guard refused (the caller's fault).
 */
export async function writeShipment(
  db: Executor,
  takes: readonly { key: BalanceKey; deltaOnHand: number }[],
  allocations: readonly { orderId: string; lineId: string; allocated: number; shipped: number; status: AllocationStatus }[],
  stock: readonly { siteId: string; ownerId: string; sku: string; released: number; shipped: number }[],
): Promise<{ balances: number; shipped: number }> {
  const rows = await db.query<{ balances: number; shipped: number }>(
    `WITH b AS (
       UPDATE inventory.balances b SET on_hand = b.on_hand + k.d_on_hand, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS k(site_id text, owner_id text, sku text, location_id text, lot text, status text, d_on_hand int4)
       WHERE ${KEY_JOIN} AND b.on_hand + k.d_on_hand >= 0 AND b.reserved <= b.on_hand + k.d_on_hand
       RETURNING 1
     ), a AS (
       UPDATE inventory.allocations a SET allocated = v.allocated, shipped = v.shipped, status = v.status, updated_at = now()
       FROM unnest($2::text[], $3::text[], $4::int[], $5::int[], $6::text[]) AS v(order_id, line_id, allocated, shipped, status)
       WHERE a.order_id = v.order_id AND a.line_id = v.line_id
       RETURNING 1
     ), v AS (
       SELECT site_id, owner_id, sku, released, shipped FROM jsonb_to_recordset($7::jsonb) AS v(site_id text, owner_id text, sku text, released int4, shipped int4)
     ), l AS MATERIALIZED (
       SELECT s.site_id, s.owner_id, s.sku FROM inventory.sku_stock s JOIN v ON s.site_id = v.site_id AND s.owner_id = v.owner_id AND s.sku = v.sku
       ORDER BY s.sku, s.owner_id FOR UPDATE OF s
     ), s AS (
       UPDATE inventory.sku_stock s SET allocated = s.allocated - v.released, on_hand_available = s.on_hand_available - v.shipped
       FROM v, l
       WHERE s.site_id = v.site_id AND s.owner_id = v.owner_id AND s.sku = v.sku AND l.site_id = s.site_id AND l.owner_id = s.owner_id AND l.sku = s.sku
         AND (v.shipped = 0 OR s.on_hand_available - v.shipped >= s.allocated - v.released)
       RETURNING v.shipped > 0 AS shipping
     )
     SELECT (SELECT count(*) FROM b)::int AS balances, (SELECT count(*) FROM s WHERE shipping)::int AS shipped`,
    [keysJson(takes.map((t) => t.key), (i) => ({ d_on_hand: takes[i]!.deltaOnHand })),
      allocations.map((c) => c.orderId), allocations.map((c) => c.lineId), allocations.map((c) => c.allocated), allocations.map((c) => c.shipped),
      allocations.map((c) => c.status),
      JSON.stringify(stock.map((s) => ({ site_id: s.siteId, owner_id: s.ownerId, sku: s.sku, released: s.released, shipped: s.shipped })))],
  );
  return rows[0]!;
}
