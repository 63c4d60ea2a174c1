import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the fake carrier received. */
export interface CarrierCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/**
 * A carrier speaking PakLog's generic carrier REST API (docs/dev/carriers.md) on a loopback port: prices by weight,
 * numbers shipments, forgets voided ones, and reports tracking events the test sets. `failNext` makes the next
 * request answer 503; `refuseNext` refuses the next request of a path (a 4xx with a reason); `malformNext` makes it answer JSON of the wrong shape; `delayNext` carries the next request out
 * but answers it late; `holdNext` keeps the next request of a path waiting, not carried out, until released.
 */
export async function startFakeCarrier(options: { apiKey?: string; prefix?: string } = {}) {
  const calls: CarrierCall[] = [];
  const booked = new Map<string, unknown>();
  const byKey = new Map<string, string>();
  const tracking: { trackingNumber: string; status: string; at: string }[] = [];
  let seq = 0;
  let failNext = false;
  let failPath: string | undefined;
  let malformNext = false;
  /** The next request of this path is refused with this status and body, not carried out. */
  let refuse: { path: string; status: number; payload: unknown } | undefined;
  /** The next request is carried out, but its answer comes this many ms late (a timeout that lost the answer). */
  let delayNext = 0;
  let delayPath: string | undefined;
  /** The next request of this path waits here, not carried out, until the test releases it. */
  let hold: { path: string; released: Promise<void> } | undefined;
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    return text === '' ? undefined : JSON.parse(text) as unknown;
  };
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      calls.push({ method: req.method ?? '', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
      if (hold !== undefined && url.pathname.startsWith(hold.path)) {
        const { released } = hold;
        hold = undefined;
        await released;
      }
      const delay = delayPath === undefined || url.pathname.startsWith(delayPath) ? delayNext : 0;
      if (delay > 0) delayNext = 0;
      const send = (status: number, payload?: unknown): void => {
        if (delay > 0) {
          setTimeout(() => {
            if (res.destroyed) return;
            res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
            res.end(payload === undefined ? undefined : JSON.stringify(payload));
          }, delay);
          return;
        }
        res.writeHead(status, payload === undefined ? {} : { 'content-type': 'application/json' });
        res.end(payload === undefined ? undefined : JSON.stringify(payload));
      };
      if (options.apiKey !== undefined && req.headers.authorization !== `Bearer ${options.apiKey}`) return send(401, { error: 'unauthorized' });
      if (failNext && (failPath === undefined || url.pathname.startsWith(failPath))) {
        failNext = false;
        return send(503, { error: 'down' });
      }
      if (refuse !== undefined && url.pathname.startsWith(refuse.path)) {
        const r = refuse;
        refuse = undefined;
        return send(r.status, r.payload);
      }
      if (malformNext) {
        malformNext = false;
        return send(200, { unexpected: true });
      }
      const b = (body ?? {}) as { parcels?: { weightG: number }[] };
      if (req.method === 'POST' && url.pathname === '/rates') {
        const kg = (b.parcels ?? []).reduce((n, p) => n + p.weightG, 0) / 1000;
        return send(200, { quotes: [
          { service: 'NEXTDAY', price: Math.round((6 + kg * 1.2) * 100) / 100, currency: 'EUR', transitDays: 1 },
          { service: 'SAVER', price: Math.round((3 + kg * 0.8) * 100) / 100, currency: 'EUR', transitDays: 3 },
          { service: 'UNLISTED', price: 0.01, currency: 'EUR', transitDays: 1 },
        ] });
      }
      if (req.method === 'POST' && url.pathname === '/shipments') {
        // A repeated Idempotency-Key answers the booking it made (while that is not voided), as carriers' APIs do.
        const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
        const prior = key === undefined ? undefined : byKey.get(key);
        if (prior !== undefined && booked.has(prior)) return send(201, { trackingNumber: prior });
        const trackingNumber = `${options.prefix ?? 'RC'}${String(++seq).padStart(8, '0')}`;
        booked.set(trackingNumber, body);
        if (key !== undefined) byKey.set(key, trackingNumber);
        return send(201, { trackingNumber });
      }
      if (req.method === 'DELETE' && url.pathname.startsWith('/shipments/')) {
        const n = decodeURIComponent(url.pathname.slice('/shipments/'.length));
        if (!booked.delete(n)) return send(404, { error: 'unknown' });
        return send(204);
      }
      if (req.method === 'GET' && url.pathname === '/tracking') {
        const numbers = new Set((url.searchParams.get('numbers') ?? '').split(','));
        return send(200, { events: tracking.filter((t) => numbers.has(t.trackingNumber)) });
      }
      return send(404, { error: 'no route' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    booked,
    addTracking: (trackingNumber: string, status: string, at: string) => { tracking.push({ trackingNumber, status, at }); },
    /** The next request (with `path`, the next request of a path starting so) answers 503, not carried out. */
    failNext: (path?: string) => {
      failNext = true;
      failPath = path;
    },
    malformNext: () => { malformNext = true; },
    /** The next request of a path starting so is refused (`status`, a 4xx, with `payload` as its body), not carried out. */
    refuseNext: (path: string, status = 422, payload: unknown = { message: 'refused' }) => { refuse = { path, status, payload }; },
    /** The next request takes effect, but its answer is sent `ms` late (after the adapter's timeout: the answer is lost); with `path`, the next request of a path starting so. */
    delayNext: (ms: number, path?: string) => {
      delayNext = ms;
      delayPath = path;
    },
    /** The next request of a path starting so waits, not carried out, until the returned function releases it. */
    holdNext: (path: string): (() => void) => {
      let release = (): void => undefined;
      hold = { path, released: new Promise<void>((resolve) => { release = resolve; }) };
      return () => release();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
