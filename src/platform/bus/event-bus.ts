import { inSpan, parentOf, SpanKind, startSpan, tracingEnabled } from '../telemetry/tracing.ts';
import { EventNotReady } from './not-ready.ts';
import { isTransientFault } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { ident, type Database, type Executor, type QueuedWriter, type Tx } from '../db/database.ts';
import type { IdGenerator } from '../ids.ts';
import type { EventEnvelope, EventMeta, NewEvent } from './envelope.ts';
import type { Delivery, Transport } from './transport.ts';

/** Handles one event inside the consumer's transaction; the inbox row is written in the same transaction. */
export type EventHandler = (event: EventEnvelope, tx: Tx) => Promise<void>;

/** Handles a run of events of its subscription's types, in their order, inside the consumer's transaction (their inbox rows are in it too). */
export type BatchEventHandler = (events: readonly EventEnvelope[], tx: Tx) => Promise<void>;

export interface Subscription {
  /** Event types this handler wants. */
  readonly types: readonly string[];
  readonly handle: EventHandler;
  /**
   * Optional set-based form of `handle` (ADR 0043): a run of consecutive events of its types delivered together is
   * handed over in one call, so the handler writes once per run instead of once per event. It must have the effect of
   * `handle` on each event in turn. A type's events go to it only when it is that type's one subscription in the
   * consumer; a run may mix the types for which it is (a subscription of several types sees them in one call).
   */
  readonly handleMany?: BatchEventHandler;
}

/**
 * What the bus checks events against on the wire: the published language (`publishedLanguage(...)`), registered by the
 * composition root so the platform imports no contract. `problems` is empty when the payload conforms to its type's schema.
 */
export interface EventContract {
  problems(event: Pick<NewEvent, 'type' | 'data'>): string[];
}

/** The `consumer` of a dead letter the relay refused to publish: not a schema name, so it never clashes with a context. */
/** Outbox rows one relay pass locks and publishes at most. */
const RELAY_BATCH = 100;
export const PUBLISH_DEAD_LETTER = '(publish)';
/**
 * How the `last_error` of a dead letter refused by validation starts. On receipt such a refusal also holds the event's
 * inbox row (so a redelivery is a no-op); a replay recognises it by this prefix and releases the row first.
 */
export const INVALID_EVENT = 'invalid event: ';

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
  /**
   * Attempts per consumer before an event is dead-lettered. A transient fault (`isTransientFault`: the database or a
   * remote service unreachable) is not an attempt: the event is delivered again later instead.
   */
  readonly maxAttempts?: number;
  /**
   * The pauses a delivery waits out a transient fault with, in place, before it hands the event back to its transport
   * (default 100 ms doubling to 2 s: about 5 s in all).
   */
  readonly transientFaultPausesMs?: readonly number[];
  /** How often the relay looks for events other processes committed. */
  readonly pollMs?: number;
  /** Backoff between attempts of one delivery (ms), indexed by attempt. */
  readonly retryDelaysMs?: readonly number[];
  /** How long a handler may say its event is not ready (`EventNotReady`) before it is dead-lettered (ms). */
  readonly notReadyTimeoutMs?: number;
  /** Called after each delivery with its outcome (metrics). */
  readonly onDelivered?: (consumer: string, type: string, outcome: 'handled' | 'duplicate' | 'dead-lettered') => void;
  /**
   * Called once a consumer's handling of an event has committed, with the seconds since the event was appended (its
   * `time`, set in the producer's transaction, by the producer's clock): the end-to-end latency of the event (metrics).
   * Not called for duplicates or dead letters.
   */
  readonly onHandled?: (consumer: string, type: string, secondsSinceAppend: number) => void;
  /**
   * The contract events are validated against before they are published and when they are received (issue 8 §3).
   * Without one the bus checks nothing: tests of the bus itself run with made-up types.
   */
  readonly contract?: EventContract;
  /** Called when an event is refused by validation and dead-lettered: by the relay (`publish`) or for a consumer (`receipt`). */
  readonly onInvalid?: (stage: 'publish' | 'receipt', consumer: string, type: string) => void;
}

/** What a replay did: the delivery outcomes, `published` for a refused publish handed back to the relay, or why not. */
/** What a dead letter's event is about: its subject and the order, pick list and task ids its data names (those it has). */
export type DeadLetterAbout = Readonly<Record<'subject' | 'orderId' | 'reference' | 'pickListId' | 'taskId', string | undefined> & { orderIds?: readonly string[] }>;

export type ReplayOutcome = 'handled' | 'duplicate' | 'dead-lettered' | 'published' | 'not-found' | 'not-subscribed';

type Hooks = 'onDelivered' | 'onHandled' | 'contract' | 'onInvalid';

/** A `Tx` rather than the `Database` (which has no write queue of its own). */
const isTx = (on: Database | Tx): on is Tx => 'flushQueued' in on;

