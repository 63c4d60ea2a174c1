import { lotRule, type CatalogApi } from '../../contracts/catalog.ts';
import { DEFAULT_OWNER_ID, type InventoryApi, type AsnCreated } from '../../contracts/inventory.ts';
import type { PackShipApi, ShippingStopped } from '../../contracts/pack-ship.ts';
import type { HoldDisposed, HoldPlaced } from '../../contracts/quality.ts';
import type { Location, LocationMasterApi } from '../../contracts/location-master.ts';
import { heldStockKey, ownerlessHeldStockKey } from '../../contracts/tasks.ts';
import {
  PhysicalTrackingEvents, type LpnStatus, type LpnType, type ScanMeaning, type ScanRecorded,
} from '../../contracts/physical-tracking.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { decideInTx } from '../../platform/decider.ts';
import { assertNever, ok, reject, type ErrorCode, type Outcome } from '../../platform/errors.ts';
import { keepRenewing } from '../../platform/lease.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { addLines, MAX_LPN_UNITS, ownerOfLine, takeUnits, unitCount, type ContentLine } from './domain/contents.ts';
import { LIVE_STATUSES, lpnLifecycle, shipPath } from './domain/lpn-lifecycle.ts';
import { decideFound, decideLost } from './domain/lost-found.ts';
import { asnLinesToReceive } from './domain/asn-receipt.ts';
import { checkNesting } from './domain/nesting.ts';
import { qualityHoldRefusal } from './domain/quality-hold.ts';
import { scanMove } from './domain/scan-place.ts';
import { floorEventsHandler } from './floor-events.ts';
import { classifyLpnBarcode, normaliseSscc, isValidSscc } from './domain/sscc.ts';
import * as store from './store.ts';
import type { AsnLpnRow, LpnRow, ScanRow } from './store.ts';

/** Who scanned, with what, where (all optional: a floor event of another context knows only some of it). */
export interface ScanActor {
  readonly workerId?: string | undefined;
  readonly deviceId?: string | undefined;
}

export interface ContentInput {
  readonly sku: string; readonly quantity: number;
  readonly lot?: string | undefined; readonly serial?: string | undefined; readonly owner?: string | undefined;
}

export interface LpnView {
  readonly id: string; readonly siteId: string; readonly code: string; readonly codeKind: 'SSCC' | 'INTERNAL'; readonly type: LpnType;
  readonly status: LpnStatus; readonly parentId: string | null; readonly childIds: readonly string[]; readonly locationId: string | null;
  readonly contents: readonly ContentLine[]; readonly units: number; readonly asnId: string | null;
  readonly createdAt: string; readonly updatedAt: string; readonly version: number;
  /** A carton's second code, its shipping label's SSCC-18 (ADR 0029 addendum 2026-12-06); null for any other LPN. */
  readonly sscc: string | null;
}

export interface ScanView {
  readonly id: string; readonly siteId: string; readonly at: string; readonly workerId: string | null; readonly deviceId: string | null;
  readonly locationId: string | null; readonly fromLocationId: string | null; readonly lpnId: string | null; readonly relatedLpnId: string | null;
  readonly barcode: string; readonly meaning: ScanMeaning; readonly sku: string | null; readonly quantity: number | null;
}

export interface Difference {
  readonly locationId: string; readonly sku: string; readonly lot: string | null;
  /** Whose units (ADR 0028): LPN lines naming no owner hold the default owner's. */
  readonly ownerId: string;
  readonly physical: number; readonly logical: number;
  /** PHYSICAL_ONLY: LPNs hold units inventory does not (a phantom LPN); LOGICAL_ONLY: inventory holds units no LPN does (moved without an LPN scan); QUANTITY_MISMATCH: both, not the same. */
  readonly kind: 'PHYSICAL_ONLY' | 'LOGICAL_ONLY' | 'QUANTITY_MISMATCH';
  readonly lpnIds: readonly string[];
  readonly scans: readonly ScanView[];
}

const iso = (d: Date): string => d.toISOString();
/** A declared content line: the default owner's units name no owner, as an ASN's LPN of the default owner's does. */
const line = (c: ContentInput): ContentLine =>
  ({ sku: c.sku, lot: c.lot ?? null, serial: c.serial ?? null, owner: c.owner === undefined || c.owner === DEFAULT_OWNER_ID ? null : c.owner, orderId: null, quantity: c.quantity });

/**
 * A serial names one unit of its SKU (as an ASN's serials, one per unit): a serial line of more than one unit, or one
 * serial of a SKU on two lines, would count that unit more than once (merged into one line of 3 units of serial SN-1).
 */
export function serialErrors(
  contents: readonly { sku: string; quantity: number; serial?: string | undefined }[], list: 'contents' | 'lines' = 'contents',
): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const [i, c] of contents.entries()) {
    if (c.serial === undefined) continue;
    if (c.quantity !== 1) errors.push({ field: `/${list}/${i}/quantity`, message: 'a serial names one unit: quantity 1' });
    const key = JSON.stringify([c.sku, c.serial]);
    if (seen.has(key)) errors.push({ field: `/${list}/${i}/serial`, message: `serial ${c.serial} of ${c.sku} is in the ${list} twice` });
    seen.add(key);
  }
  return errors;
}

export function scanView(r: ScanRow): ScanView {
  return {
    id: r.id, siteId: r.site_id, at: iso(r.at), workerId: r.worker_id, deviceId: r.device_id, locationId: r.location_id,
    fromLocationId: r.from_location_id, lpnId: r.lpn_id, relatedLpnId: r.related_lpn_id, barcode: r.barcode, meaning: r.meaning,
    sku: r.sku, quantity: r.quantity,
  };
}

const EXPLAINING_SCANS = 10;

/**
 * A SHIP scan's claim at pack & ship: the orders it may ship (all of the tree's), or the stopped ones and those not
 * packed yet (`unready`) it may not.
 */
interface DockClaim {
  readonly claimId: string; readonly claimed: ReadonlySet<string>; readonly stopped: ReadonlySet<string>; readonly unready: ReadonlySet<string>;
  /** Orders a cancel's pending stop holds back at pack & ship (ADR 0011 addendum 2026-12-07 quater): scan again in a moment. */
  readonly stopping: ReadonlySet<string>;
  /** The packages whose cartons the claim named (pack & ship refuses to repack them once shipped). */
  readonly packages: ReadonlySet<string>;
  /** Stops renewing the claim's lease (once the scan's transaction is over). */
  readonly release: () => void;
}
/** What a scan names (`POST /scans`). */
type ScanCommand = {
  siteId: string; barcode: string; meaning: ScanMeaning; locationId?: string | undefined; into?: string | undefined; lpnType?: LpnType | undefined;
} & ScanActor;
/** A SHIP scan's transaction: what it may ship (its claim), whether it shipped, the orders it found unclaimed. */
interface ShipAttempt { readonly claim: DockClaim; shipped: boolean; unclaimed: string[] }
/** How often a SHIP scan claims again when the tree took in another order's units between its claim and its transaction. */
const DOCK_CLAIM_ATTEMPTS = 3;
/** How often a SHIP scan renews its claim's lease (the dock-claims job abandons one not renewed for DOCK_CLAIM_ABANDON_MS). */
const DOCK_CLAIM_RENEW_MS = 1_000;

/**
 * What inventory admitted before a RECEIVE_LPN scan's transaction (`InventoryApi.admitAsnLpnArrival`): the LPN's id the
 * arrival was recorded under, the ASNs asked about, and those that took it (still OPEN or RECEIVING).
 */
interface ArrivalAdmission {
  readonly lpnId: string;
  readonly asked: ReadonlySet<string>;
  readonly admitted: ReadonlySet<string>;
}

/**
 * A RECEIVE_LPN scan's admission and its lease (`physical_tracking.arrival_admissions`): the LPN id it was admitted
 * under, once asked, and the renewal to stop when the scan is over. Set before the scan's transaction, or in it (an ASN
 * named since).
 */
interface ArrivalAttempt {
  admission: ArrivalAdmission | undefined;
  lease: { readonly lpnId: string; readonly stop: () => void } | undefined;
}

/** How often a RECEIVE_LPN scan renews the lease on its admission (the arrival-admissions job abandons one not renewed for ARRIVAL_ABANDON_MS, index.ts). */
const ARRIVAL_RENEW_MS = 1_000;

