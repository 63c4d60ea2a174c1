import type { Product } from '../../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type MovePurpose, type StockMoved, type StockStatus } from '../../../../contracts/inventory.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { knownProduct, located, refField, type LocationRefOf } from '../../domain/command-checks.ts';
import type { BalanceKey, PlannedMovement, SourceBalance } from '../../domain/ledger.ts';
import { unpromisedAt, type CoverFacts } from '../../domain/pickability.ts';
import { fromLotKey, toLotKey } from '../../domain/stock.ts';

export interface MoveInput {
  readonly siteId: string;
  /** Whose units (ADR 0028), resolved at the edge: the default owner when the request names none. */
  readonly ownerId: string;
  readonly sku: string;
  readonly lot?: string | undefined;
  /** The stock status moved (default AVAILABLE); it stays the same at the target. */
  readonly status?: StockStatus | undefined;
  readonly quantity: number;
  readonly fromLocationId?: string | undefined;
  readonly fromLocationCode?: string | undefined;
  readonly toLocationId?: string | undefined;
  readonly toLocationCode?: string | undefined;
  /** Why the units move (the event's `purpose`): a plain move unless a putaway says otherwise. */
  readonly purpose?: MovePurpose | undefined;
}

export interface MoveState {
  readonly product: Pick<Product, 'sku'> | undefined;
  readonly from: Location | undefined;
  readonly to: Location | undefined;
  readonly fromPickable: boolean;
  /** The source is out for a while (blocked; `Whereabouts.paused`): its units cover allocations again when it reopens. */
  readonly fromPaused?: boolean | undefined;
  readonly toPickable: boolean;
  /** An open cycle count holds the end (issue 11): nothing moves from or to it until counted. */
  readonly fromUnderCount: boolean;
  readonly toUnderCount: boolean;
  /** The source balance, locked with the target's in location order (undefined: none). */
  readonly source: SourceBalance | undefined;
  /**
   * The SKU's stock row, locked, when the move takes AVAILABLE units from a location that covers allocations (pickable,
   * or blocked) to one nobody picks from (undefined otherwise, and when the SKU has no row: nothing is allocated).
   */
  readonly skuStock?: CoverFacts | undefined;
  /** The source balance's lot is expired: its units cover no allocation (`unpromisedAt`). */
  readonly sourceExpired?: boolean | undefined;
  /**
   * QUARANTINE units at the source that RMAs await inspection for (ADR 0026 addendum of 2026-12-04), per RMA: their
   * inspection takes them from there, so a move keeps them back (absent: none).
   */
  readonly awaitingInspection?: readonly { readonly rmaId: string; readonly units: number }[] | undefined;
  /**
   * HOLD units at the source that LPNs reported lost there hold (ADR 0029 addendum), per LPN: on the books there, not on
   * the shelf (their find moves and releases them), so a move keeps them back as a release does (absent: none).
   */
  readonly lostLpnHolds?: readonly { readonly lpnId: string; readonly held: number }[] | undefined;
}

/**
 * Whether a move of this status between locations of this pickability takes units out of what covers allocations: the
 * pickable on-hand, and the units of a location out for a while (`fromPaused`: blocked), which cover them again once it
 * reopens.
 */
export const leavesPickable = (status: StockStatus, fromPickable: boolean, toPickable: boolean, fromPaused = false): boolean =>
  status === 'AVAILABLE' && (fromPickable || fromPaused) && !toPickable;

export type MoveCommand = MoveInput & { readonly movementId: string };

export interface MoveDecision {
  readonly from: Location;
  readonly to: Location;
  readonly fromKey: BalanceKey;
  readonly toKey: BalanceKey;
  readonly quantity: number;
  /** The target keeps the source's expiry and first receipt, so rotation does not treat moved stock as fresh. */
  readonly expiresOn: string | null;
  readonly firstReceivedAt: Date;
  readonly unpickable: number;
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
}

export type MoveRejection =
  | 'VALIDATION_FAILED' | 'UNKNOWN_SKU' | 'UNKNOWN_LOCATION' | 'UNPROCESSABLE' | 'LOCATION_NOT_ACTIVE' | 'INSUFFICIENT_STOCK'
  | 'LOCATION_UNDER_COUNT' | 'HELD_BY_INSPECTION';

export const endRef = (input: MoveInput, end: 'from' | 'to'): LocationRefOf => (end === 'from'
  ? { name: 'fromLocation', id: input.fromLocationId, code: input.fromLocationCode }
  : { name: 'toLocation', id: input.toLocationId, code: input.toLocationCode });

/**
 * Moves unreserved units of one balance to another location of the site: two MOVE movements (−q at the source, +q at
 * the target, same lot and status). How stock received at a dock becomes pickable before full putaway exists. The
 * target must be ACTIVE; the source may be blocked (emptying it is how a blocked slot is fixed). A move to a location
 * nobody picks from (a dock, a pack station) never takes the SKU's pickable on-hand below what is allocated to orders
 * (issue 11: allocated never exceeds ATP), nor, from a blocked location, the units that cover allocations again once it
 * is unblocked (`unpromisedAt`).
 */
