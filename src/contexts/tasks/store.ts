import { AGEING_STEP_MIN } from './domain/ranking.ts';
import type { Executor } from '../../platform/db/database.ts';
import { eventCtes } from '../../platform/bus/event-bus.ts';
import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import { TASK_TYPES, type TaskFailureReason, type TaskStatus, type TaskType } from '../../contracts/tasks.ts';
import type { TasksTasks, TasksWorkers } from './db-types.ts';
import type { Eligibility } from './domain/eligibility.ts';

export interface Task {
  readonly id: string;
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly waveId: string | null;
  readonly priority: number;
  readonly status: TaskStatus;
  readonly workerId: string | null;
  readonly createdAt: string;
  readonly assignedAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
  readonly updatedAt: string;
  readonly version: number;
  /** Where the worker goes to begin (a pick list's first stop, a putaway's source); null when unknown. */
  readonly locationId: string | null;
  /** Where the worker stands when the task is done (a pick list's last stop, a putaway's destination). */
  readonly endLocationId: string | null;
  readonly dueAt: string | null;
  readonly zone: string | null;
  readonly requiredSkills: readonly string[];
  readonly requiredEquipment: readonly string[];
  /** How often the task was reported FAILED since it was created or a supervisor last re-queued it. */
  readonly failures: number;
  /** The last failure's reason and note (kept after a re-queue, for the next worker and the supervisor). */
  readonly failureReason: TaskFailureReason | null;
  readonly failureNote: string | null;
}

const COLUMN_NAMES = [
  'id', 'site_id', 'type', 'reference', 'wave_id', 'priority', 'status', 'worker_id',
  'created_at', 'assigned_at', 'started_at', 'completed_at', 'updated_at', 'version',
  'location_id', 'end_location_id', 'due_at', 'zone', 'required_skills', 'required_equipment',
  'failures', 'failure_reason', 'failure_note',
] as const;
const COLUMNS = columnList(COLUMN_NAMES);

/** A task as this store reads it: its columns but the reject marks, type and status narrowed by the CHECKs. */
export type TaskRow = Narrowed<Pick<Selectable<TasksTasks>, (typeof COLUMN_NAMES)[number]>, { type: TaskType; status: TaskStatus; failure_reason: TaskFailureReason | null }>;

/** A task put back in the queue, with the worker who held it. */
export interface RequeuedTask {
  readonly task: Task;
  readonly previousWorkerId: string;
}

/** A moved row's subject, site and `TaskChanged` data, as `eventCtes` merges them into its events' envelopes. */
const CHANGED_FIELDS = `jsonb_build_object('subject', w.id, 'siteid', w.site_id, 'data', jsonb_build_object('taskId', w.id, 'siteId', w.site_id, 'type', w.type,
  'reference', w.reference, 'waveId', w.wave_id, 'workerId', w.worker_id, 'status', w.status))`;

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toTask(r: TaskRow): Task {
  return {
    id: r.id, siteId: r.site_id, type: r.type, reference: r.reference, waveId: r.wave_id, priority: r.priority,
    status: r.status, workerId: r.worker_id, createdAt: r.created_at.toISOString(), assignedAt: iso(r.assigned_at),
    startedAt: iso(r.started_at), completedAt: iso(r.completed_at), updatedAt: r.updated_at.toISOString(), version: r.version,
    locationId: r.location_id, endLocationId: r.end_location_id, dueAt: iso(r.due_at), zone: r.zone,
    requiredSkills: r.required_skills, requiredEquipment: r.required_equipment,
    failures: r.failures, failureReason: r.failure_reason, failureNote: r.failure_note,
  };
}

export interface NewTask extends TaskPlacement {
  readonly id: string;
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly waveId: string | null;
  readonly priority: number;
  readonly status: TaskStatus;
  readonly now: Date;
  /** The queue key (domain/ranking.ts `rankAt`). */
  readonly rankAt: Date;
  /**
   * The order whose remembered priority (its latest reprioritisation heard, `rememberOrderPriority`), when there is one,
   * the task takes instead of `priority`, its queue key moved with it: read in the insert's own statement.
   */
  readonly priorityOfOrder?: string | undefined;
}

/** Where a task is and who may do it: optional on every task (none = anywhere, anyone). */
export interface TaskPlacement {
  /** Where the task starts (a pick list's first stop, a putaway's source location). */
  readonly locationId?: string | null | undefined;
  /** Where the worker stands when it is done. */
  readonly endLocationId?: string | null | undefined;
  readonly dueAt?: Date | null | undefined;
  readonly zone?: string | null | undefined;
  readonly requiredSkills?: readonly string[] | undefined;
  readonly requiredEquipment?: readonly string[] | undefined;
  /** The one worker who may not take it (the first counter of a recount); none: anyone eligible. */
  readonly excludedWorkerId?: string | null | undefined;
  /** Which round of its work (1 unless the work comes back once finished: an order repacked after packing). */
  readonly round?: number | undefined;
  /**
   * What else the task's holder holds besides its `reference` (heldTaskGuard, ADR 0019): a return's order (its tote),
   * a putaway's units waiting at the dock (`heldStockKey`: a received pallet there). Another person's LPN command on them
   * is 403 ACTING_AS_ANOTHER_WORKER while the task is held.
   */
  readonly about?: readonly string[] | undefined;
}

