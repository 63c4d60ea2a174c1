import type { EnvelopeFor } from '../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { PackShipEvents } from '../../contracts/pack-ship.ts';
import { PhysicalTrackingEvents, type LpnStatus, type LpnType, type ScanRecorded } from '../../contracts/physical-tracking.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { causedBy, type EventMeta } from '../../platform/bus/envelope.ts';
import type { Tx } from '../../platform/db/database.ts';
import { assertNever } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { addLines, holdsOnlyOwner, takeUnits, unitCount, unitsMatching, type ContentLine } from './domain/contents.ts';
import { LIVE_STATUSES, lpnLifecycle, shipPath } from './domain/lpn-lifecycle.ts';
import { classifyLpnBarcode } from './domain/sscc.ts';
import * as store from './store.ts';
import type { LpnRow, NewScan } from './store.ts';

/** The floor events of other contexts physical tracking records (one set-based subscription, ADR 0043). */
export const FLOOR_EVENT_TYPES = [
  InventoryEvents.putawayConfirmed, InventoryEvents.moved, PickingEvents.linePicked, PackShipEvents.packagePacked, PackShipEvents.shipmentDispatched,
  InventoryEvents.returnConfirmed, InventoryEvents.returnCancelled, PackShipEvents.packageRepacked, PackShipEvents.unitsShortAtPack,
  PackShipEvents.shipmentVoided, PackShipEvents.packageUnloaded,
] as const;
export type FloorEvent = EnvelopeFor<(typeof FLOOR_EVENT_TYPES)[number]>;

const isLive = (s: LpnStatus): boolean => LIVE_STATUSES.includes(s);
/** The code a floor event's label names (an SSCC normalised, anything else trimmed; a bad SSCC as it is). */
const codeOfLabel = (label: string): string => {
  const c = classifyLpnBarcode(label);
  return c.kind === 'INVALID' ? label : c.code;
};

/** The LPNs a run of floor events may read or change, by what names them: codes, locations, orders (each with its site). */
export function keysOf(events: readonly FloorEvent[]): store.FloorKeys {
  const codes: [string, string][] = [];
  const locations: [string, string][] = [];
  const orders: [string, string][] = [];
  const shippedCartons: [string, string][] = [];
  for (const e of events) {
    switch (e.type) {
      case InventoryEvents.putawayConfirmed:
        if (e.data.fromLocationId !== null && e.data.fromLocationId !== undefined) locations.push([e.data.siteId, e.data.fromLocationId]);
        break;
      case InventoryEvents.moved:
        if (e.data.purpose !== 'PUTAWAY' && e.data.purpose !== 'LPN_FOUND') locations.push([e.data.siteId, e.data.fromLocationId]);
        break;
      case PickingEvents.linePicked:
        locations.push([e.data.siteId, e.data.locationId]);
        codes.push([e.data.siteId, codeOfLabel(e.data.toteId)]);
        break;
      case PackShipEvents.packagePacked:
        orders.push([e.data.siteId, e.data.orderId]);
        codes.push([e.data.siteId, codeOfLabel(e.data.packageId)]);
        break;
      case PackShipEvents.shipmentDispatched:
        // Live cartons ship; one a SHIP scan took onto the truck records the dispatch it left with.
        for (const p of e.data.packageIds) {
          codes.push([e.data.siteId, p]);
          shippedCartons.push([e.data.siteId, p]);
        }
        break;
      case PackShipEvents.packageRepacked:
        codes.push([e.data.siteId, codeOfLabel(e.data.packageId)]);
        break;
      case PackShipEvents.shipmentVoided:
        for (const p of e.data.packageIds) shippedCartons.push([e.data.siteId, p]);
        break;
      case PackShipEvents.packageUnloaded:
        shippedCartons.push([e.data.siteId, e.data.packageId]);
        break;
      case InventoryEvents.returnConfirmed:
      case InventoryEvents.returnCancelled:
      case PackShipEvents.unitsShortAtPack:
        orders.push([e.data.siteId, e.data.orderId]);
        break;
      default:
        assertNever(e, 'floor event');
    }
  }
  return { codes, locations, orders, shippedCartons };
}

/**
 * The floor events of a delivered run, set-based (ADR 0043 addendum): the effect of handling each in turn, in few statements.
 *
 * 1. **One lock** (`store.lockFloor`): every live LPN the run's events name (by label, by the location they take units
 *    from, by the order whose units they hold — LOST ones too, which a packed order empties) with the whole nesting
 *    tree each sits in, locked `ORDER BY id`. Every
 *    run, and every LPN command that locks more than one LPN (`lockLpns`), takes its rows in that one global order, so
 *    two runs touching the same LPNs in opposite event orders wait for each other instead of deadlocking (they locked
 *    row by row in event order before: a run of picks took tote A then B while a run of packs took B then A). Read
 *    again until nothing new turns up: a lock that waited saw the other rows as they were before (2026-12-06).
 * 2. **The decisions in memory**, event by event in the run's order, on the locked rows as the earlier events left
 *    them: the same rules and the same choices (oldest LPN first) as the one-event handlers had, against the same
 *    rows — a row an event can reach is either named by the run (and locked) or made by an earlier event of the run.
 * 3. **One write** (`store.writeFloor`): the LPNs (changed ones at their final state, guarded by the version read
 *    under the lock; new ones inserted, after the changed ones so a tote consumed and made again in one run keeps one
 *    live row per label at every step), the scans in the run's order, the links; then the scans' events, one
 *    outbox statement. A tote label made concurrently by another transaction trips the live-code unique index: the
 *    run rolls back and the bus delivers its events one by one, each of which then finds the committed tote.
 */
