/**
 * Stock conservation under races not hunted before (the stock hunt of 2026-12-06): an ASN closed while two handhelds
 * receive against it, a putaway confirmed while the same dock units are moved, held or adjusted away, a replenishment
 * confirmed while its source is moved, held, adjusted or the replenishment cancelled, an RMA line received and inspected
 * by two handhelds at once. A fresh SKU per round, so each race is about the same few units. Whatever wins: every answer
 * is a success or a coded 4xx, the objects say what the accepted requests did (no more), the stock rules hold, and the
 * events published add up to the ledger (no event for a refused change). PAKLOG_RACE_SEED=<seed> replays the delays.
 */
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import { createOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { badAnswers, startRaceSite, type Answer } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;
let dock: { id: string; code: string };
let reserves: { id: string; code: string }[] = [];
let seq = 0;
beforeAll(async () => {
  ({ t, call, w, dock } = await startRaceSite({ siteCode: 'SRM', aisles: 2, bays: 5, levels: 2, skus: 0 }));
  reserves = (await t.get(`/api/v1/sites/${w.siteId}/locations?type=RESERVE&limit=500`)).body.items;
  expect(reserves.length).toBeGreaterThanOrEqual(4);
}, 60_000);
afterAll(async () => t.close());

const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 20261206);
const random = mulberry32(SEED);
const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 6)));
const ROUNDS = 8;

/** A new product (its SKU added to `skus`, if given). */
async function newSku(skus?: string[]): Promise<string> {
  const sku = `SRM-${++seq}`;
  expect((await t.post('/api/v1/products', { sku, description: sku, uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 50, weightG: 200 })).status).toBe(201);
  skus?.push(sku);
  return sku;
}

