import type { OpenTaskWork } from '../../../contracts/inventory.ts';
import type { OpenPackWork } from '../../../contracts/pack-ship.ts';
import type { PickListProgress, PickListStatus } from '../../../contracts/picking.ts';
import type { TaskType } from '../../../contracts/tasks.ts';
import { assertNever, ok, reject, type Outcome } from '../../../platform/errors.ts';

/** How a task's work ended, as its owning context says: DONE (the task is COMPLETED) or WITHDRAWN (it is CANCELLED). */
export type WorkEnd = 'DONE' | 'WITHDRAWN';

/** Where work stands as its owner answers: inventory's `TaskWorkState`, pack & ship's `PackWorkState` (the same three). */
export type WorkState = 'OPEN' | WorkEnd;

/**
 * A pick list's end, as its events say it (subscriptions.ts): COMPLETED or PARTIAL is done (`picking.list.completed`),
 * CANCELLED withdrawn (`picking.list.cancelled`); a list still open, or one picking does not know, has not ended.
 */
export function pickListEnd(status: PickListStatus | undefined): WorkEnd | undefined {
  switch (status) {
    case undefined:
    case 'CREATED':
    case 'IN_PROGRESS':
      return undefined;
    case 'COMPLETED':
    case 'PARTIAL':
      return 'DONE';
    case 'CANCELLED':
      return 'WITHDRAWN';
    default:
      return assertNever(status, 'pick list status');
  }
}

/**
 * The end of inventory work (`InventoryApi.taskWorkState`) or of an order's packing (`PackShipApi.packWorkState`):
 * DONE or WITHDRAWN as its owner says; open or unknown work has not ended.
 */
export function workStateEnd(state: WorkState | undefined): WorkEnd | undefined {
  switch (state) {
    case undefined:
    case 'OPEN':
      return undefined;
    case 'DONE':
    case 'WITHDRAWN':
      return state;
    default:
      return assertNever(state, 'task work state');
  }
}

/** What a worker's "complete" is decided on: the task, and where its work stands as its owning context said. */
export interface HandCompletionState {
  readonly task: { readonly id: string; readonly type: TaskType; readonly reference: string };
  /** A PICK task's list as picking answered (read before the move); undefined when picking knows no such list or was not asked. */
  readonly pickList?: PickListProgress | undefined;
  /** A PUTAWAY, REPLENISH, MOVE or COUNT task's work as inventory answered, when still open; undefined otherwise. */
  readonly openWork?: OpenTaskWork | undefined;
  /**
   * How the work of a task other than PICK stands when it is not open (`InventoryApi.taskWorkState`, a PACK task's
   * `PackShipApi.packWorkState`): DONE or WITHDRAWN; undefined when not asked or unknown.
   */
  readonly workState?: WorkState | undefined;
  /** A PACK task's order as pack & ship answered, when units picked for it are not packed yet; undefined otherwise. */
  readonly openPack?: OpenPackWork | undefined;
}

/** What inventory work each task type carries, for the withdrawal's message. */
const WORK_NAME: Partial<Record<TaskType, string>> = {
  PUTAWAY: 'putaway', REPLENISH: 'replenishment', MOVE: 'return to stock', COUNT: 'count attempt',
};

/** How each kind of inventory work is finished, for the refusal's message. */
const FINISH: Record<OpenTaskWork['kind'], (w: OpenTaskWork) => string> = {
  PUTAWAY: (w) => `putaway ${w.id} still has ${w.remaining ?? '?'} unit(s) to put away: confirm it by scanning where they go `
    + `(POST /inventory/putaways/${w.id}/confirm), or a manager cancels it`,
  REPLENISHMENT: (w) => `replenishment ${w.id} (${w.remaining ?? '?'} unit(s)) is not confirmed: confirm it at the face `
    + `(POST /replenishments/${w.id}/confirm), or a manager cancels it`,
  RETURN: (w) => `return ${w.id} still has ${w.remaining ?? '?'} unit(s) to put back: confirm it by scan (POST /inventory/returns/${w.id}/confirm), `
    + 'or a manager cancels it',
  COUNT: (w) => `count ${w.id} (${w.status}) waits for this attempt: submit it (POST /inventory/counts/${w.id}/submit)`,
};