export function floorEventsHandler(deps: Pick<PlatformDeps, 'ids' | 'bus'>) {
  return async function handleFloorEvents(tx: Tx, events: readonly FloorEvent[]): Promise<void> {
    const keys = keysOf(events);
    const locked = keys.codes.length + keys.locations.length + keys.orders.length + (keys.shippedCartons?.length ?? 0) === 0 ? [] : await store.lockFloor(tx, keys);
    // The picks heard at the sources of the run's plain moves, read with those sources' LPNs locked: a run recording
    // picks there holds the same locks, so what it recorded is committed and counted here.
    const moves = events.flatMap((e) => (e.type === InventoryEvents.moved && e.data.sourcePicked !== undefined
      ? [{ siteId: e.data.siteId, locationId: e.data.fromLocationId, sku: e.data.sku }] : []));
    // Where the SHIPPED cartons a voided label (or a scrapped package) takes back off the truck, and the SHIPPED
    // containers they sat in, were scanned out (read under their locks).
    const unloading = events.some((e) => e.type === PackShipEvents.shipmentVoided || e.type === PackShipEvents.packageUnloaded)
      ? await store.shippedFrom(tx, locked.filter((r) => r.status === 'SHIPPED').map((r) => r.id)) : new Map<string, string | null>();
    const floor = workingSet(locked, deps, await store.picksHeard(tx, moves), unloading);
    for (const e of events) applyEvent(floor, e);
    const written = floor.written();
    if (written.lpns.length + written.scans.length + written.links.length > 0) await store.writeFloor(tx, written);
    await store.endLossesShipped(tx, written.lossesShipped);
    if (written.events.length > 0) await deps.bus.appendMany(tx, 'physical-tracking', written.events);
  };
}

type WorkingSet = ReturnType<typeof workingSet>;

/**
 * The picks of a move's owner, SKU and lot at its source that physical tracking heard (their units left the LPNs there)
 * and inventory had not booked when the move committed: `sourceOnHand` still counts them.
 */
function unbookedPicks(floor: WorkingSet, d: EnvelopeFor<typeof InventoryEvents.moved>['data']): number {
  const ownerLot = { ownerId: d.ownerId ?? DEFAULT_OWNER_ID, lot: d.lot ?? '' };
  const own = floor.picksHeardAt(d.siteId, d.fromLocationId, d.sku, ownerLot);
  if (d.sourcePickedOwnerLot !== undefined && floor.legacyPicksAt(d.siteId, d.fromLocationId, d.sku) === 0) return Math.max(0, own - d.sourcePickedOwnerLot);
  if (d.sourcePicked === undefined) return 0;
  return Math.min(own, Math.max(0, floor.picksHeardAt(d.siteId, d.fromLocationId, d.sku) - d.sourcePicked));
}
/** The scans' events of a run, each with the meta of the floor event it records. */
type RunEvents = { events: { type: string; subject: string; siteId: string; data: ScanRecorded }[]; meta: EventMeta }[];