interface Movement { type: string; sku: string; deltaOnHand: number; locationId: string | null }
/** The events of a SKU add up to its ledger: received = Σ RECEIPT, adjusted = Σ ADJUST, moved = Σ MOVE into a location. */
async function eventsMatchLedger(skus: readonly string[]): Promise<string[]> {
  await t.settle();
  const problems: string[] = [];
  const events = async (type: string) => (await t.getAll<{ data: Record<string, any> }>(`/api/v1/events?type=${type}`)).map((e) => e.data);
  const received = await events('inventory.stock.received.v1');
  const adjusted = await events('inventory.stock.adjusted.v1');
  const moved = await events('inventory.stock.moved.v1');
  for (const sku of skus) {
    const rows = await t.getAll<Movement>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`);
    const sum = (type: string, pred: (m: Movement) => boolean = () => true) => rows.filter((r) => r.type === type && pred(r)).reduce((s, r) => s + r.deltaOnHand, 0);
    const ev = (list: Record<string, any>[], field: string) => list.filter((e) => e.sku === sku).reduce((s, e) => s + Number(e[field]), 0);
    if (ev(received, 'quantity') !== sum('RECEIPT')) problems.push(`${sku}: received events ${ev(received, 'quantity')}, RECEIPT ledger ${sum('RECEIPT')}`);
    if (ev(adjusted, 'delta') !== sum('ADJUST')) problems.push(`${sku}: adjusted events ${ev(adjusted, 'delta')}, ADJUST ledger ${sum('ADJUST')}`);
    const movedIn = sum('MOVE', (m) => m.deltaOnHand > 0) + sum('PUTAWAY', (m) => m.deltaOnHand > 0);
    if (ev(moved, 'quantity') !== movedIn) problems.push(`${sku}: moved events ${ev(moved, 'quantity')}, MOVE/PUTAWAY ledger ${movedIn}`);
  }
  return problems;
}

/** No problem found, the events of these SKUs add up to the ledger, and the site's stock is conserved. */
async function expectClean(problems: string[], skus: readonly string[]): Promise<void> {
  problems.push(...await eventsMatchLedger(skus));
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
}

it(`an ASN closed while two handhelds receive against it: what the ASN says received is what was accepted, nothing after the close (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku(skus);
    const asn = await call('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity: 6 }] });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    const id = asn.body.id as string;
    if (round % 2 === 1) expect((await call('first', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 1, locationId: dock.id })).status).toBe(201);
    const receipts = Array.from({ length: 4 }, async (_, i) => {
      await pause();
      return call('receipt', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 2, locationId: dock.id, ...(i % 2 === 0 ? { acceptOver: true } : {}) });
    });
    const close = (async () => { await pause(); return call('close', 'POST', `/api/v1/inventory/asns/${id}/close`, {}); })();
    const [c, ...r] = await Promise.all([close, ...receipts]);
    problems.push(...badAnswers('close', [c]), ...badAnswers('receipt', r));
    const view = (await call('asn', 'GET', `/api/v1/inventory/asns/${id}`)).body;
    const received = (view.lines as { received: number }[]).reduce((s, l) => s + l.received, 0);
    const accepted = r.filter((x) => x.status === 201).length * 2 + (round % 2);
    if (received !== accepted) problems.push(`${id}: ${received} received, ${accepted} accepted`);
    if (c.status !== 200) problems.push(`${id}: close ${c.status} ${JSON.stringify(c.body)}`);
    if (view.status !== 'CLOSED') problems.push(`${id}: ${view.status} after its close`);
    const ledger = (await t.getAll<Movement>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`)).filter((m) => m.type === 'RECEIPT').reduce((s, m) => s + m.deltaOnHand, 0);
    if (ledger !== accepted) problems.push(`${id}: ledger received ${ledger}, accepted ${accepted}`);
    const putaways = await t.getAll<{ quantity: number; status: string }>(`/api/v1/inventory/putaways?siteId=${w.siteId}&asnId=${id}`);
    const toPut = putaways.filter((p) => p.status === 'OPEN').reduce((s, p) => s + p.quantity, 0);
    if (toPut !== accepted) problems.push(`${id}: ${toPut} units in open putaways, ${accepted} received (${JSON.stringify(putaways)})`);
  }
  await expectClean(problems, skus);
});

it(`receipts of one ASN line by several handhelds at once, none taking more than expected: never over-received (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku(skus);
    const other = await newSku(skus);
    const asn = await call('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity: 5 }, { sku: other, quantity: 3 }] });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    const id = asn.body.id as string;
    const r = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      await pause();
      return i % 3 === 2 ? call('receipt', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku: other, quantity: 2, locationId: dock.id })
        : call('receipt', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 2, locationId: dock.id });
    }));
    problems.push(...badAnswers('receipt', r));
    for (const a of r) if (a.status !== 201 && a.body?.code !== 'OVER_RECEIPT') problems.push(`${id}: ${a.status} ${JSON.stringify(a.body)}`);
    const view = (await call('asn', 'GET', `/api/v1/inventory/asns/${id}`)).body;
    for (const [k, s, expected] of [[0, sku, 5], [1, other, 3]] as const) {
      const accepted = r.filter((x, i) => x.status === 201 && (i % 3 === 2) === (k === 1)).length * 2;
      const line = (view.lines as { sku: string; received: number }[]).find((l) => l.sku === s)!;
      if (line.received !== accepted) problems.push(`${id} ${s}: ${line.received} received, ${accepted} accepted`);
      if (accepted > expected) problems.push(`${id} ${s}: ${accepted} accepted of ${expected} expected, none over`);
      const ledger = (await t.getAll<Movement>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${s}`)).filter((m) => m.type === 'RECEIPT').reduce((n, m) => n + m.deltaOnHand, 0);
      if (ledger !== accepted) problems.push(`${id} ${s}: ledger received ${ledger}, accepted ${accepted}`);
    }
  }
  await expectClean(problems, skus);
});

it(`a putaway confirmed while the same dock units are moved, held or adjusted away: the units move once (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const sku = await newSku(skus);
    const target = w.storage[round % w.storage.length]!;
    const elsewhere = w.storage[(round + 5) % w.storage.length]!;
    const rec = await call('receipt', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const putawayId = rec.body.putaway.id as string;
    const confirm = async () => { await pause(); return call('confirm', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId: target.id }); };
    const other = async (): Promise<Answer> => {
      await pause();
      switch (round % 4) {
        case 0: return call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: dock.id, toLocationId: elsewhere.id });
        case 1: return call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: dock.id, quantity: 3, status: 'QUARANTINE', reason: 'race' });
        case 2: return call('adjust', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: dock.id, delta: -3, reason: 'DAMAGED' });
        default: return call('confirm twice', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId: elsewhere.id });
      }
    };
    const [a, o] = await Promise.all([confirm(), other()]);
    problems.push(...badAnswers('confirm', [a]), ...badAnswers(`other ${round % 4}`, [o]));
    await t.settle();
    const view = (await call('putaway', 'GET', `/api/v1/inventory/putaways/${putawayId}`)).body;
    const balances = await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const total = balances.reduce((s, b) => s + b.onHand, 0);
    const atTarget = balances.filter((b) => b.locationId === target.id).reduce((s, b) => s + b.onHand, 0);
    const atElsewhere = balances.filter((b) => b.locationId === elsewhere.id).reduce((s, b) => s + b.onHand, 0);
    const adjusted = round % 4 === 2 && o.status === 201 ? 3 : 0;
    if (total !== 4 - adjusted) problems.push(`${putawayId} (${round % 4}): ${total} on hand, ${4 - adjusted} expected: ${JSON.stringify(balances)}`);
    if (a.status === 200 && o.status < 300 && round % 4 === 3) problems.push(`${putawayId}: confirmed twice`);
    if (a.status === 200 && view.status !== 'CONFIRMED' && view.status !== 'COMPLETED') problems.push(`${putawayId}: confirmed yet ${view.status}`);
    if (a.status === 200 && atTarget === 0) problems.push(`${putawayId}: confirmed yet nothing at the target (${JSON.stringify(view)})`);
    if (round % 4 === 0 && o.status === 201 && atElsewhere !== 3) problems.push(`${putawayId}: moved 3 yet ${atElsewhere} there`);
    if (view.status === 'OPEN') {
      const atDock = balances.filter((b) => b.locationId === dock.id && b.status === 'AVAILABLE').reduce((s, b) => s + b.onHand, 0);
      // A move, hold or adjustment that took the units leaves the putaway for a manager to cancel (inbound.md, by design).
      if (view.quantity > atDock && round % 4 === 3) problems.push(`${putawayId}: OPEN for ${view.quantity}, ${atDock} AVAILABLE at the dock`);
    }
  }
  await expectClean(problems, skus);
});

