import { activeTraceparent } from '../telemetry/tracing.ts';
/** CloudEvents 1.0 envelope with PakLog's extensions (DOMAIN.md, "Events"). */
export interface EventEnvelope<T = unknown> {
  readonly specversion: '1.0';
  readonly id: string;
  /** `<context>.<aggregate>.<past tense>.v<major>`, e.g. `orders.order.received.v1`. */
  readonly type: string;
  /** The publishing context. */
  readonly source: string;
  /** The aggregate id; events of one subject stay in order. */
  readonly subject: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
  readonly correlationid?: string;
  readonly causationid?: string;
  readonly traceparent?: string;
  readonly siteid?: string;
  /** Who caused the event (ADR 0019): the person, key or internal caller of the request at the root of its chain. */
  readonly actorid?: string;
  readonly actorkind?: ActorKind;
  readonly actorrole?: string;
}

export type ActorKind = 'user' | 'key' | 'internal';

/** The authenticated caller a command runs for; never read from a body, only from the request's principal. */
export interface Actor {
  readonly kind: ActorKind;
  readonly id: string;
  readonly role: string;
}

/** What a command emits; the outbox turns it into an envelope. */
export interface NewEvent<T = unknown> {
  readonly type: string;
  readonly subject: string;
  readonly data: T;
  readonly siteId?: string;
}

/** Where an event came from: the request or the event that caused it. */
export interface EventMeta {
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly traceparent?: string;
  readonly actor?: Actor;
}

const ACTOR_KINDS: readonly string[] = ['user', 'key', 'internal'] satisfies ActorKind[];

/** The actor an envelope carries, when it carries a whole one. */
export function actorOf(event: Pick<EventEnvelope, 'actorid' | 'actorkind' | 'actorrole'>): Actor | undefined {
  const { actorid: id, actorkind: kind, actorrole: role } = event;
  if (id === undefined || kind === undefined || role === undefined || !ACTOR_KINDS.includes(kind)) return undefined;
  return { kind, id, role };
}

/** Meta for events emitted while handling `cause`: same correlation and actor, caused by it. */
export function causedBy(cause: EventEnvelope): EventMeta {
  const meta: { correlationId: string; causationId: string; traceparent?: string; actor?: Actor } = {
    correlationId: cause.correlationid ?? cause.id,
    causationId: cause.id,
  };
  if (cause.traceparent !== undefined) meta.traceparent = cause.traceparent;
  const actor = actorOf(cause);
  if (actor !== undefined) meta.actor = actor;
  return meta;
}

/**
 * Meta for events emitted by an HTTP command: the request id correlates them, a W3C `traceparent` header is carried,
 * and the authenticated principal is the actor (the only source of it: a body's fields never are).
 */
export function requestMeta(request: {
  readonly id: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly principal?: { readonly kind: ActorKind; readonly id: string; readonly role: string } | undefined;
}): EventMeta {
  const header = request.headers.traceparent;
  // Traced: the request's own span (a child of the caller's), so the events' handlers hang below it.
  const traceparent = activeTraceparent() ?? (Array.isArray(header) ? header[0] : header);
  const p = request.principal;
  const actor = p === undefined ? {} : { actor: { kind: p.kind, id: p.id, role: p.role } };
  // version-traceid-parentid-flags, e.g. 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01
  return traceparent !== undefined && /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(traceparent)
    ? { correlationId: request.id, traceparent, ...actor }
    : { correlationId: request.id, ...actor };
}
