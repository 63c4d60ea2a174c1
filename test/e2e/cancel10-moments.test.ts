/**
 * A black-box hunt of cancels at moments the other cancel files leave out (cancel10, 2026-12-07), each a Promise.all
 * race of the cancel and the step's own action at varied delays, then the invariants: the cancelled order holds
 * nothing but the units in its tote under returns (put back once), nothing of it is left live (list, task,
 * reservation, recovery), the other orders go on whole, the events are not doubled, the ledger is conserved. The races:
 * a shipComplete order waiting for a SHORT_PICK replenishment and the REPLENISH confirm that would re-reserve it; the
 * batch (cart) release of a wave of two orders and the cancel of one; an order its release could not reserve (its face
 * blocked), back BACKORDERED, and the unblock that would allocate it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, until, untilPooled, type PickLine } from '../support/flow-driver.ts';
import { badAnswers, startRaceSite, type Answer, type RaceSite } from '../support/races.ts';

let s: RaceSite;
let reserves: { id: string; code: string }[];
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

beforeAll(async () => {
  s = await startRaceSite({ siteCode: 'CANTEN', aisles: 1, bays: 12, levels: 2, skus: 12 });
  reserves = (await s.t.get(`/api/v1/sites/${s.w.siteId}/locations?type=RESERVE&limit=500`)).body.items;
}, 120_000);
afterAll(async () => s.t.close());

async function openOf(orderId: string): Promise<Record<string, number>> {
  const [row] = await s.t.app.db.query<Record<string, number>>(`
    SELECT (SELECT COALESCE(sum(allocated), 0) FROM inventory.allocations WHERE order_id = $1 AND status = 'ALLOCATED')::int AS allocated,
           (SELECT count(*) FROM inventory.reservations WHERE order_id = $1 AND status = 'OPEN')::int AS reservations,
           (SELECT count(*) FROM inventory.short_recoveries WHERE order_id = $1 AND status = 'WAITING')::int AS waiting_recoveries,
           (SELECT count(*) FROM picking.pick_lists WHERE $1 = ANY(order_ids) AND status IN ('CREATED', 'IN_PROGRESS'))::int AS open_lists,
           (SELECT count(*) FROM picking.pick_lists l JOIN tasks.tasks k ON k.reference = l.id
             WHERE $1 = ANY(l.order_ids) AND cardinality(l.order_ids) = 1 AND k.status NOT IN ('COMPLETED', 'CANCELLED'))::int AS open_tasks,
           (SELECT count(*) FROM waves.order_pool WHERE order_id = $1)::int AS pooled,
           (SELECT COALESCE(sum(on_hand), 0) FROM inventory.balances WHERE location_id = 'IN_PROCESS:' || $1)::int AS in_tote,
           (SELECT COALESCE(sum(quantity - returned), 0) FROM inventory.returns WHERE order_id = $1 AND status = 'OPEN')::int AS open_returns,
           (SELECT count(*) FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1)::int AS cancelled_events,
           (SELECT count(*) FROM platform.dead_letters)::int AS dead_letters`, [orderId]);
  return row!;
}

/** What a cancelled order may still hold: only its tote units, each under an open return; one cancel announced. */
function leftOver(open: Record<string, number>): boolean {
  return open.allocated !== 0 || open.reservations !== 0 || open.waiting_recoveries !== 0 || open.open_lists !== 0 || open.open_tasks !== 0
    || open.pooled !== 0 || open.in_tote !== open.open_returns || open.cancelled_events !== 1 || open.dead_letters !== 0;
}

async function confirm(listId: string, l: PickLine, quantity: number, tote: string): Promise<Answer> {
  return s.t.post(`/api/v1/pick-lists/${listId}/lines/${l.id}/confirm`, {
    locationCode: l.locationCode ?? l.locationId, barcode: l.expectedBarcode ?? l.sku, quantity, toteId: tote,
  }, 'operator');
}

/** Every OPEN return to stock of the order confirmed at its suggested location (its units put back). */
async function putBack(orderId: string): Promise<void> {
  const { t, w } = s;
  for (const r of (await t.get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${orderId}`)).body.items as { id: string; status: string; suggestedLocationId: string }[]) {
    if (r.status === 'OPEN') expect((await t.post(`/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId }, 'operator')).status).toBe(200);
  }
}

