import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import { InventoryEvents, type StockReserved } from '../../contracts/inventory.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { OrderEvents, type OrderCancelled, type OrderReceived } from '../../contracts/orders.ts';
import { WaveEvents, type WaveReleased } from '../../contracts/waves.ts';
import type { PickingService } from './service.ts';

/**
 * Reservations of a released wave become pick lists (per cart batch when the wave was released for batch picking);
 * order priorities and wave batches are remembered for them; location-master changes drop the site's cached layout.
 */
export function pickingSubscriptions(picking: PickingService): Subscription[] {
  return [
    {
      types: [OrderEvents.received],
      handle: async (event, tx) => {
        const d = event.data as OrderReceived;
        await picking.savePriority(tx, d.orderId, d.priority);
      },
    },
    {
      types: [OrderEvents.cancelled],
      handle: async (event, tx) => {
        const d = event.data as OrderCancelled;
        await picking.orderCancelled(tx, d.orderId, causedBy(event));
      },
    },
    {
      types: [WaveEvents.released],
      handle: async (event, tx) => {
        const d = event.data as WaveReleased;
        if (d.pickStrategy === 'batch' && d.batches !== undefined) await picking.saveWaveBatches(tx, d.waveId, d.batches);
      },
    },
    {
      types: [InventoryEvents.reserved],
      handle: async (event, tx) => {
        await picking.createFromReservations(tx, event.data as StockReserved, causedBy(event));
      },
    },
    {
      types: [LocationMasterEvents.layoutGenerated, LocationMasterEvents.locationCreated, LocationMasterEvents.locationStatusChanged],
      handle: async (event, tx) => {
        // Every one of these payloads names its site (LayoutGenerated, Location, LocationStatusChanged).
        const siteId = event.siteid ?? (event.data as { siteId?: string }).siteId;
        if (siteId !== undefined) picking.layoutChanged(tx, siteId);
      },
    },
  ];
}
