import { loadMigrations } from '../../platform/db/migrations.ts';
import type { ContextModule, PlatformDeps } from '../../platform/module.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { taskRoutes } from './http.ts';
import { taskService } from './service.ts';
import { taskSubscriptions } from './subscriptions.ts';

export interface TasksOptions {
  /** Resolves the site a request names (id or code). */
  readonly locations: Pick<LocationMasterApi, 'getSite'>;
  /** PAKLOG_TASK_ASSIGN_TIMEOUT_S: an ASSIGNED task not started this long after its assignment goes back to the queue. */
  readonly assignTimeoutS?: number;
}

/** The tasks context: its module plus the assignment-timeout sweep its timer runs (callable directly, e.g. by tests). */
export interface TasksModule extends ContextModule {
  /** Requeues every ASSIGNED task past the timeout now; returns how many. */
  requeueStale(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

/** tasks: the unified task pool and its atomic assignment to workers. */
export function tasksContext(deps: PlatformDeps, options: TasksOptions): TasksModule {
  const assignTimeoutS = options.assignTimeoutS ?? 300;
  const tasks = taskService(deps, { assignTimeoutS });
  // Sweep often enough that a task waits at most about a quarter of the timeout beyond it, at most every 30 s.
  const sweepMs = Math.max(1_000, Math.min(30_000, Math.floor((assignTimeoutS * 1000) / 4)));
  let timer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> | undefined;

  const sweep = (): void => {
    if (sweeping !== undefined) return; // a slow sweep is not overtaken by the next one
    sweeping = tasks.requeueStale()
      .then(() => undefined, (err: unknown) => deps.log.error({ err }, 'task assignment timeout sweep failed'))
      .finally(() => {
        sweeping = undefined;
      });
  };

  return {
    name: 'tasks',
    schema: 'tasks',
    migrations: loadMigrations(new URL('./migrations/', import.meta.url)),
    routes: (app) => taskRoutes(app, deps, tasks, options.locations),
    subscriptions: taskSubscriptions(tasks),
    requeueStale: () => tasks.requeueStale(),
    start() {
      if (timer !== undefined) return;
      timer = setInterval(sweep, sweepMs);
      timer.unref(); // the HTTP server and the bus keep the process alive, not this timer
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await sweeping;
    },
  };
}
