/**
 * Stock freed or taken away at the moment orders arrive (the stock hunt of 2026-12-07): a hold released, a location
 * unblocked, a safety stock lowered, an allocated order cancelled, a count closed, units received or brought from the
 * dock — each fired together with orders for the units it frees; and blocks, holds, moves to the dock, removals, counts
 * and safety stock raised fired together with orders for the units they take. Whatever wins: every answer is a success
 * or a coded 4xx, no order waits BACKORDERED while ATP covers it, and once nothing is blocked the stock rules hold
 * (allocated ≤ pickable AVAILABLE on-hand). A fresh SKU per round. PAKLOG_RACE_SEED=<seed> replays the delays.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { type Call, type Warehouse } from '../support/flow-driver.ts';
import { badAnswers, startRaceSite, type Answer } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
let reserves: { id: string; code: string }[] = [];
let seq = 0;
beforeAll(async () => {
  ({ t, call, w, dock } = await startRaceSite({ siteCode: 'SFRACE', aisles: 2, bays: 5, levels: 2, skus: 0 }));
  expect(w.storage.length).toBeGreaterThanOrEqual(8);
  reserves = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RESERVE&limit=500`)).body.items;
  expect(reserves.length).toBeGreaterThanOrEqual(4);
}, 60_000);
afterAll(async () => t.close());

const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 20261207);
const random = mulberry32(SEED);
const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 8)));
const ROUNDS = Number(process.env.SFR_ROUNDS ?? 5);

async function newSku(): Promise<string> {
  const sku = `SFR-${++seq}`;
  expect((await t.post('/api/v1/products', { sku, description: sku, uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 200 })).status).toBe(201);
  return sku;
}

const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
const order = (sku: string, quantity: number) => call('order', 'POST', '/api/v1/orders', {
  externalId: `SFR-O-${++seq}`, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku, quantity }],
});
const receive = (sku: string, location: { id: string }, quantity: number) =>
  call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: location.id, quantity });
const hold = (sku: string, location: { id: string }, quantity: number) =>
  call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: location.id, quantity, status: 'QUARANTINE', reason: 'race' });
const releaseHold = (sku: string, location: { id: string }, quantity: number) =>
  call('release', 'POST', '/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: location.id, quantity, fromStatus: 'QUARANTINE', reason: 'race' });
const safety = (sku: string, quantity: number): Promise<Answer> => t.request('PUT', `/api/v1/inventory/safety-stock/${w.siteId}/${sku}`, { body: { quantity } });
const block = (location: { id: string }) => call('block', 'POST', `/api/v1/locations/${location.id}/block`, { reason: 'race' });
const unblock = (location: { id: string }) => call('unblock', 'POST', `/api/v1/locations/${location.id}/unblock`, {});
const move = (sku: string, from: { id: string }, to: { id: string }, quantity: number) =>
  call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity, fromLocationId: from.id, toLocationId: to.id });
const adjust = (sku: string, location: { id: string }, delta: number) =>
  call('adjust', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: location.id, delta, reason: delta < 0 ? 'DAMAGED' : 'FOUND' });
const cancel = (id: string) => call('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'race' });
const openCount = (sku: string, location: { id: string }) => call('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [location.id] });

async function ok(a: Promise<Answer>, status = 201): Promise<any> {
  const res = await a;
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
}

interface Atp { onHandAvailable: number; unpickable: number; allocated: number; safetyStock: number; atp: number }
async function atpOf(sku: string): Promise<Atp> {
  return (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`, 'viewer')).body.items[0];
}

/** The orders of `ids` still BACKORDERED though ATP covers their (single) line: the stock freed was never offered to them. */
async function strandedBackorders(sku: string, orders: readonly { id: string; quantity: number }[]): Promise<string[]> {
  await t.settle();
  const atp = await atpOf(sku);
  const problems: string[] = [];
  for (const o of orders) {
    const status = (await call<{ status: string }>('order', 'GET', `/api/v1/orders/${o.id}`)).body.status;
    if (status === 'BACKORDERED' && o.quantity <= atp.atp) problems.push(`${sku}: order of ${o.quantity} BACKORDERED while ATP is ${JSON.stringify(atp)}`);
  }
  return problems;
}

