import type { Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type HeldStatus, type StockHeld } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import { knownProduct, located } from '../../domain/command-checks.ts';
import { statusChange, type StatusChange, type StatusChangeInput } from '../../domain/holds.ts';
import { unpromisedAt, type CoverFacts } from '../../domain/pickability.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { locationRef } from '../receive/decide.ts';

export type HoldInput = StatusChangeInput & { readonly status: HeldStatus };
export type HoldCommand = HoldInput & { readonly movementId: string };

export interface HoldState {
  readonly product: Pick<Product, 'sku'> | undefined;
  readonly location: Pick<Location, 'id' | 'siteId' | 'code'> | undefined;
  readonly pickable: boolean;
  /** Held by an open cycle count while of a pickable type and status: its units still cover allocations. */
  readonly paused: boolean;
  /** The AVAILABLE balance the units leave and the SKU's stock row, both locked (undefined: none). */
  readonly balance: { readonly on_hand: number; readonly reserved: number } | undefined;
  readonly skuStock: CoverFacts | undefined;
  /** The balance's lot is expired: its units cover no allocation (`unpromisedAt`). */
  readonly hereExpired?: boolean | undefined;
}

export type HoldDecision = StatusChange & { readonly events: readonly PublishedEvent[] };

export type HoldRejection = 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'UNKNOWN_LOCATION' | 'INSUFFICIENT_STOCK' | 'STOCK_RESERVED' | 'STOCK_ALLOCATED';

/**
 * Puts AVAILABLE units on HOLD, QUARANTINE or DAMAGED at their location (HOLD movements): they leave ATP at once and are
 * never allocated nor reserved until released. Refused, with nothing changed, for units a wave reserved there
 * (STOCK_RESERVED: pick them or short them first) and for units orders were promised (STOCK_ALLOCATED: the hold would
 * leave the SKU's allocations uncovered by pickable AVAILABLE stock).
 */
export const decideHold: Decide<HoldState, HoldCommand, HoldDecision, HoldRejection> = (state, input) => {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) {
    return reject('VALIDATION_FAILED', 'The hold is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  if (input.reason.trim() === '') return reject('VALIDATION_FAILED', 'A hold needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const found = located(input.siteId, locationRef(input), state.location);
  if (!found.ok) return found;
  const location = found.value;
  const { siteId, ownerId, sku, quantity: q, status, movementId } = input;
  const b = state.balance;
  if (b === undefined || b.on_hand < q) {
    return reject('INSUFFICIENT_STOCK', `Fewer than ${q} AVAILABLE units of ${sku} at ${location.code}`,
      [{ field: '/quantity', message: 'more than the AVAILABLE on-hand there' }]);
  }
  if (b.on_hand - b.reserved < q) {
    return reject('STOCK_RESERVED', `${b.reserved} of the ${b.on_hand} units of ${sku} at ${location.code} are reserved for picking: `
      + `at most ${b.on_hand - b.reserved} can be held`, [{ field: '/quantity', message: 'more than the unreserved on-hand there' }]);
  }
  const s = state.skuStock;
  // At a pickable (or paused) location the units are part of what covers allocations; elsewhere only the on-hand rule applies.
  const free = s === undefined ? 0 : unpromisedAt(s, state, b.on_hand, state.hereExpired);
  if (free < q) {
    return reject('STOCK_ALLOCATED', `Holding ${q} would leave ${sku}'s allocations to orders uncovered (${Math.max(0, free)} unpromised)`,
      [{ field: '/quantity', message: 'more than the unallocated stock of the SKU' }]);
  }
  const lot = toLotKey(input.lot);
  const reason = input.reason.trim();
  const change = statusChange({ type: 'HOLD', key: { siteId, ownerId, sku, locationId: location.id, lot }, from: 'AVAILABLE', to: status, quantity: q,
    reason, movementId, pickable: state.pickable });
  const data: StockHeld = { siteId, ownerId, sku, locationId: location.id, lot: fromLotKey(lot), status, quantity: q, reason, movementId };
  return ok({ ...change, events: [{ type: InventoryEvents.held, subject: sku, siteId, data }] });
};

/** A hold an event asked for, clamped: how many units it holds (zero is a decision too) and the change, if any. */
export interface ClampedHoldDecision {
  readonly held: number;
  readonly change: HoldDecision | null;
}

/**
 * A hold an event asks for (a failed inspection, a lost LPN), clamped rather than refused, since an event cannot be
 * answered with a 4xx: as many of `quantity` as the hold rules allow — no more than the AVAILABLE on-hand there, less
 * what a wave reserved (a picker is on the way) and, for the SKU, what orders were promised. A refusal after the clamp
 * is a broken invariant (`what` names the cause in the error).
 */
export function decideClampedHold(state: HoldState, cmd: HoldCommand, now: Date, what: string): Outcome<ClampedHoldDecision, never> {
  const b = state.balance;
  const s = state.skuStock;
  const free = s === undefined ? 0 : unpromisedAt(s, state, b?.on_hand ?? 0, state.hereExpired);
  const held = Math.max(0, Math.min(cmd.quantity, b === undefined ? 0 : b.on_hand - b.reserved, free));
  if (held === 0) return ok({ held: 0, change: null });
  const hold = decideHold(state, { ...cmd, quantity: held }, now);
  if (!hold.ok) throw new Error(`${what}: ${hold.code} ${hold.message}`);
  return ok({ held, change: hold.value });
}
