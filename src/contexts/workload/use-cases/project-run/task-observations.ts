/**
 * A run of task events folded into one write per task (ADR 0043 addendum of 2026-12-03, workload): what handling the
 * events one at a time would leave in `workload.task_observations`, whatever the row held before.
 */
import type { TaskType } from '../../../../contracts/tasks.ts';
import { assertNever } from '../../../../platform/errors.ts';

/** What a run does to one column: leaves it, sets it, or sets it only where it is empty (`coalesce(column, value)`). */
export type ColumnChange = { readonly op: 'keep' } | { readonly op: 'set' | 'fill'; readonly value: string | null };

/** The change of an observed task's row: the status (null: left as it is) and four nullable columns. */
export interface ObservationChange {
  readonly status: string | null;
  readonly workerId: ColumnChange;
  readonly assignedAt: ColumnChange;
  readonly startedAt: ColumnChange;
  readonly completedAt: ColumnChange;
}

/** A task event as the projection takes it (the `at` is the event's time). */
export type TaskFact =
  | { readonly kind: 'created'; readonly taskId: string; readonly siteId: string; readonly type: TaskType; readonly reference: string; readonly status: string; readonly at: string }
  | { readonly kind: 'assigned' | 'started' | 'completed' | 'requeued' | 'closed'; readonly taskId: string; readonly status: string; readonly workerId: string | null; readonly at: string };

/** The row a created task is inserted with when it has none yet, the run's later events applied. */
export interface ObservationRow {
  readonly siteId: string;
  readonly type: TaskType;
  readonly reference: string;
  readonly createdAt: string;
  readonly status: string;
  readonly workerId: string | null;
  readonly assignedAt: string | null;
  readonly startedAt: string | null;
  readonly completedAt: string | null;
}

/** One task's write: the row to insert if the task has none (a created event in the run), and the change of a row it has. */
export interface ObservationWrite {
  readonly taskId: string;
  readonly insert: ObservationRow | null;
  readonly change: ObservationChange;
}

const KEEP: ColumnChange = { op: 'keep' };
export const NO_CHANGE: ObservationChange = { status: null, workerId: KEEP, assignedAt: KEEP, startedAt: KEEP, completedAt: KEEP };
const set = (value: string | null): ColumnChange => ({ op: 'set', value });

/** `first` then `then` on one column. */
function columnThen(first: ColumnChange, then: ColumnChange): ColumnChange {
  switch (then.op) {
    case 'keep': return first;
    case 'set': return then;
    case 'fill':
      // coalesce(coalesce(x, a), b) = coalesce(x, coalesce(a, b)); after a set, the column is that value.
      return first.op === 'keep' ? then : { op: first.op, value: first.value ?? then.value };
    default: return assertNever(then, 'column change');
  }
}

/** `first` then `then`: the change of doing both in turn. */
export function changeThen(first: ObservationChange, then: ObservationChange): ObservationChange {
  return {
    status: then.status ?? first.status,
    workerId: columnThen(first.workerId, then.workerId),
    assignedAt: columnThen(first.assignedAt, then.assignedAt),
    startedAt: columnThen(first.startedAt, then.startedAt),
    completedAt: columnThen(first.completedAt, then.completedAt),
  };
}

/** A column's value after `change`. */
export function applied(current: string | null, change: ColumnChange): string | null {
  switch (change.op) {
    case 'keep': return current;
    case 'set': return change.value;
    case 'fill': return current ?? change.value;
    default: return assertNever(change, 'column change');
  }
}

/** What one event sets (as `workloadStore.taskChanged` did, one UPDATE per event). */
export function changeOf(fact: Exclude<TaskFact, { kind: 'created' }>): ObservationChange {
  // started and completed keep the holder an event without one does not name.
  const holder = fact.workerId === null ? KEEP : set(fact.workerId);
  switch (fact.kind) {
    case 'assigned': return { ...NO_CHANGE, status: fact.status, workerId: set(fact.workerId), assignedAt: set(fact.at), startedAt: set(null) };
    case 'started': return { ...NO_CHANGE, status: fact.status, workerId: holder, startedAt: { op: 'fill', value: fact.at } };
    case 'completed': return { ...NO_CHANGE, status: fact.status, workerId: holder, completedAt: set(fact.at) };
    case 'requeued': return { ...NO_CHANGE, status: fact.status, workerId: set(null), assignedAt: set(null), startedAt: set(null) };
    case 'closed': return { ...NO_CHANGE, status: fact.status };
    default: return assertNever(fact.kind, 'task change');
  }
}

/**
 * One write per task of the run, in task id order (the order rows are locked in). In turn, a created event inserts the
 * row if it is absent and a change updates the row if there is one; so a task with a row already gets every change of
 * the run, and a task without one gets the row its first created event makes with the changes after that event.
 */
export function foldTaskFacts(facts: readonly TaskFact[]): ObservationWrite[] {
  const byTask = new Map<string, { insert: ObservationRow | null; change: ObservationChange }>();
  for (const f of facts) {
    let w = byTask.get(f.taskId);
    if (w === undefined) {
      w = { insert: null, change: NO_CHANGE };
      byTask.set(f.taskId, w);
    }
    if (f.kind === 'created') {
      w.insert ??= {
        siteId: f.siteId, type: f.type, reference: f.reference, createdAt: f.at, status: f.status, workerId: null, assignedAt: null, startedAt: null, completedAt: null,
      };
      continue;
    }
    const change = changeOf(f);
    w.change = changeThen(w.change, change);
    if (w.insert !== null) {
      const r = w.insert;
      w.insert = {
        ...r, status: change.status ?? r.status, workerId: applied(r.workerId, change.workerId), assignedAt: applied(r.assignedAt, change.assignedAt),
        startedAt: applied(r.startedAt, change.startedAt), completedAt: applied(r.completedAt, change.completedAt),
      };
    }
  }
  return [...byTask].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([taskId, w]) => ({ taskId, insert: w.insert, change: w.change }));
}
