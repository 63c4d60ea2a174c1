import { api, ApiError, isNetworkError } from '../lib/api.ts';

/**
 * The handheld's offline queue (ADR 0035). A scan the API cannot take now (no connection) is kept in localStorage with
 * the Idempotency-Key it was first sent with, and sent again, in order, when the connection returns. The API stores each
 * key's answer with the work in one transaction, so a scan whose first attempt did reach the server (the answer was
 * lost) is answered from that record the second time: every scan is applied exactly once.
 *
 * Each scan belongs to the sign-in that made it (`owner`: the credential and the worker id): it is sent under that
 * sign-in only, never under the next person's who signs in on the same handheld, so PakLog's audit names who scanned.
 * Scans of another sign-in wait on the handheld until that person signs in again.
 */
export interface QueuedCall {
  /** The Idempotency-Key (and the scan id): fixed when the scan is made, reused by every attempt. */
  readonly key: string;
  readonly method: 'POST';
  readonly path: string;
  readonly body: unknown;
  /** What the operator did, for the pending list on screen. */
  readonly label: string;
  /** The sign-in that made it (`ownerOf`); absent in scans queued before owners were kept, which any sign-in sends. */
  readonly owner?: string;
}

/** Who a scan belongs to: the credential (user or key id) and the worker the shift signed in as. */
export function ownerOf(me: { readonly kind: string; readonly id: string }, workerId: string): string {
  return `${me.kind}:${me.id}/${workerId}`;
}

const mine = (owner: string) => (c: QueuedCall): boolean => c.owner === undefined || c.owner === owner;

export interface ReplayOutcome {
  readonly sent: number;
  /** Calls the API refused (e.g. the line was cancelled meanwhile): dropped from the queue and shown to the operator. */
  readonly refused: { call: QueuedCall; error: ApiError }[];
  /** Still queued (the connection dropped again). */
  readonly left: number;
  /** The no-answer that stopped the replay (`NETWORK`, or `TIMEOUT`: PakLog did not answer in time), if one did. */
  readonly noAnswer?: ApiError;
}

const STORE = 'paklog.rf.queue';

/** The queued scans of `owner` (oldest first), or every scan on the handheld without one. */
export function pending(owner?: string): QueuedCall[] {
  const all = stored();
  return owner === undefined ? all : all.filter(mine(owner));
}

function stored(): QueuedCall[] {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? '[]') as QueuedCall[];
  } catch {
    return [];
  }
}

function save(calls: readonly QueuedCall[]): void {
  localStorage.setItem(STORE, JSON.stringify(calls));
}

/**
 * What the screen says of a command the handheld kept in the queue instead of getting its answer. `noAnswer` is what
 * put it there (or held the scans before it there): PakLog not answering in time (`TIMEOUT`, the handheld online) is
 * said as such, with what happens next (it goes again by itself with the same Idempotency-Key, so it is done once,
 * whether or not the first attempt reached PakLog), not as "saved offline", which it was not. Otherwise (offline, no
 * connection, `NETWORK`) the screen's own `offline` words.
 */
export function queuedSays(what: string, offline: string, noAnswer: ApiError | undefined): string {
  if (noAnswer?.code !== 'TIMEOUT') return offline;
  return `${what}: PakLog did not answer in time. It is sent again by itself with the same Idempotency-Key, so it is done once, never twice`;
}

export function enqueue(call: QueuedCall): void {
  save([...stored(), call]);
}

let running: Promise<ReplayOutcome> | undefined;

/**
 * Sends `owner`'s queued calls one by one, oldest first; stops at the first network failure (or 5xx, 429, or 401: the
 * sign-in is over). One replay at a time. Other sign-ins' scans stay queued.
 */
export function replay(owner: string): Promise<ReplayOutcome> {
  running ??= (async () => {
    let sent = 0;
    let noAnswer: ApiError | undefined;
    const refused: { call: QueuedCall; error: ApiError }[] = [];
    try {
      for (;;) {
        const [next] = pending(owner);
        if (next === undefined) break;
        try {
          await api(next.method, next.path, { body: next.body, idempotencyKey: next.key });
          sent++;
        } catch (e) {
          if (isNetworkError(e)) noAnswer = e as ApiError;
          if (isNetworkError(e) || !(e instanceof ApiError)) break;
          // 5xx and 429 are worth another try later; a 4xx is the API's final word on this scan. But a 401 is about the
          // sign-in (the session was revoked, the key rotated), not the scan: it stays queued, sent when that person
          // signs in again (the app shows its sign-in), never dropped with the units it picked already in the tote.
          if (e.status >= 500 || e.status === 429 || e.status === 401) break;
          refused.push({ call: next, error: e });
        }
        // Only the call just answered leaves the queue (a scan queued meanwhile stays behind it).
        save(stored().filter((c) => c.key !== next.key));
      }
    } finally {
      running = undefined;
    }
    return { sent, refused, left: pending(owner).length, ...(noAnswer === undefined ? {} : { noAnswer }) };
  })();
  return running;
}
