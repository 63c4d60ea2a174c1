import { on } from '../../../contracts/events.ts';
import { InventoryEvents } from '../../../contracts/inventory.ts';
import { PackShipEvents } from '../../../contracts/pack-ship.ts';
import type { Subscription } from '../../../platform/bus/event-bus.ts';
import type { PortsService } from './service.ts';

/** The events the ERP and TMS ports turn into messages, in the handler's transaction (ADR 0039); none when both are off. */
export function portsSubscriptions(ports: PortsService): Subscription[] {
  if (ports.partners.length === 0) return [];
  return [
    on(PackShipEvents.shipmentDispatched, (d, e, tx) => ports.shipmentDispatched(tx, d, e)),
    ...(ports.erp === undefined ? [] : [on(InventoryEvents.adjusted, (d, e, tx) => ports.stockAdjusted(tx, d, e))]),
  ];
}
