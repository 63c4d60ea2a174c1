import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type ReplenishmentRequested, type ReplenishmentTrigger } from '../../../../contracts/inventory.ts';
import type { LocationStatus } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { assertNever, ok, reject } from '../../../../platform/errors.ts';
import { isoDate } from '../../domain/ledger.ts';
import { chooseSource, sourcesFor, upToMax, type FaceSetting, type SourceBalance } from '../../domain/replenishment.ts';
import { fromLotKey } from '../../domain/stock.ts';
import type { NewReplenishmentRow } from '../../replenishment-store.ts';

export interface ReplenishmentRequestState {
  /** The face's min/max for the SKU (undefined: none set). */
  readonly setting: FaceSetting | undefined;
  /** The face's AVAILABLE units of the SKU, every lot. */
  readonly face: { readonly on_hand: number; readonly reserved: number };
  /**
   * The face's status (a request by hand: location-master's answer; a trigger: inventory's projection; null: not known,
   * taken as ACTIVE). Nothing is put to a BLOCKED or INACTIVE face, so no replenishment is made for one.
   */
  readonly faceStatus?: LocationStatus | null | undefined;
  /** The face's open replenishment of the SKU, if any (one at a time). */
  readonly open: { readonly id: string; readonly from_location_id: string } | undefined;
  /** Balances of the SKU with free units elsewhere at the site, with their locations' facts. */
  readonly sources: readonly SourceBalance[];
}

export interface ReplenishmentRequestCommand {
  readonly id: string;
  readonly siteId: string;
  /** Whose units are topped up at the face, from that owner's stock only (ADR 0028). */
  readonly ownerId: string;
  readonly sku: string;
  readonly toLocationId: string;
  readonly trigger: ReplenishmentTrigger;
  readonly triggerReference: string | null;
  /**
   * SHORT_PICK: the units the short missed (what a face without min/max gets); MANUAL: the units asked for (default: up
   * to max). WAVE_DEMAND: units of the wave's demand the pick faces could not cover (they ask even above min).
   */
  readonly quantity?: number | undefined;
}

/**
 * `none`: nothing to do (with why); `existing`: the face's open replenishment answers the trigger (one at a time);
 * `new`: the row to insert and the event tasks queues the REPLENISH task on.
 */
export type ReplenishmentRequestDecision =
  | { readonly kind: 'none'; readonly why: 'FACE_NOT_ACTIVE' | 'NO_SETTING' | 'ABOVE_MIN' | 'AT_MAX' }
  /** The face needs units and no source has free ones to bring: `underCount`, the sources a count holds (empty: none at all). */
  | { readonly kind: 'none'; readonly why: 'NO_SOURCE'; readonly underCount: readonly string[] }
  | { readonly kind: 'existing'; readonly id: string; readonly fromLocationId: string }
  | { readonly kind: 'new'; readonly row: NewReplenishmentRow; readonly events: readonly PublishedEvent[] };

export type ReplenishmentRequestRejection = 'VALIDATION_FAILED' | 'NO_REPLENISHMENT_SOURCE' | 'LOCATION_NOT_ACTIVE';

/**
 * Whether a face needs units and where they come from. LOW_STOCK asks when the face's free units (on-hand − reserved)
 * are below its min; WAVE_DEMAND too, or when the wave's demand was not covered by pick faces; SHORT_PICK always
 * (a short found the face empty). The quantity brings on-hand up to max (a face without min/max: the units asked
 * for), no more than the source balance holds free: one source balance, chosen FEFO among reserve/storage locations.
 * An open replenishment for the face and SKU answers every trigger (idempotent). A person's request (MANUAL) is
 * refused when there is nothing to move or the face is not ACTIVE; a trigger's is silently nothing.
 */
export const decideReplenishmentRequest: Decide<
  ReplenishmentRequestState, ReplenishmentRequestCommand, ReplenishmentRequestDecision, ReplenishmentRequestRejection