type Freeing = { name: string; setUp: (sku: string, slot: { id: string }) => Promise<() => Promise<Answer>> };
const FREEING: readonly Freeing[] = [
  { name: 'a hold released', setUp: async (sku, slot) => { await ok(hold(sku, slot, 6)); return () => releaseHold(sku, slot, 6); } },
  { name: 'the location unblocked', setUp: async (_sku, slot) => { await ok(block(slot), 200); return () => unblock(slot); } },
  { name: 'the safety stock lowered', setUp: async (sku) => { await ok(safety(sku, 6), 200); return () => safety(sku, 0); } },
  { name: 'the safety stock cleared', setUp: async (sku) => { await ok(safety(sku, 6), 200); return () => t.request('DELETE', `/api/v1/inventory/safety-stock/${w.siteId}/${sku}`); } },
  {
    name: 'an allocated order cancelled', setUp: async (sku) => {
      const first = await ok(order(sku, 6));
      await t.settle();
      return () => cancel(first.id);
    },
  },
  {
    name: 'units brought from the dock', setUp: async (sku, slot) => {
      await ok(adjust(sku, slot, -6));
      await ok(receive(sku, dock, 6));
      return () => move(sku, dock, slot, 6);
    },
  },
  { name: 'units received', setUp: async (sku, slot) => { await ok(adjust(sku, slot, -6)); return () => receive(sku, slot, 6); } },
  {
    name: 'units of an allocated order\'s line cancelled', setUp: async (sku) => {
      const first = await ok(order(sku, 6));
      await t.settle();
      return () => call('line cancel', 'POST', `/api/v1/orders/${first.id}/lines/${first.lines[0].id}/cancel`, { quantity: 6, reason: 'race' });
    },
  },
  {
    name: 'a count closed at the location', setUp: async (sku, slot) => {
      const counts = await ok(openCount(sku, slot));
      const id = counts.items[0].id as string;
      return () => call('submit', 'POST', `/api/v1/inventory/counts/${id}/submit`, { attempt: 1, quantity: 6, workerId: 'counter' });
    },
  },
  {
    name: 'a replenishment from a blocked reserve confirmed', setUp: async (sku, slot) => {
      await ok(adjust(sku, slot, -6));
      const reserve = reserves[seq % reserves.length]!;
      await ok(receive(sku, reserve, 6));
      const rpl = await ok(call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, sku, locationId: slot.id, quantity: 6 }));
      await ok(block(reserve), 200);
      return async () => {
        const done = await call('confirm', 'POST', `/api/v1/replenishments/${rpl.id}/confirm`, { locationId: slot.id });
        await unblock(reserve);
        return done;
      };
    },
  },
  {
    name: 'a putaway confirmed', setUp: async (sku, slot) => {
      await ok(adjust(sku, slot, -6));
      const asn = await ok(call('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity: 6 }] }));
      const booked = await ok(call('receipt', 'POST', `/api/v1/inventory/asns/${asn.id}/receipts`, { sku, quantity: 6, locationId: dock.id }));
      return () => call('putaway', 'POST', `/api/v1/inventory/putaways/${booked.putaway.id}/confirm`, { locationId: slot.id });
    },
  },
  { name: 'units found', setUp: async (sku, slot) => { await ok(adjust(sku, slot, -6)); return () => adjust(sku, slot, 6); } },
];

for (const f of FREEING) {
  it(`${f.name} while orders for its units arrive: no order waits BACKORDERED for units ATP offers (seed ${SEED})`, async () => {
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sku = await newSku();
      const slot = w.storage[(round + seq) % w.storage.length]!;
      await ok(receive(sku, slot, 6));
      const free = await f.setUp(sku, slot);
      await t.settle();
      expect((await atpOf(sku)).atp, `${f.name}: set up`).toBe(0);
      const sizes = [2, 2, 2];
      const answers = await Promise.all([
        (async () => { await pause(); return free(); })(),
        ...sizes.map(async (q) => { await pause(); return order(sku, q); }),
      ]);
      problems.push(...badAnswers(`${f.name} round ${round}`, answers));
      expect(answers[0].status, JSON.stringify(answers[0].body)).toBeLessThan(300);
      const created = answers.slice(1).map((a, i) => ({ id: a.body.id as string, quantity: sizes[i]! }));
      problems.push(...await strandedBackorders(sku, created));
    }
    expect(problems).toEqual([]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true });
  });
}

