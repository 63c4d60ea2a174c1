import { InventoryEvents, type StockReserved } from '../../contracts/inventory.ts';
import { OrderEvents, type OrderAllocated, type OrderCancelled } from '../../contracts/orders.ts';
import { PickingEvents, type PickListCompleted } from '../../contracts/picking.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { WaveService } from './service.ts';

/** The pool follows the orders; waves follow their pick lists; orders a release could not reserve leave their wave. */
export function waveSubscriptions(waves: WaveService): Subscription[] {
  return [
    {
      types: [OrderEvents.allocated],
      // The event time is when the order became ready: it orders the pool by age.
      handle: async (event, tx) => waves.orderAllocated(tx, event.data as OrderAllocated, event.time),
    },
    {
      types: [OrderEvents.cancelled],
      handle: async (event, tx) => waves.orderCancelled(tx, event.data as OrderCancelled, causedBy(event)),
    },
    {
      types: [InventoryEvents.reserved],
      handle: async (event, tx) => {
        const d = event.data as StockReserved;
        await waves.ordersBackordered(tx, d.waveId, d.backordered.map((o) => o.orderId), causedBy(event));
      },
    },
    {
      types: [PickingEvents.listCompleted],
      handle: async (event, tx) => {
        const d = event.data as PickListCompleted;
        await waves.pickListCompleted(tx, d.waveId, d.orderIds, causedBy(event));
      },
    },
  ];
}
