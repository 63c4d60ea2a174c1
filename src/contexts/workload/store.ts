/** SQL of the workload schema only. Sums are cast to float8/int in SQL so rows arrive as numbers. */
import type { Executor } from '../../platform/db/database.ts';
import { assertNever } from '../../platform/errors.ts';
import type { TaskType } from '../../contracts/tasks.ts';
import type { LaborStandard } from './domain/standards.ts';
import type { Shift } from './domain/staffing.ts';

export interface OpenWork {
  readonly zone: string | null;
  readonly stage: 'PICK' | 'PACK';
  readonly carrier: string;
  readonly orders: number;
  readonly lines: number;
  readonly units: number;
}

export interface ArrivalHour {
  /** Hours since the history's start. */
  readonly hourIndex: number;
  readonly taskType: string;
  readonly zone: string | null;
  readonly tasks: number;
  readonly lines: number;
  readonly units: number;
}

/** Completed tasks of one worker and type over a period: what performance and corrections are computed from. */
export interface ObservedWork {
  readonly workerId: string;
  readonly taskType: TaskType;
  readonly tasks: number;
  readonly busyS: number;
  readonly lines: number;
  readonly units: number;
  /** Σ planned route metres of the tasks that had one. */
  readonly routeM: number;
  /** Lines of the tasks without a planned route (their travel is estimated per line). */
  readonly linesWithoutRoute: number;
  readonly firstAt: Date;
  readonly lastAt: Date;
}

/** The pick lines of one worker's completed PICK tasks: picked in full (confirmed, never shorted) and closed short. */
export interface PickAccuracy {
  readonly workerId: string;
  readonly linesPicked: number;
  readonly linesShorted: number;
}

