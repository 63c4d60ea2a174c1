import type { Location } from '../../../../contracts/location-master.ts';
import type { PublishedEvent } from '../../../../contracts/events.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { putawayTargetTypes } from '../../domain/inbound.ts';
import type { PutawayCandidate, PutawayPolicy } from '../../domain/putaway-policy.ts';
import * as inbound from '../../inbound-store.ts';
import * as store from '../../store.ts';
import type { StockApis } from '../ledger-writes.ts';
import { putawayCandidates } from '../receive-inbound/handler.ts';
import { decideReputReleased, decideWithdrawReleased, type ReputCommand } from './decide.ts';
import type { StockStatus } from '../../../../contracts/inventory.ts';

/** What a putaway of released units needs from other contexts, read before the transaction (as a receipt does). */
export interface ReputFacts {
  readonly dock: Pick<Location, 'id' | 'type' | 'x' | 'y'>;
  readonly unit: { readonly volumeCm3: number; readonly weightG: number } | null;
  readonly candidates: readonly PutawayCandidate[];
}

/** The facts when the units are released at a RECEIVING location; undefined elsewhere (nothing to put away). */
export async function reputFacts(db: PlatformDeps['db'], apis: StockApis, siteId: string, sku: string, location: Location | undefined): Promise<ReputFacts | undefined> {
  if (location?.type !== 'RECEIVING' || location.siteId !== siteId) return undefined;
  const product = (await apis.catalog.getBySkus([sku])).get(sku);
  const unit = product === undefined ? null : { volumeCm3: (product.lengthMm * product.widthMm * product.heightMm) / 1000, weightG: product.weightG };
  return { dock: location, unit, candidates: await putawayCandidates(db, apis, siteId, putawayTargetTypes('AVAILABLE')) };
}

/**
 * The facts for a release an event made (a found LPN, an inspection's RELEASE or REWORK disposition), read in the
 * event's transaction from inventory's own projection of the location (`inventory.locations`, fed by location-master's
 * events): an event handler may not ask location-master (a second connection while its transaction is open). So the
 * putaway has no suggested location (no coordinates nor candidates here): its PUTAWAY task takes the worker to the dock
 * and the confirm scan puts the units to any active storage location (the confirm checks the type). Undefined when the
 * location is not a RECEIVING location of the site (nothing to put away).
 */
export async function reputFactsInTx(tx: Tx, siteId: string, locationId: string): Promise<ReputFacts | undefined> {
  const row = await store.getLocation(tx, locationId);
  if (row?.type !== 'RECEIVING' || row.site_id !== siteId) return undefined;
  return { dock: { id: row.location_id, type: row.type, x: 0, y: 0 }, unit: null, candidates: [] };
}

/**
 * In the release's transaction, after its status change (both balances locked, so two releases there queue, and a
 * putaway confirm, which moves these units under the same lock, is counted in or out whole): the units OPEN putaways
 * of them still cover at the dock are read, and a putaway is made for the released units they do not cover. Returns
 * its `inventory.stock.putaway-requested` (tasks queues the PUTAWAY task) for the caller to record with its own events.
 */
export async function putawayReleased(
  tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'clock'>, policy: PutawayPolicy, facts: ReputFacts, available: number,
  cmd: Omit<ReputCommand, 'putawayId' | 'locationId'>,
): Promise<readonly PublishedEvent[]> {
  const key = { siteId: cmd.siteId, ownerId: cmd.ownerId, sku: cmd.sku, locationId: facts.dock.id, lot: cmd.lot };
  const covered = await inbound.openPutawayUnits(tx, key);
  const d = decideReputReleased({ ...facts, available, covered, policy }, { ...cmd, locationId: facts.dock.id, putawayId: deps.ids.next('put') }, deps.clock.now());
  if (!d.ok || d.value === null) return [];
  if (await inbound.insertPutawayOnce(tx, d.value.putaway, deps.clock.now()) === undefined) return [];
  return d.value.events;
}

/**
 * In the release's transaction, after its status change: the OPEN putaways of the released status at the dock (locked
 * by the caller before its location and balance locks, `lockOpenPutawaysAt`) give up the units that status no longer
 * has there (`decideWithdrawReleased`): reduced (`inventory.stock.putaway-reduced`), or cancelled with their PUTAWAY
 * task withdrawn (`inventory.stock.putaway-cancelled`). Returns those events for the caller to record.
 */
export async function withdrawReleased(
  tx: Tx, deps: Pick<PlatformDeps, 'clock'>, locked: readonly inbound.PutawayRow[], left: number,
  cmd: { siteId: string; ownerId: string; sku: string; lot: string; locationId: string; status: StockStatus; released: number; releaseMovementId: string; why?: string },
): Promise<readonly PublishedEvent[]> {
  if (locked.length === 0) return [];
  const covered = await inbound.openPutawayUnits(tx, cmd);
  const events: PublishedEvent[] = [];
  for (const step of decideWithdrawReleased({ putaways: locked, covered, left }, cmd)) {
    if (step.kind === 'REDUCE') await inbound.reducePutaway(tx, step.putawayId, step.quantity, deps.clock.now());
    else await inbound.setPutawayStatus(tx, step.putawayId, 'CANCELLED', deps.clock.now());
    events.push(step.event);
  }
  return events;
}

/**
 * The OPEN AVAILABLE putaways of these units waiting at `location` when it is a RECEIVING location ([] elsewhere),
 * locked (`lockOpenPutawaysAt`) before the caller's location and balance locks, the order a putaway confirm locks in:
 * what a move off the dock, an adjustment or a count there hands to `withdrawTakenOffDock` after its write.
 */
export async function lockDockPutaways(
  tx: Tx, location: { readonly id: string; readonly type: string } | undefined, key: { siteId: string; ownerId: string; sku: string; lot: string },
): Promise<inbound.PutawayRow[]> {
  if (location?.type !== 'RECEIVING') return [];
  return inbound.lockOpenPutawaysAt(tx, { ...key, locationId: location.id, status: 'AVAILABLE' });
}

/**
 * After a write that took `taken` AVAILABLE units off a dock by hand (a move, an adjustment or a count there finding
 * fewer), its balance locked and written: the putaways `lockDockPutaways` locked give up what the dock no longer has, as
 * a lost LPN found elsewhere has them do (`decideWithdrawReleased`): covered − (AVAILABLE left there + units held there,
 * which may come back), at most `taken`, newest first, cancelled (task withdrawn) or reduced with `why`. Else they
 * waited for units no longer there, every confirm 409 INSUFFICIENT_STOCK. Returns their events for the caller to record.
 * `written` false: called just before the write, with the balance locked (the units are read as already gone).
 */
export async function withdrawTakenOffDock(
  tx: Tx, deps: Pick<PlatformDeps, 'clock'>, locked: readonly inbound.PutawayRow[],
  key: { siteId: string; ownerId: string; sku: string; lot: string; locationId: string }, taken: number, movementId: string, why: string,
  written = true,
): Promise<readonly PublishedEvent[]> {
  if (locked.length === 0 || taken <= 0) return [];
  const available = await store.getBalance(tx, { ...key, status: 'AVAILABLE' });
  const held = await store.getBalance(tx, { ...key, status: 'HOLD' });
  // Called before the write (`written` false: a move records its events with its movements), the units are still there.
  const left = (available === undefined ? 0 : available.on_hand - available.reserved) - (written ? 0 : taken) + (held?.on_hand ?? 0);
  return withdrawReleased(tx, deps, locked, left, { ...key, status: 'AVAILABLE', released: taken, releaseMovementId: movementId, why });
}