/** GET /tasks: a worker's tasks by their id in any letter case (ADR 0019; index tasks_worker_lower_idx), oldest id first. */
export const LIST_SQL = `SELECT ${COLUMNS} FROM tasks.tasks
        WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR lower(worker_id) = lower($3)) AND ($4::text IS NULL OR id > $4) AND ($6::text IS NULL OR type = $6)
        ORDER BY id LIMIT $5`;

export interface TaskFilter {
  readonly siteId?: string;
  readonly status?: TaskStatus;
  readonly workerId?: string;
  readonly type?: TaskType;
  readonly cursor?: string;
  readonly limit: number;
}

/** A queued task with its queue key, as the claim ranks it. */
export type QueuedTask = Task & { readonly rankAt: Date };

export interface CandidateQuery {
  readonly siteId: string;
  readonly workerId: string;
  readonly types: readonly TaskType[] | null;
  readonly eligibility: Eligibility;
  readonly now: Date;
  readonly rejectCooldownMs: number;
  readonly dueWindowMs: number;
  readonly escalated: boolean;
  readonly limit: number;
}

/**
 * The filter every claim applies: the site's queue, the types asked for, the reject cool-down, eligibility, and the
 * worker a task excludes (the rejecter and the excluded worker in any letter case: a worker id ignores it, ADR 0019).
 * The optional filters (types, zones) are on columns no index of the claim drives (the queue indexes are by site and
 * rank or due time), so a generic plan is as good as a custom one: they are written `col = ANY($n) OR $n IS NULL`, not
 * as the catch-all `$n IS NULL OR …` that the db wrapper runs unnamed and plans on every call (ADR 0042 addendum), and
 * the plan test checks the generic plans.
 */
const CANDIDATE_WHERE = `site_id = $1 AND status = 'QUEUED' AND (type = ANY($3::text[]) OR $3::text[] IS NULL)
     AND (lower(rejected_by) IS DISTINCT FROM lower($2) OR rejected_at <= $4::timestamptz - make_interval(secs => $5::float8 / 1000))
     AND (zone IS NULL OR zone = ANY($6::text[]) OR $6::text[] IS NULL)
     AND required_skills <@ $7::text[] AND required_equipment <@ $8::text[]
     AND lower(excluded_worker_id) IS DISTINCT FROM lower($2)`;

/** Tasks due within the window, earliest due first (index tasks_due_idx). Exported for the plan test. */
export const ESCALATED_SQL = `SELECT ${COLUMNS}, rank_at FROM tasks.tasks
   WHERE ${CANDIDATE_WHERE} AND due_at IS NOT NULL AND due_at <= $4::timestamptz + make_interval(secs => $9::float8 / 1000)
   ORDER BY due_at, id FOR UPDATE SKIP LOCKED LIMIT $10`;
/** The queue by effective priority (index tasks_rank_idx). Exported for the plan test. */
export const RANKED_SQL = `SELECT ${COLUMNS}, rank_at FROM tasks.tasks
   WHERE ${CANDIDATE_WHERE} AND $9::float8 IS NOT NULL
   ORDER BY rank_at, id FOR UPDATE SKIP LOCKED LIMIT $10`;

/**
 * What a claim chooses from, read without locking in ONE statement: the first task due within the window (flagged
 * `escalated`), then the first `limit` of the queue by effective priority. A claim then locks only the one it takes.
 */
export const PEEK_SQL = `(SELECT ${COLUMNS}, rank_at, true AS escalated FROM tasks.tasks
   WHERE ${CANDIDATE_WHERE} AND due_at IS NOT NULL AND due_at <= $4::timestamptz + make_interval(secs => $9::float8 / 1000)
   ORDER BY due_at, id LIMIT 1)
  UNION ALL
  (SELECT ${COLUMNS}, rank_at, false AS escalated FROM tasks.tasks
   WHERE ${CANDIDATE_WHERE}
   ORDER BY rank_at, id LIMIT $10)`;

/** Where worker $1 stands: the end (else start) of their last completed task, or their profile location if set later. */
const POSITION_SQL = `SELECT loc FROM (
         (SELECT coalesce(end_location_id, location_id) AS loc, completed_at AS at FROM tasks.tasks
           WHERE worker_id = $1 AND status = 'COMPLETED' AND coalesce(end_location_id, location_id) IS NOT NULL
           ORDER BY completed_at DESC LIMIT 1)
         UNION ALL
         (SELECT location_id, location_at FROM tasks.workers WHERE worker_id = $1 AND location_id IS NOT NULL)
       ) p ORDER BY at DESC NULLS LAST LIMIT 1`;

