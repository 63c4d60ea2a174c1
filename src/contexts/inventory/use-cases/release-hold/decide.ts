import type { Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type HeldStatus, type StockHoldReleased } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { knownProduct, located } from '../../domain/command-checks.ts';
import { statusChange, type StatusChange, type StatusChangeInput } from '../../domain/holds.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';
import { locationRef } from '../receive/decide.ts';

export type ReleaseInput = StatusChangeInput & { readonly fromStatus: HeldStatus };
export type ReleaseCommand = ReleaseInput & { readonly movementId: string };

export interface ReleaseState {
  readonly product: Pick<Product, 'sku'> | undefined;
  readonly location: Pick<Location, 'id' | 'siteId' | 'code'> | undefined;
  readonly pickable: boolean;
  /** The held balance, locked (undefined: none). */
  readonly balance: { readonly on_hand: number } | undefined;
  /**
   * The held units open inspections keep there: a failed quality inspection's HOLD units (ADR 0031), an RMA's QUARANTINE
   * units awaiting its inspection (ADR 0026 addendum). Their disposition releases or scraps them, not this.
   */
  readonly inspectionHolds?: readonly {
    readonly inspectionId: string; readonly held: number;
    /**
     * The other failed inspections of the same receipt that hold these units with it (ADR 0031 addendum of 2026-12-06):
     * the units leave HOLD only when all are disposed of, so the refusal names them too (absent: none).
     */
    readonly sharedBy?: readonly string[] | undefined;
  }[] | undefined;
  /**
   * HOLD units there of LPNs reported lost (status HELD): on the books, not on the shelf. Released by hand they would
   * be AVAILABLE units nobody can pick; the LPN's find releases them where it is found (0 when absent).
   */
  readonly lostLpnHolds?: readonly { readonly lpnId: string; readonly held: number }[] | undefined;
}

export type ReleaseDecision = StatusChange & { readonly events: readonly PublishedEvent[] };

export type ReleaseRejection = 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'UNKNOWN_LOCATION' | 'INSUFFICIENT_STOCK' | 'HELD_BY_INSPECTION';

/**
 * Releases held units back to AVAILABLE at their location (RELEASE movements): at a pickable location they rejoin ATP
 * at once (and backordered lines are retried); elsewhere they stay on hand, unpromised, like any stock there. Held units
 * have no identity, so the units open quality inspections hold there are kept back (ADR 0031 addendum): a release that
 * would reach into them is HELD_BY_INSPECTION naming the inspections, whose disposition decides what becomes of them.
 * A lost LPN's HOLD units are not on the shelf: a release reaching into them is INSUFFICIENT_STOCK naming the LPNs.
 */
export const decideRelease: Decide<ReleaseState, ReleaseCommand, ReleaseDecision, ReleaseRejection> = (state, input) => {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) {
    return reject('VALIDATION_FAILED', 'The release is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  if (input.reason.trim() === '') return reject('VALIDATION_FAILED', 'A release needs a reason', [{ field: '/reason', message: 'must not be blank' }]);
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const found = located(input.siteId, locationRef(input), state.location);
  if (!found.ok) return found;
  const location = found.value;
  const { siteId, ownerId, sku, quantity: q, fromStatus, movementId } = input;
  if (state.balance === undefined || state.balance.on_hand < q) {
    return reject('INSUFFICIENT_STOCK', `Fewer than ${q} units of ${sku} on ${fromStatus} at ${location.code}`,
      [{ field: '/quantity', message: `more than the ${fromStatus} on-hand there` }]);
  }
  const lost = state.lostLpnHolds ?? [];
  const away = lost.reduce((n, h) => n + h.held, 0);
  if (away > 0 && state.balance.on_hand - away < q) {
    return reject('INSUFFICIENT_STOCK', `${Math.min(away, state.balance.on_hand)} of the ${state.balance.on_hand} ${fromStatus} units of ${sku} at ${location.code} `
      + `are lost LPN ${lost.map((h) => h.lpnId).join(', ')}'s (not on the shelf: its find releases them): `
      + `at most ${Math.max(0, state.balance.on_hand - away)} may be released here`,
    [{ field: '/quantity', message: `more than the ${fromStatus} units on the shelf there` }]);
  }
  const onShelf = state.balance.on_hand - away;
  const inspected = state.inspectionHolds ?? [];
  const kept = inspected.reduce((n, h) => n + h.held, 0);
  if (kept > 0 && onShelf - q < kept) {
    // Every inspection whose disposition the units wait for: the carriers and those sharing their units (one receipt's).
    const ids = inspected.flatMap((h) => [h.inspectionId, ...h.sharedBy ?? []]);
    const free = Math.max(0, onShelf - kept);
    const many = ids.length > 1;
    return reject('HELD_BY_INSPECTION', `${kept} of the ${state.balance.on_hand} ${fromStatus} units of ${sku} at ${location.code} are held by inspection${many ? 's' : ''} `
      + `${ids.join(', ')}: ${free} may be released here; give ${many ? 'each inspection\'s disposition' : 'the inspection\'s disposition'} for the rest`,
    inspected.flatMap((h) => {
      const sharers = h.sharedBy ?? [];
      const shared = sharers.length === 0 ? '' : ` with inspection ${sharers.join(', ')} (the units stay held until each is disposed of)`;
      return [{ field: '/quantity', message: `inspection ${h.inspectionId} holds ${h.held} of these units${shared}` },
        ...sharers.map((id) => ({ field: '/quantity', message: `inspection ${id} holds the same ${h.held} of these units with inspection ${h.inspectionId}` }))];
    }));
  }
  const lot = toLotKey(input.lot);
  const reason = input.reason.trim();
  const change = statusChange({ type: 'RELEASE', key: { siteId, ownerId, sku, locationId: location.id, lot }, from: fromStatus, to: 'AVAILABLE',
    quantity: q, reason, movementId, pickable: state.pickable });
  const data: StockHoldReleased = { siteId, ownerId, sku, locationId: location.id, lot: fromLotKey(lot), fromStatus, quantity: q, reason, movementId };
  return ok({ ...change, events: [{ type: InventoryEvents.holdReleased, subject: sku, siteId, data }] });
};
