import { eventCtes } from '../../platform/bus/event-bus.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import type { Executor } from '../../platform/db/database.ts';
import { holderAliveSql } from '../../platform/db/liveness.ts';
import { columnList, type Camelized, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { PackageStatus, PackWorkState, ShipmentStatus, ShippingStopped } from '../../contracts/pack-ship.ts';
import type { Address, Parcel } from './domain/carrier.ts';
import type { Carton } from './domain/carton-chooser.ts';
import type {
  PackShipCarrierCalls, PackShipCartons, PackShipManifests, PackShipOrderLines, PackShipOrders, PackShipPackages, PackShipShipments, PackShipSiteSettings,
  PackShipToteUnits,
} from './db-types.ts';

export interface PackOrder {
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string | null;
  readonly pickingStatus: 'COMPLETED' | 'PARTIAL' | null;
  /** Set once shipping was stopped for the order's cancellation: nothing more is packed, labelled or dispatched. */
  readonly cancelledAt: string | null;
  /** From orders.order.received; null for orders received before issue 13. */
  readonly shipTo: Address | null;
  readonly externalId: string | null;
  /** The order's owner (3PL client) from orders.order.received; null for the default owner (or heard of before it was kept). */
  readonly ownerId: string | null;
  /**
   * Until when a cancel's pending stop (PackShipApi.reserveStop) holds the order's packs, bookings, dispatches and dock
   * scans back ("try again"); null when none was recorded. Past it, it holds nothing (a lease).
   */
  readonly stopPendingUntil: string | null;
}

export interface PackOrderLine {
  readonly lineId: string;
  readonly sku: string;
  readonly ordered: number;
  readonly picked: number;
  readonly packed: number;
  readonly shipped: number;
}

export interface PackageLine {
  readonly lineId: string;
  readonly sku: string;
  readonly quantity: number;
}

export interface Package {
  readonly id: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly cartonCode: string;
  readonly weightG: number;
  readonly status: PackageStatus;
  readonly shipmentId: string | null;
  readonly createdAt: string;
  readonly packedAt: string | null;
  readonly lines: readonly PackageLine[];
  /** SSCC-18, given when the package is sealed (or packed with POST /packages). */
  readonly sscc: string | null;
  /** Items + carton tare, from the catalog, when the pack station sealed it. */
  readonly expectedWeightG: number | null;
  /** What the pack station's scale read. */
  readonly weighedG: number | null;
  readonly toteId: string | null;
}

export interface Shipment {
  readonly id: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly trackingNumber: string | null;
  readonly labelZpl: string | null;
  readonly status: ShipmentStatus;
  readonly createdAt: string;
  readonly labelledAt: string | null;
  readonly dispatchedAt: string | null;
  readonly packageIds: readonly string[];
  readonly service: string;
  readonly price: number | null;
  readonly currency: string | null;
  readonly manifestId: string | null;
  readonly voidedAt: string | null;
  readonly deliveredAt: string | null;
}

export interface SiteSettings {
  readonly siteId: string;
  readonly weightTolerancePct: number;
  readonly shipFrom: Address | null;
}

export interface Manifest {
  readonly id: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly day: string;
  readonly closedAt: string;
  readonly data: ManifestRecord;
  /** Shipments of the manifest voided after it closed and before dispatch (their order cancelled): they are not handed over. */
  readonly withdrawn: readonly ManifestWithdrawal[];
}

export interface ManifestWithdrawal {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly trackingNumber: string;
  readonly voidedAt: string;
}

/** The manifest's data as handed to the carrier (also the JSON of `GET /manifests/{id}`). */
export interface ManifestRecord {
  readonly shipments: readonly {
    readonly shipmentId: string; readonly orderId: string; readonly service: string; readonly trackingNumber: string;
    readonly packages: readonly { readonly packageId: string; readonly sscc: string | null; readonly weightG: number }[];
    readonly weightG: number; readonly shipTo: Address | null;
  }[];
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

const toShipment = (r: ShipmentRow, packageIds: readonly string[]): Shipment => ({
  id: r.id, orderId: r.order_id, siteId: r.site_id, carrier: r.carrier, trackingNumber: r.tracking_number, labelZpl: r.label_zpl,
  status: r.status, createdAt: r.created_at.toISOString(), labelledAt: iso(r.labelled_at), dispatchedAt: iso(r.dispatched_at), packageIds,
  service: r.service, price: r.price === null ? null : Number(r.price), currency: r.currency, manifestId: r.manifest_id,
  voidedAt: iso(r.voided_at), deliveredAt: iso(r.delivered_at),
});

const CARTON_COLUMN_NAMES = ['code', 'description', 'inner_length_mm', 'inner_width_mm', 'inner_height_mm', 'max_weight_g', 'tare_g', 'cost', 'active'] as const;
const CARTON_COLUMNS = columnList(CARTON_COLUMN_NAMES);
type CartonRow = Pick<Selectable<PackShipCartons>, (typeof CARTON_COLUMN_NAMES)[number]>;
const toCarton = (r: CartonRow): CartonRecord => ({
  code: r.code, description: r.description, innerLengthMm: r.inner_length_mm, innerWidthMm: r.inner_width_mm,
  innerHeightMm: r.inner_height_mm, maxWeightG: r.max_weight_g, tareG: r.tare_g, cost: Number(r.cost), active: r.active,
});

/** A carton of the catalogue with its active flag (ADR 0045); the chooser sees only active ones. */
export type CartonRecord = Carton & { readonly active: boolean };
/** The fields of a carton a PATCH may change: all but its code (its key). */
export type CartonFields = Omit<Carton, 'code'>;

const PACKAGE_COLUMN_NAMES = [
  'id', 'order_id', 'site_id', 'carton_code', 'weight_g', 'status', 'shipment_id', 'created_at', 'packed_at', 'sscc', 'expected_weight_g', 'weighed_g', 'tote_id',
] as const;
type PackageRow = Narrowed<Pick<Selectable<PackShipPackages>, (typeof PACKAGE_COLUMN_NAMES)[number]>, { status: PackageStatus }>;
const SHIPMENT_COLUMN_NAMES = [
  'id', 'order_id', 'site_id', 'carrier', 'tracking_number', 'label_zpl', 'status', 'created_at', 'labelled_at', 'dispatched_at',
  'service', 'price', 'currency', 'manifest_id', 'voided_at', 'delivered_at',
] as const;
type ShipmentRow = Narrowed<Pick<Selectable<PackShipShipments>, (typeof SHIPMENT_COLUMN_NAMES)[number]>, { status: ShipmentStatus }>;
const SHIPMENT_COLUMNS_S = columnList(SHIPMENT_COLUMN_NAMES, 's');
/** Units of the order line `ol` (of the order $1) scanned into OPEN packages, not yet counted as packed. */
const SCANNED_OF_OL = `COALESCE((SELECT sum(pl.quantity) FROM pack_ship.package_lines pl JOIN pack_ship.packages p ON p.id = pl.package_id
  WHERE p.order_id = $1 AND p.status = 'OPEN' AND pl.line_id = ol.line_id), 0)::int4`;
const PACKAGE_COLUMNS_P = columnList(PACKAGE_COLUMN_NAMES, 'p');
/** A package's lines with units, by line id, as a json array (the package aliased `p`). */
const PACKAGE_LINES_JSON = `COALESCE((SELECT json_agg(json_build_object('lineId', pl.line_id, 'sku', pl.sku, 'quantity', pl.quantity) ORDER BY pl.line_id)
  FROM pack_ship.package_lines pl WHERE pl.package_id = p.id AND pl.quantity > 0), '[]'::json)`;
const PACKAGE_LINES_OF_P = `${PACKAGE_LINES_JSON} AS lines`;
type PackageWithLinesRow = PackageRow & { lines: PackageLine[] };
const toPackage = (r: PackageWithLinesRow): Package => ({
  id: r.id, orderId: r.order_id, siteId: r.site_id, cartonCode: r.carton_code, weightG: r.weight_g, status: r.status,
  shipmentId: r.shipment_id, createdAt: r.created_at.toISOString(), packedAt: iso(r.packed_at), lines: r.lines,
  sscc: r.sscc, expectedWeightG: r.expected_weight_g, weighedG: r.weighed_g, toteId: r.tote_id,
});
type OrderRow = Narrowed<Pick<Selectable<PackShipOrders>, 'order_id' | 'site_id' | 'carrier' | 'picking_status' | 'cancelled_at' | 'ship_to' | 'external_id' | 'owner_id' | 'stop_pending_until'>, {
  picking_status: PackOrder['pickingStatus'];
  ship_to: Address | null;
}>;
type SettingsRow = Narrowed<Pick<Selectable<PackShipSiteSettings>, 'site_id' | 'weight_tolerance_pct' | 'ship_from'>, { ship_from: Address | null }>;
type ManifestRow = Narrowed<Pick<Selectable<PackShipManifests>, 'id' | 'site_id' | 'carrier' | 'day' | 'closed_at' | 'data'>, { data: ManifestRecord }>;
const toManifest = (r: ManifestRow, withdrawn: readonly ManifestWithdrawal[]): Manifest => ({
  // pg reads a date as local midnight: its local parts are the day.
  id: r.id, siteId: r.site_id, carrier: r.carrier,
  day: `${r.day.getFullYear()}-${String(r.day.getMonth() + 1).padStart(2, '0')}-${String(r.day.getDate()).padStart(2, '0')}`, closedAt: r.closed_at.toISOString(), data: r.data,
  withdrawn,
});

/** The shipments of these manifests voided since they closed (an order cancelled before dispatch), per manifest. */
async function withdrawals(db: Executor, manifestIds: readonly string[]): Promise<Map<string, ManifestWithdrawal[]>> {
  const out = new Map<string, ManifestWithdrawal[]>();
  if (manifestIds.length === 0) return out;
  const rows = await db.query<{ manifest_id: string; id: string; order_id: string; tracking_number: string | null; voided_at: Date }>(
    `SELECT manifest_id, id, order_id, tracking_number, voided_at FROM pack_ship.shipments
      WHERE manifest_id = ANY($1::text[]) AND status = 'CANCELLED' AND voided_at IS NOT NULL ORDER BY voided_at, id`, [[...manifestIds]],
  );
  for (const r of rows) {
    const list = out.get(r.manifest_id) ?? [];
    list.push({ shipmentId: r.id, orderId: r.order_id, trackingNumber: r.tracking_number ?? '', voidedAt: r.voided_at.toISOString() });
    out.set(r.manifest_id, list);
  }
  return out;
}

const toPackOrder = (r: OrderRow): PackOrder => ({
  orderId: r.order_id, siteId: r.site_id, carrier: r.carrier, pickingStatus: r.picking_status, cancelledAt: iso(r.cancelled_at),
  shipTo: r.ship_to, externalId: r.external_id, ownerId: r.owner_id, stopPendingUntil: iso(r.stop_pending_until),
});

/** What a booking with a remote carrier sends it and books, kept with the call to ask again as asked (ADR 0056). */
export interface BookingRequest {
  readonly shipFrom: Address;
  readonly shipTo: Address | null;
  readonly parcels: readonly Parcel[];
  readonly packageIds: readonly string[];
  readonly price: number | null;
  readonly currency: string | null;
}

/** A carrier call owed (pack_ship.carrier_calls). */
export interface OwedBooking {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly service: string;
  readonly callKey: string;
  readonly request: BookingRequest;
  readonly state: 'OWED' | 'DONE' | 'FAILED';
  readonly wanted: boolean;
  readonly leasedUntil: Date | null;
  readonly attempts: number;
  readonly createdAt: string;
}

const CARRIER_CALL_COLUMN_NAMES = [
  'shipment_id', 'order_id', 'site_id', 'carrier', 'service', 'call_key', 'request', 'state', 'wanted', 'leased_until', 'attempts', 'created_at',
] as const;
/**
 * A lease is held while its time is not up and its holder (`leased_by`, a process's liveness lock) is alive (ADR 0056
 * addendum cancel6): the lease of a process that died is free at once. `alias`: the table's alias with its dot.
 */
const leaseHeldByLiveSql = (alias = ''): string => `(${alias}leased_by IS NULL OR ${holderAliveSql(`${alias}leased_by`)})`;
/** A lease that can be taken: none, its time up, or its holder dead. `$now` is the statement's parameter for now. */
const leaseFreeSql = (now: string, alias = ''): string => `(${alias}leased_until IS NULL OR ${alias}leased_until <= ${now} OR NOT ${leaseHeldByLiveSql(alias)})`;
/** The columns read: `leased_until` NULL when its holder is dead (nothing asks under it any more). */
const CARRIER_CALL_COLUMNS = columnList(CARRIER_CALL_COLUMN_NAMES)
  .replace('leased_until', `CASE WHEN ${leaseHeldByLiveSql()} THEN leased_until END AS leased_until`);
type CarrierCallRow = Narrowed<Pick<Selectable<PackShipCarrierCalls>, (typeof CARRIER_CALL_COLUMN_NAMES)[number]>, { request: BookingRequest; state: OwedBooking['state'] }>;
const toOwedBooking = (r: CarrierCallRow): OwedBooking => ({
  shipmentId: r.shipment_id, orderId: r.order_id, siteId: r.site_id, carrier: r.carrier, service: r.service, callKey: r.call_key, request: r.request,
  state: r.state, wanted: r.wanted, leasedUntil: r.leased_until, attempts: r.attempts, createdAt: r.created_at.toISOString(),
});

/** The database sequences tracking numbers are drawn from: the own fleet's, and the rate-table carriers' range. */
export const TRACKING_SEQUENCES = { ownFleet: 'tracking_number_seq', rateTable: 'carrier_tracking_seq' } as const;
export type TrackingSequence = keyof typeof TRACKING_SEQUENCES;

/** SQL of the pack_ship schema. */
export const packStore = {
  // --- projections -------------------------------------------------------------------------------------------
  async orderReceived(db: Executor, o: {
    orderId: string; siteId: string; carrier: string; externalId: string; shipTo: Address | null; ownerId: string | null; priority: number;
    shipComplete?: boolean;
    lines: readonly { lineId: string; sku: string; quantity: number }[];
  }): Promise<void> {
    // A priority heard since (`orders.order.reprioritised`, on another subject's stream maybe first) is kept. One
    // statement (two until 2026-12-06, issue 18 a): the order's row first, then its lines, which wait for it (the
    // count of its CTE's row, a one-time filter evaluated before their first row), as the two statements did.
    await db.query(
      `WITH o AS (
         INSERT INTO pack_ship.orders (order_id, site_id, carrier, external_id, ship_to, owner_id, priority, ship_complete) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (order_id) DO UPDATE SET site_id = EXCLUDED.site_id, carrier = EXCLUDED.carrier, external_id = EXCLUDED.external_id,
           ship_to = EXCLUDED.ship_to, owner_id = EXCLUDED.owner_id, priority = COALESCE(orders.priority, EXCLUDED.priority), ship_complete = EXCLUDED.ship_complete
         RETURNING 1)
       INSERT INTO pack_ship.order_lines (order_id, line_id, sku, ordered)
       SELECT $1, l->>'lineId', l->>'sku', (l->>'quantity')::int FROM jsonb_array_elements($9::jsonb) l WHERE (SELECT count(*) FROM o) >= 0
       ON CONFLICT (order_id, line_id) DO UPDATE SET ordered = EXCLUDED.ordered, sku = EXCLUDED.sku`,
      [o.orderId, o.siteId, o.carrier, o.externalId, o.shipTo === null ? null : JSON.stringify(o.shipTo), o.ownerId, o.priority, o.shipComplete ?? false,
        JSON.stringify(o.lines)],
    );
  },

  /**
   * An order's lines changed before it was waved (`orders.order.lines-changed`, ADR 0046): nothing of it was picked,
   * so its lines are replaced by the new ones, and its ship-to too.
   */
  async linesChanged(db: Executor, o: {
    orderId: string; siteId: string; carrier: string; externalId: string; shipTo: Address; ownerId: string | null; priority: number;
    lines: readonly { lineId: string; sku: string; quantity: number }[];
  }): Promise<void> {
    await db.query(`DELETE FROM pack_ship.order_lines WHERE order_id = $1 AND picked = 0`, [o.orderId]);
    await packStore.orderReceived(db, o);
  },

  /** An order's new priority (`orders.order.reprioritised`); the order row may not be known yet. */
  async priorityChanged(db: Executor, o: { orderId: string; siteId: string; priority: number }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.orders (order_id, site_id, priority) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO UPDATE SET priority = EXCLUDED.priority`,
      [o.orderId, o.siteId, o.priority],
    );
  },

  /** An order's new ship-to (`orders.order.updated`); the order row may not be known yet (events of other streams). */
  async shipToChanged(db: Executor, o: { orderId: string; siteId: string; shipTo: Address }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.orders (order_id, site_id, ship_to) VALUES ($1, $2, $3) ON CONFLICT (order_id) DO UPDATE SET ship_to = EXCLUDED.ship_to`,
      [o.orderId, o.siteId, JSON.stringify(o.shipTo)],
    );
  },

  /**
   * Picked units arrive per pick confirmation; the order row may not be known yet (events of other streams). A run of
   * confirmations is ONE statement whatever its size (ADR 0043; three until 2026-12-06): quantities summed per row,
   * rows written in key order, the tables in the order they always were (orders, tote units, lines): each insert
   * waits for the one before it to finish (the count of its CTE's rows, a one-time filter evaluated before its first row).
   */
  async addPicked(db: Executor, picks: readonly { orderId: string; siteId: string; lineId: string; sku: string; quantity: number; toteId?: string }[]): Promise<void> {
    if (picks.length === 0) return;
    await db.query(
      `WITH o AS (
         INSERT INTO pack_ship.orders (order_id, site_id)
         SELECT DISTINCT ON (x->>'orderId') x->>'orderId', x->>'siteId' FROM jsonb_array_elements($1::jsonb) x ORDER BY x->>'orderId'
         ON CONFLICT (order_id) DO NOTHING RETURNING 1),
       t AS (
         INSERT INTO pack_ship.tote_units (order_id, line_id, tote_id, sku, quantity)
         SELECT x->>'orderId', x->>'lineId', x->>'toteId', min(x->>'sku'), sum((x->>'quantity')::int4) FROM jsonb_array_elements($1::jsonb) x
          WHERE x->>'toteId' IS NOT NULL AND (SELECT count(*) FROM o) >= 0 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
         ON CONFLICT (order_id, line_id, tote_id) DO UPDATE SET quantity = tote_units.quantity + EXCLUDED.quantity RETURNING 1)
       INSERT INTO pack_ship.order_lines (order_id, line_id, sku, picked)
       SELECT x->>'orderId', x->>'lineId', min(x->>'sku'), sum((x->>'quantity')::int4) FROM jsonb_array_elements($1::jsonb) x
        WHERE (SELECT count(*) FROM t) >= 0 GROUP BY 1, 2 ORDER BY 1, 2
       ON CONFLICT (order_id, line_id) DO UPDATE SET picked = order_lines.picked + EXCLUDED.picked`,
      [JSON.stringify(picks)],
    );
  },

  /**
   * Records that the order's picking is done with `status`. True when this set the status or changed it on an order
   * whose shipping was not stopped: the caller announces the order ready to pack. A repeat of the same status writes
   * nothing and answers false, so the announcement is made once.
   */
  async pickingDone(db: Executor, orderId: string, siteId: string, status: 'COMPLETED' | 'PARTIAL', now: Date): Promise<{ announce: boolean; packed: boolean; round: number; priority: number | null }> {
    // The row as this write left it: whether it was packed (then `reopenPacking` decides the next round) and its round
    // otherwise (the announcement's), so an order not packed yet needs no read of its own (issue 18 a, 2026-12-05).
    const rows = await db.query<{ announce: boolean; packed: boolean; pack_round: number; priority: number | null }>(
      `INSERT INTO pack_ship.orders (order_id, site_id, picking_status, ready_to_pack_at, ready_announced_at) VALUES ($1, $2, $3, $4, $4)
       ON CONFLICT (order_id) DO UPDATE SET picking_status = EXCLUDED.picking_status, ready_to_pack_at = EXCLUDED.ready_to_pack_at,
         ready_announced_at = EXCLUDED.ready_announced_at
        WHERE orders.picking_status IS DISTINCT FROM EXCLUDED.picking_status
       RETURNING cancelled_at IS NULL AS announce, packed_at IS NOT NULL AS packed, pack_round, priority`,
      [orderId, siteId, status, now],
    );
    const r = rows[0];
    return { announce: r?.announce === true, packed: r?.packed === true, round: r?.pack_round ?? 1, priority: r?.priority ?? null };
  },

  /**
   * Up to `limit` orders whose picking is done but which were never announced ready to pack (their picking ended
   * before ADR 0049), marked announced now, with the units heard picked; locked, so two runs never announce one twice.
   */
  async claimUnannounced(db: Executor, now: Date, limit: number): Promise<{ orderId: string; siteId: string; status: 'COMPLETED' | 'PARTIAL'; unitsPicked: number; round: number; priority: number | null }[]> {
    const rows = await db.query<{ order_id: string; site_id: string; picking_status: 'COMPLETED' | 'PARTIAL'; open: boolean; units_picked: number; pack_round: number; priority: number | null }>(
      `WITH due AS (
         SELECT order_id FROM pack_ship.orders WHERE picking_status IS NOT NULL AND ready_announced_at IS NULL
          ORDER BY order_id LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE pack_ship.orders o SET ready_announced_at = $1 FROM due WHERE o.order_id = due.order_id
       RETURNING o.order_id, o.site_id, o.picking_status, o.cancelled_at IS NULL AND o.packed_at IS NULL AS open, o.pack_round, o.priority,
         (SELECT coalesce(sum(l.picked + l.short_at_pack), 0)::int4 FROM pack_ship.order_lines l WHERE l.order_id = o.order_id) AS units_picked`,
      [now, limit],
    );
    return rows.filter((r) => r.open).map((r) => ({ orderId: r.order_id, siteId: r.site_id, status: r.picking_status, unitsPicked: r.units_picked, round: r.pack_round, priority: r.priority }));
  },

  // --- orders ------------------------------------------------------------------------------------------------
  /** Marks the order packed unless it already is; its packing round when this call marked it (the caller then announces it). */
  async markPacked(db: Executor, orderId: string, now: Date): Promise<number | undefined> {
    const rows = await db.query<{ pack_round: number }>(
      `UPDATE pack_ship.orders SET packed_at = $2 WHERE order_id = $1 AND packed_at IS NULL AND cancelled_at IS NULL RETURNING pack_round`, [orderId, now],
    );
    return rows[0]?.pack_round;
  },

  /**
   * The order's packing, announced done, starts again (ADR 0035 addendum 2026-12-05): when it is packed (`packed_at`),
   * its picking done, its shipping not stopped and a line has picked units not packed (a packed package was repacked),
   * `packed_at` is cleared, the round moves on and the order is ready to pack since `now` (`ready_to_pack_at`: this
   * round's, not the first's; ADR 0049 addendum 2026-12-04). Answers the new round with what the announcement says, or
   * undefined when the order's packing was not done (its round still runs: nothing to announce).
   */
  async reopenPacking(db: Executor, orderId: string, now: Date): Promise<{ siteId: string; status: 'COMPLETED' | 'PARTIAL'; round: number; unitsPicked: number; priority: number | null } | undefined> {
    const rows = await db.query<{ site_id: string; picking_status: 'COMPLETED' | 'PARTIAL'; pack_round: number; units_picked: number; priority: number | null }>(
      `UPDATE pack_ship.orders o SET packed_at = NULL, pack_round = o.pack_round + 1, ready_to_pack_at = $2
        WHERE o.order_id = $1 AND o.packed_at IS NOT NULL AND o.cancelled_at IS NULL AND o.picking_status IS NOT NULL
          AND EXISTS (SELECT 1 FROM pack_ship.order_lines l WHERE l.order_id = o.order_id AND l.picked > l.packed)
       RETURNING o.site_id, o.picking_status, o.pack_round, o.priority,
         (SELECT coalesce(sum(l.picked + l.short_at_pack), 0)::int4 FROM pack_ship.order_lines l WHERE l.order_id = o.order_id) AS units_picked`,
      [orderId, now],
    );
    const r = rows[0];
    return r === undefined ? undefined : { siteId: r.site_id, status: r.picking_status, round: r.pack_round, unitsPicked: r.units_picked, priority: r.priority };
  },

  /**
   * Whether the order was packed and whether its shipping was stopped (undefined: no such order). Packed first wins:
   * an order packed, then cancelled, had its packing done (its events came in that order).
   */
  async packWorkState(db: Executor, orderId: string): Promise<PackWorkState | undefined> {
    const rows = await db.query<{ packed: boolean; cancelled: boolean }>(
      `SELECT packed_at IS NOT NULL AS packed, cancelled_at IS NOT NULL AS cancelled FROM pack_ship.orders WHERE order_id = $1`, [orderId],
    );
    const r = rows[0];
    if (r === undefined) return undefined;
    return r.packed ? 'DONE' : r.cancelled ? 'WITHDRAWN' : 'OPEN';
  },

  /** The orders among `orderIds` whose shipping was stopped (PackShipApi.stoppedOrders). */
  async stoppedOrders(db: Executor, orderIds: readonly string[]): Promise<string[]> {
    if (orderIds.length === 0) return [];
    const rows = await db.query<{ order_id: string }>(
      `SELECT order_id FROM pack_ship.orders WHERE order_id = ANY($1::text[]) AND cancelled_at IS NOT NULL ORDER BY order_id`, [[...orderIds]],
    );
    return rows.map((r) => r.order_id);
  },

  /** The SSCCs of these packages' labels: sealed packages whose label still stands (not repacked, not cancelled). */
  async packageSsccs(db: Executor, packageIds: readonly string[]): Promise<{ packageId: string; sscc: string }[]> {
    if (packageIds.length === 0) return [];
    const rows = await db.query<{ id: string; sscc: string }>(
      `SELECT id, sscc FROM pack_ship.packages
        WHERE id = ANY($1::text[]) AND sscc IS NOT NULL AND status NOT IN ('OPEN', 'REPACKED', 'CANCELLED') ORDER BY id`, [[...packageIds]],
    );
    return rows.map((r) => ({ packageId: r.id, sscc: r.sscc }));
  },

  async lockOrder(db: Executor, orderId: string, lock = true): Promise<PackOrder | undefined> {
    const rows = await db.query<OrderRow>(
      `SELECT order_id, site_id, carrier, picking_status, cancelled_at, ship_to, external_id, owner_id, stop_pending_until FROM pack_ship.orders WHERE order_id = $1${lock ? ' FOR UPDATE' : ''}`, [orderId],
    );
    return rows[0] === undefined ? undefined : toPackOrder(rows[0]);
  },

  /** The order of a shipment, its row locked (the shipment's order never changes); undefined with no such shipment or order. */
  async lockOrderOfShipment(db: Executor, shipmentId: string): Promise<PackOrder | undefined> {
    const rows = await db.query<OrderRow>(
      `SELECT order_id, site_id, carrier, picking_status, cancelled_at, ship_to, external_id, owner_id, stop_pending_until FROM pack_ship.orders
        WHERE order_id = (SELECT s.order_id FROM pack_ship.shipments s WHERE s.id = $1) FOR UPDATE`, [shipmentId],
    );
    return rows[0] === undefined ? undefined : toPackOrder(rows[0]);
  },

  /** The order's row locked, created as a bare tombstone when pack & ship has not heard of the order yet. */
  async lockOrCreateOrder(db: Executor, orderId: string, siteId: string): Promise<PackOrder> {
    await db.query(`INSERT INTO pack_ship.orders (order_id, site_id) VALUES ($1, $2) ON CONFLICT (order_id) DO NOTHING`, [orderId, siteId]);
    const order = await packStore.lockOrder(db, orderId);
    if (order === undefined) throw new Error(`pack-ship order ${orderId} vanished`);
    return order;
  },

  /**
   * Records a cancel's pending stop `stopId` until `until` (the order's row locked), beside any other cancel's still in
   * its lease at `now` (pack-ship migration 020): the lease is the latest of them.
   */
  async pendStop(db: Executor, orderId: string, stopId: string, until: Date, now: Date): Promise<void> {
    await db.query(
      `UPDATE pack_ship.orders SET
         stop_pending_ids = array_append(CASE WHEN stop_pending_until > $4 THEN coalesce(stop_pending_ids, '{}') ELSE '{}' END, $2),
         stop_pending_until = CASE WHEN stop_pending_until > $3 THEN stop_pending_until ELSE $3 END
        WHERE order_id = $1`,
      [orderId, stopId, until, now],
    );
  },

  /** Drops the pending stop `stopId` (the order's row locked); another cancel's, still pending, stays with its lease. */
  async dropPendingStop(db: Executor, orderId: string, stopId: string): Promise<void> {
    await db.query(
      `UPDATE pack_ship.orders SET
         stop_pending_ids = NULLIF(array_remove(stop_pending_ids, $2), '{}'),
         stop_pending_until = CASE WHEN cardinality(array_remove(stop_pending_ids, $2)) = 0 THEN NULL ELSE stop_pending_until END
        WHERE order_id = $1 AND $2 = ANY(stop_pending_ids)`,
      [orderId, stopId],
    );
  },

  /** Records the shipping-stopped announcement owed for a cancel decided but not announced yet (the order's row locked). */
  async oweStop(db: Executor, orderId: string, data: ShippingStopped): Promise<void> {
    await db.query(`UPDATE pack_ship.orders SET stop_owed = $2 WHERE order_id = $1`, [orderId, JSON.stringify(data)]);
  },

  /** Takes the announcement owed for the order, if any (its row locked by the caller): it is no longer owed. */
  async takeOwedStop(db: Executor, orderId: string): Promise<ShippingStopped | undefined> {
    const rows = await db.query<{ stop_owed: ShippingStopped }>(
      `UPDATE pack_ship.orders o SET stop_owed = NULL FROM pack_ship.orders old
        WHERE o.order_id = $1 AND old.order_id = o.order_id AND old.stop_owed IS NOT NULL RETURNING old.stop_owed`, [orderId],
    );
    return rows[0]?.stop_owed ?? undefined;
  },

  /** Orders whose cancel was decided before `before` and is still owed its announcement (the cancel-stops job). */
  async ordersOwedStops(db: Executor, before: Date, limit: number): Promise<string[]> {
    const rows = await db.query<{ order_id: string }>(
      `SELECT order_id FROM pack_ship.orders WHERE stop_owed IS NOT NULL AND cancelled_at < $1 ORDER BY cancelled_at, order_id LIMIT $2`, [before, limit],
    );
    return rows.map((r) => r.order_id);
  },

  /** A shipment of the order that has left (dispatched or later), if any. */
  async dispatchedShipmentOf(db: Executor, orderId: string): Promise<string | undefined> {
    const rows = await db.query<Pick<Selectable<PackShipShipments>, 'id'>>(
      `SELECT id FROM pack_ship.shipments WHERE order_id = $1 AND dispatched_at IS NOT NULL ORDER BY id LIMIT 1`, [orderId],
    );
    return rows[0]?.id;
  },

  /**
   * Claims the orders for a SHIP scan at the dock (PackShipApi.claimDockShip), their rows locked by the caller. A repeat
   * of the same claim changes nothing.
   */
  async claimDockShip(db: Executor, claimId: string, orderIds: readonly string[], packageIds: readonly string[], now: Date): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.dock_ship_claims (claim_id, order_id, claimed_at, package_ids) SELECT $1, o, $3, $4::text[] FROM unnest($2::text[]) AS o
        ON CONFLICT (claim_id, order_id) DO NOTHING`, [claimId, [...orderIds], now, [...packageIds]],
    );
  },

  /** The orders of a claim (locked by the caller when it settles it). */
  async dockShipClaimOrders(db: Executor, claimId: string): Promise<string[]> {
    const rows = await db.query<{ order_id: string }>(`SELECT order_id FROM pack_ship.dock_ship_claims WHERE claim_id = $1 ORDER BY order_id`, [claimId]);
    return rows.map((r) => r.order_id);
  },

  /** Settles a claim: shipped (kept, with the time), or dropped. Only an open claim changes. */
  async settleDockShip(db: Executor, claimId: string, shipped: boolean, now: Date): Promise<void> {
    if (shipped) await db.query(`UPDATE pack_ship.dock_ship_claims SET shipped_at = $2 WHERE claim_id = $1 AND shipped_at IS NULL`, [claimId, now]);
    else await db.query(`DELETE FROM pack_ship.dock_ship_claims WHERE claim_id = $1 AND shipped_at IS NULL`, [claimId]);
  },

  /** Where the order's SHIP scans at the dock stand: one shipped it, one is in flight, or none. */
  async dockShipOf(db: Executor, orderId: string): Promise<'SHIPPED' | 'IN_FLIGHT' | undefined> {
    const rows = await db.query<{ shipped: boolean }>(
      `SELECT bool_or(shipped_at IS NOT NULL) AS shipped FROM pack_ship.dock_ship_claims WHERE order_id = $1 HAVING count(*) > 0`, [orderId],
    );
    const r = rows[0];
    return r === undefined ? undefined : r.shipped ? 'SHIPPED' : 'IN_FLIGHT';
  },

  /** Where the SHIP scans at the dock that took the package's carton out stand: one shipped it, one is in flight, or none. */
  async dockShipOfPackage(db: Executor, orderId: string, packageId: string): Promise<'SHIPPED' | 'IN_FLIGHT' | undefined> {
    const rows = await db.query<{ shipped: boolean }>(
      `SELECT bool_or(shipped_at IS NOT NULL) AS shipped FROM pack_ship.dock_ship_claims WHERE order_id = $1 AND $2 = ANY(package_ids) HAVING count(*) > 0`,
      [orderId, packageId],
    );
    const r = rows[0];
    return r === undefined ? undefined : r.shipped ? 'SHIPPED' : 'IN_FLIGHT';
  },

  /** Whether a SHIP scan naming any of the packages is in flight at the dock (claimed, not settled). */
  async dockShipInFlight(db: Executor, orderId: string, packageIds: readonly string[]): Promise<boolean> {
    const rows = await db.query<{ n: number }>(
      `SELECT 1 AS n FROM pack_ship.dock_ship_claims WHERE order_id = $1 AND shipped_at IS NULL AND package_ids && $2::text[] LIMIT 1`, [orderId, [...packageIds]],
    );
    return rows.length > 0;
  },

  /**
   * The packages' cartons are taken back off the truck (their shipment's label voided before dispatch): the shipped
   * claims naming them name them no more, and a claim that then names no package of its order is dropped (the order is
   * no longer shipped at the dock: its cancel and repack are decided as at the bench). The order's row locked by the
   * caller. Claims made before they named packages (migration 018) are left as they are. Returns the packages a shipped
   * claim of the order named (those whose cartons a SHIP scan had loaded).
   */
  async unloadDockShip(db: Executor, orderId: string, packageIds: readonly string[]): Promise<string[]> {
    const claimed = await db.query<{ id: string }>(
      `SELECT DISTINCT x AS id FROM pack_ship.dock_ship_claims c, unnest(c.package_ids) AS x
        WHERE c.order_id = $1 AND c.shipped_at IS NOT NULL AND x = ANY ($2::text[]) ORDER BY x`,
      [orderId, [...packageIds]],
    );
    await db.query(
      `DELETE FROM pack_ship.dock_ship_claims c
        WHERE c.order_id = $1 AND c.shipped_at IS NOT NULL AND c.package_ids && $2::text[]
          AND NOT EXISTS (SELECT 1 FROM pack_ship.packages p WHERE p.id = ANY (c.package_ids) AND p.id <> ALL ($2::text[]) AND p.order_id = $1)`,
      [orderId, [...packageIds]],
    );
    await db.query(
      `UPDATE pack_ship.dock_ship_claims c SET package_ids = ARRAY(SELECT x FROM unnest(c.package_ids) AS x WHERE x <> ALL ($1::text[]) ORDER BY x)
        WHERE c.shipped_at IS NOT NULL AND c.package_ids && $1::text[]`,
      [[...packageIds]],
    );
    return claimed.map((r) => r.id);
  },

  /** Marks the order cancelled and voids its packages and shipments in the given statuses; returns what was voided. */
  async cancelOrder(
    db: Executor, orderId: string, reason: string | null, now: Date, voidable: { packages: readonly PackageStatus[]; shipments: readonly ShipmentStatus[] },
  ): Promise<{ packageIds: string[]; shipmentIds: string[] }> {
    // The stop decided: a pending one (a cancel's first phase) has nothing left to hold back.
    await db.query(
      `UPDATE pack_ship.orders SET cancelled_at = $2, cancel_reason = $3, stop_pending_ids = NULL, stop_pending_until = NULL WHERE order_id = $1 AND cancelled_at IS NULL`,
      [orderId, now, reason],
    );
    const shipments = await db.query<Pick<Selectable<PackShipShipments>, 'id'>>(
      // Its label is void from now (and voided with a remote carrier after the commit): voidedAt says when.
      `UPDATE pack_ship.shipments SET status = 'CANCELLED', voided_at = COALESCE(voided_at, $3) WHERE order_id = $1 AND status = ANY($2::text[]) RETURNING id`,
      [orderId, [...voidable.shipments], now],
    );
    const packages = await db.query<Pick<Selectable<PackShipPackages>, 'id'>>(
      `UPDATE pack_ship.packages SET status = 'CANCELLED' WHERE order_id = $1 AND status = ANY($2::text[]) RETURNING id`, [orderId, [...voidable.packages]],
    );
    return { packageIds: packages.map((p) => p.id).sort(), shipmentIds: shipments.map((s) => s.id).sort() };
  },

  /** A cancelled order's booked labels whose void with the carrier is owed from this commit (label-voids job). */
  async oweLabelVoids(db: Executor, shipmentIds: readonly string[]): Promise<void> {
    if (shipmentIds.length === 0) return;
    await db.query(`UPDATE pack_ship.shipments SET label_void = 'OWED' WHERE id = ANY($1::text[])`, [[...shipmentIds]]);
  },

  /**
   * Settles an owed label void: true when this call settled it (it was OWED), false when another did first. DONE from
   * FAILED too (a person's retry voided it).
   */
  async settleLabelVoid(db: Executor, shipmentId: string, to: 'DONE' | 'FAILED'): Promise<boolean> {
    const rows = await db.query<{ id: string }>(
      `UPDATE pack_ship.shipments SET label_void = $2 WHERE id = $1 AND label_void = ANY($3::text[]) RETURNING id`,
      [shipmentId, to, to === 'DONE' ? ['OWED', 'FAILED'] : ['OWED']],
    );
    return rows.length > 0;
  },

  /**
   * Owed label voids, oldest first: of shipments cancelled (or voided unrecorded, ADR 0056) before `before` (their first
   * attempt had its time), and of LABELLED shipments whose void was asked before `before` and never recorded
   * (`labelled`: the process stopped between the carrier's answer and the commit that records it).
   */
  async owedLabelVoids(db: Executor, before: Date, limit: number): Promise<{ id: string; orderId: string; siteId: string; carrier: string; trackingNumber: string; labelled: boolean }[]> {
    return db.query(
      `SELECT id, order_id AS "orderId", site_id AS "siteId", carrier, tracking_number AS "trackingNumber", status = 'LABELLED' AS labelled
         FROM pack_ship.shipments
        WHERE label_void = 'OWED' AND tracking_number IS NOT NULL
          AND ((status <> 'LABELLED' AND voided_at < $1) OR (status = 'LABELLED' AND void_asked_at < $1))
        ORDER BY COALESCE(voided_at, void_asked_at), id LIMIT $2`,
      [before, limit],
    );
  },

  /** A LABELLED shipment's label void asked of its carrier, owed from this commit (ADR 0056). */
  async askLabelVoid(db: Executor, id: string, now: Date, requestId: string | null = null): Promise<void> {
    await db.query(`UPDATE pack_ship.shipments SET label_void = 'OWED', void_asked_at = $2, void_request_id = $3 WHERE id = $1 AND status = 'LABELLED'`, [id, now, requestId]);
  },

  /** The carrier refused a LABELLED shipment's label void: nothing is owed, the label stays valid. */
  async dropLabelVoid(db: Executor, id: string): Promise<void> {
    await db.query(`UPDATE pack_ship.shipments SET label_void = NULL, void_asked_at = NULL, void_request_id = NULL WHERE id = $1 AND status = 'LABELLED' AND label_void = 'OWED'`, [id]);
  },

  // --- carrier calls owed (ADR 0056) ------------------------------------------------------------------------
  /** A booking with a remote carrier, owed from this commit, leased to the attempt that writes it until `leasedUntil`. */
  async oweBooking(db: Executor, c: Omit<OwedBooking, 'state' | 'wanted' | 'attempts'>, now: Date, requestId: string | null = null, holder: number | null = null): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.carrier_calls (shipment_id, kind, order_id, site_id, carrier, service, call_key, request, state, leased_until, attempts, created_at, request_id, leased_by)
       VALUES ($1, 'BOOK', $2, $3, $4, $5, $6, $7, 'OWED', $8, 1, $9, $10, $11)`,
      [c.shipmentId, c.orderId, c.siteId, c.carrier, c.service, c.callKey, JSON.stringify(c.request), c.leasedUntil, now, requestId, holder],
    );
  },

  /** The shipment a request's own booking of the order recorded (its call DONE), asked by that request (`requestId`). */
  async bookedForRequest(db: Executor, orderId: string, requestId: string): Promise<string | undefined> {
    const rows = await db.query<{ shipmentId: string }>(
      `SELECT shipment_id AS "shipmentId" FROM pack_ship.carrier_calls WHERE order_id = $1 AND request_id = $2 AND kind = 'BOOK' AND state = 'DONE'`, [orderId, requestId]);
    return rows[0]?.shipmentId;
  },

  /** Whether the shipment's label void that `requestId` asked was recorded (VOIDED). */
  async voidedForRequest(db: Executor, id: string, requestId: string): Promise<boolean> {
    return (await db.query(`SELECT 1 FROM pack_ship.shipments WHERE id = $1 AND void_request_id = $2 AND status = 'VOIDED'`, [id, requestId])).length > 0;
  },

  /** The order's owed, wanted booking, if any (one at most: carrier_calls_one_owed_booking_idx). */
  async owedBookingOf(db: Executor, orderId: string): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `SELECT ${CARRIER_CALL_COLUMNS} FROM pack_ship.carrier_calls WHERE order_id = $1 AND state = 'OWED' AND kind = 'BOOK' AND wanted`, [orderId],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /** The order's owed booking under `callKey` that a newer one superseded (`wanted` false), if any: the newest. */
  async supersededWithKey(db: Executor, orderId: string, callKey: string): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `SELECT ${CARRIER_CALL_COLUMNS} FROM pack_ship.carrier_calls
        WHERE order_id = $1 AND state = 'OWED' AND kind = 'BOOK' AND NOT wanted AND call_key = $2 ORDER BY created_at DESC LIMIT 1`, [orderId, callKey],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /**
   * The order's booking under `callKey` given up (FAILED: LABEL_BOOKING_UNSETTLED), if any: the newest. A booking asked
   * again with its key takes it over (exc9).
   */
  async failedWithKey(db: Executor, orderId: string, callKey: string): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `SELECT ${CARRIER_CALL_COLUMNS} FROM pack_ship.carrier_calls
        WHERE order_id = $1 AND state = 'FAILED' AND kind = 'BOOK' AND call_key = $2 ORDER BY created_at DESC LIMIT 1`, [orderId, callKey],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /**
   * A FAILED booking taken over by a request booking the order again with its key (the carrier answers one label for
   * both): OWED and wanted again as if asked now (its request as this one's, its attempts anew), leased to the request
   * (`holder`) until `until`, so its answer is recorded under its shipment id and its LABEL_BOOKING_UNSETTLED clears
   * (exc9). Undefined when it is no longer FAILED (a retry took it).
   */
  async takeOverFailedCall(db: Executor, shipmentId: string, c: { request: OwedBooking['request']; leasedUntil: Date | null },
    now: Date, requestId: string | null = null, holder: number | null = null): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `UPDATE pack_ship.carrier_calls c SET state = 'OWED', wanted = true, settled_at = NULL, request = $2, leased_until = $3, leased_by = $4,
              attempts = 1, created_at = $5, request_id = $6
        WHERE c.shipment_id = $1 AND c.state = 'FAILED' AND c.kind = 'BOOK' RETURNING ${columnList(CARRIER_CALL_COLUMN_NAMES, 'c')}`,
      [shipmentId, JSON.stringify(c.request), c.leasedUntil, holder, now, requestId],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /** A superseded owed booking wanted again, unless another booking of its order is owed and wanted: true when it is. */
  async rewantCall(db: Executor, shipmentId: string): Promise<boolean> {
    const rows = await db.query<{ shipment_id: string }>(
      `UPDATE pack_ship.carrier_calls c SET wanted = true
        WHERE c.shipment_id = $1 AND c.state = 'OWED' AND c.kind = 'BOOK' AND NOT c.wanted
          AND NOT EXISTS (SELECT 1 FROM pack_ship.carrier_calls o WHERE o.order_id = c.order_id AND o.kind = 'BOOK' AND o.state = 'OWED' AND o.wanted)
        RETURNING c.shipment_id`, [shipmentId],
    );
    return rows.length > 0;
  },

  /** A carrier call, its row locked when `lock` (the order's row is locked first). */
  async carrierCall(db: Executor, shipmentId: string, lock = false): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `SELECT ${CARRIER_CALL_COLUMNS} FROM pack_ship.carrier_calls WHERE shipment_id = $1${lock ? ' FOR UPDATE' : ''}`, [shipmentId],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /** Waits `ms` in the database: a request that waits for another attempt's carrier call between two looks at it. */
  async pause(db: Executor, ms: number): Promise<void> {
    await db.query(`SELECT pg_sleep($1::float8)`, [ms / 1000]);
  },

  /**
   * Leases an owed call whose lease is over (its time up, or its holder's process dead) to the caller, `holder` (its
   * liveness lock's id, null when it has none), one more attempt; false when another live attempt holds it or it is settled.
   */
  async leaseCall(db: Executor, shipmentId: string, now: Date, until: Date, holder: number | null = null): Promise<boolean> {
    const rows = await db.query<{ shipment_id: string }>(
      `UPDATE pack_ship.carrier_calls SET leased_until = $3, leased_by = $4, attempts = attempts + 1
        WHERE shipment_id = $1 AND state = 'OWED' AND ${leaseFreeSql('$2')} RETURNING shipment_id`,
      [shipmentId, now, until, holder],
    );
    return rows.length > 0;
  },

  /**
   * A request's own owed call the carrier refused (CARRIER_REFUSED_BOOKING): nothing was booked under its key, and a
   * request answered 4xx leaves nothing behind, so the call is forgotten (while still OWED).
   */
  async forgetCall(db: Executor, shipmentId: string): Promise<void> {
    await db.query(`DELETE FROM pack_ship.carrier_calls WHERE shipment_id = $1 AND state = 'OWED' AND kind = 'BOOK'`, [shipmentId]);
  },

  /**
   * The attempt that held the call (`holder`) ended without an answer: its lease is given back, with what the carrier
   * said — unless another attempt took it over meanwhile (this one's process lost its liveness lock): that one's stays.
   */
  async releaseCall(db: Executor, shipmentId: string, error: string, holder: number | null = null): Promise<void> {
    await db.query(
      `UPDATE pack_ship.carrier_calls SET leased_until = NULL, leased_by = NULL, last_error = $2 WHERE shipment_id = $1 AND state = 'OWED' AND leased_by IS NOT DISTINCT FROM $3`,
      [shipmentId, error, holder]);
  },

  /**
   * A FAILED booking asked once more (LABEL_BOOKING_UNSETTLED's retry): OWED again, leased to the caller until `until`,
   * one more attempt; `wanted` only while no other booking of the order is owed or was made after it (whatever the
   * carrier booked for it is then voided, not recorded). Undefined when it is not FAILED (another retry took it).
   */
  async reopenFailedCall(db: Executor, shipmentId: string, until: Date, holder: number | null = null): Promise<OwedBooking | undefined> {
    const rows = await db.query<CarrierCallRow>(
      `UPDATE pack_ship.carrier_calls c SET state = 'OWED', settled_at = NULL, leased_until = $2, leased_by = $3, attempts = c.attempts + 1,
              wanted = NOT EXISTS (SELECT 1 FROM pack_ship.carrier_calls o WHERE o.order_id = c.order_id AND o.kind = 'BOOK' AND o.shipment_id <> c.shipment_id
                                     AND ((o.state = 'OWED' AND o.wanted) OR o.created_at > c.created_at))
        WHERE c.shipment_id = $1 AND c.state = 'FAILED' AND c.kind = 'BOOK' RETURNING ${columnList(CARRIER_CALL_COLUMN_NAMES, 'c')}`,
      [shipmentId, until, holder],
    );
    return rows[0] === undefined ? undefined : toOwedBooking(rows[0]);
  },

  /** The other bookings of the order asked with the same carrier key after this one, newest first. */
  async laterCallsWithKey(db: Executor, call: { shipmentId: string; orderId: string; callKey: string; createdAt: string }): Promise<OwedBooking[]> {
    const rows = await db.query<CarrierCallRow>(
      `SELECT ${CARRIER_CALL_COLUMNS} FROM pack_ship.carrier_calls
        WHERE order_id = $1 AND kind = 'BOOK' AND call_key = $2 AND shipment_id <> $3 AND created_at >= $4 ORDER BY created_at DESC`,
      [call.orderId, call.callKey, call.shipmentId, call.createdAt],
    );
    return rows.map(toOwedBooking);
  },

  /** A newer booking of the order takes the place of this one: what the carrier booked for it is voided, not recorded. */
  async supersedeCall(db: Executor, shipmentId: string): Promise<void> {
    await db.query(`UPDATE pack_ship.carrier_calls SET wanted = false WHERE shipment_id = $1 AND state = 'OWED'`, [shipmentId]);
  },

  /** Settles an owed call: true when this call settled it (it was OWED). */
  async settleCall(db: Executor, shipmentId: string, to: 'DONE' | 'FAILED', now: Date, trackingNumber: string | null, error: string | null = null): Promise<boolean> {
    const rows = await db.query<{ shipment_id: string }>(
      `UPDATE pack_ship.carrier_calls SET state = $2, settled_at = $3, tracking_number = COALESCE($4, tracking_number), last_error = COALESCE($5, last_error), leased_until = NULL, leased_by = NULL
        WHERE shipment_id = $1 AND state = 'OWED' RETURNING shipment_id`,
      [shipmentId, to, now, trackingNumber, error],
    );
    return rows.length > 0;
  },

  /**
   * Owed calls no live attempt holds (a process stopped while asking, or the carrier did not answer), made before
   * `madeBefore`, oldest first, leased to the caller (`holder`) until `until` (one more attempt each); replicas running
   * the job side by side take different ones.
   */
  async claimOwedCalls(db: Executor, now: Date, madeBefore: Date, until: Date, limit: number, holder: number | null = null): Promise<OwedBooking[]> {
    const rows = await db.query<CarrierCallRow>(
      `WITH due AS (
         SELECT shipment_id FROM pack_ship.carrier_calls WHERE state = 'OWED' AND ${leaseFreeSql('$1')} AND created_at <= $2
          ORDER BY created_at, shipment_id LIMIT $4 FOR UPDATE SKIP LOCKED)
       UPDATE pack_ship.carrier_calls c SET leased_until = $3, leased_by = $5, attempts = c.attempts + 1 FROM due WHERE c.shipment_id = due.shipment_id
       RETURNING ${columnList(CARRIER_CALL_COLUMN_NAMES, 'c')}`,
      [now, madeBefore, until, limit, holder],
    );
    return rows.map(toOwedBooking).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  },

  /**
   * A booking the carrier made that can no longer be recorded as labelled (its order was cancelled, its packages
   * changed, a newer booking took its place): kept as a shipment with no packages, CANCELLED (with its order) or
   * VOIDED, whose label void is owed (label_void OWED; the label-voids job and LABEL_VOID_FAILED take it from there).
   */
  async insertUnrecordedBooking(
    db: Executor, s: { id: string; orderId: string; siteId: string; carrier: string; service: string; trackingNumber: string; price: number | null; currency: string | null },
    status: 'CANCELLED' | 'VOIDED', now: Date,
  ): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.shipments (id, order_id, site_id, carrier, status, created_at, tracking_number, labelled_at, service, price, currency, voided_at, label_void)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $8, $9, $10, $6, 'OWED')`,
      [s.id, s.orderId, s.siteId, s.carrier, status, now, s.trackingNumber, s.service, s.price, s.currency],
    );
  },

  /** The order's lines with the units of each scanned into OPEN packages (not yet counted as packed), in one statement. */
  async orderLinesWithScanned(db: Executor, orderId: string): Promise<(PackOrderLine & { scanned: number })[]> {
    return db.query<PackOrderLine & { scanned: number }>(
      `SELECT ol.line_id AS "lineId", ol.sku, ol.ordered, ol.picked, ol.packed, ol.shipped,
              ${SCANNED_OF_OL} AS scanned
         FROM pack_ship.order_lines ol WHERE ol.order_id = $1 ORDER BY ol.line_id`, [orderId],
    );
  },

  /** What packing an order reads, in one statement: its lines with their scanned units (as above) and the carton catalogue (as {@link cartons}). */
  /**
   * What packing an order needs, in one statement read under its row lock: its lines with the units scanned into open
   * packages, the carton catalogue, and the next SSCC serial when a unit is left to pack (`ssccSerial`; null when none
   * is: a sequence number drawn for a pack that is then refused is a gap, as with a rolled-back transaction).
   */
  async packable(db: Executor, orderId: string): Promise<{ lines: (PackOrderLine & { scanned: number })[]; cartons: CartonRecord[]; ssccSerial: number | null }> {
    const rows = await db.query<{ lines: (PackOrderLine & { scanned: number })[]; cartons: CartonRow[]; sscc_serial: string | null }>(
      `SELECT COALESCE((SELECT json_agg(json_build_object('lineId', ol.line_id, 'sku', ol.sku, 'ordered', ol.ordered, 'picked', ol.picked, 'packed', ol.packed,
                         'shipped', ol.shipped, 'scanned', ${SCANNED_OF_OL}) ORDER BY ol.line_id)
                         FROM pack_ship.order_lines ol WHERE ol.order_id = $1), '[]'::json) AS lines,
              COALESCE((SELECT json_agg(c ORDER BY c.inner_length_mm * c.inner_width_mm * c.inner_height_mm, c.code)
                         FROM (SELECT ${CARTON_COLUMNS} FROM pack_ship.cartons) c), '[]'::json) AS cartons,
              CASE WHEN EXISTS (SELECT 1 FROM pack_ship.order_lines ol WHERE ol.order_id = $1 AND ol.picked > ol.packed)
                   THEN nextval('pack_ship.sscc_serial_seq')::text END AS sscc_serial`,
      [orderId],
    );
    const r = rows[0]!;
    return { lines: r.lines, cartons: r.cartons.map(toCarton), ssccSerial: r.sscc_serial === null ? null : Number(r.sscc_serial) };
  },

  /**
   * Units of a line found missing or damaged at packing (POST /pack-station/shorts): taken off `picked` — what waits to
   * be packed and shipped — and counted in `short_at_pack`, when that many wait to be packed (picked, not packed, not
   * scanned into an open package). The line as it is now, or undefined when fewer wait (nothing written).
   */
  async shortAtPack(db: Executor, orderId: string, lineId: string, quantity: number): Promise<{ picked: number; shortAtPack: number } | undefined> {
    const rows = await db.query<{ picked: number; short_at_pack: number }>(
      `UPDATE pack_ship.order_lines ol SET picked = ol.picked - $3, short_at_pack = ol.short_at_pack + $3
        WHERE ol.order_id = $1 AND ol.line_id = $2 AND ol.picked - ol.packed - ${SCANNED_OF_OL} >= $3
        RETURNING ol.picked, ol.short_at_pack`,
      [orderId, lineId, quantity],
    );
    const r = rows[0];
    return r === undefined ? undefined : { picked: r.picked, shortAtPack: r.short_at_pack };
  },

  /**
   * The order's picking is open again (a shipComplete order's units shorted at packing are picked again, ADR 0024
   * addendum 2026-12-07): not bookable nor packed until picking says it is done, which announces it ready again, in
   * the same packing round: the round's PACK task stays the packer's (completing it while units are picked again is
   * 409 TASK_WORK_OPEN), so the re-picked units come back to it.
   */
  async pickingReopened(db: Executor, orderId: string): Promise<void> {
    await db.query(`UPDATE pack_ship.orders SET picking_status = NULL WHERE order_id = $1`, [orderId]);
  },

  /** Whether the order never ships partial (its shipComplete policy, as orders.order.received said). */
  async shipsComplete(db: Executor, orderId: string): Promise<boolean> {
    const rows = await db.query<{ ship_complete: boolean }>(`SELECT ship_complete FROM pack_ship.orders WHERE order_id = $1`, [orderId]);
    return rows[0]?.ship_complete ?? false;
  },

  /** Units of the order found missing or damaged at packing, all lines together. */
  async shortAtPackOf(db: Executor, orderId: string): Promise<number> {
    const rows = await db.query<{ n: number }>(`SELECT coalesce(sum(short_at_pack), 0)::int4 AS n FROM pack_ship.order_lines WHERE order_id = $1`, [orderId]);
    return rows[0]?.n ?? 0;
  },

  async orderLines(db: Executor, orderId: string): Promise<PackOrderLine[]> {
    return db.query<Camelized<Omit<Selectable<PackShipOrderLines>, 'order_id'>>>(
      `SELECT line_id AS "lineId", sku, ordered, picked, packed, shipped FROM pack_ship.order_lines WHERE order_id = $1 ORDER BY line_id`, [orderId],
    );
  },

  // --- cartons -----------------------------------------------------------------------------------------------
  /** The catalogue smallest first; `active` keeps active (true) or deactivated (false) cartons only. */
  async cartons(db: Executor, q: { active?: boolean | undefined } = {}): Promise<CartonRecord[]> {
    const rows = await db.query<CartonRow>(
      `SELECT ${CARTON_COLUMNS} FROM pack_ship.cartons WHERE ($1::boolean IS NULL OR active = $1)
       ORDER BY inner_length_mm * inner_width_mm * inner_height_mm, code`,
      [q.active ?? null],
    );
    return rows.map(toCarton);
  },

  async cartonForUpdate(db: Executor, code: string): Promise<CartonRecord | undefined> {
    const rows = await db.query<CartonRow>(`SELECT ${CARTON_COLUMNS} FROM pack_ship.cartons WHERE code = $1 FOR UPDATE`, [code]);
    return rows[0] === undefined ? undefined : toCarton(rows[0]);
  },

  /** Writes a carton's editable fields and active flag; the caller holds its row lock. */
  async updateCarton(db: Executor, code: string, f: CartonFields & { active: boolean }): Promise<CartonRecord> {
    const rows = await db.query<CartonRow>(
      `UPDATE pack_ship.cartons SET description = $2, inner_length_mm = $3, inner_width_mm = $4, inner_height_mm = $5, max_weight_g = $6, tare_g = $7,
         cost = $8, active = $9
       WHERE code = $1 RETURNING ${CARTON_COLUMNS}`,
      [code, f.description, f.innerLengthMm, f.innerWidthMm, f.innerHeightMm, f.maxWeightG, f.tareG, f.cost, f.active],
    );
    if (rows[0] === undefined) throw new Error(`carton ${code} vanished while locked`);
    return toCarton(rows[0]);
  },

  /**
   * The code of a carton that is `code` in another letter case (`box-s` for `BOX-S`): a new carton may not take it (ADR
   * 0007, addendum 2026-12-07). Cartons are few: read whole, under the caller's lock.
   */
  async cartonCodeAlike(db: Executor, code: string): Promise<string | undefined> {
    return (await db.query<{ code: string }>(`SELECT code FROM pack_ship.cartons WHERE upper(code) = upper($1) AND code <> $1 ORDER BY code LIMIT 1`, [code]))[0]?.code;
  },

  async insertCarton(db: Executor, c: Carton): Promise<CartonRecord | undefined> {
    const rows = await db.query<CartonRow>(
      `INSERT INTO pack_ship.cartons (code, description, inner_length_mm, inner_width_mm, inner_height_mm, max_weight_g, tare_g, cost)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (code) DO NOTHING RETURNING ${CARTON_COLUMNS}`,
      [c.code, c.description, c.innerLengthMm, c.innerWidthMm, c.innerHeightMm, c.maxWeightG, c.tareG, c.cost],
    );
    return rows[0] === undefined ? undefined : toCarton(rows[0]);
  },

  // --- packages ----------------------------------------------------------------------------------------------
  /** A package and its lines, in one statement. */
  async insertPackage(db: Executor, p: Omit<Package, 'shipmentId' | 'expectedWeightG' | 'weighedG'>): Promise<void> {
    await db.query(
      `WITH pkg AS (
         INSERT INTO pack_ship.packages (id, order_id, site_id, carton_code, weight_g, status, created_at, packed_at, sscc, tote_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
       )
       INSERT INTO pack_ship.package_lines (package_id, line_id, sku, quantity)
       SELECT pkg.id, l->>'lineId', l->>'sku', (l->>'quantity')::int FROM pkg, jsonb_array_elements($11::jsonb) l`,
      [p.id, p.orderId, p.siteId, p.cartonCode, p.weightG, p.status, p.createdAt, p.packedAt, p.sscc, p.toteId, JSON.stringify(p.lines)],
    );
  },

  async packages(
    db: Executor, where: { id?: string; orderId?: string; shipmentId?: string; shipmentIds?: readonly string[]; status?: PackageStatus; unshipped?: boolean }, lock = false,
  ): Promise<Package[]> {
    // The lines come with their package (one statement): read under the order's row lock, which every change of a
    // package's lines takes first, they are as fresh as the package rows.
    const rows = await db.query<PackageWithLinesRow>(
      `SELECT ${PACKAGE_COLUMNS_P}, ${PACKAGE_LINES_OF_P} FROM pack_ship.packages p
        WHERE ($1::text IS NULL OR p.id = $1) AND ($2::text IS NULL OR p.order_id = $2) AND ($3::text IS NULL OR p.shipment_id = $3)
          AND ($4::text IS NULL OR p.status = $4) AND (NOT $5 OR p.shipment_id IS NULL) AND ($6::text[] IS NULL OR p.shipment_id = ANY($6::text[]))
        ORDER BY p.id${lock ? ' FOR UPDATE' : ''}`,
      [where.id ?? null, where.orderId ?? null, where.shipmentId ?? null, where.status ?? null, where.unshipped ?? false, where.shipmentIds ?? null],
    );
    return rows.map(toPackage);
  },

  /**
   * What booking an order needs, in one statement, read under the order's row lock: its PACKED packages not on a
   * shipment (locked, with their lines, the status of a quality hold that keeps each from shipping and their carton's
   * inner size), the picked units not packed yet, and the site's ship-from; with `numbering`, the next number of that
   * tracking sequence (drawn once, when there is a package to book: a booking then refused leaves a gap, as a
   * rolled-back transaction does).
   */
  async shippable(db: Executor, orderId: string, siteId: string, numbering?: TrackingSequence): Promise<{
    packages: (Package & { hold: 'HELD' | 'SCRAPPED' | null; carton: { lengthMm: number; widthMm: number; heightMm: number } | null })[];
    unpacked: number; shipFrom: Address | null; trackingSerial: number | null; bookedBefore: number;
  }> {
    const rows = await db.query<PackageWithLinesRow & {
      hold: 'HELD' | 'SCRAPPED' | null; inner_length_mm: number | null; inner_width_mm: number | null; inner_height_mm: number | null;
      unpacked: number; ship_from: Address | null; tracking_serial: string | null; booked_before: number;
    }>(
      `SELECT ${PACKAGE_COLUMNS_P}, ${PACKAGE_LINES_OF_P}, h.status AS hold, c.inner_length_mm, c.inner_width_mm, c.inner_height_mm,
              (SELECT COALESCE(sum(GREATEST(0, ol.picked - ol.packed)), 0)::int4 FROM pack_ship.order_lines ol WHERE ol.order_id = $1) AS unpacked,
              (SELECT s.ship_from FROM pack_ship.site_settings s WHERE s.site_id = $2) AS ship_from,
              (SELECT count(*)::int4 FROM pack_ship.shipments s WHERE s.order_id = $1) AS booked_before,
              ${numbering === undefined ? 'NULL::text' : `(SELECT nextval('pack_ship.${TRACKING_SEQUENCES[numbering]}')::text)`} AS tracking_serial
         FROM pack_ship.packages p
         LEFT JOIN pack_ship.quality_holds h ON h.package_id = p.id AND h.status <> 'RELEASED'
         LEFT JOIN pack_ship.cartons c ON c.code = p.carton_code
        WHERE p.order_id = $1 AND p.status = 'PACKED' AND p.shipment_id IS NULL
        ORDER BY p.id FOR UPDATE OF p`,
      [orderId, siteId],
    );
    return {
      packages: rows.map((r) => ({
        ...toPackage(r), hold: r.hold,
        carton: r.inner_length_mm === null ? null : { lengthMm: r.inner_length_mm, widthMm: r.inner_width_mm ?? 0, heightMm: r.inner_height_mm ?? 0 },
      })),
      unpacked: rows[0]?.unpacked ?? 0, shipFrom: rows[0]?.ship_from ?? null,
      trackingSerial: rows[0]?.tracking_serial == null ? null : Number(rows[0].tracking_serial),
      bookedBefore: rows[0]?.booked_before ?? 0,
    };
  },

  /**
   * Why an order has no package to book (`POST /shipments` refused NOTHING_TO_SHIP), for the refusal to say what to do:
   * its cartons still OPEN (seal them), its packages booked already, and its picked units in no carton (pack them).
   */
  async unshippable(db: Executor, orderId: string): Promise<{ open: string[]; booked: number; unpacked: number }> {
    const rows = await db.query<{ open: string[]; booked: number; unpacked: number }>(
      `SELECT COALESCE((SELECT array_agg(p.id ORDER BY p.id) FROM pack_ship.packages p WHERE p.order_id = $1 AND p.status = 'OPEN'), '{}') AS open,
              (SELECT count(*)::int4 FROM pack_ship.packages p WHERE p.order_id = $1 AND p.shipment_id IS NOT NULL AND p.status <> 'REPACKED') AS booked,
              (SELECT COALESCE(sum(GREATEST(0, ol.picked - ol.packed)), 0)::int4 FROM pack_ship.order_lines ol WHERE ol.order_id = $1) AS unpacked`,
      [orderId],
    );
    return rows[0] ?? { open: [], booked: 0, unpacked: 0 };
  },

  /**
   * A shipment to dispatch, locked, with its packages (their status, lines and the status of a quality hold that keeps
   * each from shipping), in one statement read under the order's row lock (which every change of a shipment's packages
   * takes first but the manifest's LABELLED → MANIFESTED, which changes nothing dispatching decides).
   */
  async shipmentToDispatch(db: Executor, id: string): Promise<{ shipment: Shipment; voidOwed: boolean; packages: { id: string; status: PackageStatus; lines: PackageLine[]; hold: 'HELD' | 'SCRAPPED' | null }[] } | undefined> {
    const rows = await db.query<ShipmentRow & { void_owed: boolean; packages: { id: string; status: PackageStatus; lines: PackageLine[]; hold: 'HELD' | 'SCRAPPED' | null }[] }>(
      `SELECT ${SHIPMENT_COLUMNS_S}, s.label_void IS NOT DISTINCT FROM 'OWED' AS void_owed,
              COALESCE((SELECT json_agg(json_build_object('id', p.id, 'status', p.status, 'lines', ${PACKAGE_LINES_JSON}, 'hold', h.status) ORDER BY p.id)
                          FROM pack_ship.packages p LEFT JOIN pack_ship.quality_holds h ON h.package_id = p.id AND h.status <> 'RELEASED'
                         WHERE p.shipment_id = s.id), '[]'::json) AS packages
         FROM pack_ship.shipments s WHERE s.id = $1 FOR UPDATE`,
      [id],
    );
    const r = rows[0];
    return r === undefined ? undefined : { shipment: toShipment(r, r.packages.map((p) => p.id)), voidOwed: r.void_owed, packages: r.packages };
  },

  /**
   * The van left, in one statement: the shipment DISPATCHED, its packages SHIPPED, their units added to the lines'
   * shipped; answers the shipment as it is now.
   */
  /** With its events (`events`, written with the shipment's change: `eventCtes`); run it with `EventBus.writeWithEvents`. */
  async dispatch(db: Executor, id: string, now: Date, packageIds: readonly string[], orderId: string, lines: readonly PackageLine[], events: readonly EventEnvelope[]): Promise<Shipment> {
    const rows = await db.query<ShipmentRow>(
      `WITH shipped_packages AS (
         UPDATE pack_ship.packages SET status = 'SHIPPED' WHERE id = ANY($3::text[]) RETURNING id
       ), shipped_lines AS (
         UPDATE pack_ship.order_lines ol SET shipped = ol.shipped + (l->>'quantity')::int
           FROM jsonb_array_elements($5::jsonb) l
          WHERE ol.order_id = $4 AND ol.line_id = l->>'lineId'
         RETURNING ol.line_id
       ), d AS (
         UPDATE pack_ship.shipments s SET status = 'DISPATCHED', dispatched_at = $2 WHERE s.id = $1 RETURNING ${SHIPMENT_COLUMNS_S}
       ), ${eventCtes('$6::jsonb', 'd')}
       SELECT ${columnList(SHIPMENT_COLUMN_NAMES)} FROM d`,
      [id, now, packageIds, orderId, JSON.stringify(lines), JSON.stringify(events)],
    );
    if (rows[0] === undefined) throw new Error(`shipment ${id} vanished while locked`);
    return toShipment(rows[0], [...packageIds].sort());
  },

  /**
   * A package's units packed, in one statement: added to the order's lines' packed; whether every line is now packed
   * as far as it is picked; when so and picking is done, the order marked packed unless it was (true: this call marked
   * it, the caller announces it) with the ids of all its packages (the event's).
   */
  async recordPacked(db: Executor, orderId: string, lines: readonly PackageLine[], now: Date, pickingDone: boolean): Promise<{ complete: boolean; marked: boolean; round: number; packageIds: string[] }> {
    const rows = await db.query<{ complete: boolean; marked: boolean; round: number | null; package_ids: string[] }>(
      `WITH added AS (
         UPDATE pack_ship.order_lines ol SET packed = ol.packed + (l->>'quantity')::int
           FROM jsonb_array_elements($2::jsonb) l
          WHERE ol.order_id = $1 AND ol.line_id = l->>'lineId'
         RETURNING ol.line_id, ol.picked, ol.packed
       ), state AS (
         SELECT COALESCE(bool_and(COALESCE(a.packed, ol.packed) = COALESCE(a.picked, ol.picked)), true) AS complete
           FROM pack_ship.order_lines ol LEFT JOIN added a ON a.line_id = ol.line_id WHERE ol.order_id = $1
       ), marked AS (
         UPDATE pack_ship.orders SET packed_at = $3
          WHERE order_id = $1 AND $4::boolean AND (SELECT complete FROM state) AND packed_at IS NULL AND cancelled_at IS NULL
         RETURNING order_id, pack_round
       )
       SELECT (SELECT complete FROM state) AS complete, EXISTS (SELECT 1 FROM marked) AS marked, (SELECT pack_round FROM marked) AS round,
              CASE WHEN EXISTS (SELECT 1 FROM marked) THEN ARRAY(SELECT id FROM pack_ship.packages WHERE order_id = $1 ORDER BY id) ELSE '{}'::text[] END AS package_ids`,
      [orderId, JSON.stringify(lines), now, pickingDone],
    );
    const r = rows[0]!;
    return { complete: r.complete, marked: r.marked, round: r.round ?? 1, packageIds: r.package_ids };
  },

  // --- pack station ------------------------------------------------------------------------------------------
  /** Units of each order line scanned into OPEN packages (not yet counted as packed). */
  async scannedOpen(db: Executor, orderId: string): Promise<Map<string, number>> {
    const rows = await db.query<{ lineId: string; quantity: number }>(
      `SELECT pl.line_id AS "lineId", SUM(pl.quantity)::int AS quantity FROM pack_ship.package_lines pl
         JOIN pack_ship.packages p ON p.id = pl.package_id
        WHERE p.order_id = $1 AND p.status = 'OPEN' GROUP BY pl.line_id`, [orderId],
    );
    return new Map(rows.map((r) => [r.lineId, r.quantity]));
  },

  /** Orders with picked units in the tote, with how many units of each line went into it. */
  async toteUnits(db: Executor, toteId: string): Promise<Camelized<Omit<Selectable<PackShipToteUnits>, 'tote_id'>>[]> {
    return db.query(
      `SELECT order_id AS "orderId", line_id AS "lineId", sku, quantity FROM pack_ship.tote_units WHERE tote_id = $1 AND quantity > 0 ORDER BY order_id, line_id`, [toteId],
    );
  },

  async addScannedUnit(db: Executor, packageId: string, line: { lineId: string; sku: string }): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.package_lines (package_id, line_id, sku, quantity) VALUES ($1, $2, $3, 1)
       ON CONFLICT (package_id, line_id) DO UPDATE SET quantity = package_lines.quantity + 1`,
      [packageId, line.lineId, line.sku],
    );
  },

  async setCarton(db: Executor, packageId: string, cartonCode: string): Promise<void> {
    await db.query(`UPDATE pack_ship.packages SET carton_code = $2 WHERE id = $1`, [packageId, cartonCode]);
  },

  async setSscc(db: Executor, packageId: string, sscc: string): Promise<void> {
    await db.query(`UPDATE pack_ship.packages SET sscc = $2 WHERE id = $1 AND sscc IS NULL`, [packageId, sscc]);
  },

  async setWeighed(db: Executor, packageId: string, weighedG: number, expectedWeightG: number): Promise<void> {
    await db.query(`UPDATE pack_ship.packages SET weighed_g = $2, expected_weight_g = $3 WHERE id = $1`, [packageId, weighedG, expectedWeightG]);
  },

  async seal(db: Executor, packageId: string, sscc: string, weightG: number, now: Date): Promise<void> {
    await db.query(
      `UPDATE pack_ship.packages SET status = 'PACKED', sscc = $2, weight_g = $3, packed_at = $4, sealed_at = $4 WHERE id = $1 AND status = 'OPEN'`,
      [packageId, sscc, weightG, now],
    );
  },

  async markRepacked(db: Executor, packageId: string, now: Date): Promise<void> {
    await db.query(`UPDATE pack_ship.packages SET status = 'REPACKED', repacked_at = $2 WHERE id = $1`, [packageId, now]);
  },

  async removePacked(db: Executor, orderId: string, lines: readonly PackageLine[]): Promise<void> {
    await db.query(
      `UPDATE pack_ship.order_lines ol SET packed = ol.packed - (l->>'quantity')::int
         FROM jsonb_array_elements($2::jsonb) l
        WHERE ol.order_id = $1 AND ol.line_id = l->>'lineId'`,
      [orderId, JSON.stringify(lines)],
    );
  },

  async nextSsccSerial(db: Executor): Promise<number> {
    const rows = await db.query<{ n: string }>(`SELECT nextval('pack_ship.sscc_serial_seq')::text AS n`);
    return Number(rows[0]?.n ?? 0);
  },

  async nextCarrierTracking(db: Executor): Promise<number> {
    const rows = await db.query<{ n: string }>(`SELECT nextval('pack_ship.carrier_tracking_seq')::text AS n`);
    return Number(rows[0]?.n ?? 0);
  },

  // --- settings ----------------------------------------------------------------------------------------------
  async settings(db: Executor, siteId: string): Promise<SiteSettings | undefined> {
    const rows = await db.query<SettingsRow>(`SELECT site_id, weight_tolerance_pct, ship_from FROM pack_ship.site_settings WHERE site_id = $1`, [siteId]);
    const r = rows[0];
    return r === undefined ? undefined : { siteId: r.site_id, weightTolerancePct: Number(r.weight_tolerance_pct), shipFrom: r.ship_from };
  },

  async putSettings(db: Executor, s: SiteSettings, now: Date): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.site_settings (site_id, weight_tolerance_pct, ship_from, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (site_id) DO UPDATE SET weight_tolerance_pct = EXCLUDED.weight_tolerance_pct, ship_from = EXCLUDED.ship_from, updated_at = EXCLUDED.updated_at`,
      [s.siteId, s.weightTolerancePct, s.shipFrom === null ? null : JSON.stringify(s.shipFrom), now],
    );
  },

  // --- shipments ---------------------------------------------------------------------------------------------
  async nextTrackingNumber(db: Executor): Promise<number> {
    const rows = await db.query<{ n: number }>(`SELECT nextval('pack_ship.tracking_number_seq') AS n`);
    return rows[0]?.n ?? 0;
  },

  /**
   * A shipment booked and labelled at once (CREATED → LABELLED in one insert) with its packages LABELLED on it, in one
   * statement; answers it as stored.
   */
  /** With its events (`events`, written with the shipment: `eventCtes`); run it with `EventBus.writeWithEvents`. */
  async insertLabelledShipment(
    db: Executor, s: { id: string; orderId: string; siteId: string; carrier: string; now: Date },
    b: { trackingNumber: string; labelZpl: string; service: string; price: number | null; currency: string | null }, packageIds: readonly string[],
    events: readonly EventEnvelope[],
  ): Promise<Shipment> {
    const rows = await db.query<ShipmentRow>(
      `WITH labelled AS (UPDATE pack_ship.packages SET status = 'LABELLED', shipment_id = $1 WHERE id = ANY($11::text[]) RETURNING id), i AS (
         INSERT INTO pack_ship.shipments AS s (id, order_id, site_id, carrier, status, created_at, tracking_number, label_zpl, labelled_at, service, price, currency)
         VALUES ($1, $2, $3, $4, 'LABELLED', $5, $6, $7, $5, $8, $9, $10) RETURNING ${SHIPMENT_COLUMNS_S}
       ), ${eventCtes('$12::jsonb', 'i')}
       SELECT ${columnList(SHIPMENT_COLUMN_NAMES)} FROM i`,
      [s.id, s.orderId, s.siteId, s.carrier, s.now, b.trackingNumber, b.labelZpl, b.service, b.price, b.currency, packageIds, JSON.stringify(events)],
    );
    return toShipment(rows[0]!, packageIds);
  },

  /** The label is void: the shipment VOIDED, its packages PACKED again and free to be booked. */
  async voidShipment(db: Executor, id: string, now: Date): Promise<void> {
    await db.query(`UPDATE pack_ship.shipments SET status = 'VOIDED', voided_at = $2, label_void = CASE WHEN label_void = 'OWED' THEN 'DONE' ELSE label_void END WHERE id = $1`, [id, now]);
    await db.query(`UPDATE pack_ship.packages SET status = 'PACKED', shipment_id = NULL WHERE shipment_id = $1`, [id]);
  },

  // --- manifests ---------------------------------------------------------------------------------------------
  /** Labelled shipments of a carrier at a site not yet on a manifest, locked, oldest first. */
  async unmanifested(db: Executor, siteId: string, carrier: string): Promise<Shipment[]> {
    const rows = await db.query<ShipmentRow>(
      `SELECT ${columnList(SHIPMENT_COLUMN_NAMES)} FROM pack_ship.shipments
        WHERE site_id = $1 AND carrier = $2 AND status = 'LABELLED' AND manifest_id IS NULL AND label_void IS NULL ORDER BY id FOR UPDATE`, [siteId, carrier],
    );
    if (rows.length === 0) return [];
    const pkgs = await db.query<Pick<Selectable<PackShipPackages>, 'id' | 'shipment_id'>>(
      `SELECT id, shipment_id FROM pack_ship.packages WHERE shipment_id = ANY($1::text[]) ORDER BY id`, [rows.map((r) => r.id)],
    );
    return rows.map((r) => toShipment(r, pkgs.filter((p) => p.shipment_id === r.id).map((p) => p.id)));
  },

  async insertManifest(db: Executor, m: Manifest, shipmentIds: readonly string[]): Promise<void> {
    await db.query(
      `INSERT INTO pack_ship.manifests (id, site_id, carrier, day, closed_at, data) VALUES ($1, $2, $3, $4, $5, $6)`,
      [m.id, m.siteId, m.carrier, m.day, m.closedAt, JSON.stringify(m.data)],
    );
    await db.query(`UPDATE pack_ship.shipments SET manifest_id = $1 WHERE id = ANY($2::text[])`, [m.id, shipmentIds]);
    await db.query(`UPDATE pack_ship.packages SET status = 'MANIFESTED' WHERE shipment_id = ANY($1::text[]) AND status = 'LABELLED'`, [shipmentIds]);
  },

  async manifest(db: Executor, id: string): Promise<Manifest | undefined> {
    const rows = await db.query<ManifestRow>(`SELECT id, site_id, carrier, day, closed_at, data FROM pack_ship.manifests WHERE id = $1`, [id]);
    return rows[0] === undefined ? undefined : toManifest(rows[0], (await withdrawals(db, [id])).get(id) ?? []);
  },

  async manifests(db: Executor, siteId: string, day: string | null): Promise<Manifest[]> {
    const rows = await db.query<ManifestRow>(
      `SELECT id, site_id, carrier, day, closed_at, data FROM pack_ship.manifests WHERE site_id = $1 AND ($2::date IS NULL OR day = $2::date) ORDER BY id`, [siteId, day],
    );
    const withdrawn = await withdrawals(db, rows.map((r) => r.id));
    return rows.map((r) => toManifest(r, withdrawn.get(r.id) ?? []));
  },

  // --- tracking ----------------------------------------------------------------------------------------------
  async shipmentIdByTracking(db: Executor, carrier: string, trackingNumber: string): Promise<string | undefined> {
    const rows = await db.query<Pick<Selectable<PackShipShipments>, 'id'>>(
      `SELECT id FROM pack_ship.shipments WHERE carrier = $1 AND tracking_number = $2`, [carrier, trackingNumber],
    );
    return rows[0]?.id;
  },

  /** Records a tracking event; false when it was recorded already (a repeated webhook or poll). */
  async recordTracking(db: Executor, e: { shipmentId: string; trackingNumber: string; status: string; at: string; detail: string | null }): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO pack_ship.tracking_events (shipment_id, tracking_number, status, at, detail) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING shipment_id`, [e.shipmentId, e.trackingNumber, e.status, e.at, e.detail],
    );
    return rows.length > 0;
  },

  /** Whether no tracking event of the shipment is later than `at` (the event at `at` itself recorded already). */
  async isNewestTracking(db: Executor, shipmentId: string, trackingNumber: string, at: string): Promise<boolean> {
    // By tracking number first: the primary key's prefix.
    const rows = await db.query(
      `SELECT 1 FROM pack_ship.tracking_events WHERE tracking_number = $2 AND shipment_id = $1 AND at > $3::timestamptz LIMIT 1`, [shipmentId, trackingNumber, at],
    );
    return rows.length === 0;
  },

  async setTracked(db: Executor, id: string, status: 'IN_TRANSIT' | 'DELIVERED' | 'EXCEPTION', at: string): Promise<void> {
    await db.query(
      `UPDATE pack_ship.shipments SET status = $2,
         in_transit_at = CASE WHEN $2 = 'IN_TRANSIT' THEN $3::timestamptz ELSE in_transit_at END,
         delivered_at = CASE WHEN $2 = 'DELIVERED' THEN $3::timestamptz ELSE delivered_at END
       WHERE id = $1`, [id, status, at],
    );
  },

  /**
   * Marks the order delivered, once, when nothing of it is left to ship: a shipment of it DELIVERED, every other one
   * DELIVERED or never dispatched and given up (VOIDED, CANCELLED), no package waiting and no picked unit unpacked.
   * The shipments that carried it, or undefined when it is not delivered yet (or was announced already). The caller
   * holds the order's row lock, so two deliveries of its shipments are decided one after the other.
   */
  async markDelivered(db: Executor, orderId: string, at: string): Promise<string[] | undefined> {
    const rows = await db.query<{ shipment_ids: string[] }>(
      `UPDATE pack_ship.orders o SET delivered_at = $2::timestamptz
        WHERE o.order_id = $1 AND o.delivered_at IS NULL AND o.cancelled_at IS NULL
          AND EXISTS (SELECT 1 FROM pack_ship.shipments s WHERE s.order_id = o.order_id AND s.status = 'DELIVERED')
          AND NOT EXISTS (SELECT 1 FROM pack_ship.shipments s WHERE s.order_id = o.order_id AND s.status NOT IN ('DELIVERED', 'VOIDED', 'CANCELLED'))
          AND NOT EXISTS (SELECT 1 FROM pack_ship.packages p WHERE p.order_id = o.order_id AND p.status IN ('OPEN', 'PACKED', 'LABELLED', 'MANIFESTED'))
          AND NOT EXISTS (SELECT 1 FROM pack_ship.order_lines l WHERE l.order_id = o.order_id AND l.picked > l.packed)
        RETURNING ARRAY(SELECT s.id FROM pack_ship.shipments s WHERE s.order_id = o.order_id AND s.status = 'DELIVERED' ORDER BY s.id) AS shipment_ids`,
      [orderId, at],
    );
    return rows[0]?.shipment_ids;
  },

  /** Dispatched shipments still on their way with a carrier, for the tracking poll. */
  /** The shipment that has this tracking number (unique over every shipment), if any. */
  async shipmentIdWithTrackingNumber(db: Executor, trackingNumber: string): Promise<{ id: string; orderId: string } | undefined> {
    const rows = await db.query<{ id: string; orderId: string }>(
      'SELECT id, order_id AS "orderId" FROM pack_ship.shipments WHERE tracking_number = $1', [trackingNumber],
    );
    return rows[0];
  },

  async inTransit(db: Executor, carrier: string): Promise<{ id: string; trackingNumber: string }[]> {
    return db.query(
      `SELECT id, tracking_number AS "trackingNumber" FROM pack_ship.shipments WHERE carrier = $1 AND status IN ('DISPATCHED', 'IN_TRANSIT') ORDER BY id LIMIT 500`, [carrier],
    );
  },

  async shipment(db: Executor, id: string, lock = false): Promise<Shipment | undefined> {
    const rows = await db.query<ShipmentRow & { package_ids: string[] }>(
      `SELECT ${SHIPMENT_COLUMNS_S}, ARRAY(SELECT p.id FROM pack_ship.packages p WHERE p.shipment_id = s.id ORDER BY p.id) AS package_ids
         FROM pack_ship.shipments s WHERE s.id = $1${lock ? ' FOR UPDATE' : ''}`, [id],
    );
    const r = rows[0];
    return r === undefined ? undefined : toShipment(r, r.package_ids);
  },

  /** The shipments of several orders (oldest first), in two statements whatever their number. */
  async shipmentsOfOrders(db: Executor, orderIds: readonly string[]): Promise<Shipment[]> {
    if (orderIds.length === 0) return [];
    return packStore.listShipments(db, { orderIds });
  },

  /**
   * Shipments by id (oldest first), filtered by site, status and orders, after the id `after`; at most `limit` when
   * given (every one otherwise: a batch of orders' shipments).
   */
  async listShipments(db: Executor, q: {
    siteId?: string | undefined; status?: ShipmentStatus | undefined; orderIds?: readonly string[] | undefined; after?: string | null | undefined; limit?: number | undefined;
  }): Promise<Shipment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, v: unknown): void => {
      params.push(v);
      where.push(sql(params.length));
    };
    if (q.siteId !== undefined) add((n) => `site_id = $${n}`, q.siteId);
    if (q.status !== undefined) add((n) => `status = $${n}`, q.status);
    if (q.orderIds !== undefined) add((n) => `order_id = ANY($${n}::text[])`, q.orderIds);
    if (q.after !== undefined && q.after !== null) add((n) => `id > $${n}`, q.after);
    let limit = '';
    if (q.limit !== undefined) {
      params.push(q.limit);
      limit = ` LIMIT $${params.length}`;
    }
    const rows = await db.query<ShipmentRow>(
      `SELECT ${columnList(SHIPMENT_COLUMN_NAMES)} FROM pack_ship.shipments${where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`} ORDER BY id${limit}`, params,
    );
    if (rows.length === 0) return [];
    const pkgs = await db.query<Pick<Selectable<PackShipPackages>, 'id' | 'shipment_id'>>(
      `SELECT id, shipment_id FROM pack_ship.packages WHERE shipment_id = ANY($1::text[]) ORDER BY id`, [rows.map((r) => r.id)],
    );
    return rows.map((r) => toShipment(r, pkgs.filter((p) => p.shipment_id === r.id).map((p) => p.id)));
  },
};
