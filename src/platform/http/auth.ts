import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pg from 'pg';
import type { Database } from '../db/database.ts';
import type { Narrowed, Selectable } from '../db/row-types.ts';
import type { PlatformApiKeys } from '../db/schema-types.ts';
import { AppError } from '../errors.ts';
import type { IdGenerator } from '../ids.ts';
import { PRINCIPAL_HEADER, principalVerifier } from './forwarded-principal.ts';
import type { AuditAppend, Identity, UserLookup } from '../identity/identity.ts';
import { PlatformEvents } from '../identity/admin-events.ts';
import type { OidcVerifier } from '../identity/oidc.ts';
import { credentialsEnded } from '../identity/revocations.ts';
import { looksLikeJwt, PAKLOG_ISSUER, unverifiedIssuer, verifyAccessToken } from '../identity/tokens.ts';
import { actsEverywhereAlike, ALL_SITES, roleAt, ROLES, WORKER_FIELDS, type Principal, type Role } from './roles.ts';

/**
 * API keys are random 32-byte secrets; only their SHA-256 is stored. A fast hash is right here because the secret
 * has full entropy (a slow KDF protects guessable passwords, not random keys) and it keeps every request cheap.
 */
/** An API key row as read here, its role narrowed by the CHECK. */
type ApiKeyRow = Narrowed<Selectable<PlatformApiKeys>, { role: Role }>;

export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

export const generateApiKey = (): string => `pk_${randomBytes(32).toString('base64url')}`;

export type { Principal } from './roles.ts';

/** A key's principal: its role at its sites, or at every site when it is not scoped. */
function keyPrincipal(kind: 'key' | 'internal', id: string, name: string, role: Role, siteIds: readonly string[] | null,
  ownerId: string | null = null): Principal {
  const sites: Record<string, Role> = {};
  for (const s of siteIds ?? [ALL_SITES]) sites[s] = role;
  return { kind, id, name, role, sites, ...(ownerId === null ? {} : { ownerId }) };
}

/** The advisory lock a process holds while a bootstrap key it generated waits to be shown. */
const UNSHOWN_KEY_LOCK = `hashtext('paklog.bootstrap-admin-unshown')`;

export class ApiKeys {
  private readonly cache = new Map<string, { principal: Principal | undefined; at: number }>();
  private readonly internal = new Map<string, Principal>();
  /** A generated key this process has not shown yet, and the connection whose session lock says it is alive. */
  private unshown: { id: string; holder: pg.Client } | undefined;
  constructor(private readonly db: Database, private readonly ids: IdGenerator) {}

