import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type CountRequested, type CountStatus, type CountSubmitted } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import {
  awaitedAttempt, countAdjustment, countClosed, countLifecycle, countTaskReference, expectedOnShelf, lotlessGain, changedMeanwhile, withinTolerance, type CountAdjustment, type CountedStock,
  type CountFacts,
} from '../../domain/counts.ts';
import { fromLotKey } from '../../domain/stock.ts';

export type SubmitCountState = CountedStock & {
  readonly count: (CountFacts & { readonly origin: CountRequested['origin'] }) | undefined;
  /** The first count's submission, when this is the recount. */
  readonly first: { readonly worker_id: string | null } | undefined;
  /**
   * Units of the counted stock carried onto or off the shelf or adjusted there (picks, receipts, moves, putaways,
   * adjustments other than a short's write-off) since this attempt was asked for: the count's opening for the first
   * count, the first count's submission for the recount (absent: none).
   */
  readonly changedSince?: number | undefined;
};

export interface SubmitCountInput {
  readonly countId: string;
  /** The attempt the counter was sent for (1: count, 2: recount): a stale retry of the first count is never taken as the recount. */
  readonly attempt: number;
  readonly quantity: number;
  readonly workerId: string | null;
}

export type SubmitCountCommand = SubmitCountInput & { readonly movementId: string };

export interface SubmitCountDecision {
  readonly status: CountStatus;
  readonly closed: boolean;
  readonly submission: { readonly attempt: number; readonly counted: number; readonly expected: number; readonly variance: number; readonly withinTolerance: boolean };
  readonly adjustment: CountAdjustment | null;
  readonly events: readonly PublishedEvent[];
}

export type SubmitCountRejection =
  | 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'COUNT_ATTEMPT_MISMATCH' | 'RECOUNT_BY_SAME_COUNTER' | 'INSUFFICIENT_STOCK' | 'UNPROCESSABLE';

/**
 * A counter's blind count, compared with the units the ledger holds on the shelf there now: AVAILABLE and held alike
 * (`expectedOnShelf`), the variance applied to AVAILABLE. Within tolerance the variance is applied at once (COUNT
 * movement) and the count closes; beyond it, the first count asks for a recount by another task (and counter), and a
 * recount asks for a manager's approval. A variance with units of the counted stock picked, received, moved or adjusted
 * there since the attempt was asked for is never within tolerance (`changedMeanwhile`): they stay allowed, and a unit the
 * counter saw picked away is never taken for found stock, nor one received after they looked written off.
 */
export const decideSubmitCount: Decide<SubmitCountState, SubmitCountCommand, SubmitCountDecision, SubmitCountRejection> = (state, cmd) => {
  if (!Number.isInteger(cmd.quantity) || cmd.quantity < 0) {
    return reject('VALIDATION_FAILED', 'The count is not valid', [{ field: '/quantity', message: 'must be a whole number of units, 0 or more' }]);
  }
  const count = state.count;
  if (count === undefined) return reject('NOT_FOUND', `No count ${cmd.countId}`);
  const awaited = awaitedAttempt(count.status);
  if (awaited === undefined) return reject('ILLEGAL_TRANSITION', `Count ${count.id} is ${count.status}: it takes no count`);
  if (cmd.attempt !== awaited) {
    return reject('COUNT_ATTEMPT_MISMATCH', `Count ${count.id} waits for attempt ${awaited}, not ${cmd.attempt}`,
      [{ field: '/attempt', message: `must be ${awaited}` }]);
  }
  // A worker id ignores letter case (ADR 0019): ALICE recounting alice's count is alice again.
  if (awaited === 2 && cmd.workerId !== null && state.first?.worker_id?.toLowerCase() === cmd.workerId.toLowerCase()) {
    return reject('RECOUNT_BY_SAME_COUNTER', `${cmd.workerId} did the first count of ${count.id}: another counter recounts`,
      [{ field: '/workerId', message: 'did the first count' }]);
  }
  // Held units on the shelf are found with the AVAILABLE ones, and a lost LPN's there when more are found; the variance
  // is applied to AVAILABLE (`expectedOnShelf`).
  const expected = expectedOnShelf(state, cmd.quantity);
  const variance = cmd.quantity - expected;
  // Units found over the books without a lot of a lot-controlled product are never applied by the count itself: a recount,
  // then a manager, who rejects the count and adds them under their lot (the counter stays blind either way).
  const within = withinTolerance(variance, expected, { units: count.tolerance_units, percent: count.tolerance_percent })
    && !lotlessGain(count, variance, state)
    // A pick, receipt, move or adjustment since the attempt was asked for may have changed the shelf after the counter
    // looked: not applied by itself.
    && !changedMeanwhile(variance, state.changedSince);
  const status: CountStatus = within ? 'COMPLETED' : awaited === 1 ? 'RECOUNT' : 'AWAITING_APPROVAL';
  const moved = countLifecycle.check(count.status, status);
  if (!moved.ok) return moved;
  let adjustment: CountAdjustment | null = null;
  if (within) {
    const applied = countAdjustment(count, variance, state, cmd.movementId);
    if (!applied.ok) return applied;
    adjustment = applied.value;
  }
  const lot = fromLotKey(count.lot);
  const base = { countId: count.id, siteId: count.site_id, locationId: count.location_id, sku: count.sku, lot };
  const submitted: CountSubmitted = {
    ...base, attempt: awaited, taskReference: countTaskReference(count.id, awaited), counted: cmd.quantity, expected, variance,
    withinTolerance: within, result: within ? 'ADJUSTED' : status === 'RECOUNT' ? 'RECOUNT' : 'AWAITING_APPROVAL', workerId: cmd.workerId,
  };
  const events: PublishedEvent[] = [{ type: InventoryEvents.countSubmitted, subject: count.id, siteId: count.site_id, data: submitted }];
  if (status === 'RECOUNT') {
    const recount: CountRequested = {
      ...base, origin: count.origin, attempt: 2, taskReference: countTaskReference(count.id, 2),
      // The recount is another counter's: its task is never offered to the first one.
      ...(cmd.workerId === null ? {} : { excludedWorkerId: cmd.workerId }),
    };
    events.push({ type: InventoryEvents.countRequested, subject: count.id, siteId: count.site_id, data: recount });
  }
  if (within) events.push(countClosed(count, { status: 'COMPLETED', variance, adjustment, decidedBy: null, reason: null }));
  return ok({
    status, closed: within, submission: { attempt: awaited, counted: cmd.quantity, expected, variance, withinTolerance: within }, adjustment, events,
  });
};
