/** Cycle counts (issue 11, docs/operations/counting.md): lifecycle, tolerance, the ABC schedule. Pure. */
import type { PublishedEvent } from '../../../contracts/events.ts';
import { InventoryEvents, type AbcClass, type CountClosed, type CountStatus } from '../../../contracts/inventory.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';
import type { BalanceKey, PlannedMovement } from './ledger.ts';
import { unpromisedAt } from './pickability.ts';
import { fromLotKey } from './stock.ts';

/**
 * OPEN (waiting for its count) → COMPLETED (within tolerance: applied) | RECOUNT (beyond: a second count by another task);
 * RECOUNT → COMPLETED | AWAITING_APPROVAL (the recount differs beyond tolerance too); AWAITING_APPROVAL → COMPLETED
 * (a manager approved: applied) | REJECTED (nothing adjusted). A manager also rejects an OPEN or RECOUNT count nobody
 * will do (abandoned): nothing adjusted, its location let go, its COUNT task withdrawn — a lock on a location must
 * always have a way out.
 */
export const COUNT_TRANSITIONS: Record<CountStatus, readonly CountStatus[]> = {
  OPEN: ['COMPLETED', 'RECOUNT', 'REJECTED'],
  RECOUNT: ['COMPLETED', 'AWAITING_APPROVAL', 'REJECTED'],
  AWAITING_APPROVAL: ['COMPLETED', 'REJECTED'],
  COMPLETED: [],
  REJECTED: [],
};
export const countLifecycle = defineLifecycle('count', COUNT_TRANSITIONS, ['OPEN']);

/** Statuses in which a count holds its location (not pickable, no moves). */
export const OPEN_COUNT_STATUSES: readonly CountStatus[] = ['OPEN', 'RECOUNT', 'AWAITING_APPROVAL'];

/** The attempt a count waits for: 1 while OPEN, 2 while RECOUNT; none otherwise. */
export function awaitedAttempt(status: CountStatus): 1 | 2 | undefined {
  return status === 'OPEN' ? 1 : status === 'RECOUNT' ? 2 : undefined;
}

/** The reference of an attempt's COUNT task (tasks keeps one task per type and reference). */
export const countTaskReference = (countId: string, attempt: number): string => (attempt === 1 ? countId : `${countId}:recount`);

/** A count's tolerance: a variance within either bound set is accepted; none set means the count must match exactly. */
export interface Tolerance {
  readonly units: number | null;
  readonly percent: number | null;
}

export function withinTolerance(variance: number, expected: number, t: Tolerance): boolean {
  const off = Math.abs(variance);
  if (off === 0) return true;
  if (t.units !== null && off <= t.units) return true;
  return t.percent !== null && off * 100 <= expected * t.percent;
}

/** How often each class is counted: A weekly, B monthly, C quarterly. */
export const COUNT_INTERVAL_DAYS: Record<AbcClass, number> = { A: 7, B: 30, C: 91 };

/** Whether a SKU's policy calls for a count now: never scheduled, or its last schedule is at least its interval old. */
export function countDue(policy: { readonly abc_class: AbcClass; readonly last_scheduled_at: Date | null }, now: Date): boolean {
  if (policy.last_scheduled_at === null) return true;
  return now.getTime() - policy.last_scheduled_at.getTime() >= COUNT_INTERVAL_DAYS[policy.abc_class] * 86_400_000;
}

/** The count's own facts a decision needs (a row of `inventory.counts`). */
export interface CountFacts {
  /** Whose units are counted (ADR 0028): a count covers one owner's balance at the location. */
  readonly owner_id: string;
  readonly id: string;
  readonly site_id: string;
  readonly location_id: string;
  readonly sku: string;
  readonly lot: string;
  readonly status: CountStatus;
  readonly tolerance_units: number | null;
  readonly tolerance_percent: number | null;
}

/**
 * The stock a count's variance is applied to: its AVAILABLE balance and the SKU row, both locked, and the units of the
 * same SKU and lot held on the shelf there, which the counter finds too.
 */
export interface CountedStock {
  readonly balance: { readonly on_hand: number; readonly reserved: number } | undefined;
  /**
   * Units of the count's SKU and lot on the shelf there in a held status (HOLD, QUARANTINE, DAMAGED; not a lost LPN's):
   * counted with the AVAILABLE ones (`expectedOnShelf`), never changed by the count (0 when absent).
   */
  readonly heldThere?: number | undefined;
  /**
   * HOLD units of LPNs reported lost there (`lpn_holds`, HELD): on the books, not expected on the shelf; a counter who
   * finds more than the shelf's units found those first (`expectedOnShelf`; 0 when absent).
   */
  readonly lostThere?: number | undefined;
  readonly skuStock: { readonly on_hand_available: number; readonly unpickable: number; readonly allocated: number } | undefined;
  /** Pickability of the location (false while it is under count, so the units are in `unpickable`). */
  readonly pickable: boolean;
  /** Of a pickable type and status, held by the count: its units still cover allocations (`Whereabouts`). */
  readonly paused: boolean;
  /**
   * The product is lot-controlled (the catalog's word when deciding): units a lot-less count finds over the books would
   * be lot-less stock of it (`lotRule`), never added by a count (`lotlessGain`).
   */
  readonly lotControlled?: boolean | undefined;
}

