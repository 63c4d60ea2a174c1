/**
 * A list's own nextCursor is taken back, however long the key it carries (found by the limits-and-text hunt): `?cursor=`
 * was capped at 200 characters while a cursor is its page's last key, base64url-encoded. A key of 64-character SKU and lot
 * (GET /inventory/as-of: SKU, location, lot, status and owner as JSON) or of a 100-character worker id in CJK or emoji
 * (GET /positions, GET /workload/performance) encodes to more than 200 characters, and the second page was 400
 * VALIDATION_FAILED on /querystring/cursor: what lay past the first page could not be read at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/platform/http/paging.ts';
import { injectClient, setupWarehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

/** Every page of `url` one item at a time: the status of each request and the items read. */
async function pageByOne<T>(url: string): Promise<{ statuses: number[]; items: T[]; cursors: number[] }> {
  const statuses: number[] = [];
  const items: T[] = [];
  const cursors: number[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i += 1) {
    const p = await t.get(`${url}&limit=1${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    statuses.push(p.status);
    if (p.status !== 200) break;
    items.push(...(p.body.items as T[]));
    cursor = p.body.nextCursor as string | null;
    if (cursor === null) break;
    cursors.push(cursor.length);
  }
  return { statuses, items, cursors };
}

describe('a list takes back its own cursor, however long its key', () => {
  it('stock as of an instant pages by one past 64-character SKU and lots (CJK, Latin), every key read once', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'PGLK', aisles: 1, bays: 2, levels: 1, skus: 0 });
    const sku = 'S'.repeat(64);
    const product = await t.post('/api/v1/products', { sku, description: 'Long keys', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1, lotControlled: true });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    const lots = ['L'.repeat(64), '批'.repeat(64), '😀'.repeat(64)];
    for (const lot of lots) {
      const received = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 1, lot });
      expect(received.status, JSON.stringify(received.body)).toBe(201);
    }
    await t.settle();
    const at = new Date(Date.now() + 1).toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const read = await pageByOne<{ lot: string; onHand: number }>(`/api/v1/inventory/as-of?siteId=${w.siteId}&at=${at}`);
    // One key a page, then the empty page after the last full one.
    expect(read.statuses).toEqual([200, 200, 200, 200]);
    expect(Math.max(...read.cursors)).toBeGreaterThan(200);
    expect(read.items.map((x) => [x.lot, x.onHand]).sort()).toEqual(lots.map((lot) => [lot, 1]).sort());
  });

  it('positions page by one past 100-character worker ids in CJK and emoji, every worker read once', async () => {
    const site = await t.post('/api/v1/sites', { code: 'PGLKP', name: 'Long position keys' });
    expect(site.status).toBe(201);
    const siteId = site.body.id as string;
    expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 1, bays: 2, levels: 1, packStations: 1 })).status).toBeLessThan(300);
    await t.settle();
    const ids = ['作'.repeat(100), '😀'.repeat(50), 'w'.repeat(100)];
    for (const id of ids) {
      const tracked = await t.request('PUT', `/api/v1/tracked/worker/${encodeURIComponent(id)}`, { body: { siteId }, role: 'manager' });
      expect(tracked.status, JSON.stringify(tracked.body)).toBe(200);
      const reported = await t.post('/api/v1/positions', { siteId, kind: 'worker', id, x: 1, y: 1, zone: 'A', timestamp: new Date().toISOString() }, 'integration');
      expect(reported.status, JSON.stringify(reported.body)).toBe(200);
    }
    const read = await pageByOne<{ id: string }>(`/api/v1/positions?siteId=${siteId}`);
    expect(read.statuses).toEqual([200, 200, 200]);
    expect(read.items.map((p) => p.id).sort()).toEqual([...ids].sort());
  });

  it('a cursor over the longest a list returns is still 400 VALIDATION_FAILED naming /querystring/cursor', async () => {
    const tooLong = await t.get(`/api/v1/positions?siteId=PGLKP&cursor=${encodeCursor(`worker:${'x'.repeat(1000)}`)}`);
    expect([tooLong.status, tooLong.body.code, tooLong.body.errors?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', '/querystring/cursor']);
  });
});
