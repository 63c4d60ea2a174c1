import type { Product } from '../../../../contracts/catalog.ts';
import type { AbcClass } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok } from '../../../../platform/errors.ts';
import { knownProduct } from '../../domain/command-checks.ts';

export interface CountPolicyInput {
  readonly siteId: string;
  readonly sku: string;
  readonly abcClass: AbcClass;
}

/** A SKU's counting class at a site: a SKU of the catalogue (a policy for another would schedule counts of nothing). */
export const decideCountPolicy: Decide<{ readonly product: Pick<Product, 'sku'> | undefined }, CountPolicyInput, CountPolicyInput, 'UNKNOWN_SKU'> = (state, input) => {
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  return ok(input);
};