  /** A new key; `siteIds` limits it to those sites (absent or null: every site, as keys always did). */
  async create(name: string, role: Role, key: string = generateApiKey(), siteIds: readonly string[] | null = null,
    ownerId: string | null = null, audit?: AuditAppend): Promise<{ id: string; key: string }> {
    const id = this.ids.next('key');
    await this.db.tx(async (tx) => {
      await tx.query(
        `INSERT INTO platform.api_keys (id, name, role, key_hash, site_ids, owner_id) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, name, role, hashApiKey(key), siteIds === null ? null : [...siteIds], ownerId],
      );
      // The admin who made it, never the key (ADR 0019 addendum).
      await audit?.(tx, [{ type: PlatformEvents.apiKeyCreated, subject: id, data: { keyId: id, name, role, siteIds: siteIds === null ? null : [...siteIds], ownerId } }]);
    });
    return { id, key };
  }

  /**
   * Makes sure the bootstrap admin key exists; returns the key when one had to be generated. A configured key
   * (`PAKLOG_ADMIN_API_KEY`) replaces the previous bootstrap key, which is revoked: rotating it, or setting it to
   * recover a lost generated key, leaves exactly one bootstrap key working.
   *
   * `shows`: the caller prints a key it generates and then says so ({@link adminKeyShown}). Until then the key is
   * stored as not shown and this process holds a session lock on a connection of its own (not the pool's). A start
   * that finds the only admin key never shown and the lock free (its generator was killed before its banner: nobody
   * holds that key) revokes it and generates another, which it shows; with the lock held (the generator is still on
   * its way to its banner, e.g. seeding) it leaves it to that process. Without `shows` (tests, tools) a generated key
   * counts as shown.
   */
  async ensureAdmin(configured: string | undefined, options: { shows?: boolean } = {}): Promise<string | undefined> {
    const shows = options.shows === true && configured === undefined;
    let holder: pg.Client | undefined;
    let holding = false;
    if (shows) {
      holder = new pg.Client({ connectionString: this.db.connectionString, application_name: 'paklog admin key' });
      holder.on('error', () => undefined);
      try {
        await holder.connect();
        holding = (await holder.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${UNSHOWN_KEY_LOCK}) AS got`)).rows[0]?.got === true;
      } catch {
        // No connection to spare (max_connections): a key generated now counts as shown, as before this lock existed.
        await holder.end().catch(() => undefined);
        holder = undefined;
      }
    }
    const tracked = holder !== undefined && holding;
    let generated: { id: string; key: string } | undefined;
    try {
      generated = await this.db.tx(async (tx) => {
        // Processes starting together (the server and a CLI command) must not both generate a key.
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paklog.bootstrap-admin'))`);
        if (configured !== undefined) {
          const hash = hashApiKey(configured);
          await tx.query(
            `INSERT INTO platform.api_keys (id, name, role, key_hash, bootstrap) VALUES ($1, 'bootstrap admin', 'admin', $2, true)
             ON CONFLICT (key_hash) DO NOTHING`,
            [this.ids.next('key'), hash],
          );
          await tx.query(`UPDATE platform.api_keys SET revoked_at = now(), shown = true WHERE bootstrap AND revoked_at IS NULL AND key_hash <> $1`, [hash]);
          return undefined;
        }
        const existing = await tx.query<{ unshown: boolean }>(
          `SELECT bootstrap AND NOT shown AS unshown FROM platform.api_keys WHERE role = 'admin' AND revoked_at IS NULL`,
        );
        if (existing.some((k) => !k.unshown)) return undefined;
        if (existing.length > 0) {
          // Only keys never shown: revoked when their generator is gone (the lock is free), else left to it.
          const free = holder !== undefined ? holding
            : (await tx.query<{ got: boolean }>(`SELECT pg_try_advisory_xact_lock(${UNSHOWN_KEY_LOCK}) AS got`))[0]?.got === true;
          if (!free) return undefined;
          await tx.query(`UPDATE platform.api_keys SET revoked_at = now() WHERE bootstrap AND NOT shown AND revoked_at IS NULL`);
        }
        const id = this.ids.next('key');
        const key = generateApiKey();
        await tx.query(
          `INSERT INTO platform.api_keys (id, name, role, key_hash, bootstrap, shown) VALUES ($1, 'bootstrap admin', 'admin', $2, true, $3)`,
          [id, hashApiKey(key), !tracked],
        );
        return { id, key };
      });
    } finally {
      if (holder !== undefined && (generated === undefined || !tracked)) {
        // Nothing to show, or no lock to say this process is alive: the connection is not kept.
        await holder.end().catch(() => undefined);
        holder = undefined;
      }
    }
    if (generated !== undefined && holder !== undefined) this.unshown = { id: generated.id, holder };
    this.cache.clear();
    return generated?.key;
  }

  /**
   * The generated key was printed: it stays (the next start shows none). Idempotent, and never fails: a database that
   * did not take it (its server restarting) leaves the key for the next start to replace with one it shows, rather
   * than stopping a server that is up.
   */
  async adminKeyShown(): Promise<void> {
    const pending = this.unshown;
    if (pending === undefined) return;
    this.unshown = undefined;
    try {
      await pending.holder.query(`UPDATE platform.api_keys SET shown = true WHERE id = $1`, [pending.id]);
    } catch {
      // Said above: the next start replaces it.
    } finally {
      await pending.holder.end().catch(() => undefined);
    }
  }

  /** Lets go of the lock of a key not shown (the process stops without having printed it: the next start replaces it). */
  async close(): Promise<void> {
    const pending = this.unshown;
    this.unshown = undefined;
    await pending?.holder.end().catch(() => undefined);
  }

  /**
   * Runs `fn` with a key that exists only in this process's memory, for the app's own in-process calls (the demo
   * seed): nothing is stored, so a crash leaves no key behind, and the key is gone when `fn` returns. It is a
   * random 256-bit secret that never leaves the process, like any other key it cannot be guessed from outside.
   */
  async withInternalKey<T>(name: string, role: Role, fn: (key: string) => Promise<T>): Promise<T> {
    const key = generateApiKey();
    const hash = hashApiKey(key);
    this.internal.set(hash, keyPrincipal('internal', `internal:${name}`, name, role, null));
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

  async revoke(id: string, audit?: AuditAppend): Promise<boolean> {
    const rows = await this.db.tx(async (tx) => {
      const revoked = await tx.query(`UPDATE platform.api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING 1`, [id]);
      if (revoked.length > 0) await audit?.(tx, [{ type: PlatformEvents.apiKeyRevoked, subject: id, data: { keyId: id } }]);
      return revoked;
    });
    for (const k of this.cache.keys()) this.cache.delete(k);
    credentialsEnded();
    return rows.length > 0;
  }

  async list(): Promise<{
    id: string; name: string; role: Role; siteIds: string[] | null; ownerId: string | null; createdAt: string; revokedAt: string | null;
  }[]> {
    const rows = await this.db.query<Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'site_ids' | 'owner_id' | 'created_at' | 'revoked_at'>>(
      `SELECT id, name, role, site_ids, owner_id, created_at, revoked_at FROM platform.api_keys ORDER BY created_at`,
    );
    return rows.map((r) => ({
      id: r.id, name: r.name, role: r.role, siteIds: r.site_ids, ownerId: r.owner_id, createdAt: r.created_at.toISOString(), revokedAt: r.revoked_at?.toISOString() ?? null,
    }));
  }

  /** Looks a key up; results are cached for a few seconds so a revoked key stops working quickly. */
  async verify(key: string): Promise<Principal | undefined> {
    const hash = hashApiKey(key);
    const internal = this.internal.get(hash);
    if (internal !== undefined) return internal;
    const hit = this.cache.get(hash);
    if (hit !== undefined && Date.now() - hit.at < 5_000) return hit.principal;
    const rows = await this.db.query<Pick<ApiKeyRow, 'id' | 'name' | 'role' | 'site_ids' | 'owner_id'>>(
      `SELECT id, name, role, site_ids, owner_id FROM platform.api_keys WHERE key_hash = $1 AND revoked_at IS NULL`, [hash],
    );
    const row = rows[0];
    const principal = row === undefined ? undefined : keyPrincipal('key', row.id, row.name, row.role, row.site_ids, row.owner_id);
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

/** What a caller presents: an API key (`X-Api-Key`), or a bearer credential (an API key, PakLog's JWT or an OIDC JWT). */
export interface Credentials {
  readonly apiKey?: string | undefined;
  readonly bearer?: string | undefined;
  /** An `Authorization` header that is no `Bearer <credential>` (`Basic …`, `Bearer` alone): refused, never ignored. */
  readonly malformedAuthorization?: boolean | undefined;
}

/** The credentials of a request's (or a gRPC call's) headers: `X-Api-Key` and `Authorization: Bearer <key or JWT>`. */
export function credentialsFrom(headers: Readonly<Record<string, string | string[] | undefined>>): Credentials {
  const header = headers['x-api-key'];
  const authorization = headers.authorization;
  const text = Array.isArray(authorization) ? authorization[0] : authorization;
  const bearer = text?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return { apiKey: Array.isArray(header) ? header[0] : header, bearer, malformedAuthorization: text !== undefined && text !== '' && bearer === undefined };
}

/**
 * Turns credentials into a principal (ADR 0005, 0019), for every transport: the REST hook below, GraphQL and gRPC.
 * An API key is looked up by its hash; a JWT is verified by its issuer: PakLog's own access tokens with the HS256
 * secret, an external provider's (PAKLOG_OIDC_ISSUER) with the provider's JWKS, and then mapped to the user whose
 * `oidc_subject` it names. Every refusal is a coded 401/403 (`AppError`).
 */
export class Authenticator {
  constructor(
    readonly apiKeys: ApiKeys,
    private readonly identity?: Identity | undefined,
    private readonly oidc?: OidcVerifier | undefined,
  ) {}

  /** Whether `credentials` carry anything to check (a request without any is refused, but counts as no failed guess). */
  static presents(credentials: Credentials): boolean {
    return (credentials.apiKey ?? '') !== '' || (credentials.bearer ?? '') !== '' || credentials.malformedAuthorization === true;
  }

  /**
   * Every credential presented must be valid: an API key with a bearer token beside it is checked with the token too,
   * and an invalid one of the two is the request's 401 (a valid key used to carry a forged or expired token through
   * unnoticed). When both are valid the API key acts, as it always did.
   */
  async authenticate(credentials: Credentials): Promise<Principal> {
    if (credentials.malformedAuthorization === true) {
      throw new AppError('UNAUTHENTICATED', 'The Authorization header must be Bearer <token or API key>; send an API key in X-Api-Key instead, or no Authorization header');
    }
    const apiKey = credentials.apiKey !== undefined && credentials.apiKey !== '' ? credentials.apiKey : undefined;
    const bearer = credentials.bearer !== undefined && credentials.bearer !== '' ? credentials.bearer : undefined;
    if (apiKey === undefined && bearer === undefined) {
      throw new AppError('UNAUTHENTICATED', 'Send an API key in the X-Api-Key header, or a token as Authorization: Bearer <token>');
    }
    if (apiKey !== undefined && bearer !== undefined) {
      const [byKey] = await Promise.all([this.fromSecret(apiKey, false), this.fromSecret(bearer, true)]);
      return byKey;
    }
    return this.fromSecret((apiKey ?? bearer)!, apiKey === undefined);
  }

  /** The principal of one secret: a JWT (only as a bearer credential) or an API key. */
  private async fromSecret(secret: string, asBearer: boolean): Promise<Principal> {
    if (asBearer && looksLikeJwt(secret)) return this.fromJwt(secret);
    // `X-Api-Key: Bearer pk_…` (the two ways of sending a key mixed up) was "not valid or revoked": a key that works.
    if (!asBearer && /^bearer\s/i.test(secret)) {
      throw new AppError('UNAUTHENTICATED', 'X-Api-Key holds the key alone, without "Bearer ": send X-Api-Key: <key>, or Authorization: Bearer <key>');
    }
    const principal = await this.apiKeys.verify(secret);
    if (principal === undefined) {
      throw new AppError('UNAUTHENTICATED', asBearer ? 'The bearer credential (Authorization) is not a valid token or API key' : 'The API key is not valid or has been revoked');
    }
    return principal;
  }

  private async fromJwt(token: string): Promise<Principal> {
    const issuer = unverifiedIssuer(token);
    if (issuer === PAKLOG_ISSUER && this.identity !== undefined) {
      const check = await verifyAccessToken(this.identity.jwtSecret, token);
      if (!check.ok) {
        throw check.reason === 'expired'
          ? new AppError('TOKEN_EXPIRED', 'The access token has expired; get a new one at POST /api/v1/auth/refresh')
          : new AppError('UNAUTHENTICATED', 'The access token is not valid');
      }
      // The user and, for a token that names it, its session (both cached): a signed-out session's tokens end at once.
      // A token signed before sessions were named (no `sid`) ends when any session of its user ends after it was issued.
      const sid = check.claims.sid;
      const [found, live] = await Promise.all([this.identity.byId(check.claims.sub),
        sid === undefined ? this.identity.unnamedSessionLive(check.claims.sub, check.claims.issuedAtMs) : this.identity.sessionLive(sid)]);
      // A password change or reset ended the sessions before it, this token's included (ADR 0019 addendum).
      if (found.ok && found.sessionsValidFrom !== undefined && check.claims.issuedAtMs < found.sessionsValidFrom) {
        throw new AppError('UNAUTHENTICATED', 'The access token was issued before the password was changed; sign in again');
      }
      // A disabled user is told so (USER_DISABLED) before its ended session is.
      const principal = userPrincipal(found);
      if (!live) throw new AppError('UNAUTHENTICATED', 'The session of this access token has ended (signed out, or its refresh token was reused); sign in again');
      return principal;
    }
    if (this.oidc !== undefined && this.identity !== undefined && issuer === this.oidc.issuer) {
      const check = await this.oidc.verify(token);
      if (!check.ok) {
        if (check.reason === 'unavailable') throw new AppError('UNAVAILABLE', check.detail, { retryable: true });
        throw new AppError(check.reason === 'expired' ? 'TOKEN_EXPIRED' : 'UNAUTHENTICATED', check.detail);
      }
      const found = await this.identity.bySubject(check.subject);
      if (!found.ok && found.reason === 'unknown') {
        throw new AppError('UNKNOWN_OIDC_SUBJECT', `No PakLog user is linked to the identity "${check.subject}"; an admin links it (oidcSubject)`);
      }
      return userPrincipal(found);
    }
    throw new AppError('UNAUTHENTICATED', 'The token is not valid: it was not issued by PakLog or by the configured identity provider');
  }
}

function userPrincipal(found: UserLookup): Principal {
  if (found.ok) return found.principal;
  switch (found.reason) {
    case 'unknown': throw new AppError('UNAUTHENTICATED', 'The token names no user');
    case 'disabled': throw new AppError('USER_DISABLED', 'The user is disabled');
    case 'no-role': throw new AppError('FORBIDDEN', 'The user has no role at any site yet; an admin grants one');
    default: {
      const never: never = found.reason;
      throw new Error(`unknown lookup outcome ${String(never)}`);
    }
  }
}

/**
 * onRequest hook: public routes pass; others need valid credentials and a role the route allows (at some site: the
 * site itself is checked by {@link siteGuard} once the body is parsed). With a guard, credentials from an address
 * that presented too many wrong ones are refused (429) before they are checked. A request without any credential
 * is not counted: it guesses nothing and costs no lookup.
 */
export function authHook(auth: Authenticator | ApiKeys, options: { gatewaySecret?: string | undefined; failures?: AuthFailureGuard | undefined } = {}) {
  const authenticator = auth instanceof Authenticator ? auth : new Authenticator(auth);
  const verifyForwarded = options.gatewaySecret === undefined ? undefined : principalVerifier(options.gatewaySecret);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public === true) return;
    const forwarded = request.headers[PRINCIPAL_HEADER];
    if (forwarded !== undefined && verifyForwarded !== undefined) {
      // Split mode: the gateway authenticated the caller; this service still decides what the role may do.
      const principal = verifyForwarded(Array.isArray(forwarded) ? forwarded[0] ?? '' : forwarded);
      if (principal === undefined) throw new AppError('UNAUTHENTICATED', 'The gateway assertion is not valid or has expired');
      authorise(request, principal, config.roles);
      return;
    }
    const credentials = credentialsFrom(request.headers);
    if (Authenticator.presents(credentials)) await options.failures?.checkAuthFailures(request, reply);
    let principal: Principal;
    try {
      principal = await authenticator.authenticate(credentials);
    } catch (e) {
      if (Authenticator.presents(credentials) && e instanceof AppError && e.status === 401) await options.failures?.recordAuthFailure(request);
      throw e;
    }
    authorise(request, principal, config.roles);
  };
}

