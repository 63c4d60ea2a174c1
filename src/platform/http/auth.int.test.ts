import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type PakLogApp } from '../../app.ts';
import { hasDemoData, seedDemo } from '../../seed/demo.ts';
import { loadConfig } from '../config/config.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';

let db: { url: string; drop: () => Promise<void> };
beforeAll(async () => {
  // Every context runs in each start: the run's migrated template (a clone; it holds no admin key), not the migrations.
  db = await createTestDatabase({ migrated: true });
});
afterAll(async () => {
  await db.drop();
});

/** One process start on the shared database, with this environment. */
async function start(env: Record<string, string>): Promise<PakLogApp> {
  return buildApp(loadConfig({ LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '6', ...env }), db.url);
}

async function status(app: PakLogApp, key: string): Promise<number> {
  return (await app.http.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { 'x-api-key': key } })).statusCode;
}

describe('bootstrap admin key', () => {
  it('a rotated PAKLOG_ADMIN_API_KEY revokes the one it replaces; a generated key is replaced the same way', async () => {
    // First start without a key: one is generated.
    let app = await start({ PAKLOG_SEED_DEMO: 'false' });
    const generated = app.generatedAdminKey;
    expect(generated).toMatch(/^pk_/);
    const integration = await app.apiKeys.create('erp', 'integration');
    await app.close();

    // The generated key was lost: restarting with PAKLOG_ADMIN_API_KEY recovers access and revokes the lost one.
    const first = 'first-admin-key-0123456789';
    app = await start({ PAKLOG_ADMIN_API_KEY: first });
    expect(app.generatedAdminKey).toBeUndefined();
    expect(await status(app, first)).toBe(200);
    expect(await status(app, generated!)).toBe(401);
    await app.close();

    const second = 'second-admin-key-0123456789';
    app = await start({ PAKLOG_ADMIN_API_KEY: second });
    try {
      expect(await status(app, second)).toBe(200);
      expect(await status(app, first)).toBe(401);
      // Keys created through the API are not bootstrap keys and stay valid.
      expect((await app.http.inject({ method: 'GET', url: '/api/v1/sites', headers: { 'x-api-key': integration.key } })).statusCode).toBe(200);
      const rows = await app.db.query<{ name: string; revoked: boolean }>(
        `SELECT name, revoked_at IS NOT NULL AS revoked FROM platform.api_keys WHERE role = 'admin' ORDER BY created_at`,
      );
      expect(rows.filter((r) => !r.revoked)).toHaveLength(1);
    } finally {
      await app.close();
    }
    // Starting again with the same key changes nothing.
    app = await start({ PAKLOG_ADMIN_API_KEY: second });
    try {
      expect(await status(app, second)).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('the demo seed stores no API key, not even a revoked one', async () => {
    const key = 'seed-test-admin-key-0123456789';
    const app = await start({ PAKLOG_ADMIN_API_KEY: key });
    try {
      const before = await app.db.query<{ id: string; name: string }>(`SELECT id, name FROM platform.api_keys`);
      expect(await hasDemoData(app)).toBe(false);
      await seedDemo(app);
      expect(await hasDemoData(app)).toBe(true);
      const after = await app.db.query<{ id: string; name: string }>(`SELECT id, name FROM platform.api_keys`);
      expect(after).toEqual(expect.arrayContaining(before));
      expect(after.map((r) => r.name)).not.toContain('demo seed');
      expect(after).toHaveLength(before.length);
    } finally {
      await app.close();
    }
  });
});
