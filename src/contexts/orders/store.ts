import type { OrderStatus, ShipTo } from '../../contracts/orders.ts';
import type { Executor } from '../../platform/db/database.ts';
import { eventCtes } from '../../platform/bus/event-bus.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Camelized, Narrowed, Selectable } from '../../platform/db/row-types.ts';
import type { OrdersOrderLines, OrdersOrders, OrdersStatusHistory } from './db-types.ts';
import type { ReceivedContent } from './domain/order.ts';

export interface OrderLine {
  readonly id: string;
  readonly lineNo: number;
  readonly sku: string;
  readonly ordered: number;
  readonly allocated: number;
  readonly picked: number;
  readonly shorted: number;
  readonly packed: number;
  readonly shipped: number;
  readonly cancelled: number;
  /** Units found missing or damaged at the pack station: never packed nor shipped (apart from `shorted`, at picking). */
  readonly shortAtPack: number;
}

export interface StatusChange {
  readonly from: OrderStatus | null;
  readonly to: OrderStatus;
  readonly at: string;
  readonly cause: string | null;
}

export interface OrderSummary {
  readonly id: string;
  readonly externalId: string;
  readonly siteId: string;
  /** The owner (3PL client) the order is fulfilled for: only that owner's stock is allocated to it (ADR 0028). */
  readonly ownerId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly shipBy: string | null;
  readonly shipTo: ShipTo;
  readonly status: OrderStatus;
  readonly waveId: string | null;
  readonly cancelReason: string | null;
  /** True: never ships partial; a short with no stock elsewhere waits for stock (ADR 0024). */
  readonly shipComplete: boolean;
  /** SHORT_PICK while a shipComplete order waits for stock after a short pick; null otherwise. */
  readonly backorderReason: 'SHORT_PICK' | null;
  /** While ON_HOLD (ADR 0052): the hold, its reason, where the order was and where releasing it takes it; null otherwise. */
  readonly hold: OrderHold | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** Statuses an order may be held from, and go back to when its hold is released (ADR 0052). */
export type HoldableStatus = 'RECEIVED' | 'ALLOCATED' | 'BACKORDERED';

export interface OrderHold {
  readonly holdId: string;
  readonly reason: string;
  readonly from: HoldableStatus;
  readonly resumeTo: HoldableStatus;
}

export interface Order extends OrderSummary {
  readonly lines: OrderLine[];
  readonly statusHistory: StatusChange[];
}

const COLUMNS = `id, external_id AS "externalId", site_id AS "siteId", owner_id AS "ownerId", carrier, priority, ship_by AS "shipBy", ship_to AS "shipTo",
  status, wave_id AS "waveId", cancel_reason AS "cancelReason", ship_complete AS "shipComplete", backorder_reason AS "backorderReason",
  hold_id AS "holdId", hold_reason AS "holdReason", held_from AS "heldFrom", resume_status AS "resumeStatus", version, created_at AS "createdAt", updated_at AS "updatedAt"`;
const LINE_COLUMNS = `id, line_no AS "lineNo", sku, ordered, allocated, picked, shorted, packed, shipped, cancelled, short_at_pack AS "shortAtPack"`;
/** The columns of orders.orders and orders.order_lines unaliased: what a data-modifying CTE returns for the statement's outer SELECT. */
const ORDER_RAW = 'id, external_id, site_id, owner_id, carrier, priority, ship_by, ship_to, status, wave_id, cancel_reason, ship_complete, backorder_reason, hold_id, hold_reason, held_from, resume_status, version, created_at, updated_at';
const LINE_RAW = 'id, order_id, line_no, sku, ordered, allocated, picked, shorted, packed, shipped, cancelled, short_at_pack';

/** An order as COLUMNS reads it: the table's row under camelCase aliases, status and ship-to narrowed (without `created_as`: `createdAsOf`). */
type OrderRow = Narrowed<Camelized<Omit<Selectable<OrdersOrders>, 'created_as'>>, {
  status: OrderStatus; shipTo: ShipTo; backorderReason: 'SHORT_PICK' | null; heldFrom: HoldableStatus | null; resumeStatus: HoldableStatus | null;
}>;
type LineRow = Camelized<Omit<Selectable<OrdersOrderLines>, 'order_id'>>;
type HistoryRow = Pick<Selectable<OrdersStatusHistory>, 'at' | 'cause'> & { from: OrderStatus | null; to: OrderStatus };

const toSummary = ({ holdId, holdReason, heldFrom, resumeStatus, ...r }: OrderRow): OrderSummary => ({
  ...r,
  hold: r.status === 'ON_HOLD' && holdId !== null && holdReason !== null && heldFrom !== null && resumeStatus !== null
    ? { holdId, reason: holdReason, from: heldFrom, resumeTo: resumeStatus } : null,
  shipBy: r.shipBy === null ? null : r.shipBy.toISOString(), createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
});

/** A line as JSON with the names of OrderLine (for reads that answer an order's lines inside another row). */
const LINE_JSON = `json_build_object('id', id, 'lineNo', line_no, 'sku', sku, 'ordered', ordered, 'allocated', allocated, 'picked', picked,
  'shorted', shorted, 'packed', packed, 'shipped', shipped, 'cancelled', cancelled, 'shortAtPack', short_at_pack)`;
const HISTORY_JSON = `json_build_object('from', from_status, 'to', to_status, 'at', at, 'cause', cause)`;
/** A history row as HISTORY_JSON answers it: the time as JSON text. */
type HistoryJson = Omit<HistoryRow, 'at'> & { at: string };

const toOrder = ({ lines, statusHistory, ...r }: OrderRow & { lines: OrderLine[]; statusHistory: HistoryJson[] }): Order => ({
  ...toSummary(r), lines, statusHistory: statusHistory.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
});

export interface OrderInsert {
  readonly id: string;
  readonly externalId: string;
  readonly siteId: string;
  readonly ownerId: string;
  readonly carrier: string;
  readonly priority: number;
  readonly shipBy: string | null;
  readonly shipTo: ShipTo;
  readonly shipComplete: boolean;
  readonly lines: readonly { readonly id: string; readonly lineNo: number; readonly sku: string; readonly ordered: number }[];
}

/**
 * Inserts a RECEIVED order with its lines, first history row and events (the envelopes of `events`, written only if
 * the order is: `eventCtes`) unless its external id exists, in one statement that answers the order as stored (no
 * read-back); undefined means another request (maybe a concurrent one, whose commit this statement waited for)
 * already received it. Run it with `EventBus.writeWithEvents` (`db`: `EventBus.writer`).
 */
export async function insertOrder(db: Executor, o: OrderInsert, now: Date, events: readonly EventEnvelope[]): Promise<Order | undefined> {
  const rows = await db.query<OrderRow & { lines: OrderLine[]; statusHistory: HistoryJson[] }>(
    `WITH o AS (
       INSERT INTO orders.orders (id, external_id, site_id, owner_id, carrier, priority, ship_by, ship_to, ship_complete, status, created_at, updated_at, created_as)
       VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $9, 'RECEIVED', $8, $8, $13::jsonb)
       ON CONFLICT (external_id) DO NOTHING RETURNING ${ORDER_RAW}
     ), l AS (
       INSERT INTO orders.order_lines (id, order_id, line_no, sku, ordered)
       SELECT x->>'id', o.id, (x->>'lineNo')::int4, x->>'sku', (x->>'ordered')::int4 FROM o, jsonb_array_elements($11::jsonb) x
       RETURNING ${LINE_RAW}
     ), h AS (
       INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause) SELECT o.id, NULL, 'RECEIVED', $8, NULL FROM o
       RETURNING seq, from_status, to_status, at, cause
     ), ${eventCtes('$12::jsonb', 'o')}
     SELECT ${COLUMNS},
       (SELECT COALESCE(json_agg(${LINE_JSON} ORDER BY line_no), '[]') FROM l) AS lines,
       (SELECT COALESCE(json_agg(${HISTORY_JSON} ORDER BY seq), '[]') FROM h) AS "statusHistory"
     FROM o`,
    [o.id, o.externalId, o.siteId, o.carrier, o.priority, o.shipBy, JSON.stringify(o.shipTo), now, o.shipComplete, o.ownerId, JSON.stringify(o.lines), JSON.stringify(events),
      JSON.stringify(createdAs(o))],
  );
  const row = rows[0];
  return row === undefined ? undefined : toOrder(row);
}

/**
 * What the create that made an order sent, as `created_as` keeps it (ADR 0040 addendum integ4): what a create sent again
 * is compared with. The site and owner are the order's own (they never change).
 */
export type CreatedAs = Omit<ReceivedContent, 'siteId' | 'ownerId'>;

const createdAs = (o: OrderInsert): CreatedAs => ({
  carrier: o.carrier, priority: o.priority, shipBy: o.shipBy, shipTo: o.shipTo, shipComplete: o.shipComplete,
  lines: o.lines.map((l) => ({ sku: l.sku, ordered: l.ordered })),
});

/** The content of the create that made the order; null for an order received before it was kept (migration 011), undefined for none. */
export async function createdAsOf(db: Executor, id: string): Promise<CreatedAs | null | undefined> {
  const rows = await db.query<{ createdAs: CreatedAs | null }>('SELECT created_as AS "createdAs" FROM orders.orders WHERE id = $1', [id]);
  return rows[0]?.createdAs;
}

export async function insertHistory(tx: Executor, orderId: string, from: OrderStatus | null, to: OrderStatus, at: Date, cause: string | null): Promise<void> {
  await tx.query(`INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause) VALUES ($1, $2, $3, $4, $5)`, [orderId, from, to, at, cause]);
}

/**
 * Each order's packing round (ADR 0049 addendum 2026-12-04): 1, and one more for each time it went back from PACKED to
 * PICKED (its history, written in the statement that moved it, is the record). Orders with no such move are absent.
 */
export async function packRounds(db: Executor, orderIds: readonly string[]): Promise<Map<string, number>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db.query<{ order_id: string; round: number }>(
    `SELECT order_id, 1 + count(*)::int4 AS round FROM orders.status_history
      WHERE order_id = ANY($1::text[]) AND from_status = 'PACKED' AND to_status = 'PICKED' GROUP BY order_id`,
    [[...new Set(orderIds)]],
  );
  return new Map(rows.map((r) => [r.order_id, r.round]));
}

