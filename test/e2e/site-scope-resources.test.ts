/**
 * A caller of some sites only (a site-scoped key, ADR 0019) acting on a resource of another site named by its id alone
 * (`/locations/{id}/block`, `/inventory/movements/{id}`, `/manifests/{id}`) or in a list's query string
 * (`/pick-lists?waveId=`, `/shipments?orderIds=`): refused 403 FORBIDDEN_AT_SITE with nothing changed, as for orders and
 * waves (authorization-matrix.test.ts). The site guard learns a resource's site from the context owning its id prefix;
 * these prefixes had none, and query strings were not read, so the caller's overall role decided: another site's
 * location could be blocked, its pick lists and shipments listed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, injectClient, orderStatus, planAndRelease, until, workTasks, type Call, type Warehouse } from '../support/flow-driver.ts';
import pino from 'pino';
import { serveGrpcApi } from '../../src/gateway/grpc/public-api.ts';
import { gqlClient } from '../support/graphql-client.ts';
import { credentialsMetadata, grpcRefusal, publicClients, rpcMethods } from '../support/grpc-floor.ts';
import { siteLookups } from '../../src/app.ts';
import type { LocationMasterApi } from '../../src/contracts/location-master.ts';
import { tableFingerprint } from '../support/fingerprint.ts';
import { scopedSites } from '../support/site-app.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let a: Warehouse;
let b: Warehouse;
let scoped: Call;
let scopedKey: string;

beforeAll(async () => {
  t = await startTestApp();
  ({ a, b, key: scopedKey, scoped } = await scopedSites(t, {
    a: { siteCode: 'SSA', aisles: 1, bays: 2, levels: 1, skus: 1 },
    b: { siteCode: 'SSBB', aisles: 1, bays: 3, levels: 1, skus: 1 },
  }, { name: 'manager of A', role: 'manager' }));
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('a site-scoped caller and another site\'s resources named by id', () => {
  it('may not block, unblock or read a location of another site, read its movements and manifests, nor list its order\'s pick lists, reservations, packages or shipments', async () => {
    const sku = b.products[0]!.sku;
    const receipt = await t.post('/api/v1/inventory/receipts', { siteId: b.siteId, sku, locationId: b.storage[0]!.id, quantity: 3 });
    expect(receipt.status).toBe(201);
    const order = await createOrder(injectClient(t.app, t.keys.integration), b.siteId, { externalId: 'SSB-1', lines: [{ sku, quantity: 1 }] });
    const manager = injectClient(t.app, t.keys.manager);
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    const { waveId } = await planAndRelease(manager, b.siteId, 1);
    await t.settle();
    await workTasks(injectClient(t.app, t.keys.operator), b.siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(manager, order.id), (s) => s === 'PICKED');
    expect((await t.post('/api/v1/packages', { orderId: order.id }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/shipments', { orderId: order.id }, 'manager')).status).toBe(201);
    const manifest = await t.post('/api/v1/manifests', { siteId: b.siteId, carrier: 'OWN_FLEET' }, 'manager');
    expect(manifest.status).toBe(201);
    const target = b.storage[1]!;
    const refused: [string, string, unknown?][] = [
      ['POST', `/api/v1/locations/${target.id}/block`, { reason: 'not mine' }],
      ['POST', `/api/v1/locations/${target.id}/deactivate`],
      ['GET', `/api/v1/locations/${target.id}`],
      ['GET', `/api/v1/inventory/movements/${receipt.body.movementId}`],
      ['GET', `/api/v1/manifests/${manifest.body.id}`],
      // Lists narrowed by another site's order or wave in the query string.
      ['GET', `/api/v1/pick-lists?waveId=${waveId}`],
      ['GET', `/api/v1/pick-lists?orderId=${order.id}`],
      ['GET', `/api/v1/inventory/reservations?orderId=${order.id}`],
      ['GET', `/api/v1/packages?orderId=${order.id}`],
      ['GET', `/api/v1/shipments?orderIds=${order.id}`],
    ];
    for (const [method, url, body] of refused) {
      const res = await scoped<{ code: string }>(url, method as 'GET', url, body);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 403, code: 'FORBIDDEN_AT_SITE' });
    }
    expect((await t.get(`/api/v1/locations/${target.id}`)).body.status).toBe('ACTIVE');
    // At its own site the same calls pass.
    const own = a.storage[1]!;
    expect((await scoped('own block', 'POST', `/api/v1/locations/${own.id}/block`, { reason: 'inspection' })).status).toBe(200);
    expect((await scoped('own unblock', 'POST', `/api/v1/locations/${own.id}/unblock`)).status).toBe(200);
  });
  it('naming its own site (?siteId=) on a route that takes none does not cover another site\'s resource: 400 VALIDATION_FAILED for the stray parameter, 403 FORBIDDEN_AT_SITE without it, nothing changed', async () => {
    // The guard read ?siteId= from any query string and, a site being named, looked no further: the location in the path,
    // B's, was blocked by a caller of A. Now the named site counts only where the route takes one, and the resources
    // named (path, body, query) count as well.
    const target = b.storage[2]!;
    const sku = a.products[0]!.sku;
    // A route that takes no ?siteId= refuses one as it refuses any parameter it does not take (400 naming it), before
    // any site is looked at: it covers nothing.
    for (const [method, url, body] of [
      ['POST', `/api/v1/locations/${target.id}/block?siteId=${a.siteId}`, { reason: 'not mine' }],
      ['POST', `/api/v1/locations/${target.id}/deactivate?siteId=SSA`],
      ['GET', `/api/v1/locations/${target.id}?siteId=${a.siteId}`],
    ] as const) {
      const res = await scoped<{ code: string; errors?: { field: string }[] }>(url, method, url, body);
      expect({ url, status: res.status, code: res.body.code, field: res.body.errors?.[0]?.field })
        .toEqual({ url, status: 400, code: 'VALIDATION_FAILED', field: '/querystring/siteId' });
    }
    const refused: [string, string, unknown?][] = [
      ['POST', `/api/v1/locations/${target.id}/block`, { reason: 'not mine' }],
      ['POST', `/api/v1/locations/${target.id}/deactivate`],
      ['GET', `/api/v1/locations/${target.id}`],
      // A body naming its own site and another site's location acts at both.
      ['POST', '/api/v1/inventory/receipts', { siteId: a.siteId, sku, locationId: target.id, quantity: 1 }],
      ['GET', `/api/v1/inventory/balances?siteId=${a.siteId}&locationId=${target.id}`],
    ];
    for (const [method, url, body] of refused) {
      const res = await scoped<{ code: string }>(url, method as 'GET', url, body);
      expect({ url, status: res.status, code: res.body.code }).toEqual({ url, status: 403, code: 'FORBIDDEN_AT_SITE' });
    }
    expect((await t.get(`/api/v1/locations/${target.id}`)).body.status).toBe('ACTIVE');
    // Its own location it blocks (without the stray ?siteId=, which is refused there too).
    const own = a.storage[0]!;
    expect((await scoped('own block, stray site', 'POST', `/api/v1/locations/${own.id}/block?siteId=${a.siteId}`, { reason: 'inspection' })).status).toBe(400);
    expect((await scoped('own block', 'POST', `/api/v1/locations/${own.id}/block`, { reason: 'inspection' })).status).toBe(200);
    expect((await scoped('own unblock', 'POST', `/api/v1/locations/${own.id}/unblock`)).status).toBe(200);
  });
  it('may not post a carrier event for another site\'s shipment (named by its tracking number alone): 403 FORBIDDEN_AT_SITE, nothing tracked', async () => {
    // The test above booked a shipment at B; it goes out, so a carrier event would move it on.
    const shipment = (await t.get<{ items: { id: string; carrier: string; trackingNumber: string }[] }>(`/api/v1/shipments?siteId=${b.siteId}`)).body.items[0]!;
    expect((await t.post(`/api/v1/shipments/${shipment.id}/dispatch`, undefined, 'manager')).status).toBe(200);
    const event = { carrier: shipment.carrier, trackingNumber: shipment.trackingNumber, status: 'DELIVERED', at: new Date().toISOString() };
    const res = await scoped<{ code: string; id?: string }>('carrier event at B', 'POST', '/api/v1/carrier-events', event);
    expect({ status: res.status, code: res.body.code, leaked: res.body.id }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE', leaked: undefined });
    expect((await t.get(`/api/v1/shipments/${shipment.id}`)).body.status).toBe('DISPATCHED');
    // The carrier's own key (every site) still delivers it.
    const delivered = await t.post('/api/v1/carrier-events', event, 'integration');
    expect([delivered.status, delivered.body.status]).toEqual([200, 'DELIVERED']);
  });
  it('lists its own sites only (another site\'s is 403 FORBIDDEN_AT_SITE by id, so it is not listed either)', async () => {
    const listed = await scoped<{ items: { id: string }[] }>('sites', 'GET', '/api/v1/sites?limit=1000');
    expect([listed.status, listed.body.items.map((s) => s.id)]).toEqual([200, [a.siteId]]);
    const byId = await scoped<{ code: string }>('site B', 'GET', `/api/v1/sites/${b.siteId}`);
    expect([byId.status, byId.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    // A caller of every site lists them all.
    const all = (await t.get<{ items: { id: string }[] }>('/api/v1/sites?limit=1000', 'viewer')).body.items.map((s) => s.id);
    expect(all).toEqual(expect.arrayContaining([a.siteId, b.siteId]));
  });
  it('lists sagas of its own sites only: without a site 403 SITE_REQUIRED, and ?siteId= filters', async () => {
    const all = await scoped<{ code: string }>('sagas', 'GET', '/api/v1/sagas');
    expect([all.status, all.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const atB = await scoped<{ code: string }>('sagas at B', 'GET', `/api/v1/sagas?siteId=${b.siteId}`);
    expect([atB.status, atB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const atA = await scoped<{ items: { siteId: string }[] }>('sagas at A', 'GET', '/api/v1/sagas?siteId=SSA');
    expect(atA.status).toBe(200);
    expect(atA.body.items.filter((s) => s.siteId !== a.siteId)).toEqual([]);
    // B's order of the test above has its fulfilment saga, listed at B.
    const bSagas = (await t.get(`/api/v1/sagas?siteId=${b.siteId}`)).body.items as { siteId: string }[];
    expect(bSagas.length).toBeGreaterThan(0);
    expect(bSagas.every((s) => s.siteId === b.siteId)).toBe(true);
  });
  it('lists pick lists of its own sites only: without a site, wave or order 403 SITE_REQUIRED; ?siteId= filters', async () => {
    const all = await scoped<{ code: string }>('pick lists', 'GET', '/api/v1/pick-lists');
    expect([all.status, all.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const atB = await scoped<{ code: string }>('pick lists at B', 'GET', `/api/v1/pick-lists?siteId=${b.siteId}`);
    expect([atB.status, atB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const atA = await scoped<{ items: unknown[] }>('pick lists at A', 'GET', `/api/v1/pick-lists?siteId=${a.siteId}`);
    expect([atA.status, atA.body.items]).toEqual([200, []]);
    const bLists = (await t.get(`/api/v1/pick-lists?siteId=${b.siteId}`)).body.items as { siteId: string }[];
    expect(bLists.length).toBeGreaterThan(0);
    expect(bLists.every((l) => l.siteId === b.siteId)).toBe(true);
    const byCode = await t.get('/api/v1/pick-lists?siteId=SSBB');
    expect([byCode.status, byCode.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });
  it('scans a tote at a site: two sites\' totes of one label are two totes; a caller of some sites names one of them', async () => {
    const manager = injectClient(t.app, t.keys.manager);
    const orders: Record<string, string> = {};
    for (const w of [a, b]) {
      const sku = w.products[0]!.sku;
      expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 2 })).status).toBe(201);
      const order = await createOrder(injectClient(t.app, t.keys.integration), w.siteId, { externalId: `TWIN-${w.siteId}`, lines: [{ sku, quantity: 1 }] });
      await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
      await t.settle();
      await planAndRelease(manager, w.siteId, 1);
      await t.settle();
      // The same worker name at both sites: both orders go into a tote labelled TOTE-twin.
      await workTasks(injectClient(t.app, t.keys.operator), w.siteId, ['twin'], { expectedTasks: 1 });
      await until('picked', () => orderStatus(manager, order.id), (s) => s === 'PICKED');
      orders[w.siteId] = order.id;
    }
    await t.settle();
    const both = await t.get('/api/v1/pack-station/totes/TOTE-twin', 'operator');
    expect([both.status, both.body.code, both.body.errors?.[0]?.field]).toEqual([409, 'TOTE_AT_SEVERAL_SITES', '/siteId']);
    expect((await t.get('/api/v1/pack-station/totes/TOTE-twin?siteId=SSBB', 'operator')).body).toMatchObject({ orderId: orders[b.siteId], siteId: b.siteId });
    expect((await t.get(`/api/v1/pack-station/totes/TOTE-twin?siteId=${a.siteId}`, 'operator')).body).toMatchObject({ orderId: orders[a.siteId], siteId: a.siteId });
    const unknown = await t.get('/api/v1/pack-station/totes/TOTE-twin?siteId=NOPE', 'operator');
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    // A caller of A only: it names its site, and sees A's tote alone.
    const unnamed = await scoped<{ code: string }>('tote', 'GET', '/api/v1/pack-station/totes/TOTE-twin');
    expect([unnamed.status, unnamed.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const atB = await scoped<{ code: string }>('tote at B', 'GET', `/api/v1/pack-station/totes/TOTE-twin?siteId=${b.siteId}`);
    expect([atB.status, atB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const atA = await scoped<{ orderId: string }>('tote at A', 'GET', '/api/v1/pack-station/totes/TOTE-twin?siteId=SSA');
    expect([atA.status, atA.body.orderId]).toEqual([200, orders[a.siteId]]);
  });
  it('asks where a worker or forklift is, or re-homes one, only at its own sites: another site\'s 403 FORBIDDEN_AT_SITE', async () => {
    // A forklift of each site and a worker of B report where they are.
    for (const [w, kind, id] of [[a, 'equipment', 'FLT-SSA'], [b, 'equipment', 'FLT-SSB'], [b, 'worker', 'walker-b']] as const) {
      expect((await t.request('PUT', `/api/v1/tracked/${kind}/${id}`, { body: { siteId: w.siteId } })).status).toBe(200);
      const at = (await t.get<{ x: number; y: number }>(`/api/v1/locations/${w.storage[0]!.id}`)).body;
      const report = await t.post('/api/v1/positions', { siteId: w.siteId, kind, id, x: at.x, y: at.y, timestamp: new Date().toISOString() }, 'integration');
      expect(report.status).toBe(200);
    }
    const worker = await scoped<{ code: string }>('where is walker-b', 'GET', '/api/v1/where-is/worker/walker-b');
    expect([worker.status, worker.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const forkliftB = await scoped<{ code: string }>('where is B\'s forklift', 'GET', '/api/v1/where-is/equipment/FLT-SSB');
    expect([forkliftB.status, forkliftB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const forkliftA = await scoped<{ siteId: string }>('where is A\'s forklift', 'GET', '/api/v1/where-is/equipment/FLT-SSA');
    expect([forkliftA.status, forkliftA.body.siteId]).toEqual([200, a.siteId]);
    // Taking B's forklift home to A is acting at B.
    const rehome = await scoped<{ code: string }>('re-home B\'s forklift', 'PUT' as 'POST', '/api/v1/tracked/equipment/FLT-SSB', { siteId: a.siteId, label: 'taken' });
    expect([rehome.status, rehome.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const relabel = await scoped<{ siteId: string; label: string }>('relabel A\'s forklift', 'PUT' as 'POST', '/api/v1/tracked/equipment/FLT-SSA', { siteId: 'SSA', label: 'Reach truck A' });
    expect([relabel.status, relabel.body.siteId, relabel.body.label]).toEqual([200, a.siteId, 'Reach truck A']);
  });
  it('lists pick lists over GraphQL too: pickLists(siteId:) of its own site, SITE_REQUIRED without, FORBIDDEN_AT_SITE at another', async () => {
    const gql = gqlClient(t.app, scopedKey);
    const query = 'query($siteId: ID) { pickLists(siteId: $siteId) { nodes { id siteId } } }';
    const unnamed = await gql(query);
    expect(unnamed.errors?.map((e) => e.extensions?.code)).toEqual(['SITE_REQUIRED']);
    const atB = await gql(query, { siteId: b.siteId });
    expect(atB.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN_AT_SITE']);
    const atA = await gql<{ pickLists: { nodes: { siteId: string }[] } }>(query, { siteId: a.siteId });
    expect(atA.errors).toBeUndefined();
    // A's tote test picked one order at A: its pick list, and only A's.
    expect(atA.data.pickLists.nodes.length).toBeGreaterThan(0);
    expect(atA.data.pickLists.nodes.filter((l) => l.siteId !== a.siteId)).toEqual([]);
  });
  it('in split mode a service learns the site of an order, a wave or a location whose context runs elsewhere (its projections, location-master\'s API), so the guard there refuses another site\'s', async () => {
    // siteLookups asked only the contexts of its own process: a pack-ship service took POST /packages { orderId } of
    // another site's order from a caller of one site, and an inventory service listed its reservations, the caller's
    // overall role deciding. The same lookups, built for one context as a service of it would build them:
    const sku = b.products[0]!.sku;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: b.siteId, sku, locationId: b.storage[2]!.id, quantity: 2 })).status).toBe(201);
    const order = await createOrder(injectClient(t.app, t.keys.integration), b.siteId, { externalId: 'SSB-SPLIT-1', lines: [{ sku, quantity: 1 }] });
    const manager = injectClient(t.app, t.keys.manager);
    await until('allocated', () => orderStatus(manager, order.id), (st) => st === 'ALLOCATED');
    await t.settle();
    const { waveId } = await planAndRelease(manager, b.siteId, 1);
    await t.settle();
    const locations = t.app.modules.find((m) => m.name === 'location-master')!.api as LocationMasterApi;
    const siteOf = (name: string, id: string, api?: LocationMasterApi) => siteLookups(t.app.modules.filter((m) => m.name === name), () => api).siteOfResource!(id);
    expect({
      packShipOrder: await siteOf('pack-ship', order.id),
      inventoryOrder: await siteOf('inventory', order.id),
      inventoryWave: await siteOf('inventory', waveId),
      physicalTrackingLocation: await siteOf('physical-tracking', b.storage[0]!.id, locations),
      unknownOrder: await siteOf('pack-ship', 'ord_nothing'),
    }).toEqual({ packShipOrder: b.siteId, inventoryOrder: b.siteId, inventoryWave: b.siteId, physicalTrackingLocation: b.siteId, unknownOrder: undefined });
    // The owner's own answer stands where it runs.
    expect(await siteOf('orders', order.id)).toBe(b.siteId);
  });
  it('may not nest, split, consolidate or load its LPNs into another site\'s LPN, nor scan one, named by its id: 403 FORBIDDEN_AT_SITE, nothing written', async () => {
    // The LPN fields of a body (`parentId`, `into`, a scan's `barcode`) were not read by the site guard: the handler
    // found the LPN of B and answered 409 SITE_MISMATCH, telling a caller of A that B has that LPN.
    const admin = injectClient(t.app, t.keys.admin);
    const sku = a.products[0]!.sku;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: a.siteId, sku, locationId: a.storage[0]!.id, quantity: 2 })).status).toBe(201);
    const build = async (w: Warehouse, code: string, contents?: unknown) => {
      const res = await admin<{ id: string }>(`build ${code}`, 'POST', '/api/v1/lpns', {
        siteId: w.siteId, type: 'PALLET', code, locationId: w.storage[0]!.id, workerId: 'builder', ...(contents === undefined ? {} : { contents }),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id;
    };
    const mine = await build(a, 'SSA-LPN-1', [{ sku, quantity: 2 }]);
    const theirs = await build(b, 'SSBB-LPN-1');
    const before = await tableFingerprint(t.app.db);
    const refused: [string, string, unknown][] = [
      ['POST', '/api/v1/lpns', { siteId: a.siteId, type: 'CASE', parentId: theirs, locationId: a.storage[0]!.id, workerId: 'w1' }],
      ['POST', `/api/v1/lpns/${mine}/split`, { lines: [{ sku, quantity: 1 }], into: theirs, workerId: 'w1' }],
      ['POST', `/api/v1/lpns/${mine}/consolidate`, { into: theirs, workerId: 'w1' }],
      ['POST', '/api/v1/scans', { siteId: a.siteId, barcode: 'SSA-LPN-1', meaning: 'LOAD_ONTO_PALLET', into: theirs, workerId: 'w1' }],
      ['POST', '/api/v1/scans', { siteId: a.siteId, barcode: theirs, meaning: 'MOVE', locationId: a.storage[1]!.id, workerId: 'w1' }],
      ['GET', `/api/v1/scans?siteId=${a.siteId}&lpn=${theirs}`, undefined],
      ['GET', `/api/v1/scans?siteId=${a.siteId}&location=${b.storage[0]!.id}`, undefined],
    ];
    for (const [method, url, body] of refused) {
      const res = await scoped<{ code: string }>(url, method as 'POST', url, body);
      expect({ url, body, status: res.status, code: res.body.code }).toEqual({ url, body, status: 403, code: 'FORBIDDEN_AT_SITE' });
    }
    expect(await tableFingerprint(t.app.db)).toEqual(before);
    // Its own LPNs it nests and consolidates as before.
    const own = await build(a, 'SSA-LPN-2');
    expect((await scoped('own consolidate', 'POST', `/api/v1/lpns/${mine}/consolidate`, { into: own, workerId: 'w1' })).status).toBe(200);
  });

  it('asking for a worker\'s next task at its own site does not answer the task that worker holds at another site: 403 FORBIDDEN_AT_SITE while it keeps them busy, 204 below their limit, nothing claimed or changed (REST, GraphQL and gRPC)', async () => {
    // A worker holds at most maxTasks tasks whatever their sites, and POST /tasks/next answers a task they hold first: a
    // caller of A naming a worker who holds a task at B read that task whole (its order, locations, wave), by worker id.
    const sku = b.products[0]!.sku;
    expect((await t.post('/api/v1/inventory/receipts', { siteId: b.siteId, sku, locationId: b.storage[2]!.id, quantity: 1 })).status).toBe(201);
    const manager = injectClient(t.app, t.keys.manager);
    const order = await createOrder(injectClient(t.app, t.keys.integration), b.siteId, { externalId: 'SSB-ROAM-1', lines: [{ sku, quantity: 1 }] });
    await until('allocated', () => orderStatus(manager, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(manager, b.siteId, 1);
    await t.settle();
    const operator = injectClient(t.app, t.keys.operator);
    const held = await operator<{ id: string; siteId: string; status: string }>('claim at B', 'POST', '/api/v1/tasks/next', { workerId: 'roamer', siteId: b.siteId });
    expect([held.status, held.body.siteId, held.body.status]).toEqual([200, b.siteId, 'ASSIGNED']);
    await t.settle();

    const before = await tableFingerprint(t.app.db);
    const asked = await scoped<{ code: string; id?: string }>('next at A', 'POST', '/api/v1/tasks/next', { workerId: 'roamer', siteId: a.siteId });
    expect({ status: asked.status, code: asked.body.code, id: asked.body.id }).toEqual({ status: 403, code: 'FORBIDDEN_AT_SITE', id: undefined });
    const gql = await gqlClient(t.app, scopedKey)('mutation($s: String!) { nextTask(workerId: "roamer", siteId: $s) { __typename ... on Task { id } ... on BusinessError { code } } }', { s: a.siteId });
    expect(gql.data.nextTask).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN_AT_SITE' });
    const server = await serveGrpcApi({ http: t.app.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const clients = publicClients(`127.0.0.1:${server.port}`);
    try {
      const refused = await grpcRefusal(rpcMethods(clients).nextTask({ workerId: 'roamer', siteId: a.siteId }, credentialsMetadata({ apiKey: scopedKey })));
      expect([refused.status, refused.code]).toEqual(['PERMISSION_DENIED', 'FORBIDDEN_AT_SITE']);
    } finally {
      clients.close();
      await server.close();
    }
    expect(await tableFingerprint(t.app.db)).toEqual(before);
    // A caller who may act at B still gets the task the worker holds, wherever it asks.
    const again = await operator<{ id: string }>('next at A, unscoped', 'POST', '/api/v1/tasks/next', { workerId: 'roamer', siteId: a.siteId });
    expect([again.status, again.body.id]).toEqual([200, held.body.id]);

    // Below their limit (two tasks, one in progress at B) with nothing queued at A: no work at A (204), not B's task.
    expect((await t.request('PUT', '/api/v1/workers/roamer/profile', { body: { siteId: b.siteId, maxTasks: 2 } })).status).toBe(200);
    expect((await operator('start at B', 'POST', `/api/v1/tasks/${held.body.id}/start`, { workerId: 'roamer' })).status).toBe(200);
    await t.settle();
    const idle = await t.app.http.inject({ method: 'POST', url: '/api/v1/tasks/next', headers: { 'x-api-key': scopedKey }, payload: { workerId: 'roamer', siteId: a.siteId } });
    expect([idle.statusCode, idle.body]).toEqual([204, '']);
    const unscoped = await operator<{ id: string }>('next at A below the limit, unscoped', 'POST', '/api/v1/tasks/next', { workerId: 'roamer', siteId: a.siteId });
    expect([unscoped.status, unscoped.body.id]).toEqual([200, held.body.id]);
  });
});
