/**
 * Cancelling an order over the public gRPC API (`paklog.integration.v1.Integration/CancelOrder`), as a storefront that
 * created it over gRPC would: the REST operation's outcome, codes and events. Before dispatch the order is CANCELLED
 * (again: the same answer, one `orders.order.cancelled.v1`); a picked order's units go back under a return; a stale
 * `if-match` is FAILED_PRECONDITION VERSION_MISMATCH, an unknown order NOT_FOUND, an operator PERMISSION_DENIED, and
 * after dispatch FAILED_PRECONDITION ORDER_SHIPPED with the order still SHIPPED. CreateOrder takes and answers REST's whole
 * ship-to (company, line3, state, phone and email were dropped), refused as REST refuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, receiveStock, setupWarehouse, shipOneOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { credentialsMetadata, grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../support/grpc-floor.ts';

let g: GrpcTestApp;
let call: Call;
let w: Warehouse;
let seq = 0;

beforeAll(async () => {
  g = await startGrpcTestApp();
  call = injectClient(g.t.app, g.t.keys.admin);
  w = await setupWarehouse(call, { siteCode: 'GRPCX', aisles: 1, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 50, 1);
}, 60_000);
afterAll(async () => {
  await g.close();
});

const manager = (extra: Record<string, string> = {}) => credentialsMetadata({ apiKey: g.t.keys.manager, extra });
const cancelledEvents = async (orderId: string): Promise<number> => (await g.t.app.db.query<{ n: number }>(
  `SELECT count(*)::int AS n FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]))[0]!.n;

async function newOrder(): Promise<string> {
  const o = await createOrder(call, w.siteId, { externalId: `GRPCX-${++seq}`, lines: [{ sku: w.products[0]!.sku, quantity: 2 }] });
  await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
  await g.t.settle();
  return o.id;
}

describe('gRPC CancelOrderLine', () => {
  it('cancels units of a line before waving as REST does; a quantity above the open units is INVALID_ARGUMENT, an operator refused', async () => {
    const o = await createOrder(call, w.siteId, { externalId: `GRPCX-${++seq}`, lines: [{ sku: w.products[0]!.sku, quantity: 2 }, { sku: w.products[1]!.sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    await g.t.settle();
    const lines = (await g.t.get(`/api/v1/orders/${o.id}`)).body.lines as { id: string }[];
    const part = await g.rpc.cancelOrderLine({ orderId: o.id, lineId: lines[0]!.id, quantity: 1, reason: 'one fewer' }, manager());
    expect(part.lines[0]).toMatchObject({ id: lines[0]!.id, ordered: 2, cancelled: 1 });
    expect(await grpcRefusal(g.rpc.cancelOrderLine({ orderId: o.id, lineId: lines[0]!.id, quantity: 5 }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNPROCESSABLE' });
    expect(await grpcRefusal(g.rpc.cancelOrderLine({ orderId: o.id, lineId: lines[1]!.id }, g.operator()))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    await until('allocated again', () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    // Its units go back for the other cases, which count what stays allocated.
    expect((await g.rpc.cancelOrder({ orderId: o.id }, manager())).status).toBe('CANCELLED');
    await g.t.settle();
  });
});

describe('gRPC CancelOrder', () => {
  it('cancels before dispatch as REST does; again answers the same, one event; stale if-match, unknown order and an operator are refused', async () => {
    const id = await newOrder();
    const stale = await newOrder();
    const first = await g.rpc.cancelOrder({ orderId: id, reason: 'customer changed their mind' }, manager({ 'idempotency-key': `gc-${id}` }));
    expect(first).toMatchObject({ id, status: 'CANCELLED', cancelReason: 'customer changed their mind' });
    const again = await g.rpc.cancelOrder({ orderId: id }, manager());
    expect(again).toMatchObject({ id, status: 'CANCELLED', version: first.version });
    const retried = await g.rpc.cancelOrder({ orderId: id, reason: 'customer changed their mind' }, manager({ 'idempotency-key': `gc-${id}` }));
    expect(retried).toMatchObject({ id, status: 'CANCELLED', version: first.version });
    await g.t.settle();
    expect(await cancelledEvents(id)).toBe(1);
    expect((await g.t.get(`/api/v1/orders/${id}`)).body.status).toBe('CANCELLED');
    // The line reads cancelled, and its units are back in ATP: only the other order's 2 stay allocated.
    expect((await g.t.get(`/api/v1/orders/${id}`)).body.lines[0]).toMatchObject({ ordered: 2, cancelled: 2 });
    await until('deallocated', async () => (await g.t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${w.products[0]!.sku}`)).body.items[0].allocated,
      (n) => n === 2);

    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: stale }, manager({ 'if-match': '"999"' })))).toMatchObject({ status: 'FAILED_PRECONDITION', code: 'VERSION_MISMATCH' });
    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: stale }, g.operator()))).toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    expect((await g.t.get(`/api/v1/orders/${stale}`)).body.status).toBe('ALLOCATED');
    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: 'ord_none' }, manager()))).toMatchObject({ status: 'NOT_FOUND', code: 'NOT_FOUND' });
    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: '..' }, manager()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
  }, 30_000);

  it('after dispatch: FAILED_PRECONDITION ORDER_SHIPPED, the order stays SHIPPED, no cancelled event', async () => {
    const o = await createOrder(call, w.siteId, { externalId: `GRPCX-${++seq}`, lines: [{ sku: w.products[1]!.sku, quantity: 1 }] });
    await shipOneOrder(call, injectClient(g.t.app, g.t.keys.operator), w.siteId, o.id, () => g.t.settle());
    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: o.id }, manager()))).toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ORDER_SHIPPED' });
    expect((await g.t.get(`/api/v1/orders/${o.id}`)).body.status).toBe('SHIPPED');
    await g.t.settle();
    expect(await cancelledEvents(o.id)).toBe(0);
  }, 30_000);

  it('while a SHIP scan of its units is under way at the dock: ABORTED ORDER_SHIPPING (a retry may pass), nothing changed; asked again once the scan is over, CANCELLED', async () => {
    const id = await newOrder();
    // A SHIP scan's claim on the order at pack & ship, not settled yet (the scan's transaction in flight).
    await g.t.app.db.query(`INSERT INTO pack_ship.dock_ship_claims (claim_id, order_id, claimed_at) VALUES ('dsc_grpcx', $1, now())`, [id]);
    const before = (await g.t.get(`/api/v1/orders/${id}`)).body as { status: string; version: number };
    // REST says "ask again in a moment"; gRPC says the same with ABORTED, which clients retry, not FAILED_PRECONDITION
    // (wait until someone changes the state), which it was.
    expect((await g.t.post(`/api/v1/orders/${id}/cancel`, { reason: 'rest' })).body.code).toBe('ORDER_SHIPPING');
    expect(await grpcRefusal(g.rpc.cancelOrder({ orderId: id, reason: 'customer' }, manager()))).toMatchObject({ status: 'ABORTED', code: 'ORDER_SHIPPING' });
    expect((await g.t.get(`/api/v1/orders/${id}`)).body).toMatchObject({ status: before.status, version: before.version });
    // The scan ended without shipping (its claim dropped): the same call now cancels.
    await g.t.app.db.query(`DELETE FROM pack_ship.dock_ship_claims WHERE claim_id = 'dsc_grpcx'`);
    expect((await g.rpc.cancelOrder({ orderId: id, reason: 'customer' }, manager())).status).toBe('CANCELLED');
    await g.t.settle();
    expect(await cancelledEvents(id)).toBe(1);
  }, 30_000);
});

describe('gRPC CreateOrder ship-to', () => {
  it('takes and answers every field of REST\'s shipTo (company, line3, state, phone, email were dropped); one REST refuses is INVALID_ARGUMENT VALIDATION_FAILED and writes nothing', async () => {
    const shipTo = {
      name: 'Ada Lovelace', company: 'Analytical Engines Ltd', line1: '12 Analytical Row', line2: 'Floor 2', line3: 'Door B', city: 'London',
      state: 'Greater London', postalCode: 'N1 7AA', country: 'GB', phone: '+44 20 7946 0000', email: 'ada@example.com',
    };
    const externalId = `GRPCX-${++seq}`;
    const created = await g.rpc.createOrder({ externalId, siteId: w.siteId, shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] }, manager());
    expect(created.created).toBe(true);
    expect(created.order!.shipTo).toMatchObject(shipTo);
    expect((await g.t.get(`/api/v1/orders/${created.order!.id}`)).body.shipTo).toEqual(shipTo);
    // The same order again is REST's 200 (the whole ship-to takes part in the comparison).
    expect((await g.rpc.createOrder({ externalId, siteId: w.siteId, shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] }, manager())).created).toBe(false);
    // Unset optional fields are REST's absent ones.
    const plain = await g.rpc.createOrder({
      externalId: `GRPCX-${++seq}`, siteId: w.siteId, shipTo: { name: 'N', line1: 'L', city: 'C', postalCode: '1', country: 'DE' }, lines: [{ sku: w.products[0]!.sku, quantity: 1 }],
    }, manager());
    expect((await g.t.get(`/api/v1/orders/${plain.order!.id}`)).body.shipTo).toEqual({ name: 'N', line1: 'L', city: 'C', postalCode: '1', country: 'DE' });

    const refusedId = `GRPCX-${++seq}`;
    const refused = await grpcRefusal(g.rpc.createOrder({
      externalId: refusedId, siteId: w.siteId, shipTo: { ...shipTo, phone: '9'.repeat(41) }, lines: [{ sku: w.products[0]!.sku, quantity: 1 }],
    }, manager()));
    const rest = await g.t.post('/api/v1/orders', {
      externalId: refusedId, siteId: w.siteId, shipTo: { ...shipTo, phone: '9'.repeat(41) }, lines: [{ sku: w.products[0]!.sku, quantity: 1 }],
    });
    expect(rest.status).toBe(400);
    expect(rest.body.errors.map((e: { field: string }) => e.field)).toEqual([expect.stringContaining('shipTo/phone')]);
    expect(refused).toMatchObject({ status: 'INVALID_ARGUMENT', code: rest.body.code, fields: rest.body.errors.map((e: { field: string }) => e.field) });
    expect((await g.t.get(`/api/v1/orders?externalId=${refusedId}`)).body.items).toEqual([]);
  }, 30_000);
});
