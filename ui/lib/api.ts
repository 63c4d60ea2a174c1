import { authHeaders, loadCredential, saveCredential, type Credential, type Me } from './session.ts';

/** An RFC 9457 problem the API answered (or, status 0, `NETWORK` when no answer came, `TIMEOUT` when none came in time). */
export class ApiError extends Error {
  /** The problem's `errors`: each field (or CSV row, `/rows/<line>/<column>`) it names, and why. */
  constructor(readonly status: number, readonly code: string, message: string, readonly errors: readonly FieldError[] = []) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface FieldError { readonly field: string; readonly message: string }

/**
 * Whether no answer came: the connection failed (`NETWORK`) or PakLog did not answer in time (`TIMEOUT`). Either way the
 * request may or may not have reached PakLog: a command is sent again with the same Idempotency-Key (done once).
 */
export const isNetworkError = (e: unknown): boolean => e instanceof ApiError && (e.code === 'NETWORK' || e.code === 'TIMEOUT');

/**
 * What a screen says when no answer came ({@link isNetworkError}): no connection (`NETWORK`) is not PakLog being slow
 * (`TIMEOUT`: the handheld is online, PakLog did not answer in 30 s). Either way the work is read or sent again; undefined
 * for an answer.
 */
export function noAnswerSays(e: unknown): string | undefined {
  if (!(e instanceof ApiError)) return undefined;
  if (e.code === 'TIMEOUT') return 'PakLog did not answer in time';
  return e.code === 'NETWORK' ? 'No connection to PakLog' : undefined;
}

/**
 * How long a call waits for PakLog's whole answer before it gives up with `TIMEOUT` (a hung server or proxy left the
 * screen waiting for ever before). Commands answer in well under a second; a CSV import of many rows takes longer and
 * passes its own {@link RequestOptions.timeoutMs}.
 */
export const REQUEST_TIMEOUT_MS = 30_000;
let requestTimeoutMs = REQUEST_TIMEOUT_MS;
/** Sets the timeout of every later call (tests); answers the one it replaces. */
export function setRequestTimeout(ms: number): number {
  const before = requestTimeoutMs;
  requestTimeoutMs = ms;
  return before;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** A CSV file sent as it is (text/csv), instead of a JSON body. */
  readonly csv?: Blob | string;
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
  /** How long to wait for the whole answer (default {@link REQUEST_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
}

/** One call's time limit: its signal aborts the fetch and the reading of the answer when the time is up (or the caller aborts). */
interface Deadline {
  readonly signal: AbortSignal;
  readonly expired: () => boolean;
  readonly clear: () => void;
  readonly ms: number;
}

function deadline(o: RequestOptions): Deadline {
  const ms = o.timeoutMs ?? requestTimeoutMs;
  const controller = new AbortController();
  let expired = false;
  const timer = setTimeout(() => {
    expired = true;
    controller.abort();
  }, ms);
  const onAbort = (): void => controller.abort();
  if (o.signal?.aborted === true) controller.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal, expired: () => expired, ms,
    clear: () => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
    },
  };
}

const seconds = (ms: number): string => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);

/** No answer in time: what to do about it, and that pressing again is safe (a command goes with the same key). */
const timedOut = (d: Deadline): ApiError => new ApiError(0, 'TIMEOUT',
  `PakLog did not answer within ${seconds(d.ms)}. Check the connection and try again: a command sent again is done once`);

/**
 * What a screen says of a failure: PakLog's machine-readable code and its words (`FORBIDDEN: …`, `NETWORK: No connection
 * to PakLog`), so a user can report it and support can look the code up; anything else thrown, as it is.
 */
export const errorSays = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e));

/** A fresh id for an Idempotency-Key or a scan id. */
export const newKey = (): string => crypto.randomUUID();

