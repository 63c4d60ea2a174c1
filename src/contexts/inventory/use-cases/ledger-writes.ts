/** What every inventory handler does with a decision: the guarded writes and the ledger/outbox append, in one place. */
import type { CatalogApi, Product } from '../../../contracts/catalog.ts';
import type { PublishedEvent } from '../../../contracts/events.ts';
import type { Location, LocationMasterApi } from '../../../contracts/location-master.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import type { Tx } from '../../../platform/db/database.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { namesOne, type LocationRefOf } from '../domain/command-checks.ts';
import { withoutDefaultOwner, type BalanceKey, type PlannedMovement } from '../domain/ledger.ts';
import type { AllocationStatus } from '../domain/stock.ts';
import * as store from '../store.ts';

/** The other contexts' APIs the stock commands consult before their transaction opens. */
export interface StockApis {
  readonly catalog: CatalogApi;
  readonly locations: LocationMasterApi;
}

/**
 * Appends the decision's movements (ids given where no event names them) and its events, in the handler's transaction.
 * Both carry the meta's actor: the caller of the request, or the actor of the event that caused this one.
 */
export async function record(
  tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus'>, movements: readonly PlannedMovement[], events: readonly PublishedEvent[],
    meta: EventMeta,
): Promise<void> {
  await recordMany(tx, deps, [{ movements, events, meta }]);
}

/** A decision's movements and events, and the meta of what caused it. */
export interface Recorded {
  readonly movements: readonly PlannedMovement[];
  readonly events: readonly PublishedEvent[];
  readonly meta: EventMeta;
}

/** `record` for the decisions of a run of events (a set-based handler): one ledger statement and one outbox statement for all. */
export async function recordMany(tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus'>, decisions: readonly Recorded[]): Promise<void> {
  await store.insertMovements(tx, ledgerMovements(deps, decisions));
  await appendEvents(tx, deps, decisions);
}

/** The decisions' movements as the ledger stores them: an id where no event named one, the meta's actor. */
export function ledgerMovements(deps: Pick<PlatformDeps, 'ids'>, decisions: readonly Omit<Recorded, 'events'>[]): store.NewMovement[] {
  return decisions.flatMap(({ movements, meta }) => movements.map((m) => ({ ...m, id: m.id ?? deps.ids.next('mov'), actor: meta.actor })));
}

/** The decisions' events, in the outbox (written once, before COMMIT), each with its own cause and actor. */
export async function appendEvents(tx: Tx, deps: Pick<PlatformDeps, 'bus'>, decisions: readonly Omit<Recorded, 'movements'>[]): Promise<void> {
  await deps.bus.appendMany(tx, 'inventory', decisions.map(({ events, meta }) => ({ events: withoutDefaultOwner(events), meta })));
}

/** A balance change the decider allowed on locked rows: the conditional UPDATE refusing it is a broken invariant. */
export async function changeBalanceOrFail(
  tx: Tx, key: BalanceKey, deltaOnHand: number, deltaReserved: number, fault: string,
): Promise<store.BalanceRow> {
  const row = await store.changeBalance(tx, key, deltaOnHand, deltaReserved);
  if (row === undefined) throw new Error(fault);
  return row;
}

/** SKU on-hand change the decider allowed: refused only if the decision was wrong. */
export async function changeSkuOnHandOrFail(tx: Tx, siteId: string, ownerId: string, sku: string, delta: number, unpickable: number,
  fault: string): Promise<void> {
  if ((await store.changeSkuOnHand(tx, siteId, ownerId, sku, delta, unpickable)) === undefined) throw new Error(fault);
}

/** An allocation row's new state, as a decider set it. */
export interface AllocationChange {
  readonly orderId: string;
  readonly lineId: string;
  readonly allocated: number;
  readonly shipped: number;
  readonly status: AllocationStatus;
}

export async function saveAllocation(tx: Tx, c: AllocationChange): Promise<void> {
  await store.updateAllocation(tx, c.orderId, c.lineId, c.allocated, c.shipped, c.status);
}

/** Units of a SKU no longer allocated (cancel, short pick, shortage, shipment). */
export interface Release {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly quantity: number;
}

/** The product and location a command names, as catalog and location-master answer (before any transaction). */
export async function lookUp(
  apis: StockApis, siteId: string, sku: string, ref: LocationRefOf,
): Promise<{ product: Product | undefined; location: Location | undefined }> {
  const product = (await apis.catalog.getBySkus([sku])).get(sku);
  return { product, location: await findLocation(apis.locations, siteId, ref) };
}

/** The location a reference names, when it names exactly one of id and code. */
export async function findLocation(locations: LocationMasterApi, siteId: string, ref: LocationRefOf): Promise<Location | undefined> {
  if (!namesOne(ref)) return undefined;
  return ref.id !== undefined ? (await locations.getLocations([ref.id])).get(ref.id) : locations.getLocationByCode(siteId, ref.code ?? '');
}
