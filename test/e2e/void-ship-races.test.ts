import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectLedgerConserved } from '../support/conservation.ts';
import { createOrder, orderStatus, planAndReleasePooled, receiveStock, until } from '../support/flow-driver.ts';
import { badAnswers, startRaceSite, type Answer, type RaceSite } from '../support/races.ts';

/**
 * A black-box race hunt (2026-12-06) on the void that takes cartons back off the truck (ADR 0011 addendum septies): a
 * shipment whose carton was SHIP-scanned is voided at the same moment as the order's cancel, its dispatch, the package's
 * repack, a re-booking and a new SHIP scan (and, after the void, those raced together). Every answer is a success or a
 * coded 4xx; afterwards a SHIPPED order shipped its unit once, a CANCELLED one shipped nothing and its carton is not on
 * the truck, and an order left in between still ships (booked again or repacked, then dispatched); the ledger is
 * conserved. Found sound: no case failed.
 */
let s: RaceSite;

beforeAll(async () => {
  s = await startRaceSite({ siteCode: 'VOIDSHIPRACE', aisles: 2, bays: 3, levels: 1, skus: 1 });
  await receiveStock(s.call, s.w, 200, 2);
});
afterAll(async () => {
  await s.t.close();
});

interface Line { id: string; locationId: string; locationCode?: string | null; expectedBarcode?: string | null; sku: string; quantity: number }

async function pickedOrder(externalId: string): Promise<string> {
  const { t, call, w } = s;
  const orderId = (await createOrder(call, w.siteId, { externalId, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] })).id;
  await until('allocated', () => orderStatus(call, orderId), (x) => x === 'ALLOCATED');
  await t.settle();
  await planAndReleasePooled(call, w.siteId, [orderId], 1);
  await t.settle();
  const list = (await t.get(`/api/v1/pick-lists?orderId=${orderId}`)).body.items[0] as { id: string; lines: Line[] };
  for (const line of list.lines) {
    const r = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
      locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: `TOTE-${externalId}`,
    }, 'operator');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  await until('picked', () => orderStatus(call, orderId), (x) => x === 'PICKED');
  await s.t.settle();
  return orderId;
}

async function loaded(externalId: string): Promise<{ orderId: string; pkg: { id: string; sscc: string }; shipmentId: string; cartonId: string }> {
  const { t, w } = s;
  const orderId = await pickedOrder(externalId);
  const pkg = await t.post('/api/v1/packages', { orderId }, 'operator');
  expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
  await t.settle();
  const booked = await t.post('/api/v1/shipments', { orderId });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const scan = await t.post('/api/v1/scans', { siteId: w.siteId, barcode: pkg.body.sscc, meaning: 'SHIP', workerId: 'dock' }, 'operator');
  expect(scan.status, JSON.stringify(scan.body)).toBe(201);
  await t.settle();
  const carton = (await t.get(`/api/v1/lpns?siteId=${w.siteId}&code=${pkg.body.id}`)).body.items[0] as { id: string };
  return { orderId, pkg: pkg.body, shipmentId: booked.body.id, cartonId: carton.id };
}

async function shippedUnits(orderId: string): Promise<number> {
  const rows = await s.t.app.db.query<{ n: string }>(
    `SELECT coalesce(sum(-delta_on_hand), 0)::int8 AS n FROM inventory.movements WHERE type = 'SHIP'
       AND reference IN (SELECT id FROM pack_ship.shipments WHERE order_id = $1)`, [orderId]);
  return Number(rows[0]!.n);
}

