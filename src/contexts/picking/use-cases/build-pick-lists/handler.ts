import type { StockReserved } from '../../../../contracts/inventory.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { PickList } from '../../domain/pick-list.ts';
import type { PickSequencer } from '../../domain/pick-sequence.ts';
import { pickStore } from '../../store.ts';
import { decideBuildPickLists, openReservations } from './decide.ts';

const distinct = (values: readonly string[]): string[] => [...new Set(values)];

/**
 * On `inventory.stock.reserved`, inside its inbox transaction: everything the lists need comes from picking's own
 * tables (its projections of orders, catalog and location master, issue 8), never from another context's API. The
 * whole wave is a lock, three reads and three writes (its lists, their lines, their events), whatever its size.
 */
export function buildPickListsHandler(
  deps: Pick<PlatformDeps, 'bus' | 'clock' | 'ids'>, sequencerFor: (tx: Tx, siteId: string) => Promise<PickSequencer>,
) {
  return async (tx: Tx, reserved: StockReserved, meta: EventMeta): Promise<PickList[]> => {
    const open = openReservations(reserved);
    if (open.length === 0) return [];
    // Before the tombstone check: a cancel of one of these orders either committed its tombstone first (seen below)
    // or waits until these lines are committed (and withdraws them).
    await pickStore.lockOrdersForLists(tx, distinct(open.map((r) => r.orderId)), 'shared');
    const unlistable = await pickStore.unlistable(tx, open);
    const batches = await pickStore.waveBatches(tx, reserved.waveId);
    const facts = await pickStore.facts(tx, {
      orderIds: distinct(open.map((r) => r.orderId)), skus: distinct(open.map((r) => r.sku)),
      locationIds: distinct(open.map((r) => r.locationId)),
    });
    const sequencer = await sequencerFor(tx, reserved.siteId);
    const state = { unlistable, batches, ...facts, sequencer };
    const { lists, events } = unwrap(decideBuildPickLists(state, { reserved, ids: deps.ids }, deps.clock.now()));
    if (lists.length === 0) return [];
    await pickStore.insertLists(tx, lists, lists.flatMap((l) => l.lines));
    await deps.bus.append(tx, 'picking', events, meta);
    return [...lists];
  };
}
