import { eventCtes } from '../../platform/bus/event-bus.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { Location, LocationType } from '../../contracts/location-master.ts';
import type { PickLineStatus, PickListProgress, PickListStatus, ShortReason } from '../../contracts/picking.ts';
import type { SiteLocation } from '../../optimize/geometry/site-layout.ts';
import type { Change, CountedPickList, LineAction, NewPickLine, PickLine, PickListHeader, RecordedScan, SerialUnit } from './domain/pick-list.ts';
import type {
  PickingLocations, PickingOrderPriorities, PickingPickLines, PickingPickLists, PickingProducts, PickingScans, PickingWaveBatches,
} from './db-types.ts';

/** pg hands timestamptz as a Date; to_jsonb as ISO text (with an offset). */
type Stamp = Date | string;
const iso = (v: Stamp): string => new Date(v).toISOString();

const LIST_COLUMN_NAMES = ['id', 'site_id', 'wave_id', 'order_ids', 'status', 'priority', 'route_length', 'created_at', 'updated_at', 'completed_at'] as const;
const LINE_COLUMN_NAMES = [
  'id', 'pick_list_id', 'seq', 'order_id', 'order_line_id', 'reservation_id', 'site_id', 'sku', 'expected_barcode', 'location_id',
  'location_code', 'pick_sequence', 'lot', 'quantity', 'picked', 'short_quantity', 'short_reason', 'tote_id', 'status', 'updated_at', 'owner_id',
  'expires_on',
] as const;
const LIST_COLUMNS = columnList(LIST_COLUMN_NAMES);
const COUNTED_LIST_COLUMN_NAMES = [...LIST_COLUMN_NAMES, 'open_lines', 'short_lines'] as const;
// The expiry as a day (YYYY-MM-DD), not a Date at the server's midnight.
const LINE_COLUMNS = columnList(LINE_COLUMN_NAMES).replace(/\bexpires_on\b/, `to_char(expires_on, 'YYYY-MM-DD') AS expires_on`);

/** A list or line as read here: the table's row with statuses narrowed by the CHECKs, stamps as Date or to_jsonb text. */
type ListRow = Narrowed<Pick<Selectable<PickingPickLists>, (typeof LIST_COLUMN_NAMES)[number]>, {
  status: PickListStatus; created_at: Stamp; updated_at: Stamp; completed_at: Stamp | null;
}>;
type CountedListRow = ListRow & Pick<Selectable<PickingPickLists>, 'open_lines' | 'short_lines'>;
type LineRow = Narrowed<Pick<Selectable<PickingPickLines>, (typeof LINE_COLUMN_NAMES)[number]>, {
  status: PickLineStatus; short_reason: ShortReason | null; updated_at: Stamp; expires_on: string | null;
}>;

const toHeader = (r: ListRow): PickListHeader => ({
  id: r.id, siteId: r.site_id, waveId: r.wave_id, orderIds: r.order_ids, status: r.status, priority: r.priority,
  routeLength: r.route_length === null ? null : Number(r.route_length), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  completedAt: r.completed_at === null ? null : iso(r.completed_at),
});
const toCounted = (r: CountedListRow): CountedPickList => ({ ...toHeader(r), openLines: r.open_lines, shortLines: r.short_lines });
const toLine = (r: LineRow): PickLine => ({
  id: r.id, pickListId: r.pick_list_id, seq: r.seq, orderId: r.order_id, orderLineId: r.order_line_id, reservationId: r.reservation_id,
  siteId: r.site_id, sku: r.sku, expectedBarcode: r.expected_barcode, locationId: r.location_id, locationCode: r.location_code,
  pickSequence: r.pick_sequence, lot: r.lot, quantity: r.quantity, picked: r.picked, shortQuantity: r.short_quantity,
  shortReason: r.short_reason, toteId: r.tote_id, status: r.status, updatedAt: iso(r.updated_at), ownerId: r.owner_id,
  expiresOn: r.expires_on,
});

export interface PickListFilter {
  readonly siteId?: string;
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

