import type { Logger } from 'pino';
import type { Cache } from './cache/cache.ts';
import type { Clock } from './clock.ts';
import type { Database } from './db/database.ts';
import { loadMigrations, type Migration } from './db/migrations.ts';
import type { EventBus, Subscription } from './bus/event-bus.ts';
import type { HttpApp } from './http/server.ts';
import type { IdempotencyKeys } from './http/idempotency.ts';
import type { IdGenerator } from './ids.ts';
import type { Job } from './jobs.ts';
import type { Metrics } from './telemetry/metrics.ts';
import type { WorkerPool } from './workers/worker-pool.ts';

/** What the platform hands every context. */
export interface PlatformDeps {
  readonly db: Database;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly idempotency: IdempotencyKeys;
  /** Worker threads for CPU-heavy pure computations, so they do not block the event loop. */
  readonly workers: WorkerPool;
  /** Read-through cache for hot reads (memory, or Redis shared by the installation's processes when REDIS_URL is set). */
  readonly cache: Cache;
}

/** A bounded context as the composition root sees it: its one registration (made by `defineContext`). */
export interface ContextModule<Api = unknown> {
  /** Context name, kebab-case (`pack-ship`); also the event `source`. */
  readonly name: string;
  /** PostgreSQL schema the context owns (`pack_ship`). */
  readonly schema: string;
  readonly migrations: readonly Migration[];
  /** The contract APIs of other contexts this one was handed (their names, as `src/app.ts` passes them). */
  readonly requires: readonly string[];
  /** REST routes, mounted under /api/v1. */
  readonly routes?: (app: HttpApp) => Promise<void>;
  /** Handlers for other contexts' events (idempotent through the context's inbox). */
  readonly subscriptions?: readonly Subscription[];
  /** Background work (periodic or once at start), run by the platform's jobs runner once the app is built and the bus runs. */
  readonly jobs?: readonly Job[];
  /** The in-process implementation of the context's contract API, handed to contexts that need it. */
  readonly api?: Api;
}

/** A context that offers an API to the others. */
export type ContextWithApi<Api> = ContextModule<Api> & { readonly api: Api };

/** What a context's `index.ts` declares; see docs/dev/contexts.md. */
export interface ContextDefinition<Api> {
  readonly name: string;
  readonly schema: string;
  /** The context's `migrations/` folder: `new URL('./migrations/', import.meta.url)`. */
  readonly migrations: URL;
  /** The other contexts' contract APIs it uses, as handed in by the composition root. */
  readonly requires?: Readonly<Record<string, unknown>>;
  readonly routes?: (app: HttpApp) => Promise<void>;
  readonly subscriptions?: readonly Subscription[];
  readonly jobs?: readonly Job[];
  readonly api?: Api;
}

/**
 * The context kit: one declaration per context — name, schema, migrations, what it requires, its routes,
 * subscriptions, jobs and contract API. Checks the names the platform relies on (kebab-case name, snake_case schema,
 * jobs named `<context>.<what>` and unique) and loads the migrations.
 */
export function defineContext<Api>(def: ContextDefinition<Api> & { readonly api: Api }): ContextWithApi<Api>;
export function defineContext(def: ContextDefinition<never>): ContextModule;
export function defineContext<Api>(def: ContextDefinition<Api>): ContextModule<Api> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(def.name)) throw new Error(`context name ${def.name} is not kebab-case`);
  if (!/^[a-z][a-z0-9_]*$/.test(def.schema)) throw new Error(`context ${def.name}: schema ${def.schema} is not snake_case`);
  const jobNames = (def.jobs ?? []).map((j) => j.name);
  for (const name of jobNames) {
    if (!name.startsWith(`${def.name}.`)) throw new Error(`context ${def.name}: job ${name} must be named ${def.name}.<what>`);
  }
  if (new Set(jobNames).size !== jobNames.length) throw new Error(`context ${def.name}: two jobs share a name`);
  const { migrations, requires, ...rest } = def;
  return { ...rest, migrations: loadMigrations(migrations), requires: Object.keys(requires ?? {}) };
}
