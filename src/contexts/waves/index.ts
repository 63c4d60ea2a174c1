import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { loadMigrations } from '../../platform/db/migrations.ts';
import type { ContextModule, PlatformDeps } from '../../platform/module.ts';
import { waveRoutes } from './http.ts';
import { WaveService } from './service.ts';
import { waveSubscriptions } from './subscriptions.ts';

/**
 * waves: the pool of allocated orders and the waves planned from it. The locations API is for batching by route
 * (a later issue); discrete picking does not need it.
 */
export function wavesContext(deps: PlatformDeps, _apis: { locations: LocationMasterApi }): ContextModule {
  const service = new WaveService(deps);
  return {
    name: 'waves',
    schema: 'waves',
    migrations: loadMigrations(new URL('./migrations/', import.meta.url)),
    routes: waveRoutes(deps, service),
    subscriptions: waveSubscriptions(service),
  };
}
