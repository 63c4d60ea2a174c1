import type { EventMeta } from '../../../platform/bus/envelope.ts';
import { decideInTx, type Decide } from '../../../platform/decider.ts';
import { ok, reject, type ErrorCode, type Outcome } from '../../../platform/errors.ts';
import type { PackShipApi } from '../../../contracts/pack-ship.ts';
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
export function floorActions(deps: Pick<PlatformDeps, 'db' | 'clock' | 'bus' | 'log'>, packShip?: Pick<PackShipApi, 'stoppedOrders'>) {
  /**
   * Whether the order of a line still open was cancelled at pack & ship, where the cancel is decided (ADR 0011): the
   * cancel is answered before picking hears of it, and a stale handheld's confirm sent in between was accepted (the
   * units into the tote of a cancelled order, a return nobody on the floor was told of). A replayed scan is answered as
   * before (its first answer stands). Asked before the transaction (no call inside one); pack & ship unreachable, the
   * action goes on: a pick of a cancelled order is then recorded and goes back by its return, as the ADR provides.
   */
  async function cancelledAtDock(listId: string, lineId: string, scanId: string | undefined, read?: FloorRead): Promise<boolean> {
    if (packShip === undefined) return false;
    // The confirm's unlocked read already holds the line and the scan: the order is taken from it (no statement of its own).
    const orderId = read === undefined
      ? await pickStore.pendingLineOrder(deps.db, listId, lineId, scanId)
      : read.line?.status === 'PENDING' && read.scan === undefined ? read.line.orderId : undefined;
    if (orderId === undefined) return false;
    try {
      return (await packShip.stoppedOrders([orderId])).includes(orderId);
    } catch (e) {
      deps.log.warn({ listId, lineId, err: (e as Error).message }, 'picking: could not ask pack & ship whether the order was cancelled; the floor action goes on');
      return false;
    }
  }

  /**
   * A confirm decided on an unlocked read and written in one guarded statement with its events (2 statements, no
   * BEGIN/COMMIT; was 4): a rejection or a replay is answered from the read (one snapshot of committed rows, as the
   * locked read would have found them had it come first); a confirm that settles nothing (no list completed) is
   * written by `writeFloorAction`, whose guards re-check on the locked rows what it was decided from. Undefined when
   * the decision needs the locked path: the list completes (its orders' progress is settled under lock), the rows
   * moved since the read, the scanId was taken meanwhile, or (autocommitted) the statement lost a deadlock against a
   * copy of the same scan on the locked path, which records the scan before locking the line.
   */
  async function optimistic<A extends LineAction, C extends ErrorCode>(
    command: FloorCommand<A>, decide: Decide<FloorState, FloorCommand<A>, FloorDecision, C>, meta: EventMeta, read: FloorRead,
  ): Promise<Outcome<PickList, C> | undefined> {
    const now = deps.clock.now();
    const { scanId, action } = command;
    const { list, line, lines, worker, scan } = read;
    const decided = decide({ list, line, scan, worker: command.heldBy ?? worker }, command, now);
    if (!decided.ok) return decided;
    const d = decided.value;
    if (d.kind === 'replay') return ok({ ...headerOf(d.list), lines });
    if (!settlesNothing(d)) return undefined;
    try {
      const written = await pickStore.writeFloorAction(
        deps.bus.writer(deps.db), d, scanId === undefined ? undefined : { scanId, action, now }, deps.bus.envelopes('picking', d.events, meta),
      );
      if (!written) return undefined;
    } catch (e) {
      if ((e as { code?: unknown }).code === '40P01' && deps.db.openTx() === undefined) return undefined;
      throw e;
    }
    return ok({ ...headerOf(d.list.after), lines: lines.map((l) => (l.id === d.line.after.id ? d.line.after : l)) });
  }

  return async function act<A extends LineAction, C extends ErrorCode>(
    command: FloorCommand<A>, decide: Decide<FloorState, FloorCommand<A>, FloorDecision, C>, meta: EventMeta,
  ): Promise<Outcome<PickList, C | 'ORDER_CANCELLED'>> {
    // A confirm reads the rows first (unlocked) and asks pack & ship about the order of the line it read; a short asks
    // first and decides under lock. Either way the question is asked before anything is written.
    const read = command.action.kind === 'confirm' ? await pickStore.readFloorState(deps.db, command.listId, command.lineId, command.scanId) : undefined;
    if (await cancelledAtDock(command.listId, command.lineId, command.scanId, read)) {
      return reject('ORDER_CANCELLED', command.action.kind === 'confirm'
        ? 'The order of this line was cancelled: do not pick it (leave the units where they are; the pick list is withdrawn)'
        : 'The order of this line was cancelled: nothing is left to pick');
    }
    // A confirm naming serials, or of a serial-controlled product, is decided under lock: its serials are locked and
    // taken out of stock in the same transaction (ADR 0058), so two confirms of one serial cannot both pick it.
    const serials = command.action.kind === 'confirm' ? (command.action.serials ?? []) : [];
    const serialControlled = read?.serialControlled === true;
    if (read !== undefined && !serialControlled && serials.length === 0) {
      const answered = await optimistic(command, decide, meta, read);
      if (answered !== undefined) return answered;
    }
    return decideInTx(deps.db, async (tx): Promise<Outcome<PickList, C>> => {
      const now = deps.clock.now();
      const { listId, lineId, scanId, action } = command;
      const scan = scanId === undefined ? undefined : await pickStore.recordScan(tx, listId, scanId, lineId, action, now);
      const { list, line, lines, worker } = await pickStore.lockLine(tx, listId, lineId);
      const serialUnits = line === undefined || scan !== undefined ? [] : await pickStore.lockSerials(tx, line.siteId, serials);
      // The holder tasks answered before the action, else picking's projection of it.
      const decided = decide({ list, line, scan, worker: command.heldBy ?? worker, serialControlled, serialUnits }, command, now);
      if (!decided.ok) return decided;
      const d = decided.value;
      if (d.kind === 'replay') return ok({ ...headerOf(d.list), lines });
      if (serials.length > 0) {
        const taken = await pickStore.pickSerials(tx, { siteId: d.line.after.siteId, sku: d.line.after.sku, serials, pickLineId: d.line.after.id, at: now });
        if (taken !== serials.length) throw new Error(`picking: ${serials.length} serials decided in stock under lock, ${taken} taken`);
      }
      // A short's units may be re-reserved elsewhere: its order is not done picking until inventory says (ADR 0024).
      const shorted = d.line.before.status === 'PENDING' && d.line.after.status === 'SHORT';
      const awaiting = shorted ? { pickLineId: d.line.after.id, orderId: d.line.after.orderId } : undefined;
      if (awaiting === undefined && settlesNothing(d)) {
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

/** A decision that neither shorts its line (a wait for recovery) nor completes its list (its orders' progress). */
function settlesNothing(d: Extract<FloorDecision, { kind: 'act' }>): boolean {
  return !(d.line.before.status === 'PENDING' && d.line.after.status === 'SHORT') && !d.events.some((e) => e.type === PickingEvents.listCompleted);
}

export type FloorActions = ReturnType<typeof floorActions>;

/** The floor state as the confirm's unlocked read found it. */
type FloorRead = Awaited<ReturnType<typeof pickStore.readFloorState>>;