/** After the race: the states agree, and the order still has a way to an end (shipped or cancelled). */
async function consistent(label: string, orderId: string, pkgId: string, cartonId: string): Promise<string[]> {
  const { t } = s;
  await t.settle();
  const problems: string[] = [];
  let status = await orderStatus(s.call, orderId);
  const pkg = (await t.get(`/api/v1/packages/${pkgId}`)).body;
  const carton = (await t.get(`/api/v1/lpns/${cartonId}`)).body;
  const shipments = (await t.get(`/api/v1/shipments?orderIds=${orderId}`)).body.items as { id: string; status: string }[];
  const snap = `${label}: order ${status} pkg ${pkg.status} carton ${carton.status}@${carton.locationId} shipments ${shipments.map((x) => x.status).join(',')}`;
  if (status === 'SHIPPED') {
    if ((await shippedUnits(orderId)) !== 1) problems.push(`${snap}: shipped units ${await shippedUnits(orderId)}`);
    if (shipments.filter((x) => x.status === 'DISPATCHED').length !== 1) problems.push(`${snap}: dispatched count`);
  } else if (status === 'CANCELLED') {
    if ((await shippedUnits(orderId)) !== 0) problems.push(`${snap}: cancelled but shipped units`);
    if (carton.status === 'SHIPPED') problems.push(`${snap}: cancelled but carton SHIPPED`);
  } else {
    if ((await shippedUnits(orderId)) !== 0) problems.push(`${snap}: not shipped but shipped units`);
    // A way on: dispatch what is labelled, or book again, load and dispatch.
    const labelled = shipments.find((x) => x.status === 'LABELLED' || x.status === 'BOOKED');
    let shipmentId = labelled?.id;
    if (shipmentId === undefined && pkg.status === 'PACKED') {
      const again = await t.post('/api/v1/shipments', { orderId });
      if (again.status !== 201) problems.push(`${snap}: rebook ${again.status} ${JSON.stringify(again.body)}`);
      shipmentId = again.body.id;
    }
    if (pkg.status === 'REPACKED') {
      // Repacked: packed again and booked.
      const re = await t.post('/api/v1/packages', { orderId }, 'operator');
      if (re.status !== 201) problems.push(`${snap}: pack again ${re.status} ${JSON.stringify(re.body)}`);
      await t.settle();
      const again = await t.post('/api/v1/shipments', { orderId });
      if (again.status !== 201) problems.push(`${snap}: book after repack ${again.status} ${JSON.stringify(again.body)}`);
      shipmentId = again.body.id;
    }
    if (shipmentId !== undefined) {
      const d = await t.post(`/api/v1/shipments/${shipmentId}/dispatch`, {});
      if (d.status !== 200) problems.push(`${snap}: dispatch ${d.status} ${JSON.stringify(d.body)}`);
      await t.settle();
      status = await until('shipped', () => orderStatus(s.call, orderId), (x) => x === 'SHIPPED', 5000).catch(() => 'STUCK');
      if (status !== 'SHIPPED') problems.push(`${snap}: after way-on order ${status}`);
      if ((await shippedUnits(orderId)) !== 1) problems.push(`${snap}: after way-on shipped units ${await shippedUnits(orderId)}`);
    }
  }
  return problems;
}

describe('a voided-after-SHIP label raced with cancel, rebook, dispatch and repack', () => {
  it('keeps stock, LPNs and the order consistent, with a way on', async () => {
    const { t, w } = s;
    const problems: string[] = [];
    const answers: Answer[] = [];
    type Step = (x: Awaited<ReturnType<typeof loaded>>) => Promise<Answer>;
    const voidIt: Step = (x) => t.post(`/api/v1/shipments/${x.shipmentId}/void`, {});
    const cancel: Step = (x) => t.post(`/api/v1/orders/${x.orderId}/cancel`, { reason: 'race' });
    const repack: Step = (x) => t.post(`/api/v1/packages/${x.pkg.id}/repack`, {}, 'operator');
    const dispatch: Step = (x) => t.post(`/api/v1/shipments/${x.shipmentId}/dispatch`, {});
    const rebook: Step = (x) => t.post('/api/v1/shipments', { orderId: x.orderId });
    const reship: Step = (x) => t.post('/api/v1/scans', { siteId: w.siteId, barcode: x.pkg.sscc, meaning: 'SHIP', workerId: 'dock' }, 'operator');
    const combos: [string, Step[]][] = [
      ['void+cancel', [voidIt, cancel]],
      ['void+dispatch', [voidIt, dispatch]],
      ['void+repack', [voidIt, repack]],
      ['void+rebook', [voidIt, rebook]],
      ['void+reship', [voidIt, reship]],
      ['void+cancel+repack', [voidIt, cancel, repack]],
      ['void+rebook+dispatch', [voidIt, rebook, dispatch]],
      ['void+cancel+rebook+repack+dispatch', [voidIt, cancel, rebook, repack, dispatch]],
      ['void+reship+dispatch', [voidIt, reship, dispatch]],
    ];
    let n = 0;
    for (const [label, steps] of combos) {
      for (let round = 0; round < 2; round++) {
        const x = await loaded(`VSR-${++n}`);
        const got = await Promise.all(steps.map((f) => f(x)));
        answers.push(...got);
        problems.push(...badAnswers(label, got));
        problems.push(...await consistent(`${label}#${round} ${got.map((a) => a.status).join('/')}`, x.orderId, x.pkg.id, x.cartonId));
      }
    }
    // After the void settled: cancel, rebook, dispatch, repack, reship together.
    for (let round = 0; round < 4; round++) {
      const x = await loaded(`VSR-${++n}`);
      expect((await voidIt(x)).status).toBe(200);
      await t.settle();
      const book = await t.post('/api/v1/shipments', { orderId: x.orderId });
      const y = { ...x, shipmentId: book.body.id as string };
      const got = await Promise.all([cancel(y), dispatch(y), repack(y), reship(y)]);
      problems.push(...badAnswers('after-void', got));
      problems.push(...await consistent(`after-void#${round} ${got.map((a) => `${a.status}${a.body?.code ?? ''}`).join('/')}`, x.orderId, x.pkg.id, x.cartonId));
    }
    await expectLedgerConserved(t, w.siteId);
    expect(problems).toEqual([]);
  }, 240_000);
});
