import { on } from '../../contracts/events.ts';
import { LocationMasterEvents } from '../../contracts/location-master.ts';
import { PhysicalTrackingEvents } from '../../contracts/physical-tracking.ts';
import { TaskEvents } from '../../contracts/tasks.ts';
import { causedBy } from '../../platform/bus/envelope.ts';
import type { Subscription } from '../../platform/bus/event-bus.ts';
import type { Logger } from '../../platform/telemetry/logger.ts';
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
        on(LocationMasterEvents.locationStatusChanged, async (d, _e, tx) => tracking.learnLocationStatus(tx, d.siteId, d.locationId, d.to)),
      ],
    },
  ];
}

/**
 * A worker with a task profile is tracked (their handheld or badge may report positions). Every scan physical tracking
 * records at a location places the LPN and the worker it names there — once the scan's delivery has committed: a live
 * position is written to the position store (Redis) with the zone events it causes in transactions of its own, as an
 * RTLS report is, not inside the inbox's transaction. A scan whose placing fails is logged and not retried: the next
 * scan or report of the same thing places it (positions are newest-wins, ADR 0030).
 */
export function trackingSubscriptions(tracking: TrackingService, log: Logger): Subscription[] {
  return [
    on(TaskEvents.workerProfileChanged, async (d, _e, tx) => tracking.learnWorker(tx, d.workerId, d.siteId)),
    on(PhysicalTrackingEvents.scanRecorded, async (scan, event, tx) => {
      tx.afterCommit(() => {
        tracking.recordScanPosition(scan, causedBy(event)).catch((err: unknown) => log.warn({ err, scanId: scan.scanId }, 'location tracking: could not place a scan'));
      });
    }),
  ];
}