/** The next task of `type` taken and started by `worker`. */
async function takeTask(worker: string, type: string): Promise<{ id: string; reference: string; type: string }> {
  const next = await s.t.post('/api/v1/tasks/next', { workerId: worker, siteId: s.w.siteId, types: [type] }, 'operator');
  expect(next.status, JSON.stringify(next.body)).toBe(200);
  expect(next.body.type).toBe(type);
  expect((await s.t.post(`/api/v1/tasks/${next.body.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
  return next.body;
}

async function receive(sku: string, locationId: string, quantity: number): Promise<void> {
  expect((await s.t.post('/api/v1/inventory/receipts', { siteId: s.w.siteId, sku, locationId, quantity })).status).toBe(201);
}

async function planWave(orderIds: readonly string[]): Promise<{ id: string; orderIds: string[] }> {
  const { t, call, w } = s;
  for (const id of orderIds) await until('allocated', () => orderStatus(call, id), (x) => x === 'ALLOCATED');
  await t.settle();
  await untilPooled(call, w.siteId, orderIds);
  const wave = (await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 })).body;
  expect([...wave.orderIds].sort()).toEqual([...orderIds].sort());
  return wave;
}

describe('a shipComplete order waiting for its SHORT_PICK replenishment, cancelled as the REPLENISH task is confirmed', () => {
  it('ends CANCELLED holding nothing (no list, task or reservation made for it by the landing units), the replenishment done, its tote units put back once', async () => {
    const { t, call, w } = s;
    const problems: string[] = [];
    for (let round = 0; round < 6; round++) {
      const sku = w.products[round]!.sku;
      const face = w.storage[round]!;
      const reserve = reserves[round]!;
      await receive(sku, face.id, 2);
      const order = await t.post('/api/v1/orders', { externalId: `C10-RP-${round}`, siteId: w.siteId, carrier: 'OWN_FLEET', shipComplete: true, shipTo: SHIP_TO, lines: [{ sku, quantity: 2 }] });
      expect(order.status).toBe(201);
      const id = order.body.id as string;
      const wave = await planWave([id]);
      expect((await t.post(`/api/v1/waves/${wave.id}/release`, {})).status).toBe(200);
      await t.settle();
      // The reserve holds units nobody may pick (blocked): the short cannot be re-reserved there, a replenishment is asked.
      await receive(sku, reserve.id, 10);
      expect((await t.post(`/api/v1/locations/${reserve.id}/block`, { reason: 'racking inspection' })).status).toBe(200);
      await t.settle();
      const worker = `c10-rp-${round}`;
      const task = await takeTask(worker, 'PICK');
      const list = (await t.get(`/api/v1/pick-lists/${task.reference}`)).body as { id: string; lines: PickLine[] };
      const line = list.lines[0]!;
      expect((await confirm(list.id, line, 1, `T-C10-RP-${round}`)).status).toBe(200);
      expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' }, 'operator')).status).toBe(200);
      await t.post(`/api/v1/tasks/${task.id}/complete`, { workerId: worker }, 'operator');
      await t.settle();
      const rpl = ((await t.get(`/api/v1/replenishments?siteId=${w.siteId}&limit=500`)).body.items as { id: string; sku: string; status: string; trigger: string }[])
        .find((r) => r.sku === sku && r.status === 'OPEN');
      expect(rpl).toMatchObject({ trigger: 'SHORT_PICK' });
      await until('held for stock', () => orderStatus(call, id), (x) => x === 'BACKORDERED');
      const replenish = await takeTask(`${worker}-r`, 'REPLENISH');
      expect(replenish.reference).toBe(rpl!.id);
      const got = await Promise.all([
        pause((round % 3) * 7).then(() => t.post(`/api/v1/orders/${id}/cancel`, { reason: 'race' })),
        pause(((round + 1) % 3) * 7).then(() => t.post(`/api/v1/replenishments/${rpl!.id}/confirm`, { locationCode: face.code }, 'operator')),
      ]);
      problems.push(...badAnswers(`round ${round}`, got));
      if (got[0].status !== 200 || got[1].status !== 200) problems.push(`round ${round}: ${got.map((x) => `${x.status} ${JSON.stringify(x.body).slice(0, 200)}`).join(' | ')}`);
      await t.settle();
      await pause(300);
      await t.settle();
      const open = await openOf(id);
      const status = await orderStatus(call, id);
      const rplStatus = (await t.get(`/api/v1/replenishments/${rpl!.id}`)).body.status;
      const rplTask = (await t.get(`/api/v1/tasks/${replenish.id}`)).body.status;
      if (status !== 'CANCELLED' || leftOver(open) || rplStatus !== 'COMPLETED' || rplTask !== 'COMPLETED') {
        problems.push(`round ${round}: ${JSON.stringify({ status, open, rplStatus, rplTask })}`);
      }
      await putBack(id);
      expect((await t.post(`/api/v1/locations/${reserve.id}/unblock`, {})).status).toBe(200);
      await t.settle();
      await expectLedgerConserved(t, w.siteId);
    }
    expect(problems).toEqual([]);
  }, 240_000);
});

describe('the batch (cart) release of a wave of two orders, raced with the cancel of one', () => {
  it('the other order is picked whole, the list and its task close, the wave completes; the cancelled one holds nothing but its return', async () => {
    const { t, call, w } = s;
    const problems: string[] = [];
    for (let round = 0; round < 8; round++) {
      const sku = w.products[6 + (round % 2)]!.sku;
      await receive(sku, w.storage[6 + (round % 2)]!.id, 4);
      const a = await createOrder(call, w.siteId, { externalId: `C10-BA-${round}`, lines: [{ sku, quantity: 2 }] });
      const b = await createOrder(call, w.siteId, { externalId: `C10-BB-${round}`, lines: [{ sku, quantity: 2 }] });
      const wave = await planWave([a.id, b.id]);
      const got = await Promise.all([
        pause((round % 4) * 4).then(() => t.post(`/api/v1/orders/${a.id}/cancel`, { reason: 'race' })),
        pause((3 - (round % 4)) * 4).then(() => t.post(`/api/v1/waves/${wave.id}/release`, { pickStrategy: 'batch' })),
      ]);
      problems.push(...badAnswers(`round ${round}`, got));
      if (got[0].status !== 200) problems.push(`round ${round}: cancel ${got[0].status} ${JSON.stringify(got[0].body)}`);
      await t.settle();
      const released = got[1].status === 200;
      if (!released) {
        // The cancel left B alone in its wave: released then.
        const again = await t.post(`/api/v1/waves/${wave.id}/release`, { pickStrategy: 'batch' });
        if (again.status !== 200) problems.push(`round ${round}: release ${got[1].status} ${JSON.stringify(got[1].body)}, again ${again.status} ${JSON.stringify(again.body)}`);
        await t.settle();
      }
      // The picker works every task of the wave: every line still PENDING confirmed whole (a's refused once cancelled).
      const worker = `c10-ba-${round}`;
      for (let n = 0; n < 4; n++) {
        const next = await t.post('/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }, 'operator');
        if (next.status !== 200 || next.body?.id === undefined) break;
        expect((await t.post(`/api/v1/tasks/${next.body.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
        const list = (await t.get(`/api/v1/pick-lists/${next.body.reference}`)).body as { id: string; lines: PickLine[] };
        for (const l of list.lines.filter((x) => x.status === 'PENDING')) {
          const c = await confirm(list.id, l, l.quantity - l.picked, `T-C10-BA-${round}`);
          if (c.status !== 200 && !(l.orderId === a.id && c.status === 409)) problems.push(`round ${round}: confirm of ${l.orderId === a.id ? 'A' : 'B'} ${c.status} ${JSON.stringify(c.body)}`);
        }
        await t.settle();
        await t.post(`/api/v1/tasks/${next.body.id}/complete`, { workerId: worker }, 'operator');
        await t.settle();
      }
      await until('B picked', () => orderStatus(call, b.id), (x) => x === 'PICKED', 10_000).catch(() => undefined);
      const bStatus = await orderStatus(call, b.id);
      const bLines = (await t.get(`/api/v1/orders/${b.id}`)).body.lines as { picked: number; ordered: number }[];
      const waveStatus = (await t.get(`/api/v1/waves/${wave.id}`)).body.status;
      const lists = await t.app.db.query<{ id: string; status: string }>(`SELECT id, status FROM picking.pick_lists WHERE wave_id = $1`, [wave.id]);
      const open = await openOf(a.id);
      if (bStatus !== 'PICKED' || bLines[0]!.picked !== 2 || waveStatus !== 'COMPLETED' || lists.some((l) => l.status === 'CREATED' || l.status === 'IN_PROGRESS')
        || await orderStatus(call, a.id) !== 'CANCELLED' || leftOver(open)) {
        problems.push(`round ${round}: ${JSON.stringify({ bStatus, bLines, waveStatus, lists, open, answers: got.map((x) => `${x.status}${x.body?.code ?? ''}`) })}`);
      }
      await putBack(a.id);
      await t.post(`/api/v1/orders/${b.id}/cancel`, { reason: 'done with it' });
      await t.settle();
      await putBack(b.id);
      await t.settle();
      await expectLedgerConserved(t, w.siteId);
    }
    expect(problems).toEqual([]);
  }, 240_000);
});

