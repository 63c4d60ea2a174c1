import { on } from '../../contracts/events.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Projection } from '../../platform/module.ts';
import type { TrackingService } from './service.ts';

/**
 * Sites and locations from location-master: a topic's site, the site's bounds, the zone and type of the location
 * nearest a position. Rebuildable with `paklog replay location-tracking` (an installation that had sites before this
 * context existed fills them that way).
 */
export function trackingProjections(tracking: TrackingService): Projection[] {
  return [
    { name: 'sites', tables: ['sites'], subscriptions: [on(LocationMasterEvents.siteCreated, async (d, _e, tx) => tracking.learnSite(tx, d))] },
    {
      name: 'locations',
      tables: ['locations'],
      subscriptions: [
        on(LocationMasterEvents.locationCreated, async (d, _e, tx) => tracking.learnLocations(tx, d.siteId, [d])),
        on(LocationMasterEvents.layoutLocationsGenerated, async (d, _e, tx) => tracking.learnLocations(tx, d.siteId, d.locations)),
      ],
    },
  ];
}

/** A worker with a task profile is tracked (their handheld or badge may report positions). */
export function trackingSubscriptions(tracking: TrackingService): Subscription[] {
  return [on(TaskEvents.workerProfileChanged, async (d, _e, tx) => tracking.learnWorker(tx, d.workerId, d.siteId))];
}
