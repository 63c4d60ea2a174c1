import type { EventEnvelope } from '../../platform/bus/envelope.ts';

/** What a subscriber receives: the event, flattened (its data as JSON). */
export interface Progress {
  readonly eventId: string;
  readonly type: string;
  readonly subject: string;
  readonly siteId: string | null;
  readonly time: string;
  readonly data: unknown;
}

/** Subscription topics (mqemitter separates levels by `/`; ids never contain one). */
export const orderTopic = (orderId: string): string => `order/${orderId}`;
export const waveTopic = (waveId: string): string => `wave/${waveId}`;
export const siteTasksTopic = (siteId: string): string => `tasks/${siteId}`;

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : []);

/**
 * The topics an event belongs to, from its subject (an aggregate id, typed by its prefix) and the ids its data names
 * (`orderId`, `orderIds`, `waveId`): an order's events, and a wave's with those of its orders, pick lists and tasks;
 * task events also go to their site.
 */
export function topicsOf(event: EventEnvelope): string[] {
  const data = (typeof event.data === 'object' && event.data !== null ? event.data : {}) as Record<string, unknown>;
  const orders = new Set([...strings(data.orderId), ...strings(data.orderIds)]);
  const waves = new Set(strings(data.waveId));
  if (event.subject.startsWith('ord_')) orders.add(event.subject);
  if (event.subject.startsWith('wav_')) waves.add(event.subject);
  const topics = [...[...orders].map(orderTopic), ...[...waves].map(waveTopic)];
  if (event.type.startsWith('tasks.') && event.siteid !== undefined) topics.push(siteTasksTopic(event.siteid));
  return topics;
}

export const toProgress = (event: EventEnvelope): Progress => ({
  eventId: event.id, type: event.type, subject: event.subject, siteId: event.siteid ?? null, time: event.time, data: event.data,
});