function authorise(request: FastifyRequest, principal: Principal, roles: readonly Role[] | undefined): void {
  request.principal = principal;
  // No route matched: the not-found handler answers 404 to whoever is signed in. A role check against the default
  // (admin only) would answer 403 and send the caller looking for a role no route needs.
  if (!routed(request)) return;
  // An owner-scoped key reaches only the routes that keep owners apart (ADR 0028): a route that does not is closed to it.
  // A gateway's forwarded route leaves that to the service that owns the route, which knows whether it keeps owners apart.
  const config = request.routeOptions.config;
  if (principal.ownerId !== undefined && config.owners !== true && config.forwarded !== true) {
    throw new AppError('OWNER_SCOPED_KEY', `A key scoped to owner ${principal.ownerId} may not call ${request.method} ${request.routeOptions.url ?? request.url}`);
  }
  const allowed = roles ?? ['admin'];
  // A role the route allows at some site lets the request through to the site check; a caller alike everywhere is done.
  if (!allowed.includes(principal.role) && !Object.values(principal.sites).some((r) => allowed.includes(r))) {
    throw new AppError('FORBIDDEN', `Role ${principal.role} may not call ${request.method} ${request.routeOptions.url ?? request.url}`);
  }
}

/** Whether the request matched a route (the not-found handler's requests match none). */
function routed(request: FastifyRequest): boolean {
  return request.routeOptions.url !== undefined;
}