  /**
   * What list building needs of other contexts, from picking's own projections, in one read: the orders' priorities,
   * the products' GTINs and the locations' codes, sequence and coordinates. What a projection has not heard of is absent.
   */
  async facts(db: Executor, q: { orderIds: readonly string[]; skus: readonly string[]; locationIds: readonly string[] }): Promise<{
    priorities: Map<string, number>; products: Map<string, { gtin: string | null }>;
    locations: Map<string, { code: string; pickSequence: number | null; x: number; y: number }>;
  }> {
    type Priority = Pick<Selectable<PickingOrderPriorities>, 'order_id' | 'priority'>;
    type Product = Pick<Selectable<PickingProducts>, 'sku' | 'gtin'>;
    type Loc = Pick<Selectable<PickingLocations>, 'id' | 'code' | 'pick_sequence' | 'x' | 'y'>;
    const rows = await db.query<{ priorities: Priority[] | null; products: Product[] | null; locations: Loc[] | null }>(
      `SELECT (SELECT jsonb_agg(jsonb_build_object('order_id', order_id, 'priority', priority))
                 FROM picking.order_priorities WHERE order_id = ANY($1::text[])) AS priorities,
              (SELECT jsonb_agg(jsonb_build_object('sku', sku, 'gtin', gtin))
                 FROM picking.products WHERE sku = ANY($2::text[])) AS products,
              (SELECT jsonb_agg(jsonb_build_object('id', id, 'code', code, 'pick_sequence', pick_sequence, 'x', x, 'y', y))
                 FROM picking.locations WHERE id = ANY($3::text[])) AS locations`,
      [q.orderIds, q.skus, q.locationIds],
    );
    const r = rows[0];
    return {
      priorities: new Map((r?.priorities ?? []).map((p) => [p.order_id, p.priority])),
      products: new Map((r?.products ?? []).map((p) => [p.sku, { gtin: p.gtin }])),
      locations: new Map((r?.locations ?? []).map((l) => [l.id, { code: l.code, pickSequence: l.pick_sequence, x: l.x, y: l.y }])),
    };
  },

  /** catalog.product.created: products never change, so the first copy stays (a redelivery or a late copy is a no-op). */
  /**
   * The worker whose task now holds each pick list (assigned or started), or null when it went back to the queue: one
   * statement for a run, at most one entry per list (a statement cannot upsert one row twice).
   */
  async holdLists(db: Executor, held: readonly { listId: string; taskId: string; workerId: string | null }[]): Promise<void> {
    await db.query(
      `INSERT INTO picking.list_workers (pick_list_id, task_id, worker_id) SELECT u.list_id, u.task_id, u.worker_id FROM unnest($1::text[], $2::text[], $3::text[]) AS u(list_id, task_id, worker_id)
       ON CONFLICT (pick_list_id) DO UPDATE SET task_id = EXCLUDED.task_id, worker_id = EXCLUDED.worker_id`,
      [held.map((h) => h.listId), held.map((h) => h.taskId), held.map((h) => h.workerId)],
    );
  },

  /**
   * The worker whose live pick list (CREATED, IN_PROGRESS) of `orderId` has put units into the tote labelled `label`
   * (its lines' `tote_id`), when one holds it; undefined otherwise. Indexed: the order's lists (GIN on order_ids), their
   * lines (pick_list_id, seq).
   */
  async toteFiller(db: Executor, orderId: string, label: string): Promise<string | undefined> {
    const rows = await db.query<{ worker_id: string }>(
      `SELECT lw.worker_id FROM picking.pick_lists pl JOIN picking.list_workers lw ON lw.pick_list_id = pl.id
        WHERE pl.order_ids @> ARRAY[$1]::text[] AND pl.status IN ('CREATED', 'IN_PROGRESS') AND lw.worker_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM picking.pick_lines l WHERE l.pick_list_id = pl.id AND l.tote_id = $2)
        ORDER BY pl.id LIMIT 1`, [orderId, label],
    );
    return rows[0]?.worker_id;
  },

  async learnProduct(db: Executor, product: { sku: string; gtin: string | null; serialControlled?: boolean | undefined }): Promise<void> {
    await db.query(`INSERT INTO picking.products (sku, gtin, serial_controlled) VALUES ($1, $2, $3) ON CONFLICT (sku) DO NOTHING`,
      [product.sku, product.gtin, product.serialControlled === true]);
  },
  /** A product changed (catalog.product.updated.v1: an import, a PATCH): its GTIN and serial flag now are the ones scans are checked against. */
  async relearnProduct(db: Executor, product: { sku: string; gtin: string | null; serialControlled?: boolean | undefined }): Promise<void> {
    await db.query(
      `INSERT INTO picking.products (sku, gtin, serial_controlled) VALUES ($1, $2, $3)
       ON CONFLICT (sku) DO UPDATE SET gtin = EXCLUDED.gtin, serial_controlled = EXCLUDED.serial_controlled`,
      [product.sku, product.gtin, product.serialControlled === true]);
  },

  /**
   * Serials of a site in stock again (ADR 0058): received (`inventory.stock.received`) or put back
   * (`inventory.stock.return-confirmed`); a serial received again after it shipped starts picking as a new unit.
   */
  async serialsInStock(db: Executor, u: { siteId: string; sku: string; serials: readonly string[]; at: Date }): Promise<void> {
    if (u.serials.length === 0) return;
    await db.query(
      `INSERT INTO picking.serial_units (site_id, sku, serial, in_stock, updated_at)
       SELECT $1, $2, s, true, $4 FROM unnest($3::text[]) AS s
       ON CONFLICT (site_id, sku, serial) DO UPDATE SET in_stock = true, updated_at = EXCLUDED.updated_at`,
      [u.siteId, u.sku, [...u.serials], u.at],
    );
  },

