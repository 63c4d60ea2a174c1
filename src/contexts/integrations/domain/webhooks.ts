import { WEBHOOK_EVENT_TYPES, type WebhookSubscriptionStatus } from '../../../contracts/integrations.ts';
import { DEFAULT_OWNER_ID } from '../../../contracts/inventory.ts';
import { defineLifecycle } from '../../../platform/lifecycle.ts';

/** A subscription is disabled after too many failures in a row and enabled again by an admin (ADR 0034). */
export const SUBSCRIPTION_TRANSITIONS: Record<WebhookSubscriptionStatus, readonly WebhookSubscriptionStatus[]> = {
  ACTIVE: ['DISABLED'],
  DISABLED: ['ACTIVE'],
};
export const subscriptionLifecycle = defineLifecycle('webhook subscription', SUBSCRIPTION_TRANSITIONS, ['ACTIVE']);

/** Whether a subscription's `patterns` (exact types, or a family ending in `*`) take `type`. */
export function matchesType(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : p === type));
}

/** The patterns no offered event type matches (a subscription naming one is refused, 422 UNKNOWN_EVENT_TYPE). */
export function unknownPatterns(patterns: readonly string[]): string[] {
  return patterns.filter((p) => !WEBHOOK_EVENT_TYPES.some((t) => matchesType([p], t)));
}

/**
 * The owner an event is about, as a subscription's `ownerId` filter reads it: the payload's `ownerId`; for an event type
 * whose payload declares an `ownerId` and leaves it out, the default owner (what the published language says absence
 * means: orders' and inventory's events name only another owner, ADR 0028); undefined for a type that names no owner (such an event
 * reaches subscriptions without an owner filter only).
 */
export function eventOwner(type: string, data: Readonly<Record<string, unknown>>, ownerAwareTypes: ReadonlySet<string>): string | undefined {
  if (typeof data.ownerId === 'string') return data.ownerId;
  return ownerAwareTypes.has(type) ? DEFAULT_OWNER_ID : undefined;
}

export interface RetryPolicy {
  /** The delay after the first failure, milliseconds. */
  readonly baseMs: number;
  /** The longest delay between two attempts, milliseconds. */
  readonly maxMs: number;
}

/**
 * The delay before attempt `failures + 1` after `failures` failed attempts: exponential (base·2^(failures−1), capped at
 * max) with jitter, a random share between half and all of it, so receivers coming back are not hit by every sender at
 * once. `random` is in [0, 1).
 */
export function retryDelayMs(policy: RetryPolicy, failures: number, random: number): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
  return Math.round(exp * (0.5 + 0.5 * random));
}
