/**
 * `paklog start` killed (SIGKILL) in the middle of inbound and inventory-control commands: an ASN receipt, a putaway
 * confirm, a count submission and an RMA restock. After each restart the client sends the same request again with the
 * same Idempotency-Key until it gets a definitive answer: each command took effect once (one RECEIPT, one putaway
 * move, one COUNT movement, one restock), its event was published once, no key is left claimed, and the ledger is
 * conserved (balances are the movements' sums).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
let kills = 0;

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);

/**
 * The shared kill-and-retry (crash-server.ts): killed `delayMs` after sending (before its transaction commits, as seen
 * here), or `'committed'`: as soon as its key is seen committed (its work done, the answer maybe not yet sent).
 */
async function killedDuring(url: string, body: unknown, when: number | 'committed'): Promise<Answer> {
  const committed = async (key: string): Promise<boolean> => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1`, [key]) > 0;
  const res = await s.killedDuring(url, body, when === 'committed' ? committed : when);
  kills++;
  return res;
}

beforeAll(async () => {
  s = await crashServer();
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  call = s.call;
  w = await setupWarehouse(call, { siteCode: 'CRIN', aisles: 1, bays: 4, levels: 1, skus: 1 });
  dock = (await call<{ items: { id: string; code: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
  const settings = await fetch(`${s.base}/api/v1/inventory/count-settings`, {
    method: 'PUT', headers: { 'x-api-key': s.adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ siteId: w.siteId, toleranceUnits: 10, tolerancePercent: null }),
  });
  expect(settings.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

describe('paklog start killed during inbound and inventory-control commands, retried with the same Idempotency-Key', () => {
  it('receives, puts away, counts and restocks once each; every event once; the ledger conserved', async () => {
    const sku = w.products[0]!.sku;
    // Two kills during receipts (a duplicate receipt is the costliest fault): one before its commit, one just after;
    // one during each of the others (the putaway's before its commit, the count's and the restock's just after).
    const delays = [10, 'committed'] as const;

    // ASN receipts: each receipt once (one RECEIPT movement, one putaway, one received event).
    const asn = await call<{ id: string }>('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Crash Ltd', lines: [{ sku, quantity: 20 }] });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    const putaways: string[] = [];
    for (const delay of delays) {
      const res = await killedDuring(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 5, locationId: dock.id }, delay);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      putaways.push(res.body.putaway.id as string);
    }
    expect(new Set(putaways).size).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'RECEIPT'`)).toBe(2);
    const asnAfter = await call<{ lines: { received: number }[] }>('asn', 'GET', `/api/v1/inventory/asns/${asn.body.id}`);
    expect(asnAfter.body.lines.map((l) => l.received)).toEqual([10]);

    // Putaways (the first killed): each confirmed once, to a pick face.
    for (const i of [0, 1]) {
      const confirm = { locationId: w.storage[i]!.id };
      const url = `/api/v1/inventory/putaways/${putaways[i]!}/confirm`;
      const res = i === 0 ? await killedDuring(url, confirm, 15) : await call('confirm', 'POST', url, confirm);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'COMPLETED', putAway: 5, open: 0 });
    }

    // Count submissions (the second killed): each count closes once, its variance (+2) applied once.
    const countIds: string[] = [];
    for (const i of [0, 1]) {
      const opened = await call<{ items: { id: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [w.storage[i]!.id], sku });
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      const countId = opened.body.items[0]!.id;
      countIds.push(countId);
      const task = await until('count task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: 'counter', siteId: w.siteId, types: ['COUNT'] })).body as { id?: string } | undefined,
        (x) => typeof x === 'object' && x?.id !== undefined);
      expect((await call('start', 'POST', `/api/v1/tasks/${task!.id}/start`, { workerId: 'counter' })).status).toBe(200);
      const submit = { attempt: 1, quantity: 7, workerId: 'counter' };
      const url = `/api/v1/inventory/counts/${countId}/submit`;
      const res = i === 1 ? await killedDuring(url, submit, 'committed') : await call('submit', 'POST', url, submit);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body).toMatchObject({ status: 'COMPLETED' });
    }
    for (const countId of countIds) {
      expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'COUNT' AND reference = $1`, [countId])).toBe(1);
    }

    // RMA restocks (the first killed): each inspected line restocked once.
    for (const i of [0, 1]) {
      const rma = await call<{ id: string; lines: { lineId: string }[] }>('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: `CRASH-${i}`, lines: [{ sku, quantity: 3, reason: 'crash' }] });
      expect(rma.status, JSON.stringify(rma.body)).toBe(201);
      const lineId = rma.body.lines[0]!.lineId;
      expect((await call('receive', 'POST', `/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] })).status).toBe(200);
      const inspect = { disposition: 'RESTOCK', quantity: 3, condition: 'as new', locationId: w.storage[2 + i]!.id };
      const url = `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`;
      const res = i === 0 ? await killedDuring(url, inspect, 'committed') : await call('inspect', 'POST', url, inspect);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect((await call<{ status: string }>('close', 'POST', `/api/v1/rmas/${rma.body.id}/close`)).status).toBe(200);
    }
    expect(kills).toBe(5);
    console.log(`crash-inbound-control: ${kills} kills`);

    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0);
    // Each command's effect once, its event once.
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.received.v1'`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.putaway-confirmed.v1'`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.count.closed.v1'`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.rma.inspected.v1'`)).toBe(2);
    const doubled = await probe.query(
      `SELECT type, subject, count(*) AS n FROM platform.events
        WHERE type IN ('inventory.stock.putaway-confirmed.v1', 'inventory.count.submitted.v1', 'inventory.count.closed.v1', 'inventory.rma.inspected.v1',
                       'inventory.rma.received.v1', 'inventory.stock.putaway-requested.v1')
        GROUP BY type, subject HAVING count(*) > 1`);
    expect(doubled.rows).toEqual([]);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    // Nothing is left stuck on the floor: the putaways' and counts' tasks are done (once each), nothing dead-lettered.
    const tasks = (await call<{ items: { type: string; reference: string; status: string }[] }>('tasks', 'GET', `/api/v1/tasks?siteId=${w.siteId}&limit=100`)).body.items;
    // (A PUTAWAY task nobody claimed is withdrawn when its putaway is confirmed by a scan: CANCELLED.)
    expect(tasks.filter((x) => x.type === 'PUTAWAY' || x.type === 'COUNT').map((x) => [x.type, x.status]).sort()).toEqual([
      ['COUNT', 'COMPLETED'], ['COUNT', 'COMPLETED'], ['PUTAWAY', 'CANCELLED'], ['PUTAWAY', 'CANCELLED'],
    ]);
    const completedTwice = await probe.query(`SELECT subject FROM platform.events WHERE type = 'tasks.task.completed.v1' GROUP BY subject HAVING count(*) > 1`);
    expect(completedTwice.rows).toEqual([]);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    // Received 10 at the dock + 6 by RMA, counted up 2 twice: 20 on hand, nothing left at the dock.
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances`)).toBe(20);
    expect(await n(`SELECT coalesce(sum(delta_on_hand), 0) AS n FROM inventory.movements`)).toBe(20);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [dock.id])).toBe(0);
    await assertStockConserved(s.db.url, { when: 'after the kills during inbound and inventory-control commands' });
  }, 120_000);
});
