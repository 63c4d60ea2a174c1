/** Holds (issue 11): units change status at their location, AVAILABLE ↔ HOLD / QUARANTINE / DAMAGED. Pure. */
import type { MovementType, StockStatus } from '../../../contracts/inventory.ts';
import type { BalanceKey, PlannedMovement } from './ledger.ts';

/** Input both a hold and a release name: the units, where they are, and why. */
export interface StatusChangeInput {
  readonly siteId: string;
  /** Whose units (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId?: string | undefined;
  readonly locationCode?: string | undefined;
  readonly lot?: string | undefined;
  readonly quantity: number;
  readonly reason: string;
}

/** What a hold or a release writes: the balance units leave, the one they join, the SKU-level change. */
export interface StatusChange {
  readonly fromKey: BalanceKey;
  readonly toKey: BalanceKey;
  readonly quantity: number;
  /** Change of sku_stock.on_hand_available (AVAILABLE units only) and of its unpickable part. */
  readonly availableDelta: number;
  readonly unpickableDelta: number;
  readonly movements: readonly PlannedMovement[];
}

/**
 * Two movements of one type (HOLD or RELEASE) at one location: −q in the status left, +q in the status joined. On-hand
 * at the location does not change, only which status holds it; the second movement references the first.
 */
export function statusChange(p: {
  readonly type: Extract<MovementType, 'HOLD' | 'RELEASE'>; readonly key: Omit<BalanceKey, 'status'>; readonly from: StockStatus;
  readonly to: StockStatus; readonly quantity: number; readonly reason: string; readonly movementId: string; readonly pickable: boolean;
}): StatusChange {
  const { type, key, from, to, quantity: q, reason, movementId } = p;
  const availableDelta = (to === 'AVAILABLE' ? q : 0) - (from === 'AVAILABLE' ? q : 0);
  return {
    fromKey: { ...key, status: from }, toKey: { ...key, status: to }, quantity: q, availableDelta,
    unpickableDelta: p.pickable ? 0 : availableDelta,
    movements: [
      { id: movementId, type, siteId: key.siteId, ownerId: key.ownerId, sku: key.sku, locationId: key.locationId, lot: key.lot, status: from, deltaOnHand: -q,
        reason, reference: movementId },
      { type, siteId: key.siteId, ownerId: key.ownerId, sku: key.sku, locationId: key.locationId, lot: key.lot, status: to, deltaOnHand: q, reason,
        reference: movementId },
    ],
  };
}
