import { createHmac } from 'node:crypto';
import { Type } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TAGS } from '../../src/platform/http/openapi.ts';
import { EXAMPLES } from '../../src/platform/http/schemas.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { Database } from '../../src/platform/db/database.ts';
import { FakePartner } from '../support/fake-partner.ts';
import { startTestApp, type TestApp, type TestResponse } from '../support/test-app.ts';
import type { LocationTrackingModule } from '../../src/contexts/location-tracking/index.ts';

/**
 * The OpenAPI document is what `/docs` shows: every operation is described well enough to call, and its request
 * examples work as they are on the demo warehouse `npm start` seeds. Only the stand-ins for generated ids
 * (EXAMPLES.ids, whose descriptions name the call that returns a real one) are replaced by the ids earlier calls returned.
 */

interface Parameter { in: string; name: string; required?: boolean; example?: unknown; schema?: { example?: unknown } }
interface Operation {
  operationId?: string; summary?: string; description?: string; tags?: string[]; security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { example?: unknown; schema?: unknown }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}
interface Doc { paths: Record<string, Record<string, Operation>>; tags?: { name: string }[]; components: Record<string, unknown> }

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operationsOf(doc: Doc): { method: string; path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({ method, path, op })));
}

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  beforeAll(async () => {
    t = await startTestApp();
    doc = t.app.http.swagger() as unknown as Doc;
  });
  afterAll(async () => t.close());

  it('describes every operation: a unique camelCase operationId, summary, description, process tags, its 2xx and its problems', () => {
    const ops = operationsOf(doc);
    expect(ops.length).toBeGreaterThan(50);
    const ids = ops.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const tagNames: readonly string[] = TAGS.map((x) => x.name);
    expect(doc.tags?.map((x) => x.name)).toEqual(tagNames);
    for (const { method, path, op } of ops) {
      const name = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, name).toMatch(/^[a-z][A-Za-z]+$/);
      expect(op.summary, name).toBeTruthy();
      expect(op.description, name).toBeTruthy();
      expect(op.tags?.length, name).toBe(1);
      expect(tagNames, name).toContain(op.tags?.[0]);
      const statuses = Object.keys(op.responses);
      expect(statuses.some((s) => /^2\d\d$/.test(s)), `${name} has a 2xx`).toBe(true);
      expect(statuses, name).not.toContain('default');
      for (const [status, response] of Object.entries(op.responses)) {
        if (status.startsWith('4')) expect(Object.keys(response.content ?? {}), `${name} ${status}`).toEqual(['application/problem+json']);
      }
      // Signing in, refreshing and signing out are what a caller without credentials does (ADR 0019).
      // The storefront order webhook is signed by the storefront (HMAC of the body) instead (ADR 0034).
      const isPublic = path.startsWith('/health/') || path === '/metrics' || /^\/api\/v1\/auth\/(login|refresh|logout)$/.test(path)
        || path === '/api/v1/integrations/storefront/orders';
      if (isPublic) {
        expect(op.security, `${name} is open`).toEqual([]);
      } else {
        expect(op.security, `${name} needs the key`).toBeUndefined();
        expect(statuses, name).toEqual(expect.arrayContaining(['401', '403', '429']));
      }
      if ((op.parameters ?? []).length > 0 || op.requestBody !== undefined) expect(statuses, `${name} validates its input`).toContain('400');
      // Every POST of a context honours Idempotency-Key, and so do the platform's commands that create: POST /users and POST
      // /api-keys (ADR 0019 and 0005 addenda: a retry makes no second user or key; a key's secret is never kept). The other
      // platform commands do not: dead letters, and identity (ADR 0019): a sign-in, a refresh or a password change must not
      // be replayed from a stored answer (it would hand out the same tokens again, and a used refresh token must be refused),
      // logout is harmless to repeat, and the other user commands (disable, grants) are the same when repeated. An admin's
      // password reset is not: repeated, it ends the sessions the user started since (ADR 0019, revised 2026-12-04).
      // The storefront order webhook is idempotent on the storefront's own webhook id and order id (X-Shopify-Webhook-Id).
      // A day's roster (PUT with If-Match) honours it too: a retry of a lost answer would otherwise be 412 (ADR 0033 addendum).
      const idempotent = (method === 'post' && path.startsWith('/api/v1/')
        && (!/\/(api-keys|dead-letters|auth|users)(\/|$)/.test(path) || ['/api/v1/users', '/api/v1/api-keys', '/api/v1/users/{id}/password'].includes(path))
        && path !== '/api/v1/integrations/storefront/orders') || (method === 'put' && path === '/api/v1/workload/roster');
      const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name === 'idempotency-key');
      expect(header !== undefined, `${name} declares Idempotency-Key`).toBe(idempotent);
      if (idempotent) expect(statuses, name).toEqual(expect.arrayContaining(['409', '422']));
      // A request a user can send from /docs as it is: a body example, and an example for every path parameter.
      // JSON bodies; an X12 interchange (text/plain) and a CSV file (text/csv) for the EDI and import routes (ADR 0037).
      if (op.requestBody !== undefined) expect(Object.values(op.requestBody.content)[0]?.example, `${name} body example`).toBeDefined();
      for (const p of (op.parameters ?? []).filter((x) => x.in === 'path')) expect(p.example ?? p.schema?.example, `${name} {${p.name}} example`).toBeDefined();
    }
    expect(doc.components.schemas).toHaveProperty('Problem');
  });

  it('is generated once per process for apps of the same routes: an app built seconds later describes them with the same document', async () => {
    // Each test app of a worker (hundreds in a run) would otherwise generate it again (server.ts `shareDocument`): the
    // position report's example was dated at each app's build, so no two apps' routes had the same schemas.
    const later = await (async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 5_000 });
      try {
        return await startTestApp();
      } finally {
        vi.useRealTimers();
      }
    })();
    try {
      expect(later.app.http.swagger()).toBe(doc);
    } finally {
      await later.close();
    }
  });

  it('lists each route\'s business codes on its problem responses', () => {
    const cancel = doc.paths['/api/v1/orders/{id}/cancel']?.post;
    const codes = (status: string) =>
      ((cancel?.responses[status]?.content?.['application/problem+json'] as { schema: { properties: { code: { enum: string[] } } } }).schema.properties.code.enum);
    expect(codes('409')).toEqual(expect.arrayContaining(['ORDER_SHIPPED', 'IDEMPOTENCY_IN_PROGRESS']));
    expect(codes('404')).toEqual(['NOT_FOUND']);
    expect(codes('412')).toEqual(['VERSION_MISMATCH']);
    const next = doc.paths['/api/v1/tasks/next']?.post;
    expect(Object.keys(next?.responses ?? {})).toEqual(expect.arrayContaining(['200', '204']));
    expect(next?.responses['204']?.content).toBeUndefined();
  });
});

