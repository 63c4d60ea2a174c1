import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { OidcConfig } from '../config/config.ts';

/** The outcome of checking an external provider's token: the subject it names, or why it was refused. */
export type OidcCheck = { ok: true; subject: string } | { ok: false; reason: 'expired' | 'invalid' | 'unknown-key' | 'no-subject' | 'unavailable'; detail: string };

/**
 * Verifies bearer JWTs an external OpenID Connect provider issued (ADR 0019), with the provider's published keys
 * (JWKS): signature by a key of the set (asymmetric algorithms only, so a token cannot be signed with a shared
 * secret it chose), issuer and audience as configured, expiry with 30 s of clock tolerance. The key set is
 * fetched on first use and again when a token names a key it does not hold (jose caches and rate-limits that).
 */
export class OidcVerifier {
  private jwks: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly config: OidcConfig, private readonly fetchFn: typeof fetch = fetch) {}

  get issuer(): string {
    return this.config.issuer;
  }

  async verify(token: string): Promise<OidcCheck> {
    let keys: JWTVerifyGetKey;
    try {
      this.jwks ??= this.keySet();
      keys = await this.jwks;
    } catch (e) {
      this.jwks = undefined;
      return { ok: false, reason: 'unavailable', detail: `The identity provider's keys could not be read: ${(e as Error).message}` };
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.config.issuer, audience: this.config.audience, clockTolerance: 30,
        algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      });
      const subject = payload[this.config.subjectClaim];
      if (typeof subject !== 'string' || subject === '') {
        return { ok: false, reason: 'no-subject', detail: `The token has no "${this.config.subjectClaim}" claim naming the user` };
      }
      return { ok: true, subject };
    } catch (e) {
      if (e instanceof errors.JWTExpired) return { ok: false, reason: 'expired', detail: 'The identity provider token has expired' };
      if (e instanceof errors.JWKSNoMatchingKey) return { ok: false, reason: 'unknown-key', detail: 'The token is signed with a key the identity provider does not publish' };
      if (e instanceof errors.JWKSTimeout || e instanceof errors.JOSEError && e.code === 'ERR_JWKS_INVALID') {
        return { ok: false, reason: 'unavailable', detail: 'The identity provider\'s keys could not be read' };
      }
      if (e instanceof errors.JWTClaimValidationFailed) return { ok: false, reason: 'invalid', detail: `The token's "${e.claim}" claim is not accepted` };
      return { ok: false, reason: 'invalid', detail: 'The token is not valid for this installation' };
    }
  }

  /** The JWKS URL: configured, else the discovery document's `jwks_uri`, else `<issuer>/.well-known/jwks.json`. */
  private async keySet(): Promise<JWTVerifyGetKey> {
    return createRemoteJWKSet(new URL(this.config.jwksUrl ?? await this.discoverJwksUrl()), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  }

  private async discoverJwksUrl(): Promise<string> {
    const base = this.config.issuer.replace(/\/+$/, '');
    try {
      const res = await this.fetchFn(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(5_000) });
      if (res.ok) {
        const doc = (await res.json()) as { jwks_uri?: unknown };
        if (typeof doc.jwks_uri === 'string') return doc.jwks_uri;
      }
    } catch {
      // No discovery document: the conventional location below.
    }
    return `${base}/.well-known/jwks.json`;
  }
}
