/**
 * `paklog start` killed (SIGKILL) at points the other crash files do not kill (crash10): a count's submission that
 * asks for a recount, killed once it committed (before or while tasks queues the recount); a manager's rejection of a
 * count whose recount a worker holds, killed once it committed (before or while tasks withdraws that task); a recount
 * and its approval killed so; a move that takes a pick face below its min, killed once it committed (before or while
 * replenishment reacts), and the REPLENISH confirm that fills it, killed once it committed; the task-timeout job's
 * runs, with the process killed around them while tasks assigned and never started time out. After each restart: the
 * location's count lock is taken once and let go once (never below none, the location pickable again), a variance is
 * booked once, one recount task, one replenishment for the face (not a second one when the face stays low or is
 * filled), one move, a customer return received and restocked once (a backordered order allocated from it once; the
 * receipt killed once committed, the restock before its commit), every task ends once, each assignment times out
 * once, every event once, nothing dead-lettered, no key left claimed, and the ledger conserved.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type Answer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
/** A site of its own whose tasks are assigned and never started (the timeout job's). */
let idle: Warehouse;
const idleTasks: string[] = [];
let kills = 0;

const n = async (sql: string, params: unknown[] = []): Promise<number> => Number((await probe.query<{ n: string }>(sql, params)).rows[0]!.n);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The shared kill-and-retry (crash-server.ts): killed `delayMs` after sending, or as soon as its key is seen committed. */
async function killedDuring(url: string, body: unknown, when: number | 'committed'): Promise<Answer> {
  const committed = async (key: string): Promise<boolean> => await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1`, [key]) > 0;
  const res = await s.killedDuring(url, body, when === 'committed' ? committed : when);
  kills++;
  return res;
}

/** Every event published so far handled (the outbox drained). */
const drained = (): Promise<number> => until('outbox drained', () => n(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`), (x) => x === 0, 30_000);

/** The next task of `types` for `workerId` at the site, started. */
async function takeAndStart(siteId: string, workerId: string, types: string[]): Promise<{ id: string; reference: string }> {
  const task = await until(`${types.join(',')} task for ${workerId}`, async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId, siteId, types })).body as { id?: string; reference?: string } | undefined,
    (x) => typeof x === 'object' && x?.id !== undefined);
  const started = await call('start', 'POST', `/api/v1/tasks/${task!.id}/start`, { workerId });
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return task as { id: string; reference: string };
}

