/**
 * Two owners' units of the SAME SKU at the SAME locations (ADR 0028), raced (seed 9107+, PAKLOG_RACE_SEED replays the
 * delays): receipts, adjustments, moves both ways, holds, releases and moves of held units, counts opened and submitted,
 * and receipts against each owner's ASN line fired at once, many rounds, over the real PostgreSQL. After every round the
 * stock is conserved (balances = the ledger's sums per owner, nothing negative, nothing held reserved), and each
 * owner's units on hand are exactly what that owner's accepted commands say (receipts + adjustments + applied count
 * variances): no unit ever crosses from one owner to another. The same commands with the same Idempotency-Key racing
 * themselves do their work once.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { assertStockConserved } from '../support/conservation.ts';
import type { Warehouse } from '../support/flow-driver.ts';
import { badAnswers, createOwners, startRaceSite } from '../support/races.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let w: Warehouse;
let dock: { id: string; code: string };
let owners: string[];

const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 9107);
const random = mulberry32(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const pause = () => new Promise((r) => setTimeout(r, Math.floor(random() * 4)));

beforeAll(async () => {
  ({ t, w, dock } = await startRaceSite({ siteCode: 'OWNRACE', aisles: 1, bays: 6, levels: 1, skus: 3 }));
  owners = await createOwners(t, ['ORA', 'ORB']);
  expect((await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: w.siteId, toleranceUnits: 100, tolerancePercent: null }, role: 'manager' })).status).toBe(200);
}, 60_000);
afterAll(async () => t.close());

/** Each owner's units of the SKU on hand at the site, every status and location, from the balances. */
async function onHandByOwner(sku: string): Promise<Map<string, number>> {
  const rows = await t.getAll<{ ownerId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${encodeURIComponent(sku)}`);
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.ownerId, (m.get(r.ownerId) ?? 0) + r.onHand);
  return m;
}

it(`two owners' units of one SKU at the same shelves, raced by every stock command: each owner keeps exactly its own (seed ${SEED})`, async () => {
  const sku = w.products[0]!.sku;
  const shelves = [w.storage[0]!, w.storage[1]!];
  const expected = new Map<string, number>(owners.map((o) => [o, 0]));
  const problems: string[] = [];
  const addExpected = (owner: string, n: number) => expected.set(owner, expected.get(owner)! + n);
  for (const owner of owners) {
    for (const s of shelves) {
      const r = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: owner, sku, locationId: s.id, quantity: 20 });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      addExpected(owner, 20);
    }
  }
  const asns = new Map<string, string>();
  for (const owner of owners) {
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, ownerId: owner, supplier: 'Race Ltd', lines: [{ sku, quantity: 1000 }] });
    expect(asn.status, JSON.stringify(asn.body)).toBe(201);
    asns.set(owner, asn.body.id as string);
  }

  for (let round = 0; round < 10; round++) {
    const ops: (() => Promise<void>)[] = [];
    for (let i = 0; i < 14; i++) {
      const owner = pick(owners);
      const [from, to] = random() < 0.5 ? [shelves[0]!, shelves[1]!] : [shelves[1]!, shelves[0]!];
      const q = 1 + Math.floor(random() * 3);
      const kind = Math.floor(random() * 9);
      ops.push(async () => {
        await pause();
        switch (kind) {
          case 0: {
            const r = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: owner, sku, locationId: from.id, quantity: q });
            problems.push(...badAnswers('receipt', [r]));
            if (r.status === 201) addExpected(owner, q);
            return;
          }
          case 1: {
            const delta = random() < 0.5 ? -q : q;
            const r = await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, ownerId: owner, sku, locationId: from.id, delta, reason: delta < 0 ? 'DAMAGED' : 'FOUND' }, 'manager');
            problems.push(...badAnswers('adjust', [r]));
            if (r.status === 201) addExpected(owner, delta);
            return;
          }
          case 2: case 3: {
            const r = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, quantity: q, fromLocationId: from.id, toLocationId: to.id });
            problems.push(...badAnswers('move', [r]));
            return;
          }
          case 4: {
            const r = await t.post('/api/v1/inventory/holds', { siteId: w.siteId, ownerId: owner, sku, locationId: from.id, quantity: q, status: 'QUARANTINE', reason: 'race' }, 'manager');
            problems.push(...badAnswers('hold', [r]));
            return;
          }
          case 5: {
            const r = random() < 0.5
              ? await t.post('/api/v1/inventory/hold-releases', { siteId: w.siteId, ownerId: owner, sku, locationId: from.id, quantity: q, fromStatus: 'QUARANTINE', reason: 'race' }, 'manager')
              : await t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, status: 'QUARANTINE', quantity: q, fromLocationId: from.id, toLocationId: to.id });
            problems.push(...badAnswers('release/move held', [r]));
            return;
          }
          case 6: {
            const r = await t.post(`/api/v1/inventory/asns/${asns.get(owner)!}/receipts`, { sku, quantity: q, locationId: dock.id });
            problems.push(...badAnswers('asn receipt', [r]));
            if (r.status === 201) addExpected(owner, q);
            return;
          }
          case 7: {
            // A move from the dock of what ASN receipts left there (the other owner's units there are not this owner's).
            const r = await t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, quantity: q, fromLocationId: dock.id, toLocationId: from.id });
            problems.push(...badAnswers('move from dock', [r]));
            return;
          }
          default: {
            // A count of the SKU at the shelf: one count per owner there; each submitted one below the books.
            const opened = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [from.id] }, 'manager');
            problems.push(...badAnswers('count', [opened]));
            if (opened.status !== 201) return;
            for (const c of opened.body.items as { id: string; ownerId: string; status: string }[]) {
              const mine = (await t.getAll<{ ownerId: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}&locationId=${from.id}`))
                .filter((b) => b.ownerId === c.ownerId).reduce((n, b) => n + b.onHand, 0);
              const submitted = await t.post(`/api/v1/inventory/counts/${c.id}/submit`, { attempt: 1, quantity: Math.max(0, mine - 1), workerId: `counter${round}` }, 'operator');
              problems.push(...badAnswers('submit', [submitted]));
              if (submitted.status === 200 && submitted.body.status !== 'COMPLETED') {
                problems.push(...badAnswers('reject', [await t.post(`/api/v1/inventory/counts/${c.id}/reject`, { reason: 'race' }, 'manager')]));
              }
            }
            return;
          }
        }
      });
    }
    await Promise.all(ops.map((op) => op()));
    await t.settle();
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId, when: `after round ${round}` });
  }
  // Counts that applied a variance changed their owner's total by it (read as a manager: not blind).
  const counts = await t.getAll<{ ownerId: string; sku: string; status: string; applied: number | null }>(`/api/v1/inventory/counts?siteId=${w.siteId}&sku=${sku}`, 'manager');
  for (const c of counts) {
    if (c.status === 'COMPLETED') addExpected(c.ownerId, c.applied ?? 0);
    else if (!['REJECTED', 'CANCELLED'].includes(c.status)) problems.push(`count left ${c.status}`);
  }
  expect(problems).toEqual([]);
  const actual = await onHandByOwner(sku);
  expect(Object.fromEntries(owners.map((o) => [o, actual.get(o) ?? 0]))).toEqual(Object.fromEntries(expected));
  // No unit of this SKU was made the default owner's.
  expect([...actual.keys()].filter((o) => !owners.includes(o))).toEqual([]);
});

it(`the same command with the same Idempotency-Key raced by itself does its work once (seed ${SEED})`, async () => {
  const sku = w.products[1]!.sku;
  const [shelf, other] = [w.storage[2]!, w.storage[3]!];
  const owner = owners[1]!;
  const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, ownerId: owner, supplier: 'Twice Ltd', lines: [{ sku, quantity: 30 }] });
  expect(asn.status).toBe(201);
  const problems: string[] = [];
  for (let round = 0; round < 6; round++) {
    const key = (what: string) => ({ 'idempotency-key': `same-${what}-${round}` });
    const burst = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, async () => { await pause(); return f(); }));
    const [receipts, adjusts, moves, asnReceipts] = await Promise.all([
      burst(5, () => t.post('/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: owner, sku, locationId: shelf.id, quantity: 4 }, 'admin', key('receipt'))),
      burst(5, () => t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, ownerId: owner, sku, locationId: shelf.id, delta: -1, reason: 'DAMAGED' }, 'manager', key('adjust'))),
      burst(5, () => t.post('/api/v1/inventory/moves', { siteId: w.siteId, ownerId: owner, sku, quantity: 1, fromLocationId: shelf.id, toLocationId: other.id }, 'operator', key('move'))),
      burst(5, () => t.post(`/api/v1/inventory/asns/${asn.body.id}/receipts`, { sku, quantity: 2, locationId: dock.id }, 'admin', key('asn'))),
    ]);
    for (const [what, answers] of [['receipt', receipts], ['adjust', adjusts], ['move', moves], ['asn receipt', asnReceipts]] as const) {
      problems.push(...badAnswers(what, answers));
      const ok = answers.filter((a) => a.status === 201);
      if (new Set(ok.map((a) => a.body.movementId)).size > 1) problems.push(`${what} round ${round}: ${new Set(ok.map((a) => a.body.movementId)).size} movements for one key`);
    }
  }
  await t.settle();
  expect(problems).toEqual([]);
  const ledger = await t.getAll<{ type: string; ownerId: string; deltaOnHand: number; reason: string | null }>(`/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}`);
  const sum = (type: string) => ledger.filter((r) => r.type === type).reduce((n, r) => n + r.deltaOnHand, 0);
  // 6 rounds: one receipt of 4 and one ASN receipt of 2 each, one adjustment of −1 each.
  expect({ receipts: sum('RECEIPT'), adjusted: sum('ADJUST') }).toEqual({ receipts: 6 * 4 + 6 * 2, adjusted: -6 });
  expect(ledger.filter((r) => r.type === 'MOVE' && r.deltaOnHand > 0)).toHaveLength(6);
  const view = (await t.get(`/api/v1/inventory/asns/${asn.body.id}`)).body;
  expect(view.lines[0].received).toBe(12);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

// race12: the dock's and the returns desk's commands, each sent five times at once under one key (a handheld's retries
// racing each other): an RMA receipt and an inspection, a dock receipt's putaway confirm. Each does its work once.
it(`RMA receipts, RMA inspections and putaway confirms raced by themselves under one Idempotency-Key do their work once (seed ${SEED})`, async () => {
  const sku = w.products[0]!.sku;
  const owner = owners[0]!;
  const shelf = w.storage[4]!;
  const problems: string[] = [];
  const burst = <T>(n: number, f: () => Promise<T>) => Promise.all(Array.from({ length: n }, async () => { await pause(); return f(); }));
  const before = await onHandByOwner(sku);
  for (let round = 0; round < 4; round++) {
    const key = (what: string) => ({ 'idempotency-key': `same12-${what}-${round}` });
    const rma = await t.post('/api/v1/rmas', { siteId: w.siteId, ownerId: owner, customerRef: `SAME12-${round}`, lines: [{ sku, quantity: 6, reason: 'race12' }] }, 'manager');
    expect(rma.status).toBe(201);
    const lineId = rma.body.lines[0].lineId as string;
    const received = await burst(5, () => t.post(`/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 3 }] }, 'operator', key('rma-receive')));
    const dockReceipt = await t.post('/api/v1/inventory/inbound-receipts', { siteId: w.siteId, ownerId: owner, sku, quantity: 5, locationCode: dock.code }, 'operator');
    expect(dockReceipt.status).toBe(201);
    const putaways = (await t.get(`/api/v1/inventory/putaways?siteId=${w.siteId}&status=OPEN&limit=200`)).body.items as { id: string; receiptMovementId: string }[];
    const putaway = putaways.find((x) => x.receiptMovementId === dockReceipt.body.movementId) ?? putaways.at(-1)!;
    const [inspected, putAway] = await Promise.all([
      burst(5, () => t.post(`/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 2, condition: 'race12', locationId: shelf.id }, 'operator', key('inspect'))),
      burst(5, () => t.post(`/api/v1/inventory/putaways/${putaway.id}/confirm`, { locationId: shelf.id, quantity: 2 }, 'operator', key('putaway'))),
    ]);
    for (const [what, answers] of [['rma receive', received], ['inspect', inspected], ['putaway', putAway]] as const) {
      problems.push(...badAnswers(`${what} round ${round}`, answers));
      const codes = answers.filter((a) => a.status >= 400).map((a) => a.body.code as string).filter((c) => c !== 'IDEMPOTENCY_IN_PROGRESS');
      if (codes.length > 0) problems.push(`${what} round ${round}: refused ${codes.join(', ')}`);
    }
    await t.settle();
    const view = (await t.get(`/api/v1/rmas/${rma.body.id}`)).body as { lines: { received: number; awaitingInspection: number }[] };
    if (view.lines[0]!.received !== 3 || view.lines[0]!.awaitingInspection !== 1) problems.push(`round ${round}: RMA line ${JSON.stringify(view.lines[0])}`);
    const pv = (await t.get(`/api/v1/inventory/putaways/${putaway.id}`)).body as { open?: number; status: string };
    if (pv.open !== 3) problems.push(`round ${round}: putaway ${JSON.stringify(pv)}`);
  }
  expect(problems).toEqual([]);
  // 4 rounds: 3 RMA units and 5 dock units each came in for the owner.
  const after = await onHandByOwner(sku);
  expect((after.get(owner) ?? 0) - (before.get(owner) ?? 0)).toBe(4 * (3 + 5));
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});

it(`receipts racing for the last units an ASN line expects: never more than expected without acceptOver (seed ${SEED})`, async () => {
  const sku = w.products[2]!.sku;
  const problems: string[] = [];
  for (let round = 0; round < 8; round++) {
    const owner = owners[round % 2]!;
    const asn = await t.post('/api/v1/inventory/asns', { siteId: w.siteId, ownerId: owner, supplier: 'Last Ltd', lines: [{ sku, quantity: 10 }] });
    expect(asn.status).toBe(201);
    const id = asn.body.id as string;
    const answers = await Promise.all(Array.from({ length: 6 }, async () => {
      await pause();
      return t.post(`/api/v1/inventory/asns/${id}/receipts`, { sku, quantity: 3, locationId: dock.id });
    }));
    problems.push(...badAnswers('receipt', answers));
    const accepted = answers.filter((a) => a.status === 201).length;
    if (accepted !== 3) problems.push(`${id}: ${accepted} receipts of 3 accepted against a line of 10`);
    for (const a of answers) if (a.status !== 201 && a.body.code !== 'OVER_RECEIPT') problems.push(`${id}: ${a.status} ${a.body.code}`);
    const view = (await t.get(`/api/v1/inventory/asns/${id}`)).body;
    if (view.lines[0].received !== accepted * 3) problems.push(`${id}: line says ${view.lines[0].received}, ${accepted} receipts of 3 accepted`);
    const closed = await t.post(`/api/v1/inventory/asns/${id}/close`, {}, 'manager');
    problems.push(...badAnswers('close', [closed]));
  }
  await t.settle();
  expect(problems).toEqual([]);
  await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
});
