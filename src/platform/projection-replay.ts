import type { EventContract } from './bus/event-bus.ts';
import type { EventSource } from './bus/event-store.ts';
import { ident, type Database } from './db/database.ts';
import type { ContextModule, Projection } from './module.ts';

/** What one projection's replay did. */
export interface ReplayResult {
  readonly context: string;
  readonly projection: string;
  /** Events handed to the projection's handlers. */
  readonly events: number;
  /** Events of its types that break their contract schema: no consumer ever handled them, so neither does a replay. */
  readonly skipped: number;
  /**
   * Events with an open dead letter for this context (the live bus gave up on them): skipped, as the live projection
   * never applied them either; `paklog dead-letters replay <id>` applies one once its handler is fixed.
   */
  readonly deadLettered: number;
  /** Rows in each of its tables once rebuilt. */
  readonly rows: Readonly<Record<string, number>>;
}

/** A replay the operator asked for that cannot be done as asked; nothing was changed. */
export class ReplayError extends Error {
  /** `usage`: the command named a context or projection that cannot be replayed here (exit code 2); else the replay ran into its data (exit code 1). */
  readonly kind: 'usage' | 'failure';
  constructor(message: string, kind: 'usage' | 'failure' = 'failure') {
    super(message);
    this.name = 'ReplayError';
    this.kind = kind;
  }
}

/**
 * Rebuilds one projection from the event store in ONE transaction: truncates its tables (which locks them, so live
 * handlers of its events wait and apply theirs after the commit, and nobody reads a half-built table), hands every event
 * of its types to its handlers in event-store order, page by page, then checks that no handler emitted an event and
 * that the store held every event this context's inbox says it handled (a lagging or wrong store would otherwise lose
 * rows), and commits.
 */
export async function replayProjection(
  db: Database, module: Pick<ContextModule, 'name' | 'schema'>, projection: Projection, source: EventSource, contract?: EventContract,
): Promise<ReplayResult> {
  const schema = ident(module.schema);
  const types = [...new Set(projection.subscriptions.flatMap((s) => s.types))];
  return db.tx(async (tx) => {
    await tx.query(`TRUNCATE TABLE ${projection.tables.map((t) => `${schema}.${ident(t)}`).join(', ')}`);
    // The ids the store held, for the inbox check; in the database rather than in memory, whatever the store's size.
    await tx.query(`CREATE TEMPORARY TABLE paklog_replayed (event_id text PRIMARY KEY) ON COMMIT DROP`);
    let events = 0;
    let skipped = 0;
    let deadLettered = 0;
    for await (const page of source.pages(types, tx)) {
      const ids = page.map((e) => e.id);
      await tx.query(`INSERT INTO paklog_replayed SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [ids]);
      // The events of this page the live bus dead-lettered for this context and nobody has replayed yet.
      const open = new Set((await tx.query<{ event_id: string }>(
        `SELECT event_id FROM platform.dead_letters WHERE consumer = $1 AND replayed_at IS NULL AND event_id = ANY($2::text[])`,
        [module.schema, ids],
      )).map((r) => r.event_id));
      for (const event of page) {
        // The bus refuses such an event before any handler (ADR 0017); the replay does the same.
        if ((contract?.problems(event).length ?? 0) > 0) {
          skipped++;
          continue;
        }
        // The live projection never applied it (its handler failed until the bus gave up): neither does the replay.
        if (open.has(event.id)) {
          deadLettered++;
          continue;
        }
        for (const s of projection.subscriptions) {
          if (!s.types.includes(event.type)) continue;
          try {
            await s.handle(event, tx);
          } catch (e) {
            // The SQLSTATE stays, so a deadlock is still retried by the transaction.
            const message = `${module.name} ${projection.name}: event ${event.id} (${event.type}) failed: ${e instanceof Error ? e.message : String(e)}. `
              + `It has no open dead letter, so the replay stops rather than drop it; fix the handler and replay again. Nothing was changed.`;
            throw Object.assign(new ReplayError(message), { cause: e, code: (e as { code?: unknown }).code });
          }
        }
        events++;
      }
    }
    // Events appended by this transaction are written just before it commits: written now, the partial index finds
    // them still pending (the relay cannot see them yet).
    await tx.flushQueued();
    const emitted = await tx.query(`SELECT 1 FROM platform.outbox WHERE dispatched_at IS NULL AND xmin = pg_current_xact_id()::xid LIMIT 1`);
    if (emitted.length > 0) {
      throw new ReplayError(`${module.name} ${projection.name}: a handler emitted events, so this is no projection a replay may rebuild `
        + `(docs/dev/contexts.md). Nothing was changed.`);
    }
    const missing = await tx.query<{ event_id: string }>(
      `SELECT event_id FROM ${schema}.inbox i WHERE event_type = ANY($1::text[])
         AND NOT EXISTS (SELECT 1 FROM paklog_replayed r WHERE r.event_id = i.event_id) LIMIT 3`,
      [types],
    );
    if (missing.length > 0) {
      throw new ReplayError(`${source.description} lacks events ${module.name} has handled (${missing.map((m) => m.event_id).join(', ')}…): `
        + `is it behind, or another installation's? Nothing was changed.`);
    }
    const rows: Record<string, number> = {};
    for (const t of projection.tables) {
      rows[t] = (await tx.query<{ n: number }>(`SELECT count(*) AS n FROM ${schema}.${ident(t)}`))[0]?.n ?? 0;
    }
    return { context: module.name, projection: projection.name, events, skipped, deadLettered, rows };
  });
}

export interface ReplayOptions {
  /** One projection only (all of the context's by default). */
  readonly projection?: string | undefined;
  readonly source: EventSource;
  /** The published language: events that break it are skipped, as the bus skips them. */
  readonly contract?: EventContract;
}

/**
 * `paklog replay <context>`: rebuilds the context's projections (or one of them), each in its own transaction, one
 * after the other. The context must run in this process; a name it does not know is refused before anything changes.
 */
export async function replayContext(db: Database, modules: readonly ContextModule[], context: string, o: ReplayOptions): Promise<ReplayResult[]> {
  const module = modules.find((m) => m.name === context);
  if (module === undefined) {
    throw new ReplayError(`context ${context} does not run in this process (it runs ${modules.map((m) => m.name).join(', ')}; see PAKLOG_CONTEXTS)`, 'usage');
  }
  const declared = module.projections ?? [];
  if (declared.length === 0) throw new ReplayError(`context ${context} declares no projection to replay`, 'usage');
  const chosen = o.projection === undefined ? declared : declared.filter((p) => p.name === o.projection);
  if (chosen.length === 0) {
    throw new ReplayError(`context ${context} has no projection ${o.projection ?? ''} (it has ${declared.map((p) => p.name).join(', ')})`, 'usage');
  }
  const results: ReplayResult[] = [];
  for (const p of chosen) results.push(await replayProjection(db, module, p, o.source, o.contract));
  return results;
}
