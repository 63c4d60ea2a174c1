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
