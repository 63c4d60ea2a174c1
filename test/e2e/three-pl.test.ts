import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { gqlClient, must } from '../support/graphql-client.ts';
import { injectClient, orderStatus, packAndShip, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * A 3PL site (issue 11, ADR 0028): two owners stock the SAME SKU; each owner's orders are allocated, picked and shipped
 * from that owner's units only; an owner without stock backorders while the other has plenty; owner-scoped keys see
 * and act on their own owner's orders and stock only. Through HTTP only, plus one read of the ledger per owner.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;
let acme: string;
let beta: string;
let gamma: string;
let acmeKey: string;
let betaKey: string;
const SHIP_TO = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };

const order = (externalId: string, sku: string, quantity: number, ownerId?: string) => ({
  externalId, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo: SHIP_TO, lines: [{ sku, quantity }], ...(ownerId === undefined ? {} : { ownerId }),
});
const as = (key: string): Call => injectClient(t.app, key);

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'TPL', aisles: 1, bays: 3, levels: 1, skus: 1 });
  const owner = async (code: string, name: string) => {
    const res = await t.post('/api/v1/owners', { code, name });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  acme = await owner('ACME', 'Acme Outdoor');
  beta = await owner('BETA', 'Beta Foods');
  gamma = await owner('GAMMA', 'Gamma Toys');
  const key = async (ownerId: string, role: string) => {
    const res = await t.post('/api/v1/api-keys', { name: `client ${ownerId}`, role, ownerId });
    expect(res.status).toBe(201);
    expect(res.body.ownerId).toBe(ownerId);
    return res.body.key as string;
  };
  // ACME's storefront integration; BETA's own manager (a client's person who may also cancel).
  acmeKey = await key(acme, 'integration');
  betaKey = await key(beta, 'manager');
});
afterAll(async () => {
  await t.close();
});

