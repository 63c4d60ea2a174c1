/**
 * Products by SKU (every receipt, move, order and pack reads them) are cached — in memory, or in Redis shared by the
 * installation's processes when REDIS_URL is set. An unknown SKU is never remembered, and a creation that rolls back
 * leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachePrefix, REDIS_URL, redisOrSkip } from '../../../test/support/redis.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import { MemoryCache, RedisCache, type Cache } from '../../platform/cache/cache.ts';
import { systemClock } from '../../platform/clock.ts';
import { uuidv7Ids } from '../../platform/ids.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { Metrics } from '../../platform/telemetry/metrics.ts';
import { catalogService } from './service.ts';

const product = (sku: string, over: Record<string, unknown> = {}) => ({ sku, description: 'Cached mug', lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10, ...over });
const catalogApi = (t: TestApp): CatalogApi => t.app.modules.find((m) => m.name === 'catalog')!.api as CatalogApi;
/** Changes the row behind the cache's back: what a cached read still answers shows it came from the cache. */
const rewrite = (t: TestApp, sku: string, description: string) =>
  t.app.db.query('UPDATE catalog.products SET description = $2 WHERE sku = $1', [sku, description]);
const cacheReads = async (t: TestApp, outcome: string): Promise<number> => {
  const body = (await t.app.http.inject({ method: 'GET', url: '/metrics' })).body;
  return Number(new RegExp(`^paklog_cache_reads_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(body)?.[1] ?? 0);
};

describe.each([
  { cache: 'memory', env: {} },
  { cache: 'redis', env: { REDIS_URL } },
])('products by SKU, $cache cache', ({ cache, env }) => {
  // One app per cache for the three tests (each uses SKUs of its own): an app per test was most of this file's time.
  let t: TestApp;
  let redisDown = false;
  beforeAll(async () => {
    if (cache === 'redis') await redisOrSkip(() => { redisDown = true; });
    if (!redisDown) t = await startTestApp({ env });
  });
  afterAll(async () => {
    if (!redisDown) await t.close();
  });

  it('are read from the database once, then from the cache, by the API and by GET /products/{sku}', async (ctx) => {
    if (redisDown) ctx.skip();
    const [a, b] = ['PC-A', 'PC-B'];
    for (const sku of [a, b]) expect((await t.post('/api/v1/products', product(sku))).status).toBe(201);
    const hitsBefore = await cacheReads(t, 'hit');
    expect([...(await catalogApi(t).getBySkus([a, b, 'PC-UNKNOWN'])).keys()].sort()).toEqual([a, b]);
    await rewrite(t, a, 'changed behind the cache');
    await rewrite(t, b, 'changed behind the cache');
    // Both copies come from the cache, one key per SKU; a mix of cached and new SKUs reads only the new ones.
    const again = await catalogApi(t).getBySkus([b, a, a]);
    expect([...again.values()].map((p) => [p.sku, p.description]).sort()).toEqual([[a, 'Cached mug'], [b, 'Cached mug']]);
    expect((await t.get(`/api/v1/products/${a}`)).body.description).toBe('Cached mug');
    if (cache === 'redis') {
      expect(await cacheReads(t, 'hit')).toBeGreaterThanOrEqual(hitsBefore + 3);
      const redis = new Redis(REDIS_URL);
      try {
        const prefix = cachePrefix(t.databaseUrl);
        expect(JSON.parse((await redis.get(`${prefix}catalog:product:${a}`))!)).toMatchObject({ sku: a, description: 'Cached mug' });
        expect(await redis.exists(`${prefix}catalog:product:PC-UNKNOWN`)).toBe(0);
      } finally {
        await redis.quit();
      }
    }
  });

  it('an unknown SKU is not remembered: a product created after the miss is found by the next read', async (ctx) => {
    if (redisDown) ctx.skip();
    const site = (await t.post('/api/v1/sites', { code: 'PC', name: 'Product cache' })).body;
    expect((await t.post(`/api/v1/sites/${site.id}/locations`, { code: 'PC-A-01-01-1', type: 'PICK_FACE', x: 1, y: 1, z: 0 })).status).toBe(201);
    const receive = () => t.post('/api/v1/inventory/receipts', { siteId: site.id, sku: 'PC-LATE', locationCode: 'PC-A-01-01-1', quantity: 1 });
    const refused = await receive();
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('UNKNOWN_SKU');
    expect((await t.get('/api/v1/products/PC-LATE')).status).toBe(404);
    expect((await t.post('/api/v1/products', product('PC-LATE'))).status).toBe(201);
    expect((await receive()).status).toBe(201);
    expect((await t.get('/api/v1/products/PC-LATE')).status).toBe(200);
  });

  it('a creation rolled back with its unit of work leaves no product behind, in the cache either', async (ctx) => {
    if (redisDown) ctx.skip();
    const caches: Cache[] = [];
    try {
      const metrics = new Metrics({ defaultMetrics: false });
      const c: Cache = cache === 'memory' ? new MemoryCache()
        : new RedisCache({ url: REDIS_URL, namespace: `t${randomBytes(4).toString('hex')}`, metrics, log: { warn: () => undefined, info: () => undefined } });
      caches.push(c);
      const deps = { db: t.app.db, bus: t.app.bus, ids: uuidv7Ids, clock: systemClock, metrics, cache: c } as Partial<PlatformDeps> as PlatformDeps;
      const service = catalogService(deps);
      if (c instanceof RedisCache) expect(await c.ready()).toBe(true);
      const input = { sku: 'PC-ROLLED', description: 'Never was', gtin: null, uom: 'EA' as const, lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1, lotControlled: false, expiryControlled: false, serialControlled: false };
      await expect(t.app.db.unitOfWork(async () => {
        expect((await service.createProduct(input, {})).ok).toBe(true);
        throw new Error('the enclosing command failed');
      })).rejects.toThrow('the enclosing command failed');
      expect((await service.getBySkus(['PC-ROLLED'])).has('PC-ROLLED')).toBe(false);
      expect((await service.getProduct('PC-ROLLED')).ok).toBe(false);
      // Created for real afterwards, it is found at once.
      expect((await service.createProduct({ ...input, description: 'Now it is' }, {})).ok).toBe(true);
      expect((await service.getBySkus(['PC-ROLLED'])).get('PC-ROLLED')?.description).toBe('Now it is');
    } finally {
      for (const c of caches) await c.close();
    }
  });
});