it(`blocks, holds, moves to the dock, removals and counts fired with orders for the same units: once unblocked, nothing is promised that no face holds (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const sku = await newSku();
    const a = w.storage[(round * 2) % w.storage.length]!;
    const b = w.storage[(round * 2 + 1) % w.storage.length]!;
    await ok(receive(sku, a, 4));
    await ok(receive(sku, b, 4));
    await t.settle();
    const takers: (() => Promise<Answer>)[] = [
      () => block(a),
      () => hold(sku, b, 2),
      () => move(sku, b, dock, 2),
      () => adjust(sku, a, -1),
      () => safety(sku, 3),
      () => openCount(sku, b),
    ];
    const answers = await Promise.all([
      ...takers.map(async (op) => { await pause(); return op(); }),
      ...[2, 2, 2].map(async (q) => { await pause(); return order(sku, q); }),
    ]);
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    // Nothing blocked nor counted any more: cancel the count, unblock the location.
    const counts = (await call<{ items: { id: string; status: string }[] }>('counts', 'GET', `/api/v1/inventory/counts?siteId=${w.siteId}&locationId=${b.id}&sku=${sku}`)).body.items;
    const atB = (await t.getAll<{ locationId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`))
      .filter((x) => x.locationId === b.id).reduce((s, x) => s + x.onHand, 0);
    for (const c of counts.filter((x) => x.status === 'OPEN')) {
      const submitted = await call('submit', 'POST', `/api/v1/inventory/counts/${c.id}/submit`, { attempt: 1, quantity: atB, workerId: 'counter' });
      problems.push(...badAnswers(`round ${round} count`, [submitted]));
    }
    if (answers[0]!.status === 200) await ok(unblock(a), 200);
    await t.settle();
    const atp = await atpOf(sku);
    if (atp.allocated > atp.onHandAvailable - atp.unpickable) {
      problems.push(`round ${round}: ${JSON.stringify(atp)} after ${answers.map((x) => `${x.status} ${x.body.code ?? ''}`).join(', ')}`);
    }
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true });
});

/**
 * A shipComplete order's short (NOT_FOUND, no other location holds the units) fired with the freeing of units
 * elsewhere: the short is re-reserved there, or it waits for stock only while ATP has none for it.
 */
const SHORT_FREEING: readonly { name: string; setUp: (sku: string, b: { id: string }) => Promise<() => Promise<Answer>> }[] = [
  { name: 'a hold released', setUp: async (sku, b) => { await ok(receive(sku, b, 1)); await ok(hold(sku, b, 1)); return () => releaseHold(sku, b, 1); } },
  { name: 'a location unblocked', setUp: async (sku, b) => { await ok(receive(sku, b, 1)); await ok(block(b), 200); return () => unblock(b); } },
  { name: 'units received', setUp: async (sku, b) => () => receive(sku, b, 1) },
  { name: 'units brought from the dock', setUp: async (sku, b) => { await ok(receive(sku, dock, 1)); return () => move(sku, dock, b, 1); } },
  { name: 'the safety stock lowered', setUp: async (sku, b) => { await ok(receive(sku, b, 1)); await ok(safety(sku, 1), 200); return () => safety(sku, 0); } },
];

