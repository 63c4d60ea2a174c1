import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Administering people safely (ADR 0019 addenda): changing and resetting passwords ends the sessions before, the last
 * admin of every site cannot be disabled or demoted, and creating a user or an API key honours Idempotency-Key without
 * keeping a secret.
 */
let t: TestApp;
const password = 'correct horse battery staple';
const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const login = (username: string, pw: string) => t.request('POST', '/api/v1/auth/login', { role: null, body: { username, password: pw } });
const refresh = (refreshToken: string) => t.request('POST', '/api/v1/auth/refresh', { role: null, body: { refreshToken } });
const me = (token: string) => t.request('GET', '/api/v1/auth/me', { role: null, headers: bearer(token) });
const changePassword = (token: string, currentPassword: string, newPassword: string) =>
  t.request('POST', '/api/v1/auth/password', { role: null, headers: bearer(token), body: { currentPassword, newPassword } });

async function newUser(username: string, grants: { siteId: string; role: string }[] = [{ siteId: '*', role: 'operator' }]): Promise<{ id: string }> {
  const res = await t.post('/api/v1/users', { username, password, grants });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** Waits for the start of the next second (access tokens carry `iat` in whole seconds, and their `iat_ms` to the millisecond). */
async function nextSecond(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_001 - (Date.now() % 1_000)));
}

/** The `iat` (whole seconds) of a PakLog access token. */
const issuedAt = (token: string): number => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { iat: number }).iat;

/**
 * Runs `attempt` (sign in, then end the session) from the start of a second until the token it signed in with and the
 * one it ends with were issued in the same second (a hash is slow: on a loaded machine one try may straddle seconds).
 */
