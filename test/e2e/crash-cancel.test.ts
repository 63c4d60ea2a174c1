/**
 * `paklog start` killed (SIGKILL) around order cancellations, which no other crash file covers: cancels answered 200 at
 * every stage of an order (allocated, released, mid-pick, picked, packed, labelled) and the process killed at once,
 * before the floor has compensated; a process killed between pack & ship stopping the shipping and orders recording
 * the cancel (the orders row held by a probe, so the kill lands there), with no retry by the client; and the returns to
 * stock of cancelled orders confirmed by scan, killed before and after their commit. After each restart: every order
 * ends CANCELLED holding nothing (allocation, reservation, live package or shipment, open pick list or task), its tote's
 * units are exactly its open returns, each with a MOVE task, a dispatch is refused, nothing is dead-lettered, and the
 * stock is conserved once the returns are confirmed. (Written in the 2026-12-06 cancel hunt; no defect found here.)
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, receiveStock, setupWarehouse, until, untilPooled, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

let server: CrashServer;
let probe: pg.Client;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  server = await crashServer();
  ({ call } = server);
  probe = new pg.Client({ connectionString: server.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRCANCEL', aisles: 1, bays: 8, levels: 1, skus: 3 });
  await receiveStock(call, w, 100, 1);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await server?.close();
});

interface Line { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }

async function state(orderId: string): Promise<Record<string, unknown>> {
  const { rows } = await probe.query(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS reservations,
           (SELECT count(*) FROM pack_ship.packages WHERE order_id = $1 AND status NOT IN ('CANCELLED', 'REPACKED'))::int AS packages,
           (SELECT count(*) FROM pack_ship.shipments WHERE order_id = $1 AND (status <> 'CANCELLED' OR dispatched_at IS NOT NULL))::int AS shipments,
           (SELECT count(*) FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS'))::int AS open_lists,
           (SELECT count(*) FROM tasks.tasks WHERE status NOT IN ('COMPLETED', 'CANCELLED') AND type <> 'MOVE'
              AND (reference = $1 OR reference IN (SELECT id FROM picking.pick_lists WHERE $1 = ANY(order_ids))))::int AS open_tasks,
           (SELECT COALESCE(sum(on_hand), 0) FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1)::int AS in_tote,
           (SELECT COALESCE(sum(quantity - returned), 0) FROM inventory.returns WHERE order_id = $1 AND status = 'OPEN')::int AS open_returns,
           (SELECT count(*) FROM inventory.returns r WHERE r.order_id = $1 AND r.status = 'OPEN' AND NOT EXISTS (
              SELECT 1 FROM tasks.tasks k WHERE k.type = 'MOVE' AND k.reference = r.id AND k.status IN ('QUEUED', 'ASSIGNED', 'IN_PROGRESS')))::int AS returns_without_task,
           (SELECT count(*) FROM platform.dead_letters)::int AS dead_letters`, [orderId]);
  return { status: await orderStatus(call, orderId), ...rows[0] };
}

/** `count` one-line orders of `quantity` units of `sku`, allocated, planned in one wave and released. */
async function releasedOrders(sku: string, count: number, quantity: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createOrder(call, w.siteId, { externalId: `CRC-${++seq}`, lines: [{ sku, quantity }] })).id);
  for (const id of ids) await until('allocated', () => orderStatus(call, id), (s) => s === 'ALLOCATED');
  await untilPooled(call, w.siteId, ids);
  const wave = (await call('wave', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 })).body;
  expect((await call('release', 'POST', `/api/v1/waves/${wave.id}/release`)).status).toBe(200);
  return ids;
}

/** Each released order's one pick list, by order id. */
async function listsOf(ids: readonly string[]): Promise<Map<string, { id: string; lines: Line[] }>> {
  const listOf = new Map<string, { id: string; lines: Line[] }>();
  for (const id of ids) {
    const l = await until('list', async () => (await call<{ items: { id: string; lines: Line[] }[] }>('lists', 'GET', `/api/v1/pick-lists?orderId=${id}`)).body.items, (x) => x.length === 1);
    listOf.set(id, l[0]!);
  }
  return listOf;
}

/** Every order CANCELLED and holding nothing, its tote's units exactly its open returns (each with a MOVE task). */
async function endCancelled(ids: readonly string[]): Promise<void> {
  const want = { status: 'CANCELLED', allocated: 0, reservations: 0, packages: 0, shipments: 0, open_lists: 0, open_tasks: 0, returns_without_task: 0, dead_letters: 0 };
  for (const id of ids) {
    try {
      await until(`cancelled ${id}`, () => state(id), (s) => Object.entries(want).every(([k, v]) => s[k] === v) && s.in_tote === s.open_returns, 30_000);
    } catch (e) {
      throw new Error(`order ${id} after the restart: ${JSON.stringify(await state(id))}`, { cause: e });
    }
  }
}

