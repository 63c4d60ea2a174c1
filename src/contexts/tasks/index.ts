// Scaffold: replaced by the context's real module.
import type { PlatformDeps, ContextModule } from '../../platform/module.ts';

export function tasksContext(_deps: PlatformDeps): ContextModule {
  return { name: 'tasks', schema: 'tasks', migrations: [] };
}