for (const f of SHORT_FREEING) {
  it(`a shipComplete order's short pick fired with ${f.name} elsewhere: re-reserved there, or waiting only while nothing is free (seed ${SEED})`, async () => {
    const problems: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const sku = await newSku();
      const a = w.storage[(seq * 3) % w.storage.length]!;
      const b = w.storage[(seq * 3 + 1) % w.storage.length]!;
      await ok(receive(sku, a, 2));
      const free = await f.setUp(sku, b);
      const created = await ok(call('order', 'POST', '/api/v1/orders', {
        externalId: `SFR-O-${++seq}`, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku, quantity: 2 }], shipComplete: true, priority: 1,
      }));
      await t.settle();
      expect((await call<{ status: string }>('order', 'GET', `/api/v1/orders/${created.id}`)).body.status).toBe('ALLOCATED');
      const wave = await ok(call('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 1 }));
      expect(wave.orderIds).toEqual([created.id]);
      await ok(call('release', 'POST', `/api/v1/waves/${wave.id}/release`, {}), 200);
      await t.settle();
      const worker = `sfr-w${seq}`;
      const next = await ok(call('next', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }), 200);
      await ok(call('start', 'POST', `/api/v1/tasks/${next.id}/start`, { workerId: worker }), 200);
      const list = (await call<any>('list', 'GET', `/api/v1/pick-lists/${next.reference}`)).body;
      const line = list.lines[0];
      expect(line.sku).toBe(sku);
      await ok(call('confirm', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
        locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: `SFR-T-${seq}`,
      }), 200);
      const answers = await Promise.all([
        (async () => { await pause(); return call('short', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'NOT_FOUND' }); })(),
        // The short is heard by inventory a few milliseconds after its answer: the freeing lands before, with, or after it.
        (async () => { await new Promise((r) => setTimeout(r, round * 8 + Math.floor(random() * 8))); return free(); })(),
      ]);
      problems.push(...badAnswers(`${f.name} round ${round}`, answers));
      expect(answers.map((x) => x.status < 300), JSON.stringify(answers.map((x) => x.body))).toEqual([true, true]);
      await call('complete', 'POST', `/api/v1/tasks/${next.id}/complete`, { workerId: worker });
      await t.settle();
      const status = (await call<{ status: string; backorderReason: string | null }>('order', 'GET', `/api/v1/orders/${created.id}`)).body;
      const atp = await atpOf(sku);
      if (process.env.SFR_LOG) console.log(f.name, round, status.status, status.backorderReason, JSON.stringify(atp), answers.map((x) => x.status));
      if (status.status === 'BACKORDERED' && atp.atp >= 1) problems.push(`${f.name} round ${round}: order ${JSON.stringify(status)} waits while ATP is ${JSON.stringify(atp)}`);
      // The round's order leaves (its picked unit goes back to stock), so the next round's wave plans its own.
      const cancelled = await call('cancel', 'POST', `/api/v1/orders/${created.id}/cancel`, { reason: 'round over' });
      problems.push(...badAnswers(`${f.name} round ${round} cancel`, [cancelled]));
      await t.settle();
    }
    expect(problems).toEqual([]);
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });
}

