import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { defineContext, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { workloadRoutes } from './http.ts';
import { workloadService, type WorkloadService } from './service.ts';
import { WORKLOAD_PROJECTION_TABLES, workloadProjection } from './subscriptions.ts';

export interface WorkloadOptions {
  /** Resolves the site a request names (id or code). */
  readonly locations: Pick<LocationMasterApi, 'getSite' | 'listLocations'>;
}

export interface WorkloadModule extends ContextModule {
  /** The plan, forecast and standards, for in-process drivers (the workload bench, tests). */
  readonly planner: WorkloadService;
}

/** workload: labour standards, learned corrections, worker performance, the forecast of work and the staffing plan (issue 14). */
export function workloadContext(deps: PlatformDeps, options: WorkloadOptions): WorkloadModule {
  // A roster's zones are location-master's (the projection here may not have heard of a layout made a moment ago), of
  // locations in use: a zone whose locations are all deactivated (out of use for good) has no work and no one to roster.
  const service = workloadService(deps, async (siteId) =>
    new Set((await options.locations.listLocations(siteId)).flatMap((l) => (l.zone === null || l.status === 'INACTIVE' ? [] : [l.zone]))));
  const module = defineContext({
    name: 'workload',
    schema: 'workload',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations },
    routes: (app) => workloadRoutes(app, service, options.locations, deps.idempotency),
    projections: [{ name: 'floor', tables: WORKLOAD_PROJECTION_TABLES, subscriptions: workloadProjection() }],
  });
  return { ...module, planner: service };
}
