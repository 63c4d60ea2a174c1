/**
 * `paklog start` killed (SIGKILL) in flows the other crash files do not kill: an inspection's results recorded and its
 * non-conformance closed (killed between the state change and the answer, retried with the same Idempotency-Key, and
 * without one), a day's roster replaced (PUT, with and without a key), a storefront's order webhook killed between the
 * order's creation and the record of its webhook id (the shop delivers it again), and a blind receipt killed after its
 * commit. After each restart: each command took effect once, its events were published once, no key is left claimed,
 * and the ledger is conserved.
 */
import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let kills = 0;

const SHOP = 'crash-intake.myshopify.com';
const SECRET = 'crash-intake-secret';

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Kills the server as soon as `seen` says the command's work committed (or it answered first); then retries (crash-server.ts). */
async function killedAfterCommit(url: string, body: unknown, seen: () => Promise<boolean>, o: { keyless?: boolean } = {}): Promise<Answer> {
  // Without a key the retry is another request (its own traceId): killedAround, which compares no replay.
  if (o.keyless === true) return killedAround(() => s.attempt(url, body, undefined), seen);
  const res = await s.killedDuring(url, body, async () => seen());
  kills++;
  return res;
}

/** One request of any method as the admin; undefined when the server was lost or the answer transient (5xx). */
async function request(method: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<(Answer & { etag: string | null }) | undefined> {
  try {
    const res = await fetch(`${s.base}${url}`, {
      method, headers: { 'x-api-key': s.adminKey, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    const parsed: any = text === '' ? undefined : JSON.parse(text);
    if (res.status >= 500 || (res.status === 409 && parsed?.code === 'IDEMPOTENCY_IN_PROGRESS')) return undefined;
    return { status: res.status, body: parsed, etag: res.headers.get('etag') };
  } catch {
    return undefined;
  }
}

/** Sends `send()` and kills the server once `seen()`; restarts; sends again until a definitive answer. */
async function killedAround<T>(send: () => Promise<T | undefined>, seen: () => Promise<boolean>): Promise<T> {
  let answered = false;
  const first = send().finally(() => { answered = true; });
  const deadline = Date.now() + 20_000;
  while (!answered && !(await seen())) {
    if (Date.now() > deadline) throw new Error('its moment never came');
    await sleep(1);
  }
  await s.crash();
  kills++;
  await first;
  for (let i = 0; ; i++) {
    const res = await send();
    if (res !== undefined) return res;
    if (i > 200) throw new Error('no definitive answer after the restart');
    await sleep(50);
  }
}

function storefrontOrder(id: number, sku: string, webhookId: string): () => Promise<Answer | undefined> {
  const raw = JSON.stringify({
    id, name: `#${id}`, email: 'grace@example.com',
    line_items: [{ sku, quantity: 2, requires_shipping: true }],
    shipping_address: { name: 'Grace Hopper', address1: '1 Main Street', city: 'Arlington', zip: '22201', country_code: 'US' },
  });
  return async () => {
    try {
      const res = await fetch(`${s.base}/api/v1/integrations/storefront/orders`, {
        method: 'POST', body: raw, signal: AbortSignal.timeout(20_000),
        headers: {
          'content-type': 'application/json', 'x-shopify-shop-domain': SHOP, 'x-shopify-topic': 'orders/create', 'x-shopify-webhook-id': webhookId,
          'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
        },
      });
      const body: any = await res.json();
      return res.status >= 500 ? undefined : { status: res.status, body };
    } catch {
      return undefined;
    }
  };
}

beforeAll(async () => {
  s = await crashServer();
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  call = s.call;
  w = await setupWarehouse(call, { siteCode: 'CQRI', aisles: 1, bays: 6, levels: 1, skus: 3 });
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

describe('paklog start killed during quality, roster, storefront intake and blind receipt commands', () => {
  it('records an inspection\'s results and closes its non-conformance once each, with a key and without', async () => {
    const sku = w.products[0]!.sku;
    const plan = await call('plan', 'POST', '/api/v1/inspection-plans', {
      siteId: w.siteId, name: 'Crash inbound', stage: 'RECEIVING', sku, sampling: { kind: 'EVERY_NTH', n: 1 },
      checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }],
    });
    expect(plan.status, JSON.stringify(plan.body)).toBe(201);
    for (const [i, keyless] of [[0, false], [1, true]] as const) {
      const shelf = w.storage[i]!.id;
      expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity: 10 })).status).toBe(201);
      const open = await until('inspection', async () => (await call<{ items: { id: string }[] }>('open', 'GET', `/api/v1/inspections?siteId=${w.siteId}&status=OPEN`)).body.items,
        (x) => x.length === 1);
      const inspectionId = open[0]!.id;
      const recorded = async (): Promise<boolean> => await n(`SELECT count(*) AS n FROM quality.inspections WHERE id = $1 AND status <> 'OPEN'`, [inspectionId]) > 0;
      const results = { inspector: 'ines', items: [{ code: 'LABEL', passed: false }] };
      const res = await killedAfterCommit(`/api/v1/inspections/${inspectionId}/results`, results, recorded, { keyless });
      if (keyless) {
        // No key: the retry of a command whose first run committed is refused (409), and says why; nothing changes.
        expect([res.status, res.body?.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(res.body).toMatchObject({ status: 'FAILED', holdStatus: 'HELD' });
      }
      await until('held in stock', () => n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND status = 'HOLD'`, [shelf]), (x) => x === 10);
      expect(await n(`SELECT count(*) AS n FROM quality.non_conformances WHERE inspection_id = $1`, [inspectionId])).toBe(1);
      const nc = await call<{ items: { id: string; inspectionId: string; status: string }[] }>('ncs', 'GET', `/api/v1/non-conformances?siteId=${w.siteId}&limit=100`);
      const ncId = nc.body.items.find((x) => x.inspectionId === inspectionId)!.id;
      const closed = async (): Promise<boolean> => await n(`SELECT count(*) AS n FROM quality.non_conformances WHERE id = $1 AND status = 'CLOSED'`, [ncId]) > 0;
      const close = await killedAfterCommit(`/api/v1/non-conformances/${ncId}/close`, { resolution: 'supplier re-labelled' }, closed, { keyless });
      if (keyless) expect([close.status, close.body?.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
      else expect(close.body).toMatchObject({ status: 'CLOSED', resolution: 'supplier re-labelled' });
      await until('events out', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
      for (const type of ['quality.inspection.completed.v1', 'quality.hold.placed.v1']) {
        expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = $1 AND subject = $2`, [type, inspectionId]), type).toBe(1);
      }
      for (const type of ['quality.nonconformance.opened.v1', 'quality.nonconformance.closed.v1']) {
        expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = $1 AND subject = $2`, [type, ncId]), type).toBe(1);
      }
      // One hold: its pair of HOLD movements (AVAILABLE out, HOLD in), one hold row.
      expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'HOLD' AND location_id = $1`, [shelf])).toBe(2);
      expect(await n(`SELECT count(*) AS n FROM inventory.quality_holds WHERE inspection_id = $1`, [inspectionId])).toBe(1);
    }
  }, 120_000);

  it('replaces a day\'s roster once per request: a PUT killed after its commit, retried with its key, with If-Match, and without', async () => {
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const url = '/api/v1/workload/roster';
    const shifts = [{ workerId: 'alice', zone: 'PACK', from: '06:00', to: '14:00' }, { workerId: 'bob', zone: 'PACK', from: '10:00', to: '18:00' }];
    const version = (): Promise<number> => n(`SELECT coalesce(max(version), 0) AS n FROM workload.roster_versions WHERE site_id = $1 AND day = $2::date`, [w.siteId, day]);
    // With a key and If-Match "0" (the day never set): the retry replays the first answer and its ETag, not 412.
    const key = randomUUID();
    const put = (): Promise<(Answer & { etag: string | null }) | undefined> => request('PUT', url, { siteId: w.siteId, day, shifts }, { 'idempotency-key': key, 'if-match': '"0"' });
    const first = await killedAround(put, async () => await version() > 0);
    expect([first.status, first.etag], JSON.stringify(first.body)).toEqual([200, '"1"']);
    expect(first.body.shifts).toHaveLength(2);
    const again = await put();
    expect([again?.status, again?.etag]).toEqual([200, '"1"']);
    expect(await version()).toBe(1);
    // Without a key and with If-Match "1": after the commit the retry is 412 (the version moved), the roster as sent.
    const fewer = shifts.slice(0, 1);
    const keyless = await killedAround(() => request('PUT', url, { siteId: w.siteId, day, shifts: fewer }, { 'if-match': '"1"' }), async () => await version() > 1);
    expect([200, 412]).toContain(keyless.status);
    expect(await version()).toBe(2);
    // Without a key nor If-Match (last writer wins): the retry replaces it with the same shifts.
    const last = await killedAround(() => request('PUT', url, { siteId: w.siteId, day, shifts }), async () => await version() > 2);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    const now = await call<{ shifts: unknown[] }>('roster', 'GET', `${url}?siteId=${w.siteId}&date=${day}`);
    expect(now.body.shifts).toEqual(shifts);
    expect(await n(`SELECT count(*) AS n FROM workload.roster_shifts WHERE site_id = $1 AND day = $2::date`, [w.siteId, day])).toBe(2);
  }, 120_000);

  it('a storefront order killed between its creation and the record of its webhook id, delivered again: one order', async () => {
    const sku = w.products[1]!.sku;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[2]!.id, quantity: 20 })).status).toBe(201);
    expect((await call('channel', 'POST', '/api/v1/integrations/storefront-channels', { shopDomain: SHOP, siteId: w.siteId, secret: SECRET })).status).toBe(201);
    const orderOf = (id: number): Promise<number> => n(`SELECT count(*) AS n FROM orders.orders WHERE external_id LIKE $1`, [`%-${id}`]);
    // Killed as soon as the order is committed (its webhook id maybe not yet recorded).
    const webhookA = randomUUID();
    const a = await killedAround(storefrontOrder(7001, sku, webhookA), async () => await orderOf(7001) > 0);
    expect([200, 201]).toContain(a.status);
    // Killed for certain in that window: the record of webhook ids held (locked) until the server was killed, so the
    // order commits and the record waits.
    const deliverB = storefrontOrder(7002, sku, randomUUID());
    const lock = new pg.Client({ connectionString: s.db.url });
    await lock.connect();
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE integrations.inbound_webhooks IN EXCLUSIVE MODE');
      const recording = async (): Promise<boolean> => await orderOf(7002) > 0 && await n(
        `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%inbound_webhooks%'`) > 0;
      const first = deliverB();
      await until('the order made, its webhook id waiting', recording, (x) => x);
      await s.crash();
      kills++;
      // The killed process's statement still waits on the lock in its backend: ended too, as if the kill had come just
      // before it was sent; then the record of webhook ids is let go.
      await lock.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%inbound_webhooks%'`);
      await lock.query('ROLLBACK');
      expect(await first).toBeUndefined();
      expect(await n(`SELECT count(*) AS n FROM integrations.inbound_webhooks iw JOIN orders.orders o ON o.id = iw.order_id WHERE o.external_id LIKE '%-7002'`)).toBe(0);
      let b: Answer | undefined;
      for (let i = 0; b === undefined && i < 200; i++) {
        b = await deliverB();
        if (b === undefined) await sleep(50);
      }
      expect([b?.status, b?.body.duplicate]).toEqual([200, true]);
      expect(await n(`SELECT count(*) AS n FROM integrations.inbound_webhooks iw JOIN orders.orders o ON o.id = iw.order_id WHERE o.external_id LIKE '%-7002'`)).toBe(1);
    } finally {
      await lock.end();
    }
    for (const id of [7001, 7002]) expect(await orderOf(id)).toBe(1);
    await until('events out', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.received.v1' AND subject IN (SELECT id FROM orders.orders WHERE external_id LIKE '%-700_')`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM inventory.allocations a JOIN orders.orders o ON o.id = a.order_id WHERE o.external_id LIKE '%-700_'`)).toBeLessThanOrEqual(2);
    // A delivery again after all: the same order.
    const a2 = await storefrontOrder(7001, sku, webhookA)();
    expect([a2?.status, a2?.body.duplicate]).toEqual([200, true]);
  }, 120_000);

  it('a blind receipt killed after its commit, retried with its key: one receipt of stock', async () => {
    const sku = w.products[2]!.sku;
    const shelf = w.storage[4]!.id;
    const received = async (): Promise<boolean> => await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'RECEIPT' AND location_id = $1`, [shelf]) > 0;
    const res = await killedAfterCommit('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf, quantity: 7 }, received);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'RECEIPT' AND location_id = $1`, [shelf])).toBe(1);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [shelf])).toBe(7);
  }, 120_000);

  it('after every kill: every event once, no key left claimed, nothing dead-lettered, the ledger conserved', async () => {
    console.log(`crash-quality-roster-intake: ${kills} kills`);
    expect(kills).toBeGreaterThanOrEqual(9);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    await assertStockConserved(s.db.url, { when: 'after the kills during quality, roster, intake and receipts' });
  }, 120_000);
});
