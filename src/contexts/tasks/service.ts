import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { byStatus } from '../../platform/http/schemas.ts';
import { TASK_STATUSES, TaskEvents, UNTYPED_CLAIM_TYPES, type TaskFailed, type TaskFailureReason, type TaskRequeued, type TaskStatus, type TaskType } from '../../contracts/tasks.ts';
import { TASK_WORK_TYPES, namesTaskWorkRecord, type InventoryApi, type TaskWorkType } from '../../contracts/inventory.ts';
import type { Location, LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PickingApi } from '../../contracts/picking.ts';
import { hungarian } from '../../optimize/assignment/hungarian.ts';
import { DEFAULT_MAX_TASKS, eligibilityOf, isEligible } from './domain/eligibility.ts';
import { DUE_WINDOW_MS, INTERLEAVE_TOP_K, chooseTask, compareRank, effectivePriority, rankAt, type ChoiceReason } from './domain/ranking.ts';
import { DEFAULT_MAX_FAILURES, REJECT_COOLDOWN_MS, failureOutcome, finishPath, taskLifecycle, withdrawPath } from './domain/task-lifecycle.ts';
import { travelMap, type TravelMap } from './domain/travel.ts';
import { decideHandCompletion, pickListEnd, workStateEnd, type WorkEnd } from './domain/work-done.ts';
import { taskStore, type TaskRow, type NewWorkerProfile, type QueuedTask, type Task, type TaskFilter, type TaskPlacement, type WorkerProfile } from './store.ts';

const isTaskWorkType = (t: TaskType): t is TaskWorkType => (TASK_WORK_TYPES as readonly string[]).includes(t);

/** Event types whose payload is the task as it now is (`TaskChanged`). */
type ChangeType = (typeof TaskEvents)['created' | 'assigned' | 'started' | 'completed' | 'cancelled' | 'paused' | 'resumed'];
/** Event types of a task sent back to the queue (`TaskRequeued`). */
type RequeueType = (typeof TaskEvents)['rejected' | 'timedOut' | 'requeued'];

const EVENT_OF: Partial<Record<TaskStatus, ChangeType>> = {
  QUEUED: TaskEvents.created,
  ASSIGNED: TaskEvents.assigned,
  IN_PROGRESS: TaskEvents.started,
  COMPLETED: TaskEvents.completed,
  CANCELLED: TaskEvents.cancelled,
  PAUSED: TaskEvents.paused,
};

/** The event of a move: taking a paused task up again is a resume, not a second start. */
const eventOf = (from: TaskStatus, to: TaskStatus): ChangeType | undefined =>
  (from === 'PAUSED' && to === 'IN_PROGRESS' ? TaskEvents.resumed : EVENT_OF[to]);

/** The statuses from which `path` is one step the lifecycle allows, and that step (`moveByReference`). */
const oneStepCache = new Map<(s: TaskStatus) => readonly TaskStatus[], Partial<Record<TaskStatus, TaskStatus>>>();
function oneStepOf(path: (s: TaskStatus) => readonly TaskStatus[]): Partial<Record<TaskStatus, TaskStatus>> {
  let map = oneStepCache.get(path);
  if (map === undefined) {
    map = {};
    for (const from of TASK_STATUSES) {
      const steps = path(from);
      const to = steps[0];
      if (steps.length === 1 && to !== undefined && taskLifecycle.check(from, to, '').ok) map[from] = to;
    }
    oneStepCache.set(path, map);
  }
  return map;
}

/** The task as it now is: the payload of every `TaskChanged` event, and the first fields of `tasks.task.failed`. */
const taskNow = (task: Task) =>
  ({ taskId: task.id, siteId: task.siteId, type: task.type, reference: task.reference, waveId: task.waveId, workerId: task.workerId, status: task.status });

function changed(task: Task, type: ChangeType): PublishedEvent<ChangeType> {
  return { type, subject: task.id, siteId: task.siteId, data: taskNow(task) };
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
  /** The site's locations, for travel between them (interleaving, batch assignment); without it, no travel is known. */
  readonly locations?: Pick<LocationMasterApi, 'listLocations'> | undefined;
  /** How many candidates interleaving chooses among (1 = plain priority order). */
  readonly interleaveTopK?: number | undefined;
  /** PAKLOG_TASK_MAX_FAILURES: a task failed this many times stays FAILED for a supervisor (default 3). */
  readonly maxFailures?: number | undefined;
  /** Whether a PICK task's list still has open lines, asked before the task is completed by hand; without it, nothing is asked. */
  readonly picking?: Pick<PickingApi, 'pickListProgress'> | undefined;
  /**
   * Whether a PUTAWAY, REPLENISH, MOVE or COUNT task's work is still open (asked the same way), and whether work no
   * longer open was done or withdrawn; without it, nothing is asked.
   */
  readonly inventory?: Pick<InventoryApi, 'openTaskWork' | 'taskWorkState'> | undefined;
  /** Asked before a worker completes a PACK task: whether its order still has picked units to pack, else packed or cancelled. */
  readonly packShip?: Pick<PackShipApi, 'openPackWork' | 'packWorkState'> | undefined;
}

/** Who reports a task FAILED: the worker who holds it, or a supervisor (admin, manager) at the task's site. */
export interface FailureReporter {
  /** The worker the request acts as (the body's, or the signed-in person's); undefined for a key that names none. */
  readonly workerId: string | undefined;
  /** The name the event records: the worker id, else the user or key. */
  readonly name: string;
  /** Whether the caller may fail a task another worker holds, at this site. */
  readonly supervisorAt: (siteId: string) => boolean;
}

/** A failure report: why, and the reporter's note. */
export interface FailureReport {
  readonly reason: TaskFailureReason;
  readonly note: string | null;
}

export interface QueueTask extends TaskPlacement {
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly waveId: string | null;
  readonly priority: number;
  /** The order whose remembered priority (its latest reprioritisation heard) overrides `priority` when there is one. */
  readonly priorityOfOrder?: string | undefined;
}