/** The locked LPNs as the run changes them, with what the run records; mirrors the store's one-row statements. */
function workingSet(locked: readonly LpnRow[], deps: Pick<PlatformDeps, 'ids'>, heard: ReadonlyMap<string, number> = new Map(),
  shippedFrom: ReadonlyMap<string, string | null> = new Map()) {
  const rows = new Map<string, LpnRow>(locked.map((r) => [r.id, r]));
  const baseVersion = new Map<string, number>(locked.map((r) => [r.id, r.version]));
  const made: string[] = [];
  const scans: NewScan[] = [];
  const links = new Map<string, store.NewLink>();
  const events: RunEvents = [];
  const lossesShipped: { lpnId: string; at: Date; shipmentId: string | null }[] = [];
  const oldestFirst = (a: LpnRow, b: LpnRow): number =>
    a.created_at.getTime() - b.created_at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const all = (): LpnRow[] => [...rows.values()];

  const set = {
    get: (id: string): LpnRow | undefined => rows.get(id),
    /** Live LPNs resting at a location, oldest first (`store.liveAt`). */
    liveAt: (siteId: string, locationId: string): LpnRow[] =>
      all().filter((l) => l.site_id === siteId && l.location_id === locationId && isLive(l.status)).sort(oldestFirst),
    /** Live LPNs holding units picked for an order, oldest first. */
    liveHoldingOrder: (siteId: string, orderId: string): LpnRow[] =>
      all().filter((l) => l.site_id === siteId && isLive(l.status) && l.contents.some((c) => c.orderId === orderId)).sort(oldestFirst),
    /** LOST LPNs holding units picked for an order, oldest first (a packed order empties them of those: tote5). */
    lostHoldingOrder: (siteId: string, orderId: string): LpnRow[] =>
      all().filter((l) => l.site_id === siteId && l.status === 'LOST' && l.contents.some((c) => c.orderId === orderId)).sort(oldestFirst),
    /** The LPNs holding units picked for an order: the live ones oldest first, then the LOST ones oldest first. */
    holdingOrder: (siteId: string, orderId: string): LpnRow[] => [...set.liveHoldingOrder(siteId, orderId), ...set.lostHoldingOrder(siteId, orderId)],
    liveByCode: (siteId: string, code: string): LpnRow | undefined => all().find((l) => l.site_id === siteId && l.code === code && isLive(l.status)),
    /** The carton of a package that SHIPPED (by a scan at the dock); undefined when none. */
    shippedCarton: (siteId: string, packageId: string): LpnRow | undefined =>
      all().find((l) => l.site_id === siteId && l.code === packageId && l.type === 'CARTON' && l.status === 'SHIPPED'),
    /** The LOST carton of a package (the latest lost first); undefined when none. */
    lostCarton: (siteId: string, packageId: string): LpnRow | undefined =>
      all().filter((l) => l.site_id === siteId && l.code === packageId && l.type === 'CARTON' && l.status === 'LOST')
        .sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || (a.id < b.id ? 1 : -1))[0],
    /** Where a SHIPPED LPN was scanned out (the latest SHIP scan of it or of an LPN it sat in); null when nowhere or unknown. */
    shippedFrom: (id: string): string | null => shippedFrom.get(id) ?? null,
    /** Every LPN whose container is this one, whatever its status (`parent_id`; a shipped pallet's cartons keep theirs). */
    nested: (id: string): LpnRow[] => all().filter((l) => l.parent_id === id),
    /** The live LPNs inside a live one (`store.childIds`: one that shipped or was emptied off it is no longer in it). */
    childIds: (id: string): string[] => {
      const parentLive = rows.get(id) === undefined || isLive(rows.get(id)!.status);
      return all().filter((l) => l.parent_id === id && (!parentLive || isLive(l.status))).map((l) => l.id).sort();
    },
    /** An LPN and every LPN inside it, the root first, then level by level (each in id order), as `store.subtree`. */
    subtree(id: string): LpnRow[] {
      const root = rows.get(id);
      if (root === undefined) return [];
      const out = [root];
      let level = [root.id];
      for (let depth = 1; depth < 10 && level.length > 0; depth++) {
        level = level.flatMap((p) => set.childIds(p)).sort();
        for (const c of level) out.push(rows.get(c)!);
      }
      return out;
    },
    /** `store.updateLpn`: the fields given, the time, the version moved on by one. */
    update(id: string, at: Date, change: {
      status?: LpnStatus; parentId?: string | null; locationId?: string | null; contents?: readonly ContentLine[]; sscc?: string | null; dispatchedShipmentId?: string;
    }): LpnRow {
      const r = rows.get(id)!;
      const next: LpnRow = {
        ...r,
        ...(change.status === undefined ? {} : { status: change.status }),
        ...(change.parentId === undefined ? {} : { parent_id: change.parentId }),
        ...(change.locationId === undefined ? {} : { location_id: change.locationId }),
        ...(change.contents === undefined ? {} : { contents: [...change.contents] }),
        ...(change.sscc === undefined ? {} : { sscc: change.sscc }),
        ...(change.dispatchedShipmentId === undefined ? {} : { dispatched_shipment_id: change.dispatchedShipmentId }),
        updated_at: at, version: r.version + 1,
      };
      rows.set(id, next);
      return next;
    },
    /**
     * `store.takeOut`: new contents; consumed (one version more) when it may be and holds no LPN. A consumed LPN rests
     * nowhere and is in nothing (as a consolidated one): it leaves its container, which no longer lists it (lpn9).
     */
    takeOut(r: LpnRow, remaining: readonly ContentLine[], at: Date): void {
      const mayConsume = unitCount(remaining) === 0 && lpnLifecycle.can(r.status, 'CONSUMED');
      const cur = rows.get(r.id)!;
      const consume = mayConsume && set.childIds(r.id).length === 0;
      rows.set(r.id, {
        ...cur, contents: [...remaining], status: consume ? 'CONSUMED' : cur.status, location_id: consume ? null : cur.location_id,
        parent_id: consume ? null : cur.parent_id,
        updated_at: at, version: cur.version + (consume ? 2 : 1),
      });
    },
    /** The live LPN of the label, or a new one (`store.liveOrInsert`; the found row unchanged). */
    liveOrNew(siteId: string, label: string, type: LpnType, status: LpnStatus, at: Date): LpnRow {
      const c = classifyLpnBarcode(label);
      const code = c.kind === 'INVALID' ? label : c.code;
      const found = set.liveByCode(siteId, code);
      if (found !== undefined) return found;
      const row: LpnRow = {
        id: deps.ids.next('lpn'), site_id: siteId, code, code_kind: c.kind === 'SSCC' ? 'SSCC' : 'INTERNAL', type, status, parent_id: null,
        location_id: null, contents: [], asn_id: null, created_at: at, updated_at: at, version: 1, sscc: null, dispatched_shipment_id: null,
      };
      rows.set(row.id, row);
      made.push(row.id);
      return row;
    },
    /** `store.link`: the first link between two LPNs stays. */
    link(from: string, to: string, at: Date): void {
      if (from === to) return;
      const key = `${from}\u0000${to}`;
      if (!links.has(key)) links.set(key, { fromLpnId: from, toLpnId: to, at });
    },
    /**
     * Units of a SKU picked out of a location as heard so far, every owner and lot or those of one owner and lot: those
     * written before the run (`heard`), then the run's.
     */
    picksHeardAt: (siteId: string, locationId: string, sku: string, ownerLot?: { ownerId: string; lot: string }): number =>
      (heard.get(store.pickKey(siteId, locationId, sku, ownerLot)) ?? 0)
      + scans.filter((x) => x.meaning === 'PICK_INTO_TOTE' && x.sourceEventId !== null && x.siteId === siteId && x.fromLocationId === locationId && x.sku === sku
        && (ownerLot === undefined || (x.pick?.ownerId === ownerLot.ownerId && x.pick.lot === ownerLot.lot)))
        .reduce((n, x) => n + (x.quantity ?? 0), 0),
    /** Units of a SKU heard picked out of a location before picks recorded their owner and lot (migration 013). */
    legacyPicksAt: (siteId: string, locationId: string, sku: string): number => heard.get(store.legacyPickKey(siteId, locationId, sku)) ?? 0,
    /** A scan and its `physical-tracking.scan.recorded.v1` event. */
    record(s: Omit<NewScan, 'id'>, meta: EventMeta): void {
      const scan: NewScan = { ...s, id: deps.ids.next('scn') };
      scans.push(scan);
      const data: ScanRecorded = {
        scanId: scan.id, siteId: scan.siteId, at: scan.at.toISOString(), barcode: scan.barcode, meaning: scan.meaning,
        ...(scan.workerId === null ? {} : { workerId: scan.workerId }), ...(scan.deviceId === null ? {} : { deviceId: scan.deviceId }),
        ...(scan.locationId === null ? {} : { locationId: scan.locationId }), ...(scan.lpnId === null ? {} : { lpnId: scan.lpnId }),
      };
      events.push({ events: [{ type: PhysicalTrackingEvents.scanRecorded, subject: scan.lpnId ?? scan.id, siteId: scan.siteId, data }], meta });
    },
    /** A LOST LPN a dispatch shipped: its loss ends, shipped (lpn6). */
    endLossShipped(lpnId: string, at: Date, shipmentId: string | null): void {
      lossesShipped.push({ lpnId, at, shipmentId });
    },
    /** What the run writes: changed LPNs (before new ones), scans and links in the run's order, the losses shipped, the events. */
    written(): store.FloorWrites & { readonly events: RunEvents; readonly lossesShipped: typeof lossesShipped } {
      const changed = [...baseVersion].filter(([id, v]) => rows.get(id)!.version !== v).map(([id, v]) => ({ row: rows.get(id)!, baseVersion: v }));
      // New rows in label order: two runs making the same two labels wait on the unique index in one order, not in a cycle.
      const fresh = made.map((id) => ({ row: rows.get(id)!, baseVersion: null }))
        .sort((a, b) => (a.row.site_id === b.row.site_id ? (a.row.code < b.row.code ? -1 : a.row.code > b.row.code ? 1 : 0) : a.row.site_id < b.row.site_id ? -1 : 1));
      return { lpns: [...changed.sort((a, b) => (a.row.id < b.row.id ? -1 : 1)), ...fresh], scans, links: [...links.values()], events, lossesShipped };
    },
  };
  return set;
}

