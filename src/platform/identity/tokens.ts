import { createHash, randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * PakLog's own session tokens (ADR 0019): a short-lived access JWT (HS256, `iss` = `aud` = `paklog`, `sub` = the user
 * id) sent as `Authorization: Bearer`, and an opaque refresh token exchanged for a new pair at `POST /auth/refresh`.
 */
export const PAKLOG_ISSUER = 'paklog';
const ALG = 'HS256';

export interface AccessClaims {
  readonly sub: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
  /** When it was issued, seconds since the epoch. */
  readonly iat: number;
  /**
   * When it was issued, milliseconds since the epoch (its `iat_ms` claim; `iat` × 1000 for a token signed before there
   * was one): a password change refuses the tokens issued before it, those of the same second too.
   */
  readonly issuedAtMs: number;
  /**
   * The session (refresh-token family) the token was issued for, its `sid` claim; undefined for a token signed before
   * there was one. Logging out, a refresh token's reuse, disabling the user or a password change ends the session, and
   * its access tokens with it (ADR 0019 addendum).
   */
  readonly sid?: string | undefined;
}

export type AccessTokenCheck = { ok: true; claims: AccessClaims } | { ok: false; reason: 'expired' | 'invalid' };

const keyOf = (secret: string): Uint8Array => new TextEncoder().encode(secret);

/** Signs an access token for `userId` in session `sid` (its refresh-token family), valid `ttlS` seconds from `now`. */
export async function signAccessToken(secret: string, userId: string, ttlS: number, now: Date = new Date(), sid?: string): Promise<{ token: string; expiresAt: Date }> {
  const iat = Math.floor(now.getTime() / 1000);
  // `iat` has whole seconds only: a token signed in the second of a password change, before it, would outlive it.
  const token = await new SignJWT({ iat_ms: now.getTime(), ...(sid === undefined ? {} : { sid }) })
    .setProtectedHeader({ alg: ALG, typ: 'JWT' })
    .setIssuer(PAKLOG_ISSUER).setAudience(PAKLOG_ISSUER).setSubject(userId)
    .setIssuedAt(iat).setExpirationTime(iat + ttlS).setJti(randomBytes(9).toString('base64url'))
    .sign(keyOf(secret));
  return { token, expiresAt: new Date((iat + ttlS) * 1000) };
}

/** Checks signature (HS256 only: a token cannot pick `none` or another algorithm), issuer, audience and expiry. */
export async function verifyAccessToken(secret: string, token: string, now: Date = new Date()): Promise<AccessTokenCheck> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALG], issuer: PAKLOG_ISSUER, audience: PAKLOG_ISSUER, currentDate: now, requiredClaims: ['sub', 'exp', 'iat'],
    });
    const iat = payload.iat ?? 0;
    const issuedAtMs = typeof payload.iat_ms === 'number' && Number.isSafeInteger(payload.iat_ms) ? payload.iat_ms : iat * 1000;
    const sid = typeof payload.sid === 'string' && payload.sid !== '' ? payload.sid : undefined;
    return { ok: true, claims: { sub: payload.sub ?? '', exp: payload.exp ?? 0, iat, issuedAtMs, sid } };
  } catch (e) {
    return { ok: false, reason: e instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** A JWT's issuer, read without verifying anything (to choose who verifies it); undefined when it is not a JWT. */
export function unverifiedIssuer(token: string): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (typeof payload !== 'object' || payload === null) return undefined;
    const iss = (payload as Record<string, unknown>).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a bearer credential has the shape of a JWT (three base64url parts) rather than an API key. */
export const looksLikeJwt = (token: string): boolean => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);

/** A refresh token: a random 256-bit secret; only its SHA-256 is stored (full entropy: no slow hash needed). */
export const generateRefreshToken = (): string => `prt_${randomBytes(32).toString('base64url')}`;
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A secret for HS256 when none is configured: 256 random bits. */
export const generateJwtSecret = (): string => randomBytes(32).toString('base64url');
