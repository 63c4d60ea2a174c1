import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { Narrowed, Selectable } from '../db/row-types.ts';
import type { PlatformIdempotencyKeys } from '../db/schema-types.ts';
import { AppError } from '../errors.ts';

/** The answer's status: fixed, or chosen from the answer (e.g. 204 when there is nothing). */
export type StatusOf<T> = number | ((result: T) => number);

/** The longest Idempotency-Key a command takes (characters). */
export const IDEMPOTENCY_KEY_MAX = 200;

/** What an Idempotency-Key is made of: printable ASCII, space included (an RFC 8941 string's characters). */
const KEY_CHARACTERS = /^[\x20-\x7e]+$/;

/**
 * `Idempotency-Key` for every command (POST). The key, the command's work and its stored response commit in ONE
 * transaction (`Database.unitOfWork`, docs/adr/0010): the first request inserts the key, runs the command (whose own
 * transaction joins this one) and stores its response before commit. So after any crash the key is either absent (the
 * work rolled back with it: a retry does it once) or present with the real answer (a retry replays it). A concurrent
 * duplicate waits on the key's row and then replays the committed answer, or runs itself if the first rolled back.
 * A request that fails (a business rejection or a fault) leaves no key: the client may retry with it.
 */
export class IdempotencyKeys {
  constructor(private readonly db: Database) {}

  async run<T>(request: FastifyRequest, reply: FastifyReply, status: StatusOf<T>, fn: () => Promise<T>, options: ReplayOptions<T> = {}): Promise<T> {
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    const statusOf = (result: T): number => (typeof status === 'number' ? status : status(result));
    if (key === undefined) {
      const result = await fn();
      reply.status(statusOf(result));
      return result;
    }
    if (key.length > IDEMPOTENCY_KEY_MAX) throw new AppError('VALIDATION_FAILED', `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX} characters`, { errors: [{ field: '/headers/idempotency-key', message: 'is too long' }] });
    // White space alone (or nothing: an empty header) names nothing: every client that sends it would share one key, and
    // a command sent with an empty key ran unprotected while its client believed it could retry it.
    if (key.trim() === '') throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must not be blank', { errors: [{ field: '/headers/idempotency-key', message: 'must not be blank' }] });
    // An Idempotency-Key is a structured-field string (RFC 8941, draft-ietf-httpapi-idempotency-key-header): printable
    // ASCII. A header cannot carry a line break or a NUL, but GraphQL's `idempotencyKey` argument could: "a\nb" was kept
    // as a key no HTTP client can send again, and a NUL reached the database (a 400 naming no field).
    if (!KEY_CHARACTERS.test(key)) {
      throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be printable ASCII (no control characters, nothing beyond ASCII)', {
        errors: [{ field: '/headers/idempotency-key', message: 'must be printable ASCII' }],
      });
    }
    const principal = request.principal?.id ?? 'anonymous';
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    // The concrete URL, not the route template: the same key and body sent to another resource is another request.
    // The body's JSON with object fields in one order: the same request re-serialised by a client (fields in another order) is the same request.
    const body = request.body ?? null;
    const fingerprinted = options.fingerprint === undefined || typeof body !== 'object' || body === null ? body : options.fingerprint(body as Record<string, unknown>);
    const hash = createHash('sha256').update(`${request.method} ${request.url}`).update(canonicalJson(fingerprinted)).digest('hex');
    const answer = await this.db.unitOfWork(async (tx): Promise<{ status: number; body: unknown; replayed: boolean }> => {
      // Waits while another transaction holds the same key uncommitted; then either inserts (it rolled back) or not.
      const claimed = await tx.query(
        `INSERT INTO platform.idempotency_keys (principal, key, route, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
        [principal, key, route, hash],
      );
      if (claimed.length === 0) {
        const rows = await tx.query<Narrowed<Pick<Selectable<PlatformIdempotencyKeys>, 'request_hash' | 'status_code' | 'response'>, { response: T | null }>>(
          `SELECT request_hash, status_code, response FROM platform.idempotency_keys WHERE principal = $1 AND key = $2`, [principal, key],
        );
        const prior = rows[0];
        if (prior === undefined) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'Retry the request', { retryable: true });
        if (prior.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
        // Only a key claimed by an older PakLog, whose claim committed apart from the work, can lack its answer.
        if (prior.status_code === null) throw new AppError('IDEMPOTENCY_OUTCOME_UNKNOWN', 'The request with this Idempotency-Key was interrupted before PakLog kept its answer; check the resource before sending it again with a new key');
        return { status: prior.status_code, body: prior.response, replayed: true };
      }
      const result = await fn();
      const code = statusOf(result);
      const kept = options.stored === undefined ? result : options.stored(result);
      await tx.query(`UPDATE platform.idempotency_keys SET status_code = $3, response = $4 WHERE principal = $1 AND key = $2`, [principal, key, code, JSON.stringify(kept ?? null)]);
      return { status: code, body: result, replayed: false };
    });
    reply.status(answer.status);
    if (!answer.replayed) return answer.body as T;
    reply.header('idempotent-replayed', 'true');
    return options.replay === undefined ? answer.body as T : options.replay(answer.body);
  }
}

/**
 * The identity of a request sent with an Idempotency-Key: a digest of its caller, its key, its method and URL and its
 * body (as `run` fingerprints it); the same request sent again with the same key has the same identity. Undefined
 * without a key. A command whose work commits apart from its key's answer (a remote carrier's booking or void, ADR 0056)
 * keeps it with that work, so that a retry finding the work done by someone else (a recovery job) answers with it.
 */
export function requestIdentity(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key.trim() === '' || key.length > IDEMPOTENCY_KEY_MAX || !KEY_CHARACTERS.test(key)) return undefined;
  return createHash('sha256').update(request.principal?.id ?? 'anonymous').update('\n').update(key).update('\n')
    .update(`${request.method} ${request.url}`).update(canonicalJson(request.body ?? null)).digest('hex');
}

/**
 * For a command whose request or answer holds a secret: what of the body identifies the request (`fingerprint`:
 * the body without the secret), what of the answer is kept (`stored`), and what a replay answers from it (`replay`,
 * which may throw a coded error instead). A secret is then never stored, not even as a fast hash of the request.
 */
export interface ReplayOptions<T> {
  readonly fingerprint?: ((body: Record<string, unknown>) => unknown) | undefined;
  readonly stored?: ((result: T) => unknown) | undefined;
  readonly replay?: ((stored: unknown) => T) | undefined;
}

/** JSON with every object's fields sorted by name (arrays keep their order): equal values, equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : v));
}
