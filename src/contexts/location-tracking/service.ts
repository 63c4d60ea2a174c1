import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import type { Location } from '../../contracts/location-master.ts';
import { LocationTrackingEvents, type PositionReport, type TrackedKind } from '../../contracts/location-tracking.ts';
import type { LpnStatus, PhysicalTrackingApi } from '../../contracts/physical-tracking.ts';
import { alertConditions, reconcileAlerts, type AlertCondition, type AlertLimits } from './domain/alerts.ts';
import { advance, type Observation, type Position, type ZoneChange } from './domain/position.ts';
import { siteGeometry, type SiteGeometry } from './domain/site-geometry.ts';
import type { PositionStore } from './position-store.ts';
import { trackingStore, type AlertRow } from './store.ts';

export interface TrackingSettings extends AlertLimits {
  /** Metres around the site's locations still inside the site (PAKLOG_RTLS_SITE_MARGIN_M). */
  readonly marginM: number;
  /** An RTLS position within this many metres of a location is at that location (PAKLOG_RTLS_SNAP_M). */
  readonly snapM: number;
  /** A worker moving less than this from where they stopped is still (PAKLOG_RTLS_IDLE_RADIUS_M). */
  readonly idleRadiusM: number;
}

/** Why a report was refused: the reason label of `paklog_rtls_rejected_total`. */
export type RejectReason = 'malformed_topic' | 'unknown_kind' | 'malformed_payload' | 'unknown_site' | 'unknown_id' | 'outside_site' | 'future_timestamp' | 'past_timestamp' | 'wrong_site';

/**
 * How far ahead of PakLog's clock a report's timestamp may be (a sender's clock running fast). Beyond, the report is
 * refused: newest wins, so one position from next year would make every real report after it stale.
 */
export const FUTURE_SKEW_MS = 5 * 60_000;

/**
 * How far behind PakLog's clock a report's timestamp may be. Beyond, the report is refused: it says where the thing was,
 * not where it is, and a first report from long ago (a tag whose clock reset to 1970) made a worker idle since then, so
 * WORKER_IDLE was raised at the next scan. A newer position held makes such a report stale anyway (ADR 0030 addendum).
 */
export const PAST_WINDOW_MS = 24 * 3600_000;

/** A scan physical-tracking recorded (`physical-tracking.scan.recorded.v1`): the integrator wires that event here. */
export interface ScanRecorded {
  readonly scanId: string;
  readonly siteId: string;
  readonly at: string;
  readonly workerId?: string | null | undefined;
  readonly deviceId?: string | null | undefined;
  readonly locationId?: string | null | undefined;
  readonly lpnId?: string | null | undefined;
  readonly barcode: string;
  readonly meaning: string;
}

export interface Applied {
  readonly outcome: 'applied' | 'stale';
  readonly position: Position;
}

const GEOMETRY_TTL_MS = 30_000;
const NEGATIVE_TTL_MS = 5_000;
const CAS_ATTEMPTS = 20;
const LAST_WRITTEN_MAX = 100_000;

/** LPN statuses of an LPN no longer in the building: its last position is history, not a place it waits at. */
const LEFT_THE_FLOOR: readonly LpnStatus[] = ['SHIPPED', 'CONSUMED'];

/**
 * Location tracking: observations (RTLS reports, scans) → live positions in the position store; zone changes → events
 * through the outbox with the dwell history; the alert scan; the queries of the API.
 */