async function send(method: string, path: string, o: RequestOptions, credential: Credential | undefined, d: Deadline): Promise<Response> {
  const headers: Record<string, string> = { ...authHeaders(credential) };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (o.csv !== undefined) headers['Content-Type'] = 'text/csv';
  if (o.idempotencyKey !== undefined) headers['Idempotency-Key'] = o.idempotencyKey;
  const body: Blob | string | undefined = o.csv ?? (o.body === undefined ? undefined : JSON.stringify(o.body));
  try {
    return await fetch(path, {
      method, headers, ...(body === undefined ? {} : { body }), signal: d.signal,
    });
  } catch (e) {
    if (d.expired()) throw timedOut(d);
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'No connection to PakLog');
  }
}

/** A person's access token expired: trade the refresh token (good once) for a new pair. */
async function refresh(c: Extract<Credential, { kind: 'user' }>): Promise<Credential | undefined> {
  const o: RequestOptions = { body: { refreshToken: c.refreshToken } };
  const d = deadline(o);
  let s: { accessToken: string; refreshToken: string };
  try {
    const res = await send('POST', '/api/v1/auth/refresh', o, undefined, d);
    if (!res.ok) return undefined;
    s = await res.json() as { accessToken: string; refreshToken: string };
  } finally {
    d.clear();
  }
  const next: Credential = { kind: 'user', accessToken: s.accessToken, refreshToken: s.refreshToken };
  saveCredential(next);
  return next;
}

let renewing: { readonly from: string; readonly renewed: Promise<Credential | undefined> } | undefined;
/**
 * Renews the person's session after a 401 (an expired access token): one refresh at a time, shared by every caller
 * that holds the same refresh token (the API calls and the live stream), since a refresh token is good once. A call
 * refused with an access token that is no longer this tab's (another call renewed the session meanwhile) is retried
 * with the current one, not renewed again. Answers the credential to retry with, or undefined when there is none (a
 * key, or the session is over).
 */
export async function renewSession(sent: Credential | undefined): Promise<Credential | undefined> {
  const credential = loadCredential();
  if (credential?.kind !== 'user') return undefined;
  if (sent?.kind === 'user' && sent.accessToken !== credential.accessToken) return credential;
  if (renewing?.from !== credential.refreshToken) {
    renewing = { from: credential.refreshToken, renewed: refresh(credential) };
  }
  return renewing.renewed;
}

/**
 * Commands sent with an Idempotency-Key that got no answer (the connection dropped: they may or may not have reached
 * PakLog), by what they ask (method, path, body), with the key they went with. The same command sent again — the
 * person presses the button once more after "No connection to PakLog" — goes with that key, so PakLog applies it once
 * and answers the retry from its record; with a fresh key a first attempt that did arrive was applied twice (a second
 * ASN, a hold released twice). Forgotten once PakLog answers it, so doing the same thing again later is a new command.
 * An answer that says nothing of the command is no answer either (see {@link outcomeKnown}): a gateway's 502/503/504
 * (its timeout while PakLog went on), a 408, PakLog's own 5xx, or `IDEMPOTENCY_IN_PROGRESS` (the first attempt still runs).
 */
const unanswered = new Map<string, string>();

/**
 * Whether an answer says what became of a command: a success or PakLog's refusal (4xx) does; a 5xx (a gateway that
 * timed out or lost PakLog, or PakLog's own fault), a 408 (a proxy gave up waiting) or 409 `IDEMPOTENCY_IN_PROGRESS`
 * (the first attempt still runs) does not — the command may have been done, or may yet be — so the same command sent
 * again must go with the same Idempotency-Key. (PakLog keeps a key only with a command it did: a retry of a refused
 * or failed one with that key simply runs it.)
 */
export function outcomeKnown(status: number, code: string | undefined): boolean {
  return status < 500 && status !== 408 && code !== 'IDEMPOTENCY_IN_PROGRESS';
}

/** A file sent as it is is known again by the object the form holds (pressed again: the same File), not its bytes. */
const files = new WeakMap<Blob, number>();
let filesSeen = 0;
const fileId = (b: Blob): number => {
  let id = files.get(b);
  if (id === undefined) {
    id = ++filesSeen;
    files.set(b, id);
  }
  return id;
};

