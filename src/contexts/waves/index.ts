// Scaffold: replaced by the context's real module.
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function wavesContext(_deps: PlatformDeps, _apis: { locations: LocationMasterApi }): ContextModule {
  return { name: 'waves', schema: 'waves', migrations: [] };
}