/**
 * Two CTEs (to follow a `WITH w AS (UPDATE … RETURNING …),` or similar) that write events in the statement that changes
 * the state, for `writeWithEvents` (ADR 0003 addendum 2026-12-03): the outbox rows and the event-store rows of the
 * envelopes in the jsonb array parameter `param` (`EventBus.envelopes`), once for the row of `rows` (a CTE of the same
 * statement, usually the guarded write's RETURNING) and none when it has no row (the guard refused: no state change, no
 * event). `rows` must have at most one row (each envelope's id is written once). `fields`, a jsonb SQL expression over
 * `rows`' columns, is merged into each envelope when given (`jsonb_build_object('data', …, 'siteid', …)`: what the write
 * returned rather than what the caller knew before it). The CTEs are named `pk_outbox` and `pk_events`.
 */
export function eventCtes(param: string, rows: string, fields?: string): string {
  const e = fields === undefined ? 'x.e' : `x.e || ${fields}`;
  return `pk_outbox AS (
       INSERT INTO platform.outbox (event_id, source, type, subject, envelope)
       SELECT y.e->>'id', y.e->>'source', y.e->>'type', y.e->>'subject', y.e
       FROM (SELECT ${e} AS e FROM ${rows}, jsonb_array_elements(${param}) WITH ORDINALITY AS x(e, n) ORDER BY x.n) y
       RETURNING envelope
     ), pk_events AS (
       INSERT INTO platform.events (event_id, source, type, subject, time, site_id, correlation_id, actor_id, envelope)
       SELECT envelope->>'id', envelope->>'source', envelope->>'type', envelope->>'subject', (envelope->>'time')::timestamptz,
              envelope->>'siteid', envelope->>'correlationid', envelope->>'actorid', envelope
       FROM pk_outbox
     )`;
}

/**
 * The relay's pass: up to $1 pending rows, oldest first, taken and deleted in one statement. Run with `seqScans: false`
 * (see `dispatchBatch`). Exported for the plan test.
 */
export const RELAY_TAKE_SQL = `WITH batch AS (SELECT seq FROM platform.outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
         DELETE FROM platform.outbox o USING batch WHERE o.seq = batch.seq RETURNING o.seq, o.envelope`;

type OutboxRow = {
  seq: number;
  envelope: EventEnvelope;
};

/**
 * The transactional outbox and its relay (ARCHITECTURE.md rule 4 and 5).
 * - `append` adds events to the caller's transaction: they are written into the outbox and the event store, one
 *   statement for all of them, just before it commits.
 * - After commit the relay hands pending outbox rows, in order, to the transport, then deletes them (the event store
 *   keeps every event).
 * - Consumers run through `deliver`, which records the event id in the consumer's inbox in the same transaction as
 *   the handler's effects (at-least-once delivery, exactly-once effect), and dead-letters after N failures.
 */
export class EventBus {
  private readonly o: Required<Omit<EventBusOptions, Hooks>> & Pick<EventBusOptions, Hooks>;
  private running: Promise<void> | undefined;
  private again = false;
  /** Events the relay has handed on since start: `idle()` measures progress by it. */
  private dispatched = 0;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly handlers = new Map<string, Map<string, Subscription[]>>();
  private readonly observers = new Set<(events: readonly EventEnvelope[]) => void>();
  /** Since when each deferred event (`consumer` NUL `event id`) has been not ready: its `notReadyTimeoutMs` runs across deferrals. */
  private readonly notReadySince = new Map<string, number>();

  constructor(options: EventBusOptions) {
    this.o = { maxAttempts: 5, pollMs: 1000, retryDelaysMs: [0, 20, 100, 300, 1000], transientFaultPausesMs: [100, 200, 400, 800, 1600, 2000], notReadyTimeoutMs: 600_000, ...options };
  }

  /**
   * Adds events to `tx`: their envelopes (ids, time) are made and returned at once, and they are written to the outbox
   * and the event store with the transaction's other events just before it commits; the relay dispatches them after.
   */
  async append(tx: Tx, source: string, events: readonly NewEvent[], meta: EventMeta = {}): Promise<EventEnvelope[]> {
    return this.appendMany(tx, source, [{ events, meta }]);
  }

  /** `append` for events of several causes at once (a set-based handler's run): each group with its own meta, one statement. */
  async appendMany(tx: Tx, source: string, groups: readonly { readonly events: readonly NewEvent[]; readonly meta: EventMeta }[]): Promise<EventEnvelope[]> {
    if (groups.every((g) => g.events.length === 0)) return [];
    const envelopes = this.envelopesOf(source, groups);
    tx.writeBeforeCommit(this.writeEvents, envelopes);
    return envelopes;
  }

