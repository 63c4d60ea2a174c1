/**
 * Lost and found LPNs (ADR 0029 addendum). Pure: the rows come in locked, the time as an argument; what to write and
 * the event to publish come out.
 */
import type { LpnFound, LpnLost, LpnStatus } from '../../../contracts/physical-tracking.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import type { ContentLine } from './contents.ts';
import { foundStatus, LIVE_STATUSES, lpnLifecycle } from './lpn-lifecycle.ts';

/** What the deciders read of an LPN. */
export interface LpnFacts {
  readonly id: string; readonly site_id: string; readonly code: string; readonly status: LpnStatus;
  readonly parent_id: string | null; readonly location_id: string | null; readonly contents: readonly ContentLine[];
}

/** One LPN's change: its status, and where it rests (root: also out of the LPN it sat in). */
export interface LpnChange {
  readonly id: string; readonly status: LpnStatus; readonly locationId?: string | null; readonly parentId?: null;
}

/** The open loss of a lost LPN, as the found decider reads it. */
export interface LossFacts {
  readonly statusBefore: LpnStatus;
  readonly locationId: string | null;
}

export interface LostDecision {
  readonly changes: readonly LpnChange[];
  /** The losses to record: each lost LPN with the status it had. */
  readonly losses: readonly { readonly lpnId: string; readonly statusBefore: LpnStatus }[];
  readonly event: LpnLost;
}

const isLive = (s: LpnStatus): boolean => LIVE_STATUSES.includes(s);

/**
 * Reports an LPN lost, with every LPN still inside it (a missing pallet is missing with its cases). Only an LPN still
 * on the floor is lost (OPEN, CLOSED, STAGED, IN_TRANSIT); SHIPPED and CONSUMED are gone, a LOST one is lost already
 * (409 ILLEGAL_TRANSITION). It leaves the LPN it sat in (that one is not lost) and keeps its location: where its units
 * are on the books, and where inventory holds them.
 */
export function decideLost(subtree: readonly LpnFacts[], cmd: { readonly reason: string; readonly at: Date }): Outcome<LostDecision> {
  const root = subtree[0];
  if (root === undefined) return reject('NOT_FOUND', 'No such LPN');
  const reason = cmd.reason.trim();
  if (reason === '') return reject('VALIDATION_FAILED', 'A lost LPN needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const can = lpnLifecycle.check(root.status, 'LOST', root.status === 'LOST'
    ? `LPN ${root.code} is LOST already`
    : `LPN ${root.code} is ${root.status}: only an LPN still on the floor (OPEN, CLOSED, STAGED, IN_TRANSIT) can be lost`);
  if (!can.ok) return can;
  const lost = subtree.filter((r) => r.id === root.id || isLive(r.status));
  const changes: LpnChange[] = lost.map((r) => (r.id === root.id ? { id: r.id, status: 'LOST', parentId: null } : { id: r.id, status: 'LOST' }));
  const event: LpnLost = {
    lpnId: root.id, siteId: root.site_id, code: root.code, at: cmd.at.toISOString(), reason, locationId: root.location_id,
    lpns: lost.map((r) => ({ lpnId: r.id, code: r.code, previousStatus: r.status })),
    lines: lost.flatMap((r) => r.contents.filter((c) => c.quantity > 0).map((c) => ({
      lpnId: r.id, sku: c.sku, lot: c.lot, owner: c.owner, orderId: c.orderId, quantity: c.quantity,
    }))),
  };
  return ok({ changes, losses: lost.map((r) => ({ lpnId: r.id, statusBefore: r.status })), event });
}

export interface FoundDecision {
  readonly changes: readonly LpnChange[];
  readonly event: LpnFound;
}

/**
 * Finds a LOST LPN at a location, with the LPNs lost inside it: each resumes the status it had (`foundStatus`: OPEN, or
 * CLOSED) and rests at the location. Anything but a LOST LPN is refused (409 ILLEGAL_TRANSITION). Whether the location
 * is one (known, active, of the LPN's site) is the caller's check.
 */
export function decideFound(
  subtree: readonly LpnFacts[], losses: ReadonlyMap<string, LossFacts>, cmd: { readonly locationId: string; readonly at: Date },
): Outcome<FoundDecision> {
  const root = subtree[0];
  if (root === undefined) return reject('NOT_FOUND', 'No such LPN');
  if (root.status !== 'LOST') return reject('ILLEGAL_TRANSITION', `LPN ${root.code} is ${root.status}: only a LOST LPN is found`);
  const changes: LpnChange[] = [];
  const lpns: LpnFound['lpns'] = [];
  for (const r of subtree) {
    if (r.status !== 'LOST') continue;
    const loss = losses.get(r.id);
    // A LOST LPN inside a lost one was lost with it; one without its loss record is a broken invariant.
    if (loss === undefined) throw new Error(`LPN ${r.id} is LOST without an open loss`);
    const status = foundStatus(loss.statusBefore);
    lpnLifecycle.assertCan('LOST', status);
    changes.push({ id: r.id, status, locationId: cmd.locationId, ...(r.id === root.id ? { parentId: null } : {}) });
    lpns.push({ lpnId: r.id, code: r.code, status });
  }
  const lostAt = losses.get(root.id)?.locationId ?? null;
  return ok({
    changes,
    event: { lpnId: root.id, siteId: root.site_id, code: root.code, at: cmd.at.toISOString(), locationId: cmd.locationId, lostAtLocationId: lostAt, lpns },
  });
}