async function inOneSecond(attempt: (n: number) => Promise<{ before: string; after: string }>): Promise<void> {
  for (let n = 0; n < 8; n++) {
    await nextSecond();
    const { before, after } = await attempt(n);
    if (issuedAt(before) === issuedAt(after)) return;
  }
  throw new Error('no try signed in and ended the session within one second');
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('changing one\'s own password', () => {
  it('needs the current password, refuses a weak or blank new one, and changes nothing then', async () => {
    await newUser('patricia');
    const session = (await login('patricia', password)).body;
    const wrong = await changePassword(session.accessToken, `${password}!`, 'a new passphrase nobody guesses');
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('WRONG_PASSWORD');
    for (const [weak, why] of [['short one', 'must have at least 12 characters'], ['Patricia-password', 'must not contain the username'],
      ['password1234', 'is a commonly used password'], ['aaaaaaaaaaaaaaaa', 'must have at least 4 different characters'],
      [password, 'must differ from the current password']] as const) {
      const res = await changePassword(session.accessToken, password, weak);
      expect({ weak, status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({
        weak, status: 422, code: 'WEAK_PASSWORD', errors: [{ field: '/newPassword', message: why }],
      });
    }
    const blank = await changePassword(session.accessToken, password, '   ');
    expect(blank.status).toBe(400);
    expect(blank.body.code).toBe('VALIDATION_FAILED');
    // Nothing changed: the old password signs in, the session still refreshes.
    expect((await login('patricia', password)).status).toBe(200);
    expect((await refresh(session.refreshToken)).status).toBe(200);
  });

  it('ends every other session of the person (refresh and access tokens) and hands the caller a new one', async () => {
    await newUser('quinn');
    const other = (await login('quinn', password)).body;
    const current = (await login('quinn', password)).body;
    await nextSecond();
    const changed = await changePassword(current.accessToken, password, 'a new passphrase nobody guesses');
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    expect(changed.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });

    expect((await login('quinn', password)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login('quinn', 'a new passphrase nobody guesses')).status).toBe(200);
    // The sessions before the change are over: their access tokens and refresh tokens, the caller's old ones too.
    for (const s of [other, current]) {
      const who = await me(s.accessToken);
      expect(who.status).toBe(401);
      expect(who.body.code).toBe('UNAUTHENTICATED');
      expect((await refresh(s.refreshToken)).status).toBe(401);
    }
    // The caller goes on with the session the answer carries.
    expect((await me(changed.body.accessToken)).body.kind).toBe('user');
    expect((await refresh(changed.body.refreshToken)).status).toBe(200);
  });

  it('ends the access tokens issued earlier in the same second too; a retry of the change is 401 saying why, never WRONG_PASSWORD', async () => {
    // Found by the black-box hunt (2026-12-04): sessions_valid_from was compared in whole seconds, so a token issued in the
    // second of the change (sign in, change at once) kept working, and a retry of the change heard 422 WRONG_PASSWORD.
    await inOneSecond(async (n) => {
      await newUser(`ursula-${n}`);
      const old = (await login(`ursula-${n}`, password)).body;
      const changed = await changePassword(old.accessToken, password, 'a new passphrase nobody guesses');
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      const who = await me(old.accessToken);
      expect([who.status, who.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      const retry = await changePassword(old.accessToken, password, 'a new passphrase nobody guesses');
      expect([retry.status, retry.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      expect(retry.body.detail).toContain('password was changed');
      expect((await me(changed.body.accessToken)).status).toBe(200);
      return { before: old.accessToken, after: changed.body.accessToken };
    });
  });

  it('is refused to an API key, which has no password (409 NO_PASSWORD)', async () => {
    const res = await t.request('POST', '/api/v1/auth/password', { role: 'manager', body: { currentPassword: password, newPassword: 'a new passphrase nobody guesses' } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('NO_PASSWORD');
  });
});

describe('an admin resets another user\'s password', () => {
  it('sets it and ends the user\'s sessions; only an admin of every site may', async () => {
    const rex = await newUser('rex');
    const session = (await login('rex', password)).body;
    const site = await t.post('/api/v1/sites', { code: 'RS1', name: 'Reset site' });
    expect(site.status, JSON.stringify(site.body)).toBe(201);
    const scoped = await t.post('/api/v1/api-keys', { name: 'admin of RS1', role: 'admin', siteIds: [site.body.id] });
    const refused = await t.request('POST', `/api/v1/users/${rex.id}/password`, { role: null, headers: { 'x-api-key': scoped.body.key }, body: { password: 'a reset passphrase for rex' } });
    expect(refused.status).toBe(403);
    expect((await login('rex', password)).status).toBe(200);

    const weak = await t.post(`/api/v1/users/${rex.id}/password`, { password: 'rexrexrexrexrex' });
    expect(weak.status).toBe(422);
    expect(weak.body.code).toBe('WEAK_PASSWORD');
    expect((await t.post('/api/v1/users/usr_nobody/password', { password: 'a reset passphrase for rex' })).status).toBe(404);

    await nextSecond();
    const reset = await t.post(`/api/v1/users/${rex.id}/password`, { password: 'a reset passphrase for rex' });
    expect(reset.status, JSON.stringify(reset.body)).toBe(200);
    expect(reset.body.id).toBe(rex.id);
    expect((await login('rex', password)).status).toBe(401);
    expect((await login('rex', 'a reset passphrase for rex')).status).toBe(200);
    expect((await me(session.accessToken)).status).toBe(401);
    expect((await refresh(session.refreshToken)).status).toBe(401);
  });
});

describe('an admin resets another user\'s password, again', () => {
  it('ends the access tokens the user got earlier in the same second', async () => {
    await inOneSecond(async (n) => {
      const user = await newUser(`vera-${n}`);
      const old = (await login(`vera-${n}`, password)).body;
      expect((await t.post(`/api/v1/users/${user.id}/password`, { password: 'a reset passphrase for vera' })).status).toBe(200);
      const who = await me(old.accessToken);
      expect([who.status, who.body.code]).toEqual([401, 'UNAUTHENTICATED']);
      const fresh = (await login(`vera-${n}`, 'a reset passphrase for vera')).body;
      expect((await me(fresh.accessToken)).status).toBe(200);
      return { before: old.accessToken, after: fresh.accessToken };
    });
  });

  it('honours Idempotency-Key: a retry answers the first answer again and ends no session the user started since', async () => {
    // Found by the black-box hunt (2026-12-04): a retried reset set the password again and ended the sessions the person
    // had started with it in between.
    const user = await newUser('walt');
    const key = { 'idempotency-key': 'reset-walt' };
    const first = await t.post(`/api/v1/users/${user.id}/password`, { password: 'another reset passphrase, kept apart' }, 'admin', key);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await nextSecond();
    const session = (await login('walt', 'another reset passphrase, kept apart')).body;
    const again = await t.post(`/api/v1/users/${user.id}/password`, { password: 'another reset passphrase, kept apart' }, 'admin', key);
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await me(session.accessToken)).status).toBe(200);
    expect((await refresh(session.refreshToken)).status).toBe(200);
    // The same key for another user is another request; the password is kept in neither the answer nor the fingerprint.
    const other = await newUser('xena');
    expect((await t.post(`/api/v1/users/${other.id}/password`, { password: 'a third reset passphrase, kept apart' }, 'admin', key)).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const rows = await t.app.db.query<{ request_hash: string; response: unknown }>(`SELECT request_hash, response FROM platform.idempotency_keys WHERE key = 'reset-walt'`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('reset passphrase');
    const docs = await t.get('/docs/json', null);
    expect(docs.body.paths['/api/v1/users/{id}/password'].post.parameters.map((p: { name: string }) => p.name)).toContain('idempotency-key');
  });
});

describe('the last admin of every site', () => {
  it('cannot be disabled, demoted at * or lose its * grant; once another admin exists it can', async () => {
    const root = await newUser('root', [{ siteId: '*', role: 'admin' }]);
    for (const [what, res] of [
      ['disable', await t.post(`/api/v1/users/${root.id}/disable`, {})],
      ['demote', await t.post(`/api/v1/users/${root.id}/grants`, { siteId: '*', role: 'manager' })],
      ['revoke', await t.request('DELETE', `/api/v1/users/${root.id}/grants/*`)],
    ] as const) {
      expect({ what, status: res.status, code: res.body.code }).toEqual({ what, status: 409, code: 'LAST_ADMIN' });
    }
    const still = (await t.get(`/api/v1/users/${root.id}`)).body;
    expect(still).toMatchObject({ disabledAt: null, grants: [{ siteId: '*', role: 'admin' }] });
    // Re-granting admin at * or a role at one site is no loss.
    expect((await t.post(`/api/v1/users/${root.id}/grants`, { siteId: '*', role: 'admin' })).status).toBe(200);

    const deputy = await newUser('deputy', [{ siteId: '*', role: 'admin' }]);
    expect((await t.post(`/api/v1/users/${root.id}/grants`, { siteId: '*', role: 'manager' })).status).toBe(200);
    // Now the deputy is the last one.
    expect((await t.post(`/api/v1/users/${deputy.id}/disable`, {})).body.code).toBe('LAST_ADMIN');
    // Users who are not admins of every site are disabled as before.
    expect((await t.post(`/api/v1/users/${root.id}/disable`, {})).status).toBe(200);
  });

  it('two admins disabling each other at once: one of them stays', async () => {
    const a = await newUser('twin-a', [{ siteId: '*', role: 'admin' }]);
    const b = await newUser('twin-b', [{ siteId: '*', role: 'admin' }]);
    const deputy = (await t.get('/api/v1/users')).body.items.find((u: { username: string }) => u.username === 'deputy');
    expect((await t.post(`/api/v1/users/${deputy.id}/disable`, {})).status).toBe(200);
    const [ra, rb] = await Promise.all([t.post(`/api/v1/users/${a.id}/disable`, {}), t.post(`/api/v1/users/${b.id}/disable`, {})]);
    expect([ra.status, rb.status].sort()).toEqual([200, 409]);
    const users: { username: string; disabledAt: string | null }[] = (await t.get('/api/v1/users')).body.items;
    expect(users.filter((u) => u.username.startsWith('twin-') && u.disabledAt === null)).toHaveLength(1);
  });
});

describe('Idempotency-Key on creating users and API keys', () => {
  it('a retried POST /users makes one user and answers the first answer again', async () => {
    const body = { username: 'sol', password, grants: [{ siteId: '*', role: 'viewer' }] };
    const first = await t.post('/api/v1/users', body, 'admin', { 'idempotency-key': 'create-sol' });
    const again = await t.post('/api/v1/users', body, 'admin', { 'idempotency-key': 'create-sol' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await t.post('/api/v1/users', { ...body, username: 'sol2' }, 'admin', { 'idempotency-key': 'create-sol' });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const users: { username: string }[] = (await t.get('/api/v1/users')).body.items;
    expect(users.filter((u) => u.username.startsWith('sol'))).toHaveLength(1);
    // The password is in neither the stored answer nor the request's fingerprint.
    const rows = await t.app.db.query<{ request_hash: string; response: unknown }>(
      `SELECT request_hash, response FROM platform.idempotency_keys WHERE key = 'create-sol'`,
    );
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  it('a retried POST /api-keys makes one key and never stores or shows its secret again: 409 API_KEY_ALREADY_CREATED', async () => {
    const body = { name: 'erp link', role: 'integration' };
    const first = await t.post('/api/v1/api-keys', body, 'admin', { 'idempotency-key': 'create-erp-key' });
    expect(first.status).toBe(201);
    const again = await t.post('/api/v1/api-keys', body, 'admin', { 'idempotency-key': 'create-erp-key' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('API_KEY_ALREADY_CREATED');
    expect(again.body.detail).toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain(first.body.key);
    const keys: { name: string }[] = (await t.get('/api/v1/api-keys')).body.items;
    expect(keys.filter((k) => k.name === 'erp link')).toHaveLength(1);
    const rows = await t.app.db.query<{ response: unknown }>(`SELECT response FROM platform.idempotency_keys WHERE key = 'create-erp-key'`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]!.response)).not.toContain(first.body.key);
    expect(rows[0]!.response).toMatchObject({ id: first.body.id, name: 'erp link' });
    // The first answer's secret works.
    expect((await t.request('GET', '/api/v1/auth/me', { role: null, headers: { 'x-api-key': first.body.key } })).body.id).toBe(first.body.id);
  });
});

describe('a new user\'s grants naming one site twice (found by the black-box hunt)', () => {
  it('with two roles is 400 VALIDATION_FAILED naming the later grant, and no user is made (the last role silently won before)', async () => {
    const site = await t.post('/api/v1/sites', { code: 'TWOROLES', name: 'Two roles' });
    expect(site.status).toBe(201);
    for (const [username, grants] of [
      ['two-roles-a', [{ siteId: 'TWOROLES', role: 'operator' }, { siteId: 'TWOROLES', role: 'manager' }]],
      // The same site by its code and by its id is the same site.
      ['two-roles-b', [{ siteId: site.body.id, role: 'manager' }, { siteId: 'TWOROLES', role: 'operator' }]],
    ] as const) {
      const res = await t.post('/api/v1/users', { username, password, grants });
      expect([res.status, res.body.code, res.body.errors], username).toEqual([400, 'VALIDATION_FAILED', [{ field: '/grants/1/siteId', message: 'names a site grant 0 names with another role' }]]);
      expect((await login(username, password)).status, username).toBe(401);
    }
    // The same grant twice is kept once, as before.
    const same = await t.post('/api/v1/users', { username: 'same-grant-twice', password, grants: [{ siteId: 'TWOROLES', role: 'viewer' }, { siteId: site.body.id, role: 'viewer' }] });
    expect([same.status, same.body.grants]).toEqual([201, [{ siteId: site.body.id, role: 'viewer' }]]);
  });
});

describe('a worker id belongs to one person (two users acting as one worker held each other\'s tasks)', () => {
  it('refuses a worker id that is another user\'s username or worker id, disabled users included: 409 DUPLICATE naming it, nothing written', async () => {
    const before = (await t.get('/api/v1/users')).body.items.length;
    const wes = await t.post('/api/v1/users', { username: 'wes', password, grants: [{ siteId: '*', role: 'operator' }] });
    expect(wes.status).toBe(201);
    const badge = await t.post('/api/v1/users', { username: 'vic', password, workerId: 'badge-17', grants: [{ siteId: '*', role: 'operator' }] });
    expect(badge.status).toBe(201);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ username: 'wes2', workerId: 'wes' }, '/workerId', 'wes'],
      [{ username: 'vic2', workerId: 'badge-17' }, '/workerId', 'badge-17'],
      [{ username: 'badge-17' }, '/username', 'badge-17'],
      // Worker ids ignore letter case: "W1" and "w1" are one worker (found by the black-box suite).
      [{ username: 'wes4', workerId: 'WES' }, '/workerId', 'WES'],
      [{ username: 'vic4', workerId: 'Badge-17' }, '/workerId', 'Badge-17'],
      [{ username: 'BADGE-17' }, '/username', 'BADGE-17'],
    ];
    for (const [body, field, workerId] of cases) {
      const res = await t.post('/api/v1/users', { ...body, password, grants: [{ siteId: '*', role: 'operator' }] });
      expect(res.status, JSON.stringify(res.body)).toBe(409);
      expect(res.body.code).toBe('DUPLICATE');
      expect(res.body.detail).toContain(`Worker id ${workerId} is taken`);
      expect(res.body.errors).toEqual([expect.objectContaining({ field })]);
    }
    expect((await t.post(`/api/v1/users/${badge.body.id}/disable`, {})).status).toBe(200);
    expect((await t.post('/api/v1/users', { username: 'vic3', password, workerId: 'badge-17' })).status).toBe(409);
    const users: { username: string; workerId: string }[] = (await t.get('/api/v1/users')).body.items;
    expect(users).toHaveLength(before + 2);
    expect(new Set(users.map((u) => u.workerId)).size).toBe(users.length);
  });

  it('two concurrent creates with one worker id: one 201, one 409', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all(['a', 'b'].map((s) =>
        t.post('/api/v1/users', { username: `race-${round}-${s}`, workerId: `racer-${round}`, grants: [{ siteId: '*', role: 'operator' }] })));
      expect(results.map((r) => r.status).sort(), JSON.stringify(results.map((r) => r.body))).toEqual([201, 409]);
      expect(results.find((r) => r.status === 409)!.body.code).toBe('DUPLICATE');
    }
  });
});
