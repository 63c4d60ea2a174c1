/**
 * `paklog dead-letters list|replay --url`: the dead letters of a running PakLog read and replayed through its API
 * (`GET /api/v1/dead-letters`, `POST /api/v1/dead-letters/{id}/replay`, an admin key). Behind the gateway of a split
 * deployment that is every service's; the local database holds only the dead letters of the process it belongs to.
 */
import { apiBase } from '../platform/http/api-base.ts';

/** A dead letter as `paklog dead-letters list` prints it, whether read from the database or through the API. */
export interface DeadLetterRow {
  readonly id: string;
  readonly consumer: string;
  readonly type: string;
  readonly attempts: number;
  readonly last_error: string;
  readonly replayed_at: string | null;
  /** The service that holds it (through a split deployment's gateway only). */
  readonly service?: string;
}

/** What a replay through the API answered: the bus's outcome, or why none (no such dead letter, its consumer runs elsewhere). */
export type RemoteReplayOutcome = 'handled' | 'duplicate' | 'dead-lettered' | 'published' | 'not-found' | 'not-subscribed';

/** The command line is wrong (exit 2): a URL that is none. */
export class DeadLettersUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadLettersUsageError';
  }
}

interface Remote {
  readonly url: string;
  readonly apiKey: string;
}

const OUTCOMES: readonly string[] = ['handled', 'duplicate', 'dead-lettered', 'published'];

async function call(o: Remote, method: 'GET' | 'POST', path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const base = apiBase(o.url);
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) throw new DeadLettersUsageError(`--url (PAKLOG_URL) ${o.url} is not an http(s) URL`);
  const res = await fetch(`${base}${path}`, { method, headers: { 'x-api-key': o.apiKey, accept: 'application/json' }, signal: AbortSignal.timeout(60_000) })
    .catch((e: unknown) => {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach PakLog at ${base} (--url, PAKLOG_URL): ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    });
  const body = await res.json().catch(() => {
    throw new Error(`${method} ${base}${path} → ${res.status}, not JSON: is ${base} a PakLog API?`);
  }) as Record<string, unknown>;
  return { status: res.status, body };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

const refusal = (method: string, path: string, r: { status: number; body: Record<string, unknown> }): Error =>
  new Error(`${method} ${path} → ${r.status} ${text(r.body.code)}: ${text(r.body.detail)}`);

/** The dead letters a running PakLog lists (oldest first, as the local list), in the local list's fields. */
export async function listDeadLettersRemote(o: Remote): Promise<DeadLetterRow[]> {
  const path = '/api/v1/dead-letters';
  const res = await call(o, 'GET', path);
  if (res.status !== 200) throw refusal('GET', path, res);
  const items = (res.body.items ?? []) as Record<string, unknown>[];
  return items
    .map((d) => ({
      id: text(d.id), consumer: text(d.consumer), type: text(d.type), attempts: Number(d.attempts), last_error: text(d.lastError),
      replayed_at: typeof d.replayedAt === 'string' ? d.replayedAt : null,
      ...(typeof d.service === 'string' ? { service: d.service } : {}),
      createdAt: text(d.createdAt),
    }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0))
    .map(({ createdAt: _createdAt, ...row }) => row);
}

/** Replays one dead letter through a running PakLog (the gateway finds the service that holds it). */
export async function replayDeadLetterRemote(o: Remote, id: string): Promise<RemoteReplayOutcome> {
  const path = `/api/v1/dead-letters/${encodeURIComponent(id)}/replay`;
  const res = await call(o, 'POST', path);
  if (res.status === 200 && typeof res.body.outcome === 'string' && OUTCOMES.includes(res.body.outcome)) return res.body.outcome as RemoteReplayOutcome;
  if (res.status === 404 && res.body.code === 'NOT_FOUND') return 'not-found';
  if (res.status === 409 && res.body.code === 'CONFLICT') return 'not-subscribed';
  throw refusal('POST', path, res);
}
