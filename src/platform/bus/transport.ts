import type { EventEnvelope } from './envelope.ts';

/**
 * Receives events for one consumer, in order; resolves when the consumer has handled (or dead-lettered) every one.
 * A transport may hand over one event or a run of them.
 */
export type Delivery = (events: readonly EventEnvelope[]) => Promise<void>;

/**
 * Moves committed events from the outbox to consumers. The inline transport calls local consumers directly;
 * broker transports (NATS JetStream, Kafka) publish to `paklog.<context>.events` and deliver from a durable consumer.
 */
export interface Transport {
  readonly name: string;
  /** Resolves once every event is durably handed over (inline: handled by every local consumer). */
  publish(events: readonly EventEnvelope[]): Promise<void>;
  subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void>;
  close(): Promise<void>;
}

/**
 * In-process transport for the all-in-one mode. Each consumer gets the batch's events it subscribes to, in order;
 * consumers run side by side, since each writes only its own schema and they meet only through later events.
 */
export class InlineTransport implements Transport {
  readonly name = 'inline';
  private readonly subscriptions: { consumer: string; types: ReadonlySet<string>; deliver: Delivery }[] = [];

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    await Promise.all(this.subscriptions.map(async (s) => {
      const mine = events.filter((e) => s.types.has(e.type));
      if (mine.length > 0) await s.deliver(mine);
    }));
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    this.subscriptions.push({ consumer, types: new Set(types), deliver });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }
}
