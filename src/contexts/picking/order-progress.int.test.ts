import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { Executor } from '../../platform/db/database.ts';
import { pickStore } from './store.ts';

/**
 * An order on two pick lists that complete at the same moment, in two transactions: whichever commits last must see
 * the other list completed and mark the order picked. A check taken on a snapshot older than its order-progress lock
 * saw the other list still open in both, and the order stayed in PICKING for ever.
 */
let t: TestApp;
const clients: pg.Client[] = [];

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  await t?.close();
});

/** A connection of its own (outside the app's pool), as the executor a store function takes. */
async function connection(): Promise<Executor> {
  const c = new pg.Client({ connectionString: t.databaseUrl });
  await c.connect();
  clients.push(c);
  return { query: async (text: string, params: readonly unknown[] = []) => (await c.query(text, params as unknown[])).rows };
}

describe('order progress', () => {
  it('marks an order picked when its two lists complete in two transactions at once', async () => {
    const orderId = `ord_race_${Date.now()}`;
    const lists = [`pkl_${orderId}_a`, `pkl_${orderId}_b`];
    for (const id of lists) {
      await t.app.db.query(
        `INSERT INTO picking.pick_lists (id, site_id, wave_id, order_ids, status, created_at, updated_at) VALUES ($1, 'S', 'wav_race', $2, 'IN_PROGRESS', now(), now())`,
        [id, [orderId]],
      );
    }
    const [a, b] = [await connection(), await connection()];
    const now = new Date();
    await a.query('BEGIN');
    await a.query(`UPDATE picking.pick_lists SET status = 'COMPLETED' WHERE id = $1`, [lists[0]]);
    // The first sees the second list still open: not done yet. It holds the order's progress lock until it commits.
    expect(await pickStore.settleFloorAction(a, { awaiting: undefined, orderIds: [orderId], now })).toEqual([]);
    await b.query('BEGIN');
    await b.query(`UPDATE picking.pick_lists SET status = 'COMPLETED' WHERE id = $1`, [lists[1]]);
    const second = pickStore.settleFloorAction(b, { awaiting: undefined, orderIds: [orderId], now });
    // The second waits for that lock; the first commits only then.
    for (;;) {
      const [w] = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`);
      if (w!.n > 0) break;
      await new Promise((r) => setImmediate(r));
    }
    await a.query('COMMIT');
    const marked = await second;
    await b.query('COMMIT');
    expect(marked.map((m) => m.orderId)).toEqual([orderId]);
    expect(await t.app.db.query(`SELECT order_id FROM picking.orders_picked WHERE order_id = $1`, [orderId])).toEqual([{ order_id: orderId }]);
  });
});
