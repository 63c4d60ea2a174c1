import { loadMigrations } from '../../platform/db/migrations.ts';
import type { ContextModule, PlatformDeps } from '../../platform/module.ts';
import { taskRoutes } from './http.ts';
import { taskService } from './service.ts';
import { taskSubscriptions } from './subscriptions.ts';

/** tasks: the unified task pool and its atomic assignment to workers. */
export function tasksContext(deps: PlatformDeps): ContextModule {
  const tasks = taskService(deps);
  return {
    name: 'tasks',
    schema: 'tasks',
    migrations: loadMigrations(new URL('./migrations/', import.meta.url)),
    routes: (app) => taskRoutes(app, tasks),
    subscriptions: taskSubscriptions(tasks),
  };
}