describe('an order its release could not reserve (its face blocked), back BACKORDERED, cancelled as the face is unblocked', () => {
  it('ends CANCELLED holding nothing: not allocated, pooled nor waved again by the units the unblock frees', async () => {
    const { t, call, w } = s;
    const problems: string[] = [];
    for (let round = 0; round < 6; round++) {
      const sku = w.products[8 + (round % 4)]!.sku;
      const face = w.storage[8 + (round % 4)]!;
      await receive(sku, face.id, 2);
      const order = await createOrder(call, w.siteId, { externalId: `C10-UB-${round}`, lines: [{ sku, quantity: 2 }] });
      const wave = await planWave([order.id]);
      expect((await t.post(`/api/v1/locations/${face.id}/block`, { reason: 'spill' })).status).toBe(200);
      await t.settle();
      expect((await t.post(`/api/v1/waves/${wave.id}/release`, {})).status).toBe(200);
      await t.settle();
      await until('sent back', () => orderStatus(call, order.id), (x) => x === 'BACKORDERED');
      const got = await Promise.all([
        pause((round % 3) * 5).then(() => t.post(`/api/v1/orders/${order.id}/cancel`, { reason: 'race' })),
        pause(((round + 2) % 3) * 5).then(() => t.post(`/api/v1/locations/${face.id}/unblock`, {})),
      ]);
      problems.push(...badAnswers(`round ${round}`, got));
      if (got[0].status !== 200 || got[1].status !== 200) problems.push(`round ${round}: ${got.map((x) => `${x.status} ${JSON.stringify(x.body).slice(0, 200)}`).join(' | ')}`);
      await t.settle();
      await pause(300);
      await t.settle();
      const open = await openOf(order.id);
      const status = await orderStatus(call, order.id);
      const atp = (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0] as { allocated: number };
      if (status !== 'CANCELLED' || leftOver(open) || atp.allocated !== 0) problems.push(`round ${round}: ${JSON.stringify({ status, open, atp })}`);
      await expectLedgerConserved(t, w.siteId);
    }
    expect(problems).toEqual([]);
  }, 240_000);
});