export const candidateParams = (q: CandidateQuery): unknown[] => [
  q.siteId, q.workerId, q.types, q.now, q.rejectCooldownMs, q.eligibility.zones, q.eligibility.skills, q.eligibility.equipment, q.dueWindowMs, q.limit,
];

export interface WorkerProfile {
  readonly workerId: string;
  readonly siteId: string;
  readonly zones: readonly string[];
  readonly skills: readonly string[];
  readonly equipment: readonly string[];
  readonly maxTasks: number;
  readonly locationId: string | null;
  readonly locationAt: string | null;
  readonly updatedAt: string;
  readonly version: number;
}

export type NewWorkerProfile = Pick<WorkerProfile, 'workerId' | 'siteId' | 'zones' | 'skills' | 'equipment' | 'maxTasks' | 'locationId'>;

const WORKER_COLUMN_NAMES = ['worker_id', 'site_id', 'zones', 'skills', 'equipment', 'max_tasks', 'location_id', 'location_at', 'updated_at', 'version'] as const;
const WORKER_COLUMNS = columnList(WORKER_COLUMN_NAMES);
type WorkerRow = Pick<Selectable<TasksWorkers>, (typeof WORKER_COLUMN_NAMES)[number]>;

function toProfile(r: WorkerRow): WorkerProfile {
  return {
    workerId: r.worker_id, siteId: r.site_id, zones: r.zones, skills: r.skills, equipment: r.equipment, maxTasks: r.max_tasks,
    locationId: r.location_id, locationAt: iso(r.location_at), updatedAt: r.updated_at.toISOString(), version: r.version,
  };
}

/** `insert`'s guard: no end of this work (its type $3, reference $4, round $17) was heard before it (migration 012). */
const NOT_ENDED = `NOT EXISTS (SELECT 1 FROM tasks.ended_work e WHERE e.type = $3::text AND e.reference = $4::text AND (e.round IS NULL OR e.round >= $17::int))`;