/** The site's open returns to stock confirmed where they were suggested, each answered 200. */
async function confirmOpenReturns(): Promise<void> {
  const returns = (await call('returns', 'GET', `/api/v1/inventory/returns?siteId=${w.siteId}`)).body.items as { id: string; status: string; suggestedLocationId: string }[];
  for (const r of returns.filter((x) => x.status === 'OPEN')) {
    const res = await call('ret', 'POST', `/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }
}

describe('paklog start killed around cancellations', () => {
  it('cancels answered at every stage, then killed at once: after the restart every order is cancelled and holds nothing', async () => {
    const sku = w.products[0]!.sku;
    const ids = await releasedOrders(sku, 5, 3);
    const listOf = await listsOf(ids);
    const taskOf = new Map<string, { id: string; worker: string }>();
    for (let k = 0; k < 5; k++) {
      const worker = `crc-${k}`;
      const task = await until('task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })), (r) => r.status === 200);
      const orderId = [...listOf].find(([, l]) => l.id === task.body.reference)![0];
      taskOf.set(orderId, { id: task.body.id, worker });
    }
    const [released, midPick, picked, packed, labelled] = ids as [string, string, string, string, string];
    const confirm = (orderId: string, q: number) => {
      const l = listOf.get(orderId)!;
      const line = l.lines[0]!;
      return call('confirm', 'POST', `/api/v1/pick-lists/${l.id}/lines/${line.id}/confirm`, { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: q, toteId: `TOTE-${orderId}` });
    };
    for (const id of [midPick, picked, packed, labelled]) {
      const tk = taskOf.get(id)!;
      expect((await call('start', 'POST', `/api/v1/tasks/${tk.id}/start`, { workerId: tk.worker })).status).toBe(200);
    }
    expect((await confirm(midPick, 1)).status).toBe(200);
    for (const id of [picked, packed, labelled]) {
      expect((await confirm(id, 3)).status).toBe(200);
      const tk = taskOf.get(id)!;
      const done = await call('complete', 'POST', `/api/v1/tasks/${tk.id}/complete`, { workerId: tk.worker });
      expect([200, 409]).toContain(done.status);
    }
    for (const id of [packed, labelled]) {
      await until('picked', () => orderStatus(call, id), (s) => s === 'PICKED');
      const p = await call('pack', 'POST', '/api/v1/packages', { orderId: id });
      expect(p.status, JSON.stringify(p.body)).toBe(201);
    }
    await until('packed', () => orderStatus(call, labelled), (s) => s === 'PACKED');
    const shipment = await call('ship', 'POST', '/api/v1/shipments', { orderId: labelled });
    expect(shipment.status, JSON.stringify(shipment.body)).toBe(201);
    const allocatedOnly = (await createOrder(call, w.siteId, { externalId: `CRC-${++seq}`, lines: [{ sku, quantity: 2 }] })).id;
    await until('allocated', () => orderStatus(call, allocatedOnly), (s) => s === 'ALLOCATED');
    const all = [...ids, allocatedOnly];
    const answers = await Promise.all(all.map((id) => call('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'crash probe' })));
    await server.crash();
    expect(answers.map((a) => [a.status, a.body.status])).toEqual(all.map(() => [200, 'CANCELLED']));
    const d = await call('dispatch', 'POST', `/api/v1/shipments/${shipment.body.id}/dispatch`, {});
    expect([d.status, d.body.code]).toEqual([409, 'ORDER_CANCELLED']);
    await endCancelled(all);
    // The picker of the released order, its task assigned before the kill, cannot start it.
    const held = taskOf.get(released)!;
    expect((await call('start', 'POST', `/api/v1/tasks/${held.id}/start`, { workerId: held.worker })).status).toBe(409);
    await confirmOpenReturns();
    await assertStockConserved(server.db.url);
  }, 240_000);
  it('killed between pack & ship stopping the shipping and orders recording the cancel (no retry): orders completes it, nothing ships', async () => {
    const sku = w.products[1]!.sku;
    const ids = await releasedOrders(sku, 2, 2);
    const listOf = await listsOf(ids);
    // Both picked whole; the first packed and labelled.
    for (let k = 0; k < 2; k++) {
      const worker = `crc2-${k}`;
      const task = await until('task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })), (r) => r.status === 200);
      expect((await call('start', 'POST', `/api/v1/tasks/${task.body.id}/start`, { workerId: worker })).status).toBe(200);
      const orderId = [...listOf].find(([, l]) => l.id === task.body.reference)![0];
      const l = listOf.get(orderId)!;
      const line = l.lines[0]!;
      expect((await call('confirm', 'POST', `/api/v1/pick-lists/${l.id}/lines/${line.id}/confirm`, { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 2, toteId: `TOTE-${orderId}` })).status).toBe(200);
    }
    const [labelled, picked] = ids as [string, string];
    await until('picked', () => orderStatus(call, labelled), (s) => s === 'PICKED');
    expect((await call('pack', 'POST', '/api/v1/packages', { orderId: labelled })).status).toBe(201);
    await until('packed', () => orderStatus(call, labelled), (s) => s === 'PACKED');
    const shipment = await call('ship', 'POST', '/api/v1/shipments', { orderId: labelled });
    expect(shipment.status).toBe(201);
    await until('picked', () => orderStatus(call, picked), (s) => s === 'PICKED');
    for (const id of ids) {
      const blocker = new pg.Client({ connectionString: server.db.url });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM orders.orders WHERE id = $1 FOR UPDATE', [id]);
      const first = server.attempt(`/api/v1/orders/${id}/cancel`, { reason: 'window' }, undefined);
      await until('shipping stopped', async () => (await probe.query('SELECT cancelled_at IS NOT NULL AS c FROM pack_ship.orders WHERE order_id = $1', [id])).rows[0]?.c === true, (x) => x, 20_000);
      await new Promise((r) => setTimeout(r, 100));
      await server.crash();
      await first;
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const d = await call('dispatch', 'POST', `/api/v1/shipments/${shipment.body.id}/dispatch`, {});
    expect([d.status, d.body.code]).toEqual([409, 'ORDER_CANCELLED']);
    await endCancelled(ids);
    await confirmOpenReturns();
    await assertStockConserved(server.db.url);
  }, 240_000);
  it('a return of a cancelled order confirmed by scan, killed before and after its commit: confirmed once, units back once', async () => {
    const sku = w.products[2]!.sku;
    const ids = await releasedOrders(sku, 2, 3);
    for (let k = 0; k < 2; k++) {
      const worker = `crc3-${k}`;
      const task = await until('task', async () => (await call('next', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] })), (r) => r.status === 200);
      expect((await call('start', 'POST', `/api/v1/tasks/${task.body.id}/start`, { workerId: worker })).status).toBe(200);
      const l = (await call('list', 'GET', `/api/v1/pick-lists/${task.body.reference}`)).body as { id: string; orderIds: string[]; lines: Line[] };
      const line = l.lines[0]!;
      expect((await call('confirm', 'POST', `/api/v1/pick-lists/${l.id}/lines/${line.id}/confirm`, { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 3, toteId: `TOTE-${l.orderIds[0]}` })).status).toBe(200);
    }
    for (const id of ids) expect((await call('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'r' })).status).toBe(200);
    const rets: { id: string; suggestedLocationId: string; orderId: string }[] = [];
    for (const id of ids) {
      const r = await until('return', async () => (await call<{ items: { id: string; suggestedLocationId: string; orderId: string }[] }>('returns', 'GET', `/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${id}`)).body.items, (x) => x.length === 1);
      rets.push(r[0]!);
    }
    const keyCommitted = async (key: string): Promise<boolean> => Number((await probe.query('SELECT count(*) AS n FROM platform.idempotency_keys WHERE key = $1', [key])).rows[0].n) > 0;
    const inTx = async (): Promise<boolean> => Number((await probe.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction') AND query ILIKE '%platform.idempotency_keys%'`)).rows[0].n) > 0;
    const a = await server.killedDuring(`/api/v1/inventory/returns/${rets[0]!.id}/confirm`, { locationId: rets[0]!.suggestedLocationId }, keyCommitted);
    const b = await server.killedDuring(`/api/v1/inventory/returns/${rets[1]!.id}/confirm`, { locationId: rets[1]!.suggestedLocationId }, inTx);
    expect([a.status, a.body.status, b.status, b.body.status]).toEqual([200, 'COMPLETED', 200, 'COMPLETED']);
    for (const id of ids) {
      await until('settled', () => state(id), (s) => s.in_tote === 0 && s.open_returns === 0 && s.returns_without_task === 0 && s.dead_letters === 0, 30_000);
    }
    await until('move tasks done', async () => (await probe.query(`SELECT count(*)::int AS n FROM tasks.tasks WHERE type = 'MOVE' AND reference = ANY($1) AND status NOT IN ('COMPLETED', 'CANCELLED')`, [rets.map((r) => r.id)])).rows[0].n, (n) => n === 0, 30_000);
    await assertStockConserved(server.db.url);
  }, 240_000);
});
