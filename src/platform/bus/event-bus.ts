import type { Clock } from '../clock.ts';
import { ident, type Database, type Executor, type Tx } from '../db/database.ts';
import type { IdGenerator } from '../ids.ts';
import type { EventEnvelope, EventMeta, NewEvent } from './envelope.ts';
import type { Transport } from './transport.ts';

/** Handles one event inside the consumer's transaction; the inbox row is written in the same transaction. */
export type EventHandler = (event: EventEnvelope, tx: Tx) => Promise<void>;

export interface Subscription {
  /** Event types this handler wants. */
  readonly types: readonly string[];
  readonly handle: EventHandler;
}

interface Logger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EventBusOptions {
  readonly db: Database;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly transport: Transport;
  readonly log: Logger;
  /** Attempts per consumer before an event is dead-lettered. */
  readonly maxAttempts?: number;
  /** How often the relay looks for events other processes committed. */
  readonly pollMs?: number;
  /** Backoff between attempts of one delivery (ms), indexed by attempt. */
  readonly retryDelaysMs?: readonly number[];
  /** Called after each delivery with its outcome (metrics). */
  readonly onDelivered?: (consumer: string, type: string, outcome: 'handled' | 'duplicate' | 'dead-lettered') => void;
}

type OutboxRow = {
  seq: number;
  envelope: EventEnvelope;
};

/**
 * The transactional outbox and its relay (ARCHITECTURE.md rule 4 and 5).
 * - `append` writes events into the outbox and the event store in the caller's transaction.
 * - After commit the relay hands pending outbox rows, in order, to the transport, then marks them dispatched.
 * - Consumers run through `deliver`, which records the event id in the consumer's inbox in the same transaction as
 *   the handler's effects (at-least-once delivery, exactly-once effect), and dead-letters after N failures.
 */
export class EventBus {
  private readonly o: Required<Omit<EventBusOptions, 'onDelivered'>> & Pick<EventBusOptions, 'onDelivered'>;
  private running: Promise<void> | undefined;
  private again = false;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Map<string, Map<string, EventHandler[]>>();

  constructor(options: EventBusOptions) {
    this.o = { maxAttempts: 5, pollMs: 1000, retryDelaysMs: [0, 20, 100, 300, 1000], ...options };
  }

