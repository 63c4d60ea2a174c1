import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, receiveStock, setupWarehouse, shipOneOrder, until, type Call, type Warehouse } from '../support/flow-driver.ts';

/**
 * Issue 15, the file-drop ERP (ADR 0039, docs/integrations/erp.md) on a temp folder: item master and ASN files in the
 * inbox are imported and moved to processed/; a bad file goes to error/ with its row-level report and nothing of it is
 * written; a shipped order's confirmation is written to the outbox once, also after the outbox could not be written.
 */
const dir = mkdtempSync(join(tmpdir(), 'paklog-erp-'));
let t: TestApp;
let call: Call;
let w: Warehouse;

const drop = (name: string, text: string | Buffer): void => {
  // As an ERP should: written under a dot name, then renamed (PakLog skips dot names).
  writeFileSync(join(dir, 'inbox', `.${name}`), text);
  renameSync(join(dir, 'inbox', `.${name}`), join(dir, 'inbox', name));
};
const ls = (folder: string): string[] => readdirSync(join(dir, folder)).filter((n) => !n.startsWith('.')).sort();

beforeAll(async () => {
  t = await startTestApp({
    env: {
      PAKLOG_ERP: 'file-drop', PAKLOG_ERP_DIR: dir, PAKLOG_ERP_POLL_MS: '50',
      PAKLOG_PARTNER_TICK_MS: '50', PAKLOG_PARTNER_RETRY_BASE_MS: '50', PAKLOG_PARTNER_RETRY_MAX_MS: '300',
    },
  });
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'FDR', aisles: 2, bays: 2, levels: 1, skus: 2 });
  await receiveStock(call, w, 20, 1);
  await until('folders', async () => existsSync(join(dir, 'inbox')), (x) => x);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('file-drop ERP', () => {
  it('an item master file is upserted and moved to processed/', async () => {
    drop('items-0001.json', JSON.stringify({ items: [
      { sku: 'FD-MUG-1', description: 'Mug, blue', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350 },
      { sku: 'FD-TEA-1', description: 'Tea', lengthMm: 80, widthMm: 60, heightMm: 120, weightG: 110, lotControlled: true },
    ] }));
    drop('items-0002.csv', 'sku,description,lengthMm,widthMm,heightMm,weightG\nFD-MUG-1,"Mug, blue (new)",120,90,100,360\n');
    await until('processed', async () => ls('processed'), (names) => names.length === 2);
    expect(ls('inbox')).toEqual([]);
    expect((await t.get('/api/v1/products/FD-TEA-1')).body).toMatchObject({ sku: 'FD-TEA-1', lotControlled: true });
    expect((await t.get('/api/v1/products/FD-MUG-1')).body).toMatchObject({ description: 'Mug, blue (new)', weightG: 360 });
    const files = await t.getAll<{ name: string; status: string; summary: Record<string, number> }>('/api/v1/integrations/erp/inbound-files', 'integration');
    expect(files.map((f) => [f.name, f.status, f.summary])).toEqual([
      ['items-0001.json', 'PROCESSED', { created: 2, updated: 0, unchanged: 0 }], ['items-0002.csv', 'PROCESSED', { created: 0, updated: 1, unchanged: 0 }],
    ]);
  });

  it('an ASN file makes its ASN; a bad file goes to error/ with a row-level report and writes nothing', async () => {
    drop('asns-0001.csv', ['asnNumber,siteId,supplier,expectedOn,sku,quantity', `PO-77,FDR,Acme,2026-12-24,${w.products[0]!.sku},10`, `PO-77,FDR,Acme,2026-12-24,${w.products[1]!.sku},5`].join('\n'));
    await until('asn processed', async () => ls('processed'), (names) => names.includes('asns-0001.csv'));
    const asns = await t.getAll<{ reference: string; lines: { sku: string; expected: number }[] }>(`/api/v1/inventory/asns?siteId=${w.siteId}`);
    expect(asns.filter((a) => a.reference === 'PO-77').map((a) => a.lines.map((l) => [l.sku, l.expected]))).toEqual([[[w.products[0]!.sku, 10], [w.products[1]!.sku, 5]]]);

    // Three ASNs, the second with a bad date, the third with an unknown SKU: none is made.
    drop('asns-0002.json', JSON.stringify({ asns: [
      { asnNumber: 'PO-78', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] },
      { asnNumber: 'PO-79', siteId: 'FDR', supplier: 'Acme', expectedOn: '24.12.2026', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] },
      { asnNumber: 'PO-80', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1 }, { sku: 'NO-SUCH-SKU', quantity: 1 }] },
    ] }));
    // Refused while writing (an owner inventory does not know): the ASN written before it is rolled back too.
    drop('asns-0003.json', JSON.stringify({ asns: [
      { asnNumber: 'PO-81', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] },
      { asnNumber: 'PO-82', siteId: 'FDR', ownerId: 'own_nobody', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] },
    ] }));
    drop('items-0003.csv', 'sku,description,lengthMm,widthMm,heightMm,weightG\nFD-OK-1,Fine,1,1,1,1\nFD-BAD-1,Bad,1,1,x,1\n');
    await until('errors', async () => ls('error'), (names) => names.length === 6);
    expect(ls('error')).toEqual(['asns-0002.json', 'asns-0002.json.errors.json', 'asns-0003.json', 'asns-0003.json.errors.json', 'items-0003.csv', 'items-0003.csv.errors.json']);
    const asnReport = JSON.parse(readFileSync(join(dir, 'error', 'asns-0002.json.errors.json'), 'utf8')) as { errors: unknown[]; imported: number };
    expect(asnReport.imported).toBe(0);
    expect(asnReport.errors).toEqual([
      { row: 2, field: '/asns/1/expectedOn', message: 'must be a date (YYYY-MM-DD)' },
      { row: 3, field: '/asns/2/lines/1/sku', message: 'no product with SKU NO-SUCH-SKU' },
    ]);
    const ownerReport = JSON.parse(readFileSync(join(dir, 'error', 'asns-0003.json.errors.json'), 'utf8')) as { errors: { row: number; field: string }[] };
    expect(ownerReport.errors).toEqual([expect.objectContaining({ row: 2, field: '/asns/1/ownerId' })]);
    const itemReport = JSON.parse(readFileSync(join(dir, 'error', 'items-0003.csv.errors.json'), 'utf8')) as { errors: unknown[] };
    expect(itemReport.errors).toEqual([{ row: 3, field: 'heightMm', message: 'must be a whole number, not "x"' }]);
    const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
    expect(references.filter((r) => r !== 'PO-77')).toEqual([]);
    expect((await t.get('/api/v1/products/FD-OK-1')).status).toBe(404);
    const rejected = await t.getAll<{ name: string }>('/api/v1/integrations/erp/inbound-files?status=REJECTED', 'integration');
    expect(rejected.map((f) => f.name).sort()).toEqual(['asns-0002.json', 'asns-0003.json', 'items-0003.csv']);
  });

  it('an ASN whose expectedOn or expiresOn is no day of the calendar is a row error naming the field, nothing written (found by the time hunt)', async () => {
    // 2026-02-30 passed the document's check (JavaScript reads it as March 2) and failed in the database: 400 "cannot be
    // stored" naming no row or field.
    for (const [day, field] of [['2026-02-30', '/asns/0/expectedOn'], ['1900-01-01', '/asns/0/expectedOn']] as const) {
      const res = await t.post('/api/v1/integrations/erp/inbound/asns', { asns: [{ asnNumber: `PO-DAY-${day}`, siteId: 'FDR', supplier: 'Acme', expectedOn: day, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] }] }, 'integration');
      expect([res.status, res.body.code, res.body.errors?.map((e: { field: string }) => e.field)], day).toEqual([422, 'ERP_INBOUND_INVALID', [field]]);
    }
    const line = await t.post('/api/v1/integrations/erp/inbound/asns', { asns: [{ asnNumber: 'PO-DAY-L', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 1, expiresOn: '2027-02-29' }] }] }, 'integration');
    expect([line.status, line.body.code, line.body.errors?.map((e: { field: string }) => e.field)]).toEqual([422, 'ERP_INBOUND_INVALID', ['/asns/0/lines/0/expiresOn']]);
    const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
    expect(references.filter((r) => r.startsWith('PO-DAY'))).toEqual([]);
  });

  it('a JSON file naming a member twice, or holding an array beside its kind\'s, goes to error/ naming it, nothing written (found by the bad-input hunt)', async () => {
    // The last `quantity` won silently (an ASN line of 500 units where the first said 1), and an `asns` array in an
    // items file was processed/ with the ASN never made; REST refuses the duplicate member 400 and both now 422.
    const sku = w.products[0]!.sku;
    const asn = (n: string): string => `{"asnNumber":"${n}","siteId":"FDR","supplier":"Acme","lines":[{"sku":"${sku}","quantity":1}]}`;
    drop('asns-0201.json', `{"asns":[${asn('PO-201').replace('"quantity":1', '"quantity":1,"quantity":500')}]}`);
    drop('items-0202.json', `{"items":[],"asns":[${asn('PO-202')}]}`);
    await until('both rejected', async () => ls('error'), (names) => names.includes('asns-0201.json.errors.json') && names.includes('items-0202.json.errors.json'));
    const report = (name: string): unknown => (JSON.parse(readFileSync(join(dir, 'error', `${name}.errors.json`), 'utf8')) as { errors: unknown }).errors;
    expect(report('asns-0201.json')).toEqual([{ row: 1, field: '/asns/0/lines/0/quantity', message: expect.stringContaining('named twice') }]);
    expect(report('items-0202.json')).toEqual([{ row: 0, field: '/asns', message: expect.stringContaining('unknown field') }]);
    const posted = await t.request('POST', '/api/v1/integrations/erp/inbound/items', { body: { items: [], asns: [JSON.parse(asn('PO-203'))] }, role: 'integration' });
    expect([posted.status, posted.body.code, posted.body.errors?.map((e: { field: string }) => e.field)]).toEqual([422, 'ERP_INBOUND_INVALID', ['/asns']]);
    const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
    expect(references.filter((r) => /^PO-20[1-3]$/.test(r))).toEqual([]);
  });

  it('a shipment confirmation is written to the outbox once, also after the outbox could not be written', async () => {
    rmSync(join(dir, 'outbox'), { recursive: true, force: true });
    writeFileSync(join(dir, 'outbox'), 'not a folder');
    const order = await createOrder(call, w.siteId, { externalId: 'FD-1', lines: [{ sku: w.products[1]!.sku, quantity: 1 }] });
    const shipment = await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, order.id, () => t.settle());
    const failing = await until('failing', () => t.getAll<{ status: string; attempts: number; lastError: string | null }>(`/api/v1/integrations/partner-messages?subject=${shipment.shipmentId}`, 'integration'),
      (ms) => ms.length === 1 && ms[0]!.attempts >= 2);
    expect(failing[0]!.lastError).toContain('cannot write to the outbox');

    rmSync(join(dir, 'outbox'));
    mkdirSync(join(dir, 'outbox'));
    const name = `shipment-confirmation.${shipment.shipmentId}.json`;
    await until('written', async () => ls('outbox'), (names) => names.includes(name));
    await until('delivered', () => t.getAll<{ status: string }>(`/api/v1/integrations/partner-messages?subject=${shipment.shipmentId}`, 'integration'), (ms) => ms[0]!.status === 'DELIVERED');
    expect(ls('outbox')).toEqual([name]);
    expect(readdirSync(join(dir, 'outbox'))).toEqual([name]);
    const doc = JSON.parse(readFileSync(join(dir, 'outbox', name), 'utf8')) as { type: string; idempotencyKey: string; data: Record<string, unknown> };
    expect(doc).toMatchObject({ type: 'paklog.erp.shipment-confirmation.v1', idempotencyKey: `shipment-confirmation.${shipment.shipmentId}`, data: { orderId: order.id, trackingNumber: shipment.trackingNumber } });
  });
  it('a file in another encoding or with a NUL character goes to error/; a file that fails stays in inbox/ and does not hold up the others', async () => {
    const sku = w.products[0]!.sku;
    const asn = (n: string, supplier: string): string => `{"asns":[{"asnNumber":"${n}","siteId":"FDR","supplier":"${supplier}","lines":[{"sku":"${sku}","quantity":1}]}]}`;
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      // An ASN PostgreSQL refuses (as the database failing on it would): the file fails, not the inbox.
      await db.query(`CREATE FUNCTION inventory.test_refuse_asn() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk gone'; END $$`);
      await db.query(`CREATE TRIGGER test_refuse_asn BEFORE INSERT ON inventory.asns FOR EACH ROW WHEN (NEW.supplier = 'Faulty') EXECUTE FUNCTION inventory.test_refuse_asn()`);
      drop('asns-0101.json', asn('PO-101', 'Faulty'));
      drop('asns-0102.json', asn('PO-102', 'Ac\\u0000me'));
      drop('asns-0103.json', Buffer.from(asn('PO-103', 'Caf\u00e9'), 'latin1')); // Windows-1252, as Excel saves it
      drop('asns-0104.csv', `asnNumber,siteId,supplier,sku,quantity\nPO-104,FDR,Good,${sku},1\n`);
      await until('the others picked up', async () => [...ls('processed'), ...ls('error')], (names) => names.includes('asns-0104.csv') && names.includes('asns-0103.json'));
      expect(ls('inbox')).toEqual(['asns-0101.json']);
      expect(ls('error')).toEqual(expect.arrayContaining(['asns-0102.json', 'asns-0102.json.errors.json', 'asns-0103.json', 'asns-0103.json.errors.json']));
      const nul = JSON.parse(readFileSync(join(dir, 'error', 'asns-0102.json.errors.json'), 'utf8')) as { errors: unknown[] };
      expect(nul.errors).toEqual([{ row: 1, field: '/asns/0/supplier', message: expect.stringContaining('NUL') }]);
      const latin1 = JSON.parse(readFileSync(join(dir, 'error', 'asns-0103.json.errors.json'), 'utf8')) as { errors: unknown[] };
      expect(latin1.errors).toEqual([{ row: 0, field: '', message: expect.stringContaining('not UTF-8') }]);
      const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
      expect(references.filter((r) => /^PO-10[1-4]$/.test(r))).toEqual(['PO-104']);
      // Sent over REST: 422 naming the field, nothing made.
      const posted = await t.request('POST', '/api/v1/integrations/erp/inbound/asns', { body: JSON.parse(asn('PO-105', 'Ac\\u0000me')), role: 'integration' });
      expect(posted.status).toBe(422);
      expect(posted.body).toMatchObject({ code: 'ERP_INBOUND_INVALID', errors: [{ field: '/asns/0/supplier' }] });

      // Once the fault is gone, the file left in the inbox is picked up.
      await db.query('DROP TRIGGER test_refuse_asn ON inventory.asns');
      await until('the failed file picked up', async () => ls('processed'), (names) => names.includes('asns-0101.json'));
      expect((await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).filter((a) => a.reference === 'PO-101')).toHaveLength(1);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS test_refuse_asn ON inventory.asns');
      await db.query('DROP FUNCTION IF EXISTS inventory.test_refuse_asn()');
      await db.end();
    }
  });
  it('a file imported but not yet moved (the process killed between the two) is neither imported nor logged again: it is moved once it can be', async () => {
    // The state a SIGKILL after the import's commit and before the move to processed/ leaves, held for several polls:
    // processed/ is not a folder, so the move fails and the file stays in inbox/ after its import committed.
    rmSync(join(dir, 'processed'), { recursive: true, force: true });
    writeFileSync(join(dir, 'processed'), 'not a folder');
    const logged = async (): Promise<{ id: string; name: string; status: string; summary: Record<string, number> }[]> =>
      (await t.getAll<{ id: string; name: string; status: string; summary: Record<string, number> }>('/api/v1/integrations/erp/inbound-files', 'integration'))
        .filter((f) => f.name === 'items-0201.csv');
    try {
      drop('items-0201.csv', 'sku,description,lengthMm,widthMm,heightMm,weightG\nFD-KILL-1,Once,10,10,10,10\n');
      await until('imported', logged, (files) => files.length > 0);
      // Ten polls at least: each found the file still in inbox/.
      await new Promise((r) => setTimeout(r, 600));
      expect(ls('inbox')).toEqual(['items-0201.csv']);
      const files = await logged();
      expect(files.map((f) => [f.status, f.summary])).toEqual([['PROCESSED', { created: 1, updated: 0, unchanged: 0 }]]);
    } finally {
      rmSync(join(dir, 'processed'));
      mkdirSync(join(dir, 'processed'));
    }
    await until('moved', async () => ls('processed'), (names) => names.includes('items-0201.csv'));
    expect(ls('inbox')).toEqual([]);
    expect((await logged()).map((f) => [f.status, f.summary])).toEqual([['PROCESSED', { created: 1, updated: 0, unchanged: 0 }]]);
    const created = (await t.get('/api/v1/events?type=catalog.product.created.v1&limit=500')).body.items as { data: { sku: string } }[];
    expect(created.filter((e) => e.data.sku === 'FD-KILL-1')).toHaveLength(1);
  });

  // walk12: the import committed in its own transaction and the file's log in the next one, so a process killed between
  // the two (here: the log's insert refused, as a SIGKILL at that moment leaves it) had created the file's products with
  // no log of it; the file, still in inbox/, was imported again and logged "created 0, unchanged 2": the log hid what
  // the file did. The import and its log now commit together.
  it('a file whose log could not be written (the process killed after its import) is logged with what it created when taken up again, each product made once', async () => {
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    const logged = async (): Promise<{ status: string; summary: Record<string, number> }[]> =>
      (await t.getAll<{ name: string; status: string; summary: Record<string, number> }>('/api/v1/integrations/erp/inbound-files', 'integration'))
        .filter((f) => f.name === 'items-0211.csv');
    try {
      await db.query(`CREATE FUNCTION integrations.test_refuse_log() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'killed'; END $$`);
      await db.query(`CREATE TRIGGER test_refuse_log BEFORE INSERT ON integrations.erp_inbound_files FOR EACH ROW WHEN (NEW.name = 'items-0211.csv') EXECUTE FUNCTION integrations.test_refuse_log()`);
      drop('items-0211.csv', 'sku,description,lengthMm,widthMm,heightMm,weightG\nFD-LOG-1,Logged,10,10,10,10\nFD-LOG-2,Logged,10,10,10,10\n');
      // Several polls, each refused at the log.
      await new Promise((r) => setTimeout(r, 600));
      expect(ls('inbox')).toContain('items-0211.csv');
      expect(await logged()).toEqual([]);
      await db.query('DROP TRIGGER test_refuse_log ON integrations.erp_inbound_files');
      await until('moved', async () => ls('processed'), (names) => names.includes('items-0211.csv'));
      expect((await logged()).map((f) => [f.status, f.summary])).toEqual([['PROCESSED', { created: 2, updated: 0, unchanged: 0 }]]);
      const created = (await t.get('/api/v1/events?type=catalog.product.created.v1&limit=500')).body.items as { data: { sku: string } }[];
      expect(created.filter((e) => e.data.sku.startsWith('FD-LOG-')).map((e) => e.data.sku).sort()).toEqual(['FD-LOG-1', 'FD-LOG-2']);
    } finally {
      await db.query('DROP TRIGGER IF EXISTS test_refuse_log ON integrations.erp_inbound_files');
      await db.query('DROP FUNCTION IF EXISTS integrations.test_refuse_log()');
      await db.end();
    }
  });

  it('an ASN document sent over REST with an Idempotency-Key makes its ASN once; the same key answers it again', async () => {
    const doc = { asns: [{ asnNumber: 'PO-KEY-1', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 2 }] }] };
    const first = await t.post('/api/v1/integrations/erp/inbound/asns', doc, 'integration', { 'idempotency-key': 'walk12-asn-1' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.summary).toEqual({ created: 1, unchanged: 0 });
    const again = await t.post('/api/v1/integrations/erp/inbound/asns', doc, 'integration', { 'idempotency-key': 'walk12-asn-1' });
    expect([again.status, again.body]).toEqual([200, first.body]);
    const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
    expect(references.filter((r) => r === 'PO-KEY-1')).toHaveLength(1);
  });

  it('a file rejected into error/ raises ERP_FILE_REJECTED (which file, why, where the report is); the fixed file dropped again clears it (found by the gap hunt)', async () => {
    const sku = w.products[0]!.sku;
    // An ASN file naming a SKU the ERP has not sent yet: rejected whole, nothing said anywhere a supervisor looks.
    drop('asns-0301.json', JSON.stringify({ asns: [{ asnNumber: 'PO-301', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: 'FD-LATE-1', quantity: 2 }] }] }));
    await until('rejected', async () => ls('error'), (names) => names.includes('asns-0301.json'));
    await t.settle();
    const open = async (subject: string) => ((await t.get(`/api/v1/exceptions?status=OPEN&kind=ERP_FILE_REJECTED&siteId=FDR`, 'manager')).body.items as Record<string, any>[])
      .filter((x) => x.subject === subject);
    const [x] = await until('raised', () => open('asns-0301.json'), (xs) => xs.length === 1);
    expect(x).toMatchObject({ kind: 'ERP_FILE_REJECTED', subject: 'asns-0301.json', siteId: w.siteId, actions: ['acknowledge'] });
    expect(x!.reason).toContain('error/asns-0301.json.errors.json');
    expect(x!.reason).toContain('no product with SKU FD-LATE-1');
    expect(x!.details).toMatchObject({ name: 'asns-0301.json', kind: 'asns', errorCount: 1, siteIds: [w.siteId], errors: [{ row: 1, field: '/asns/0/lines/0/sku' }] });
    const file = (await t.getAll<{ id: string; name: string }>('/api/v1/integrations/erp/inbound-files?status=REJECTED', 'integration')).find((f) => f.name === 'asns-0301.json');
    expect(x!.details.fileId).toBe(file!.id);

    // The item master comes, the ASN file is dropped again (the same name): imported, and the case clears by itself.
    drop('items-0301.csv', 'sku,description,lengthMm,widthMm,heightMm,weightG\nFD-LATE-1,Late,10,10,10,10\n');
    await until('items', async () => ls('processed'), (names) => names.includes('items-0301.csv'));
    drop('asns-0301.json', JSON.stringify({ asns: [{ asnNumber: 'PO-301', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: 'FD-LATE-1', quantity: 2 }] }] }));
    await until('processed', async () => ls('processed'), (names) => names.includes('asns-0301.json'));
    const cleared = await until('cleared', async () => (await t.get(`/api/v1/exceptions/${x!.id}`)).body, (e) => e.status === 'RESOLVED');
    expect(cleared).toMatchObject({ resolvedBy: null, resolution: expect.stringContaining('auto: a file asns-0301.json was imported') });

    // A bad item master (no site) is listed for every site; a supervisor may acknowledge it.
    drop('items-0302.csv', `sku,description,lengthMm,widthMm,heightMm,weightG\n${sku}-X,Bad,1,1,x,1\n`);
    const all = async () => ((await t.get('/api/v1/exceptions?status=OPEN&kind=ERP_FILE_REJECTED', 'manager')).body.items as Record<string, any>[]).filter((e) => e.subject === 'items-0302.csv');
    const [y] = await until('items raised', all, (xs) => xs.length === 1);
    expect(y).toMatchObject({ siteId: null, details: { kind: 'items', errorCount: 1 } });
    expect((await t.post(`/api/v1/exceptions/${y!.id}/actions/acknowledge`, undefined, 'manager')).status).toBe(200);
    expect((await t.get(`/api/v1/exceptions/${y!.id}`)).body.status).toBe('RESOLVED');
  });

  it('the same ASN document sent several times at once makes one ASN, and each sender is answered created or unchanged (found by the gap hunt)', async () => {
    const doc = { asns: [{ asnNumber: 'PO-RACE-1', siteId: 'FDR', supplier: 'Acme', lines: [{ sku: w.products[0]!.sku, quantity: 3 }] }] };
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.post('/api/v1/integrations/erp/inbound/asns', doc, 'integration')));
    expect(answers.map((a) => a.status), JSON.stringify(answers.map((a) => a.body))).toEqual(answers.map(() => 200));
    expect(answers.map((a) => a.body.summary.created).sort()).toEqual([0, 0, 0, 0, 0, 1]);
    const references = (await t.getAll<{ reference: string }>(`/api/v1/inventory/asns?siteId=${w.siteId}`)).map((a) => a.reference);
    expect(references.filter((r) => r === 'PO-RACE-1')).toHaveLength(1);
  });
});
