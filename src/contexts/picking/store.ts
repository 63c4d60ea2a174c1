import type { Executor } from '../../platform/db/database.ts';
import type { PickLineStatus, PickListStatus, ShortReason } from '../../contracts/picking.ts';

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

interface ListRow {
  id: string; site_id: string; wave_id: string; order_ids: string[]; status: PickListStatus; priority: number;
  route_length: number | null; created_at: Date; updated_at: Date; completed_at: Date | null;
}
interface LineRow {
  id: string; pick_list_id: string; seq: number; order_id: string; order_line_id: string; reservation_id: string; site_id: string;
  sku: string; expected_barcode: string | null; location_id: string; location_code: string | null; pick_sequence: number | null;
  lot: string | null; quantity: number; picked: number; short_quantity: number; short_reason: ShortReason | null;
  tote_id: string | null; status: PickLineStatus; updated_at: Date;
}

const toHeader = (r: ListRow): PickListHeader => ({
  id: r.id, siteId: r.site_id, waveId: r.wave_id, orderIds: r.order_ids, status: r.status, priority: r.priority,
  routeLength: r.route_length, createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
  completedAt: r.completed_at === null ? null : r.completed_at.toISOString(),
});
const toLine = (r: LineRow): PickLine => ({
  id: r.id, pickListId: r.pick_list_id, seq: r.seq, orderId: r.order_id, orderLineId: r.order_line_id, reservationId: r.reservation_id,
  siteId: r.site_id, sku: r.sku, expectedBarcode: r.expected_barcode, locationId: r.location_id, locationCode: r.location_code,
  pickSequence: r.pick_sequence, lot: r.lot, quantity: r.quantity, picked: r.picked, shortQuantity: r.short_quantity,
  shortReason: r.short_reason, toteId: r.tote_id, status: r.status, updatedAt: r.updated_at.toISOString(),
});

export type NewPickLine = Omit<PickLine, 'picked' | 'shortQuantity' | 'shortReason' | 'toteId' | 'status' | 'updatedAt'>;

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
    const rows = await db.query<{ order_id: string; priority: number }>(
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
    const rows = await db.query<{ batches: string[][] }>(`SELECT batches FROM picking.wave_batches WHERE wave_id = $1`, [waveId]);
    return rows[0]?.batches;
  },

  /** Reservations already on a list (a wave reserved again must not duplicate picks). */
  async listedReservations(db: Executor, reservationIds: readonly string[]): Promise<Set<string>> {
    const rows = await db.query<{ reservation_id: string }>(
      `SELECT reservation_id FROM picking.pick_lines WHERE reservation_id = ANY($1::text[])`, [reservationIds],
    );
    return new Set(rows.map((r) => r.reservation_id));
  },

  async insertList(db: Executor, list: Omit<PickListHeader, 'updatedAt' | 'completedAt'>, lines: readonly NewPickLine[]): Promise<void> {
    await db.query(
      `INSERT INTO picking.pick_lists (id, site_id, wave_id, order_ids, status, priority, route_length, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
      [list.id, list.siteId, list.waveId, list.orderIds, list.status, list.priority, list.routeLength, list.createdAt],
    );
    await db.query(
      `INSERT INTO picking.pick_lines (id, pick_list_id, seq, order_id, order_line_id, reservation_id, site_id, sku, expected_barcode,
         location_id, location_code, pick_sequence, lot, quantity, status, updated_at)
       SELECT l->>'id', l->>'pickListId', (l->>'seq')::int, l->>'orderId', l->>'orderLineId', l->>'reservationId', l->>'siteId', l->>'sku',
         l->>'expectedBarcode', l->>'locationId', l->>'locationCode', (l->>'pickSequence')::int, l->>'lot', (l->>'quantity')::int,
         'PENDING', $2
       FROM jsonb_array_elements($1::jsonb) l`,
      [JSON.stringify(lines), list.createdAt],
    );
  },

  async header(db: Executor, id: string, lock = false): Promise<PickListHeader | undefined> {
    const rows = await db.query<ListRow>(`SELECT * FROM picking.pick_lists WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : toHeader(rows[0]);
  },

  async lines(db: Executor, listIds: readonly string[]): Promise<PickLine[]> {
    const rows = await db.query<LineRow>(`SELECT * FROM picking.pick_lines WHERE pick_list_id = ANY($1::text[]) ORDER BY pick_list_id, seq`, [listIds]);
    return rows.map(toLine);
  },

  async line(db: Executor, listId: string, lineId: string, lock = false): Promise<PickLine | undefined> {
    const rows = await db.query<LineRow>(
      `SELECT * FROM picking.pick_lines WHERE pick_list_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [listId, lineId],
    );
    return rows[0] === undefined ? undefined : toLine(rows[0]);
  },

  /** Adds picked units only while the line is open and has room for them: a late or racing confirm updates nothing. */
  async addPicked(db: Executor, lineId: string, quantity: number, toteId: string, now: Date): Promise<PickLine | undefined> {
    const rows = await db.query<LineRow>(
      `UPDATE picking.pick_lines
          SET picked = picked + $2, tote_id = $3, updated_at = $4,
              status = CASE WHEN picked + $2 = quantity THEN 'PICKED' ELSE 'PENDING' END
        WHERE id = $1 AND status = 'PENDING' AND picked + short_quantity + $2 <= quantity
        RETURNING *`,
      [lineId, quantity, toteId, now],
    );
    return rows[0] === undefined ? undefined : toLine(rows[0]);
  },

  /** Closes an open line SHORT for whatever is still open. */
  async closeShort(db: Executor, lineId: string, reason: ShortReason, now: Date): Promise<PickLine | undefined> {
    const rows = await db.query<LineRow>(
      `UPDATE picking.pick_lines
          SET short_quantity = quantity - picked, short_reason = $2, status = 'SHORT', updated_at = $3
        WHERE id = $1 AND status = 'PENDING'
        RETURNING *`,
      [lineId, reason, now],
    );
    return rows[0] === undefined ? undefined : toLine(rows[0]);
  },

  async setStatus(db: Executor, id: string, status: PickListStatus, now: Date): Promise<void> {
    await db.query(
      `UPDATE picking.pick_lists SET status = $2, updated_at = $3,
         completed_at = CASE WHEN $2 IN ('COMPLETED', 'PARTIAL', 'CANCELLED') THEN $3 ELSE completed_at END
       WHERE id = $1`,
      [id, status, now],
    );
  },

  async list(db: Executor, f: PickListFilter): Promise<PickListHeader[]> {
    const rows = await db.query<ListRow>(
      `SELECT * FROM picking.pick_lists
        WHERE ($1::text IS NULL OR wave_id = $1) AND ($2::text IS NULL OR order_ids @> ARRAY[$2::text])
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [f.waveId ?? null, f.orderId ?? null, f.status ?? null, f.cursor ?? null, f.limit],
    );
    return rows.map(toHeader);
  },
};
