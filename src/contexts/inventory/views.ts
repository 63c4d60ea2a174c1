import { fromLotKey } from './domain/stock.ts';
import type { BalanceRow, CountRow, CountSubmissionRow, ReturnConfirmationRow, ReturnRow } from './store.ts';
import type { CountOrigin, CountStatus, ReturnStatus } from '../../contracts/inventory.ts';
import { awaitedAttempt, countTaskReference } from './domain/counts.ts';

export interface BalanceView {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly status: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly expiresOn: string | null;
  readonly firstReceivedAt: string;
}

/** What a receipt or an adjustment answers. */
export interface StockChangeResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly balance: BalanceView;
}

export function balanceView(b: BalanceRow): BalanceView {
  return {
    siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: fromLotKey(b.lot), status: b.status,
    onHand: b.on_hand, reserved: b.reserved, available: b.on_hand - b.reserved, expiresOn: b.expires_on,
    firstReceivedAt: b.first_received_at.toISOString(),
  };
}

/** A return to stock as the API shows it, with every confirm so far (oldest first). */
/** One scan that put units at a location (a return to stock, a putaway): its movement, where, how many, who, when. */
export interface ScanConfirmation {
  readonly movementId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string;
  readonly scanId: string | null;
}

export interface ReturnView {
  readonly id: string;
  readonly siteId: string;
  readonly orderId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly returned: number;
  readonly open: number;
  readonly status: ReturnStatus;
  readonly fromLocationId: string;
  readonly suggestedLocationId: string;
  readonly confirmedLocationId: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  /** Why a manager cancelled it (CANCELLED only). */
  readonly cancelReason: string | null;
  readonly createdAt: string;
  readonly confirmations: readonly ScanConfirmation[];
}

export function returnView(r: ReturnRow, confirmations: readonly ReturnConfirmationRow[]): ReturnView {
  return {
    id: r.id, siteId: r.site_id, orderId: r.order_id, sku: r.sku, lot: fromLotKey(r.lot), quantity: r.quantity, returned: r.returned,
    open: r.status === 'CANCELLED' ? 0 : r.quantity - r.returned, status: r.status, fromLocationId: r.from_location_id, suggestedLocationId: r.suggested_location_id,
    confirmedLocationId: r.confirmed_location_id, confirmedBy: r.confirmed_by, confirmedAt: r.confirmed_at?.toISOString() ?? null,
    cancelReason: r.cancel_reason, createdAt: r.created_at.toISOString(),
    confirmations: confirmations.filter((c) => c.return_id === r.id).map((c) => ({
      movementId: c.id, locationId: c.location_id, quantity: c.quantity, confirmedBy: c.confirmed_by,
      confirmedAt: c.confirmed_at.toISOString(), scanId: c.scan_id,
    })),
  };
}

/** A count's submission as a manager sees it (counted against what the ledger held). */
export interface CountSubmissionView {
  readonly attempt: number;
  readonly counted: number;
  readonly expected: number;
  readonly variance: number;
  readonly withinTolerance: boolean;
  readonly workerId: string | null;
  readonly submittedAt: string;
}

/**
 * A cycle count as the API shows it. `blind` views (what counters get) carry no expected quantity, no variance and no
 * earlier count: a recount is as blind as the first count.
 */
export interface CountView {
  readonly id: string;
  readonly siteId: string;
  /** Whose units the count covers (ADR 0028): a location may hold several owners' units of one SKU, each counted apart. */
  readonly ownerId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly origin: CountOrigin;
  readonly status: CountStatus;
  /** The attempt a submit must name while the count waits for one (1: count, 2: recount); null otherwise. */
  readonly attempt: number | null;
  readonly taskReference: string | null;
  readonly toleranceUnits: number | null;
  readonly tolerancePercent: number | null;
  readonly blind: boolean;
  readonly applied: number | null;
  readonly movementId: string | null;
  readonly decidedBy: string | null;
  readonly decisionReason: string | null;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly submissions: readonly CountSubmissionView[];
}

export function countView(c: CountRow, submissions: readonly CountSubmissionRow[], blind: boolean): CountView {
  const attempt = awaitedAttempt(c.status) ?? null;
  return {
    id: c.id, siteId: c.site_id, ownerId: c.owner_id, locationId: c.location_id, sku: c.sku, lot: fromLotKey(c.lot), origin: c.origin, status: c.status,
    attempt, taskReference: attempt === null ? null : countTaskReference(c.id, attempt),
    toleranceUnits: c.tolerance_units, tolerancePercent: c.tolerance_percent, blind,
    applied: blind ? null : c.applied, movementId: c.movement_id, decidedBy: c.decided_by, decisionReason: c.decision_reason,
    createdAt: c.created_at.toISOString(), closedAt: c.closed_at?.toISOString() ?? null,
    submissions: blind ? [] : submissions.filter((s) => s.count_id === c.id).map((s) => ({
      attempt: s.attempt, counted: s.counted, expected: s.expected, variance: s.variance, withinTolerance: s.within_tolerance,
      workerId: s.worker_id, submittedAt: s.submitted_at.toISOString(),
    })),
  };
}