describe('the response check of the test app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      configureHttp: (http) => {
        const schema = { operationId: 'broken', summary: 'A route that breaks its own document', response: { 200: Type.Object({ a: Type.String() }) } };
        http.get('/test/undescribed-status', { config: { public: true }, schema }, async (_req, reply) => reply.status(202 as 200).send({ a: 'x' }));
        http.get('/test/dropped-field', { config: { public: true }, schema }, async () => ({ a: 'x', b: 2 }) as { a: string });
        http.get('/test/wrong-type', { config: { public: true }, schema }, async () => ({ a: 7 }) as unknown as { a: string });
      },
    });
  });
  afterAll(async () => t.close());

  it('fails a request whose status is not described, whose field the serializer dropped, or whose body the serializer had to coerce', async () => {
    await expect(t.get('/test/undescribed-status')).rejects.toThrow(/GET \/test\/undescribed-status → 202: status 202 is not described/);
    await expect(t.get('/test/dropped-field')).rejects.toThrow(/serializer changed the body/);
    await expect(t.get('/test/wrong-type')).rejects.toThrow(/serializer changed the body/);
  });
});

describe('every request example of the document, sent as it is to the demo warehouse', () => {
  let t: TestApp;
  let doc: Doc;
  /** Stand-in id → the real id an earlier call returned. */
  const real = new Map<string, string>();
  const sent = new Set<string>();
  const byId = new Map<string, { method: string; path: string; op: Operation }>();

  // The ERP and TMS ports (ADR 0039) talk to fake partners on 127.0.0.1; the TMS numbers its loads from the example's.
  const erp = new FakePartner('erp-token');
  const tms = new FakePartner('tms-token', 100234);

  beforeAll(async () => {
    await erp.start();
    await tms.start();
    t = await startTestApp({
      env: {
        PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: erp.url, PAKLOG_ERP_TOKEN: 'erp-token', PAKLOG_TMS: 'rest', PAKLOG_TMS_URL: tms.url, PAKLOG_TMS_TOKEN: 'tms-token',
        PAKLOG_PARTNER_TICK_MS: '50',
      },
    });
    await seedDemo(t.app);
    await t.settle();
    doc = t.app.http.swagger() as unknown as Doc;
    for (const o of operationsOf(doc)) byId.set(o.op.operationId ?? '', o);
  });
  afterAll(async () => {
    await t.close();
    await erp.stop();
    await tms.stop();
  });

  const use = (kind: keyof typeof EXAMPLES.ids, id: string): void => {
    real.set(EXAMPLES.ids[kind], id);
  };
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') return real.get(value) ?? value;
    if (Array.isArray(value)) return value.map(substitute);
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
    return value;
  };

  /** Sends the operation's example request (path, query and body examples) with the admin key, or none on an open route. */
  async function example<T = any>(operationId: string): Promise<TestResponse<T>> {
    const o = byId.get(operationId);
    if (o === undefined) throw new Error(`no operation ${operationId}`);
    sent.add(operationId);
    let url = o.path;
    const query = new URLSearchParams();
    for (const p of o.op.parameters ?? []) {
      const value = substitute(p.example ?? p.schema?.example);
      if (value === undefined) continue;
      const ex = typeof value === 'string' ? value : JSON.stringify(value);
      if (p.in === 'path') url = url.replace(`{${p.name}}`, encodeURIComponent(ex));
      if (p.in === 'query') query.set(p.name, ex);
    }
    if (query.size > 0) url += `?${query.toString()}`;
    const [mediaType, content] = Object.entries(o.op.requestBody?.content ?? {})[0] ?? ['application/json', undefined];
    const body = substitute(content?.example);
    const headers = mediaType === 'application/json' ? {} : { headers: { 'content-type': mediaType } };
    const res = await t.request<T>(o.method.toUpperCase(), url, { ...(body === undefined ? {} : { body }), ...headers, ...(o.op.security?.length === 0 ? { role: null } : {}) });
    expect(res.status, `${operationId}: ${o.method.toUpperCase()} ${url} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(200);
    expect(res.status, `${operationId}: ${o.method.toUpperCase()} ${url} → ${JSON.stringify(res.body)}`).toBeLessThan(300);
    return res;
  }

  /** Repeats an example until `done` holds of its answer (events reach the other contexts a few milliseconds after commit). */
  async function until<T = any>(operationId: string, done: (body: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      await t.settle();
      const res = await example<T>(operationId);
      if (done(res.body)) return res.body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${operationId} never answered what the test waits for`);
  }

  it('gets 2xx for every operation, from intake to shipment', async () => {
    for (const id of ['getLiveness', 'getReadiness', 'getMetrics']) await example(id);

    // Master data: a product, a second site with a generated layout, a location of the demo site through its life.
    await example('createProduct');
    await example('getProduct');
    expect((await example('listProducts')).body.items.length).toBeGreaterThan(0);
    // Maintenance (ADR 0045): the new product changed, deactivated and reactivated (the inventory examples receive it below).
    expect((await example('updateProduct')).body.description).toBe('Walkthrough mug, blue');
    expect((await example('deactivateProduct')).body.active).toBe(false);
    expect((await example('reactivateProduct')).body.active).toBe(true);
    await example('createSite');
    await example('generateLayout');
    await example('listSites');
    await example('getSite');
    expect((await example('updateSite')).body.name).toBe('Second distribution centre (north)');
    expect((await example('deactivateSite')).body.active).toBe(false);
    expect((await example('reactivateSite')).body.active).toBe(true);
    use('location', (await example('createLocation')).body.id);
    await example('getLocation');
    await example('listLocations');
    for (const id of ['blockLocation', 'unblockLocation', 'deactivateLocation']) await example(id);
    expect((await example('recommendSlotting')).body.assignments).toHaveLength(3);
    await example('createCarton');
    await example('listCartons');
    expect((await example('updateCarton')).body.cost).toBe(2.2);
    expect((await example('deactivateCarton')).body.active).toBe(false);
    expect((await example('reactivateCarton')).body.active).toBe(true);

    // Location tracking: a forklift registered, its RTLS position reported over HTTP, found, counted in its zone.
    await example('trackEntity');
    expect((await example('reportPosition')).body.outcome).toBe('applied');
    expect((await example('whereIs')).body).toMatchObject({ kind: 'equipment', id: 'FLT-01', zone: 'A' });
    expect((await example('listPositions')).body.items.map((p: { id: string }) => p.id)).toContain('FLT-01');
    expect((await example('getZoneOccupancy')).body.byKind.equipment).toBe(1);
    await example('listTrackingAlerts');
    // A worker seen standing in zone A since 11 minutes ago: idle at the alert scan; a supervisor closes the alert.
    expect((await t.request('PUT', '/api/v1/tracked/worker/idle-example', { body: { siteId: 'DEMO' }, role: 'manager' })).status).toBe(200);
    const idleSince = new Date(Date.now() - 11 * 60_000).toISOString();
    expect((await t.post('/api/v1/positions', { siteId: 'DEMO', kind: 'worker', id: 'idle-example', x: 6, y: 8, zone: 'A', timestamp: idleSince }, 'integration')).status).toBe(200);
    await (t.app.modules.find((m) => m.name === 'location-tracking') as LocationTrackingModule).tracking.scanAlerts();
    const idle = (await t.get('/api/v1/tracking-alerts?siteId=DEMO&status=OPEN')).body.items.find((a: { trackedId: string }) => a.trackedId === 'idle-example');
    use('trackingAlert', idle.id);
    expect((await example('closeTrackingAlert')).body).toMatchObject({ id: idle.id, closeReason: expect.any(String) });
    // The forklift retired: untracked, it leaves the live positions.
    expect((await example('untrackEntity')).body).toMatchObject({ kind: 'equipment', id: 'FLT-01' });
    expect((await t.get('/api/v1/positions?siteId=DEMO')).body.items.map((p: { id: string }) => p.id)).not.toContain('FLT-01');

    // Inbound and inventory: the new product received at the dock, moved to a pick face, found two more.
    use('movement', (await example('receiveStock')).body.movementId);
    await example('getMovement');
    await example('moveStock');
    await example('adjustStock');
    // Inbound: an ASN of the new product, 20 of its 24 units received at the dock and put away at the pick face by scan,
    // the ASN closed (4 short); a blind receipt of the demo's product; a second ASN cancelled.
    use('asn', (await example('createAsn')).body.id);
    await example('listAsns');
    use('putaway', (await example('receiveAgainstAsn')).body.putaway.id);
    await example('getAsn');
    await example('listPutaways');
    await example('getPutaway');
    expect((await example('confirmPutaway')).body.status).toBe('COMPLETED');
    expect((await example('closeAsn')).body.discrepancies).toEqual([expect.objectContaining({ kind: 'UNDER', quantity: 4 })]);
    // Its putaway is done at once, so the floor's next task below is the wave's pick.
    const blind = (await example('receiveBlind')).body;
    expect((await t.post(`/api/v1/inventory/putaways/${blind.putaway.id}/confirm`, { locationCode: EXAMPLES.pickFace })).body.status).toBe('COMPLETED');
    // Another blind receipt whose putaway is withdrawn (its task too): the units stay at the dock.
    use('putaway', (await example('receiveBlind')).body.putaway.id);
    expect((await example('cancelPutaway')).body.status).toBe('CANCELLED');
    use('asn', (await example('createAsn')).body.id);
    expect((await example('cancelAsn')).body.status).toBe('CANCELLED');
    for (const id of ['listBalances', 'getAtp', 'listMovements', 'getStockSummary']) await example(id);
    for (const id of ['listBalances', 'getAtp', 'listMovements', 'getStockSummary', 'getStockAsOf']) await example(id);

    // The order, allocated within milliseconds; a wave of it (priority 1 goes first) released to the floor.
    const order = (await example('createOrder')).body;
    use('order', order.id);
    await until('getOrder', (o) => o.status === 'ALLOCATED');
    expect((await example('reprioritiseOrder')).body.priority).toBe(1);
    await example('listOrders');
    expect((await example('countOrders')).body.byStatus).toMatchObject({ ALLOCATED: expect.any(Number), SHIPPED: 0 });
    await until('listWavePool', (p) => p.items.some((i: { orderId: string }) => i.orderId === order.id));
    const wave = (await example('planWave')).body;
    expect(wave.orderIds).toEqual([order.id]);
    use('wave', wave.id);
    await example('getWave');
    await example('listWaves');
    expect((await example('countWaves')).body.byStatus.PLANNED).toBeGreaterThanOrEqual(1);
    await example('releaseWave');
    await t.settle();
    await example('listReservations');

    // Alice's profile (zones, skills, equipment, max tasks) decides which tasks she may be given.
    await example('putWorkerProfile');
    await example('getWorkerProfile');
    // Alice picks it: next task, start, the scan the example describes, complete.
    const task = await until('claimNextTask', (x) => x !== '' && x?.id !== undefined);
    use('task', task.id);
    use('pickList', task.reference);
    await example('getTask');
    await example('listTasks');
    expect((await example('countTasks')).body.byStatus.ASSIGNED).toBeGreaterThanOrEqual(1);
    await example('listPickLists');
    await example('startTask');
    expect((await example('pauseTask')).body.status).toBe('PAUSED');
    expect((await example('resumeTask')).body.status).toBe('IN_PROGRESS');
    const list = (await example('getPickList')).body;
    use('pickLine', list.lines[0].id);
    expect((await example('confirmPick')).body.lines[0].status).toBe('PICKED');
    await example('completeTask');

    // A second wave: Alice is handed its task and rejects it; a line of its list is picked short.
    await t.settle();
    use('wave', (await example('planWave')).body.id);
    await example('releaseWave');
    const second = await until('claimNextTask', (x) => x !== '' && x?.id !== undefined);
    use('task', second.id);
    await example('rejectTask');
    // Bob takes it up and cannot do it: the example's report (the admin key, a supervisor) fails it, and below the limit
    // it goes back to the queue; a supervisor's requeue of a task already queued answers it unchanged.
    expect((await t.post('/api/v1/tasks/next', { workerId: 'bob', siteId: second.siteId, types: ['PICK'] }, 'operator')).body.id).toBe(second.id);
    expect((await t.post(`/api/v1/tasks/${second.id}/start`, { workerId: 'bob' }, 'operator')).status).toBe(200);
    expect((await example('failTask')).body).toMatchObject({ status: 'QUEUED', failures: 1, failureReason: 'EQUIPMENT' });
    expect((await example('requeueTask')).body.status).toBe('QUEUED');
    use('pickList', second.reference);
    use('pickLine', (await example('getPickList')).body.lines[0].id);
    await example('shortPick');
    // A third wave nobody releases is cancelled.
    await t.settle();
    use('wave', (await example('planWave')).body.id);
    await example('cancelWave');

    // Pack and ship the order once it is picked.
    use('order', order.id);
    await until('getOrder', (o) => o.status === 'PICKED');
    // The pack station (issue 13): the tote scanned, a carton opened, the mug scanned, weighed, sealed; then repacked,
    // so POST /packages packs it again below.
    await example('putPackStationSettings');
    await example('getPackStationSettings');
    expect((await example('scanTote')).body.orderId).toBe(order.id);
    use('package', (await example('openPackage')).body.id);
    expect((await example('scanUnit')).body.lines).toHaveLength(1);
    expect((await example('weighPackage')).body.check.status).toBe('WITHIN');
    expect((await example('sealPackage')).body.status).toBe('PACKED');
    expect((await example('repackPackage')).body.status).toBe('REPACKED');
    await example('suggestPackages');
    use('package', (await example('packOrder')).body.id);
    await example('getPackage');
    await example('listPackages');
    use('shipment', (await example('createShipment')).body.id);
    await example('getPackageLabel');
    await example('getPackingSlip');
    expect((await example('voidShipment')).body.status).toBe('VOIDED');
    const rebooked = (await t.post('/api/v1/shipments', { orderId: order.id })).body;
    use('shipment', rebooked.id);
    use('trackingNumber', rebooked.trackingNumber);
    await example('getShipment');
    use('manifest', (await example('closeManifest')).body.id);
    await example('listManifests');
    await example('getManifest');
    await example('getManifestDocument');
    await example('dispatchShipment');
    await until('getOrder', (o) => o.status === 'SHIPPED');
    use('carrierEventAt', new Date().toISOString());
    expect((await example('receiveCarrierEvent')).body.status).toBe('DELIVERED');
    expect(new Set((await example('listShipments')).body.items.map((x: { orderId: string }) => x.orderId))).toEqual(new Set([order.id]));

    // The ERP and TMS ports (ADR 0039): the dispatched shipment's confirmation went to the ERP and its load to the TMS.
    await example('getPartnerPorts');
    use('partnerMessage', (await until<{ items: { id: string }[] }>('listPartnerMessages', (b) => b.items.length > 0)).items[0]!.id);
    await example('getPartnerMessage');
    await example('replayPartnerMessage');
    await example('sendInventorySnapshot');
    expect((await example('receiveErpDocument')).body.accepted).toBe(true);
    await example('listErpInboundFiles');
    await until<{ items: { loadId: string | null }[] }>('listTmsLoads', (b) => b.items.some((l) => l.loadId === 'LD-100234'));
    await example('getTmsLoad');
    await example('receiveTmsTracking');

    // An order of the new product is picked, then cancelled: its unit waits in the tote under a return to stock, which
    // a worker puts back at the pick face and confirms by scan.
    await t.settle();
    /** An order picked then cancelled: the units wait in its tote under a return, which becomes the examples' return. */
    const pickedThenCancelled = async (externalId: string, toteId: string): Promise<void> => {
      const back = await t.post('/api/v1/orders', { ...(byId.get('createOrder')!.op.requestBody!.content['application/json']!.example as object),
        externalId });
      expect(back.status).toBe(201);
      await until('listWavePool', (p) => p.items.some((i: { orderId: string }) => i.orderId === back.body.id));
      // Priority 1, the demo's waiting orders 5: it goes first.
      const backWave = (await t.post('/api/v1/waves', { siteId: EXAMPLES.site, maxOrders: 1 })).body;
      expect(backWave.orderIds).toEqual([back.body.id]);
      expect((await t.post(`/api/v1/waves/${backWave.id}/release`)).status).toBe(200);
      await t.settle();
      const backList = (await t.get(`/api/v1/pick-lists?orderId=${back.body.id}`)).body.items[0];
      const backLine = backList.lines[0];
      expect((await t.post(`/api/v1/pick-lists/${backList.id}/lines/${backLine.id}/confirm`, {
        locationCode: backLine.locationCode, barcode: backLine.expectedBarcode, quantity: backLine.quantity, toteId,
      })).status).toBe(200);
      await t.settle();
      expect((await t.post(`/api/v1/orders/${back.body.id}/cancel`, {})).body.status).toBe('CANCELLED');
      use('order', back.body.id);
      const returns = (await until('listReturns', (p) => p.items.length > 0)).items as { id: string }[];
      use('return', returns[0]!.id);
    };
    await pickedThenCancelled('RETURN-EXAMPLE', 'TOTE-9');
    await example('getReturn');
    expect((await example('confirmReturn')).body.status).toBe('COMPLETED');
    // Another one whose units never come back: the return is cancelled, its units written off the tote.
    await pickedThenCancelled('RETURN-EXAMPLE-2', 'TOTE-10');
    expect((await example('cancelReturn')).body.status).toBe('CANCELLED');

    // An order of two mugs picked; at the pack station one of them is damaged: shorted at packing, the other ships.
    const shortOrder = await t.post('/api/v1/orders', { ...(byId.get('createOrder')!.op.requestBody!.content['application/json']!.example as object),
      externalId: 'SHORT-AT-PACK-EXAMPLE', lines: [{ sku: EXAMPLES.newSku, quantity: 2 }] });
    expect(shortOrder.status, JSON.stringify(shortOrder.body)).toBe(201);
    await until('listWavePool', (p) => p.items.some((i: { orderId: string }) => i.orderId === shortOrder.body.id));
    const shortWave = (await t.post('/api/v1/waves', { siteId: EXAMPLES.site, maxOrders: 1 })).body;
    expect(shortWave.orderIds).toEqual([shortOrder.body.id]);
    expect((await t.post(`/api/v1/waves/${shortWave.id}/release`)).status).toBe(200);
    await t.settle();
    const shortList = (await t.get(`/api/v1/pick-lists?orderId=${shortOrder.body.id}`)).body.items[0];
    for (const l of shortList.lines) {
      expect((await t.post(`/api/v1/pick-lists/${shortList.id}/lines/${l.id}/confirm`, {
        locationCode: l.locationCode, barcode: l.expectedBarcode, quantity: l.quantity, toteId: 'TOTE-7',
      })).status).toBe(200);
    }
    use('order', shortOrder.body.id);
    use('orderLine', shortOrder.body.lines[0].id);
    await until('getOrder', (o) => o.status === 'PICKED');
    expect((await example('shortAtPack')).body).toMatchObject({ quantity: 1, orderPacked: false, unitsLeftToPack: [expect.objectContaining({ quantity: 1 })] });

    // Stock control (issue 11): a unit quarantined and released; tolerance and a counting class; a count of the new
    // product is counted short twice and rejected, a count of the new location counted long twice and approved.
    expect((await example('holdStock')).body.toStatus).toBe('QUARANTINE');
    expect((await example('listHolds')).body.items.some((h: { status: string; holds: { reason: string }[] }) => h.status === 'QUARANTINE' && h.holds.length > 0)).toBe(true);
    expect((await example('releaseHold')).body.toStatus).toBe('AVAILABLE');
    for (const id of ['putCountSettings', 'getCountSettings', 'putCountPolicy', 'listCountPolicies']) await example(id);
    await t.request('PUT', '/api/v1/inventory/count-settings', { body: { siteId: EXAMPLES.site, toleranceUnits: null, tolerancePercent: null } });
    use('count', (await example('requestCounts')).body.items[0].id);
    await example('listCounts');
    await example('getCount');
    expect((await example('submitCount')).body.status).toBe('RECOUNT');
    const recount = (id: string) => t.post(`/api/v1/inventory/counts/${id}/submit`, { attempt: 2, quantity: 0, workerId: 'bob' });
    expect((await recount(real.get(EXAMPLES.ids.count)!)).body.status).toBe('AWAITING_APPROVAL');
    expect((await example('rejectCount')).body.status).toBe('REJECTED');
    // A location of its own: the example location was deactivated above, and a deactivated location is not counted.
    const counted = (await t.post(`/api/v1/sites/${EXAMPLES.site}/locations`, { code: 'EX-COUNTED-1', type: 'STORAGE', zone: 'A', x: 1, y: 2 })).body.id as string;
    const other = (await t.post('/api/v1/inventory/counts', { siteId: EXAMPLES.site, locationIds: [counted], sku: EXAMPLES.newSku })).body.items[0];
    expect((await t.post(`/api/v1/inventory/counts/${other.id}/submit`, { attempt: 1, quantity: 2, workerId: 'alice' })).body.status).toBe('RECOUNT');
    expect((await t.post(`/api/v1/inventory/counts/${other.id}/submit`, { attempt: 2, quantity: 2, workerId: 'bob' })).body.status).toBe('AWAITING_APPROVAL');
    use('count', other.id);
    expect((await example('approveCount')).body).toMatchObject({ status: 'COMPLETED', applied: 2 });
    // Replenishment (issue 11): a min/max for the demo pick face; units in reserve; a replenishment asked for by hand and
    // confirmed by scanning the face; another withdrawn; the min/max removed.
    await example('putReplenishmentSetting');
    await example('listReplenishmentSettings');
    expect((await t.post('/api/v1/inventory/receipts', { siteId: EXAMPLES.site, sku: EXAMPLES.sku, locationCode: 'DEMO-A-01-01-2', quantity: 20 })).status)
      .toBe(201);
    use('replenishment', (await example('requestReplenishment')).body.id);
    await example('listReplenishments');
    await example('getReplenishment');
    expect((await example('confirmReplenishment')).body.status).toBe('COMPLETED');
    await t.settle();
    const another = await t.post('/api/v1/replenishments', { siteId: EXAMPLES.site, sku: EXAMPLES.sku, locationCode: EXAMPLES.pickFace, quantity: 2 });
    expect(another.status).toBe(201);
    use('replenishment', another.body.id);
    expect((await example('cancelReplenishment')).body.status).toBe('CANCELLED');
    await example('deleteReplenishmentSetting');
    // Safety stock (ADR 0057): units of the demo mug kept back from orders, net of ATP, listed, then cleared.
    expect((await example('putSafetyStock')).body).toMatchObject({ sku: EXAMPLES.sku, quantity: 5 });
    expect((await example('getSafetyStock')).body.quantity).toBe(5);
    expect((await example('listSafetyStocks')).body.items.map((x: { sku: string }) => x.sku)).toContain(EXAMPLES.sku);
    expect((await t.get(`/api/v1/inventory/atp?siteId=${EXAMPLES.site}&sku=${EXAMPLES.sku}`)).body.items[0].safetyStock).toBe(5);
    expect((await example('deleteSafetyStock')).body.quantity).toBe(0);
    // Serial-controlled products (ADR 0058): a unit received with its serial, traced by it and listed.
    expect((await t.post('/api/v1/products', { sku: 'SER-EXAMPLE', description: 'Serial-controlled scanner', lengthMm: 50, widthMm: 50, heightMm: 50,
      weightG: 200, serialControlled: true })).status).toBe(201);
    expect((await t.post('/api/v1/inventory/receipts', { siteId: EXAMPLES.site, sku: 'SER-EXAMPLE', locationCode: 'DEMO-A-01-01-2', quantity: 1,
      serials: ['SN-0001'] })).status).toBe(201);
    expect((await example('traceSerial')).body.items[0]).toMatchObject({ serial: 'SN-0001', sku: 'SER-EXAMPLE', status: 'IN_STOCK' });
    expect((await example('listSerials')).body.items.map((x: { serial: string }) => x.serial)).toContain('SN-0001');

    // A customer return (RMA): authorised, received at the dock into QUARANTINE, a unit restocked at the pick face and
    // the other scrapped, closed; another one cancelled before anything arrived.
    const rma = (await example('authoriseRma')).body;
    use('rma', rma.id);
    await example('listRmas');
    await example('getRma');
    expect((await example('receiveRma')).body.status).toBe('RECEIVED');
    expect((await example('inspectRmaLine')).body.lines[0].restocked).toBe(1);
    expect((await t.post(`/api/v1/rmas/${rma.id}/lines/1/inspect`, { disposition: 'SCRAP' })).body.status).toBe('INSPECTED');
    expect((await example('closeRma')).body.status).toBe('CLOSED');
    use('rma', (await t.post('/api/v1/rmas', byId.get('authoriseRma')!.op.requestBody!.content['application/json']!.example)).body.id);
    expect((await example('cancelRma')).body.status).toBe('CANCELLED');

    // Physical tracking (issue 12): a pallet of two mugs under an SSCC, moved to the new location, a mug split off into
    // a case and consolidated back, the pallet closed and staged by a scan; its timeline, the site's scans, and physical
    // against logical stock (the pallet is a phantom: inventory never had it; found at a pick face whose own mugs inventory
    // knows, its two units make a quantity mismatch there).
    const lpn = (await example('buildLpn')).body;
    use('lpn', lpn.id);
    await example('getLpn');
    expect((await example('listLpns')).body.items.map((l: { id: string }) => l.id)).toContain(lpn.id);
    expect((await example('moveLpn')).body.locationId).toBe(real.get(EXAMPLES.ids.location));
    const split = (await example('splitLpn')).body;
    use('lpn', split.target.id);
    expect((await example('consolidateLpn')).body).toMatchObject({ id: lpn.id, units: 2 });
    use('lpn', lpn.id);
    expect((await example('closeLpn')).body.status).toBe('CLOSED');
    expect((await example('recordScan')).body.lpn.status).toBe('STAGED');
    // Lost, then found at a pick face (ADR 0029 addendum): a staged pallet is CLOSED where it was found; then reopened.
    expect((await example('reportLpnLost')).body.status).toBe('LOST');
    expect((await example('reportLpnFound')).body).toMatchObject({ status: 'CLOSED', locationId: expect.stringMatching(/^loc_/) });
    expect((await example('reopenLpn')).body.status).toBe('OPEN');
    expect((await example('getLpnTimeline')).body.items.map((x: { meaning: string }) => x.meaning))
      .toEqual(['BUILD', 'MOVE', 'SPLIT', 'CONSOLIDATE', 'CLOSE', 'STAGE', 'LOST', 'FOUND', 'REOPEN']);
    expect((await example('listScans')).body.items.length).toBeGreaterThanOrEqual(5);
    expect((await example('reconcilePhysicalStock')).body.differences).toEqual(expect.arrayContaining([
      expect.objectContaining({ kind: 'QUANTITY_MISMATCH', lpnIds: [lpn.id], physical: 2 }),
    ]));

    // One of the demo's waiting orders is held, released, held again and cancelled.
    const waiting = (await t.get(`/api/v1/orders?siteId=${EXAMPLES.site}&status=ALLOCATED`)).body.items[0];
    use('order', waiting.id);
    expect((await example('holdOrder')).body).toMatchObject({ status: 'ON_HOLD', hold: { reason: 'Credit check', resumeTo: 'ALLOCATED' } });
    expect((await example('releaseOrderHold')).body.status).toBe('ALLOCATED');
    expect((await example('holdOrder')).body.status).toBe('ON_HOLD');
    expect((await example('cancelOrder')).body.status).toBe('CANCELLED');
    // Another waiting order loses a line (all its open units; a one-line order is cancelled with it).
    const lineOrder = (await t.get(`/api/v1/orders?siteId=${EXAMPLES.site}&status=ALLOCATED&include=lines`)).body.items[0];
    use('order', lineOrder.id);
    use('orderLine', lineOrder.lines[0].id);
    const lineCancelled = (await example('cancelOrderLine')).body;
    expect(lineCancelled.lines[0].cancelled).toBe(lineOrder.lines[0].ordered);
    expect(lineCancelled.status).toBe(lineOrder.lines.length === 1 ? 'CANCELLED' : 'RECEIVED');

    // Platform: the order's events, API keys, a dead letter replayed.
    use('order', order.id);
    const events = (await example('listEvents')).body.items as { id: string; type: string }[];
    expect(events.map((e) => e.type)).toContain('orders.order.received.v1');
    use('apiKey', (await example('createApiKey')).body.id);
    await example('listApiKeys');
    await example('revokeApiKey');
    // Owners (3PL clients, ADR 0028): a client created; the default owner every request without one acts for.
    expect((await example('createOwner')).body.code).toBe('ACME');
    await example('listOwners');
    expect((await example('getOwner')).body.id).toBe('own_default');
    // No delivery failed on the demo: make a dead letter of an event inventory has handled, as a failed delivery would.
    const received = events.find((e) => e.type === 'orders.order.received.v1')!;
    const db = new Database(t.databaseUrl, { max: 1 });
    try {
      await db.query(
        `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error)
         SELECT 'dlq_example', 'inventory', event_id, type, envelope, 5, 'example' FROM platform.events WHERE event_id = $1`, [received.id],
      );
    } finally {
      await db.close();
    }
    use('deadLetter', 'dlq_example');
    await example('listDeadLetters');
    expect((await example('replayDeadLetter')).body.outcome).toBe('duplicate');

    // Orchestration: the shipped order's saga, the site's carrier cut-offs, and a dead letter as a supervisor's exception
    // (made the same way; the stuck-work scan, run now rather than at its period, raises it), discarded.
    await example('setCarrierCutoffs');
    expect((await example('getCarrierCutoffs')).body.cutoffs).toEqual([{ carrier: 'OWN_FLEET', cutoff: '16:00' }]);
    const saga = (await t.get(`/api/v1/sagas?type=order-fulfilment&limit=500`)).body.items.find((x: { key: string }) => x.key === order.id);
    use('saga', saga.id);
    await example('listSagas');
    expect((await example('getSaga')).body.key).toBe(order.id);
    const db2 = new Database(t.databaseUrl, { max: 1 });
    try {
      await db2.query(
        `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error)
         SELECT 'dlq_example_2', 'waves', event_id, type, envelope, 5, 'example' FROM platform.events WHERE event_id = $1`, [received.id],
      );
    } finally {
      await db2.close();
    }
    await (t.app.modules.find((m) => m.name === 'orchestration') as unknown as { scanStuckWork(): Promise<number> }).scanStuckWork();
    const raised = (await t.get('/api/v1/exceptions?status=OPEN&kind=DEAD_LETTER')).body.items.find((x: { subject: string }) => x.subject === 'dlq_example_2');
    use('exception', raised.id);
    await example('listExceptions');
    expect((await example('countExceptions')).body.byStatus).toEqual({ OPEN: expect.any(Number), RESOLVED: expect.any(Number) });
    await example('getException');
    expect((await example('actOnException')).body.status).toBe('RESOLVED');
    expect((await example('listAudit')).body.items.length).toBeGreaterThan(0);

    // A supervisor hands idle workers their next tasks in one go (whatever is queued now; none is an answer too).
    await example('assignTaskBatch');

    // Workload: the demo site's standards, today's roster, performance from the tasks worked above, the forecast, the
    // plan (the carrier cut-off set above reached workload as an event) and a what-if.
    expect((await example('setLaborStandard')).body).toMatchObject({ taskType: 'PICK', isDefault: false });
    expect((await example('getLaborStandards')).body.standards).toHaveLength(7);
    expect((await example('setRoster')).body.shifts).toHaveLength(3);
    expect((await example('getRoster')).body.shifts).toHaveLength(3);
    await example('listWorkerPerformance');
    await example('getWorkForecast');
    expect((await example('getStaffingPlan')).body.carriers.map((c: { carrier: string }) => c.carrier)).toEqual(expect.any(Array));
    await example('getStaffingWhatIf');

    // Identity: a person with a role at the demo site, made a manager of the second site and back; signed in, the
    // session refreshed and ended; then disabled.
    const user = (await example('createUser')).body;
    use('user', user.id);
    await example('getUser');
    expect((await example('listUsers')).body.items.map((u: { id: string }) => u.id)).toContain(user.id);
    expect((await example('grantRole')).body.grants).toHaveLength(2);
    const session = (await example('login')).body;
    expect(session.userId).toBe(user.id);
    use('refreshToken', session.refreshToken);
    expect((await example('whoAmI')).body.kind).toBe('key');
    use('refreshToken', (await example('refreshSession')).body.refreshToken);
    // The person changes its own password, signed in (an API key has none: the admin key would be 409 NO_PASSWORD).
    const change = byId.get('changePassword')!;
    sent.add('changePassword');
    const changed = await t.request('POST', change.path, {
      role: null, headers: { authorization: `Bearer ${session.accessToken}` }, body: Object.values(change.op.requestBody?.content ?? {})[0]?.example,
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    use('refreshToken', changed.body.refreshToken);
    expect((await example('resetPassword')).body.id).toBe(user.id);
    await example('logout');
    expect((await example('revokeRole')).body.grants).toHaveLength(1);
    expect((await example('disableUser')).body.disabledAt).not.toBeNull();

    // Quality (issue 13): a receiving plan for the demo's product; a receipt of it is inspected and fails (its units held),
    // the hold is released and the non-conformance closed; the site's KPIs; the plan retired.
    use('inspectionPlan', (await example('createInspectionPlan')).body.id);
    await example('listInspectionPlans');
    await example('getInspectionPlan');
    expect((await t.post('/api/v1/inventory/receipts', { siteId: EXAMPLES.site, sku: EXAMPLES.sku, locationCode: EXAMPLES.pickFace, quantity: 5 })).status)
      .toBe(201);
    const opened = (await until('listInspections', (p) => p.items.some((i: { status: string }) => i.status === 'OPEN'))).items as { id: string; status: string }[];
    use('inspection', opened.find((i) => i.status === 'OPEN')!.id);
    await example('getInspection');
    expect((await example('recordInspectionResults')).body).toMatchObject({ status: 'FAILED', holdStatus: 'HELD' });
    await t.settle();
    use('nonConformance', (await example('listNonConformances')).body.items[0].id);
    await example('getNonConformance');
    expect((await example('disposeInspection')).body.holdStatus).toBe('RELEASED');
    expect((await example('closeNonConformance')).body.status).toBe('CLOSED');
    expect((await example('getQualityKpis')).body.items).toEqual([expect.objectContaining({ stage: 'RECEIVING', inspected: 1, passed: 0 })]);
    expect((await example('deactivateInspectionPlan')).body.active).toBe(false);

    // Integrations (ADR 0034): a webhook subscription to the demo site's order events, a storefront channel whose signed
    // order makes a delivery (its receiver is not listening here: it stays PENDING), the delivery log, a replay, given up;
    // the channel disconnected.
    const subscription = (await example('createWebhookSubscription')).body;
    expect(subscription.secret).toMatch(/^whsec_/);
    use('webhookSubscription', subscription.id);
    await example('listWebhookSubscriptions');
    await example('getWebhookSubscription');
    await example('updateWebhookSubscription');
    await example('enableWebhookSubscription');
    const channel = (await example('createStorefrontChannel')).body;
    await example('listStorefrontChannels');
    const storefront = byId.get('receiveStorefrontOrder')!;
    const raw = JSON.stringify(storefront.op.requestBody?.content['application/json']?.example);
    sent.add('receiveStorefrontOrder');
    const signed = await t.request('POST', `${storefront.path}`, {
      role: null, body: raw,
      headers: {
        'content-type': 'application/json', 'x-shopify-shop-domain': channel.shopDomain, 'x-shopify-webhook-id': 'example-1',
        'x-shopify-hmac-sha256': createHmac('sha256', channel.secret as string).update(raw).digest('base64'),
      },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    await t.settle();
    const deliveries = await until<{ items: { id: string }[] }>('listWebhookDeliveries', (b) => b.items.length > 0);
    use('webhookDelivery', deliveries.items[0]!.id);
    await example('getWebhookDelivery');
    await example('replayWebhookDelivery');
    expect((await example('abandonWebhookDelivery')).body.status).toBe('ABANDONED');
    await example('deleteWebhookSubscription');
    use('storefrontChannel', channel.id);
    expect((await example('deleteStorefrontChannel')).body.deleted).toBe(true);

    // EDI and CSV (ADR 0037): a trading partner, its example 940 (an order and its 997), the documents; a product import.
    await example('createEdiPartner');
    await example('listEdiPartners');
    const x12 = (await example('receiveEdiInterchange')).body;
    expect(x12.status, JSON.stringify(x12)).toBe('ACCEPTED');
    use('ediDocument', (await example('listEdiDocuments')).body.items[0].id);
    expect((await example('getEdiDocument')).body.body).toMatch(/^ISA/);
    expect((await example('importCsv')).body).toMatchObject({ written: true, created: 2 });

    expect([...byId.keys()].filter((id) => !sent.has(id))).toEqual([]);
  });
});
