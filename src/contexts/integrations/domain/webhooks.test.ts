import { describe, expect, it } from 'vitest';
import { eventOwner, matchesType, retryDelayMs, subscriptionLifecycle, unknownPatterns } from './webhooks.ts';

describe('webhook rules', () => {
  it('reaches every subscription state', () => {
    expect(subscriptionLifecycle.unreachable()).toEqual([]);
    expect(subscriptionLifecycle.can('ACTIVE', 'DISABLED')).toBe(true);
  });

  it('matches exact types and families', () => {
    expect(matchesType(['orders.order.*'], 'orders.order.shipped.v1')).toBe(true);
    expect(matchesType(['pack-ship.shipment.dispatched.v1'], 'pack-ship.shipment.dispatched.v1')).toBe(true);
    expect(matchesType(['pack-ship.shipment.dispatched.v1'], 'pack-ship.shipment.created.v1')).toBe(false);
    expect(unknownPatterns(['orders.order.*', 'inventory.stock.*', 'tasks.task.created.v1', 'nope.*'])).toEqual(['tasks.task.created.v1', 'nope.*']);
  });

  it('reads an event\'s owner: the payload\'s, the default owner where a type that names owners leaves it out, none for a type that names none', () => {
    const aware = new Set(['orders.order.received.v1']);
    expect(eventOwner('orders.order.received.v1', { ownerId: 'own_acme' }, aware)).toBe('own_acme');
    expect(eventOwner('orders.order.received.v1', {}, aware)).toBe('own_default');
    expect(eventOwner('orders.order.allocated.v1', {}, aware)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { baseMs: 1000, maxMs: 60_000 };
    expect(retryDelayMs(p, 1, 0.999999)).toBe(1000);
    expect(retryDelayMs(p, 1, 0)).toBe(500);
    expect(retryDelayMs(p, 3, 0.999999)).toBe(4000);
    expect(retryDelayMs(p, 20, 0.999999)).toBe(60_000);
    expect(retryDelayMs(p, 20, 0)).toBe(30_000);
  });
});
