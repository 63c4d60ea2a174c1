import { CatalogEvents } from '../../contracts/catalog.ts';
import { on, onMany } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import { WaveEvents } from '../../contracts/waves.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Projection } from '../../platform/module.ts';
import type { PickingService } from './service.ts';

/**
 * Reservations of a released wave become pick lists (per cart batch when the wave was released for batch picking);
 * order priorities and wave batches are kept for them, and products and locations projected (`pickingProjections`), so
 * building a list calls no other context; location-master changes drop the site's cached layout.
 */
export function pickingSubscriptions(picking: PickingService): Subscription[] {
  return [
    on(OrderEvents.received, async (d, _event, tx) => {
      await picking.savePriority(tx, d.orderId, d.priority);
    }),
    on(OrderEvents.cancelled, async (d, event, tx) => {
      await picking.orderCancelled(tx, d.orderId, causedBy(event));
    }),
    on(OrderEvents.reprioritised, async (d, event, tx) => {
      await picking.orderReprioritised(tx, d.orderId, d.to, causedBy(event));
    }),
    on(WaveEvents.released, async (d, _event, tx) => {
      if (d.pickStrategy === 'batch' && d.batches !== undefined) await picking.saveWaveBatches(tx, d.waveId, d.batches);
    }),
    on(InventoryEvents.reserved, async (d, event, tx) => {
      await picking.createFromReservations(tx, d, causedBy(event));
    }),
    // What became of a short's units: a new list for a re-reservation, or the order's picking settled (ADR 0024).
    on(InventoryEvents.shortResolved, async (d, event, tx) => {
      await picking.shortResolved(tx, d, causedBy(event));
    }),
    // Serials a confirm may pick (ADR 0058): received, or put back by a return's confirm. Not a replayable projection:
    // whether a serial is in stock also follows picking's own confirms, which take it out in their transaction.
    on([InventoryEvents.received, InventoryEvents.returnConfirmed], async (d, _event, tx) => {
      if (d.serials !== undefined && d.serials.length > 0) await picking.serialsInStock(tx, d);
    }),
    // Both payloads name their site (LayoutGenerated, LocationStatusChanged).
    on([LocationMasterEvents.layoutGenerated, LocationMasterEvents.locationStatusChanged], async (d, event, tx) => {
      picking.layoutChanged(tx, event.siteid ?? d.siteId);
    }),
  ];
}

/**
 * Products, locations and the worker holding each list, as picking needs them, from the catalog's, location-master's
 * and tasks' events. Each table is written only here, by idempotent upserts that do nothing else (dropping the cached
 * layout after commit is no state), so `paklog replay picking` can rebuild them from the event store, or backfill them
 * on an installation older than migrations 006, 007 and 008.
 */
export function pickingProjections(picking: PickingService): Projection[] {
  return [
    {
      name: 'products',
      tables: ['products'],
      subscriptions: [
        on(CatalogEvents.productCreated, async (d, _event, tx) => {
          await picking.learnProduct(tx, d);
        }),
        on(CatalogEvents.productUpdated, async (d, _event, tx) => {
          await picking.relearnProduct(tx, d);
        }),
      ],
    },
    {
      name: 'locations',
      tables: ['locations'],
      subscriptions: [
        on(LocationMasterEvents.locationCreated, async (d, _event, tx) => {
          await picking.learnLocations(tx, [d]);
          picking.layoutChanged(tx, d.siteId);
        }),
        on(LocationMasterEvents.layoutLocationsGenerated, async (d, _event, tx) => {
          await picking.learnLocations(tx, d.locations);
          picking.layoutChanged(tx, d.siteId);
        }),
      ],
    },
    {
      // Which worker's task holds each pick list: a signed-in person scans only on its own (floor-action.ts).
      name: 'list-workers',
      tables: ['list_workers'],
      subscriptions: [
        // A failed task is nobody's (workerId null) until its next claim: the worker who failed it scans it no more.
        onMany([TaskEvents.assigned, TaskEvents.started, TaskEvents.rejected, TaskEvents.timedOut, TaskEvents.failed, TaskEvents.requeued], async (changes, tx) => {
          await picking.holdLists(tx, changes.filter(({ data }) => data.type === 'PICK').map(({ data }) => ({ listId: data.reference, taskId: data.taskId, workerId: data.workerId })));
        }),
      ],
    },
  ];
}
