import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * OpenTelemetry traces, exported over OTLP/HTTP (JSON) when OTEL_EXPORTER_OTLP_ENDPOINT is set; off otherwise, and
 * then every helper here returns at its first line (no span objects, no context switches). Spans: one per HTTP request
 * (server.ts), per SQL statement (database.ts), per event published by the relay and per event handled by a consumer
 * (event-bus.ts). An event's envelope carries the W3C `traceparent` of the request (or handling) that caused it, so a
 * consumer in another process continues the same trace. The SDK and the exporter are loaded only when tracing starts.
 */
let provider: NodeTracerProvider | undefined;

export function tracingEnabled(): boolean {
  return provider !== undefined;
}

/** Starts tracing for this process (once; later calls are ignored). `endpoint` is the collector's base URL. */
export async function startTracing(endpoint: string | undefined, serviceName: string, version: string): Promise<void> {
  if (endpoint === undefined || provider !== undefined) return;
  const [{ OTLPTraceExporter }, { resourceFromAttributes }, { BatchSpanProcessor, NodeTracerProvider }, { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION }] = await Promise.all([
    import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources'), import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, [ATTR_SERVICE_VERSION]: version }),
    // Short batches: a trace shows up in Jaeger within a second, and little is lost when a pod is killed.
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500, maxExportBatchSize: 512 })],
  });
  // The AsyncLocalStorage context manager and the W3C trace-context propagator.
  provider.register();
}

/** Exports what is buffered and stops (on shutdown). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  await p?.shutdown();
}

const tracer = () => trace.getTracer('paklog');

/** The parent context of a W3C `traceparent`, or the active one. */
export function parentOf(traceparent: string | undefined): Context {
  return traceparent === undefined ? context.active() : propagation.extract(context.active(), { traceparent });
}

/** Runs `fn` in a new span (a child of `parent`); records a thrown error on it. Off: just `fn()`. */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, parent: Context | undefined, fn: () => Promise<T>): Promise<T> {
  if (provider === undefined) return fn();
  const span = tracer().startSpan(name, { kind, attributes }, parent ?? context.active());
  try {
    return await context.with(trace.setSpan(parent ?? context.active(), span), fn);
  } catch (e) {
    span.recordException(e instanceof Error ? e : String(e));
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw e;
  } finally {
    span.end();
  }
}

/** A span started now and ended by the caller (an HTTP request spans several hooks). */
export function startSpan(name: string, kind: SpanKind, attributes: Attributes, parent: Context): Span | undefined {
  return provider === undefined ? undefined : tracer().startSpan(name, { kind, attributes }, parent);
}

/** The `traceparent` of the active span, for an event's envelope; undefined when tracing is off or no span is active. */
export function activeTraceparent(): string | undefined {
  if (provider === undefined) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A span for one SQL statement: its first keyword names it; the text (not the parameters) is an attribute. */
export function inSqlSpan<T>(text: string, fn: () => Promise<T>): Promise<T> {
  if (provider === undefined) return fn();
  const operation = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
  return inSpan(`db ${operation}`, SpanKind.CLIENT, { 'db.system': 'postgresql', 'db.operation.name': operation, 'db.query.text': text.slice(0, 2000) }, undefined, fn);
}

export { SpanKind, context, trace };
