import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const drop = (name: string, text: string): void => {
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
});
