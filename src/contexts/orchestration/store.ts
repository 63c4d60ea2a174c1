import type { Executor } from '../../platform/db/database.ts';
import { columnList } from '../../platform/db/row-types.ts';
import type { Narrowed, Selectable } from '../../platform/db/row-types.ts';
import { DEFAULT_OWNER_ID } from '../../contracts/inventory.ts';
import type { ExceptionAction, ExceptionKind, ExceptionStatus } from '../../contracts/orchestration.ts';
import type { OrchestrationCarrierCutoffs, OrchestrationExceptions, OrchestrationQueuedTasks, OrchestrationWorkingTasks } from './db-types.ts';

/** An exception as the API shows it. */
export interface SupervisorException {
  readonly id: string;
  readonly siteId: string | null;
  readonly kind: ExceptionKind;
  readonly subject: string;
  readonly reason: string;
  readonly actions: readonly ExceptionAction[];
  readonly details: Record<string, unknown>;
  readonly status: ExceptionStatus;
  readonly resolution: string | null;
  readonly resolvedBy: string | null;
  readonly raisedAt: string;
  readonly resolvedAt: string | null;
  readonly version: number;
}

const EXCEPTION_COLUMN_NAMES = [
  'id', 'site_id', 'kind', 'case_key', 'subject', 'reason', 'actions', 'details', 'status', 'resolution', 'resolved_by', 'raised_at',
  'resolved_at', 'version',
] as const;
const EXCEPTION_COLUMNS = columnList(EXCEPTION_COLUMN_NAMES);
/** How long a person's action on an exception (`markActing`) takes its case's automatic clearing as its own. */
export const ACTING_FOR_MS = 120_000;
/**
 * The marks of the actions running on an exception: a JSON array, one mark per action, the latest last (two people may
 * act at once; each action takes back only its own mark). A single object (a mark made before marks were a list) reads as none.
 */
const MARKS = `(CASE WHEN jsonb_typeof(acting) = 'array' THEN acting ELSE '[]'::jsonb END)`;
/** In `resolve` ($2 the resolution, $4 now, $5 ACTING_FOR): an automatic resolution while a person's action runs (the latest). */
const ACTED = `($2 LIKE 'auto:%' AND jsonb_typeof(acting) = 'array' AND (acting->-1->>'at')::timestamptz > $4::timestamptz - $5::interval)`;
type ExceptionRow = Narrowed<Pick<Selectable<OrchestrationExceptions>, (typeof EXCEPTION_COLUMN_NAMES)[number]>, {
  kind: ExceptionKind; status: ExceptionStatus; actions: ExceptionAction[]; details: Record<string, unknown>;
}>;

const toException = (r: ExceptionRow): SupervisorException => ({
  id: r.id, siteId: r.site_id, kind: r.kind, subject: r.subject, reason: r.reason, actions: r.actions, details: r.details, status: r.status,
  resolution: r.resolution, resolvedBy: r.resolved_by, raisedAt: r.raised_at.toISOString(), resolvedAt: r.resolved_at?.toISOString() ?? null,
  version: r.version,
});

export interface NewException {
  readonly id: string;
  readonly siteId: string | null;
  readonly kind: ExceptionKind;
  /** Names the case: the same case raised again changes nothing. */
  readonly caseKey: string;
  readonly subject: string;
  readonly reason: string;
  readonly actions: readonly ExceptionAction[];
  readonly details: Record<string, unknown>;
}

export interface ExceptionFilter {
  readonly siteId?: string;
  /** Only the exceptions of these sites (a caller of some sites only): none of no site. */
  readonly siteIds?: readonly string[];
  readonly status?: ExceptionStatus;
  readonly kind?: ExceptionKind;
  /**
   * Only the exceptions about this order: its own (the subject is the order), and those whose details link them to it:
   * a shipment's (`details.orderId`), its fulfilment saga's (`details.key`, the saga's key is the order id) and a task's
   * whose reference is the order (a PACK task's `details.reference`).
   */
  readonly orderId?: string;
  readonly after?: string;
  readonly limit: number;
}

/** The key of a (site, carrier) pair in `cutoffsOf`'s answer. */
export const cutoffKey = (siteId: string, carrier: string): string => JSON.stringify([siteId, carrier]);

