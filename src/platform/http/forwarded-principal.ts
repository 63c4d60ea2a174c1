import { createHmac, timingSafeEqual } from 'node:crypto';
import { ALL_SITES, ROLES, type Principal, type Role } from './roles.ts';

/** Who the gateway says is calling: the principal it authenticated (its kind, sites and worker included). */
export type ForwardedPrincipal = Principal;
const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r);
const KINDS: readonly unknown[] = ['user', 'key', 'internal'];

/**
 * In split mode the gateway authenticates each request once (it owns the API keys) and forwards the caller to the
 * service that owns the route as a signed assertion: `x-paklog-principal: <base64url JSON>.<issued-at ms>.<HMAC>`,
 * the HMAC-SHA256 of the first two parts under `PAKLOG_GATEWAY_SECRET`, which only the installation's processes know.
 * The service authorises the role itself (the gateway does not know the routes' roles). An assertion older than
 * `MAX_AGE_MS` is refused, so a captured header is of little use.
 */
export const PRINCIPAL_HEADER = 'x-paklog-principal';
const MAX_AGE_MS = 60_000;

const mac = (secret: string, payload: string): Buffer => createHmac('sha256', secret).update(payload).digest();

export function signPrincipal(principal: ForwardedPrincipal, secret: string, now: number = Date.now()): string {
  const { id, name, role, kind, sites, workerId, ownerId } = principal;
  const body = Buffer.from(JSON.stringify({
    id, name, role, kind, sites, ...(workerId === undefined ? {} : { workerId }), ...(ownerId === undefined ? {} : { ownerId }),
  })).toString('base64url');
  const payload = `${body}.${now}`;
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The principal of a valid, fresh assertion; undefined for anything else (never throws on garbage). */
export function verifyPrincipal(header: string, secret: string, now: number = Date.now()): ForwardedPrincipal | undefined {
  const [body, issued, signature, ...rest] = header.split('.');
  if (body === undefined || issued === undefined || signature === undefined || rest.length > 0) return undefined;
  const expected = mac(secret, `${body}.${issued}`);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  const at = Number(issued);
  if (!Number.isSafeInteger(at) || Math.abs(now - at) > MAX_AGE_MS) return undefined;
  try {
    const p: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (typeof p !== 'object' || p === null) return undefined;
    const { id, name, role, kind, sites, workerId, ownerId } = p as Record<string, unknown>;
    if (typeof id !== 'string' || typeof name !== 'string' || !isRole(role)) return undefined;
    // An assertion of an older gateway (no kind, no sites) is a key acting at every site, as keys did then.
    const siteRoles: Record<string, Role> = {};
    if (typeof sites === 'object' && sites !== null) {
      for (const [site, r] of Object.entries(sites)) if (isRole(r)) siteRoles[site] = r;
    } else {
      siteRoles[ALL_SITES] = role;
    }
    return {
      id, name, role, kind: KINDS.includes(kind) ? kind as Principal['kind'] : 'key', sites: siteRoles,
      ...(typeof workerId === 'string' ? { workerId } : {}),
      ...(typeof ownerId === 'string' ? { ownerId } : {}),
    };
  } catch {
    return undefined;
  }
}

/** How long the gateway sends one signed assertion again for the same principal: well inside `MAX_AGE_MS`. */
const REUSE_MS = 10_000;
/** Entries a signer or verifier keeps before it starts again (principals are few: keys and signed-in people). */
const CACHE_LIMIT = 10_000;

/**
 * `signPrincipal` for a gateway: the same principal within `REUSE_MS` gets the same assertion, so the HMAC is computed
 * once per principal every 10 s, not once per request. The assertion a service receives is then at most that much older.
 */
export function principalSigner(secret: string): (principal: ForwardedPrincipal, now?: number) => string {
  const signed = new Map<string, { header: string; at: number }>();
  return (principal, now = Date.now()) => {
    const { id, name, role, kind, sites, workerId, ownerId } = principal;
    const key = JSON.stringify([id, name, role, kind, sites, workerId, ownerId]);
    const hit = signed.get(key);
    if (hit !== undefined && now - hit.at >= 0 && now - hit.at < REUSE_MS) return hit.header;
    const header = signPrincipal(principal, secret, now);
    if (signed.size >= CACHE_LIMIT) signed.clear();
    signed.set(key, { header, at: now });
    return header;
  };
}

/**
 * `verifyPrincipal` for a service: an assertion whose signature was checked once is recognised by its text afterwards
 * (the gateway sends the same one for `REUSE_MS`); its age is still checked on every request.
 */
export function principalVerifier(secret: string): (header: string, now?: number) => ForwardedPrincipal | undefined {
  const verified = new Map<string, { principal: ForwardedPrincipal; issued: number }>();
  return (header, now = Date.now()) => {
    const hit = verified.get(header);
    if (hit !== undefined) return Math.abs(now - hit.issued) > MAX_AGE_MS ? undefined : hit.principal;
    const principal = verifyPrincipal(header, secret, now);
    if (principal === undefined) return undefined;
    if (verified.size >= CACHE_LIMIT) verified.clear();
    verified.set(header, { principal, issued: Number(header.split('.')[1]) });
    return principal;
  };
}
