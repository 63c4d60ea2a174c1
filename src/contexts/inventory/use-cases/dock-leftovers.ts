import type { PublishedEvent } from '../../../contracts/events.ts';
import type { Location } from '../../../contracts/location-master.ts';
import type { Tx } from '../../../platform/db/database.ts';
import type { BalanceKey } from '../domain/ledger.ts';
import * as inbound from '../inbound-store.ts';
import * as store from '../store.ts';

/**
 * AVAILABLE units of this owner, SKU and lot still on hand at a RECEIVING location that no OPEN putaway covers, read in
 * the transaction that changed them (the balance locked and written by it): undefined anywhere else. Named in the
 * events that take AVAILABLE units off a dock (`uncoveredAtDock`): at 0 orchestration resolves UNITS_LEFT_AT_DOCK.
 */
export async function uncoveredAtDock(tx: Tx, location: Pick<Location, 'id' | 'type'> | undefined, key: Omit<BalanceKey, 'locationId' | 'status'>): Promise<number | undefined> {
  if (location?.type !== 'RECEIVING') return undefined;
  const at = { ...key, locationId: location.id, status: 'AVAILABLE' as const };
  const onHand = (await store.getBalance(tx, at))?.on_hand ?? 0;
  return Math.max(0, onHand - await inbound.openPutawayUnits(tx, at));
}

/** `events` with `uncoveredAtDock` added to the data of those of type `type` (unchanged when it is undefined). */
export function withUncoveredAtDock(events: readonly PublishedEvent[], type: PublishedEvent['type'], uncovered: number | undefined): readonly PublishedEvent[] {
  if (uncovered === undefined) return events;
  return events.map((e) => (e.type === type ? { ...e, data: { ...e.data, uncoveredAtDock: uncovered } } as PublishedEvent : e));
}
