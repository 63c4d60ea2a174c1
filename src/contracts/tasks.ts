/** tasks: the unified task pool and its atomic assignment to workers. */

export const TASK_STATUSES = ['CREATED', 'QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_TYPES = ['PICK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD'] as const;
export type TaskType = (typeof TASK_TYPES)[number];

export const TaskEvents = {
  created: 'tasks.task.created.v1',
  assigned: 'tasks.task.assigned.v1',
  started: 'tasks.task.started.v1',
  completed: 'tasks.task.completed.v1',
  cancelled: 'tasks.task.cancelled.v1',
  /** ASSIGNED → QUEUED: the holding worker turned it down (`TaskRequeued`). */
  rejected: 'tasks.task.rejected.v1',
  /** ASSIGNED → QUEUED: not started within PAKLOG_TASK_ASSIGN_TIMEOUT_S of its assignment (`TaskRequeued`). */
  timedOut: 'tasks.task.timed-out.v1',
} as const;

export interface TaskChanged {
  readonly taskId: string;
  readonly siteId: string;
  readonly type: TaskType;
  /** The work the task is about, e.g. a pick list id. */
  readonly reference: string;
  readonly waveId: string | null;
  readonly workerId: string | null;
  readonly status: TaskStatus;
}

/** A task went back to the queue (rejected or timed out): `workerId` is null, `previousWorkerId` held it. */
export interface TaskRequeued extends TaskChanged {
  readonly previousWorkerId: string;
  /** The worker's reason on reject (null when none was given); on timeout, the rule that fired. */
  readonly reason: string | null;
}