/** A PUT as the admin (the REST client sends GET and POST only): its status and body. */
async function put(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${s.base}/api/v1${url}`, { method: 'PUT', headers: { 'x-api-key': s.adminKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** The location's count lock and pickability as inventory keeps them. */
const lockOf = async (locationId: string): Promise<{ count_locks: number; pickable: boolean }> =>
  (await probe.query<{ count_locks: number; pickable: boolean }>(`SELECT count_locks, pickable FROM inventory.locations WHERE location_id = $1`, [locationId])).rows[0]!;

beforeAll(async () => {
  // Tasks assigned and not started go back to the queue after 10 s (the least allowed): the job runs every 2.5 s.
  s = await crashServer({ env: { PAKLOG_TASK_ASSIGN_TIMEOUT_S: '10' } });
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  call = s.call;
  w = await setupWarehouse(call, { siteCode: 'CRTEN', aisles: 1, bays: 6, levels: 2, skus: 3 });
  idle = await setupWarehouse(call, { siteCode: 'CTO', aisles: 1, bays: 3, levels: 1, skus: 1 });
  for (const site of [w.siteId, idle.siteId]) {
    const settings = await put('/inventory/count-settings', { siteId: site, toleranceUnits: 1, tolerancePercent: null });
    expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  }
  // The idle site's COUNT tasks, assigned now and never started: they time out while the other tests kill the server.
  const idleSku = idle.products[0]!.sku;
  for (const shelf of idle.storage) {
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: idle.siteId, sku: idleSku, locationId: shelf.id, quantity: 5 })).status).toBe(201);
  }
  const opened = await call<{ items: { id: string }[] }>('counts', 'POST', '/api/v1/inventory/counts', { siteId: idle.siteId, locationIds: idle.storage.map((l) => l.id), sku: idleSku });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  for (const [i] of idle.storage.entries()) {
    const task = await until('idle count task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: `idle${i}`, siteId: idle.siteId, types: ['COUNT'] })).body as { id?: string } | undefined,
      (x) => typeof x === 'object' && x?.id !== undefined);
    idleTasks.push(task!.id!);
  }
  expect(new Set(idleTasks).size).toBe(idle.storage.length);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

describe('paklog start killed between a count\'s submission and its recount, rejection and approval', () => {
  it('a recount asked for by a submission killed once committed: one recount task; its rejection killed once committed: the task withdrawn, the lock let go once', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[0]!;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 20 })).status).toBe(201);
    const opened = await call<{ items: { id: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [shelf.id], sku });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const countId = opened.body.items[0]!.id;
    expect(await lockOf(shelf.id)).toEqual({ count_locks: 1, pickable: false });
    await takeAndStart(w.siteId, 'alice', ['COUNT']);
    const first = await killedDuring(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 16, workerId: 'alice' }, 'committed');
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.status).toBe('RECOUNT');
    await drained();
    // One task per attempt: the first completed, the recount waiting for someone other than alice.
    const tasks = async () => (await probe.query<{ id: string; status: string }>(`SELECT id, status FROM tasks.tasks WHERE reference IN ($1, $1 || ':recount') ORDER BY created_at, id`, [countId])).rows;
    await until('the recount task', tasks, (t) => t.length === 2 && t[0]!.status === 'COMPLETED');
    expect((await tasks()).map((t) => t.status)).toEqual(['COMPLETED', 'QUEUED']);
    const recount = await takeAndStart(w.siteId, 'bob', ['COUNT']);
    expect(recount.reference).toBe(`${countId}:recount`);

    const rejected = await killedDuring(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'abandoned: crash10' }, 'committed');
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body.status).toBe('REJECTED');
    await drained();
    await until('the recount task withdrawn', tasks, (t) => t.length === 2 && t[1]!.status === 'CANCELLED');
    expect(await lockOf(shelf.id)).toEqual({ count_locks: 0, pickable: true });
    // Locked once and let go once: two flips of the location's pickability, nothing booked.
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.location.pickability-changed.v1' AND subject = $1`, [shelf.id])).toBe(2);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'COUNT' AND reference = $1`, [countId])).toBe(0);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [shelf.id])).toBe(20);
    // Bob's hold on the withdrawn task is over: he is offered nothing of it, and his next COUNT is none here.
    const after = await call('next', 'POST', '/api/v1/tasks/next', { workerId: 'bob', siteId: w.siteId, types: ['COUNT'] });
    expect([200, 204]).toContain(after.status);
    expect((after.body as { reference?: string } | undefined)?.reference).not.toBe(countId);
  }, 120_000);

  it('a first count killed before its commit, its recount and the approval killed once committed: the variance booked once, the lock let go once', async () => {
    const sku = w.products[0]!.sku;
    const shelf = w.storage[1]!;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 20 })).status).toBe(201);
    const opened = await call<{ items: { id: string }[] }>('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [shelf.id], sku });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const countId = opened.body.items[0]!.id;
    const firstTask = await takeAndStart(w.siteId, 'carol', ['COUNT']);
    expect(firstTask.reference).toBe(countId);
    const first = await killedDuring(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 16, workerId: 'carol' }, 5);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    await drained();
    const recount = await takeAndStart(w.siteId, 'dave', ['COUNT']);
    expect(recount.reference).toBe(`${countId}:recount`);
    const second = await killedDuring(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 17, workerId: 'dave' }, 'committed');
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body.status).toBe('AWAITING_APPROVAL');
    expect(await lockOf(shelf.id)).toEqual({ count_locks: 1, pickable: false });
    const approved = await killedDuring(`/api/v1/inventory/counts/${countId}/approve`, { reason: 'crushed' }, 'committed');
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('COMPLETED');
    await drained();
    expect(await lockOf(shelf.id)).toEqual({ count_locks: 0, pickable: true });
    expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = 'inventory.location.pickability-changed.v1' AND subject = $1`, [shelf.id])).toBe(2);
    expect((await probe.query(`SELECT delta_on_hand FROM inventory.movements WHERE type = 'COUNT' AND reference = $1`, [countId])).rows).toEqual([{ delta_on_hand: -3 }]);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [shelf.id])).toBe(17);
    await until('both count tasks completed', async () => (await probe.query<{ status: string }>(`SELECT status FROM tasks.tasks WHERE reference IN ($1, $1 || ':recount') ORDER BY created_at, id`, [countId])).rows.map((r) => r.status),
      (x) => x.length === 2 && x.every((t) => t === 'COMPLETED'));
  }, 120_000);
});

