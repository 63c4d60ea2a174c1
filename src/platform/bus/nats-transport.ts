import type * as NatsNode from '@nats-io/transport-node';
import type * as NatsJetStream from '@nats-io/jetstream';
import { loadPackage } from '../load-package.ts';
import type { EventEnvelope } from './envelope.ts';
import { contextOfType, topicOf, topicsFor } from './broker-topics.ts';
import { stderrLog, type Delivery, type Transport, type TransportLog } from './transport.ts';

/** The NATS client loads with the first NATS transport (PAKLOG_BUS=nats), not with every process (ADR 0048). */
const jetStreamApi = (): typeof NatsJetStream => loadPackage<typeof NatsJetStream>('@nats-io/jetstream');

export interface NatsTransportOptions {
  /** NATS_URL, e.g. `nats://127.0.0.1:4222`. */
  readonly servers: string;
  /**
   * Subject namespace (`<namespace>.<context>.events`), stream name (upper-cased) and durable prefix
   * (`<namespace>_<consumer>_<context>`); default `paklog`.
   */
  readonly namespace?: string;
  /** Pause before a failed delivery is tried again. */
  readonly retryDelayMs?: number;
  /**
   * The `ack_wait` of the durable consumers this transport creates (default 30 s): how long after a consumer process
   * dies the messages it had pulled and not acked are delivered again. An existing durable keeps its own.
   */
  readonly ackWaitMs?: number;
  /** Where a consume loop that ended or failed, and a message that is not an event, are reported (default: stderr). */
  readonly log?: TransportLog;
}


/** A durable being drained: its current message stream (replaced when reopened) and the loop that drains it. */
interface Following {
  messages: NatsJetStream.ConsumerMessages;
  done: Promise<void>;
}

const durableName = (...parts: string[]): string => parts.join('_').replace(/[^A-Za-z0-9_-]/g, '_');

/** Messages handed to the bus at once (one transaction). */
const RUN_LENGTH = 100;
const ACK_WAIT_MS = 30_000;
/** A third of the consumers' `ack_wait`: a run that waits keeps its messages. */
const inProgressMs = (ackWaitMs: number): number => Math.max(100, Math.floor(ackWaitMs / 3));

/**
 * NATS JetStream transport: the relay publishes each committed event to `<namespace>.<context>.events` with the event id as
 * the message id (JetStream drops a re-published duplicate within its window); a file-backed stream keeps them. Each
 * subscribing context reads each topic through a durable, explicitly acked pull consumer and hands its messages to the
 * bus in runs, in order (nats-server 2.9 takes one filter subject per consumer). A message is acked only once the bus has
 * handled (or dead-lettered) it; a delivery that throws is retried in place, so the topic's order holds. A restart
 * resumes after the last acked message; the inbox turns a redelivery into a no-op.
 *
 * The order holds only until a consumer process dies: what it had pulled and not acked is delivered again once its
 * `ack_wait` runs out, AFTER what was published since. So an event that waits for an earlier one (`EventNotReady`) is
 * not waited for in place, where it would hold up the very event it waits for: it is nak'ed with a growing delay and
 * the stream goes on (`deferNotReady`, transport.ts); the bus still dead-letters it after `notReadyTimeoutMs`.
 */
export class NatsTransport implements Transport {
  readonly name = 'nats';
  private nc: NatsNode.NatsConnection | undefined;
  private js: NatsJetStream.JetStreamClient | undefined;
  private readonly streamName: string;
  private readonly namespace: string;
  private readonly running: Following[] = [];
  /** Each durable's `ack_wait` in ms, as the server has it. */
  private readonly ackWaits = new Map<string, number>();
  private closing = false;
  /** Times a consume loop ended before `close()` and was opened again (tests and diagnosis). */
  reopened = 0;

  constructor(private readonly o: NatsTransportOptions) {
    this.namespace = o.namespace ?? 'paklog';
    this.streamName = durableName(this.namespace).toUpperCase();
  }