  /**
   * The envelopes of `events` as `append` makes them, NOT queued: for a statement that writes its events itself
   * (`eventCtes`, run with `writeWithEvents`). A statement that fills fields from its own rows (`eventCtes`' `fields`)
   * replaces those given here.
   */
  envelopes(source: string, events: readonly NewEvent[], meta: EventMeta = {}): EventEnvelope[] {
    return this.envelopesOf(source, [{ events, meta }]);
  }

  /**
   * Runs ONE state-changing statement that writes its own events in data-modifying CTEs (`eventCtes`; ADR 0003
   * addendum 2026-12-03): the state change and its events are one statement, so they commit together whatever runs
   * around it. `on` is the transaction to join: a `Tx`, or the `Database`, whose open unit of work (ADR 0010) it joins
   * if there is one and otherwise autocommits the statement alone, without BEGIN and COMMIT (one round trip for the
   * whole command). In a transaction the events that transaction queued before (`append`) are written first, so the
   * order of its events holds. The relay is woken once the statement's transaction has committed.
   */
  async writeWithEvents<R extends object = Record<string, unknown>>(on: Database | Tx, text: string, params: readonly unknown[]): Promise<R[]> {
    const tx = isTx(on) ? on : on.openTx();
    if (tx === undefined) {
      const rows = await on.query<R>(text, params);
      this.kick();
      return rows;
    }
    await tx.flushQueued();
    const rows = await tx.query<R>(text, params);
    tx.afterCommit(() => this.kick());
    return rows;
  }

  /** An Executor whose every statement runs through `writeWithEvents` on `on` (for a store function that takes one). */
  writer(on: Database | Tx): Executor {
    return { query: <R extends object>(text: string, params: readonly unknown[] = []) => this.writeWithEvents<R>(on, text, params) };
  }

  private envelopesOf(source: string, groups: readonly { readonly events: readonly NewEvent[]; readonly meta: EventMeta }[]): EventEnvelope[] {
    const time = this.o.clock.now().toISOString();
    return groups.flatMap(({ events, meta }) => events.map((e): EventEnvelope => {
      const env: Record<string, unknown> = {
        specversion: '1.0', id: this.o.ids.next('evt'), type: e.type, source, subject: e.subject, time,
        datacontenttype: 'application/json', data: e.data,
      };
      if (meta.correlationId !== undefined) env.correlationid = meta.correlationId;
      if (meta.causationId !== undefined) env.causationid = meta.causationId;
      if (meta.traceparent !== undefined) env.traceparent = meta.traceparent;
      if (e.siteId !== undefined) env.siteid = e.siteId;
      if (meta.actor !== undefined) {
        env.actorid = meta.actor.id;
        env.actorkind = meta.actor.kind;
        env.actorrole = meta.actor.role;
      }
      return env as unknown as EventEnvelope;
    }));
  }

  /**
   * Writes a transaction's events, queued by every `append` in it, just before it commits (ADR 0003 addendum): one
   * statement writes the outbox and the event store, whatever the number of events and of appends.
   */
  private readonly writeEvents: QueuedWriter<EventEnvelope> = async (tx, envelopes) => {
    await tx.query(
      `WITH o AS (
         INSERT INTO platform.outbox (event_id, source, type, subject, envelope)
         SELECT e->>'id', e->>'source', e->>'type', e->>'subject', e FROM jsonb_array_elements($1::jsonb) e
         RETURNING envelope)
       INSERT INTO platform.events (event_id, source, type, subject, time, site_id, correlation_id, actor_id, envelope)
       SELECT e->>'id', e->>'source', e->>'type', e->>'subject', (e->>'time')::timestamptz, e->>'siteid', e->>'correlationid', e->>'actorid', e
       FROM o, LATERAL (SELECT o.envelope AS e) x`,
      [JSON.stringify(envelopes)],
    );
    tx.afterCommit(() => this.kick());
  };

  /**
   * Calls `listener` with the events this process's relay published, once their batch has committed (with the inline
   * transport: once every local consumer has handled them). For live views (GraphQL subscriptions), not for effects:
   * an observer has no inbox and no retry, and misses what happens while it is not registered. Returns the unsubscribe.
   */
  observe(listener: (events: readonly EventEnvelope[]) => void): () => void {
    this.observers.add(listener);
    return () => this.observers.delete(listener);
  }

  /** Registers a consumer's handlers; `consumer` is the consuming context's schema (its inbox lives there). */
  async subscribe(consumer: string, subscriptions: readonly Subscription[]): Promise<void> {
    await this.subscribeAll([{ consumer, subscriptions }]);
  }

