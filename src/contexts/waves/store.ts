import type { OrderLineData } from '../../contracts/orders.ts';
import type { WaveStatus } from '../../contracts/waves.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Camelized, Narrowed, Selectable } from '../../platform/db/row-types.ts';
import type { WavesOrderPool, WavesWaveOrders, WavesWaves } from './db-types.ts';

export interface PoolOrder {
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly lines: OrderLineData[];
  readonly allocatedAt: string;
  readonly waveId: string | null;
}

export interface WaveOrder {
  readonly orderId: string;
  readonly position: number;
  readonly priority: number;
  readonly lines: OrderLineData[];
  readonly active: boolean;
  readonly removed: boolean;
  readonly picked: boolean;
}

export interface WaveSummary {
  readonly id: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly status: WaveStatus;
  readonly maxOrders: number;
  readonly orderCount: number;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly releasedAt: string | null;
  readonly completedAt: string | null;
  readonly cancelledAt: string | null;
}

export interface Wave extends WaveSummary {
  /** The wave's orders in pick order, without those cancelled out of it. */
  readonly orderIds: string[];
  readonly orders: WaveOrder[];
}

const WAVE_COLUMNS = `w.id, w.site_id AS "siteId", w.carrier, w.status, w.max_orders AS "maxOrders", w.version,
  (SELECT count(*) FROM waves.wave_orders o WHERE o.wave_id = w.id AND o.removed_at IS NULL) AS "orderCount",
  w.created_at AS "createdAt", w.updated_at AS "updatedAt", w.released_at AS "releasedAt", w.completed_at AS "completedAt",
  w.cancelled_at AS "cancelledAt"`;

/** A wave as WAVE_COLUMNS reads it: the table's row under camelCase aliases, with its order count. */
type WaveRow = Narrowed<Camelized<Selectable<WavesWaves>>, { status: WaveStatus }> & { orderCount: number };
/** A waiting order as POOL_COLUMNS reads it. */
type PoolRow = Narrowed<Camelized<Omit<Selectable<WavesOrderPool>, 'held_for'>>, { lines: OrderLineData[] }>;
type WaveOrderRow = Narrowed<Camelized<Pick<Selectable<WavesWaveOrders>, 'order_id' | 'position' | 'priority' | 'lines' | 'active' | 'picked'>>, {
  lines: OrderLineData[];
}> & { removed: boolean };
const POOL_COLUMNS = `order_id AS "orderId", site_id AS "siteId", carrier, priority, lines, allocated_at AS "allocatedAt", wave_id AS "waveId"`;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());
const toSummary = (r: WaveRow): WaveSummary => ({
  ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(), releasedAt: iso(r.releasedAt),
  completedAt: iso(r.completedAt), cancelledAt: iso(r.cancelledAt),
});

/** A pool row takes the order's new priority (an order not in the pool: nothing). */
export async function setPoolPriority(tx: Executor, orderId: string, priority: number): Promise<void> {
  await tx.query(`UPDATE waves.order_pool SET priority = $2 WHERE order_id = $1`, [orderId, priority]);
}

/**
 * Adds an allocated order to the pool, unless it is there already or already belongs to an active wave. A row held
 * for a line change (ADR 0046) or an order hold (ADR 0052) takes the allocated lines and stays held: should the change
 * be dropped or the hold released, the order waits with the lines it has, instead of the placeholder's none.
 */