/** The order received under `externalId`; with `siteId`, only when it is that site's. */
export async function orderIdByExternalId(db: Executor, externalId: string, siteId?: string): Promise<string | undefined> {
  const rows = await db.query<Pick<Selectable<OrdersOrders>, 'id'>>(
    `SELECT id FROM orders.orders WHERE external_id = $1 AND ($2::text IS NULL OR site_id = $2)`, [externalId, siteId ?? null],
  );
  return rows[0]?.id;
}

/** An order's own ship-by (ISO), null when it has none, undefined for an unknown order. */
export async function orderShipBy(db: Executor, id: string): Promise<string | null | undefined> {
  const rows = await db.query<Pick<Selectable<OrdersOrders>, 'ship_by'>>('SELECT ship_by FROM orders.orders WHERE id = $1', [id]);
  const row = rows[0];
  return row === undefined ? undefined : row.ship_by === null ? null : new Date(row.ship_by).toISOString();
}

/** The order header; `lock` takes the row lock that serialises cancellation with event-driven changes. */
export async function orderSummary(db: Executor, id: string, lock = false): Promise<OrderSummary | undefined> {
  const rows = await db.query<OrderRow>(`SELECT ${COLUMNS} FROM orders.orders WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
  const row = rows[0];
  return row === undefined ? undefined : toSummary(row);
}

export async function orderLines(db: Executor, orderId: string): Promise<OrderLine[]> {
  return db.query<LineRow>(`SELECT ${LINE_COLUMNS} FROM orders.order_lines WHERE order_id = $1 ORDER BY line_no`, [orderId]);
}

/** The order with its lines and status history, in one statement (one snapshot). */
export async function orderById(db: Executor, id: string): Promise<Order | undefined> {
  const rows = await db.query<OrderRow & { lines: OrderLine[]; statusHistory: HistoryJson[] }>(
    `SELECT ${COLUMNS},
       (SELECT COALESCE(json_agg(${LINE_JSON} ORDER BY l.line_no), '[]') FROM orders.order_lines l WHERE l.order_id = o.id) AS lines,
       (SELECT COALESCE(json_agg(${HISTORY_JSON} ORDER BY h.seq), '[]') FROM orders.status_history h WHERE h.order_id = o.id) AS "statusHistory"
     FROM orders.orders o WHERE o.id = $1`,
    [id],
  );
  const row = rows[0];
  return row === undefined ? undefined : toOrder(row);
}

/**
 * Moves the order to `to` only if it is still at `version` (the caller read it under a row lock, so this holds; the
 * condition makes the optimistic contract explicit). Returns false when someone else changed it first.
 */
export async function updateStatus(
  tx: Executor, id: string, version: number, to: OrderStatus, now: Date,
  set: { waveId?: string | null; cancelReason?: string | null; backorderReason?: 'SHORT_PICK' | null } = {},
): Promise<boolean> {
  // A backorder reason holds only while BACKORDERED: any other move clears it unless the caller sets one.
  const rows = await tx.query(
    `UPDATE orders.orders SET status = $3, version = version + 1, updated_at = $4,
       wave_id = CASE WHEN $5 THEN $6 ELSE wave_id END,
       cancel_reason = CASE WHEN $7 THEN $8 ELSE cancel_reason END,
       backorder_reason = CASE WHEN $9 THEN $10 WHEN $3 = 'BACKORDERED' THEN backorder_reason ELSE NULL END
     WHERE id = $1 AND version = $2 RETURNING 1`,
    [id, version, to, now, set.waveId !== undefined, set.waveId ?? null, set.cancelReason !== undefined, set.cancelReason ?? null,
      set.backorderReason !== undefined, set.backorderReason ?? null],
  );
  return rows.length === 1;
}

/** What one event does to a locked order, written by `writeOrder` in one statement. */
export interface OrderWrite {
  readonly id: string;
  /** The version read under the row lock: the UPDATE's guard. */
  readonly version: number;
  /** How far the version moves: one per status step, or one when only line quantities changed; 0 leaves the row alone. */
  readonly bump: number;
  /** The status the order ends at, when it moves. */
  readonly status?: OrderStatus;
  /** The status steps to record, in order (written only with the order row). */
  readonly history: readonly { readonly from: OrderStatus; readonly to: OrderStatus; readonly cause: string | null }[];
  readonly set?: { readonly waveId?: string | null; readonly cancelReason?: string | null; readonly backorderReason?: 'SHORT_PICK' | null };
  /** A status move that leaves BACKORDERED clears the backorder reason (unless `set` gives one). */
  readonly clearBackorder?: boolean;
  /**
   * Line quantities to add first (`allocated` is set to the larger value instead: an allocation outcome states the total).
   * A line's `requested` (an allocation's): the units it was asked for; when any line's differs from that line's open units
   * now (units cancelled since, ADR 0046 addendum 2026-12-05), the outcome is stale and no line is written.
   */
  readonly quantities?: { readonly column: LineQuantity; readonly lines: readonly { readonly lineId: string; readonly quantity: number; readonly requested?: number }[] } | undefined;
  /** Answer every line of the order as the statement left it (for events that carry them). */
  readonly readLines?: boolean;
}

/**
 * One event's change of a locked order in one statement (data-modifying CTEs): the line quantities, the order row
 * guarded by its version (status, version, wave, reasons) and its history rows, instead of lock → update → history →
 * read-back. `written` false with a positive bump means someone changed the order first; `changedLines` counts the
 * lines the quantities matched; `lines` (when asked) are every line after the change.
 */
export async function writeOrder(tx: Executor, w: OrderWrite, now: Date): Promise<{ written: boolean; changedLines: number; lines: OrderLine[] | undefined }> {
  const raw = 'id, line_no, sku, ordered, allocated, picked, shorted, packed, shipped, cancelled, short_at_pack';
  const q = w.quantities === undefined
    ? `SELECT ${raw} FROM orders.order_lines WHERE false AND $11::jsonb IS NULL`
    : `UPDATE orders.order_lines l SET ${w.quantities.column} = ${w.quantities.column === 'allocated' ? 'GREATEST(l.allocated, c.q)' : `l.${w.quantities.column} + c.q`}
       FROM (SELECT x->>'lineId' AS line_id, sum((x->>'quantity')::int4) AS q FROM jsonb_array_elements($11::jsonb) x GROUP BY 1) c
       WHERE l.order_id = $1 AND l.id = c.line_id
         AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements($11::jsonb) y JOIN orders.order_lines m ON m.order_id = $1 AND m.id = y->>'lineId'
           WHERE y ? 'requested' AND (y->>'requested')::int4 <> m.ordered - m.shipped - m.cancelled)
       RETURNING ${raw.split(', ').map((c) => `l.${c}`).join(', ')}`;
  const set = w.set ?? {};
  const rows = await tx.query<{ written: number; changed: number; lines: OrderLine[] | null }>(
    `WITH q AS (${q}), o AS (
       UPDATE orders.orders SET status = COALESCE($3, status), version = version + $12, updated_at = $4,
         wave_id = CASE WHEN $5 THEN $6 ELSE wave_id END,
         cancel_reason = CASE WHEN $7 THEN $8 ELSE cancel_reason END,
         backorder_reason = CASE WHEN $9 THEN $10 WHEN $13 THEN NULL ELSE backorder_reason END
       WHERE id = $1 AND version = $2 AND $12 > 0 RETURNING id
     ), h AS (
       INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause)
       SELECT o.id, m.from_status, m.to_status, $4, m.cause FROM o, unnest($14::text[], $15::text[], $16::text[]) WITH ORDINALITY AS m(from_status, to_status, cause, n)
       ORDER BY m.n
     )
     SELECT (SELECT count(*) FROM o)::int AS written, (SELECT count(*) FROM q)::int AS changed,
       CASE WHEN $17 THEN (SELECT COALESCE(json_agg(${LINE_JSON} ORDER BY line_no), '[]') FROM (
         SELECT ${raw} FROM q UNION ALL SELECT ${raw} FROM orders.order_lines WHERE order_id = $1 AND id NOT IN (SELECT id FROM q)) a) END AS lines`,
    [w.id, w.version, w.status ?? null, now, set.waveId !== undefined, set.waveId ?? null, set.cancelReason !== undefined, set.cancelReason ?? null,
      set.backorderReason !== undefined, set.backorderReason ?? null, JSON.stringify(w.quantities?.lines ?? []), w.bump, w.clearBackorder ?? false,
      w.history.map((h) => h.from), w.history.map((h) => h.to), w.history.map((h) => h.cause), w.readLines ?? false],
  );
  const r = rows[0]!;
  return { written: r.written === 1, changedLines: r.changed, lines: r.lines ?? undefined };
}

/** Sets the order's priority (its version moves on). */
export async function setPriority(tx: Executor, id: string, priority: number, now: Date): Promise<void> {
  await tx.query(`UPDATE orders.orders SET priority = $2, version = version + 1, updated_at = $3 WHERE id = $1`, [id, priority, now]);
}

/** Replaces the order's ship-to (its version moves on). */
export async function setShipTo(tx: Executor, id: string, shipTo: ShipTo, now: Date): Promise<void> {
  await tx.query(`UPDATE orders.orders SET ship_to = $2, version = version + 1, updated_at = $3 WHERE id = $1`, [id, JSON.stringify(shipTo), now]);
}

/** A line change recorded before waves holds the order (ADR 0046). */
export interface PendingChange {
  readonly changeId: string;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
  readonly shipTo: ShipTo;
  /** A line cancel (ADR 0046 addendum 2026-12-05): the line keeps its id and loses `quantity` open units; `lines` is unused then. */
  readonly lineCancel?: LineCancel | null;
}

/** Units of one line to cancel before the order is waved, and the user's reason. */
export interface LineCancel {
  readonly lineId: string;
  readonly quantity: number;
  readonly reason: string | null;
}

/** Records (or replaces) the order's pending line change. */
export async function savePendingChange(tx: Executor, orderId: string, change: PendingChange, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO orders.pending_changes (order_id, change_id, lines, ship_to, requested_at, line_cancel) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (order_id) DO UPDATE SET change_id = EXCLUDED.change_id, lines = EXCLUDED.lines, ship_to = EXCLUDED.ship_to,
       requested_at = EXCLUDED.requested_at, line_cancel = EXCLUDED.line_cancel`,
    [orderId, change.changeId, JSON.stringify(change.lines), JSON.stringify(change.shipTo), now, change.lineCancel == null ? null : JSON.stringify(change.lineCancel)],
  );
}