  /**
   * Registers the handlers of several consumers (a process's contexts) at once: a transport that can serve them with
   * one broker consumer (`Transport.subscribeMany`); each keeps its own inbox, transaction and dead letters.
   */
  async subscribeAll(list: readonly { readonly consumer: string; readonly subscriptions: readonly Subscription[] }[]): Promise<void> {
    const members = list.map(({ consumer, subscriptions }) => {
      const byType = this.handlers.get(consumer) ?? new Map<string, Subscription[]>();
      this.handlers.set(consumer, byType);
      for (const s of subscriptions) for (const t of s.types) byType.set(t, [...(byType.get(t) ?? []), s]);
      return { consumer, types: [...byType.keys()], deliver: ((events, o) => this.deliverMany(consumer, events, o)) satisfies Delivery };
    });
    const { transport } = this.o;
    if (members.length > 1 && transport.subscribeMany !== undefined) await transport.subscribeMany(members);
    else for (const m of members) await transport.subscribe(m.consumer, m.types, m.deliver);
  }

  /**
   * Delivers a run of events to one consumer in ONE transaction (one commit instead of one per event). If any of them
   * fails, the run is delivered again event by event, so the others commit and only the failing one retries and, in the
   * end, is dead-lettered on its own. With `deferNotReady` (see `Delivery`) an event not ready yet is returned instead of
   * waited for, and the events after it are delivered meanwhile.
   */
  async deliverMany(consumer: string, events: readonly EventEnvelope[], o: { readonly deferNotReady?: boolean } = {}): Promise<readonly EventEnvelope[]> {
    const defer = o.deferNotReady === true;
    // An invalid event is settled on its own before the run opens its transaction: it never reaches a handler.
    const valid: EventEnvelope[] = [];
    for (const event of events) if ((await this.refuseIfInvalid(consumer, event)) === undefined) valid.push(event);
    const [only] = valid;
    if (only !== undefined && valid.length === 1) return (await this.deliverValid(consumer, only, defer)) === 'not-ready' ? [only] : [];
    if (valid.length === 0) return [];
    let outcomes: ('handled' | 'duplicate')[];
    try {
      outcomes = await this.o.db.tx((tx) => this.handleRunInTx(consumer, valid, tx));
    } catch {
      const deferred: EventEnvelope[] = [];
      for (const event of valid) if ((await this.deliverValid(consumer, event, defer)) === 'not-ready') deferred.push(event);
      return deferred;
    }
    valid.forEach((e, i) => this.delivered(consumer, e, outcomes[i] ?? 'handled'));
    return [];
  }

  /** Reports a settled delivery to the hooks; a handled one with its latency since append. */
  private delivered(consumer: string, event: EventEnvelope, outcome: 'handled' | 'duplicate' | 'dead-lettered'): void {
    this.o.onDelivered?.(consumer, event.type, outcome);
    if (outcome !== 'handled' || this.o.onHandled === undefined) return;
    const appended = Date.parse(event.time);
    // Clamped: another host's clock may run a little ahead of this one.
    if (Number.isFinite(appended)) this.o.onHandled(consumer, event.type, Math.max(0, this.o.clock.now().getTime() - appended) / 1000);
  }

  /**
   * Handles one event for one consumer in `tx`, in a span continuing the trace the event carries. `recorded`: the
   * caller has written its inbox row already (a run's single insert, ADR 0042).
   */
  private handleInTx(consumer: string, event: EventEnvelope, tx: Tx, recorded = false): Promise<'handled' | 'duplicate'> {
    if (!tracingEnabled()) return this.handleEventInTx(consumer, event, tx, recorded);
    return inSpan(`${consumer} process ${event.type}`, SpanKind.CONSUMER, {
      'messaging.operation.type': 'process', 'messaging.destination.name': event.type, 'messaging.message.id': event.id, 'messaging.consumer.group.name': consumer,
    }, parentOf(event.traceparent), () => this.handleEventInTx(consumer, event, tx, recorded));
  }

  /** Records the event in the consumer's inbox and runs its handlers, inside `tx`; a known event id is a duplicate. */
  private async handleEventInTx(consumer: string, event: EventEnvelope, tx: Tx, recorded: boolean): Promise<'handled' | 'duplicate'> {
    if (!recorded && (await this.recordInInbox(consumer, [event], tx)).size === 0) return 'duplicate';
    for (const s of this.handlers.get(consumer)?.get(event.type) ?? []) await s.handle(event, tx);
    return 'handled';
  }

