// Original file: paklog/waves/v1/waves.proto


/**
 * Where the call came from (EventMeta in the platform): the event it announces carries these.
 */
export interface EventMeta {
  'correlationId'?: (string);
  'causationId'?: (string);
  /**
   * W3C trace context.
   */
  'traceparent'?: (string);
  '_correlationId'?: "correlationId";
  '_causationId'?: "causationId";
  '_traceparent'?: "traceparent";
}

/**
 * Where the call came from (EventMeta in the platform): the event it announces carries these.
 */
export interface EventMeta__Output {
  'correlationId'?: (string);
  'causationId'?: (string);
  /**
   * W3C trace context.
   */
  'traceparent'?: (string);
  '_correlationId'?: "correlationId";
  '_causationId'?: "causationId";
  '_traceparent'?: "traceparent";
}
