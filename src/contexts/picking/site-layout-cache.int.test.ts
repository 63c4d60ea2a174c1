/**
 * Site layouts for routing are cached (memory, or Redis shared by the installation's processes): picking's, fitted
 * from its projection of locations, and waves', fitted from the location master's locations for cart batching. Each
 * consumer drops its own entry once the handler of a location-master event for the site commits; a transaction that
 * changed the projection never puts what it has not committed into the cache.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cachePrefix, REDIS_URL, redisOrSkip } from '../../../test/support/redis.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { Location } from '../../contracts/location-master.ts';
import { MemoryCache, RedisCache, type Cache } from '../../platform/cache/cache.ts';
import { systemClock } from '../../platform/clock.ts';
import type { Tx } from '../../platform/db/database.ts';
import { uuidv7Ids } from '../../platform/ids.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { Metrics } from '../../platform/telemetry/metrics.ts';
import { ROUTING_LOCATION_TYPES } from './domain/route-sequence.ts';
import { pickingService } from './service.ts';
import { siteLayoutKey, siteLayouts } from './site-layouts.ts';
import { pickStore } from './store.ts';

const quiet = { warn: () => undefined, info: () => undefined };

/** A rack of two aisles of three bays and a depot in front, as the layout generator places them. */
function rack(siteId: string): Location[] {
  const at = (code: string, type: Location['type'], aisle: number | null, x: number, y: number): Location => ({
    id: `loc_${siteId}_${code}`, siteId, code, type, zone: type === 'DEPOT' ? null : 'A', aisle, bay: null, level: null, x, y, z: 0,
    pickSequence: null, status: 'ACTIVE',
  });
  const storage = [1, 2].flatMap((aisle) => [1, 2, 3].map((bay) => at(`A-0${aisle}-0${bay}-1`, 'PICK_FACE', aisle, aisle * 4, 2 + bay * 1.2)));
  return [at('DEPOT-1', 'DEPOT', null, 0, 0), ...storage];
}

describe.each(['memory', 'redis'] as const)('picking site layouts, %s cache', (kind) => {
  let t: TestApp;
  let cache: Cache;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await cache?.close();
    await t?.close();
  });

  it('fits once, serves the fit from the cache, and refits once a change of the site commits; a rolled-back change leaves no trace', async (ctx) => {
    if (kind === 'redis') await redisOrSkip(() => ctx.skip());
    const namespace = `t${randomBytes(4).toString('hex')}`;
    cache = kind === 'memory' ? new MemoryCache() : new RedisCache({ url: REDIS_URL, namespace, metrics: new Metrics({ defaultMetrics: false }), log: quiet });
    if (cache instanceof RedisCache) expect(await cache.ready()).toBe(true);
    const layouts = siteLayouts(cache);
    const deps = { db: t.app.db, bus: t.app.bus, ids: uuidv7Ids, clock: systemClock, metrics: new Metrics({ defaultMetrics: false }), log: t.app.http.log, cache } as Partial<PlatformDeps> as PlatformDeps;
    const picking = pickingService(deps, { layouts });
    const siteId = `sit_${kind}_${namespace}`;
    let loads = 0;
    const read = (tx: Tx) => layouts.get(tx, siteId, () => { loads++; return pickStore.siteLocations(tx, siteId, ROUTING_LOCATION_TYPES); });
    const codes = async (tx?: Tx): Promise<string[]> => {
      const fit = tx === undefined ? await t.app.db.tx(read) : await read(tx);
      if (!fit.ok) throw new Error(fit.reason);
      return [...fit.site.picks.keys()].sort();
    };
    // The subscription's handler: the projection learns the locations, the layout goes after commit.
    const learn = async (tx: Tx, locations: Location[]) => {
      await picking.learnLocations(tx, locations);
      picking.layoutChanged(tx, siteId);
    };

    const [depot, ...storage] = rack(siteId);
    await t.app.db.tx((tx) => learn(tx, [depot!, ...storage.slice(0, 5)]));
    expect(await codes()).toHaveLength(5);
    expect(await codes()).toHaveLength(5);
    expect(loads).toBe(1);
    if (cache instanceof RedisCache) {
      const redis = new Redis(REDIS_URL);
      expect(await redis.exists(`${namespace}:cache:${siteLayoutKey(siteId)}`)).toBe(1);
      await redis.quit();
    }

    // A location created: its own transaction sees it (uncached), others the committed fit until it commits.
    const sixth = storage[5]!;
    await t.app.db.tx(async (tx) => {
      await learn(tx, [sixth]);
      expect(await codes(tx)).toContain(sixth.code);
      // Another handler, on a connection of its own, meanwhile.
      expect(await t.app.db.handOff(() => codes())).not.toContain(sixth.code);
    });
    expect(await codes()).toContain(sixth.code);
    const loadsAfterCommit = loads;
    expect(await codes()).toHaveLength(6);
    expect(loads).toBe(loadsAfterCommit);

    // A change rolled back: nothing of it is cached, the committed fit stays.
    const ghost = { ...sixth, id: `${sixth.id}_ghost`, code: 'A-02-04-1', y: sixth.y + 1.2 };
    await expect(t.app.db.tx(async (tx) => {
      await learn(tx, [ghost]);
      expect(await codes(tx)).toContain(ghost.code);
      throw new Error('the handler failed');
    })).rejects.toThrow('the handler failed');
    expect(await codes()).not.toContain(ghost.code);
    expect(await codes()).toHaveLength(6);
  });
});

describe('site layouts are dropped by the location-master events (Redis)', () => {
  it('a location created or blocked drops picking\'s and waves\' cached layout of its site once handled', async (ctx) => {
    await redisOrSkip(() => ctx.skip());
    const t = await startTestApp({ env: { REDIS_URL } });
    const redis = new Redis(REDIS_URL);
    try {
      const prefix = cachePrefix(t.databaseUrl);
      const site = (await t.post('/api/v1/sites', { code: 'SL', name: 'Layout cache' })).body;
      const keys = [`${prefix}picking:site-layout:${site.id}`, `${prefix}waves:site-layout:${site.id}`];
      const plant = async () => {
        for (const k of keys) await redis.set(k, JSON.stringify({ ok: false, reason: 'a stale copy' }), 'EX', 300);
      };
      await plant();
      const loc = (await t.post(`/api/v1/sites/${site.id}/locations`, { code: 'SL-A-01-01-1', type: 'PICK_FACE', x: 1, y: 1, z: 0 })).body;
      await t.settle();
      expect(await redis.exists(...keys)).toBe(0);
      await plant();
      expect((await t.post(`/api/v1/locations/${loc.id}/block`, { reason: 'spill' })).status).toBe(200);
      await t.settle();
      expect(await redis.exists(...keys)).toBe(0);
    } finally {
      await redis.quit();
      await t.close();
    }
  });
});
