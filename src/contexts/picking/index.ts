import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { pickingRoutes } from './http.ts';
import { pickingService } from './service.ts';
import { pickingProjections, pickingSubscriptions } from './subscriptions.ts';

/**
 * picking: pick lists from reservations, scan confirmations, short picks. It requires no other context's API: what
 * it needs of orders, the catalog and the location master it keeps from their events.
 */
export function pickingContext(deps: PlatformDeps): ContextModule {
  const picking = pickingService(deps);
  return defineContext({
    name: 'picking',
    schema: 'picking',
    migrations: new URL('./migrations/', import.meta.url),
    routes: (app) => pickingRoutes(app, deps, picking),
    sitesOf: { pkl: siteOfRow(deps.db, 'picking.pick_lists') },
    subscriptions: pickingSubscriptions(picking),
    // Rebuildable with `paklog replay picking` (docs/operations/distributed.md, Rebuilding projections).
    projections: pickingProjections(picking),
  });
}
