import type { PickListProgress } from '../../../contracts/picking.ts';
import type { TaskType } from '../../../contracts/tasks.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';

/** What a worker's "complete" is decided on: the task, and where its work stands as its owning context said. */
export interface HandCompletionState {
  readonly task: { readonly id: string; readonly type: TaskType; readonly reference: string };
  /** A PICK task's list as picking answered (read before the move); undefined when picking knows no such list or was not asked. */
  readonly pickList: PickListProgress | undefined;
}

/**
 * May a worker complete a task by hand (`POST /tasks/{id}/complete`)? A PICK task only once its pick list has no open
 * line: the list, not the task, carries the work, and a task completed over open lines would leave them with nobody
 * told (one task per list: no new one is ever queued). 409 PICK_LINES_OPEN names how many lines remain and what to do;
 * the list's completion (the last confirm or short) finishes the task on its own. A list picking does not know (a
 * task queued from an event of no list it holds) has nothing known open. Other task types carry no work tasks can
 * ask about yet (ADR 0023 addendum 2026-12-04).
 */
export function decideHandCompletion(state: HandCompletionState): Outcome<'complete', 'PICK_LINES_OPEN'> {
  const { task, pickList } = state;
  if (task.type !== 'PICK' || pickList === undefined || pickList.openLines === 0) return ok('complete');
  return reject('PICK_LINES_OPEN',
    `Task ${task.id} cannot be completed: its pick list ${pickList.pickListId} still has ${pickList.openLines} of ${pickList.lines} line(s) open. `
    + 'Confirm or short each of them (POST /pick-lists/{id}/lines/{lineId}/confirm or /short): the task completes with the list\'s last line.');
}