  /**
   * Handles a run of events for one consumer in `tx`, in order. The inbox rows of the whole run are written by ONE
   * statement first (ADR 0042); an event it did not insert (handled before, or a second copy in the run) is a duplicate.
   * Consecutive events whose types' one subscription is the same set-based one (`handleMany`) go to it together, in
   * one call with the new ones: events of one type, or of several when the subscription takes several.
   */
  private async handleRunInTx(consumer: string, events: readonly EventEnvelope[], tx: Tx): Promise<('handled' | 'duplicate')[]> {
    const outcomes: ('handled' | 'duplicate')[] = [];
    const byType = this.handlers.get(consumer);
    /** The set-based subscription that alone takes `type` in this consumer, if there is one. */
    const setBased = (type: string): Subscription | undefined => {
      const subs = byType?.get(type) ?? [];
      return subs.length === 1 && subs[0]!.handleMany !== undefined ? subs[0] : undefined;
    };
    // Each new id is handled once, at its first place in the run.
    const fresh = await this.recordInInbox(consumer, events, tx);
    for (let i = 0; i < events.length;) {
      const first = events[i]!;
      const sub = setBased(first.type);
      const many = sub?.handleMany;
      let end = i + 1;
      if (many !== undefined) while (end < events.length && setBased(events[end]!.type) === sub) end++;
      if (many === undefined || end - i === 1) {
        outcomes.push(fresh.delete(first.id) ? await this.handleInTx(consumer, first, tx, true) : 'duplicate');
        i++;
        continue;
      }
      const run = events.slice(i, end);
      const handled: EventEnvelope[] = [];
      for (const e of run) {
        const isNew = fresh.delete(e.id);
        if (isNew) handled.push(e);
        outcomes.push(isNew ? 'handled' : 'duplicate');
      }
      if (handled.length > 0) {
        const call = () => many(handled, tx);
        const types = [...new Set(handled.map((e) => e.type))].join(',');
        await (tracingEnabled()
          ? inSpan(`${consumer} process ${types} ×${handled.length}`, SpanKind.CONSUMER, {
            'messaging.operation.type': 'process', 'messaging.destination.name': types, 'messaging.batch.message_count': handled.length,
            'messaging.consumer.group.name': consumer,
          }, parentOf(first.traceparent), call)
          : call());
      }
      i = end;
    }
    return outcomes;
  }

  /** Inbox rows for a run of events in one statement; returns the ids that were new (the others are duplicates). */
  private async recordInInbox(consumer: string, events: readonly EventEnvelope[], tx: Executor): Promise<Set<string>> {
    const rows = await tx.query<{ event_id: string }>(
      `INSERT INTO ${ident(consumer)}.inbox (event_id, event_type)
       SELECT id, type FROM unnest($1::text[], $2::text[]) AS e(id, type) ON CONFLICT DO NOTHING RETURNING event_id`,
      [events.map((e) => e.id), events.map((e) => e.type)],
    );
    return new Set(rows.map((r) => r.event_id));
  }

  /**
   * Delivers one event to one consumer: validated against the contract, idempotent on the event id, retried,
   * dead-lettered after maxAttempts.
   */
  async deliver(consumer: string, event: EventEnvelope): Promise<'handled' | 'duplicate' | 'dead-lettered'> {
    return (await this.refuseIfInvalid(consumer, event)) ?? this.deliverValid(consumer, event);
  }

  /**
   * The problems of an event against the contract, or undefined when it conforms (or no contract is registered).
   * TypeBox reports at most 8 errors per value (its `maxErrors`), so a payload broken everywhere stays a short line.
   */
  private refusalOf(event: Pick<NewEvent, 'type' | 'data'>): string | undefined {
    const problems = this.o.contract?.problems(event) ?? [];
    return problems.length === 0 ? undefined : INVALID_EVENT + problems.join('; ');
  }

  /**
   * Settles an event that breaks its contract for one consumer, before any handler transaction: its inbox row and its
   * dead letter are written together, so a redelivery is a duplicate and nothing of it is ever half-applied. Undefined
   * when the event is valid.
   */
  private async refuseIfInvalid(consumer: string, event: EventEnvelope): Promise<'duplicate' | 'dead-lettered' | undefined> {
    const error = this.refusalOf(event);
    if (error === undefined) return undefined;
    const outcome = await this.o.db.tx(async (tx): Promise<'duplicate' | 'dead-lettered'> => {
      // Already settled (handled before the schema changed, or refused already): a redelivery changes nothing.
      if ((await this.recordInInbox(consumer, [event], tx)).size === 0) return 'duplicate';
      await this.deadLetter(tx, consumer, event, 1, error);
      return 'dead-lettered';
    });
    if (outcome === 'dead-lettered') {
      this.o.log.error({ consumer, eventId: event.id, type: event.type, error }, 'invalid event dead-lettered on receipt');
      this.o.onInvalid?.('receipt', consumer, event.type);
    }
    this.o.onDelivered?.(consumer, event.type, outcome);
    return outcome;
  }

  /** Writes (or renews) a dead letter; one row per consumer and event, whatever the number of times it died. */
  private async deadLetter(db: Executor, consumer: string, event: EventEnvelope, attempts: number, error: string): Promise<void> {
    await db.query(
      `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (consumer, event_id) DO UPDATE SET attempts = dead_letters.attempts + EXCLUDED.attempts,
         last_error = EXCLUDED.last_error, replayed_at = NULL, discarded_at = NULL`,
      [this.o.ids.next('dlq'), consumer, event.id, event.type, JSON.stringify(event), attempts, error],
    );
  }

