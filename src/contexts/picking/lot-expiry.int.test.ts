import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.ts';
import type { TestApp } from '../../../test/support/test-app.ts';
import { grpcRefusal, startGrpcTestApp, type GrpcTestApp } from '../../../test/support/grpc-floor.ts';
import { gqlClient, must } from '../../../test/support/graphql-client.ts';
import {
  createOrder, gtin13, injectClient, orderStatus, packAndShip, planAndRelease, setupWarehouse, until, type Call, type PickListView, type Warehouse,
} from '../../../test/support/flow-driver.ts';

/**
 * A lot reserved while good whose expiry passes before its pick (ADR 0024 addendum 2026-12-06). The site's clock is the
 * test's: the days pass by `clock.set`, not by waiting.
 */
const clock = manualClock(new Date('2030-01-01T08:00:00Z'));
let g: GrpcTestApp;
let t: TestApp;
let call: Call;
let floor: Call;
let w: Warehouse;
const SKU = 'EXPY-TEA';

interface Line { id: string; sku: string; lot: string | null; expiresOn?: string | null; locationId: string; locationCode: string | null; expectedBarcode: string | null; quantity: number; picked: number; status: string }
interface Balance { locationId: string; lot: string | null; onHand: number; reserved: number; status: string; expiresOn: string | null }

const balances = async (): Promise<Balance[]> => (await t.get(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${SKU}`, 'viewer')).body.items as Balance[];

/** The next PICK task of `worker`, started, with its list. */
async function nextPick(worker: string): Promise<{ taskId: string; list: PickListView & { lines: Line[] } }> {
  const next = await until('a pick task', () => floor('next task', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }),
    (r) => r.status === 200);
  const task = next.body as { id: string; reference: string };
  expect((await floor('start', 'POST', `/api/v1/tasks/${task.id}/start`, { workerId: worker })).status).toBe(200);
  const list = await floor('list', 'GET', `/api/v1/pick-lists/${task.reference}`);
  return { taskId: task.id, list: list.body as PickListView & { lines: Line[] } };
}

const scanOf = (line: Line, tote: string) => ({
  locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity - line.picked, toteId: tote,
});

beforeAll(async () => {
  g = await startGrpcTestApp({ clock });
  t = g.t;
  call = injectClient(t.app, t.keys.manager);
  floor = injectClient(t.app, t.keys.operator);
  w = await setupWarehouse(call, { siteCode: 'EXPY', aisles: 1, bays: 4, levels: 1, skus: 1 });
  const product = await call('product', 'POST', '/api/v1/products', {
    sku: SKU, description: 'Green tea, dated', gtin: gtin13(777_001), uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 60, weightG: 120,
    lotControlled: true, expiryControlled: true,
  });
  expect(product.status).toBe(201);
});
afterAll(async () => g.close());

describe('a lot that expires between its reservation and its pick', () => {
  // Failed before: the confirm was 200 and the expired lot was picked, packed and shipped.
  it('is refused at the confirm (409 LOT_EXPIRED, nothing written); a short EXPIRED re-reserves a good lot, which ships; the expired units stay, out of ATP', async () => {
    const [old, fresh] = [w.storage[0]!, w.storage[2]!];
    const receive = (locationId: string, lot: string, expiresOn: string, quantity: number) =>
      call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: SKU, locationId, lot, expiresOn, quantity });
    expect((await receive(old.id, 'L-OLD', '2030-01-02', 2)).status).toBe(201);
    expect((await receive(fresh.id, 'L-NEW', '2030-06-30', 5)).status).toBe(201);

    const order = await createOrder(call, w.siteId, { externalId: 'EXPY-1', lines: [{ sku: SKU, quantity: 2 }] });
    await until('order allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, w.siteId, 1);
    await t.settle();

    // FEFO reserved the lot that expires first, good on 2030-01-01; two days later it is past its date.
    const first = await nextPick('picker-1');
    const line = first.list.lines[0]!;
    expect(line).toMatchObject({ lot: 'L-OLD', expiresOn: '2030-01-02', locationId: old.id, quantity: 2 });
    // GraphQL and gRPC show the line's expiry as REST does (neither had the field: a handheld on them could not see it).
    const gql = (await must(gqlClient(t.app, t.keys.operator), `query($id: ID!) { pickList(id: $id) { lines { id lot expiresOn } } }`, { id: first.list.id }))
      .pickList as { lines: { id: string; lot: string; expiresOn: string | null }[] };
    expect(gql.lines).toEqual([{ id: line.id, lot: 'L-OLD', expiresOn: '2030-01-02' }]);
    expect((await g.rpc.getPickList({ pickListId: first.list.id }, g.operator())).lines[0]).toMatchObject({ id: line.id, lot: 'L-OLD', expiresOn: '2030-01-02' });
    clock.set(new Date('2030-01-03T08:00:00Z'));
    // gRPC refuses it with REST's code.
    expect(await grpcRefusal(g.rpc.confirmPick({ pickListId: first.list.id, lineId: line.id, ...scanOf(line, 'TOTE-X') }, g.operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'LOT_EXPIRED' });

    const refused = await floor('confirm', 'POST', `/api/v1/pick-lists/${first.list.id}/lines/${line.id}/confirm`, scanOf(line, 'TOTE-X'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'LOT_EXPIRED' });
    expect(refused.body.detail).toMatch(/L-OLD .*expired on 2030-01-02.*reason EXPIRED/);
    const after = (await floor('list', 'GET', `/api/v1/pick-lists/${first.list.id}`)).body as { lines: Line[] };
    expect(after.lines[0]).toMatchObject({ status: 'PENDING', picked: 0 });

    // The way out: short it, reason EXPIRED. The expired units stay where they are (no SHORT_PICK write-off).
    const short = await floor('short', 'POST', `/api/v1/pick-lists/${first.list.id}/lines/${line.id}/short`, { reason: 'EXPIRED' });
    expect(short.status).toBe(200);
    expect(short.body.lines[0]).toMatchObject({ status: 'SHORT', shortReason: 'EXPIRED' });
    await t.settle();

    // Re-reserved from the good lot (another location): a new pick list, picked and shipped.
    const second = await nextPick('picker-1');
    const good = second.list.lines[0]!;
    expect(good).toMatchObject({ lot: 'L-NEW', expiresOn: '2030-06-30', locationId: fresh.id, quantity: 2 });
    expect((await floor('confirm', 'POST', `/api/v1/pick-lists/${second.list.id}/lines/${good.id}/confirm`, scanOf(good, 'TOTE-Y'))).status).toBe(200);
    await floor('complete', 'POST', `/api/v1/tasks/${first.taskId}/complete`, { workerId: 'picker-1' });
    await floor('complete', 'POST', `/api/v1/tasks/${second.taskId}/complete`, { workerId: 'picker-1' });
    await until('order picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    await t.settle();
    await packAndShip(call, order.id);
    await until('order shipped', () => orderStatus(call, order.id), (s) => s === 'SHIPPED');
    await t.settle();

    const stock = await balances();
    expect(stock.filter((b) => b.locationId === old.id)).toEqual([expect.objectContaining({ lot: 'L-OLD', onHand: 2, reserved: 0, status: 'AVAILABLE' })]);
    expect(stock.filter((b) => b.locationId === fresh.id)).toEqual([expect.objectContaining({ lot: 'L-NEW', onHand: 3, reserved: 0 })]);
    // ATP counts the good lot only: the two expired units are on hand, never promised.
    const atp = await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${SKU}`, 'viewer');
    expect(atp.body.items[0]).toMatchObject({ sku: SKU, atp: 3 });
  });
});