/** Moves an LPN and everything inside it to a location (or carried: null), detaching it from its container. */
function moveTree(floor: WorkingSet, root: LpnRow, locationId: string | null, at: Date): void {
  for (const r of floor.subtree(root.id)) floor.update(r.id, at, { locationId, ...(r.id === root.id ? { parentId: null } : {}) });
}

/** Ships an LPN and what is inside it; a container left holding nothing live ships with it (as the service's `shipTree`). */
function shipTree(floor: WorkingSet, root: LpnRow, meta: EventMeta, at: Date, barcode: string, sourceEventId: string, dispatchedShipmentId?: string): void {
  for (const r of floor.subtree(root.id)) {
    if (!isLive(r.status)) continue;
    let status = r.status;
    for (const next of shipPath(r.status)) {
      lpnLifecycle.assertCan(status, next);
      status = next;
    }
    floor.update(r.id, at, { status, locationId: null, ...(r.id === root.id && dispatchedShipmentId !== undefined ? { dispatchedShipmentId } : {}) });
  }
  floor.record({
    siteId: root.site_id, at, workerId: null, deviceId: null, locationId: root.location_id, fromLocationId: null, lpnId: root.id,
    relatedLpnId: null, barcode, meaning: 'SHIP', sku: null, quantity: unitCount(root.contents), sourceEventId,
  }, meta);
  if (root.parent_id === null) return;
  const parent = floor.get(root.parent_id);
  if (parent === undefined || !isLive(parent.status) || unitCount(parent.contents) !== 0) return;
  if (floor.childIds(parent.id).every((s) => !isLive(floor.get(s)!.status))) shipTree(floor, parent, meta, at, parent.code, sourceEventId);
}

