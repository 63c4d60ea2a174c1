import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateOutbound } from '../../src/contexts/integrations/edi/documents.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { segmentsOf } from '../support/x12.ts';
import { injectClient, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';

/**
 * Issue 15, ADR 0040: a 943 (warehouse stock transfer shipment advice) becomes an ASN; closing the ASN writes the 944
 * (receipt advice) with the received units and the differences. Sample documents written for this test in the shape
 * of the published 4010 examples.
 */
let t: TestApp;
let w: Warehouse;
beforeAll(async () => {
  t = await startTestApp();
  w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'ETR', aisles: 1, bays: 1, levels: 1, skus: 2 });
  expect((await t.post('/api/v1/edi/partners', { name: 'Depot Co', isaQualifier: 'ZZ', isaId: 'DEPOTCO', siteId: 'ETR' }, 'integration')).status).toBe(201);
});
afterAll(async () => t.close());

function interchange(control: string, segments: string[]): string {
  return [
    `ISA*00*          *00*          *ZZ*DEPOTCO        *ZZ*PAKLOG         *261201*0900*U*00401*${control}*0*T*>~`,
    `GS*AR*DEPOTCO*PAKLOG*20261201*0900*${Number(control)}*X*004010~`,
    'ST*943*0001~', ...segments, `SE*${segments.length + 2}*0001~`, `GE*1*${Number(control)}~`, `IEA*1*${control}~`,
  ].join('\n');
}
const transfer943 = (number: string): string[] => [
  `W06*N*${number}*20261203*SHIP-${number}**PO-${number}~`,
  'N1*SF*Depot Co North DC~', 'N3*1 Depot Way~', 'N4*Leeds**LS1 1AA*GB~',
  'N1*ST*PakLog ETR~',
  'W27*M*DHL~',
  `W04*10*EA**SK*${w.products[0]!.sku}~`,
  `W04*4*EA**SK*${w.products[1]!.sku}~`,
  'W03*14~',
];
const post = async (raw: string) => {
  const res = await t.request('POST', '/api/v1/edi/x12', { body: raw, role: 'integration', headers: { 'content-type': 'text/plain' } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { status: string; duplicate: boolean; transactionSets: { status: string; asnId: string | null; errors: unknown[] }[]; acknowledgement: { body: string } };
};
const asnsAtSite = async (): Promise<{ id: string }[]> => (await t.get(`/api/v1/inventory/asns?siteId=ETR`)).body.items;

describe('EDI 943 → ASN → 944', () => {
  it('a 943 becomes one ASN (also when sent again); receiving short and damaged and closing writes a 944 that echoes the 943', async () => {
    const sent = interchange('000000901', transfer943('TR-1'));
    const first = await post(sent);
    expect(first).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', errors: [] }] });
    expect(segmentsOf(first.acknowledgement.body, 'AK1')).toEqual([['AR', '901']]);
    expect(segmentsOf(first.acknowledgement.body, 'AK5')).toEqual([['A']]);
    const asnId = first.transactionSets[0]!.asnId!;
    const asn = (await t.get(`/api/v1/inventory/asns/${asnId}`)).body;
    expect(asn).toMatchObject({ supplier: 'Depot Co North DC', reference: 'SHIP-TR-1', expectedOn: '2026-12-03', status: 'OPEN' });
    expect(asn.lines.map((l: { lineNo: number; sku: string; expected: number }) => [l.lineNo, l.sku, l.expected]))
      .toEqual([[1, w.products[0]!.sku, 10], [2, w.products[1]!.sku, 4]]);

    // The same interchange again: its first 997; the same 943 in a new interchange: the same ASN.
    expect(await post(sent)).toMatchObject({ duplicate: true, acknowledgement: { body: first.acknowledgement.body } });
    expect(await post(interchange('000000902', transfer943('TR-1')))).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ asnId }] });
    expect(await asnsAtSite()).toHaveLength(1);

    // 8 of 10 arrive; of the 4, one is damaged. Closing records UNDER 2 and DAMAGED 1.
    for (const r of [{ sku: w.products[0]!.sku, quantity: 8 }, { sku: w.products[1]!.sku, quantity: 3 }, { sku: w.products[1]!.sku, quantity: 1, status: 'DAMAGED' }]) {
      const res = await t.post(`/api/v1/inventory/asns/${asnId}/receipts`, r, 'operator');
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    expect((await t.post(`/api/v1/inventory/asns/${asnId}/close`, {})).status).toBe(200);
    await t.settle();

    const listed = (await t.get('/api/v1/edi/documents?docType=944', 'integration')).body.items as { id: string; references: string[] }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!.references).toEqual(expect.arrayContaining(['TR-1', 'SHIP-TR-1', asnId]));
    const body: string = (await t.get(`/api/v1/edi/documents/${listed[0]!.id}`, 'integration')).body.body;
    expect(validateOutbound(body).problems).toEqual([]);
    expect(body).toContain('GS*RE*PAKLOG*DEPOTCO*');
    expect(segmentsOf(body, 'W17')).toEqual([['F', expect.stringMatching(/^\d{8}$/), asnId.slice(-30), 'TR-1', '', 'SHIP-TR-1']]);
    expect(segmentsOf(body, 'N1')).toEqual([['SF', 'Depot Co North DC']]);
    expect(segmentsOf(body, 'W07')).toEqual([['8', 'EA', '', 'SK', w.products[0]!.sku], ['4', 'EA', '', 'SK', w.products[1]!.sku]]);
    expect(segmentsOf(body, 'W13')).toEqual([['2', 'EA', '02'], ['1', 'EA', '01']]);
    expect(segmentsOf(body, 'W14')).toEqual([['12']]);
    expect((await t.get(`/api/v1/edi/documents?reference=${asnId}`, 'integration')).body.items.map((d: { docType: string }) => d.docType)).toEqual(['943', '997', '943', '997', '944']);
  }, 60_000);

  it('a malformed 943 gets a 997 with its errors and makes no ASN', async () => {
    const before = (await asnsAtSite()).length;
    const bad = await post(interchange('000000911', [
      'W06*N*TR-BAD*2026123*SHIP-BAD~',
      'N1*ST*PakLog ETR~',
      `W04*0*EA**SK*${w.products[0]!.sku}~`,
      'W04*2*CS**SK*NO-SUCH-SKU~',
    ]));
    expect(bad).toMatchObject({ status: 'REJECTED', transactionSets: [{ status: 'REJECTED', asnId: null }] });
    const ack = bad.acknowledgement.body;
    expect(segmentsOf(ack, 'AK3')).toEqual([['W06', '2', '', '8'], ['W04', '4', '', '8'], ['W04', '5', '', '8'], ['N1', '6', '', '3']]);
    expect(segmentsOf(ack, 'AK4')).toEqual([['3', '', '4', '2026123'], ['1', '', '6', '0'], ['2', '', '7', 'CS']]);
    expect(segmentsOf(ack, 'AK5')).toEqual([['R', '5']]);
    expect(segmentsOf(ack, 'AK9')).toEqual([['R', '1', '1', '0']]);

    // Well-formed but an unknown SKU: AK4 code 7 on W04-05, no ASN.
    const unknown = await post(interchange('000000912', ['W06*N*TR-UNK*20261203*SHIP-UNK~', 'N1*SF*Depot Co~', 'W04*2*EA**SK*NO-SUCH-SKU~']));
    expect(segmentsOf(unknown.acknowledgement.body, 'AK4')).toEqual([['5', '', '7', 'NO-SUCH-SKU']]);
    expect(await asnsAtSite()).toHaveLength(before);
    await t.settle();
  }, 60_000);
  it('a 943 whose W04-01 is more units than an ASN line takes (1,000,000) is REJECTED, its 997 naming W04-01; no ASN (edge7)', async () => {
    const before = (await asnsAtSite()).length;
    const huge = await post(interchange('000000971', ['W06*N*TR-HUGE*20261203*SHIP-HUGE~', 'N1*SF*Depot Co~',
      `W04*2*EA**SK*${w.products[1]!.sku}~`, `W04*999999999*EA**SK*${w.products[0]!.sku}~`]));
    expect(huge).toMatchObject({ status: 'REJECTED', transactionSets: [{ status: 'REJECTED', asnId: null }] });
    expect(segmentsOf(huge.acknowledgement.body, 'AK3')).toEqual([['W04', '5', '', '8']]);
    expect(segmentsOf(huge.acknowledgement.body, 'AK4')).toEqual([['1', '', '7', '999999999']]);
    expect(await asnsAtSite()).toHaveLength(before);
    await t.settle();
  }, 60_000);

  it('a 943 of one W06-02 makes one ASN: twice in one interchange, one interchange sent three times at once, or sent again after a failure part-way', async () => {
    const asnsOf = async (shipment: string): Promise<number> => (await t.getAll<{ reference: string }>('/api/v1/inventory/asns?siteId=ETR')).filter((a) => a.reference === shipment).length;
    // Two sets of one depositor order number: the second is answered with the first's ASN.
    const twice = await post(interchange('000000921', ['W06*N*TR-TWICE*20261203*SHIP-TWICE~', 'N1*SF*Depot Co~', `W04*1*EA**SK*${w.products[0]!.sku}~`])
      .replace('SE*5*0001~', `SE*5*0001~\nST*943*0002~\nW06*N*TR-TWICE*20261203*SHIP-TWICE~\nN1*SF*Depot Co~\nW04*1*EA**SK*${w.products[0]!.sku}~\nSE*5*0002~`).replace('GE*1*', 'GE*2*'));
    expect(twice.transactionSets.map((s) => s.status)).toEqual(['ACCEPTED', 'ACCEPTED']);
    expect(twice.transactionSets[1]!.asnId).toBe(twice.transactionSets[0]!.asnId);
    expect(await asnsOf('SHIP-TWICE')).toBe(1);

    // A partner's retry while the first is in flight: one receipt, the others its 997.
    const raw = interchange('000000922', ['W06*N*TR-RACE*20261203*SHIP-RACE~', 'N1*SF*Depot Co~', `W04*1*EA**SK*${w.products[0]!.sku}~`]);
    const answers = await Promise.all([0, 1, 2].map(() => post(raw)));
    expect(answers.map((a) => a.duplicate).sort()).toEqual([false, true, true]);
    expect(await asnsOf('SHIP-RACE')).toBe(1);

    // The 997 cannot be stored (as a crash after the ASN would): nothing is kept, and the partner's resend makes one ASN.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(`CREATE FUNCTION integrations.test_refuse_997() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$`);
      await db.query(`CREATE TRIGGER test_refuse_997 BEFORE INSERT ON integrations.edi_documents FOR EACH ROW WHEN (NEW.doc_type = '997') EXECUTE FUNCTION integrations.test_refuse_997()`);
      const crashed = interchange('000000923', ['W06*N*TR-CRASH*20261203*SHIP-CRASH~', 'N1*SF*Depot Co~', `W04*1*EA**SK*${w.products[0]!.sku}~`]);
      const failed = await t.request('POST', '/api/v1/edi/x12', { body: crashed, role: 'integration', headers: { 'content-type': 'text/plain' } });
      expect(failed.status).toBe(500);
      expect(await asnsOf('SHIP-CRASH')).toBe(0);
      await db.query('DROP TRIGGER test_refuse_997 ON integrations.edi_documents');
      await db.query('DROP FUNCTION integrations.test_refuse_997()');
      expect(await post(crashed)).toMatchObject({ status: 'ACCEPTED', duplicate: false });
      expect(await asnsOf('SHIP-CRASH')).toBe(1);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS test_refuse_997 ON integrations.edi_documents');
      await db.query('DROP FUNCTION IF EXISTS integrations.test_refuse_997()');
      await db.end();
    }
    await t.settle();
  }, 60_000);
  it('a 943 re-sent with the same W06-02 but other lines is rejected TRANSFER_CONFLICT in its 997, the ASN unchanged; an identical re-send is the same ASN (found by the integrations hunt)', async () => {
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const first = await post(interchange('000000931', ['W06*N*TR-DIFF*20261203*SHIP-DIFF~', 'N1*SF*Depot Co~', `W04*5*EA**SK*${a}~`]));
    expect(first).toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED' }] });
    const asnId = first.transactionSets[0]!.asnId!;
    const before = (await t.get(`/api/v1/inventory/asns/${asnId}`)).body;
    const count = (await asnsAtSite()).length;

    // Other lines (units of a line, a line added), in a new interchange and as a second set of one interchange.
    const changed = await post(interchange('000000932', ['W06*N*TR-DIFF*20261203*SHIP-DIFF~', 'N1*SF*Depot Co~', `W04*7*EA**SK*${a}~`, `W04*2*EA**SK*${b}~`]));
    expect(changed).toMatchObject({ status: 'REJECTED', transactionSets: [{ status: 'REJECTED', asnId: null }] });
    expect((changed.transactionSets[0] as unknown as { intakeError: string }).intakeError).toMatch(/^TRANSFER_CONFLICT: .*W04 lines/);
    expect(segmentsOf(changed.acknowledgement.body, 'AK3')).toEqual([['W06', '2', '', '8']]);
    expect(segmentsOf(changed.acknowledgement.body, 'AK4')).toEqual([['2', '', '7', 'TR-DIFF']]);
    expect(segmentsOf(changed.acknowledgement.body, 'AK5')[0]![0]).toBe('R');
    const inOne = await post(interchange('000000933', ['W06*N*TR-ONE*20261203*SHIP-ONE~', 'N1*SF*Depot Co~', `W04*1*EA**SK*${a}~`])
      .replace('SE*5*0001~', `SE*5*0001~\nST*943*0002~\nW06*N*TR-ONE*20261203*SHIP-ONE~\nN1*SF*Depot Co~\nW04*3*EA**SK*${a}~\nSE*5*0002~`).replace('GE*1*', 'GE*2*'));
    expect(inOne.transactionSets.map((s) => s.status)).toEqual(['ACCEPTED', 'REJECTED']);
    // Another ship-from or shipment id is other content too.
    const shipFrom = await post(interchange('000000934', ['W06*N*TR-DIFF*20261203*SHIP-DIFF~', 'N1*SF*Other Depot~', `W04*5*EA**SK*${a}~`]));
    expect(shipFrom.transactionSets[0]).toMatchObject({ status: 'REJECTED', asnId: null });

    // Nothing changed: the ASN as it was, no new one.
    expect((await t.get(`/api/v1/inventory/asns/${asnId}`)).body).toEqual(before);
    expect((await asnsAtSite()).length).toBe(count + 1);
    // The identical 943 again: an idempotent duplicate, the same ASN.
    expect(await post(interchange('000000935', ['W06*N*TR-DIFF*20261203*SHIP-DIFF~', 'N1*SF*Depot Co~', `W04*5*EA**SK*${a}~`])))
      .toMatchObject({ status: 'ACCEPTED', transactionSets: [{ status: 'ACCEPTED', asnId }] });
    await t.settle();
  }, 60_000);
});