export async function addToPool(tx: Executor, o: Omit<PoolOrder, 'waveId'>): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO waves.order_pool AS p (order_id, site_id, carrier, priority, lines, allocated_at)
     SELECT $1, $2, $3, $4, $5, $6
     WHERE NOT EXISTS (SELECT 1 FROM waves.wave_orders WHERE order_id = $1 AND active)
     ON CONFLICT (order_id) DO UPDATE SET carrier = EXCLUDED.carrier, priority = EXCLUDED.priority, lines = EXCLUDED.lines, allocated_at = EXCLUDED.allocated_at
       WHERE p.held_for IS NOT NULL AND p.wave_id IS NULL
     RETURNING 1`,
    [o.orderId, o.siteId, o.carrier, o.priority, JSON.stringify(o.lines), o.allocatedAt],
  );
  return rows.length === 1;
}

/**
 * Holds an order out of planning for a line change (ADR 0046): marks its waiting pool row, or inserts a held row when
 * it has none yet (not allocated yet: a late `allocated` then conflicts with it). A planner holding the row is waited
 * for: `waveId` is then the wave it put the order in, and the row is left as it was. `inserted`: the row is new.
 */
export async function holdInPool(
  tx: Executor, o: { orderId: string; siteId: string; carrier: string; priority: number; changeId: string }, now: Date,
): Promise<{ waveId: string | null; inserted: boolean }> {
  const rows = await tx.query<{ waveId: string | null; inserted: boolean }>(
    `INSERT INTO waves.order_pool AS p (order_id, site_id, carrier, priority, lines, allocated_at, held_for)
     VALUES ($1, $2, $3, $4, '[]', $5, $6)
     ON CONFLICT (order_id) DO UPDATE SET held_for = CASE WHEN p.wave_id IS NULL THEN EXCLUDED.held_for ELSE p.held_for END
     RETURNING wave_id AS "waveId", (xmax = 0) AS inserted`,
    [o.orderId, o.siteId, o.carrier, o.priority, now, o.changeId],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`pool hold of order ${o.orderId} returned no row`);
  return row;
}

/**
 * An order's hold ended (ADR 0052): its waiting row is plannable again, whoever held it last (a line change refused
 * while the order was held leaves its id there); a row inserted by the hold that never got lines goes.
 */
export async function releasePoolHold(tx: Executor, orderId: string): Promise<void> {
  await tx.query(
    `WITH gone AS (DELETE FROM waves.order_pool WHERE order_id = $1 AND wave_id IS NULL AND lines = '[]'::jsonb RETURNING order_id)
     UPDATE waves.order_pool SET held_for = NULL WHERE order_id = $1 AND wave_id IS NULL AND NOT EXISTS (SELECT 1 FROM gone)`,
    [orderId],
  );
}

/**
 * Orders dropped line change or hold `changeId` (ADR 0046 addendum): a hold that is still this one's ends. A placeholder (no lines:
 * held before the order was allocated) goes, the order's allocation adds it; a row with lines waits for a wave again.
 */
export async function releaseHold(tx: Executor, orderId: string, changeId: string): Promise<void> {
  await tx.query(
    `DELETE FROM waves.order_pool WHERE order_id = $1 AND held_for = $2 AND wave_id IS NULL AND jsonb_array_length(lines) = 0`,
    [orderId, changeId],
  );
  await tx.query(`UPDATE waves.order_pool SET held_for = NULL WHERE order_id = $1 AND held_for = $2`, [orderId, changeId]);
}

/**
 * The order's lines changed by `changeId`: its waiting row, or the row held for this change, goes; the allocation of
 * its new lines adds it again. A row held meanwhile for a newer change or a hold (its gate ran before this event got
 * here) stays held, without lines: the lines it had are no longer allocated, and a drop would let the order be planned with them.
 */
export async function endChangeHold(tx: Executor, orderId: string, changeId: string): Promise<void> {
  await tx.query(
    `DELETE FROM waves.order_pool WHERE order_id = $1 AND wave_id IS NULL AND (held_for IS NULL OR held_for = $2)`, [orderId, changeId],
  );
  await tx.query(`UPDATE waves.order_pool SET lines = '[]' WHERE order_id = $1 AND wave_id IS NULL AND held_for <> $2`, [orderId, changeId]);
}

/** The hold the gate just inserted goes: the order turned out to be in a wave. */
export async function dropWaitingOrder(tx: Executor, orderId: string): Promise<void> {
  await tx.query(`DELETE FROM waves.order_pool WHERE order_id = $1 AND wave_id IS NULL`, [orderId]);
}

export async function removeFromPool(tx: Executor, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await tx.query(`DELETE FROM waves.order_pool WHERE order_id = ANY($1::text[])`, [[...orderIds]]);
}

/** The carrier of the waiting order that goes first: highest priority (1), then oldest. */
export async function firstWaitingCarrier(tx: Executor, siteId: string): Promise<string | undefined> {
  const rows = await tx.query<Pick<Selectable<WavesOrderPool>, 'carrier'>>(
    `SELECT carrier FROM waves.order_pool WHERE site_id = $1 AND wave_id IS NULL AND held_for IS NULL ORDER BY priority, allocated_at, order_id LIMIT 1`, [siteId],
  );
  return rows[0]?.carrier;
}

/**
 * Claims up to `limit` waiting orders of a site and carrier, by priority then age. Rows another planner holds are
 * skipped, not waited for; rows it committed into a wave no longer match `wave_id IS NULL` when re-checked under lock.
 * So two concurrent plans never share an order.
 */
export async function claimWaiting(tx: Executor, siteId: string, carrier: string, limit: number): Promise<PoolOrder[]> {
  const rows = await tx.query<PoolRow>(
    `SELECT ${POOL_COLUMNS}
     FROM waves.order_pool WHERE site_id = $1 AND carrier = $2 AND wave_id IS NULL AND held_for IS NULL
     ORDER BY priority, allocated_at, order_id LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [siteId, carrier, limit],
  );
  return rows.map((r) => ({ ...r, allocatedAt: r.allocatedAt.toISOString() }));
}

