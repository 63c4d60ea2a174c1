import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { FakePartner } from '../support/fake-partner.ts';
import { createOrder, injectClient, receiveStock, setupWarehouse, shipOneOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Issue 15, ERP and TMS ports over REST (ADR 0039) against local fakes: a shipped order's confirmation reaches the ERP
 * and its load the TMS once each, also after both were down (retried, visible meanwhile, never duplicated); TMS
 * tracking lands on the shipment; adjustments and snapshots go out; items and ASNs come in, whole or not at all.
 */
const ERP_TOKEN = 'erp-token-0001';
const TMS_TOKEN = 'tms-token-0001';
const erp = new FakePartner(ERP_TOKEN);
const tms = new FakePartner(TMS_TOKEN);

interface Message { id: string; partner: string; kind: string; idempotencyKey: string; subject: string; status: string; attempts: number; lastError: string | null; result: Record<string, unknown> | null }

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  await erp.start();
  await tms.start();
  t = await startTestApp({
    env: {
      PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: `${erp.url}/paklog`, PAKLOG_ERP_TOKEN: ERP_TOKEN,
      PAKLOG_TMS: 'rest', PAKLOG_TMS_URL: tms.url, PAKLOG_TMS_TOKEN: TMS_TOKEN,
      // 10 s: an answer the ERP holds (a replay while the attempt is under way) is answered, not timed out, under load.
      PAKLOG_PARTNER_TICK_MS: '50', PAKLOG_PARTNER_RETRY_BASE_MS: '50', PAKLOG_PARTNER_RETRY_MAX_MS: '300', PAKLOG_PARTNER_TIMEOUT_MS: '10000',
    },
  });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'ERP', aisles: 2, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 20, 1);
});
afterAll(async () => {
  await erp.stop();
  await tms.stop();
  await t.close();
});

const messages = (q: string) => t.getAll<Message>(`/api/v1/integrations/partner-messages?${q}`, 'integration');

