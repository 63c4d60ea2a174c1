/**
 * The browser apps' API calls (ui/lib/api.ts) with a person's session, in Node with the browser's globals stood in for
 * (fetch, sessionStorage): a refresh token is good once, so a call refused with an access token that another call has
 * since renewed must retry with the renewed one. It refreshed again, and on a reload, where one of the page's calls
 * renewed while others were still on their way, the session could rotate several times over or end.
 */
import { afterEach, expect, it } from 'vitest';
import { api } from './api.ts';

const saved = { fetch: globalThis.fetch, sessionStorage: (globalThis as { sessionStorage?: unknown }).sessionStorage };
afterEach(() => {
  globalThis.fetch = saved.fetch;
  Object.assign(globalThis, { sessionStorage: saved.sessionStorage });
});

it('a call refused with an access token another call has renewed meanwhile retries with the renewed one, without a refresh', async () => {
  const store = new Map<string, string>([['paklog.credential', JSON.stringify({ kind: 'user', accessToken: 'expired', refreshToken: 'r1' })]]);
  Object.assign(globalThis, {
    sessionStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k) },
  });
  const refreshes: string[] = [];
  globalThis.fetch = (async (url: string, init: RequestInit = {}) => {
    const auth = new Headers(init.headers).get('authorization');
    if (url === '/api/v1/auth/refresh') {
      refreshes.push((JSON.parse(init.body as string) as { refreshToken: string }).refreshToken);
      return new Response('{}', { status: 401 });
    }
    if (auth === 'Bearer fresh') return Response.json({ items: [] });
    // While this call was on its way with the expired token, another one renewed the session.
    store.set('paklog.credential', JSON.stringify({ kind: 'user', accessToken: 'fresh', refreshToken: 'r2' }));
    return new Response('{}', { status: 401 });
  }) as typeof fetch;

  expect(await api('GET', '/orders')).toEqual({ items: [] });
  expect(refreshes).toEqual([]);
  expect(JSON.parse(store.get('paklog.credential')!)).toEqual({ kind: 'user', accessToken: 'fresh', refreshToken: 'r2' });
});

it('a command sent again after no answer goes with the key of its first attempt (applied once), a new one after an answer', async () => {
  Object.assign(globalThis, { sessionStorage: { getItem: () => JSON.stringify({ kind: 'key', key: 'k' }), setItem: () => undefined, removeItem: () => undefined } });
  const keys: string[] = [];
  let drop = true;
  globalThis.fetch = (async (_url: string, init: RequestInit = {}) => {
    keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
    // The first attempt reaches PakLog, its answer is lost on the way back.
    if (drop) throw new TypeError('Failed to fetch');
    return Response.json({ id: 'rel_1' });
  }) as typeof fetch;
  const release = { sku: 'MUG', quantity: 2, reason: 'checked' };

  await expect(api('POST', '/inventory/hold-releases', { body: release, idempotencyKey: 'first' })).rejects.toMatchObject({ code: 'NETWORK' });
  drop = false;
  // The person presses the button again: the screen makes a fresh key, the same command goes with the first one.
  expect(await api('POST', '/inventory/hold-releases', { body: release, idempotencyKey: 'second' })).toEqual({ id: 'rel_1' });
  // Answered: the same release asked again later is a new command, with its own key; another command never took the key.
  await api('POST', '/inventory/hold-releases', { body: release, idempotencyKey: 'third' });
  await api('POST', '/inventory/hold-releases', { body: { ...release, quantity: 1 }, idempotencyKey: 'fourth' });
  expect(keys).toEqual(['first', 'first', 'third', 'fourth']);
});
