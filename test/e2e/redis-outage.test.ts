/**
 * Issue 8 §5: with REDIS_URL the hot floor reads (products by SKU, locations by code, site layouts for routing) are
 * cached in Redis. Redis stopped mid-run: requests keep answering from the database (no 5xx), the failures are counted
 * (`paklog_cache_errors_total`), and once Redis is back values are cached there again. The Redis is a private
 * redis-server of this test's own (never the machine's on 6379).
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, receiveStock, setupWarehouse, until } from '../support/flow-driver.ts';
import { cachePrefix, privateRedis } from '../support/redis.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const PORT = 16380;
let stopRedis: (() => Promise<void>) | undefined;
afterAll(async () => {
  await stopRedis?.();
});

const metric = async (t: TestApp, name: string, labels: string): Promise<number> => {
  const body = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  return [...body.matchAll(new RegExp(`^${name}\\{${labels}[^}]*\\} (\\d+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
};

describe('cache outage', () => {
  it('requests keep answering from the database while Redis is down, and the cache fills again once it is back', async (ctx) => {
    const server = privateRedis(PORT, () => ctx.skip());
    stopRedis = () => server.stop();
    await server.start();
    const t = await startTestApp({ env: { REDIS_URL: server.url } });
    const call = injectClient(t.app, t.keys.manager);
    try {
      const w = await setupWarehouse(call, { siteCode: 'RO', aisles: 2, bays: 4, levels: 1, skus: 2 });
      await receiveStock(call, w, 50, 1);
      const prefix = cachePrefix(t.databaseUrl);
      const cachedKeys = [
        `${prefix}catalog:product:${w.products[0]!.sku}`, `${prefix}picking:site-layout:${w.siteId}`, `${prefix}waves:site-layout:${w.siteId}`,
      ];
      let n = 0;
      /** Floor reads: products, a receipt by location code, an order batched and routed over the site's layout. */
      const floorRound = async (): Promise<void> => {
        n++;
        for (const p of w.products) expect((await t.get(`/api/v1/products/${p.sku}`)).status).toBe(200);
        expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku: w.products[0]!.sku, locationCode: w.storage[0]!.code, quantity: 1 })).status).toBe(201);
        const order = await createOrder(call, w.siteId, { externalId: `RO-${n}`, lines: w.products.map((p) => ({ sku: p.sku, quantity: 1 })) });
        await until('order allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
        await t.settle();
        const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
        expect(wave.status).toBe(201);
        expect((await t.post(`/api/v1/waves/${wave.body.id}/release`, { pickStrategy: 'batch', cartCapacity: 10 })).status).toBe(200);
        await t.settle();
        const lists = (await t.get(`/api/v1/pick-lists?waveId=${wave.body.id}`)).body.items;
        expect(lists).toHaveLength(1);
        expect(typeof lists[0].routeLength).toBe('number'); // routed: the layout was read and fitted
      };

      await floorRound();
      const redis = new Redis(server.url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
      redis.on('error', () => undefined);
      try {
        expect(await redis.exists(...cachedKeys)).toBe(cachedKeys.length);

        await server.stop();
        const errorsBefore = await metric(t, 'paklog_cache_errors_total', '');
        await floorRound();
        expect(await metric(t, 'paklog_cache_errors_total', '')).toBeGreaterThan(errorsBefore);

        await server.start(); // empty: nothing was saved
        await until('the cache holds products again', async () => {
          expect((await t.get(`/api/v1/products/${w.products[0]!.sku}`)).status).toBe(200);
          return redis.exists(cachedKeys[0]!).catch(() => 0);
        }, (k) => k === 1);
        const hitsBefore = await metric(t, 'paklog_cache_reads_total', 'outcome="hit"');
        await floorRound();
        expect(await redis.exists(...cachedKeys)).toBe(cachedKeys.length);
        expect(await metric(t, 'paklog_cache_reads_total', 'outcome="hit"')).toBeGreaterThan(hitsBefore);
      } finally {
        redis.disconnect();
      }
    } finally {
      await t.close();
      await server.stop();
    }
  }, 120_000);
});
