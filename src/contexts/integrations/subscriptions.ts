import { WEBHOOK_EVENT_TYPES } from '../../contracts/integrations.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { IntegrationsService } from './service.ts';

/**
 * Every event type a webhook may ask for: each becomes its deliveries in the handler's transaction (outbox style).
 * A plain subscription rather than `on(...)`: the handler forwards the envelope as it is and reads no payload field
 * but `siteId`/`ownerId`, which it checks at run time.
 */
export function integrationsSubscriptions(service: IntegrationsService): Subscription[] {
  return [{ types: WEBHOOK_EVENT_TYPES, handle: (event, tx) => service.recordEvent(tx, event) }];
}