it(`a putaway confirmed into a shelf as a count opens there: the count finds what is there, and books no phantom variance (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const sku = await newSku(skus);
    const target = w.storage[(round + 3) % w.storage.length]!;
    expect((await call('stock', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: target.id, delta: 5, reason: 'FOUND' })).status).toBe(201);
    const rec = await call('receipt', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 4, locationId: dock.id });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const putawayId = rec.body.putaway.id as string;
    const [a, c] = await Promise.all([
      (async () => { await pause(); return call('confirm', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId: target.id }); })(),
      (async () => { await pause(); return call('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [target.id] }); })(),
    ]);
    problems.push(...badAnswers('confirm', [a]), ...badAnswers('count', [c]));
    await t.settle();
    // The counter counts what is on the shelf: what the books say is there (putaway or not).
    const onShelf = async () => (await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}&locationId=${target.id}`))
      .reduce((n, b) => n + b.onHand, 0);
    const before = await onShelf();
    if (before !== (a.status === 200 ? 9 : 5)) problems.push(`${putawayId}: ${before} on the shelf, putaway ${a.status}`);
    if (c.status === 201) {
      const count = (c.body.items as { id: string }[])[0]!;
      const sub = await call('submit', 'POST', `/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: before, workerId: `pc${round}` });
      problems.push(...badAnswers('submit', [sub]));
      if (sub.status === 200 && sub.body.status !== 'COMPLETED') problems.push(`${count.id}: counted exactly what the books hold, yet ${sub.body.status} ${JSON.stringify(sub.body)}`);
      await t.settle();
      const after = await onShelf();
      if (after !== before) problems.push(`${count.id}: counted ${before}, ${after} on the books after (putaway ${a.status})`);
      const counted = (await t.getAll<Movement>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`)).filter((m) => m.type === 'COUNT').reduce((n, m) => n + m.deltaOnHand, 0);
      if (counted !== 0) problems.push(`${count.id}: a variance of ${counted} booked for a count that found the books right (putaway ${a.status})`);
    }
    if (a.status !== 200) await call('cancel', 'POST', `/api/v1/inventory/putaways/${putawayId}/cancel`, { reason: 'race' });
  }
  await expectClean(problems, skus);
});

