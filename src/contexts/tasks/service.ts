import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { TaskEvents, type TaskRequeued, type TaskStatus, type TaskType } from '../../contracts/tasks.ts';
import { REJECT_COOLDOWN_MS, finishPath, taskLifecycle, withdrawPath } from './domain/task-lifecycle.ts';
import { taskStore, type Task, type TaskFilter } from './store.ts';

/** Event types whose payload is the task as it now is (`TaskChanged`). */
type ChangeType = (typeof TaskEvents)['created' | 'assigned' | 'started' | 'completed' | 'cancelled'];
/** Event types of a task sent back to the queue (`TaskRequeued`). */
type RequeueType = (typeof TaskEvents)['rejected' | 'timedOut'];

const EVENT_OF: Partial<Record<TaskStatus, ChangeType>> = {
  QUEUED: TaskEvents.created,
  ASSIGNED: TaskEvents.assigned,
  IN_PROGRESS: TaskEvents.started,
  COMPLETED: TaskEvents.completed,
  CANCELLED: TaskEvents.cancelled,
};

function changed(task: Task, type: ChangeType): PublishedEvent<ChangeType> {
  return {
    type, subject: task.id, siteId: task.siteId,
    data: { taskId: task.id, siteId: task.siteId, type: task.type, reference: task.reference, waveId: task.waveId, workerId: task.workerId, status: task.status },
  };
}

function requeued(task: Task, type: RequeueType, previousWorkerId: string, reason: string | null): PublishedEvent<RequeueType> {
  const data: TaskRequeued = {
    taskId: task.id, siteId: task.siteId, type: task.type, reference: task.reference, waveId: task.waveId, workerId: task.workerId, status: task.status,
    previousWorkerId, reason,
  };
  return { type, subject: task.id, siteId: task.siteId, data };
}

export interface TaskServiceOptions {
  /** ASSIGNED tasks not started this long after their assignment go back to the queue (PAKLOG_TASK_ASSIGN_TIMEOUT_S). */
  readonly assignTimeoutS: number;
}

export interface QueueTask {
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly waveId: string | null;
  readonly priority: number;
}

