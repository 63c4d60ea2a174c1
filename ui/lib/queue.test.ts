/**
 * The handheld's offline queue (ui/rf/queue.ts) replayed when the connection returns, in Node with the browser's
 * globals stood in for (fetch, sessionStorage, localStorage). A scan refused because the sign-in is over (401: the
 * session was revoked meanwhile, the key rotated) is no refusal of the scan: it stays queued, to be sent when that
 * person signs in again. It was dropped as "refused", and the units it picked were in the tote but in no record.
 */
import { afterEach, expect, it } from 'vitest';
import { ApiError, noAnswerSays, REQUEST_TIMEOUT_MS, setRequestTimeout, whenSignedOut } from './api.ts';
import { enqueue, pending, queuedSays, replay } from '../rf/queue.ts';

const saved = {
  fetch: globalThis.fetch,
  sessionStorage: (globalThis as { sessionStorage?: unknown }).sessionStorage,
  localStorage: (globalThis as { localStorage?: unknown }).localStorage,
};
afterEach(() => {
  setRequestTimeout(REQUEST_TIMEOUT_MS);
  globalThis.fetch = saved.fetch;
  Object.assign(globalThis, { sessionStorage: saved.sessionStorage, localStorage: saved.localStorage });
});

const storage = (store: Map<string, string>) => ({
  getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => store.set(k, v), removeItem: (k: string) => store.delete(k),
});

it('a queued scan answered 401 (the sign-in is over) stays queued for that person, is not dropped as refused', async () => {
  // A refresh token of its own: api.ts shares one renewal per refresh token, and the suite's files share workers.
  const session = new Map<string, string>([['paklog.credential', JSON.stringify({ kind: 'user', accessToken: 'revoked', refreshToken: 'r-queue-401' })]]);
  const local = new Map<string, string>();
  Object.assign(globalThis, { sessionStorage: storage(session), localStorage: storage(local) });
  const sent: string[] = [];
  globalThis.fetch = (async (url: string) => {
    sent.push(url);
    const problem = url === '/api/v1/auth/refresh'
      ? { status: 401, code: 'INVALID_REFRESH_TOKEN', detail: 'The session has ended' }
      : { status: 401, code: 'UNAUTHENTICATED', detail: 'The access token has expired' };
    return Response.json(problem, { status: 401 });
  }) as typeof fetch;
  let signedOut = 0;
  whenSignedOut(() => signedOut++);
  const owner = 'user:usr_1/ana';
  const call = { key: 'k1', method: 'POST' as const, path: '/pick-lists/pl_1/lines/pll_1/confirm', label: '2 × MUG', body: { quantity: 2 }, owner };
  enqueue(call);

  const outcome = await replay(owner);
  expect(outcome).toEqual({ sent: 0, refused: [], left: 1 });
  expect(pending(owner)).toEqual([call]);
  expect(signedOut).toBe(1);
  expect(sent).toEqual(['/api/v1/pick-lists/pl_1/lines/pll_1/confirm', '/api/v1/auth/refresh']);
});

it('a queued scan PakLog did not answer in time stays queued, and the handheld says so: not "no connection" (offline)', async () => {
  Object.assign(globalThis, {
    sessionStorage: storage(new Map([['paklog.credential', JSON.stringify({ kind: 'key', key: 'k' })]])), localStorage: storage(new Map()),
  });
  setRequestTimeout(30);
  // Online, but PakLog never answers: the call ends with TIMEOUT after its time limit.
  globalThis.fetch = ((_url: string, init: RequestInit = {}) => new Promise<Response>((_resolve, reject) => {
    init.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
  })) as typeof fetch;
  const owner = 'key:key_1/ben';
  const call = { key: 'k-timeout', method: 'POST' as const, path: '/pick-lists/pl_2/lines/pll_2/confirm', label: '1 × CUP', body: { quantity: 1 }, owner };
  enqueue(call);

  const outcome = await replay(owner);
  expect(outcome).toMatchObject({ sent: 0, refused: [], left: 1, noAnswer: { code: 'TIMEOUT' } });
  expect(pending(owner)).toEqual([call]);
  expect(noAnswerSays(outcome.noAnswer)).toBe('PakLog did not answer in time');
  expect(noAnswerSays(new ApiError(0, 'NETWORK', 'No connection to PakLog'))).toBe('No connection to PakLog');
  expect(noAnswerSays(new ApiError(409, 'PICK_LINE_CLOSED', 'closed'))).toBeUndefined();
});

it('a command queued because PakLog did not answer in time is said so, with the retry under the same key: not "saved offline" (the handheld was online)', async () => {
  Object.assign(globalThis, {
    sessionStorage: storage(new Map([['paklog.credential', JSON.stringify({ kind: 'key', key: 'k' })]])), localStorage: storage(new Map()),
  });
  setRequestTimeout(30);
  globalThis.fetch = ((_url: string, init: RequestInit = {}) => new Promise<Response>((_resolve, reject) => {
    init.signal?.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError')));
  })) as typeof fetch;
  const owner = 'key:key_1/cy';
  enqueue({ key: 'k-said', method: 'POST', path: '/packages/pkg_1/seal', label: 'seal pkg_1', body: undefined, owner });
  const { noAnswer } = await replay(owner);
  // Every screen's words for a queued command (pick confirm and short, pack scan, weight, seal, a putaway/count/return
  // confirm, pause/fail/reject, task done): each said "saved offline" after a TIMEOUT.
  for (const [what, offline] of [
    ['Picked 2 × MUG', 'Picked 2 × MUG (saved offline, will be sent)'],
    ['Packed 1 × MUG', 'Packed 1 × MUG (saved offline, will be sent)'],
    ['Weight 500 g', 'Weight 500 g saved offline, will be sent'],
    ['Seal of pkg_1', 'Seal saved offline, will be sent'],
    ['putaway 3 × MUG', 'putaway 3 × MUG: saved offline, will be sent when the connection returns'],
    ['Task paused', 'Task paused (saved offline, will be sent after the scans before it)'],
  ]) {
    const said = queuedSays(what!, offline!, noAnswer);
    expect(said).toBe(`${what}: PakLog did not answer in time. It is sent again by itself with the same Idempotency-Key, so it is done once, never twice`);
    expect(said).not.toMatch(/offline|connection/i);
    // Offline (no answer recorded) or no connection (NETWORK): the screen's own offline words, as before.
    expect(queuedSays(what!, offline!, undefined)).toBe(offline);
    expect(queuedSays(what!, offline!, new ApiError(0, 'NETWORK', 'No connection to PakLog'))).toBe(offline);
  }
});
