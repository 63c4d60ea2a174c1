import type { Executor } from '../db/database.ts';
import type { EventEnvelope } from './envelope.ts';
import { apiBase } from '../http/api-base.ts';

/** What `GET /api/v1/events`, `GET /api/v1/audit` and a replay ask of the event store (`platform.events`). */
export interface EventStoreQuery {
  readonly subject?: string | undefined;
  /** Only the events of this site (events with no site, e.g. the catalog's, are then left out). */
  readonly siteId?: string | undefined;
  /** Only the events this actor (a user or key id) caused, directly or through the events its commands caused. */
  readonly actorId?: string | undefined;
  /** Any of these types (all types when absent). */
  readonly types?: readonly string[] | undefined;
  /** `time >= from` */
  readonly from?: string | undefined;
  /** `time < to` */
  readonly to?: string | undefined;
  /** Events after this `seq` (0: from the first). */
  readonly after: number;
  readonly limit: number;
}

/**
 * Archives a run of events a consumer was handed (the gateway's event store in split mode) in ONE statement, in the
 * run's order (`seq`); an event already archived is left as it is.
 */
export async function archiveEvents(db: Executor, events: readonly EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await db.query(
    `INSERT INTO platform.events (event_id, source, type, subject, time, site_id, correlation_id, actor_id, envelope)
     SELECT e->>'id', e->>'source', e->>'type', e->>'subject', (e->>'time')::timestamptz, e->>'siteid', e->>'correlationid', e->>'actorid', e
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS r(e, n) ORDER BY n
     ON CONFLICT (event_id) DO NOTHING`,
    [JSON.stringify(events)],
  );
}

/** One page of the event store, oldest first (`seq` order: insert order, which is the order consumers were handed them). */
export async function readEventStore(db: Executor, q: EventStoreQuery): Promise<{ seq: number; envelope: EventEnvelope }[]> {
  return db.query<{ seq: number; envelope: EventEnvelope }>(
    `SELECT seq, envelope FROM platform.events
     WHERE ($1::text IS NULL OR subject = $1) AND ($2::text IS NULL OR site_id = $2) AND ($3::text IS NULL OR actor_id = $3)
       AND ($4::text[] IS NULL OR type = ANY($4::text[]))
       AND ($5::timestamptz IS NULL OR time >= $5) AND ($6::timestamptz IS NULL OR time < $6) AND seq > $7
     ORDER BY seq LIMIT $8`,
    [
      q.subject ?? null, q.siteId ?? null, q.actorId ?? null, q.types === undefined ? null : [...q.types],
      q.from ?? null, q.to ?? null, q.after, q.limit,
    ],
  );
}

/** Where a replay reads events from: page by page in event-store order, so a large store is never held in memory. */
export interface EventSource {
  /** Says where the events come from, for the operator (`the local event store`, `the event store at <url>`). */
  readonly description: string;
  /**
   * The events of `types`, oldest first, a page at a time. `db` is the replay's transaction: a source in the same
   * database reads through it (one connection; nothing else to ask the pool for while the transaction is open).
   */
  pages(types: readonly string[], db: Executor): AsyncIterable<readonly EventEnvelope[]>;
}

/** This process's own `platform.events`: the event store of an all-in-one installation. */
export function localEventStore(pageSize = 1000): EventSource {
  return {
    description: 'the local event store (platform.events)',
    async *pages(types, db) {
      let after = 0;
      for (;;) {
        const rows = await readEventStore(db, { types, after, limit: pageSize });
        const last = rows.at(-1);
        if (last === undefined) return;
        yield rows.map((r) => r.envelope);
        if (rows.length < pageSize) return;
        after = last.seq;
      }
    },
  };
}

export interface RemoteEventStoreOptions {
  /** Base URL of a PakLog HTTP API: the gateway in a split deployment (it keeps the event store). */
  readonly url: string;
  /** An API key of a role that may read events (admin, manager, viewer, integration). */
  readonly apiKey: string;
  readonly pageSize?: number;
  readonly timeoutMs?: number;
}

/** The remote event store could not be read (unreachable, a refused key, not a PakLog): the replay reading it changes nothing. */
export class EventStoreUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreUnreadable';
  }
}

/**
 * The event store behind `GET /api/v1/events` of another process: the gateway's in a split deployment, where each
 * service's `platform.events` holds only its own events. Pages follow the API's cursor.
 */
export function remoteEventStore(o: RemoteEventStoreOptions): EventSource {
  const base = apiBase(o.url);
  return {
    description: `the event store at ${base}`,
    async *pages(types) {
      let cursor: string | null = null;
      do {
        const query = new URLSearchParams({ type: types.join(','), limit: String(o.pageSize ?? 1000) });
        if (cursor !== null) query.set('cursor', cursor);
        const res = await fetch(`${base}/api/v1/events?${query.toString()}`, {
          headers: { 'x-api-key': o.apiKey, accept: 'application/json' },
          signal: AbortSignal.timeout(o.timeoutMs ?? 30_000),
        }).catch((e: unknown) => {
          const cause = (e as { cause?: { code?: string; message?: string } }).cause;
          throw new EventStoreUnreadable(`cannot reach the event store at ${base}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
        });
        if (!res.ok) throw new EventStoreUnreadable(`GET ${base}/api/v1/events answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
        const page = await res.json().catch(() => {
          throw new EventStoreUnreadable(`GET ${base}/api/v1/events answered ${res.status}, not JSON: is ${base} a PakLog API?`);
        }) as { items: EventEnvelope[]; nextCursor: string | null };
        if (page.items.length > 0) yield page.items;
        cursor = page.nextCursor;
      } while (cursor !== null);
    },
  };
}