/** Takes the order's pending change if it is still `changeId` (deleted: applied or dropped by the caller's transaction). */
export async function takePendingChange(tx: Executor, orderId: string, changeId: string): Promise<PendingChange | undefined> {
  const rows = await tx.query<PendingChange>(
    `DELETE FROM orders.pending_changes WHERE order_id = $1 AND change_id = $2
     RETURNING change_id AS "changeId", lines, ship_to AS "shipTo", line_cancel AS "lineCancel"`,
    [orderId, changeId],
  );
  return rows[0];
}

/** A hold recorded before waves holds the order (ADR 0052). */
export interface PendingHold {
  readonly holdId: string;
  readonly reason: string;
}

/**
 * Records the order's pending hold; one pending already keeps its id (a second request takes the same hold, so waves
 * never holds the order under two ids) and takes the latest reason. Run under the order's row lock.
 */
export async function savePendingHold(tx: Executor, orderId: string, hold: PendingHold, now: Date): Promise<PendingHold> {
  const rows = await tx.query<PendingHold>(
    `INSERT INTO orders.pending_holds (order_id, hold_id, reason, requested_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (order_id) DO UPDATE SET reason = EXCLUDED.reason, requested_at = EXCLUDED.requested_at
     RETURNING hold_id AS "holdId", reason`,
    [orderId, hold.holdId, hold.reason, now],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`pending hold of order ${orderId} returned no row`);
  return row;
}

