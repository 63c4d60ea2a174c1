import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { segmentsOf } from '../support/x12.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * Issue 15: a 940's purpose (W05-01, ADRs 0040, 0046): N original, R/G change (ship-to and lines, before the wave), F/D cancel;
 * TA1 interchange acknowledgements when asked for (ISA14 = 1) and when the envelope is malformed.
 * Sample documents written for this test in the shape of the published 4010 examples.
 */
let t: TestApp;
let w: Warehouse;
beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'EDC', aisles: 1, bays: 1, levels: 1, skus: 1 });
  expect((await t.post('/api/v1/edi/partners', { name: 'Shop Co', isaQualifier: 'ZZ', isaId: 'SHOPCO', siteId: 'EDC' }, 'integration')).status).toBe(201);
});
afterAll(async () => t.close());

function interchange(control: string, segments: string[], ackRequested = '0'): string {
  return [
    `ISA*00*          *00*          *ZZ*SHOPCO         *ZZ*PAKLOG         *261201*0900*U*00401*${control}*${ackRequested}*T*>~`,
    `GS*OW*SHOPCO*PAKLOG*20261201*0900*${Number(control)}*X*004010~`,
    'ST*940*0001~', ...segments, `SE*${segments.length + 2}*0001~`, `GE*1*${Number(control)}~`, `IEA*1*${control}~`,
  ].join('\n');
}
const order940 = (purpose: string, number: string, city: string, quantity = 2): string[] => [
  `W05*${purpose}*${number}*PO-${number}~`, 'N1*ST*Ada Lovelace~', 'N3*12 Analytical Row~', `N4*${city}**N1 7AA*GB~`,
  'LX*1~', `W01*${quantity}*EA**SK*${w.products[0]!.sku}~`, `W76*${quantity}~`,
];
const post = async (raw: string) => {
  const res = await t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': 'text/plain' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { status: string; transactionSets: { status: string; orderId: string | null; intakeError: string | null }[]; acknowledgement: { body: string } };
};