export async function insertWave(
  tx: Executor, w: { id: string; siteId: string; carrier: string; status: WaveStatus; maxOrders: number }, orders: readonly PoolOrder[], now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO waves.waves (id, site_id, carrier, status, max_orders, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`,
    [w.id, w.siteId, w.carrier, w.status, w.maxOrders, now],
  );
  await tx.query(
    `INSERT INTO waves.wave_orders (wave_id, order_id, position, priority, lines)
     SELECT $1, o->>'orderId', (ord)::int4, (o->>'priority')::int4, o->'lines' FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS x(o, ord)`,
    [w.id, JSON.stringify(orders)],
  );
  await tx.query(`UPDATE waves.order_pool SET wave_id = $1 WHERE order_id = ANY($2::text[])`, [w.id, orders.map((o) => o.orderId)]);
}

export async function waveSummary(db: Executor, id: string, lock = false): Promise<WaveSummary | undefined> {
  const rows = await db.query<WaveRow>(`SELECT ${WAVE_COLUMNS} FROM waves.waves w WHERE w.id = $1${lock ? ' FOR UPDATE OF w' : ''}`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : toSummary(row);
}

export async function waveOrders(db: Executor, waveId: string): Promise<WaveOrder[]> {
  return db.query<WaveOrderRow>(
    `SELECT order_id AS "orderId", position, priority, lines, active, removed_at IS NOT NULL AS removed, picked
     FROM waves.wave_orders WHERE wave_id = $1 ORDER BY position`,
    [waveId],
  );
}

export async function waveById(db: Executor, id: string): Promise<Wave | undefined> {
  const summary = await waveSummary(db, id);
  if (summary === undefined) return undefined;
  const orders = await waveOrders(db, id);
  return { ...summary, orderIds: orders.filter((o) => !o.removed).map((o) => o.orderId), orders };
}

/** Conditional on the version read under the row lock: a lost update shows up as false, never silently. */
export async function setWaveStatus(tx: Executor, id: string, version: number, to: WaveStatus, now: Date): Promise<boolean> {
  const stamp = to === 'RELEASED' ? 'released_at' : to === 'COMPLETED' ? 'completed_at' : to === 'CANCELLED' ? 'cancelled_at' : null;
  const rows = await tx.query(
    `UPDATE waves.waves SET status = $3, version = version + 1, updated_at = $4${stamp === null ? '' : `, ${stamp} = $4`}
     WHERE id = $1 AND version = $2 RETURNING 1`,
    [id, version, to, now],
  );
  return rows.length === 1;
}

/** A cancelled wave lets go of its orders: they wait in the pool again. */
export async function releaseMembership(tx: Executor, waveId: string): Promise<void> {
  await tx.query(`UPDATE waves.wave_orders SET active = false WHERE wave_id = $1`, [waveId]);
  await tx.query(`UPDATE waves.order_pool SET wave_id = NULL WHERE wave_id = $1`, [waveId]);
}

/** Whether the wave is CANCELLED and the order was in it when it was (its row never removed on its own). */
export async function cancelledWithOrder(db: Executor, waveId: string, orderId: string): Promise<boolean> {
  const rows = await db.query<{ yes: boolean }>(
    `SELECT w.status = 'CANCELLED' AND o.removed_at IS NULL AS yes
     FROM waves.waves w JOIN waves.wave_orders o ON o.wave_id = w.id WHERE w.id = $1 AND o.order_id = $2`,
    [waveId, orderId]);
  return rows[0]?.yes === true;
}

/** The active wave an order belongs to, if any. */
export async function activeWaveOf(db: Executor, orderId: string): Promise<string | undefined> {
  const rows = await db.query<Camelized<Pick<Selectable<WavesWaveOrders>, 'wave_id'>>>(`SELECT wave_id AS "waveId" FROM waves.wave_orders WHERE order_id = $1 AND active`, [orderId]);
  return rows[0]?.waveId;
}

export async function removeOrderFromWave(tx: Executor, waveId: string, orderId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE waves.wave_orders SET active = false, removed_at = $3 WHERE wave_id = $1 AND order_id = $2`, [waveId, orderId, now]);
  await tx.query(`UPDATE waves.waves SET version = version + 1, updated_at = $2 WHERE id = $1`, [waveId, now]);
}