/** One worker's result of a batch assignment. */
export type BatchAssignment =
  | { readonly workerId: string; readonly task: Task; readonly travel: number | null }
  | { readonly workerId: string; readonly task: null; readonly reason: 'BUSY' | 'NO_ELIGIBLE_TASK' };

/** How long a site's travel map is reused (locations rarely move; a new layout is seen after this at the latest). */
export const TRAVEL_MAP_TTL_MS = 60_000;

/**
 * How long the end of work heard before its task (tasks.ended_work, crash8) is remembered: far beyond any redelivery
 * (NATS `ack_wait` 30 s, Kafka's rebalance, a service down for a weekend). A request of that work delivered later still
 * (a dead letter replayed by hand after a month) queues its task again, as before crash8; a supervisor cancels it.
 */
export const ENDED_WORK_RETENTION_DAYS = 30;
/** Rows one statement of the prune deletes at most, so that it never holds many locks for long. */
export const ENDED_WORK_PRUNE_BATCH = 5_000;
/** How often the prune runs (hourly: a day's ends at most are forgotten at once after an upgrade, in batches). */
export const ENDED_WORK_PRUNE_EVERY_MS = 3_600_000;

/** Batch assignment: a pair of a worse effective priority costs more than any walk, so priority wins, travel breaks ties. */
const LEVEL_COST = 1e7;
/** A pair the worker may not take: dropped after the solve. */
const FORBIDDEN_COST = 1e12;

