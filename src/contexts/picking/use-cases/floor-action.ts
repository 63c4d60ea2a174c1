import type { EventMeta } from '../../../platform/bus/envelope.ts';
import { decideInTx, type Decide } from '../../../platform/decider.ts';
import { ok, type ErrorCode, type Outcome } from '../../../platform/errors.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import type { FloorCommand, FloorDecision, FloorState } from '../domain/floor-action.ts';
import { headerOf, type LineAction, type PickList } from '../domain/pick-list.ts';
import { pickStore } from '../store.ts';
import { settleProgress } from './order-progress.ts';
import { PickingEvents } from '../../../contracts/picking.ts';

/**
 * The transaction of a floor action (confirm, short): with a scanId the scan is recorded first, so a concurrent copy
 * waits for it and then replays; the line and its list are locked (line first) and the action decided on them. A
 * rejection rolls everything back, the recorded scanId too (it stays free for the corrected scan). A decision is
 * written only where the rows are still as decided from — under the locks they are, and concurrent confirms of one
 * line are decided one after the other, each on the newest picked count — then its events are appended.
 */
export function floorActions(deps: Pick<PlatformDeps, 'db' | 'clock' | 'bus'>) {
  return async function act<A extends LineAction, C extends ErrorCode>(
    command: FloorCommand<A>, decide: Decide<FloorState, FloorCommand<A>, FloorDecision, C>, meta: EventMeta,
  ): Promise<Outcome<PickList, C>> {
    return decideInTx(deps.db, async (tx): Promise<Outcome<PickList, C>> => {
      const now = deps.clock.now();
      const { listId, lineId, scanId, action } = command;
      const scan = scanId === undefined ? undefined : await pickStore.recordScan(tx, listId, scanId, lineId, action, now);
      const { list, line, lines, worker } = await pickStore.lockLine(tx, listId, lineId);
      const decided = decide({ list, line, scan, worker }, command, now);
      if (!decided.ok) return decided;
      const d = decided.value;
      if (d.kind === 'replay') return ok({ ...headerOf(d.list), lines });
      // A short's units may be re-reserved elsewhere: its order is not done picking until inventory says (ADR 0024).
      const shorted = d.line.before.status === 'PENDING' && d.line.after.status === 'SHORT';
      const awaiting = shorted ? { pickLineId: d.line.after.id, orderId: d.line.after.orderId } : undefined;
      if (awaiting === undefined && !d.events.some((e) => e.type === PickingEvents.listCompleted)) {
        // Nothing to settle (the usual confirm): the line, the list and the events in one statement (ADR 0003 addendum 2026-12-03).
        await pickStore.saveChanges(deps.bus.writer(tx), { lines: [d.line], lists: [d.list] }, deps.bus.envelopes('picking', d.events, meta));
      } else {
        await pickStore.saveChanges(tx, { lines: [d.line], lists: [d.list] });
        await deps.bus.append(tx, 'picking', await settleProgress(tx, d.events, now, awaiting), meta);
      }
      return ok({ ...headerOf(d.list.after), lines: lines.map((l) => (l.id === d.line.after.id ? d.line.after : l)) });
    });
  };
}

export type FloorActions = ReturnType<typeof floorActions>;
