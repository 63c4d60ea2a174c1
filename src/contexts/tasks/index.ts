import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import type { PickingApi } from '../../contracts/picking.ts';
import type { TaskCommands } from '../../contracts/tasks.ts';
import { taskRoutes } from './http.ts';
import { taskStore } from './store.ts';
import { ENDED_WORK_PRUNE_EVERY_MS, taskService, type TaskService } from './service.ts';
import { taskSubscriptions } from './subscriptions.ts';

export interface TasksOptions {
  /** Resolves the site a request names (id or code); the site's locations give travel between tasks. */
  readonly locations: Pick<LocationMasterApi, 'getSite' | 'getLocations' | 'listLocations'>;
  /** How many candidates interleaving chooses among (default domain/ranking.ts INTERLEAVE_TOP_K; 1 = priority order only). */
  readonly interleaveTopK?: number;
  /** PAKLOG_TASK_ASSIGN_TIMEOUT_S: an ASSIGNED task not started this long after its assignment goes back to the queue. */
  readonly assignTimeoutS?: number;
  /** PAKLOG_TASK_MAX_FAILURES: a task failed this many times stays FAILED for a supervisor (default 3). */
  readonly maxFailures?: number;
  /** Whether a PICK task's pick list still has open lines: a worker's complete is refused while it has (PICK_LINES_OPEN). */
  readonly picking: Pick<PickingApi, 'pickListProgress'>;
  /**
   * Whether a PUTAWAY, REPLENISH, MOVE or COUNT task's inventory work is still open (a complete is refused while it is:
   * TASK_WORK_OPEN), else done or withdrawn (TASK_WORK_WITHDRAWN; `next` ends a held task COMPLETED or CANCELLED by it).
   */
  readonly inventory: Pick<InventoryApi, 'openTaskWork' | 'taskWorkState'>;
  /**
   * Whether a PACK task's order still has picked units to pack (a complete is refused while it has: TASK_WORK_OPEN),
   * else packed or cancelled (TASK_WORK_WITHDRAWN; `next` ends a held PACK task COMPLETED or CANCELLED by it).
   */
  readonly packShip: Pick<PackShipApi, 'openPackWork' | 'packWorkState'>;
}

/** The tasks context: its module plus the assignment-timeout sweep its job runs (callable directly, e.g. by tests). */
export interface TasksModule extends ContextModule {
  /** Requeues every ASSIGNED task past the timeout now; returns how many. */
  requeueStale(): Promise<number>;
  /** What orchestration's exception actions may do to tasks (in-process only). */
  readonly commands: TaskCommands;
  /** The task engine itself, for in-process drivers (the floor bench, tests). */
  readonly engine: TaskService;
}

/** tasks: the unified task pool and its atomic assignment to workers. The reference example of docs/dev/contexts.md. */
export function tasksContext(deps: PlatformDeps, options: TasksOptions): TasksModule {
  const assignTimeoutS = options.assignTimeoutS ?? 300;
  const tasks = taskService(deps, {
    assignTimeoutS, locations: options.locations, interleaveTopK: options.interleaveTopK, maxFailures: options.maxFailures, picking: options.picking, inventory: options.inventory,
    packShip: options.packShip,
  });
  const module = defineContext({
    name: 'tasks',
    schema: 'tasks',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations, picking: options.picking, inventory: options.inventory, packShip: options.packShip },
    routes: (app) => taskRoutes(app, deps, tasks, options.locations),
    sitesOf: { tsk: siteOfRow(deps.db, 'tasks.tasks') },
    workerHolding: (reference, caller) => taskStore.holderOf(deps.db, reference, caller),
    workerNamed: (typed) => taskStore.workerNamed(deps.db, typed),
    subscriptions: taskSubscriptions(tasks),
    jobs: [{
      name: 'tasks.assignment-timeout',
      // Often enough that a task waits at most about a quarter of the timeout beyond it, at most every 30 s.
      everyMs: Math.max(1_000, Math.min(30_000, Math.floor((assignTimeoutS * 1000) / 4))),
      run: () => tasks.requeueStale(),
    }, {
      // tasks.ended_work would grow for ever (crash9): its rows are kept ENDED_WORK_RETENTION_DAYS.
      name: 'tasks.ended-work-prune',
      everyMs: ENDED_WORK_PRUNE_EVERY_MS,
      run: () => tasks.pruneEndedWork(),
    }],
  });
  const commands: TaskCommands = {
    async reprioritise(taskId, priority, meta) {
      const outcome = await tasks.reprioritise(taskId, priority, meta);
      return outcome.ok ? { ok: true, value: { taskId: outcome.value.id, priority: outcome.value.priority, status: outcome.value.status } } : outcome;
    },
    async requeue(taskId, by, meta) {
      const outcome = await tasks.requeue(taskId, by, meta);
      return outcome.ok ? { ok: true, value: { taskId: outcome.value.id, status: outcome.value.status } } : outcome;
    },
  };
  return { ...module, requeueStale: () => tasks.requeueStale(), commands, engine: tasks };
}
