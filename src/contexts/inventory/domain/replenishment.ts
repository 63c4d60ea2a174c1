/** Replenishment rules (issue 11): where units come from, how many, and the lifecycle. Pure. */
import type { ReplenishmentStatus } from '../../../contracts/inventory.ts';
import type { LocationStatus, LocationType } from '../../../contracts/location-master.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';
import { isExpired } from './stock.ts';

/** Movement reason of units moved from reserve into a pick face by a replenishment. */
export const REPLENISH = 'REPLENISH';

/** OPEN until confirmed by scan (COMPLETED) or withdrawn (CANCELLED); then the face may get its next one. */
export const REPLENISHMENT_TRANSITIONS: Record<ReplenishmentStatus, readonly ReplenishmentStatus[]> = {
  OPEN: ['COMPLETED', 'CANCELLED'],
  COMPLETED: [],
  CANCELLED: [],
};
export const replenishmentLifecycle = defineLifecycle('replenishment', REPLENISHMENT_TRANSITIONS, ['OPEN']);

/** Location types stock is replenished from: bulk storage and reserve, never another face, a dock or quarantine. */
export const REPLENISHMENT_SOURCE_TYPES: readonly LocationType[] = ['RESERVE', 'STORAGE'];

export interface SourceBalance {
  readonly location_id: string;
  readonly lot: string;
  readonly on_hand: number;
  readonly reserved: number;
  readonly expires_on: string | null;
  readonly first_received_at: Date;
  readonly type: LocationType | null;
  readonly status: LocationStatus | null;
  /** Open cycle counts at the location: while above 0 nothing moves from it (its confirm would be LOCATION_UNDER_COUNT). */
  readonly count_locks?: number | undefined;
}

/**
 * The balance a replenishment takes its units from: free (unreserved), unexpired units at an ACTIVE or BLOCKED
 * (a blocked reserve is emptied into the face, as a move may do) reserve or storage location, first to expire first,
 * then the oldest receipt, then location and lot (FEFO, the wave's rotation). Undefined when none holds any. A location
 * under count is skipped (no move leaves it until the count closes: a task from it could not be done).
 */
export function chooseSource(balances: readonly SourceBalance[], today: string): SourceBalance | undefined {
  const eligible = sourcesFor(balances, today).filter((b) => (b.count_locks ?? 0) === 0);
  return [...eligible].sort((a, b) => {
    if (a.expires_on !== b.expires_on) {
      if (a.expires_on === null) return 1;
      if (b.expires_on === null) return -1;
      return a.expires_on < b.expires_on ? -1 : 1;
    }
    const t = a.first_received_at.getTime() - b.first_received_at.getTime();
    if (t !== 0) return t;
    if (a.location_id !== b.location_id) return a.location_id < b.location_id ? -1 : 1;
    return a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0;
  })[0];
}

/** The balances a replenishment could take from but for open counts (the rule `chooseSource` applies, counts aside). */
export function sourcesFor(balances: readonly SourceBalance[], today: string): SourceBalance[] {
  return balances.filter((b) => b.type !== null && REPLENISHMENT_SOURCE_TYPES.includes(b.type)
    && (b.status === 'ACTIVE' || b.status === 'BLOCKED') && b.on_hand > b.reserved && !isExpired(b.expires_on, today));
}

/** A face's min/max for a SKU. */
export interface FaceSetting {
  readonly min_quantity: number;
  readonly max_quantity: number;
}

/** Units that bring the face back up to max on hand (0 when it is at or above). */
export const upToMax = (setting: FaceSetting, onHand: number): number => Math.max(0, setting.max_quantity - onHand);
