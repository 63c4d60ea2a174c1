/**
 * The published language as one typed catalogue: every contract's event schemas by type name. Subscriptions are made
 * with `on(OrderEvents.received, (data, event, tx) => …)`: `data` is the payload type of the name, with no cast.
 */
import { publishedLanguage, type EnvelopeOf, type NewEventOf } from '../platform/bus/published-language.ts';
import { CatalogEventSchemas } from './catalog.ts';
import { IntegrationsEventSchemas } from './integrations.ts';
import { InventoryEventSchemas } from './inventory.ts';
import { LocationMasterEventSchemas } from './location-master.ts';
import { LocationTrackingEventSchemas } from './location-tracking.ts';
import { OrchestrationEventSchemas } from './orchestration.ts';
import { OrderEventSchemas } from './orders.ts';
import { PackShipEventSchemas } from './pack-ship.ts';
import { PhysicalTrackingEventSchemas } from './physical-tracking.ts';
import { PickingEventSchemas } from './picking.ts';
import { PlatformEventSchemas } from '../platform/identity/admin-events.ts';
import { QualityEventSchemas } from './quality.ts';
import { TaskEventSchemas } from './tasks.ts';
import { WaveEventSchemas } from './waves.ts';

/** Each context's event schemas, by producing context (the context is the events' `source`). */
export const EVENT_SCHEMAS_BY_PRODUCER = {
  catalog: CatalogEventSchemas,
  'location-master': LocationMasterEventSchemas,
  inventory: InventoryEventSchemas,
  orders: OrderEventSchemas,
  waves: WaveEventSchemas,
  tasks: TaskEventSchemas,
  picking: PickingEventSchemas,
  'pack-ship': PackShipEventSchemas,
  quality: QualityEventSchemas,
  orchestration: OrchestrationEventSchemas,
  'physical-tracking': PhysicalTrackingEventSchemas,
  'location-tracking': LocationTrackingEventSchemas,
  integrations: IntegrationsEventSchemas,
  platform: PlatformEventSchemas,
} as const;

export const PublishedEvents = publishedLanguage({
  ...CatalogEventSchemas,
  ...LocationMasterEventSchemas,
  ...InventoryEventSchemas,
  ...OrderEventSchemas,
  ...WaveEventSchemas,
  ...TaskEventSchemas,
  ...PickingEventSchemas,
  ...PackShipEventSchemas,
  ...QualityEventSchemas,
  ...OrchestrationEventSchemas,
  ...PhysicalTrackingEventSchemas,
  ...LocationTrackingEventSchemas,
  ...IntegrationsEventSchemas,
  ...PlatformEventSchemas,
});

type Schemas = typeof PublishedEvents.schemas;
/** Every published event type name. */
export type EventType = Extract<keyof Schemas, string>;
/** The envelope of one of the types `T`, discriminated by `type`. */
export type EnvelopeFor<T extends EventType> = EnvelopeOf<Schemas, T>;
/** A new event of a published type whose `data` matches that type's schema. */
export type PublishedEvent<T extends EventType = EventType> = NewEventOf<Schemas, T>;

/** A typed subscription: `on(WaveEvents.released, async (wave, event, tx) => …)`. */
export const on = PublishedEvents.on;

/** A typed set-based subscription: `onMany(OrderEvents.received, async (items, tx) => …)` (ADR 0043). */
export const onMany = PublishedEvents.onMany;
