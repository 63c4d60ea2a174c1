import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { PickLineStatus, PickListStatus, ShortReason } from '../../contracts/picking.ts';
import type { PickingOrderPriorities, PickingPickLines, PickingPickLists, PickingScans, PickingWaveBatches } from './db-types.ts';

export interface PickLine {
  readonly id: string;
  readonly pickListId: string;
  readonly seq: number;
  readonly orderId: string;
  readonly orderLineId: string;
  readonly reservationId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly expectedBarcode: string | null;
  readonly locationId: string;
  readonly locationCode: string | null;
  readonly pickSequence: number | null;
  readonly lot: string | null;
  readonly quantity: number;
  readonly picked: number;
  readonly shortQuantity: number;
  readonly shortReason: ShortReason | null;
  readonly toteId: string | null;
  readonly status: PickLineStatus;
  readonly updatedAt: string;
}

export interface PickListHeader {
  readonly id: string;
  readonly siteId: string;
  readonly waveId: string;
  readonly orderIds: readonly string[];
  readonly status: PickListStatus;
  readonly priority: number;
  readonly routeLength: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly completedAt: string | null;
}

export type PickList = PickListHeader & { readonly lines: readonly PickLine[] };

/** pg hands timestamptz as a Date; to_jsonb as ISO text (with an offset). */
type Stamp = Date | string;
const iso = (v: Stamp): string => new Date(v).toISOString();

const LIST_COLUMN_NAMES = ['id', 'site_id', 'wave_id', 'order_ids', 'status', 'priority', 'route_length', 'created_at', 'updated_at', 'completed_at'] as const;
const LINE_COLUMN_NAMES = [
  'id', 'pick_list_id', 'seq', 'order_id', 'order_line_id', 'reservation_id', 'site_id', 'sku', 'expected_barcode', 'location_id',
  'location_code', 'pick_sequence', 'lot', 'quantity', 'picked', 'short_quantity', 'short_reason', 'tote_id', 'status', 'updated_at',
] as const;
const LIST_COLUMNS = columnList(LIST_COLUMN_NAMES);
const LINE_COLUMNS = columnList(LINE_COLUMN_NAMES);

/** A list or line as read here: the table's row with statuses narrowed by the CHECKs, stamps as Date or to_jsonb text. */
type ListRow = Narrowed<Pick<Selectable<PickingPickLists>, (typeof LIST_COLUMN_NAMES)[number]>, {
  status: PickListStatus; created_at: Stamp; updated_at: Stamp; completed_at: Stamp | null;
}>;
type LineRow = Narrowed<Pick<Selectable<PickingPickLines>, (typeof LINE_COLUMN_NAMES)[number]>, {
  status: PickLineStatus; short_reason: ShortReason | null; updated_at: Stamp;
}>;

const toHeader = (r: ListRow): PickListHeader => ({
  id: r.id, siteId: r.site_id, waveId: r.wave_id, orderIds: r.order_ids, status: r.status, priority: r.priority,
  routeLength: r.route_length === null ? null : Number(r.route_length), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  completedAt: r.completed_at === null ? null : iso(r.completed_at),
});
const toLine = (r: LineRow): PickLine => ({
  id: r.id, pickListId: r.pick_list_id, seq: r.seq, orderId: r.order_id, orderLineId: r.order_line_id, reservationId: r.reservation_id,
  siteId: r.site_id, sku: r.sku, expectedBarcode: r.expected_barcode, locationId: r.location_id, locationCode: r.location_code,
  pickSequence: r.pick_sequence, lot: r.lot, quantity: r.quantity, picked: r.picked, shortQuantity: r.short_quantity,
  shortReason: r.short_reason, toteId: r.tote_id, status: r.status, updatedAt: iso(r.updated_at),
});

export type NewPickLine = Omit<PickLine, 'picked' | 'shortQuantity' | 'shortReason' | 'toteId' | 'status' | 'updatedAt'>;

