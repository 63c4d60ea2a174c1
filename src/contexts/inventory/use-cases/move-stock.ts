import type { CatalogApi } from '../../../contracts/catalog.ts';
import { InventoryEvents, type StockMoved, type StockStatus } from '../../../contracts/inventory.ts';
import type { Location, LocationMasterApi } from '../../../contracts/location-master.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import { ok, reject, type FieldError, type Outcome } from '../../../platform/errors.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { fromLotKey, toLotKey } from '../domain/stock.ts';
import { learnLocation } from '../pickability.ts';
import { balanceView, type BalanceView } from '../service.ts';
import * as store from '../store.ts';

export interface MoveInput {
  readonly siteId: string;
  readonly sku: string;
  readonly lot?: string | undefined;
  /** The stock status moved (default AVAILABLE); it stays the same at the target. */
  readonly status?: StockStatus | undefined;
  readonly quantity: number;
  readonly fromLocationId?: string | undefined;
  readonly fromLocationCode?: string | undefined;
  readonly toLocationId?: string | undefined;
  readonly toLocationCode?: string | undefined;
}

export interface MoveResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly status: StockStatus;
  readonly quantity: number;
  readonly fromLocationId: string;
  readonly toLocationId: string;
  readonly from: BalanceView;
  readonly to: BalanceView;
}

/** A business rejection inside the transaction: rolls it back and becomes the outcome. */
class Rejected extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super(outcome.ok ? 'rejected' : outcome.message);
  }
}

type End = 'from' | 'to';

async function resolveEnd(locations: LocationMasterApi, input: MoveInput, end: End): Promise<Outcome<Location>> {
  const id = end === 'from' ? input.fromLocationId : input.toLocationId;
  const code = end === 'from' ? input.fromLocationCode : input.toLocationCode;
  const field = id !== undefined ? `/${end}LocationId` : `/${end}LocationCode`;
  if ((id === undefined) === (code === undefined)) {
    return reject('VALIDATION_FAILED', `Give exactly one of ${end}LocationId and ${end}LocationCode`, [{ field: `/${end}LocationId`, message: `give exactly one of ${end}LocationId and ${end}LocationCode` }]);
  }
  const location = id !== undefined ? (await locations.getLocations([id])).get(id) : await locations.getLocationByCode(input.siteId, code ?? '');
  if (location === undefined || location.siteId !== input.siteId) {
    return reject('UNKNOWN_LOCATION', `No location ${id ?? code} at site ${input.siteId}`, [{ field, message: 'unknown location at this site' }]);
  }
  return ok(location);
}

/**
 * Moves unreserved units of one balance to another location of the site: two MOVE movements (−q at the source, +q at
 * the target, same lot and status), expiry and first receipt kept. How stock received at a dock becomes pickable before
 * full putaway exists. The target must be ACTIVE; the source may be blocked (emptying it is how a blocked slot is fixed).
 * Both locations' projection rows are taken in id order, then both balances in id order: no deadlock with the reverse move.
 */
export async function moveStock(
  deps: PlatformDeps, apis: { catalog: CatalogApi; locations: LocationMasterApi }, input: MoveInput, meta: EventMeta,
): Promise<Outcome<MoveResult>> {
  if (!Number.isInteger(input.quantity) || input.quantity <= 0) return reject('VALIDATION_FAILED', 'The move is not valid', [{ field: '/quantity', message: 'must be a positive integer' }]);
  const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
  if (product === undefined) return reject('UNKNOWN_SKU', `Unknown SKU ${input.sku}`, [{ field: '/sku', message: 'unknown SKU' }]);
  const fromOutcome = await resolveEnd(apis.locations, input, 'from');
  if (!fromOutcome.ok) return fromOutcome;
  const toOutcome = await resolveEnd(apis.locations, input, 'to');
  if (!toOutcome.ok) return toOutcome;
  const from = fromOutcome.value;
  const to = toOutcome.value;
  const toField = input.toLocationId !== undefined ? '/toLocationId' : '/toLocationCode';
  if (from.id === to.id) return reject('UNPROCESSABLE', 'Source and target are the same location', [{ field: toField, message: 'is the source location' }]);
  if (to.status !== 'ACTIVE') {
    const errors: FieldError[] = [{ field: toField, message: `location is ${to.status}` }];
    return reject('LOCATION_NOT_ACTIVE', `Location ${to.code} is ${to.status}: nothing is put to it`, errors);
  }

  const status: StockStatus = input.status ?? 'AVAILABLE';
  const lot = toLotKey(input.lot);
  const q = input.quantity;
  const movementId = deps.ids.next('mov');
  const fromKey = { siteId: input.siteId, sku: input.sku, locationId: from.id, lot, status };
  const toKey = { ...fromKey, locationId: to.id };
  try {
    return ok(await deps.db.tx(async (tx) => {
      const [first, second] = from.id < to.id ? [from, to] : [to, from];
      const learnedFirst = await learnLocation(tx, first);
      const learnedSecond = await learnLocation(tx, second);
      const fromPickable = (from === first ? learnedFirst : learnedSecond).pickable;
      const toPickable = (to === first ? learnedFirst : learnedSecond).pickable;
      await store.lockBalances(tx, [fromKey, toKey]);
      const source = await store.changeBalance(tx, fromKey, -q, 0);
      if (source === undefined) {
        throw new Rejected(reject('INSUFFICIENT_STOCK', `Fewer than ${q} unreserved ${status} units of ${input.sku} at ${from.code}`, [{ field: '/quantity', message: 'more than the unreserved on-hand at the source' }]));
      }
      const target = await store.addMovedOnHand(tx, toKey, q, source.expires_on, source.first_received_at);
      if (status === 'AVAILABLE') await store.changeUnpickable(tx, input.siteId, input.sku, (toPickable ? 0 : q) - (fromPickable ? 0 : q));
      await store.insertMovements(tx, [
        { id: movementId, type: 'MOVE', siteId: input.siteId, sku: input.sku, locationId: from.id, lot, status, deltaOnHand: -q, reason: `to ${to.code}`, reference: movementId },
        { id: deps.ids.next('mov'), type: 'MOVE', siteId: input.siteId, sku: input.sku, locationId: to.id, lot, status, deltaOnHand: q, reason: `from ${from.code}`, reference: movementId },
      ]);
      const data: StockMoved = {
        siteId: input.siteId, sku: input.sku, lot: fromLotKey(lot), status, quantity: q, fromLocationId: from.id, toLocationId: to.id,
        fromPickable, toPickable, movementId,
      };
      await deps.bus.append(tx, 'inventory', [
        ...learnedFirst.events, ...learnedSecond.events, { type: InventoryEvents.moved, subject: input.sku, siteId: input.siteId, data },
      ], meta);
      return {
        movementId, siteId: input.siteId, sku: input.sku, lot: fromLotKey(lot), status, quantity: q, fromLocationId: from.id, toLocationId: to.id,
        from: balanceView(source), to: balanceView(target),
      };
    }));
  } catch (e) {
    if (e instanceof Rejected) return e.outcome;
    throw e;
  }
}