/**
 * Whether `principal` may do what `roles` allow at `siteId` (its role there); throws FORBIDDEN_AT_SITE otherwise. For
 * handlers (REST, GraphQL, gRPC) that learn a resource's site only once they have loaded it.
 */
export function authorizeSite(principal: Principal, siteId: string, roles: readonly Role[]): void {
  const role = roleAt(principal, siteId);
  if (role === undefined || !roles.includes(role)) {
    throw new AppError('FORBIDDEN_AT_SITE', role === undefined
      ? `${principal.name} has no role at site ${siteId}`
      : `Role ${role} at site ${siteId} may not do this`);
  }
}

/**
 * Like {@link authorizeSite} for a resource that may belong to no site (`siteId` null: an integration's message or a
 * webhook subscription about every site): that one is for callers whose role at every site (`*`) is one of `roles`,
 * since it may concern any site. Throws FORBIDDEN_AT_SITE.
 */
export function authorizeSiteOrAll(principal: Principal, siteId: string | null, roles: readonly Role[]): void {
  if (siteId !== null) {
    authorizeSite(principal, siteId, roles);
    return;
  }
  if (!mayActEverywhere(principal, roles)) {
    throw new AppError('FORBIDDEN_AT_SITE', `${principal.name} acts at some sites only; this names no site, so it may concern any of them`);
  }
}