  private async client(): Promise<{ nc: NatsNode.NatsConnection; js: NatsJetStream.JetStreamClient }> {
    if (this.nc === undefined || this.js === undefined) {
      const nc = await loadPackage<typeof NatsNode>('@nats-io/transport-node').connect({ servers: this.o.servers, name: 'paklog', maxReconnectAttempts: -1 });
      const jsm = await jetStreamApi().jetstreamManager(nc);
      try {
        await jsm.streams.info(this.streamName);
      } catch {
        await jsm.streams.add({ name: this.streamName, subjects: [`${this.namespace}.*.events`], duplicate_window: 2 * 60 * 1_000_000_000 });
      }
      this.nc = nc;
      this.js = jetStreamApi().jetstream(nc);
    }
    return { nc: this.nc, js: this.js };
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const { js } = await this.client();
    // Pipelined on the one connection, so the stream stores them in the outbox order; the batch counts as handed over
    // once every one is acknowledged. If one fails the relay sends the batch again and the message ids drop the repeats.
    await Promise.all(events.map((e) => js.publish(topicOf(contextOfType(e.type), this.namespace), JSON.stringify(e), { msgID: e.id })));
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    const { nc } = await this.client();
    const jsm = await jetStreamApi().jetstreamManager(nc);
    const wanted = new Set(types);
    for (const topic of topicsFor(types, this.namespace)) {
      const name = durableName(this.namespace, consumer, topic.slice(this.namespace.length + 1, -'.events'.length));
      const first = await this.consume(jsm, name, topic);
      const entry: Following = { messages: first, done: Promise.resolve() };
      entry.done = this.follow(entry, jsm, name, topic, wanted, deliver);
      this.running.push(entry);
    }
  }

  /** Opens the durable pull consumer `name` on `topic` (made if missing) and starts its message stream. */
  private async consume(jsm: NatsJetStream.JetStreamManager, name: string, topic: string): Promise<NatsJetStream.ConsumerMessages> {
    try {
      await jsm.consumers.info(this.streamName, name);
    } catch {
      await jsm.consumers.add(this.streamName, {
        durable_name: name, ack_policy: jetStreamApi().AckPolicy.Explicit, deliver_policy: jetStreamApi().DeliverPolicy.All, filter_subject: topic,
        ack_wait: (this.o.ackWaitMs ?? ACK_WAIT_MS) * 1_000_000,
      });
    }
    const { js } = await this.client();
    const c = await js.consumers.get(this.streamName, name);
    // The durable's own ack_wait (one made by an older version, or with another option, keeps it).
    this.ackWaits.set(name, Math.round(((await c.info(true)).config.ack_wait ?? ACK_WAIT_MS * 1_000_000) / 1_000_000));
    // A durable or stream that goes away ends the stream (`follow` makes it again) instead of waiting for someone to.
    return c.consume({ max_messages: 100, abort_on_missing_resource: true });
  }

