import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { injectClient, receiveStock, setupWarehouse, until, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient, must, subscribe, type Gql } from '../support/graphql-client.ts';
import { PickingEvents, type PickListCreated } from '../../src/contracts/picking.ts';

/**
 * Acceptance (b), GraphQL half: the order-to-ship flow of order-to-ship.test.ts through GraphQL alone (the warehouse and
 * its stock are set up over REST, as master data), with the same stock conservation checks, a live subscription to one
 * order, and refusals answered as typed union members.
 */
let t: TestApp;
let manager: Gql;
let operator: Gql;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  manager = gqlClient(t.app, t.keys.manager);
  operator = gqlClient(t.app, t.keys.operator);
});
afterAll(async () => {
  await t.close();
});

const ERROR_FIELDS = '... on BusinessError { __typename code message httpStatus }';
const ORDER_FIELDS = 'id externalId status version lines { id sku ordered shipped }';

interface Line { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string; orderId: string }

async function ordersWithStatus(siteId: string, status: string): Promise<string[]> {
  const data = await must(manager, `query($s: String!, $st: String!) { orders(siteId: $s, status: $st, first: 100) { nodes { id } pageInfo { hasNextPage } } }`, { s: siteId, st: status });
  expect(data.orders.pageInfo.hasNextPage).toBe(false);
  return (data.orders.nodes as { id: string }[]).map((o) => o.id);
}

