/**
 * `paklog start` killed (SIGKILL) during flows the other crash tests do not kill: a CSV order import killed part-way
 * through its file and sent again with the same Idempotency-Key, a CSV stock import likewise, and a wave release
 * killed between its transactions (ADR 0006: waves RELEASED → inventory reserves → picking lists, tasks). After each
 * restart: every order once, every reservation, pick list and task once, every event once, no key left unanswered,
 * the next step possible (the released wave's tasks are there to work), and the ledger conserved.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let kills = 0;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);

/** One POST of a CSV file; undefined when the server was killed or the answer was transient. */
const postCsv = (url: string, csv: string, key: string): Promise<Answer | undefined> => s.send(url, csv, { contentType: 'text/csv', key, timeoutMs: 30_000 });

/** Sends the file, kills the server once `moment()` holds (or it answered), restarts it, sends the same file with the same key until answered, then once more. */
async function csvKilledDuring(url: string, csv: string, moment: () => Promise<boolean>): Promise<{ first: Answer | undefined; answer: Answer }> {
  const key = randomUUID();
  let answered = false;
  const first = postCsv(url, csv, key).finally(() => { answered = true; });
  const deadline = Date.now() + 30_000;
  while (!answered && !(await moment())) {
    if (Date.now() > deadline) throw new Error(`${url}: its moment never came`);
    await sleep(1);
  }
  await s.crash();
  kills++;
  const lost = await first;
  for (let i = 0; ; i++) {
    const res = await postCsv(url, csv, key);
    if (res !== undefined) {
      const again = await postCsv(url, csv, key);
      expect(again?.status, `${url} replayed: ${JSON.stringify(again?.body)}`).toBe(res.status);
      expect(again?.body).toEqual(res.body);
      return { first: lost, answer: res };
    }
    if (i > 200) throw new Error(`${url}: no definitive answer after the restart`);
    await sleep(50);
  }
}