  /** The rows of these serials at the site, of any SKU, locked in serial order (a confirm's serials, decided on under lock). */
  async lockSerials(db: Executor, siteId: string, serials: readonly string[]): Promise<SerialUnit[]> {
    if (serials.length === 0) return [];
    const rows = await db.query<{ sku: string; serial: string; in_stock: boolean }>(
      `SELECT sku, serial, in_stock FROM picking.serial_units WHERE site_id = $1 AND serial = ANY($2::text[]) ORDER BY serial, sku FOR UPDATE`,
      [siteId, [...serials]],
    );
    return rows.map((r) => ({ sku: r.sku, serial: r.serial, inStock: r.in_stock }));
  },

  /** Takes a confirm's serials out of stock (locked by `lockSerials`, decided in stock); answers how many it took. */
  async pickSerials(db: Executor, u: { siteId: string; sku: string; serials: readonly string[]; pickLineId: string; at: Date }): Promise<number> {
    const rows = await db.query<{ serial: string }>(
      `UPDATE picking.serial_units SET in_stock = false, pick_line_id = $4, updated_at = $5
        WHERE site_id = $1 AND sku = $2 AND serial = ANY($3::text[]) AND in_stock RETURNING serial`,
      [u.siteId, u.sku, [...u.serials], u.pickLineId, u.at],
    );
    return rows.length;
  },

  /**
   * Locations from location-master events, in one statement however many (a generated layout's part holds 1,000).
   * What picking keeps of a location never changes once it exists, so the first copy stays.
   */
  async learnLocations(db: Executor, locations: readonly Location[]): Promise<void> {
    if (locations.length === 0) return;
    await db.query(
      `INSERT INTO picking.locations (id, site_id, code, type, zone, aisle, x, y, z, pick_sequence)
       SELECT id, site_id, code, type, zone, aisle, x, y, z, pick_sequence
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, site_id text, code text, type text, zone text, aisle integer,
                x numeric, y numeric, z numeric, pick_sequence integer)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(locations.map((l) => ({
        id: l.id, site_id: l.siteId, code: l.code, type: l.type, zone: l.zone, aisle: l.aisle, x: l.x, y: l.y, z: l.z,
        pick_sequence: l.pickSequence,
      })))],
    );
  },

  /** A site's locations of some types as the router fits its layout to them, in the location master's listing order. */
  async siteLocations(db: Executor, siteId: string, types: readonly LocationType[]): Promise<SiteLocation[]> {
    return db.query<Pick<Selectable<PickingLocations>, 'code' | 'type' | 'zone' | 'aisle' | 'x' | 'y' | 'z'>>(
      `SELECT code, type, zone, aisle, x, y, z FROM picking.locations
        WHERE site_id = $1 AND type = ANY($2::text[]) ORDER BY pick_sequence NULLS LAST, code`,
      [siteId, [...types]],
    );
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
   * Serialises a cancel of orders against the lists built for them: building lists takes a shared lock on each of
   * their orders (many builds may run at once), the cancel an exclusive one on its order, each in a statement of its own
   * before it reads (a statement's snapshot is taken when it starts). Without it the two ran in their own consumers'
   * transactions, each unseen by the other (split deployment, release and cancel heard on two topics): the build found
   * no tombstone, the cancel no line, and the cancelled order's list stayed CREATED for good. A reprioritise takes the
   * exclusive one too (else the list kept the old priority: the build read it, the reprioritise found no list).
   */
  async lockOrdersForLists(db: Executor, orderIds: readonly string[], mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await db.query(
      `SELECT count(${fn}(hashtext('picking.order-lists'), hashtext(o.id))) FROM (SELECT DISTINCT unnest($1::text[]) AS id ORDER BY 1) o`,
      [[...orderIds]],
    );
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
         location_id, location_code, pick_sequence, lot, quantity, status, updated_at, owner_id, expires_on)
       SELECT x.id, x.pick_list_id, x.seq, x.order_id, x.order_line_id, x.reservation_id, x.site_id, x.sku, x.expected_barcode,
              x.location_id, x.location_code, x.pick_sequence, x.lot, x.quantity, 'PENDING', x.updated_at, x.owner_id, x.expires_on
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, pick_list_id text, seq integer, order_id text, order_line_id text,
                reservation_id text, site_id text, sku text, expected_barcode text, location_id text, location_code text,
                pick_sequence integer, lot text, quantity integer, updated_at timestamptz, owner_id text, expires_on date)`,
      [JSON.stringify(lines.map((l) => ({
        id: l.id, pick_list_id: l.pickListId, seq: l.seq, order_id: l.orderId, order_line_id: l.orderLineId, reservation_id: l.reservationId,
        site_id: l.siteId, sku: l.sku, expected_barcode: l.expectedBarcode, location_id: l.locationId, location_code: l.locationCode,
        pick_sequence: l.pickSequence, lot: l.lot, quantity: l.quantity, updated_at: createdAt.get(l.pickListId), owner_id: l.ownerId ?? null,
        expires_on: l.expiresOn ?? null,
      })))],
    );
  },

