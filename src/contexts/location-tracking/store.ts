import type { Executor } from '../../platform/db/database.ts';
import type { AlertType, TrackedKind } from '../../contracts/location-tracking.ts';
import type { Location } from '../../contracts/location-master.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { LocationTrackingAlerts } from './db-types.ts';
import type { TrackedLocation } from './domain/site-geometry.ts';

export interface AlertRow {
  readonly id: string;
  readonly siteId: string;
  readonly type: AlertType;
  readonly kind: TrackedKind;
  readonly trackedId: string;
  readonly zone: string | null;
  readonly locationId: string | null;
  readonly since: string;
  readonly thresholdS: number;
  readonly raisedAt: string;
  readonly clearedAt: string | null;
  /** Who closed it by hand (POST /tracking-alerts/{id}/close), and why; null when the scan cleared it or it is open. */
  readonly closedBy: string | null;
  readonly closeReason: string | null;
}

const ALERT_COLUMNS = columnList(['id', 'site_id', 'type', 'kind', 'tracked_id', 'zone', 'location_id', 'since', 'threshold_s', 'raised_at', 'cleared_at', 'closed_by', 'close_reason']);
/** An alert row, type and kind narrowed by the table's CHECKs. */
type AlertDbRow = Narrowed<Selectable<LocationTrackingAlerts>, { type: AlertType; kind: TrackedKind }>;
const alertOf = (r: AlertDbRow): AlertRow => ({
  id: r.id, siteId: r.site_id, type: r.type, kind: r.kind, trackedId: r.tracked_id, zone: r.zone, locationId: r.location_id,
  since: r.since.toISOString(), thresholdS: r.threshold_s, raisedAt: r.raised_at.toISOString(), clearedAt: r.cleared_at?.toISOString() ?? null,
  closedBy: r.closed_by, closeReason: r.close_reason,
});

