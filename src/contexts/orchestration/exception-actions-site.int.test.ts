import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

/**
 * An exception about no site (a dead letter of an event without one, a webhook subscription to every site) is the whole
 * network's (docs/operations/exceptions.md): only a caller with the role at every site (`*`) reads or acts on it. A
 * manager of some sites only may not resolve it nor read it (403 FORBIDDEN_AT_SITE, nothing changed), nor find it in a
 * list: it names a site there, and `orderId=` of its own site's order lists that site's exceptions only (it listed the
 * site-less ones linked to the order before). A manager of every site may, and a site-scoped manager acts on its own
 * site's.
 */
let t: TestApp;
let scopedKey: string;
let siteA: string;

let orderA: string;

async function exception(id: string, siteId: string | null, details: Record<string, unknown> = {}): Promise<void> {
  await t.app.db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
                        VALUES ($1, $2, 'DEAD_LETTER', $1, $1, 'a case', $3, $4, 'OPEN', now())`, [id, siteId, ['acknowledge'], JSON.stringify(details)]);
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
  expect((await t.post('/api/v1/products', { sku: 'EXSA-1', description: 'A mug', lengthMm: 100, widthMm: 80, heightMm: 90, weightG: 300 })).status).toBe(201);
  const order = await t.post('/api/v1/orders', {
    externalId: 'EXSA-ORDER', siteId: siteA, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku: 'EXSA-1', quantity: 1 }],
  });
  expect(order.status, JSON.stringify(order.body)).toBe(201);
  orderA = order.body.id;
  // A dead letter of an event of no site naming the order, and one of site A's about it.
  await exception('exc_siteless_order', null, { event: { subject: orderA, orderId: orderA } });
  await exception('exc_site_a_order', siteA, { event: { subject: orderA, orderId: orderA } });
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

  it('is not read by a manager of some sites only, by id or in a list about its own site\'s order; a manager of every site reads both', async () => {
    const read = await t.request('GET', '/api/v1/exceptions/exc_siteless_1', { role: null, headers: { 'x-api-key': scopedKey } });
    expect([read.status, read.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const ids = async (key: string): Promise<string[]> => ((await t.request('GET', `/api/v1/exceptions?orderId=${orderA}`, { role: null, headers: { 'x-api-key': key } }))
      .body.items as { id: string }[]).map((x) => x.id).sort();
    expect(await ids(scopedKey)).toEqual(['exc_site_a_order']);
    expect(await ids(t.keys.manager)).toEqual(['exc_site_a_order', 'exc_siteless_order']);
  });

  it('is resolved by a manager of every site; a site-scoped manager resolves its own site\'s', async () => {
    expect((await act('exc_siteless_2', t.keys.manager)).status).toBe(200);
    expect(await statusOf('exc_siteless_2')).toBe('RESOLVED');
    expect((await act('exc_site_a_1', scopedKey)).status).toBe(200);
    expect(await statusOf('exc_site_a_1')).toBe('RESOLVED');
  });
});
