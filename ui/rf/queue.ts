import { api, ApiError, isNetworkError } from '../lib/api.ts';

/**
 * The handheld's offline queue (ADR 0035). A scan the API cannot take now (no connection) is kept in localStorage with
 * the Idempotency-Key it was first sent with, and sent again, in order, when the connection returns. The API stores each
 * key's answer with the work in one transaction, so a scan whose first attempt did reach the server (the answer was
 * lost) is answered from that record the second time: every scan is applied exactly once.
 */
export interface QueuedCall {
  /** The Idempotency-Key (and the scan id): fixed when the scan is made, reused by every attempt. */
  readonly key: string;
  readonly method: 'POST';
  readonly path: string;
  readonly body: unknown;
  /** What the operator did, for the pending list on screen. */
  readonly label: string;
}

export interface ReplayOutcome {
  readonly sent: number;
  /** Calls the API refused (e.g. the line was cancelled meanwhile): dropped from the queue and shown to the operator. */
  readonly refused: { call: QueuedCall; error: ApiError }[];
  /** Still queued (the connection dropped again). */
  readonly left: number;
}

const STORE = 'paklog.rf.queue';

export function pending(): QueuedCall[] {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? '[]') as QueuedCall[];
  } catch {
    return [];
  }
}

function save(calls: readonly QueuedCall[]): void {
  localStorage.setItem(STORE, JSON.stringify(calls));
}

export function enqueue(call: QueuedCall): void {
  save([...pending(), call]);
}

let running: Promise<ReplayOutcome> | undefined;

/** Sends the queued calls one by one, oldest first; stops at the first network failure. One replay at a time. */
export function replay(): Promise<ReplayOutcome> {
  running ??= (async () => {
    let sent = 0;
    const refused: { call: QueuedCall; error: ApiError }[] = [];
    try {
      for (;;) {
        const [next] = pending();
        if (next === undefined) break;
        try {
          await api(next.method, next.path, { body: next.body, idempotencyKey: next.key });
          sent++;
        } catch (e) {
          if (isNetworkError(e) || !(e instanceof ApiError)) break;
          // 5xx and 429 are worth another try later; a 4xx is the API's final word on this scan.
          if (e.status >= 500 || e.status === 429) break;
          refused.push({ call: next, error: e });
        }
        // Only the call just answered leaves the queue (a scan queued meanwhile stays behind it).
        save(pending().filter((c) => c.key !== next.key));
      }
    } finally {
      running = undefined;
    }
    return { sent, refused, left: pending().length };
  })();
  return running;
}