describe('paklog start killed while a pick face falls below its min and while its replenishment confirms', () => {
  it('one replenishment for the face: not a second while it stays low, nor once filled; the move from reserve once', async () => {
    const sku = w.products[1]!.sku;
    const face = w.storage[4]!;
    const elsewhere = w.storage[5]!;
    const reserve = (await call<{ items: { id: string }[] }>('reserve', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RESERVE`)).body.items[0]!;
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: face.id, quantity: 10 })).status).toBe(201);
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 40 })).status).toBe(201);
    const setting = await put('/replenishment-settings', { siteId: w.siteId, sku, locationId: face.id, min: 5, max: 20 });
    expect(setting.status, JSON.stringify(setting.body)).toBe(200);
    await drained();
    const replenishments = async () => (await probe.query<{ id: string; status: string; quantity: number; moved: number; trigger: string }>(
      `SELECT id, status, quantity, moved, trigger FROM inventory.replenishments WHERE to_location_id = $1 AND sku = $2 ORDER BY created_at, id`, [face.id, sku])).rows;
    expect(await replenishments()).toEqual([]);

    // The face falls to 3 (below its min of 5): killed once the move committed, before or while replenishment reacts.
    const moved = await killedDuring('/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 7, fromLocationId: face.id, toLocationId: elsewhere.id }, 'committed');
    expect(moved.status, JSON.stringify(moved.body)).toBe(201);
    await drained();
    await until('the replenishment asked for', replenishments, (r) => r.length > 0);
    // Still low, one more unit out: the open replenishment stands for it, no second.
    expect((await call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 1, fromLocationId: face.id, toLocationId: elsewhere.id })).status).toBe(201);
    await drained();
    const asked = await replenishments();
    expect(asked, JSON.stringify(asked)).toHaveLength(1);
    const replenishment = asked[0]!;
    expect(await n(`SELECT count(*) AS n FROM tasks.tasks WHERE type = 'REPLENISH' AND reference = $1`, [replenishment.id])).toBe(1);

    const task = await takeAndStart(w.siteId, 'erin', ['REPLENISH']);
    expect(task.reference).toBe(replenishment.id);
    const confirmed = await killedDuring(`/api/v1/replenishments/${replenishment.id}/confirm`, { locationId: face.id, workerId: 'erin' }, 'committed');
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    expect(confirmed.body).toMatchObject({ status: 'COMPLETED' });
    await drained();
    await until('the replenish task completed', async () => (await call<{ status: string }>('task', 'GET', `/api/v1/tasks/${task.id}`)).body.status, (x) => x === 'COMPLETED');
    const done = await replenishments();
    expect(done, JSON.stringify(done)).toHaveLength(1);
    const units = done[0]!.moved;
    expect(units).toBeGreaterThan(0);
    expect(await n(`SELECT count(*) AS n FROM inventory.movements WHERE type = 'MOVE' AND reference = $1 AND delta_on_hand > 0`, [replenishment.id])).toBe(1);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2`, [face.id, sku])).toBe(2 + units);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2`, [reserve.id, sku])).toBe(40 - units);
    expect(await n(`SELECT count(*) AS n FROM inventory.replenishment_waits WHERE location_id = $1`, [face.id])).toBe(0);
  }, 120_000);
});

describe('paklog start killed while a customer return is received and restocked for a backordered order', () => {
  it('received once (killed once committed), restocked once (killed before its commit): the backorder allocated once from it', async () => {
    const sku = w.products[2]!.sku;
    const shelf = w.storage[2]!;
    const dock = (await call<{ items: { id: string }[] }>('docks', 'GET', `/api/v1/sites/${w.siteId}/locations?type=RECEIVING`)).body.items[0]!;
    // Nothing of the SKU anywhere: the order waits, backordered.
    const order = await createOrder(call, w.siteId, { externalId: 'CRTEN-BACKORDER', lines: [{ sku, quantity: 2 }] });
    await until('backordered', () => orderStatus(call, order.id), (x) => x === 'BACKORDERED', 30_000);
    const rma = await call<{ id: string; lines: { lineId: string }[] }>('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CRTEN-RMA', lines: [{ sku, quantity: 2, reason: 'crash10' }] });
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);
    const lineId = rma.body.lines[0]!.lineId;
    const received = await killedDuring(`/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] }, 'committed');
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const restocked = await killedDuring(`/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 2, condition: 'as new', locationId: shelf.id }, 5);
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    await drained();
    await until('allocated from the restocked units', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED', 30_000);
    await drained();
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1`, [dock.id])).toBe(0);
    expect(await n(`SELECT coalesce(sum(on_hand), 0) AS n FROM inventory.balances WHERE location_id = $1 AND sku = $2`, [shelf.id, sku])).toBe(2);
    expect(await n(`SELECT coalesce(sum(allocated), 0) AS n FROM inventory.allocations WHERE order_id = $1`, [order.id])).toBe(2);
    for (const type of ['inventory.rma.received.v1', 'inventory.rma.inspected.v1', 'orders.order.allocated.v1']) {
      expect(await n(`SELECT count(*) AS n FROM platform.events WHERE type = $1 AND (subject = $2 OR subject = $3)`, [type, rma.body.id, order.id]), type).toBe(1);
    }
    // Inventory's allocations of the order: none at its intake (backordered), then all of it once.
    expect((await probe.query(`SELECT envelope->'data'->>'complete' AS complete FROM platform.events WHERE type = 'inventory.stock.allocated.v1' AND subject = $1 ORDER BY seq`, [order.id])).rows)
      .toEqual([{ complete: 'false' }, { complete: 'true' }]);
  }, 120_000);
});

