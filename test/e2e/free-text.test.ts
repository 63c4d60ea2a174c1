import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTIFIER_MESSAGE, MULTILINE_TEXT_MESSAGE, TEXT_MESSAGE } from '../../src/platform/text.ts';
import { settledFingerprint } from '../support/fingerprint.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Free text (names, addresses, reasons, notes, descriptions) and the identifier-like fields that were still plain
 * strings (LPN codes, expected LPNs, scan ids, owner and wave filters, an owner's id) refuse control characters, bidi
 * controls and line separators, and white space at either end (ADR 0007, 2026-12-06). Found by the bad-input hunt:
 * before, every request below was taken and its text stored as sent (an ESC in a ship-to name reached the label).
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const fingerprint = (): Promise<Record<string, number>> => settledFingerprint(t);

describe('free text and identifiers refuse invisible and control characters', () => {
  it('every kind of endpoint: 400 VALIDATION_FAILED naming the field with a message, nothing written', async () => {
    const site = await t.post('/api/v1/sites', { code: 'TXT', name: 'Text rules' });
    expect(site.status).toBe(201);
    const siteId = site.body.id as string;
    expect((await t.post('/api/v1/products', { sku: 'TXT-1', description: 'Mug', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 })).status).toBe(201);
    const shipTo = { name: 'Ana', line1: 'Calle 1', city: 'Madrid', postalCode: '28001', country: 'ES' };
    const order = (over: Record<string, unknown>, n: number) => ({ externalId: `TXT-${n}`, siteId, shipTo: { ...shipTo, ...over }, lines: [{ sku: 'TXT-1', quantity: 1 }] });
    const placed = await t.post('/api/v1/orders', order({}, 0));
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const orderId = placed.body.id as string;
    const asn = (over: Record<string, unknown>, line: Record<string, unknown> = {}) => ({ siteId, supplier: 'Stoneware Ltd', ...over, lines: [{ sku: 'TXT-1', quantity: 1, ...line }] });
    const before = await fingerprint();
    const statusBefore = (await t.get(`/api/v1/orders/${orderId}`)).body.status as string;
    const cases: ['GET' | 'POST' | 'PATCH', string, unknown, string, string][] = [
      ['POST', '/api/v1/orders', order({ name: 'Ana\u001b[2J' }, 1), '/shipTo/name', TEXT_MESSAGE],
      ['POST', '/api/v1/orders', order({ line1: 'Calle \u202e1' }, 2), '/shipTo/line1', TEXT_MESSAGE],
      ['POST', '/api/v1/orders', order({ city: 'Madrid\u2028' }, 3), '/shipTo/city', TEXT_MESSAGE],
      ['POST', '/api/v1/orders', order({ line2: 'Piso\t2' }, 4), '/shipTo/line2', TEXT_MESSAGE],
      ['POST', '/api/v1/orders', order({ company: 'ACME\u0000' }, 5), '/shipTo/company', TEXT_MESSAGE],
      ['POST', '/api/v1/orders', order({ name: 'Ana ' }, 6), '/shipTo/name', TEXT_MESSAGE],
      ['POST', `/api/v1/orders/${orderId}/hold`, { reason: 'credit \u2066check\u2069' }, '/reason', TEXT_MESSAGE],
      ['POST', `/api/v1/orders/${orderId}/cancel`, { reason: 'customer\u0007' }, '/reason', TEXT_MESSAGE],
      ['POST', '/api/v1/sites', { code: 'TXT2', name: 'Site\u200f' }, '/name', TEXT_MESSAGE],
      ['PATCH', `/api/v1/sites/${siteId}`, { name: 'Text\nrules' }, '/name', TEXT_MESSAGE],
      ['POST', '/api/v1/products', { sku: 'TXT-2', description: 'Mug\u0085', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 }, '/description', TEXT_MESSAGE],
      ['POST', '/api/v1/owners', { code: 'TXTOWN', name: '\ufeffAcme' }, '/name', TEXT_MESSAGE],
      ['POST', '/api/v1/inventory/asns', asn({ supplier: 'Stone\u001bware' }), '/supplier', TEXT_MESSAGE],
      ['POST', '/api/v1/rmas', { siteId, customerRef: 'C-1', notes: 'torn\u001b', lines: [{ sku: 'TXT-1', quantity: 1, reason: 'damaged' }] }, '/notes', MULTILINE_TEXT_MESSAGE],
      ['POST', '/api/v1/rmas', { siteId, customerRef: 'C-1', lines: [{ sku: 'TXT-1', quantity: 1, reason: 'dam\u202eaged' }] }, '/lines/0/reason', TEXT_MESSAGE],
      ['POST', `/api/v1/sites/${siteId}/locations`, { code: 'TXT-L1', type: 'STORAGE', zone: 'A\u0007', x: 0, y: 0 }, '/zone', IDENTIFIER_MESSAGE],
      ['POST', '/api/v1/inventory/asns', asn({}, { expectedLpn: 'LPN-1\u0007' }), '/lines/0/expectedLpn', IDENTIFIER_MESSAGE],
      ['POST', '/api/v1/lpns', { siteId, type: 'PALLET', code: 'LPN-1 ', workerId: 'alice' }, '/code', IDENTIFIER_MESSAGE],
      ['POST', '/api/v1/pick-lists/pkl_x/lines/1/confirm', { locationCode: 'A', barcode: 'B', quantity: 1, scanId: 'scan\u202e1' }, '/scanId', IDENTIFIER_MESSAGE],
      ['GET', `/api/v1/orders?siteId=${siteId}&owner=${encodeURIComponent('own_default\u200b')}`, undefined, '/querystring/owner', IDENTIFIER_MESSAGE],
      ['GET', `/api/v1/orders?siteId=${siteId}&waveId=${encodeURIComponent('wav_1 ')}`, undefined, '/querystring/waveId', IDENTIFIER_MESSAGE],
      ['GET', `/api/v1/owners/${encodeURIComponent('own_\u0007x')}`, undefined, '/params/id', IDENTIFIER_MESSAGE],
    ];
    for (const [method, url, body, field, message] of cases) {
      const res = await t.request(method, url, body === undefined ? {} : { body });
      expect(res.status, `${method} ${url} ${JSON.stringify(body)} ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.code, url).toBe('VALIDATION_FAILED');
      expect(res.body.errors, `${url} ${JSON.stringify(res.body.errors)}`).toEqual(expect.arrayContaining([{ field, message }]));
      expect(res.body.detail, url).toContain(`${field} ${message}`);
    }
    expect(await fingerprint()).toEqual(before);
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.status).toBe(statusBefore);

    // What a person writes stays writable: accents, scripts joined with ZWNJ/ZWJ, emoji, spaces inside; notes keep line breaks.
    const fine = await t.post('/api/v1/orders', order({ name: 'José Müller-Łukasz 李 می‌خواهم 👩‍💻', line2: '', company: 'A & B, "Ltd."' }, 7));
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
    const rma = await t.post('/api/v1/rmas', { siteId, customerRef: 'C-2', notes: 'Box torn.\nSeal broken:\tyes', lines: [{ sku: 'TXT-1', quantity: 1, reason: 'damaged' }] });
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);

    // Subdivision flags (emoji tag sequences: U+1F3F4, tag characters, U+E007F) are text people write: refused before
    // 2026-12-06 as invisible format characters. They round-trip as sent; a stray tag character is still refused.
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    const flagged = await t.post('/api/v1/orders', order({ name: `Fiona ${scotland}`, company: scotland }, 8));
    expect(flagged.status, JSON.stringify(flagged.body)).toBe(201);
    expect((await t.get(`/api/v1/orders/${flagged.body.id as string}`)).body.shipTo).toMatchObject({ name: `Fiona ${scotland}`, company: scotland });
    const noted = await t.post('/api/v1/rmas', { siteId, customerRef: 'C-3', notes: `Glasgow ${scotland}\nbox torn`, lines: [{ sku: 'TXT-1', quantity: 1, reason: `wrong flag ${scotland}` }] });
    expect(noted.status, JSON.stringify(noted.body)).toBe(201);
    expect((await t.get(`/api/v1/rmas/${noted.body.id as string}`)).body).toMatchObject({ notes: `Glasgow ${scotland}\nbox torn`, lines: [{ reason: `wrong flag ${scotland}` }] });
    const stray = await t.post('/api/v1/orders', order({ name: 'Fiona\u{E0067}' }, 9));
    expect([stray.status, stray.body.errors]).toEqual([400, [{ field: '/shipTo/name', message: TEXT_MESSAGE }]]);
  });

  it('a CSV import refuses the same in its rows: 422 IMPORT_ROWS_INVALID naming row and column, nothing written', async () => {
    const before = await fingerprint();
    const csv = 'sku,description,lengthMm,widthMm,heightMm,weightG\nTXT-CSV-1,"Mug\u001b[5m",1,1,1,1\nTXT-CSV-2,"two\nlines",1,1,1,1\nTXT-CSV-3,Plain mug,1,1,1,1\n';
    const res = await t.request('POST', '/api/v1/imports/products', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body.code).toBe('IMPORT_ROWS_INVALID');
    expect(res.body.errors).toEqual([
      { field: '/rows/2/description', message: TEXT_MESSAGE },
      { field: '/rows/3/description', message: TEXT_MESSAGE },
    ]);
    expect(await fingerprint()).toEqual(before);
  });
});