export type CarrierCutoff = Pick<Selectable<OrchestrationCarrierCutoffs>, 'carrier' | 'cutoff_min'>;
export type QueuedTask = Pick<Selectable<OrchestrationQueuedTasks>, 'task_id' | 'site_id' | 'type' | 'reference' | 'queued_at'>;
export type WorkingTask = Pick<Selectable<OrchestrationWorkingTasks>, 'task_id' | 'site_id' | 'type' | 'reference' | 'status' | 'worker_id' | 'since'>;
/** A task a worker holds, as of its last move (started, paused or resumed). */
export interface WorkingTaskChange {
  readonly taskId: string; readonly siteId: string; readonly type: string; readonly reference: string;
  readonly status: string; readonly workerId: string | null; readonly since: Date;
}

export const orchestrationStore = {
  /** Inserts the exception unless its case has one already; the new one, or undefined. */
  async insertException(db: Executor, x: NewException, now: Date): Promise<SupervisorException | undefined> {
    const rows = await db.query<ExceptionRow>(
      `INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'OPEN', $9)
       ON CONFLICT (kind, case_key) DO NOTHING RETURNING ${EXCEPTION_COLUMNS}`,
      [x.id, x.siteId, x.kind, x.caseKey, x.subject, x.reason, [...x.actions], JSON.stringify(x.details), now],
    );
    return rows[0] === undefined ? undefined : toException(rows[0]);
  },

  /**
   * The exceptions of a case that is raised again while it lasts (ORDER_NOT_MOVING, TASK_NOT_STARTED, TASK_NOT_FINISHED;
   * docs/operations/exceptions.md): keyed
   * `base` the first time, `base#2`, `base#3`… after; its generations, newest first.
   */
  async generationsOf(db: Executor, kind: ExceptionKind, subject: string, base: string): Promise<{ generation: number; exception: SupervisorException }[]> {
    const rows = await db.query<ExceptionRow>(
      `SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions
        WHERE kind = $1 AND subject = $2 AND (case_key = $3 OR left(case_key, length($3) + 1) = $3 || '#')`,
      [kind, subject, base],
    );
    return rows
      .map((r) => ({ generation: r.case_key === base ? 1 : Number(r.case_key.slice(base.length + 1)), exception: toException(r) }))
      .filter((g) => Number.isInteger(g.generation) && g.generation >= 1)
      .sort((a, b) => b.generation - a.generation);
  },

  async exception(db: Executor, id: string, lock = false): Promise<SupervisorException | undefined> {
    const rows = await db.query<ExceptionRow>(`SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    return rows[0] === undefined ? undefined : toException(rows[0]);
  },

  /** The open exceptions of these kinds about `subject`, locked in id order. */
  async openAbout(db: Executor, kinds: readonly ExceptionKind[], subject: string): Promise<SupervisorException[]> {
    const rows = await db.query<ExceptionRow>(
      `SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions WHERE subject = $1 AND kind = ANY($2::text[]) AND status = 'OPEN' ORDER BY id FOR UPDATE`,
      [subject, [...kinds]],
    );
    return rows.map(toException);
  },

  /**
   * The open UNITS_LEFT_AT_DOCK exceptions about these units (owner, SKU, lot) at this receiving location, locked in id
   * order: read from the details they were raised with (the putaway's), as the case is keyed by its putaway.
   */
  async openUnitsLeftAtDock(db: Executor, k: { siteId: string; locationId: string; ownerId: string; sku: string; lot: string | null }): Promise<SupervisorException[]> {
    const rows = await db.query<ExceptionRow>(
      `SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions
        WHERE kind = 'UNITS_LEFT_AT_DOCK' AND status = 'OPEN' AND site_id = $1 AND details->>'locationId' = $2
          AND coalesce(details->>'ownerId', $6) = $3 AND details->>'sku' = $4 AND (details->>'lot') IS NOT DISTINCT FROM $5
        ORDER BY id FOR UPDATE`,
      [k.siteId, k.locationId, k.ownerId, k.sku, k.lot, DEFAULT_OWNER_ID],
    );
    return rows.map(toException);
  },

  /** Of these orders, those whose fulfilment saga has not ended (not shipped nor cancelled as far as it has heard). */
  async ordersInFulfilment(db: Executor, orderIds: readonly string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows = await db.query<{ key: string }>(
      `SELECT key FROM orchestration.sagas WHERE type = 'order-fulfilment' AND key = ANY($1::text[]) AND (data->>'outcome') IS NULL`, [[...orderIds]],
    );
    return new Set(rows.map((r) => r.key));
  },

  /** Open PICKED_UNITS_LOST cases about any of these LPNs (`details.lpnIds`), locked in id order. */
  async openPickedUnitsLost(db: Executor, lpnIds: readonly string[]): Promise<SupervisorException[]> {
    if (lpnIds.length === 0) return [];
    const rows = await db.query<ExceptionRow>(
      `SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions
        WHERE kind = 'PICKED_UNITS_LOST' AND status = 'OPEN' AND (details->'lpnIds') ?| $1::text[]
        ORDER BY id FOR UPDATE`,
      [[...lpnIds]],
    );
    return rows.map(toException);
  },

  /** `openAbout` for several cases at once: the open exceptions of any (subject, kind) pair, locked in id order. */
  async openAboutAny(db: Executor, cases: readonly { readonly subject: string; readonly kinds: readonly ExceptionKind[] }[]): Promise<SupervisorException[]> {
    const pairs = cases.flatMap((c) => c.kinds.map((kind) => [c.subject, kind] as const));
    if (pairs.length === 0) return [];
    const rows = await db.query<ExceptionRow>(
      `SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions
        WHERE status = 'OPEN' AND (subject, kind) IN (SELECT s, k FROM unnest($1::text[], $2::text[]) AS p(s, k))
        ORDER BY id FOR UPDATE`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    );
    return rows.map(toException);
  },

  async openOfKind(db: Executor, kind: ExceptionKind): Promise<SupervisorException[]> {
    const rows = await db.query<ExceptionRow>(`SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions WHERE kind = $1 AND status = 'OPEN' ORDER BY id`, [kind]);
    return rows.map(toException);
  },

  /** A person is running `action` on the open exception (`resolve` then records the case's clearing as theirs); false: not open. */
  async markActing(db: Executor, id: string, acting: { action: string; by: string; token: string }, now: Date): Promise<boolean> {
    const rows = await db.query<{ id: string }>(
      `UPDATE orchestration.exceptions
          SET acting = ${MARKS} || jsonb_build_array(jsonb_build_object('action', $2::text, 'by', $3::text, 'token', $4::text, 'at', $5::timestamptz))
        WHERE id = $1 AND status = 'OPEN' RETURNING id`,
      [id, acting.action, acting.by, acting.token, now],
    );
    return rows.length === 1;
  },

  /** The action marked with `token` was refused (or failed): its mark goes; another person's action running meanwhile keeps theirs. */
  async unmarkActing(db: Executor, id: string, token: string): Promise<void> {
    await db.query(
      `UPDATE orchestration.exceptions
          SET acting = (SELECT jsonb_agg(m ORDER BY n) FROM jsonb_array_elements(${MARKS}) WITH ORDINALITY AS e(m, n) WHERE m->>'token' <> $2)
        WHERE id = $1 AND acting IS NOT NULL`,
      [id, token],
    );
  },

  /**
   * OPEN → RESOLVED, if still open; the resolved exception or undefined. An automatic resolution (`auto: …`) of an
   * exception a person is acting on (`markActing`, less than `ACTING_FOR` ago) is their action's effect: it is recorded
   * as their action, by them.
   */
  async resolve(db: Executor, id: string, resolution: string, resolvedBy: string | null, now: Date): Promise<SupervisorException | undefined> {
    const rows = await db.query<ExceptionRow>(
      `UPDATE orchestration.exceptions
          SET status = 'RESOLVED', version = version + 1, resolved_at = $4, acting = NULL,
              resolution = CASE WHEN ${ACTED} THEN acting->-1->>'action' ELSE $2 END,
              resolved_by = CASE WHEN ${ACTED} THEN acting->-1->>'by' ELSE $3 END
        WHERE id = $1 AND status = 'OPEN' RETURNING ${EXCEPTION_COLUMNS}`,
      [id, resolution, resolvedBy, now, `${ACTING_FOR_MS} milliseconds`],
    );
    return rows[0] === undefined ? undefined : toException(rows[0]);
  },

  /** The orders of a pick list (`picking.list.created`); a redelivery adds nothing. */
  async pickListOrders(db: Executor, pickListId: string, orderIds: readonly string[]): Promise<void> {
    await db.query(
      `INSERT INTO orchestration.pick_list_orders (pick_list_id, order_id) SELECT $1, o FROM unnest($2::text[]) AS o ON CONFLICT DO NOTHING`,
      [pickListId, orderIds],
    );
  },

  /**
   * An order's exceptions (`orderId`): its own, those whose details name it (a shipment's, its saga's key, a PACK
   * task's reference), those of its pick lists' tasks (their reference is the pick list), and the dead letters of
   * events about it, its pick lists or their tasks (the event's subject, orderId, orderIds, reference, pickListId).
   */
  async listExceptions(db: Executor, f: ExceptionFilter): Promise<SupervisorException[]> {
    const rows = await db.query<ExceptionRow>(
      `WITH lists AS (SELECT pick_list_id FROM orchestration.pick_list_orders WHERE $6::text IS NOT NULL AND order_id = $6)
       SELECT ${EXCEPTION_COLUMNS} FROM orchestration.exceptions
        WHERE ($1::text IS NULL OR site_id = $1) AND ($7::text[] IS NULL OR site_id = ANY($7::text[])) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR id > $4)
          AND ($6::text IS NULL OR subject = $6 OR details->>'orderId' = $6 OR (details ? 'sagaId' AND details->>'key' = $6)
               OR (details ? 'taskId' AND (details->>'reference' = $6 OR details->>'reference' IN (SELECT pick_list_id FROM lists)))
               OR (kind = 'DEAD_LETTER' AND details ? 'event' AND (
                    details->'event'->>'orderId' = $6 OR details->'event'->'orderIds' ? $6
                    OR details->'event'->>'subject' = $6 OR details->'event'->>'reference' = $6
                    OR details->'event'->>'subject' IN (SELECT pick_list_id FROM lists)
                    OR details->'event'->>'reference' IN (SELECT pick_list_id FROM lists)
                    OR details->'event'->>'pickListId' IN (SELECT pick_list_id FROM lists))))
        ORDER BY id LIMIT $5`,
      [f.siteId ?? null, f.status ?? null, f.kind ?? null, f.after ?? null, f.limit, f.orderId ?? null, f.siteIds === undefined ? null : [...f.siteIds]],
    );
    return rows.map(toException);
  },

  /** How many of a site's exceptions are in each status: one statement (index exceptions_open_idx). */
  async countByStatus(db: Executor, siteId: string): Promise<{ status: string; n: number }[]> {
    return db.query<{ status: string; n: number }>(`SELECT status, count(*)::int4 AS n FROM orchestration.exceptions WHERE site_id = $1 GROUP BY status`, [siteId]);
  },

  async openCounts(db: Executor): Promise<{ kind: string; n: number }[]> {
    return db.query(`SELECT kind, count(*)::int AS n FROM orchestration.exceptions WHERE status = 'OPEN' GROUP BY kind`);
  },

  async cutoffs(db: Executor, siteId: string): Promise<CarrierCutoff[]> {
    return db.query<CarrierCutoff>(`SELECT carrier, cutoff_min FROM orchestration.carrier_cutoffs WHERE site_id = $1 ORDER BY carrier`, [siteId]);
  },

  /** The cut-offs of the (site, carrier) pairs asked for, in one read, keyed by `cutoffKey`; a pair without one is absent. */
  async cutoffsOf(db: Executor, pairs: readonly { siteId: string; carrier: string }[]): Promise<Map<string, number>> {
    if (pairs.length === 0) return new Map();
    const rows = await db.query<{ site_id: string; carrier: string; cutoff_min: number }>(
      `SELECT c.site_id, c.carrier, c.cutoff_min FROM orchestration.carrier_cutoffs c
         JOIN unnest($1::text[], $2::text[]) AS p(site_id, carrier) ON c.site_id = p.site_id AND c.carrier = p.carrier`,
      [pairs.map((p) => p.siteId), pairs.map((p) => p.carrier)]);
    return new Map(rows.map((r) => [cutoffKey(r.site_id, r.carrier), r.cutoff_min]));
  },

  /**
   * The site's table becomes exactly `cutoffs`. Two replacements of one site are taken one after the other (a lock on the
   * site, held to the transaction's end): without it each deleted only the rows committed before it and both inserted,
   * so the second failed on the primary key (409 to a sensible PUT) or the table held the union of both (race8).
   */
  async replaceCutoffs(db: Executor, siteId: string, cutoffs: readonly { carrier: string; cutoffMin: number }[], now: Date): Promise<void> {
    await db.query(`SELECT pg_advisory_xact_lock(hashtext('orchestration.carrier_cutoffs'), hashtext($1))`, [siteId]);
    await db.query(`DELETE FROM orchestration.carrier_cutoffs WHERE site_id = $1`, [siteId]);
    for (const c of cutoffs) {
      await db.query(`INSERT INTO orchestration.carrier_cutoffs (site_id, carrier, cutoff_min, updated_at) VALUES ($1, $2, $3, $4)`, [siteId, c.carrier, c.cutoffMin, now]);
    }
  },

  /** The task waits in the queue since `queuedAt` (created, rejected or timed out). */
  /**
   * Tasks (back) in the queue, in one statement, as if one after the other: a task already listed keeps its latest
   * time (GREATEST); a task named twice is inserted once, with the latest time.
   */
  async tasksQueued(db: Executor, tasks: readonly { taskId: string; siteId: string; type: string; reference: string; queuedAt: Date }[]): Promise<void> {
    const byId = new Map<string, { taskId: string; siteId: string; type: string; reference: string; queuedAt: Date }>();
    for (const t of tasks) {
      const seen = byId.get(t.taskId);
      byId.set(t.taskId, seen === undefined ? t : { ...seen, queuedAt: seen.queuedAt.getTime() >= t.queuedAt.getTime() ? seen.queuedAt : t.queuedAt });
    }
    if (byId.size === 0) return;
    const list = [...byId.values()];
    await db.query(
      `INSERT INTO orchestration.queued_tasks (task_id, site_id, type, reference, queued_at)
       SELECT q.task_id, q.site_id, q.type, q.reference, q.queued_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS q(task_id, site_id, type, reference, queued_at)
       ON CONFLICT (task_id) DO UPDATE SET queued_at = GREATEST(queued_tasks.queued_at, EXCLUDED.queued_at)`,
      [list.map((t) => t.taskId), list.map((t) => t.siteId), list.map((t) => t.type), list.map((t) => t.reference), list.map((t) => t.queuedAt)],
    );
  },

  async tasksLeftQueue(db: Executor, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await db.query(`DELETE FROM orchestration.queued_tasks WHERE task_id = ANY($1::text[])`, [[...taskIds]]);
  },

  /** Tasks a worker holds (IN_PROGRESS or PAUSED) since their last move, in one statement; a task named twice keeps its last move. */
  async tasksWorking(db: Executor, tasks: readonly WorkingTaskChange[]): Promise<void> {
    const byId = new Map<string, WorkingTaskChange>();
    for (const t of tasks) {
      const seen = byId.get(t.taskId);
      if (seen === undefined || seen.since.getTime() <= t.since.getTime()) byId.set(t.taskId, t);
    }
    if (byId.size === 0) return;
    const list = [...byId.values()];
    await db.query(
      `INSERT INTO orchestration.working_tasks (task_id, site_id, type, reference, status, worker_id, since)
       SELECT w.task_id, w.site_id, w.type, w.reference, w.status, w.worker_id, w.since
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[])
              AS w(task_id, site_id, type, reference, status, worker_id, since)
       ON CONFLICT (task_id) DO UPDATE SET status = EXCLUDED.status, worker_id = EXCLUDED.worker_id, since = EXCLUDED.since
        WHERE working_tasks.since <= EXCLUDED.since`,
      [list.map((t) => t.taskId), list.map((t) => t.siteId), list.map((t) => t.type), list.map((t) => t.reference), list.map((t) => t.status),
        list.map((t) => t.workerId), list.map((t) => t.since)],
    );
  },

  async tasksStoppedWorking(db: Executor, taskIds: readonly string[]): Promise<void> {
    if (taskIds.length === 0) return;
    await db.query(`DELETE FROM orchestration.working_tasks WHERE task_id = ANY($1::text[])`, [[...taskIds]]);
  },

  async tasksWorkingBefore(db: Executor, before: Date): Promise<WorkingTask[]> {
    return db.query<WorkingTask>(
      `SELECT task_id, site_id, type, reference, status, worker_id, since FROM orchestration.working_tasks WHERE since <= $1 ORDER BY since LIMIT 500`, [before]);
  },

  async tasksQueuedBefore(db: Executor, before: Date): Promise<QueuedTask[]> {
    return db.query<QueuedTask>(
      `SELECT task_id, site_id, type, reference, queued_at FROM orchestration.queued_tasks WHERE queued_at <= $1 ORDER BY queued_at LIMIT 500`, [before]);
  },
};
