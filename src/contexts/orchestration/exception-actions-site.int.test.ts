import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * Pinned by the edges hunt (no defect): an exception about no site (a dead letter of an event without one) may concern
 * any site, so a manager of one site only may not resolve it (403 FORBIDDEN_AT_SITE, nothing changed: the site guard
 * reads the exception's null site as a site the caller has no role at); a manager of every site may, and a site-scoped
 * manager acts on its own site's.
 */
let t: TestApp;
let scopedKey: string;
let siteA: string;

async function exception(id: string, siteId: string | null): Promise<void> {
  await t.app.db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
                        VALUES ($1, $2, 'DEAD_LETTER', $1, $1, 'a case', $3, '{}', 'OPEN', now())`, [id, siteId, ['acknowledge']]);
}

beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'EXSA', name: 'Exceptions A' });
  expect(site.status).toBe(201);
  siteA = site.body.id;
  const key = await t.post('/api/v1/api-keys', { name: 'manager of EXSA', role: 'manager', siteIds: [siteA] });
  expect(key.status).toBe(201);
  scopedKey = key.body.key;
  await exception('exc_siteless_1', null);
  await exception('exc_siteless_2', null);
  await exception('exc_site_a_1', siteA);
}, 60_000);
afterAll(async () => t?.close());

const act = (id: string, key: string) => t.request('POST', `/api/v1/exceptions/${id}/actions/acknowledge`, { role: null, headers: { 'x-api-key': key } });
const statusOf = async (id: string): Promise<string> => (await t.get(`/api/v1/exceptions/${id}`, 'viewer')).body.status;

describe('an exception about no site', () => {
  it('is 403 FORBIDDEN_AT_SITE for a manager of some sites only, and stays OPEN', async () => {
    const res = await act('exc_siteless_1', scopedKey);
    expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect(await statusOf('exc_siteless_1')).toBe('OPEN');
  });

  it('is resolved by a manager of every site; a site-scoped manager resolves its own site\'s', async () => {
    expect((await act('exc_siteless_2', t.keys.manager)).status).toBe(200);
    expect(await statusOf('exc_siteless_2')).toBe('RESOLVED');
    expect((await act('exc_site_a_1', scopedKey)).status).toBe(200);
    expect(await statusOf('exc_site_a_1')).toBe('RESOLVED');
  });
});