/** SQL of the tasks schema. */
export const taskStore = {

  /**
   * Inserts the task unless one already exists for the same round of the same work, or one of its work is still live
   * (migration 007); returns it only when inserted.
   */
  async insert(db: Executor, t: NewTask): Promise<Task | undefined> {
    const params = [t.id, t.siteId, t.type, t.reference, t.waveId, t.priority, t.status, t.now, t.rankAt, t.locationId ?? null, t.endLocationId ?? null,
      t.dueAt ?? null, t.zone ?? null, t.requiredSkills ?? [], t.requiredEquipment ?? [], t.excludedWorkerId ?? null, t.round ?? 1, t.about ?? []];
    const rows = t.priorityOfOrder === undefined
      ? await db.query<TaskRow>(
        `INSERT INTO tasks.tasks (id, site_id, type, reference, wave_id, priority, status, created_at, updated_at, rank_at,
                                 location_id, end_location_id, due_at, zone, required_skills, required_equipment, excluded_worker_id, round, about)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18
          WHERE ${NOT_ENDED}
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`, params)
      // The remembered priority, when the order has one, and the queue key of domain/ranking.ts `rankAt` with it (as
      // setPriority moves it).
      : await db.query<TaskRow>(
        `INSERT INTO tasks.tasks (id, site_id, type, reference, wave_id, priority, status, created_at, updated_at, rank_at,
                                 location_id, end_location_id, due_at, zone, required_skills, required_equipment, excluded_worker_id, round, about)
         SELECT $1, $2, $3, $4, $5, COALESCE(op.priority, $6::int), $7, $8, $8,
                CASE WHEN op.priority IS NULL THEN $9::timestamptz ELSE $8::timestamptz + op.priority * make_interval(mins => $20::int) END,
                $10, $11, $12, $13, $14, $15, $16, $17, $18
           FROM (SELECT (SELECT priority FROM tasks.order_priorities WHERE order_id = $19::text) AS priority) op
          WHERE ${NOT_ENDED}
         ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`, [...params, t.priorityOfOrder, AGEING_STEP_MIN]);
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /**
   * The work's end heard while no task of it was there (migration 012): remembered, so a task queued for it later (its
   * request delivered after its end) is not. `round`: the round ended (null: every round).
   */
  async rememberEndedWork(db: Executor, w: { type: TaskType; reference: string; round: number | null; ended: 'DONE' | 'WITHDRAWN'; now: Date }): Promise<void> {
    await db.query(
      `INSERT INTO tasks.ended_work (type, reference, round, ended, ended_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (type, reference) DO UPDATE
         SET round = CASE WHEN ended_work.round IS NULL OR EXCLUDED.round IS NULL THEN NULL ELSE greatest(ended_work.round, EXCLUDED.round) END,
             ended = EXCLUDED.ended, ended_at = EXCLUDED.ended_at`,
      [w.type, w.reference, w.round, w.ended, w.now]);
  },

  /**
   * Forgets ended work heard before `before` (ENDED_WORK_RETENTION_DAYS), at most `limit` rows; returns how many. The
   * oldest first, by the index of migration 013.
   */
  async pruneEndedWork(db: Executor, before: Date, limit: number): Promise<number> {
    const rows = await db.query<{ n: number }>(
      `WITH old AS (SELECT type, reference FROM tasks.ended_work WHERE ended_at < $1 ORDER BY ended_at LIMIT $2)
       , gone AS (DELETE FROM tasks.ended_work e USING old WHERE e.type = old.type AND e.reference = old.reference AND e.ended_at < $1 RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [before, limit]);
    return rows[0]?.n ?? 0;
  },

  /** A waiting or held task's new priority (1 is the most urgent); the version moves. */
  async setPriority(tx: Executor, id: string, priority: number, now: Date): Promise<Task> {
    const rows = await tx.query<TaskRow>(
      // The queue key moves with the priority (rank_at = created_at + priority × the ageing step, ADR 0023).
      `UPDATE tasks.tasks SET priority = $2::int, rank_at = created_at + $2::int * make_interval(mins => $4::int), updated_at = $3, version = version + 1
        WHERE id = $1 RETURNING ${COLUMNS}`, [id, priority, now, AGEING_STEP_MIN]);
    if (rows[0] === undefined) throw new Error(`task ${id} vanished under its row lock`);
    return toTask(rows[0]);
  },

  async get(db: Executor, id: string, lock = false): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks.tasks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /**
   * Remembers an order's priority from its reprioritisation unless a later one (by time, then event id) is remembered:
   * whether this one is the latest (an older one handed over late is not).
   */
  async rememberOrderPriority(db: Executor, orderId: string, priority: number, at: Date, eventId: string): Promise<boolean> {
    const rows = await db.query<{ order_id: string }>(
      `INSERT INTO tasks.order_priorities (order_id, priority, changed_at, event_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO UPDATE SET priority = EXCLUDED.priority, changed_at = EXCLUDED.changed_at, event_id = EXCLUDED.event_id
         WHERE (order_priorities.changed_at, order_priorities.event_id) <= (EXCLUDED.changed_at, EXCLUDED.event_id)
       RETURNING order_id`,
      [orderId, priority, at, eventId],
    );
    return rows.length > 0;
  },

  /** The task of the work's latest round (up to `upToRound` when given), locked. */
  async byReference(db: Executor, type: TaskType, reference: string, upToRound?: number): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(
      `SELECT ${COLUMNS} FROM tasks.tasks WHERE type = $1 AND reference = $2 AND (round <= $3::int OR $3::int IS NULL)
        ORDER BY round DESC LIMIT 1 FOR UPDATE`, [type, reference, upToRound ?? null]);
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /**
   * `byReference` (locked) and, when its status is a key of `oneStep`, its move to that status, in one statement
   * (issue 18 a, 2026-12-05: a work event's task was a locked read and a write). `moved`: whether it moved; `before`:
   * its status as locked. The move is the one `setStatus` writes.
   */
  async moveByReference(
    db: Executor, type: TaskType, reference: string, upToRound: number | undefined, oneStep: Readonly<Partial<Record<TaskStatus, TaskStatus>>>, now: Date,
  ): Promise<{ task: Task; before: TaskStatus; moved: boolean } | undefined> {
    const rows = await db.query<TaskRow & { moved: boolean; before: TaskStatus }>(
      `WITH cur AS (
         SELECT ${COLUMNS} FROM tasks.tasks WHERE type = $1 AND reference = $2 AND (round <= $3::int OR $3::int IS NULL)
          ORDER BY round DESC LIMIT 1 FOR UPDATE),
       moved AS (
         UPDATE tasks.tasks t
            SET status = $4::jsonb ->> cur.status, updated_at = $5, version = t.version + 1,
                started_at = CASE WHEN $4::jsonb ->> cur.status = 'IN_PROGRESS' AND t.started_at IS NULL THEN $5 ELSE t.started_at END,
                completed_at = CASE WHEN $4::jsonb ->> cur.status IN ('COMPLETED', 'CANCELLED') THEN $5 ELSE t.completed_at END
           FROM cur WHERE t.id = cur.id AND $4::jsonb ? cur.status
          RETURNING ${columnList(COLUMN_NAMES, 't')})
       SELECT true AS moved, cur.status AS before, ${columnList(COLUMN_NAMES, 'moved')} FROM moved, cur
       UNION ALL
       SELECT false, cur.status, ${columnList(COLUMN_NAMES, 'cur')} FROM cur WHERE NOT EXISTS (SELECT 1 FROM moved)`,
      [type, reference, upToRound ?? null, JSON.stringify(oneStep), now],
    );
    const r = rows[0];
    return r === undefined ? undefined : { task: toTask(r), before: r.before, moved: r.moved };
  },

  /**
   * The worker holding (ASSIGNED, IN_PROGRESS, PAUSED) the live task about a resource: its reference is the id, or the
   * id and a suffix (`cnt_…:recount`), or the task is `about` it (a return's order, a putaway's units at the dock).
   * Undefined when no one holds one. Several live tasks may be about one resource (two putaways of one SKU's units at
   * the dock, held by two people): `caller` when they hold one of them, else the latest holder.
   */
  async holderOf(db: Executor, reference: string, caller?: string): Promise<string | undefined> {
    const rows = await db.query<Pick<TaskRow, 'worker_id'>>(
      `SELECT worker_id FROM tasks.tasks WHERE type = ANY($2::text[]) AND (reference = $1 OR left(reference, length($1) + 1) = $1 || ':' OR $1 = ANY(about))
         AND status IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED') AND worker_id IS NOT NULL
       ORDER BY (worker_id = $3::text) IS TRUE DESC, assigned_at DESC LIMIT 1`, [reference, [...TASK_TYPES], caller ?? null],
    );
    return rows[0]?.worker_id ?? undefined;
  },

  /**
   * The worker id a typed one names ignoring letter case, as it was given: a worker profile's, else the holder of a
   * live task (indexes `workers_lower_idx`, `tasks_held_lower_idx`, migration 009), else whoever held any task before
   * (done, failed, rejected: a worker between tasks holds nothing live; `tasks_worker_lower_idx`, migration 011);
   * undefined when none is.
   */
  async workerNamed(db: Executor, typed: string): Promise<string | undefined> {
    const rows = await db.query<Pick<TaskRow, 'worker_id'>>(
      `(SELECT worker_id FROM tasks.workers WHERE lower(worker_id) = lower($1) ORDER BY worker_id LIMIT 1)
       UNION ALL
       (SELECT worker_id FROM tasks.tasks WHERE lower(worker_id) = lower($1) AND status IN ('ASSIGNED', 'IN_PROGRESS', 'PAUSED') ORDER BY assigned_at LIMIT 1)
       UNION ALL
       (SELECT worker_id FROM tasks.tasks WHERE lower(worker_id) = lower($1) ORDER BY lower(worker_id), id LIMIT 1)
       LIMIT 1`, [typed],
    );
    return rows[0]?.worker_id ?? undefined;
  },

  /** The tasks a worker holds and works on (ASSIGNED, IN_PROGRESS), oldest assignment first. Paused ones are not. */
  async heldBy(db: Executor, workerId: string): Promise<Task[]> {
    const rows = await db.query<TaskRow>(
      `SELECT ${COLUMNS} FROM tasks.tasks WHERE worker_id = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY assigned_at, id`, [workerId],
    );
    return rows.map(toTask);
  },

  /**
   * Locks and returns up to `limit` queued tasks of the site the worker may take, best first: with `escalated`, the
   * tasks due within `dueWindowMs` by due time; otherwise every eligible task by its queue key (rank_at). Rows other
   * claims hold are skipped, not waited for, so concurrent claims never get the same task and never wait.
   */
  async candidates(db: Executor, q: CandidateQuery): Promise<QueuedTask[]> {
    const rows = await db.query<TaskRow & { rank_at: Date }>(q.escalated ? ESCALATED_SQL : RANKED_SQL, candidateParams(q));
    return rows.map((r) => ({ ...toTask(r), rankAt: r.rank_at }));
  },

  /** The first escalated task and the first `limit` of the queue the worker may take, not locked (PEEK_SQL). */
  async peek(db: Executor, q: Omit<CandidateQuery, 'escalated'>): Promise<{ escalated: QueuedTask | undefined; ranked: QueuedTask[] }> {
    const rows = await db.query<TaskRow & { rank_at: Date; escalated: boolean }>(PEEK_SQL, candidateParams({ ...q, escalated: false }));
    const tasks = rows.map((r) => ({ task: { ...toTask(r), rankAt: r.rank_at }, escalated: r.escalated }));
    return { escalated: tasks.find((t) => t.escalated)?.task, ranked: tasks.filter((t) => !t.escalated).map((t) => t.task) };
  },

  /**
   * Whether a claim by the worker could answer a task: a task of `types` queued at the site, or one the worker holds
   * (ASSIGNED or IN_PROGRESS); and whether one they hold is of `workTypes` (work another context owns, whose state the
   * claim asks first). One unlocked statement on the queue and held-task indexes, prepared: the types filter drives no
   * index (see CANDIDATE_WHERE).
   */
  async mayHaveWork(db: Executor, siteId: string, workerId: string, types: readonly TaskType[] | null, workTypes: readonly TaskType[] = []): Promise<{ may: boolean; holdsWork: boolean }> {
    const rows = await db.query<{ queued: boolean; held: boolean; held_work: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM tasks.tasks WHERE site_id = $1 AND status = 'QUEUED' AND (type = ANY($3::text[]) OR $3::text[] IS NULL)) AS queued,
              h.held, h.held_work
         FROM (SELECT count(*) > 0 AS held, coalesce(bool_or(type = ANY($4::text[])), false) AS held_work
                 FROM tasks.tasks WHERE worker_id = $2 AND status IN ('ASSIGNED', 'IN_PROGRESS')) h`,
      [siteId, workerId, types, [...workTypes]],
    );
    const r = rows[0];
    return { may: r?.queued === true || r?.held === true, holdsWork: r?.held_work === true };
  },

  /**
   * Everything a claim decides on, in ONE statement: how many tasks the worker holds (ASSIGNED or IN_PROGRESS), the
   * first of them still ASSIGNED and the oldest held, their profile, and where they stand: the end (else the start) location of their last completed task, or their
   * profile's location if that was set later.
   */
  async claimState(db: Executor, workerId: string): Promise<{
    heldCount: number; waitingId: string | undefined; oldestHeldId: string | undefined; profile: WorkerProfile | undefined; position: string | undefined;
  }> {
    const rows = await db.query<Partial<WorkerRow> & { found: boolean; position: string | null; held_count: number; waiting_id: string | null; oldest_id: string | null }>(
      `SELECT ${columnList(WORKER_COLUMN_NAMES, 'w')}, w.worker_id IS NOT NULL AS found, (${POSITION_SQL}) AS position,
              h.held_count, h.waiting_id, h.oldest_id
         FROM (SELECT count(*)::int AS held_count,
                      (array_agg(id ORDER BY assigned_at, id) FILTER (WHERE status = 'ASSIGNED'))[1] AS waiting_id,
                      (array_agg(id ORDER BY assigned_at, id))[1] AS oldest_id
                 FROM tasks.tasks WHERE worker_id = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS')) h
         LEFT JOIN tasks.workers w ON w.worker_id = $1`,
      [workerId],
    );
    const r = rows[0]!;
    return {
      heldCount: r.held_count, waitingId: r.waiting_id ?? undefined, oldestHeldId: r.oldest_id ?? undefined,
      profile: r.found ? toProfile(r as WorkerRow) : undefined, position: r.position ?? undefined,
    };
  },

  /**
   * Claims the first of `ids` (in that order of preference) that is still QUEUED and that no other claim is taking
   * right now, in ONE statement: a row another transaction holds is skipped, not waited for. Undefined when none is left.
   * The statement writes `events` (the claim's `assigned`, its data and site filled from the claimed row: `eventCtes`)
   * with the claim; run it with `EventBus.writeWithEvents`.
   */
  async claimFirst(db: Executor, ids: readonly string[], workerId: string, now: Date, events: readonly EventEnvelope[]): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(
      `WITH w AS (
         UPDATE tasks.tasks SET status = 'ASSIGNED', worker_id = $2, assigned_at = $3, updated_at = $3, version = version + 1
          WHERE status = 'QUEUED' AND id = (
            SELECT id FROM tasks.tasks WHERE id = ANY($1::text[]) AND status = 'QUEUED'
             ORDER BY array_position($1::text[], id) FOR UPDATE SKIP LOCKED LIMIT 1)
          RETURNING ${COLUMNS}
       ), ${eventCtes('$4::jsonb', 'w', CHANGED_FIELDS)}
       SELECT ${COLUMNS} FROM w`,
      [ids, workerId, now, JSON.stringify(events)],
    );
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /** QUEUED → ASSIGNED for a task the caller locked (candidates); undefined if it was not queued any more. */
  async assign(db: Executor, id: string, workerId: string, now: Date): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks SET status = 'ASSIGNED', worker_id = $2, assigned_at = $3, updated_at = $3, version = version + 1
        WHERE id = $1 AND status = 'QUEUED' RETURNING ${COLUMNS}`,
      [id, workerId, now],
    );
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /**
   * Where the worker stands: the end (else the start) location of their last completed task, or their profile's
   * location if that was set later. Undefined when neither is known.
   */
  async positionOf(db: Executor, workerId: string): Promise<string | undefined> {
    const rows = await db.query<{ loc: string | null }>(`SELECT (${POSITION_SQL}) AS loc`, [workerId]);
    return rows[0]?.loc ?? undefined;
  },

  /**
   * Who last rejected each of these tasks and when (the reject cool-down of a batch assignment), and the worker each
   * excludes: only tasks with either.
   */
  async rejectMarks(db: Executor, ids: readonly string[]): Promise<Map<string, { by: string | null; at: Date | null; excluded: string | null }>> {
    const rows = await db.query<{ id: string; rejected_by: string | null; rejected_at: Date | null; excluded_worker_id: string | null }>(
      `SELECT id, rejected_by, rejected_at, excluded_worker_id FROM tasks.tasks
        WHERE id = ANY($1::text[]) AND (rejected_by IS NOT NULL OR excluded_worker_id IS NOT NULL)`, [ids],
    );
    return new Map(rows.map((r) => [r.id, { by: r.rejected_by, at: r.rejected_at, excluded: r.excluded_worker_id }]));
  },

  /**
   * A worker's profile by their id in any letter case (ADR 0019; index workers_lower_idx): `ANNA` is anna's profile, as
   * everywhere else a worker is named (PUT refuses a second spelling, so there is one at most).
   */
  async profile(db: Executor, workerId: string): Promise<WorkerProfile | undefined> {
    const rows = await db.query<WorkerRow>(
      `SELECT ${WORKER_COLUMNS} FROM tasks.workers WHERE lower(worker_id) = lower($1) ORDER BY worker_id LIMIT 1`, [workerId],
    );
    return rows[0] === undefined ? undefined : toProfile(rows[0]);
  },

  async profiles(db: Executor, workerIds: readonly string[]): Promise<Map<string, WorkerProfile>> {
    const rows = await db.query<WorkerRow>(`SELECT ${WORKER_COLUMNS} FROM tasks.workers WHERE worker_id = ANY($1::text[])`, [workerIds]);
    return new Map(rows.map((r) => [r.worker_id, toProfile(r)]));
  },

  /** Creates or replaces a worker's profile; the location's time moves only when the location changes. */
  async putProfile(db: Executor, p: NewWorkerProfile, now: Date): Promise<WorkerProfile> {
    const rows = await db.query<WorkerRow>(
      `INSERT INTO tasks.workers (worker_id, site_id, zones, skills, equipment, max_tasks, location_id, location_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE $8::timestamptz END, $8)
       ON CONFLICT (worker_id) DO UPDATE SET
         site_id = EXCLUDED.site_id, zones = EXCLUDED.zones, skills = EXCLUDED.skills, equipment = EXCLUDED.equipment,
         max_tasks = EXCLUDED.max_tasks, location_id = EXCLUDED.location_id,
         location_at = CASE WHEN EXCLUDED.location_id IS NOT DISTINCT FROM workers.location_id THEN workers.location_at ELSE EXCLUDED.location_at END,
         updated_at = EXCLUDED.updated_at, version = workers.version + 1
       RETURNING ${WORKER_COLUMNS}`,
      [p.workerId, p.siteId, p.zones, p.skills, p.equipment, p.maxTasks, p.locationId, now],
    );
    return toProfile(rows[0] as WorkerRow);
  },

  /** ASSIGNED → QUEUED on the worker's reject (the caller holds the row lock and checked the transition). */
  async reject(db: Executor, id: string, workerId: string, now: Date): Promise<Task> {
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks
          SET status = 'QUEUED', worker_id = NULL, assigned_at = NULL, rejected_by = $2, rejected_at = $3, updated_at = $3, version = version + 1
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, workerId, now],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`task ${id} vanished while locked`);
    return toTask(row);
  },

  /**
   * ASSIGNED → QUEUED for every task assigned at or before `assignedBefore` and still not started, in ONE statement.
   * Rows a worker is moving right now (start, reject) are skipped, not waited for: the next sweep sees them again
   * if they are still stale. Safe to run from several processes at once.
   */
  async requeueStale(db: Executor, assignedBefore: Date, now: Date): Promise<RequeuedTask[]> {
    const rows = await db.query<TaskRow & { previous_worker_id: string }>(
      `WITH stale AS (
         SELECT id, worker_id FROM tasks.tasks
          WHERE status = 'ASSIGNED' AND assigned_at <= $1
          ORDER BY assigned_at, id
          FOR UPDATE SKIP LOCKED)
       UPDATE tasks.tasks t
          SET status = 'QUEUED', worker_id = NULL, assigned_at = NULL, updated_at = $2, version = t.version + 1
         FROM stale
        WHERE t.id = stale.id
        RETURNING ${columnList(COLUMN_NAMES, 't')}, stale.worker_id AS previous_worker_id`,
      [assignedBefore, now],
    );
    return rows.map((r) => ({ task: toTask(r), previousWorkerId: r.previous_worker_id })).sort((a, b) => (a.task.id < b.task.id ? -1 : 1));
  },

  /**
   * IN_PROGRESS or PAUSED → FAILED (the caller holds the row lock and checked the transition): nobody holds it any more,
   * the count goes up, and the worker who held it is marked as a rejecting worker is (the reject cool-down of `next`).
   */
  async fail(db: Executor, id: string, f: { reason: TaskFailureReason; note: string | null; workerId: string }, now: Date): Promise<Task> {
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks
          SET status = 'FAILED', worker_id = NULL, assigned_at = NULL, failures = failures + 1, failure_reason = $2, failure_note = $3,
              rejected_by = $4, rejected_at = $5, updated_at = $5, version = version + 1
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, f.reason, f.note, f.workerId, now],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`task ${id} vanished while locked`);
    return toTask(row);
  },

  /**
   * FAILED → QUEUED (the caller holds the row lock and checked the transition): it starts anew for its next worker.
   * A supervisor's re-queue (`reset`) gives it its whole failure budget again and lifts the cool-down of the worker
   * who failed it (the cause was looked at); the automatic retry keeps both.
   */
  async requeueFailed(db: Executor, id: string, reset: boolean, now: Date): Promise<Task> {
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks
          SET status = 'QUEUED', started_at = NULL, updated_at = $3, version = version + 1,
              failures = CASE WHEN $2::boolean THEN 0 ELSE failures END,
              rejected_by = CASE WHEN $2::boolean THEN NULL ELSE rejected_by END,
              rejected_at = CASE WHEN $2::boolean THEN NULL ELSE rejected_at END
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, reset, now],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`task ${id} vanished while locked`);
    return toTask(row);
  },

  /** Who last rejected or failed a task (null when nobody did or a supervisor lifted it). */
  async rejectMark(db: Executor, id: string): Promise<string | null> {
    const rows = await db.query<{ rejected_by: string | null }>(`SELECT rejected_by FROM tasks.tasks WHERE id = $1`, [id]);
    return rows[0]?.rejected_by ?? null;
  },

  /** Moves a task to `to`; the caller has checked the transition on the locked row. */
  async setStatus(db: Executor, id: string, to: TaskStatus, now: Date): Promise<Task> {
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks
          SET status = $2, updated_at = $3, version = version + 1,
              started_at = CASE WHEN $2 = 'IN_PROGRESS' AND started_at IS NULL THEN $3 ELSE started_at END,
              completed_at = CASE WHEN $2 IN ('COMPLETED', 'CANCELLED') THEN $3 ELSE completed_at END
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, to, now],
    );
    const row = rows[0];
    if (row === undefined) throw new Error(`task ${id} vanished while locked`);
    return toTask(row);
  },

  /**
   * A worker's move in ONE statement with its event (ADR 0003 addendum 2026-12-03): the task goes to `to` only if it
   * still is as the caller decided on it (`guard`: its status and worker, or the version it read), and the statement
   * writes the event envelopes of `envelopes` (their data and site filled from the moved row: `TaskChanged`) only when
   * it moved. Undefined when the guard refused (someone else moved it first). Run with `EventBus.writeWithEvents`.
   */
  moveSql(guard: 'state' | 'version'): string {
    const where = guard === 'state' ? 'status = $4 AND worker_id = $5' : 'version = $4';
    return `WITH w AS (
       UPDATE tasks.tasks
          SET status = $2, updated_at = $3, version = version + 1,
              started_at = CASE WHEN $2 = 'IN_PROGRESS' AND started_at IS NULL THEN $3 ELSE started_at END,
              completed_at = CASE WHEN $2 IN ('COMPLETED', 'CANCELLED') THEN $3 ELSE completed_at END
        WHERE id = $1 AND ${where} RETURNING ${COLUMNS}
     ), ${eventCtes(guard === 'state' ? '$6::jsonb' : '$5::jsonb', 'w', CHANGED_FIELDS)}
     SELECT ${COLUMNS} FROM w`;
  },

  toTask(row: TaskRow): Task {
    return toTask(row);
  },

  /** How many of a site's tasks are in each status: one statement (index tasks_site_status_idx). */
  async countByStatus(db: Executor, siteId: string): Promise<{ status: string; n: number }[]> {
    return db.query<{ status: string; n: number }>(`SELECT status, count(*)::int4 AS n FROM tasks.tasks WHERE site_id = $1 GROUP BY status`, [siteId]);
  },

  /** A worker id ignores letter case (ADR 0019): `ANNA` lists anna's tasks (index tasks_worker_lower_idx). */
  async list(db: Executor, f: TaskFilter): Promise<Task[]> {
    const rows = await db.query<TaskRow>(
      LIST_SQL,
      [f.siteId ?? null, f.status ?? null, f.workerId ?? null, f.cursor ?? null, f.limit, f.type ?? null],
    );
    return rows.map(toTask);
  },
};