  /**
   * Drains a durable's messages for as long as the transport is open. A stream that ends or fails before `close()`
   * (the durable deleted, the stream lost, a bug) is reported and opened again after a growing pause: a consuming
   * context never stops hearing its events without a word (ADR 0014 addendum).
   */
  private async follow(entry: Following, jsm: NatsJetStream.JetStreamManager, name: string, topic: string, wanted: ReadonlySet<string>, deliver: Delivery): Promise<void> {
    const log = this.o.log ?? stderrLog;
    for (let pause = 200; ;) {
      let ended: string;
      try {
        await this.drain(entry.messages, wanted, deliver, inProgressMs(this.ackWaits.get(name) ?? ACK_WAIT_MS));
        ended = 'its message stream ended';
      } catch (e) {
        ended = `it failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      if (this.closing) return;
      this.reopened++;
      log.error({ durable: name, topic, retryInMs: pause }, `NATS consumer ${name} stopped (${ended}); opening it again`);
      for (;;) {
        await new Promise((r) => setTimeout(r, pause));
        pause = Math.min(pause * 2, 5_000);
        if (this.closing) return;
        try {
          entry.messages = await this.consume(jsm, name, topic);
          if (this.closing) {
            await entry.messages.close();
            return;
          }
          log.warn({ durable: name, topic }, `NATS consumer ${name} opened again`);
          pause = 200;
          break;
        } catch (e) {
          log.error({ err: e, durable: name, topic, retryInMs: pause }, `NATS consumer ${name} could not be opened again; retrying`);
        }
      }
    }
  }

  /**
   * Hands the consumer's messages to the bus in runs: what has already arrived (up to RUN_LENGTH) goes in one delivery,
   * one transaction, and is acked together once handled. A run that throws is retried in place, so the topic's order
   * holds; while it waits the messages are kept in progress, or the server would redeliver them after `ack_wait`.
   */
  private async drain(messages: NatsJetStream.ConsumerMessages, wanted: ReadonlySet<string>, deliver: Delivery, pulseMs: number): Promise<void> {
    const it = messages[Symbol.asyncIterator]();
    // The next message, if one has already arrived: an iterator step that does not settle within the current turn
    // of the event loop is kept for the next run (the iterator's own pending count is not reliable for this).
    let waiting: Promise<IteratorResult<NatsJetStream.JsMsg>> | undefined;
    const arrived = async (): Promise<IteratorResult<NatsJetStream.JsMsg> | undefined> => {
      waiting ??= it.next();
      const step = await Promise.race([waiting, new Promise<undefined>((r) => setImmediate(() => r(undefined)))]);
      if (step !== undefined) waiting = undefined;
      return step;
    };
    for (;;) {
      const first = await (waiting ?? it.next());
      waiting = undefined;
      if (first.done === true) return;
      const run: NatsJetStream.JsMsg[] = [first.value];
      while (run.length < RUN_LENGTH) {
        const next = await arrived();
        if (next === undefined || next.done === true) {
          // The iterator's end is seen again by the next run's first step.
          if (next?.done === true) waiting = Promise.resolve(next);
          break;
        }
        run.push(next.value);
      }
      const parsed = run.map((m) => this.parse(m));
      const events = parsed.filter((e): e is EventEnvelope => e !== undefined && wanted.has(e.type));
      const pulse = setInterval(() => { for (const m of run) m.working(); }, pulseMs);
      let deferred: ReadonlySet<string> = new Set();
      try {
        for (;;) {
          try {
            if (events.length > 0) deferred = new Set(((await deliver(events, { deferNotReady: true })) ?? []).map((e) => e.id));
            break;
          } catch {
            if (this.closing) return;
            await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 200));
          }
        }
      } finally {
        clearInterval(pulse);
      }
      run.forEach((m, i) => {
        // Not ready yet: delivered again after a pause that grows with its deliveries, once the stream has moved on.
        const event = parsed[i];
        if (event === undefined) m.term();
        else if (deferred.has(event.id)) m.nak(Math.min(5_000, 50 * 2 ** Math.min(m.info.deliveryCount, 7)));
        else m.ack();
      });
    }
  }

  /**
   * The event a message carries, or undefined for one that is not JSON (no PakLog relay wrote it): reported and
   * terminated (never delivered again), so it cannot stop the stream it sits in.
   */
  private parse(m: NatsJetStream.JsMsg): EventEnvelope | undefined {
    try {
      return m.json<EventEnvelope>();
    } catch (e) {
      (this.o.log ?? stderrLog).error({ subject: m.subject, seq: m.seq, err: e }, 'a NATS message that is not an event was terminated');
      return undefined;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const r of this.running.splice(0)) {
      await r.messages.close();
      await r.done;
    }
    await this.nc?.drain();
    this.nc = undefined;
    this.js = undefined;
  }
}