it(`a two-line order whose allocated line is cancelled whole while stock of its backordered line arrives: allocated once the units are there (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [x, y] = [await newSku(), await newSku()];
    const slot = w.storage[(seq * 5) % w.storage.length]!;
    await ok(receive(y, slot, 1));
    const created = await ok(call('order', 'POST', '/api/v1/orders', {
      externalId: `SFR-O-${++seq}`, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku: x, quantity: 2 }, { sku: y, quantity: 1 }],
    }));
    await t.settle();
    expect((await call<{ status: string }>('order', 'GET', `/api/v1/orders/${created.id}`)).body.status).toBe('BACKORDERED');
    const yLine = created.lines.find((l: { sku: string }) => l.sku === y);
    const answers = await Promise.all([
      (async () => { await pause(); return call('line cancel', 'POST', `/api/v1/orders/${created.id}/lines/${yLine.id}/cancel`, { reason: 'race' }); })(),
      (async () => { await new Promise((r) => setTimeout(r, round * 6)); return receive(x, slot, 2); })(),
    ]);
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const status = (await call<{ status: string }>('order', 'GET', `/api/v1/orders/${created.id}`)).body.status;
    if (status !== 'ALLOCATED') problems.push(`round ${round}: ${status} with ${JSON.stringify(await atpOf(x))} after ${answers.map((a) => a.status).join(', ')}`);
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

/**
 * Random stock control the property test (inventory-properties) does not send — blocks and unblocks, safety stock up
 * and down, line cancels, moves to and from the dock, counts opened and submitted — raced with holds, adjustments,
 * receipts, orders and cancels of two SKUs by four clients. After each round everything is let go (unblocked, counts
 * submitted as found, safety stock cleared): nothing is promised that no face holds, and no order waits BACKORDERED for
 * units ATP offers.
 */
it(`random stock control raced with orders and cancels: once let go, allocations are covered and backorders served (seed ${SEED})`, async () => {
  const rnd = mulberry32(SEED + 1);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const problems: string[] = [];
  const ROUNDS_P = Number(process.env.SFR_PROP_ROUNDS ?? 6);
  for (let round = 0; round < ROUNDS_P; round++) {
    const skus = [await newSku(), await newSku()];
    const locs = [0, 1, 2, 3].map((i) => w.storage[(round * 4 + i + 20) % w.storage.length]!);
    for (const sku of skus) for (const l of locs.slice(0, 3)) await ok(receive(sku, l, 3));
    const orders: { id: string; sku: string; quantity: number; lineId: string }[] = [];
    const counts: string[] = [];
    await t.settle();
    const newOrder = async (sku: string, n: number): Promise<Answer> => {
      const res = await order(sku, n);
      if (res.status === 201) orders.push({ id: res.body.id, sku, quantity: n, lineId: res.body.lines[0].id });
      return res;
    };
    const command = async (): Promise<Answer> => {
      const sku = pick(skus);
      const l = pick(locs);
      const other = pick(locs.filter((x) => x !== l));
      const n = 1 + Math.floor(rnd() * 3);
      switch (Math.floor(rnd() * 16)) {
        case 0: case 1: case 2: return newOrder(sku, n);
        case 3: return orders.length === 0 ? newOrder(sku, 1) : cancel(pick(orders).id);
        case 4: {
          if (orders.length === 0) return newOrder(sku, 1);
          const o = pick(orders);
          return call('line cancel', 'POST', `/api/v1/orders/${o.id}/lines/${o.lineId}/cancel`, { quantity: 1, reason: 'race' });
        }
        case 5: return block(l);
        case 6: return unblock(l);
        case 7: return safety(sku, Math.floor(rnd() * 4));
        case 8: return hold(sku, l, n);
        case 9: return releaseHold(sku, l, n);
        case 10: return move(sku, l, rnd() < 0.5 ? dock : other, n);
        case 11: return move(sku, dock, l, n);
        case 12: return adjust(sku, l, rnd() < 0.5 ? -n : n);
        case 13: return receive(sku, rnd() < 0.5 ? dock : l, n);
        case 14: {
          const res = await call('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [l.id], toleranceUnits: 100 });
          if (res.status === 201) counts.push(...res.body.items.map((c: { id: string }) => c.id));
          return res;
        }
        default: {
          if (counts.length === 0) return receive(sku, l, 1);
          const id = pick(counts);
          const c = (await call<any>('count', 'GET', `/api/v1/inventory/counts/${id}`)).body;
          const books = await booksAt(c.sku, c.locationId);
          return call('submit', 'POST', `/api/v1/inventory/counts/${id}/submit`, { attempt: 1, quantity: Math.max(0, books + (rnd() < 0.5 ? 0 : -1)), workerId: 'counter' });
        }
      }
    };
    const answers = (await Promise.all([0, 1, 2, 3].map(async () => {
      const mine: Answer[] = [];
      for (let i = 0; i < 10; i++) {
        await new Promise((r) => setTimeout(r, Math.floor(rnd() * 5)));
        mine.push(await command());
      }
      return mine;
    }))).flat();
    problems.push(...badAnswers(`round ${round}`, answers));
    if (process.env.SFR_LOG) console.log(JSON.stringify(Object.entries(answers.reduce<Record<string, number>>((m, a) => { const k = `${a.status} ${a.body?.code ?? ''}`; m[k] = (m[k] ?? 0) + 1; return m; }, {}))));
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `round ${round}, raced` });
    // Let everything go: counts submitted as the books say, locations unblocked, safety stock cleared.
    for (const id of counts) {
      const c = (await call<any>('count', 'GET', `/api/v1/inventory/counts/${id}`)).body;
      if (c.status !== 'OPEN' && c.status !== 'RECOUNT') continue;
      const res = await call('submit', 'POST', `/api/v1/inventory/counts/${id}/submit`, { attempt: c.status === 'RECOUNT' ? 2 : 1, quantity: await booksAt(c.sku, c.locationId), workerId: c.status === 'RECOUNT' ? 'recounter' : 'counter' });
      if (res.status !== 200) problems.push(`round ${round}: closing count ${id} (${c.status}): ${res.status} ${JSON.stringify(res.body)}`);
    }
    for (const l of locs) await unblock(l);
    for (const sku of skus) await safety(sku, 0);
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true, when: `round ${round}, let go` });
    for (const sku of skus) {
      problems.push(...await strandedBackorders(sku, orders.filter((o) => o.sku === sku)));
      problems.push(...await apiDisagreements(sku, orders.filter((o) => o.sku === sku).map((o) => o.id)));
    }
  }
  expect(problems).toEqual([]);
});

/**
 * What the public API says of a SKU adds up, as a black-box client checks it: the summary's received − shipped +
 * adjusted = on-hand = Σ balances; ATP's AVAILABLE on-hand = Σ AVAILABLE balances; ATP's allocated = Σ what the
 * orders' lines say is allocated; a BACKORDERED order has a line with nothing allocated, an ALLOCATED one none.
 */
async function apiDisagreements(sku: string, orderIds: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  const summary = (await t.get(`/api/v1/inventory/summary?siteId=${w.siteId}&sku=${sku}`, 'viewer')).body.items[0];
  const balances = await t.getAll<{ onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  const atp = await atpOf(sku);
  const onHand = balances.reduce((n, b) => n + b.onHand, 0);
  const available = balances.filter((b) => b.status === 'AVAILABLE').reduce((n, b) => n + b.onHand, 0);
  if (summary.received - summary.shipped + summary.adjusted !== summary.onHand || summary.onHand !== onHand) {
    problems.push(`${sku}: summary ${JSON.stringify(summary)} vs Σ balances ${onHand}`);
  }
  if (atp.onHandAvailable !== available) problems.push(`${sku}: ATP ${JSON.stringify(atp)} vs Σ AVAILABLE balances ${available}`);
  let allocated = 0;
  for (const id of orderIds) {
    const o = (await call<{ status: string; lines: { sku: string; ordered: number; allocated: number; cancelled?: number }[] }>('order', 'GET', `/api/v1/orders/${id}`)).body;
    const lines = o.lines.filter((l) => l.sku === sku);
    allocated += lines.reduce((n, l) => n + l.allocated, 0);
    const open = lines.filter((l) => l.ordered - (l.cancelled ?? 0) > 0);
    if (o.status === 'ALLOCATED' && open.some((l) => l.allocated < l.ordered - (l.cancelled ?? 0))) problems.push(`${sku}: ALLOCATED order ${id} ${JSON.stringify(o.lines)}`);
    if (o.status === 'BACKORDERED' && open.every((l) => l.allocated === l.ordered - (l.cancelled ?? 0))) problems.push(`${sku}: BACKORDERED order ${id} ${JSON.stringify(o.lines)}`);
  }
  if (allocated !== atp.allocated) {
    problems.push(`${sku}: ATP allocated ${atp.allocated}, the orders' lines say ${allocated}`);
    if (process.env.SFR_LOG) {
      const rows = await t.app.db.query(`SELECT order_id, line_id, requested, allocated, status FROM inventory.allocations WHERE sku = $1 ORDER BY order_id`, [sku]);
      for (const r of rows as { order_id: string }[]) {
        const o = (await call<any>('order', 'GET', `/api/v1/orders/${r.order_id}`)).body;
        console.log('DIS', sku, JSON.stringify(r), o.status, JSON.stringify(o.lines), JSON.stringify(o.statusHistory));
      }
    }
  }
  return problems;
}

