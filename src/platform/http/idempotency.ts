import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';

/**
 * `Idempotency-Key` for creating POSTs: the first request claims the key, runs and stores its response; a retry with
 * the same key and body gets the stored response; the same key with another body is refused.
 */
export class IdempotencyKeys {
  constructor(private readonly db: Database) {}

  async run<T>(request: FastifyRequest, reply: FastifyReply, status: number, fn: () => Promise<T>): Promise<T> {
    const header = request.headers['idempotency-key'];
    const key = Array.isArray(header) ? header[0] : header;
    if (key === undefined || key === '') {
      reply.status(status);
      return fn();
    }
    if (key.length > 200) throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be at most 200 characters', { errors: [{ field: '/headers/idempotency-key', message: 'is too long' }] });
    const principal = request.principal?.id ?? 'anonymous';
    const route = `${request.method} ${request.routeOptions.url ?? request.url}`;
    // The concrete URL, not the route template: the same key and body sent to another resource is another request.
    const hash = createHash('sha256').update(`${request.method} ${request.url}`).update(JSON.stringify(request.body ?? null)).digest('hex');
    const claimed = await this.db.query(
      `INSERT INTO platform.idempotency_keys (principal, key, route, request_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING 1`,
      [principal, key, route, hash],
    );
    if (claimed.length === 0) {
      const rows = await this.db.query<{ request_hash: string; status_code: number | null; response: T | null }>(
        `SELECT request_hash, status_code, response FROM platform.idempotency_keys WHERE principal = $1 AND key = $2`, [principal, key],
      );
      const prior = rows[0];
      if (prior === undefined) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'Retry the request');
      if (prior.request_hash !== hash) throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
      if (prior.status_code === null) throw new AppError('IDEMPOTENCY_IN_PROGRESS', 'The first request with this Idempotency-Key is still running', { retryable: true });
      reply.status(prior.status_code).header('idempotent-replayed', 'true');
      return prior.response as T;
    }
    let result: T;
    try {
      result = await fn();
    } catch (e) {
      // A failed request leaves no trace, so the client may retry with the same key.
      await this.db.query(`DELETE FROM platform.idempotency_keys WHERE principal = $1 AND key = $2`, [principal, key]);
      throw e;
    }
    // The work has committed: if its response cannot be stored the claim stays (retries get IN_PROGRESS), since
    // releasing it would let a retry do the work a second time.
    await this.db.query(`UPDATE platform.idempotency_keys SET status_code = $3, response = $4 WHERE principal = $1 AND key = $2`, [principal, key, status, JSON.stringify(result)]);
    reply.status(status);
    return result;
  }
}