> = (state, cmd, now) => {
  const manual = cmd.trigger === 'MANUAL';
  if (cmd.quantity !== undefined && (!Number.isInteger(cmd.quantity) || cmd.quantity < 0)) {
    return reject('VALIDATION_FAILED', 'The replenishment is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  // A blocked or deactivated face takes no units (its confirm would be refused): nothing is asked for it, and a person's
  // request is refused even when one is open (cancel that one: it cannot be confirmed either).
  const faceStatus = state.faceStatus ?? 'ACTIVE';
  if (faceStatus !== 'ACTIVE') {
    if (manual) {
      return reject('LOCATION_NOT_ACTIVE', `Location ${cmd.toLocationId} is ${faceStatus}: nothing is put to it, so it is not replenished`,
        [{ field: '/locationId', message: `location is ${faceStatus}` }]);
    }
    return ok({ kind: 'none', why: 'FACE_NOT_ACTIVE' });
  }
  if (state.open !== undefined) return ok({ kind: 'existing', id: state.open.id, fromLocationId: state.open.from_location_id });
  const s = state.setting;
  const free = state.face.on_hand - state.face.reserved;
  let wanted: number;
  switch (cmd.trigger) {
    case 'LOW_STOCK':
    case 'WAVE_DEMAND': {
      if (s === undefined) return ok({ kind: 'none', why: 'NO_SETTING' });
      const unmet = cmd.trigger === 'WAVE_DEMAND' ? (cmd.quantity ?? 0) : 0;
      if (free >= s.min_quantity && unmet === 0) return ok({ kind: 'none', why: 'ABOVE_MIN' });
      wanted = upToMax(s, state.face.on_hand);
      break;
    }
    case 'SHORT_PICK':
      wanted = s !== undefined ? Math.max(upToMax(s, state.face.on_hand), cmd.quantity ?? 0) : (cmd.quantity ?? 0);
      break;
    case 'MANUAL':
      if (cmd.quantity === undefined && s === undefined) {
        return reject('VALIDATION_FAILED', 'The face has no min/max for this SKU: say how many units to bring', [{ field: '/quantity',
          message: 'required when the face has no min/max' }]);
      }
      wanted = cmd.quantity ?? (s === undefined ? 0 : upToMax(s, state.face.on_hand));
      break;
    default:
      return assertNever(cmd.trigger, 'replenishment trigger');
  }
  if (wanted <= 0) {
    if (manual) return reject('VALIDATION_FAILED', 'The face is at its max already', [{ field: '/quantity', message: 'nothing to bring' }]);
    return ok({ kind: 'none', why: 'AT_MAX' });
  }
  const source = chooseSource(state.sources, isoDate(now));
  if (source === undefined) {
    const counted = sourcesFor(state.sources, isoDate(now)).map((b) => b.location_id);
    if (manual && counted.length > 0) {
      return reject('NO_REPLENISHMENT_SOURCE', `The free units of ${cmd.sku} in reserve or storage are at locations under count (${[...new Set(counted)].join(', ')}): `
        + 'nothing moves from them until the count closes; ask again then');
    }
    if (manual) return reject('NO_REPLENISHMENT_SOURCE', `No reserve or storage location holds free units of ${cmd.sku}`);
    return ok({ kind: 'none', why: 'NO_SOURCE', underCount: [...new Set(counted)].sort() });
  }
  const quantity = Math.min(wanted, source.on_hand - source.reserved);
  const row: NewReplenishmentRow = {
    id: cmd.id, site_id: cmd.siteId, owner_id: cmd.ownerId, sku: cmd.sku, lot: source.lot, from_location_id: source.location_id, to_location_id: cmd.toLocationId,
    quantity, trigger: cmd.trigger, trigger_reference: cmd.triggerReference,
  };
  const data: ReplenishmentRequested = {
    replenishmentId: cmd.id, siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, lot: fromLotKey(source.lot), fromLocationId: source.location_id,
    toLocationId: cmd.toLocationId, quantity, trigger: cmd.trigger, triggerReference: cmd.triggerReference,
  };
  return ok({ kind: 'new', row, events: [{ type: InventoryEvents.replenishmentRequested, subject: cmd.id, siteId: cmd.siteId, data }] });
};
