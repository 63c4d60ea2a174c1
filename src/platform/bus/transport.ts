import type { EventEnvelope } from './envelope.ts';

/**
 * Receives events for one consumer, in order; resolves when the consumer has handled (or dead-lettered) every one.
 * A transport may hand over one event or a run of them.
 *
 * With `deferNotReady` an event whose handler says it is not ready yet (`EventNotReady`) is not waited for in place: it
 * is left unhandled (nothing of it committed) and returned (a delivery that defers nothing may return nothing), and the transport must hand it over again later. A transport
 * whose stream can carry the awaited event BEHIND the waiting one asks for this (NATS after a redelivery); one that
 * never reorders a stream (Kafka's partition, inline) lets the bus wait, and gets an empty list.
 */
export type Delivery = (events: readonly EventEnvelope[], o?: { readonly deferNotReady?: boolean }) => Promise<readonly EventEnvelope[] | void>;

/** What a broker transport reports about its own loops (a consumer that stopped, a message that is not an event). */
export interface TransportLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The log of a transport given none: JSON lines on stderr. */
export const stderrLog: TransportLog = {
  warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
  error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', ...obj, msg })}\n`),
};

/**
 * Moves committed events from the outbox to consumers. The inline transport calls local consumers directly;
 * broker transports (NATS JetStream, Kafka) publish to `paklog.<context>.events` and deliver from a durable consumer.
 */
export interface Transport {
  readonly name: string;
  /** Resolves once every event is durably handed over (inline: handled by every local consumer). */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void>;
  /**
   * Several consumers of one process at once. A transport that can serve them with one broker consumer does (Kafka:
   * one consumer group for the process's contexts, ADR 0014 addendum); without it each is subscribed on its own.
   */
  subscribeMany?(members: readonly { readonly consumer: string; readonly types: readonly string[]; readonly deliver: Delivery }[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * In-process transport for the all-in-one mode. Each consumer gets the batch's events it subscribes to, in order;
 * consumers run side by side, since each writes only its own schema and they meet only through later events.
 */
export class InlineTransport implements Transport {
  readonly name = 'inline';
  private readonly subscriptions: { consumer: string; types: ReadonlySet<string>; deliver: Delivery }[] = [];

  /**
   * @param concurrency consumers handled at once, each holding one connection for its transaction (handlers never
   * ask for a second: ADR 0016) while the relay holds one: keep 1 + concurrency below the pool size.
   */
  constructor(private readonly concurrency = 4) {}

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    const work = this.subscriptions
      .map((s) => ({ s, mine: events.filter((e) => s.types.has(e.type)) }))
      .filter((w) => w.mine.length > 0);
    let next = 0;
    // Every consumer runs to its end even when another fails: publish must not settle while one is still handling
    // (the relay then rolls back and re-dispatches the batch, and close() ends the pool under it).
    const failures: unknown[] = [];
    await Promise.all(Array.from({ length: Math.min(this.concurrency, work.length) }, async () => {
      for (let w = work[next++]; w !== undefined; w = work[next++]) {
        try {
          await w.s.deliver(w.mine);
        } catch (e) {
          failures.push(e);
        }
      }
    }));
    if (failures.length > 0) throw failures[0];
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    this.subscriptions.push({ consumer, types: new Set(types), deliver });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }
}
