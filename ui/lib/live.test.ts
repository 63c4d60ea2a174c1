/**
 * The browser apps' live stream (ui/lib/live.ts) with a person's session, in Node with the browser's globals stood in
 * for (fetch, sessionStorage, window): the server ends a stream whose caller's access token expired (it checks the caller
 * again every few seconds, ADR 0035), and the screens read again only on live events, so the stream must renew the
 * session itself. It waited for some other call to renew it: a console left open stayed without updates.
 */
import { afterEach, expect, it } from 'vitest';
import { followLive, type LiveEvent } from './live.ts';

const saved = { fetch: globalThis.fetch, window: (globalThis as { window?: unknown }).window, sessionStorage: (globalThis as { sessionStorage?: unknown }).sessionStorage };
afterEach(() => {
  globalThis.fetch = saved.fetch;
  Object.assign(globalThis, { window: saved.window, sessionStorage: saved.sessionStorage });
});

it('renews an expired session and follows the stream again, with one refresh for the one refresh token', async () => {
  const store = new Map<string, string>([['paklog.credential', JSON.stringify({ kind: 'user', accessToken: 'expired', refreshToken: 'r1' })]]);
  const refreshes: string[] = [];
  Object.assign(globalThis, {
    window: globalThis,
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
  });
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const auth = new Headers(init.headers).get('authorization');
    if (url === '/api/v1/auth/refresh') {
      const { refreshToken } = JSON.parse(init.body as string) as { refreshToken: string };
      refreshes.push(refreshToken);
      return refreshToken === 'r1' ? Response.json({ accessToken: 'fresh', refreshToken: 'r2' }) : new Response('{}', { status: 401 });
    }
    if (url === '/api/v1/live' && auth === 'Bearer fresh') {
      const frame = `data: ${JSON.stringify([{ id: 'evt_1', type: 'orders.order.received.v1', time: '2026-12-04T22:00:00Z' }])}\n\n`;
      return new Response(new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode(frame)) }), { headers: { 'content-type': 'text/event-stream' } });
    }
    return new Response('{}', { status: 401 });
  }) as typeof fetch;

  const heard: LiveEvent[] = [];
  const stop = followLive((events) => heard.push(...events));
  try {
    await expect.poll(() => heard.map((e) => e.id), { timeout: 3_000 }).toEqual(['evt_1']);
  } finally {
    stop();
  }
  expect(refreshes).toEqual(['r1']);
  expect(JSON.parse(store.get('paklog.credential')!)).toEqual({ kind: 'user', accessToken: 'fresh', refreshToken: 'r2' });
});
