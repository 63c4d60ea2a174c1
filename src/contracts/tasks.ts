/** tasks: the unified task pool and its atomic assignment to workers. */
import { Type, type Static } from 'typebox';
import type { EventMeta } from '../platform/bus/envelope.ts';
import type { ErrorSpecs, Outcome } from '../platform/errors.ts';
import { List } from '../platform/bus/published-language.ts';

export const TASK_STATUSES = ['CREATED', 'QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_TYPES = ['PICK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD'] as const;
export type TaskType = (typeof TASK_TYPES)[number];
/**
 * What a claim that names no `types` is offered (`POST /tasks/next`, batch assignment): every type but PACK. A PACK
 * task (an order to pack at a pack station) goes only to a claim that asks for PACK, as a packer's handheld does: a
 * picker's untyped claim is not sent from the aisles to the pack bench (ADR 0035 addendum 2026-12-04).
 */
export const UNTYPED_CLAIM_TYPES: readonly TaskType[] = TASK_TYPES.filter((t) => t !== 'PACK');
/** Why a worker could not do a task (`POST /tasks/{id}/fail`). */
export const TASK_FAILURE_REASONS = ['EQUIPMENT', 'LOCATION_INACCESSIBLE', 'DAMAGED_GOODS', 'OTHER'] as const;
export type TaskFailureReason = (typeof TASK_FAILURE_REASONS)[number];
/**
 * What a PUTAWAY task also holds (tasks' `about`, heldTaskGuard, ADR 0019): one owner's units of a SKU and lot waiting
 * at a receiving location, which physical tracking's LPNs there name too (a received pallet the putaway will carry).
 * `ownerId` is the owner's id (`own_default` for the default owner's units): another owner's pallet of the SKU beside
 * them is not the putaway's (ADR 0028).
 */
export const heldStockKey = (locationId: string, sku: string, lot: string | null, ownerId: string): string =>
  `stock:${locationId}:${sku}:${lot ?? ''}:${ownerId}`;
/**
 * The key PUTAWAY tasks queued before owners were part of it hold (every owner's units of the SKU and lot there): an
 * LPN names it as well, so such a task still holds the pallets it held.
 */
export const ownerlessHeldStockKey = (locationId: string, sku: string, lot: string | null): string => `stock:${locationId}:${sku}:${lot ?? ''}`;

export const TaskEvents = {
  created: 'tasks.task.created.v1',
  assigned: 'tasks.task.assigned.v1',
  started: 'tasks.task.started.v1',
  completed: 'tasks.task.completed.v1',
  cancelled: 'tasks.task.cancelled.v1',
  rejected: 'tasks.task.rejected.v1',
  timedOut: 'tasks.task.timed-out.v1',
  reprioritised: 'tasks.task.reprioritised.v1',
  paused: 'tasks.task.paused.v1',
  resumed: 'tasks.task.resumed.v1',
  failed: 'tasks.task.failed.v1',
  requeued: 'tasks.task.requeued.v1',
  workerProfileChanged: 'tasks.worker.profile-changed.v1',
} as const;

const TaskChangedProperties = {
  taskId: Type.String(), siteId: Type.String(), type: Type.Enum(TASK_TYPES),
  reference: Type.String({ description: 'The work the task is about, e.g. a pick list id.' }),
  waveId: Type.Union([Type.String(), Type.Null()]), workerId: Type.Union([Type.String(), Type.Null()]), status: Type.Enum(TASK_STATUSES),
};
const TaskChangedSchema = (description: string) => Type.Object(TaskChangedProperties, { description });
/** A task went back to the queue (rejected, timed out or re-queued after a failure): `workerId` is null, `previousWorkerId` held it. */
const TaskRequeuedSchema = (description: string) => Type.Object({
  ...TaskChangedProperties, previousWorkerId: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()], { description: "The worker's reason on reject (null when none was given); on timeout, the rule that fired." }),
}, { description });

