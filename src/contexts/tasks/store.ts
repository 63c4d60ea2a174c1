import type { Executor } from '../../platform/db/database.ts';
import { columnList, type Narrowed, type Selectable } from '../../platform/db/row-types.ts';
import type { TaskStatus, TaskType } from '../../contracts/tasks.ts';
import type { TasksTasks } from './db-types.ts';

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
}

const COLUMN_NAMES = [
  'id', 'site_id', 'type', 'reference', 'wave_id', 'priority', 'status', 'worker_id',
  'created_at', 'assigned_at', 'started_at', 'completed_at', 'updated_at', 'version',
] as const;
const COLUMNS = columnList(COLUMN_NAMES);

/** A task as this store reads it: its columns but the reject marks, type and status narrowed by the CHECKs. */
type TaskRow = Narrowed<Pick<Selectable<TasksTasks>, (typeof COLUMN_NAMES)[number]>, { type: TaskType; status: TaskStatus }>;

/** A task put back in the queue, with the worker who held it. */
export interface RequeuedTask {
  readonly task: Task;
  readonly previousWorkerId: string;
}

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function toTask(r: TaskRow): Task {
  return {
    id: r.id, siteId: r.site_id, type: r.type, reference: r.reference, waveId: r.wave_id, priority: r.priority,
    status: r.status, workerId: r.worker_id, createdAt: r.created_at.toISOString(), assignedAt: iso(r.assigned_at),
    startedAt: iso(r.started_at), completedAt: iso(r.completed_at), updatedAt: r.updated_at.toISOString(), version: r.version,
  };
}

export interface NewTask {
  readonly id: string;
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly waveId: string | null;
  readonly priority: number;
  readonly status: TaskStatus;
  readonly now: Date;
}

export interface TaskFilter {
  readonly siteId?: string;
  readonly status?: TaskStatus;
  readonly workerId?: string;
  readonly cursor?: string;
  readonly limit: number;
}

/** SQL of the tasks schema. */
export const taskStore = {
  /** Inserts the task unless one already exists for the same work; returns it only when inserted. */
  async insert(db: Executor, t: NewTask): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(
      `INSERT INTO tasks.tasks (id, site_id, type, reference, wave_id, priority, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (type, reference) DO NOTHING RETURNING ${COLUMNS}`,
      [t.id, t.siteId, t.type, t.reference, t.waveId, t.priority, t.status, t.now],
    );
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /** A waiting or held task's new priority (1 is the most urgent); the version moves. */
  async setPriority(tx: Executor, id: string, priority: number, now: Date): Promise<Task> {
    const rows = await tx.query<TaskRow>(
      `UPDATE tasks.tasks SET priority = $2, updated_at = $3, version = version + 1 WHERE id = $1 RETURNING ${COLUMNS}`, [id, priority, now]);
    if (rows[0] === undefined) throw new Error(`task ${id} vanished under its row lock`);
    return toTask(rows[0]);
  },

  async get(db: Executor, id: string, lock = false): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks.tasks WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  async byReference(db: Executor, type: TaskType, reference: string): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(`SELECT ${COLUMNS} FROM tasks.tasks WHERE type = $1 AND reference = $2 FOR UPDATE`, [type, reference]);
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  async activeOf(db: Executor, workerId: string): Promise<Task | undefined> {
    const rows = await db.query<TaskRow>(
      `SELECT ${COLUMNS} FROM tasks.tasks WHERE worker_id = $1 AND status IN ('ASSIGNED', 'IN_PROGRESS') ORDER BY assigned_at LIMIT 1`, [workerId],
    );
    return rows[0] === undefined ? undefined : toTask(rows[0]);
  },

  /**
   * Claims the site's most urgent, oldest queued task for the worker in ONE statement: the inner SELECT locks the
   * candidate row and skips rows other claims hold, so concurrent claims never get the same task and never wait.
   */
  async claimNext(
    db: Executor, siteId: string, workerId: string, types: readonly TaskType[] | null, now: Date, rejectCooldownMs: number,
  ): Promise<Task | undefined> {
    // A task the worker rejected less than the cool-down ago is skipped for them (it stays in the queue for the others).
    const rows = await db.query<TaskRow>(
      `UPDATE tasks.tasks
          SET status = 'ASSIGNED', worker_id = $2, assigned_at = $4, updated_at = $4, version = version + 1
        WHERE status = 'QUEUED' AND id = (
          SELECT id FROM tasks.tasks
           WHERE site_id = $1 AND status = 'QUEUED' AND ($3::text[] IS NULL OR type = ANY($3::text[]))
             AND (rejected_by IS DISTINCT FROM $2 OR rejected_at <= $4::timestamptz - make_interval(secs => $5::float8 / 1000))
           ORDER BY priority, created_at, id
           FOR UPDATE SKIP LOCKED
           LIMIT 1)
        RETURNING ${COLUMNS}`,
      [siteId, workerId, types, now, rejectCooldownMs],
    );
    return rows[0] === undefined ? undefined : toTask(rows[0]);
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

  async list(db: Executor, f: TaskFilter): Promise<Task[]> {
    const rows = await db.query<TaskRow>(
      `SELECT ${COLUMNS} FROM tasks.tasks
        WHERE ($1::text IS NULL OR site_id = $1) AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR worker_id = $3) AND ($4::text IS NULL OR id > $4)
        ORDER BY id LIMIT $5`,
      [f.siteId ?? null, f.status ?? null, f.workerId ?? null, f.cursor ?? null, f.limit],
    );
    return rows.map(toTask);
  },
};