export const decideMove: Decide<MoveState, MoveCommand, MoveDecision, MoveRejection> = (state, input) => {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) {
    return reject('VALIDATION_FAILED', 'The move is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  }
  const product = knownProduct(input.sku, state.product);
  if (!product.ok) return product;
  const fromFound = located(input.siteId, endRef(input, 'from'), state.from);
  if (!fromFound.ok) return fromFound;
  const toFound = located(input.siteId, endRef(input, 'to'), state.to);
  if (!toFound.ok) return toFound;
  const from = fromFound.value;
  const to = toFound.value;
  const toField = refField(endRef(input, 'to'));
  if (from.id === to.id) return reject('UNPROCESSABLE', `The units are at ${from.code} already: name the location they go to, not ${to.code}`, [{ field: toField,
    message: 'is the source location' }]);
  if (to.status !== 'ACTIVE') {
    return reject('LOCATION_NOT_ACTIVE',
      `Location ${to.code} is ${to.status}: nothing is put to it`, [{ field: toField, message: `location is ${to.status}` }]);
  }
  for (const [end, underCount, location] of [['from', state.fromUnderCount, from], ['to', state.toUnderCount, to]] as const) {
    if (underCount) {
      return reject('LOCATION_UNDER_COUNT', `Location ${location.code} is under count: nothing moves from or to it until counted`,
        [{ field: refField(endRef(input, end)), message: 'location is under count' }]);
    }
  }
  const { siteId, ownerId, sku, quantity: q, movementId } = input;
  const status: StockStatus = input.status ?? 'AVAILABLE';
  const lot = toLotKey(input.lot);
  const source = state.source;
  if (source === undefined || source.on_hand - source.reserved < q) {
    const message = `Fewer than ${q} unreserved ${status} units of ${sku} at ${from.code}`;
    return reject('INSUFFICIENT_STOCK', message, [{ field: '/quantity', message: 'more than the unreserved on-hand at the source' }]);
  }
  const lost = state.lostLpnHolds ?? [];
  const away = lost.reduce((n, h) => n + h.held, 0);
  if (away > 0 && source.on_hand - source.reserved - away < q) {
    const onShelf = Math.max(0, source.on_hand - source.reserved - away);
    return reject('INSUFFICIENT_STOCK', `${Math.min(away, source.on_hand)} of the ${source.on_hand} ${status} units of ${sku} at ${from.code} `
      + `are lost LPN ${lost.map((h) => h.lpnId).join(', ')}'s (not on the shelf: its find moves them): at most ${onShelf} may be moved from here`,
    [{ field: '/quantity', message: `more than the ${status} units on the shelf there` }]);
  }
  const awaited = state.awaitingInspection ?? [];
  const kept = awaited.reduce((n, a) => n + a.units, 0);
  if (kept > 0 && source.on_hand - source.reserved - q < kept) {
    const free = Math.max(0, source.on_hand - source.reserved - kept);
    return reject('HELD_BY_INSPECTION', `${kept} of the ${source.on_hand} ${status} units of ${sku} at ${from.code} await the inspection of RMA `
      + `${awaited.map((a) => a.rmaId).join(', ')} there: ${free} may be moved; inspect the RMA for the rest`,
    awaited.map((a) => ({ field: '/quantity', message: `RMA ${a.rmaId} awaits inspection of ${a.units} of these units here` })));
  }
  const { fromPickable, toPickable } = state;
  const fromPaused = state.fromPaused ?? false;
  const s = state.skuStock;
  if (leavesPickable(status, fromPickable, toPickable, fromPaused) && s !== undefined
    && unpromisedAt(s, { pickable: fromPickable, paused: fromPaused }, source.on_hand, state.sourceExpired) - q < 0) {
    const message = fromPickable
      ? `Moving ${q} ${sku} to ${to.code}, where nobody picks, would leave fewer pickable units than are allocated to orders`
      : `${from.code} is blocked, but its units still cover what was allocated to orders before the block: moving ${q} ${sku} to `
        + `${to.code}, where nobody picks, would leave fewer pickable units than are allocated once it is unblocked. Move them to a `
        + 'location that is picked from';
    return reject('INSUFFICIENT_STOCK', message, [{ field: '/quantity', message: 'more than the pickable units not allocated to orders' }]);
  }
  const fromKey: BalanceKey = { siteId, ownerId, sku, locationId: from.id, lot, status };
  const data: StockMoved = {
    siteId, ownerId, sku, lot: fromLotKey(lot), status, quantity: q, fromLocationId: from.id, toLocationId: to.id, fromPickable, toPickable,
      movementId, purpose: input.purpose ?? 'MOVE',
  };
  return ok({
    from, to, fromKey, toKey: { ...fromKey, locationId: to.id }, quantity: q, expiresOn: source.expires_on,
      firstReceivedAt: source.first_received_at,
    // Only AVAILABLE units count in `unpickable`.
    unpickable: status === 'AVAILABLE' ? (toPickable ? 0 : q) - (fromPickable ? 0 : q) : 0,
    movements: [
      { id: movementId, type: 'MOVE', siteId, ownerId, sku, locationId: from.id, lot, status, deltaOnHand: -q,
        reason: `to ${to.code}`, reference: movementId },
      { type: 'MOVE', siteId, ownerId, sku, locationId: to.id, lot, status, deltaOnHand: q, reason: `from ${from.code}`, reference: movementId },
    ],
    events: [{ type: InventoryEvents.moved, subject: sku, siteId, data }],
  });
};