/** Whether `principal`'s role at every site (its `*` grant) is one of `roles`. */
export const mayActEverywhere = (principal: Principal, roles: readonly Role[]): boolean => {
  const everywhere = principal.sites[ALL_SITES];
  return everywhere !== undefined && roles.includes(everywhere);
};

/**
 * The whole check for adapters without REST's hooks (GraphQL resolvers, gRPC methods): `roles` at `siteId` when the
 * operation is about a site, else the caller's overall role. Throws FORBIDDEN / FORBIDDEN_AT_SITE.
 */
export function authorize(principal: Principal, roles: readonly Role[], siteId?: string): void {
  if (siteId !== undefined) {
    authorizeSite(principal, siteId, roles);
    return;
  }
  if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', `Role ${principal.role} may not do this`);
  if (administersEverySite(roles) && !mayActEverywhere(principal, roles)) {
    throw new AppError('FORBIDDEN', `${principal.name} is an admin at some sites only; this administers every site`);
  }
}

/** How the site guard learns sites: a site code → its id, a resource id (`ord_…`, `wav_…`) → its site. */
export interface SiteLookups {
  /** The id of the site a reference (id or code) names; undefined when none does. */
  readonly resolveSite?: ((ref: string) => Promise<string | undefined>) | undefined;
  /** The site of the resource an id names, when the id's kind is one the app knows (undefined otherwise). */
  readonly siteOfResource?: ((id: string) => Promise<string | null | undefined>) | undefined;
  /** The worker holding the live task about the resource an id names (undefined: none, or tasks does not run here). */
  readonly workerHolding?: ((id: string, caller?: string) => Promise<string | undefined>) | undefined;
  /**
   * The worker id already known (a user's, a worker profile's, a live task's holder) that a typed worker id names
   * ignoring letter case, as it was given; undefined when none is.
   */
  readonly workerNamed?: ((typed: string) => Promise<string | undefined>) | undefined;
  /** The code of the site with this id (`DEMO` for `sit_…`); undefined when none has it or location-master is out of reach. */
  readonly siteCode?: ((id: string) => Promise<string | undefined>) | undefined;
}

