/**
 * The browser apps' API calls (ui/lib/api.ts) with a person's session, in Node with the browser's globals stood in for
 * (fetch, sessionStorage): a refresh token is good once, so a call refused with an access token that another call has
 * since renewed must retry with the renewed one. It refreshed again, and on a reload, where one of the page's calls
 * renewed while others were still on their way, the session could rotate several times over or end.
 */
import { afterEach, expect, it } from 'vitest';
import { api, ApiError, isNetworkError, outcomeKnown, refusedField, REQUEST_TIMEOUT_MS, setRequestTimeout } from './api.ts';

const saved = { fetch: globalThis.fetch, sessionStorage: (globalThis as { sessionStorage?: unknown }).sessionStorage };
afterEach(() => {
  setRequestTimeout(REQUEST_TIMEOUT_MS);
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

it('an answer that says nothing of the command (a gateway timeout, a dropped body, still running) keeps its key for the retry; PakLog\'s answer forgets it', async () => {
  Object.assign(globalThis, { sessionStorage: { getItem: () => JSON.stringify({ kind: 'key', key: 'k' }), setItem: () => undefined, removeItem: () => undefined } });
  const keys: string[] = [];
  const answers: (() => Response)[] = [
    // The hold is placed; the gateway's timeout answers instead, with its own page (no JSON).
    () => new Response('<html><body>504 Gateway Time-out</body></html>', { status: 504, headers: { 'content-type': 'text/html' } }),
    // PakLog's answer starts, the connection drops before its body arrives.
    () => new Response(new ReadableStream({ start: (c) => c.error(new TypeError('network error')) }), { status: 201 }),
    () => Response.json({ code: 'IDEMPOTENCY_IN_PROGRESS', detail: 'Retry the request' }, { status: 409 }),
    () => Response.json({ id: 'hold_1' }, { status: 201 }),
    () => Response.json({ code: 'INSUFFICIENT_STOCK', detail: 'Only 2 available' }, { status: 409 }),
    () => Response.json({ id: 'hold_2' }, { status: 201 }),
  ];
  globalThis.fetch = (async (_url: string, init: RequestInit = {}) => {
    keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
    return answers.shift()!();
  }) as typeof fetch;
  const hold = { sku: 'MUG', quantity: 3 };
  const press = (key: string) => api('POST', '/inventory/holds', { body: hold, idempotencyKey: key });

  await expect(press('k1')).rejects.toMatchObject({ status: 504, code: 'HTTP_504', message: 'No answer from PakLog (HTTP 504)' });
  await expect(press('k2')).rejects.toMatchObject({ code: 'NETWORK' });
  await expect(press('k3')).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
  expect(await press('k4')).toEqual({ id: 'hold_1' });
  // Answered: the next press is a new command; a refusal is an answer too.
  await expect(press('k5')).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
  expect(await press('k6')).toEqual({ id: 'hold_2' });
  expect(keys).toEqual(['k1', 'k1', 'k1', 'k1', 'k5', 'k6']);
});

it('a file sent again after no answer (the same file, pressed again) goes with its first key; another file with its own', async () => {
  Object.assign(globalThis, { sessionStorage: { getItem: () => JSON.stringify({ kind: 'key', key: 'k' }), setItem: () => undefined, removeItem: () => undefined } });
  const keys: string[] = [];
  let drop = true;
  globalThis.fetch = (async (_url: string, init: RequestInit = {}) => {
    keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
    if (drop) throw new TypeError('Failed to fetch');
    return Response.json({ created: 2 });
  }) as typeof fetch;
  const file = new Blob(['externalId,sku\nA,MUG\n'], { type: 'text/csv' });
  await expect(api('POST', '/imports/orders?site=s', { csv: file, idempotencyKey: 'first' })).rejects.toMatchObject({ code: 'NETWORK' });
  drop = false;
  await api('POST', '/imports/orders?site=s', { csv: file, idempotencyKey: 'second' });
  await api('POST', '/imports/orders?site=s', { csv: new Blob(['externalId,sku\nA,MUG\n']), idempotencyKey: 'third' });
  expect(keys).toEqual(['first', 'first', 'third']);
});

it('whether an answer says what became of a command, and what a refusal says of one field', () => {
  expect([200, 201, 204, 400, 404, 409, 422].map((s) => outcomeKnown(s, undefined))).toEqual([true, true, true, true, true, true, true]);
  expect([408, 500, 502, 503, 504].map((s) => outcomeKnown(s, undefined))).toEqual([false, false, false, false, false]);
  expect(outcomeKnown(409, 'IDEMPOTENCY_IN_PROGRESS')).toBe(false);
  const unbooked = new ApiError(409, 'ILLEGAL_TRANSITION', 'ASN asn_1: its LPN X was scanned in…', [{ field: '/acceptUnbooked', message: 'LPN X scanned in, nothing of it booked' }]);
  expect(refusedField(unbooked, '/acceptUnbooked')).toBe('LPN X scanned in, nothing of it booked');
  expect(refusedField(new ApiError(409, 'ILLEGAL_TRANSITION', 'ASN asn_1 is CLOSED: it cannot be closed'), '/acceptUnbooked')).toBeUndefined();
  expect(refusedField(new Error('boom'), '/acceptUnbooked')).toBeUndefined();
});

/** A fetch that never answers (a hung server or proxy): it settles only when its signal aborts, as the browser's does. */
const hung = (init: RequestInit = {}): Promise<Response> => new Promise((_resolve, reject) => {
  init.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
});

it('a server that never answers ends the call with TIMEOUT, saying what to do; the command pressed again goes with its first key', async () => {
  Object.assign(globalThis, { sessionStorage: { getItem: () => JSON.stringify({ kind: 'key', key: 'k' }), setItem: () => undefined, removeItem: () => undefined } });
  expect(REQUEST_TIMEOUT_MS).toBe(30_000);
  setRequestTimeout(50);
  const keys: string[] = [];
  const answers: ((init: RequestInit) => Promise<Response>)[] = [
    // No answer at all: before, the call (and the screen's busy button) waited for ever.
    hung,
    // The answer's head arrives, its body never does.
    async (init) => new Response(new ReadableStream({
      start: (c) => init.signal?.addEventListener('abort', () => c.error(new DOMException('The operation was aborted.', 'AbortError'))),
    }), { status: 201 }),
    async () => Response.json({ id: 'hold_1' }, { status: 201 }),
    async () => Response.json({ id: 'hold_2' }, { status: 201 }),
  ];
  globalThis.fetch = (async (_url: string, init: RequestInit = {}) => {
    keys.push(new Headers(init.headers).get('idempotency-key') ?? '');
    return answers.shift()!(init);
  }) as typeof fetch;
  const hold = { sku: 'MUG', quantity: 3 };
  const press = (key: string) => api('POST', '/inventory/holds', { body: hold, idempotencyKey: key });

  const started = Date.now();
  const first = await press('k1').catch((e: unknown) => e);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(first).toBeInstanceOf(ApiError);
  expect(first).toMatchObject({ status: 0, code: 'TIMEOUT', message: 'PakLog did not answer within 50 ms. Check the connection and try again: a command sent again is done once' });
  // "No answer" to the screens that queue or retry (the handheld's scans): a timeout is one.
  expect(isNetworkError(first)).toBe(true);
  await expect(press('k2')).rejects.toMatchObject({ code: 'TIMEOUT' });
  expect(await press('k3')).toEqual({ id: 'hold_1' });
  // Answered: the next press is a new command.
  expect(await press('k4')).toEqual({ id: 'hold_2' });
  expect(keys).toEqual(['k1', 'k1', 'k1', 'k4']);
});

it('a call\'s own timeoutMs is kept, and a caller\'s abort stays an abort, not a TIMEOUT', async () => {
  Object.assign(globalThis, { sessionStorage: { getItem: () => JSON.stringify({ kind: 'key', key: 'k' }), setItem: () => undefined, removeItem: () => undefined } });
  globalThis.fetch = ((_url: string, init: RequestInit = {}) => hung(init)) as typeof fetch;
  await expect(api('GET', '/orders', { timeoutMs: 20 })).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('within 20 ms') as unknown });
  const controller = new AbortController();
  const call = api('GET', '/orders', { signal: controller.signal, timeoutMs: 60_000 });
  controller.abort();
  await expect(call).rejects.toMatchObject({ name: 'AbortError' });
});
