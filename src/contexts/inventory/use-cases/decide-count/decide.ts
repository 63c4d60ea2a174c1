import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { awaitedAttempt, countAdjustment, countClosed, countLifecycle, countTaskReference, type CountAdjustment, type CountedStock, type CountFacts } from '../../domain/counts.ts';

export type CountApprovalState = CountedStock & {
  readonly count: CountFacts | undefined;
  /** The variance of the last count submitted (the recount's). */
  readonly variance: number | undefined;
  /** Who submitted the count and the recount: the worker named and the caller (actor id) of each submission. */
  readonly submittedBy?: readonly { readonly workerId: string | null; readonly actorId: string | null }[];
};

export interface CountApprovalInput {
  readonly countId: string;
  readonly approve: boolean;
  readonly reason?: string | undefined;
  /** The manager deciding (the caller's actor id). */
  readonly decidedBy: string | null;
  /**
   * The person deciding, when a person signed in (a key names no one): their user id and worker id. Segregation of
   * duties: a person who counted or recounted may not approve the variance they found.
   */
  readonly approver?: { readonly userId: string; readonly workerId: string | null } | undefined;
}

export type CountApprovalCommand = CountApprovalInput & { readonly movementId: string };

export interface CountApprovalDecision {
  readonly status: 'COMPLETED' | 'REJECTED';
  readonly adjustment: CountAdjustment | null;
  readonly events: readonly PublishedEvent[];
}

export type CountApprovalRejection = 'VALIDATION_FAILED' | 'NOT_FOUND' | 'ILLEGAL_TRANSITION' | 'INSUFFICIENT_STOCK' | 'UNPROCESSABLE' | 'OWN_COUNT_APPROVAL';

/**
 * A manager's word on a count whose recount was beyond tolerance: approved, the recount's variance is applied (COUNT
 * movement); rejected (a reason required), nothing is adjusted. Either way the count closes and frees its location.
 * A count still waiting for its count or recount (OPEN, RECOUNT) may be rejected too — abandoned: nothing adjusted, the
 * location let go, and the COUNT task of the attempt nobody submitted withdrawn (named in the closing event).
 */
export const decideCountApproval: Decide<CountApprovalState, CountApprovalCommand, CountApprovalDecision, CountApprovalRejection> = (state, cmd) => {
  const reason = cmd.reason?.trim() ?? '';
  if (!cmd.approve && reason === '') return reject('VALIDATION_FAILED', 'A rejection needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const count = state.count;
  if (count === undefined) return reject('NOT_FOUND', `No count ${cmd.countId}`);
  const status = cmd.approve ? 'COMPLETED' : 'REJECTED';
  // RECOUNT → COMPLETED is legal too, but only by a recount within tolerance: a manager approves only what awaits them.
  const awaited = awaitedAttempt(count.status);
  const message = cmd.approve
    ? `Count ${count.id} is ${count.status}: only a count AWAITING_APPROVAL is approved`
    : `Count ${count.id} is ${count.status}: only an open count (OPEN, RECOUNT, AWAITING_APPROVAL) is rejected`;
  if (cmd.approve && count.status !== 'AWAITING_APPROVAL') return reject('ILLEGAL_TRANSITION', message);
  const moved = countLifecycle.check(count.status, status, message);
  if (!moved.ok) return moved;
  // Segregation of duties (docs/operations/counting.md): the counter's word on their own variance is not a second look.
  // Rejecting applies nothing, so a counter may still abandon their own count.
  const approver = cmd.approver;
  if (cmd.approve && approver !== undefined && (state.submittedBy ?? []).some((s) =>
    s.actorId === approver.userId || (approver.workerId !== null && s.workerId?.toLowerCase() === approver.workerId.toLowerCase()))) {
    return reject('OWN_COUNT_APPROVAL', `${approver.workerId ?? approver.userId} submitted a count of ${count.id}: another manager approves its variance`);
  }
  // Abandoned before its count: nothing was submitted, so nothing differed.
  const variance = awaited === 1 ? 0 : state.variance;
  if (variance === undefined) throw new Error(`count ${count.id} is ${count.status} without a submission`);
  let adjustment: CountAdjustment | null = null;
  if (cmd.approve) {
    const applied = countAdjustment(count, variance, state, cmd.movementId);
    if (!applied.ok) return applied;
    adjustment = applied.value;
  }
  return ok({
    status, adjustment,
    events: [countClosed(count, {
      status, variance, adjustment, decidedBy: cmd.decidedBy, reason: reason === '' ? null : reason,
      ...(awaited === undefined ? {} : { withdrawnTaskReference: countTaskReference(count.id, awaited) }),
    })],
  });
};