it(`a replenishment confirmed while its source is moved, held, adjusted, or it is cancelled: units move once (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS * 2; round++) {
    const sku = await newSku(skus);
    const face = w.storage[round % w.storage.length]!;
    const reserve = reserves[round % reserves.length]!;
    const elsewhere = reserves[(round + 1) % reserves.length]!;
    expect((await call('receipt', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 5 })).status).toBe(201);
    const rpl = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, sku, locationId: face.id, quantity: 4 });
    expect(rpl.status, JSON.stringify(rpl.body)).toBe(201);
    const id = rpl.body.id as string;
    const confirm = async () => { await pause(); return call('confirm', 'POST', `/api/v1/replenishments/${id}/confirm`, { locationId: face.id }); };
    const other = async (): Promise<Answer> => {
      await pause();
      switch (round % 5) {
        case 0: return call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: reserve.id, toLocationId: elsewhere.id });
        case 1: return call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: reserve.id, quantity: 3, status: 'HOLD', reason: 'race' });
        case 2: return call('adjust', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: reserve.id, delta: -3, reason: 'DAMAGED' });
        case 3: return call('cancel', 'POST', `/api/v1/replenishments/${id}/cancel`, { reason: 'race' });
        default: return call('confirm twice', 'POST', `/api/v1/replenishments/${id}/confirm`, { locationId: face.id });
      }
    };
    const [a, o] = await Promise.all([confirm(), other()]);
    problems.push(...badAnswers('confirm', [a]), ...badAnswers(`other ${round % 5}`, [o]));
    await t.settle();
    const view = (await call('replenishment', 'GET', `/api/v1/replenishments/${id}`)).body;
    const balances = await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const total = balances.reduce((s, b) => s + b.onHand, 0);
    const atFace = balances.filter((b) => b.locationId === face.id).reduce((s, b) => s + b.onHand, 0);
    const adjusted = round % 5 === 2 && o.status === 201 ? 3 : 0;
    if (total !== 5 - adjusted) problems.push(`${id} (${round % 5}): ${total} on hand, ${5 - adjusted} expected`);
    if (a.status === 200 && atFace !== 4) problems.push(`${id} (${round % 5}): confirmed yet ${atFace} at the face`);
    if (a.status !== 200 && (round % 5 !== 4 || o.status !== 200) && atFace !== 0) problems.push(`${id} (${round % 5}): not confirmed yet ${atFace} at the face`);
    if (a.status === 200 && o.status === 200 && round % 5 >= 3) problems.push(`${id} (${round % 5}): confirm and ${round % 5 === 3 ? 'cancel' : 'confirm'} both 200`);
    if (a.status === 200 && view.status !== 'COMPLETED') problems.push(`${id}: confirmed yet ${view.status}`);
    const tasks = (await t.get(`/api/v1/tasks?siteId=${w.siteId}&type=REPLENISH&limit=500`)).body.items as { reference: string; status: string }[] | undefined;
    const task = tasks?.find((k) => k.reference === id);
    // A task nobody claimed whose work was done by a scan without it is CANCELLED (task-lifecycle finishPath): by design.
    if (task !== undefined && view.status === 'CANCELLED' && task.status !== 'CANCELLED') problems.push(`${id}: CANCELLED, its task ${task.status}`);
  }
  await expectClean(problems, skus);
});

it(`an RMA line received and inspected by two handhelds at once: never more than authorised, each unit dispositioned once (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku();
    const rma = await call('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CUST-S', lines: [{ sku, quantity: 4, reason: 'race' }] });
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);
    const lineId = rma.body.lines[0].lineId as string;
    const receive = async () => { await pause(); return call('receive', 'POST', `/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] }); };
    const r = await Promise.all([receive(), receive()]);
    problems.push(...badAnswers('receive', r));
    const okReceipts = r.filter((x) => x.status === 200).length;
    if (okReceipts !== 1) problems.push(`${rma.body.id}: ${okReceipts} receipts of 3 on a line of 4 accepted`);
    const inspect = async (disposition: string) => {
      await pause();
      return call('inspect', 'POST', `/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, {
        disposition, quantity: 2, ...(disposition === 'RESTOCK' ? { locationId: w.storage[round % w.storage.length]!.id } : {}),
      });
    };
    const i = await Promise.all([inspect('RESTOCK'), inspect('SCRAP'), inspect(round % 2 === 0 ? 'RESTOCK' : 'SCRAP')]);
    problems.push(...badAnswers('inspect', i));
    await t.settle();
    const okInspections = i.filter((x) => x.status === 200).length;
    if (okInspections !== 1) problems.push(`${rma.body.id}: ${okInspections} inspections of 2 of 3 received accepted: ${i.map((x) => `${x.status} ${x.body.code ?? x.body.status}`).join(', ')}`);
    const balances = await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const total = balances.reduce((s, b) => s + b.onHand, 0);
    const scrapped = i.filter((x, k) => x.status === 200 && (k === 1 || (k === 2 && round % 2 === 1))).length * 2;
    if (total !== 3 - scrapped) problems.push(`${rma.body.id}: ${total} on hand, ${3 - scrapped} expected (${JSON.stringify(balances)})`);
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

interface Lpn { id: string; code: string; status: string; units: number; locationId: string | null }
let labels = 0;
const label = () => `SRM-LPN-${SEED}-${++labels}`;
const scan = (barcode: string, meaning: string, extra: Record<string, unknown> = {}) =>
  call('scan', 'POST', '/api/v1/scans', { siteId: w.siteId, barcode, meaning, locationId: dock.id, ...extra });