describe('ERP and TMS over REST', () => {
  it('a dispatched shipment is confirmed to the ERP and booked with the TMS once each, after both were down; TMS tracking reaches the shipment', async () => {
    const erpPort = erp.port;
    await erp.stop();
    tms.down();
    const order = await createOrder(call, w.siteId, { externalId: 'ERP-1', lines: [{ sku: w.products[0]!.sku, quantity: 2 }] });
    const shipment = await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, order.id, () => t.settle());

    // While they are down: retried, and visible — in the delivery log, the status and the loads not booked.
    const failing = await until('failed attempts', () => messages(`subject=${shipment.shipmentId}`),
      (ms) => ms.length === 2 && ms.every((m) => m.status === 'PENDING' && m.attempts >= 2 && m.lastError !== null));
    expect(failing.map((m) => [m.partner, m.kind, m.idempotencyKey]).sort()).toEqual([
      ['ERP', 'SHIPMENT_CONFIRMATION', `shipment-confirmation.${shipment.shipmentId}`], ['TMS', 'LOAD_BOOKING', `load.${shipment.shipmentId}`],
    ]);
    expect(failing.find((m) => m.partner === 'TMS')!.lastError).toContain('503');
    expect(failing.find((m) => m.partner === 'ERP')!.lastError).toContain('ECONNREFUSED');
    const status = await t.get('/api/v1/integrations/partners', 'integration');
    expect(status.body).toMatchObject({ erp: 'rest', tms: 'rest' });
    expect(status.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ partner: 'ERP', status: 'PENDING', count: 1 })]));
    const notBooked = await t.getAll<{ shipmentId: string; loadId: string | null }>('/api/v1/integrations/tms/loads?booked=false', 'integration');
    expect(notBooked).toEqual([expect.objectContaining({ shipmentId: shipment.shipmentId, loadId: null })]);
    expect((await t.get('/api/v1/integrations/partner-messages', 'operator')).status).toBe(403);

    await erp.start(erpPort);
    tms.up();
    const delivered = await until('delivered', () => messages(`subject=${shipment.shipmentId}`), (ms) => ms.every((m) => m.status === 'DELIVERED'));
    expect(delivered.find((m) => m.partner === 'TMS')!.result).toEqual({ loadId: 'LD-100001', status: 'TENDERED' });

    // Once each on the partners' side, with the token, key and message type.
    const confirmations = erp.of('/paklog/shipment-confirmations');
    expect(confirmations).toHaveLength(1);
    expect(confirmations[0]!.key).toBe(`shipment-confirmation.${shipment.shipmentId}`);
    expect(confirmations[0]!.body).toMatchObject({
      type: 'paklog.erp.shipment-confirmation.v1', idempotencyKey: `shipment-confirmation.${shipment.shipmentId}`,
      data: { shipmentId: shipment.shipmentId, orderId: order.id, siteId: w.siteId, carrier: 'OWN_FLEET', trackingNumber: shipment.trackingNumber, lines: [expect.objectContaining({ sku: w.products[0]!.sku, quantity: 2 })] },
    });
    const ok = erp.calls.filter((c) => c.status === 202);
    expect(ok.every((c) => c.authorization === `Bearer ${ERP_TOKEN}` && c.messageType === 'paklog.erp.shipment-confirmation.v1')).toBe(true);
    expect(tms.of('/loads')).toHaveLength(1);
    expect(tms.calls.filter((c) => c.status === 503).length).toBeGreaterThanOrEqual(2);

    const message = await t.get(`/api/v1/integrations/partner-messages/${delivered.find((m) => m.partner === 'ERP')!.id}`, 'integration');
    expect(message.body.attemptLog.at(-1)).toMatchObject({ error: null });
    expect(message.body.attemptLog.slice(0, -1).every((a: { error: string | null }) => a.error !== null)).toBe(true);

    // A replay goes out again with the same key: the ERP keeps one.
    const before = erp.calls.length;
    expect((await t.post(`/api/v1/integrations/partner-messages/${message.body.id}/replay`, undefined, 'integration')).status).toBe(200);
    await until('replayed', async () => erp.calls.length, (n) => n > before);
    expect(erp.calls.at(-1)!.idempotencyKey).toBe(`shipment-confirmation.${shipment.shipmentId}`);
    expect(erp.of('/paklog/shipment-confirmations')).toHaveLength(1);

    // Tracking from the TMS, by its load id: recorded on the shipment; a repeat changes nothing.
    const track = (body: Record<string, unknown>, role: 'integration' | 'operator' = 'integration') => t.post('/api/v1/integrations/tms/tracking', body, role);
    // The TMS's times: after the dispatch, in this order.
    const transitAt = new Date().toISOString();
    const deliveredAt = new Date(Date.now() + 2000).toISOString();
    expect((await track({ loadId: 'LD-100001', status: 'IN_TRANSIT', at: transitAt }, 'operator')).status).toBe(403);
    const inTransit = await track({ loadId: 'LD-100001', status: 'IN_TRANSIT', at: transitAt, detail: 'Left the hub' });
    expect(inTransit.body).toEqual({ shipmentId: shipment.shipmentId, loadId: 'LD-100001', shipmentStatus: 'IN_TRANSIT', duplicate: false });
    expect((await track({ loadId: 'LD-100001', status: 'IN_TRANSIT', at: transitAt, detail: 'Left the hub' })).body.duplicate).toBe(true);
    expect((await track({ shipmentId: shipment.shipmentId, status: 'DELIVERED', at: deliveredAt })).body.shipmentStatus).toBe('DELIVERED');
    expect((await track({ loadId: 'LD-999', status: 'DELIVERED', at: deliveredAt })).status).toBe(404);
    expect((await t.get(`/api/v1/shipments/${shipment.shipmentId}`)).body.status).toBe('DELIVERED');
    const load = await t.get(`/api/v1/integrations/tms/loads/${shipment.shipmentId}`, 'integration');
    expect(load.body).toMatchObject({ loadId: 'LD-100001', status: 'TENDERED' });
    expect(load.body.tracking.map((e: { status: string }) => e.status)).toEqual(['IN_TRANSIT', 'DELIVERED']);
  });

  it('a TMS answering a load id another shipment has (a consolidated load), or one no tracking report could name, is a refused answer: each attempt counted with why (then FAILED, in the exception queue), not a recording that failed unseen at every try', async () => {
    const operator = injectClient(t.app, t.keys.operator);
    const ship = async (externalId: string) => {
      const order = await createOrder(call, w.siteId, { externalId, lines: [{ sku: w.products[1]!.sku, quantity: 1 }] });
      return shipOneOrder(call, operator, w.siteId, order.id, () => t.settle());
    };
    const tmsMessage = async (shipmentId: string) => (await messages(`subject=${shipmentId}`)).find((m) => m.partner === 'TMS');
    tms.answerLoadId('LD-SAME');
    try {
      const first = await ship('TMS-DUP-1');
      await until('first booked', () => tmsMessage(first.shipmentId), (m) => m?.status === 'DELIVERED');
      for (const [externalId, loadId] of [['TMS-DUP-2', 'LD-SAME'], ['TMS-DUP-3', 'LD\u0007BELL'], ['TMS-DUP-4', ' LD-1']] as const) {
        tms.answerLoadId(loadId);
        const shipment = await ship(externalId);
        const refused = await until(`${externalId} refused`, () => tmsMessage(shipment.shipmentId), (m) => m !== undefined && m.attempts >= 2);
        expect(refused).toMatchObject({ status: 'PENDING', lastError: expect.stringContaining('loadId') });
        expect((await t.get(`/api/v1/integrations/tms/loads/${shipment.shipmentId}`, 'integration')).body.loadId).toBeNull();
      }
      expect((await t.get(`/api/v1/integrations/tms/loads/${first.shipmentId}`, 'integration')).body.loadId).toBe('LD-SAME');
    } finally {
      tms.answerLoadId(undefined);
    }
  });

  it('the partner ports of a site that does not exist: 422 UNKNOWN_SITE naming /querystring/siteId, as the document says (found by the input10 hunt: 422 was not described)', async () => {
    for (const site of ['NOPE', '\uff11\uff12']) {
      const r = await t.get(`/api/v1/integrations/partners?siteId=${encodeURIComponent(site)}`, 'integration');
      expect([r.status, r.body.code, r.body.errors], site).toEqual([422, 'UNKNOWN_SITE', [{ field: '/querystring/siteId', message: expect.any(String) }]]);
    }
  });

  it('adjustments and snapshots go to the ERP', async () => {
    const loc = w.storage[0]!;
    const adj = await t.post('/api/v1/inventory/adjustments', { siteId: w.siteId, sku: w.products[0]!.sku, locationId: loc.id, delta: -1, reason: 'DAMAGED' });
    expect(adj.status).toBe(201);
    const adjusted = await until('adjustment sent', async () => erp.of('/paklog/inventory-adjustments'), (m) => m.length === 1);
    expect(adjusted[0]!.body.data).toMatchObject({ siteId: w.siteId, sku: w.products[0]!.sku, locationId: loc.id, delta: -1, reason: 'DAMAGED' });

    const snap = await t.post('/api/v1/integrations/erp/snapshots', { siteId: 'ERP' }, 'integration');
    expect(snap.status).toBe(201);
    expect(snap.body.lines).toBeGreaterThan(0);
    const sent = await until('snapshot sent', async () => erp.of('/paklog/inventory-snapshots'), (m) => m.length === 1);
    const lines = (sent[0]!.body.data as { lines: { sku: string; onHand: number }[] }).lines;
    expect(lines.length).toBe(snap.body.lines);
    expect(lines.every((l) => l.onHand >= 0)).toBe(true);
  });

  it('items and ASNs the ERP posts are written whole or not at all', async () => {
    const items = { items: [{ sku: 'ERP-ITEM-1', description: 'From the ERP', lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 500 }] };
    const inItems = await t.post('/api/v1/integrations/erp/inbound/items', items, 'integration');
    expect(inItems.status).toBe(200);
    expect(inItems.body).toMatchObject({ accepted: true, rows: 1, summary: { created: 1 } });
    expect((await t.get('/api/v1/products/ERP-ITEM-1')).status).toBe(200);

    const bad = { items: [{ sku: 'ERP-ITEM-2', description: 'ok', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 }, { sku: 'ERP-ITEM-3', description: 'no weight', lengthMm: 1, widthMm: 1, heightMm: 1 }] };
    const refused = await t.post('/api/v1/integrations/erp/inbound/items', bad, 'integration');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('ERP_INBOUND_INVALID');
    expect(refused.body.errors).toEqual([{ field: '/items/1/weightG', message: 'is required' }]);
    expect((await t.get('/api/v1/products/ERP-ITEM-2')).status).toBe(404);
    // A refused document changes nothing, the inbound-file log included, with an Idempotency-Key or without (found by
    // the black-box hunt: without a key the REJECTED record stayed, with one it rolled back with the refusal).
    const files = async (): Promise<number> => (await t.getAll('/api/v1/integrations/erp/inbound-files', 'integration')).length;
    const filesBefore = await files();
    for (const headers of [{}, { 'idempotency-key': 'erp-bad-1' }]) {
      const again = await t.post('/api/v1/integrations/erp/inbound/items', bad, 'integration', headers);
      expect([again.status, again.body.code]).toEqual([422, 'ERP_INBOUND_INVALID']);
      expect(again.body.detail).not.toMatch(/erf_/);
    }
    expect(await files()).toBe(filesBefore);

    const asns = { asns: [{ asnNumber: 'PO-1', siteId: 'ERP', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 5 }] }] };
    const inAsns = await t.post('/api/v1/integrations/erp/inbound/asns', asns, 'integration');
    expect(inAsns.body).toMatchObject({ accepted: true, summary: { created: 1, unchanged: 0 } });
    expect((await t.post('/api/v1/integrations/erp/inbound/asns', asns, 'integration')).body).toMatchObject({ accepted: true, summary: { created: 0, unchanged: 1 } });
    const listed = await t.getAll<{ supplier: string; reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`);
    expect(listed.filter((a) => a.reference === 'PO-1')).toHaveLength(1);
  });

  it('a key of some sites only lists, reads and tracks the loads of its sites alone', async () => {
    const other = await setupWarehouse(call, { siteCode: 'ERPB', aisles: 1, bays: 2, levels: 1, skus: 1 });
    await receiveStock(call, other, 5, 1);
    const order = await createOrder(call, other.siteId, { externalId: 'ERPB-1', lines: [{ sku: other.products[0]!.sku, quantity: 1 }] });
    const shipment = await shipOneOrder(call, injectClient(t.app, t.keys.operator), other.siteId, order.id, () => t.settle());
    type Load = { shipmentId: string; siteId: string; loadId: string | null };
    const atB = await until('booked', () => t.getAll<Load>(`/api/v1/integrations/tms/loads?siteId=${other.siteId}`, 'integration'), (l) => l.length === 1 && l[0]!.loadId !== null);
    expect(atB.map((l) => [l.shipmentId, l.siteId])).toEqual([[shipment.shipmentId, other.siteId]]);
    expect((await t.getAll<Load>('/api/v1/integrations/tms/loads?siteId=ERP', 'integration')).every((l) => l.siteId === w.siteId)).toBe(true);

    const key = await t.post('/api/v1/api-keys', { name: 'tms of ERP', role: 'integration', siteIds: [w.siteId] });
    expect(key.status).toBe(201);
    const scoped = injectClient(t.app, key.body.key);
    const all = await scoped<{ code: string }>('loads', 'GET', '/api/v1/integrations/tms/loads');
    expect([all.status, all.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const listB = await scoped<{ code: string }>('loads at B', 'GET', '/api/v1/integrations/tms/loads?siteId=ERPB');
    expect([listB.status, listB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const own = await scoped<{ items: Load[] }>('loads at A', 'GET', '/api/v1/integrations/tms/loads?siteId=ERP');
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.filter((l) => l.siteId !== w.siteId)).toEqual([]);
    const read = await scoped<{ code: string }>('load of B', 'GET', `/api/v1/integrations/tms/loads/${shipment.shipmentId}`);
    expect([read.status, read.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    // By the TMS's load id, which names no site: refused all the same, and nothing recorded.
    const tracked = await scoped<{ code: string }>('track B', 'POST', '/api/v1/integrations/tms/tracking', { loadId: atB[0]!.loadId, status: 'DELIVERED', at: '2026-12-03T10:00:00.000Z' });
    expect([tracked.status, tracked.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await t.get(`/api/v1/integrations/tms/loads/${shipment.shipmentId}`, 'integration')).body.tracking).toEqual([]);
    expect((await t.get(`/api/v1/shipments/${shipment.shipmentId}`)).body.status).not.toBe('DELIVERED');
  });

  it('a key of some sites only lists, reads and replays the partner messages of its sites alone (ERP and TMS)', async () => {
    // The test above shipped an order at ERPB: its shipment confirmation (ERP) and load booking (TMS) are about ERPB.
    const other = (await t.get<{ id: string }>('/api/v1/sites/ERPB')).body.id;
    const atB = await messages(`siteId=${other}`);
    expect(atB.map((m) => m.kind).sort()).toEqual(['LOAD_BOOKING', 'SHIPMENT_CONFIRMATION']);
    expect(atB.every((m) => (m as Message & { siteId: string }).siteId === other)).toBe(true);
    const atA = await messages('siteId=ERP');
    expect(atA.length).toBeGreaterThan(0);
    expect(atA.every((m) => (m as Message & { siteId: string }).siteId === w.siteId)).toBe(true);
    const unknown = await t.get('/api/v1/integrations/partner-messages?siteId=NOPE', 'integration');
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_SITE']);

    const key = await t.post('/api/v1/api-keys', { name: 'erp of ERP', role: 'integration', siteIds: [w.siteId] });
    const scoped = injectClient(t.app, key.body.key);
    const all = await scoped<{ code: string }>('messages', 'GET', '/api/v1/integrations/partner-messages');
    expect([all.status, all.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const listB = await scoped<{ code: string }>('messages at B', 'GET', '/api/v1/integrations/partner-messages?siteId=ERPB&partner=ERP');
    expect([listB.status, listB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const own = await scoped<{ items: { siteId: string }[] }>('messages at A', 'GET', '/api/v1/integrations/partner-messages?siteId=ERP&limit=500');
    expect([own.status, own.body.items.length]).toEqual([200, atA.length]);
    const health = await scoped<{ code: string }>('partners', 'GET', '/api/v1/integrations/partners');
    expect([health.status, health.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const ownHealth = await scoped<{ messages: { count: number }[] }>('partners at A', 'GET', '/api/v1/integrations/partners?siteId=ERP');
    expect(ownHealth.body.messages.reduce((n, m) => n + m.count, 0)).toBe(atA.length);

    const theirs = atB.find((m) => m.kind === 'SHIPMENT_CONFIRMATION')!;
    const read = await scoped<{ code: string }>('message of B', 'GET', `/api/v1/integrations/partner-messages/${theirs.id}`);
    expect([read.status, read.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const before = (await t.get(`/api/v1/integrations/partner-messages/${theirs.id}`, 'integration')).body;
    const replay = await scoped<{ code: string }>('replay B', 'POST', `/api/v1/integrations/partner-messages/${theirs.id}/replay`);
    expect([replay.status, replay.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await t.get(`/api/v1/integrations/partner-messages/${theirs.id}`, 'integration')).body).toEqual(before);
    const mine = atA[0]!;
    const readOwn = await scoped<{ id: string; siteId: string }>('message of A', 'GET', `/api/v1/integrations/partner-messages/${mine.id}`);
    expect([readOwn.status, readOwn.body.siteId]).toEqual([200, w.siteId]);

    // A message that names no site (one older than migration 007 whose document had none): callers of every site only.
    await t.app.db.query(
      `INSERT INTO integrations.partner_messages (id, partner, kind, site_id, idempotency_key, subject, body, status, next_attempt_at, created_at)
       VALUES ('pms_nosite', 'ERP', 'INVENTORY_SNAPSHOT', NULL, 'legacy.nosite', 'legacy', '{"data":{}}', 'FAILED', now(), now())`);
    const noSite = await scoped<{ code: string }>('message of no site', 'GET', '/api/v1/integrations/partner-messages/pms_nosite');
    expect([noSite.status, noSite.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const replayNoSite = await scoped<{ code: string }>('replay message of no site', 'POST', '/api/v1/integrations/partner-messages/pms_nosite/replay');
    expect([replayNoSite.status, replayNoSite.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await t.get('/api/v1/integrations/partner-messages/pms_nosite', 'integration')).body).toMatchObject({ siteId: null, status: 'FAILED' });
    expect((await messages('siteId=ERP')).map((m) => m.id)).not.toContain('pms_nosite');
    await t.app.db.query(`DELETE FROM integrations.partner_messages WHERE id = 'pms_nosite'`);

    // ASNs name their sites inside the document: one of another site refuses the whole document, and nothing is recorded.
    const files = (await t.getAll('/api/v1/integrations/erp/inbound-files', 'integration')).length;
    const asn = (asnNumber: string, siteId: string) => ({ asnNumber, siteId, supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    const mixed = await scoped<{ code: string }>('ASNs of B', 'POST', '/api/v1/integrations/erp/inbound/asns', { asns: [asn('PO-A-7', 'ERP'), asn('PO-B-7', 'ERPB')] });
    expect([mixed.status, mixed.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    expect((await t.getAll('/api/v1/integrations/erp/inbound-files', 'integration')).length).toBe(files);
    expect((await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${other}`)).filter((x) => x.reference === 'PO-B-7')).toEqual([]);
    expect((await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).filter((x) => x.reference === 'PO-A-7')).toEqual([]);
    const ownAsn = await scoped<{ accepted: boolean }>('ASN of A', 'POST', '/api/v1/integrations/erp/inbound/asns', { asns: [asn('PO-A-7', 'ERP')] });
    expect([ownAsn.status, ownAsn.body.accepted]).toEqual([200, true]);
    // The inbound documents: a site's ASN documents by siteId; item masters name no site (callers of every site see them).
    const filesAll = await scoped<{ code: string }>('inbound files', 'GET', '/api/v1/integrations/erp/inbound-files');
    expect([filesAll.status, filesAll.body.code]).toEqual([403, 'SITE_REQUIRED']);
    const filesB = await scoped<{ code: string }>('inbound files of B', 'GET', '/api/v1/integrations/erp/inbound-files?siteId=ERPB');
    expect([filesB.status, filesB.body.code]).toEqual([403, 'FORBIDDEN_AT_SITE']);
    const filesA = await scoped<{ items: { id: string; kind: string; siteIds: string[] }[] }>('inbound files of A', 'GET', '/api/v1/integrations/erp/inbound-files?siteId=ERP');
    expect(filesA.status).toBe(200);
    expect(filesA.body.items.map((f) => f.id)).toContain((ownAsn.body as unknown as { fileId: string }).fileId);
    expect(filesA.body.items.every((f) => f.kind === 'asns' && f.siteIds.includes(w.siteId))).toBe(true);
    const everything = await t.getAll<{ kind: string; siteIds: string[] }>('/api/v1/integrations/erp/inbound-files', 'integration');
    expect(everything.filter((f) => f.kind === 'items').every((f) => f.siteIds.length === 0)).toBe(true);
  });

  it('a replay while the partner holds its attempt waits for that attempt: never sent twice at once, sent again once it ended, attempts numbered 1, 2 (crash6)', async () => {
    const release = erp.holdNext('/paklog/shipment-confirmations');
    const order = await createOrder(call, w.siteId, { externalId: 'ERP-REPLAY-HELD', lines: [{ sku: w.products[1]!.sku, quantity: 1 }] });
    const shipment = await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, order.id, () => t.settle());
    const key = `shipment-confirmation.${shipment.shipmentId}`;
    await until('taken by the ERP, its answer held', async () => erp.accepted.has(key), (x) => x);
    const id = (await messages(`subject=${shipment.shipmentId}`)).find((m) => m.partner === 'ERP')!.id;
    const replayed = await t.post<Message>(`/api/v1/integrations/partner-messages/${id}/replay`, undefined, 'integration');
    expect(replayed.status).toBe(200);
    expect(replayed.body.status).toBe('PENDING');
    // Some of the job's ticks while the attempt is under way: nothing sends the message a second time meanwhile (the
    // replay cleared the lease: another process's job would have claimed and sent it at once, an attempt of the same number).
    await new Promise((r) => setTimeout(r, 300));
    expect(erp.calls.filter((c) => c.idempotencyKey === key)).toHaveLength(0);
    // The attempt ends delivered: the replay is sent after it (before: DELIVERED by that attempt, the replay lost).
    release();
    const done = await until('sent again once the attempt ended', async () => (await t.get<Message & { attemptLog: { attempt: number; error: string | null }[] }>(`/api/v1/integrations/partner-messages/${id}`, 'integration')).body,
      (m) => m.status === 'DELIVERED');
    expect(done.attemptLog.map((a) => [a.attempt, a.error]), JSON.stringify(done.attemptLog)).toEqual([[1, null], [2, null]]);
    expect(erp.calls.filter((c) => c.idempotencyKey === key).map((c) => c.status)).toEqual([202, 202]);
  });
});