describe('paklog start killed around the task-timeout job\'s runs', () => {
  it('every task assigned and never started times out once: back in the queue, one timed-out event per assignment', async () => {
    // The idle tasks were assigned in beforeAll: they time out while the tests above kill the server (the job runs
    // every 2.5 s of a process's life). Killed again every 3 to 4 s until they are all back in the queue, at least twice.
    const queued = (): Promise<number> => n(`SELECT count(*) AS n FROM tasks.tasks WHERE id = ANY($1) AND status = 'QUEUED'`, [idleTasks]);
    const deadline = Date.now() + 40_000;
    for (let killsHere = 0; killsHere < 2 || await queued() < idleTasks.length; killsHere++) {
      if (Date.now() > deadline) {
        throw new Error(`the idle tasks never all timed out: ${JSON.stringify((await probe.query(`SELECT id, status, worker_id, assigned_at FROM tasks.tasks WHERE id = ANY($1)`, [idleTasks])).rows)}`);
      }
      await sleep(3_000 + Math.floor(Math.random() * 1_000));
      await s.crash();
      kills++;
    }
    await drained();
    for (const [i, id] of idleTasks.entries()) {
      const events = (await probe.query<{ type: string }>(
        `SELECT type FROM platform.events WHERE subject = $1 AND type IN ('tasks.task.assigned.v1', 'tasks.task.timed-out.v1') ORDER BY seq`, [id])).rows.map((r) => r.type);
      expect(events, id).toEqual(['tasks.task.assigned.v1', 'tasks.task.timed-out.v1']);
      const row = (await probe.query<{ status: string; worker_id: string | null }>(`SELECT status, worker_id FROM tasks.tasks WHERE id = $1`, [id])).rows[0]!;
      expect(row, `idle${i}`).toEqual({ status: 'QUEUED', worker_id: null });
    }
  }, 120_000);
});

describe('after every kill', () => {
  it('every event once, nothing dead-lettered, no key left claimed, the ledger conserved', async () => {
    await drained();
    expect(await n(`SELECT count(*) - count(DISTINCT event_id) AS n FROM platform.events`)).toBe(0);
    // By meaning: no state change announced twice for one subject.
    const doubled = await probe.query(`SELECT type, subject, count(*) AS n FROM platform.events
      WHERE type IN ('inventory.count.closed.v1', 'inventory.replenishment.requested.v1', 'inventory.replenishment.completed.v1',
        'tasks.task.created.v1', 'tasks.task.completed.v1', 'tasks.task.cancelled.v1', 'tasks.task.timed-out.v1')
      GROUP BY type, subject HAVING count(*) > 1`);
    expect(doubled.rows).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM platform.idempotency_keys WHERE status_code IS NULL`)).toBe(0);
    expect((await call<{ items: unknown[] }>('dead letters', 'GET', '/api/v1/dead-letters')).body.items).toEqual([]);
    expect(await n(`SELECT count(*) AS n FROM inventory.locations WHERE count_locks < 0`)).toBe(0);
    await assertStockConserved(s.db.url, { when: 'after the kills during counts, a replenishment and the task-timeout job' });
    console.log(`crash-count-replenish-timeout: ${kills} kills`);
  }, 120_000);
});