/** One floor event's effect on the working set: the rules of the one-event handlers, unchanged. */
function applyEvent(floor: WorkingSet, e: FloorEvent): void {
  const at = new Date(e.time);
  const meta = causedBy(e);
  switch (e.type) {
    // A putaway carries the LPNs at the receiving location that hold its units and nothing else (the LPNs inside them
    // holding none), whole, to the location scanned, and takes the rest of its units out of the LPNs holding them there,
    // which stay at the dock: one LPN holding exactly its units is carried; else one holding more gives them up; else
    // (its units on several LPNs) they are carried or emptied oldest first. Before 2026-12-06 the first LPN holding
    // enough was carried whole (the units left on the books at the dock were then counted in it at the target too), and
    // units on several LPNs left them all at the dock. Only LPNs all of whose units (and those of the LPNs inside them)
    // are the putaway's owner's: a pallet holding another owner's units too stays, its units on the books there still
    // (ADR 0029 addendum 2026-12-05); the putaway is then recorded without an LPN, as a move of loose units is.
    case InventoryEvents.putawayConfirmed: {
      const d = e.data;
      const from = d.fromLocationId ?? null;
      const owner = d.ownerId ?? null;
      const kind = { sku: d.sku, lot: d.lot, owner };
      const holders = from === null ? [] : floor.liveAt(d.siteId, from).filter((l) =>
        l.parent_id === null && unitsMatching(l.contents, kind) > 0 && floor.subtree(l.id).every((r) => holdsOnlyOwner(r.contents, owner)));
      const whole = (l: LpnRow): boolean => unitCount(l.contents) === unitsMatching(l.contents, kind)
        && floor.subtree(l.id).every((r) => r.id === l.id || unitCount(r.contents) === 0);
      const takeOut = (l: LpnRow, quantity: number): void => {
        const t = takeUnits(l.contents, { ...kind, quantity });
        if (t.ok) floor.takeOut(l, t.value.remaining, at);
      };
      const exact = holders.find((l) => whole(l) && unitsMatching(l.contents, kind) === d.quantity);
      const enough = holders.find((l) => unitsMatching(l.contents, kind) >= d.quantity);
      if (exact !== undefined) moveTree(floor, exact, d.locationId, at);
      else if (enough !== undefined) takeOut(enough, d.quantity);
      else {
        let left = d.quantity;
        for (const l of holders) {
          if (left === 0) break;
          const n = Math.min(left, unitsMatching(l.contents, kind));
          if (whole(l) && n === unitsMatching(l.contents, kind)) moveTree(floor, l, d.locationId, at);
          else takeOut(l, n);
          left -= n;
        }
      }
      floor.record({
        siteId: d.siteId, at, workerId: d.workerId, deviceId: null, locationId: d.locationId, fromLocationId: from, lpnId: exact?.id ?? null,
        relatedLpnId: exact === undefined ? (enough ?? holders[0])?.id ?? null : null, barcode: d.locationId, meaning: 'PUTAWAY_TARGET', sku: d.sku,
        quantity: d.quantity, sourceEventId: e.id,
      }, meta);
      return;
    }
    // A move of inventory (a putaway is recorded from its own event; a found LPN's units followed an LPN that moved
    // already, recorded as its FOUND scan): an LPN at the source holding exactly the units moved moved with them;
    // otherwise loose units moved, recorded without an LPN. Only the units' owner's LPN: another owner's LPN of the same
    // SKU and quantity beside them stays (ADR 0028).
    case InventoryEvents.moved: {
      const d = e.data;
      if (d.purpose === 'PUTAWAY' || d.purpose === 'LPN_FOUND') return;
      const whole = floor.liveAt(d.siteId, d.fromLocationId).find((l) => l.parent_id === null
        && l.contents.every((c) => c.sku === d.sku && c.lot === d.lot) && holdsOnlyOwner(l.contents, d.ownerId)
        && unitCount(l.contents) === d.quantity);
      if (whole !== undefined && floor.childIds(whole.id).length === 0) moveTree(floor, whole, d.toLocationId, at);
      // A replenishment's units come out of the source's LPNs, oldest first, as a pick's do (2026-12-06): a confirm of 6
      // from a reserve pallet of 20 left the pallet holding 20, counted there and at the face. A plain move stays a
      // move of loose units unless it carries an LPN whole (the reconciliation shows a unit taken out without a scan).
      let related: string | null = null;
      const carriedWhole = whole !== undefined && floor.childIds(whole.id).length === 0;
      // A plain move of part of an LPN's units (2026-12-06 quater): the units the books no longer hold at the source
      // (`sourceOnHand`, after the move) come out of its LPNs, oldest first; units loose there beside them go first.
      // Before, they all stayed in the pallet: 12 in it at the source for 5 on the books, and 7 loose at the target.
      // Picks there heard before this move but booked by inventory after it (`sourcePicked`, 2026-12-06 quinquies): their
      // units left the LPNs already, yet `sourceOnHand` still counts them; else the move took that many too few out.
      // Counted per owner and lot (2026-12-06 sexies): a pick of another lot or owner at the face, heard and not booked,
      // took that many more of this one's units out of its LPNs. Where picks heard before their owner and lot were
      // recorded (migration 013) stand beside them, the SKU's figure stays, bounded by the picks of this owner and lot
      // heard since (the earlier ones were booked long ago).
      const unbooked = unbookedPicks(floor, d);
      const fromLpns = d.purpose === 'REPLENISH' ? d.quantity
        : d.sourceOnHand === undefined ? 0
          : Math.min(d.quantity, Math.max(0, floor.liveAt(d.siteId, d.fromLocationId)
            .reduce((n, l) => n + unitsMatching(l.contents, { sku: d.sku, lot: d.lot, owner: d.ownerId ?? null, orderId: null }), 0) - (d.sourceOnHand - unbooked)));
      if (fromLpns > 0 && !carriedWhole) {
        const take = { sku: d.sku, lot: d.lot, owner: d.ownerId ?? null, orderId: null };
        let left = fromLpns;
        for (const l of floor.liveAt(d.siteId, d.fromLocationId)) {
          if (left === 0) break;
          const n = Math.min(left, unitsMatching(l.contents, take));
          if (n === 0) continue;
          const t = takeUnits(l.contents, { ...take, quantity: n });
          if (!t.ok) continue;
          floor.takeOut(l, t.value.remaining, at);
          related ??= l.id;
          left -= n;
        }
      }
      const carried = carriedWhole ? whole.id : null;
      floor.record({
        siteId: d.siteId, at, workerId: null, deviceId: null, locationId: d.toLocationId, fromLocationId: d.fromLocationId, lpnId: carried,
        relatedLpnId: related, barcode: d.toLocationId, meaning: 'MOVE', sku: d.sku, quantity: d.quantity, sourceEventId: e.id,
      }, meta);
      return;
    }
    // Picked units go from the LPN at the pick location into the tote (an LPN made for the tote's label when new). Only
    // the picked units' owner's LPN (the pick's `ownerId`; none named: the default owner's): another owner's pallet of
    // the same SKU at the face keeps its units (ADR 0028). Any LPN holding the SKU gave them before, oldest first.
    case PickingEvents.linePicked: {
      const d = e.data;
      const owner = d.ownerId ?? null;
      const want = { sku: d.sku, lot: d.lot, owner, quantity: d.quantity };
      const here = floor.liveAt(d.siteId, d.locationId);
      // One LPN holding them all gives them; else (2026-12-06) the LPNs holding some give what they hold, oldest first,
      // and the rest were loose: before, units on several LPNs stayed in them all, counted there and in the tote.
      const one = here.find((l) => takeUnits(l.contents, want).ok);
      // Several: only units picked for no order yet (a tote standing there keeps its orders' units).
      const take = one !== undefined ? want : { ...want, orderId: null };
      const sources = one !== undefined ? [one] : here.filter((l) => unitsMatching(l.contents, take) > 0);
      const moved: ContentLine[] = [];
      const used: LpnRow[] = [];
      let left = d.quantity;
      for (const source of sources) {
        if (left === 0) break;
        const t = takeUnits(source.contents, { ...take, quantity: Math.min(left, unitsMatching(source.contents, take)) });
        if (!t.ok) continue;
        moved.push(...t.value.taken);
        left -= unitCount(t.value.taken);
        floor.takeOut(source, t.value.remaining, at);
        used.push(source);
      }
      if (left > 0) moved.push({ sku: d.sku, lot: d.lot, serial: null, owner, orderId: null, quantity: left });
      const source = used[0];
      const tote = floor.liveOrNew(d.siteId, d.toteId, 'TOTE', 'OPEN', at);
      for (const u of used) floor.link(u.id, tote.id, at);
      floor.update(tote.id, at, { contents: addLines(tote.contents, moved.map((m) => ({ ...m, orderId: d.orderId }))) });
      floor.record({
        siteId: d.siteId, at, workerId: d.workerId ?? null, deviceId: null, locationId: d.locationId, fromLocationId: d.locationId, lpnId: tote.id,
        relatedLpnId: source?.id ?? null, barcode: d.toteId, meaning: 'PICK_INTO_TOTE', sku: d.sku, quantity: d.quantity, sourceEventId: e.id,
        pick: { ownerId: owner ?? DEFAULT_OWNER_ID, lot: d.lot ?? '' },
      }, meta);
      return;
    }
    // A package packed: a CARTON LPN (its code is the package id, its second code the SSCC its shipping label carries,
    // ADR 0029 addendum 2026-12-06) takes the order's units out of the totes holding them.
    // They are the order's owner's (the event's `ownerId`, ADR 0028), whatever a tote line says: a line picked by an
    // older event names none, and units no tote held (their picks not heard) had no owner to keep. An event naming no
    // owner (the default owner's, or older) keeps the tote lines' owners as they are.
    // The live totes give first, then the LOST ones holding the order's units (tote5, 2026-12-07): the order's units are
    // packed, so a lost tote no longer holds them (it stays LOST, emptied of them, and a later find brings it back without
    // them). Before, it kept its copy, and found later it came back holding units the carton held too.
    case PackShipEvents.packagePacked: {
      const d = e.data;
      const owner = d.ownerId === undefined || d.ownerId === DEFAULT_OWNER_ID ? undefined : d.ownerId;
      const ownersOf = (lines: readonly ContentLine[]): ContentLine[] => (owner === undefined ? [...lines] : lines.map((l) => ({ ...l, owner })));
      const totes = floor.holdingOrder(d.siteId, d.orderId);
      const carton = floor.liveOrNew(d.siteId, d.packageId, 'CARTON', 'CLOSED', at);
      let contents = carton.contents;
      const sources = new Map<string, LpnRow>();
      for (const l of d.lines) {
        let left = l.quantity;
        for (const tote of totes) {
          if (left === 0) break;
          const current = sources.get(tote.id) ?? tote;
          const held = current.contents.filter((c) => c.sku === l.sku && c.orderId === d.orderId).reduce((s, c) => s + c.quantity, 0);
          const q = Math.min(left, held);
          if (q === 0) continue;
          const t = takeUnits(current.contents, { sku: l.sku, orderId: d.orderId, quantity: q });
          if (!t.ok) continue;
          contents = addLines(contents, ownersOf(t.value.taken));
          sources.set(tote.id, { ...current, contents: t.value.remaining });
          left -= q;
        }
        if (left > 0) contents = addLines(contents, [{ sku: l.sku, lot: null, serial: null, owner: owner ?? null, orderId: d.orderId, quantity: left }]);
      }
      const sscc = d.sscc === undefined ? undefined : classifyLpnBarcode(d.sscc);
      floor.update(carton.id, at, { contents, ...(sscc?.kind === 'SSCC' ? { sscc: sscc.code } : {}) });
      for (const s of sources.values()) {
        floor.takeOut(s, s.contents, at);
        floor.link(s.id, carton.id, at);
      }
      const related = [...sources.keys()];
      for (const tote of related.length === 0 ? [null] : related) {
        floor.record({
          siteId: d.siteId, at, workerId: d.workerId ?? null, deviceId: null, locationId: null, fromLocationId: null, lpnId: carton.id, relatedLpnId: tote,
          barcode: d.packageId, meaning: 'PACK_INTO_CARTON', sku: null, quantity: unitCount(contents), sourceEventId: e.id,
        }, meta);
      }
      return;
    }
    // A shipment left the dock: its cartons ship, and a pallet they were loaded onto ships with its last carton. A carton
    // records the dispatch it left with, also one a SHIP scan took onto the truck already (once: a later dispatch naming
    // it again changes nothing): a label void heard after it is stale (below).
    case PackShipEvents.shipmentDispatched: {
      const d = e.data;
      for (const packageId of d.packageIds) {
        const carton = floor.liveByCode(d.siteId, packageId);
        if (carton !== undefined) {
          shipTree(floor, carton, meta, at, packageId, e.id, d.shipmentId);
          continue;
        }
        const shipped = floor.shippedCarton(d.siteId, packageId);
        if (shipped !== undefined) {
          if (shipped.dispatched_shipment_id === null) floor.update(shipped.id, at, { dispatchedShipmentId: d.shipmentId });
          continue;
        }
        // A carton reported lost whose shipment the carrier took (lpn4, 2026-12-07): the package left, and with it the
        // order's units on the books, so the carton (with anything lost inside it) is SHIPPED from where it was lost,
        // recorded as a SHIP scan there. It stayed LOST before, holding units that shipped, and found later it came
        // back CLOSED with them. Only the dispatch does this: a SHIP scan of a LOST LPN stays refused LPN_LOST.
        // Each one's loss ends, shipped with this shipment (lpn6): it stayed open for good before.
        const lost = floor.lostCarton(d.siteId, packageId);
        if (lost !== undefined) {
          for (const r of floor.subtree(lost.id)) {
            if (r.status !== 'LOST') continue;
            floor.update(r.id, at, { status: 'SHIPPED', locationId: null, ...(r.id === lost.id ? { dispatchedShipmentId: d.shipmentId } : {}) });
            floor.endLossShipped(r.id, at, d.shipmentId);
          }
          floor.record({
            siteId: lost.site_id, at, workerId: null, deviceId: null, locationId: lost.location_id, fromLocationId: null, lpnId: lost.id,
            relatedLpnId: null, barcode: packageId, meaning: 'SHIP', sku: null, quantity: unitCount(lost.contents), sourceEventId: e.id,
          }, meta);
        }
      }
      return;
    }
    // A package opened again at the pack station (repacked): its label is void, so its SSCC no longer names the carton,
    // which keeps the units (and its package id) until they are packed into new packages, whose SSCCs name theirs.
    case PackShipEvents.packageRepacked: {
      const carton = floor.liveByCode(e.data.siteId, codeOfLabel(e.data.packageId));
      if (carton !== undefined && carton.sscc !== null) floor.update(carton.id, at, { sscc: null });
      return;
    }
    // A label voided before dispatch (ADR 0011 addendum 2026-12-06 septies): the shipment's cartons that a SHIP scan took
    // onto the truck come back off it, CLOSED (sealed, as a packed carton is: staged, shipped or emptied by a repack from
    // there) where they were scanned out (the location of that scan), with their units, recorded as a MOVE scan; the
    // pallet they left on comes back with them when nothing else of it is on the truck (`unloadCartons`). Pack & ship dropped the dock's claims on them in the void's
    // transaction. A carton at the bench or at the dock is not touched, nor one a dispatch took away: a void comes before
    // its own shipment's dispatch, so a dispatch heard first was a later booking's (on Kafka the two are on different
    // partitions), and the carton left for good (2026-12-07: it came back CLOSED at the dock before).
    case PackShipEvents.shipmentVoided: {
      unloadCartons(floor, e.data.siteId, e.data.packageIds, at, meta, e.id);
      return;
    }
    // A package whose carton a SHIP scan loaded (no shipment dispatched) was scrapped or returned to its vendor by its
    // packing inspection's disposition (ADR 0031 addendum 2026-12-07): it never ships, so its carton comes back off the
    // truck as a voided label's does. Pack & ship dropped the dock's claim on it in the disposition's transaction. It
    // stayed SHIPPED before, though it never left: the repack's new carton then took its units from nowhere.
    case PackShipEvents.packageUnloaded: {
      unloadCartons(floor, e.data.siteId, [e.data.packageId], at, meta, e.id);
      return;
    }
    // A cancelled order's units walked back to stock (its return confirmed by scan): they leave the order's tote or
    // voided carton, oldest LPN first (an emptied one is CONSUMED), and rest loose where the scan says, as inventory
    // has them. They stayed in the tote for good before, and the reconciliation reported them at IN_PROCESS:<orderId>.
    // A LOST tote gives them too, after the live ones (lpn6): it kept its copy before, and found later it brought them
    // back a second time.
    case InventoryEvents.returnConfirmed: {
      const d = e.data;
      const sources = takeOutOfTotes(floor, d.siteId, { sku: d.sku, lot: d.lot, orderId: d.orderId }, d.quantity, at);
      for (const lpnId of sources.length === 0 ? [null] : sources) {
        floor.record({
          siteId: d.siteId, at, workerId: d.workerId, deviceId: null, locationId: d.locationId, fromLocationId: `IN_PROCESS:${d.orderId}`, lpnId,
          relatedLpnId: null, barcode: d.locationId, meaning: 'MOVE', sku: d.sku, quantity: d.quantity, sourceEventId: e.id,
        }, meta);
      }
      return;
    }
    // A return a manager cancelled (its units were no longer in the tote): inventory wrote them off the tote, so they
    // leave the order's totes or voided cartons here too (an emptied one is CONSUMED; a LOST one stays LOST, lpn6); they
    // are nowhere, so no scan is recorded.
    case InventoryEvents.returnCancelled: {
      const d = e.data;
      takeOutOfTotes(floor, d.siteId, { sku: d.sku, lot: d.lot, orderId: d.orderId }, d.writtenOff, at);
      return;
    }
    // Picked units missing or damaged at the pack station: inventory writes them off the order's in-process stock, so
    // they leave its totes here too (a LOST one after the live ones, lpn6), whatever their lot (an emptied tote is
    // CONSUMED); no scan is recorded.
    case PackShipEvents.unitsShortAtPack: {
      const d = e.data;
      const heldOf = (lot: string | null | undefined): number => floor.holdingOrder(d.siteId, d.orderId).flatMap((l) => l.contents)
        .filter((c) => c.sku === d.sku && c.orderId === d.orderId && (lot === undefined || c.lot === lot)).reduce((n, c) => n + c.quantity, 0);
      const lots = [...new Set(floor.holdingOrder(d.siteId, d.orderId).flatMap((l) => l.contents)
        .filter((c) => c.sku === d.sku && c.orderId === d.orderId).map((c) => c.lot))].sort((a, b) => (a ?? '').localeCompare(b ?? ''));
      let left = d.quantity;
      for (const lot of lots) {
        const take = Math.min(left, heldOf(lot));
        if (take > 0) takeOutOfTotes(floor, d.siteId, { sku: d.sku, lot, orderId: d.orderId }, take, at);
        left -= take;
      }
      return;
    }
    default:
      assertNever(e, 'floor event');
  }
}