  /**
   * Delivers an event already validated: idempotent on the event id, retried, dead-lettered after maxAttempts. With
   * `defer`, an event not ready yet is given back (`not-ready`, nothing committed) instead of waited for.
   */
  private async deliverValid(consumer: string, event: EventEnvelope): Promise<'handled' | 'duplicate' | 'dead-lettered'>;
  private async deliverValid(consumer: string, event: EventEnvelope, defer: boolean): Promise<'handled' | 'duplicate' | 'dead-lettered' | 'not-ready'>;
  private async deliverValid(consumer: string, event: EventEnvelope, defer = false): Promise<'handled' | 'duplicate' | 'dead-lettered' | 'not-ready'> {
    let lastError: unknown;
    const key = `${consumer}\0${event.id}`;
    const waitingSince = this.notReadySince.get(key) ?? Date.now();
    for (let attempt = 1, waits = 0, faults = 0; attempt <= this.o.maxAttempts; attempt++) {
      try {
        const outcome = await this.o.db.tx((tx) => this.handleInTx(consumer, event, tx));
        this.notReadySince.delete(key);
        this.delivered(consumer, event, outcome);
        return outcome;
      } catch (e) {
        lastError = e;
        if (e instanceof EventNotReady && Date.now() - waitingSince < this.o.notReadyTimeoutMs) {
          if (waits === 0 && !this.notReadySince.has(key)) {
            this.o.log.warn({ consumer, eventId: event.id, type: event.type, reason: e.message }, 'event waits for an earlier one');
          }
          if (defer) {
            // Entries of events another replica went on to handle are dropped once they are past any timeout.
            if (this.notReadySince.size > 10_000) {
              for (const [k, since] of this.notReadySince) if (Date.now() - since > this.o.notReadyTimeoutMs) this.notReadySince.delete(k);
            }
            this.notReadySince.set(key, waitingSince);
            return 'not-ready';
          }
          // Waiting for another stream to catch up is not a failure: the same attempt again, after a growing pause.
          await new Promise((r) => setTimeout(r, Math.min(5_000, 50 * 2 ** Math.min(waits++, 7))));
          attempt--;
          continue;
        }
        if (isTransientFault(e)) {
          // The database or a remote service is unreachable for now: not the event's fault, so no attempt is counted
          // and it is never dead-lettered for it. Tried again here after growing pauses, then handed back to the
          // transport (the throw), which delivers it again later: the topic's order holds and nothing is skipped.
          this.o.log.warn({ err: e, consumer, eventId: event.id, type: event.type, fault: faults + 1 }, 'event handler met a transient fault; retrying');
          const pause = this.o.transientFaultPausesMs[faults++];
          if (pause === undefined) throw e;
          await new Promise((r) => setTimeout(r, pause));
          attempt--;
          continue;
        }
        this.o.log.warn({ err: e, consumer, eventId: event.id, type: event.type, attempt }, 'event handler failed');
        const delay = this.o.retryDelaysMs[Math.min(attempt - 1, this.o.retryDelaysMs.length - 1)] ?? 0;
        if (attempt < this.o.maxAttempts && delay > 0) await new Promise((r) => setTimeout(r, delay));
      }
    }
    this.notReadySince.delete(key);
    const message = lastError instanceof Error ? lastError.message : String(lastError);
    await this.deadLetter(this.o.db, consumer, event, this.o.maxAttempts, message);
    this.o.log.error({ consumer, eventId: event.id, type: event.type, error: message }, 'event dead-lettered');
    this.o.onDelivered?.(consumer, event.type, 'dead-lettered');
    return 'dead-lettered';
  }

  /** The dead letters of this process's database not replayed yet, oldest first (orchestration's DEAD_LETTER exceptions). */
  async openDeadLetters(limit = 10_000): Promise<{
    id: string; consumer: string; type: string; eventId: string; siteId: string | null; lastError: string; attempts: number; about: DeadLetterAbout;
  }[]> {
    // What the event is about (its subject and the ids its data names), so an order's screen finds its dead letters.
    return this.o.db.query(
      `SELECT id, consumer, type, event_id AS "eventId", envelope->>'siteid' AS "siteId", last_error AS "lastError", attempts,
              jsonb_strip_nulls(jsonb_build_object(
                'subject', envelope->>'subject', 'orderId', envelope->'data'->>'orderId',
                'orderIds', CASE WHEN jsonb_typeof(envelope->'data'->'orderIds') = 'array' THEN envelope->'data'->'orderIds' END,
                'reference', envelope->'data'->>'reference', 'pickListId', envelope->'data'->>'pickListId', 'taskId', envelope->'data'->>'taskId'
              )) AS about
         FROM platform.dead_letters WHERE replayed_at IS NULL AND discarded_at IS NULL ORDER BY created_at, id LIMIT $1`, [limit],
    );
  }

  /**
   * A supervisor chose not to apply a dead letter (the DEAD_LETTER exception's `discard`): it stays listed, no longer
   * waiting (nor counted in paklog_dead_letters). True when it was waiting; a replay afterwards still delivers it.
   */
  async discardDeadLetter(id: string): Promise<boolean> {
    return (await this.o.db.query(
      `UPDATE platform.dead_letters SET discarded_at = now() WHERE id = $1 AND replayed_at IS NULL AND discarded_at IS NULL RETURNING 1`, [id])).length === 1;
  }

