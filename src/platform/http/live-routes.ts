import type { FastifyRequest } from 'fastify';
import type { ServerResponse } from 'node:http';
import type { EventEnvelope } from '../bus/envelope.ts';
import { credentialsEndedCount } from '../identity/revocations.ts';
import { ALL_SITES, CAN, type Principal } from './roles.ts';
import type { HttpApp } from './server.ts';

export interface LiveRouteDeps {
  /** Where committed events are heard (EventBus.observe): calls the listener with each batch; returns the unsubscribe. */
  readonly events: (listener: (events: readonly EventEnvelope[]) => void) => () => void;
  /** A comment line this often keeps proxies from closing an idle stream. */
  readonly heartbeatMs?: number;
  /**
   * The stream's caller as its credentials say now (undefined: refused: a revoked key, a disabled user, an ended
   * session); absent: the caller of the request is kept for the stream's life.
   */
  readonly reauthenticate?: (request: FastifyRequest) => Promise<Principal | undefined>;
  /** How old the last check of the caller may be before events are sent (default {@link LIVE_RECHECK_MS}). */
  readonly recheckMs?: number;
}

/** How long a stream trusts its caller before the next events make it check again (as GraphQL subscriptions do). */
export const LIVE_RECHECK_MS = 5_000;

/**
 * The owner (3PL client, ADR 0028) an event names: its data's `ownerId`, or its `target.ownerId` (quality's stock
 * targets); undefined for an event that names none (an order's later events, waves, tasks, master data), which a key
 * scoped to an owner never hears: who owns such an event is not written on it.
 */
export function ownerOfEvent(e: Pick<EventEnvelope, 'data'>): string | undefined {
  const data = e.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as { ownerId?: unknown; target?: { ownerId?: unknown } | null };
  if (typeof d.ownerId === 'string') return d.ownerId;
  const target = typeof d.target === 'object' && d.target !== null ? d.target.ownerId : undefined;
  return typeof target === 'string' ? target : undefined;
}

/**
 * GET /api/v1/live: server-sent events for the browser apps (ADR 0035). Each frame is a JSON array of the events a
 * relay batch published, as `{ id, type, time }` only — what happened, not the data, so a caller learns which views
 * to read again (through the API, which checks its roles and sites) and nothing more. Authenticated like any call; a
 * caller limited to some sites hears only their events and those of no site (master data such as products); a key
 * scoped to an owner hears only the events that name its owner ({@link ownerOfEvent}).
 */
export async function liveRoutes(app: HttpApp, deps: LiveRouteDeps): Promise<void> {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
    open.clear();
  });
  app.get('/api/v1/live', {
    // A key scoped to an owner hears its owner's events only (ownerHears): the stream keeps owners apart.
    config: { roles: CAN.read, owners: true },
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
    let sites = req.principal?.sites ?? {};
    let owner = req.principal?.ownerId;
    const hears = (e: EventEnvelope): boolean => (Object.hasOwn(sites, ALL_SITES) || e.siteid === undefined || Object.hasOwn(sites, e.siteid))
      && (owner === undefined || ownerOfEvent(e) === owner);
    // The caller is checked again before events are sent once the last check is old: a revoked key, a disabled user or
    // a grant taken away stops hearing within seconds, not when the stream happens to end. Batches are written in order.
    let checkedAt = Date.now();
    let endedSeen = credentialsEndedCount();
    let queue: Promise<void> = Promise.resolve();
    const stillAllowed = async (): Promise<boolean> => {
      if (deps.reauthenticate === undefined) return true;
      // Also at once after this process ended some credentials (a logout, a key revoked): they may be this caller's.
      if (Date.now() - checkedAt < (deps.recheckMs ?? LIVE_RECHECK_MS) && credentialsEndedCount() === endedSeen) return true;
      endedSeen = credentialsEndedCount();
      const now = await deps.reauthenticate(req).catch(() => undefined);
      if (now === undefined || !CAN.read.includes(now.role)) return false;
      sites = now.sites;
      owner = now.ownerId;
      checkedAt = Date.now();
      return true;
    };
    const unsubscribe = deps.events((events) => {
      queue = queue.then(async () => {
        if (res.writableEnded) return;
        if (!(await stillAllowed())) {
          stop();
          res.end();
          return;
        }
        const frame = events.filter(hears).map((e) => ({ id: e.id, type: e.type, time: e.time }));
        if (frame.length > 0) res.write(`data: ${JSON.stringify(frame)}\n\n`);
      }).catch(() => undefined);
    });
    const heartbeat = setInterval(() => { if (!res.writableEnded) res.write(': keep-alive\n\n'); }, deps.heartbeatMs ?? 25_000);
    function stop(): void {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
    }
    res.on('close', stop);
  });
}
