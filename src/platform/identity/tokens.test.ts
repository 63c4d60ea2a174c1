import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateRefreshToken, hashToken, looksLikeJwt, PAKLOG_ISSUER, signAccessToken, unverifiedIssuer, verifyAccessToken } from './tokens.ts';

const secret = 'a-test-jwt-secret-of-at-least-32-characters';
const at = new Date('2025-03-01T10:00:00Z');

describe('access tokens', () => {
  it('are accepted until they expire, and name the user', async () => {
    const { token, expiresAt } = await signAccessToken(secret, 'usr_1', 900, at);
    expect(expiresAt.toISOString()).toBe('2025-03-01T10:15:00.000Z');
    expect(await verifyAccessToken(secret, token, new Date(at.getTime() + 899_000))).toEqual({ ok: true, claims: { sub: 'usr_1', exp: expiresAt.getTime() / 1000, iat: at.getTime() / 1000, issuedAtMs: at.getTime() } });
    expect(await verifyAccessToken(secret, token, new Date(at.getTime() + 900_000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('carry their issue time to the millisecond (a password change cuts off the tokens of its own second); older ones, to the second', async () => {
    const within = new Date(at.getTime() + 742);
    const { token } = await signAccessToken(secret, 'usr_1', 900, within);
    expect(await verifyAccessToken(secret, token, within)).toMatchObject({ ok: true, claims: { iat: at.getTime() / 1000, issuedAtMs: at.getTime() + 742 } });
    const key = new TextEncoder().encode(secret);
    const older = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(PAKLOG_ISSUER).setAudience(PAKLOG_ISSUER)
      .setSubject('usr_1').setIssuedAt(at.getTime() / 1000).setExpirationTime(at.getTime() / 1000 + 900).sign(key);
    expect(await verifyAccessToken(secret, older, within)).toMatchObject({ ok: true, claims: { issuedAtMs: at.getTime() } });
  });

  it('are refused when signed with another secret, tampered with, or unsigned', async () => {
    const { token } = await signAccessToken(secret, 'usr_1', 900, at);
    expect(await verifyAccessToken(`${secret}x`, token, at)).toEqual({ ok: false, reason: 'invalid' });
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'usr_admin', iss: PAKLOG_ISSUER, aud: PAKLOG_ISSUER, exp: 4_000_000_000 })).toString('base64url');
    expect(await verifyAccessToken(secret, `${header}.${forged}.${signature}`, at)).toEqual({ ok: false, reason: 'invalid' });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await verifyAccessToken(secret, `${none}.${forged}.`, at)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('of another issuer or audience, even signed with the secret, are refused', async () => {
    const key = new TextEncoder().encode(secret);
    const other = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('someone-else').setAudience(PAKLOG_ISSUER)
      .setSubject('usr_1').setExpirationTime('10m').sign(key);
    expect(await verifyAccessToken(secret, other)).toEqual({ ok: false, reason: 'invalid' });
    expect(unverifiedIssuer(other)).toBe('someone-else');
  });
});

describe('credential shapes', () => {
  it('tell a JWT from an API key', async () => {
    expect(looksLikeJwt((await signAccessToken(secret, 'usr_1', 60)).token)).toBe(true);
    expect(looksLikeJwt('pk_abcDEF012_-')).toBe(false);
    expect(unverifiedIssuer('pk_abc')).toBeUndefined();
    expect(unverifiedIssuer('a.%%%.c')).toBeUndefined();
  });

  it('refresh tokens are random, and only their hash is kept', () => {
    const a = generateRefreshToken();
    expect(a).toMatch(/^prt_[A-Za-z0-9_-]{43}$/);
    expect(generateRefreshToken()).not.toBe(a);
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(a)).not.toContain(a.slice(4));
  });
});