/** An ASN of `quantity` units of the SKU expected on LPN `code`, settled; the LPN scanned in at the dock and its receipt booked. */
async function receiveLpn(sku: string, code: string, quantity: number): Promise<{ lpnId: string; putawayId: string }> {
  const asn = await call('asn', 'POST', '/api/v1/inventory/asns', { siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity, expectedLpn: code }] });
  expect(asn.status, JSON.stringify(asn.body)).toBe(201);
  await t.settle();
  const received = await scan(code, 'RECEIVE_LPN');
  expect(received.status, JSON.stringify(received.body)).toBe(201);
  const booked = await call('receipt', 'POST', `/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity, locationId: dock.id });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  return { lpnId: received.body.lpn.id as string, putawayId: booked.body.putaway.id as string };
}

/** The putaway confirmed at the location. */
async function putAway(putawayId: string, locationId: string): Promise<void> {
  const put = await call('confirm', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
}

it(`an ASN's LPN scanned by two handhelds at once while the ASN is closed or cancelled: received once or not at all (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku(skus);
    const [a, b, late] = [label(), label(), label()];
    const asn = await call('asn', 'POST', '/api/v1/inventory/asns', {
      siteId: w.siteId, supplier: 'Race Ltd', lines: [{ sku, quantity: 6, expectedLpn: a }, { sku, quantity: 4, expectedLpn: b }, { sku, quantity: 2, expectedLpn: late }],
    });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    await t.settle();
    const id = asn.body.id as string;
    const ops: (() => Promise<Answer>)[] = [
      () => scan(a, 'RECEIVE_LPN'), () => scan(a, 'RECEIVE_LPN'), () => scan(b, 'RECEIVE_LPN'),
      () => call('receipt', 'POST', `/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 3, locationId: dock.id }),
      () => (round % 2 === 0 ? call('close', 'POST', `/api/v1/inventory/asns/${id}/close`, {}) : call('cancel', 'POST', `/api/v1/inventory/asns/${id}/cancel`, { reason: 'race' })),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const view = (await call('asn', 'GET', `/api/v1/inventory/asns/${id}`)).body;
    const received = (view.lines as { received: number }[]).reduce((s, l) => s + l.received, 0);
    // A RECEIVE_LPN scan is the physical receipt only (lpns.md: the logical one is booked as usual).
    const accepted = answers[3]!.status === 201 ? 3 : 0;
    if (answers[0]!.status === 201 && answers[1]!.status === 201) problems.push(`${id}: LPN ${a} received twice`);
    if (received !== accepted) problems.push(`${id}: ${received} received, ${accepted} accepted (${answers.map((x) => `${x.status} ${x.body.code ?? ''}`).join(', ')})`);
    const ledger = (await t.getAll<Movement>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`)).filter((m) => m.type === 'RECEIPT').reduce((s, m) => s + m.deltaOnHand, 0);
    if (ledger !== accepted) problems.push(`${id}: ledger received ${ledger}, accepted ${accepted}`);
    const lpns = (await t.getAll<Lpn>(`/api/v1/lpns?siteId=${w.siteId}`)).filter((l) => l.code === a || l.code === b);
    const lpnUnits = lpns.filter((l) => l.status !== 'CONSUMED').reduce((s, l) => s + l.units, 0);
    const lpnAccepted = (answers[0]!.status === 201 || answers[1]!.status === 201 ? 6 : 0) + (answers[2]!.status === 201 ? 4 : 0);
    if (lpnUnits !== lpnAccepted) problems.push(`${id}: LPNs hold ${lpnUnits}, ${lpnAccepted} received in LPNs (${JSON.stringify(lpns)})`);
    if (answers[4]!.status === 200 && round % 2 === 1 && received !== 0) problems.push(`${id}: cancelled with ${received} received`);
    // Once the close or cancel answered, the ASN's LPNs are no longer expected (lpns.md: 404 UNKNOWN_ASN_LPN).
    const afterwards = await scan(late, 'RECEIVE_LPN');
    if (answers[4]!.status === 200 && afterwards.status !== 404) problems.push(`${id}: LPN ${b} received after the ASN was ${round % 2 === 0 ? 'closed' : 'cancelled'}`);
  }
  await expectClean(problems, skus);
});