describe('afterwards, across every order of the hunt', () => {
  it('no cancelled order has anything left running: saga, task, list, reservation, wave, return, exception, dead letter', async () => {
    const { t, w } = s;
    await t.settle();
    const read = () => t.app.db.query<{ id: string; status: string; saga: string | null; tasks: number; lists: number; reservations: number; returns: number; exceptions: number }>(`
      SELECT o.id, o.status,
             (SELECT string_agg(g.type || ':' || g.status, ',') FROM orchestration.sagas g WHERE g.key = o.id AND g.status IN ('RUNNING', 'COMPENSATING', 'FAILED')) AS saga,
             (SELECT count(*) FROM tasks.tasks k WHERE k.status NOT IN ('COMPLETED', 'CANCELLED') AND k.type <> 'MOVE'
                AND (k.reference = o.id OR k.reference IN (SELECT id FROM picking.pick_lists WHERE o.id = ANY(order_ids) AND cardinality(order_ids) = 1)))::int AS tasks,
             (SELECT count(*) FROM picking.pick_lists l WHERE o.id = ANY(l.order_ids) AND l.status IN ('CREATED', 'IN_PROGRESS'))::int AS lists,
             (SELECT count(*) FROM inventory.reservations r WHERE r.order_id = o.id AND r.status = 'OPEN')::int AS reservations,
             (SELECT count(*) FROM inventory.returns r WHERE r.order_id = o.id AND r.status = 'OPEN')::int AS returns,
             (SELECT count(*) FROM orchestration.exceptions x WHERE x.subject = o.id AND x.status = 'OPEN')::int AS exceptions
        FROM orders.orders o WHERE o.site_id = $1 AND o.status = 'CANCELLED'`, [w.siteId]);
    let rows = await read();
    for (let i = 0; i < 30 && rows.some((r) => r.saga !== null); i++) {
      await pause(500);
      rows = await read();
    }
    expect(rows.filter((r) => r.saga !== null || r.tasks > 0 || r.lists > 0 || r.reservations > 0 || r.returns > 0 || r.exceptions > 0)).toEqual([]);
    const lines = await t.app.db.query(`SELECT o.id, o.external_id, l.sku, l.ordered, l.picked, l.shorted, l.short_at_pack, l.cancelled, l.shipped
        FROM orders.order_lines l JOIN orders.orders o ON o.id = l.order_id
       WHERE o.site_id = $1 AND o.status = 'CANCELLED' AND l.shipped + l.cancelled + l.shorted + l.short_at_pack <> l.ordered`, [w.siteId]);
    expect(lines.map((l) => JSON.stringify(l))).toEqual([]);
    const waves = await t.app.db.query<{ id: string; status: string }>(`SELECT id, status FROM waves.waves WHERE site_id = $1 AND status NOT IN ('COMPLETED', 'CANCELLED')`, [w.siteId]);
    expect(waves).toEqual([]);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
    await expectLedgerConserved(t, w.siteId);
  }, 60_000);
});
