import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCsv } from '../../src/cli/csv.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, gtin13, injectClient, orderStatus, receiveStock, setupWarehouse, shipOneOrder, until } from '../support/flow-driver.ts';

/**
 * Issue 15, acceptance (c) at 1,000 rows (the 10,000-row timing is `npm run bench -- csv-import`): a dry run writes
 * nothing, a file with bad rows reports each and imports none, `partial` imports the good rows only, whole; a second
 * import upserts by SKU.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => t.close());

const HEADER = 'sku,description,gtin,uom,lengthMm,widthMm,heightMm,weightG,lotControlled,expiryControlled';
const productRow = (i: number, o: { weight?: number } = {}): string =>
  `CSV-${String(i).padStart(5, '0')},"Imported product ${i}, boxed",${gtin13(900_000 + i)},EA,${100 + (i % 7)},80,60,${o.weight ?? 250 + i},false,${i % 10 === 0}`;

const importCsv = (kind: string, csv: string, query = '') =>
  t.request('POST', `/api/v1/imports/${kind}${query}`, { body: csv, headers: { 'content-type': 'text/csv' } });
const count = async (prefix: string): Promise<number> => (await t.getAll<{ sku: string }>(`/api/v1/products?search=${prefix}`)).length;

describe('CSV import', () => {
  it('1,000 products: a dry run writes nothing, the import creates them all, a second import updates only what changed', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => productRow(i + 1));
    const csv = [HEADER, ...rows].join('\n');
    const dry = await importCsv('products', csv, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 1000, created: 1000, imported: 0, written: false, errors: [] });
    expect(await count('CSV-')).toBe(0);

    const done = await importCsv('products', csv);
    expect(done.body).toMatchObject({ rows: 1000, created: 1000, updated: 0, imported: 1000, written: true });
    expect(await count('CSV-')).toBe(1000);
    const p10 = (await t.get('/api/v1/products/CSV-00010')).body;
    expect(p10).toMatchObject({ description: 'Imported product 10, boxed', gtin: gtin13(900_010), weightG: 260, expiryControlled: true });

    // Upsert by SKU: two rows changed, the rest as they are.
    const changed = [HEADER, ...rows.map((r, i) => (i === 9 || i === 19 ? productRow(i + 1, { weight: 999 }) : r))].join('\n');
    const again = await importCsv('products', changed);
    expect(again.body).toMatchObject({ created: 0, updated: 2, unchanged: 998, written: true });
    expect((await t.get('/api/v1/products/CSV-00010')).body).toMatchObject({ id: p10.id, weightG: 999 });
    await t.settle();

    // Exported through the API (as `paklog export products` does) in the import's format: a round trip changes nothing.
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`;
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, done) { out += chunk.toString('utf8'); done(); } });
    expect(await exportCsv('products', { url, apiKey: t.keys.viewer }, sink)).toBe(1000);
    const exported = out.trim().split('\n');
    expect(exported[0]).toBe(HEADER);
    expect(exported).toContain(productRow(10, { weight: 999 }));
    expect((await importCsv('products', out)).body).toMatchObject({ rows: 1000, unchanged: 1000, created: 0, updated: 0 });
  }, 30_000);

  it('a file with bad rows reports each (line, column, why) and imports none; partial imports the good rows only', async () => {
    expect((await t.post('/api/v1/products', { sku: 'GTIN-OWNER', description: 'Owns a GTIN', gtin: gtin13(950_000), lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 })).status).toBe(201);
    const csv = [
      HEADER,
      productRow(2001),
      'BAD SKU,Spaces in SKU,,EA,10,10,10,10,,',
      productRow(2002),
      `CSV-02003,Bad GTIN,${gtin13(1).slice(0, 12)}0,EA,10,10,10,10,,`,
      'CSV-02004,No weight,,EA,10,10,10,,,',
      'CSV-02005,Bad flag,,EA,10,10,10,10,maybe,',
      `CSV-02006,Taken GTIN,${gtin13(950_000)},EA,10,10,10,10,,`,
      productRow(2001).replace('boxed', 'again'),
    ].join('\n');
    const res = await importCsv('products', csv);
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_ROWS_INVALID');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(['/rows/3/sku', '/rows/5/gtin', '/rows/6/weightG', '/rows/7/lotControlled', '/rows/8/gtin', '/rows/9/sku', '/rows/9/gtin']);
    expect(await count('CSV-020')).toBe(0);

    const dry = await importCsv('products', csv, '?dryRun=true&partial=true');
    expect(dry.body).toMatchObject({ rejected: 6, created: 2, written: false });
    expect(await count('CSV-020')).toBe(0);

    const partial = await importCsv('products', csv, '?partial=true');
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ rows: 8, imported: 2, created: 2, rejected: 6, written: true });
    expect(partial.body.errors).toHaveLength(7);
    expect((await t.getAll<{ sku: string }>('/api/v1/products?search=CSV-020')).map((p) => p.sku)).toEqual(['CSV-02001', 'CSV-02002']);
  });

  it('a header naming a column twice is refused (one of its values would be lost); a SKU or GTIN on two rows names the file row of the first', async () => {
    const twice = await importCsv('products', 'sku,description,lengthMm,widthMm,heightMm,weightG,sku\nCSV-TWICE-1,Mug,1,1,1,1,CSV-TWICE-2\n');
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([{ field: '/rows/1/sku', message: 'the header names this column more than once' }]);
    expect(await count('CSV-TWICE')).toBe(0);

    const repeated = await importCsv('products', [HEADER, productRow(3001), productRow(3002), productRow(3001)].join('\n'));
    expect(repeated.status).toBe(422);
    expect(repeated.body.errors).toEqual([
      { field: '/rows/4/sku', message: 'SKU CSV-03001 is also on row 2' },
      { field: '/rows/4/gtin', message: `GTIN ${gtin13(903_001)} is also on row 2` },
    ]);
  });

  it('the same file imported by several requests at once: one effect, each answered 200 (found by the gap hunt)', async () => {
    const w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'CSVRAC', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const products = [HEADER, ...Array.from({ length: 5 }, (_, i) => productRow(70_000 + i))].join('\n');
    const p = await Promise.all(Array.from({ length: 4 }, () => importCsv('products', products)));
    expect(p.map((r) => r.status), JSON.stringify(p.map((r) => r.body))).toEqual([200, 200, 200, 200]);
    expect(await count('CSV-700')).toBe(5);
    const header = 'externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry';
    const orders = [header, ...Array.from({ length: 3 }, (_, i) => `CSV-RACE-${i},${w.products[0]!.sku},1,Ada,1 Row,Leeds,LS1 1AA,GB`)].join('\n');
    const o = await Promise.all(Array.from({ length: 4 }, () => importCsv('orders', orders, '?site=CSVRAC')));
    expect(o.map((r) => r.status), JSON.stringify(o.map((r) => r.body))).toEqual([200, 200, 200, 200]);
    expect(o.reduce((a, r) => a + (r.body.created as number), 0)).toBe(3);
    for (let i = 0; i < 3; i++) expect((await t.get(`/api/v1/orders?externalId=CSV-RACE-${i}`)).body.items).toHaveLength(1);
    await t.settle();
  }, 60_000);

  it('new products with GTINs imported by six requests at once, 15 rounds: every answer 200, each product once (the insert that met the GTIN key of a twin request\'s rows was a 409 CONFLICT, 2026-12-08)', async () => {
    const statuses: number[] = [];
    for (let round = 0; round < 15; round++) {
      const rows = Array.from({ length: 5 }, (_, i) => `RACE-${round}-${i},Race,${gtin13(2_300_000 + round * 10 + i)},EA,10,10,10,10,false,false`);
      const csv = [HEADER, ...rows].join('\n');
      const answers = await Promise.all(Array.from({ length: 6 }, () => importCsv('products', csv)));
      statuses.push(...answers.map((r) => r.status));
    }
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await count('RACE-')).toBe(75);
  }, 120_000);

  it('products: a GTIN another writer takes while the import writes is answered as the taken GTIN it is (DUPLICATE, naming it), not the store\'s bare 409 CONFLICT; a PATCH likewise (found by the gap hunt)', async () => {
    // Deterministic: a session holds the outbox, so a POST /products with the GTIN has inserted its product and waits to
    // announce it, uncommitted; the import (and the PATCH) check past it, then their writes wait on the GTIN's unique key.
    // A session waiting for a lock in a statement naming `sql`, having written catalog.products in its transaction.
    const blocked = async (sql: string): Promise<boolean> => Number((await t.app.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity a WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND a.query LIKE $1
         AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted AND l.relation = 'catalog.products'::regclass AND l.mode = 'RowExclusiveLock')`,
      [`%${sql}%`]))[0]!.n) > 0;
    const race = async <T,>(gtin: string, rivalSku: string, write: () => Promise<T>, writeSql: string): Promise<{ rival: { status: number }; answer: T }> => {
      const blocker = new pg.Client({ connectionString: t.databaseUrl });
      await blocker.connect();
      try {
        await blocker.query('BEGIN');
        await blocker.query('LOCK TABLE platform.outbox IN EXCLUSIVE MODE');
        const rival = t.post('/api/v1/products', { sku: rivalSku, description: 'Rival', gtin, lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 });
        await until('the rival waits to announce its product', () => blocked('platform.outbox'), (v) => v, 20_000);
        const answer = write();
        await until('the write waits on the GTIN', () => blocked(writeSql), (v) => v, 20_000);
        await blocker.query('COMMIT');
        return { rival: await rival, answer: await answer };
      } finally {
        await blocker.end();
      }
    };
    const g1 = gtin13(880_001);
    const file = [HEADER, `CSV-GTRACE-1,Raced,${g1},EA,1,1,1,1,false,false`, `CSV-GTRACE-2,Bystander,${gtin13(880_002)},EA,1,1,1,1,false,false`].join('\n');
    const imported = await race(g1, 'CSV-GTRIVAL-1', () => importCsv('products', file), 'INSERT INTO catalog.products AS p');
    expect(imported.rival.status).toBe(201);
    const body = imported.answer.body as { code: string; errors: { field: string; message: string }[] };
    expect([imported.answer.status, body.code, body.errors.map((e) => e.field)], JSON.stringify(body)).toEqual([422, 'IMPORT_ROWS_INVALID', ['/rows/2/gtin']]);
    expect(body.errors[0]!.message).toMatch(new RegExp(`^DUPLICATE: GTIN ${g1} belongs to product CSV-GTRIVAL-1`));
    // Nothing of the file was written; the rival holds the GTIN.
    expect((await t.get('/api/v1/products/CSV-GTRACE-1')).status).toBe(404);
    expect((await t.get('/api/v1/products/CSV-GTRACE-2')).status).toBe(404);
    expect((await t.get('/api/v1/products/CSV-GTRIVAL-1')).body.gtin).toBe(g1);

    const g3 = gtin13(880_003);
    expect((await t.post('/api/v1/products', { sku: 'CSV-GTPATCH', description: 'Patched', lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 })).status).toBe(201);
    const patched = await race(g3, 'CSV-GTRIVAL-3', () => t.request('PATCH', '/api/v1/products/CSV-GTPATCH', { body: { gtin: g3 } }), 'UPDATE catalog.products');
    expect(patched.rival.status).toBe(201);
    expect([patched.answer.status, patched.answer.body.code, patched.answer.body.detail], JSON.stringify(patched.answer.body))
      .toEqual([409, 'DUPLICATE', `GTIN ${g3} belongs to product CSV-GTRIVAL-3`]);
    expect((await t.get('/api/v1/products/CSV-GTPATCH')).body.gtin).toBeNull();

    // Concurrent requests, unforced: whichever wins, the other is told the GTIN is taken; never CONFLICT.
    for (let round = 0; round < 8; round++) {
      const gtin = gtin13(880_100 + round);
      const [imp, post] = await Promise.all([
        importCsv('products', [HEADER, `CSV-GTLOOP-${round},Loop,${gtin},EA,1,1,1,1,false,false`].join('\n')),
        t.post('/api/v1/products', { sku: `CSV-GTLOOPR-${round}`, description: 'Rival', gtin, lengthMm: 1, widthMm: 1, heightMm: 1, weightG: 1 }),
      ]);
      const detail = JSON.stringify({ round, imp: imp.body, post: post.body });
      expect([[200, 409], [422, 201]], detail).toContainEqual([imp.status, post.status]);
      if (imp.status === 200) expect(post.body.code, detail).toBe('DUPLICATE');
      else expect([imp.body.code, imp.body.errors[0].message], detail).toEqual(['IMPORT_ROWS_INVALID', expect.stringContaining(`GTIN ${gtin} belongs to product CSV-GTLOOPR-${round}`)]);
    }
    await t.settle();
  }, 120_000);

  it('orders, all or nothing under a race: a POST /orders taking one of the file\'s externalIds while the import writes leaves all of the file\'s orders or none, and the answer says which (found by the integrations hunt)', async () => {
    const w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'CSVALLNONE', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const sku = w.products[0]!.sku;
    const header = 'externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry';
    const N = 15;
    const outcomes: string[] = [];
    for (let round = 0; round < 6; round++) {
      const ids = Array.from({ length: N }, (_, i) => `CSV-AON-${round}-${i}`);
      const csv = [header, ...ids.map((id) => `${id},${sku},1,Ada,1 Row,Leeds,LS1 1AA,GB`)].join('\n');
      const last = ids[N - 1]!;
      let finished = false;
      const importing = importCsv('orders', csv, '?site=CSVALLNONE').finally(() => { finished = true; });
      // The forced interleaving (even rounds): the rival order lands once the import's first order is visible, i.e. while
      // an order-by-order import writes the rest; odd rounds send it at once (it may win before the check, or lose).
      if (round % 2 === 0) {
        await until('the import writes or ends', async () => finished || (await t.get(`/api/v1/orders?externalId=${ids[0]!}`)).body.items.length > 0, (v) => v, 60_000);
      }
      const rival = await t.post('/api/v1/orders', { externalId: last, siteId: w.siteId, lines: [{ sku, quantity: 7 }], shipTo: { name: 'Rival', line1: '9 Row', city: 'Hull', postalCode: 'HU1 1AA', country: 'GB' } });
      const imported = await importing;
      const present = (await Promise.all(ids.slice(0, N - 1).map(async (id) => (await t.get(`/api/v1/orders?externalId=${id}`)).body.items.length))).reduce((a: number, n: number) => a + n, 0);
      const lastOrder = (await t.get(`/api/v1/orders?externalId=${last}`)).body.items as { id: string }[];
      const detail = JSON.stringify({ round, import: imported.status, body: imported.body, rival: rival.status, present });
      if (imported.status === 200) {
        // All of the file: every order, the last one the file's (the rival refused as a conflict).
        expect(imported.body, detail).toMatchObject({ written: true, created: N, imported: N });
        expect(present, detail).toBe(N - 1);
        expect(rival.status, detail).toBe(409);
        expect((await t.get(`/api/v1/orders/${lastOrder[0]!.id}`)).body.lines[0].ordered, detail).toBe(1);
        outcomes.push('all');
      } else {
        // None of the file: the rival's order alone, and the answer names the row of the order it took.
        expect(imported.status, detail).toBe(422);
        expect(imported.body.code, detail).toBe('IMPORT_ROWS_INVALID');
        const errs = imported.body.errors as { field: string; message: string }[];
        expect(errs.length, detail).toBeGreaterThan(0);
        for (const e of errs) expect([e.field.split('/')[2], e.message.split(':')[0]], detail).toEqual([String(N + 1), 'ORDER_CONFLICT']);
        expect(present, detail).toBe(0);
        expect(rival.status, detail).toBe(201);
        outcomes.push('none');
      }
      expect(lastOrder, detail).toHaveLength(1);
    }
    expect(outcomes).toHaveLength(6);
    await t.settle();
  }, 180_000);

  it('orders: rows grouped by externalId, all or nothing, through the order intake', async () => {
    const w = await setupWarehouse(injectClient(t.app, t.keys.manager), { siteCode: 'CSVS', aisles: 1, bays: 1, levels: 1, skus: 2 });
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const header = 'externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry,shipToState';
    const csv = [header, `CSV-O-1,${a},2,Ada,1 Row,Leeds,LS1 1AA,GB,`, `CSV-O-1,${b},1,Ada,1 Row,Leeds,LS1 1AA,GB,`, `CSV-O-2,${a},1,Bob,2 Row,York,YO1 1AA,GB,`].join('\n');
    const bad = `${csv}\nCSV-O-3,NOPE,1,Cy,3 Row,Hull,HU1 1AA,GB,\nCSV-O-2,${b},1,Bob,2 Row,York,YO1 1AA,FR,`;
    const refused = await importCsv('orders', bad, '?site=CSVS');
    expect(refused.status).toBe(422);
    expect((refused.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['/rows/5/sku', '/rows/6/externalId']);
    expect((await t.get('/api/v1/orders?externalId=CSV-O-1')).body.items).toHaveLength(0);

    const partial = await importCsv('orders', bad, '?site=CSVS&partial=true');
    // CSV-O-2 has a bad row: the whole order stays out; CSV-O-1 goes in whole.
    expect(partial.body).toMatchObject({ imported: 2, created: 1, rejected: 3, written: true });
    const o1 = (await t.get('/api/v1/orders?externalId=CSV-O-1')).body.items[0];
    expect((await t.get(`/api/v1/orders/${o1.id}`)).body.lines.map((l: { sku: string; ordered: number }) => [l.sku, l.ordered])).toEqual([[a, 2], [b, 1]]);
    expect((await t.get('/api/v1/orders?externalId=CSV-O-2')).body.items).toHaveLength(0);
    // The whole file again, fixed: CSV-O-1 exists as it is (unchanged), CSV-O-2 is created.
    expect((await importCsv('orders', csv, '?site=CSVS')).body).toMatchObject({ created: 1, unchanged: 1, imported: 3 });
    await t.settle();
    // A SKU on several rows is one line of their sum: past an order line's 100,000 it is refused on the row that went
    // past, saying so; before, the first row's 60000 was named "must be an integer from 1 to 100000" (the bad-input hunt).
    const summed = [header, `CSV-O-9,${a},60000,Ada,1 Row,Leeds,LS1 1AA,GB,`, `CSV-O-9,${a},40001,Ada,1 Row,Leeds,LS1 1AA,GB,`].join('\n');
    expect((await importCsv('orders', summed, '?site=CSVS&dryRun=true')).body.errors).toEqual([
      { row: 3, column: 'quantity', message: `UNPROCESSABLE: must be an integer from 1 to 100000 (${a} on rows 2, 3 adds up to 100001)` },
    ]);
  }, 30_000);

  it('orders: what only the intake knows (a deactivated product or site, an unbookable carrier, an externalId taken with other content) stops the file before any order is written; the dry run says so', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'CSVCK', aisles: 1, bays: 1, levels: 1, skus: 3 });
    const [a, b, retired] = [w.products[0]!.sku, w.products[1]!.sku, w.products[2]!.sku];
    expect((await t.post(`/api/v1/products/${retired}/deactivate`, undefined, 'manager')).status).toBe(200);
    expect((await t.post('/api/v1/sites', { code: 'CSVX', name: 'Closed site' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/sites/CSVX/deactivate', undefined, 'manager')).status).toBe(200);
    await createOrder(call, w.siteId, { externalId: 'CSVC-TAKEN', lines: [{ sku: a, quantity: 1 }] });

    const header = 'externalId,siteId,carrier,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry';
    const to = 'A Customer,1 Main Street,Springfield,12345,US';
    const csv = [
      header,
      `CSVC-1,CSVCK,OWN_FLEET,${a},1,${to}`,
      `CSVC-1,CSVCK,OWN_FLEET,${b},2,${to}`,
      `CSVC-2,CSVCK,OWN_FLEET,${b},1,${to}`,
      `CSVC-2,CSVCK,OWN_FLEET,${retired},1,${to}`,
      `CSVC-3,CSVCK,NO-SUCH-CARRIER,${a},1,${to}`,
      `CSVC-TAKEN,CSVCK,OWN_FLEET,${a},5,${to}`,
      `CSVC-4,CSVX,OWN_FLEET,${a},1,${to}`,
    ].join('\n');
    const orders = async (): Promise<string[]> => (await t.getAll<{ externalId: string }>(`/api/v1/orders?siteId=${w.siteId}`)).map((o) => o.externalId).sort();
    const codeOf = (e: { message: string }): string => e.message.split(':')[0]!;

    // All or nothing: nothing written, each refused order named on its row and column, with the intake's code.
    const refused = await importCsv('orders', csv);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('IMPORT_ROWS_INVALID');
    const errors = refused.body.errors as { field: string; message: string }[];
    expect(errors.map((e) => [e.field, codeOf(e)])).toEqual([
      ['/rows/5/sku', 'PRODUCT_INACTIVE'], ['/rows/6/carrier', 'UNKNOWN_CARRIER'], ['/rows/7/sku', 'ORDER_CONFLICT'], ['/rows/8/siteId', 'SITE_INACTIVE'],
    ]);
    expect(await orders()).toEqual(['CSVC-TAKEN']);

    // The dry run reports what the import would do, the same refusals included, and writes nothing.
    const dry = await importCsv('orders', csv, '?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, rows: 7, created: 1, unchanged: 0, rejected: 5, imported: 0, written: false });
    expect((dry.body.errors as { row: number; column: string; message: string }[]).map((e) => [e.row, e.column, codeOf(e)])).toEqual([
      [5, 'sku', 'PRODUCT_INACTIVE'], [6, 'carrier', 'UNKNOWN_CARRIER'], [7, 'sku', 'ORDER_CONFLICT'], [8, 'siteId', 'SITE_INACTIVE'],
    ]);
    expect(await orders()).toEqual(['CSVC-TAKEN']);

    // Partial: the good order alone, whole; a second run finds it unchanged.
    const partial = await importCsv('orders', csv, '?partial=true');
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ imported: 2, created: 1, rejected: 5, written: true });
    expect(await orders()).toEqual(['CSVC-1', 'CSVC-TAKEN']);
    const again = await importCsv('orders', csv, '?partial=true&dryRun=true');
    expect(again.body).toMatchObject({ created: 0, unchanged: 1, rejected: 5 });
    await t.settle();
  }, 30_000);

  it('export shipments: the shipments of every shipped order, the delivered ones too (DELIVERED comes after SHIPPED)', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'CSVSHIP', aisles: 1, bays: 3, levels: 1, skus: 1 });
    await receiveStock(call, w, 10, 1);
    const sku = w.products[0]!.sku;
    const shipped: { orderId: string; trackingNumber: string }[] = [];
    for (const externalId of ['CSVSHIP-1', 'CSVSHIP-2']) {
      const o = await createOrder(call, w.siteId, { externalId, lines: [{ sku, quantity: 1 }] });
      shipped.push({ orderId: o.id, ...await shipOneOrder(call, injectClient(t.app, t.keys.operator), w.siteId, o.id, () => t.settle()) });
    }
    // The carrier delivers the first one: its order is DELIVERED, final.
    const delivered = shipped[0]!;
    for (const status of ['IN_TRANSIT', 'DELIVERED']) {
      expect((await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: delivered.trackingNumber, status, at: new Date().toISOString() })).status).toBeLessThan(300);
    }
    await until('delivered', () => orderStatus(call, delivered.orderId), (s) => s === 'DELIVERED');

    if (!t.app.http.server.listening) await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`;
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _e, done) { out += chunk.toString('utf8'); done(); } });
    expect(await exportCsv('shipments', { url, apiKey: t.keys.viewer, site: 'CSVSHIP' }, sink)).toBe(2);
    const [header, ...rows] = out.trim().split('\n');
    const columns = header!.split(',');
    const byOrder = new Map(rows.map((r) => { const cells = r.split(','); return [cells[columns.indexOf('orderId')]!, cells]; }));
    expect([...byOrder.keys()].sort()).toEqual(shipped.map((s) => s.orderId).sort());
    expect(byOrder.get(delivered.orderId)![columns.indexOf('status')]).toBe('DELIVERED');
    expect(byOrder.get(delivered.orderId)![columns.indexOf('deliveredAt')]).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(byOrder.get(shipped[1]!.orderId)![columns.indexOf('deliveredAt')]).toBe('');
  }, 60_000);
});