/** Every unit of the SKU at the location, any status (what a counter finds there when the books are right). */
async function booksAt(sku: string, locationId: string): Promise<number> {
  return (await t.getAll<{ locationId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`))
    .filter((b) => b.locationId === locationId).reduce((s, b) => s + b.onHand, 0);
}

it(`a backordered order cancelled as the stock it waits for arrives: the units go to the next order waiting, never to the cancelled one (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const sku = await newSku();
    const slot = w.storage[(seq * 7) % w.storage.length]!;
    const first = await ok(order(sku, 2));
    const second = await ok(order(sku, 2));
    await t.settle();
    const answers = await Promise.all([
      (async () => { await new Promise((r) => setTimeout(r, round % 2 === 0 ? Math.floor(random() * 4) : round * 3)); return cancel(first.id); })(),
      (async () => { await new Promise((r) => setTimeout(r, round % 2 === 1 ? Math.floor(random() * 4) : round * 3)); return receive(sku, slot, 2); })(),
    ]);
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const view = async (id: string) => (await call<{ status: string; lines: { allocated: number }[] }>('order', 'GET', `/api/v1/orders/${id}`)).body;
    const [fa, fb] = [await view(first.id as string), await view(second.id as string)];
    const atp = await atpOf(sku);
    const fine = answers[0].status === 200
      ? fa.status === 'CANCELLED' && fa.lines[0]!.allocated === 0 && fb.status === 'ALLOCATED' && atp.allocated === 2
      : fa.status === 'ALLOCATED' && fb.status === 'BACKORDERED';
    if (!fine) problems.push(`round ${round}: cancel ${answers[0].status} ${answers[0].body.code ?? ''}; first ${fa.status} ${JSON.stringify(fa.lines)}, second ${fb.status}; ATP ${JSON.stringify(atp)}`);
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true });
});

