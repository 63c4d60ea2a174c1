/** SQL of the workload schema only. Sums are cast to float8/int in SQL so rows arrive as numbers. */
import type { Executor } from '../../platform/db/database.ts';
import type { TaskType } from '../../contracts/tasks.ts';
import type { LaborStandard } from './domain/standards.ts';
import type { ColumnChange, ObservationWrite } from './use-cases/project-run/task-observations.ts';
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

  /**
   * Sets one task type's standard and returns the row as this statement wrote it: read back afterwards, a concurrent
   * PUT of the same task type could have replaced it meanwhile and its value been answered for this one (race8).
   */
  async saveStandard(db: Executor, siteId: string, s: LaborStandard, now: Date): Promise<LaborStandard> {
    const [row] = await db.query<LaborStandard>(
      `INSERT INTO workload.standards (site_id, task_type, fixed_s, per_line_s, per_unit_s, travel_per_line_m, walk_speed_mps, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (site_id, task_type) DO UPDATE SET fixed_s = $3, per_line_s = $4, per_unit_s = $5, travel_per_line_m = $6,
         walk_speed_mps = $7, updated_at = $8
       RETURNING task_type AS "taskType", fixed_s AS "fixedS", per_line_s AS "perLineS", per_unit_s AS "perUnitS",
         travel_per_line_m AS "travelPerLineM", walk_speed_mps AS "walkSpeedMps"`,
      [siteId, s.taskType, s.fixedS, s.perLineS, s.perUnitS, s.travelPerLineM, s.walkSpeedMps, now]);
    return row!;
  },

  /**
   * A day's shifts and its version (0: never set), read in one statement so both are of one committed replacement:
   * read apart, a replacement committing between the two reads paired one roster's shifts with the other's version
   * (race8), and an If-Match with that version replaced a roster its planner never saw.
   */
  async roster(db: Executor, siteId: string, day: string): Promise<{ version: number; shifts: Shift[] }> {
    const rows = await db.query<{ version: number; workerId: string | null; zone: string | null; fromMin: number | null; toMin: number | null }>(
      `SELECT COALESCE((SELECT version FROM workload.roster_versions WHERE site_id = $1 AND day = $2::date), 0) AS version,
              s.worker_id AS "workerId", s.zone, s.from_min AS "fromMin", s.to_min AS "toMin"
         FROM (SELECT 1) AS one
         LEFT JOIN workload.roster_shifts s ON s.site_id = $1 AND s.day = $2::date
        ORDER BY s.worker_id, s.from_min`, [siteId, day]);
    const shifts = rows.filter((r) => r.workerId !== null)
      .map((r) => ({ workerId: r.workerId!, zone: r.zone!, fromMin: r.fromMin!, toMin: r.toMin! }));
    return { version: rows[0]?.version ?? 0, shifts };
  },

  /**
   * Replaces a site's day. Two replacements of one day at once are taken one after the other (a lock on the day, held to
   * the transaction's end): without it each deleted only the rows committed before it and both inserted, so the day held
   * the union of two rosters (a worker in overlapping shifts) or one failed on the primary key.
   */
  async replaceRoster(db: Executor, siteId: string, day: string, shifts: readonly Shift[]): Promise<number> {
    await workloadStore.lockRosterDay(db, siteId, day);
    await db.query(`DELETE FROM workload.roster_shifts WHERE site_id = $1 AND day = $2::date`, [siteId, day]);
    if (shifts.length > 0) {
      await db.query(
        `INSERT INTO workload.roster_shifts (site_id, day, worker_id, zone, from_min, to_min)
         SELECT $1, $2::date, w, z, f, t FROM unnest($3::text[], $4::text[], $5::int[], $6::int[]) AS s(w, z, f, t)`,
        [siteId, day, shifts.map((s) => s.workerId), shifts.map((s) => s.zone), shifts.map((s) => s.fromMin), shifts.map((s) => s.toMin)]);
    }
    const [row] = await db.query<{ version: number }>(
      `INSERT INTO workload.roster_versions (site_id, day, version) VALUES ($1, $2::date, 1)
       ON CONFLICT (site_id, day) DO UPDATE SET version = workload.roster_versions.version + 1 RETURNING version`, [siteId, day]);
    return row!.version;
  },

  /** Takes the day's lock (to the transaction's end): replacements of one day, and their If-Match checks, one at a time. */
  async lockRosterDay(db: Executor, siteId: string, day: string): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('workload.roster'), hashtext($1 || E'\\u0001' || $2))`, [siteId, day]);
  },

  /** The day's roster version (0: never set), the roster's ETag. */
  async rosterVersion(db: Executor, siteId: string, day: string): Promise<number> {
    const [row] = await db.query<{ version: number }>(
      `SELECT version FROM workload.roster_versions WHERE site_id = $1 AND day = $2::date`, [siteId, day]);
    return row?.version ?? 0;
  },

  async cutoffs(db: Executor, siteId: string): Promise<Map<string, number>> {
    const rows = await db.query<{ carrier: string; cutoff_min: number }>(
      `SELECT carrier, cutoff_min FROM workload.carrier_cutoffs WHERE site_id = $1`, [siteId]);
    return new Map(rows.map((r) => [r.carrier, r.cutoff_min]));
  },

  /**
   * The site's open outbound work not on hold, grouped (one row per zone, stage and carrier: small whatever the backlog);
   * and how many of its open orders are on hold (ADR 0052: no work until released).
   */
  async openWork(db: Executor, siteId: string): Promise<{ work: OpenWork[]; heldOrders: number }> {
    const rows = await db.query<OpenWork & { held: boolean }>(
      `SELECT zone, stage, carrier, held, count(*)::int AS orders, sum(lines)::int AS lines, sum(units)::int AS units
         FROM workload.open_orders WHERE site_id = $1 GROUP BY zone, stage, carrier, held`, [siteId]);
    return {
      work: rows.filter((r) => !r.held).map(({ held: _held, ...w }) => w),
      heldOrders: rows.filter((r) => r.held).reduce((n, r) => n + r.orders, 0),
    };
  },

  /** Work that arrived per hour, task type and zone in [from, to). */
  async arrivalsByHour(db: Executor, siteId: string, from: Date, to: Date): Promise<ArrivalHour[]> {
    return db.query<ArrivalHour>(
      `SELECT floor(extract(epoch FROM at - $2::timestamptz) / 3600)::int AS "hourIndex", task_type AS "taskType", zone,
              count(*)::int AS tasks, sum(lines)::int AS lines, sum(units)::int AS units
         FROM workload.arrivals WHERE site_id = $1 AND at >= $2 AND at < $3
        GROUP BY 1, 2, 3`, [siteId, from, to]);
  },

  async observedWork(db: Executor, siteId: string, from: Date, to: Date, afterWorker: string | null, workers: number | null,
    onlyWorker: string | null = null): Promise<ObservedWork[]> {
    return db.query<ObservedWork>(
      `WITH picked AS (
         SELECT o.task_id, o.worker_id, o.task_type, o.started_at, o.completed_at, o.assigned_at,
                CASE WHEN o.task_type = 'PICK' THEN coalesce(p.line_count, 1) ELSE 1 END AS lines,
                CASE WHEN o.task_type = 'PICK' THEN (SELECT coalesce(sum(c.quantity), 0) FROM workload.pick_confirmations c WHERE c.pick_list_id = o.reference) ELSE 0 END AS units,
                CASE WHEN o.task_type = 'PICK' THEN p.route_m END AS route_m
           FROM workload.task_observations o
           LEFT JOIN workload.pick_lists p ON p.pick_list_id = o.reference
          WHERE o.site_id = $1 AND o.completed_at >= $2 AND o.completed_at < $3 AND o.started_at IS NOT NULL AND o.worker_id IS NOT NULL
            AND ($4::text IS NULL OR o.worker_id > $4) AND ($6::text IS NULL OR o.worker_id = $6)
            AND ($5::int IS NULL OR o.worker_id IN (
              SELECT DISTINCT w.worker_id FROM workload.task_observations w
               WHERE w.site_id = $1 AND w.completed_at >= $2 AND w.completed_at < $3 AND w.started_at IS NOT NULL AND w.worker_id IS NOT NULL
                 AND ($4::text IS NULL OR w.worker_id > $4) AND ($6::text IS NULL OR w.worker_id = $6)
               ORDER BY w.worker_id LIMIT $5)))
       SELECT worker_id AS "workerId", task_type AS "taskType", count(*)::int AS tasks,
              coalesce(sum(extract(epoch FROM completed_at - started_at)), 0)::float8 AS "busyS",
              sum(lines)::int AS lines, sum(units)::int AS units, coalesce(sum(route_m), 0)::float8 AS "routeM",
              sum(CASE WHEN route_m IS NULL THEN lines ELSE 0 END)::int AS "linesWithoutRoute",
              min(coalesce(assigned_at, started_at)) AS "firstAt", max(completed_at) AS "lastAt"
         FROM picked GROUP BY worker_id, task_type ORDER BY worker_id, task_type`,
      [siteId, from, to, afterWorker, workers, onlyWorker]);
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

  /**
   * A run of received orders, one statement: each order's open work and its PICK and PACK arrivals, inserted if absent
   * (the first event of an order in the run wins, as in turn).
   */
  async ordersReceived(db: Executor, orders: readonly { orderId: string; siteId: string; carrier: string; at: string; lines: number; units: number }[]): Promise<void> {
    const first = new Map<string, (typeof orders)[number]>();
    for (const o of orders) if (!first.has(o.orderId)) first.set(o.orderId, o);
    const rows = [...first.values()];
    if (rows.length === 0) return;
    await db.query(
      `WITH r AS MATERIALIZED (
         SELECT r.order_id, r.site_id, r.carrier, r.at, r.lines, r.units FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int4[], $6::int4[]) AS r(order_id, site_id, carrier, at, lines, units)),
       oo AS (
         INSERT INTO workload.open_orders (order_id, site_id, carrier, received_at, lines, units, stage)
         SELECT order_id, site_id, carrier, at, lines, units, 'PICK' FROM r ON CONFLICT (order_id) DO NOTHING)
       INSERT INTO workload.arrivals (ref_id, task_type, site_id, at, lines, units)
       SELECT r.order_id, k.task_type, r.site_id, r.at, r.lines, r.units FROM r CROSS JOIN (VALUES ('PICK'), ('PACK')) AS k(task_type)
       ON CONFLICT (ref_id, task_type) DO NOTHING`,
      [rows.map((o) => o.orderId), rows.map((o) => o.siteId), rows.map((o) => o.carrier), rows.map((o) => o.at), rows.map((o) => o.lines), rows.map((o) => o.units)]);
  },

  /** The order's lines changed before it was waved (ADR 0046): its open work, and the arrivals it counts for, are the new lines. */
  async orderLinesChanged(db: Executor, o: { orderId: string; lines: number; units: number }): Promise<void> {
    await db.query(`UPDATE workload.open_orders SET lines = $2, units = $3 WHERE order_id = $1`, [o.orderId, o.lines, o.units]);
    await db.query(`UPDATE workload.arrivals SET lines = $2, units = $3 WHERE ref_id = $1 AND task_type IN ('PICK', 'PACK')`, [o.orderId, o.lines, o.units]);
  },

  /** Orders put on hold (ADR 0052) or released from it: held ones are no work until released. */
  async ordersHeld(db: Executor, orderIds: readonly string[], held: boolean): Promise<void> {
    await db.query(`UPDATE workload.open_orders SET held = $2 WHERE order_id = ANY($1::text[])`, [orderIds, held]);
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
   * A stretch of pick lists created, in one statement: each list with the zone of its first location (as workload's
   * locations know it), and that zone given to its orders' open work and PICK arrivals that have none yet. As in turn:
   * a list id seen twice keeps its first row, and an order gets the zone of the first list of the stretch that has one.
   */
  async pickListsCreated(db: Executor, lists: readonly { pickListId: string; siteId: string; lineCount: number; routeM: number | null; firstLocationId: string | null; orderIds: readonly string[]; at: string }[]): Promise<void> {
    if (lists.length === 0) return;
    await db.query(
      `WITH l AS MATERIALIZED (
         SELECT l.pick_list_id, l.site_id, l.line_count, l.route_m, l.first_location_id, l.order_ids, l.created_at, l.n,
                (SELECT zone FROM workload.locations WHERE location_id = l.first_location_id) AS zone
           FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (pick_list_id text, site_id text, line_count int4, route_m float8, first_location_id text,
                order_ids text[], created_at timestamptz)) WITH ORDINALITY AS l(pick_list_id, site_id, line_count, route_m, first_location_id, order_ids, created_at, n)),
       pl AS (
         INSERT INTO workload.pick_lists (pick_list_id, site_id, line_count, route_m, zone, created_at)
         SELECT pick_list_id, site_id, line_count, route_m, zone, created_at FROM l ORDER BY n
         ON CONFLICT (pick_list_id) DO NOTHING),
       oz AS MATERIALIZED (
         SELECT DISTINCT ON (o.order_id) o.order_id, l.zone FROM l CROSS JOIN LATERAL unnest(l.order_ids) AS o(order_id)
          WHERE l.zone IS NOT NULL ORDER BY o.order_id, l.n),
       oo AS (
         UPDATE workload.open_orders o SET zone = oz.zone FROM oz WHERE o.order_id = oz.order_id AND o.zone IS NULL)
       UPDATE workload.arrivals a SET zone = oz.zone FROM oz WHERE a.ref_id = oz.order_id AND a.task_type = 'PICK' AND a.zone IS NULL`,
      [JSON.stringify(lists.map((l) => ({
        pick_list_id: l.pickListId, site_id: l.siteId, line_count: l.lineCount, route_m: l.routeM, first_location_id: l.firstLocationId,
        order_ids: l.orderIds, created_at: l.at,
      })))],
    );
  },

  /**
   * The run's facts that only they write and nothing in a run reads, in one statement (ADR 0043 addendum, workload):
   * pick confirmations and shorts (each counted once, by event id, however often delivered), the arrivals of tasks
   * other than PICK and PACK (which arrive with their orders), and one write per task observed (`foldTaskFacts`: a
   * created task's row inserted if absent, the run's changes of a row there already). Rows of tasks the run did not
   * create are updated by the main statement, which sees the rows as they were before it: the insert's are not among
   * them, and a row another transaction inserts meanwhile is the insert's conflict, updated under its lock.
   */
  async floorFacts(db: Executor, f: {
    readonly picks: readonly { eventId: string; pickListId: string; pickLineId: string; quantity: number }[];
    readonly shorts: readonly { eventId: string; pickListId: string; pickLineId: string }[];
    readonly tasks: readonly ObservationWrite[];
  }): Promise<void> {
    if (f.picks.length === 0 && f.shorts.length === 0 && f.tasks.length === 0) return;
    const op = (c: ColumnChange) => c.op === 'keep' ? null : c.op;
    const value = (c: ColumnChange) => c.op === 'keep' ? null : c.value;
    const tasks = f.tasks.map(({ taskId, insert: i, change: c }) => ({
      task_id: taskId, site_id: i?.siteId ?? null, task_type: i?.type ?? null, reference: i?.reference ?? null, created_at: i?.createdAt ?? null,
      ins_status: i?.status ?? null, ins_worker_id: i?.workerId ?? null, ins_assigned_at: i?.assignedAt ?? null, ins_started_at: i?.startedAt ?? null,
      ins_completed_at: i?.completedAt ?? null, status: c.status,
      worker_op: op(c.workerId), worker_id: value(c.workerId), assigned_op: op(c.assignedAt), assigned_at: value(c.assignedAt),
      started_op: op(c.startedAt), started_at: value(c.startedAt), completed_op: op(c.completedAt), completed_at: value(c.completedAt),
    }));
    await db.query(FLOOR_FACTS_SQL, [
      JSON.stringify(tasks),
      f.picks.map((p) => p.eventId), f.picks.map((p) => p.pickListId), f.picks.map((p) => p.pickLineId), f.picks.map((p) => p.quantity),
      f.shorts.map((s) => s.eventId), f.shorts.map((s) => s.pickListId), f.shorts.map((s) => s.pickLineId),
    ]);
  },
};

/** A task observation column after the run's change `t.<op>`/`t.<value>` of it (keep when the op is null). */
const changed = (column: string, op: string, value: string): string =>
  `CASE t.${op} WHEN 'set' THEN t.${value} WHEN 'fill' THEN coalesce(o.${column}, t.${value}) ELSE o.${column} END`;
const OBSERVATION_CHANGE = `coalesce(t.status, o.status), ${changed('worker_id', 'worker_op', 'worker_id')}, ${changed('assigned_at', 'assigned_op', 'assigned_at')},
         ${changed('started_at', 'started_op', 'started_at')}, ${changed('completed_at', 'completed_op', 'completed_at')}`;

const FLOOR_FACTS_SQL = `
  WITH t AS MATERIALIZED (
    SELECT t.task_id, t.site_id, t.task_type, t.reference, t.created_at, t.ins_status, t.ins_worker_id, t.ins_assigned_at, t.ins_started_at,
           t.ins_completed_at, t.status, t.worker_op, t.worker_id, t.assigned_op, t.assigned_at, t.started_op, t.started_at, t.completed_op,
           t.completed_at
      FROM jsonb_to_recordset($1::jsonb) AS t(task_id text, site_id text, task_type text, reference text, created_at timestamptz,
      ins_status text, ins_worker_id text, ins_assigned_at timestamptz, ins_started_at timestamptz, ins_completed_at timestamptz,
      status text, worker_op text, worker_id text, assigned_op text, assigned_at timestamptz, started_op text, started_at timestamptz,
      completed_op text, completed_at timestamptz)),
  pc AS (
    INSERT INTO workload.pick_confirmations (event_id, pick_list_id, pick_line_id, quantity)
    SELECT u.event_id, u.list_id, u.line_id, u.quantity FROM unnest($2::text[], $3::text[], $4::text[], $5::int4[]) AS u(event_id, list_id, line_id, quantity)
    ON CONFLICT (event_id) DO NOTHING),
  ps AS (
    INSERT INTO workload.pick_shorts (event_id, pick_list_id, pick_line_id)
    SELECT u.event_id, u.list_id, u.line_id FROM unnest($6::text[], $7::text[], $8::text[]) AS u(event_id, list_id, line_id)
    ON CONFLICT (event_id) DO NOTHING),
  ta AS (
    INSERT INTO workload.arrivals (ref_id, task_type, site_id, at, lines, units)
    SELECT task_id, task_type, site_id, created_at, 1, 0 FROM t WHERE site_id IS NOT NULL AND task_type NOT IN ('PICK', 'PACK')
    ON CONFLICT (ref_id, task_type) DO NOTHING),
  ti AS (
    INSERT INTO workload.task_observations AS o (task_id, site_id, task_type, reference, status, created_at, worker_id, assigned_at, started_at, completed_at)
    SELECT task_id, site_id, task_type, reference, ins_status, created_at, ins_worker_id, ins_assigned_at, ins_started_at, ins_completed_at
      FROM t WHERE site_id IS NOT NULL ORDER BY task_id
    ON CONFLICT (task_id) DO UPDATE SET (status, worker_id, assigned_at, started_at, completed_at) = (
      SELECT ${OBSERVATION_CHANGE} FROM t WHERE t.task_id = o.task_id))
  UPDATE workload.task_observations o SET (status, worker_id, assigned_at, started_at, completed_at) = (
         ${OBSERVATION_CHANGE})
    FROM t WHERE t.site_id IS NULL AND o.task_id = t.task_id`;
