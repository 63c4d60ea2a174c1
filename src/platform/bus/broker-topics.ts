/**
 * How events map onto a broker: one topic (stream subject) per producing context, `paklog.<context>.events`, keyed by
 * the event's subject (the aggregate id) so one aggregate's events stay in order. The namespace (`PAKLOG_BUS_NAMESPACE`,
 * default `paklog`) keeps installations, or test runs, sharing one broker apart. The producing context is the first
 * segment of the event type (`orders.order.received.v1` → `orders`), which is also the envelope's `source`.
 */
export const topicOf = (context: string, namespace = 'paklog'): string => `${namespace}.${context}.events`;

/** The producing context of an event type: its first dot-separated segment. */
export function contextOfType(type: string): string {
  const dot = type.indexOf('.');
  return dot <= 0 ? type : type.slice(0, dot);
}

/** The topics a consumer of these event types reads, sorted and without repeats. */
export const topicsFor = (types: readonly string[], namespace = 'paklog'): string[] => [...new Set(types.map((t) => topicOf(contextOfType(t), namespace)))].sort();