/** What a floor action does to an open line. */
export type LineAction =
  | { readonly kind: 'confirm'; readonly quantity: number; readonly toteId: string; readonly locationCode: string; readonly barcode: string }
  | { readonly kind: 'short'; readonly reason: ShortReason };

/** A scan recorded under its client scanId: which line it acted on and the action as sent. */
export interface RecordedScan {
  readonly pickLineId: string;
  readonly action: LineAction;
}

export interface LineActed {
  readonly list: PickListHeader | undefined;
  /** The list's status as the statement found it (what `list` moved from). */
  readonly listStatusBefore: PickListStatus | undefined;
  readonly before: PickLine | undefined;
  readonly after: PickLine | undefined;
  readonly lines: readonly PickLine[];
}

export interface PickListFilter {
  readonly waveId?: string;
  readonly orderId?: string;
  readonly status?: PickListStatus;
  readonly cursor?: string;
  readonly limit: number;
}

/** SQL of the picking schema. */
export const pickStore = {
  async savePriority(db: Executor, orderId: string, priority: number): Promise<void> {
    await db.query(
      `INSERT INTO picking.order_priorities (order_id, priority) VALUES ($1, $2)
       ON CONFLICT (order_id) DO UPDATE SET priority = EXCLUDED.priority`, [orderId, priority],
    );
  },

  async priorities(db: Executor, orderIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await db.query<Pick<Selectable<PickingOrderPriorities>, 'order_id' | 'priority'>>(
      `SELECT order_id, priority FROM picking.order_priorities WHERE order_id = ANY($1::text[])`, [orderIds],
    );
    return new Map(rows.map((r) => [r.order_id, r.priority]));
  },

  /** Remembers a released wave's cart batches; a redelivered event keeps the first copy. */
  async saveWaveBatches(db: Executor, waveId: string, batches: readonly (readonly string[])[]): Promise<void> {
    await db.query(
      `INSERT INTO picking.wave_batches (wave_id, batches) VALUES ($1, $2::jsonb) ON CONFLICT (wave_id) DO NOTHING`,
      [waveId, JSON.stringify(batches)],
    );
  },

  async waveBatches(db: Executor, waveId: string): Promise<string[][] | undefined> {
    const rows = await db.query<Narrowed<Pick<Selectable<PickingWaveBatches>, 'batches'>, { batches: string[][] }>>(`SELECT batches FROM picking.wave_batches WHERE wave_id = $1`, [waveId]);
    return rows[0]?.batches;
  },

  /**
   * Reservations that must not become pick lines, in one read: those already on a list (a wave reserved again must not
   * duplicate picks) and those of an order picking knows is cancelled (the release raced the cancel).
   */
  async unlistable(db: Executor, reservations: readonly { readonly reservationId: string; readonly orderId: string }[]): Promise<Set<string>> {
    const rows = await db.query<{ id: string }>(
      `SELECT r.id FROM unnest($1::text[], $2::text[]) AS r(id, order_id)
        WHERE EXISTS (SELECT 1 FROM picking.pick_lines l WHERE l.reservation_id = r.id)
           OR EXISTS (SELECT 1 FROM picking.cancelled_orders c WHERE c.order_id = r.order_id)`,
      [reservations.map((r) => r.reservationId), reservations.map((r) => r.orderId)],
    );
    return new Set(rows.map((r) => r.id));
  },

  /**
   * All lists of a wave and all their lines in two statements, whatever the number of lists (a 1,000-order wave is
   * still two INSERTs). Each list starts with every line open.
   */
  async insertLists(db: Executor, lists: readonly Omit<PickListHeader, 'updatedAt' | 'completedAt'>[], lines: readonly NewPickLine[]): Promise<void> {
    if (lists.length === 0) return;
    const openLines = new Map<string, number>();
    for (const l of lines) openLines.set(l.pickListId, (openLines.get(l.pickListId) ?? 0) + 1);
    const createdAt = new Map(lists.map((l) => [l.id, l.createdAt]));
    await db.query(
      `INSERT INTO picking.pick_lists (id, site_id, wave_id, order_ids, status, priority, route_length, open_lines, created_at, updated_at)
       SELECT id, site_id, wave_id, order_ids, status, priority, route_length, open_lines, created_at, created_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, site_id text, wave_id text, order_ids text[], status text, priority integer,
                                                 route_length numeric, open_lines integer, created_at timestamptz)`,
      [JSON.stringify(lists.map((l) => ({
        id: l.id, site_id: l.siteId, wave_id: l.waveId, order_ids: l.orderIds, status: l.status, priority: l.priority,
        route_length: l.routeLength, open_lines: openLines.get(l.id) ?? 0, created_at: l.createdAt,
      })))],
    );
    if (lines.length === 0) return;
    await db.query(
      `INSERT INTO picking.pick_lines (id, pick_list_id, seq, order_id, order_line_id, reservation_id, site_id, sku, expected_barcode,
         location_id, location_code, pick_sequence, lot, quantity, status, updated_at)
       SELECT x.id, x.pick_list_id, x.seq, x.order_id, x.order_line_id, x.reservation_id, x.site_id, x.sku, x.expected_barcode,
              x.location_id, x.location_code, x.pick_sequence, x.lot, x.quantity, 'PENDING', x.updated_at
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, pick_list_id text, seq integer, order_id text, order_line_id text,
                reservation_id text, site_id text, sku text, expected_barcode text, location_id text, location_code text,
                pick_sequence integer, lot text, quantity integer, updated_at timestamptz)`,
      [JSON.stringify(lines.map((l) => ({
        id: l.id, pick_list_id: l.pickListId, seq: l.seq, order_id: l.orderId, order_line_id: l.orderLineId, reservation_id: l.reservationId,
        site_id: l.siteId, sku: l.sku, expected_barcode: l.expectedBarcode, location_id: l.locationId, location_code: l.locationCode,
        pick_sequence: l.pickSequence, lot: l.lot, quantity: l.quantity, updated_at: createdAt.get(l.pickListId),
      })))],
    );
  },

  /** Remembers that an order was cancelled (a tombstone: its reservations never become pick lines). */
  async markOrderCancelled(db: Executor, orderId: string, now: Date): Promise<void> {
    await db.query(`INSERT INTO picking.cancelled_orders (order_id, cancelled_at) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, now]);
  },


  /**
   * Cancels the order's PENDING lines and moves their lists on: the lines first, then their lists (the lock order of
   * actOnLine, so a racing confirm and this never wait on each other in a cycle). A line a racing confirm closed is
   * left as it is. A list whose last open line this closes ends CANCELLED when every line is cancelled, else PARTIAL
   * or COMPLETED as listOutcome says. Returns the lists that closed here.
   */
  async cancelOrderLines(db: Executor, orderId: string, now: Date): Promise<PickListHeader[]> {
    const cancelled = await db.query<Pick<Selectable<PickingPickLines>, 'pick_list_id'>>(
      `UPDATE picking.pick_lines SET status = 'CANCELLED', updated_at = $2 WHERE order_id = $1 AND status = 'PENDING' RETURNING pick_list_id`,
      [orderId, now],
    );
    if (cancelled.length === 0) return [];
    const rows = await db.query<ListRow>(
      `UPDATE picking.pick_lists p
          SET open_lines = p.open_lines - c.n, updated_at = $2,
              status = CASE WHEN p.open_lines - c.n > 0 THEN p.status
                            WHEN NOT EXISTS (SELECT 1 FROM picking.pick_lines l WHERE l.pick_list_id = p.id AND l.status <> 'CANCELLED') THEN 'CANCELLED'
                            WHEN p.short_lines > 0 THEN 'PARTIAL' ELSE 'COMPLETED' END,
              completed_at = CASE WHEN p.open_lines - c.n = 0 THEN $2 ELSE p.completed_at END
         FROM (SELECT x AS id, count(*)::int AS n FROM unnest($1::text[]) x GROUP BY x) c
        WHERE p.id = c.id AND p.status IN ('CREATED', 'IN_PROGRESS')
        RETURNING ${columnList(LIST_COLUMN_NAMES, 'p')}`,
      [cancelled.map((c) => c.pick_list_id), now],
    );
    return rows.map(toHeader).filter((l) => l.status !== 'CREATED' && l.status !== 'IN_PROGRESS').sort((a, b) => (a.id < b.id ? -1 : 1));
  },

  async header(db: Executor, id: string): Promise<PickListHeader | undefined> {
    const rows = await db.query<ListRow>(`SELECT ${LIST_COLUMNS} FROM picking.pick_lists WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toHeader(rows[0]);
  },

  async lines(db: Executor, listIds: readonly string[]): Promise<PickLine[]> {
    const rows = await db.query<LineRow>(`SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = ANY($1::text[]) ORDER BY pick_list_id, seq`, [listIds]);
    return rows.map(toLine);
  },

  async line(db: Executor, listId: string, lineId: string): Promise<PickLine | undefined> {
    const rows = await db.query<LineRow>(`SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = $1 AND id = $2`, [listId, lineId]);
    return rows[0] === undefined ? undefined : toLine(rows[0]);
  },

  /**
   * A floor action on one line of a list, as ONE statement: the line changes only if the list is open and the action's
   * guard holds on the line's newest version (a conditional UPDATE re-checks its WHERE after waiting for a racing
   * writer, so concurrent confirms never over-pick); the list moves CREATED → IN_PROGRESS on its first action and to
   * COMPLETED or PARTIAL when its last open line closes (PICK_LIST_TRANSITIONS and listOutcome, over the list's line
   * counters — see migration 003). Lock order is always the line, then its list.
   *
   * The list row is updated on every action (its updated_at is the last floor activity), so the answer's list is its
   * newest version. The answer also carries the line as the statement saw it (to name a refusal), the line after the
   * action (undefined when nothing was written) and all lines of the list — the siblings as of the statement's
   * snapshot, which under a racing action on the same list may be a moment old.
   */
  async actOnLine(db: Executor, listId: string, lineId: string, action: LineAction, now: Date): Promise<LineActed> {
    // The confirm guard mirrors decideConfirm (domain/confirm-pick.ts); the domain function names the rejection.
    const [set, guard, params] = action.kind === 'confirm'
      ? [
        `picked = l.picked + $4, tote_id = $5, updated_at = $3,
         status = CASE WHEN l.picked + $4 = l.quantity THEN 'PICKED' ELSE 'PENDING' END`,
        `$4 >= 1 AND l.picked + l.short_quantity + $4 <= l.quantity
         AND (CASE WHEN l.location_code IS NULL THEN l.location_id = $6 ELSE l.location_code = $6 END)
         AND (l.sku = $7 OR l.expected_barcode = $7)`,
        [action.quantity, action.toteId, action.locationCode, action.barcode],
      ] as const
      : [`short_quantity = l.quantity - l.picked, short_reason = $4, status = 'SHORT', updated_at = $3`, 'TRUE', [action.reason]] as const;
    // Rows come back through to_jsonb: the same keys as the table's, timestamps as text.
    const rows = await db.query<{ moved: ListRow | null; list: ListRow | null; before: LineRow | null; after: LineRow | null; lines: LineRow[] | null }>(
      `WITH lst AS (SELECT ${LIST_COLUMNS} FROM picking.pick_lists WHERE id = $1),
       line_before AS (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE id = $2 AND pick_list_id = $1),
       line_after AS (
         UPDATE picking.pick_lines l SET ${set}
           FROM lst
          WHERE l.id = $2 AND l.pick_list_id = lst.id AND lst.status IN ('CREATED', 'IN_PROGRESS') AND l.status = 'PENDING'
            AND ${guard}
          RETURNING ${columnList(LINE_COLUMN_NAMES, 'l')}),
       moved AS (
         UPDATE picking.pick_lists p
            SET open_lines = p.open_lines - CASE WHEN a.status = 'PENDING' THEN 0 ELSE 1 END,
                short_lines = p.short_lines + CASE WHEN a.status IN ('SHORT', 'SKIPPED') THEN 1 ELSE 0 END,
                status = CASE WHEN a.status = 'PENDING' OR p.open_lines > 1 THEN 'IN_PROGRESS'
                              WHEN a.status IN ('SHORT', 'SKIPPED') OR p.short_lines > 0 THEN 'PARTIAL'
                              ELSE 'COMPLETED' END,
                updated_at = $3,
                completed_at = CASE WHEN a.status <> 'PENDING' AND p.open_lines = 1 THEN $3 ELSE p.completed_at END
           FROM line_after a
          WHERE p.id = a.pick_list_id AND p.status IN ('CREATED', 'IN_PROGRESS')
          RETURNING ${columnList(LIST_COLUMN_NAMES, 'p')})
       SELECT (SELECT to_jsonb(m) FROM moved m) AS moved, (SELECT to_jsonb(l) FROM lst l) AS list,
              (SELECT to_jsonb(b) FROM line_before b) AS before, (SELECT to_jsonb(a) FROM line_after a) AS after,
              (SELECT jsonb_agg(x.j ORDER BY x.seq) FROM (
                 SELECT to_jsonb(a) AS j, a.seq FROM line_after a
                 UNION ALL SELECT to_jsonb(s), s.seq FROM picking.pick_lines s
                  WHERE s.pick_list_id = $1 AND NOT (s.id = $2 AND EXISTS (SELECT 1 FROM line_after))) x) AS lines`,
      [listId, lineId, now, ...params],
    );
    const r = rows[0];
    if (r === undefined) throw new Error('actOnLine: the statement answered no row');
    const list = r.moved ?? r.list;
    return {
      list: list === null ? undefined : toHeader(list),
      listStatusBefore: r.list?.status,
      before: r.before === null ? undefined : toLine(r.before),
      after: r.after === null ? undefined : toLine(r.after),
      lines: (r.lines ?? []).map(toLine),
    };
  },

  /**
   * Records a scan under its client scanId; undefined when it is new. When the id is known, the scan recorded first
   * (waiting for it to commit if it is in flight): a retry, or the id reused for another scan.
   */
  async recordScan(db: Executor, listId: string, scanId: string, lineId: string, action: LineAction, now: Date): Promise<RecordedScan | undefined> {
    const inserted = await db.query(
      `INSERT INTO picking.scans (pick_list_id, scan_id, pick_line_id, action, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [listId, scanId, lineId, JSON.stringify(action), now],
    );
    if (inserted.length > 0) return undefined;
    const rows = await db.query<Narrowed<Pick<Selectable<PickingScans>, 'pick_line_id' | 'action'>, { action: LineAction }>>(
      `SELECT pick_line_id, action FROM picking.scans WHERE pick_list_id = $1 AND scan_id = $2`, [listId, scanId],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`scan ${scanId} of pick list ${listId} conflicted but cannot be read`);
    return { pickLineId: row.pick_line_id, action: row.action };
  },

  /** A refused scan writes nothing: its scanId stays free for the corrected scan. */
  async forgetScan(db: Executor, listId: string, scanId: string): Promise<void> {
    await db.query(`DELETE FROM picking.scans WHERE pick_list_id = $1 AND scan_id = $2`, [listId, scanId]);
  },

  async list(db: Executor, f: PickListFilter): Promise<PickListHeader[]> {
    const rows = await db.query<ListRow>(
      `SELECT ${LIST_COLUMNS} FROM picking.pick_lists
        WHERE ($1::text IS NULL OR wave_id = $1) AND ($2::text IS NULL OR order_ids @> ARRAY[$2::text])
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [f.waveId ?? null, f.orderId ?? null, f.status ?? null, f.cursor ?? null, f.limit],
    );
    return rows.map(toHeader);
  },
};