/** A CSV stock import (counted quantities, one transaction over many balances) sent as an admin. */
async function importStock(csv: string): Promise<Answer> {
  const res = await t.app.http.inject({ method: 'POST', url: `/api/v1/imports/stock?site=${w.siteId}`, headers: { 'x-api-key': t.keys.admin, 'content-type': 'text/csv' }, payload: csv });
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

it(`CSV stock imports over many shelves raced with holds, moves, adjustments, receipts and orders of the same SKUs: no deadlock answered 5xx, all or nothing, the books add up (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const skus = [await newSku(), await newSku()];
    const locs = [0, 1, 2].map((i) => w.storage[(round * 3 + i + 7) % w.storage.length]!);
    for (const sku of skus) for (const l of locs) await ok(receive(sku, l, 4));
    await t.settle();
    // Rows in one order, and the same rows reversed: the import's own lock order against the other commands'.
    const rows = skus.flatMap((sku) => locs.map((l) => `${sku},${l.code},${3 + (round % 3)}`));
    const csv = (r: readonly string[]) => `sku,location,quantity\n${r.join('\n')}\n`;
    const ops: (() => Promise<Answer>)[] = [
      () => importStock(csv(rows)),
      () => importStock(csv([...rows].reverse())),
      () => hold(skus[1]!, locs[2]!, 1),
      () => move(skus[0]!, locs[0]!, locs[2]!, 2),
      () => move(skus[1]!, locs[2]!, locs[0]!, 2),
      () => adjust(skus[0]!, locs[1]!, -1),
      () => order(skus[0]!, 3),
      () => order(skus[1]!, 3),
      () => receive(skus[1]!, locs[1]!, 2),
      () => releaseHold(skus[1]!, locs[2]!, 1),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    if (process.env.SFR_LOG) console.log('IMPORT', answers.map((a) => `${a.status} ${a.body.code ?? ''}${a.body.imported ?? ''}`).join(' | '));
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `round ${round}` });
    // An import answered 200 set every row it names, or none (a refusal): what the ledger holds of its movements says so.
    for (const [i, a] of answers.slice(0, 2).entries()) {
      if (a.status !== 200) continue;
      if (a.body.imported !== rows.length && a.body.rejected === 0) problems.push(`round ${round} import ${i}: ${JSON.stringify(a.body).slice(0, 300)}`);
    }
  }
  expect(problems).toEqual([]);
});
