import type { EventMeta } from '../platform/bus/envelope.ts';

/** The `EventMeta` message every contract package declares (all fields proto3-optional). */
export interface EventMetaMessage {
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
}

/** Only the ids that were set cross, so the event gets the same meta as in-process. */
export function metaMessage(meta: EventMeta): EventMetaMessage {
  return {
    ...(meta.correlationId === undefined ? {} : { correlationId: meta.correlationId }),
    ...(meta.causationId === undefined ? {} : { causationId: meta.causationId }),
    ...(meta.traceparent === undefined ? {} : { traceparent: meta.traceparent }),
  };
}

/** The platform's meta from a received message (absent: none). */
export function eventMeta(m: EventMetaMessage | null): EventMeta {
  if (m === null) return {};
  return {
    ...(m.correlationId === undefined ? {} : { correlationId: m.correlationId }),
    ...(m.causationId === undefined ? {} : { causationId: m.causationId }),
    ...(m.traceparent === undefined ? {} : { traceparent: m.traceparent }),
  };
}