/**
 * Body or query fields that name another resource whose site counts (`POST /packages { orderId }`,
 * `GET /pick-lists?waveId=`, `POST /lpns/{id}/move { locationId }`); `orderIds` is a comma-separated list
 * (`GET /shipments?orderIds=`). The LPN fields (`parentId`, `into`, a scan's `barcode`, `location`, `lpn`) take an id
 * or a label or code: an id counts (a label or code names nothing here; the handler reads it at the request's site).
 */
const RESOURCE_FIELDS = [
  'orderId', 'waveId', 'taskId', 'pickListId', 'shipmentId', 'orderIds', 'locationId', 'fromLocationId', 'toLocationId',
  'asnId', 'parentId', 'into', 'barcode', 'location', 'lpn',
] as const;

/**
 * preHandler hook (after validation): for a caller whose role differs by site (a user with per-site grants, a key
 * scoped to sites), the role at the site the request is about is the one the route's roles are checked against. The
 * sites are the one the request names (`siteId` in path, query or body where the route declares it; `/sites/:id`)
 * and those of the resources its path, body or query string names (`/waves/:id/release`, `{ orderId }`,
 * `{ locationId }`): the caller needs the role at every one of them, so naming its own site never covers acting on
 * another site's resource. A list that can be filtered by site must name one; a request about no site is decided by
 * the caller's overall role. A caller alike at every site (admins, unscoped keys) costs nothing.
 */
export function siteGuard(lookups: SiteLookups) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = request.principal;
    const config = request.routeOptions.config;
    if (principal === undefined || actsEverywhereAlike(principal) || config.public === true || config.forwarded === true || !routed(request)) return;
    const allowed = config.roles ?? ['admin'];
    // Data every site shares (a product, a carton, a new site) is no single site's: a manager or key of some sites only
    // changed what every other site picks, packs and receives by. It needs the role at every site.
    if (changesNetworkData(request) && !mayActEverywhere(principal, allowed)) {
      throw new AppError('FORBIDDEN', `${principal.name} acts at some sites only; ${request.method} ${request.routeOptions.url ?? request.url} `
        + `changes data every site shares, so it needs the role (${allowed.join(', ')}) at every site (*)`);
    }
    const sites = await sitesInQuestion(request, lookups);
    if (sites.size === 0) {
      if (takesSiteFilter(request)) throw new AppError('SITE_REQUIRED', 'Name the site (siteId): this caller may act only at some sites');
      if (!allowed.includes(principal.role)) {
        throw new AppError('FORBIDDEN', `Role ${principal.role} may not call ${request.method} ${request.routeOptions.url ?? request.url}`);
      }
      // The overall role is the best of the caller's sites' roles; an admin-only route about no site administers every
      // site (users, keys, dead letters), so an admin of some sites only may not call it: it would make itself an
      // admin everywhere.
      if (administersEverySite(allowed) && !mayActEverywhere(principal, allowed)) {
        throw new AppError('FORBIDDEN', `${principal.name} is an admin at some sites only; ${request.method} ${request.routeOptions.url ?? request.url} `
          + 'administers every site, so it needs the admin role at every site (*)');
      }
      return;
    }
    // A resource of no site (an exception or message about none, a webhook subscription to every site) is the whole
    // network's: only a caller with the role at every site (`*`) reads or acts on it.
    for (const site of sites) authorizeSiteOrAll(principal, site, allowed);
  };
}

