import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overlapped } from '../../../test/support/overlap.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { StockReserved } from '../../contracts/inventory.ts';
import { systemClock } from '../../platform/clock.ts';
import { Database } from '../../platform/db/database.ts';
import type { IdempotencyKeys } from '../../platform/http/idempotency.ts';
import { uuidv7Ids } from '../../platform/ids.ts';
import { createLogger } from '../../platform/telemetry/logger.ts';
import { Metrics } from '../../platform/telemetry/metrics.ts';
import { MemoryCache } from '../../platform/cache/cache.ts';
import { WorkerPool } from '../../platform/workers/worker-pool.ts';
import { pickSequenceOrder } from './domain/pick-sequence.ts';
import { pickingService, type PickingService } from './service.ts';

/**
 * An order cancelled while its wave's reservations become pick lists, each handled in its own consumer's transaction
 * at the same time (a split deployment hears waves/inventory and orders on different topics). Before the fix neither
 * transaction saw the other's writes: the build found no tombstone, the cancel no line, and the cancelled order kept a
 * CREATED list and its PICK task for good (split.test.ts over Kafka, 2026-12-05). Each order of the two here is held
 * open on purpose while the other runs.
 */
let t: TestApp;
let db: Database;
let picking: PickingService;

beforeAll(async () => {
  t = await startTestApp();
  db = new Database(t.databaseUrl, { max: 4 });
  picking = pickingService({
    db, bus: t.app.bus, clock: systemClock, ids: uuidv7Ids, metrics: new Metrics(), log: createLogger('silent'),
    idempotency: undefined as unknown as IdempotencyKeys, workers: new WorkerPool({ threads: 0, maxQueue: 0 }), cache: new MemoryCache(),
  }, { sequencer: pickSequenceOrder });
});
afterAll(async () => {
  await db.close();
  await t.close();
});

let seq = 0;
function reservedFor(orderId: string): StockReserved {
  const waveId = `wav_cr${++seq}`;
  return {
    waveId, siteId: 'sit_cr', shortages: [], backordered: [],
    reservations: [{ reservationId: `rsv_${waveId}`, orderId, lineId: `oln_${waveId}`, sku: 'SKU-CR', locationId: 'loc_cr', lot: null, quantity: 2 }],
  };
}

const pendingLines = async (orderId: string): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM picking.pick_lines WHERE order_id = $1 AND status = 'PENDING'`, [orderId]))[0]!.n;
const openLists = async (orderId: string): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS')`, [orderId]))[0]!.n;

describe('an order cancelled while its pick lists are built', () => {
  it('cancel first (not yet committed), then the build: no line is made for the cancelled order', async () => {
    const orderId = `ord_cr_a${Date.now()}`;
    const waited = !(await overlapped(db,
      (tx) => picking.orderCancelled(tx, orderId, {}),
      () => db.tx((tx) => picking.createFromReservations(tx, reservedFor(orderId), {})),
    ));
    expect({ pending: await pendingLines(orderId), open: await openLists(orderId) }).toEqual({ pending: 0, open: 0 });
    expect(waited).toBe(true);
  });

  it('build first (not yet committed), then the cancel: the cancel withdraws the line once the build commits', async () => {
    const orderId = `ord_cr_b${Date.now()}`;
    const waited = !(await overlapped(db,
      (tx) => picking.createFromReservations(tx, reservedFor(orderId), {}),
      () => db.tx((tx) => picking.orderCancelled(tx, orderId, {})),
    ));
    expect({ pending: await pendingLines(orderId), open: await openLists(orderId) }).toEqual({ pending: 0, open: 0 });
    expect(waited).toBe(true);
  });

  it('two builds of one order at once (a short\'s re-reservation beside its wave) do not wait for each other', async () => {
    const orderId = `ord_cr_c${Date.now()}`;
    const finished = await overlapped(db,
      (tx) => picking.createFromReservations(tx, reservedFor(orderId), {}),
      () => db.tx((tx) => picking.createFromReservations(tx, reservedFor(orderId), {})),
    );
    expect(finished).toBe(true);
    expect(await pendingLines(orderId)).toBe(2);
  });
});

const listPriority = async (orderId: string): Promise<number[]> =>
  (await db.query<{ priority: number }>(`SELECT priority FROM picking.pick_lists WHERE $1 = ANY(order_ids) ORDER BY id`, [orderId])).map((r) => r.priority);

/**
 * The same write skew with a reprioritise (orders' topic) instead of a cancel: before the fix the build read the old
 * priority (the reprioritise not yet committed) and the reprioritise found no open list (the build not yet committed),
 * so the list and its PICK task kept the old priority for good.
 */
describe('an order reprioritised while its pick lists are built', () => {
  it('reprioritise first (not yet committed), then the build: the list is built with the new priority', async () => {
    const orderId = `ord_cr_d${Date.now()}`;
    await db.tx((tx) => picking.savePriority(tx, orderId, 5));
    const waited = !(await overlapped(db,
      (tx) => picking.orderReprioritised(tx, orderId, 1, {}),
      () => db.tx((tx) => picking.createFromReservations(tx, reservedFor(orderId), {})),
    ));
    expect(await listPriority(orderId)).toEqual([1]);
    expect(waited).toBe(true);
  });

  it('build first (not yet committed), then the reprioritise: the built list takes the new priority', async () => {
    const orderId = `ord_cr_e${Date.now()}`;
    await db.tx((tx) => picking.savePriority(tx, orderId, 5));
    const waited = !(await overlapped(db,
      (tx) => picking.createFromReservations(tx, reservedFor(orderId), {}),
      () => db.tx((tx) => picking.orderReprioritised(tx, orderId, 1, {})),
    ));
    expect(await listPriority(orderId)).toEqual([1]);
    expect(waited).toBe(true);
  });
});