/** The payload of every tasks event, by type name; the description says when it is emitted. */
export const TaskEventSchemas = {
  [TaskEvents.created]: TaskChangedSchema('A task was queued (a PICK task on `picking.list.created`).'),
  [TaskEvents.assigned]: TaskChangedSchema('A worker claimed the task (`POST /tasks/next`).'),
  [TaskEvents.started]: TaskChangedSchema('The worker started the task (`POST /tasks/{id}/start`).'),
  [TaskEvents.completed]: TaskChangedSchema('The task is done (`POST /tasks/{id}/complete`, or its pick list completed).'),
  [TaskEvents.cancelled]: TaskChangedSchema('The task was withdrawn (its pick list was cancelled with its orders).'),
  [TaskEvents.rejected]: TaskRequeuedSchema('ASSIGNED → QUEUED: the holding worker turned it down (`POST /tasks/{id}/reject`).'),
  [TaskEvents.timedOut]: TaskRequeuedSchema('ASSIGNED → QUEUED: not started within PAKLOG_TASK_ASSIGN_TIMEOUT_S of its assignment.'),
  [TaskEvents.reprioritised]: Type.Object({
    ...TaskChangedProperties, priority: Type.Integer({ description: 'The new priority (1 is the most urgent).' }), previousPriority: Type.Integer(),
  }, { description: "A task waiting or held got a new priority (a supervisor's reprioritise on a TASK_NOT_STARTED exception)." }),
  [TaskEvents.paused]: TaskChangedSchema('IN_PROGRESS → PAUSED: the holding worker set the task aside (`POST /tasks/{id}/pause`).'),
  [TaskEvents.resumed]: TaskChangedSchema('PAUSED → IN_PROGRESS: the holding worker took the task up again (`POST /tasks/{id}/resume`).'),
  [TaskEvents.failed]: Type.Object({
    ...TaskChangedProperties,
    previousWorkerId: Type.String({ description: 'The worker who held the task when it failed (kept away from it for the reject cool-down).' }),
    reportedBy: Type.String({ description: 'Who reported it: the holding worker, or a supervisor (their worker id, else their user or key name).' }),
    reason: Type.Enum(TASK_FAILURE_REASONS, { description: 'Why the task could not be done.' }),
    note: Type.Union([Type.String(), Type.Null()], { description: "The reporter's free text, null when none was given." }),
    attempt: Type.Integer({ minimum: 1, description: 'How many times the task has failed now (since it was created or a supervisor last re-queued it).' }),
    maxFailures: Type.Integer({ minimum: 1, description: 'PAKLOG_TASK_MAX_FAILURES when it failed.' }),
    retried: Type.Boolean({ description: 'true: below the limit, the task goes back to the queue at once (`tasks.task.requeued.v1` follows in the same transaction); false: it stays FAILED for a supervisor (exception TASK_FAILED).' }),
  }, { description: 'IN_PROGRESS or PAUSED → FAILED: the holding worker or a supervisor reported that the task cannot be done (`POST /tasks/{id}/fail`).' }),
  [TaskEvents.requeued]: TaskRequeuedSchema('FAILED → QUEUED: a failed task goes back to the queue, at once below PAKLOG_TASK_MAX_FAILURES '
    + '(`previousWorkerId` failed it and is kept away from it for the reject cool-down), or by a supervisor (`POST /tasks/{id}/requeue`, the TASK_FAILED exception\'s `requeue`).'),
  [TaskEvents.workerProfileChanged]: Type.Object({
    workerId: Type.String(), siteId: Type.String(),
    zones: List(Type.String(), { description: 'Zones the worker works in; empty = every zone.' }),
    skills: List(Type.String()), equipment: List(Type.String()),
    maxTasks: Type.Integer({ description: 'How many tasks the worker may hold at once (ASSIGNED + IN_PROGRESS).' }),
    locationId: Type.Union([Type.String(), Type.Null()], { description: 'Where the worker was last known to stand.' }),
  }, { description: "A worker's profile was created or replaced (`PUT /workers/{id}/profile`)." }),
} as const;

export type TaskChanged = Static<(typeof TaskEventSchemas)[typeof TaskEvents.created]>;
/** A task went back to the queue (rejected or timed out): `workerId` is null, `previousWorkerId` held it. */
export type TaskRequeued = Static<(typeof TaskEventSchemas)[typeof TaskEvents.rejected]>;
/** A task was reported FAILED (`tasks.task.failed.v1`). */
export type TaskFailed = Static<(typeof TaskEventSchemas)[typeof TaskEvents.failed]>;

/**
 * The task commands other contexts run (in-process; orchestration's exception actions). Kept to one small method, as
 * the task engine is free to change the rest.
 */
export interface TaskCommands {
  /** Gives a task not yet started a new priority (1 is the most urgent): the task, or NOT_FOUND / ILLEGAL_TRANSITION. */
  reprioritise(taskId: string, priority: number, meta: EventMeta): Promise<Outcome<{ taskId: string; priority: number; status: TaskStatus }>>;
  /** Puts a FAILED task back in the queue with its failure count reset (a supervisor's way out): NOT_FOUND / ILLEGAL_TRANSITION otherwise. */
  requeue(taskId: string, by: string, meta: EventMeta): Promise<Outcome<{ taskId: string; status: TaskStatus }>>;
}

/** Coded errors of tasks. */
export const TasksErrors = {
  TASK_NOT_ASSIGNED_TO_WORKER: { status: 409, title: 'The task belongs to another worker' },
  TASK_LIMIT_REACHED: { status: 409, title: 'The worker already holds as many tasks as their profile allows' },
  PICK_LINES_OPEN: { status: 409, title: 'The pick list of the task still has open lines: confirm or short them' },
  TASK_WORK_OPEN: { status: 409, title: 'The work of the task is still open: finish it (confirm, submit) and the task completes with it' },
  TASK_WORK_WITHDRAWN: { status: 409, title: 'The work of the task was withdrawn (cancelled): the task is cancelled with it, not completed' },
} as const satisfies ErrorSpecs;
