import { connect, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient } from '@nats-io/jetstream';
import type { EventEnvelope } from './envelope.ts';
import { contextOfType, topicOf, topicsFor } from './broker-topics.ts';
import type { Delivery, Transport } from './transport.ts';

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
}

const durableName = (...parts: string[]): string => parts.join('_').replace(/[^A-Za-z0-9_-]/g, '_');

/**
 * NATS JetStream transport: the relay publishes each committed event to `<namespace>.<context>.events` with the event id as
 * the message id (JetStream drops a re-published duplicate within its window); a file-backed stream keeps them. Each
 * subscribing context reads each topic through a durable, explicitly acked pull consumer and handles its messages one
 * after the other (nats-server 2.9 takes one filter subject per consumer). A message is acked only once the bus has
 * handled (or dead-lettered) it; a delivery that throws is retried in place, so the topic's order holds. A restart
 * resumes after the last acked message; the inbox turns a redelivery into a no-op.
 */
export class NatsTransport implements Transport {
  readonly name = 'nats';
  private nc: NatsConnection | undefined;
  private js: JetStreamClient | undefined;
  private readonly streamName: string;
  private readonly namespace: string;
  private readonly running: { messages: ConsumerMessages; done: Promise<void> }[] = [];
  private closing = false;

  constructor(private readonly o: NatsTransportOptions) {
    this.namespace = o.namespace ?? 'paklog';
    this.streamName = durableName(this.namespace).toUpperCase();
  }

  private async client(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (this.nc === undefined || this.js === undefined) {
      const nc = await connect({ servers: this.o.servers, name: 'paklog', maxReconnectAttempts: -1 });
      const jsm = await jetstreamManager(nc);
      try {
        await jsm.streams.info(this.streamName);
      } catch {
        await jsm.streams.add({ name: this.streamName, subjects: [`${this.namespace}.*.events`], duplicate_window: 2 * 60 * 1_000_000_000 });
      }
      this.nc = nc;
      this.js = jetstream(nc);
    }
    return { nc: this.nc, js: this.js };
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const { js } = await this.client();
    // In order, each acknowledged by the stream before the next: a subject's events keep the outbox order.
    for (const e of events) await js.publish(topicOf(contextOfType(e.type), this.namespace), JSON.stringify(e), { msgID: e.id });
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    const { nc, js } = await this.client();
    const jsm = await jetstreamManager(nc);
    const wanted = new Set(types);
    for (const topic of topicsFor(types, this.namespace)) {
      const name = durableName(this.namespace, consumer, topic.slice(this.namespace.length + 1, -'.events'.length));
      try {
        await jsm.consumers.info(this.streamName, name);
      } catch {
        await jsm.consumers.add(this.streamName, {
          durable_name: name, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: topic, ack_wait: 30 * 1_000_000_000,
        });
      }
      const c = await js.consumers.get(this.streamName, name);
      const messages = await c.consume({ max_messages: 100 });
      const done = (async () => {
        for await (const m of messages) {
          const event = m.json<EventEnvelope>();
          if (wanted.has(event.type)) {
            for (;;) {
              try {
                await deliver([event]);
                break;
              } catch {
                if (this.closing) return;
                m.working();
                await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 200));
              }
            }
          }
          m.ack();
        }
      })();
      this.running.push({ messages, done });
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
