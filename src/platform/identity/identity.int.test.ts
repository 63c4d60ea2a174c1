import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { overOldRows } from '../../../test/support/migration-check.ts';
import { uuidv7Ids } from '../ids.ts';
import { Identity } from './identity.ts';
import { hashToken, signAccessToken } from './tokens.ts';

/** A local identity provider: a discovery document and a JWKS with one RSA key, served on a loopback port. */
let idp: Server;
let issuer: string;
let signingKey: CryptoKey;
let strangerKey: CryptoKey;
let t: TestApp;
const AUDIENCE = 'paklog-test';
const password = 'correct horse battery staple';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  signingKey = pair.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  idp = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/keys` }));
    else if (req.url === '/keys') res.end(JSON.stringify({ keys: [jwk] }));
    else res.writeHead(404).end('{}');
  });
  await new Promise<void>((done) => idp.listen(0, '127.0.0.1', done));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  t = await startTestApp({ env: { PAKLOG_OIDC_ISSUER: issuer, PAKLOG_OIDC_AUDIENCE: AUDIENCE } });
});
afterAll(async () => {
  await t?.close();
  await new Promise((done) => idp.close(done));
});

const bearer = (token: string): { authorization: string } => ({ authorization: `Bearer ${token}` });
const me = (token: string) => t.request('GET', '/api/v1/auth/me', { role: null, headers: bearer(token) });
const login = (username: string, pw: string) => t.request('POST', '/api/v1/auth/login', { role: null, body: { username, password: pw } });
const refresh = (refreshToken: string) => t.request('POST', '/api/v1/auth/refresh', { role: null, body: { refreshToken } });

let n = 0;
async function newUser(extra: Record<string, unknown> = {}): Promise<{ id: string; username: string }> {
  const username = `person.${++n}`;
  const res = await t.post('/api/v1/users', { username, displayName: `Person ${n}`, password, grants: [{ siteId: '*', role: 'operator' }], ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('signing in with a password', () => {
  it('answers an access token that names the person, and refuses wrong passwords and unknown users alike', async () => {
    const user = await newUser();
    const ok = await login(user.username, password);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, userId: user.id });
    const who = await me(ok.body.accessToken);
    expect(who.status).toBe(200);
    expect(who.body).toEqual({ kind: 'user', id: user.id, name: `Person ${n}`, role: 'operator', sites: { '*': 'operator' }, workerId: user.username, ownerId: null });
    for (const [u, p] of [[user.username, `${password}!`], ['nobody', password]] as const) {
      const bad = await login(u, p);
      expect(bad.status).toBe(401);
      expect(bad.body.code).toBe('INVALID_CREDENTIALS');
    }
    // The stored hash is argon2id; the API never shows it.
    const rows = await t.app.db.query<{ password_hash: string }>(`SELECT password_hash FROM platform.users WHERE id = $1`, [user.id]);
    expect(rows[0]?.password_hash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify((await t.get(`/api/v1/users/${user.id}`)).body)).not.toContain('argon2');
  });

  it('a refresh token is good once: it rotates, and presenting a used one after the session went on revokes the whole session', async () => {
    const user = await newUser();
    const first = (await login(user.username, password)).body;
    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await me(second.body.accessToken)).status).toBe(200);
    const third = await refresh(second.body.refreshToken);
    expect(third.status).toBe(200);
    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');
    // The thief's use revoked the family: the legitimate newer token is dead too.
    const after = await refresh(third.body.refreshToken);
    expect(after.status).toBe(401);
    // Another session of the same person is untouched.
    const other = (await login(user.username, password)).body;
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('a refresh whose answer was lost is retried with the same token: a new pair, the unanswered one dead, and a replay of that one ends the session', async () => {
    // A reload or a dropped connection after the server rotated the token: the client still holds the used one.
    const user = await newUser();
    const first = (await login(user.username, password)).body;
    const lost = await refresh(first.refreshToken);
    expect(lost.status).toBe(200);
    const retried = await refresh(first.refreshToken);
    expect(retried.status, JSON.stringify(retried.body)).toBe(200);
    expect(retried.body.refreshToken).not.toBe(lost.body.refreshToken);
    expect((await me(retried.body.accessToken)).status).toBe(200);
    // A second retry (the first retry's answer lost too) is still the same client going on.
    const again = await refresh(first.refreshToken);
    expect(again.status).toBe(200);
    const next = await refresh(again.body.refreshToken);
    expect(next.status).toBe(200);
    // The session went on: the first token is now a replay, and the family ends.
    expect((await refresh(first.refreshToken)).body.code).toBe('REFRESH_TOKEN_REUSED');
    expect((await refresh(next.body.refreshToken)).status).toBe(401);
  });

  it('a replay of the token a retry replaced (two parties held the session) ends the session', async () => {
    const user = await newUser();
    const first = (await login(user.username, password)).body;
    const holder = (await refresh(first.refreshToken)).body;
    const thief = (await refresh(first.refreshToken)).body;
    // The legitimate holder's next refresh finds its token revoked: the family ends, the thief's session with it.
    expect((await refresh(holder.refreshToken)).status).toBe(401);
    expect((await refresh(thief.refreshToken)).status).toBe(401);
  });

  it('past the grace period, or with it set to 0, a used token presented again revokes the session', async () => {
    const user = await newUser();
    let now = new Date();
    const clock = { now: () => now };
    const strict = new Identity(t.app.db, uuidv7Ids, clock, { accessTokenTtlS: 900, refreshTokenTtlS: 3_600, refreshReuseGraceS: 0 });
    const lenient = new Identity(t.app.db, uuidv7Ids, clock, { accessTokenTtlS: 900, refreshTokenTtlS: 3_600, refreshReuseGraceS: 30 });
    for (const identity of [strict, lenient]) await identity.ensureJwtSecret(undefined);
    const s = await strict.startSession(user.id);
    now = new Date(now.getTime() + 1_000);
    expect((await strict.refresh(s.refreshToken)).ok).toBe(true);
    expect(await strict.refresh(s.refreshToken)).toEqual({ ok: false, reason: 'reused' });
    const l = await lenient.startSession(user.id);
    expect((await lenient.refresh(l.refreshToken)).ok).toBe(true);
    now = new Date(now.getTime() + 29_000);
    const within = await lenient.refresh(l.refreshToken);
    expect(within.ok).toBe(true);
    now = new Date(now.getTime() + 2_000);
    expect(await lenient.refresh(l.refreshToken)).toEqual({ ok: false, reason: 'reused' });
    if (within.ok) expect((await lenient.refresh(within.session.refreshToken)).ok).toBe(false);
  });

  it('logout ends the session: its refresh token no longer works', async () => {
    const user = await newUser();
    const s = (await login(user.username, password)).body;
    expect((await t.request('POST', '/api/v1/auth/logout', { role: null, body: { refreshToken: s.refreshToken } })).status).toBe(204);
    const res = await refresh(s.refreshToken);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
  });

  it('logout ends the session\'s access tokens at once, over REST and GraphQL; the person\'s other sessions go on (found by the roles hunt)', async () => {
    const user = await newUser();
    const s = (await login(user.username, password)).body;
    const other = (await login(user.username, password)).body;
    const refreshed = (await refresh(s.refreshToken)).body;
    // From an address of their own: these refusals must not count against the other tests' (failed authentications are limited per address).
    const from = async (url: string, token: string): Promise<{ status: number; code: string | undefined }> => {
      const res = await t.app.http.inject({
        method: url === '/graphql' ? 'POST' : 'GET', url, remoteAddress: '10.19.0.1', headers: { ...bearer(token), 'content-type': 'application/json' },
        ...(url === '/graphql' ? { payload: JSON.stringify({ query: '{ __typename }' }) } : {}),
      });
      return { status: res.statusCode, code: (JSON.parse(res.body) as { code?: string }).code };
    };
    for (const token of [s.accessToken, refreshed.accessToken, other.accessToken]) {
      expect((await from('/api/v1/auth/me', token)).status).toBe(200);
      expect((await from('/graphql', token)).status).toBe(200);
    }
    expect((await t.request('POST', '/api/v1/auth/logout', { role: null, body: { refreshToken: refreshed.refreshToken } })).status).toBe(204);
    // Before: both access tokens of the ended session went on working until they expired (15 minutes).
    for (const token of [s.accessToken, refreshed.accessToken]) {
      expect(await from('/api/v1/auth/me', token)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect((await from('/graphql', token)).status).toBe(401);
    }
    expect((await from('/api/v1/auth/me', other.accessToken)).status).toBe(200);
    // A reused refresh token ends its session whole, its access tokens too.
    const next = (await refresh(other.refreshToken)).body;
    await t.app.db.query(`UPDATE platform.refresh_tokens SET used_at = now() - interval '1 hour' WHERE token_hash = $1`, [hashToken(other.refreshToken)]);
    const reused = await t.app.http.inject({ method: 'POST', url: '/api/v1/auth/refresh', remoteAddress: '10.19.0.1', payload: { refreshToken: other.refreshToken } });
    expect((JSON.parse(reused.body) as { code: string }).code).toBe('REFRESH_TOKEN_REUSED');
    for (const token of [other.accessToken, next.accessToken]) expect((await from('/api/v1/auth/me', token)).status).toBe(401);
  });

  it('an access token signed before sessions were named (no sid) ends at the person\'s logout too (found by the roles hunt: it lived out its TTL)', async () => {
    const user = await newUser();
    const s = (await login(user.username, password)).body;
    // A token as the release before `sid` signed it: the same secret, issuer and subject, no session.
    const legacy = (await signAccessToken(t.app.identity.jwtSecret, user.id, 900, new Date(Date.now() - 1_000))).token;
    const from = async (token: string): Promise<{ status: number; code: string | undefined }> => {
      const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/auth/me', remoteAddress: '10.19.0.2', headers: bearer(token) });
      return { status: res.statusCode, code: (JSON.parse(res.body) as { code?: string }).code };
    };
    expect((await from(legacy)).status).toBe(200);
    expect((await t.request('POST', '/api/v1/auth/logout', { role: null, body: { refreshToken: s.refreshToken } })).status).toBe(204);
    expect(await from(legacy)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    // Signing in again gives tokens that name their session; the new session is unaffected.
    const again = (await login(user.username, password)).body;
    expect((await from(again.accessToken)).status).toBe(200);
  });

  it('a disabled user can neither use its tokens, refresh, nor sign in', async () => {
    const user = await newUser();
    const s = (await login(user.username, password)).body;
    expect((await t.post(`/api/v1/users/${user.id}/disable`)).body.disabledAt).not.toBeNull();
    expect((await me(s.accessToken)).body.code).toBe('USER_DISABLED');
    expect((await refresh(s.refreshToken)).status).toBe(401);
    const again = await login(user.username, password);
    expect(again.status).toBe(401);
    expect(again.body.code).toBe('USER_DISABLED');
  });

  it('only admins manage users', async () => {
    expect((await t.post('/api/v1/users', { username: 'x', password }, 'manager')).status).toBe(403);
    expect((await t.get('/api/v1/users', 'manager')).status).toBe(403);
    const dup = await t.post('/api/v1/users', { username: `person.${n}`, password });
    expect(dup.status).toBe(409);
    const weak = await t.post('/api/v1/users', { username: 'weak', password: 'short' });
    expect(weak.status).toBe(400);
  });

  it('the JWT secret generated at first start is kept, so a token survives a restart of the process', async () => {
    const rows = await t.app.db.query<{ value: string }>(`SELECT value FROM platform.settings WHERE name = 'jwt_secret'`);
    expect(rows[0]?.value).toBe(t.app.identity.jwtSecret);
    expect(t.app.identity.jwtSecret.length).toBeGreaterThanOrEqual(32);
  });
});

describe('a password reset racing a sign-in or a refresh (found by the roles hunt)', () => {
  const reset = (id: string, pw: string) => t.post(`/api/v1/users/${id}/password`, { password: pw });
  /** Sessions waiting on a lock in this test's database. */
  const waiting = async (): Promise<number> => Number((await t.app.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  ))[0]?.n ?? 0);
  const untilWaiting = async (n: number): Promise<void> => {
    const deadline = Date.now() + 15_000;
    while (await waiting() < n) {
      if (Date.now() > deadline) throw new Error(`fewer than ${n} sessions wait on a lock`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('a sign-in that checked the old password while it was reset gets no session (401 INVALID_CREDENTIALS)', async () => {
    const user = await newUser();
    // The sign-in's two steps, with the reset between them: the old password was right when it was checked.
    const checked = await t.app.identity.checkPassword(user.username, password);
    expect(checked?.ok).toBe(true);
    expect((await reset(user.id, 'a brand new passphrase, reset')).status).toBe(200);
    await expect(t.app.identity.startSession(user.id, checked?.passwordHash)).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' });
    // The new password signs in.
    expect((await login(user.username, 'a brand new passphrase, reset')).status).toBe(200);
  });

  it('a refresh in flight when the password is reset issues a session the reset ends: neither its access nor its refresh token works after', async () => {
    const user = await newUser();
    const session = (await login(user.username, password)).body as { refreshToken: string };
    // Another connection holds the refresh token's row, so the refresh and the reset both wait, the refresh first.
    const holder = new pg.Client({ connectionString: t.app.db.connectionString });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM platform.refresh_tokens WHERE token_hash = $1 FOR UPDATE', [hashToken(session.refreshToken)]);
      // Through Identity, not HTTP: the refusals below would count against the address that later tests sign in from.
      const refreshed = t.app.identity.refresh(session.refreshToken);
      await untilWaiting(1);
      const resetting = reset(user.id, 'a brand new passphrase, in flight');
      await untilWaiting(2);
      await holder.query('ROLLBACK');
      const [r, done] = await Promise.all([refreshed, resetting]);
      expect(done.status).toBe(200);
      if (r.ok) {
        // Issued before the reset took effect: the reset ended it.
        await expect(t.app.authenticator.authenticate({ bearer: r.session.accessToken })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
        expect(await t.app.identity.refresh(r.session.refreshToken)).toEqual({ ok: false, reason: 'invalid' });
      }
    } finally {
      await holder.end();
    }
  });
});

describe('signing in through an OIDC provider (local JWKS)', () => {
  const token = async (o: { sub?: string; aud?: string; exp?: number | string; key?: CryptoKey; kid?: string } = {}): Promise<string> =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'k1' }).setIssuer(issuer).setAudience(o.aud ?? AUDIENCE)
      .setSubject(o.sub ?? 'idp|ana').setIssuedAt().setExpirationTime(o.exp ?? '5m').sign(o.key ?? signingKey);

  it('a valid token of a linked subject acts as that user, with its grants', async () => {
    const user = await newUser({ oidcSubject: 'idp|ana', grants: [{ siteId: '*', role: 'manager' }] });
    const res = await me(await token());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ kind: 'user', id: user.id, role: 'manager' });
  });

  it('refuses a wrong audience, an expired token and a key the provider does not publish', async () => {
    const wrongAudience = await me(await token({ aud: 'another-app' }));
    expect(wrongAudience.status).toBe(401);
    expect(wrongAudience.body.code).toBe('UNAUTHENTICATED');
    const expired = await me(await token({ exp: Math.floor(Date.now() / 1000) - 120 }));
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    for (const forged of [await token({ key: strangerKey }), await token({ key: strangerKey, kid: 'k2' })]) {
      const res = await me(forged);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('an unknown subject is told so: no PakLog user is linked to it', async () => {
    const res = await me(await token({ sub: 'idp|stranger' }));
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('UNKNOWN_OIDC_SUBJECT');
  });
});

describe('every credential presented is checked (found by the black-box suite)', () => {
  const forged = async (): Promise<string> =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(AUDIENCE).setSubject('idp|ana')
      .setIssuedAt().setExpirationTime('5m').sign(strangerKey);

  it('a valid API key with an invalid bearer token (or an Authorization that is no Bearer) is 401, over REST and GraphQL; with a valid one the key acts', async () => {
    const user = await newUser();
    const valid = (await login(user.username, password)).body.accessToken as string;
    const send = (authorization: string, url = '/api/v1/sites') =>
      t.request('GET', url, { role: 'admin', headers: { authorization } });
    for (const authorization of ['Bearer not-a-token', `Bearer ${await forged()}`, `Bearer ${valid.slice(0, -4)}AAAA`, 'Bearer pk_revoked_or_never_made', 'Basic YWRtaW46YWRtaW4=', 'Bearer']) {
      const res = await send(authorization);
      expect([res.status, res.body.code], authorization).toEqual([401, 'UNAUTHENTICATED']);
      const gql = await t.app.http.inject({
        method: 'POST', url: '/graphql', headers: { 'x-api-key': t.keys.admin, authorization, 'content-type': 'application/json' },
        payload: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(gql.statusCode, `graphql ${authorization} ${gql.body}`).toBe(401);
    }
    const both = await send(`Bearer ${valid}`, '/api/v1/auth/me');
    expect([both.status, both.body.kind]).toEqual([200, 'key']);
    // Alone, each still works as before.
    expect((await me(valid)).status).toBe(200);
    expect((await t.get('/api/v1/sites')).status).toBe(200);
  });
});

describe('failed sign-ins', () => {
  it('count against the client address like refused keys: 429 with Retry-After', async () => {
    let last = await login('nobody', 'wrong password');
    for (let i = 0; i < 40 && last.status !== 429; i++) last = await login('nobody', 'wrong password');
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('migration 008 (unique worker ids) over users who already share one', () => {
  it('does not fail: the oldest keeps the worker id, the others are marked, and no new user can take it', async () => {
    const sql = readFileSync(new URL('../migrations/008_unique_worker_id.sql', import.meta.url), 'utf8');
    const marked = await t.app.db.tx(async (tx) => {
      await tx.query(`CREATE SCHEMA mig008_check`);
      await tx.query(`SET LOCAL search_path = mig008_check`);
      await tx.query(`CREATE TABLE users (id text PRIMARY KEY, username text NOT NULL UNIQUE, worker_id text, created_at timestamptz NOT NULL)`);
      await tx.query(`INSERT INTO users (id, username, worker_id, created_at) VALUES ('u1', 'alice', NULL, '2026-01-01'), ('u2', 'bob', 'alice', '2026-01-02'),
        ('u3', 'carol', 'alice', '2026-01-03'), ('u4', 'dan', 'x', '2026-01-01'), ('u5', 'x', NULL, '2026-01-02'), ('u6', 'eve', NULL, '2026-01-01')`);
      await tx.query(sql);
      const rows = await tx.query<{ id: string }>(`SELECT id FROM users WHERE shares_worker_id ORDER BY id`);
      const taken = await tx.query(`INSERT INTO users (id, username, worker_id, created_at) VALUES ('u7', 'frank', 'alice', now()) ON CONFLICT DO NOTHING RETURNING 1`);
      await tx.query(`DROP SCHEMA mig008_check CASCADE`);
      return { ids: rows.map((r) => r.id), inserted: taken.length };
    });
    expect(marked).toEqual({ ids: ['u2', 'u3', 'u5'], inserted: 0 });
  });
});

describe('migration 009 (worker ids ignore letter case) over users whose worker ids differ only in case', () => {
  it('does not fail: the oldest keeps the worker id, the others are marked, and no new user can take it in any case', async () => {
    const dir = new URL('../migrations/', import.meta.url);
    const marked = await overOldRows(t.app.db, 'mig009_check', [
      `CREATE TABLE users (id text PRIMARY KEY, username text NOT NULL UNIQUE, worker_id text, created_at timestamptz NOT NULL)`,
      `INSERT INTO users (id, username, worker_id, created_at) VALUES ('u1', 'alice', NULL, '2026-01-01'), ('u2', 'bob', 'ALICE', '2026-01-02'),
        ('u3', 'carol', 'W1', '2026-01-03'), ('u4', 'dan', 'w1', '2026-01-04'), ('u5', 'eve', 'bob', '2026-01-01'), ('u6', 'frank', 'W2', '2026-01-01')`,
    ], [new URL('008_unique_worker_id.sql', dir), new URL('009_worker_id_ignores_case.sql', dir)], async (tx) => {
      const rows = await tx.query<{ id: string }>(`SELECT id FROM users WHERE shares_worker_id ORDER BY id`);
      const taken = await tx.query(`INSERT INTO users (id, username, worker_id, created_at) VALUES ('u7', 'gina', 'w2', now()) ON CONFLICT DO NOTHING RETURNING 1`);
      const free = await tx.query(`INSERT INTO users (id, username, worker_id, created_at) VALUES ('u8', 'hal', 'w3', now()) ON CONFLICT DO NOTHING RETURNING 1`);
      return { ids: rows.map((r) => r.id), taken: taken.length, free: free.length };
    });
    expect(marked).toEqual({ ids: ['u2', 'u4'], taken: 0, free: 1 });
  });
});
