import { on } from '../../contracts/events.ts';
import { InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrderEvents } from '../../contracts/orders.ts';
import { PickingEvents } from '../../contracts/picking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { WaveService } from './service.ts';

/**
 * The pool follows the orders; waves follow their pick lists; orders a release could not reserve leave their wave;
 * location-master changes drop the site's cached layout (cart batching).
 */
export function waveSubscriptions(waves: WaveService): Subscription[] {
  return [
    // The event time is when the order became ready: it orders the pool by age.
    on(OrderEvents.allocated, async (order, event, tx) => waves.orderAllocated(tx, order, event.time)),
    on(OrderEvents.cancelled, async (cancel, event, tx) => waves.orderCancelled(tx, cancel, causedBy(event))),
    on(OrderEvents.reprioritised, async (d, _event, tx) => waves.orderReprioritised(tx, d.orderId, d.to)),
    // A line change (ADR 0046): the hold ends; `orders.order.allocated` of the new lines follows (same subject, in order).
    on(OrderEvents.linesChanged, async (d, _event, tx) => waves.orderLinesChanged(tx, d.orderId, d.changeId)),
    // A change or hold orders will not apply (ADR 0046 addendum): its pool hold, if still its own, ends.
    on(OrderEvents.changeDropped, async (d, _event, tx) => waves.orderChangeDropped(tx, d.orderId, d.changeId)),
    // A hold released (ADR 0052): the order is plannable again; `orders.order.allocated` follows if it was allocated while held.
    on(OrderEvents.holdReleased, async (d, _event, tx) => waves.orderHoldReleased(tx, d.orderId)),
    on(InventoryEvents.reserved, async (d, event, tx) => {
      await waves.ordersBackordered(tx, d.waveId, d.backordered.map((o) => o.orderId), causedBy(event));
    }),
    // An order is picked when picking says it is done (ADR 0024): with a list's completion, or on its own.
    on(PickingEvents.listCompleted, async (d, event, tx) => {
      await waves.pickListCompleted(tx, d.waveId, d.ordersDone ?? d.orderIds, causedBy(event));
    }),
    on(PickingEvents.orderPicked, async (d, event, tx) => {
      await waves.pickListCompleted(tx, d.waveId, [d.orderId], causedBy(event));
    }),
    on([
      LocationMasterEvents.locationCreated, LocationMasterEvents.locationStatusChanged,
      LocationMasterEvents.layoutGenerated, LocationMasterEvents.layoutLocationsGenerated,
    ], async (d, _event, tx) => waves.siteLayoutChanged(tx, d.siteId)),
  ];
}
