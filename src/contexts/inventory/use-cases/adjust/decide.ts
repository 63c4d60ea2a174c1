import { lotRule, type Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type AdjustmentReason, type StockAdjusted } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { knownProduct, located } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { unpromisedAt, type CoverFacts } from '../../domain/pickability.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { locationRef } from '../receive/decide.ts';

export interface AdjustmentInput {
  readonly siteId: string;
  /** Whose units (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly sku: string;
  readonly lot?: string | undefined;
  readonly delta: number;
  readonly reason: AdjustmentReason;
}

export interface AdjustState {
  readonly product: Pick<Product, 'sku' | 'lotControlled'> | undefined;
  readonly location: Location | undefined;
  readonly pickable: boolean;
  /** Held by an open cycle count while of a pickable type and status: its units still cover allocations. */
  readonly paused: boolean;
  /** The AVAILABLE balance adjusted and the SKU's stock row, both locked (undefined: none yet). */
  readonly balance: { readonly on_hand: number; readonly reserved: number } | undefined;
  readonly skuStock: CoverFacts | undefined;
  /** The balance's lot is expired: its units cover no allocation (`unpromisedAt`). */
  readonly hereExpired?: boolean | undefined;
}

export type AdjustCommand = AdjustmentInput & { readonly movementId: string };

export interface AdjustDecision {
  readonly key: BalanceKey;
  readonly delta: number;
  readonly unpickable: number;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type AdjustRejection = 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'UNKNOWN_LOCATION' | 'INSUFFICIENT_STOCK' | 'UNPROCESSABLE';

/**
 * An adjustment with a reason; a negative one never takes on-hand below reserved nor SKU stock below allocated. At a
 * pickable location, or one a count pauses, it never takes the SKU's pickable on-hand (on_hand_available − unpickable,
 * the paused units included) below what is allocated: units promised to orders stay where a picker can reach them
 * (issue 11: allocated never exceeds ATP; `unpromisedAt`). Units added where none of that lot are on hand are new
 * stock: a lot only for a lot-controlled product (`lotRule`); units on hand under a lot stay adjustable by it. Units
 * added of a lot-controlled product always name their lot; lot-less units of it on hand can only be taken out.
 */
export const decideAdjust: Decide<AdjustState, AdjustCommand, AdjustDecision, AdjustRejection> = (state, input) => {
  if (!Number.isInteger(input.delta) || input.delta === 0) {
    return reject('VALIDATION_FAILED', 'The adjustment is not valid', [{ field: '/delta', message: 'must be a non-zero integer' }]);
  }
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const found = located(input.siteId, locationRef(input), state.location);
  if (!found.ok) return found;
  const location = found.value;
  const { siteId, ownerId, sku, delta, reason, movementId } = input;
  const lotBroken = delta > 0 ? lotRule(product.value, input.lot) : undefined;
  // Units added without a lot of a lot-controlled product would be lot-less stock of it, even next to lot-less units
  // already there (on the books from before the product was made lot-controlled: those only leave, by a removal).
  if (lotBroken?.breach === 'LOT_REQUIRED') {
    return reject('UNPROCESSABLE', `${sku} is lot-controlled: give the lot of the units added at ${location.code}`,
      [{ field: '/lot', message: lotBroken.message }]);
  }
  if (lotBroken?.breach === 'LOT_NOT_ALLOWED' && (state.balance?.on_hand ?? 0) === 0) {
    return reject('UNPROCESSABLE', `${sku} is not lot-controlled: give no lot (no units of lot ${input.lot ?? ''} are on hand at ${location.code})`,
      [{ field: '/lot', message: lotBroken.message }]);
  }
  if (delta < 0) {
    const b = state.balance;
    if (b === undefined || b.on_hand + delta < 0 || b.reserved > b.on_hand + delta) {
      const message = `Removing ${-delta} would take on-hand below reserved (or below zero) at ${location.code}`;
      return reject('INSUFFICIENT_STOCK', message, [{ field: '/delta', message: 'more than the unreserved on-hand' }]);
    }
    const s = state.skuStock;
    // Removing units at a location nobody picks from leaves the pickable on-hand as it was.
    if (s === undefined || unpromisedAt(s, state, b.on_hand, state.hereExpired) + delta < 0) {
      const message = `Removing ${-delta} would take ${sku} below what is allocated to orders`;
      return reject('INSUFFICIENT_STOCK', message, [{ field: '/delta', message: 'more than the unallocated on-hand' }]);
    }
  }
  const lot = toLotKey(input.lot);
  const data: StockAdjusted = { siteId, ownerId, sku, locationId: location.id, lot: fromLotKey(lot), delta, reason, movementId };
  return ok({
    key: { siteId, ownerId, sku, locationId: location.id, lot, status: 'AVAILABLE' }, delta, unpickable: state.pickable ? 0 : delta,
    movements: [{ id: movementId, type: 'ADJUST', siteId, ownerId, sku, locationId: location.id, lot, deltaOnHand: delta, reason,
      reference: movementId }],
    events: [{ type: InventoryEvents.adjusted, subject: sku, siteId, data }],
  });
};