/** A handheld over GraphQL: next task, start, read its pick list, scan or short each line, complete. */
async function work(gql: Gql, siteId: string, worker: string, claimed: Map<string, string>, expected: { n: number }, shortLeft: { n: number }, shorted: { sku: string; orderId: string }[]): Promise<void> {
  for (let idle = 0; idle < 200;) {
    const next = await must(gql, `mutation($w: ID!, $s: String!) { nextTask(workerId: $w, siteId: $s) {
      __typename ... on Task { id reference status } ... on NoTask { message } ${ERROR_FIELDS} } }`, { w: worker, s: siteId });
    if (next.nextTask.__typename === 'NoTask') {
      if (claimed.size >= expected.n) return;
      idle++;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    expect(next.nextTask.__typename).toBe('Task');
    const task = next.nextTask as { id: string; reference: string };
    if (claimed.has(task.id) && claimed.get(task.id) !== worker) throw new Error(`task ${task.id} given to two workers`);
    claimed.set(task.id, worker);
    const started = await must(gql, `mutation($id: ID!, $w: ID!) { startTask(id: $id, workerId: $w) { __typename ... on Task { status } ${ERROR_FIELDS} } }`, { id: task.id, w: worker });
    expect(started.startTask).toEqual({ __typename: 'Task', status: 'IN_PROGRESS' });
    const list = (await must(gql, `query($id: ID!) { pickList(id: $id) { id lines { id sku locationCode locationId expectedBarcode quantity picked status orderId } } }`,
      { id: task.reference })).pickList as { id: string; lines: Line[] };
    for (const line of list.lines) {
      if (line.status !== 'PENDING') continue;
      const open = line.quantity - line.picked;
      const toShort = shortLeft.n > 0 ? 1 : 0;
      shortLeft.n -= toShort;
      if (open - toShort > 0) {
        const confirmed = await must(gql, `mutation($p: ID!, $l: ID!, $loc: String!, $b: String!, $q: Int!, $tote: String!) {
          confirmPick(pickListId: $p, lineId: $l, locationCode: $loc, barcode: $b, quantity: $q, toteId: $tote) { __typename ... on PickList { id } ${ERROR_FIELDS} } }`,
        { p: list.id, l: line.id, loc: line.locationCode ?? line.locationId, b: line.expectedBarcode ?? line.sku, q: open - toShort, tote: `TOTE-${worker}` });
        expect(confirmed.confirmPick).toEqual({ __typename: 'PickList', id: list.id });
      }
      if (toShort > 0) {
        const short = await must(gql, `mutation($p: ID!, $l: ID!) { shortPick(pickListId: $p, lineId: $l, reason: "NOT_FOUND") { __typename ${ERROR_FIELDS} } }`, { p: list.id, l: line.id });
        expect(short.shortPick.__typename).toBe('PickList');
        shorted.push({ sku: line.sku, orderId: line.orderId });
        // Another location holds the unit: it is re-reserved there, one more pick list to wait for (ADR 0024).
        expected.n++;
      }
    }
    // The pick list's completion may have completed the task already: that answers the task again, or a Conflict.
    const done = await must(gql, `mutation($id: ID!, $w: ID!) { completeTask(id: $id, workerId: $w) { __typename ... on Task { status } ${ERROR_FIELDS} } }`, { id: task.id, w: worker });
    expect(['Task', 'Conflict']).toContain(done.completeTask.__typename);
    idle = 0;
  }
}

describe('order to ship, end to end over GraphQL', () => {
  it('carries 20 orders from intake to shipment through GraphQL alone, with one short pick and a refused cancel', async () => {
    const rest = injectClient(t.app, t.keys.manager);
    w = await setupWarehouse(rest, { siteCode: 'GQL', aisles: 4, bays: 8, levels: 2, skus: 6 });
    expect(await receiveStock(rest, w, 15, 2)).toBe(6 * 2 * 15);
    const address = await t.app.http.listen({ port: 0, host: '127.0.0.1' });

    // Intake: a refused order is a typed member carrying the REST code, and changes nothing.
    const createOrder = `mutation($input: CreateOrderInput!) { createOrder(input: $input) {
      __typename ... on Order { ${ORDER_FIELDS} } ... on ValidationFailed { code message fieldErrors { field message } } ${ERROR_FIELDS} } }`;
    const shipTo = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
    const refused = await must(manager, createOrder, { input: { externalId: 'GQL-X', siteId: 'NO-SUCH-SITE', shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] } });
    expect(refused.createOrder).toMatchObject({ __typename: 'ValidationFailed', code: 'UNKNOWN_SITE', httpStatus: 422 });
    expect(refused.createOrder.fieldErrors).toEqual([{ field: '/siteId', message: expect.any(String) }]);

    const ordered = new Map<string, number>();
    const orders: { id: string; lines: { sku: string; quantity: number }[] }[] = [];
    let progress: Awaited<ReturnType<typeof subscribe>> | undefined;
    for (let i = 0; i < 20; i++) {
      const lines = [{ sku: w.products[i % 6]!.sku, quantity: 1 + (i % 3) }];
      if (i % 3 === 0) lines.push({ sku: w.products[(i + 2) % 6]!.sku, quantity: 2 }, { sku: w.products[(i + 4) % 6]!.sku, quantity: 1 });
      const res = await must(manager, createOrder, { input: { externalId: `GQL-${i}`, siteId: w.siteId, carrier: 'OWN_FLEET', shipTo, lines } });
      expect(res.createOrder).toMatchObject({ __typename: 'Order', status: 'RECEIVED', externalId: `GQL-${i}` });
      orders.push({ id: res.createOrder.id, lines });
      for (const l of lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
      if (i === 0) {
        // Live progress of the first order, over a websocket authenticated by its connection_init payload.
        progress = await subscribe(`${address.replace('http', 'ws')}/graphql`, { headers: { 'x-api-key': t.keys.viewer } },
          'subscription($id: ID!) { orderProgress(orderId: $id) { eventId type subject data } }', { id: res.createOrder.id });
        expect(progress.errors).toEqual([]);
      }
    }
    await until('20 orders allocated', () => ordersWithStatus(w.siteId, 'ALLOCATED'), (ids) => ids.length === 20);

    await t.settle(); // the waves context has taken the allocated orders into its pool
    const planned = await must(manager, `mutation($s: String!) { planWave(siteId: $s, maxOrders: 50) { __typename ... on Wave { id status orderIds } ${ERROR_FIELDS} } }`, { s: w.siteId });
    expect(planned.planWave).toMatchObject({ __typename: 'Wave', status: 'PLANNED' });
    const waveId = planned.planWave.id as string;
    expect([...planned.planWave.orderIds].sort()).toEqual(orders.map((o) => o.id).sort());
    const released = await must(manager, `mutation($id: ID!) { releaseWave(id: $id) { __typename ... on Wave { id status } ${ERROR_FIELDS} } }`, { id: waveId });
    expect(released.releaseWave).toEqual({ __typename: 'Wave', id: waveId, status: 'RELEASED' });
    await until('20 orders released', () => ordersWithStatus(w.siteId, 'RELEASED'), (ids) => ids.length === 20);

    await t.settle();
    const lists = await must(manager, `query($id: ID!) { wave(id: $id) { pickLists { id routeLength orders { id } lines { sku product { sku } } } } }`, { id: waveId });
    expect(lists.wave.pickLists).toHaveLength(20);
    for (const l of lists.wave.pickLists as { routeLength: number; orders: unknown[]; lines: { sku: string; product: { sku: string } }[] }[]) {
      expect(l.routeLength).toBeGreaterThan(0);
      expect(l.orders).toHaveLength(1);
      for (const line of l.lines) expect(line.product.sku).toBe(line.sku);
    }

    const claimed = new Map<string, string>();
    const shorted: { sku: string; orderId: string }[] = [];
    const shortLeft = { n: 1 };
    await Promise.all(['worker-1', 'worker-2'].map((worker) => work(operator, w.siteId, worker, claimed, { n: 20 }, shortLeft, shorted)));
    expect(claimed.size).toBe(21);
    expect(new Set(claimed.values())).toEqual(new Set(['worker-1', 'worker-2']));
    expect(shorted).toHaveLength(1);
    await until('20 orders picked', () => ordersWithStatus(w.siteId, 'PICKED'), (ids) => ids.length === 20);
    const tasks = await must(manager, `query($s: String!) { tasks(siteId: $s, status: "COMPLETED", type: "PICK") {
      nodes { id locationId endLocationId dueAt zone requiredSkills requiredEquipment pickList { id } } } }`, { s: w.siteId });
    expect(tasks.tasks.nodes).toHaveLength(21);
    expect(tasks.tasks.nodes[0]).toMatchObject({ locationId: expect.any(String), requiredSkills: [], requiredEquipment: [] });

    const tracking = new Set<string>();
    for (const o of orders) {
      const pack = await must(operator, `mutation($o: ID!) { packOrder(orderId: $o) { __typename ... on Package { id cartonCode } ${ERROR_FIELDS} } }`, { o: o.id });
      expect(pack.packOrder).toMatchObject({ __typename: 'Package', cartonCode: expect.any(String) });
      const shipment = await must(operator, `mutation($o: ID!) { createShipment(orderId: $o) { __typename ... on Shipment { id trackingNumber } ${ERROR_FIELDS} } }`, { o: o.id });
      expect(shipment.createShipment.__typename).toBe('Shipment');
      tracking.add(shipment.createShipment.trackingNumber);
      const dispatched = await must(operator, `mutation($id: ID!) { dispatchShipment(id: $id) { __typename ... on Shipment { status } ${ERROR_FIELDS} } }`, { id: shipment.createShipment.id });
      expect(dispatched.dispatchShipment).toEqual({ __typename: 'Shipment', status: 'DISPATCHED' });
    }
    expect(tracking.size).toBe(20);
    await t.settle();

    // Every order SHIPPED complete (the short was covered by another location), read back with its shipments in one query.
    const short = shorted[0]!;
    const shipped = await must(gqlClient(t.app, t.keys.viewer),
      `query($s: String!) { orders(siteId: $s, first: 100) { nodes { id status lines { ordered shipped } shipments { status } } } }`, { s: w.siteId });
    expect(shipped.orders.nodes).toHaveLength(20);
    for (const o of shipped.orders.nodes as { id: string; status: string; lines: { ordered: number; shipped: number }[]; shipments: { status: string }[] }[]) {
      expect(o.status, o.id).toBe('SHIPPED');
      expect(o.shipments).toEqual([{ status: 'DISPATCHED' }]);
      const units = o.lines.reduce((s, l) => s + l.shipped, 0);
      const want = o.lines.reduce((s, l) => s + l.ordered, 0);
      expect(units).toBe(want);
    }
    const events = await must(manager, `{ events(type: "orders.order.shipped.v1", first: 100) { nodes { subject data } } }`);
    expect(events.events.nodes).toHaveLength(20);
    expect(events.events.nodes.filter((e: { data: { partial: boolean } }) => e.data.partial)).toHaveLength(0);

    // Stock arithmetic per SKU, from the GraphQL ledger and balances: received − shipped ± adjustments = on-hand.
    for (const p of w.products) {
      const data = await must(manager, `query($s: String!, $sku: String!) {
        ledger(siteId: $s, sku: $sku, first: 1000) { nodes { type deltaOnHand } pageInfo { hasNextPage } }
        inventoryBalances(siteId: $s, sku: $sku, first: 1000) { nodes { onHand reserved } }
        atp(siteId: $s, sku: $sku) { sku allocated } }`, { s: w.siteId, sku: p.sku });
      expect(data.ledger.pageInfo.hasNextPage).toBe(false);
      const rows = data.ledger.nodes as { type: string; deltaOnHand: number }[];
      const sum = (type: string) => rows.filter((r) => r.type === type).reduce((a, r) => a + r.deltaOnHand, 0);
      const expectedShipped = ordered.get(p.sku) ?? 0;
      expect(sum('RECEIPT'), p.sku).toBe(30);
      expect(-sum('SHIP'), p.sku).toBe(expectedShipped);
      expect(sum('ADJUST'), p.sku).toBe(p.sku === short.sku ? -1 : 0);
      const balances = data.inventoryBalances.nodes as { onHand: number; reserved: number }[];
      const onHand = balances.reduce((a, b) => a + b.onHand, 0);
      expect(rows.reduce((a, r) => a + r.deltaOnHand, 0), p.sku).toBe(onHand);
      expect(30 - expectedShipped + sum('ADJUST'), p.sku).toBe(onHand);
      for (const b of balances) expect(b.reserved).toBe(0);
      expect(data.atp).toEqual([{ sku: p.sku, allocated: 0 }]);
    }
    // The REST suite's own summary agrees (the same numbers, computed by inventory itself).
    const summary = await t.getAll(`/api/v1/inventory/summary?siteId=${w.siteId}`);
    for (const s of summary as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number }[]) {
      expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
      expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
      expect(s.reserved, s.sku).toBe(0);
    }

    // Refusals are typed members with the REST code, and change nothing: a shipped order cannot be cancelled, and an
    // operator may not cancel at all.
    const cancel = `mutation($id: ID!) { cancelOrder(id: $id, reason: "too late") { __typename ... on Order { status } ${ERROR_FIELDS} } }`;
    const late = await must(manager, cancel, { id: orders[0]!.id });
    expect(late.cancelOrder).toMatchObject({ __typename: 'Conflict', code: 'ORDER_SHIPPED', httpStatus: 409 });
    const forbidden = await must(operator, cancel, { id: orders[0]!.id });
    expect(forbidden.cancelOrder).toMatchObject({ __typename: 'Forbidden', code: 'FORBIDDEN', httpStatus: 403 });
    const missing = await must(manager, cancel, { id: 'ord_nope' });
    expect(missing.cancelOrder).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
    expect((await must(manager, `query($id: ID!) { order(id: $id) { status } }`, { id: orders[0]!.id })).order.status).toBe('SHIPPED');

    // The subscriber heard the first order's way to the dock, in order, each event once.
    await until('the shipped event reaches the subscriber', async () => progress!.received.length, () =>
      progress!.received.some((m: { data: { orderProgress: { type: string } } }) => m.data.orderProgress.type === 'orders.order.shipped.v1'));
    const heard = (progress!.received as { data: { orderProgress: { eventId: string; type: string } } }[]).map((m) => m.data.orderProgress);
    expect(new Set(heard.map((e) => e.eventId)).size).toBe(heard.length);
    const types = heard.map((e) => e.type);
    for (const type of ['orders.order.released.v1', 'picking.line.picked.v1', 'pack-ship.shipment.dispatched.v1', 'orders.order.shipped.v1']) expect(types).toContain(type);
    expect(types.indexOf('orders.order.released.v1')).toBeLessThan(types.indexOf('orders.order.shipped.v1'));
    progress!.ws.close();
    await progress!.closed;

    expect((await t.get('/api/v1/dead-letters')).body.items).toHaveLength(0);
  }, 120_000);
});