describe('a 3PL site with two owners of the same SKU', () => {
  it('keeps each owner\'s units apart: allocation, pick and ship use the order owner\'s stock only', async () => {
    const sku = w.products[0]!.sku;
    const [acmeLoc, betaLoc] = [w.storage[0]!, w.storage[1]!];
    const receive = (ownerId: string, locationId: string, quantity: number) =>
      call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, ownerId, sku, locationId, quantity });
    // Each client's integration follows its own orders to the door, shipments and tracking numbers included.
    const subscribe = async (ownerId: string): Promise<string> => {
      const sub = await t.post('/api/v1/integrations/webhook-subscriptions', {
        url: 'http://127.0.0.1:9/hook', eventTypes: ['orders.order.shipped.v1', 'pack-ship.shipment.*'], siteId: w.siteId, ownerId,
      }, 'integration');
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      return sub.body.id as string;
    };
    const hooks = { acme: await subscribe(acme), beta: await subscribe(beta) };
    expect((await receive(acme, acmeLoc.id, 5)).status).toBe(201);
    expect((await receive(beta, betaLoc.id, 20)).status).toBe(201);

    // Per-owner stock: the same SKU, two balances, two summaries.
    const balances = async (ownerId: string) =>
      (await call<{ items: { ownerId: string; locationId: string; onHand: number }[] }>('balances', 'GET',
        `/api/v1/inventory/balances?siteId=${w.siteId}&owner=${ownerId}&sku=${sku}`)).body.items;
    expect((await balances(acme)).map((b) => [b.ownerId, b.locationId, b.onHand])).toEqual([[acme, acmeLoc.id, 5]]);
    expect((await balances(beta)).map((b) => [b.ownerId, b.locationId, b.onHand])).toEqual([[beta, betaLoc.id, 20]]);

    // ACME orders 8: it has 5, BETA's 20 must not cover it → BACKORDERED. BETA orders 6 → ALLOCATED.
    const acmeOrder = await as(acmeKey)<{ id: string; ownerId: string }>('acme order', 'POST', '/api/v1/orders', order('TPL-A1', sku, 8));
    expect(acmeOrder.status).toBe(201);
    expect(acmeOrder.body.ownerId).toBe(acme);
    const betaOrder = await call<{ id: string }>('beta order', 'POST', '/api/v1/orders', order('TPL-B1', sku, 6, beta));
    expect(betaOrder.status).toBe(201);
    // GAMMA has no stock at all: it backorders though BETA has plenty.
    const gammaOrder = await call<{ id: string }>('gamma order', 'POST', '/api/v1/orders', order('TPL-G1', sku, 1, gamma));
    expect(gammaOrder.status).toBe(201);
    await until('acme backordered', () => orderStatus(call, acmeOrder.body.id), (s) => s === 'BACKORDERED');
    await until('beta allocated', () => orderStatus(call, betaOrder.body.id), (s) => s === 'ALLOCATED');
    await until('gamma backordered', () => orderStatus(call, gammaOrder.body.id), (s) => s === 'BACKORDERED');
    await t.settle();

    // More BETA stock arriving does not help ACME; ACME's own does.
    expect((await receive(beta, betaLoc.id, 10)).status).toBe(201);
    await t.settle();
    expect(await orderStatus(call, acmeOrder.body.id)).toBe('BACKORDERED');
    expect(await orderStatus(call, gammaOrder.body.id)).toBe('BACKORDERED');
    expect((await receive(acme, acmeLoc.id, 3)).status).toBe(201);
    await until('acme allocated', () => orderStatus(call, acmeOrder.body.id), (s) => s === 'ALLOCATED');
    await t.settle();

    // One wave with both orders: each is reserved and picked at its owner's location.
    const wave = await call<{ id: string; orderIds: string[] }>('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
    expect(wave.status).toBe(201);
    expect([...wave.body.orderIds].sort()).toEqual([acmeOrder.body.id, betaOrder.body.id].sort());
    expect((await call('release', 'POST', `/api/v1/waves/${wave.body.id}/release`)).status).toBe(200);
    await t.settle();
    const reservations = async (orderId: string) =>
      (await call<{ items: { locationId: string; quantity: number }[] }>('reservations', 'GET', `/api/v1/inventory/reservations?orderId=${orderId}`)).body.items;
    expect((await reservations(acmeOrder.body.id)).map((r) => [r.locationId, r.quantity])).toEqual([[acmeLoc.id, 8]]);
    expect((await reservations(betaOrder.body.id)).map((r) => [r.locationId, r.quantity])).toEqual([[betaLoc.id, 6]]);
    await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 2 });
    const shipments = new Map<string, string>();
    for (const id of [acmeOrder.body.id, betaOrder.body.id]) {
      await until('picked', () => orderStatus(call, id), (s) => s === 'PICKED');
      await t.settle();
      shipments.set(id, (await packAndShip(call, id)).shipmentId);
      await until('shipped', () => orderStatus(call, id), (s) => s === 'SHIPPED');
    }
    await t.settle();
    const delivered = async (subscriptionId: string): Promise<string[]> =>
      ((await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${subscriptionId}`)).body.items as { eventType: string; subject: string }[])
        .map((d) => `${d.eventType} ${d.subject}`).sort();
    for (const [hook, orderId] of [[hooks.acme, acmeOrder.body.id], [hooks.beta, betaOrder.body.id]] as const) {
      expect(await delivered(hook)).toEqual([
        `orders.order.shipped.v1 ${orderId}`, `pack-ship.shipment.created.v1 ${shipments.get(orderId)!}`, `pack-ship.shipment.dispatched.v1 ${shipments.get(orderId)!}`,
      ]);
    }

    // The ledger per owner: ACME received 8 and shipped 8, BETA received 30 and shipped 6; nothing crossed.
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const rows = (await client.query<{ owner_id: string; type: string; units: string }>(
        `SELECT owner_id, type, sum(delta_on_hand)::text AS units FROM inventory.movements
          WHERE site_id = $1 AND sku = $2 AND type IN ('RECEIPT', 'SHIP') GROUP BY 1, 2 ORDER BY 1, 2`, [w.siteId, sku])).rows;
      expect(rows.map((r) => [r.owner_id, r.type, Number(r.units)]).sort()).toEqual([
        [acme, 'RECEIPT', 8], [acme, 'SHIP', -8], [beta, 'RECEIPT', 30], [beta, 'SHIP', -6],
      ].sort());
    } finally {
      await client.end();
    }
    const summary = async (ownerId: string) => t.getAll<{ sku: string; received: number; shipped: number; onHand: number; allocated: number }>(
      `/api/v1/inventory/summary?siteId=${w.siteId}&owner=${ownerId}`, 'manager');
    expect(await summary(acme)).toEqual([expect.objectContaining({ sku, received: 8, shipped: 8, onHand: 0, allocated: 0 })]);
    expect(await summary(beta)).toEqual([expect.objectContaining({ sku, received: 30, shipped: 6, onHand: 24, allocated: 0 })]);
    const orders = async (ownerId: string) => (await call<{ items: { id: string }[] }>('orders', 'GET', `/api/v1/orders?siteId=${w.siteId}&owner=${ownerId}`))
      .body.items.map((o) => o.id);
    expect(await orders(acme)).toEqual([acmeOrder.body.id]);
    expect(await orders(gamma)).toEqual([gammaOrder.body.id]);
    expect((await t.get('/api/v1/dead-letters')).body.items).toEqual([]);
  });

  it('owner-scoped keys see and act on their own owner\'s orders and stock only', async () => {
    const sku = w.products[0]!.sku;
    const acmeCall = as(acmeKey);
    const betaCall = as(betaKey);
    const mine = await acmeCall<{ id: string }>('acme order', 'POST', '/api/v1/orders', order('TPL-A2', sku, 1));
    expect(mine.status).toBe(201);
    // Another owner's order is one it cannot find; nor can it cancel it (nothing changes).
    const peekOrder = await betaCall<{ code: string }>('get', 'GET', `/api/v1/orders/${mine.body.id}`);
    expect([peekOrder.status, peekOrder.body.code]).toEqual([404, 'NOT_FOUND']);
    const cancel = await betaCall<{ code: string }>('cancel', 'POST', `/api/v1/orders/${mine.body.id}/cancel`, {});
    expect(cancel.status).toBe(404);
    expect(await orderStatus(call, mine.body.id)).not.toBe('CANCELLED');
    expect((await acmeCall('get', 'GET', `/api/v1/orders/${mine.body.id}`)).status).toBe(200);
    // Lists are the key's owner's only, whatever is asked.
    const listed = await betaCall<{ items: { ownerId: string }[] }>('list', 'GET', `/api/v1/orders?siteId=${w.siteId}`);
    expect(listed.status).toBe(200);
    expect(new Set(listed.body.items.map((o) => o.ownerId))).toEqual(new Set([beta]));
    expect((await betaCall<{ code: string }>('list acme', 'GET', `/api/v1/orders?siteId=${w.siteId}&owner=${acme}`)).body.code).toBe('OWNER_NOT_ALLOWED');
    const stock = await betaCall<{ items: { ownerId: string }[] }>('balances', 'GET', `/api/v1/inventory/balances?siteId=${w.siteId}`);
    expect(stock.status).toBe(200);
    expect(stock.body.items.length).toBeGreaterThan(0);
    expect(new Set(stock.body.items.map((b) => b.ownerId))).toEqual(new Set([beta]));
    const peek = await betaCall<{ code: string }>('acme stock', 'GET', `/api/v1/inventory/balances?siteId=${w.siteId}&owner=${acme}`);
    expect([peek.status, peek.body.code]).toEqual([403, 'OWNER_NOT_ALLOWED']);
    // Stock as it stood at an instant: the key's owner's units only, and the same units its balances show now.
    const now = encodeURIComponent(new Date().toISOString());
    const history = await betaCall<{ items: { ownerId: string; sku: string; onHand: number }[] }>('as-of', 'GET', `/api/v1/inventory/as-of?siteId=${w.siteId}&at=${now}`);
    expect(history.status, JSON.stringify(history.body)).toBe(200);
    expect(new Set(history.body.items.map((b) => b.ownerId))).toEqual(new Set([beta]));
    const onHand = (items: { sku: string; onHand: number }[]) => items.filter((b) => b.sku === sku).reduce((n, b) => n + b.onHand, 0);
    expect(onHand(history.body.items)).toBe(onHand(stock.body.items as unknown as { sku: string; onHand: number }[]));
    // A key of every owner narrows by owner: the same units as acme's balances (none left after its shipment).
    const acmeThen = await call<{ items: { ownerId: string; sku: string; onHand: number }[] }>('as-of acme', 'GET', `/api/v1/inventory/as-of?siteId=${w.siteId}&at=${now}&owner=${acme}`);
    expect(acmeThen.status).toBe(200);
    expect(acmeThen.body.items.every((b) => b.ownerId === acme)).toBe(true);
    const acmeNow = await call<{ items: { sku: string; onHand: number }[] }>('acme balances', 'GET', `/api/v1/inventory/balances?siteId=${w.siteId}&owner=${acme}`);
    expect(onHand(acmeThen.body.items)).toBe(onHand(acmeNow.body.items));
    const everyone = await call<{ items: { ownerId: string; sku: string; onHand: number }[] }>('as-of all', 'GET', `/api/v1/inventory/as-of?siteId=${w.siteId}&at=${now}`);
    expect(onHand(everyone.body.items)).toBe(onHand(acmeThen.body.items) + onHand(history.body.items));
    const peekThen = await betaCall<{ code: string }>('acme as-of', 'GET', `/api/v1/inventory/as-of?siteId=${w.siteId}&at=${now}&owner=${acme}`);
    expect([peekThen.status, peekThen.body.code]).toEqual([403, 'OWNER_NOT_ALLOWED']);
    // Inbound: a scoped key announces its own ASNs and sees only those; another owner's ASN is one it cannot find.
    const asn = (ownerId?: string) => ({ siteId: w.siteId, supplier: 'Supplier', lines: [{ sku, quantity: 3 }], ...(ownerId === undefined ? {} : { ownerId }) });
    const acmeAsn = await call<{ id: string; ownerId: string }>('acme asn', 'POST', '/api/v1/inventory/asns', asn(acme));
    expect([acmeAsn.status, acmeAsn.body.ownerId]).toEqual([201, acme]);
    const betaAsn = await betaCall<{ id: string; ownerId: string }>('beta asn', 'POST', '/api/v1/inventory/asns', asn());
    expect([betaAsn.status, betaAsn.body.ownerId]).toEqual([201, beta]);
    expect((await betaCall<{ code: string }>('asn for acme', 'POST', '/api/v1/inventory/asns', asn(acme))).status).toBe(403);
    const asns = await betaCall<{ items: { id: string; ownerId: string }[] }>('asns', 'GET', `/api/v1/inventory/asns?siteId=${w.siteId}`);
    expect(asns.body.items.map((a) => [a.id, a.ownerId])).toEqual([[betaAsn.body.id, beta]]);
    expect((await betaCall('acme asn', 'GET', `/api/v1/inventory/asns/${acmeAsn.body.id}`)).status).toBe(404);
    expect((await betaCall('beta asn', 'GET', `/api/v1/inventory/asns/${betaAsn.body.id}`)).status).toBe(200);
    const acmeAsns = await call<{ items: { ownerId: string }[] }>('acme asns', 'GET', `/api/v1/inventory/asns?siteId=${w.siteId}&owner=${acme}`);
    expect(acmeAsns.body.items.map((a) => a.ownerId)).toEqual([acme]);
    // Customer returns alike.
    const rma = (ownerId?: string) => ({ siteId: w.siteId, customerRef: 'C-1', lines: [{ sku, quantity: 1, reason: 'too big' }], ...(ownerId === undefined ? {} : { ownerId }) });
    const acmeRma = await call<{ id: string; ownerId: string }>('acme rma', 'POST', '/api/v1/rmas', rma(acme));
    expect([acmeRma.status, acmeRma.body.ownerId]).toEqual([201, acme]);
    const betaRma = await betaCall<{ id: string; ownerId: string }>('beta rma', 'POST', '/api/v1/rmas', rma());
    expect([betaRma.status, betaRma.body.ownerId]).toEqual([201, beta]);
    const rmas = await betaCall<{ items: { id: string }[] }>('rmas', 'GET', `/api/v1/rmas?siteId=${w.siteId}`);
    expect(rmas.body.items.map((r) => r.id)).toEqual([betaRma.body.id]);
    expect((await betaCall('acme rma', 'GET', `/api/v1/rmas/${acmeRma.body.id}`)).status).toBe(404);
    expect((await betaCall<{ code: string }>('rmas of acme', 'GET', `/api/v1/rmas?siteId=${w.siteId}&owner=${acme}`)).body.code).toBe('OWNER_NOT_ALLOWED');

    // Creating for another owner: 403 with a code, and nothing is written.
    const before = (await t.get(`/api/v1/orders?siteId=${w.siteId}&limit=500`)).body.items.length;
    const forAcme = await betaCall<{ code: string }>('order for acme', 'POST', '/api/v1/orders', order('TPL-X1', sku, 1, acme));
    expect([forAcme.status, forAcme.body.code]).toEqual([403, 'OWNER_NOT_ALLOWED']);
    const receipt = await betaCall<{ code: string }>('receive for acme', 'POST', '/api/v1/inventory/receipts',
      { siteId: w.siteId, ownerId: acme, sku, locationId: w.storage[0]!.id, quantity: 1 });
    expect(receipt.status).toBe(403);
    expect((await t.get(`/api/v1/orders?siteId=${w.siteId}&limit=500`)).body.items.length).toBe(before);
    // A route that does not keep owners apart is closed to a scoped key.
    const waves = await betaCall<{ code: string }>('waves', 'GET', `/api/v1/waves?siteId=${w.siteId}`);
    expect([waves.status, waves.body.code]).toEqual([403, 'OWNER_SCOPED_KEY']);

    // GraphQL alike: owners in the answers, a scoped key's own only, the same refusals as REST.
    const gql = gqlClient(t.app, betaKey);
    const seen = await must<{ orders: { nodes: { ownerId: string }[] }; inventoryBalances: { nodes: { ownerId: string }[] } }>(gql,
      `query($s: String!) { orders(siteId: $s, first: 500) { nodes { ownerId } } inventoryBalances(siteId: $s) { nodes { ownerId } } }`, { s: w.siteId });
    expect(new Set(seen.orders.nodes.map((o) => o.ownerId))).toEqual(new Set([beta]));
    expect(new Set(seen.inventoryBalances.nodes.map((b) => b.ownerId))).toEqual(new Set([beta]));
    const gqlPeek = await gql(`query($s: String!, $o: ID) { inventoryBalances(siteId: $s, owner: $o) { nodes { ownerId } } }`, { s: w.siteId, o: acme });
    expect(gqlPeek.errors?.[0]?.extensions).toMatchObject({ code: 'OWNER_NOT_ALLOWED', status: 403 });
    const gqlWaves = await gql(`query($s: String!) { waves(siteId: $s) { nodes { id } } }`, { s: w.siteId });
    expect(gqlWaves.errors?.[0]?.extensions).toMatchObject({ code: 'OWNER_SCOPED_KEY', status: 403 });
    const managerView = await must<{ orders: { nodes: { ownerId: string }[] } }>(gqlClient(t.app, t.keys.manager),
      `query($s: String!, $o: ID) { orders(siteId: $s, owner: $o, first: 500) { nodes { ownerId } } }`, { s: w.siteId, o: acme });
    expect(new Set(managerView.orders.nodes.map((o) => o.ownerId))).toEqual(new Set([acme]));
  });

  it('another owner\'s externalId is taken, and that is all its key learns: 409 ORDER_CONFLICT naming /ownerId alone, whatever else it sends', async () => {
    const sku = w.products[0]!.sku;
    const acmeOrder = await as(acmeKey)('acme order', 'POST', '/api/v1/orders', { ...order('TPL-SECRET-1', sku, 2), priority: 3 });
    expect(acmeOrder.status).toBe(201);
    // BETA guesses ACME's order field by field: the answer must not tell a right guess from a wrong one.
    const guesses = [
      { ...order('TPL-SECRET-1', sku, 2), priority: 3 },
      { ...order('TPL-SECRET-1', sku, 2), priority: 1 },
      { ...order('TPL-SECRET-1', sku, 5), priority: 3, shipTo: { ...SHIP_TO, name: 'Someone Else' } },
    ];
    for (const guess of guesses) {
      const res = await as(betaKey)<{ code: string; errors: { field: string }[] }>('beta guess', 'POST', '/api/v1/orders', guess);
      expect({ status: res.status, code: res.body.code, fields: res.body.errors.map((e) => e.field) })
        .toEqual({ status: 409, code: 'ORDER_CONFLICT', fields: ['/ownerId'] });
    }
    // ACME itself still learns what differs in its own order.
    const own = await as(acmeKey)<{ errors: { field: string }[] }>('acme again', 'POST', '/api/v1/orders', { ...order('TPL-SECRET-1', sku, 2), priority: 1 });
    expect([own.status, own.body.errors.map((e) => e.field)]).toEqual([409, ['/priority']]);
  });

  it('an unknown owner is 422 UNKNOWN_OWNER and writes nothing', async () => {
    const sku = w.products[0]!.sku;
    const ledger = async () => (await t.getAll(`/api/v1/inventory/ledger?siteId=${w.siteId}`)).length;
    const orders = async () => (await t.get(`/api/v1/orders?siteId=${w.siteId}&limit=500`)).body.items.length;
    const [movementsBefore, ordersBefore] = [await ledger(), await orders()];
    const o = await call<{ code: string; errors: { field: string }[] }>('order', 'POST', '/api/v1/orders', order('TPL-U1', sku, 1, 'own_nobody'));
    expect([o.status, o.body.code]).toEqual([422, 'UNKNOWN_OWNER']);
    expect(o.body.errors.map((e) => e.field)).toEqual(['/ownerId']);
    const r = await call<{ code: string }>('receipt', 'POST', '/api/v1/inventory/receipts',
      { siteId: w.siteId, ownerId: 'own_nobody', sku, locationId: w.storage[0]!.id, quantity: 1 });
    expect([r.status, r.body.code]).toEqual([422, 'UNKNOWN_OWNER']);
    const dup = await t.post('/api/v1/owners', { code: 'ACME', name: 'Again' });
    expect([dup.status, dup.body.code]).toEqual([409, 'OWNER_CODE_TAKEN']);
    await t.settle();
    expect([await ledger(), await orders()]).toEqual([movementsBefore, ordersBefore]);
  });

  it('an API key for an owner names one that exists: another is 400 VALIDATION_FAILED and no key is made', async () => {
    const keys = async () => (await t.get('/api/v1/api-keys')).body.items.length as number;
    const before = await keys();
    const res = await t.post('/api/v1/api-keys', { name: 'client nobody', role: 'integration', ownerId: 'own_00000000000000000000000000000000' });
    expect([res.status, res.body.code, res.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/ownerId', message: 'is not the id of an owner' }]]);
    expect(await keys()).toBe(before);
    const known = await t.post('/api/v1/api-keys', { name: 'client gamma', role: 'viewer', ownerId: gamma });
    expect([known.status, known.body.ownerId]).toEqual([201, gamma]);
  });
  it('an owner-scoped key holds, releases and moves its own owner\'s units, and only those (owners.md)', async () => {
    const sku = w.products[0]!.sku;
    const [from, to] = [w.storage[2]!, w.storage[1]!];
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, ownerId: beta, sku, locationId: from.id, quantity: 4 })).status).toBe(201);
    const betaCall = as(betaKey);
    const held = await betaCall<{ from: { ownerId: string }; to: { ownerId: string; status: string; onHand: number } }>('hold', 'POST', '/api/v1/inventory/holds',
      { siteId: w.siteId, sku, locationId: from.id, quantity: 2, status: 'QUARANTINE', reason: 'client asked' });
    expect([held.status, held.body.to]).toEqual([201, expect.objectContaining({ ownerId: beta, status: 'QUARANTINE', onHand: 2 })]);
    const released = await betaCall('release', 'POST', '/api/v1/inventory/hold-releases',
      { siteId: w.siteId, sku, locationId: from.id, quantity: 2, fromStatus: 'QUARANTINE', reason: 'client cleared it' });
    expect(released.status).toBe(201);
    const moved = await betaCall<{ movementId: string }>('move', 'POST', '/api/v1/inventory/moves',
      { siteId: w.siteId, sku, quantity: 1, fromLocationId: from.id, toLocationId: to.id });
    expect(moved.status).toBe(201);
    // Another owner's units: refused with a code, nothing written.
    const ledger = async () => (await t.getAll(`/api/v1/inventory/ledger?siteId=${w.siteId}`)).length;
    const before = await ledger();
    for (const [url, body] of [
      ['/api/v1/inventory/holds', { siteId: w.siteId, ownerId: acme, sku, locationId: w.storage[0]!.id, quantity: 1, status: 'HOLD', reason: 'not ours' }],
      ['/api/v1/inventory/hold-releases', { siteId: w.siteId, ownerId: acme, sku, locationId: w.storage[0]!.id, quantity: 1, fromStatus: 'HOLD', reason: 'not ours' }],
      ['/api/v1/inventory/moves', { siteId: w.siteId, ownerId: acme, sku, quantity: 1, fromLocationId: w.storage[0]!.id, toLocationId: to.id }],
    ] as const) {
      const res = await betaCall<{ code: string }>(url, 'POST', url, body);
      expect([url, res.status, res.body.code]).toEqual([url, 403, 'OWNER_NOT_ALLOWED']);
    }
    await t.settle();
    expect(await ledger()).toBe(before);
  });
});
