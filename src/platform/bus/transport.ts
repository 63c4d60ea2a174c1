import type { EventEnvelope } from './envelope.ts';

/** Receives one event for one consumer; resolves when the consumer has handled it (or dead-lettered it). */
export type Delivery = (event: EventEnvelope) => Promise<void>;

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

/** In-process transport for the all-in-one mode: delivers to local consumers in order, after commit. */
export class InlineTransport implements Transport {
  readonly name = 'inline';
  private readonly subscriptions: { consumer: string; types: ReadonlySet<string>; deliver: Delivery }[] = [];

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    for (const event of events) {
      for (const s of this.subscriptions) {
        if (s.types.has(event.type)) await s.deliver(event);
      }
    }
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    this.subscriptions.push({ consumer, types: new Set(types), deliver });
  }

  async close(): Promise<void> {
    this.subscriptions.length = 0;
  }
}