it(`a received LPN's putaway confirmed while the LPN is split, scanned at its target or its units moved by hand: physical and logical agree (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku(skus);
    const code = label();
    const target = w.storage[round % w.storage.length]!;
    const elsewhere = w.storage[(round + 3) % w.storage.length]!;
    const { lpnId, putawayId } = await receiveLpn(sku, code, 6);
    await t.settle();
    const confirm = async () => { await pause(); return call('confirm', 'POST', `/api/v1/inventory/putaways/${putawayId}/confirm`, { locationId: target.id }); };
    const other = async (): Promise<Answer> => {
      await pause();
      switch (round % 3) {
        case 0: return call('split', 'POST', `/api/v1/lpns/${lpnId}/split`, { lines: [{ sku, quantity: 2 }], newLpn: { type: 'CASE' } });
        case 1: return call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 6, fromLocationId: dock.id, toLocationId: elsewhere.id });
        // The handheld's PUTAWAY_TARGET scan of the pallet at the target, as the putaway is confirmed there (a scan
        // somewhere else is a physical move the logical one does not follow: the reconciliation names it, by design).
        default: return scan(code, 'PUTAWAY_TARGET', { locationId: target.id });
      }
    };
    const [c, o] = await Promise.all([confirm(), other()]);
    problems.push(...badAnswers('confirm', [c]), ...badAnswers(`other ${round % 3}`, [o]));
    await t.settle();
    const lpn = (await t.get(`/api/v1/lpns/${lpnId}`)).body as Lpn;
    const balances = await t.getAll<{ locationId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const where = balances.filter((b) => b.onHand > 0).map((b) => `${b.locationId}:${b.onHand}`).join(' ');
    const rec = (await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
    const diffs = rec.differences.filter((d: { sku: string }) => d.sku === sku);
    if (diffs.length > 0) {
      problems.push(`round ${round} (${round % 3}): confirm ${c.status} ${c.body.code ?? ''}, other ${o.status} ${o.body.code ?? ''}; LPN at ${lpn.locationId} with ${lpn.units}; stock ${where}; `
        + `differences ${JSON.stringify(diffs.map((d: any) => ({ locationId: d.locationId, physical: d.physical, logical: d.logical })))}`);
    }
  }
  await expectClean(problems, skus);
});

it(`moves, receipts, adjustments, holds and replenishments at a shelf holding a pallet, at once: the pallet holds what the books hold there (seed ${SEED})`, async () => {
  const problems: string[] = [];
  const skus: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku(skus);
    const code = label();
    const shelf = reserves[round % reserves.length]!;
    const other = reserves[(round + 1) % reserves.length]!;
    const face = w.storage[round % w.storage.length]!;
    await putAway((await receiveLpn(sku, code, 12)).putawayId, shelf.id);
    await t.settle();
    const ops: (() => Promise<Answer>)[] = [
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 2, fromLocationId: shelf.id, toLocationId: other.id }),
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 3, fromLocationId: shelf.id, toLocationId: face.id }),
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 1, fromLocationId: shelf.id, toLocationId: other.id }),
      () => call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 2, status: 'HOLD', reason: 'race' }),
      async () => {
        const r = await call('replenish', 'POST', '/api/v1/replenishments', { siteId: w.siteId, sku, locationId: face.id, quantity: 2 });
        return r.status !== 201 ? r : call('confirm', 'POST', `/api/v1/replenishments/${r.body.id}/confirm`, { locationId: face.id });
      },
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const rec = (await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
    // Loose units moved onto a location some LPN visited before are a difference by design (physical tracking knows LPNs
    // only): the shelf the pallet stands on is the question.
    const diffs = rec.differences.filter((d: { sku: string; locationId: string }) => d.sku === sku && d.locationId === shelf.id);
    if (diffs.length > 0) {
      const balances = await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
      problems.push(`round ${round}: ${answers.map((x) => `${x.status}${x.body.code === undefined ? '' : ` ${x.body.code}`}`).join(', ')}; books ${balances.filter((b) => b.onHand > 0).map((b) => `${b.locationId === shelf.id ? 'shelf' : b.locationId}:${b.status}:${b.onHand}`).join(' ')}; `
        + `differences ${JSON.stringify(diffs.map((d: any) => ({ at: d.locationId === shelf.id ? 'shelf' : d.locationId, physical: d.physical, logical: d.logical })))}`);
    }
  }
  await expectClean(problems, skus);
});

// Failed in 6 of 8 rounds before sourcePicked (physical 9 at the face for 7 on the books): inventory books a pick when
// it hears `picking.line.picked`; a move out of the face committed in between carried a `sourceOnHand` still counting
// the picked units, which physical tracking had already taken out of the pallet, so it took none of the moved units out.
it(`a pick from a pallet at its face racing a move of other units out of the face: the pallet and the tote hold what the books hold (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku();
    const code = label();
    const face = w.storage[round % w.storage.length]!;
    const other = reserves[round % reserves.length]!;
    await putAway((await receiveLpn(sku, code, 12)).putawayId, face.id);
    const order = await createOrder(call, w.siteId, { externalId: `SRM-PICK-${round}`, lines: [{ sku, quantity: 3 }] });
    await until('allocated', async () => (await t.get(`/api/v1/orders/${order.id}`)).body.status as string, (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 100 });
    expect(wave.status, JSON.stringify(wave.body)).toBe(201);
    expect((await t.post(`/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await t.settle();
    const list = (await t.get(`/api/v1/pick-lists?orderId=${order.id}`)).body.items[0] as { id: string; lines: { id: string; locationId: string; locationCode: string | null; expectedBarcode: string | null; sku: string }[] };
    const line = list.lines[0]!;
    expect(line.locationId).toBe(face.id);
    const ops: (() => Promise<Answer>)[] = [
      () => call('pick', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
        locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 3, toteId: `TOTE-SRM-${round}`,
      }),
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 2 + (round % 3), fromLocationId: face.id, toLocationId: other.id }),
    ];
    const answers = await Promise.all(ops.map(async (op, k) => { if (k === round % 2) await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const rec = (await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
    // The face the pallet stands on and the order's tote (loose units moved to a location an LPN visited before differ by design).
    const diffs = rec.differences.filter((d: { sku: string; locationId: string }) => d.sku === sku && [face.id, `IN_PROCESS:${order.id}`].includes(d.locationId));
    if (diffs.length > 0) {
      problems.push(`round ${round}: ${answers.map((x) => `${x.status}${x.body.code === undefined ? '' : ` ${x.body.code}`}`).join(', ')}; `
        + `differences ${JSON.stringify(diffs.map((d: any) => ({ at: d.locationId === face.id ? 'face' : d.locationId, physical: d.physical, logical: d.logical })))}`);
    }
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`an RMA cancelled or closed while its units are received and inspected: a cancelled RMA received nothing, every unit received is in stock once (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku();
    const rma = await call('rma', 'POST', '/api/v1/rmas', { siteId: w.siteId, customerRef: 'CUST-C', lines: [{ sku, quantity: 4, reason: 'race' }] });
    expect(rma.status).toBe(201);
    const id = rma.body.id as string;
    const lineId = rma.body.lines[0].lineId as string;
    if (round % 2 === 1) {
      expect((await call('receive', 'POST', `/api/v1/rmas/${id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] })).status).toBe(200);
    }
    const ops: (() => Promise<Answer>)[] = [
      () => call('receive', 'POST', `/api/v1/rmas/${id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 2 }] }),
      () => call('cancel', 'POST', `/api/v1/rmas/${id}/cancel`, { reason: 'race' }),
      () => call('inspect', 'POST', `/api/v1/rmas/${id}/lines/${lineId}/inspect`, { disposition: 'SCRAP', quantity: 2 }),
      () => call('close', 'POST', `/api/v1/rmas/${id}/close`),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    const view = (await call('rma', 'GET', `/api/v1/rmas/${id}`)).body;
    const received = (view.lines as { received: number }[]).reduce((s, l) => s + l.received, 0);
    const expected = (round % 2) * 2 + (answers[0]!.status === 200 ? 2 : 0);
    if (received !== expected) problems.push(`${id}: ${received} received, ${expected} accepted`);
    if (answers[1]!.status === 200 && (received !== 0 || view.status !== 'CANCELLED')) problems.push(`${id}: cancel 200, ${view.status} with ${received} received`);
    const balances = await t.getAll<{ onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
    const onHand = balances.reduce((s, b) => s + b.onHand, 0);
    const scrapped = answers[2]!.status === 200 ? 2 : 0;
    if (onHand !== received - scrapped) problems.push(`${id}: ${onHand} on hand, ${received} received − ${scrapped} scrapped (${answers.map((x) => `${x.status} ${x.body.code ?? x.body.status}`).join(', ')})`);
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`a pallet reported lost while its units are moved, held and adjusted, then found elsewhere: nothing held twice, nothing negative (seed ${SEED})`, async () => {
  const problems: string[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const sku = await newSku();
    const code = label();
    const shelf = reserves[round % reserves.length]!;
    const other = reserves[(round + 2) % reserves.length]!;
    const foundAt = w.storage[(round + 4) % w.storage.length]!;
    const { lpnId, putawayId } = await receiveLpn(sku, code, 10);
    await putAway(putawayId, shelf.id);
    await t.settle();
    const ops: (() => Promise<Answer>)[] = [
      () => call('lost', 'POST', `/api/v1/lpns/${lpnId}/lost`, { reason: 'race' }),
      () => call('move', 'POST', '/api/v1/inventory/moves', { siteId: w.siteId, sku, quantity: 4, fromLocationId: shelf.id, toLocationId: other.id }),
      () => call('hold', 'POST', '/api/v1/inventory/holds', { siteId: w.siteId, sku, locationId: shelf.id, quantity: 3, status: 'QUARANTINE', reason: 'race' }),
      () => call('adjust', 'POST', '/api/v1/inventory/adjustments', { siteId: w.siteId, sku, locationId: shelf.id, delta: -1, reason: 'DAMAGED' }),
    ];
    const answers = await Promise.all(ops.map(async (op) => { await pause(); return op(); }));
    problems.push(...badAnswers(`round ${round}`, answers));
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round}'s race` });
    if (answers[0]!.status === 200) {
      const found = await call('found', 'POST', `/api/v1/lpns/${lpnId}/found`, { location: foundAt.id });
      problems.push(...badAnswers(`found ${round}`, [found]));
      await t.settle();
      const balances = await t.getAll<{ locationId: string; onHand: number; status: string }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
      const held = balances.filter((b) => b.status === 'HOLD').reduce((s, b) => s + b.onHand, 0);
      const tag = (l: string) => (l === shelf.id ? 'shelf' : l === other.id ? 'other' : l === foundAt.id ? 'foundAt' : l);
      if (held !== 0) {
        problems.push(`round ${round}: ${held} still on HOLD after the find ${found.status} ${found.body.code ?? ''}; race ${answers.map((x) => `${x.status} ${x.body.code ?? ''}`).join(', ')}; `
          + `books ${balances.filter((b) => b.onHand > 0).map((b) => `${tag(b.locationId)}:${b.status}:${b.onHand}`).join(' ')}; `
          + `holds ${JSON.stringify((await t.getAll<any>(`/api/v1/inventory/holds?siteId=${w.siteId}&sku=${sku}`)).map((h) => ({ kind: h.kind ?? h.source, status: h.status, held: h.held ?? h.quantity, at: tag(h.locationId) })))}`);
      }
      const total = balances.reduce((s, b) => s + b.onHand, 0);
      if (total !== 10 - (answers[3]!.status === 201 ? 1 : 0)) problems.push(`round ${round}: ${total} on hand`);
    }
  }
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it("a putaway's floor run that waits for a pallet at the dock sees the case brought there meanwhile, and carries it too", async () => {
  const sku = await newSku();
  const target = w.storage[2]!;
  const build = async (locationId: string, quantity: number) => {
    const res = await call('build', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId, contents: [{ sku, quantity }] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const pallet = await build(dock.id, 4);
  const kase = await build(reserves[0]!.id, 2);
  const rec = await call('receipt', 'POST', '/api/v1/inventory/inbound-receipts', { siteId: w.siteId, sku, quantity: 6, locationId: dock.id });
  expect(rec.status, JSON.stringify(rec.body)).toBe(201);
  await t.settle();
  // Another transaction holds the pallet (a floor command at the dock) while the putaway's floor run starts, and brings
  // the case to the dock before it commits: the run waited for the pallet, then must see the case too.
  const other = new pg.Client({ connectionString: t.databaseUrl });
  await other.connect();
  try {
    await other.query('BEGIN');
    await other.query('SELECT id FROM physical_tracking.lpns WHERE id = $1 FOR UPDATE', [pallet]);
    const confirming = call('confirm', 'POST', `/api/v1/inventory/putaways/${rec.body.putaway.id}/confirm`, { locationId: target.id });
    await new Promise((r) => setTimeout(r, 400));
    await other.query('UPDATE physical_tracking.lpns SET location_id = $2, version = version + 1, updated_at = now() WHERE id = $1', [kase, dock.id]);
    await other.query('COMMIT');
    expect((await confirming).status).toBe(200);
  } finally {
    await other.end();
  }
  await t.settle();
  const where = async (id: string) => (await t.get(`/api/v1/lpns/${id}`)).body as Lpn;
  expect([(await where(pallet)).locationId, (await where(kase)).locationId]).toEqual([target.id, target.id]);
  const rec2 = (await t.get(`/api/v1/physical-tracking/reconciliation?siteId=${w.siteId}`)).body;
  expect(rec2.differences.filter((d: { sku: string }) => d.sku === sku)).toEqual([]);
});