/** What a command asks, to know it again (undefined: no Idempotency-Key). */
const commandOf = (method: string, path: string, o: RequestOptions): string | undefined => {
  if (o.idempotencyKey === undefined) return undefined;
  const body = o.csv === undefined ? JSON.stringify(o.body ?? null) : typeof o.csv === 'string' ? o.csv : `file#${fileId(o.csv)}`;
  return `${method} ${path} ${body}`;
};

/** A problem's fields, from an answer's text that may not be PakLog's JSON (a gateway's HTML page, nothing). */
const problemOf = (text: string): unknown => {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Calls the API with this tab's credential; answers the JSON body (undefined for 204) or throws an {@link ApiError}. */
export async function api<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const command = commandOf(method, path, options);
  const firstKey = command === undefined ? undefined : unanswered.get(command);
  const o: RequestOptions = firstKey === undefined ? options : { ...options, idempotencyKey: firstKey };
  const credential = loadCredential();
  // One time limit for the whole call: the request, a renewed session's retry and the reading of the answer.
  const d = deadline(o);
  let res: Response;
  let text: string;
  try {
    try {
      res = await send(method, `/api/v1${path}`, o, credential, d);
      if (res.status === 401 && credential?.kind === 'user') {
        const renewed = await renewSession(credential);
        if (renewed !== undefined) res = await send(method, `/api/v1${path}`, o, renewed, d);
      }
    } catch (e) {
      // No answer (no connection, or none in time): the retry is the same command, with the same key.
      if (command !== undefined && o.idempotencyKey !== undefined && isNetworkError(e)) unanswered.set(command, o.idempotencyKey);
      throw e;
    }
    try {
      text = res.status === 204 ? '' : await res.text();
    } catch {
      // The connection dropped (or the time ran out) while the answer was on its way: no answer either.
      if (command !== undefined && o.idempotencyKey !== undefined) unanswered.set(command, o.idempotencyKey);
      throw d.expired() ? timedOut(d) : new ApiError(0, 'NETWORK', 'No connection to PakLog');
    }
  } finally {
    d.clear();
  }
  const body = problemOf(text);
  const p = (res.ok ? {} : body ?? {}) as { code?: string; detail?: string; title?: string; errors?: FieldError[] };
  if (command !== undefined && o.idempotencyKey !== undefined) {
    if (outcomeKnown(res.status, p.code)) unanswered.delete(command);
    else unanswered.set(command, o.idempotencyKey);
  }
  if (res.status === 204) return undefined as T;
  if (!res.ok) {
    if (res.status === 401) onSignedOut?.();
    const fallback = res.status >= 500 ? `No answer from PakLog (HTTP ${res.status})` : `HTTP ${res.status}`;
    throw new ApiError(res.status, p.code ?? `HTTP_${res.status}`, p.detail ?? p.title ?? fallback, Array.isArray(p.errors) ? p.errors : []);
  }
  return body as T;
}

/** What a refusal says of one field of the request (its `errors` entry naming `field`, e.g. `/acceptUnbooked`), if it names it. */
export function refusedField(e: unknown, field: string): string | undefined {
  return e instanceof ApiError ? e.errors.find((x) => x.field === field)?.message : undefined;
}

/**
 * Saves a document the API answers (a label or packing slip PDF) as a download named `filename`: read with this tab's
 * credential (a plain link would carry none), a refusal thrown as an {@link ApiError} with PakLog's words.
 */