describe('EDI 940 change and cancel', () => {
  it('N creates, R changes the ship-to and then a line, a line with an unknown SKU is refused, F cancels; an unknown purpose is an AK4 code 7', async () => {
    const created = await post(interchange('000000701', order940('N', 'SC-1', 'London')));
    expect(created.status).toBe('ACCEPTED');
    const orderId = created.transactionSets[0]!.orderId!;

    const changed = await post(interchange('000000702', order940('R', 'SC-1', 'Cambridge')));
    expect(changed).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', orderId }] });
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.shipTo).toMatchObject({ city: 'Cambridge' });

    // A changed line before the wave is applied (ADR 0046): the order is allocated anew with its new quantity.
    const lines = await post(interchange('000000703', order940('R', 'SC-1', 'Cambridge', 5)));
    expect(lines).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', orderId }] });
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.lines.map((l: { ordered: number }) => l.ordered)).toEqual([5]);
    // A line naming a SKU PakLog does not know is refused, and changes nothing.
    const unknownSku = order940('R', 'SC-1', 'Cambridge', 5).map((seg) => (seg.startsWith('W01*') ? 'W01*5*EA**SK*NO-SUCH-SKU~' : seg));
    const badLine = await post(interchange('000000707', unknownSku));
    expect(badLine.status).toBe('REJECTED');
    expect(badLine.transactionSets[0]!.orderId).toBeNull();
    expect(segmentsOf(badLine.acknowledgement.body, 'AK4')).toEqual([['5', '', '7', 'NO-SUCH-SKU']]);
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.lines.map((l: { ordered: number }) => l.ordered)).toEqual([5]);

    const unknown = await post(interchange('000000704', ['W05*F*SC-404~']));
    expect(unknown.transactionSets[0]!.intakeError).toMatch(/^NOT_FOUND/);

    const cancelled = await post(interchange('000000705', ['W05*F*SC-1*PO-SC-1~']));
    expect(cancelled).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', orderId }] });
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.status).toBe('CANCELLED');

    const replace = await post(interchange('000000706', order940('L', 'SC-2', 'London')));
    expect(replace.status).toBe('REJECTED');
    expect(segmentsOf(replace.acknowledgement.body, 'AK4')).toEqual([['1', '', '7', 'L']]);
    await t.settle();
  }, 60_000);

  it('the 945 that answers a changed 940 reports its lines as changed, not as first sent (found by the gap hunt)', async () => {
    const created = await post(interchange('000000901', order940('N', 'SC-CHG', 'London', 2)));
    const orderId = created.transactionSets[0]!.orderId!;
    expect((await post(interchange('000000902', order940('R', 'SC-CHG', 'Cambridge', 5)))).status).toBe('ACCEPTED');
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.lines.map((l: { ordered: number }) => l.ordered)).toEqual([5]);
    expect((await post(interchange('000000903', ['W05*F*SC-CHG*PO-SC-CHG~']))).status).toBe('ACCEPTED');
    await t.settle();
    const docs = (await t.get(`/api/v1/edi/documents?orderId=${orderId}&docType=945`, 'integration')).body.items as { id: string }[];
    expect(docs).toHaveLength(1);
    const advice = (await t.get(`/api/v1/edi/documents/${docs[0]!.id}`, 'integration')).body.body as string;
    // The order had 5 units when it was cancelled: each of them deleted (ID), none shipped.
    expect(segmentsOf(advice, 'W12').map((w12) => w12.slice(0, 4))).toEqual([['ID', '5', '0', '5']]);
    expect(segmentsOf(advice, 'N1')[0]).toEqual(['ST', 'Ada Lovelace']);
    expect(segmentsOf(advice, 'N4')[0]![0]).toBe('Cambridge');
  }, 60_000);

  it('a 940 original re-sent after a 940 change and a supervisor\'s reprioritise is the order it made (997 accepts, nothing changed); one with other lines than it had is ORDER_CONFLICT (integ4)', async () => {
    const created = await post(interchange('000000951', order940('N', 'SC-AGAIN', 'London', 2)));
    expect(created.status).toBe('ACCEPTED');
    const orderId = created.transactionSets[0]!.orderId!;
    expect((await post(interchange('000000952', order940('R', 'SC-AGAIN', 'Cambridge', 5)))).status).toBe('ACCEPTED');
    expect((await t.post(`/api/v1/orders/${orderId}/reprioritise`, { priority: 1 })).status).toBe(200);
    await t.settle();
    const before = (await t.get(`/api/v1/orders/${orderId}`)).body as { version: number };

    // The partner re-sends its original 940 (a new interchange: its 997 was lost). Before: 997 rejected it, ORDER_CONFLICT.
    const again = await post(interchange('000000953', order940('N', 'SC-AGAIN', 'London', 2)));
    expect([again.status, again.transactionSets[0]!.orderId, again.transactionSets[0]!.intakeError]).toEqual(['ACCEPTED', orderId, null]);
    const order = (await t.get(`/api/v1/orders/${orderId}`)).body as { version: number; priority: number; shipTo: { city: string }; lines: { ordered: number }[] };
    expect([order.version, order.priority, order.shipTo.city, order.lines.map((l) => l.ordered)]).toEqual([before.version, 1, 'Cambridge', [5]]);

    // An original with content it never had under that number is another order: rejected as before.
    const other = await post(interchange('000000954', order940('N', 'SC-AGAIN', 'London', 3)));
    expect(other.status).toBe('REJECTED');
    expect(other.transactionSets[0]!.intakeError).toMatch(/^ORDER_CONFLICT/);
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.version).toBe(before.version);
    await t.settle();
  }, 60_000);

  it('an F cancel while a SHIP scan of the order decides at the dock: the interchange is answered 409 ORDER_SHIPPING and recorded nowhere, so the same interchange sent again gets the final answer (cancel10)', async () => {
    const created = await post(interchange('000000961', order940('N', 'SC-DOCK', 'London', 1)));
    const orderId = created.transactionSets[0]!.orderId!;
    await t.settle();
    const before = (await t.get(`/api/v1/orders/${orderId}`)).body as { status: string; version: number };
    const documents = async () => (await t.get(`/api/v1/edi/documents?limit=500`, 'integration')).body.items.length as number;
    const docsBefore = await documents();
    // A SHIP scan's claim on the order at pack & ship, not settled yet (the scan's transaction in flight).
    await t.app.db.query(`INSERT INTO pack_ship.dock_ship_claims (claim_id, order_id, claimed_at) VALUES ('dsc_edidock', $1, now())`, [orderId]);
    const cancel = interchange('000000962', ['W05*F*SC-DOCK*PO-SC-DOCK~']);
    // Before: a 997 rejecting the set (W05-02 in error, "ask again in a moment"), stored as this interchange's answer, so
    // the partner's resend was answered with it again and the cancel was lost for good, whatever the scan then did.
    const busy = await t.request('POST', '/api/v1/edi/x12', { body: cancel, role: 'integration', headers: { 'content-type': 'text/plain' } });
    expect([busy.status, busy.body.code], JSON.stringify(busy.body)).toEqual([409, 'ORDER_SHIPPING']);
    expect(await documents()).toBe(docsBefore);
    expect((await t.get(`/api/v1/orders/${orderId}`)).body).toMatchObject({ status: before.status, version: before.version });
    // The scan ended without shipping (its claim dropped): the same interchange again cancels the order.
    await t.app.db.query(`DELETE FROM pack_ship.dock_ship_claims WHERE claim_id = 'dsc_edidock'`);
    expect(await post(cancel)).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', orderId }] });
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.status).toBe('CANCELLED');
    await t.settle();
  }, 60_000);

  it('a 940 cancel and a REST cancel of the same order at once (with a current If-Match, or an Idempotency-Key): both 200 CANCELLED, one cancellation, no deadlock (cancel10)', async () => {
    const deadlocksBefore = t.app.db.retried.deadlock;
    const problems: string[] = [];
    for (let round = 0; round < 12; round++) {
      const created = await post(interchange(String(970000 + round * 2).padStart(9, '0'), order940('N', `SC-DL-${round}`, 'London', 1)));
      const orderId = created.transactionSets[0]!.orderId!;
      await t.settle();
      const version = (await t.get(`/api/v1/orders/${orderId}`)).body.version as number;
      const got = await Promise.all([
        t.request('POST', '/api/v1/edi/x12', {
          body: interchange(String(970001 + round * 2).padStart(9, '0'), [`W05*F*SC-DL-${round}*PO-SC-DL-${round}~`]), role: 'integration', headers: { 'content-type': 'text/plain' },
        }),
        t.request('POST', `/api/v1/orders/${orderId}/cancel`, { body: { reason: 'console' }, headers: round % 2 === 0 ? { 'if-match': `"${version}"` } : { 'idempotency-key': `c10-dl-${round}` } }),
      ]);
      const answers = `${got[0].status} ${got[0].body?.status} | ${got[1].status} ${got[1].body?.code ?? got[1].body?.status}`;
      // Before: the two units of work locked the order's rows in opposite orders (the 940's: pack & ship's, then orders';
      // the If-Match cancel's: orders', then pack & ship's), PostgreSQL killed one, and the If-Match cancel re-run found
      // the order cancelled at a new version: 412 VERSION_MISMATCH for an order in the very state it asked for.
      if (answers !== '200 ACCEPTED | 200 CANCELLED') problems.push(`round ${round}: ${answers}`);
      await t.settle();
      const events = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE type = 'orders.order.cancelled.v1' AND subject = $1`, [orderId]);
      if (events[0]!.n !== 1) problems.push(`round ${round}: ${events[0]!.n} cancelled events`);
    }
    expect({ problems, deadlocks: t.app.db.retried.deadlock - deadlocksBefore }).toEqual({ problems: [], deadlocks: 0 });
  }, 120_000);

  it('ISA14 = 1 gets a TA1 accepting the envelope ahead of the 997; a malformed envelope gets a TA1 rejecting it and makes nothing', async () => {
    const asked = await post(interchange('000000801', order940('N', 'SC-TA1', 'London'), '1'));
    expect(asked.status).toBe('ACCEPTED');
    expect(asked.acknowledgement.body.split('\n')[1]).toBe('TA1*000000801*261201*0900*A*000~');
    expect(segmentsOf(asked.acknowledgement.body, 'AK9')).toEqual([['A', '1', '1', '1']]);

    // IEA02 does not repeat ISA13: TA1 R 001, no group is read, no order.
    const bad = interchange('000000802', order940('N', 'SC-BAD', 'London')).replace('IEA*1*000000802', 'IEA*1*000000899');
    const refused = await post(bad);
    expect(refused).toMatchObject({ status: 'REJECTED', transactionSets: [] });
    expect(refused.acknowledgement.body.split('\n').slice(1)).toEqual(['TA1*000000802*261201*0900*R*001~', expect.stringMatching(/^IEA\*0\*\d{9}~$/)]);
    expect((await t.get('/api/v1/orders?externalId=EDI-SHOPCO-SC-BAD')).body.items).toHaveLength(0);
    expect((await post(bad)).acknowledgement.body).toBe(refused.acknowledgement.body);
    // No IEA at all: 023 (premature end).
    const cut = interchange('000000803', order940('N', 'SC-CUT', 'London')).split('\n').slice(0, -1).join('\n');
    expect((await post(cut)).acknowledgement.body).toContain('TA1*000000803*261201*0900*R*023~');
    const listed = (await t.get('/api/v1/edi/documents?docType=TA1', 'integration')).body.items as { direction: string }[];
    expect(listed.map((d) => d.direction)).toEqual(['OUT', 'OUT']);
    await t.settle();
  }, 60_000);
});
