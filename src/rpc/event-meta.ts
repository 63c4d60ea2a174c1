import type { ActorKind, EventMeta } from '../platform/bus/envelope.ts';

/** `paklog.common.v1.EventMeta` (proto/paklog/common/v1/meta.proto), which every contract package with commands imports (all fields proto3-optional). */
export interface EventMetaMessage {
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
  actorKind?: string;
  actorId?: string;
  actorRole?: string;
}

const ACTOR_KINDS: readonly string[] = ['user', 'key', 'internal'] satisfies ActorKind[];

/** Only the fields that were set cross, so the event gets the same meta (its actor included) as in-process. */
export function metaMessage(meta: EventMeta): EventMetaMessage {
  return {
    ...(meta.correlationId === undefined ? {} : { correlationId: meta.correlationId }),
    ...(meta.causationId === undefined ? {} : { causationId: meta.causationId }),
    ...(meta.traceparent === undefined ? {} : { traceparent: meta.traceparent }),
    ...(meta.actor === undefined ? {} : { actorKind: meta.actor.kind, actorId: meta.actor.id, actorRole: meta.actor.role }),
  };
}

/** The platform's meta from a received message (absent: none); an actor only when all three of its fields came. */
export function eventMeta(m: EventMetaMessage | null | undefined): EventMeta {
  if (m == null) return {};
  const { actorKind: kind, actorId: id, actorRole: role } = m;
  const actor = kind !== undefined && id !== undefined && role !== undefined && ACTOR_KINDS.includes(kind)
    ? { kind: kind as ActorKind, id, role } : undefined;
  return {
    ...(m.correlationId === undefined ? {} : { correlationId: m.correlationId }),
    ...(m.causationId === undefined ? {} : { causationId: m.causationId }),
    ...(m.traceparent === undefined ? {} : { traceparent: m.traceparent }),
    ...(actor === undefined ? {} : { actor }),
  };
}
