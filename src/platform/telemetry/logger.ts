import { context, trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyStream } from './pretty.ts';

/** `json`: pino's JSON with ECS-style names; `ecs`: Elastic Common Schema 8 for Filebeat/Elastic; `pretty`: a person's. */
export type LogFormat = 'json' | 'pretty' | 'ecs';

export const ECS_VERSION = '8.11.0';

/** Secrets that may sit on a request's headers: never written, whatever the format. */
const REDACT = { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-paklog-principal"]'], censor: '[redacted]' };

/** JSON logs with ECS-style field names, ready for ELK. */
export function loggerOptions(level: string, serviceName = 'paklog'): LoggerOptions {
  return {
    level,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ 'log.level': label }),
      bindings: (b) => ({ 'process.pid': b.pid as unknown, 'host.hostname': b.hostname as unknown, 'service.name': serviceName }),
    },
    redact: REDACT,
  };
}

/** The ids of the span active where the entry is written (tracing on: tracing.ts), in ECS's names. */
function traceFields(): Record<string, string> {
  const span = trace.getSpanContext(context.active());
  return span === undefined ? {} : { 'trace.id': span.traceId, 'span.id': span.spanId };
}

/**
 * Elastic Common Schema: `@timestamp`, `log.level`, `message`, `ecs.version`, `service.name`, `event.dataset`
 * (`paklog.access` for request logs, `paklog.app` for the rest), `trace.id`/`span.id` (from the active span, or bound
 * on a request's logger from its `traceparent`), and the request fields fastify logs renamed to ECS's: `http.*`,
 * `url.path`, `error.*`. Filebeat ships the lines as they are (no ingest pipeline needed).
 */
export function ecsLoggerOptions(level: string, serviceName = 'paklog'): LoggerOptions {
  return {
    level,
    messageKey: 'message',
    timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
    mixin: traceFields,
    formatters: {
      level: (label) => ({ 'log.level': label }),
      bindings: (b) => ({ 'ecs.version': ECS_VERSION, 'process.pid': b.pid as unknown, 'host.hostname': b.hostname as unknown, 'service.name': serviceName }),
      log: (entry) => {
        const out: Record<string, unknown> = {};
        let access = false;
        for (const [k, v] of Object.entries(entry)) {
          if (k === 'req' && typeof v === 'object' && v !== null) {
            const r = v as { method?: string; url?: string; remoteAddress?: string };
            access = true;
            out['http.request.method'] = r.method;
            out['url.path'] = r.url;
            if (r.remoteAddress !== undefined) out['client.address'] = r.remoteAddress;
          } else if (k === 'res' && typeof v === 'object' && v !== null) {
            access = true;
            out['http.response.status_code'] = (v as { statusCode?: number }).statusCode;
          } else if (k === 'reqId') {
            out['http.request.id'] = v;
          } else if (k === 'responseTime' && typeof v === 'number') {
            out['event.duration'] = Math.round(v * 1e6);
          } else if (k === 'err' && typeof v === 'object' && v !== null) {
            const e = v as { type?: string; message?: string; stack?: string; code?: string };
            out['error.type'] = e.type;
            out['error.message'] = e.message;
            if (e.stack !== undefined) out['error.stack_trace'] = e.stack;
            if (e.code !== undefined) out['error.code'] = e.code;
          } else {
            out[k] = v;
          }
        }
        out['event.dataset'] = access ? 'paklog.access' : 'paklog.app';
        return out;
      },
    },
    redact: REDACT,
  };
}

/** The same entries either as JSON lines (pino's or ECS) or, for a person at a terminal, as one readable line each. */
export function createLogger(level: string, format: LogFormat = 'json', destination: DestinationStream = process.stdout, serviceName = 'paklog'): Logger {
  if (format === 'ecs') return pino(ecsLoggerOptions(level, serviceName), destination);
  return pino(loggerOptions(level, serviceName), format === 'pretty' ? prettyStream(destination) : destination);
}

export type { Logger };