/**
 * May a worker complete a task by hand (`POST /tasks/{id}/complete`)? Only once its work is done: the work — a pick
 * list, a putaway, a replenishment, a return to stock, a count attempt — not the task, is what the warehouse waits for,
 * and a task completed over open work leaves it with nobody told (one task per work: no new one is ever queued).
 * A PICK task with open lines: 409 PICK_LINES_OPEN naming how many remain; a PACK task whose order has picked units not
 * packed, and other open work: 409 TASK_WORK_OPEN naming
 * it and how it is finished. Finishing the work (the last scan, confirm or submit) finishes the task by itself. Work
 * its context does not know (a task a short's resolution named, with no record behind it) has nothing known open
 * (ADR 0023 addendum 2026-12-04). Work withdrawn (the pick list cancelled with its order, the putaway, replenishment
 * or return cancelled, the count closed without this attempt, the order cancelled before it was packed) was not done: 409 TASK_WORK_WITHDRAWN, nothing changes,
 * and the task is CANCELLED by the withdrawal's event or the worker's next `POST /tasks/next` (addendum 2026-12-04b).
 */
export function decideHandCompletion(state: HandCompletionState): Outcome<'complete', 'PICK_LINES_OPEN' | 'TASK_WORK_OPEN' | 'TASK_WORK_WITHDRAWN'> {
  const { task, pickList, openWork, openPack, workState } = state;
  if ((task.type === 'PICK' && pickList?.status === 'CANCELLED') || (task.type !== 'PICK' && workState === 'WITHDRAWN')) {
    const work = task.type === 'PICK' ? `pick list ${task.reference} was cancelled with its order(s)`
      : task.type === 'PACK' ? `order ${task.reference} was cancelled (its shipping stopped) before it was packed`
        : `${WORK_NAME[task.type] ?? 'work'} ${task.reference} was ${task.type === 'COUNT' ? 'abandoned (the count closed without it)' : 'cancelled'}`;
    return reject('TASK_WORK_WITHDRAWN',
      `Task ${task.id} cannot be completed: its ${work}, so there is nothing to complete; the task is cancelled with it `
      + '(at once on the worker\'s next POST /tasks/next). Ask for the next task.');
  }
  if (task.type === 'PICK' && pickList !== undefined && pickList.openLines > 0) {
    return reject('PICK_LINES_OPEN',
      `Task ${task.id} cannot be completed: its pick list ${pickList.pickListId} still has ${pickList.openLines} of ${pickList.lines} line(s) open. `
      + 'Confirm or short each of them (POST /pick-lists/{id}/lines/{lineId}/confirm or /short): the task completes with the list\'s last line.');
  }
  if (task.type === 'PACK' && openPack !== undefined && openPack.unitsToPack === 0) {
    return reject('TASK_WORK_OPEN',
      `Task ${task.id} cannot be completed: order ${openPack.orderId} ships complete: ${openPack.unitsToPickAgain} unit(s) shorted at packing are picked again `
      + 'and come to be packed (ADR 0024 addendum 2026-12-07). Set its tote and any open carton aside and pause the task (POST /tasks/{id}/pause): '
      + 'resume it once they are picked; the task completes when the order is packed (or is withdrawn if the order is cancelled).');
  }
  if (task.type === 'PACK' && openPack !== undefined) {
    const open = openPack.openPackageIds.length === 0 ? '' : ` (open carton${openPack.openPackageIds.length > 1 ? 's' : ''} ${openPack.openPackageIds.join(', ')})`;
    return reject('TASK_WORK_OPEN',
      `Task ${task.id} cannot be completed: order ${openPack.orderId} still has ${openPack.unitsToPack} of ${openPack.unitsPicked} picked unit(s) to pack${open}. `
      + 'Pack them: scan them into a carton, weigh and seal it (POST /pack-station/packages, /packages/{id}/scans, /weight, /seal), or POST /packages; '
      + 'the task completes when the order is packed (or is withdrawn if the order is cancelled).');
  }
  if (task.type !== 'PICK' && task.type !== 'PACK' && openWork !== undefined) {
    return reject('TASK_WORK_OPEN', `Task ${task.id} cannot be completed: its ${FINISH[openWork.kind](openWork)}; the task completes with it.`);
  }
  return ok('complete');
}
