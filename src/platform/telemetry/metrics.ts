import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per app instance, so several apps in one test process do not share counters. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly eventsDelivered: Counter<'consumer' | 'type' | 'outcome'>;
  readonly eventHandledLatency: Histogram<'consumer'>;
  private readonly counters = new Map<string, Counter<string>>();
  private readonly gauges = new Map<string, Gauge<string>>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'paklog_' });
    this.httpDuration = new Histogram({
      name: 'paklog_http_request_duration_seconds',
      help: 'HTTP request latency by route',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.eventsDelivered = new Counter({
      name: 'paklog_events_delivered_total',
      help: 'Events delivered to consumers by outcome',
      labelNames: ['consumer', 'type', 'outcome'],
      registers: [this.registry],
    });
    this.eventHandledLatency = new Histogram({
      name: 'paklog_event_handled_latency_seconds',
      help: 'From an event\'s append (its time, in the producer\'s transaction) to the commit of a consumer\'s handling of it',
      labelNames: ['consumer'],
      // Fine around 100 ms, the end-to-end target of issue 8, so a p99 read from the buckets says which side of it it is.
      buckets: [0.005, 0.01, 0.02, 0.035, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
  }

  /** A domain counter (e.g. `paklog_orders_received_total`), created once and shared by name. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter<string> {
    const existing = this.counters.get(name);
    if (existing !== undefined) return existing;
    const c = new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
    this.counters.set(name, c);
    return c;
  }

  /**
   * A gauge read when /metrics is scraped: `collect` sets its values then (e.g. sagas by status, counted in the
   * database), so every process sharing the database reports the same figure. Created once and shared by name.
   */
  gauge(name: string, help: string, labelNames: readonly string[], collect: (g: Gauge<string>) => Promise<void>): Gauge<string> {
    const existing = this.gauges.get(name);
    if (existing !== undefined) return existing;
    const g: Gauge<string> = new Gauge({
      name, help, labelNames: [...labelNames], registers: [this.registry],
      async collect() { await collect(g); },
    });
    this.gauges.set(name, g);
    return g;
  }
}
