import type { PhysicalTrackingApi } from '../../contracts/physical-tracking.ts';
import { defineContext, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import type { Job } from '../../platform/jobs.ts';
import { trackingRoutes } from './http.ts';
import { MemoryPositionStore, RedisPositionStore, type PositionStore } from './position-store.ts';
import { rtlsConsumer, type RtlsConsumer } from './rtls-consumer.ts';
import { trackingService, type TrackingService, type TrackingSettings } from './service.ts';
import { trackingProjections, trackingSubscriptions } from './subscriptions.ts';

export interface LocationTrackingOptions {
  /** Asked before an LPN is registered for tracking (PUT /tracked/lpn/{id}): only an LPN of the site is. */
  readonly physicalTracking: Pick<PhysicalTrackingApi, 'getLpn'>;
  /** MQTT_URL: the RTLS feed is consumed only when set. */
  readonly mqttUrl?: string | undefined;
  /** REDIS_URL and the installation's namespace: positions in Redis, shared by the processes; memory otherwise. */
  readonly redis?: { readonly url: string; readonly namespace: string } | undefined;
  readonly settings?: Partial<TrackingSettings>;
  /** Period of the alert scan (PAKLOG_RTLS_ALERT_SCAN_MS). */
  readonly alertScanMs?: number;
}

export const DEFAULT_TRACKING_SETTINGS: TrackingSettings = {
  marginM: 10, snapM: 2, idleRadiusM: 1.5, stagedMaxS: 2 * 3600, idleMaxS: 10 * 60,
};

export interface LocationTrackingModule extends ContextModule {
  readonly tracking: TrackingService;
  /** The MQTT consumer, when MQTT_URL is set. */
  readonly rtls: RtlsConsumer | undefined;
}

/** location-tracking: where LPNs, workers and equipment are now (ADR 0030); it asks physical tracking whether an LPN exists before tracking it. */
export function locationTrackingContext(deps: PlatformDeps, options: LocationTrackingOptions): LocationTrackingModule {
  const positions: PositionStore = options.redis === undefined ? new MemoryPositionStore() : new RedisPositionStore(options.redis);
  const tracking = trackingService(deps, positions, { ...DEFAULT_TRACKING_SETTINGS, ...options.settings }, options.physicalTracking);
  const rtls = options.mqttUrl === undefined ? undefined : rtlsConsumer(tracking, { url: options.mqttUrl, log: deps.log });
  const jobs: Job[] = [
    { name: 'location-tracking.alert-scan', everyMs: options.alertScanMs ?? 30_000, run: () => tracking.scanAlerts() },
    // Without a period: runs from start until the app closes (its signal): the RTLS feed when MQTT_URL is set, then,
    // once the reports in hand are applied, the position store's connection is closed.
    {
      name: 'location-tracking.rtls-feed',
      run: async (given) => {
        const signal = given ?? new AbortController().signal;
        if (rtls !== undefined) await rtls.run(signal);
        else if (!signal.aborted) await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
        await positions.close();
      },
    },
  ];
  const module = defineContext({
    name: 'location-tracking',
    schema: 'location_tracking',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { physicalTracking: options.physicalTracking },
    routes: (app) => trackingRoutes(app, deps, tracking),
    subscriptions: trackingSubscriptions(tracking, deps.log),
    projections: trackingProjections(tracking),
    jobs,
  });
  return { ...module, tracking, rtls };
}
