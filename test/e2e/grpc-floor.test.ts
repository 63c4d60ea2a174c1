/**
 * Issue 9 acceptance (b), the gRPC half: the floor steps of order to ship (next task, start, scan-confirm with one
 * short pick, complete) run through the public gRPC API alone, over a real socket with a grpc-js client, while intake,
 * waves, packing and shipping use REST; the same conservation checks as the REST flow hold at the end. Also: a call
 * without credentials or with a role that may not work the floor gets the mapped status and code, the refusals of
 * the floor map as documented, an idempotency key forwarded as metadata makes a retry count once, and reflection
 * lists the services.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOOR_SERVICE, INTEGRATION_SERVICE } from '../../src/gateway/grpc/public-api.ts';
import { expectStockConserved } from '../support/conservation.ts';
import { injectClient, orderStatus, packAndShip, planAndReleasePooled, receiveStock, setupWarehouse, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import { credentialsMetadata, grpcFloor, grpcRefusal, startGrpcTestApp, type GrpcTestApp, type PublicClients } from '../support/grpc-floor.ts';
import type { TestApp } from '../support/test-app.ts';

let g: GrpcTestApp;
let t: TestApp;
let clients: PublicClients;
let rpc: GrpcTestApp['rpc'];
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  g = await startGrpcTestApp();
  ({ t, clients, rpc } = g);
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'GRPC', aisles: 4, bays: 8, levels: 2, skus: 6 });
  await receiveStock(call, w, 15, 2);
});
afterAll(async () => {
  await g?.close();
});

const operator = (extra: Record<string, string> = {}): grpc.Metadata => credentialsMetadata({ apiKey: t.keys.operator, extra });

describe('the public gRPC API', () => {
  it('lists its services through server reflection', async () => {
    const reflectionProto = createRequire(import.meta.url).resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto');
    const pkg = grpc.loadPackageDefinition(loadSync(reflectionProto, { keepCase: true })) as any;
    const client = new pkg.grpc.reflection.v1.ServerReflection(`127.0.0.1:${g.server.port}`, grpc.credentials.createInsecure());
    try {
      const listed = await new Promise<any>((resolve, reject) => {
        const stream = client.ServerReflectionInfo();
        stream.on('data', (m: unknown) => { resolve(m); stream.end(); });
        stream.on('error', reject);
        stream.write({ list_services: '*' });
      });
      const names = listed.list_services_response.service.map((s: { name: string }) => s.name);
      expect(names).toEqual(expect.arrayContaining([FLOOR_SERVICE, INTEGRATION_SERVICE]));
    } finally {
      client.close();
    }
  });

  it('refuses a call without credentials (UNAUTHENTICATED) and a role that may not work the floor (PERMISSION_DENIED)', async () => {
    const request = { workerId: 'w-1', siteId: w.siteId };
    expect(await grpcRefusal(rpc.nextTask(request, new grpc.Metadata())))
      .toMatchObject({ status: 'UNAUTHENTICATED', code: 'UNAUTHENTICATED' });
    expect(await grpcRefusal(rpc.nextTask(request, credentialsMetadata({ apiKey: 'pk_not_a_key' }))))
      .toMatchObject({ status: 'UNAUTHENTICATED', code: 'UNAUTHENTICATED' });
    // A bearer token reaches the same check (an API key as bearer works today; a JWT once people sign in).
    expect(await grpcRefusal(rpc.nextTask(request, credentialsMetadata({ bearer: 'not-a-token' }))))
      .toMatchObject({ status: 'UNAUTHENTICATED' });
    for (const role of ['viewer', 'integration'] as const) {
      expect(await grpcRefusal(rpc.nextTask(request, credentialsMetadata({ apiKey: t.keys[role] }))), role)
        .toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    }
    // The integration service applies REST's roles and validation too: an operator may read ATP, not take orders in.
    expect(await grpcRefusal(rpc.getAtp({ siteId: 'NOPE' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'UNKNOWN_SITE' });
    expect(await grpcRefusal(rpc.createOrder({ externalId: 'X', siteId: w.siteId }, operator())))
      .toMatchObject({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
    // Nothing was claimed by the refused calls.
    expect((await t.get(`/api/v1/tasks?siteId=${w.siteId}&status=ASSIGNED`)).body.items).toHaveLength(0);
  });

  it('carries 20 orders to shipment with every floor step over gRPC, the stock arithmetic intact', async () => {
    // Intake over gRPC too (the integration service), as a storefront would; then REST plans and releases the wave.
    const ordered = new Map<string, number>();
    const orders: { id: string; lines: { sku: string; quantity: number }[] }[] = [];
    const integration = credentialsMetadata({ apiKey: t.keys.integration });
    for (let i = 0; i < 20; i++) {
      const lines = [{ sku: w.products[i % 6]!.sku, quantity: 1 + (i % 3) }];
      if (i % 3 === 0) lines.push({ sku: w.products[(i + 2) % 6]!.sku, quantity: 2 }, { sku: w.products[(i + 4) % 6]!.sku, quantity: 1 });
      const shipTo = { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' };
      const res = await rpc.createOrder({ externalId: `GRPC-${i}`, siteId: 'GRPC', shipTo, lines }, integration);
      expect(res).toMatchObject({ created: true, order: { status: 'RECEIVED', externalId: `GRPC-${i}` } });
      orders.push({ id: res.order!.id, lines });
      for (const l of lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
    }
    // The same order again is the same order (REST's 200): idempotent on its external id.
    const again = await rpc.createOrder({
      externalId: 'GRPC-1', siteId: 'GRPC', shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
      lines: [{ sku: w.products[1]!.sku, quantity: 2 }],
    }, integration);
    expect(again).toMatchObject({ created: false, order: { id: orders[1]!.id } });
    for (const o of orders) await until(`order ${o.id} allocated`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED');
    const atp = await rpc.getAtp({ siteId: w.siteId, sku: w.products[0]!.sku }, integration);
    expect(atp.items).toEqual([expect.objectContaining({ sku: w.products[0]!.sku, onHandAvailable: 30, atp: 30 - ordered.get(w.products[0]!.sku)! })]);

    await t.settle();
    const wave = await planAndReleasePooled(call, w.siteId, orders.map((o) => o.id), 50);
    expect([...wave.orderIds].sort()).toEqual(orders.map((o) => o.id).sort());
    for (const o of orders) await until(`order ${o.id} released`, () => orderStatus(call, o.id), (s) => s === 'RELEASED');
    await t.settle();

    // Refusals of the floor, before the real work: a wrong scan changes nothing.
    // A handheld that only does counts finds no work here; one that picks gets a PICK task, with where it starts.
    expect((await rpc.nextTask({ workerId: 'probe', siteId: 'GRPC', types: ['COUNT'] }, operator())).task ?? null).toBeNull();
    const probe = await rpc.nextTask({ workerId: 'probe', siteId: 'GRPC', types: ['PICK'] }, operator());
    const task = probe.task!;
    expect(task).toMatchObject({ status: 'ASSIGNED', workerId: 'probe', type: 'PICK', locationId: expect.any(String), requiredSkills: [] });
    expect(await grpcRefusal(rpc.completeTask({ taskId: task.id, workerId: 'probe' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'ILLEGAL_TRANSITION' });
    expect(await grpcRefusal(rpc.startTask({ taskId: task.id, workerId: 'someone-else' }, operator())))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'TASK_NOT_ASSIGNED_TO_WORKER' });
    expect(await grpcRefusal(rpc.startTask({ taskId: '', workerId: 'probe' }, operator())))
      .toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    expect(await grpcRefusal(rpc.getPickList({ pickListId: 'pkl_nope' }, operator())))
      .toMatchObject({ status: 'NOT_FOUND', code: 'NOT_FOUND' });
    // The pack bench's short (REST's POST /pack-station/shorts): an order still being picked is not shorted at packing.
    expect(await grpcRefusal(rpc.shortAtPack({ orderId: orders[0]!.id, lineId: 'oln_nope', quantity: 1, reason: 'MISSING' }, operator({ 'idempotency-key': 'grpc-pack-short-1' }))))
      .toMatchObject({ status: 'FAILED_PRECONDITION', code: 'NOTHING_TO_PACK' });
    const list = await rpc.getPickList({ pickListId: task.reference }, operator());
    const line = list.lines[0]!;
    const wrong = await grpcRefusal(rpc.confirmPick({
      pickListId: list.id, lineId: line.id, locationCode: 'NOT-HERE', barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'T',
    }, operator()));
    expect(wrong).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'WRONG_LOCATION' });
    expect(await grpcRefusal(rpc.confirmPick({
      pickListId: list.id, lineId: line.id, locationCode: line.locationCode ?? line.locationId, barcode: line.sku, quantity: 0, toteId: 'T',
    }, operator()))).toMatchObject({ status: 'INVALID_ARGUMENT', code: 'VALIDATION_FAILED' });
    // A retry with the same idempotency-key (metadata → header) counts once and answers the same.
    const scan = { pickListId: list.id, lineId: line.id, locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: 1, toteId: 'T' };
    const first = await rpc.confirmPick(scan, operator({ 'idempotency-key': 'grpc-scan-1' }));
    const retry = await rpc.confirmPick(scan, operator({ 'idempotency-key': 'grpc-scan-1' }));
    expect(retry).toEqual(first);
    expect(first.lines.find((l) => l.id === line.id)!.picked).toBe(1);
    expect((await t.get(`/api/v1/pick-lists/${list.id}`)).body.lines.find((l: { id: string }) => l.id === line.id).picked).toBe(1);
    // Hand the probe's task back so the workers below get it (the handheld's way out; grpc-floor-way-out.test.ts).
    expect(await rpc.rejectTask({ taskId: task.id, workerId: 'probe', reason: 'probe only' }, operator())).toMatchObject({ id: task.id, status: 'QUEUED' });

    const picked = await workTasks(grpcFloor(clients.floor, () => operator()), w.siteId, ['worker-1', 'worker-2'], { shortOne: true, shortRecovers: true, expectedTasks: 20 });
    // The shorted unit is re-reserved at the SKU's other location: one more pick list and task (ADR 0024).
    expect(picked.tasks.size).toBe(21);
    expect(picked.shorted).toHaveLength(1);
    for (const o of orders) await until(`order ${o.id} picked`, () => orderStatus(call, o.id), (s) => s === 'PICKED');
    expect((await t.get(`/api/v1/tasks?siteId=${w.siteId}&status=COMPLETED&limit=100`)).body.items).toHaveLength(21);

    const floor = injectClient(t.app, t.keys.operator);
    for (const o of orders) await packAndShip(floor, o.id);
    await t.settle();
    await expectStockConserved(t, { siteId: w.siteId, orders, ordered, short: picked.shorted[0]!, recovered: true, receivedPerSku: 30, skus: 6 });
    expect((await t.get('/api/v1/dead-letters')).body.items).toHaveLength(0);
  }, 120_000);
});