/**
 * What the counter should find on the shelf: the AVAILABLE on-hand and the held units beside it. A counter cannot tell a
 * held unit from another on the shelf; comparing their count with the AVAILABLE units alone would add the held ones
 * to AVAILABLE as found (made-up stock) or take them as missing. The variance is applied to AVAILABLE only.
 *
 * The units of an LPN reported lost there are not expected (it is missing), but a counter who finds more than the shelf's
 * units (`counted`) found those first: the LPN was there after all, and its units are on the books already, on HOLD until
 * it is reported found (which releases them). Taken as found stock, the count added them to AVAILABLE and the find
 * released them a second time: 20 on the books for 10 on the shelf (lpn7).
 */
export function expectedOnShelf(stock: Pick<CountedStock, 'balance' | 'heldThere' | 'lostThere'>, counted?: number): number {
  const onShelf = (stock.balance?.on_hand ?? 0) + (stock.heldThere ?? 0);
  return counted === undefined || counted <= onShelf ? onShelf : onShelf + Math.min(counted - onShelf, stock.lostThere ?? 0);
}

/** A variance that would add lot-less units of a lot-controlled product: never within tolerance, never applied. */
export function lotlessGain(count: Pick<CountFacts, 'lot'>, variance: number, stock: Pick<CountedStock, 'lotControlled'>): boolean {
  return variance > 0 && count.lot === '' && stock.lotControlled === true;
}

/**
 * A variance that may be another movement's, not the shelf's (ADR 0031 addendum 2026-12-05, and its second): units of
 * the counted stock were picked, received, moved or adjusted there since this attempt was asked for (the count opened,
 * or the first count was submitted), so the counter may have looked before they went into a tote or onto the shelf: a
 * gain of that size is made-up stock, a loss of it units written off that are there. Never within tolerance: the first
 * count is recounted, a recount goes to a manager. An exact count is taken as it is.
 */
export function changedMeanwhile(variance: number, changedSince: number | undefined): boolean {
  return variance !== 0 && (changedSince ?? 0) > 0;
}

/** A COUNT movement of the variance: what a closing count writes. */
export interface CountAdjustment {
  readonly key: BalanceKey;
  readonly delta: number;
  readonly unpickable: number;
  readonly movement: PlannedMovement;
}

/**
 * The COUNT movement that applies a variance (none when it is 0). Units found over the books of a lot-less count of a
 * lot-controlled product are refused (UNPROCESSABLE on the lot: `lotlessGain`). A negative one never takes on-hand below what is
 * reserved there (pick or short those first) nor the SKU below what is allocated, nor, where the location covers
 * allocations once the count lets it go, the SKU's pickable on-hand below it (`unpromisedAt`): INSUFFICIENT_STOCK,
 * nothing changed.
 */
export function countAdjustment(
  count: CountFacts, variance: number, stock: CountedStock, movementId: string,
): Outcome<CountAdjustment | null, 'INSUFFICIENT_STOCK' | 'UNPROCESSABLE'> {
  if (variance === 0) return ok(null);
  if (lotlessGain(count, variance, stock)) {
    return reject('UNPROCESSABLE', `${count.sku} is lot-controlled: the ${variance} units found over the books have no lot. Reject the count and `
      + 'add them by an adjustment or a receipt that names their lot', [{ field: '/lot', message: 'required: the product is lot-controlled' }]);
  }
  if (variance < 0) {
    const b = stock.balance;
    if ((b?.on_hand ?? 0) + variance < 0 && (stock.heldThere ?? 0) > 0) {
      return reject('INSUFFICIENT_STOCK', `Applying ${variance} would take more than the AVAILABLE units at the location: the missing units are held `
        + 'ones (release them, or adjust them out of their held status, first)');
    }
    if (b === undefined || b.on_hand + variance < b.reserved) {
      return reject('INSUFFICIENT_STOCK', `Applying ${variance} would take on-hand below the units reserved at the location: pick or short them first`);
    }
    const s = stock.skuStock;
    if (s === undefined || unpromisedAt(s, stock, b.on_hand) + variance < 0) {
      return reject('INSUFFICIENT_STOCK', `Applying ${variance} would take ${count.sku} below what is allocated to orders`);
    }
  }
  const key: BalanceKey = { siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, locationId: count.location_id, lot: count.lot, status: 'AVAILABLE' };
  return ok({
    key, delta: variance, unpickable: stock.pickable ? 0 : variance,
    movement: { id: movementId, type: 'COUNT', siteId: count.site_id, ownerId: count.owner_id, sku: count.sku, locationId: count.location_id, lot: count.lot,
      deltaOnHand: variance, reason: 'CYCLE_COUNT', reference: count.id },
  });
}

/** `inventory.count.closed`: the count is done, its location released from it. */
export function countClosed(count: CountFacts, c: {
  readonly status: 'COMPLETED' | 'REJECTED'; readonly variance: number; readonly adjustment: CountAdjustment | null;
  readonly decidedBy: string | null; readonly reason: string | null;
  /** The COUNT task of an attempt nobody submitted (a count abandoned while OPEN or in RECOUNT): tasks withdraws it. */
  readonly withdrawnTaskReference?: string | undefined;
}): PublishedEvent {
  const data: CountClosed = {
    countId: count.id, siteId: count.site_id, locationId: count.location_id, sku: count.sku, lot: fromLotKey(count.lot), status: c.status,
    variance: c.variance, applied: c.adjustment?.delta ?? 0, movementId: c.adjustment?.movement.id ?? null, decidedBy: c.decidedBy, reason: c.reason,
    ...(c.withdrawnTaskReference === undefined ? {} : { withdrawnTaskReference: c.withdrawnTaskReference }),
  };
  return { type: InventoryEvents.countClosed, subject: count.id, siteId: count.site_id, data };
}
