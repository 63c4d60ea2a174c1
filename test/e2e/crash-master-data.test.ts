/**
 * `paklog start` SIGKILLed between a product change's commit and its cache entry's removal (crash9). Products are read
 * through a cache shared in Redis (REDIS_URL) by every process of the installation, and the change drops its key only
 * after it committed: a process killed in between left the old product in Redis for its TTL (300 s), and the process
 * started in its place read it back from there — a deactivated product still active, so a receipt naming it was
 * accepted (201) where it is refused (422 PRODUCT_INACTIVE). The moment is held open here by a Redis that stops
 * answering this process (a proxy in front of it), as a kill at that instant would leave it. The same in a split
 * deployment over NATS: the stock service (catalog's owner) killed so, and an order naming the deactivated product
 * then taken by the flow service (which reads products over gRPC from the stock service, hence from its cache).
 *
 * Then kills no other crash file makes: an LPN move (a pallet with a case in it) and the inventory move of its units,
 * and an RMA's SCRAP and RETURN_TO_VENDOR dispositions, each killed in flight or once committed and retried with its
 * Idempotency-Key: each once, every event once, the LPNs reconciled with the books, the ledger conserved.
 */
import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokerReachable } from '../support/brokers.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';
import { resilientClient, startSplitCluster, type SplitCluster } from '../support/split-cluster.ts';
import { databases } from '../support/split-faults.ts';
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
let probe: pg.Client;
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  await redisOrSkip(() => { redisDown = true; });
  if (redisDown) return;
  proxy = redisProxy(new URL(REDIS_URL));
  const port = await proxy.listen();
  redis = new Redis(REDIS_URL);
  s = await crashServer({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  w = await setupWarehouse(call, { siteCode: 'CRMASTER', aisles: 1, bays: 4, levels: 1, skus: 3 });
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
}, 120_000);

afterAll(async () => {
  await probe?.end();
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

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);
/** A transaction of the server is open and its last statement touched the Idempotency-Key: the command is in flight. */
const inFlight = async (): Promise<boolean> => await n(
  `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') AND query ILIKE '%platform.idempotency_keys%'`) > 0;
/** The request's key is stored: its work committed (the answer maybe unsent). */
const committed = async (key: string): Promise<boolean> => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1 AND status_code IS NOT NULL`, [key]) > 0;
const killed = (url: string, body: unknown, when: 'in flight' | 'committed'): Promise<Answer> =>
  s.killedDuring(url, body, when === 'in flight' ? () => inFlight() : committed);

describe('paklog start killed during an LPN move and an RMA\'s dispositions, each retried with its Idempotency-Key', () => {
  it('moves the pallet and its case once, adjusts the scrapped and returned units out once', async (ctx) => {
    if (redisDown) ctx.skip();
    const sku = w.products[2]!.sku;
    const [a, b, c] = [w.storage[1]!, w.storage[2]!, w.storage[3]!];
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: a.id, quantity: 10 })).status).toBe(201);
    const pallet = await call<{ id: string }>('pallet', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: 'CRMASTER-P1', locationId: a.id, contents: [{ sku, quantity: 6 }], workerId: 'w1' });
    expect(pallet.status).toBe(201);
    const box = await call<{ id: string }>('case', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'CASE', code: 'CRMASTER-C1', parentId: pallet.body.id, contents: [{ sku, quantity: 4 }], workerId: 'w1' });
    expect(box.status).toBe(201);

    const moved = await killed(`/api/v1/lpns/${pallet.body.id}/move`, { locationId: b.id, workerId: 'w1' }, 'in flight');
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ status: 'OPEN', locationId: b.id });
    const unitsMoved = await killed('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 10, fromLocationId: a.id, toLocationId: b.id }, 'committed');
    expect(unitsMoved.status, JSON.stringify(unitsMoved.body)).toBe(201);
    const movedBack = await killed(`/api/v1/lpns/${pallet.body.id}/move`, { locationId: c.id, workerId: 'w1' }, 'committed');
    expect(movedBack.status, JSON.stringify(movedBack.body)).toBe(200);
    expect((await call<{ locationId: string; parentId: string }>('case now', 'GET', `/api/v1/lpns/${box.body.id}`)).body).toMatchObject({ locationId: c.id, parentId: pallet.body.id });
    expect((await call('units back', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 10, fromLocationId: b.id, toLocationId: c.id })).status).toBe(201);

    const rma = await call<{ id: string; lines: { lineId: string }[] }>('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CRMASTER-RMA', lines: [{ sku, quantity: 5, reason: 'damaged' }] });
    expect(rma.status).toBe(201);
    const lineId = rma.body.lines[0]!.lineId;
    expect((await call('rma receipt', 'POST', `/api/v1/rmas/${rma.body.id}/receive`, { locationId: a.id, lines: [{ lineId, quantity: 5 }] })).status).toBe(200);
    const inspect = `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`;
    const scrapped = await killed(inspect, { disposition: 'SCRAP', quantity: 2, condition: 'crushed' }, 'in flight');
    expect(scrapped.status, JSON.stringify(scrapped.body)).toBe(200);
    const returned = await killed(inspect, { disposition: 'RETURN_TO_VENDOR', quantity: 3 }, 'committed');
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    expect(returned.body.status).toBe('INSPECTED');
    expect((await call('rma close', 'POST', `/api/v1/rmas/${rma.body.id}/close`)).status).toBe(200);

    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    // The LPNs' scans, and one MOVE scan of each inventory move (recorded from its event, no LPN).
    const scans = await probe.query<{ meaning: string; n: string }>(
      `SELECT envelope->'data'->>'meaning' || CASE WHEN envelope->'data' ? 'lpnId' THEN '' ELSE ' (stock)' END AS meaning, count(*)::text AS n
         FROM platform.events WHERE type = 'physical-tracking.scan.recorded.v1' GROUP BY 1 ORDER BY 1`);
    expect(Object.fromEntries(scans.rows.map((r) => [r.meaning, Number(r.n)]))).toEqual({ BUILD: 2, MOVE: 2, 'MOVE (stock)': 2 });
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.rma.inspected.v1' AND subject = $1`, [rma.body.id])).toBe(2);
    const movements = await probe.query<{ type: string; reason: string | null; rows: string; delta: string }>(
      `SELECT type, reason, count(*)::text AS rows, sum(delta_on_hand)::text AS delta FROM inventory.movements WHERE sku = $1 GROUP BY 1, 2 ORDER BY 1, 2`, [sku]);
    // Two receipts (the stock, the RMA), the two moves (two rows each), the scrap and the return to vendor: once each.
    expect(movements.rows.map((r) => `${r.type} ${r.type === 'MOVE' ? r.reason!.split(' ')[0] : r.reason ?? '-'} ${r.rows} ${r.delta}`)).toEqual([
      'ADJUST RTV 1 -3', 'ADJUST SCRAP 1 -2', 'MOVE from 1 10', 'MOVE from 1 10', 'MOVE to 1 -10', 'MOVE to 1 -10', 'RECEIPT RMA 1 5', 'RECEIPT - 1 10',
    ]);
    const at = async (l: string): Promise<number> => n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2`, [l, sku]);
    expect([await at(a.id), await at(b.id), await at(c.id)]).toEqual([0, 0, 10]);
    const reconciled = (await call<{ differences: unknown[] }>('reconcile', 'GET', `/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
    expect(reconciled.differences).toEqual([]);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    await assertStockConserved(s.db.url, { when: 'after the kills during an LPN move and RMA dispositions' });
  }, 180_000);
});