/**
 * Marks orders of a wave picked; returns how many active orders are still not picked. One statement (two until
 * 2026-12-06): the count is of the rows not picked before it, less those it marks. Call it with the wave's row locked
 * (as every change to its orders is made), so that no other statement marks or removes the wave's orders meanwhile.
 */
export async function markPicked(tx: Executor, waveId: string, orderIds: readonly string[]): Promise<number> {
  const rows = await tx.query<{ n: number }>(
    `WITH marked AS (
       UPDATE waves.wave_orders SET picked = true WHERE wave_id = $1 AND order_id = ANY($2::text[]) AND active AND NOT picked RETURNING order_id)
     SELECT count(*)::int4 AS n FROM waves.wave_orders o
      WHERE o.wave_id = $1 AND o.active AND NOT o.picked AND NOT EXISTS (SELECT 1 FROM marked m WHERE m.order_id = o.order_id)`,
    [waveId, [...orderIds]],
  );
  return Number(rows[0]?.n ?? 0);
}

/** How many active orders of a wave are not picked yet. */
export async function unpickedCount(tx: Executor, waveId: string): Promise<number> {
  const rows = await tx.query<{ n: number }>(`SELECT count(*) AS n FROM waves.wave_orders WHERE wave_id = $1 AND active AND NOT picked`, [waveId]);
  return Number(rows[0]?.n ?? 0);
}

/** How many of a site's waves are in each status: one statement (index waves_site_status). */
export async function countWavesByStatus(db: Executor, siteId: string): Promise<{ status: string; n: number }[]> {
  return db.query<{ status: string; n: number }>(`SELECT status, count(*)::int4 AS n FROM waves.waves WHERE site_id = $1 GROUP BY status`, [siteId]);
}

export async function listWaves(
  db: Executor, q: { limit: number; afterId: string | null; siteId: string | null; status: WaveStatus | null },
): Promise<WaveSummary[]> {
  const rows = await db.query<WaveRow>(
    `SELECT ${WAVE_COLUMNS} FROM waves.waves w
     WHERE ($1::text IS NULL OR w.id > $1) AND ($2::text IS NULL OR w.site_id = $2) AND ($3::text IS NULL OR w.status = $3)
     ORDER BY w.id LIMIT $4`,
    [q.afterId, q.siteId, q.status, q.limit],
  );
  return rows.map(toSummary);
}

export async function poolOrders(db: Executor, siteId: string, limit: number): Promise<PoolOrder[]> {
  const rows = await db.query<PoolRow>(
    `SELECT ${POOL_COLUMNS}
     FROM waves.order_pool WHERE site_id = $1 AND held_for IS NULL ORDER BY priority, allocated_at, order_id LIMIT $2`,
    [siteId, limit],
  );
  return rows.map((r) => ({ ...r, allocatedAt: r.allocatedAt.toISOString() }));
}