  /**
   * Re-delivers a dead letter to its consumer; marks it replayed when the handler succeeds. A process that does not run
   * the consumer (PAKLOG_CONTEXTS) refuses: delivering would record the event in the inbox with no handler run.
   * The event is validated again, so a replay after a fix (a consumer that learnt the new schema) passes, and one
   * before it is dead-lettered again. A dead letter the relay refused is handed back to the relay (`published`).
   */
  async replayDeadLetter(id: string): Promise<ReplayOutcome> {
    const rows = await this.o.db.query<{ consumer: string; envelope: EventEnvelope; replayed: boolean }>(
      `SELECT consumer, envelope, replayed_at IS NOT NULL AS replayed FROM platform.dead_letters WHERE id = $1`, [id],
    );
    const row = rows[0];
    if (row === undefined) return 'not-found';
    // Handed back to the relay once already: consumers' inboxes would drop a second copy, so none is sent.
    if (row.consumer === PUBLISH_DEAD_LETTER) return row.replayed ? 'duplicate' : this.republish(id, row.envelope);
    if ((this.handlers.get(row.consumer)?.get(row.envelope.type) ?? []).length === 0) return 'not-subscribed';
    // A refusal on receipt holds the inbox row (a redelivery is a no-op): release it, and in the same transaction drop
    // the prefix that says it is held, so a second replay (or one after a crash right here) never releases the row of
    // an event that was handled since. From here on the dead letter is like any other: deliver validates again.
    await this.o.db.tx(async (tx) => {
      const held = await tx.query(
        `UPDATE platform.dead_letters SET last_error = 'replayed after ' || last_error
         WHERE id = $1 AND replayed_at IS NULL AND starts_with(last_error, $2) RETURNING 1`,
        [id, INVALID_EVENT],
      );
      if (held.length > 0) await tx.query(`DELETE FROM ${ident(row.consumer)}.inbox WHERE event_id = $1`, [row.envelope.id]);
    });
    const outcome = await this.deliver(row.consumer, row.envelope);
    if (outcome === 'dead-lettered') return outcome;
    // A duplicate may be a replay running at the same time that holds the inbox row because it was refused again, or
    // that has just released it to try once more: either way the dead letter stays open (marked replayed, no later
    // replay would ever release it). Decided under the dead letter's row lock, which every release and every refusal
    // takes in the transaction that also writes the inbox: once it is held, the inbox row and the error's prefix are
    // read as one state (held by a refusal, released, or handled), never a release half seen.
    const marked = await this.o.db.tx(async (tx) => {
      const letter = await tx.query<{ last_error: string }>(`SELECT last_error FROM platform.dead_letters WHERE id = $1 FOR UPDATE`, [id]);
      if (letter[0] === undefined || letter[0].last_error.startsWith(INVALID_EVENT)) return false;
      const inbox = await tx.query(`SELECT 1 FROM ${ident(row.consumer)}.inbox WHERE event_id = $1`, [row.envelope.id]);
      if (inbox.length === 0) return false;
      await tx.query(`UPDATE platform.dead_letters SET replayed_at = now() WHERE id = $1`, [id]);
      return true;
    });
    return marked ? outcome : 'dead-lettered';
  }

  /** Hands a batch to the transport; traced, one producer span per event, a child of the trace the event carries. */
  private async publishTraced(events: readonly EventEnvelope[]): Promise<void> {
    if (!tracingEnabled()) return this.o.transport.publish(events);
    const spans = events.map((e) => startSpan(`publish ${e.type}`, SpanKind.PRODUCER, {
      'messaging.operation.type': 'send', 'messaging.destination.name': e.type, 'messaging.message.id': e.id,
    }, parentOf(e.traceparent)));
    try {
      await this.o.transport.publish(events);
    } finally {
      for (const span of spans) span?.end();
    }
  }