/** Commands and queries of the task pool. */
export function taskService(deps: PlatformDeps, options: TaskServiceOptions = { assignTimeoutS: 300 }) {
  const emit = (tx: Tx, events: PublishedEvent[], meta: EventMeta) => deps.bus.append(tx, 'tasks', events, meta);
  const assigned = deps.metrics.counter('paklog_tasks_assigned_total', 'Tasks claimed by workers');
  const completed = deps.metrics.counter('paklog_tasks_completed_total', 'Tasks completed');
  const rejected = deps.metrics.counter('paklog_tasks_rejected_total', 'Tasks rejected by their worker');
  const timedOut = deps.metrics.counter('paklog_tasks_timed_out_total', 'Assigned tasks requeued because they were not started in time');
  const choices = deps.metrics.counter('paklog_tasks_claim_choice_total', 'Claims by how the task was chosen (queue-order, escalated, nearest)', ['reason']);
  const topK = options.interleaveTopK ?? INTERLEAVE_TOP_K;
  const maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
  const failedTotal = deps.metrics.counter('paklog_tasks_failed_total', 'Tasks reported FAILED, by whether they went back to the queue', ['retried']);

  /** FAILED → QUEUED of a locked FAILED task, announced (`tasks.task.requeued`); `reset` for a supervisor's re-queue. */
  async function requeueIn(tx: Tx, task: Task, reset: boolean, reason: string, meta: EventMeta): Promise<Task> {
    taskLifecycle.assertCan(task.status, 'QUEUED');
    const previous = await taskStore.rejectMark(tx, task.id);
    if (previous === null) throw new Error(`FAILED task ${task.id} has no worker who failed it`);
    const next = await taskStore.requeueFailed(tx, task.id, reset, deps.clock.now());
    await emit(tx, [requeued(next, TaskEvents.requeued, previous, reason)], meta);
    return next;
  }

  /** The locked task takes `priority` (unchanged: nothing announced). */
  async function reprioritiseIn(tx: Tx, task: Task, priority: number, meta: EventMeta): Promise<Task> {
    if (task.priority === priority) return task;
    const next = await taskStore.setPriority(tx, task.id, priority, deps.clock.now());
    await emit(tx, [{
      type: TaskEvents.reprioritised, subject: next.id, siteId: next.siteId,
      data: { ...changed(next, TaskEvents.created).data, priority: next.priority, previousPriority: task.priority },
    }], meta);
    return next;
  }

  /** Applies `to` to a locked task: checks the table, writes, emits. */
  async function move(tx: Tx, task: Task, to: TaskStatus, meta: EventMeta): Promise<Outcome<Task>> {
    const legal = taskLifecycle.check(task.status, to, `Task ${task.id} is ${task.status}; it cannot become ${to}`);
    if (!legal.ok) return legal;
    const next = await taskStore.setStatus(tx, task.id, to, deps.clock.now());
    const type = eventOf(task.status, to);
    if (type !== undefined) await emit(tx, [changed(next, type)], meta);
    return ok(next);
  }

  /**
   * Walks the task of a piece of work along `path(status)`, each step a legal, announced transition. `completedNow`:
   * whether this walk is what completed it (a task COMPLETED already walks no step: no event, nothing counted).
   */
  async function walk(
    tx: Tx, type: TaskType, reference: string, path: (s: TaskStatus) => readonly TaskStatus[], meta: EventMeta, upToRound?: number,
  ): Promise<{ task: Task; completedNow: boolean } | undefined> {
    // A status whose path is one legal step moves in the statement that locks the task (the usual case: a queued
    // PACK task cancelled by the packing, a list's task completed by its last line); longer paths walk step by step.
    const found = await taskStore.moveByReference(tx, type, reference, upToRound, oneStepOf(path), deps.clock.now());
    if (found === undefined) return undefined;
    const before = found.before;
    if (found.moved) {
      const event = eventOf(before, found.task.status);
      if (event !== undefined) await emit(tx, [changed(found.task, event)], meta);
      return { task: found.task, completedNow: before !== 'COMPLETED' && found.task.status === 'COMPLETED' };
    }
    let task = found.task;
    for (const to of path(task.status)) {
      const moved = await move(tx, task, to, meta);
      if (!moved.ok) throw new Error(`task ${task.id} cannot go ${task.status} → ${to}: ${moved.message}`);
      task = moved.value;
    }
    return { task, completedNow: before !== 'COMPLETED' && task.status === 'COMPLETED' };
  }
  const walkWork = async (tx: Tx, type: TaskType, reference: string, path: (s: TaskStatus) => readonly TaskStatus[], meta: EventMeta) =>
    (await walk(tx, type, reference, path, meta))?.task;

  /**
   * Finishes the task of a piece of work (finishPath): its latest round, or the latest up to `upToRound` (the round the
   * work's event finished: a later round is not its work); counted once, when this call is what completed it.
   */
  async function finishIn(tx: Tx, type: TaskType, reference: string, meta: EventMeta, upToRound?: number): Promise<Task | undefined> {
    const r = await walk(tx, type, reference, finishPath, meta, upToRound);
    if (r?.completedNow === true) tx.afterCommit(() => completed.inc());
    return r?.task;
  }

  /**
   * The tasks the worker holds whose work its owning context says has ended, and how: DONE for a PICK task whose list
   * is COMPLETED or PARTIAL, a PUTAWAY, REPLENISH, MOVE or COUNT task whose inventory work is DONE, a PACK task whose
   * order was packed; WITHDRAWN for a list CANCELLED, inventory work WITHDRAWN (cancelled, a count closed without the
   * attempt), an order whose shipping was stopped before it was packed. The event of that work
   * finishes or withdraws such a task a moment later (subscriptions.ts); a claim in between must not hand it back, and
   * must end it as that event would. Read before the claim's transaction (other contexts' APIs), only when the worker
   * holds a task of such a type; references naming no inventory record are not asked about (nothing knows them).
   */
  async function heldWorkEnded(workerId: string): Promise<{ readonly task: Task; readonly ended: WorkEnd }[]> {
    const ended: { task: Task; ended: WorkEnd }[] = [];
    for (const task of await taskStore.heldBy(deps.db, workerId)) {
      let end: WorkEnd | undefined;
      if (task.type === 'PICK' && options.picking !== undefined) {
        end = pickListEnd((await options.picking.pickListProgress(task.reference))?.status);
      } else if (isTaskWorkType(task.type) && options.inventory !== undefined && namesTaskWorkRecord(task.type, task.reference)) {
        end = workStateEnd(await options.inventory.taskWorkState(task.type, task.reference));
      } else if (task.type === 'PACK' && options.packShip !== undefined) {
        end = workStateEnd(await options.packShip.packWorkState(task.reference));
      }
      if (end !== undefined) ended.push({ task, ended: end });
    }
    return ended;
  }
  /** Ends a task as its work's event would: finished (done) or withdrawn. Idempotent with that event. */
  const endIn = (tx: Tx, task: Task, ended: WorkEnd, meta: EventMeta) =>
    (ended === 'DONE' ? finishIn(tx, task.type, task.reference, meta) : walkWork(tx, task.type, task.reference, withdrawPath, meta));
  /** The task types whose work `heldWorkDone` asks about (the contexts wired in). */
  const askedTypes: readonly TaskType[] = [
    ...(options.picking !== undefined ? ['PICK' as const] : []),
    ...(options.inventory !== undefined ? TASK_WORK_TYPES : []),
    ...(options.packShip !== undefined ? ['PACK' as const] : []),
  ];

  /**
   * What a worker's move of `task` comes to: an answer without a write (a rejection, or the task as it is for a
   * repeated request), or `move` (a legal transition to make).
   */
  function decideWorkerMove(task: Task | undefined, id: string, workerId: string, to: TaskStatus): Outcome<Task> | 'move' {
    if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
    if (task.workerId !== null && task.workerId !== workerId) {
      return reject('TASK_NOT_ASSIGNED_TO_WORKER', `Task ${id} is assigned to another worker`, [{ field: '/workerId', message: 'is not the worker of this task' }]);
    }
    // A handheld that retries "start" (lost answer, reconnect) gets its task back rather than an error.
    if (to === 'IN_PROGRESS' && task.status === 'IN_PROGRESS') return ok(task);
    // Completing a task its work already finished (the pick list's completion event got there first) is not an error.
    if (to === 'COMPLETED' && task.status === 'COMPLETED') return ok(task);
    const legal = taskLifecycle.check(task.status, to, `Task ${id} is ${task.status}; it cannot become ${to}`);
    return legal.ok ? 'move' : legal;
  }

  /** The worker's usual moves: start an ASSIGNED task, complete one IN_PROGRESS (each one guarded statement, below). */
  const USUAL_FROM: Partial<Record<TaskStatus, TaskStatus>> = { IN_PROGRESS: 'ASSIGNED', COMPLETED: 'IN_PROGRESS' };
  for (const [to, from] of Object.entries(USUAL_FROM)) taskLifecycle.assertCan(from, to as TaskStatus);

  /** Optimistic attempts (read, then a write guarded by the version read) before a worker's move takes the row lock. */
  const OPTIMISTIC_ATTEMPTS = 3;

  /**
   * Moves a task `from` a status `to` another in ONE statement with its event, if the guard still holds; undefined
   * when it does not (nothing written). Outside a transaction the statement is autocommitted alone; inside a unit of
   * work (an Idempotency-Key) it joins it. `onMoved` runs once it has committed.
   */
  async function guardedMove(
    id: string, from: TaskStatus, to: TaskStatus, guard: { readonly workerId: string } | { readonly version: number }, meta: EventMeta, onMoved?: () => void,
  ): Promise<Task | undefined> {
    const type = eventOf(from, to);
    // Data and site come from the moved row (the statement fills them in: `TaskChanged`).
    const envelopes = JSON.stringify(type === undefined ? [] : deps.bus.envelopes('tasks', [{ type, subject: id, data: null }], meta));
    const rows = 'workerId' in guard
      ? await deps.bus.writeWithEvents<TaskRow>(deps.db, taskStore.moveSql('state'), [id, to, deps.clock.now(), from, guard.workerId, envelopes])
      : await deps.bus.writeWithEvents<TaskRow>(deps.db, taskStore.moveSql('version'), [id, to, deps.clock.now(), guard.version, envelopes]);
    const row = rows[0];
    if (row === undefined) return undefined;
    if (onMoved !== undefined) {
      const tx = deps.db.openTx();
      if (tx === undefined) onMoved();
      else tx.afterCommit(onMoved);
    }
    return taskStore.toTask(row);
  }

  /**
   * A worker moves their own task; `onMoved` runs after the commit of a move (not of a retry answered unchanged).
   * Without a row lock (ADR 0023 addendum 2026-12-03): the usual move (start an ASSIGNED task, complete one in
   * progress) is one statement guarded by the status and worker the move needs; otherwise (or when that guard fails)
   * the task is read, the move decided on what was read and written guarded by the version read. A write whose guard
   * fails lost a race: the task is read and decided again, and after OPTIMISTIC_ATTEMPTS the move is made under the
   * row lock as before. An answer without a write (a rejection, a repeated request) is decided on the committed row as
   * one statement read it, as the locked read did.
   */
  async function workerMove(id: string, workerId: string, to: TaskStatus, meta: EventMeta, onMoved?: () => void): Promise<Outcome<Task>> {
    const usualFrom = USUAL_FROM[to];
    if (usualFrom !== undefined) {
      const moved = await guardedMove(id, usualFrom, to, { workerId }, meta, onMoved);
      if (moved !== undefined) return ok(moved);
    }
    for (let attempt = 0; attempt < OPTIMISTIC_ATTEMPTS; attempt++) {
      const task = await taskStore.get(deps.db, id);
      const decided = decideWorkerMove(task, id, workerId, to);
      if (decided !== 'move') return decided;
      if (task === undefined) throw new Error(`task ${id}: a move decided on no task`);
      const moved = await guardedMove(id, task.status, to, { version: task.version }, meta, onMoved);
      if (moved !== undefined) return ok(moved);
    }
    return deps.db.tx(async (tx) => {
      const task = await taskStore.get(tx, id, true);
      const decided = decideWorkerMove(task, id, workerId, to);
      if (decided !== 'move') return decided;
      if (task === undefined) throw new Error(`task ${id}: a move decided on no task`);
      const moved = await move(tx, task, to, meta);
      if (moved.ok && onMoved !== undefined) tx.afterCommit(onMoved);
      return moved;
    });
  }

  /** Serialises every claim, resume and batch assignment of these workers (in one key order: no deadlock). */
  async function lockWorkers(tx: Tx, workerIds: readonly string[]): Promise<void> {
    for (const w of [...workerIds].sort()) await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tasks.worker'), hashtext($1))`, [w]);
  }

  /** The locked task if `workerId` holds it. */
  async function ownTask(tx: Tx, id: string, workerId: string): Promise<Outcome<Task>> {
    const task = await taskStore.get(tx, id, true);
    if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
    if (task.workerId !== workerId) {
      return reject('TASK_NOT_ASSIGNED_TO_WORKER', `Task ${id} is not assigned to worker ${workerId}`, [{ field: '/workerId', message: 'is not the worker of this task' }]);
    }
    return ok(task);
  }

  const maps = new Map<string, { readonly until: number; readonly map: Promise<TravelMap | undefined> }>();
  /** The site's travel map, built from its locations once per TRAVEL_MAP_TTL_MS (a failed read is not kept). */
  function travelFor(siteId: string): Promise<TravelMap | undefined> {
    const api = options.locations;
    if (api === undefined) return Promise.resolve(undefined);
    const hit = maps.get(siteId);
    if (hit !== undefined && hit.until > performance.now()) return hit.map;
    const map = api.listLocations(siteId).then(
      (ls: readonly Location[]) => (ls.length === 0 ? undefined : travelMap(ls)),
      (e: unknown) => {
        maps.delete(siteId);
        deps.log.warn({ err: e, siteId }, 'tasks: could not read the site\'s locations; claiming without travel');
        return undefined;
      },
    );
    maps.set(siteId, { until: performance.now() + TRAVEL_MAP_TTL_MS, map });
    return map;
  }

  /**
   * Claims the best eligible task for the worker: the most urgent escalated one (by due time) if any, else, among the
   * first `k` of the queue, the nearest of those with the best effective priority (domain/ranking.ts chooseTask).
   * Only the row taken is locked: the first `k` are read unlocked, then claimed in order of preference skipping rows
   * other claims are taking; if all of them went, the best task nobody is taking, in queue order. So a worker never
   * hears "no work" while there is a task they may take that no one else is claiming.
   */
  async function claimFor(
    tx: Tx, workerId: string, siteId: string, types: readonly TaskType[] | null, profile: WorkerProfile | undefined, position: string | undefined,
    k: number, map: TravelMap | undefined, meta: EventMeta,
  ): Promise<{ task: Task; reason: ChoiceReason; announced: boolean } | undefined> {
    const now = deps.clock.now();
    const query = { siteId, workerId, types, eligibility: eligibilityOf(profile), now, rejectCooldownMs: REJECT_COOLDOWN_MS, dueWindowMs: DUE_WINDOW_MS };
    const take = async (locked: QueuedTask | undefined, reason: ChoiceReason) => {
      if (locked === undefined) return undefined;
      const task = await taskStore.assign(tx, locked.id, workerId, now);
      if (task === undefined) throw new Error(`task ${locked.id} was locked by this claim yet not QUEUED`);
      taskLifecycle.assertCan('QUEUED', task.status); // the claim moved it from QUEUED
      return { task, reason, announced: false };
    };
    const { escalated, ranked: queued } = await taskStore.peek(tx, { ...query, limit: Math.max(1, k) });
    if (escalated === undefined && queued.length === 0) return undefined;
    const ranked = queued.map((t) => ({ ...t, createdAt: new Date(t.createdAt), dueAt: t.dueAt === null ? null : new Date(t.dueAt), task: t }));
    let preferred: Task | undefined = escalated;
    let reason: ChoiceReason = 'escalated';
    if (preferred === undefined && ranked.length > 0) {
      const travel = ranked.length > 1 && k > 1 && map !== undefined && position !== undefined
        ? (c: (typeof ranked)[number]) => (c.task.locationId === null ? undefined : map.distance(position, c.task.locationId))
        : undefined;
      const choice = chooseTask(ranked, now, travel, k);
      preferred = ranked[choice.index]?.task;
      reason = choice.reason;
    }
    if (preferred !== undefined) {
      const order = [preferred.id, ...ranked.map((r) => r.id).filter((id) => id !== preferred.id)];
      // The claim and its `assigned` event in one statement (ADR 0003 addendum 2026-12-03); subject, site and data come
      // from the claimed row.
      taskLifecycle.assertCan('QUEUED', 'ASSIGNED');
      const events = deps.bus.envelopes('tasks', [{ type: TaskEvents.assigned, subject: '(the claimed task)', data: null }], meta);
      const task = await taskStore.claimFirst(deps.bus.writer(tx), order, workerId, now, events);
      if (task !== undefined) return { task, reason: task.id === preferred.id ? reason : 'queue-order', announced: true };
      // Every task read was taken meanwhile: an escalated one nobody is taking now, else the best one in queue order.
      const locked = await taskStore.candidates(tx, { ...query, escalated: true, limit: 1 });
      if (locked[0] !== undefined) return take(locked[0], 'escalated');
    }
    return take((await taskStore.candidates(tx, { ...query, escalated: false, limit: 1 }))[0], 'queue-order');
  }
  

  return {
    /** Queues a task for a piece of work (CREATED → QUEUED at once: nothing holds a new task back yet). Idempotent on the work. */
    async queue(tx: Tx, t: QueueTask, meta: EventMeta): Promise<Task | undefined> {
      const now = deps.clock.now();
      const task = await taskStore.insert(tx, { ...t, id: deps.ids.next('tsk'), status: 'QUEUED', now, rankAt: rankAt(now, t.priority) });
      if (task !== undefined) await emit(tx, [changed(task, TaskEvents.created)], meta);
      return task;
    },

    /**
     * The worker's next task: an ASSIGNED task they already hold (a reconnecting handheld gets it back), else, while
     * they hold fewer than their profile's max tasks, the best eligible queued task of the site claimed atomically
     * (ranking and interleaving: domain/ranking.ts), else the oldest task they hold. `undefined` when there is none.
     */
    /**
     * `opts.heldAt`: asked before a task the worker holds at another site than `siteId` is answered (a worker holds at
     * most maxTasks tasks whatever their sites), with `busy` true when the worker may take no task now (one waits
     * ASSIGNED, or they are at their limit). False: the task is not answered, and neither is any (no work here); it may
     * throw instead (the route's FORBIDDEN_AT_SITE for a busy worker), which rolls the transaction back: nothing changes.
     */
    async next(workerId: string, siteId: string, types: readonly TaskType[] | null, meta: EventMeta,
      opts: { readonly topK?: number; readonly heldAt?: (siteId: string, busy: boolean) => boolean } = {}): Promise<Task | undefined> {
      const k = opts.topK ?? topK;
      // Most polls of a floor waiting for work find none: one plain read answers them, without a transaction or the
      // worker's lock. Nothing queued at the site and nothing held by the worker, in one snapshot, is what the claim
      // below would find too.
      const probe = await taskStore.mayHaveWork(deps.db, siteId, workerId, types ?? UNTYPED_CLAIM_TYPES, askedTypes);
      if (!probe.may) return undefined;
      // A task the worker holds whose work has ended already is ended here, not handed back: completed when the work
      // was done (the count submitted, the putaway confirmed, the list's last line picked), cancelled when it was
      // withdrawn (the putaway cancelled, the count abandoned, the list cancelled with its order), as the work's event,
      // maybe not heard yet, would (ADR 0023 addendum 2026-12-04b). Asked before the transaction, only when the worker
      // holds such a task.
      const ended = probe.holdsWork ? await heldWorkEnded(workerId) : [];
      // Read before the transaction (another context's API; cached per site).
      const map = k > 1 ? await travelFor(siteId) : undefined;
      return deps.db.tx(async (tx) => {
        // Two requests of the same worker (double tap, retry) must not claim two tasks: serialise them per worker.
        await lockWorkers(tx, [workerId]);
        // Idempotent with the work's event: a task it completed or withdrew meanwhile walks no step (finishPath and
        // withdrawPath of COMPLETED or CANCELLED).
        for (const e of ended) await endIn(tx, e.task, e.ended, meta);
        const state = await taskStore.claimState(tx, workerId);
        const heldTask = async (id: string | undefined, busy: boolean): Promise<Task | undefined> => {
          const task = id === undefined ? undefined : await taskStore.get(tx, id);
          return task !== undefined && task.siteId !== siteId && opts.heldAt?.(task.siteId, busy) === false ? undefined : task;
        };
        if (state.waitingId !== undefined) return heldTask(state.waitingId, true);
        if (state.heldCount >= (state.profile?.maxTasks ?? DEFAULT_MAX_TASKS)) return heldTask(state.oldestHeldId, true);
        const claimed = await claimFor(tx, workerId, siteId, types ?? UNTYPED_CLAIM_TYPES, state.profile, state.position, k, map, meta);
        if (claimed === undefined) return heldTask(state.oldestHeldId, false);
        if (!claimed.announced) await emit(tx, [changed(claimed.task, TaskEvents.assigned)], meta);
        tx.afterCommit(() => {
          assigned.inc();
          choices.inc({ reason: claimed.reason });
        });
        return claimed.task;
      });
    },

    async start(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      return workerMove(id, workerId, 'IN_PROGRESS', meta);
    },

    /**
     * The holding worker completes a task in progress. A PICK task only once picking says its list has no open line
     * (409 PICK_LINES_OPEN otherwise), a PUTAWAY, REPLENISH, MOVE or COUNT task once inventory holds no open work for it
     * (409 TASK_WORK_OPEN), a PACK task once pack & ship says its order has no picked unit left to pack (409
     * TASK_WORK_OPEN). A task whose work was withdrawn (list or putaway cancelled, count abandoned…) is not completed:
     * 409 TASK_WORK_WITHDRAWN. Nothing changes on a refusal (domain/work-done.ts). Asked before any transaction of tasks opens.
     */
    async complete(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      const task = await taskStore.get(deps.db, id);
      // Refusals and repeats (not found, another worker's, not in progress, completed already) are the move's to answer.
      if (task !== undefined && decideWorkerMove(task, id, workerId, 'COMPLETED') === 'move') {
        const pickList = task.type === 'PICK' ? await options.picking?.pickListProgress(task.reference) : undefined;
        const openWork = isTaskWorkType(task.type) ? await options.inventory?.openTaskWork(task.type, task.reference) : undefined;
        const openPack = task.type === 'PACK' ? await options.packShip?.openPackWork(task.reference) : undefined;
        // Not open: done, or withdrawn (final either way, so asked second without a race).
        const workState = isTaskWorkType(task.type) && openWork === undefined && namesTaskWorkRecord(task.type, task.reference)
          ? await options.inventory?.taskWorkState(task.type, task.reference)
          : task.type === 'PACK' && openPack === undefined ? await options.packShip?.packWorkState(task.reference) : undefined;
        const done = decideHandCompletion({ task, pickList, openWork, workState, openPack });
        if (!done.ok) return done;
      }
      return workerMove(id, workerId, 'COMPLETED', meta, () => completed.inc());
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
     * The holding worker (or a supervisor at its site) reports that a task in progress or paused cannot be done:
     * IN_PROGRESS|PAUSED → FAILED with `tasks.task.failed`, and, while it has failed fewer than PAKLOG_TASK_MAX_FAILURES
     * times, FAILED → QUEUED with `tasks.task.requeued` in the same transaction, kept away from the worker who held it
     * for the reject cool-down. At the limit it stays FAILED (orchestration raises TASK_FAILED).
     */
    async fail(id: string, by: FailureReporter, report: FailureReport, meta: EventMeta): Promise<Outcome<Task>> {
      const out = await deps.db.tx(async (tx) => {
        const task = await taskStore.get(tx, id, true);
        if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
        if ((by.workerId === undefined || task.workerId !== by.workerId) && !by.supervisorAt(task.siteId)) {
          return reject('TASK_NOT_ASSIGNED_TO_WORKER', `Task ${id} is not held by worker ${by.workerId ?? '(none named)'}: only its worker or a supervisor may fail it`,
            [{ field: '/workerId', message: 'is not the worker of this task' }]);
        }
        const legal = taskLifecycle.check(task.status, 'FAILED', `Task ${id} is ${task.status}; only a task in progress or paused can fail`);
        if (!legal.ok) return legal;
        const holder = task.workerId;
        if (holder === null) throw new Error(`task ${id} is ${task.status} without a worker`);
        const { attempt, retry } = failureOutcome(task.failures, maxFailures);
        const failed = await taskStore.fail(tx, id, { reason: report.reason, note: report.note, workerId: holder }, deps.clock.now());
        // The task as it now is (the `TaskChanged` fields: FAILED, no worker) and the failure.
        const data: TaskFailed = {
          ...taskNow(failed), previousWorkerId: holder, reportedBy: by.name, reason: report.reason, note: report.note,
          attempt, maxFailures, retried: retry,
        };
        await emit(tx, [{ type: TaskEvents.failed, subject: id, siteId: failed.siteId, data }], meta);
        if (!retry) return ok(failed);
        const why = `failed (${report.reason}${report.note === null ? '' : `: ${report.note}`}), attempt ${attempt} of ${maxFailures}`;
        return ok(await requeueIn(tx, failed, false, why, meta));
      });
      if (out.ok) failedTotal.inc({ retried: String(out.value.status === 'QUEUED') });
      return out;
    },

    /**
     * A supervisor puts a FAILED task back in the queue (FAILED → QUEUED, `tasks.task.requeued`) with its failure count
     * reset to 0 and the failing worker's cool-down lifted: they looked at the cause. A task already QUEUED is answered
     * unchanged (a repeated request); 409 ILLEGAL_TRANSITION from any other status.
     */
    requeue: (id: string, by: string, meta: EventMeta): Promise<Outcome<Task>> => deps.db.tx(async (tx) => {
      const task = await taskStore.get(tx, id, true);
      if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
      if (task.status === 'QUEUED') return ok(task);
      if (task.status !== 'FAILED') return reject('ILLEGAL_TRANSITION', `Task ${id} is ${task.status}; only a FAILED task can be re-queued`);
      return ok(await requeueIn(tx, task, true, `re-queued by ${by} after ${task.failures} failure(s)`, meta));
    }),

    /** The holding worker sets a task in progress aside (IN_PROGRESS → PAUSED); pausing a paused task answers it unchanged. */
    async pause(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      return deps.db.tx(async (tx) => {
        const found = await ownTask(tx, id, workerId);
        if (!found.ok) return found;
        if (found.value.status === 'PAUSED') return found;
        return move(tx, found.value, 'PAUSED', meta);
      });
    },

    /**
     * The holding worker takes a paused task up again (PAUSED → IN_PROGRESS), if they hold fewer than their max tasks
     * (409 TASK_LIMIT_REACHED otherwise: a paused task does not count, a resumed one does). Resuming a task in progress
     * answers it unchanged.
     */
    async resume(id: string, workerId: string, meta: EventMeta): Promise<Outcome<Task>> {
      return deps.db.tx(async (tx) => {
        await lockWorkers(tx, [workerId]);
        const found = await ownTask(tx, id, workerId);
        if (!found.ok) return found;
        const task = found.value;
        if (task.status === 'IN_PROGRESS') return found;
        if (task.status === 'PAUSED') {
          const max = (await taskStore.profile(tx, workerId))?.maxTasks ?? DEFAULT_MAX_TASKS;
          const held = await taskStore.heldBy(tx, workerId);
          if (held.length >= max) {
            return reject('TASK_LIMIT_REACHED', `Worker ${workerId} holds ${held.length} task(s), their limit is ${max}: finish or pause one first`);
          }
        }
        return move(tx, task, 'IN_PROGRESS', meta);
      });
    },

    /**
     * Creates or replaces a worker's profile, with its event. The caller validated the site and location. A worker id
     * ignores letter case (ADR 0019 addendum): "w1" while "W1" has a profile is DUPLICATE naming "W1", not a second
     * worker; under a lock per case-folded id, so two such PUTs at once cannot both make one.
     */
    /**
     * Creates or replaces a worker's profile: answers it as written, with where the worker stands, read in the same
     * transaction (read after the commit, a concurrent PUT's profile could be answered for this one: race8).
     */
    async putProfile(p: NewWorkerProfile, meta: EventMeta): Promise<Outcome<WorkerProfile & { readonly position: string | null }, 'DUPLICATE'>> {
      return deps.db.tx(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('tasks.worker:' || lower($1)))`, [p.workerId]);
        const other = (await tx.query<{ worker_id: string }>(
          `SELECT worker_id FROM tasks.workers WHERE lower(worker_id) = lower($1) AND worker_id <> $1 ORDER BY worker_id LIMIT 1`, [p.workerId],
        ))[0];
        if (other !== undefined) {
          return reject('DUPLICATE', `Worker ${other.worker_id} has a profile already: worker ids ignore letter case, so ${p.workerId} is that worker; use ${other.worker_id}`,
            [{ field: '/params/id', message: `is worker ${other.worker_id} (worker ids ignore letter case)` }]);
        }
        const saved = await taskStore.putProfile(tx, p, deps.clock.now());
        await emit(tx, [{
          type: TaskEvents.workerProfileChanged, subject: saved.workerId, siteId: saved.siteId,
          data: {
            workerId: saved.workerId, siteId: saved.siteId, zones: saved.zones, skills: saved.skills, equipment: saved.equipment,
            maxTasks: saved.maxTasks, locationId: saved.locationId,
          },
        }], meta);
        return ok({ ...saved, position: (await taskStore.positionOf(tx, saved.workerId)) ?? null });
      });
    },

    /**
     * A worker's profile with where they stand now (their last completed task's end, or the profile's location). A worker
     * id ignores letter case: `ANNA` answers anna's profile, named as it was made.
     */
    async profile(workerId: string): Promise<(WorkerProfile & { readonly position: string | null }) | undefined> {
      const p = await taskStore.profile(deps.db, workerId);
      if (p === undefined) return undefined;
      return { ...p, position: (await taskStore.positionOf(deps.db, p.workerId)) ?? null };
    },

    /**
     * Assigns idle workers (holding no ASSIGNED or IN_PROGRESS task) of a batch to queued tasks in ONE transaction:
     * the best tasks in queue order (2 per worker, at least INTERLEAVE_TOP_K) are locked, and the Hungarian method
     * (optimize/assignment) pairs workers and tasks so that (1) as many of the most urgent tasks as possible are taken
     * (a worse effective priority costs more than any walk) and (2) the total walk from where each worker stands to
     * their task's start is minimal. A worker is only paired with a task they are eligible for. No task goes to two
     * workers: the rows are locked, and each assignment is a compare-and-set on QUEUED.
     */
    async assignBatch(siteId: string, workerIds: readonly string[], meta: EventMeta): Promise<BatchAssignment[]> {
      // A worker id ignores letter case (ADR 0019): each typed id is the known worker it names (a profile's, a live
      // task's holder's), and two ids of one worker (Eve, EVE) are one; else DORA, holding nothing under that spelling,
      // was given a second task beside Dora's, and Eve and EVE a task each.
      const workers: string[] = [];
      const folded = new Set<string>();
      for (const typed of workerIds) {
        const known = (await taskStore.workerNamed(deps.db, typed)) ?? typed;
        if (folded.has(known.toLowerCase())) continue;
        folded.add(known.toLowerCase());
        workers.push(known);
      }
      const map = await travelFor(siteId);
      const out = await deps.db.tx(async (tx) => {
        await lockWorkers(tx, workers);
        const now = deps.clock.now();
        const profiles = await taskStore.profiles(tx, workers);
        const results = new Map<string, BatchAssignment>();
        const idle: string[] = [];
        for (const w of workers) {
          if ((await taskStore.heldBy(tx, w)).length > 0) results.set(w, { workerId: w, task: null, reason: 'BUSY' });
          else idle.push(w);
        }
        const limit = Math.max(INTERLEAVE_TOP_K, 2 * idle.length);
        // Locked in queue order with the widest filter (every zone, skill and equipment); per-worker eligibility below.
        const union = {
          zones: null,
          skills: [...new Set([...profiles.values()].flatMap((p) => p.skills))],
          equipment: [...new Set([...profiles.values()].flatMap((p) => p.equipment))],
        };
        const query = { siteId, workerId: '', types: UNTYPED_CLAIM_TYPES, eligibility: union, now, rejectCooldownMs: REJECT_COOLDOWN_MS, dueWindowMs: DUE_WINDOW_MS, limit };
        const escalated = idle.length === 0 ? [] : await taskStore.candidates(tx, { ...query, escalated: true });
        const ranked = idle.length === 0 ? [] : await taskStore.candidates(tx, { ...query, escalated: false, limit: Math.max(0, limit - escalated.length) });
        const seen = new Set(escalated.map((t) => t.id));
        const tasks = [...escalated, ...ranked.filter((t) => !seen.has(t.id))]
          .map((t) => ({ ...t, createdAt: new Date(t.createdAt), dueAt: t.dueAt === null ? null : new Date(t.dueAt), task: t }))
          .sort((a, b) => compareRank(a, b, now));
        const positions = new Map<string, string | undefined>();
        for (const w of idle) positions.set(w, await taskStore.positionOf(tx, w));
        const rejectedBy = await taskStore.rejectMarks(tx, tasks.map((t) => t.id));
        // Rejected by this worker within the cool-down, or a task that excludes them (a recount is another counter's).
        const cooled = (t: QueuedTask, w: string): boolean => {
          const r = rejectedBy.get(t.id);
          if (r === undefined) return false;
          // A worker id ignores letter case (ADR 0019): X_Carl is the x_carl a recount excludes.
          const same = (id: string | null): boolean => id !== null && id.toLowerCase() === w.toLowerCase();
          return same(r.excluded) || (same(r.by) && r.at !== null && r.at.getTime() > now.getTime() - REJECT_COOLDOWN_MS);
        };
        const cost = idle.map((w) => {
          const e = eligibilityOf(profiles.get(w));
          const from = positions.get(w);
          return tasks.map((t) => {
            if (!isEligible(t.task, e) || cooled(t.task, w)) return FORBIDDEN_COST;
            const walk = from === undefined || t.task.locationId === null ? undefined : map?.distance(from, t.task.locationId);
            return effectivePriority(t, now) * LEVEL_COST + (walk ?? 0);
          });
        });
        const solved = hungarian(cost);
        const emitted: PublishedEvent[] = [];
        for (const [i, w] of idle.entries()) {
          const j = solved.assignment[i] ?? -1;
          const c = j < 0 ? FORBIDDEN_COST : (cost[i]?.[j] ?? FORBIDDEN_COST);
          const pick = j < 0 ? undefined : tasks[j];
          if (pick === undefined || c >= FORBIDDEN_COST) {
            results.set(w, { workerId: w, task: null, reason: 'NO_ELIGIBLE_TASK' });
            continue;
          }
          const task = await taskStore.assign(tx, pick.id, w, now);
          if (task === undefined) throw new Error(`task ${pick.id} was locked by this transaction yet not QUEUED`);
          taskLifecycle.assertCan('QUEUED', task.status);
          const from = positions.get(w);
          const walk = from === undefined || task.locationId === null ? undefined : map?.distance(from, task.locationId);
          results.set(w, { workerId: w, task, travel: walk === undefined ? null : Math.round(walk * 100) / 100 });
          emitted.push(changed(task, TaskEvents.assigned));
        }
        if (emitted.length > 0) await emit(tx, emitted, meta);
        tx.afterCommit(() => assigned.inc(emitted.length));
        return workers.map((w) => results.get(w) as BatchAssignment);
      });
      return out;
    },

    /** Walking distance between two locations of a site (metres), as interleaving measures it; undefined when unknown. */
    async travel(siteId: string, fromId: string, toId: string): Promise<number | undefined> {
      return (await travelFor(siteId))?.distance(fromId, toId);
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

    /**
     * Forgets the ends of work heard more than ENDED_WORK_RETENTION_DAYS ago (migration 012 kept them for ever), in
     * batches of ENDED_WORK_PRUNE_BATCH rows, each its own statement; returns how many.
     */
    async pruneEndedWork(): Promise<number> {
      const before = new Date(deps.clock.now().getTime() - ENDED_WORK_RETENTION_DAYS * 86_400_000);
      let pruned = 0;
      for (;;) {
        const n = await taskStore.pruneEndedWork(deps.db, before, ENDED_WORK_PRUNE_BATCH);
        pruned += n;
        if (n < ENDED_WORK_PRUNE_BATCH) return pruned;
      }
    },

    /**
     * The work behind a task is done (e.g. its pick list completed): finish the task through legal steps. `round`: the
     * round of the work that was done (an order's packing round), so an old round's event never finishes a later one.
     */
    async finishWork(tx: Tx, type: TaskType, reference: string, meta: EventMeta, round?: number): Promise<Task | undefined> {
      const task = await finishIn(tx, type, reference, meta, round);
      // No task yet: its request comes after its end (split mode, a consumer killed while it queued it: redelivered
      // after what was published since). Remembered, so that request queues no task for work already done (crash8).
      if (task === undefined) await taskStore.rememberEndedWork(tx, { type, reference, round: round ?? 1, ended: 'DONE', now: deps.clock.now() });
      return task;
    },

    /** The task's work was withdrawn (its pick list was cancelled with its orders): CANCELLED, whoever holds it (its latest round). */
    async withdrawWork(tx: Tx, type: TaskType, reference: string, meta: EventMeta): Promise<Task | undefined> {
      const task = await walkWork(tx, type, reference, withdrawPath, meta);
      // As for finishWork: a request heard after the withdrawal queues nothing, in any round.
      if (task === undefined) await taskStore.rememberEndedWork(tx, { type, reference, round: null, ended: 'WITHDRAWN', now: deps.clock.now() });
      return task;
    },

    /** A task not started yet (QUEUED or ASSIGNED) gets a new priority, announced (`tasks.task.reprioritised`). */
    reprioritise: (id: string, priority: number, meta: EventMeta): Promise<Outcome<Task>> => deps.db.tx(async (tx) => {
      const task = await taskStore.get(tx, id, true);
      if (task === undefined) return reject('NOT_FOUND', `No task ${id}`);
      if (task.status !== 'QUEUED' && task.status !== 'ASSIGNED') return reject('ILLEGAL_TRANSITION', `Task ${id} is ${task.status}; only a task not started yet can be reprioritised`);
      return ok(await reprioritiseIn(tx, task, priority, meta));
    }),

    /**
     * An order given another priority (`orders.order.reprioritised`): remembered (the PACK task queued later takes it),
     * and its PACK task not started yet follows, unless a later reprioritisation was heard already.
     */
    async orderReprioritised(tx: Tx, orderId: string, priority: number, at: Date, eventId: string, meta: EventMeta): Promise<void> {
      if (!(await taskStore.rememberOrderPriority(tx, orderId, priority, at, eventId))) return;
      const task = await taskStore.byReference(tx, 'PACK', orderId);
      if (task === undefined || (task.status !== 'QUEUED' && task.status !== 'ASSIGNED')) return;
      await reprioritiseIn(tx, task, priority, meta);
    },

    /**
     * `picking.list.reprioritised` heard: the list's PICK task takes the list's priority if it has not started yet (a
     * task under way keeps its place: its worker is at it already).
     */
    async workReprioritised(tx: Tx, type: TaskType, reference: string, priority: number, meta: EventMeta): Promise<void> {
      const task = await taskStore.byReference(tx, type, reference);
      if (task === undefined || (task.status !== 'QUEUED' && task.status !== 'ASSIGNED')) return;
      await reprioritiseIn(tx, task, priority, meta);
    },

    get: (id: string) => taskStore.get(deps.db, id),
    list: (f: TaskFilter) => taskStore.list(deps.db, f),
    /** How many of a site's tasks are in each status; every status, 0 when none. */
    counts: async (siteId: string): Promise<Record<TaskStatus, number>> => byStatus(TASK_STATUSES, await taskStore.countByStatus(deps.db, siteId)),
  };
}

export type TaskService = ReturnType<typeof taskService>;
