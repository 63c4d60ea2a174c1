import type { Logger } from 'pino';
import type { Cache } from './cache/cache.ts';
import type { Clock } from './clock.ts';
import type { Database, Executor } from './db/database.ts';
import { loadMigrations, type Migration } from './db/migrations.ts';
import type { EventBus, Subscription } from './bus/event-bus.ts';
import type { HttpApp } from './http/server.ts';
import type { IdempotencyKeys } from './http/idempotency.ts';
import type { IdGenerator, IdPrefix } from './ids.ts';
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
  /** Handlers for other contexts' events (idempotent through the context's inbox), its projections' handlers included. */
  readonly subscriptions?: readonly Subscription[];
  /** The projections `paklog replay` can rebuild from the event store (their handlers are among `subscriptions`). */
  readonly projections?: readonly Projection[];
  /** Background work (periodic or once at start), run by the platform's jobs runner once the app is built and the bus runs. */
  readonly jobs?: readonly Job[];
  /** The in-process implementation of the context's contract API, handed to contexts that need it. */
  readonly api?: Api;
  /** The site of a resource of this context, by its id's prefix (`wav` → its wave's site): per-site roles (ADR 0019). */
  readonly sitesOf?: SitesOf;
  /**
   * The site of another context's resource as this context's projections know it (`ord` → the site pack-ship copied
   * with the order): asked only where the owning context does not run in this process (split mode), so a service still
   * refuses a caller of one site naming another site's order.
   */
  readonly projectedSitesOf?: SitesOf;
  /** The worker holding the live task about a resource (its `reference`): a person acts on it only as that worker. */
  readonly workerHolding?: WorkerHolding;
  /** The worker id this context knows that a typed one names ignoring letter case (undefined: none). */
  readonly workerNamed?: WorkerNamed;
}

/**
 * The worker holding the live task (ASSIGNED, IN_PROGRESS, PAUSED) about a resource id; undefined when none holds one.
 * Several tasks may be about one resource (two putaways of one SKU's units at a dock): `caller` when they hold one of
 * them, another holder otherwise.
 */
export type WorkerHolding = (reference: string, caller?: string) => Promise<string | undefined>;

/** The worker id, as it was given, that a typed worker id names ignoring letter case; undefined when none is known. */
export type WorkerNamed = (typed: string) => Promise<string | undefined>;

/** Id prefix → the site of the resource an id names (undefined when there is none). */
/** A resource's site; null: a resource of no site (the whole network's), undefined: no such resource. */
export type SitesOf = Readonly<Partial<Record<IdPrefix, (id: string) => Promise<string | null | undefined>>>>;

/** The site lookup of a context's table with `id` and `site_id` columns (the context names its own table); null: a row of no site. */
export function siteOfRow(db: Executor, table: string): (id: string) => Promise<string | null | undefined> {
  return async (id) => (await db.query<{ site_id: string | null }>(`SELECT site_id FROM ${table} WHERE id = $1`, [id]))[0]?.site_id;
}

/**
 * A projection of other contexts' events into tables of this context, rebuildable by `paklog replay <context>`: its
 * tables are written only by its handlers, and those are idempotent and do nothing else (no event emitted, no other
 * table written; an after-commit cache invalidation is fine). A table that also moves other state, or whose handler
 * emits events, is not a projection: rebuilding it would be a reconciliation, not a replay. See docs/dev/contexts.md.
 */
export interface Projection {
  /** kebab-case, unique in the context (`products`). */
  readonly name: string;
  /** Its tables, in the context's schema (unqualified names); truncated and refilled by a replay. */
  readonly tables: readonly string[];
  /** The handlers that feed it; registered with the bus like the context's other subscriptions. */
  readonly subscriptions: readonly Subscription[];
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
  /** Tables fed only by idempotent handlers of other contexts' events, that `paklog replay` rebuilds (see `Projection`). */
  readonly projections?: readonly Projection[];
  readonly jobs?: readonly Job[];
  readonly api?: Api;
  readonly sitesOf?: SitesOf;
  readonly projectedSitesOf?: SitesOf;
  readonly workerHolding?: WorkerHolding;
  readonly workerNamed?: WorkerNamed;
}

/**
 * The context kit: one declaration per context — name, schema, migrations, what it requires, its routes,
 * subscriptions, projections, jobs and contract API. Checks the names the platform relies on (kebab-case name,
 * snake_case schema, jobs named `<context>.<what>` and unique, projections named uniquely over tables of their own) and
 * loads the migrations. The projections' handlers join the subscriptions.
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
  checkProjections(def.name, def.projections ?? []);
  const { migrations, requires, projections, subscriptions, ...rest } = def;
  const all = [...(subscriptions ?? []), ...(projections ?? []).flatMap((p) => p.subscriptions)];
  return {
    ...rest,
    ...(all.length === 0 ? {} : { subscriptions: all }),
    ...(projections === undefined ? {} : { projections }),
    migrations: loadMigrations(migrations),
    requires: Object.keys(requires ?? {}),
  };
}

function checkProjections(context: string, projections: readonly Projection[]): void {
  const names = new Set<string>();
  const tables = new Set<string>();
  for (const p of projections) {
    if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(p.name)) throw new Error(`context ${context}: projection name ${p.name} is not kebab-case`);
    if (names.has(p.name)) throw new Error(`context ${context}: two projections are named ${p.name}`);
    names.add(p.name);
    if (p.tables.length === 0) throw new Error(`context ${context}: projection ${p.name} names no table`);
    if (p.subscriptions.length === 0) throw new Error(`context ${context}: projection ${p.name} has no handler`);
    for (const t of p.tables) {
      if (!/^[a-z_][a-z0-9_]*$/.test(t)) throw new Error(`context ${context}: projection ${p.name}: table ${t} is not an unqualified snake_case name`);
      if (t === 'inbox') throw new Error(`context ${context}: projection ${p.name}: the inbox is the bus's, not a projection's`);
      // A replay truncates the tables: one fed by two projections would lose the other's rows.
      if (tables.has(t)) throw new Error(`context ${context}: table ${t} belongs to two projections`);
      tables.add(t);
    }
  }
}