/** Takes the order's pending hold if it is `holdId` (deleted: applied or dropped by the caller's transaction). */
export async function takePendingHold(tx: Executor, orderId: string, holdId: string): Promise<PendingHold | undefined> {
  const rows = await tx.query<PendingHold>(
    `DELETE FROM orders.pending_holds WHERE order_id = $1 AND hold_id = $2 RETURNING hold_id AS "holdId", reason`, [orderId, holdId],
  );
  return rows[0];
}

/** Puts the locked order (at `version`) ON_HOLD from `from`, with its history row. */
export async function putOnHold(
  tx: Executor, o: { id: string; version: number; from: HoldableStatus; hold: PendingHold }, now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `WITH u AS (
       UPDATE orders.orders SET status = 'ON_HOLD', version = version + 1, updated_at = $3, backorder_reason = NULL,
         hold_id = $4, hold_reason = $5, held_from = $6, resume_status = $6
       WHERE id = $1 AND version = $2 RETURNING id
     )
     INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause) SELECT id, $6, 'ON_HOLD', $3, $7 FROM u RETURNING 1`,
    [o.id, o.version, now, o.hold.holdId, o.hold.reason, o.from, `on hold: ${o.hold.reason}`],
  );
  return rows.length === 1;
}

/** Where releasing the held order's hold takes it: what inventory allocated while it was held (its version moves on). */
export async function setResumeStatus(tx: Executor, id: string, version: number, to: HoldableStatus, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE orders.orders SET resume_status = $3, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2 AND status = 'ON_HOLD' RETURNING 1`,
    [id, version, to, now],
  );
  return rows.length === 1;
}

/** Releases the locked held order's hold: it goes on at `to`, with its history row; the hold's columns are cleared. */
export async function releaseHoldOf(tx: Executor, o: { id: string; version: number; to: HoldableStatus; cause: string }, now: Date): Promise<boolean> {
  const rows = await tx.query(
    `WITH u AS (
       UPDATE orders.orders SET status = $3, version = version + 1, updated_at = $4, hold_id = NULL, hold_reason = NULL, held_from = NULL, resume_status = NULL
       WHERE id = $1 AND version = $2 AND status = 'ON_HOLD' RETURNING id
     )
     INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause) SELECT id, 'ON_HOLD', $3, $4, $5 FROM u RETURNING 1`,
    [o.id, o.version, o.to, now, o.cause],
  );
  return rows.length === 1;
}

/** Replaces every line of the order by `lines` (new ids, no quantities yet) and sets its ship-to; the version moves on. */
export async function replaceLines(
  tx: Executor, orderId: string, lines: readonly { readonly id: string; readonly lineNo: number; readonly sku: string; readonly ordered: number }[], shipTo: ShipTo, now: Date,
): Promise<void> {
  await tx.query(`DELETE FROM orders.order_lines WHERE order_id = $1`, [orderId]);
  await tx.query(
    `INSERT INTO orders.order_lines (id, order_id, line_no, sku, ordered)
     SELECT l->>'id', $1, (l->>'lineNo')::int4, l->>'sku', (l->>'ordered')::int4 FROM jsonb_array_elements($2::jsonb) l`,
    [orderId, JSON.stringify(lines)],
  );
  await setShipTo(tx, orderId, shipTo, now);
}

export type LineQuantity = 'allocated' | 'picked' | 'shorted' | 'packed' | 'shipped';

/**
 * Units of a line counted shorted that a re-reservation put back in play (ADR 0024). True when the line counted fewer
 * (the count is clamped at 0: the short is always heard before its recovery, so that would be a fault worth a log).
 */
export async function unshortLine(tx: Executor, orderId: string, lineId: string, quantity: number): Promise<boolean> {
  const rows = await tx.query<{ clamped: boolean }>(
    `UPDATE orders.order_lines l SET shorted = GREATEST(0, l.shorted - $3)
       FROM (SELECT shorted AS before FROM orders.order_lines WHERE order_id = $1 AND id = $2) b
      WHERE l.order_id = $1 AND l.id = $2 RETURNING b.before < $3 AS clamped`,
    [orderId, lineId, quantity],
  );
  return rows[0]?.clamped ?? false;
}

/** Of `ids`, the orders one of whose lines still counts shorted units (a shipComplete order's short waiting for stock). */
export async function ordersWithShorts(db: Executor, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.query<{ order_id: string }>(
    'SELECT DISTINCT order_id FROM orders.order_lines WHERE order_id = ANY($1::text[]) AND shorted > 0', [[...new Set(ids)]],
  );
  return new Set(rows.map((r) => r.order_id));
}

/** Sets the lines' allocated quantities to what inventory says they hold now (after a reservation shortage). */
export async function setLineAllocated(tx: Executor, orderId: string, lines: readonly { readonly lineId: string; readonly quantity: number }[]): Promise<void> {
  if (lines.length === 0) return;
  await tx.query(
    `UPDATE orders.order_lines l SET allocated = (c->>'quantity')::int4
     FROM jsonb_array_elements($2::jsonb) c WHERE l.order_id = $1 AND l.id = c->>'lineId'`,
    [orderId, JSON.stringify(lines)],
  );
}

/**
 * A line cancel applied (ADR 0046 addendum 2026-12-05): `quantity` more units of the line cancelled, and every line of
 * the order back to nothing allocated (inventory releases them all and allocates the open units again, as for a change
 * of the lines). False when the line has fewer open units than that (the caller checked under the row lock: a fault).
 */
export async function cancelLineUnits(tx: Executor, orderId: string, lineId: string, quantity: number): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `UPDATE orders.order_lines SET cancelled = cancelled + $3 WHERE order_id = $1 AND id = $2 AND ordered - shipped - cancelled - short_at_pack >= $3 RETURNING id`,
    [orderId, lineId, quantity],
  );
  if (rows.length === 0) return false;
  await tx.query(`UPDATE orders.order_lines SET allocated = 0 WHERE order_id = $1`, [orderId]);
  return true;
}

/**
 * Cancels every open unit: what was neither shipped nor shorted, at picking or at packing (those are accounted for
 * already), so that a cancelled line still adds up to `ordered = shipped + cancelled + shorted + shortAtPack`. Picking's
 * shorts heard after the cancel are ignored (record-picks), so `shorted` is final here. Answers the units each line had
 * cancelled before (line cancels), which `orders.order.cancelled` carries. `allocated` drops to what shipped (nothing: a
 * shipped order is not cancelled), as a line cancel leaves it 0: inventory releases the order's whole allocation on
 * `orders.order.cancelled`, so the line holds no promise any more (ADR 0011 addendum 2026-12-07 bis).
 */
export async function cancelLines(tx: Executor, orderId: string): Promise<Map<string, number>> {
  // Answers each line's units cancelled by line cancels before (the row as it was, read in the same statement).
  const rows = await tx.query<{ id: string; before: number }>(
    `UPDATE orders.order_lines l SET cancelled = GREATEST(0, l.ordered - l.shipped - l.short_at_pack - l.shorted), allocated = LEAST(l.allocated, l.shipped)
       FROM orders.order_lines b WHERE l.order_id = $1 AND b.order_id = l.order_id AND b.id = l.id RETURNING l.id, b.cancelled AS before`, [orderId]);
  return new Map(rows.map((r) => [r.id, r.before]));
}

/**
 * `quantity` units of the line found missing or damaged at packing (pack-ship.units.short-at-pack): counted shorted at
 * packing (`picked` stays picking's count; they will not be packed nor shipped). False when the line is unknown.
 */
export async function addShortAtPack(tx: Executor, orderId: string, lineId: string, quantity: number, now: Date): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    // On an order cancelled meanwhile (pack & ship took the short before the cancel stopped it; orders heard the cancel
    // first), the cancel counted these units cancelled: they are shorted at packing instead, never both.
    // A shipComplete order's units are picked again (ADR 0024 addendum 2026-12-07): they leave `picked` and count
    // shorted, as a short pick's waiting units do, until their re-reservation takes them off (`unshortLine`).
    `WITH l AS (UPDATE orders.order_lines l
                  SET short_at_pack = CASE WHEN ord.ship_complete AND ord.status <> 'CANCELLED' THEN l.short_at_pack ELSE l.short_at_pack + $3 END,
                  shorted = CASE WHEN ord.ship_complete AND ord.status <> 'CANCELLED' THEN l.shorted + $3 ELSE l.shorted END,
                  picked = CASE WHEN ord.ship_complete AND ord.status <> 'CANCELLED' THEN GREATEST(0, l.picked - $3) ELSE l.picked END,
                  lost_at_pack = CASE WHEN ord.ship_complete AND ord.status <> 'CANCELLED' THEN l.lost_at_pack + $3 ELSE l.lost_at_pack END,
                  cancelled = CASE WHEN ord.status = 'CANCELLED' THEN GREATEST(0, l.cancelled - $3) ELSE l.cancelled END
                FROM orders.orders ord WHERE ord.id = l.order_id AND l.order_id = $1 AND l.id = $2 RETURNING l.id),
       o AS (UPDATE orders.orders SET version = version + 1, updated_at = $4 WHERE id = $1 AND EXISTS (SELECT 1 FROM l) RETURNING id)
     SELECT id FROM l`,
    [orderId, lineId, quantity, now],
  );
  return rows.length > 0;
}

/**
 * Units of the order's lines lost at the pack bench and picked again (a shipComplete order, migration 010): picked by
 * picking, but no longer in the lines' `picked`.
 */
export async function lostAtPackOf(db: Executor, orderId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(`SELECT COALESCE(sum(lost_at_pack), 0)::int4 AS n FROM orders.order_lines WHERE order_id = $1`, [orderId]);
  return rows[0]?.n ?? 0;
}

export interface OrderFilter {
  limit: number;
  afterId: string | null;
  status: OrderStatus | null;
  siteId: string | null;
  /** Only this owner's orders (per-owner report; an owner-scoped key's own). */
  ownerId?: string | null;
  externalId: string | null;
  /** Only these orders (a batch read: `?ids=`). */
  ids?: readonly string[] | null;
  waveId?: string | null;
}

/** How many of a site's orders (of one owner's, with `ownerId`) are in each status: one statement (index orders_status_site). */
export async function countOrdersByStatus(db: Executor, siteId: string, ownerId: string | null): Promise<{ status: string; n: number }[]> {
  return db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int4 AS n FROM orders.orders WHERE site_id = $1 AND ($2::text IS NULL OR owner_id = $2) GROUP BY status`,
    [siteId, ownerId],
  );
}