describe('a message the ERP never got, in the exception queue (found by the exceptions hunt)', () => {
  const down = new FakePartner(ERP_TOKEN);
  let u: TestApp;
  beforeAll(async () => {
    await down.start();
    u = await startTestApp({
      env: {
        PAKLOG_ERP: 'rest', PAKLOG_ERP_URL: `${down.url}/paklog`, PAKLOG_ERP_TOKEN: ERP_TOKEN, PAKLOG_PARTNER_MAX_ATTEMPTS: '2',
        PAKLOG_PARTNER_TICK_MS: '50', PAKLOG_PARTNER_RETRY_BASE_MS: '50', PAKLOG_PARTNER_RETRY_MAX_MS: '100', PAKLOG_PARTNER_TIMEOUT_MS: '2000',
      },
    });
  });
  afterAll(async () => {
    await down.stop();
    await u.close();
  });
  /** A message's failed and recovered events, in the order the feed has them. */
  const feed = async (messageId: string): Promise<string[]> => {
    const of = async (type: string) => ((await u.get(`/api/v1/events?type=${type}&subject=${messageId}`)).body.items as { id: string }[]).map((e) => ({ id: e.id, type }));
    const all = [...await of('integrations.partner-message.failed.v1'), ...await of('integrations.partner-message.recovered.v1')];
    return all.sort((a, b) => a.id.localeCompare(b.id)).map((e) => (e.type.includes('failed') ? 'failed' : 'recovered'));
  };

  it('a shipment confirmation that ran out of attempts raises PARTNER_MESSAGE_FAILED (what, which shipment, why, since when); its replay, delivered, clears it', async () => {
    const mgr = injectClient(u.app, u.keys.manager);
    const site = await setupWarehouse(mgr, { siteCode: 'ERPFAIL', aisles: 1, bays: 2, levels: 1, skus: 1 });
    await receiveStock(mgr, site, 10, 1);
    down.down();
    const order = await createOrder(mgr, site.siteId, { externalId: 'ERPFAIL-1', lines: [{ sku: site.products[0]!.sku, quantity: 1 }] });
    const shipment = await shipOneOrder(mgr, injectClient(u.app, u.keys.operator), site.siteId, order.id, () => u.settle());
    const failed = (await until('FAILED', () => u.getAll<Message>(`/api/v1/integrations/partner-messages?subject=${shipment.shipmentId}`, 'integration'),
      (ms) => ms.length === 1 && ms[0]!.status === 'FAILED'))[0]!;
    await u.settle();
    // A manager cannot read the partners' delivery log (admin, integration): the exception queue is where they see it.
    expect((await u.get('/api/v1/integrations/partner-messages', 'manager')).status).toBe(403);
    const open = async () => (await u.get(`/api/v1/exceptions?siteId=ERPFAIL&status=OPEN&kind=PARTNER_MESSAGE_FAILED`, 'manager')).body.items as Record<string, any>[];
    const [x] = await until('raised', open, (xs) => xs.length === 1);
    expect(x).toMatchObject({ kind: 'PARTNER_MESSAGE_FAILED', subject: failed.id, siteId: site.siteId, actions: ['acknowledge'] });
    expect(x!.reason).toContain(shipment.shipmentId);
    expect(x!.reason).toContain(`/integrations/partner-messages/${failed.id}/replay`);
    expect(x!.details).toMatchObject({ messageId: failed.id, partner: 'ERP', messageKind: 'SHIPMENT_CONFIRMATION', about: shipment.shipmentId, attempts: 2, lastError: expect.stringContaining('503') });
    expect((await u.post(`/api/v1/exceptions/${x!.id}/actions/acknowledge`, undefined, 'viewer')).status).toBe(403);

    // The ERP is back; the message replayed and delivered: the case clears by itself, and an action on it is 409.
    down.up();
    expect((await u.post(`/api/v1/integrations/partner-messages/${failed.id}/replay`, undefined, 'integration')).status).toBe(200);
    const cleared = await until('cleared', async () => (await u.get(`/api/v1/exceptions/${x!.id}`)).body, (e) => e.status === 'RESOLVED');
    expect(cleared).toMatchObject({ resolvedBy: null, resolution: 'auto: the message was delivered to the ERP after its replay' });
    expect(down.of('/paklog/shipment-confirmations')).toHaveLength(1);
    const late = await u.post(`/api/v1/exceptions/${x!.id}/actions/acknowledge`, undefined, 'manager');
    expect([late.status, late.body.code]).toEqual([409, 'EXCEPTION_RESOLVED']);

    // Replayed once more (the ERP asks for it again) and delivered: no second `recovered`, as nothing failed again
    // (before: one per delivery after the attempts ran out). The feed reads failed, recovered: once each (exc8).
    expect((await u.post(`/api/v1/integrations/partner-messages/${failed.id}/replay`, undefined, 'integration')).status).toBe(200);
    await until('delivered again', () => u.get<Message>(`/api/v1/integrations/partner-messages/${failed.id}`, 'integration'),
      (r) => r.body.status === 'DELIVERED' && r.body.attempts === 4);
    await u.settle();
    expect(await feed(failed.id)).toEqual(['failed', 'recovered']);
  });

  it('a replay asked while the last attempt is under way, that attempt failing: sent again and delivered, it says nothing recovered, as nothing was said failed (exc8)', async () => {
    const mgr = injectClient(u.app, u.keys.manager);
    const site = await setupWarehouse(mgr, { siteCode: 'ERPRPL', aisles: 1, bays: 2, levels: 1, skus: 1 });
    await receiveStock(mgr, site, 10, 1);
    const first = down.holdNext('/paklog/shipment-confirmations');
    const order = await createOrder(mgr, site.siteId, { externalId: 'ERPRPL-1', lines: [{ sku: site.products[0]!.sku, quantity: 1 }] });
    const shipment = await shipOneOrder(mgr, injectClient(u.app, u.keys.operator), site.siteId, order.id, () => u.settle());
    const key = `shipment-confirmation.${shipment.shipmentId}`;
    await until('attempt 1 taken, its answer held', async () => down.accepted.has(key), (x) => x);
    // Attempt 2 (the last of PAKLOG_PARTNER_MAX_ATTEMPTS=2) is held too; the replay comes while it is under way.
    const second = down.holdNext('/paklog/shipment-confirmations');
    first(503);
    await until('attempt 2 under way, its answer held', async () => down.holdArmed, (armed) => !armed);
    const [m] = await u.getAll<Message>(`/api/v1/integrations/partner-messages?subject=${shipment.shipmentId}`, 'integration');
    expect(m!.attempts).toBe(1);
    expect((await u.post(`/api/v1/integrations/partner-messages/${m!.id}/replay`, undefined, 'integration')).status).toBe(200);
    second(503);
    await until('delivered after the replay', () => u.get<Message>(`/api/v1/integrations/partner-messages/${m!.id}`, 'integration'),
      (r) => r.body.status === 'DELIVERED');
    await u.settle();
    expect(down.calls.filter((c) => c.idempotencyKey === key).map((c) => c.status)).toEqual([503, 503, 202]);
    // Never FAILED (the replay asked for another attempt): no exception, and no `recovered` for one never raised.
    expect(await feed(m!.id)).toEqual([]);
  });
});