describe('a split deployment whose stock service is killed between a product\'s deactivation and its cache entry\'s removal', () => {
  let cluster: SplitCluster | undefined;
  const drops: (() => Promise<void>)[] = [];
  let splitProxy: ReturnType<typeof redisProxy> | undefined;
  let up = true;

  beforeAll(async () => {
    up = !redisDown && await brokerReachable('nats');
    if (!up) {
      if (process.env.CI === 'true') throw new Error('NATS and Redis are needed under CI=true');
      return;
    }
    splitProxy = redisProxy(new URL(REDIS_URL));
    const port = await splitProxy.listen();
    cluster = await startSplitCluster({ bus: 'nats', databases: await databases(drops), extraEnv: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await splitProxy?.close();
    await Promise.all(drops.map((d) => d()));
  }, 60_000);

  it('an order naming the product, taken by another service after the restart, is refused PRODUCT_INACTIVE', async (ctx) => {
    if (!up) return ctx.skip();
    const gateway = resilientClient(cluster!.gatewayUrl, cluster!.adminKey);
    const sw = await setupWarehouse(gateway, { siteCode: 'CRMASTERSPLIT', aisles: 1, bays: 2, levels: 1, skus: 1 });
    const sku = sw.products[0]!.sku;
    const order = (externalId: string) => gateway<{ code?: string }>('order', 'POST', '/api/v1/orders', {
      externalId, siteId: sw.siteId, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku, quantity: 1 }],
    });
    // The flow service's order reads the product from the stock service, which caches it in Redis.
    expect((await order('crmaster-split-1')).status).toBe(201);
    const stock = cluster!.services.find((x) => x.name === 'stock')!;
    const key = `${cachePrefix(stock.env.DATABASE_URL!, cluster!.broker.namespace)}catalog:product:${sku}`;
    expect(await redis.exists(key)).toBe(1);

    splitProxy!.hold();
    expect((await gateway('deactivate', 'POST', `/api/v1/products/${sku}/deactivate`, {})).status).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(await redis.exists(key)).toBe(1);
    await cluster!.crashAndRestart('stock');
    splitProxy!.pass();
    await until('Redis answers the services', async () => splitProxy!.answered(), (x) => x > 0);
    await new Promise((r) => setTimeout(r, 1_000));

    const refused = await order('crmaster-split-2');
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body.code).toBe('PRODUCT_INACTIVE');
  }, 180_000);
});