/** Commands and queries of the task pool. */
export function taskService(deps: PlatformDeps, options: TaskServiceOptions = { assignTimeoutS: 300 }) {
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'tasks', events, meta);
  const assigned = deps.metrics.counter('paklog_tasks_assigned_total', 'Tasks claimed by workers');
  const completed = deps.metrics.counter('paklog_tasks_completed_total', 'Tasks completed');
  const rejected = deps.metrics.counter('paklog_tasks_rejected_total', 'Tasks rejected by their worker');
  const timedOut = deps.metrics.counter('paklog_tasks_timed_out_total', 'Assigned tasks requeued because they were not started in time');

  /** Applies `to` to a locked task: checks the table, writes, emits. */
  async function move(tx: Tx, task: Task, to: TaskStatus, meta: EventMeta): Promise<Outcome<Task>> {
    const legal = taskLifecycle.check(task.status, to, `Task ${task.id} is ${task.status}; it cannot become ${to}`);
    if (!legal.ok) return legal;
    const next = await taskStore.setStatus(tx, task.id, to, deps.clock.now());
    const type = EVENT_OF[to];
    if (type !== undefined) await emit(tx, [changed(next, type)], meta);
    return ok(next);
  }

  /** Walks the task of a piece of work along `path(status)`, each step a legal, announced transition. */
  async function walkWork(tx: Tx, type: TaskType, reference: string, path: (s: TaskStatus) => readonly TaskStatus[], meta: EventMeta): Promise<Task | undefined> {
    let task = await taskStore.byReference(tx, type, reference);
    if (task === undefined) return undefined;
    for (const to of path(task.status)) {
      const moved = await move(tx, task, to, meta);
      if (!moved.ok) throw new Error(`task ${task.id} cannot go ${task.status} → ${to}: ${moved.message}`);
      task = moved.value;
    }
    return task;
  }

  /** A worker moves their own task. */
  async function workerMove(id: string, workerId: string, to: TaskStatus, meta: EventMeta): Promise<Outcome<Task>> {
    return deps.db.tx(async (tx) => {
      const task = await taskStore.get(tx, id, true);
      if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
      if (task.workerId !== null && task.workerId !== workerId) {
        return reject('TASK_NOT_ASSIGNED_TO_WORKER', `Task ${id} is assigned to another worker`, [{ field: '/workerId', message: 'is not the worker of this task' }]);
      }
      // A handheld that retries "start" (lost answer, reconnect) gets its task back rather than an error.
      if (to === 'IN_PROGRESS' && task.status === 'IN_PROGRESS') return ok(task);
      // Completing a task its work already finished (the pick list's completion event got there first) is not an error.
      if (to === 'COMPLETED' && task.status === 'COMPLETED') return ok(task);
      return move(tx, task, to, meta);
    });
  }

  return {
    /** Queues a task for a piece of work (CREATED → QUEUED at once: nothing holds a new task back yet). Idempotent on the work. */
    async queue(tx: Tx, t: QueueTask, meta: EventMeta): Promise<Task | undefined> {
      const task = await taskStore.insert(tx, { ...t, id: deps.ids.next('tsk'), status: 'QUEUED', now: deps.clock.now() });
      if (task !== undefined) await emit(tx, [changed(task, TaskEvents.created)], meta);
      return task;
    },

    /**
     * The worker's next task: the one they already hold (a reconnecting handheld gets it back), else the site's most
     * urgent queued task, claimed atomically. `undefined` when the queue is empty.
     */
    async next(workerId: string, siteId: string, types: readonly TaskType[] | null, meta: EventMeta): Promise<Task | undefined> {
      return deps.db.tx(async (tx) => {
        // Two requests of the same worker (double tap, retry) must not claim two tasks: serialise them per worker.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tasks.worker'), hashtext($1))`, [workerId]);
        const held = await taskStore.activeOf(tx, workerId);
        if (held !== undefined) return held;
        const claimed = await taskStore.claimNext(tx, siteId, workerId, types, deps.clock.now(), REJECT_COOLDOWN_MS);
        if (claimed === undefined) return undefined;
        taskLifecycle.assertCan('QUEUED', claimed.status); // the claim's statement moved it from QUEUED
        await emit(tx, [changed(claimed, TaskEvents.assigned)], meta);
        assigned.inc();
        return claimed;
      });
    },

    async start(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      return workerMove(id, workerId, 'IN_PROGRESS', meta);
    },

    async complete(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      const before = await taskStore.get(deps.db, id);
      const outcome = await workerMove(id, workerId, 'COMPLETED', meta);
      if (outcome.ok && before?.status !== 'COMPLETED') completed.inc();
      return outcome;
    },

    /**
     * The holding worker turns an assigned task down: ASSIGNED → QUEUED, worker cleared. `next` skips it for this
     * worker for REJECT_COOLDOWN_MS. A task in progress cannot be rejected (it may be paused, not handed back).
     */
    async reject(id: string, workerId: string, reason: string | null, meta: EventMeta): Promise<Outcome<Task>> {
      return deps.db.tx(async (tx) => {
        const task = await taskStore.get(tx, id, true);
        if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
        if (task.workerId !== workerId) {
          return reject('TASK_NOT_ASSIGNED_TO_WORKER', `Task ${id} is not assigned to worker ${workerId}`, [{ field: '/workerId', message: 'is not the worker of this task' }]);
        }
        if (task.status !== 'ASSIGNED' || !taskLifecycle.can(task.status, 'QUEUED')) {
          return reject('ILLEGAL_TRANSITION', `Task ${id} is ${task.status}; only an ASSIGNED task can be rejected`);
        }
        const next = await taskStore.reject(tx, id, workerId, deps.clock.now());
        await emit(tx, [requeued(next, TaskEvents.rejected, workerId, reason)], meta);
        tx.afterCommit(() => rejected.inc());
        return ok(next);
      });
    },

    /**
     * Assignment timeout: every ASSIGNED task not started within `assignTimeoutS` goes back to the queue, in one
     * statement and one transaction with its events. Returns how many were requeued.
     */
    async requeueStale(meta: EventMeta = {}): Promise<number> {
      const now = deps.clock.now();
      const before = new Date(now.getTime() - options.assignTimeoutS * 1000);
      const moved = await deps.db.tx(async (tx) => {
        const stale = await taskStore.requeueStale(tx, before, now);
        for (const s of stale) taskLifecycle.assertCan('ASSIGNED', s.task.status); // the statement took ASSIGNED tasks only
        const reason = `not started within ${options.assignTimeoutS} s of its assignment`;
        if (stale.length > 0) await emit(tx, stale.map((s) => requeued(s.task, TaskEvents.timedOut, s.previousWorkerId, reason)), meta);
        return stale.length;
      });
      if (moved > 0) timedOut.inc(moved);
      return moved;
    },

    /** The work behind a task is done (e.g. its pick list completed): finish the task through legal steps. */
    async finishWork(tx: Tx, type: TaskType, reference: string, meta: EventMeta): Promise<Task | undefined> {
      const task = await walkWork(tx, type, reference, finishPath, meta);
      if (task?.status === 'COMPLETED') completed.inc();
      return task;
    },

    /** The task's work was withdrawn (its pick list was cancelled with its orders): CANCELLED, whoever holds it. */
    withdrawWork: (tx: Tx, type: TaskType, reference: string, meta: EventMeta) => walkWork(tx, type, reference, withdrawPath, meta),

    /** A task not started yet (QUEUED or ASSIGNED) gets a new priority, announced (`tasks.task.reprioritised`). */
    async reprioritise(id: string, priority: number, meta: EventMeta): Promise<Outcome<Task>> {
      return deps.db.tx(async (tx) => {
        const task = await taskStore.get(tx, id, true);
        if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
        if (task.status !== 'QUEUED' && task.status !== 'ASSIGNED') return reject('ILLEGAL_TRANSITION', `Task ${id} is ${task.status}; only a task not started yet can be reprioritised`);
        if (task.priority === priority) return ok(task);
        const next = await taskStore.setPriority(tx, id, priority, deps.clock.now());
        await emit(tx, [{
          type: TaskEvents.reprioritised, subject: next.id, siteId: next.siteId,
          data: { ...changed(next, TaskEvents.created).data, priority: next.priority, previousPriority: task.priority },
        }], meta);
        return ok(next);
      });
    },

    get: (id: string) => taskStore.get(deps.db, id),
    list: (f: TaskFilter) => taskStore.list(deps.db, f),
  };
}

export type TaskService = ReturnType<typeof taskService>;
