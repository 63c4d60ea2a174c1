import type { Product } from '../../../../contracts/catalog.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { knownProduct, located, refField, type LocationRefOf } from '../../domain/command-checks.ts';

export interface SettingInput {
  readonly siteId: string;
  readonly sku: string;
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly min: number;
  readonly max: number;
}

export interface SettingState {
  readonly product: Pick<Product, 'sku'> | undefined;
  readonly location: Location | undefined;
}

export type SettingRejection = 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'UNKNOWN_LOCATION' | 'UNPROCESSABLE';

export const settingRef = (input: Pick<SettingInput, 'locationId' | 'locationCode'>): LocationRefOf => ({
  name: 'location', id: input.locationId, code: input.locationCode,
});

/**
 * A pick face's min/max for a SKU: 0 ≤ min ≤ max, max ≥ 1, a known SKU, a PICK_FACE of the site (reserve and storage
 * locations are where replenishment takes units from, not where it brings them).
 */
export const decideSetting: Decide<SettingState, SettingInput, { readonly locationId: string }, SettingRejection> = (state, input) => {
  const { min, max } = input;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 0 || max < 1 || min > max) {
    return reject('VALIDATION_FAILED', 'The min/max is not valid: 0 ≤ min ≤ max and max ≥ 1', [{ field: '/min', message: 'must be between 0 and max' }]);
  }
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const ref = settingRef(input);
  const found = located(input.siteId, ref, state.location);
  if (!found.ok) return found;
  if (found.value.type !== 'PICK_FACE') {
    return reject('UNPROCESSABLE', `Location ${found.value.code} is a ${found.value.type}, not a pick face`, [{ field: refField(ref),
      message: 'not a pick face' }]);
  }
  return ok({ locationId: found.value.id });
};