/** SQL of the location_tracking schema. */
export const trackingStore = {
  async learnSite(db: Executor, site: { id: string; code: string }): Promise<void> {
    await db.query('INSERT INTO location_tracking.sites (id, code) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [site.id, site.code]);
  },

  async learnLocations(db: Executor, locations: readonly Location[]): Promise<void> {
    if (locations.length === 0) return;
    await db.query(
      `INSERT INTO location_tracking.locations (id, site_id, code, type, zone, x, y, status)
       SELECT id, site_id, code, type, zone, x, y, coalesce(status, 'ACTIVE')
         FROM jsonb_to_recordset($1::jsonb) AS r(id text, site_id text, code text, type text, zone text, x double precision, y double precision, status text)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(locations.map((l) => ({ id: l.id, site_id: l.siteId, code: l.code, type: l.type, zone: l.zone, x: l.x, y: l.y, status: l.status })))],
    );
  },

  /** A location blocked, unblocked or deactivated (location-master's location.status-changed). */
  async setLocationStatus(db: Executor, id: string, status: string): Promise<void> {
    await db.query('UPDATE location_tracking.locations SET status = $2 WHERE id = $1', [id, status]);
  },

  /** A site by id or code. */
  async findSite(db: Executor, idOrCode: string): Promise<{ id: string; code: string } | undefined> {
    return (await db.query<{ id: string; code: string }>('SELECT id, code FROM location_tracking.sites WHERE id = $1 OR code = $1', [idOrCode]))[0];
  },

  /** A location of the site by its id or its code (the id first when a value is both), from the projection of location-master's. */
  async findLocation(db: Executor, siteId: string, idOrCode: string): Promise<{ id: string } | undefined> {
    return (await db.query<{ id: string }>(
      'SELECT id FROM location_tracking.locations WHERE site_id = $1 AND (id = $2 OR code = $2) ORDER BY id = $2 DESC LIMIT 1', [siteId, idOrCode],
    ))[0];
  },

  async siteIds(db: Executor): Promise<string[]> {
    return (await db.query<{ id: string }>('SELECT id FROM location_tracking.sites ORDER BY id')).map((r) => r.id);
  },

  async siteLocations(db: Executor, siteId: string): Promise<TrackedLocation[]> {
    return db.query<TrackedLocation>('SELECT id, code, type, zone, x, y, status FROM location_tracking.locations WHERE site_id = $1', [siteId]);
  },

  /**
   * Registers (or re-homes) a thing and answers the row as this statement left it: read back afterwards, a concurrent
   * PUT's label was answered for this one, or a DELETE in between left nothing to read and the PUT failed (race8).
   */
  async track(db: Executor, t: { kind: TrackedKind; id: string; siteId: string; label: string | null; at: Date }): Promise<{ id: string; siteId: string; label: string | null; registeredAt: string }> {
    const [r] = await db.query<{ id: string; site_id: string; label: string | null; registered_at: Date }>(
      `INSERT INTO location_tracking.tracked (kind, id, site_id, label, registered_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, id) DO UPDATE SET site_id = EXCLUDED.site_id, label = COALESCE(EXCLUDED.label, location_tracking.tracked.label)
       RETURNING id, site_id, label, registered_at`,
      [t.kind, t.id, t.siteId, t.label, t.at],
    );
    return { id: r!.id, siteId: r!.site_id, label: r!.label, registeredAt: r!.registered_at.toISOString() };
  },

  /** Unregisters a tracked thing; whether it was registered. */
  async untrack(db: Executor, kind: TrackedKind, id: string): Promise<boolean> {
    return (await db.query<{ id: string }>('DELETE FROM location_tracking.tracked WHERE kind = $1 AND id = $2 RETURNING id', [kind, id])).length > 0;
  },

  /**
   * The tracked thing `id` names: its id as registered, home site, label. A worker id ignores letter case (ADR 0019):
   * `ELLA` finds worker `ella` (the exact id first, then the oldest registration); equipment and LPN ids are exact.
   */
  async findTracked(db: Executor, kind: TrackedKind, id: string): Promise<{ id: string; siteId: string; label: string | null; registeredAt: string } | undefined> {
    const r = (await db.query<{ id: string; site_id: string; label: string | null; registered_at: Date }>(
      `SELECT id, site_id, label, registered_at FROM location_tracking.tracked
        WHERE kind = $1 AND lower(id) = lower($2) AND (id = $2 OR kind = 'worker')
        ORDER BY id = $2 DESC, registered_at, id LIMIT 1`, [kind, id]))[0];
    return r === undefined ? undefined : { id: r.id, siteId: r.site_id, label: r.label, registeredAt: r.registered_at.toISOString() };
  },

  async recordVisit(db: Executor, v: { siteId: string; zone: string; kind: TrackedKind; id: string; enteredAt: string; exitedAt: string; dwellS: number }): Promise<void> {
    await db.query(
      `INSERT INTO location_tracking.zone_visits (site_id, zone, kind, tracked_id, entered_at, exited_at, dwell_s) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [v.siteId, v.zone, v.kind, v.id, v.enteredAt, v.exitedAt, v.dwellS],
    );
  },

  /** Finished visits of a zone since `since`: how many and their mean dwell. */
  async visitStats(db: Executor, siteId: string, zone: string, since: Date): Promise<{ visits: number; meanDwellS: number | null }> {
    const r = (await db.query<{ n: number; mean: number | null }>(
      `SELECT count(*)::int AS n, avg(dwell_s) AS mean FROM location_tracking.zone_visits WHERE site_id = $1 AND zone = $2 AND exited_at >= $3`,
      [siteId, zone, since]))[0];
    return { visits: r?.n ?? 0, meanDwellS: r?.mean ?? null };
  },

  async openAlerts(db: Executor, siteId: string): Promise<AlertRow[]> {
    return (await db.query<AlertDbRow>(`SELECT ${ALERT_COLUMNS} FROM location_tracking.alerts WHERE site_id = $1 AND cleared_at IS NULL ORDER BY id FOR UPDATE`, [siteId])).map(alertOf);
  },

  async insertAlert(db: Executor, a: Omit<AlertRow, 'clearedAt' | 'closedBy' | 'closeReason'>): Promise<boolean> {
    const rows = await db.query(
      `INSERT INTO location_tracking.alerts (id, site_id, type, kind, tracked_id, zone, location_id, since, threshold_s, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING RETURNING id`,
      [a.id, a.siteId, a.type, a.kind, a.trackedId, a.zone, a.locationId, a.since, a.thresholdS, a.raisedAt],
    );
    return rows.length === 1;
  },

  async clearAlert(db: Executor, id: string, at: Date): Promise<void> {
    await db.query('UPDATE location_tracking.alerts SET cleared_at = $2 WHERE id = $1 AND cleared_at IS NULL', [id, at]);
  },

  /** One alert, locked: closing it by hand and the scan's clearing take turns. */
  async lockAlert(db: Executor, id: string): Promise<AlertRow | undefined> {
    return (await db.query<AlertDbRow>(`SELECT ${ALERT_COLUMNS} FROM location_tracking.alerts WHERE id = $1 FOR UPDATE`, [id])).map(alertOf)[0];
  },

  async closeAlert(db: Executor, id: string, at: Date, by: string, reason: string): Promise<AlertRow> {
    const rows = await db.query<AlertDbRow>(
      `UPDATE location_tracking.alerts SET cleared_at = $2, closed_by = $3, close_reason = $4 WHERE id = $1 RETURNING ${ALERT_COLUMNS}`, [id, at, by, reason]);
    return alertOf(rows[0]!);
  },

  /** Of the things `trackedIds`, the episodes (type|kind|id|since ISO) a person closed: the scan does not raise them again. */
  async closedEpisodes(db: Executor, siteId: string, trackedIds: readonly string[]): Promise<Set<string>> {
    if (trackedIds.length === 0) return new Set();
    const rows = await db.query<{ type: string; kind: string; tracked_id: string; since: Date }>(
      `SELECT type, kind, tracked_id, since FROM location_tracking.alerts WHERE site_id = $1 AND tracked_id = ANY($2::text[]) AND closed_by IS NOT NULL`,
      [siteId, trackedIds]);
    return new Set(rows.map((r) => `${r.type}|${r.kind}|${r.tracked_id}|${r.since.toISOString()}`));
  },

  async listAlerts(db: Executor, f: { siteId?: string | undefined; status?: 'OPEN' | 'CLEARED' | undefined; after: string | null; limit: number; id?: string }): Promise<AlertRow[]> {
    return (await db.query<AlertDbRow>(
      `SELECT ${ALERT_COLUMNS} FROM location_tracking.alerts
        WHERE ($1::text IS NULL OR site_id = $1) AND ($5::text IS NULL OR id = $5)
          AND ($2::text IS NULL OR ($2 = 'OPEN' AND cleared_at IS NULL) OR ($2 = 'CLEARED' AND cleared_at IS NOT NULL))
          AND ($3::text IS NULL OR id > $3)
        ORDER BY id LIMIT $4`,
      [f.siteId ?? null, f.status ?? null, f.after, f.limit, f.id ?? null],
    )).map(alertOf);
  },
};
