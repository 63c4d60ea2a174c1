import { describe, expect, it } from 'vitest';
import { actorOf, causedBy, requestMeta, type EventEnvelope } from './envelope.ts';

const event = (extra: Partial<EventEnvelope>): EventEnvelope => ({
  specversion: '1.0', id: 'evt_1', type: 'orders.order.received.v1', source: 'orders', subject: 'ord_1', time: '2025-01-01T00:00:00.000Z',
  datacontenttype: 'application/json', data: {}, ...extra,
});

describe('the actor of events', () => {
  it('comes from the request\'s principal, never from anything else', () => {
    const principal = { kind: 'user' as const, id: 'usr_1', role: 'operator' };
    expect(requestMeta({ id: 'req-1', headers: {}, principal })).toEqual({ correlationId: 'req-1', actor: principal });
    // A header naming someone is not a principal.
    expect(requestMeta({ id: 'req-1', headers: { 'x-actor': 'usr_admin' } })).toEqual({ correlationId: 'req-1' });
  });
  it('is carried to the events an event causes', () => {
    const cause = event({ correlationid: 'req-1', actorid: 'key_9', actorkind: 'key', actorrole: 'integration' });
    expect(causedBy(cause)).toEqual({ correlationId: 'req-1', causationId: 'evt_1', actor: { kind: 'key', id: 'key_9', role: 'integration' } });
    expect(causedBy(event({}))).toEqual({ correlationId: 'evt_1', causationId: 'evt_1' });
  });
  it('is read only when whole and of a known kind', () => {
    expect(actorOf(event({ actorid: 'usr_1', actorkind: 'user' }))).toBeUndefined();
    expect(actorOf(event({ actorid: 'usr_1', actorkind: 'robot' as 'user', actorrole: 'admin' }))).toBeUndefined();
  });
});
