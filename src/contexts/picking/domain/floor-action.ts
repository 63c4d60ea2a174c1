import type { PublishedEvent } from '../../../contracts/events.ts';
import { PickingEvents, type PickListCompleted } from '../../../contracts/picking.ts';
import { ok, reject, type ErrorCode, type Outcome } from '../../../platform/errors.ts';
import { isOpenList, lineMoved } from './pick-lifecycle.ts';
import type { Change, CountedPickList, LineAction, PickLine, PickListHeader, RecordedScan, SerialUnit } from './pick-list.ts';

/**
 * What a floor action (a scan confirm, a short) decides on: the line and its list as its handler locked them (line
 * first, then list), and the scan recorded earlier under the command's scanId (undefined when it sent none or the id
 * is new).
 */
export interface FloorState {
  readonly list: CountedPickList | undefined;
  readonly line: PickLine | undefined;
  readonly scan: RecordedScan | undefined;
  /** The worker whose task holds the list (tasks' assignment, projected), or null when none holds it now. */
  readonly worker?: string | null | undefined;
  /** Whether the line's product is serial-controlled (ADR 0058): a confirm then names one serial per unit. */
  readonly serialControlled?: boolean | undefined;
  /** The rows of the serials a confirm names, at the line's site, of any SKU, as locked for the decision. */
  readonly serialUnits?: readonly SerialUnit[] | undefined;
}

export interface FloorCommand<A extends LineAction> {
  readonly listId: string;
  readonly lineId: string;
  readonly action: A;
  readonly scanId?: string | undefined;
  /** The signed-in person who scans (ADR 0019); undefined for a key, which names no one. */
  readonly actingWorker?: string | undefined;
  /**
   * The worker whose live task holds the list as tasks answered just before the action (the route's heldTaskGuard),
   * when tasks runs in this process and someone holds it: it stands over the state's `worker`, picking's projection
   * of the holder, which may not have heard of the latest claim yet.
   */
  readonly heldBy?: string | undefined;
}

/** What an action does to the line's own fields (its rule decides; the list follows from it). */
export type LineChange = Pick<PickLine, 'picked' | 'shortQuantity' | 'shortReason' | 'toteId' | 'status'>;

export type FloorDecision =
  /** A retry of a recorded scan: nothing is written, the list is answered as it is now. */
  | { readonly kind: 'replay'; readonly list: CountedPickList }
  | {
    readonly kind: 'act'; readonly line: Change<PickLine>; readonly list: Change<CountedPickList>;
    readonly events: readonly PublishedEvent[];
  };

/** Refusals every floor action shares; each action adds those of its own rule. */
export type FloorCode = 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'SCAN_ID_REUSED' | 'ACTING_AS_ANOTHER_WORKER';

/** The same action: a retry of a scan, not another scan under a reused scanId. */
function sameAction(a: LineAction, b: LineAction): boolean {
  const x: Readonly<Record<string, unknown>> = a;
  const y: Readonly<Record<string, unknown>> = b;
  // The serials of a confirm are a list: the same serials in the same order are the same scan.
  return [...new Set([...Object.keys(x), ...Object.keys(y)])].every((k) => x[k] === y[k]
    || (Array.isArray(x[k]) && Array.isArray(y[k]) && JSON.stringify(x[k]) === JSON.stringify(y[k])));
}

/**
 * The part of a floor action's decision every action shares: a recorded scanId (retry or reuse), the list and line
 * (unknown, closed), then the action's own `rule` on the line — which must refuse a line that is not PENDING — and
 * what the list does when the line moves. `announce` makes the action's event from the list and line after it; the
 * list's completion event follows when this action closed its last open line.
 */
export function decideFloorAction<A extends LineAction, C extends ErrorCode>(
  state: FloorState, command: FloorCommand<A>, now: Date,
  rule: (line: PickLine) => Outcome<LineChange, C>,
  announce: (list: PickListHeader, line: PickLine) => PublishedEvent,
): Outcome<FloorDecision, C | FloorCode> {
  const { list, line, scan } = state;
  if (list === undefined) return reject('NOT_FOUND', `No pick list ${command.listId}`);
  // A person scans only on the list its own task holds; a list no task holds yet (or a key's scan) is not checked here.
  const { worker } = state;
  if (command.actingWorker !== undefined && worker !== undefined && worker !== null && worker !== command.actingWorker) {
    return reject('ACTING_AS_ANOTHER_WORKER', `Pick list ${list.id} is held by worker ${worker}, not ${command.actingWorker}`);
  }
  if (scan !== undefined) {
    if (scan.pickLineId === command.lineId && sameAction(scan.action, command.action)) return ok({ kind: 'replay', list });
    return reject('SCAN_ID_REUSED', `scanId ${command.scanId ?? ''} was used for another scan on pick list ${list.id}`,
      [{ field: '/scanId', message: 'was used for another scan' }]);
  }
  if (line === undefined) return reject('NOT_FOUND', `No line ${command.lineId} on pick list ${list.id}`);
  // A line withdrawn with its cancelled order says so (the rule's refusal), whatever became of its list.
  if (line.status !== 'CANCELLED' && !isOpenList(list)) return reject('ILLEGAL_TRANSITION', `The pick list is ${list.status}`);
  const change = rule(line);
  if (!change.ok) return change;
  const after: PickLine = { ...line, ...change.value, updatedAt: now.toISOString() };
  const listAfter = lineMoved(list, line.status, after.status, now);
  const events = [announce(listAfter, after)];
  if (listAfter.status === 'COMPLETED' || listAfter.status === 'PARTIAL') {
    const data: PickListCompleted = {
      pickListId: listAfter.id, waveId: listAfter.waveId, siteId: listAfter.siteId, orderIds: listAfter.orderIds, status: listAfter.status,
    };
    events.push({ type: PickingEvents.listCompleted, subject: listAfter.id, siteId: listAfter.siteId, data });
  }
  return ok({ kind: 'act', line: { before: line, after }, list: { before: list, after: listAfter }, events });
}
