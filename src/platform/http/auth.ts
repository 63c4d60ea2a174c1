import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { Narrowed, Selectable } from '../db/row-types.ts';
import type { PlatformApiKeys } from '../db/schema-types.ts';
import { AppError } from '../errors.ts';
import type { IdGenerator } from '../ids.ts';
import { PRINCIPAL_HEADER, verifyPrincipal } from './forwarded-principal.ts';
import { ROLES, type Role } from './roles.ts';

/**
 * API keys are random 32-byte secrets; only their SHA-256 is stored. A fast hash is right here because the secret
 * has full entropy (a slow KDF protects guessable passwords, not random keys) and it keeps every request cheap.
 */
/** An API key row as read here, its role narrowed by the CHECK. */
type ApiKeyRow = Narrowed<Selectable<PlatformApiKeys>, { role: Role }>;

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const generateApiKey = (): string => `pk_${randomBytes(32).toString('base64url')}`;

export interface Principal {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
}

export class ApiKeys {
  private readonly cache = new Map<string, { principal: Principal | undefined; at: number }>();
  private readonly internal = new Map<string, Principal>();
  constructor(private readonly db: Database, private readonly ids: IdGenerator) {}

  async create(name: string, role: Role, key: string = generateApiKey()): Promise<{ id: string; key: string }> {
    const id = this.ids.next('key');
    await this.db.query(`INSERT INTO platform.api_keys (id, name, role, key_hash) VALUES ($1, $2, $3, $4)`, [id, name, role, hashApiKey(key)]);
    return { id, key };
  }

  /**
   * Makes sure the bootstrap admin key exists; returns the key when one had to be generated. A configured key
   * (`PAKLOG_ADMIN_API_KEY`) replaces the previous bootstrap key, which is revoked: rotating it, or setting it to
   * recover a lost generated key, leaves exactly one bootstrap key working.
   */
  async ensureAdmin(configured: string | undefined): Promise<string | undefined> {
    const generated = await this.db.tx(async (tx) => {
      // Processes starting together (the server and a CLI command) must not both generate a key.
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paklog.bootstrap-admin'))`);
      if (configured !== undefined) {
        const hash = hashApiKey(configured);
        await tx.query(
          `INSERT INTO platform.api_keys (id, name, role, key_hash, bootstrap) VALUES ($1, 'bootstrap admin', 'admin', $2, true)
           ON CONFLICT (key_hash) DO NOTHING`,
          [this.ids.next('key'), hash],
        );
        await tx.query(`UPDATE platform.api_keys SET revoked_at = now() WHERE bootstrap AND revoked_at IS NULL AND key_hash <> $1`, [hash]);
        return undefined;
      }
      const existing = await tx.query(`SELECT 1 FROM platform.api_keys WHERE role = 'admin' AND revoked_at IS NULL LIMIT 1`);
      if (existing.length > 0) return undefined;
      const key = generateApiKey();
      await tx.query(
        `INSERT INTO platform.api_keys (id, name, role, key_hash, bootstrap) VALUES ($1, 'bootstrap admin', 'admin', $2, true)`,
        [this.ids.next('key'), hashApiKey(key)],
      );
      return key;
    });
    this.cache.clear();
    return generated;
  }

  /**
   * Runs `fn` with a key that exists only in this process's memory, for the app's own in-process calls (the demo
   * seed): nothing is stored, so a crash leaves no key behind, and the key is gone when `fn` returns. It is a
   * random 256-bit secret that never leaves the process, like any other key it cannot be guessed from outside.
   */
  async withInternalKey<T>(name: string, role: Role, fn: (key: string) => Promise<T>): Promise<T> {
    const key = generateApiKey();
    const hash = hashApiKey(key);
    this.internal.set(hash, { id: `internal:${name}`, name, role });
    try {
      return await fn(key);
    } finally {
      this.internal.delete(hash);
    }
  }

  /** Whether a request carries one of {@link withInternalKey}'s keys (its request log is left out). */
  isInternalRequest(header: string | string[] | undefined): boolean {
    const key = Array.isArray(header) ? header[0] : header;
    return this.internal.size > 0 && key !== undefined && this.internal.has(hashApiKey(key));
  }

  async revoke(id: string): Promise<boolean> {
    const rows = await this.db.query(`UPDATE platform.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1`, [id]);
    for (const k of this.cache.keys()) this.cache.delete(k);
    return rows.length > 0;
  }

  async list(): Promise<{ id: string; name: string; role: Role; createdAt: string; revokedAt: string | null }[]> {
    const rows = await this.db.query<Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'created_at' | 'revoked_at'>>(
      `SELECT id, name, role, created_at, revoked_at FROM platform.api_keys ORDER BY created_at`,
    );
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null }));
  }

  /** Looks a key up; results are cached for a few seconds so a revoked key stops working quickly. */
  async verify(key: string): Promise<Principal | undefined> {
    const hash = hashApiKey(key);
    const internal = this.internal.get(hash);
    if (internal !== undefined) return internal;
    const hit = this.cache.get(hash);
    if (hit !== undefined && Date.now() - hit.at < 5_000) return hit.principal;
    const rows = await this.db.query<Pick<ApiKeyRow, 'id' | 'name' | 'role'>>(
      `SELECT id, name, role FROM platform.api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [hash],
    );
    const principal = rows[0];
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { principal, at: Date.now() });
    return principal;
  }
}

/** Counts refused keys per client address and refuses an address that failed too often (rate-limit.ts). */
export interface AuthFailureGuard {
  checkAuthFailures(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  recordAuthFailure(request: FastifyRequest): Promise<void>;
}

/**
 * onRequest hook: public routes pass; others need a valid key and a role the route allows. With a guard, a key from an
 * address that presented too many wrong ones is refused (429) before it is looked up. A request without any key is
 * not counted: it guesses nothing and costs no lookup.
 */
export function authHook(keys: ApiKeys, options: { gatewaySecret?: string | undefined; failures?: AuthFailureGuard | undefined } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const forwarded = request.headers[PRINCIPAL_HEADER];
    if (forwarded !== undefined && options.gatewaySecret !== undefined) {
      // Split mode: the gateway authenticated the caller; this service still decides what the role may do.
      const principal = verifyPrincipal(Array.isArray(forwarded) ? forwarded[0] ?? '' : forwarded, options.gatewaySecret);
      if (principal === undefined) throw new AppError('UNAUTHENTICATED', 'The gateway assertion is not valid or has expired');
      authorise(request, principal, config.roles);
      return;
    }
    const header = request.headers['x-api-key'];
    const bearer = request.headers.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const key = (Array.isArray(header) ? header[0] : header) ?? bearer;
    if (key === undefined || key === '') throw new AppError('UNAUTHENTICATED', 'Send an API key in the X-Api-Key header');
    await options.failures?.checkAuthFailures(request, reply);
    const principal = await keys.verify(key);
    if (principal === undefined) {
      await options.failures?.recordAuthFailure(request);
      throw new AppError('UNAUTHENTICATED', 'The API key is not valid or has been revoked');
    }
    authorise(request, principal, config.roles);
  };
}

function authorise(request: FastifyRequest, principal: Principal, roles: readonly Role[] | undefined): void {
  request.principal = principal;
  const allowed = roles ?? ['admin'];
  if (!allowed.includes(principal.role)) {
    throw new AppError('FORBIDDEN', `Role ${principal.role} may not call ${request.method} ${request.routeOptions.url ?? request.url}`);
  }
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