export async function downloadFile(path: string, filename: string): Promise<void> {
  const credential = loadCredential();
  const d = deadline({});
  let blob: Blob;
  try {
    let res = await send('GET', `/api/v1${path}`, {}, credential, d);
    if (res.status === 401 && credential?.kind === 'user') {
      const renewed = await renewSession(credential);
      if (renewed !== undefined) res = await send('GET', `/api/v1${path}`, {}, renewed, d);
    }
    if (!res.ok) {
      const p = await res.json().catch(() => ({})) as { code?: string; detail?: string; title?: string };
      if (res.status === 401) onSignedOut?.();
      throw new ApiError(res.status, p.code ?? `HTTP_${res.status}`, p.detail ?? p.title ?? `HTTP ${res.status}`);
    }
    blob = await res.blob().catch(() => {
      throw d.expired() ? timedOut(d) : new ApiError(0, 'NETWORK', 'No connection to PakLog');
    });
  } finally {
    d.clear();
  }
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the file once the click's navigation started; the URL is freed after it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

let onSignedOut: (() => void) | undefined;
/** Called when the API refuses the credential (expired, revoked): the app shows its sign-in again. */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

/** Signs in with an API key or a username and password; checks the credential with GET /auth/me before keeping it. */
export async function signIn(input: { key: string } | { username: string; password: string }): Promise<Me> {
  let credential: Credential;
  let me: Me;
  const d = deadline({});
  try {
    if ('key' in input) {
      credential = { kind: 'key', key: input.key.trim() };
    } else {
      const res = await send('POST', '/api/v1/auth/login', { body: input }, undefined, d);
      const body = await res.json() as { accessToken: string; refreshToken: string; code?: string; detail?: string };
      if (!res.ok) throw new ApiError(res.status, body.code ?? 'INVALID_CREDENTIALS', body.detail ?? 'Sign-in failed');
      credential = { kind: 'user', accessToken: body.accessToken, refreshToken: body.refreshToken };
    }
    const res = await send('GET', '/api/v1/auth/me', {}, credential, d);
    if (!res.ok) {
      const p = await res.json() as { code?: string; detail?: string };
      throw new ApiError(res.status, p.code ?? 'UNAUTHENTICATED', res.status === 401 ? 'PakLog does not know this key' : (p.detail ?? 'Sign-in failed'));
    }
    me = await res.json() as Me;
  } catch (e) {
    throw d.expired() && !(e instanceof ApiError) ? timedOut(d) : e;
  } finally {
    d.clear();
  }
  // The screens are the whole site's (its sites, waves, tasks), which a key scoped to one owner may not read: refused
  // here, with why, instead of a console whose every screen says it could not read the sites.
  if (typeof me.ownerId === 'string') {
    throw new ApiError(403, 'OWNER_SCOPED_KEY', `This key belongs to owner ${me.ownerId}: a client's key reads that owner's orders and stock `
      + 'through the API (docs/operations/owners.md), not the console or the handheld. Sign in with a staff key or as a person');
  }
  saveCredential(credential);
  return me;
}

/**
 * Changes the signed-in person's password (POST /auth/password). Every session of the person ends, this tab's too; the
 * answer is a new session, kept as this tab's credential, so the tab goes on signed in.
 */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const s = await api<{ accessToken: string; refreshToken: string }>('POST', '/auth/password', { body: { currentPassword, newPassword } });
  saveCredential({ kind: 'user', accessToken: s.accessToken, refreshToken: s.refreshToken });
}

export function signOut(): void {
  saveCredential(undefined);
}

export async function whoAmI(): Promise<Me | undefined> {
  if (loadCredential() === undefined) return undefined;
  try {
    return await api<Me>('GET', '/auth/me');
  } catch (e) {
    // PakLog refused the credential (401: expired, revoked): signed out. No answer, or a 5xx, is no sign-out: thrown,
    // for the app to say so and try again (it showed the sign-in form without a word, the credential still kept).
    if (e instanceof ApiError && outcomeKnown(e.status, e.code) && e.status >= 400) return undefined;
    throw e;
  }
}

/** A page of a cursor-paginated list. */
export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

/**
 * Every row of a cursor-paged list, read page by page (`path` has its query string; `limit` is the page size). For
 * lists whose whole is needed (the site picker, location codes, the newest waves of a list kept oldest first).
 */
export async function apiAll<T>(path: string, limit: number): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await api<Page<T>>('GET', `${path}${sep}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** Query string from the defined values only. */
export function qs(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params).filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}
