import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './test-app.ts';

/**
 * The checks every `GET /<list>/counts?siteId=` shares (orders, waves, tasks, exceptions), run by a test beside each
 * context on real PostgreSQL: every status present (0 when none), exact beyond the 500 rows a list page holds, only the
 * site asked about, a caller of some sites refused another one, and a bad query a 400 problem.
 */
export function statusCountsTests(o: {
  /** The list, e.g. `orders` (the route is `/api/v1/<path>/counts`). */
  path: string;
  contexts?: string;
  statuses: readonly string[];
  /** Inserts `n` rows in `status` at `siteId` (plain SQL: 600 rows cost one statement); `tag` keeps their ids apart. */
  insert: (t: TestApp, siteId: string, status: string, n: number, tag: string) => Promise<void>;
  /** Two statuses of the list to fill. */
  many: string;
  few: string;
  /** More cases of the context's own, run after these with the app and the sites (CNTA, CNTBB) by code. */
  also?: (ctx: () => { t: TestApp; S: Record<string, string> }) => void;
}): void {
  let t: TestApp;
  const S: Record<string, string> = {};
  let scopedKey: string;
  const url = (site: string): string => `/api/v1/${o.path}/counts?siteId=${site}`;
  const zeros = Object.fromEntries(o.statuses.map((s) => [s, 0]));

  beforeAll(async () => {
    t = await startTestApp(o.contexts === undefined ? {} : { env: { PAKLOG_CONTEXTS: o.contexts } });
    for (const code of ['CNTA', 'CNTBB']) {
      const site = await t.post('/api/v1/sites', { code, name: code });
      expect(site.status).toBe(201);
      S[code] = site.body.id;
    }
    const key = await t.post('/api/v1/api-keys', { name: 'viewer of CNTA', role: 'viewer', siteIds: [S.CNTA!] });
    expect(key.status).toBe(201);
    scopedKey = key.body.key;
  }, 60_000);
  afterAll(async () => t?.close());

  describe(`GET /${o.path}/counts`, () => {
    it('answers every status, 0 when none, for a site with nothing yet', async () => {
      const res = await t.get(url('CNTA'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ siteId: S.CNTA, byStatus: zeros });
    });

    it('counts exactly beyond 500 (what a list page holds), at the site asked about only', async () => {
      await o.insert(t, S.CNTA!, o.many, 612, 'a');
      await o.insert(t, S.CNTA!, o.few, 3, 'a');
      await o.insert(t, S.CNTBB!, o.many, 5, 'b');
      const a = await t.get(url('CNTA'));
      expect(a.status).toBe(200);
      expect(a.body).toEqual({ siteId: S.CNTA, byStatus: { ...zeros, [o.many]: 612, [o.few]: 3 } });
      // By id as well as by code.
      expect((await t.get(url(S.CNTBB!))).body).toEqual({ siteId: S.CNTBB, byStatus: { ...zeros, [o.many]: 5 } });
    });

    it('a caller of one site counts there and is refused another site (403 FORBIDDEN_AT_SITE)', async () => {
      const req = (u: string) => t.request('GET', u, { role: null, headers: { 'x-api-key': scopedKey } });
      const mine = await req(url('CNTA'));
      expect(mine.status).toBe(200);
      expect(mine.body.siteId).toBe(S.CNTA);
      const theirs = await req(url('CNTBB'));
      expect([theirs.status, theirs.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
      expect((await t.request('GET', url('CNTA'), { role: null })).status).toBe(401);
    });

    it('a bad query is a 400 problem: no site, an empty site, an unknown parameter; an unknown site 422 UNKNOWN_SITE', async () => {
      for (const bad of [`/api/v1/${o.path}/counts`, url(''), `${url('CNTA')}&limit=500`]) {
        const res = await t.get(bad);
        expect([bad, res.status, res.headers['content-type']]).toEqual([bad, 400, expect.stringContaining('application/problem+json')]);
      }
      const unknown = await t.get(url('NOPE'));
      expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    });

    o.also?.(() => ({ t, S }));
  });
}