/** Physical tracking: LPN commands, scans (direct and from other contexts' floor events), timelines and the reconciliation. */
export function physicalTrackingService(deps: PlatformDeps, apis: {
  inventory: Pick<InventoryApi, 'locationBalances' | 'openCountsAt' | 'getOwner' | 'admitAsnLpnArrival' | 'withdrawAsnLpnArrival'>; locations: Pick<LocationMasterApi, 'getLocations' | 'getLocationByCode'>;
  /** What an LPN's declared contents name must be a product of the catalogue. */
  catalog: Pick<CatalogApi, 'getBySkus'>;
  /** Whether the orders a SHIP scan would take out had their shipping stopped, read where the cancel is decided. */
  packShip: Pick<PackShipApi, 'claimDockShip' | 'settleDockShip' | 'packageSsccs'>;
}) {
  const isLive = (s: LpnStatus): boolean => LIVE_STATUSES.includes(s);
  /** The refusal for an LPN that is not on the floor: LPN_LOST (report it found first) or ILLEGAL_TRANSITION (it left). */
  const offFloor = (r: Pick<LpnRow, 'id' | 'code' | 'status' | 'updated_at'>): Outcome<never> => {
    switch (r.status) {
      case 'LOST':
        return reject('LPN_LOST', `LPN ${r.code} is LOST: report it found (POST /lpns/{id}/found, or a MOVE scan where it is) first`);
      // A pallet ships with its last carton, a tote is consumed by its last pack: the label in the worker's hand names
      // an LPN that left, not an unknown one (GET /lpns/{id}/timeline says when and how).
      case 'SHIPPED':
        return reject('LPN_SHIPPED', `LPN ${r.code} (${r.id}) shipped at ${iso(r.updated_at)} (a pallet or case ships with its last carton): it is no longer on the floor `
          + `and takes no scan; its label is free for a new LPN (GET /lpns/${r.id}/timeline)`);
      case 'CONSUMED':
        return reject('LPN_CONSUMED', `LPN ${r.code} (${r.id}) was emptied at ${iso(r.updated_at)} (its last units were picked, packed or moved out): it is no longer on the floor `
          + `and takes no scan; its label is free for a new LPN (GET /lpns/${r.id}/timeline)`);
      case 'OPEN':
      case 'CLOSED':
      case 'STAGED':
      case 'IN_TRANSIT':
        return reject('ILLEGAL_TRANSITION', `LPN ${r.code} is ${r.status}: it is no longer on the floor`);
      default:
        return assertNever(r.status, 'LPN status');
    }
  };

  async function view(db: Tx | PlatformDeps['db'], r: LpnRow): Promise<LpnView> {
    const children = (await store.childIds(db, [r.id])).get(r.id) ?? [];
    return {
      id: r.id, siteId: r.site_id, code: r.code, codeKind: r.code_kind, type: r.type, status: r.status, parentId: r.parent_id,
      childIds: children, locationId: r.location_id, contents: r.contents, units: unitCount(r.contents), asnId: r.asn_id,
      createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), version: r.version, sscc: r.sscc,
    };
  }

  /** Records a scan and announces it (`physical-tracking.scan.recorded.v1`) in the caller's transaction. */
  async function record(tx: Tx, s: Omit<store.NewScan, 'id'>, meta: EventMeta): Promise<ScanRow> {
    const scan = { ...s, id: deps.ids.next('scn') };
    const row = await store.insertScan(tx, scan);
    const data: ScanRecorded = {
      scanId: row.id, siteId: row.site_id, at: iso(row.at), barcode: row.barcode, meaning: row.meaning,
      ...(row.worker_id === null ? {} : { workerId: row.worker_id }), ...(row.device_id === null ? {} : { deviceId: row.device_id }),
      ...(row.location_id === null ? {} : { locationId: row.location_id }), ...(row.lpn_id === null ? {} : { lpnId: row.lpn_id }),
    };
    await deps.bus.append(tx, 'physical-tracking', [{ type: PhysicalTrackingEvents.scanRecorded, subject: row.lpn_id ?? row.id, siteId: row.site_id, data }], meta);
    return row;
  }

  const scanOf = (siteId: string, at: Date, actor: ScanActor, s: Partial<Omit<store.NewScan, 'id' | 'siteId' | 'at'>> & Pick<store.NewScan, 'barcode' | 'meaning'>): Omit<store.NewScan, 'id'> => ({
    siteId, at, workerId: actor.workerId ?? null, deviceId: actor.deviceId ?? null, locationId: null, fromLocationId: null, lpnId: null,
    relatedLpnId: null, sku: null, quantity: null, sourceEventId: null, ...s,
  });

  /** The code an LPN label carries: a valid SSCC (normalised), an internal code, or the INVALID_SSCC rejection naming `field`. */
  function codeOf(barcode: string, field: string): Outcome<{ code: string; kind: 'SSCC' | 'INTERNAL' }> {
    const c = classifyLpnBarcode(barcode);
    if (c.kind === 'INVALID') return reject('INVALID_SSCC', `${barcode} has 18 digits but not a valid GS1 check digit`, [{ field, message: 'invalid SSCC check digit' }]);
    return ok({ code: c.code, kind: c.kind });
  }

  /**
   * Why a new LPN may not carry `code` at the site: a live LPN carries it, or a label that reads the same (letter case
   * and width aside: `ABC-1` for `abc-1` or `ＡＢＣ-1`; ADR 0007, addendum 2026-12-07). Called under store.lockCode.
   */
  async function labelTaken(db: Executor, siteId: string, code: string, field: string): Promise<Outcome<never> | undefined> {
    if (await store.liveByCode(db, siteId, code) !== undefined) {
      return reject('LPN_CODE_TAKEN', `A live LPN of the site already carries ${code}`, [{ field, message: 'in use' }]);
    }
    const alike = await store.liveCodeAlike(db, siteId, code);
    return alike === undefined ? undefined
      : reject('LPN_CODE_TAKEN', `A live LPN of the site already carries ${alike}, which reads as ${code} (labels ignore letter case and width)`,
        [{ field, message: `in use as ${alike}` }]);
  }

  /** An LPN named by id or by the code on its label (live LPNs only, for codes). */
  async function resolve(tx: Tx, siteId: string, ref: string, field: string): Promise<Outcome<LpnRow>> {
    const byId = ref.startsWith('lpn_') ? await store.lpn(tx, ref, true) : undefined;
    if (byId !== undefined) return byId.site_id === siteId ? ok(byId) : reject('SITE_MISMATCH', `LPN ${ref} is not of site ${siteId}`, [{ field, message: 'another site' }]);
    const c = classifyLpnBarcode(ref);
    const code = c.kind === 'INVALID' ? ref : c.code;
    // A live LPN first; else a LOST one with the label (a scan of it finds it, or is refused LPN_LOST).
    const byCode = await store.liveByCode(tx, siteId, code, true) ?? await store.lostByCode(tx, siteId, code, true);
    if (byCode === undefined) {
      // The label of an LPN that left (a pallet shipped with its last case): said so, not 404 as if never seen.
      const left = await store.leftByCode(tx, siteId, code);
      if (left !== undefined) return offFloor(left);
      return reject('NOT_FOUND', `No live LPN ${ref} at site ${siteId}`, [{ field, message: 'unknown LPN' }]);
    }
    return ok(byCode);
  }

  /** The orders whose units the live tree of `root` holds. */
  async function ordersInTree(db: Tx | PlatformDeps['db'], rootId: string): Promise<string[]> {
    return [...new Set((await store.subtree(db, rootId)).filter((r) => isLive(r.status))
      .flatMap((r) => r.contents.flatMap((x) => (x.orderId === null ? [] : [x.orderId]))))].sort();
  }

  /**
   * The cartons of packed packages in the live tree of `root` (a carton's code is its package id), with the orders whose
   * units each holds: a SHIP scan names them to pack & ship, which then repacks none of them.
   */
  async function cartonsInTree(db: Tx | PlatformDeps['db'], rootId: string): Promise<{ packageId: string; orderIds: string[] }[]> {
    return (await store.subtree(db, rootId)).filter((r) => isLive(r.status) && r.type === 'CARTON' && r.code.startsWith('pkg_'))
      .map((r) => ({ packageId: r.code, orderIds: [...new Set(r.contents.flatMap((x) => (x.orderId === null ? [] : [x.orderId])))] }));
  }

  /**
   * The work the LPN `ref` names holds (no lock: the held-work guard's read, ADR 0019): the orders whose units it holds,
   * itself or inside it (an order's PACK task, or a return MOVE task of its units), and `tote:<order>:<label>` for each
   * (the pick list filling that tote); its units of no order where they rest (`heldStockKey`: a PUTAWAY task of them).
   * `ref` is an id, or a label of a live LPN of `siteId`; none for an LPN unknown here (the command answers that).
   */
  async function ordersHeld(ref: string, siteId?: string): Promise<string[]> {
    const c = classifyLpnBarcode(ref);
    const row = ref.startsWith('lpn_') ? await store.lpn(deps.db, ref)
      : siteId === undefined ? undefined : await store.liveByCode(deps.db, siteId, c.kind === 'INVALID' ? ref : c.code);
    if (row === undefined) return [];
    const tree = (await store.subtree(deps.db, row.id)).filter((r) => isLive(r.status));
    const orders = [...new Set(tree.flatMap((r) => r.contents.flatMap((x) => (x.orderId === null ? [] : [x.orderId]))))].sort();
    // Units of no order at a location (a received pallet at the dock): a PUTAWAY task of them there holds them.
    const stock = [...new Set(tree.flatMap((r) => {
      const at = r.location_id ?? row.location_id;
      return at === null ? [] : r.contents.flatMap((x) => (x.orderId === null
        ? [heldStockKey(at, x.sku, x.lot, x.owner ?? DEFAULT_OWNER_ID), ownerlessHeldStockKey(at, x.sku, x.lot)] : []));
    }))].sort();
    return [...orders, ...orders.map((o) => `tote:${o}:${row.code}`), ...stock];
  }

  /**
   * A SHIP scan's claim on the orders of the live tree it names (PackShipApi.claimDockShip), asked before its
   * transaction (no call inside it, as ADR 0031 addendum keeps it). Pack & ship decides it under the orders' row locks,
   * the lock a cancel's stopShipping takes: it answers the stopped ones (nothing claimed), or claims them all, and a
   * cancel then answers 409 ORDER_SHIPPING until the scan settles the claim (ADR 0011, addendum 2026-12-06 bis).
   */
  async function claimTree(siteId: string, ref: string, orderIds: readonly string[]): Promise<DockClaim> {
    const claimId = deps.ids.next('dsc');
    const c = classifyLpnBarcode(ref);
    const root = ref.startsWith('lpn_') ? await store.lpn(deps.db, ref) : await store.liveByCode(deps.db, siteId, c.kind === 'INVALID' ? ref : c.code);
    const inTree = root === undefined || root.site_id !== siteId ? [] : await ordersInTree(deps.db, root.id);
    const packageIds = root === undefined || root.site_id !== siteId ? [] : (await cartonsInTree(deps.db, root.id)).map((c) => c.packageId).sort();
    const all = [...new Set([...inTree, ...orderIds])].sort();
    if (all.length === 0) return { claimId, claimed: new Set(), stopped: new Set(), unready: new Set(), stopping: new Set(), packages: new Set(), release: () => undefined };
    // Recorded before pack & ship is asked: a process that stops from here on leaves a claim the dock-claims job ends.
    await store.insertDockClaim(deps.db, claimId, deps.clock.now());
    const release = keepClaimAlive(claimId);
    try {
      const { stopped, unready, stopping } = await apis.packShip.claimDockShip({ claimId, siteId, orderIds: all, packageIds });
      const refused = stopped.length > 0 || unready.length > 0 || stopping.length > 0;
      if (refused) {
        release();
        if (await store.moveDockClaim(deps.db, claimId, 'RELEASED')) await store.dockClaimSettled(deps.db, claimId, deps.clock.now());
      }
      return {
        claimId, claimed: new Set(refused ? [] : all), stopped: new Set(stopped), unready: new Set(unready), stopping: new Set(stopping),
        packages: new Set(refused ? [] : packageIds), release,
      };
    } catch (e) {
      release();
      throw e;
    }
  }

  /**
   * Renews a claim's lease every DOCK_CLAIM_RENEW_MS while this process lives (ADR 0011 addendum 2026-12-06 ter): the
   * dock-claims job abandons only a claim nobody renews, so it can act within seconds of a process's death without
   * ever cutting short a live scan that waits (on pack & ship, or on a lock in its transaction). Renewed on a
   * connection of its own, outside the scan's transaction (platform/lease.ts).
   */
  function keepClaimAlive(claimId: string): () => void {
    return keepRenewing(() => store.renewDockClaim(deps.db, claimId, deps.clock.now()), DOCK_CLAIM_RENEW_MS,
      (e) => deps.log.warn({ claimId, err: (e as Error).message }, 'physical-tracking: could not renew a SHIP scan\'s claim'));
  }

  /**
   * Ends a SHIP scan's claim at pack & ship once its transaction is over: shipped (the SHIPPED claim is kept, a cancel
   * refused for good) or not (RELEASED, dropped). Pack & ship unreachable, or the claim not PENDING any more (the commit's
   * answer was lost), the dock-claims job settles it from its recorded state.
   */
  async function settleClaim(claimId: string, shipped: boolean): Promise<void> {
    try {
      if (!shipped && !await store.moveDockClaim(deps.db, claimId, 'RELEASED')) return;
      await apis.packShip.settleDockShip({ claimId, shipped });
      await store.dockClaimSettled(deps.db, claimId, deps.clock.now());
    } catch (e) {
      deps.log.error({ claimId, shipped, err: (e as Error).message }, 'physical-tracking: could not settle a SHIP scan\'s claim; the dock-claims job will');
    }
  }

  /**
   * The dock-claims job: a claim PENDING for longer than `abandonAfterMs` (its scan's process stopped before the commit,
   * or the transaction outlived it and will not ship) is ABANDONED — the scan's transaction ships only by turning it
   * SHIPPED, under the same row lock — and every decided claim pack & ship was not told of is settled: a cancel refused
   * ORDER_SHIPPING meanwhile is then answered (ADR 0011 addendum 2026-12-06 bis).
   */
  async function settleDockClaims(abandonAfterMs: number): Promise<number> {
    await store.abandonDockClaims(deps.db, new Date(deps.clock.now().getTime() - abandonAfterMs));
    let settled = 0;
    for (const c of await store.unsettledDockClaims(deps.db, 500)) {
      await apis.packShip.settleDockShip(c);
      await store.dockClaimSettled(deps.db, c.claimId, deps.clock.now());
      settled++;
    }
    return settled;
  }

  /**
   * The carton-ssccs job: cartons sealed before pack-ship.package.packed carried the SSCC (listed by migration 011) are
   * given the SSCC pack & ship knows for their package, so a scan of the label names them; `limit` at a time. A carton
   * is taken off the list once given one, or once it left the floor: one on the floor whose package has none yet (packed
   * before SSCCs existed, given one when its shipment is booked) is asked again on the next run. An SSCC a live LPN of
   * the site already carries is not given twice. Answers how many cartons were taken off the list.
   */
  async function backfillCartonSsccs(limit: number): Promise<number> {
    const due = await store.cartonsAwaitingSscc(deps.db, limit);
    if (due.length === 0) return 0;
    const known = await apis.packShip.packageSsccs(due.flatMap((c) => (c.code === null ? [] : [c.code])));
    const ssccOf = new Map(known.map((k) => [k.packageId, k.sscc]));
    return deps.db.tx(async (tx) => {
      const done: string[] = [];
      for (const c of due) {
        const sscc = c.code === null ? undefined : ssccOf.get(c.code);
        if (sscc !== undefined) await store.giveCartonSscc(tx, c.lpnId, sscc);
        if (sscc !== undefined || !c.onFloor) done.push(c.lpnId);
      }
      await store.cartonsSsccBackfilled(tx, done, due.filter((c) => !done.includes(c.lpnId)).map((c) => c.lpnId), deps.clock.now());
      return done.length;
    });
  }

  /** The LOST LPN a barcode (id or label) names, read without a lock: whether a MOVE of it will be a find. */
  async function lostNamed(siteId: string, ref: string): Promise<LpnRow | undefined> {
    if (ref.startsWith('lpn_')) {
      const r = await store.lpn(deps.db, ref);
      return r?.status === 'LOST' && r.site_id === siteId ? r : undefined;
    }
    const c = classifyLpnBarcode(ref);
    const code = c.kind === 'INVALID' ? ref : c.code;
    return await store.liveByCode(deps.db, siteId, code) === undefined ? store.lostByCode(deps.db, siteId, code) : undefined;
  }

  /**
   * Where an LPN is said to be (built, moved, scanned): a location of its site, named by id or code, kept as its id. A
   * place of another site or none at all is 422 UNKNOWN_LOCATION, never stored (reconciliation and lost-and-found read it).
   */
  async function placeAt(siteId: string, ref: string, field: string): Promise<Outcome<Location>> {
    const location = (await apis.locations.getLocations([ref])).get(ref) ?? await apis.locations.getLocationByCode(siteId, ref);
    if (location === undefined || location.siteId !== siteId) {
      return reject('UNKNOWN_LOCATION', `No location ${ref} at site ${siteId}`, [{ field, message: 'unknown location' }]);
    }
    return ok(location);
  }

  /**
   * Where a LOST LPN is found: a location of its site (id or code) that is ACTIVE, since its units go there. Found
   * elsewhere than where it was lost, inventory moves its held units between the two, and nothing moves from or to a
   * location under count: 409 LOCATION_UNDER_COUNT naming the location and the count, asked of inventory at once
   * rather than left to its event handler (which would wait for the count to close).
   */
  async function findingPlace(lost: Pick<LpnRow, 'site_id' | 'code' | 'location_id'>, ref: string, field: string): Promise<Outcome<Location>> {
    const known = await placeAt(lost.site_id, ref, field);
    if (!known.ok) return known;
    const location = known.value;
    if (location.status !== 'ACTIVE') {
      return reject('LOCATION_NOT_ACTIVE', `Location ${location.code} is ${location.status}: nothing is put to it; report the LPN found where it is taken`,
        [{ field, message: `location is ${location.status}` }]);
    }
    if (lost.location_id !== null && lost.location_id !== location.id) {
      const counts = await apis.inventory.openCountsAt(lost.site_id, [location.id, lost.location_id]);
      const count = counts.find((c) => c.locationId === location.id) ?? counts[0];
      if (count !== undefined) {
        const to = count.locationId === location.id;
        const code = to ? location.code : (await apis.locations.getLocations([count.locationId])).get(count.locationId)?.code ?? count.locationId;
        return reject('LOCATION_UNDER_COUNT', `Location ${code} is under count (count ${count.countId}): LPN ${lost.code}'s units cannot move `
          + `${to ? 'to' : 'from'} it until the count closes; report the LPN found ${to ? 'there ' : ''}once it has`,
        [{ field, message: `location ${code} is under count` }]);
      }
    }
    return ok(location);
  }

  /**
   * Finds a LOST LPN (locked by the caller) at a location, with the LPNs lost inside it: each resumes OPEN or CLOSED
   * there, its loss is closed, a FOUND scan is recorded and `physical-tracking.lpn.found.v1` published (inventory moves
   * the held units there and releases them). LPN_CODE_TAKEN when a live LPN took one of their labels meanwhile.
   */
  async function findAt(tx: Tx, lpnId: string, location: Location, actor: ScanActor, meta: EventMeta, barcode?: string): Promise<Outcome<LpnRow>> {
    const tree = await store.subtree(tx, lpnId);
    const root = tree[0];
    if (root === undefined) return reject('NOT_FOUND', `No LPN ${lpnId}`);
    const lost = tree.filter((r) => r.status === 'LOST');
    for (const r of lost) {
      await store.lockCode(tx, r.site_id, r.code);
      const holder = await store.liveByCode(tx, r.site_id, r.code) ?? await store.liveCodeAlike(tx, r.site_id, r.code).then((code) => (code === undefined ? undefined : { id: code }));
      if (holder !== undefined) {
        return reject('LPN_CODE_TAKEN', `LPN ${holder.id} took the label ${r.code} while ${r.id} was lost: relabel or consolidate it first`,
          [{ field: '/id', message: 'its label is in use' }]);
      }
    }
    const losses = await store.openLosses(tx, lost.map((r) => r.id));
    const now = deps.clock.now();
    const d = decideFound(tree, new Map([...losses].map(([id, l]) => [id, { statusBefore: l.status_before, locationId: l.location_id }])),
      { locationId: location.id, at: now });
    if (!d.ok) return d;
    let out = root;
    for (const c of d.value.changes) {
      const row = await store.updateLpn(tx, c.id, now, {
        status: c.status, ...(c.locationId === undefined ? {} : { locationId: c.locationId }), ...(c.parentId === undefined ? {} : { parentId: c.parentId }),
      });
      if (c.id === root.id) out = row;
    }
    await store.closeLosses(tx, lost.map((r) => r.id), now, location.id);
    await record(tx, scanOf(root.site_id, now, actor, {
      barcode: barcode ?? root.code, meaning: 'FOUND', lpnId: root.id, locationId: location.id, fromLocationId: root.location_id,
      quantity: unitCount(root.contents),
    }), meta);
    await deps.bus.append(tx, 'physical-tracking', [{ type: PhysicalTrackingEvents.lpnFound, subject: root.id, siteId: root.site_id, data: d.value.event }], meta);
    return ok(out);
  }

  /**
   * Moves an LPN and everything inside it to a location (or carried: null), detaching it from its container. An LPN
   * that shipped or was emptied off it is no longer inside it: it stays where it is (nowhere), never given a place again.
   */
  async function moveTree(tx: Tx, root: LpnRow, locationId: string | null, at: Date): Promise<LpnRow> {
    const tree = (await store.subtree(tx, root.id)).filter((r) => r.id === root.id || isLive(r.status));
    let out = root;
    for (const r of tree) {
      const updated = await store.updateLpn(tx, r.id, at, { locationId, ...(r.id === root.id ? { parentId: null } : {}) });
      if (r.id === root.id) out = updated;
    }
    return out;
  }

  /** Walks an LPN through legal steps to a status (every step checked against the lifecycle). */
  async function walk(tx: Tx, r: LpnRow, path: readonly LpnStatus[], at: Date, extra: { locationId?: string | null } = {}): Promise<LpnRow> {
    let status = r.status;
    for (const next of path) {
      lpnLifecycle.assertCan(status, next);
      status = next;
    }
    return store.updateLpn(tx, r.id, at, { status, ...extra });
  }

  /** An LPN taking `more` units in past MAX_LPN_UNITS: 400 VALIDATION_FAILED naming `field`, nothing changed. */
  function tooFull(into: Pick<LpnRow, 'code' | 'contents'>, more: number, field: string): Outcome<never> | undefined {
    const total = unitCount(into.contents) + more;
    if (total <= MAX_LPN_UNITS) return undefined;
    return reject('VALIDATION_FAILED', `LPN ${into.code} holds ${unitCount(into.contents)} units; ${more} more would make ${total}, past the `
      + `${MAX_LPN_UNITS.toLocaleString('en')} one LPN holds: nothing was changed`, [{ field, message: `would hold more than ${MAX_LPN_UNITS} units` }]);
  }

  /** Can `child` go inside `parent`? Same site, parent live and open, three levels at most, no cycle. */
  async function nestable(tx: Tx, child: LpnRow, parent: LpnRow, field: string): Promise<Outcome<true>> {
    if (child.site_id !== parent.site_id) return reject('SITE_MISMATCH', `LPNs ${child.id} and ${parent.id} are of different sites`, [{ field, message: 'another site' }]);
    if (!isLive(child.status)) return offFloor(child);
    // Named by id, a container that left (or is lost) is said so, as by its label: LPN_SHIPPED, LPN_CONSUMED, LPN_LOST.
    if (!isLive(parent.status)) return offFloor(parent);
    if (parent.status !== 'OPEN') return reject('ILLEGAL_TRANSITION', `LPN ${parent.code} is ${parent.status}: only an OPEN LPN takes something in`);
    const nested = checkNesting(child.id, await store.height(tx, child.id), await store.chainUp(tx, parent.id));
    return nested.ok ? ok(true) : nested;
  }

  /**
   * A packed package's carton (sealed, its shipping label's SSCC valid) is shipped whole, by its label: units taken out of
   * it by a consolidate or a split stayed, in the LPN they went to, behind the dispatch that shipped the package — units
   * of a shipped order nothing can ship or unpack (409 UNITS_NOT_PACKED for good), counted in process for ever (lpn7).
   * Its units leave it by a repack (`POST /packages/{id}/repack` voids the label); a cancelled order's voided carton
   * gives its units back as ever.
   */
  async function sealedCartonRefusal(tx: Tx, source: LpnRow): Promise<Outcome<never> | undefined> {
    if (source.type !== 'CARTON' || source.sscc === null) return undefined;
    const orders = [...new Set(source.contents.flatMap((c) => (c.orderId === null ? [] : [c.orderId])))];
    if (orders.length === 0) return undefined;
    const stopped = await store.stoppedOrders(tx, orders);
    const live = orders.filter((o) => !stopped.has(o)).sort();
    if (live.length === 0) return undefined;
    return reject('ILLEGAL_TRANSITION', `LPN ${source.code} is the sealed carton of package ${source.code} (order ${live.join(', ')}): it ships whole by its label; `
      + `its units leave it by a repack (POST /api/v1/packages/${source.code}/repack); nothing changed`);
  }

  // ---- commands ----

  async function build(cmd: {
    siteId: string; type: LpnType; code?: string | undefined; locationId?: string | undefined; parentId?: string | undefined;
    contents?: readonly ContentInput[] | undefined;
  } & ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    const id = deps.ids.next('lpn');
    const label = cmd.code === undefined ? ok({ code: id, kind: 'INTERNAL' as const }) : codeOf(cmd.code, '/code');
    if (!label.ok) return label;
    const place = cmd.locationId === undefined ? undefined : await placeAt(cmd.siteId, cmd.locationId, '/locationId');
    if (place !== undefined && !place.ok) return place;
    // Contents name products of the catalogue, read before the transaction opens (another context, maybe remote).
    const contents = cmd.contents ?? [];
    const serials = serialErrors(contents);
    if (serials.length > 0) return reject('VALIDATION_FAILED', `Contents name serials wrongly: ${serials.map((e) => `${e.field} ${e.message}`).join('; ')}`, serials);
    if (contents.length > 0) {
      const known = await apis.catalog.getBySkus([...new Set(contents.map((c) => c.sku))]);
      const unknown = contents.flatMap((c, i) => (known.has(c.sku) ? [] : [{ field: `/contents/${i}/sku`, message: `${c.sku} is not a product of the catalogue` }]));
      if (unknown.length > 0) return reject('UNKNOWN_SKU', `Unknown SKU ${[...new Set(unknown.map((u) => u.message.split(' ')[0]))].join(', ')}: an LPN holds products of the catalogue`, unknown);
      // The lot rule of stock entering (`lotRule`): a product that is not lot-controlled is packed without a lot. A
      // lot-controlled one may be declared without it (the receipt scan gives it), as on an ASN.
      const lotted = contents.flatMap((c, i) => (lotRule(known.get(c.sku)!, c.lot)?.breach === 'LOT_NOT_ALLOWED' ? [{ i, sku: c.sku }] : []));
      if (lotted.length > 0) {
        return reject('UNPROCESSABLE', lotted.map((l) => `${l.sku} is not lot-controlled: give no lot on contents line ${l.i + 1}`).join('; '),
          lotted.map((l) => ({ field: `/contents/${l.i}/lot`, message: 'not lot-controlled: give no lot' })));
      }
      // Whose units (ADR 0028): an owner inventory knows. Units of an unknown owner (a code, a typo) would be an LPN
      // no inventory move of the owner's units carries, and whose loss holds nothing.
      const named = [...new Set(contents.flatMap((c) => (c.owner === undefined || c.owner === DEFAULT_OWNER_ID ? [] : [c.owner])))];
      const unknownOwners = new Set<string>();
      for (const o of named) if ((await apis.inventory.getOwner(o)) === undefined) unknownOwners.add(o);
      if (unknownOwners.size > 0) {
        return reject('UNKNOWN_OWNER', `No owner ${[...unknownOwners].join(', ')}: contents name an owner by its id (own_…)`,
          contents.flatMap((c, i) => (c.owner !== undefined && unknownOwners.has(c.owner) ? [{ field: `/contents/${i}/owner`, message: `no owner ${c.owner}` }] : [])));
      }
    }
    return decideInTx(deps.db, async (tx) => {
      const now = deps.clock.now();
      await store.lockCode(tx, cmd.siteId, label.value.code);
      const taken = await labelTaken(tx, cmd.siteId, label.value.code, '/code');
      if (taken !== undefined) return taken;
      let locationId = place?.value.id ?? null;
      let parent: LpnRow | undefined;
      if (cmd.parentId !== undefined) {
        await store.lockNesting(tx, cmd.siteId);
        parent = await store.lpn(tx, cmd.parentId, true);
        if (parent === undefined) return reject('NOT_FOUND', `No LPN ${cmd.parentId}`, [{ field: '/parentId', message: 'unknown LPN' }]);
        locationId = parent.location_id;
      }
      const created = await store.insertLpn(tx, {
        id, siteId: cmd.siteId, code: label.value.code, codeKind: label.value.kind, type: cmd.type, status: 'OPEN', parentId: null,
        locationId, contents: addLines([], (cmd.contents ?? []).map(line)), asnId: null, at: now,
      });
      if (created === undefined) return reject('LPN_CODE_TAKEN', `A live LPN of the site already carries ${label.value.code}`, [{ field: '/code', message: 'in use' }]);
      let row = created;
      if (parent !== undefined) {
        const can = await nestable(tx, created, parent, '/parentId');
        if (!can.ok) return can;
        row = await store.updateLpn(tx, id, now, { parentId: parent.id });
        await store.link(tx, id, parent.id, now);
      }
      await record(tx, scanOf(cmd.siteId, now, cmd, {
        barcode: label.value.code, meaning: 'BUILD', lpnId: id, relatedLpnId: parent?.id ?? null, locationId,
        quantity: unitCount(row.contents),
      }), meta);
      return ok(await view(tx, row));
    });
  }

  async function close(id: string, actor: ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    return seal(id, 'CLOSED', actor, meta);
  }

  /** A CLOSED LPN opened again to take something in (the case forgotten on a pallet): recorded as a REOPEN scan. */
  async function reopen(id: string, actor: ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    return seal(id, 'OPEN', actor, meta);
  }

  async function seal(id: string, to: 'CLOSED' | 'OPEN', actor: ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    return decideInTx(deps.db, async (tx) => {
      const r = await store.lpn(tx, id, true);
      if (r === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      if (r.status === 'LOST') return offFloor(r);
      const can = lpnLifecycle.check(r.status, to);
      if (!can.ok) return can;
      const now = deps.clock.now();
      const row = await store.updateLpn(tx, id, now, { status: to });
      await record(tx, scanOf(r.site_id, now, actor, { barcode: r.code, meaning: to === 'CLOSED' ? 'CLOSE' : 'REOPEN', lpnId: id, locationId: r.location_id }), meta);
      return ok(await view(tx, row));
    });
  }

  /**
   * Reports an LPN lost (ADR 0029 addendum), with the LPNs inside it: LOST, out of its container, kept where it was
   * (its units are on the books there); the loss recorded, a LOST scan, and `physical-tracking.lpn.lost.v1` published
   * in the same transaction (inventory puts its units on HOLD, reason LPN_LOST).
   */
  async function lost(id: string, cmd: { reason: string } & ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    return decideInTx(deps.db, async (tx) => {
      const tree = await store.subtree(tx, id);
      const root = tree[0];
      if (root === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      const now = deps.clock.now();
      const d = decideLost(tree, { reason: cmd.reason, at: now });
      if (!d.ok) return d;
      let out = root;
      for (const c of d.value.changes) {
        const row = await store.updateLpn(tx, c.id, now, { status: c.status, ...(c.parentId === undefined ? {} : { parentId: c.parentId }) });
        if (c.id === root.id) out = row;
      }
      await store.insertLosses(tx, d.value.losses.map((l) => ({
        lpn_id: l.lpnId, lost_at: now, site_id: root.site_id, root_lpn_id: root.id, status_before: l.statusBefore, location_id: root.location_id,
        reason: d.value.event.reason, reported_by: meta.actor?.id ?? cmd.workerId ?? null,
      })));
      await record(tx, scanOf(root.site_id, now, cmd, {
        barcode: root.code, meaning: 'LOST', lpnId: root.id, locationId: root.location_id, quantity: unitCount(root.contents),
      }), meta);
      await deps.bus.append(tx, 'physical-tracking', [{ type: PhysicalTrackingEvents.lpnLost, subject: root.id, siteId: root.site_id, data: d.value.event }], meta);
      return ok(await view(tx, out));
    });
  }

  /** A LOST LPN found at a location (id or code): see `findAt`. */
  async function found(id: string, cmd: { location: string } & ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    const peek = await store.lpn(deps.db, id);
    if (peek === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
    if (peek.status !== 'LOST') return reject('ILLEGAL_TRANSITION', `LPN ${peek.code} is ${peek.status}: only a LOST LPN is found`);
    const place = await findingPlace(peek, cmd.location, '/location');
    if (!place.ok) return place;
    return decideInTx(deps.db, async (tx) => {
      const r = await store.lpn(tx, id, true);
      if (r === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      const f = await findAt(tx, r.id, place.value, cmd, meta);
      return f.ok ? ok(await view(tx, f.value)) : f;
    });
  }

  async function moveLpn(tx: Tx, r: LpnRow, locationId: string, meaning: ScanMeaning, actor: ScanActor, meta: EventMeta, barcode = r.code): Promise<Outcome<LpnRow>> {
    if (!isLive(r.status)) return offFloor(r);
    const now = deps.clock.now();
    const moved = await moveTree(tx, r, locationId, now);
    await record(tx, scanOf(r.site_id, now, actor, {
      barcode, meaning, lpnId: r.id, locationId, fromLocationId: r.location_id, quantity: unitCount(r.contents),
    }), meta);
    return ok(moved);
  }

  async function move(id: string, cmd: { locationId: string } & ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    // The place is checked first (a remote call, outside the transaction): a location of the LPN's site, and ACTIVE
    // for a LOST LPN, which is found there.
    const lostOne = await store.lpn(deps.db, id);
    const place = lostOne === undefined ? undefined
      : lostOne.status === 'LOST' ? await findingPlace(lostOne, cmd.locationId, '/locationId') : await placeAt(lostOne.site_id, cmd.locationId, '/locationId');
    if (place !== undefined && !place.ok) return place;
    return decideInTx(deps.db, async (tx) => {
      const r = await store.lpn(tx, id, true);
      if (r === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      // Made between the two reads: its place was never checked.
      if (place === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      if (r.status === 'LOST' && lostOne?.status === 'LOST') {
        const found = await findAt(tx, r.id, place.value, cmd, meta);
        return found.ok ? ok(await view(tx, found.value)) : found;
      }
      const moved = await moveLpn(tx, r, place.value.id, 'MOVE', cmd, meta);
      return moved.ok ? ok(await view(tx, moved.value)) : moved;
    });
  }

  async function nest(tx: Tx, child: LpnRow, parent: LpnRow, actor: ScanActor, meta: EventMeta, field: string, locationId?: string): Promise<Outcome<LpnRow>> {
    const can = await nestable(tx, child, parent, field);
    if (!can.ok) return can;
    const now = deps.clock.now();
    await moveTree(tx, child, parent.location_id, now);
    const row = await store.updateLpn(tx, child.id, now, { parentId: parent.id });
    await store.link(tx, child.id, parent.id, now);
    await record(tx, scanOf(child.site_id, now, actor, {
      barcode: child.code, meaning: 'LOAD_ONTO_PALLET', lpnId: child.id, relatedLpnId: parent.id,
      locationId: locationId ?? parent.location_id, fromLocationId: child.location_id, quantity: unitCount(child.contents),
    }), meta);
    return ok(row);
  }

  async function consolidate(id: string, cmd: { into: string } & ScanActor, meta: EventMeta): Promise<Outcome<LpnView>> {
    return decideInTx(deps.db, async (tx) => {
      const named = await store.lpn(tx, id);
      if (named === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      // What is inside the source goes inside the target: nested, checked under the site's nesting lock.
      await store.lockNesting(tx, named.site_id);
      // `into` by id or label; then both rows locked in id order.
      const label = classifyLpnBarcode(cmd.into);
      const intoId = cmd.into.startsWith('lpn_') ? cmd.into
        : (await store.liveByCode(tx, named.site_id, label.kind === 'INVALID' ? cmd.into : label.code))?.id;
      const locked = await store.lockLpns(tx, intoId === undefined ? [id] : [id, intoId]);
      const source = locked.get(id);
      const target = intoId === undefined ? undefined : locked.get(intoId);
      if (source === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      if (target === undefined) return reject('NOT_FOUND', `No LPN ${cmd.into}`, [{ field: '/into', message: 'unknown LPN' }]);
      if (source.id === target.id) return reject('NESTING_CYCLE', 'An LPN cannot be consolidated into itself', [{ field: '/into', message: 'the same LPN' }]);
      if (source.site_id !== target.site_id) return reject('SITE_MISMATCH', `LPNs ${id} and ${cmd.into} are of different sites`, [{ field: '/into', message: 'another site' }]);
      if (!isLive(source.status)) return offFloor(source);
      if (!isLive(target.status)) return offFloor(target);
      if (target.status !== 'OPEN') return reject('ILLEGAL_TRANSITION', `LPN ${target.code} is ${target.status}: only an OPEN LPN takes something in`);
      const consumed = lpnLifecycle.check(source.status, 'CONSUMED');
      if (!consumed.ok) return consumed;
      const sealed = await sealedCartonRefusal(tx, source);
      if (sealed !== undefined) return sealed;
      const full = tooFull(target, unitCount(source.contents), '/into');
      if (full !== undefined) return full;
      const now = deps.clock.now();
      // What was inside the source goes inside the target (same nesting rules).
      const children = (await store.childIds(tx, [source.id])).get(source.id) ?? [];
      if (children.length > 0) {
        const chain = await store.chainUp(tx, target.id);
        if (chain.includes(source.id)) return reject('NESTING_CYCLE', `LPN ${target.code} is inside ${source.code}`, [{ field: '/into', message: 'inside the source' }]);
        for (const c of children) {
          const nested = checkNesting(c, await store.height(tx, c), chain);
          if (!nested.ok) return nested;
          await store.updateLpn(tx, c, now, { parentId: target.id });
          await moveTree(tx, (await store.lpn(tx, c, true))!, target.location_id, now);
          await store.updateLpn(tx, c, now, { parentId: target.id });
        }
      }
      const row = await store.updateLpn(tx, target.id, now, { contents: addLines(target.contents, source.contents) });
      await store.updateLpn(tx, source.id, now, { status: 'CONSUMED', contents: [], locationId: null, parentId: null });
      await store.link(tx, source.id, target.id, now);
      await record(tx, scanOf(source.site_id, now, cmd, {
        barcode: source.code, meaning: 'CONSOLIDATE', lpnId: source.id, relatedLpnId: target.id, locationId: target.location_id,
        fromLocationId: source.location_id, quantity: unitCount(source.contents),
      }), meta);
      return ok(await view(tx, row));
    });
  }

  async function split(id: string, cmd: {
    lines: readonly { sku: string; quantity: number; lot?: string | undefined; serial?: string | undefined; owner?: string | undefined }[]; into?: string | undefined;
    newLpn?: { type: LpnType; code?: string | undefined } | undefined;
  } & ScanActor, meta: EventMeta): Promise<Outcome<{ source: LpnView; target: LpnView }>> {
    // A line naming a serial takes that unit (as a declared serial line, it is one unit, named once).
    const serials = serialErrors(cmd.lines, 'lines');
    if (serials.length > 0) return reject('VALIDATION_FAILED', `Lines name serials wrongly: ${serials.map((e) => `${e.field} ${e.message}`).join('; ')}`, serials);
    const newId = deps.ids.next('lpn');
    const label = cmd.newLpn?.code === undefined ? ok({ code: newId, kind: 'INTERNAL' as const }) : codeOf(cmd.newLpn.code, '/newLpn/code');
    if (!label.ok) return label;
    return decideInTx<{ source: LpnView; target: LpnView }, ErrorCode>(deps.db, async (tx) => {
      const locked = await store.lockLpns(tx, cmd.into === undefined ? [id] : [id, cmd.into]);
      const source = locked.get(id);
      if (source === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
      if (!isLive(source.status)) return offFloor(source);
      const sealed = await sealedCartonRefusal(tx, source);
      if (sealed !== undefined) return sealed;
      let remaining: ContentLine[] = [...source.contents];
      let taken: ContentLine[] = [];
      for (const [i, want] of cmd.lines.entries()) {
        // Whose units (ADR 0028): a line naming no owner of a SKU the LPN holds for several owners would take the first
        // line's, whoever owns them; it names the owner instead.
        if (want.owner === undefined) {
          const owners = new Set(source.contents.filter((c) => c.sku === want.sku && (want.lot === undefined || c.lot === want.lot)
            && (want.serial === undefined || c.serial === want.serial)).map((c) => ownerOfLine(c.owner)));
          if (owners.size > 1) {
            return reject('UNPROCESSABLE', `LPN ${source.code} holds ${want.sku} for ${owners.size} owners (${[...owners].sort().join(', ')}): name whose units line ${i + 1} takes`,
              [{ field: `/lines/${i}/owner`, message: `one of ${[...owners].sort().join(', ')}` }]);
          }
        }
        const t = takeUnits(remaining, { sku: want.sku, lot: want.lot, serial: want.serial, owner: want.owner, quantity: want.quantity });
        if (!t.ok) return { ...t, errors: [{ field: `/lines/${i}/quantity`, message: t.message }] };
        remaining = t.value.remaining;
        taken = addLines(taken, t.value.taken);
      }
      const now = deps.clock.now();
      let target: LpnRow;
      if (cmd.into !== undefined) {
        const into = locked.get(cmd.into);
        if (into === undefined) return reject('NOT_FOUND', `No LPN ${cmd.into}`, [{ field: '/into', message: 'unknown LPN' }]);
        if (into.id === source.id) return reject('NESTING_CYCLE', 'An LPN cannot be split into itself', [{ field: '/into', message: 'the same LPN' }]);
        if (into.site_id !== source.site_id) return reject('SITE_MISMATCH', 'The LPNs are of different sites', [{ field: '/into', message: 'another site' }]);
        if (!isLive(into.status)) return offFloor(into);
        if (into.status !== 'OPEN') return reject('ILLEGAL_TRANSITION', `LPN ${into.code} is ${into.status}: only an OPEN LPN takes something in`);
        const full = tooFull(into, unitCount(taken), '/into');
        if (full !== undefined) return full;
        target = await store.updateLpn(tx, into.id, now, { contents: addLines(into.contents, taken) });
      } else {
        await store.lockCode(tx, source.site_id, label.value.code);
        const inUse = await labelTaken(tx, source.site_id, label.value.code, '/newLpn/code');
        if (inUse !== undefined) return inUse;
        const inserted = await store.insertLpn(tx, {
          id: newId, siteId: source.site_id, code: label.value.code, codeKind: label.value.kind, type: cmd.newLpn?.type ?? source.type,
          status: 'OPEN', parentId: null, locationId: source.location_id, contents: taken, asnId: null, at: now,
        });
        if (inserted === undefined) return reject('LPN_CODE_TAKEN', `A live LPN of the site already carries ${label.value.code}`, [{ field: '/newLpn/code', message: 'in use' }]);
        target = inserted;
      }
      const src = await store.updateLpn(tx, source.id, now, { contents: remaining });
      await store.link(tx, source.id, target.id, now);
      await record(tx, scanOf(source.site_id, now, cmd, {
        barcode: source.code, meaning: 'SPLIT', lpnId: source.id, relatedLpnId: target.id, locationId: source.location_id,
        quantity: unitCount(taken),
      }), meta);
      return ok({ source: await view(tx, src), target: await view(tx, target) });
    });
  }

  /**
   * A cancelled order's units never leave (ADR 0011): pack & ship voided its packages, but their cartons may still sit
   * on a pallet. A SHIP of a tree holding any is refused, naming the LPNs that hold them (the outermost below the one
   * scanned), to be taken off — a move to a location takes an LPN out of its container — before the rest ships.
   */
  async function cancelledInside(tx: Tx, root: LpnRow, stoppedAtDock: ReadonlySet<string>): Promise<Outcome<never> | undefined> {
    const tree = (await store.subtree(tx, root.id)).filter((r) => isLive(r.status));
    const orderIds = [...new Set(tree.flatMap((r) => r.contents.flatMap((c) => (c.orderId === null ? [] : [c.orderId]))))];
    const stopped = await store.stoppedOrders(tx, orderIds);
    for (const id of orderIds) if (stoppedAtDock.has(id)) stopped.add(id);
    if (stopped.size === 0) return undefined;
    const holding = tree.filter((r) => r.contents.some((c) => c.orderId !== null && stopped.has(c.orderId)));
    const byId = new Map(tree.map((r) => [r.id, r]));
    // What to take off: each holding LPN's ancestor just below the scanned one (the scanned one itself when it holds them).
    const takeOff = new Set(holding.map((r) => {
      let at = r;
      while (at.id !== root.id && at.parent_id !== null && at.parent_id !== root.id && byId.has(at.parent_id)) at = byId.get(at.parent_id)!;
      return at;
    }));
    const orders = [...stopped].sort().join(', ');
    const names = [...takeOff].map((r) => r.code).sort().join(', ');
    return reject('LPN_HOLDS_CANCELLED_ORDER', holding.some((r) => r.id === root.id)
      ? `LPN ${root.code} holds units of cancelled order ${orders}: it does not ship; its units go back to stock through the order's return`
      : `LPN ${root.code} holds units of cancelled order ${orders} in ${names}: take ${takeOff.size === 1 ? 'it' : 'them'} off (move to a location) before it ships`,
    [{ field: '/barcode', message: `holds units of cancelled order ${orders}` }]);
  }

  /**
   * An LPN holding units of an order pack & ship has not packed yet (a pick tote, the order's packing not done, or
   * reopened by a repack) is not ready to ship: shipped, its units would leave physical tracking while the order goes on
   * being packed and booked without them, and its cancel would be refused ORDER_SHIPPED for good. Refused 409
   * UNITS_NOT_PACKED naming the orders and the LPNs holding their units (ADR 0011 addendum 2026-12-06 quinquies);
   * pack & ship decided it under the orders' locks (claimDockShip `unready`), nothing was claimed.
   */
  async function unreadyInside(tx: Tx, root: LpnRow, unready: ReadonlySet<string>): Promise<Outcome<never> | undefined> {
    if (unready.size === 0) return undefined;
    const tree = (await store.subtree(tx, root.id)).filter((r) => isLive(r.status));
    const holding = tree.filter((r) => r.contents.some((c) => c.orderId !== null && unready.has(c.orderId)));
    if (holding.length === 0) return undefined;
    const orders = [...new Set(holding.flatMap((r) => r.contents.flatMap((c) => (c.orderId !== null && unready.has(c.orderId) ? [c.orderId] : []))))].sort();
    const names = holding.map((r) => r.code).sort().join(', ');
    const one = orders.length === 1;
    return reject('UNITS_NOT_PACKED', `LPN ${root.code} holds units of order${one ? '' : 's'} ${orders.join(', ')}${holding.some((r) => r.id === root.id) ? '' : ` (in ${names})`}, `
      + `which ${one ? 'is' : 'are'} not packed yet: ${one ? 'it does' : 'they do'} not ship from the dock until packed (POST /api/v1/packages; its sealed carton ships); nothing shipped`,
    [{ field: '/barcode', message: `holds units of order${one ? '' : 's'} not packed yet: ${orders.join(', ')}` }]);
  }

  /**
   * An order's units ship in the cartons of its packages, never in the LPN they were picked into (a tote, or any LPN but
   * a carton): between pack & ship marking the order packed and this context moving its units into the carton
   * (PACK_INTO_CARTON, on pack-ship.package.packed) the tote still holds them, and shipped then, they left twice — in the
   * tote, and in the carton that took them in all the same. Refused 409 UNITS_NOT_PACKED naming the orders and the
   * LPNs holding their units; the carton ships once it holds them.
   */
  async function pickedUnitsInside(tx: Tx, root: LpnRow): Promise<Outcome<never> | undefined> {
    const tree = (await store.subtree(tx, root.id)).filter((r) => isLive(r.status));
    const holding = tree.filter((r) => r.type !== 'CARTON' && r.contents.some((c) => c.orderId !== null));
    if (holding.length === 0) return undefined;
    const orders = [...new Set(holding.flatMap((r) => r.contents.flatMap((c) => (c.orderId === null ? [] : [c.orderId]))))].sort();
    const names = holding.map((r) => r.code).sort().join(', ');
    const one = orders.length === 1;
    return reject('UNITS_NOT_PACKED', `LPN ${root.code} holds picked units of order${one ? '' : 's'} ${orders.join(', ')}${holding.some((r) => r.id === root.id) ? '' : ` (in ${names})`} `
      + `not moved into ${one ? 'its' : 'their'} carton${one ? '' : 's'} yet: an order's units ship in the cartons of its packages (scan the carton once packed); nothing shipped`,
    [{ field: '/barcode', message: `holds picked units of order${one ? '' : 's'} ${orders.join(', ')} outside a carton` }]);
  }

  /**
   * A carton whose package a failed quality inspection holds does not leave by a SHIP scan either (ADR 0031 addendum
   * 2026-12-04): pack & ship refuses to book or dispatch it, and the scan, which runs ahead of the dispatch, must not
   * ship it (nor free its label) behind quality's back. `held_packages` is this context's record of quality's holds.
   */
  async function heldInside(tx: Tx, root: LpnRow): Promise<Outcome<never> | undefined> {
    const tree = (await store.subtree(tx, root.id)).filter((r) => isLive(r.status));
    const held = await store.heldPackages(tx, root.site_id, [...new Set(tree.map((r) => r.code))]);
    if (held.length === 0) return undefined;
    return qualityHoldRefusal(root, tree, new Map(held.map((h) => [h.package_id, { packageId: h.package_id, inspectionId: h.inspection_id, status: h.status }])));
  }

  /** Ships an LPN and what is inside it; a container whose last child shipped and that holds nothing itself ships too. */
  /**
   * Containers before contents. A SHIP of an LPN inside another locks its container last (a container left holding
   * nothing live ships with it), while a CLOSE or STAGE that carries a container locks it first and then what is inside
   * it: fired together they deadlocked, the database broke the tie after a second and the loser was retried (503 once
   * past its retries). The containers the scanned LPN sits in are locked first, outermost first, read without a lock:
   * the two queue on the outermost one (test/e2e/inbound-control-races).
   */
  async function lockContainersOf(tx: Tx, siteId: string, ref: string): Promise<void> {
    const c = classifyLpnBarcode(ref);
    const scanned = ref.startsWith('lpn_') ? await store.lpn(tx, ref) : await store.liveByCode(tx, siteId, c.kind === 'INVALID' ? ref : c.code);
    if (scanned === undefined || scanned.parent_id === null) return;
    for (const id of (await store.chainUp(tx, scanned.id)).slice(1).reverse()) await store.lpn(tx, id, true);
  }

  async function shipTree(tx: Tx, root: LpnRow, actor: ScanActor, meta: EventMeta, at: Date, barcode: string, sourceEventId: string | null): Promise<LpnRow> {
    let out = root;
    for (const r of await store.subtree(tx, root.id)) {
      if (!isLive(r.status)) continue;
      const shipped = await walk(tx, r, shipPath(r.status), at, { locationId: null });
      if (r.id === root.id) out = shipped;
    }
    await record(tx, scanOf(root.site_id, at, actor, {
      barcode, meaning: 'SHIP', lpnId: root.id, locationId: root.location_id, quantity: unitCount(root.contents), sourceEventId,
    }), meta);
    if (root.parent_id !== null) {
      const parent = await store.lpn(tx, root.parent_id, true);
      if (parent !== undefined && isLive(parent.status) && unitCount(parent.contents) === 0) {
        const siblings = (await store.childIds(tx, [parent.id])).get(parent.id) ?? [];
        const live = (await store.lockLpns(tx, siblings));
        if ([...live.values()].every((s) => !isLive(s.status))) await shipTree(tx, parent, actor, meta, at, parent.code, sourceEventId);
      }
    }
    return out;
  }

  /**
   * The ASN lines a RECEIVE_LPN scan of `barcode` would receive (its label read, the ASNs the `asn-lpns` projection says
   * expect it, less those an LPN of the label was received for already), or the refusal.
   */
  async function asnLinesFor(db: Executor, siteId: string, barcode: string): Promise<Outcome<{ code: string; kind: 'SSCC' | 'INTERNAL'; lines: AsnLpnRow[] }>> {
    const label = codeOf(barcode, '/barcode');
    if (!label.ok) return label;
    const announced = await store.asnLpnLines(db, siteId, [label.value.code]);
    if (announced.length === 0) return reject('UNKNOWN_ASN_LPN', `No ASN of the site expects an LPN ${barcode}`, [{ field: '/barcode', message: 'not on an ASN' }]);
    if (await store.liveByCode(db, siteId, label.value.code) !== undefined) {
      return reject('LPN_CODE_TAKEN', `LPN ${label.value.code} was received already`, [{ field: '/barcode', message: 'already received' }]);
    }
    const alike = await store.liveCodeAlike(db, siteId, label.value.code);
    if (alike !== undefined) {
      return reject('LPN_CODE_TAKEN', `A live LPN of the site already carries ${alike}, which reads as ${label.value.code} (labels ignore letter case and width)`,
        [{ field: '/barcode', message: `in use as ${alike}` }]);
    }
    // Once per ASN, even after the received LPN left the floor and freed its label.
    const received = await store.receivedAsnLpns(db, siteId, label.value.code, [...new Set(announced.map((l) => l.asn_id))]);
    const toReceive = asnLinesToReceive(label.value.code, announced, received);
    return toReceive.ok ? ok({ code: label.value.code, kind: label.value.kind, lines: toReceive.value }) : toReceive;
  }

  /**
   * Before a RECEIVE_LPN scan's transaction: inventory admits the pallet's arrival against the ASNs it would be received
   * for (`InventoryApi.admitAsnLpnArrival`: each locked, those still OPEN or RECEIVING record it, committed). A cancel or
   * close of the ASN then either ended it first (it admits nothing, and the scan receives nothing for it) or comes after
   * and finds the arrival, though inventory has not heard the scan's event yet. Asked outside the transaction (no
   * connection held while inventory waits for the ASN's lock), after the checks the transaction makes again, so a scan
   * refused there (a label received already) asks nothing; undefined when it will be refused anyway.
   */
  async function admitArrival(cmd: { siteId: string; barcode: string; locationId: string }, attempt: ArrivalAttempt): Promise<ArrivalAdmission | undefined> {
    const found = await asnLinesFor(deps.db, cmd.siteId, cmd.barcode);
    if (!found.ok) return undefined;
    // Asked again inside the transaction (an ASN named since), under the same LPN id: one id to withdraw if it fails.
    let lease = attempt.lease;
    if (lease === undefined) {
      // The lease first, committed on its own (outside a request's unit of work too): a process killed from here on
      // leaves it, not renewed, and the arrival-admissions job withdraws what inventory admitted under the id.
      const lpnId = deps.ids.next('lpn');
      await deps.db.detached(() => store.insertArrivalAdmission(deps.db, lpnId, cmd.siteId, deps.clock.now()));
      const stop = keepRenewing(() => deps.db.detached(() => store.renewArrivalAdmission(deps.db, lpnId, deps.clock.now())), ARRIVAL_RENEW_MS,
        (e) => deps.log.warn({ lpnId, err: (e as Error).message }, 'physical-tracking: could not renew a RECEIVE_LPN scan\'s admission'));
      lease = { lpnId, stop };
      attempt.lease = lease;
    }
    const asnIds = [...new Set(found.value.lines.map((l) => l.asn_id))];
    const admitted = await apis.inventory.admitAsnLpnArrival({ siteId: cmd.siteId, asnIds, code: found.value.code, lpnId: lease.lpnId, locationId: cmd.locationId });
    const admission = { lpnId: lease.lpnId, asked: new Set(asnIds), admitted: new Set(admitted) };
    attempt.admission = admission;
    return admission;
  }

  /**
   * Withdraws an admission whose scan did not commit, then drops its lease. Inside a request's unit of work the
   * withdrawal goes with it (in one process the unit's rollback drops the admission too). A withdrawal that fails is
   * logged and its lease kept: no longer renewed, the arrival-admissions job withdraws it within seconds.
   */
  async function withdrawArrival(siteId: string, lpnId: string): Promise<void> {
    try {
      await apis.inventory.withdrawAsnLpnArrival({ siteId, lpnId });
      await deps.db.detached(() => store.dropArrivalAdmission(deps.db, lpnId));
    } catch (e) {
      deps.log.warn({ siteId, lpnId, err: e instanceof Error ? e.message : String(e) },
        'physical-tracking: could not withdraw the arrival of a RECEIVE_LPN scan that did not commit; the arrival-admissions job will');
    }
  }

  /**
   * The arrival-admissions job (ADR 0029 addendum 2026-12-07): an admission whose lease was not renewed for
   * `abandonAfterMs` (its scan's process was killed between the admission and the commit, or its withdrawal failed) is
   * ABANDONED — the scan's transaction receives only by taking it PENDING, under the same row lock, so the two never
   * both happen — and every abandoned one's arrival is withdrawn at inventory and its lease dropped. Answers how many.
   */
  async function withdrawAbandonedArrivals(abandonAfterMs: number): Promise<number> {
    await store.abandonArrivalAdmissions(deps.db, new Date(deps.clock.now().getTime() - abandonAfterMs));
    let withdrawn = 0;
    for (const a of await store.abandonedArrivalAdmissions(deps.db, 500)) {
      await apis.inventory.withdrawAsnLpnArrival({ siteId: a.siteId, lpnId: a.lpnId });
      await store.dropArrivalAdmission(deps.db, a.lpnId);
      withdrawn++;
    }
    return withdrawn;
  }

  async function receiveAsnLpn(
    tx: Tx, cmd: { siteId: string; barcode: string; locationId: string; type?: LpnType | undefined } & ScanActor, attempt: ArrivalAttempt, meta: EventMeta,
  ): Promise<Outcome<LpnRow>> {
    const label = codeOf(cmd.barcode, '/barcode');
    if (!label.ok) return label;
    await store.lockCode(tx, cmd.siteId, label.value.code);
    const found = await asnLinesFor(tx, cmd.siteId, cmd.barcode);
    if (!found.ok) return found;
    // Only what inventory admitted (an ASN it was not asked about, named by the projection since, is asked now).
    let admitted = attempt.admission;
    if (admitted === undefined || found.value.lines.some((l) => !admitted!.asked.has(l.asn_id))) admitted = await admitArrival(cmd, attempt);
    const ended = found.value.lines.filter((l) => admitted?.admitted.has(l.asn_id) !== true).map((l) => l.asn_id);
    const lines = found.value.lines.filter((l) => admitted?.admitted.has(l.asn_id) === true);
    if (lines.length === 0 || admitted === undefined) {
      return reject('UNKNOWN_ASN_LPN', `No ASN of the site expects an LPN ${cmd.barcode} any more: ASN ${[...new Set(ended)].join(', ')} was cancelled or closed `
        + '(build the pallet as an LPN, POST /lpns, beside a blind receipt)', [{ field: '/barcode', message: 'its ASN takes no more goods' }]);
    }
    const contents = addLines([], lines.flatMap((l): ContentLine[] => (l.serials.length === l.quantity
      ? l.serials.map((serial: string) => ({ sku: l.sku, lot: l.lot, serial, owner: l.owner_id, orderId: null, quantity: 1 }))
      : [{ sku: l.sku, lot: l.lot, serial: null, owner: l.owner_id, orderId: null, quantity: l.quantity }])));
    // Received only with the admission's lease taken, PENDING: one the job abandoned (this process stopped renewing it
    // for seconds) is withdrawn, and the pallet must not be received against it. A transient failure: scan again.
    if (!await store.takeArrivalAdmission(tx, admitted.lpnId)) {
      throw new Error(`physical-tracking: the admission of RECEIVE_LPN ${label.value.code} lapsed before its commit (not renewed); scan it again`);
    }
    const now = deps.clock.now();
    const row = await store.insertLpn(tx, {
      id: admitted.lpnId, siteId: cmd.siteId, code: label.value.code, codeKind: label.value.kind, type: cmd.type ?? 'PALLET', status: 'OPEN',
      parentId: null, locationId: cmd.locationId, contents, asnId: lines[0]!.asn_id, at: now,
    });
    if (row === undefined) return reject('LPN_CODE_TAKEN', `LPN ${label.value.code} was received already`, [{ field: '/barcode', message: 'already received' }]);
    await record(tx, scanOf(cmd.siteId, now, cmd, {
      barcode: cmd.barcode, meaning: 'RECEIVE_LPN', lpnId: row.id, locationId: cmd.locationId, quantity: unitCount(contents),
    }), meta);
    return ok(row);
  }

  /**
   * A scan from a handheld or fixed reader (`POST /scans`). RECEIVE_LPN receives the ASN LPN the barcode names at the
   * location; MOVE and PUTAWAY_TARGET move the LPN named to the location; LOAD_ONTO_PALLET puts it into `into`; CLOSE,
   * STAGE and SHIP change its status; the other meanings are recorded as they are (their effects come with the floor
   * events of picking and pack & ship).
   */
  async function scan(scanned: ScanCommand, meta: EventMeta): Promise<Outcome<{ scan: ScanView; lpn: LpnView | null }>> {
    if (scanned.locationId !== undefined) {
      const known = await placeAt(scanned.siteId, scanned.locationId, '/locationId');
      if (!known.ok) return known;
      scanned = { ...scanned, locationId: known.value.id };
    }
    const cmd = scanned;
    // A MOVE or PUTAWAY_TARGET scan of a LOST LPN finds it there: the place is checked first, outside the transaction.
    let place: Location | undefined;
    if ((cmd.meaning === 'MOVE' || cmd.meaning === 'PUTAWAY_TARGET') && cmd.locationId !== undefined) {
      const lostOne = await lostNamed(cmd.siteId, cmd.barcode);
      if (lostOne !== undefined) {
        const p = await findingPlace(lostOne, cmd.locationId, '/locationId');
        if (!p.ok) return p;
        place = p.value;
      }
    }
    if (cmd.meaning === 'RECEIVE_LPN' && cmd.locationId !== undefined) {
      // Admitted and then not received (refused after the admission: another LPN took the label meanwhile; or the
      // transaction failed): the arrival recorded under its LPN id is withdrawn, else it held the ASN as a scanned
      // pallet does, with no pallet (ADR 0029 addendum of 2026-12-06, "a refused scan"). The process killed before
      // that: its lease lapses and the arrival-admissions job withdraws it (addendum of 2026-12-07).
      const attempt: ArrivalAttempt = { admission: undefined, lease: undefined };
      let received: Outcome<{ scan: ScanView; lpn: LpnView | null }> | undefined;
      try {
        await admitArrival({ siteId: cmd.siteId, barcode: cmd.barcode, locationId: cmd.locationId }, attempt);
        received = await scanInTx(cmd, place, undefined, meta, attempt);
        return received;
      } finally {
        attempt.lease?.stop();
        if (attempt.lease !== undefined && received?.ok !== true) await withdrawArrival(cmd.siteId, attempt.lease.lpnId);
      }
    }
    if (cmd.meaning !== 'SHIP') return scanInTx(cmd, place, undefined, meta);
    // A SHIP scan claims the orders it would ship first; its transaction ships only what was claimed, and the claim is
    // settled once it is over (shipped: a cancel is refused for good; not: dropped).
    let claim = await claimTree(cmd.siteId, cmd.barcode, []);
    for (let attempt = 1; ; attempt++) {
      const ship: ShipAttempt = { claim, shipped: false, unclaimed: [] };
      let outcome: Outcome<{ scan: ScanView; lpn: LpnView | null }> | undefined;
      try {
        outcome = await scanInTx(cmd, place, ship, meta);
      } finally {
        claim.release();
        if (claim.claimed.size > 0) await settleClaim(claim.claimId, outcome?.ok === true && ship.shipped);
      }
      if (ship.unclaimed.length === 0 || attempt >= DOCK_CLAIM_ATTEMPTS) return outcome;
      claim = await claimTree(cmd.siteId, cmd.barcode, ship.unclaimed);
    }
  }

  /** The scan's transaction; a SHIP scan's `ship` says what it may ship and records what it did. */
  async function scanInTx(
    cmd: ScanCommand, place: Location | undefined, ship: ShipAttempt | undefined, meta: EventMeta, arrival?: ArrivalAttempt,
  ): Promise<Outcome<{ scan: ScanView; lpn: LpnView | null }>> {
    const needLocation = (): Outcome<string> => (cmd.locationId === undefined
      ? reject('UNPROCESSABLE', `A ${cmd.meaning} scan needs the location`, [{ field: '/locationId', message: 'required for this meaning' }])
      : ok(cmd.locationId));
    return decideInTx(deps.db, async (tx) => {
      let lpn: Outcome<LpnRow | null>;
      switch (cmd.meaning) {
        case 'RECEIVE_LPN': {
          const at = needLocation();
          lpn = at.ok ? await receiveAsnLpn(tx, { ...cmd, locationId: at.value }, arrival ?? { admission: undefined, lease: undefined }, meta) : at;
          break;
        }
        case 'MOVE':
        case 'PUTAWAY_TARGET': {
          const at = needLocation();
          if (!at.ok) return at;
          const r = await resolve(tx, cmd.siteId, cmd.barcode, '/barcode');
          if (r.ok && r.value.status === 'LOST' && place !== undefined) lpn = await findAt(tx, r.value.id, place, cmd, meta, cmd.barcode);
          else lpn = r.ok ? await moveLpn(tx, r.value, at.value, cmd.meaning, cmd, meta, cmd.barcode) : r;
          break;
        }
        case 'LOAD_ONTO_PALLET': {
          if (cmd.into === undefined) return reject('UNPROCESSABLE', 'A LOAD_ONTO_PALLET scan names the container (into)', [{ field: '/into', message: 'required for this meaning' }]);
          await store.lockNesting(tx, cmd.siteId);
          const child = await resolve(tx, cmd.siteId, cmd.barcode, '/barcode');
          if (!child.ok) return child;
          const parent = await resolve(tx, cmd.siteId, cmd.into, '/into');
          if (!parent.ok) return parent;
          lpn = await nest(tx, child.value, parent.value, cmd, meta, '/into', cmd.locationId);
          break;
        }
        case 'CLOSE':
        case 'REOPEN':
        case 'STAGE':
        case 'SHIP': {
          if (cmd.meaning === 'SHIP') await lockContainersOf(tx, cmd.siteId, cmd.barcode);
          const r = await resolve(tx, cmd.siteId, cmd.barcode, '/barcode');
          if (!r.ok) return r;
          if (!isLive(r.value.status)) return offFloor(r.value);
          const now = deps.clock.now();
          if (cmd.meaning === 'SHIP') {
            if (!isLive(r.value.status)) return offFloor(r.value);
            const claim = ship?.claim;
            const cancelled = await cancelledInside(tx, r.value, claim?.stopped ?? new Set());
            if (cancelled !== undefined) return cancelled;
            if (claim !== undefined && claim.stopping.size > 0) {
              return reject('ORDER_CANCELLING', `A cancel of order ${[...claim.stopping].sort().join(', ')} is being decided: nothing shipped, scan LPN ${r.value.code} again in a moment`);
            }
            const onHold = await heldInside(tx, r.value);
            if (onHold !== undefined) return onHold;
            const unready = await unreadyInside(tx, r.value, claim?.unready ?? new Set());
            if (unready !== undefined) return unready;
            const loose = await pickedUnitsInside(tx, r.value);
            if (loose !== undefined) return loose;
            // Only orders claimed at pack & ship leave: units of another loaded since the claim are claimed first, and so
            // is a carton loaded since (its package named to pack & ship, which then does not repack it).
            const unnamed = (await cartonsInTree(tx, r.value.id)).filter((x) => claim?.packages.has(x.packageId) !== true).flatMap((x) => x.orderIds);
            const unclaimed = [...new Set([...(await ordersInTree(tx, r.value.id)).filter((o) => claim?.claimed.has(o) !== true), ...unnamed])].sort();
            if (unclaimed.length > 0) {
              if (ship !== undefined) ship.unclaimed = unclaimed;
              return reject('CONFLICT', `LPN ${r.value.code} took in units of order ${unclaimed.join(', ')} while it was being shipped: scan it again`,
                [{ field: '/barcode', message: 'its contents changed during the scan' }]);
            }
            // The claim's fence: shipped only while it is PENDING (the dock-claims job has not abandoned it).
            if (claim !== undefined && claim.claimed.size > 0 && !await store.moveDockClaim(tx, claim.claimId, 'SHIPPED')) {
              return reject('CONFLICT', `The SHIP scan of LPN ${r.value.code} took too long and its claim lapsed: nothing shipped, scan it again`);
            }
            lpn = ok(await shipTree(tx, r.value, cmd, meta, now, cmd.barcode, null));
            if (ship !== undefined) ship.shipped = true;
            break;
          }
          const path: LpnStatus[] = cmd.meaning === 'CLOSE' ? ['CLOSED'] : cmd.meaning === 'REOPEN' ? ['OPEN'] : r.value.status === 'OPEN' ? ['CLOSED', 'STAGED'] : ['STAGED'];
          let at: LpnStatus = r.value.status;
          for (const p of path) {
            const c = lpnLifecycle.check(at, p);
            if (!c.ok) return c;
            at = p;
          }
          // Scanned elsewhere than it rests: it was carried there, with what is inside it and out of its container.
          const moved = scanMove({ locationId: r.value.location_id }, cmd.locationId);
          const placed = moved === undefined ? r.value : await moveTree(tx, r.value, moved.to, now);
          const row = await walk(tx, placed, path, now);
          await record(tx, scanOf(cmd.siteId, now, cmd, {
            barcode: cmd.barcode, meaning: cmd.meaning, lpnId: row.id, locationId: cmd.locationId ?? r.value.location_id,
            fromLocationId: moved === undefined ? null : r.value.location_id,
          }), meta);
          lpn = ok(row);
          break;
        }
        case 'PICK_INTO_TOTE':
        case 'PACK_INTO_CARTON':
        case 'BUILD':
        case 'CONSOLIDATE':
        case 'SPLIT': {
          const c = classifyLpnBarcode(cmd.barcode);
          const named = c.kind === 'INVALID' ? undefined : await store.liveByCode(tx, cmd.siteId, c.code);
          await record(tx, scanOf(cmd.siteId, deps.clock.now(), cmd, {
            barcode: cmd.barcode, meaning: cmd.meaning, lpnId: named?.id ?? null, locationId: cmd.locationId ?? null,
          }), meta);
          lpn = ok(named ?? null);
          break;
        }
        // Recorded by the LPN commands only: a loss is a supervisor's report, a find is a MOVE scan where it is.
        case 'LOST':
        case 'FOUND':
          return reject('UNPROCESSABLE', `${cmd.meaning} is recorded by POST /lpns/{id}/${cmd.meaning === 'LOST' ? 'lost' : 'found'}, not scanned`,
            [{ field: '/meaning', message: 'not a scan meaning' }]);
        default:
          return assertNever(cmd.meaning, 'scan meaning');
      }
      if (!lpn.ok) return lpn;
      // The scan this command recorded last (a ship of a pallet's last carton records the pallet's too).
      const recorded = await store.lastScanOfSession(tx);
      const fresh = lpn.value === null ? null : await store.lpn(tx, lpn.value.id);
      return ok({ scan: scanView(recorded), lpn: fresh === null || fresh === undefined ? null : await view(tx, fresh) });
    });
  }

  // ---- other contexts' floor events ----

  async function onAsnCreated(tx: Tx, d: AsnCreated): Promise<void> {
    await store.insertAsnLpnLines(tx, d.lines.filter((l) => l.expectedLpn !== null).map((l) => {
      const raw = l.expectedLpn!.trim();
      const sscc = normaliseSscc(raw);
      return {
        asn_id: d.asnId, line_no: l.lineNo, site_id: d.siteId, expected_lpn: sscc !== undefined && isValidSscc(sscc) ? sscc : raw,
        sku: l.sku, lot: l.lot, quantity: l.quantity, serials: [...l.serials],
        // The ASN's owner's units (ADR 0028); the default owner's are named by no owner, as an LPN built without one.
        owner_id: d.ownerId === undefined || d.ownerId === DEFAULT_OWNER_ID ? null : d.ownerId,
      };
    }));
  }

  /** inventory.asn.cancelled / closed: nothing more is received against the ASN, so a scan of its LPNs receives nothing. */
  async function onAsnEnded(tx: Tx, asnId: string): Promise<void> {
    await store.deleteAsnLpnLines(tx, asnId);
  }

  /** pack-ship.order.shipping-stopped: the order was cancelled before dispatch; its units never ship. */
  async function onShippingStopped(tx: Tx, d: ShippingStopped, at: Date): Promise<void> {
    await store.insertStoppedOrder(tx, { orderId: d.orderId, siteId: d.siteId, at });
  }

  /** quality.hold.placed of a package: its carton is not shipped by a scan until a disposition releases it. */
  async function onQualityHoldPlaced(tx: Tx, d: HoldPlaced, at: Date): Promise<void> {
    if (d.target.kind !== 'PACKAGE' || d.target.packageId === null) return;
    const label = classifyLpnBarcode(d.target.packageId);
    await store.insertHeldPackage(tx, { packageId: label.kind === 'INVALID' ? d.target.packageId : label.code, siteId: d.siteId, inspectionId: d.inspectionId, at });
  }

  /** quality.hold.disposed: RELEASE / REWORK lift the hold; SCRAP / RETURN_TO_VENDOR keep the carton from shipping. */
  async function onQualityHoldDisposed(tx: Tx, d: HoldDisposed): Promise<void> {
    if (d.target.kind !== 'PACKAGE') return;
    await store.disposeHeldPackage(tx, d.inspectionId, d.disposition === 'RELEASE' || d.disposition === 'REWORK');
  }

  /** A delivered run of other contexts' floor events (ADR 0043 addendum): see `floorEventsHandler`. */
  const onFloorEvents = floorEventsHandler(deps);

  // ---- queries ----

  async function get(id: string): Promise<LpnView | undefined> {
    const r = await store.lpn(deps.db, id);
    return r === undefined ? undefined : view(deps.db, r);
  }

  /** LPNs of a site; `code`: those whose label is it (their code or a carton's SSCC; an SSCC as any reader hands it over). */
  async function list(q: { siteId: string; locationId?: string | undefined; status?: LpnStatus | undefined; code?: string | undefined; after: string | null; limit: number }): Promise<LpnView[]> {
    const label = q.code === undefined ? undefined : classifyLpnBarcode(q.code);
    const rows = await store.lpns(deps.db, { ...q, code: label === undefined ? undefined : label.kind === 'INVALID' ? q.code : label.code });
    const children = await store.childIds(deps.db, rows.map((r) => r.id));
    return rows.map((r) => ({
      id: r.id, siteId: r.site_id, code: r.code, codeKind: r.code_kind, type: r.type, status: r.status, parentId: r.parent_id,
      childIds: children.get(r.id) ?? [], locationId: r.location_id, contents: r.contents, units: unitCount(r.contents), asnId: r.asn_id,
      createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), version: r.version, sscc: r.sscc,
    }));
  }

  async function timeline(id: string, after: number, limit: number): Promise<Outcome<{ rows: ScanRow[] }>> {
    if (await store.lpn(deps.db, id) === undefined) return reject('NOT_FOUND', `No LPN ${id}`);
    if (after !== 0 && !(await store.scanExists(deps.db, after))) return reject('VALIDATION_FAILED', 'The cursor is not valid', [{ field: '/querystring/cursor', message: 'no such scan' }]);
    return ok({ rows: await store.timeline(deps.db, id, after, limit) });
  }

  /**
   * Scans in time order. The location and LPN filters name them as commands do (a location by id or code, an LPN by id
   * or the label a live or lost one carries), kept as ids: a code matched against ids would answer an empty list, as if
   * nothing had been scanned there. A location of no kind at the site is 422 UNKNOWN_LOCATION, a label no LPN carries
   * 404 NOT_FOUND (a shipped or consumed LPN freed its label: name it by its id).
   */
  async function scans(q: { siteId: string; locationId?: string | undefined; workerId?: string | undefined; lpnId?: string | undefined; after: number; limit: number }): Promise<Outcome<{ rows: ScanRow[] }>> {
    if (q.after !== 0 && !(await store.scanExists(deps.db, q.after))) return reject('VALIDATION_FAILED', 'The cursor is not valid', [{ field: '/querystring/cursor', message: 'no such scan' }]);
    let { locationId, lpnId } = q;
    if (locationId !== undefined) {
      const place = await placeAt(q.siteId, locationId, '/querystring/location');
      if (!place.ok) return place;
      locationId = place.value.id;
    }
    if (lpnId !== undefined && !lpnId.startsWith('lpn_')) {
      const c = classifyLpnBarcode(lpnId);
      const code = c.kind === 'INVALID' ? lpnId : c.code;
      const lpn = await store.liveByCode(deps.db, q.siteId, code) ?? await store.lostByCode(deps.db, q.siteId, code);
      if (lpn === undefined) return reject('NOT_FOUND', `No live LPN ${lpnId} at site ${q.siteId}: name a shipped or consumed LPN by its id`, [{ field: '/querystring/lpn', message: 'unknown LPN label' }]);
      lpnId = lpn.id;
    }
    return ok({ rows: await store.scans(deps.db, { ...q, locationId, lpnId }) });
  }

  /**
   * Physical against logical: per tracked location (where live LPNs rest or any LPN was scanned, and the in-process
   * places of orders LPNs hold units of), SKU and lot, the units LPNs hold against inventory's on-hand, with the scans
   * that explain each difference.
   */
  async function reconcile(siteId: string): Promise<{ siteId: string; locations: number; differences: Difference[] }> {
    const physical = await store.physicalStock(deps.db, siteId);
    const tracked = [...new Set([...await store.trackedLocations(deps.db, siteId), ...physical.map((p) => p.location_id)])].sort();
    const logical = await apis.inventory.locationBalances(siteId, tracked);
    // Per owner too (ADR 0028): a client's pallet standing where the books hold the default owner's units of that SKU
    // and quantity is two differences, not none. An order's in-process units are its owner's whatever a tote line
    // says (a line made before lines named owners names none): compared with owners summed, named by the books' owner.
    const key = (l: string, s: string, lot: string | null, owner: string): string =>
      `${l}\u0000${s}\u0000${lot ?? ''}\u0000${l.startsWith('IN_PROCESS:') ? '' : owner}`;
    const rows = new Map<string, { locationId: string; sku: string; lot: string | null; ownerId: string; physical: number; logical: number; lpnIds: string[] }>();
    for (const p of physical) {
      const k = key(p.location_id, p.sku, p.lot, p.owner_id);
      const r = rows.get(k);
      rows.set(k, r === undefined
        ? { locationId: p.location_id, sku: p.sku, lot: p.lot, ownerId: p.owner_id, physical: p.quantity, logical: 0, lpnIds: p.lpn_ids }
        : { ...r, physical: r.physical + p.quantity, lpnIds: [...new Set([...r.lpnIds, ...p.lpn_ids])].sort() });
    }
    for (const b of logical) {
      const k = key(b.locationId, b.sku, b.lot, b.ownerId);
      const r = rows.get(k) ?? { locationId: b.locationId, sku: b.sku, lot: b.lot, ownerId: b.ownerId, physical: 0, logical: 0, lpnIds: [] };
      rows.set(k, { ...r, ownerId: b.ownerId, logical: r.logical + b.onHand });
    }
    const differences: Difference[] = [];
    for (const r of [...rows.values()].sort((a, b) => key(a.locationId, a.sku, a.lot, a.ownerId).localeCompare(key(b.locationId, b.sku, b.lot, b.ownerId)))) {
      if (r.physical === r.logical) continue;
      const kind = r.logical === 0 ? 'PHYSICAL_ONLY' : r.physical === 0 ? 'LOGICAL_ONLY' : 'QUANTITY_MISMATCH';
      const explaining = await store.scansExplaining(deps.db, siteId, r.locationId, r.lpnIds, EXPLAINING_SCANS);
      differences.push({ ...r, kind, scans: explaining.map(scanView) });
    }
    return { siteId, locations: tracked.length, differences };
  }

  return {
    build, close, reopen, settleDockClaims, withdrawAbandonedArrivals, backfillCartonSsccs, move, consolidate, split, lost, found, scan, get, list, timeline, scans, reconcile, ordersHeld,
    onAsnCreated, onAsnEnded, onShippingStopped, onQualityHoldPlaced, onQualityHoldDisposed, onFloorEvents,
  };
}

export type PhysicalTrackingService = ReturnType<typeof physicalTrackingService>;