beforeAll(async () => {
  s = await crashServer();
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  call = s.call;
  w = await setupWarehouse(call, { siteCode: 'CRIMP', aisles: 1, bays: 6, levels: 2, skus: 3 });
  await receiveStock(call, w, 200, 1);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

describe('paklog start killed during a CSV import and a wave release', () => {
  it('imports every order of a file killed part-way once; the retry answers as one import of the whole file', async () => {
    const ORDERS = 60;
    const rows = ['externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry'];
    for (let i = 0; i < ORDERS; i++) {
      rows.push(`CSV-${i},${w.products[i % 3]!.sku},1,Ada Lovelace,12 Analytical Row,Leeds,LS1 1AA,GB`);
      rows.push(`CSV-${i},${w.products[(i + 1) % 3]!.sku},2,Ada Lovelace,12 Analytical Row,Leeds,LS1 1AA,GB`);
    }
    const csv = `${rows.join('\n')}\n`;
    // Killed once the import is seen writing the file's orders (its transaction open), or at once after its answer.
    const { first, answer } = await csvKilledDuring(`/api/v1/imports/orders?site=${w.siteId}`, csv, async () => await n(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND xact_start IS NOT NULL AND query ILIKE '%INSERT INTO orders.%'`) > 0);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ rows: ORDERS * 2, rejected: 0, written: true });
    console.log(`orders import: first answer ${first === undefined ? 'lost' : first.status}, ${await n(`SELECT count(*) AS n FROM orders.orders`)} orders; retry ${JSON.stringify({ ...answer.body, errors: undefined })}`);
    expect(answer.body.created + answer.body.unchanged).toBe(ORDERS);
    expect(await n(`SELECT count(*) AS n FROM orders.orders WHERE external_id LIKE 'CSV-%'`)).toBe(ORDERS);
    expect(await n(`SELECT count(*) AS n FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id WHERE o.external_id LIKE 'CSV-%'`)).toBe(ORDERS * 2);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.received.v1'`)).toBe(ORDERS);
    // Every order goes on: allocated (stock for all of them) and pooled for a wave.
    const ids = (await probe.query<{ id: string }>(`SELECT id FROM orders.orders WHERE external_id LIKE 'CSV-%'`)).rows.map((r) => r.id);
    await untilPooled(call, w.siteId, ids);
  }, 60_000);

  it('sets a stock import killed part-way once: one ADJUST per changed key', async () => {
    const csv = `sku,location,lot,quantity\n${w.storage.slice(3, 6).map((l, i) => `${w.products[i]!.sku},${l.code},,${7 + i}`).join('\n')}\n`;
    const { answer } = await csvKilledDuring(`/api/v1/imports/stock?site=${w.siteId}`, csv, async () => true);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.created + answer.body.unchanged).toBe(3);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'ADJUST'`)).toBe(3);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.adjusted.v1'`)).toBe(3);
  }, 60_000);

  it('a wave release killed between its transactions reserves, lists and tasks once; the wave can be worked', async () => {
    const wave = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 20 });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect(wave.body.orderIds.length).toBe(20);
    let atKill = [-1, -1];
    // Killed as soon as waves' transaction committed (its event in the outbox), before inventory and picking followed.
    const released = await s.killedDuring(`/api/v1/waves/${wave.body.id}/release`, {},
      async () => {
        const seen = await n(`SELECT count(*) AS n FROM platform.outbox WHERE type = 'waves.wave.released.v1'`) > 0;
        if (seen) atKill = [await n(`SELECT count(*) AS n FROM inventory.reservations`), await n(`SELECT count(*) AS n FROM picking.pick_lists`)];
        return seen;
      });
    console.log(`wave release killed with ${atKill[0]} reservations and ${atKill[1]} pick lists made`);
    kills++;
    expect(released.status, JSON.stringify(released.body)).toBe(200);
    await until('pick lists and tasks', async () => [
      await n(`SELECT count(*) AS n FROM picking.pick_lists WHERE wave_id = $1`, [wave.body.id]),
      await n(`SELECT count(*) AS n FROM tasks.tasks WHERE type = 'PICK'`),
    ], ([lists, tasks]) => lists! > 0 && tasks === lists, 30_000);
    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 30_000);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'waves.wave.released.v1'`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.reserved.v1'`)).toBe(1);
    const reserved = await n(`SELECT coalesce(sum(quantity), 0) AS n FROM inventory.reservations WHERE wave_id = $1`, [wave.body.id]);
    const ordered = await n(`SELECT coalesce(sum(ordered), 0) AS n FROM orders.order_lines WHERE order_id = ANY($1)`, [wave.body.orderIds]);
    expect(reserved).toBe(ordered);
    expect(await n(`SELECT coalesce(sum(reserved), 0) AS n FROM inventory.balances`)).toBe(ordered);
    const listed = await n(`SELECT coalesce(sum(pl.quantity), 0) AS n FROM picking.pick_lines pl JOIN picking.pick_lists l ON l.id = pl.pick_list_id WHERE l.wave_id = $1`, [wave.body.id]);
    expect(listed).toBe(ordered);
    const lists = await n(`SELECT count(*) AS n FROM picking.pick_lists WHERE wave_id = $1`, [wave.body.id]);
    expect(await n(`SELECT count(*) AS n FROM tasks.tasks WHERE type = 'PICK'`)).toBe(lists);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    // The next step is possible: a picker gets one of the wave's tasks.
    const task = await call<{ id?: string }>('next', 'POST', '/api/v1/tasks/next', { workerId: 'picker', siteId: w.siteId, types: ['PICK'] });
    expect(task.status, JSON.stringify(task.body)).toBe(200);
    expect(task.body.id).toBeDefined();
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    await assertStockConserved(s.db.url, { when: 'after the kills during a CSV import and a wave release' });
    console.log(`crash-imports-release: ${kills} kills`);
  }, 60_000);

  it('a replenishment asked for and confirmed, stock held and released, a return received, each killed: each once, the task done once', async () => {
    const sku = w.products[2]!.sku;
    const reserve = (await call<{ items: { id: string; code: string }[] }>('reserve', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RESERVE`)).body.items[0]!;
    const face = w.storage[5]!;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 30 })).status).toBe(201);
    const asked = await s.killedDuring('/api/v1/replenishments', { siteId: w.siteId, sku, locationId: face.id, quantity: 12 },
      async (key) => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1`, [key]) > 0);
    kills++;
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    expect(await n(`SELECT count(*) AS n FROM inventory.replenishments`)).toBe(1);
    const task = await until('replenish task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: 'replen', siteId: w.siteId, types: ['REPLENISH'] })).body as { id?: string; reference?: string } | undefined,
      (x) => typeof x === 'object' && x?.id !== undefined);
    expect(task!.reference).toBe(asked.body.id);
    expect((await call('start', 'POST', `/api/v1/tasks/${task!.id}/start`, { workerId: 'replen' })).status).toBe(200);
    const confirmed = await s.killedDuring(`/api/v1/replenishments/${asked.body.id}/confirm`, { locationId: face.id }, 10);
    kills++;
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'COMPLETED' });
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'MOVE' AND reference = $1`, [asked.body.id])).toBeGreaterThan(0);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2`, [reserve.id, sku])).toBe(18);
    await until('the replenish task completed', async () => (await call<{ status: string }>('task', 'GET', `/api/v1/tasks/${task!.id}`)).body.status, (x) => x === 'COMPLETED');

    // Quality holds: one killed just after its commit, its release killed before its commit.
    const held = await s.killedDuring('/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 4, status: 'QUARANTINE', reason: 'crash' },
      async (key) => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1`, [key]) > 0);
    kills++;
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    const released = await s.killedDuring('/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 4, fromStatus: 'QUARANTINE', reason: 'crash' }, 10);
    kills++;
    expect(released.status, JSON.stringify(released.body)).toBe(201);
    // One hold and one release (each a pair of movements: out of one status, into the other), each event once.
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'HOLD'`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'RELEASE'`)).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.held.v1'`)).toBe(1);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.stock.hold-released.v1'`)).toBe(1);
    expect(await n(`SELECT count(DISTINCT status) AS n FROM inventory.movements WHERE type = 'HOLD'`)).toBe(2);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2 AND status = 'AVAILABLE'`, [reserve.id, sku])).toBe(18);
    // A customer return received (killed before its commit) and restocked: received once, restocked once.
    const dock = (await call<{ items: { id: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
    const rma = await call<{ id: string; lines: { lineId: string }[] }>('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CRASH-RMA', lines: [{ sku, quantity: 3, reason: 'crash' }] });
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);
    const lineId = rma.body.lines[0]!.lineId;
    const received = await s.killedDuring(`/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] }, 10);
    kills++;
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [dock.id])).toBe(3);
    const inspected = await call('inspect', 'POST', `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 3, condition: 'as new', locationId: face.id });
    expect(inspected.status, JSON.stringify(inspected.body)).toBe(200);
    expect((await call('close', 'POST', `/api/v1/rmas/${rma.body.id}/close`)).status).toBe(200);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [dock.id])).toBe(0);
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.rma.received.v1'`)).toBe(1);

    await until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 30_000);
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    const doubled = await probe.query(`SELECT type, subject, count(*) AS n FROM platform.events WHERE type LIKE 'inventory.replenishment%' OR type LIKE 'tasks.task.%' GROUP BY type, subject HAVING count(*) > 1`);
    expect(doubled.rows).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    await assertStockConserved(s.db.url, { when: 'after the kills during a replenishment and a hold' });
    console.log(`crash-imports-release: ${kills} kills`);
  }, 60_000);
});
