import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, orderStatus, planAndRelease, setupWarehouse, until, untilPooled, workTasks, type Warehouse } from '../support/flow-driver.ts';

/**
 * A 3PL pick face holding two owners' pallets of the same SKU (ADR 0028): a pick for one owner's order takes its units
 * out of that owner's pallet only. It took them from the oldest pallet holding the SKU before, whoever owned it, so the
 * other owner's pallet showed fewer units than it held (and its loss or find held or released the wrong owner's units).
 * Over the REST API only.
 */
let t: TestApp;
let w: Warehouse;
let client: string;

beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'TPLPICKOWNER', aisles: 1, bays: 2, levels: 1, skus: 2 });
  const owner = await t.post('/api/v1/owners', { code: 'PICKCO', name: 'Pick Co' });
  expect(owner.status, JSON.stringify(owner.body)).toBe(201);
  client = owner.body.id as string;
});
afterAll(async () => {
  await t.close();
});

/** Receives 4 units of the SKU for the owner (undefined: the default owner) at the face and builds them a pallet there. */
async function pallet(sku: string, faceId: string, ownerId: string | undefined): Promise<string> {
  const received = await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: faceId, quantity: 4, ...(ownerId === undefined ? {} : { ownerId }) });
  expect(received.status, JSON.stringify(received.body)).toBe(201);
  const built = await t.post('/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', locationId: faceId,
    contents: [{ sku, quantity: 4, ...(ownerId === undefined ? {} : { owner: ownerId }) }] }, 'operator');
  expect(built.status, JSON.stringify(built.body)).toBe(201);
  return built.body.id as string;
}

/** Orders 3 units of the SKU for the owner, waves, picks and waits until the order is PICKED and physical tracking heard it. */
async function orderAndPick(externalId: string, sku: string, ownerId: string | undefined): Promise<string> {
  const call = injectClient(t.app, t.keys.manager);
  const order = ownerId === undefined
    ? await createOrder(call, w.siteId, { externalId, lines: [{ sku, quantity: 3 }] })
    : (await t.post('/api/v1/orders', { externalId, siteId: w.siteId, ownerId, carrier: 'OWN_FLEET', lines: [{ sku, quantity: 3 }],
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' } })).body as { id: string };
  await t.settle();
  await untilPooled(call, w.siteId, [order.id]);
  await planAndRelease(call, w.siteId, 10);
  await t.settle();
  await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['worker-1'], { expectedTasks: 1 });
  await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
  await t.settle();
  return order.id;
}

const units = async (lpnId: string): Promise<number> => {
  const lpn = (await t.get(`/api/v1/lpns/${lpnId}`)).body as { contents: { quantity: number }[] };
  return lpn.contents.reduce((n, c) => n + c.quantity, 0);
};

describe("a pick at a face holding two owners' pallets of one SKU", () => {
  it("for the default owner's order takes its units out of the default owner's pallet; the client's older pallet keeps all its units", async () => {
    const [sku, face] = [w.products[0]!.sku, w.storage[0]!.id];
    // The client's pallet is the older one: oldest first, it was the one a default-owner pick emptied.
    const clientPallet = await pallet(sku, face, client);
    const defaultPallet = await pallet(sku, face, undefined);
    await t.settle();
    await orderAndPick('PICK-OWNER-1', sku, undefined);
    expect({ client: await units(clientPallet), default: await units(defaultPallet) }).toEqual({ client: 4, default: 1 });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });

  it("for the client's order takes its units out of the client's pallet (the pick names its owner); the default owner's older pallet keeps all its units", async () => {
    const [sku, face] = [w.products[1]!.sku, w.storage[1]!.id];
    const defaultPallet = await pallet(sku, face, undefined);
    const clientPallet = await pallet(sku, face, client);
    await t.settle();
    await orderAndPick('PICK-OWNER-2', sku, client);
    expect({ client: await units(clientPallet), default: await units(defaultPallet) }).toEqual({ client: 1, default: 4 });
    await assertStockConserved(t.databaseUrl, { siteId: w.siteId });
  });
});

describe("a client's order packed", () => {
  it("names its owner in pack-ship.package.packed and on the carton's lines (the event named none before)", async () => {
    const [sku, face] = [w.products[0]!.sku, w.storage[0]!.id];
    await pallet(sku, face, client);
    await t.settle();
    const orderId = await orderAndPick('PACK-OWNER-1', sku, client);
    const pkg = await t.post('/api/v1/packages', { orderId }, 'operator');
    expect(pkg.status, JSON.stringify(pkg.body)).toBe(201);
    await t.settle();
    const events = (await t.get(`/api/v1/events?type=pack-ship.package.packed.v1&subject=${pkg.body.id}`)).body.items as { data: { ownerId?: string } }[];
    const carton = (await t.getAll<{ code: string; contents: { owner: string | null; orderId: string | null; quantity: number }[] }>(`/api/v1/lpns?siteId=${w.siteId}`))
      .find((l) => l.code === pkg.body.id);
    expect({ eventOwners: events.map((e) => e.data.ownerId), carton: carton?.contents.map((c) => [c.owner === client ? 'client' : c.owner, c.orderId === orderId, c.quantity]) })
      .toEqual({ eventOwners: [client], carton: [['client', true, 3]] });
  });
});