export function trackingService(deps: PlatformDeps, positions: PositionStore, settings: TrackingSettings, lpns: Pick<PhysicalTrackingApi, 'getLpn'>) {
  const reports = deps.metrics.counter('paklog_rtls_reports_total', 'Position reports and scans handled, by outcome (applied, stale: older than the held position, failed)', ['outcome']);
  const rejected = deps.metrics.counter('paklog_rtls_rejected_total', 'Position reports refused, by reason (malformed_topic, unknown_kind, malformed_payload, unknown_site, unknown_id, outside_site, future_timestamp, past_timestamp, wrong_site)', ['reason']);
  const geometries = new Map<string, { geo: Promise<SiteGeometry>; at: number }>();
  const sites = new Map<string, { id: string | undefined; at: number }>();
  /** Per tracked thing, its home site as last read (undefined: not tracked) and when: re-read after NEGATIVE_TTL_MS. */
  const homes = new Map<string, { home: string | undefined; id: string; at: number }>();
  /** Per tracked thing, the tail of its observations being applied in this process. */
  const chains = new Map<string, Promise<void>>();
  /** The positions this process wrote last (bounded, oldest out first): the expected value of the next compare-and-set. */
  const lastWritten = new Map<string, Position>();

  const geometry = (siteId: string): Promise<SiteGeometry> => {
    const hit = geometries.get(siteId);
    if (hit !== undefined && Date.now() - hit.at < GEOMETRY_TTL_MS) return hit.geo;
    const geo = trackingStore.siteLocations(deps.db, siteId).then((ls) => siteGeometry(siteId, ls, settings.marginM, settings.snapM));
    geometries.set(siteId, { geo, at: Date.now() });
    geo.catch(() => geometries.delete(siteId));
    return geo;
  };

  const resolveSite = async (ref: string): Promise<string | undefined> => {
    const hit = sites.get(ref);
    if (hit !== undefined && (hit.id !== undefined || Date.now() - hit.at < NEGATIVE_TTL_MS)) return hit.id;
    const id = (await trackingStore.findSite(deps.db, ref))?.id;
    sites.set(ref, { id, at: Date.now() });
    return id;
  };

  /**
   * What `kind`/`id` names among the tracked: its id as registered (a worker id ignores letter case, ADR 0019: `ELLA` is
   * worker `ella`) and the site it is registered at; undefined when it is not tracked. Cached for a few seconds: a thing
   * re-homed by another process reports at its new home after at most NEGATIVE_TTL_MS (this process's own re-homing is
   * seen at once).
   */
  const trackedAs = async (kind: TrackedKind, id: string): Promise<{ home: string; id: string } | undefined> => {
    const key = `${kind}:${id}`;
    const hit = homes.get(key);
    if (hit !== undefined && Date.now() - hit.at < NEGATIVE_TTL_MS) return hit.home === undefined ? undefined : { home: hit.home, id: hit.id };
    const found = await trackingStore.findTracked(deps.db, kind, id);
    homes.set(key, { home: found?.siteId, id: found?.id ?? id, at: Date.now() });
    return found === undefined ? undefined : { home: found.siteId, id: found.id };
  };
  /** This process's own (re-)registration or removal of a thing, seen at once under every letter case of a worker's id. */
  const remembered = (kind: TrackedKind, id: string, home: string | undefined): void => {
    if (kind === 'worker') {
      const folded = `${kind}:${id}`.toLowerCase();
      for (const key of [...homes.keys()]) if (key.toLowerCase() === folded) homes.delete(key);
    }
    homes.set(`${kind}:${id}`, { home, id, at: Date.now() });
  };

  /**
   * A zone change's events. The exit is the exited zone's site's (a thing that moved to another site left a zone of the
   * old one: that site's listeners hear it, and its dwell history keeps the visit); a zone of another site is no
   * `toZone`/`fromZone` (null), as zone names are a site's own.
   */
  const zoneEvents = (p: Position, change: ZoneChange): PublishedEvent[] => {
    const subject = `${p.kind}:${p.id}`;
    const out: PublishedEvent[] = [];
    const exited = change.exited;
    const sameSite = exited !== null && exited.siteId === p.siteId;
    if (exited !== null) {
      out.push({
        type: LocationTrackingEvents.zoneExited, subject, siteId: exited.siteId,
        data: { siteId: exited.siteId, kind: p.kind, id: p.id, zone: exited.zone, at: p.at, enteredAt: exited.enteredAt, dwellS: exited.dwellS, toZone: sameSite ? p.zone : null },
      });
    }
    if (change.entered !== null) {
      out.push({
        type: LocationTrackingEvents.zoneEntered, subject, siteId: p.siteId,
        data: { siteId: p.siteId, kind: p.kind, id: p.id, zone: change.entered.zone, at: p.at, fromZone: sameSite ? exited.zone : null },
      });
    }
    return out;
  };

  /**
   * Applies one observation: compare-and-set against the held position until it wins or is stale. A zone change is
   * then written through the outbox with the finished visit, in one transaction (after the store accepted the
   * position: a crash between the two loses that event; the next change is still announced — ADR 0030).
   */
  async function apply(o: Observation, meta: EventMeta): Promise<Applied> {
    const key = `${o.kind}:${o.id}`;
    // One thing's observations are applied one after another in this process, in arrival order: they do not race each
    // other's compare-and-set (other processes still may; the store settles that).
    const before = chains.get(key);
    const run = (before === undefined ? applyNow(o, meta) : before.then(() => applyNow(o, meta), () => applyNow(o, meta)));
    const settled = run.then(() => undefined, () => undefined);
    chains.set(key, settled);
    void settled.then(() => { if (chains.get(key) === settled) chains.delete(key); });
    return run;
  }

  async function applyNow(o: Observation, meta: EventMeta): Promise<Applied> {
    const key = `${o.kind}:${o.id}`;
    // The position this process wrote last is the likely one held: the compare-and-set says when it is not.
    let previous = lastWritten.get(key) ?? await positions.get(o.kind, o.id);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const step = advance(previous, o, settings.idleRadiusM);
      if (!step.applied) {
        // Judged against a remembered position: make sure it is still the held one before calling the report stale.
        const held = await positions.get(o.kind, o.id);
        if (held?.rev !== previous?.rev) {
          previous = held;
          continue;
        }
        reports.inc({ outcome: 'stale' });
        return { outcome: 'stale', position: previous! };
      }
      if (!(await positions.compareAndSet(previous, step.next))) {
        previous = await positions.get(o.kind, o.id);
        continue;
      }
      remember(key, step.next);
      reports.inc({ outcome: 'applied' });
      if (step.change !== null) {
        const change = step.change;
        await deps.db.tx(async (tx) => {
          if (change.exited !== null) {
            await trackingStore.recordVisit(tx, {
              siteId: change.exited.siteId, zone: change.exited.zone, kind: o.kind, id: o.id, enteredAt: change.exited.enteredAt, exitedAt: o.at, dwellS: change.exited.dwellS,
            });
          }
          await deps.bus.append(tx, 'location-tracking', zoneEvents(step.next, change), meta);
        });
      }
      return { outcome: 'applied', position: step.next };
    }
    reports.inc({ outcome: 'failed' });
    throw new Error(`position of ${o.kind} ${o.id}: ${CAS_ATTEMPTS} concurrent writers in a row`);
  }

  /**
   * The conditions of things still on the floor. Nothing reports an LPN that left the building (shipped, or consumed into
   * another), so its last position stays where it was last scanned — at the dock — and it would be "staged too long" for
   * good, an alert nothing could clear. Physical tracking, which owns LPNs, is asked about those over the limit only (at
   * the alert scan, never per report); an LPN it does not know, or a question it cannot answer, keeps its condition.
   */
  async function onTheFloor(conditions: AlertCondition[]): Promise<AlertCondition[]> {
    const out: AlertCondition[] = [];
    for (const c of conditions) {
      if (c.position.kind === 'lpn') {
        // Physical tracking unreachable (split deployment): judged as before, the next scan asks again.
        const lpn = await lpns.getLpn(c.position.id).catch(() => undefined);
        if (lpn !== undefined && LEFT_THE_FLOOR.includes(lpn.status)) continue;
      }
      out.push(c);
    }
    return out;
  }

  const remember = (key: string, p: Position): void => {
    lastWritten.delete(key);
    lastWritten.set(key, p);
    if (lastWritten.size > LAST_WRITTEN_MAX) lastWritten.delete(lastWritten.keys().next().value as string);
  };

  return {
    positions,
    counters: { reports, rejected },

    /**
     * An RTLS report for `kind`/`id` at the site named `siteRef` (its id or code): refused when the site, the kind or the
     * id is unknown or the point is outside the site; else applied (or stale, when a newer position is held).
     * With `atHomeOnly` (the MQTT feed, which has no caller whose sites could be checked), a thing registered at another
     * site is refused too (`wrong_site`): a feed on site A's topic may not place site B's forklift or LPN at A.
     */
    async report(siteRef: string, kind: TrackedKind, typedId: string, r: PositionReport, meta: EventMeta = {}, o: { atHomeOnly?: boolean } = {}): Promise<Outcome<Applied> & { reason?: RejectReason }> {
      const siteId = await resolveSite(siteRef);
      if (siteId === undefined) {
        rejected.inc({ reason: 'unknown_site' });
        return { ...reject('UNKNOWN_SITE', `No site ${siteRef}`, [{ field: '/siteId', message: 'is not the id or code of a site' }]), reason: 'unknown_site' };
      }
      const tracked = await trackedAs(kind, typedId);
      if (tracked === undefined) {
        rejected.inc({ reason: 'unknown_id' });
        return { ...reject('UNKNOWN_TRACKED', `No ${kind} ${typedId} is tracked (register it with PUT /tracked/${kind}/${typedId})`, [{ field: '/id', message: 'is not tracked' }]), reason: 'unknown_id' };
      }
      // The id as registered: a worker's report in another letter case is that worker's, one position.
      const { home, id } = tracked;
      if (o.atHomeOnly === true && home !== siteId) {
        rejected.inc({ reason: 'wrong_site' });
        return {
          ...reject('FORBIDDEN_AT_SITE', `${kind} ${id} is registered at site ${home}, not at ${siteRef} (re-home it with PUT /tracked/${kind}/${id})`,
            [{ field: '/id', message: 'is registered at another site' }]),
          reason: 'wrong_site',
        };
      }
      if (Date.parse(r.timestamp) > deps.clock.now().getTime() + FUTURE_SKEW_MS) {
        rejected.inc({ reason: 'future_timestamp' });
        return {
          ...reject('POSITION_IN_FUTURE', `${r.timestamp} is more than ${FUTURE_SKEW_MS / 60_000} minutes after now (${deps.clock.now().toISOString()})`,
            [{ field: '/timestamp', message: 'is in the future' }]),
          reason: 'future_timestamp',
        };
      }
      if (Date.parse(r.timestamp) < deps.clock.now().getTime() - PAST_WINDOW_MS) {
        rejected.inc({ reason: 'past_timestamp' });
        return {
          ...reject('POSITION_TOO_OLD', `${r.timestamp} is more than ${PAST_WINDOW_MS / 3600_000} hours before now (${deps.clock.now().toISOString()})`,
            [{ field: '/timestamp', message: 'is too far in the past' }]),
          reason: 'past_timestamp',
        };
      }
      const geo = await geometry(siteId);
      if (!geo.inside(r.x, r.y)) {
        rejected.inc({ reason: 'outside_site' });
        return { ...reject('POSITION_OUTSIDE_SITE', `(${r.x}, ${r.y}) is outside site ${siteRef}`, [{ field: '/x', message: 'with y, outside the site\'s bounds' }]), reason: 'outside_site' };
      }
      const at = geo.nearest(r.x, r.y);
      return ok(await apply({
        siteId, kind, id, x: r.x, y: r.y, zone: r.zone ?? at?.zone ?? geo.zoneAt(r.x, r.y), locationId: at?.id ?? null, locationType: at?.type ?? null,
        at: new Date(r.timestamp).toISOString(), source: 'rtls', seq: r.seq ?? null,
      }, meta));
    },

    /** Counts a report refused before it reached `report` (bad topic, kind or payload). */
    refused(reason: RejectReason): void {
      rejected.inc({ reason });
    },

    /**
     * A recorded scan places its LPN and its worker at the scanned location (the integrator wires
     * `physical-tracking.scan.recorded.v1` here). A scan names them, so they become tracked. A scan without a location,
     * or at a location this context does not know, places nothing.
     */
    async recordScanPosition(scan: ScanRecorded, meta: EventMeta = {}): Promise<{ placed: { kind: TrackedKind; id: string; outcome: Applied['outcome'] }[]; reason?: 'no_location' | 'unknown_location' }> {
      if (scan.locationId === undefined || scan.locationId === null) return { placed: [], reason: 'no_location' };
      const geo = await geometry(scan.siteId);
      const location = geo.byId.get(scan.locationId);
      if (location === undefined) {
        rejected.inc({ reason: 'unknown_location' });
        return { placed: [], reason: 'unknown_location' };
      }
      const subjects: { kind: TrackedKind; id: string }[] = [];
      if (scan.lpnId !== undefined && scan.lpnId !== null) subjects.push({ kind: 'lpn', id: scan.lpnId });
      if (scan.workerId !== undefined && scan.workerId !== null) subjects.push({ kind: 'worker', id: scan.workerId });
      const placed: { kind: TrackedKind; id: string; outcome: Applied['outcome'] }[] = [];
      for (const named of subjects) {
        const tracked = await trackedAs(named.kind, named.id);
        const s = { kind: named.kind, id: tracked?.id ?? named.id };
        if (tracked === undefined) {
          await trackingStore.track(deps.db, { ...s, siteId: scan.siteId, label: null, at: deps.clock.now() });
          remembered(s.kind, s.id, scan.siteId);
        }
        const applied = await apply({
          siteId: scan.siteId, kind: s.kind, id: s.id, x: location.x, y: location.y, zone: location.zone, locationId: location.id,
          locationType: location.type, at: new Date(scan.at).toISOString(), source: 'scan', seq: null,
        }, meta);
        placed.push({ ...s, outcome: applied.outcome });
      }
      return { placed };
    },

    /** Registers (or re-homes) something that may report positions. */
    async track(siteRef: string, kind: TrackedKind, typedId: string, label: string | null): Promise<Outcome<{ kind: TrackedKind; id: string; siteId: string; label: string | null; registeredAt: string }>> {
      const siteId = await resolveSite(siteRef);
      if (siteId === undefined) return reject('UNKNOWN_SITE', `No site ${siteRef}`, [{ field: '/siteId', message: 'is not the id or code of a site' }]);
      // A worker registered already in another letter case is re-homed, not registered a second time (ADR 0019).
      const id = (await trackingStore.findTracked(deps.db, kind, typedId))?.id ?? typedId;
      if (kind === 'lpn') {
        // Asked before anything is written (and outside any transaction): physical tracking owns the LPNs.
        const lpn = await lpns.getLpn(id);
        if (lpn?.siteId !== siteId) {
          return reject('UNKNOWN_LPN', lpn === undefined ? `No LPN ${id} (physical tracking knows none)` : `LPN ${id} belongs to another site`, [
            { field: '/id', message: lpn === undefined ? 'is not the id of an LPN' : 'is an LPN of another site' },
          ]);
        }
      }
      const saved = await trackingStore.track(deps.db, { kind, id, siteId, label, at: deps.clock.now() });
      remembered(kind, id, siteId);
      return ok({ kind, ...saved });
    },

    /**
     * Unregisters a thing (a forklift sold, a tag retired): its live position is forgotten (it leaves the positions and
     * its zone's occupancy), its open alerts clear with `alert.cleared`, and its reports are refused as of anything not
     * tracked (another process within its few seconds of cache may still place it once: unregister it again). A worker
     * or LPN named by a later scan, or a worker given a task profile, is registered again by itself.
     */
    async untrack(kind: TrackedKind, typedId: string, meta: EventMeta = {}): Promise<Outcome<{ kind: TrackedKind; id: string; siteId: string }>> {
      const home = await trackingStore.findTracked(deps.db, kind, typedId);
      if (home === undefined) return reject('NOT_FOUND', `No ${kind} ${typedId} is tracked`);
      const id = home.id;
      const removed = await deps.db.tx(async (tx) => {
        if (!(await trackingStore.untrack(tx, kind, id))) return false;
        const open = (await trackingStore.openAlerts(tx, home.siteId)).filter((a) => a.kind === kind && a.trackedId === id);
        for (const a of open) await trackingStore.clearAlert(tx, a.id, deps.clock.now());
        if (open.length > 0) {
          await deps.bus.append(tx, 'location-tracking', open.map((a) => ({
            type: LocationTrackingEvents.alertCleared, subject: a.id, siteId: a.siteId, data: { alertId: a.id, siteId: a.siteId, kind: a.kind, id: a.trackedId, type: a.type },
          })), meta);
        }
        return true;
      });
      if (!removed) return reject('NOT_FOUND', `No ${kind} ${id} is tracked`);
      remembered(kind, id, undefined);
      await positions.remove(kind, id);
      return ok({ kind, id, siteId: home.siteId });
    },

    /** A worker with a task profile may report positions (tasks.worker.profile-changed). */
    async learnWorker(tx: Executor, workerId: string, siteId: string): Promise<void> {
      // Registered already in another letter case (PUT /tracked/worker/ELLA before ella's profile): that one is re-homed.
      const id = (await trackingStore.findTracked(tx, 'worker', workerId))?.id ?? workerId;
      await trackingStore.track(tx, { kind: 'worker', id, siteId, label: null, at: deps.clock.now() });
      const folded = `worker:${id}`.toLowerCase();
      for (const key of [...homes.keys()]) if (key.toLowerCase() === folded) homes.delete(key);
    },

    async learnSite(tx: Tx, site: { id: string; code: string }): Promise<void> {
      await trackingStore.learnSite(tx, site);
      tx.afterCommit(() => { sites.clear(); });
    },

    async learnLocations(tx: Tx, siteId: string, locations: readonly Location[]): Promise<void> {
      await trackingStore.learnLocations(tx, locations);
      tx.afterCommit(() => { geometries.delete(siteId); });
    },

    /** A location's new status (location.status-changed): a deactivated one is no longer where positions are placed. */
    async learnLocationStatus(tx: Tx, siteId: string, locationId: string, status: string): Promise<void> {
      await trackingStore.setLocationStatus(tx, locationId, status);
      tx.afterCommit(() => { geometries.delete(siteId); });
    },

    resolveSite,

    /**
     * The id of the location a query names by its id or its code at the site (GET /positions?locationId=), from this
     * context's projection of location-master's locations (where positions take their locationId from); undefined when
     * it is neither, e.g. another site's location.
     */
    async resolveLocation(siteId: string, idOrCode: string): Promise<string | undefined> {
      return (await trackingStore.findLocation(deps.db, siteId, idOrCode))?.id;
    },

    /** The site a tracked thing is registered at (its home); undefined when it is not tracked. */
    async homeOf(kind: TrackedKind, id: string): Promise<string | undefined> {
      return (await trackingStore.findTracked(deps.db, kind, id))?.siteId;
    },

    /** Where `kind`/`id` is now; a worker named in another letter case is found under the id they are tracked as. */
    async whereIs(kind: TrackedKind, id: string): Promise<Position | undefined> {
      return positions.get(kind, (await trackedAs(kind, id))?.id ?? id);
    },

    /** Who is in a zone now, by location and kind, with their dwell so far; and the zone's finished visits of the last 24 h. */
    async occupancy(siteId: string, zone: string) {
      const now = deps.clock.now();
      const inZone = await positions.list(siteId, zone);
      const byLocation = new Map<string, number>();
      const byKind: Record<TrackedKind, number> = { worker: 0, equipment: 0, lpn: 0 };
      for (const p of inZone) {
        byKind[p.kind] += 1;
        if (p.locationId !== null) byLocation.set(p.locationId, (byLocation.get(p.locationId) ?? 0) + 1);
      }
      const stats = await trackingStore.visitStats(deps.db, siteId, zone, new Date(now.getTime() - 86_400_000));
      return {
        siteId, zone, count: inZone.length, byKind,
        locations: [...byLocation].sort(([a], [b]) => (a < b ? -1 : 1)).map(([locationId, count]) => ({ locationId, count })),
        occupants: inZone.map((p) => ({
          kind: p.kind, id: p.id, locationId: p.locationId, since: p.zoneSince ?? p.at,
          dwellS: Math.max(0, (now.getTime() - Date.parse(p.zoneSince ?? p.at)) / 1000),
        })),
        visitsLast24h: stats.visits, meanDwellS: stats.meanDwellS,
      };
    },

    /**
     * The alert scan: per site, the conditions holding now against the open alerts; new ones raised, ended ones
     * cleared, each with its event, in one transaction per site. Returns how many alerts changed.
     */
    async scanAlerts(): Promise<number> {
      let changed = 0;
      for (const siteId of await trackingStore.siteIds(deps.db)) {
        const holding = await onTheFloor(alertConditions(await positions.list(siteId), deps.clock.now(), settings));
        changed += await deps.db.tx(async (tx) => {
          const now = deps.clock.now();
          const { raise, clear } = reconcileAlerts(await trackingStore.openAlerts(tx, siteId), holding);
          // An episode a person closed (POST /tracking-alerts/{id}/close) is not raised again; a new one (moved, then
          // idle again; staged again) is.
          const closed = await trackingStore.closedEpisodes(tx, siteId, [...new Set(raise.map((c) => c.position.id))]);
          const events: PublishedEvent[] = [];
          for (const c of raise) {
            if (closed.has(`${c.type}|${c.position.kind}|${c.position.id}|${new Date(c.since).toISOString()}`)) continue;
            const alert: Omit<AlertRow, 'clearedAt' | 'closedBy' | 'closeReason'> = {
              id: deps.ids.next('alr'), siteId, type: c.type, kind: c.position.kind, trackedId: c.position.id, zone: c.position.zone,
              locationId: c.position.locationId, since: c.since, thresholdS: c.thresholdS, raisedAt: now.toISOString(),
            };
            if (!(await trackingStore.insertAlert(tx, alert))) continue;
            events.push({
              type: LocationTrackingEvents.alertRaised, subject: alert.id, siteId,
              data: { alertId: alert.id, siteId, kind: alert.kind, id: alert.trackedId, type: alert.type, zone: alert.zone, locationId: alert.locationId, since: alert.since, thresholdS: alert.thresholdS },
            });
          }
          for (const a of clear) {
            await trackingStore.clearAlert(tx, a.id, now);
            events.push({ type: LocationTrackingEvents.alertCleared, subject: a.id, siteId, data: { alertId: a.id, siteId, kind: a.kind, id: a.trackedId, type: a.type } });
          }
          if (events.length > 0) await deps.bus.append(tx, 'location-tracking', events, {});
          return events.length;
        });
      }
      return changed;
    },

    /** The alert of that id, undefined when there is none. */
    async getAlert(id: string): Promise<AlertRow | undefined> {
      return (await trackingStore.listAlerts(deps.db, { after: null, limit: 1, id }))[0];
    },

    /**
     * A person closes an open alert: a way out for one whose condition will not end by itself (a worker whose tag stopped
     * reporting stays "idle" where it was last seen). Cleared with who and why, with `alert.cleared`; the scan does not
     * raise the same episode again. 409 TRACKING_ALERT_NOT_OPEN for one cleared or closed already.
     */
    async closeAlert(id: string, by: string, reason: string, meta: EventMeta = {}): Promise<Outcome<AlertRow>> {
      return deps.db.tx(async (tx) => {
        const a = await trackingStore.lockAlert(tx, id);
        if (a === undefined) return reject('NOT_FOUND', `No location alert ${id}`);
        if (a.clearedAt !== null) {
          return reject('TRACKING_ALERT_NOT_OPEN', `Alert ${id} is no longer open: ${a.closedBy === null ? `its condition ended (cleared ${a.clearedAt})` : `closed by ${a.closedBy} at ${a.clearedAt}`}`);
        }
        const closed = await trackingStore.closeAlert(tx, id, deps.clock.now(), by, reason);
        await deps.bus.append(tx, 'location-tracking', [{
          type: LocationTrackingEvents.alertCleared, subject: a.id, siteId: a.siteId, data: { alertId: a.id, siteId: a.siteId, kind: a.kind, id: a.trackedId, type: a.type },
        }], meta);
        return ok(closed);
      });
    },

    listAlerts: (f: Parameters<typeof trackingStore.listAlerts>[1]) => trackingStore.listAlerts(deps.db, f),
  };
}

export type TrackingService = ReturnType<typeof trackingService>;