  /**
   * Hands an event the relay refused back to it, if it passes now: its outbox row is pending again (the relay validates
   * it once more on the way out). Still invalid, it stays dead-lettered with the new problems.
   */
  private async republish(id: string, event: EventEnvelope): Promise<'published' | 'dead-lettered' | 'duplicate'> {
    const error = this.refusalOf(event);
    if (error !== undefined) {
      await this.o.db.query(`UPDATE platform.dead_letters SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [id, error]);
      return 'dead-lettered';
    }
    return this.o.db.tx(async (tx) => {
      // Claimed first, under the dead letter's row lock: a replay running at the same time (which also read it as not
      // replayed) finds it claimed and hands nothing back, else the event would be pending and published once more.
      const claimed = await tx.query(`UPDATE platform.dead_letters SET replayed_at = now() WHERE id = $1 AND replayed_at IS NULL RETURNING 1`, [id]);
      if (claimed.length === 0) return 'duplicate';
      await tx.query(
        `INSERT INTO platform.outbox (event_id, source, type, subject, envelope) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (event_id) DO UPDATE SET dispatched_at = NULL`,
        [event.id, event.source, event.type, event.subject, JSON.stringify(event)],
      );
      tx.afterCommit(() => this.kick());
      return 'published';
    });
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

  /**
   * Resolves when nothing is left in the outbox and no dispatch is under way (tests, CLI, shutdown, the simulator).
   * Fails after `timeoutMs` without progress: a cascade of handlers that keeps dispatching (each commit kicks the relay
   * again) on a loaded machine may take longer than that in all, and is not stuck.
   */
  async idle(timeoutMs = 30_000): Promise<void> {
    let deadline = Date.now() + timeoutMs;
    let seen = this.dispatched;
    for (;;) {
      this.kick();
      await this.running;
      const pending = await this.pendingCount(this.o.db);
      if (pending === 0 && this.running === undefined) return;
      if (this.dispatched !== seen) {
        seen = this.dispatched;
        deadline = Date.now() + timeoutMs;
      } else if (Date.now() > deadline) {
        throw new Error(`event bus not idle after ${timeoutMs} ms without progress (${pending} pending)`);
      }
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
        // A batch short of the limit drained the outbox as this relay saw it: a commit since then kicked `again`, and
        // another process's events come with the poll, so no empty pass (three round trips per kick) confirms it.
        for (;;) {
          const n = this.started ? await this.dispatchBatch() : 0;
          this.dispatched += n;
          if (n !== RELAY_BATCH) break; // else keep draining
        }
      } catch (e) {
        this.o.log.error({ err: e }, 'outbox relay failed; retrying on the next poll');
        return;
      }
    } while (this.again && this.started);
  }

  /**
   * Takes a batch of pending rows, deleting them in the same statement (other relays skip them; ADR 0003 addendum),
   * and hands them to the transport before the transaction commits: a failed publish rolls the delete back. Dispatched
   * rows go: platform.events keeps every event, and a delete writes far less than an update of the row and its indexes
   * (ADR 0042). A replayed refusal is inserted again (`republish`).
   * An event that breaks its contract is not published: it is dead-lettered (consumer `(publish)`) in the same
   * transaction and its row deleted too, so the outbox moves on. The events after it, of its subject too, go out:
   * holding them would stop the aggregate for good over what is a producer bug, and a dead letter never holds up its
   * key elsewhere on the bus either (ADR 0017).
   */
  private async dispatchBatch(): Promise<number> {
    return this.o.db.tx(async (tx) => {
      // Taken and deleted in one statement: the rows stay locked (other relays skip them) and come back if this
      // transaction rolls back (a publish that failed). RETURNING keeps no order: sorted by seq here.
      const rows = (await tx.query<OutboxRow>(
        RELAY_TAKE_SQL, [RELAY_BATCH],
      )).sort((a, b) => a.seq - b.seq);
      if (rows.length === 0) return 0;
      const valid: EventEnvelope[] = [];
      const refused: { event: EventEnvelope; error: string }[] = [];
      for (const { envelope } of rows) {
        const error = this.refusalOf(envelope);
        if (error === undefined) valid.push(envelope);
        else refused.push({ event: envelope, error });
      }
      for (const r of refused) await this.deadLetter(tx, PUBLISH_DEAD_LETTER, r.event, 1, r.error);
      if (valid.length > 0) await this.o.db.handOff(() => this.publishTraced(valid));
      // Logged and counted once the batch is handed over; a rollback re-validates the rows on the next pass anyway.
      tx.afterCommit(() => {
        if (valid.length > 0) {
          for (const o of this.observers) {
            try {
              o(valid);
            } catch (e) {
              this.o.log.error({ err: e }, 'an event observer failed');
            }
          }
        }
        for (const r of refused) {
          this.o.log.error({ eventId: r.event.id, type: r.event.type, subject: r.event.subject, error: r.error }, 'invalid event dead-lettered, not published');
          this.o.onInvalid?.('publish', PUBLISH_DEAD_LETTER, r.event.type);
        }
      });
      return rows.length;
      // Not durable: a pass a crash forgets leaves its rows pending, and they are published again (consumers' inboxes
      // drop the copies, as for any redelivery); waiting for its commit to reach the disk would only hold up the next
      // consumer commit behind a second flush (ADR 0003 addendum of 2026-12-03 (b)).
      // No sequential scan: the outbox is a queue, so its statistics say "empty" after most vacuums (and before the
      // first), and the pass's cached plan was a scan of every page (rows deleted since the last vacuum included) with a
      // nested loop over the batch; the primary key gives the pending rows in order (ADR 0042 addendum).
    }, { durable: false, seqScans: false });
  }
}