describe('pauseTask, resumeTask and failTask over GraphQL', () => {
  it('pauses and resumes a task, then reports it FAILED (back to the queue below the limit); another worker or a bad reason is a typed refusal', async () => {
    const pickListId = 'pkl_gqlfail';
    const data: PickListCreated = { pickListId, waveId: 'wav_gqlfail', siteId: w.siteId, orderIds: ['ord_gqlfail'], lineCount: 1, routeLength: null, priority: 1 };
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'picking', [{ type: PickingEvents.listCreated, subject: pickListId, siteId: w.siteId, data }]));
    await t.settle();
    const next = await must(operator, `mutation($w: ID!, $s: String!) { nextTask(workerId: $w, siteId: $s) { __typename ... on Task { id reference } } }`, { w: 'gql-fail', s: w.siteId });
    expect(next.nextTask).toMatchObject({ __typename: 'Task', reference: pickListId });
    const id = next.nextTask.id as string;
    await must(operator, `mutation($id: ID!) { startTask(id: $id, workerId: "gql-fail") { __typename } }`, { id });
    // Paused and resumed on the way (IN_PROGRESS ↔ PAUSED): only its worker may.
    const pause = (op: 'pauseTask' | 'resumeTask', worker: string) =>
      must(operator, `mutation($id: ID!, $w: ID!) { ${op}(id: $id, workerId: $w) { __typename ... on Task { status } ${ERROR_FIELDS} } }`, { id, w: worker });
    expect((await pause('pauseTask', 'someone-else')).pauseTask).toMatchObject({ __typename: 'Conflict', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect((await pause('pauseTask', 'gql-fail')).pauseTask).toEqual({ __typename: 'Task', status: 'PAUSED' });
    expect((await pause('resumeTask', 'gql-fail')).resumeTask).toEqual({ __typename: 'Task', status: 'IN_PROGRESS' });
    const fail = `mutation($id: ID!, $w: ID, $r: String!) { failTask(id: $id, workerId: $w, reason: $r, note: "no ladder") {
      __typename ... on Task { status failures failureReason failureNote } ${ERROR_FIELDS} } }`;
    expect((await must(operator, fail, { id, w: 'someone-else', r: 'EQUIPMENT' })).failTask).toMatchObject({ __typename: 'Conflict', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect((await must(operator, fail, { id, w: 'gql-fail', r: 'TIRED' })).failTask).toMatchObject({ __typename: 'ValidationFailed', httpStatus: 400 });
    expect((await must(operator, fail, { id, w: 'gql-fail', r: 'EQUIPMENT' })).failTask).toEqual({
      __typename: 'Task', status: 'QUEUED', failures: 1, failureReason: 'EQUIPMENT', failureNote: 'no ladder',
    });
  });
});