export const workloadStore = {
  async standards(db: Executor, siteId: string): Promise<LaborStandard[]> {
    return db.query<LaborStandard>(
      `SELECT task_type AS "taskType", fixed_s AS "fixedS", per_line_s AS "perLineS", per_unit_s AS "perUnitS",
              travel_per_line_m AS "travelPerLineM", walk_speed_mps AS "walkSpeedMps"
         FROM workload.standards WHERE site_id = $1`, [siteId]);
  },

  async saveStandard(db: Executor, siteId: string, s: LaborStandard, now: Date): Promise<void> {
    await db.query(
      `INSERT INTO workload.standards (site_id, task_type, fixed_s, per_line_s, per_unit_s, travel_per_line_m, walk_speed_mps, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (site_id, task_type) DO UPDATE SET fixed_s = $3, per_line_s = $4, per_unit_s = $5, travel_per_line_m = $6,
         walk_speed_mps = $7, updated_at = $8`,
      [siteId, s.taskType, s.fixedS, s.perLineS, s.perUnitS, s.travelPerLineM, s.walkSpeedMps, now]);
  },

  async roster(db: Executor, siteId: string, day: string): Promise<Shift[]> {
    return db.query<Shift>(
      `SELECT worker_id AS "workerId", zone, from_min AS "fromMin", to_min AS "toMin"
         FROM workload.roster_shifts WHERE site_id = $1 AND day = $2::date ORDER BY worker_id, from_min`, [siteId, day]);
  },

  async replaceRoster(db: Executor, siteId: string, day: string, shifts: readonly Shift[]): Promise<void> {
    await db.query(`DELETE FROM workload.roster_shifts WHERE site_id = $1 AND day = $2::date`, [siteId, day]);
    if (shifts.length === 0) return;
    await db.query(
      `INSERT INTO workload.roster_shifts (site_id, day, worker_id, zone, from_min, to_min)
       SELECT $1, $2::date, w, z, f, t FROM unnest($3::text[], $4::text[], $5::int[], $6::int[]) AS s(w, z, f, t)`,
      [siteId, day, shifts.map((s) => s.workerId), shifts.map((s) => s.zone), shifts.map((s) => s.fromMin), shifts.map((s) => s.toMin)]);
  },

  async cutoffs(db: Executor, siteId: string): Promise<Map<string, number>> {
    const rows = await db.query<{ carrier: string; cutoff_min: number }>(
      `SELECT carrier, cutoff_min FROM workload.carrier_cutoffs WHERE site_id = $1`, [siteId]);
    return new Map(rows.map((r) => [r.carrier, r.cutoff_min]));
  },

  /** The site's open outbound work, grouped (one row per zone, stage and carrier: small whatever the backlog). */
  async openWork(db: Executor, siteId: string): Promise<OpenWork[]> {
    return db.query<OpenWork>(
      `SELECT zone, stage, carrier, count(*)::int AS orders, sum(lines)::int AS lines, sum(units)::int AS units
         FROM workload.open_orders WHERE site_id = $1 GROUP BY zone, stage, carrier`, [siteId]);
  },

  /** Work that arrived per hour, task type and zone in [from, to). */
  async arrivalsByHour(db: Executor, siteId: string, from: Date, to: Date): Promise<ArrivalHour[]> {
    return db.query<ArrivalHour>(
      `SELECT floor(extract(epoch FROM at - $2::timestamptz) / 3600)::int AS "hourIndex", task_type AS "taskType", zone,
              count(*)::int AS tasks, sum(lines)::int AS lines, sum(units)::int AS units
         FROM workload.arrivals WHERE site_id = $1 AND at >= $2 AND at < $3
        GROUP BY 1, 2, 3`, [siteId, from, to]);
  },

  async observedWork(db: Executor, siteId: string, from: Date, to: Date, afterWorker: string | null, workers: number | null): Promise<ObservedWork[]> {
    return db.query<ObservedWork>(
      `WITH picked AS (
         SELECT o.task_id, o.worker_id, o.task_type, o.started_at, o.completed_at, o.assigned_at,
                CASE WHEN o.task_type = 'PICK' THEN coalesce(p.line_count, 1) ELSE 1 END AS lines,
                CASE WHEN o.task_type = 'PICK' THEN (SELECT coalesce(sum(c.quantity), 0) FROM workload.pick_confirmations c WHERE c.pick_list_id = o.reference) ELSE 0 END AS units,
                CASE WHEN o.task_type = 'PICK' THEN p.route_m END AS route_m
           FROM workload.task_observations o
           LEFT JOIN workload.pick_lists p ON p.pick_list_id = o.reference
          WHERE o.site_id = $1 AND o.completed_at >= $2 AND o.completed_at < $3 AND o.started_at IS NOT NULL AND o.worker_id IS NOT NULL
            AND ($4::text IS NULL OR o.worker_id > $4)
            AND ($5::int IS NULL OR o.worker_id IN (
              SELECT DISTINCT w.worker_id FROM workload.task_observations w
               WHERE w.site_id = $1 AND w.completed_at >= $2 AND w.completed_at < $3 AND w.started_at IS NOT NULL AND w.worker_id IS NOT NULL
                 AND ($4::text IS NULL OR w.worker_id > $4)
               ORDER BY w.worker_id LIMIT $5)))
       SELECT worker_id AS "workerId", task_type AS "taskType", count(*)::int AS tasks,
              coalesce(sum(extract(epoch FROM completed_at - started_at)), 0)::float8 AS "busyS",
              sum(lines)::int AS lines, sum(units)::int AS units, coalesce(sum(route_m), 0)::float8 AS "routeM",
              sum(CASE WHEN route_m IS NULL THEN lines ELSE 0 END)::int AS "linesWithoutRoute",
              min(coalesce(assigned_at, started_at)) AS "firstAt", max(completed_at) AS "lastAt"
         FROM picked GROUP BY worker_id, task_type ORDER BY worker_id, task_type`,
      [siteId, from, to, afterWorker, workers]);
  },

  /**
   * Per worker, the pick lines of their completed PICK tasks in [from, to): picked in full (confirmed and never shorted)
   * and closed short. Only for the workers asked about (a page of the performance list): the plan never reads it.
   */
  async pickAccuracy(db: Executor, siteId: string, from: Date, to: Date, workerIds: readonly string[]): Promise<PickAccuracy[]> {
    if (workerIds.length === 0) return [];
    return db.query<PickAccuracy>(
      `SELECT o.worker_id AS "workerId", count(*) FILTER (WHERE NOT x.shorted)::int AS "linesPicked", count(*) FILTER (WHERE x.shorted)::int AS "linesShorted"
         FROM workload.task_observations o
         JOIN LATERAL (
           SELECT u.pick_line_id, bool_or(u.shorted) AS shorted FROM (
             SELECT c.pick_line_id, false AS shorted FROM workload.pick_confirmations c WHERE c.pick_list_id = o.reference AND c.pick_line_id IS NOT NULL
             UNION ALL
             SELECT s.pick_line_id, true FROM workload.pick_shorts s WHERE s.pick_list_id = o.reference) u
            GROUP BY u.pick_line_id) x ON true
        WHERE o.site_id = $1 AND o.completed_at >= $2 AND o.completed_at < $3 AND o.started_at IS NOT NULL AND o.task_type = 'PICK'
          AND o.worker_id = ANY($4::text[])
        GROUP BY o.worker_id`,
      [siteId, from, to, workerIds]);
  },

  // ---- the projection's writes (idempotent: insert-if-absent, or set the event's facts) ----

  async locationsSeen(db: Executor, rows: readonly { id: string; siteId: string; zone: string | null }[]): Promise<void> {
    if (rows.length === 0) return;
    await db.query(
      `INSERT INTO workload.locations (location_id, site_id, zone) SELECT i, s, z FROM unnest($1::text[], $2::text[], $3::text[]) AS x(i, s, z)
       ON CONFLICT (location_id) DO UPDATE SET zone = EXCLUDED.zone`,
      [rows.map((r) => r.id), rows.map((r) => r.siteId), rows.map((r) => r.zone)]);
  },

  async replaceCutoffs(db: Executor, siteId: string, cutoffs: readonly { carrier: string; cutoffMin: number }[]): Promise<void> {
    await db.query(`DELETE FROM workload.carrier_cutoffs WHERE site_id = $1`, [siteId]);
    if (cutoffs.length === 0) return;
    await db.query(
      `INSERT INTO workload.carrier_cutoffs (site_id, carrier, cutoff_min) SELECT $1, c, m FROM unnest($2::text[], $3::int[]) AS x(c, m)`,
      [siteId, cutoffs.map((c) => c.carrier), cutoffs.map((c) => c.cutoffMin)]);
  },

  async orderReceived(db: Executor, o: { orderId: string; siteId: string; carrier: string; at: string; lines: number; units: number }): Promise<void> {
    await db.query(
      `INSERT INTO workload.open_orders (order_id, site_id, carrier, received_at, lines, units, stage)
       VALUES ($1, $2, $3, $4, $5, $6, 'PICK') ON CONFLICT (order_id) DO NOTHING`,
      [o.orderId, o.siteId, o.carrier, o.at, o.lines, o.units]);
    await db.query(
      `INSERT INTO workload.arrivals (ref_id, task_type, site_id, at, lines, units)
       VALUES ($1, 'PICK', $2, $3, $4, $5), ($1, 'PACK', $2, $3, $4, $5) ON CONFLICT (ref_id, task_type) DO NOTHING`,
      [o.orderId, o.siteId, o.at, o.lines, o.units]);
  },

  /** The order's lines changed before it was waved (ADR 0046): its open work, and the arrivals it counts for, are the new lines. */
  async orderLinesChanged(db: Executor, o: { orderId: string; lines: number; units: number }): Promise<void> {
    await db.query(`UPDATE workload.open_orders SET lines = $2, units = $3 WHERE order_id = $1`, [o.orderId, o.lines, o.units]);
    await db.query(`UPDATE workload.arrivals SET lines = $2, units = $3 WHERE ref_id = $1 AND task_type IN ('PICK', 'PACK')`, [o.orderId, o.lines, o.units]);
  },

  /** Picked orders wait for packing (a run of them, one statement). */
  async ordersPicked(db: Executor, orderIds: readonly string[]): Promise<void> {
    await db.query(`UPDATE workload.open_orders SET stage = 'PACK' WHERE order_id = ANY($1::text[])`, [orderIds]);
  },

  /** Packed, shipped or cancelled orders leave the open work (a run of them, one statement). */
  async ordersClosed(db: Executor, orderIds: readonly string[]): Promise<void> {
    await db.query(`DELETE FROM workload.open_orders WHERE order_id = ANY($1::text[])`, [orderIds]);
  },

  /**
   * A pick list created, in one statement: the list with the zone of its first location (as workload's locations know
   * it), and that zone given to its orders' open work and PICK arrivals that have none yet.
   */
  async pickListCreated(db: Executor, l: { pickListId: string; siteId: string; lineCount: number; routeM: number | null; firstLocationId: string | null; orderIds: readonly string[]; at: string }): Promise<void> {
    await db.query(
      `WITH z AS MATERIALIZED (SELECT (SELECT zone FROM workload.locations WHERE location_id = $7) AS zone),
       pl AS (
         INSERT INTO workload.pick_lists (pick_list_id, site_id, line_count, route_m, zone, created_at) SELECT $1, $2, $3, $4, z.zone, $6 FROM z
         ON CONFLICT (pick_list_id) DO NOTHING),
       oo AS (
         UPDATE workload.open_orders o SET zone = z.zone FROM z WHERE z.zone IS NOT NULL AND o.order_id = ANY($5::text[]) AND o.zone IS NULL)
       UPDATE workload.arrivals a SET zone = z.zone FROM z
        WHERE z.zone IS NOT NULL AND a.ref_id = ANY($5::text[]) AND a.task_type = 'PICK' AND a.zone IS NULL`,
      [l.pickListId, l.siteId, l.lineCount, l.routeM, [...l.orderIds], l.at, l.firstLocationId],
    );
  },

  /** A run of pick confirmations, one statement: each counted once however often its event is delivered. */
  async unitsPicked(db: Executor, picks: readonly { eventId: string; pickListId: string; pickLineId: string; quantity: number }[]): Promise<void> {
    await db.query(
      `INSERT INTO workload.pick_confirmations (event_id, pick_list_id, pick_line_id, quantity)
       SELECT u.event_id, u.list_id, u.line_id, u.quantity FROM unnest($1::text[], $2::text[], $3::text[], $4::int4[]) AS u(event_id, list_id, line_id, quantity)
       ON CONFLICT (event_id) DO NOTHING`,
      [picks.map((p) => p.eventId), picks.map((p) => p.pickListId), picks.map((p) => p.pickLineId), picks.map((p) => p.quantity)]);
  },

  /** A pick line closed short: counted once per line however often its event is delivered. */
  async lineShorted(db: Executor, eventId: string, p: { pickListId: string; pickLineId: string }): Promise<void> {
    await db.query(`INSERT INTO workload.pick_shorts (event_id, pick_list_id, pick_line_id) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING`,
      [eventId, p.pickListId, p.pickLineId]);
  },

  async taskQueued(db: Executor, t: { taskId: string; siteId: string; type: TaskType; reference: string; status: string; at: string }): Promise<void> {
    await db.query(
      `INSERT INTO workload.task_observations (task_id, site_id, task_type, reference, status, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (task_id) DO NOTHING`, [t.taskId, t.siteId, t.type, t.reference, t.status, t.at]);
    // PICK and PACK work arrives with its orders; the other kinds arrive as tasks.
    if (t.type !== 'PICK' && t.type !== 'PACK') {
      await db.query(
        `INSERT INTO workload.arrivals (ref_id, task_type, site_id, at, lines, units) VALUES ($1, $2, $3, $4, 1, 0)
         ON CONFLICT (ref_id, task_type) DO NOTHING`, [t.taskId, t.type, t.siteId, t.at]);
    }
  },

  /** Sets what the event says: the holder and, per kind, when it was assigned, started or completed. */
  async taskChanged(db: Executor, taskId: string, kind: 'assigned' | 'started' | 'completed' | 'requeued' | 'closed', status: string, workerId: string | null, at: string): Promise<void> {
    switch (kind) {
      case 'assigned':
        await db.query(`UPDATE workload.task_observations SET status = $2, worker_id = $3, assigned_at = $4, started_at = NULL WHERE task_id = $1`, [taskId, status, workerId, at]);
        return;
      case 'started':
        await db.query(`UPDATE workload.task_observations SET status = $2, worker_id = coalesce($3, worker_id), started_at = coalesce(started_at, $4) WHERE task_id = $1`, [taskId, status, workerId, at]);
        return;
      case 'completed':
        await db.query(`UPDATE workload.task_observations SET status = $2, worker_id = coalesce($3, worker_id), completed_at = $4 WHERE task_id = $1`, [taskId, status, workerId, at]);
        return;
      case 'requeued':
        await db.query(`UPDATE workload.task_observations SET status = $2, worker_id = NULL, assigned_at = NULL, started_at = NULL WHERE task_id = $1`, [taskId, status]);
        return;
      case 'closed':
        await db.query(`UPDATE workload.task_observations SET status = $2 WHERE task_id = $1`, [taskId, status]);
        return;
      default:
        return assertNever(kind, 'task change');
    }
  },
};
