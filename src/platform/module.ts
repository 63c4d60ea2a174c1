import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { Database } from './db/database.ts';
import type { Migration } from './db/migrations.ts';
import type { EventBus, Subscription } from './bus/event-bus.ts';
import type { HttpApp } from './http/server.ts';
import type { IdempotencyKeys } from './http/idempotency.ts';
import type { IdGenerator } from './ids.ts';
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
}

/** A bounded context as the composition root sees it: its one registration (STYLE.md, "Shape"). */
export interface ContextModule<Api = unknown> {
  /** Context name, kebab-case (`pack-ship`); also the event `source`. */
  readonly name: string;
  /** PostgreSQL schema the context owns (`pack_ship`). */
  readonly schema: string;
  readonly migrations: readonly Migration[];
  /** REST routes, mounted under /api/v1. */
  readonly routes?: (app: HttpApp) => Promise<void>;
  /** Handlers for other contexts' events (idempotent through the context's inbox). */
  readonly subscriptions?: readonly Subscription[];
  /** The in-process implementation of the context's contract API, handed to contexts that need it. */
  readonly api?: Api;
  /** Background work the context owns (timers): started once the app is built and the bus runs. */
  readonly start?: () => void;
  /** Stops what `start` began and waits for work in flight; called on close before the bus and database stop. */
  readonly stop?: () => Promise<void>;
}

/** A context that offers an API to the others. */
export type ContextWithApi<Api> = ContextModule<Api> & { readonly api: Api };
