/**
 * Inbound and stock control under a cancel or a conflicting command fired at every moment of a flow (seed 8049+):
 * ASN cancels racing receipts against the ASN, putaway cancels racing their confirm scan and a block of the target,
 * receipts racing their location's deactivation, holds and releases racing moves and allocations of the same units, a
 * count approval racing a hold, an adjustment, a receipt or a deactivation at its location, and a pallet staged and
 * reopened while the cases on it ship or move out (ADR 0029 addendum: a SHIP and a STAGE deadlocked). Whatever wins,
 * every request is answered with success or a coded 4xx (never a 5xx), every object ends in a state with a way out, and
 * the stock is conserved (balances = the ledger's sums, nothing negative, reserved ≤ on hand, nothing held promised).
 * PAKLOG_RACE_SEED=<seed> replays the delays.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, type Call, type Warehouse } from '../support/flow-driver.ts';
import { badAnswers, startRaceSite, type Answer } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
beforeAll(async () => {
  ({ t, call, w, dock } = await startRaceSite({ siteCode: 'ICR', aisles: 2, bays: 10, levels: 2, skus: 3 }));
}, 60_000);
afterAll(async () => t.close());

const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 8049);
const random = mulberry32(SEED);
const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 4)));

it(`an ASN cancel racing receipts against it: CANCELLED with nothing received, or RECEIVING with the cancel refused (seed ${SEED})`, async () => {
  const sku = w.products[0]!.sku;
  const problems: string[] = [];
  for (let round = 0; round < 12; round++) {
    const asn = await call('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity: 6 }] });
    expect(asn.status).toBe(201);
    const id = asn.body.id as string;
    const receipts = Array.from({ length: 3 }, async () => {
      await pause();
      return call('receipt', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 2, locationId: dock.id });
    });
    const cancel = (async () => {
      await pause();
      return call('cancel', 'POST', `/api/v1/inventory/asns/${id}/cancel`, { reason: 'race' });
    })();
    const [c, ...r] = await Promise.all([cancel, ...receipts]);
    problems.push(...badAnswers('cancel', [c]), ...badAnswers('receipt', r));
    const view = (await call('asn', 'GET', `/api/v1/inventory/asns/${id}`)).body;
    const received = (view.lines as { received: number }[]).reduce((s, l) => s + l.received, 0);
    const accepted = r.filter((x) => x.status === 201).length;
    if (received !== accepted * 2) problems.push(`${id}: ${received} received, ${accepted} receipts accepted`);
    if (c.status === 200 && (view.status !== 'CANCELLED' || received !== 0)) problems.push(`${id}: cancelled yet ${view.status} with ${received} received`);
    if (c.status !== 200 && view.status !== 'RECEIVING') problems.push(`${id}: cancel ${c.status} ${c.body.code}, ASN ${view.status}`);
  }
  await t.settle();
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`a putaway cancel racing its confirm scan and a block of the target: one of them wins, nothing moves twice (seed ${SEED})`, async () => {
  const sku = w.products[1]!.sku;
  const problems: string[] = [];
  for (let round = 0; round < 12; round++) {
    const target = w.storage[round % 8]!;
    const rec = await call('receipt', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const putawayId = rec.body.putaway.id as string;
    const confirm = async () => {
      await pause();
      return call('confirm', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId: target.id });
    };
    const cancel = async () => {
      await pause();
      return call('cancel', 'POST', `/api/v1/inventory/putaways/${putawayId}/cancel`, { reason: 'race' });
    };
    const block = async () => {
      await pause();
      return call('block', 'POST', `/api/v1/locations/${target.id}/block`, { reason: 'race' });
    };
    const [a, b, k] = await Promise.all([confirm(), cancel(), round % 3 === 0 ? block() : Promise.resolve({ status: 200, body: {} })]);
    problems.push(...badAnswers('confirm', [a]), ...badAnswers('cancel', [b]), ...badAnswers('block', [k]));
    const view = (await call('putaway', 'GET', `/api/v1/inventory/putaways/${putawayId}`)).body;
    if (a.status === 200 && b.status === 200) problems.push(`${putawayId}: both confirm and cancel succeeded (${view.status})`);
    if (a.status === 200 && view.status === 'CANCELLED') problems.push(`${putawayId}: confirmed yet CANCELLED`);
    if (b.status === 200 && view.status !== 'CANCELLED') problems.push(`${putawayId}: cancelled yet ${view.status}`);
    if (a.status !== 200 && b.status !== 200 && view.status !== 'OPEN') problems.push(`${putawayId}: nothing won, ${view.status}`);
    if (round % 3 === 0) await call('unblock', 'POST', `/api/v1/locations/${target.id}/unblock`, {});
  }
  await t.settle();
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`receipts into a location racing its deactivation: none sent after the deactivation answered is taken (seed ${SEED})`, async () => {
  const sku = w.products[0]!.sku;
  const problems: string[] = [];
  const locations = w.storage.slice(10, 20);
  expect(locations).toHaveLength(10);
  await Promise.all(locations.map(async (l) => {
    let deactivatedAt = Infinity;
    const deactivate = (async () => {
      await pause();
      const d = await call('deactivate', 'POST', `/api/v1/locations/${l.id}/deactivate`, { reason: 'race' });
      deactivatedAt = performance.now();
      return d;
    })();
    const receipts = Array.from({ length: 6 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 3));
      const sentAt = performance.now();
      const r = await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: l.id, quantity: 1 });
      return { r, sentAt };
    });
    const [d, ...r] = await Promise.all([deactivate, ...receipts]);
    problems.push(...badAnswers('deactivate', [d]), ...badAnswers('receipt', r.map((x) => x.r)));
    for (const { r: x, sentAt } of r) {
      if (sentAt > deactivatedAt && x.status === 201) problems.push(`${l.code}: a receipt sent ${Math.round(sentAt - deactivatedAt)} ms after the deactivation answered was taken`);
    }
  }));
  await t.settle();
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`holds, releases and moves of the same units at once: held units never move as available, the books add up (seed ${SEED})`, async () => {
  const sku = w.products[1]!.sku;
  const from = w.storage[8]!;
  const to = w.storage[9]!;
  expect((await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: from.id, quantity: 20 })).status).toBe(201);
  const answers: Answer[] = [];
  for (let round = 0; round < 8; round++) {
    const ops = [
      () => call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: from.id, quantity: 3, status: 'QUARANTINE', reason: 'race' }),
      () => call('release', 'POST', '/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: from.id, quantity: 2, fromStatus: 'QUARANTINE', reason: 'race' }),
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: from.id, toLocationId: to.id }),
      () => call('move back', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: to.id, toLocationId: from.id }),
    ];
    answers.push(...await Promise.all(ops.map(async (op) => { await pause(); return op(); })));
  }
  await t.settle();
  expect(badAnswers('hold/release/move', answers)).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`a count approval racing a hold, an adjustment and a receipt at its location: nothing negative, the books add up (seed ${SEED})`, async () => {
  const sku = w.products[0]!.sku;
  expect((await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: w.siteId, toleranceUnits: 1, tolerancePercent: null }, role: 'manager' })).status).toBe(200);
  const locations = w.storage.slice(0, 8);
  const counts: { location: { id: string; code: string }; countId: string }[] = [];
  for (const l of locations) {
    expect((await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: l.id, quantity: 5 })).status).toBe(201);
    const opened = await call('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [l.id], sku });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const countId = opened.body.items[0].id as string;
    expect((await call('submit', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: 0, workerId: 'alice' })).status).toBe(200);
    const second = await call('submit', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt: 2, quantity: 0, workerId: 'bob' });
    expect(second.body.status, JSON.stringify(second.body)).toBe('AWAITING_APPROVAL');
    counts.push({ location: l, countId });
  }
  const problems: string[] = [];
  await Promise.all(counts.map(async ({ location, countId }, i) => {
    const approve = async () => { await pause(); return call('approve', 'POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'race' }); };
    const other = async () => {
      await pause();
      switch (i % 4) {
        case 0: return call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: location.id, quantity: 3, status: 'QUARANTINE', reason: 'race' });
        case 1: return call('adjust', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: location.id, delta: -3, reason: 'DAMAGED' });
        case 2: return call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: location.id, quantity: 2 });
        default: return call('block', 'POST', `/api/v1/locations/${location.id}/deactivate`, { reason: 'race' });
      }
    };
    const [a, o] = await Promise.all([approve(), other()]);
    problems.push(...badAnswers(`approve ${location.code}`, [a]), ...badAnswers(`other ${i % 4} ${location.code}`, [o]));
    let count = (await call('count', 'GET', `/api/v1/inventory/counts/${countId}`)).body;
    // A variance the balance no longer covers (units held or adjusted away meanwhile) is refused; the count keeps its way out.
    if (a.status === 409 && a.body.code === 'INSUFFICIENT_STOCK' && count.status === 'AWAITING_APPROVAL') {
      const rejected = await call('reject', 'POST', `/api/v1/inventory/counts/${countId}/reject`, { reason: 'stock changed meanwhile' });
      problems.push(...badAnswers(`reject ${location.code}`, [rejected]));
      count = rejected.body;
    }
    if (!['COMPLETED', 'REJECTED'].includes(count.status)) problems.push(`${countId}: ${count.status} after approve ${a.status} ${a.body.code}`);
  }));
  await t.settle();
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`holds and releases racing allocations of the same SKU: held units are never promised, released ones may be (seed ${SEED})`, async () => {
  const sku = w.products[2]!.sku;
  const shelves = [w.storage[4]!, w.storage[5]!];
  for (const l of shelves) expect((await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: l.id, quantity: 6 })).status).toBe(201);
  const ops: (() => Promise<Answer>)[] = [];
  for (let i = 0; i < 10; i++) {
    ops.push(() => createOrder(call, w.siteId, { externalId: `HOLD-RACE-${SEED}-${i}`, lines: [{ sku, quantity: 2 }] }).then((o) => ({ status: 201, body: o })));
    const l = shelves[i % 2]!;
    ops.push(() => call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: l.id, quantity: 2, status: i % 3 === 0 ? 'HOLD' : 'QUARANTINE', reason: 'race' }));
    ops.push(() => call('release', 'POST', '/api/v1/inventory/hold-releases', { siteId: w.siteId, sku, locationId: l.id, quantity: 1, fromStatus: 'QUARANTINE', reason: 'race' }));
  }
  const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
  await t.settle();
  expect(badAnswers('hold/release/order', answers)).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId, strictAtp: true });
});

it(`an LPN staged, reopened and moved while what is inside it ships or moves out: no deadlock, every live LPN rests where its container rests (seed ${SEED})`, async () => {
  const sku = w.products[1]!.sku;
  const problems: string[] = [];
  const scan = (barcode: string, meaning: string, extra: Record<string, unknown> = {}) =>
    call('scan', 'POST', '/api/v1/scans', { siteId: w.siteId, barcode, meaning, workerId: 'alice', ...extra });
  // PostgreSQL aborts one of a deadlocked pair (after deadlock_timeout) and the app runs it again: counted, not timed.
  const deadlocksBefore = t.app.db.retried.deadlock;
  for (let round = 0; round < 10; round++) {
    const here = w.storage[round % 4]!;
    const lane = w.storage[4 + (round % 4)]!;
    const pallet = await call('lpn', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code: `RP-${SEED}-${round}`, locationId: here.id });
    expect(pallet.status, JSON.stringify(pallet.body)).toBe(201);
    const cases: string[] = [];
    const caseIds: string[] = [];
    for (let c = 0; c < 3; c++) {
      const made = await call('lpn', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'CASE', code: `RC-${SEED}-${round}-${c}`, parentId: pallet.body.id,
        contents: [{ sku, quantity: 1 }] });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      expect((await scan(made.body.code, 'CLOSE')).status).toBe(201);
      cases.push(made.body.code as string);
      caseIds.push(made.body.id as string);
    }
    expect((await scan(pallet.body.code, 'CLOSE')).status).toBe(201);
    const ops: (() => Promise<Answer>)[] = [
      () => scan(pallet.body.code, 'STAGE', { locationId: lane.id }),
      () => scan(cases[0]!, 'SHIP'),
      () => scan(cases[1]!, 'MOVE', { locationId: w.storage[8]!.id }),
      () => call('reopen', 'POST', `/api/v1/lpns/${pallet.body.id}/reopen`, {}),
      () => scan(cases[2]!, 'STAGE', { locationId: w.storage[9]!.id }),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    const all = [pallet.body.id as string, ...caseIds];
    const views = new Map<string, any>();
    for (const id of all) views.set(id, (await call('lpn', 'GET', `/api/v1/lpns/${id}`)).body);
    const offFloor = (status: string) => ['SHIPPED', 'CONSUMED'].includes(status);
    for (const v of views.values()) {
      // A shipped case keeps its pallet as parent (the pallet ships with its last one); a live one rests where its container rests.
      if (v.parentId === null || offFloor(v.status)) continue;
      const parent = views.get(v.parentId) ?? (await call('lpn', 'GET', `/api/v1/lpns/${v.parentId}`)).body;
      if (parent.locationId !== v.locationId) problems.push(`round ${round}: ${v.code} ${v.status} at ${v.locationId} inside ${parent.code} ${parent.status} at ${parent.locationId}`);
      if (offFloor(parent.status)) problems.push(`round ${round}: ${v.code} ${v.status} inside ${parent.code} ${parent.status}`);
    }
  }
  expect(problems).toEqual([]);
  // Before containers were locked before contents, 7 to 10 rounds of 10 had a SHIP and a STAGE deadlock.
  expect(t.app.db.retried.deadlock - deadlocksBefore).toBe(0);
});
