/**
 * `paklog start` SIGKILLed between a product change's commit and its cache entry's removal (crash9). Products are read
 * through a cache shared in Redis (REDIS_URL) by every process of the installation, and the change drops its key only
 * after it committed: a process killed in between left the old product in Redis for its TTL (300 s), and the process
 * started in its place read it back from there — a deactivated product still active, so a receipt naming it was
 * accepted (201) where it is refused (422 PRODUCT_INACTIVE). The moment is held open here by a Redis that stops
 * answering this process (a proxy in front of it), as a kill at that instant would leave it.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashServer, type CrashServer } from '../support/crash-server.ts';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { cachePrefix, REDIS_URL, redisOrSkip } from '../support/redis.ts';

/** A TCP proxy in front of Redis that forwards everything, or (`hold`) swallows what the client sends: a Redis gone silent. */
function redisProxy(upstream: URL) {
  const sockets = new Set<net.Socket>();
  let hold = false;
  let answered = 0;
  const server = net.createServer((client) => {
    const up = net.connect({ host: upstream.hostname, port: Number(upstream.port || 6379) });
    sockets.add(client).add(up);
    client.on('data', (d) => { if (!hold) up.write(d); });
    up.on('data', (d) => {
      if (hold) return;
      answered++;
      client.write(d);
    });
    const end = () => { client.destroy(); up.destroy(); sockets.delete(client); sockets.delete(up); };
    client.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  return {
    async listen(): Promise<number> {
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return (server.address() as net.AddressInfo).port;
    },
    /** Swallows every command from now on (the connections stay open); `pass` cuts them and forwards again. */
    hold() { hold = true; },
    pass() {
      for (const s of sockets) s.destroy();
      hold = false;
      answered = 0;
    },
    /** Answers Redis sent through since the last `pass`. */
    answered: () => answered,
    async close(): Promise<void> {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

let s: CrashServer;
let w: Warehouse;
let redis: Redis;
let proxy: ReturnType<typeof redisProxy>;
let redisDown = false;
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  await redisOrSkip(() => { redisDown = true; });
  if (redisDown) return;
  proxy = redisProxy(new URL(REDIS_URL));
  const port = await proxy.listen();
  redis = new Redis(REDIS_URL);
  s = await crashServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  w = await setupWarehouse(call, { siteCode: 'CRMASTER', aisles: 1, bays: 2, levels: 1, skus: 2 });
}, 120_000);

afterAll(async () => {
  await s?.close();
  await proxy?.close();
  await redis?.quit();
});

const product = (sku: string) => call<{ sku: string; description: string; active: boolean }>('product', 'GET', `/api/v1/products/${sku}`);
const receive = (sku: string) => call<{ code?: string }>('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 1 });

describe('paklog start killed between a product change\'s commit and its cache entry\'s removal', () => {
  it('the process started in its place reads the committed product, not the copy Redis kept', async (ctx) => {
    if (redisDown) ctx.skip();
    const [deactivated, edited] = w.products.map((p) => p.sku) as [string, string];
    const key = (sku: string) => `${cachePrefix(s.db.url)}catalog:product:${sku}`;
    // Both read once, so that Redis holds them (as every receipt, order and pack reads them).
    for (const sku of [deactivated, edited]) expect((await product(sku)).body.active).toBe(true);
    expect(await redis.exists(key(deactivated), key(edited))).toBe(2);

    proxy.hold();
    expect((await call('deactivate', 'POST', `/api/v1/products/${deactivated}/deactivate`, {})).status).toBe(200);
    const patched = await fetch(`${s.base}/api/v1/products/${edited}`, {
      method: 'PATCH', headers: { 'x-api-key': s.adminKey, 'content-type': 'application/json' }, body: JSON.stringify({ description: 'Changed before the kill' }),
    });
    expect(patched.status).toBe(200);
    // The changes committed; their keys could not be dropped (the commands go unanswered) when the process dies.
    await new Promise((r) => setTimeout(r, 500));
    expect(await redis.exists(key(deactivated), key(edited))).toBe(2);
    await s.crash();
    proxy.pass();
    // The new process reads from the database until its Redis connection is up: wait for Redis to answer it.
    await until('Redis answers the new process', async () => proxy.answered(), (n) => n > 0);
    await new Promise((r) => setTimeout(r, 200));

    expect((await product(deactivated)).body.active).toBe(false);
    expect((await product(edited)).body.description).toBe('Changed before the kill');
    const refused = await receive(deactivated);
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.code).toBe('PRODUCT_INACTIVE');
    // The other product is received as before, and read again from the cache afterwards.
    expect((await receive(edited)).status).toBe(201);
    expect(await redis.exists(key(edited))).toBe(1);
  });
});