  /** Remembers that an order was cancelled (a tombstone: its reservations never become pick lines). */
  async markOrderCancelled(db: Executor, orderId: string, now: Date): Promise<void> {
    await db.query(`INSERT INTO picking.cancelled_orders (order_id, cancelled_at) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, now]);
  },


  /** The order's PENDING lines, locked in id order (lines before lists, as every use case locks them). */
  async lockPendingLines(db: Executor, orderId: string): Promise<PickLine[]> {
    const rows = await db.query<LineRow>(
      `SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE order_id = $1 AND status = 'PENDING' ORDER BY id FOR UPDATE`, [orderId],
    );
    return rows.map(toLine);
  },

  /** Lists with their counters, locked in id order. */
  async lockLists(db: Executor, ids: readonly string[]): Promise<CountedPickList[]> {
    const rows = await db.query<CountedListRow>(
      `SELECT ${columnList(COUNTED_LIST_COLUMN_NAMES)} FROM picking.pick_lists WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE`, [ids],
    );
    return rows.map(toCounted);
  },

  /** Every line of the lists with its status, by list id (read after the lists were locked, so closers have committed). */
  async lineStatuses(db: Executor, listIds: readonly string[]): Promise<Map<string, { id: string; status: PickLineStatus }[]>> {
    const rows = await db.query<Narrowed<Pick<Selectable<PickingPickLines>, 'id' | 'pick_list_id' | 'status'>, { status: PickLineStatus }>>(
      `SELECT id, pick_list_id, status FROM picking.pick_lines WHERE pick_list_id = ANY($1::text[]) ORDER BY id`, [listIds],
    );
    const out = new Map<string, { id: string; status: PickLineStatus }[]>();
    for (const r of rows) out.set(r.pick_list_id, [...(out.get(r.pick_list_id) ?? []), { id: r.id, status: r.status }]);
    return out;
  },

  /**
   * Writes what a use case decided, in one statement: each line and list gets its `after` values only if its row is
   * still as the use case read it (`before`: a compare-and-set on status and quantities or counters). The use case
   * read the rows under lock, so a row that moved anyway is a fault: this throws, and the transaction rolls back.
   * `events` are written by the same statement (`eventCtes`: run it with `EventBus.writeWithEvents`); the throw rolls
   * them back with the rest.
   */
  async saveChanges(
    db: Executor, changes: { lines: readonly Change<PickLine>[]; lists: readonly Change<CountedPickList>[] }, events: readonly EventEnvelope[] = [],
  ): Promise<void> {
    const rows = await db.query<{ lines: number; lists: number }>(
      `WITH ln AS (
         UPDATE picking.pick_lines l
            SET picked = x.picked, short_quantity = x.short_quantity, short_reason = x.short_reason, tote_id = x.tote_id,
                status = x.status, updated_at = x.updated_at
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, picked integer, short_quantity integer, short_reason text, tote_id text,
                  status text, updated_at timestamptz, was_status text, was_picked integer, was_short integer)
          WHERE l.id = x.id AND l.status = x.was_status AND l.picked = x.was_picked AND l.short_quantity = x.was_short
          RETURNING l.id),
       ls AS (
         UPDATE picking.pick_lists p
            SET status = x.status, open_lines = x.open_lines, short_lines = x.short_lines, updated_at = x.updated_at,
                completed_at = x.completed_at
           FROM jsonb_to_recordset($2::jsonb) AS x(id text, status text, open_lines integer, short_lines integer, updated_at timestamptz,
                  completed_at timestamptz, was_status text, was_open integer, was_short integer)
          WHERE p.id = x.id AND p.status = x.was_status AND p.open_lines = x.was_open AND p.short_lines = x.was_short
          RETURNING p.id)${events.length === 0 ? '' : `, ${eventCtes('$3::jsonb', '(SELECT 1) AS one')}`}
       SELECT (SELECT count(*) FROM ln)::int AS lines, (SELECT count(*) FROM ls)::int AS lists`,
      [
        JSON.stringify(changes.lines.map(({ before: b, after: a }) => ({
          id: a.id, picked: a.picked, short_quantity: a.shortQuantity, short_reason: a.shortReason, tote_id: a.toteId, status: a.status,
          updated_at: a.updatedAt, was_status: b.status, was_picked: b.picked, was_short: b.shortQuantity,
        }))),
        JSON.stringify(changes.lists.map(({ before: b, after: a }) => ({
          id: a.id, status: a.status, open_lines: a.openLines, short_lines: a.shortLines, updated_at: a.updatedAt,
          completed_at: a.completedAt,
          was_status: b.status, was_open: b.openLines, was_short: b.shortLines,
        }))),
        ...(events.length === 0 ? [] : [JSON.stringify(events)]),
      ],
    );
    const written = rows[0];
    if (written?.lines !== changes.lines.length || written.lists !== changes.lists.length) {
      throw new Error(`picking: a pick line or list changed under its lock (wrote ${JSON.stringify(written)} of `
        + `${changes.lines.length} lines, `
        + `${changes.lists.length} lists); nothing is written`);
    }
  },

  /** A list with its lines in pick sequence, in ONE statement (one snapshot); undefined when there is no such list. */
  async withLines(db: Executor, id: string): Promise<(PickListHeader & { lines: PickLine[] }) | undefined> {
    // Rows come back through to_jsonb, as in lockLine: the same keys as the table's, timestamps as text.
    const rows = await db.query<{ list: ListRow; lines: LineRow[] | null }>(
      `SELECT to_jsonb(p) AS list,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.seq) FROM (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = $1) s) AS lines
         FROM (SELECT ${LIST_COLUMNS} FROM picking.pick_lists WHERE id = $1) p`,
      [id],
    );
    const r = rows[0];
    return r === undefined ? undefined : { ...toHeader(r.list), lines: (r.lines ?? []).map(toLine) };
  },

  /** Where a list's work stands, in one statement: its status, its open-line counter (migration 003) and its line count. */
  async progress(db: Executor, id: string): Promise<PickListProgress | undefined> {
    const rows = await db.query<Narrowed<Pick<Selectable<PickingPickLists>, 'id' | 'status' | 'open_lines'>, { status: PickListStatus }> & { lines: number }>(
      `SELECT p.id, p.status, p.open_lines, (SELECT count(*) FROM picking.pick_lines l WHERE l.pick_list_id = p.id)::int AS lines
         FROM picking.pick_lists p WHERE p.id = $1`,
      [id],
    );
    const r = rows[0];
    return r === undefined ? undefined : { pickListId: r.id, status: r.status, openLines: r.open_lines, lines: r.lines };
  },

  async lines(db: Executor, listIds: readonly string[]): Promise<PickLine[]> {
    const rows = await db.query<LineRow>(`SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = ANY($1::text[]) ORDER BY pick_list_id, seq`, [listIds]);
    return rows.map(toLine);
  },

  /**
   * A floor action's state in ONE statement: the line locked, then its list (the list's FOR UPDATE waits for the
   * line's, as its filter reads the line first: the lock order of every use case), each at its newest version; and all
   * lines of the list for the answer — the siblings as of the statement's snapshot, which under a racing action on
   * the same list may be a moment old.
   */
  async lockLine(db: Executor, listId: string, lineId: string): Promise<{ list?: CountedPickList; line?: PickLine; lines: PickLine[]; worker: string | null }> {
    // Rows come back through to_jsonb: the same keys as the table's, timestamps as text.
    const rows = await db.query<{ line: LineRow | null; list: CountedListRow | null; lines: LineRow[] | null; worker: string | null }>(
      `WITH line AS MATERIALIZED (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE id = $2 AND pick_list_id = $1 FOR UPDATE)
       SELECT (SELECT to_jsonb(l) FROM line l) AS line,
              (SELECT to_jsonb(p) FROM (SELECT ${columnList(COUNTED_LIST_COLUMN_NAMES)} FROM picking.pick_lists
                                         WHERE id = $1 AND (SELECT count(*) FROM line) >= 0 FOR UPDATE) p) AS list,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.seq)
                 FROM (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = $1) s) AS lines,
              (SELECT worker_id FROM picking.list_workers WHERE pick_list_id = $1) AS worker`,
      [listId, lineId],
    );
    const r = rows[0];
    if (r === undefined) throw new Error('lockLine: the statement answered no row');
    return {
      ...(r.list === null ? {} : { list: toCounted(r.list) }),
      ...(r.line === null ? {} : { line: toLine(r.line) }),
      lines: (r.lines ?? []).map(toLine),
      worker: r.worker,
    };
  },

  /**
   * A floor action's state read WITHOUT locks, in one statement (one snapshot): the line, its list with its counters,
   * all lines of the list, the worker holding it, and the scan recorded under `scanId` (if any). For the optimistic
   * confirm (ADR 0003 addendum 2026-12-03, later note): what it decides is written only through `writeFloorAction`'s
   * guards, which re-check it on the newest rows under their locks.
   */
  /** The order of a line still PENDING, unless the scan was recorded already (a replay): what a floor action asks pack & ship about. */
  async pendingLineOrder(db: Executor, listId: string, lineId: string, scanId: string | undefined): Promise<string | undefined> {
    const rows = await db.query<{ order_id: string }>(
      `SELECT l.order_id FROM picking.pick_lines l WHERE l.id = $2 AND l.pick_list_id = $1 AND l.status = 'PENDING'
          AND NOT EXISTS (SELECT 1 FROM picking.scans s WHERE s.pick_list_id = $1 AND s.scan_id = $3)`,
      [listId, lineId, scanId ?? null],
    );
    return rows[0]?.order_id;
  },

  async readFloorState(db: Executor, listId: string, lineId: string, scanId: string | undefined): Promise<{
    list?: CountedPickList; line?: PickLine; lines: PickLine[]; worker: string | null; scan?: RecordedScan; serialControlled: boolean;
  }> {
    const rows = await db.query<{
      line: LineRow | null; list: CountedListRow | null; lines: LineRow[] | null; worker: string | null;
      scan: { pick_line_id: string; action: LineAction } | null; serial_controlled: boolean | null;
    }>(
      `SELECT (SELECT to_jsonb(l) FROM (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE id = $2 AND pick_list_id = $1) l) AS line,
              (SELECT to_jsonb(p) FROM (SELECT ${columnList(COUNTED_LIST_COLUMN_NAMES)} FROM picking.pick_lists WHERE id = $1) p) AS list,
              (SELECT jsonb_agg(to_jsonb(s) ORDER BY s.seq)
                 FROM (SELECT ${LINE_COLUMNS} FROM picking.pick_lines WHERE pick_list_id = $1) s) AS lines,
              (SELECT worker_id FROM picking.list_workers WHERE pick_list_id = $1) AS worker,
              (SELECT jsonb_build_object('pick_line_id', pick_line_id, 'action', action)
                 FROM picking.scans WHERE pick_list_id = $1 AND scan_id = $3) AS scan,
              (SELECT p.serial_controlled FROM picking.pick_lines l JOIN picking.products p ON p.sku = l.sku
                WHERE l.id = $2 AND l.pick_list_id = $1) AS serial_controlled`,
      [listId, lineId, scanId ?? null],
    );
    const r = rows[0];
    if (r === undefined) throw new Error('readFloorState: the statement answered no row');
    return {
      ...(r.list === null ? {} : { list: toCounted(r.list) }),
      ...(r.line === null ? {} : { line: toLine(r.line) }),
      lines: (r.lines ?? []).map(toLine),
      worker: r.worker,
      ...(r.scan === null ? {} : { scan: { pickLineId: r.scan.pick_line_id, action: r.scan.action } }),
      serialControlled: r.serial_controlled === true,
    };
  },

  /**
   * A floor action decided on an unlocked read (`readFloorState`), written in ONE statement with its events (run it
   * with `EventBus.writeWithEvents`): the line is locked, then its list (the lock order of every use case), each only
   * if still as decided from (`before`: status and quantities, status and counters, re-checked on the newest row
   * version); then, with a scanId, the scan is recorded (`ON CONFLICT DO NOTHING`: a copy recorded first wins); only
   * when all of these hold are line and list written and the events appended. Answers false when it wrote nothing
   * (the rows moved since the read, or the scanId is taken): the caller decides again under lock.
   */
  async writeFloorAction(
    db: Executor, change: { line: Change<PickLine>; list: Change<CountedPickList> },
    scan: { scanId: string; action: LineAction; now: Date } | undefined, events: readonly EventEnvelope[],
  ): Promise<boolean> {
    const { line: { before: lb, after: la }, list: { before: sb, after: sa } } = change;
    const params: unknown[] = [
      la.id, lb.status, lb.picked, lb.shortQuantity, la.picked, la.shortQuantity, la.shortReason, la.toteId, la.status, la.updatedAt,
      sa.id, sb.status, sb.openLines, sb.shortLines, sa.status, sa.openLines, sa.shortLines, sa.updatedAt, sa.completedAt,
      JSON.stringify(events),
    ];
    if (scan !== undefined) params.push(scan.scanId, JSON.stringify(scan.action), scan.now);
    const rows = await db.query<{ lines: number; lists: number }>(
      `WITH line AS MATERIALIZED (
         SELECT id FROM picking.pick_lines WHERE id = $1 AND status = $2 AND picked = $3 AND short_quantity = $4 FOR UPDATE),
       list AS MATERIALIZED (
         SELECT id FROM picking.pick_lists
          WHERE id = $11 AND status = $12 AND open_lines = $13 AND short_lines = $14 AND EXISTS (SELECT 1 FROM line) FOR UPDATE),
       ${scan === undefined ? 'ok AS MATERIALIZED (SELECT 1 AS one FROM list)' : `scan AS (
         INSERT INTO picking.scans (pick_list_id, scan_id, pick_line_id, action, created_at)
         SELECT $11, $21::text, $1, $22::jsonb, $23::timestamptz FROM list ON CONFLICT DO NOTHING RETURNING 1 AS one),
       ok AS MATERIALIZED (SELECT one FROM scan)`},
       ln AS (
         UPDATE picking.pick_lines
            SET picked = $5, short_quantity = $6, short_reason = $7, tote_id = $8, status = $9, updated_at = $10
          WHERE id = $1 AND EXISTS (SELECT 1 FROM ok) RETURNING id),
       ls AS (
         UPDATE picking.pick_lists SET status = $15, open_lines = $16, short_lines = $17, updated_at = $18, completed_at = $19
          WHERE id = $11 AND EXISTS (SELECT 1 FROM ok) RETURNING id),
       ${eventCtes('$20::jsonb', 'ok')}
       SELECT (SELECT count(*) FROM ln)::int AS lines, (SELECT count(*) FROM ls)::int AS lists`,
      params,
    );
    const written = rows[0];
    if (written === undefined || written.lines !== written.lists) {
      throw new Error(`picking: a guarded floor action wrote ${JSON.stringify(written)} lines and lists; they go together`);
    }
    return written.lines === 1;
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

  async list(db: Executor, f: PickListFilter): Promise<PickListHeader[]> {
    const rows = await db.query<ListRow>(
      `SELECT ${LIST_COLUMNS} FROM picking.pick_lists
        WHERE ($1::text IS NULL OR wave_id = $1) AND ($2::text IS NULL OR order_ids @> ARRAY[$2::text])
          AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR id > $4) AND ($6::text IS NULL OR site_id = $6)
        ORDER BY id LIMIT $5`,
      [f.waveId ?? null, f.orderId ?? null, f.status ?? null, f.cursor ?? null, f.limit, f.siteId ?? null],
    );
    return rows.map(toHeader);
  },

  // ---- short-pick recovery (ADR 0024) ----

  async recoverySettled(db: Executor, pickLineId: string): Promise<void> {
    await db.query(`DELETE FROM picking.awaiting_recovery WHERE pick_line_id = $1`, [pickLineId]);
  },

  /**
   * The order's picking is not done any more (a shipComplete order's units lost at packing are picked again, ADR 0024
   * addendum 2026-12-07): its mark is dropped, so the next settlement marks and announces it again; `awaiting`, the
   * short at packing that waits for stock. An order picking knows cancelled is left alone.
   */
  async reopenOrderPicking(db: Executor, orderId: string, awaiting: string | undefined, now: Date): Promise<void> {
    await db.query(
      `WITH open AS (SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM picking.cancelled_orders WHERE order_id = $1)),
       aw AS (INSERT INTO picking.awaiting_recovery (pick_line_id, order_id, since) SELECT $2, $1, $3 FROM open WHERE $2::text IS NOT NULL
              ON CONFLICT (pick_line_id) DO NOTHING)
       DELETE FROM picking.orders_picked WHERE order_id = $1 AND EXISTS (SELECT 1 FROM open)`,
      [orderId, awaiting ?? null, now],
    );
  },

  async dropRecoveriesOfOrder(db: Executor, orderId: string): Promise<void> {
    await db.query(`DELETE FROM picking.awaiting_recovery WHERE order_id = $1`, [orderId]);
  },

  /**
   * Serialises every decision about whether an order's picking is done (a list completing, a recovery settling): a
   * transaction-scoped advisory lock on the order, taken after any line and list lock.
   */
  async lockOrderProgress(db: Executor, orderId: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('picking.order-progress'), hashtext($1))`, [orderId]);
  },

  /**
   * A floor action's settlement in one statement: a shorted line starts waiting for its recovery (`awaiting`), and the
   * orders of a list that completed (`orderIds`) are each locked (order progress lock, in id order, by a statement
   * before it) and marked picked when done — no open list, no short awaiting recovery (the one recorded here included), not cancelled. Answers the
   * orders this call marked, in id order, each with the units picked for it over all its lists (`unitsPicked`'s
   * figure, read in the same statement: the same snapshot that found the order done).
   */
  async settleFloorAction(
    db: Executor, q: { awaiting: { pickLineId: string; orderId: string } | undefined; orderIds: readonly string[]; now: Date },
  ): Promise<{ orderId: string; units: number }[]> {
    // The locks first, in a statement of their own: a statement's snapshot is taken when it starts, so a check in the
    // statement that waited for the lock would not see what the holder committed meanwhile (another list of the order
    // completed), and two lists completing at once could each leave the order unpicked for ever.
    if (q.orderIds.length > 0) {
      await db.query(
        `SELECT count(pg_advisory_xact_lock(hashtext('picking.order-progress'), hashtext(o.id))) FROM (SELECT DISTINCT unnest($1::text[]) AS id ORDER BY 1) o`,
        [[...q.orderIds]],
      );
    }
    const rows = await db.query<{ order_id: string; units: number }>(
      `WITH aw AS (
         INSERT INTO picking.awaiting_recovery (pick_line_id, order_id, since) SELECT $1, $2, $4 WHERE $1::text IS NOT NULL
         ON CONFLICT (pick_line_id) DO NOTHING),
       locked AS MATERIALIZED (SELECT DISTINCT unnest($3::text[]) AS id),
       done AS (
         SELECT k.id FROM locked k
          WHERE k.id IS DISTINCT FROM $2
            AND NOT EXISTS (SELECT 1 FROM picking.pick_lists WHERE order_ids @> ARRAY[k.id] AND status IN ('CREATED', 'IN_PROGRESS'))
            AND NOT EXISTS (SELECT 1 FROM picking.awaiting_recovery WHERE order_id = k.id)
            AND NOT EXISTS (SELECT 1 FROM picking.cancelled_orders WHERE order_id = k.id))
       INSERT INTO picking.orders_picked (order_id, picked_at) SELECT id, $4 FROM done ORDER BY id
       ON CONFLICT (order_id) DO NOTHING
       RETURNING order_id, (SELECT COALESCE(sum(l.picked), 0) FROM picking.pick_lines l WHERE l.order_id = orders_picked.order_id)::int AS units`,
      [q.awaiting?.pickLineId ?? null, q.awaiting?.orderId ?? null, [...q.orderIds], q.now],
    );
    return rows.map((r) => ({ orderId: r.order_id, units: r.units })).sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  },

  /**
   * The open lists holding the order take the most urgent priority of their orders (as known to picking); answers
   * the lists whose priority changed, with the one they had.
   */
  async reprioritiseOpenLists(db: Executor, orderId: string): Promise<{ id: string; siteId: string; waveId: string; from: number; to: number }[]> {
    return db.query(
      `WITH open AS (
         SELECT l.id, l.priority AS from_priority,
                COALESCE((SELECT min(p.priority) FROM picking.order_priorities p WHERE p.order_id = ANY(l.order_ids)), l.priority) AS to_priority
           FROM picking.pick_lists l
          WHERE l.order_ids @> ARRAY[$1::text] AND l.status IN ('CREATED', 'IN_PROGRESS')
          ORDER BY l.id FOR UPDATE)
       UPDATE picking.pick_lists l SET priority = o.to_priority, updated_at = now()
         FROM open o WHERE l.id = o.id AND o.to_priority <> o.from_priority
       RETURNING l.id, l.site_id AS "siteId", l.wave_id AS "waveId", o.from_priority AS "from", o.to_priority AS "to"`,
      [orderId],
    );
  },

  /** The units picked for each of `orderIds` over all their pick lines (an order with none answers 0). */
  async unitsPicked(db: Executor, orderIds: readonly string[]): Promise<{ orderId: string; units: number }[]> {
    if (orderIds.length === 0) return [];
    return db.query<{ orderId: string; units: number }>(
      `SELECT o.id AS "orderId", COALESCE((SELECT sum(picked) FROM picking.pick_lines WHERE order_id = o.id), 0)::int AS units
         FROM unnest($1::text[]) AS o(id) ORDER BY o.id`,
      [[...orderIds]],
    );
  },

  /**
   * Marks the order's picking done, once, when it is: no open list holds it, no short of it awaits recovery, it is not
   * cancelled. Answers whether this call marked it, and whether a line of it stayed short.
   */
  async markOrderPickedIfDone(db: Executor, orderId: string, now: Date): Promise<{ marked: boolean; short: boolean }> {
    const rows = await db.query<{ marked: boolean; short: boolean }>(
      `WITH done AS (
         SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM picking.pick_lists WHERE order_ids @> ARRAY[$1::text] AND status IN ('CREATED', 'IN_PROGRESS'))
                    AND NOT EXISTS (SELECT 1 FROM picking.awaiting_recovery WHERE order_id = $1)
                    AND NOT EXISTS (SELECT 1 FROM picking.cancelled_orders WHERE order_id = $1)),
       ins AS (
         INSERT INTO picking.orders_picked (order_id, picked_at) SELECT $1, $2 FROM done ON CONFLICT (order_id) DO NOTHING RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM ins) AS marked,
              EXISTS (SELECT 1 FROM picking.pick_lines WHERE order_id = $1 AND status = 'SHORT') AS short`,
      [orderId, now],
    );
    return rows[0] ?? { marked: false, short: false };
  },
};
