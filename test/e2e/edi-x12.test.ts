import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOutbound } from '../../src/contexts/integrations/edi/documents.ts';
import { OrderEvents, type OrderShipped } from '../../src/contracts/orders.ts';
import { PackShipEvents } from '../../src/contracts/pack-ship.ts';
import type { EventEnvelope } from '../../src/platform/bus/envelope.ts';
import { EventNotReady } from '../../src/platform/bus/not-ready.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { segmentsOf } from '../support/x12.ts';
import { injectClient, receiveStock, setupWarehouse, shipOneOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Issue 15, acceptance (b): a 940 in becomes an order that ships, and the 945 and 856 PakLog writes when it ships pass the
 * segment rules and carry the 940's identifiers; a malformed 940 gets a 997 that names its errors and makes no order.
 */
let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'EDI', aisles: 2, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 20, 1);
});
afterAll(async () => t.close());

const isa = (control: string, sender = 'RETAILCO'): string =>
  `ISA*00*          *00*          *ZZ*${sender.padEnd(15)}*ZZ*PAKLOG         *261201*0900*U*00401*${control}*0*T*>~`;

function interchange(control: string, sets: string[][], o: { groupControl?: string; geControl?: string } = {}): string {
  const body = sets.map((segments, i) => {
    const st = String(i + 1).padStart(4, '0');
    return [`ST*940*${st}~`, ...segments, `SE*${segments.length + 2}*${st}~`];
  }).flat();
  return [isa(control), `GS*OW*RETAILCO*PAKLOG*20261201*0900*${o.groupControl ?? '7'}*X*004010~`, ...body, `GE*${sets.length}*${o.geControl ?? o.groupControl ?? '7'}~`, `IEA*1*${control}~`].join('\n');
}

const postX12 = (raw: string, role: 'integration' | 'operator' = 'integration') =>
  t.request('POST', '/api/v1/edi/x12', { body: raw, role, headers: { 'content-type': 'text/plain' } });