/** Whether the request changes data every site shares (the route's `network`). */
const changesNetworkData = (request: FastifyRequest): boolean => {
  const network = request.routeOptions.config.network;
  return typeof network === 'function' ? network(request) : network === true;
};

/** Whether a route's roles are admin alone: about no site, such a route administers the platform, every site. */
const administersEverySite = (roles: readonly Role[]): boolean => roles.every((r) => r === 'admin');

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const fieldsOf = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : {});

async function sitesInQuestion(request: FastifyRequest, lookups: SiteLookups): Promise<Set<string | null>> {
  const params = fieldsOf(request.params);
  const query = fieldsOf(request.query);
  const body = fieldsOf(request.body);
  const url = request.routeOptions.url ?? '';
  // A site counts where the route takes one: `?siteId=` added to a route that has no such filter names nothing (it
  // used to stand in for the site of the resource in the path: a caller of A blocked B's location with `?siteId=A`).
  const schema = request.routeOptions.schema;
  const declares = (part: unknown): boolean => Object.hasOwn(fieldsOf(fieldsOf(part).properties), 'siteId');
  const refs = [text(params.siteId), declares(schema?.querystring) ? text(query.siteId) : undefined,
    declares(schema?.body) ? text(body.siteId) : undefined, /\/sites\/:id(\/|$)/.test(url) ? text(params.id) : undefined]
    .filter((r): r is string => r !== undefined);
  const sites = new Set<string | null>();
  for (const ref of refs) sites.add(await siteNamed(ref, request.principal, lookups));
  // The resources named count as well as a named site: an order, location or task of another site is acted on there.
  if (lookups.siteOfResource !== undefined) {
    const named = [...RESOURCE_FIELDS.map((f) => body[f]), ...RESOURCE_FIELDS.map((f) => query[f])].map(text).filter((v): v is string => v !== undefined);
    const ids = [...Object.values(params).map(text).filter((v): v is string => v !== undefined), ...named.flatMap((v) => v.split(','))];
    for (const id of ids) {
      const site = await lookups.siteOfResource(id);
      if (site !== undefined) sites.add(site);
    }
  }
  return sites;
}

/**
 * The site a reference (id or code) names, by location-master; a reference it does not know stays as it is (no role
 * there). When location-master cannot be asked (split mode: its process down, 503), a caller's own site named by its id
 * needs no lookup and passes; any other reference (a code, maybe of the caller's own site) is that 503, not a
 * FORBIDDEN_AT_SITE for a site the caller may well act at.
 */
async function siteNamed(ref: string, principal: Principal | undefined, lookups: SiteLookups): Promise<string> {
  try {
    return (await lookups.resolveSite?.(ref)) ?? ref;
  } catch (e) {
    if (principal !== undefined && Object.hasOwn(principal.sites, ref)) return ref;
    throw e;
  }
}

/** Whether the route's query string can filter by site (a list a site-scoped caller must narrow to one of its sites). */
function takesSiteFilter(request: FastifyRequest): boolean {
  const schema = fieldsOf(request.routeOptions.schema?.querystring);
  return Object.hasOwn(fieldsOf(schema.properties), 'siteId');
}

/** The sites a caller has a role at (ADR 0019); null: every site (a `*` grant, a key not scoped to sites). */
export const siteScopeOf = (request: FastifyRequest): readonly string[] | null => {
  const sites = request.principal?.sites;
  return sites === undefined || Object.hasOwn(sites, ALL_SITES) ? null : Object.keys(sites);
};

/** The owner an owner-scoped key acts for (ADR 0028); null: the caller may act for any owner. */
export const ownerScopeOf = (request: FastifyRequest): string | null => request.principal?.ownerId ?? null;

/** The worker a request acts as when a person signed in (their worker id); undefined for keys, which name no one. */
export const actingWorkerOf = (request: FastifyRequest): string | undefined =>
  (request.principal?.kind === 'user' ? request.principal.workerId : undefined);

/**
 * preValidation hook: on the floor the acting worker is the person signed in (ADR 0019). For a user, a body's
 * `workerId` (or `inspector`) must be the user's worker id (403 ACTING_AS_ANOTHER_WORKER otherwise) and is filled in
 * when absent. Keys (integrations, shared handheld keys) name the worker as before.
 */