export async function listOrders(db: Executor, q: OrderFilter): Promise<OrderSummary[]> {
  const rows = await db.query<OrderRow>(
    `SELECT ${COLUMNS} FROM orders.orders
     WHERE ($1::text IS NULL OR id > $1) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR site_id = $3)
       AND ($4::text IS NULL OR external_id = $4) AND ($6::text[] IS NULL OR id = ANY($6)) AND ($7::text IS NULL OR wave_id = $7)
       AND ($8::text IS NULL OR owner_id = $8)
     ORDER BY id LIMIT $5`,
    [q.afterId, q.status, q.siteId, q.externalId, q.limit, q.ids ?? null, q.waveId ?? null, q.ownerId ?? null],
  );
  return rows.map(toSummary);
}

/** The lines of several orders in one statement, by order id (each in line order). */
export async function linesOfOrders(db: Executor, orderIds: readonly string[]): Promise<Map<string, OrderLine[]>> {
  const out = new Map<string, OrderLine[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return out;
  const rows = await db.query<LineRow & { orderId: string }>(
    `SELECT order_id AS "orderId", ${LINE_COLUMNS} FROM orders.order_lines WHERE order_id = ANY($1::text[]) ORDER BY order_id, line_no`,
    [orderIds],
  );
  for (const { orderId, ...line } of rows) out.get(orderId)?.push(line);
  return out;
}

/** The orders of a run, locked in id order (two runs never wait on each other in a cycle); unknown ids are absent. */
export async function lockOrders(tx: Executor, ids: readonly string[]): Promise<Map<string, OrderSummary>>;
/** With `withPackRounds`, each order's packing round too (as `packRounds` counts it), read by the same statement. */
export async function lockOrders(tx: Executor, ids: readonly string[], withPackRounds: true): Promise<Map<string, OrderSummary & { packRound: number }>>;
export async function lockOrders(tx: Executor, ids: readonly string[], withPackRounds = false): Promise<Map<string, OrderSummary & { packRound?: number }>> {
  if (ids.length === 0) return new Map();
  const round = withPackRounds
    ? `, (SELECT 1 + count(*)::int4 FROM orders.status_history h WHERE h.order_id = o.id AND h.from_status = 'PACKED' AND h.to_status = 'PICKED') AS "packRound"`
    : '';
  const rows = await tx.query<OrderRow & { packRound?: number }>(
    `SELECT ${COLUMNS}${round} FROM orders.orders o WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [[...new Set(ids)]],
  );
  return new Map(rows.map(({ packRound, ...r }) => [r.id, packRound === undefined ? toSummary(r) : { ...toSummary(r), packRound }]));
}

/**
 * A run of picking reports written in one statement (ADR 0043): the line quantities (summed per line), each order to its final
 * status with its version moved on by `bump` and guarded by the version read under the lock (a move clears the
 * backorder reason unless it is BACKORDERED), and the history rows in their order, as data-modifying CTEs. Returns the lines changed (`orderId lineId` keys) and how many orders
 * were written (fewer than asked: someone changed one first).
 */
export async function writePicks(
  tx: Executor, column: 'picked' | 'shorted',
  changes: readonly { readonly orderId: string; readonly lineId: string; readonly quantity: number }[],
  orders: readonly { readonly id: string; readonly version: number; readonly bump: number; readonly status: OrderStatus; readonly moved: boolean }[],
  moves: readonly { readonly orderId: string; readonly from: OrderStatus | null; readonly to: OrderStatus; readonly cause: string | null }[],
  now: Date,
): Promise<{ changed: Set<string>; written: number }> {
  const rows = await tx.query<{ written: number; changed: string[] | null }>(
    `WITH q AS (
       UPDATE orders.order_lines l SET ${column} = l.${column} + c.q
       FROM (SELECT x->>'orderId' AS order_id, x->>'lineId' AS line_id, sum((x->>'quantity')::int4) AS q FROM jsonb_array_elements($1::jsonb) x GROUP BY 1, 2) c
       WHERE l.order_id = c.order_id AND l.id = c.line_id RETURNING l.order_id, l.id
     ), o AS (
       UPDATE orders.orders o SET status = x.status, version = o.version + x.bump, updated_at = $7,
         backorder_reason = CASE WHEN x.moved AND x.status <> 'BACKORDERED' THEN NULL ELSE o.backorder_reason END
       FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bool[]) AS x(id, version, bump, status, moved)
       WHERE o.id = x.id AND o.version = x.version RETURNING 1
     ), h AS (
       INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause)
       SELECT order_id, from_status, to_status, $7, cause FROM unnest($8::text[], $9::text[], $10::text[], $11::text[]) WITH ORDINALITY AS m(order_id, from_status, to_status, cause, n)
       ORDER BY n
     )
     SELECT (SELECT count(*) FROM o)::int AS written, (SELECT array_agg(order_id || ' ' || id) FROM q) AS changed`,
    [JSON.stringify(changes), orders.map((o) => o.id), orders.map((o) => o.version), orders.map((o) => o.bump), orders.map((o) => o.status),
      orders.map((o) => o.moved), now, moves.map((m) => m.orderId), moves.map((m) => m.from), moves.map((m) => m.to), moves.map((m) => m.cause)],
  );
  const r = rows[0]!;
  return { changed: new Set(r.changed ?? []), written: r.written };
}

/** One order's folded change in a run (`writeOrders`). */
export interface OrderRunWrite {
  readonly id: string;
  /** The version read under the row lock: the UPDATE's guard. */
  readonly version: number;
  /** How far the version moves (the sum of the run's steps); 0 leaves the row alone. */
  readonly bump: number;
  /** The status the order ends at, when it moves. */
  readonly status: OrderStatus | null;
  /** The wave the order ends in, when a step set it. */
  readonly waveId?: string | undefined;
  /** A step left a status other than BACKORDERED: the backorder reason is cleared. */
  readonly clearBackorder: boolean;
  /** Answer every line of the order as the statement left it (for events that carry them). */
  readonly readLines: boolean;
}

/**
 * A run of events over several locked orders written in one statement (ADR 0043): the line quantities added (summed per
 * line and column), each order row guarded by the version read under its lock, and the history rows in their order, as
 * data-modifying CTEs. Returns how many orders were written, the lines changed (`orderId lineId` keys) and, for the
 * orders that asked, every line after the change.
 */
export async function writeOrders(
  tx: Executor,
  quantities: readonly { readonly orderId: string; readonly lineId: string; readonly column: 'picked' | 'shorted' | 'packed' | 'shipped'; readonly quantity: number }[],
  orders: readonly OrderRunWrite[],
  moves: readonly { readonly orderId: string; readonly from: OrderStatus; readonly to: OrderStatus; readonly cause: string | null }[],
  now: Date,
): Promise<{ written: number; changed: Set<string>; lines: Map<string, OrderLine[]> }> {
  const raw = 'id, order_id, line_no, sku, ordered, allocated, picked, shorted, packed, shipped, cancelled, short_at_pack';
  const written = orders.filter((o) => o.bump > 0);
  const read = orders.filter((o) => o.readLines).map((o) => o.id);
  const sum = (c: string): string => `sum(CASE WHEN x->>'column' = '${c}' THEN (x->>'quantity')::int4 ELSE 0 END)`;
  const rows = await tx.query<{ written: number; changed: string[] | null; lines: Record<string, OrderLine[]> | null }>(
    `WITH q AS (
       UPDATE orders.order_lines l SET picked = l.picked + c.pi, shorted = l.shorted + c.sh, packed = l.packed + c.pa, shipped = l.shipped + c.sp
       FROM (SELECT x->>'orderId' AS order_id, x->>'lineId' AS line_id, ${sum('picked')} AS pi, ${sum('shorted')} AS sh, ${sum('packed')} AS pa,
               ${sum('shipped')} AS sp
             FROM jsonb_array_elements($1::jsonb) x GROUP BY 1, 2) c
       WHERE l.order_id = c.order_id AND l.id = c.line_id RETURNING ${raw.split(', ').map((c) => `l.${c}`).join(', ')}
     ), o AS (
       UPDATE orders.orders o SET status = COALESCE(x.status, o.status), version = o.version + x.bump, updated_at = $8,
         wave_id = CASE WHEN x.set_wave THEN x.wave_id ELSE o.wave_id END,
         backorder_reason = CASE WHEN x.clear THEN NULL ELSE o.backorder_reason END
       FROM unnest($2::text[], $3::int[], $4::int[], $5::text[], $6::bool[], $7::text[], $9::bool[]) AS x(id, version, bump, status, set_wave, wave_id, clear)
       WHERE o.id = x.id AND o.version = x.version RETURNING 1
     ), h AS (
       INSERT INTO orders.status_history (order_id, from_status, to_status, at, cause)
       SELECT order_id, from_status, to_status, $8, cause FROM unnest($10::text[], $11::text[], $12::text[], $13::text[]) WITH ORDINALITY AS m(order_id, from_status, to_status, cause, n)
       ORDER BY n
     ), a AS (
       SELECT ${raw} FROM q UNION ALL
       SELECT ${raw} FROM orders.order_lines WHERE order_id = ANY($14::text[]) AND (order_id, id) NOT IN (SELECT order_id, id FROM q)
     )
     SELECT (SELECT count(*) FROM o)::int AS written, (SELECT array_agg(order_id || ' ' || id) FROM q) AS changed,
       (SELECT json_object_agg(order_id, lines) FROM (
          SELECT order_id, json_agg(${LINE_JSON} ORDER BY line_no) AS lines FROM a WHERE order_id = ANY($14::text[]) GROUP BY order_id) r) AS lines`,
    [JSON.stringify(quantities), written.map((o) => o.id), written.map((o) => o.version), written.map((o) => o.bump), written.map((o) => o.status),
      written.map((o) => o.waveId !== undefined), written.map((o) => o.waveId ?? null), now, written.map((o) => o.clearBackorder),
      moves.map((m) => m.orderId), moves.map((m) => m.from), moves.map((m) => m.to), moves.map((m) => m.cause), read],
  );
  const r = rows[0]!;
  return { written: r.written, changed: new Set(r.changed ?? []), lines: new Map(Object.entries(r.lines ?? {})) };
}