  /** Writes events to the outbox and the event store as part of `tx`; the relay dispatches them after commit. */
  async append(tx: Tx, source: string, events: readonly NewEvent[], meta: EventMeta = {}): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const time = this.o.clock.now().toISOString();
    const envelopes = events.map((e): EventEnvelope => {
      const env: Record<string, unknown> = {
        specversion: '1.0', id: this.o.ids.next('evt'), type: e.type, source, subject: e.subject, time,
        datacontenttype: 'application/json', data: e.data,
      };
      if (meta.correlationId !== undefined) env.correlationid = meta.correlationId;
      if (meta.causationId !== undefined) env.causationid = meta.causationId;
      if (meta.traceparent !== undefined) env.traceparent = meta.traceparent;
      if (e.siteId !== undefined) env.siteid = e.siteId;
      return env as unknown as EventEnvelope;
    });
    const json = JSON.stringify(envelopes);
    // One statement writes the outbox and the event store, whatever the number of events.
    await tx.query(
      `WITH o AS (
         INSERT INTO platform.outbox (event_id, source, type, subject, envelope)
         SELECT e->>'id', e->>'source', e->>'type', e->>'subject', e FROM jsonb_array_elements($1::jsonb) e
         RETURNING envelope)
       INSERT INTO platform.events (event_id, source, type, subject, time, site_id, correlation_id, envelope)
       SELECT e->>'id', e->>'source', e->>'type', e->>'subject', (e->>'time')::timestamptz, e->>'siteid', e->>'correlationid', e FROM o, LATERAL (SELECT o.envelope AS e) x`,
      [json],
    );
    tx.afterCommit(() => this.kick());
    return envelopes;
  }

  /** Registers a consumer's handlers; `consumer` is the consuming context's schema (its inbox lives there). */
  async subscribe(consumer: string, subscriptions: readonly Subscription[]): Promise<void> {
    const byType = this.handlers.get(consumer) ?? new Map<string, EventHandler[]>();
    this.handlers.set(consumer, byType);
    for (const s of subscriptions) for (const t of s.types) byType.set(t, [...(byType.get(t) ?? []), s.handle]);
    await this.o.transport.subscribe(consumer, [...byType.keys()], (events) => this.deliverMany(consumer, events));
  }

  /**
   * Delivers a run of events to one consumer in ONE transaction (one commit instead of one per event). If any of them
   * fails, the run is delivered again event by event, so the others commit and only the failing one retries and, in the
   * end, is dead-lettered on its own.
   */
  async deliverMany(consumer: string, events: readonly EventEnvelope[]): Promise<void> {
    const [only] = events;
    if (only !== undefined && events.length === 1) {
      await this.deliver(consumer, only);
      return;
    }
    let outcomes: ('handled' | 'duplicate')[];
    try {
      outcomes = await this.o.db.tx(async (tx) => {
        const results: ('handled' | 'duplicate')[] = [];
        for (const event of events) results.push(await this.handleInTx(consumer, event, tx));
        return results;
      });
    } catch {
      for (const event of events) await this.deliver(consumer, event);
      return;
    }
    events.forEach((e, i) => this.o.onDelivered?.(consumer, e.type, outcomes[i] ?? 'handled'));
  }

  /** Records the event in the consumer's inbox and runs its handlers, inside `tx`; a known event id is a duplicate. */
  private async handleInTx(consumer: string, event: EventEnvelope, tx: Tx): Promise<'handled' | 'duplicate'> {
    const inserted = await tx.query(
      `INSERT INTO ${ident(consumer)}.inbox (event_id, event_type) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [event.id, event.type],
    );
    if (inserted.length === 0) return 'duplicate';
    for (const h of this.handlers.get(consumer)?.get(event.type) ?? []) await h(event, tx);
    return 'handled';
  }

  /** Delivers one event to one consumer: idempotent on the event id, retried, dead-lettered after maxAttempts. */
  async deliver(consumer: string, event: EventEnvelope): Promise<'handled' | 'duplicate' | 'dead-lettered'> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.o.maxAttempts; attempt++) {
      try {
        const outcome = await this.o.db.tx((tx) => this.handleInTx(consumer, event, tx));
        this.o.onDelivered?.(consumer, event.type, outcome);
        return outcome;
      } catch (e) {
        lastError = e;
        this.o.log.warn({ err: e, consumer, eventId: event.id, type: event.type, attempt }, 'event handler failed');
        const delay = this.o.retryDelaysMs[Math.min(attempt - 1, this.o.retryDelaysMs.length - 1)] ?? 0;
        if (attempt < this.o.maxAttempts && delay > 0) await new Promise((r) => setTimeout(r, delay));
      }
    }
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    await this.o.db.query(
      `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = dead_letters.attempts + EXCLUDED.attempts,
         last_error = EXCLUDED.last_error, replayed_at = NULL`,
      [this.o.ids.next('dlq'), consumer, event.id, event.type, JSON.stringify(event), this.o.maxAttempts, message],
    );
    this.o.log.error({ consumer, eventId: event.id, type: event.type, error: message }, 'event dead-lettered');
    this.o.onDelivered?.(consumer, event.type, 'dead-lettered');
    return 'dead-lettered';
  }

  /**
   * Re-delivers a dead letter to its consumer; marks it replayed when the handler succeeds. A process that does not run
   * the consumer (PAKLOG_CONTEXTS) refuses: delivering would record the event in the inbox with no handler run.
   */
  async replayDeadLetter(id: string): Promise<'handled' | 'duplicate' | 'dead-lettered' | 'not-found' | 'not-subscribed'> {
    const rows = await this.o.db.query<{ consumer: string; envelope: EventEnvelope }>(
      `SELECT consumer, envelope FROM platform.dead_letters WHERE id = $1`, [id],
    );
    const row = rows[0];
    if (row === undefined) return 'not-found';
    if ((this.handlers.get(row.consumer)?.get(row.envelope.type) ?? []).length === 0) return 'not-subscribed';
    const outcome = await this.deliver(row.consumer, row.envelope);
    if (outcome !== 'dead-lettered') await this.o.db.query(`UPDATE platform.dead_letters SET replayed_at = now() WHERE id = $1`, [id]);
    return outcome;
  }

  /** Starts the relay: dispatches anything left by a crash, then follows commits and polls. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.timer = setInterval(() => this.kick(), this.o.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.running;
  }

  /** Wakes the relay. Cheap; called after every commit that wrote events. */
  kick(): void {
    if (!this.started) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.loop().finally(() => {
      this.running = undefined;
      // A kick that came after the loop's last check but before this point would otherwise wait for the next poll.
      if (this.again) this.kick();
    });
  }

  /** Resolves when nothing is left in the outbox and no dispatch is under way (tests, CLI, shutdown). */
  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.kick();
      await this.running;
      const pending = await this.pendingCount(this.o.db);
      if (pending === 0 && this.running === undefined) return;
      if (Date.now() > deadline) throw new Error(`event bus not idle after ${timeoutMs} ms (${pending} pending)`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async pendingCount(db: Executor): Promise<number> {
    const rows = await db.query<{ n: number }>(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`);
    return rows[0]?.n ?? 0;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        while (this.started && (await this.dispatchBatch()) > 0) {
          // keep draining
        }
      } catch (e) {
        this.o.log.error({ err: e }, 'outbox relay failed; retrying on the next poll');
        return;
      }
    } while (this.again && this.started);
  }

  /** Locks a batch of pending rows (other relays skip them), hands them to the transport, marks them dispatched. */
  private async dispatchBatch(): Promise<number> {
    return this.o.db.tx(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT seq, envelope FROM platform.outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT 100 FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;
      await this.o.db.handOff(() => this.o.transport.publish(rows.map((r) => r.envelope)));
      await tx.query(`UPDATE platform.outbox SET dispatched_at = now() WHERE seq = ANY($1::bigint[])`, [rows.map((r) => r.seq)]);
      return rows.length;
    });
  }
}
