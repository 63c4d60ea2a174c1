// Original file: paklog/common/v1/meta.proto


/**
 * Where a command came from (EventMeta in the platform): the events it announces carry these.
 */
export interface EventMeta {
  'correlationId'?: (string);
  'causationId'?: (string);
  /**
   * W3C trace context.
   */
  'traceparent'?: (string);
  /**
   * Who asked (the audit's actor): all three or none. `kind` is user, key or internal.
   */
  'actorKind'?: (string);
  'actorId'?: (string);
  'actorRole'?: (string);
  '_correlationId'?: "correlationId";
  '_causationId'?: "causationId";
  '_traceparent'?: "traceparent";
  '_actorKind'?: "actorKind";
  '_actorId'?: "actorId";
  '_actorRole'?: "actorRole";
}

/**
 * Where a command came from (EventMeta in the platform): the events it announces carry these.
 */
export interface EventMeta__Output {
  'correlationId'?: (string);
  'causationId'?: (string);
  /**
   * W3C trace context.
   */
  'traceparent'?: (string);
  /**
   * Who asked (the audit's actor): all three or none. `kind` is user, key or internal.
   */
  'actorKind'?: (string);
  'actorId'?: (string);
  'actorRole'?: (string);
  '_correlationId'?: "correlationId";
  '_causationId'?: "causationId";
  '_traceparent'?: "traceparent";
  '_actorKind'?: "actorKind";
  '_actorId'?: "actorId";
  '_actorRole'?: "actorRole";
}
