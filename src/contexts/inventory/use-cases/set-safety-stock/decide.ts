import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Product } from '../../../../contracts/catalog.ts';
import { InventoryEvents } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { knownProduct } from '../../domain/command-checks.ts';

/** A SKU's safety stock at a site, for one owner's units (ADR 0057); 0 clears it. */
export interface SafetyStockInput {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly quantity: number;
}

export interface SafetyStockState {
  /** The product as the catalogue answered (undefined: unknown SKU). */
  readonly product: Pick<Product, 'sku'> | undefined;
  /** The safety stock the locked SKU row holds now (0: none, or no row). */
  readonly previous: number;
}

export interface SafetyStockDecision {
  readonly quantity: number;
  /** Whether the row changes (a repeat of the same figure writes and says nothing). */
  readonly changed: boolean;
  /** Lowered: units above it may now be promised, so backorders of the SKU are worth a retry. */
  readonly lowered: boolean;
  readonly events: readonly PublishedEvent[];
}

/**
 * Sets a SKU's safety stock: units allocation never promises (it subtracts them from what it may allocate, in the same
 * guard as allocated and expired units). A SKU the catalogue does not know is refused (422 UNKNOWN_SKU, `/sku`): it
 * would keep back units of nothing. Any figure from 0 up is taken, above the stock on hand too (nothing is promised
 * then); raising it never takes back what is already allocated.
 */
export const decideSafetyStock: Decide<SafetyStockState, SafetyStockInput, SafetyStockDecision, 'UNKNOWN_SKU'> = (state, input) => {
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const changed = input.quantity !== state.previous;
  return ok({
    quantity: input.quantity, changed, lowered: input.quantity < state.previous,
    events: changed ? [{
      type: InventoryEvents.safetyStockSet, subject: input.sku, siteId: input.siteId,
      data: { siteId: input.siteId, ownerId: input.ownerId, sku: input.sku, quantity: input.quantity, previousQuantity: state.previous },
    }] : [],
  });
};