describe('EDI X12', () => {
  it('a 940 becomes an order; once shipped, a 945 and an 856 that pass the segment rules carry its identifiers', async () => {
    expect((await t.post('/api/v1/edi/partners', { name: 'Retail Co', isaQualifier: 'ZZ', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration')).status).toBe(201);
    expect((await t.post('/api/v1/edi/partners', { name: 'Again', isaQualifier: 'ZZ', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration')).body.code).toBe('EDI_PARTNER_EXISTS');
    // The same ISA id under another qualifier would name its orders EDI-RETAILCO-…, as Retail Co's are: refused.
    const twin = await t.post('/api/v1/edi/partners', { name: 'Twin', isaQualifier: '01', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration');
    expect([twin.status, twin.body.code, twin.body.errors?.[0]?.field]).toEqual([409, 'EDI_PARTNER_ID_TAKEN', '/isaId']);
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const raw = interchange('000000501', [[
      'W05*N*RC-ORD-9001*PO-4455~',
      'N1*ST*Grace Hopper~', 'N2*Navy Labs~', 'N3*1 Compiler Way*Suite 9~', 'N4*Arlington*VA*22201*US~', 'PER*IC*Grace*TE*5550100*EM*grace@example.com~',
      'G62*10*20261202~',
      'LX*1~', `W01*2*EA*012345678905*SK*${a}~`,
      'LX*2~', `W01*1*EA**VN*${b}~`,
      'W76*3~',
    ]]);
    // An operator may not send EDI.
    expect((await postX12(raw, 'operator')).status).toBe(403);
    const received = await postX12(raw);
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    expect(received.body).toMatchObject({ status: 'ACCEPTED', duplicate: false, transactionSets: [{ type: '940', status: 'ACCEPTED', depositorOrderNumber: 'RC-ORD-9001', errors: [] }] });
    const orderId = received.body.transactionSets[0].orderId as string;
    // The 997: accepted, addressed back to the partner, envelopes valid.
    const ack = received.body.acknowledgement.body as string;
    expect(validateOutbound(ack).problems).toEqual([]);
    expect(segmentsOf(ack, 'AK1')).toEqual([['OW', '7']]);
    expect(segmentsOf(ack, 'AK5')).toEqual([['A']]);
    expect(segmentsOf(ack, 'AK9')).toEqual([['A', '1', '1', '1']]);
    expect(ack).toMatch(/^ISA\*00\* {10}\*00\* {10}\*ZZ\*PAKLOG {9}\*ZZ\*RETAILCO {7}\*/);
    // The same interchange again: the same answer, no second order.
    const again = await postX12(raw);
    expect(again.body).toMatchObject({ duplicate: true, documentId: received.body.documentId });
    expect(again.body.acknowledgement.body).toBe(ack);

    const order = (await t.get(`/api/v1/orders/${orderId}`)).body;
    expect(order.externalId).toBe('EDI-RETAILCO-RC-ORD-9001');
    expect(order.shipTo).toEqual({
      name: 'Grace Hopper', company: 'Navy Labs', line1: '1 Compiler Way', line2: 'Suite 9', city: 'Arlington', state: 'VA', postalCode: '22201',
      country: 'US', phone: '5550100', email: 'grace@example.com',
    });
    expect(order.lines.map((l: { sku: string; ordered: number }) => [l.sku, l.ordered])).toEqual([[a, 2], [b, 1]]);

    const shipment = await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, orderId, () => t.settle());
    await t.settle();

    const docs = await until('945 and 856', () => t.getAll<{ id: string; docType: string; direction: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration'),
      (d) => d.some((x) => x.docType === '856'));
    expect(docs.map((d) => `${d.direction} ${d.docType}`).sort()).toEqual(['IN 940', 'OUT 856', 'OUT 945', 'OUT 997']);
    const byReference = await t.getAll<{ docType: string }>('/api/v1/edi/documents?reference=RC-ORD-9001&direction=OUT', 'integration');
    expect(byReference.map((d) => d.docType).sort()).toEqual(['856', '945', '997']);
    const text = async (type: string): Promise<string> => (await t.get(`/api/v1/edi/documents/${docs.find((d) => d.docType === type)!.id}`, 'integration')).body.body as string;

    const advice = await text('945');
    expect(validateOutbound(advice).problems).toEqual([]);
    const w06 = segmentsOf(advice, 'W06')[0]!;
    expect([w06[0], w06[1], w06[3], w06[5]]).toEqual(['F', 'RC-ORD-9001', shipment.trackingNumber, 'PO-4455']);
    expect(segmentsOf(advice, 'N9')).toEqual([['OQ', '', orderId], ['BM', shipment.trackingNumber]]);
    expect(segmentsOf(advice, 'W12')).toEqual([
      ['CC', '2', '2', '0', 'EA', '012345678905', 'SK', a],
      ['CC', '1', '1', '0', 'EA', '', 'VN', b],
    ]);
    expect(segmentsOf(advice, 'W03')[0]![0]).toBe('3');

    const notice = await text('856');
    expect(validateOutbound(notice).problems).toEqual([]);
    expect(segmentsOf(notice, 'BSN')[0]!.slice(0, 2)).toEqual(['00', shipment.trackingNumber]);
    expect(segmentsOf(notice, 'PRF')).toEqual([['PO-4455']]);
    expect(segmentsOf(notice, 'REF')).toEqual([['CN', shipment.trackingNumber], ['CO', 'RC-ORD-9001'], ['OQ', '', orderId]]);
    const items = segmentsOf(notice, 'SN1').map((s) => Number(s[1])).reduce((x, y) => x + y, 0);
    expect(items).toBe(3);
    const hl = segmentsOf(notice, 'HL');
    expect(hl.map((h) => h[2])).toEqual(['S', 'O', 'P', ...hl.slice(3).map(() => 'I')]);
    expect(segmentsOf(notice, 'CTT')).toEqual([[String(hl.length)]]);
  }, 60_000);

  // A line cancel (ADR 0046 addendum) left the line's `ordered` as received and its units unshipped: the 945 said
  // W12*CP*3*2*1 and W12*CP*1*0*1 and W06 P (partial) — the cancelled units reported as short to the depositor who
  // cancelled them. It failed before: a line cancelled whole is ID (item deleted), a line partly cancelled is reported
  // against what is still ordered, and the shipment is complete when nothing but cancelled units is missing.
  it('a 940 whose lines were cancelled (one in part, one whole) before it shipped: the 945 reports them cancelled, not short', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const received = await postX12(interchange('000000601', [[
      'W05*N*RC-ORD-9101*PO-5566~', 'N1*ST*Ada Lovelace~', 'N3*2 Engine Road~', 'N4*London**N1 1AA*GB~', 'G62*10*20261202~',
      'LX*1~', `W01*3*EA*012345678905*SK*${a}~`, 'LX*2~', `W01*1*EA**VN*${b}~`, 'W76*4~',
    ]], { groupControl: '8' }));
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const orderId = received.body.transactionSets[0].orderId as string;
    await until('allocated', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'ALLOCATED');
    const lines = (await t.get(`/api/v1/orders/${orderId}`)).body.lines as { id: string; sku: string }[];
    const lineOf = (sku: string): string => lines.find((l) => l.sku === sku)!.id;
    expect((await t.post(`/api/v1/orders/${orderId}/lines/${lineOf(a)}/cancel`, { quantity: 1, reason: 'customer' })).status).toBe(200);
    await t.settle();
    await until('allocated', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'ALLOCATED');
    expect((await t.post(`/api/v1/orders/${orderId}/lines/${lineOf(b)}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, orderId, () => t.settle());
    await t.settle();
    const docs = await until('945', () => t.getAll<{ id: string; docType: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration'),
      (d) => d.some((x) => x.docType === '945'));
    const advice = (await t.get(`/api/v1/edi/documents/${docs.find((d) => d.docType === '945')!.id}`, 'integration')).body.body as string;
    expect(validateOutbound(advice).problems).toEqual([]);
    expect(segmentsOf(advice, 'W06')[0]![0]).toBe('F');
    expect(segmentsOf(advice, 'W12')).toEqual([
      ['CC', '2', '2', '0', 'EA', '012345678905', 'SK', a],
      ['ID', '1', '0', '1', 'EA', '', 'VN', b],
    ]);
    expect(segmentsOf(advice, 'W03')[0]![0]).toBe('2');
  }, 60_000);

  // A SHORTED cancel's 945 took every unit still ordered as short, reading them off orders.order.cancelled, whose lines
  // carry what was ordered: a unit the depositor had cancelled by line before was reported short too. The event now
  // says, per line, the units line cancels took before (`cancelled`), and the 945 leaves them out of the short.
  it('a 940 every remaining unit of which was shorted after a line cancel: the 945 reports the line-cancelled unit cancelled, the rest short', async () => {
    const a = w.products[0]!.sku;
    const received = await postX12(interchange('000000603', [[
      'W05*N*RC-ORD-9103*PO-5568~', 'N1*ST*Ada Lovelace~', 'N3*2 Engine Road~', 'N4*London**N1 1AA*GB~', 'G62*10*20261202~',
      'LX*1~', `W01*3*EA*012345678905*SK*${a}~`, 'W76*3~',
    ]], { groupControl: '10' }));
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const orderId = received.body.transactionSets[0].orderId as string;
    await until('allocated', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'ALLOCATED');
    const lines = (await t.get(`/api/v1/orders/${orderId}`)).body.lines as { id: string; sku: string }[];
    expect((await t.post(`/api/v1/orders/${orderId}/lines/${lines[0]!.id}/cancel`, { quantity: 1, reason: 'customer' })).status).toBe(200);
    await t.settle();
    await until('allocated', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'ALLOCATED');
    await t.settle();
    const wave = (await t.post('/api/v1/waves', { siteId: w.siteId, maxOrders: 10 })).body;
    expect(wave.orderIds).toEqual([orderId]);
    expect((await t.post(`/api/v1/waves/${wave.id}/release`)).status).toBe(200);
    await t.settle();
    const list = (await until('list', () => t.get(`/api/v1/pick-lists?orderId=${orderId}`), (r) => r.body.items.length > 0)).body.items[0] as { id: string; lines: { id: string }[] };
    for (const line of list.lines) expect((await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/short`, { reason: 'OTHER' })).status).toBe(200);
    await t.settle();
    await until('cancelled SHORTED', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.cancelReason, (r) => r === 'SHORTED');
    const docs = await until('945', () => t.getAll<{ id: string; docType: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration'),
      (d) => d.some((x) => x.docType === '945'));
    const advice = (await t.get(`/api/v1/edi/documents/${docs.find((d) => d.docType === '945')!.id}`, 'integration')).body.body as string;
    expect(validateOutbound(advice).problems).toEqual([]);
    // Reported against what was still ordered (2), both short; the unit the depositor cancelled is not short. Before:
    // W12*CP*3*0*3 (the cancelled event carried the line as ordered, so the cancelled unit read short).
    expect(segmentsOf(advice, 'W12')).toEqual([['CP', '2', '0', '2', 'EA', '012345678905', 'SK', a]]);
    expect(segmentsOf(advice, 'W06')[0]![0]).toBe('P');
    const [event] = await t.app.db.query<{ data: { lines: unknown[] } }>(
      `SELECT envelope->'data' AS data FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]);
    expect(event!.data.lines).toEqual([{ lineId: lines[0]!.id, lineNo: 1, sku: a, quantity: 3, cancelled: 1 }]);
    // The order's line adds up: 1 cancelled by the line cancel, 2 shorted (not counted cancelled too).
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.lines[0]).toMatchObject({ ordered: 3, shorted: 2, cancelled: 1, shipped: 0 });
  }, 60_000);

  // A whole-order cancel sent the depositor nothing: a line cancel is reported on the 945 when the order ships, but an
  // order cancelled whole never ships, so its 940 went unanswered for good. It failed before (no 945 at all): the cancel
  // is now answered with a 945 that ships nothing, every line ID (item deleted), and no 856.
  it('a 940 cancelled whole before it shipped (after a line cancel): a 945 reports every line cancelled, nothing shipped; no 856', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const received = await postX12(interchange('000000602', [[
      'W05*N*RC-ORD-9102*PO-5567~', 'N1*ST*Ada Lovelace~', 'N3*2 Engine Road~', 'N4*London**N1 1AA*GB~', 'G62*10*20261202~',
      'LX*1~', `W01*3*EA*012345678905*SK*${a}~`, 'LX*2~', `W01*1*EA**VN*${b}~`, 'W76*4~',
    ]], { groupControl: '9' }));
    expect(received.status, JSON.stringify(received.body)).toBe(200);
    const orderId = received.body.transactionSets[0].orderId as string;
    await until('allocated', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'ALLOCATED');
    const lines = (await t.get(`/api/v1/orders/${orderId}`)).body.lines as { id: string; sku: string }[];
    expect((await t.post(`/api/v1/orders/${orderId}/lines/${lines.find((l) => l.sku === a)!.id}/cancel`, { quantity: 1, reason: 'customer' })).status).toBe(200);
    await t.settle();
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    const docs = await until('945', () => t.getAll<{ id: string; docType: string; direction: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration'),
      (d) => d.some((x) => x.docType === '945'));
    expect(docs.map((d) => `${d.direction} ${d.docType}`).sort()).toEqual(['IN 940', 'OUT 945', 'OUT 997']);
    const advice = (await t.get(`/api/v1/edi/documents/${docs.find((d) => d.docType === '945')!.id}`, 'integration')).body.body as string;
    expect(validateOutbound(advice).problems).toEqual([]);
    expect(segmentsOf(advice, 'W06')[0]![0]).toBe('F');
    expect(segmentsOf(advice, 'W12')).toEqual([
      ['ID', '3', '0', '3', 'EA', '012345678905', 'SK', a],
      ['ID', '1', '0', '1', 'EA', '', 'VN', b],
    ]);
    expect(segmentsOf(advice, 'W03')[0]![0]).toBe('0');
    // Heard again (a redelivery), the cancel writes no second 945.
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'customer' })).status).toBe(200);
    await t.settle();
    expect((await t.getAll<{ docType: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration')).filter((d) => d.docType === '945')).toHaveLength(1);
  }, 60_000);

  // Issue 8: no handler calls another context inside its transaction. The shipped and cancelled handlers read the
  // ship-from site's name from location-master (`getSite`) inside the subscription's transaction: with its 5 s cache cold
  // (here: dropped by a rename), the strict nesting check refused the second connection and the event dead-lettered
  // (seen before the fix, as the flaky "cancelled whole" above). The name now comes from integrations' own projection of
  // the sites, fed by location-master's site events: the renamed site's new name is the 856's ship-from (N1*SF).
  it('the shipped and cancelled handlers read the ship-from site from their own projection, not location-master inside the transaction', async () => {
    const sku = w.products[0]!.sku;
    const orderOf = async (control: string, number: string, group: string): Promise<string> => {
      const received = await postX12(interchange(control, [[
        `W05*N*${number}*PO-${number}~`, 'N1*ST*Ada Lovelace~', 'N3*2 Engine Road~', 'N4*London**N1 1AA*GB~',
        'LX*1~', `W01*1*EA**VN*${sku}~`, 'W76*1~',
      ]], { groupControl: group }));
      expect(received.body.transactionSets?.[0]?.status, JSON.stringify(received.body)).toBe('ACCEPTED');
      return received.body.transactionSets[0].orderId as string;
    };
    const shippedId = await orderOf('000000611', 'RC-ORD-9111', '11');
    const cancelledId = await orderOf('000000612', 'RC-ORD-9112', '12');
    await t.settle();
    const sub = t.app.modules.find((m) => m.name === 'integrations')?.subscriptions?.find((s) => s.types.includes(OrderEvents.shipped));
    const envelope = <T>(type: string, subject: string, data: T): EventEnvelope<T> => ({
      specversion: '1.0', id: `evt_edi_site_${type}_${subject}`, type, source: 'test', subject, time: new Date().toISOString(), datacontenttype: 'application/json', data,
    });
    const line = { lineId: 'ol_x', sku, quantity: 1 };
    // A rename drops location-master's cached site: a read of it now needs a connection of its own.
    expect((await t.request('PATCH', `/api/v1/sites/${w.siteId}`, { body: { name: 'Edison Works DC' }, role: 'manager' })).status).toBe(200);
    await t.settle();
    await t.app.db.tx(async (tx) => {
      await sub!.handle(envelope(PackShipEvents.packagePacked, shippedId, {
        packageId: `pkg_${shippedId}`, orderId: shippedId, siteId: w.siteId, cartonCode: 'BOX-S', weightG: 500, lines: [line], orderComplete: true,
      }), tx);
      await sub!.handle(envelope(PackShipEvents.shipmentDispatched, shippedId, {
        shipmentId: `shp_${shippedId}`, orderId: shippedId, siteId: w.siteId, carrier: 'OWN_FLEET', trackingNumber: 'TRK-9111', packageIds: [`pkg_${shippedId}`], lines: [line],
      }), tx);
    });
    await t.app.db.tx((tx) => sub!.handle(envelope(OrderEvents.shipped, shippedId, {
      orderId: shippedId, siteId: w.siteId, partial: false, lines: [{ lineId: 'ol_x', sku, ordered: 1, shipped: 1 }],
    }), tx));
    await t.app.db.tx((tx) => sub!.handle(envelope(OrderEvents.cancelled, cancelledId, {
      orderId: cancelledId, siteId: w.siteId, previousStatus: 'ALLOCATED', lines: [{ lineId: 'ol_y', lineNo: 1, sku, quantity: 1 }], reason: 'customer',
    }), tx));
    for (const [orderId, types] of [[shippedId, ['856', '945']], [cancelledId, ['945']]] as const) {
      const docs = (await t.getAll<{ id: string; docType: string; direction: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration')).filter((d) => d.direction === 'OUT' && d.docType !== '997');
      expect(docs.map((d) => d.docType).sort()).toEqual(types);
      for (const d of docs) {
        const body = (await t.get(`/api/v1/edi/documents/${d.id}`, 'integration')).body.body as string;
        expect(validateOutbound(body).problems).toEqual([]);
        if (d.docType === '856') expect(segmentsOf(body, 'N1').find((n) => n[0] === 'SF')?.[1]).toBe('Edison Works DC');
      }
    }
  }, 60_000);

  // Split deployment: orders.order.shipped (orders' topic) may reach integrations before the pack-ship.shipment.dispatched
  // it follows (pack & ship's topic, another consumer, behind). The 945 and 856 were then written with no shipment (no
  // tracking number; the dispatch heard later changed nothing, advised_at set) or, with no package heard either, broke
  // the segment rules: a failed attempt each time, then dead-lettered (seen before the fix). Now the shipped event waits.
  it('an EDI order\'s shipped event heard before its dispatch waits (not ready); no 945 or 856 without the shipment', async () => {
    const raw = interchange('000000599', [[
      'W05*N*RC-ORD-9002*PO-4456~', 'N1*ST*Ada Lovelace~', 'N3*2 Engine Row~', 'N4*London**NW1 2AB*GB~',
      'LX*1~', `W01*1*EA**VN*${w.products[0]!.sku}~`, 'W76*1~',
    ]], { groupControl: '8' });
    const received = await postX12(raw);
    expect(received.body.transactionSets?.[0]?.status, JSON.stringify(received.body)).toBe('ACCEPTED');
    const orderId = received.body.transactionSets[0].orderId as string;
    await t.settle();
    const integrations = t.app.modules.find((m) => m.name === 'integrations');
    const sub = integrations?.subscriptions?.find((s) => s.types.includes(OrderEvents.shipped));
    const shipped: EventEnvelope<OrderShipped> = {
      specversion: '1.0', id: `evt_edi_early_${orderId}`, type: OrderEvents.shipped, source: 'orders', subject: orderId, time: new Date().toISOString(),
      datacontenttype: 'application/json', data: { orderId, siteId: w.siteId, partial: false, lines: [] },
    };
    await expect(t.app.db.tx((tx) => sub!.handle(shipped, tx))).rejects.toThrow(EventNotReady);
    const docs = await t.getAll<{ docType: string; direction: string }>(`/api/v1/edi/documents?orderId=${orderId}`, 'integration');
    expect(docs.map((d) => `${d.direction} ${d.docType}`).sort()).toEqual(['IN 940', 'OUT 997']);
  });

  it('an interchange sent again answers what the first made, per set, with or without an Idempotency-Key (found by the gap hunt)', async () => {
    const sku = w.products[0]!.sku;
    const good = ['W05*N*RC-RESEND-1~', 'N1*ST*Resend Ok~', 'N3*1 Way~', 'N4*Arlington*VA*22201~', 'LX*1~', `W01*1*EA**SK*${sku}~`];
    const bad = ['W05*N*RC-RESEND-2~', 'N1*ST*Resend Bad~', 'N3*1 Way~', 'N4*Arlington*VA*22201~', 'LX*1~', 'W01*1*EA**SK*NO-SUCH-SKU~'];
    // The partner of the first test (registered here too when this test runs alone).
    expect([201, 409]).toContain((await t.post('/api/v1/edi/partners', { name: 'Retail Co', isaQualifier: 'ZZ', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration')).status);
    const raw = interchange('000000504', [good, bad]);
    const first = await postX12(raw);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'PARTLY_ACCEPTED', duplicate: false });
    expect(first.body.transactionSets.map((s: { status: string }) => s.status)).toEqual(['ACCEPTED', 'REJECTED']);
    const sameAnswer = (body: Record<string, unknown>): void => {
      expect(body).toMatchObject({ duplicate: true, documentId: first.body.documentId, status: 'PARTLY_ACCEPTED', acknowledgement: first.body.acknowledgement });
      expect(body.transactionSets).toEqual(first.body.transactionSets);
    };
    // Without a key: the partner's resend of the same ISA13 is told what each set became (the order made, the errors).
    sameAnswer((await postX12(raw)).body);
    // With a key never used: the same account.
    const keyed = await t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': 'text/plain', 'idempotency-key': 'edi-resend-504' } });
    sameAnswer(keyed.body);
    // That key again: its answer replayed as it was.
    const replayed = await t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': 'text/plain', 'idempotency-key': 'edi-resend-504' } });
    expect(replayed.body).toEqual(keyed.body);
    expect((await t.get('/api/v1/orders?externalId=EDI-RETAILCO-RC-RESEND-1')).body.items).toHaveLength(1);
  });

  it('an interchange sent as application/edi-x12 (the IANA type), with or without charset=utf-8, is received as text/plain is; another charset is 415 (found by the gap hunt)', async () => {
    expect([201, 409]).toContain((await t.post('/api/v1/edi/partners', { name: 'Retail Co', isaQualifier: 'ZZ', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration')).status);
    const sku = w.products[0]!.sku;
    const order = (n: string): string[] => [`W05*N*RC-IANA-${n}~`, 'N1*ST*Iana Type~', 'N3*1 Way~', 'N4*Arlington*VA*22201~', 'LX*1~', `W01*1*EA**SK*${sku}~`];
    const send = (raw: string, type: string) => t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': type } });
    for (const [n, type] of [['1', 'application/edi-x12'], ['2', 'application/edi-x12; charset=utf-8'], ['3', 'Application/EDI-X12;charset="UTF-8"']] as const) {
      const res = await send(interchange(`00000051${n}`, [order(n)]), type);
      expect([res.status, res.body.status, res.body.code], `${type}: ${JSON.stringify(res.body)}`).toEqual([200, 'ACCEPTED', undefined]);
      expect((await t.get(`/api/v1/orders?externalId=EDI-RETAILCO-RC-IANA-${n}`)).body.items, type).toHaveLength(1);
    }
    // Another charset is refused as for text/plain: nothing received.
    const latin1 = await send(interchange('000000514', [order('4')]), 'application/edi-x12; charset=iso-8859-1');
    expect([latin1.status, latin1.body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect((await t.get('/api/v1/orders?externalId=EDI-RETAILCO-RC-IANA-4')).body.items).toHaveLength(0);
    // The API document says so.
    const op = (await t.get('/docs/json', null)).body.paths['/api/v1/edi/x12'].post;
    expect(Object.keys(op.requestBody.content).sort()).toEqual(['application/edi-x12', 'text/plain']);
  });

  it('a shop and a trading partner whose order ids would be alike are not both connected (found by the gap hunt)', async () => {
    expect([201, 409]).toContain((await t.post('/api/v1/edi/partners', { name: 'Retail Co', isaQualifier: 'ZZ', isaId: 'RETAILCO', siteId: 'EDI' }, 'integration')).status);
    // The shop edi-retailco names its orders EDI-RETAILCO-<id>, as Retail Co's 940s name theirs: a partner's F 940 would
    // cancel the shop's order, and the shop's order would take the partner's number (ORDER_CONFLICT).
    const shop = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'edi-retailco.myshopify.com', siteId: 'EDI', secret: 'shpss_collide_0000000001' }, 'integration');
    expect([shop.status, shop.body.code, shop.body.errors?.[0]?.field]).toEqual([409, 'CHANNEL_PREFIX_TAKEN', '/shopDomain']);
    expect((await t.getAll<{ shopDomain: string }>('/api/v1/integrations/storefront-channels', 'integration')).map((c) => c.shopDomain)).not.toContain('edi-retailco.myshopify.com');
    // The other way round: a shop connected first keeps its prefix.
    expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'edi-shopx.myshopify.com', siteId: 'EDI', secret: 'shpss_collide_0000000002' }, 'integration')).status).toBe(201);
    const partner = await t.post('/api/v1/edi/partners', { name: 'Shop X', isaQualifier: 'ZZ', isaId: 'SHOPX', siteId: 'EDI' }, 'integration');
    expect([partner.status, partner.body.code, partner.body.errors?.[0]?.field]).toEqual([409, 'EDI_PARTNER_ID_TAKEN', '/isaId']);
    // Ids that cannot meet are fine.
    expect((await t.post('/api/v1/edi/partners', { name: 'Shop Y', isaQualifier: 'ZZ', isaId: 'SHOPY', siteId: 'EDI' }, 'integration')).status).toBe(201);
  });

  it('a 940 line the order intake refuses (more units than an order line takes, alone or added up over W01s of one SKU) is named by the 997 on its W01 quantity and in words, not as the order number; no order (found by the bad-input hunt)', async () => {
    // Before: AK3*W05*2 / AK4*2**7*<order number> and intakeError 'UNPROCESSABLE: The order is not valid', naming no line.
    const sku = w.products[0]!.sku;
    const shipTo = ['N1*ST*Big Order~', 'N3*1 Way~', 'N4*Arlington*VA*22201*US~'];
    const raw = interchange('000000777', [
      ['W05*N*RC-HUGE-1~', ...shipTo, 'LX*1~', `W01*100001*EA**SK*${sku}~`],
      ['W05*N*RC-HUGE-2~', ...shipTo, 'LX*1~', `W01*60000*EA**SK*${sku}~`, 'LX*2~', `W01*40001*EA**SK*${sku}~`],
    ]);
    const res = await postX12(raw);
    expect([res.status, res.body.status], JSON.stringify(res.body)).toEqual([200, 'REJECTED']);
    const ack = res.body.acknowledgement.body as string;
    expect(validateOutbound(ack).problems).toEqual([]);
    expect(segmentsOf(ack, 'AK3')).toEqual([['W01', '7', '', '8'], ['W01', '9', '', '8']]);
    expect(segmentsOf(ack, 'AK4')).toEqual([['1', '', '7', '100001'], ['1', '', '7', '40001']]);
    for (const set of res.body.transactionSets as { orderId: string | null; intakeError: string }[]) {
      expect([set.orderId, set.intakeError]).toEqual([null, 'UNPROCESSABLE: The order is not valid (/lines/0/quantity must be an integer from 1 to 100000)']);
    }
    for (const n of ['RC-HUGE-1', 'RC-HUGE-2']) expect((await t.get(`/api/v1/orders?externalId=EDI-RETAILCO-${n}`)).body.items).toHaveLength(0);
  });

  it('a malformed 940 gets a 997 naming each segment and element in error, and makes no order', async () => {
    const sku = w.products[0]!.sku;
    const raw = interchange('000000502', [
      // Set 0001: W05-01 not N, no N3 in the ship-to loop, W01 quantity not a number, unknown segment.
      ['W05*X*RC-BAD-1~', 'N1*ST*Bad Order~', 'N4*Arlington*VA*22201*US~', 'ZZZ*1~', 'LX*1~', `W01*two*EA**SK*${sku}~`],
      // Set 0002: well formed but for an unknown SKU.
      ['W05*N*RC-BAD-2~', 'N1*ST*Unknown Sku~', 'N3*1 Way~', 'N4*Arlington*VA*22201~', 'LX*1~', 'W01*1*EA**SK*NO-SUCH-SKU~'],
    ]);
    const res = await postX12(raw);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('REJECTED');
    expect(res.body.transactionSets.map((s: { status: string; orderId: string | null }) => [s.status, s.orderId])).toEqual([['REJECTED', null], ['REJECTED', null]]);
    const ack = res.body.acknowledgement.body as string;
    expect(validateOutbound(ack).problems).toEqual([]);
    expect(segmentsOf(ack, 'AK2')).toEqual([['940', '0001'], ['940', '0002']]);
    expect(segmentsOf(ack, 'AK3')).toEqual([
      ['W05', '2', '', '8'], ['ZZZ', '5', '', '2'], ['W01', '7', '', '8'], ['N3', '8', '', '3'],
      ['W01', '7', '', '8'],
    ]);
    expect(segmentsOf(ack, 'AK4')).toEqual([['1', '', '7', 'X'], ['1', '', '6', 'two'], ['5', '', '7', 'NO-SUCH-SKU']]);
    expect(segmentsOf(ack, 'AK5')).toEqual([['R', '5'], ['R', '5']]);
    expect(segmentsOf(ack, 'AK9')).toEqual([['R', '2', '2', '0']]);
    for (const n of ['RC-BAD-1', 'RC-BAD-2']) expect((await t.get(`/api/v1/orders?externalId=EDI-RETAILCO-${n}`)).body.items).toHaveLength(0);

    // Envelope errors: SE01 counts wrong and GE02 differs from GS06 → AK5 code 4, AK9 code 4.
    const counted = interchange('000000503', [['W05*N*RC-BAD-3~', 'N1*ST*X~', 'N3*1 Way~', 'N4*Arlington*VA*22201~', 'LX*1~', `W01*1*EA**SK*${sku}~`]], { groupControl: '8', geControl: '9' })
      .replace('SE*8*0001', 'SE*5*0001');
    const env = await postX12(counted);
    expect(segmentsOf(env.body.acknowledgement.body as string, 'AK5')).toEqual([['R', '4']]);
    expect(segmentsOf(env.body.acknowledgement.body as string, 'AK9')).toEqual([['R', '1', '1', '0', '4']]);
    expect((await t.get('/api/v1/orders?externalId=EDI-RETAILCO-RC-BAD-3')).body.items).toHaveLength(0);

    // No envelope at all, or an unknown sender: 422, nothing stored.
    expect((await postX12('GS*OW*X~'.padEnd(120, ' '))).body.code).toBe('EDI_INTERCHANGE_INVALID');
    expect((await postX12(counted.replace('RETAILCO       ', 'STRANGER       '))).body.code).toBe('EDI_PARTNER_UNKNOWN');
  }, 30_000);
});
