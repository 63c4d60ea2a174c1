import type { PublishedEvent } from '../../../../contracts/events.ts';
import { expiryRule, lotRule, serialRule, type Product } from '../../../../contracts/catalog.ts';
import { InventoryEvents, type StockReceived, type StockStatus } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import { isDay } from '../../../../platform/days.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject, type FieldError } from '../../../../platform/errors.ts';
import { knownProduct, located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement } from '../../domain/ledger.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';

export interface ReceiptInput {
  readonly siteId: string;
  /** Whose units these are (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly sku: string;
  readonly quantity: number;
  readonly lot?: string | undefined;
  readonly expiresOn?: string | undefined;
  /** The units' status (default AVAILABLE): inbound receives damaged units as DAMAGED, or good ones straight into QUARANTINE. */
  readonly status?: StockStatus | undefined;
  /** One serial per unit, for a serial-controlled product (ADR 0058); none for any other. */
  readonly serials?: readonly string[] | undefined;
}

export interface ReceiveState {
  /** What catalog and location-master answered (undefined: unknown). */
  readonly product: (Pick<Product, 'lotControlled' | 'expiryControlled'> & { readonly serialControlled?: boolean | undefined }) | undefined;
  readonly location: Location | undefined;
  /** Whether inventory's projection counts the location pickable (units elsewhere are on hand, not promisable). */
  readonly pickable: boolean;
  /** Of the serials the receipt names, those of the SKU already live (IN_STOCK or PICKED) at the site (ADR 0058). */
  readonly serialsLive?: readonly string[] | undefined;
}

export type ReceiveCommand = ReceiptInput & { readonly movementId: string };

export interface ReceiveDecision {
  readonly key: BalanceKey;
  readonly quantity: number;
  readonly expiresOn: string | null;
  /** Units that join the SKU's AVAILABLE on-hand (`sku_stock.on_hand_available`). */
  readonly available: number;
  /** Units that join `sku_stock.unpickable`. */
  readonly unpickable: number;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  /** The units' serials to register IN_STOCK (ADR 0058): empty for a product that is not serial-controlled. */
  readonly serials: readonly string[];
  /** When it was decided: the serials' receipt time. */
  readonly at: Date;
}

export type ReceiveRejection = 'SERIAL_IN_STOCK' | 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'PRODUCT_INACTIVE' | 'UNKNOWN_LOCATION' | 'LOCATION_NOT_ACTIVE' | 'UNPROCESSABLE';

/** A deactivated product takes no new receipt (ADR 0045); units of an ASN announced before still arrive (the caller decides). */
export const inactiveProduct = (product: { sku: string; active?: boolean } | undefined) =>
  product?.active === false
    ? reject('PRODUCT_INACTIVE', `Product ${product.sku} is deactivated: reactivate it (POST /products/${product.sku}/reactivate) to receive it`, [{ field: '/sku', message: 'the product is deactivated' }])
    : undefined;

export const locationRef = (input: { locationId?: string | undefined; locationCode?: string | undefined }): LocationRefOf =>
  ({ name: 'location', id: input.locationId, code: input.locationCode });

/** A receipt: one RECEIPT movement onto the AVAILABLE (or the given status's) balance of an ACTIVE location, lot (`lotRule`) and expiry (`expiryRule`) as the product requires. */
export const decideReceive: Decide<ReceiveState, ReceiveCommand, ReceiveDecision, ReceiveRejection> = (state, input, now) => {
  const errors: FieldError[] = [];
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) errors.push({ field: '/quantity', message: 'must be a positive integer' });
  // A day of the calendar in the API's years (no year 0000, no 2026-02-30): refused here rather than failing the insert.
  if (input.expiresOn !== undefined && !isDay(input.expiresOn)) {
    errors.push({ field: '/expiresOn', message: 'must be a date (YYYY-MM-DD)' });
  }
  if (errors.length > 0) return reject('VALIDATION_FAILED', 'The receipt is not valid', errors);
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const serialErrors = serialRule(product.value, input.quantity, input.serials);
  if (serialErrors.length > 0) {
    return reject('VALIDATION_FAILED', `The receipt's serials do not fit ${input.sku}: ${serialErrors.map((e) => `${e.field.slice(1)} ${e.message}`).join('; ')}`, serialErrors);
  }
  const serials = input.serials ?? [];
  const live = new Set(state.serialsLive ?? []);
  const taken = serials.flatMap((s, i) => (live.has(s) ? [{ field: `/serials/${i}`, message: `serial ${s} of ${input.sku} is already in stock at the site` }] : []));
  if (taken.length > 0) {
    return reject('SERIAL_IN_STOCK', `Serial(s) ${serials.filter((s) => live.has(s)).join(', ')} of ${input.sku} already in stock at site ${input.siteId}`, taken);
  }
  const ref = locationRef(input);
  const found = located(input.siteId, ref, state.location);
  if (!found.ok) return found;
  const location = found.value;
  if (location.status !== 'ACTIVE') {
    return reject('LOCATION_NOT_ACTIVE',
      `Location ${location.code} is ${location.status}`, [{ field: refField(ref), message: `location is ${location.status}` }]);
  }
  const lotBroken = lotRule(product.value, input.lot);
  if (lotBroken !== undefined) errors.push({ field: '/lot', message: lotBroken.message });
  if (product.value.expiryControlled && input.expiresOn === undefined) errors.push({ field: '/expiresOn',
    message: 'required: the product is expiry-controlled' });
  const undated = expiryRule(product.value, input.expiresOn);
  if (undated !== undefined) errors.push({ field: '/expiresOn', message: undated });
  if (errors.length > 0) return reject('UNPROCESSABLE', `The receipt's lot or expiry data do not fit ${input.sku}: ${errors.map((e) => `${e.field.slice(1)} ${e.message}`).join('; ')}`, errors);

  const { siteId, ownerId, sku, quantity, movementId } = input;
  const lot = toLotKey(input.lot);
  const expiresOn = input.expiresOn ?? null;
  const status = input.status ?? 'AVAILABLE';
  const data: StockReceived = { siteId, ownerId, sku, locationId: location.id, lot: fromLotKey(lot), expiresOn, quantity, movementId,
    ...(status === 'AVAILABLE' ? {} : { status }), ...(serials.length === 0 ? {} : { serials: [...serials] }) };
  return ok({
    key: { siteId, ownerId, sku, locationId: location.id, lot, status }, quantity, expiresOn,
    // Only AVAILABLE units count in the SKU's stock (and in `unpickable`).
    available: status === 'AVAILABLE' ? quantity : 0,
    unpickable: state.pickable || status !== 'AVAILABLE' ? 0 : quantity,
    movements: [{ id: movementId, type: 'RECEIPT', siteId, ownerId, sku, locationId: location.id, lot, status, deltaOnHand: quantity,
      reference: movementId }],
    events: [{ type: InventoryEvents.received, subject: sku, siteId, data }],
    serials, at: now,
  });
};
