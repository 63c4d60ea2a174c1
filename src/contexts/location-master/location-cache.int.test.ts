/**
 * Locations looked up by code (receipts, moves and scans name them so) are cached — in memory, or in Redis shared by
 * the installation's processes when REDIS_URL is set — and a status change is seen by the next lookup at once.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/support/test-app.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = (): Promise<boolean> => new Promise((resolve) => {
  const url = new URL(REDIS_URL);
  const s = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
  s.setTimeout(1000);
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('timeout', () => { s.destroy(); resolve(false); });
  s.once('error', () => resolve(false));
});

describe.each([
  { cache: 'memory', env: {} },
  { cache: 'redis', env: { REDIS_URL } },
])('location by code, $cache cache', ({ cache, env }) => {
  it('a block is seen by the next receipt at once, and an unblock too', async (ctx) => {
    if (cache === 'redis' && !(await redisUp())) {
      if (process.env.CI === 'true') throw new Error(`Redis is not reachable at ${REDIS_URL}; CI needs it`);
      ctx.skip();
    }
    const t = await startTestApp({ env });
    try {
      const site = (await t.post('/api/v1/sites', { code: 'LC', name: 'Cache site' })).body;
      const loc = (await t.post(`/api/v1/sites/${site.id}/locations`, { code: 'LC-A-01-01-1', type: 'PICK_FACE', x: 1, y: 1, z: 0 })).body;
      expect((await t.post('/api/v1/products', { sku: 'LC-1', description: 'x', lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10 })).status).toBe(201);
      const receive = () => t.post('/api/v1/inventory/receipts', { siteId: site.id, sku: 'LC-1', locationCode: 'LC-A-01-01-1', quantity: 1 });
      expect((await receive()).status).toBe(201);
      expect((await receive()).status).toBe(201);
      if (cache === 'redis') {
        const redis = new Redis(REDIS_URL);
        const keys = await redis.keys(`*location-master:location-by-code:${site.id}:LC-A-01-01-1`);
        await redis.quit();
        expect(keys).toHaveLength(1);
      }
      expect((await t.post(`/api/v1/locations/${loc.id}/block`, { reason: 'spill' })).status).toBe(200);
      const refused = await receive();
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('LOCATION_NOT_ACTIVE');
      expect((await t.post(`/api/v1/locations/${loc.id}/unblock`)).status).toBe(200);
      expect((await receive()).status).toBe(201);
    } finally {
      await t.close();
    }
  });
});
