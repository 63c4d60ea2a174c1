import type { ServerResponse } from 'node:http';
import type { EventEnvelope } from '../bus/envelope.ts';
import { ALL_SITES, CAN } from './roles.ts';
import type { HttpApp } from './server.ts';

export interface LiveRouteDeps {
  /** Where committed events are heard (EventBus.observe): calls the listener with each batch; returns the unsubscribe. */
  readonly events: (listener: (events: readonly EventEnvelope[]) => void) => () => void;
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs?: number;
}

/**
 * GET /api/v1/live: server-sent events for the browser apps (ADR 0035). Each frame is a JSON array of the events a
 * relay batch published, as `{ id, type, time }` only — what happened, not the data, so a caller learns which views
 * to read again (through the API, which checks its roles and sites) and nothing more. Authenticated like any call; a
 * caller limited to some sites hears only their events and those of no site (master data such as products).
 */
export async function liveRoutes(app: HttpApp, deps: LiveRouteDeps): Promise<void> {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
  app.get('/api/v1/live', {
    config: { roles: CAN.read },
    // Server-sent events are not JSON an OpenAPI document can describe (like GraphQL's websocket, it is left out).
    schema: { hide: true },
  }, async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
      'x-request-id': req.id, 'x-content-type-options': 'nosniff', 'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    open.add(res);
    const sites = req.principal?.sites ?? {};
    const hears = (e: EventEnvelope): boolean => Object.hasOwn(sites, ALL_SITES) || e.siteid === undefined || Object.hasOwn(sites, e.siteid);
    const unsubscribe = deps.events((events) => {
      const frame = events.filter(hears).map((e) => ({ id: e.id, type: e.type, time: e.time }));
      if (frame.length > 0) res.write(`data: ${JSON.stringify(frame)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.heartbeatMs ?? 25_000);
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    };
    res.on('close', stop);
  });
}