/**
 * Takes the SHIPPED cartons of these packages back off the truck (a voided label, a scrapped package): each CLOSED where
 * it was scanned out, with its units, recorded as a MOVE scan. A SHIPPED container it sat in (a pallet, a case) comes
 * back with it when nothing else is left on the truck in it — it holds no units of its own, and every LPN in it that is
 * still SHIPPED comes back too — CLOSED where it was scanned out, with the cartons still in it (and its own MOVE scan);
 * otherwise the carton comes off it, and the container stays SHIPPED with what is still on the truck (another order's
 * carton). Before 2026-12-07 the container always stayed SHIPPED: a pallet on a truck with nothing on it. A container
 * whose case shipped off it before the container did keeps that case (it keeps its `parent_id`, for the record), so it
 * stays SHIPPED too: the record cannot tell such a case from one that left with it.
 */
function unloadCartons(floor: WorkingSet, siteId: string, packageIds: readonly string[], at: Date, meta: EventMeta, sourceEventId: string): void {
  const back = new Map<string, LpnRow>();
  for (const packageId of packageIds) {
    const carton = floor.shippedCarton(siteId, packageId);
    // A carton a dispatch took away left for good: a void (or scrap) heard after that dispatch is stale (2026-12-07).
    if (carton !== undefined && carton.dispatched_shipment_id === null && floor.liveByCode(siteId, packageId) === undefined) back.set(carton.id, carton);
  }
  if (back.size === 0) return;
  // The containers that come back with them, innermost first, until none is left to add.
  for (let grew = true; grew;) {
    grew = false;
    for (const r of [...back.values()]) {
      const parent = r.parent_id === null ? undefined : floor.get(r.parent_id);
      if (parent === undefined || back.has(parent.id) || parent.status !== 'SHIPPED' || unitCount(parent.contents) !== 0) continue;
      if (floor.nested(parent.id).every((c) => c.status !== 'SHIPPED' || back.has(c.id))) {
        back.set(parent.id, parent);
        grew = true;
      }
    }
  }
  // Each taken back at the place its outermost returning container was scanned out from, in id order.
  const rootOf = (r: LpnRow): LpnRow => {
    let cur = r;
    while (cur.parent_id !== null && back.has(cur.parent_id)) cur = back.get(cur.parent_id)!;
    return cur;
  };
  for (const r of [...back.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const root = rootOf(r);
    const from = floor.shippedFrom(root.id);
    const row = floor.update(r.id, at, { status: 'CLOSED', locationId: from, ...(root.id === r.id ? { parentId: null } : {}) });
    floor.record({
      siteId, at, workerId: null, deviceId: null, locationId: from, fromLocationId: null, lpnId: row.id,
      relatedLpnId: r.parent_id, barcode: r.code, meaning: 'MOVE', sku: null, quantity: unitCount(row.contents), sourceEventId,
    }, meta);
  }
}

/**
 * Takes `quantity` units of an order's SKU and lot out of the LPNs holding them for it, the live ones oldest first, then
 * the LOST ones (lpn6, 2026-12-07: the books moved the units off the order's in-process stock, so a lost tote no longer
 * holds them; it stays LOST, emptied of them, and a later find brings it back without them); the LPNs taken from.
 */
function takeOutOfTotes(floor: WorkingSet, siteId: string,
  want: { readonly sku: string; readonly lot: string | null; readonly orderId: string }, quantity: number, at: Date): string[] {
  let left = quantity;
  const sources: string[] = [];
  while (left > 0) {
    const holder = floor.holdingOrder(siteId, want.orderId).find((l) => takeUnits(l.contents, { ...want, quantity: 1 }).ok);
    if (holder === undefined) break;
    const held = holder.contents.filter((c) => c.sku === want.sku && c.lot === want.lot && c.orderId === want.orderId).reduce((n, c) => n + c.quantity, 0);
    const t = takeUnits(holder.contents, { ...want, quantity: Math.min(left, held) });
    if (!t.ok) break;
    floor.takeOut(holder, t.value.remaining, at);
    sources.push(holder.id);
    left -= Math.min(left, held);
  }
  return sources;
}