export async function actingWorkerHook(request: FastifyRequest): Promise<void> {
  const principal = request.principal;
  if (principal?.kind !== 'user' || principal.workerId === undefined) return;
  const schema = fieldsOf(request.routeOptions.schema?.body);
  const field = WORKER_FIELDS.find((f) => Object.hasOwn(fieldsOf(schema.properties), f));
  if (field === undefined) return;
  if (request.body !== undefined && (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body))) return;
  const body = fieldsOf(request.body);
  if (body[field] === undefined) {
    request.body = { ...body, [field]: principal.workerId };
    return;
  }
  // A worker id ignores letter case (platform migration 009): "ANNA" is the signed-in "anna", who acts as given.
  if (typeof body[field] === 'string' && (body[field]).toLowerCase() === principal.workerId.toLowerCase()) {
    request.body = { ...body, [field]: principal.workerId };
    return;
  }
  if (body[field] !== principal.workerId) {
    throw new AppError('ACTING_AS_ANOTHER_WORKER', `${principal.name} acts as worker ${principal.workerId} and may not act as ${JSON.stringify(body[field])}`, {
      errors: [{ field: `/${field}`, message: `must be ${principal.workerId} (the signed-in worker) or absent` }],
    });
  }
}

/**
 * preValidation hook: a floor command from a key (a shared handheld's, an integration's) names its worker as typed; a
 * worker id ignores letter case (platform migration 009, ADR 0019), so a body's `workerId` (or `inspector`) that names
 * a known worker in another case (`ANNA` for the user, worker profile or live task holder `anna`) is that worker's id
 * as it was given: one worker on every floor command, whichever protocol sent it (GraphQL and gRPC run these routes).
 * A worker id nothing knows yet is taken as typed. A signed-in person's is {@link actingWorkerHook}'s.
 */
export function workerCaseHook(lookups: SiteLookups) {
  return async (request: FastifyRequest): Promise<void> => {
    if (lookups.workerNamed === undefined || request.principal === undefined || request.principal.kind === 'user') return;
    // Floor commands only (operators may send them): an admin's POST /users names a new worker id, not a known one.
    if (!(request.routeOptions.config.roles ?? []).includes('operator')) return;
    if (request.method === 'GET' || typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) return;
    const properties = fieldsOf(fieldsOf(request.routeOptions.schema?.body).properties);
    const body = fieldsOf(request.body);
    for (const field of WORKER_FIELDS) {
      const typed = body[field];
      if (!Object.hasOwn(properties, field) || typeof typed !== 'string' || typed === '' || typed.length > 200) continue;
      const known = await lookups.workerNamed(typed);
      if (known !== undefined && known !== typed && known.toLowerCase() === typed.toLowerCase()) request.body = { ...fieldsOf(request.body), [field]: known };
    }
  };
}

/**
 * preHandler hook: a signed-in person confirms floor work (`POST /inventory/putaways/{id}/confirm`, a return's, a
 * replenishment's, a count's submission: routes whose body names the worker; the pack station's, which name the order
 * or its package: the route's `heldWork`) only on a resource whose live task they hold, or that no one holds: on
 * another worker's it is 403 ACTING_AS_ANOTHER_WORKER, as a scan on another worker's pick list is (its `heldWork`, the
 * list: asked of tasks here, since picking's own record of the holder is a projection that may not have heard of the
 * latest claim yet). Keys name the worker in the body and are not checked here.
 */
export function heldTaskGuard(lookups: SiteLookups) {
  return async (request: FastifyRequest): Promise<void> => {
    const worker = actingWorkerOf(request);
    if (lookups.workerHolding === undefined || request.method === 'GET') return;
    const { heldWork, namesHolder } = request.routeOptions.config;
    if (worker === undefined) {
      // A key: not checked; a route that records who did the work learns the holder (a pick list's scan, ADR 0019 addendum).
      const named = namesHolder === true && heldWork !== undefined ? await heldWork(request) : undefined;
      if (typeof named === 'string') {
        const holder = await lookups.workerHolding(named);
        if (holder !== undefined) request.workHolder = holder;
      }
      return;
    }
    if (heldWork === undefined && !Object.hasOwn(fieldsOf(fieldsOf(request.routeOptions.schema?.body).properties), 'workerId')) return;
    const named = heldWork === undefined ? text(fieldsOf(request.params).id) : await heldWork(request);
    for (const id of named === undefined ? [] : typeof named === 'string' ? [named] : named) {
      const holder = await lookups.workerHolding(id, worker);
      if (holder !== undefined && holder !== worker) {
        throw new AppError('ACTING_AS_ANOTHER_WORKER', `The task of ${id} is held by worker ${holder}, not ${worker}`);
      }
      if (holder !== undefined && typeof named === 'string') request.workHolder = holder;
    }
  };
}

export const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
