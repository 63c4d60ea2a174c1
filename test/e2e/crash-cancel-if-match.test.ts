/**
 * `paklog start` SIGKILLed in the middle of a cancel sent with If-Match, after pack & ship decided the stop and before
 * orders recorded it (ADR 0011; its phases commit apart: without an Idempotency-Key in one process, with one too where
 * pack & ship runs in another service): orders completes the cancel after the restart (the cancel-stops job announces
 * the stop), which moves the order to a new version. The client's retry — the same request, the same If-Match — was
 * answered 412 VERSION_MISMATCH: told its cancel lost to a change when the change was its own cancel. A state change
 * already reflected in the resource answers 2xx (RFC 9110 §13.1.1): 200 CANCELLED; nothing is cancelled twice.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, orderStatus, receiveStock, setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let probe: pg.Client;
let w: Warehouse;
const call: Call = (step, method, url, body) => s.call(step, method, url, body);

beforeAll(async () => {
  s = await crashServer();
  probe = new pg.Client({ connectionString: s.db.url });
  await probe.connect();
  w = await setupWarehouse(call, { siteCode: 'CRCIFMATCH', aisles: 1, bays: 2, levels: 1, skus: 1 });
  await receiveStock(call, w, 5, 1);
}, 120_000);

afterAll(async () => {
  await probe?.end();
  await s?.close();
});

/** POST /orders/{id}/cancel with If-Match (and an Idempotency-Key, if any); undefined when the connection was lost. */
async function cancel(orderId: string, version: number, key?: string): Promise<{ status: number; body: any } | undefined> {
  try {
    const res = await fetch(`${s.base}/api/v1/orders/${orderId}/cancel`, {
      method: 'POST', headers: { 'x-api-key': s.adminKey, ...(key === undefined ? {} : { 'idempotency-key': key }), 'if-match': `"${version}"`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'crash with If-Match' }), signal: AbortSignal.timeout(20_000),
    });
    return { status: res.status, body: await res.json() };
  } catch {
    return undefined;
  }
}

describe('paklog start killed inside a cancel with If-Match, between pack & ship\'s stop and orders\' record', () => {
  it('the retry with the same If-Match after orders completed the cancel answers 200 CANCELLED, not 412', async () => {
    const order = await createOrder(call, w.siteId, { externalId: 'crash-cancel-ifm', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, order.id), (x) => x === 'ALLOCATED');
    const version = (await call<{ version: number }>('order', 'GET', `/api/v1/orders/${order.id}`)).body.version;
    // Picking's record of the cancel waits on this session's uncommitted one: the request stops after pack & ship's stop.
    const blocker = new pg.Client({ connectionString: s.db.url });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query(`INSERT INTO picking.cancelled_orders (order_id, cancelled_at) VALUES ($1, now())`, [order.id]);
      // Without a key its phases commit apart in one process, as they do with one where pack & ship runs elsewhere.
      const first = cancel(order.id, version);
      await until('shipping stopped', async () => (await probe.query<{ c: boolean }>('SELECT cancelled_at IS NOT NULL AS c FROM pack_ship.orders WHERE order_id = $1', [order.id])).rows[0]?.c === true, (x) => x, 20_000);
      await new Promise((r) => setTimeout(r, 200));
      expect((await probe.query<{ status: string }>('SELECT status FROM orders.orders WHERE id = $1', [order.id])).rows[0]!.status).not.toBe('CANCELLED');
      await s.crash();
      expect(await first).toBeUndefined();
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    // Orders completes the decided cancel by itself (the cancel-stops job announces the stop): a new version.
    await until('cancelled after the restart', () => orderStatus(call, order.id), (x) => x === 'CANCELLED', 30_000);
    const retried = await cancel(order.id, version);
    expect(retried?.status, JSON.stringify(retried?.body)).toBe(200);
    expect(retried?.body).toMatchObject({ id: order.id, status: 'CANCELLED' });
    const keyed = randomUUID();
    const withKey = await cancel(order.id, version, keyed);
    expect(withKey).toEqual(retried);
    expect(await cancel(order.id, version, keyed)).toEqual(withKey);
    expect(Number((await probe.query<{ n: string }>(`SELECT count(*) AS n FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [order.id])).rows[0]!.n)).toBe(1);
    // A stale If-Match on an order that is not cancelled is still 412, nothing changed.
    const other = await createOrder(call, w.siteId, { externalId: 'crash-cancel-ifm-2', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, other.id), (x) => x === 'ALLOCATED');
    const stale = await cancel(other.id, 999, randomUUID());
    expect([stale?.status, stale?.body?.code]).toEqual([412, 'VERSION_MISMATCH']);
    expect(await orderStatus(call, other.id)).toBe('ALLOCATED');
  }, 90_000);
});
