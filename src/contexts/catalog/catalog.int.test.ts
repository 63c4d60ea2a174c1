import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { overOldRows } from '../../../test/support/migration-check.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const newProduct = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  sku: 'MUG-RED', description: 'Red mug', gtin: '4006381333931', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350, ...over,
});
const productCount = async (): Promise<number> => (await t.app.db.query<{ n: number }>('SELECT count(*) AS n FROM catalog.products'))[0]!.n;
const eventCount = async (type: string): Promise<number> =>
  (await t.app.db.query<{ n: number }>('SELECT count(*) AS n FROM platform.events WHERE type = $1', [type]))[0]!.n;

describe('catalog products', () => {
  it('creates a product with defaults, emits catalog.product.created.v1 and reads it back', async () => {
    const res = await t.post('/api/v1/products', newProduct(), 'manager');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sku: 'MUG-RED', gtin: '4006381333931', uom: 'EA', lotControlled: false, expiryControlled: false });
    expect(res.body.id).toMatch(/^prd_/);
    await t.settle();
    const [event] = await t.app.db.query<{ envelope: { subject: string; data: { sku: string } } }>(
      `SELECT envelope FROM platform.events WHERE type = 'catalog.product.created.v1' AND subject = $1`, [res.body.id],
    );
    expect(event?.envelope.data.sku).toBe('MUG-RED');

    const got = await t.get('/api/v1/products/MUG-RED', 'viewer');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    const metrics = await t.app.http.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/paklog_products_created_total 1/);
  });

  it('rejects a GTIN with a wrong check digit with 422 naming /gtin, and writes nothing', async () => {
    const before = await productCount();
    const events = await eventCount('catalog.product.created.v1');
    const res = await t.post('/api/v1/products', newProduct({ sku: 'BAD-GTIN', gtin: '4006381333932' }));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('UNPROCESSABLE');
    expect(res.body.errors).toEqual([{ field: '/gtin', message: expect.stringMatching(/check digit/) as unknown }]);
    const wrongLength = await t.post('/api/v1/products', newProduct({ sku: 'BAD-GTIN', gtin: '123456789' }));
    expect(wrongLength.status).toBe(422);
    expect(await productCount()).toBe(before);
    expect(await eventCount('catalog.product.created.v1')).toBe(events);
    expect((await t.get('/api/v1/products/BAD-GTIN')).status).toBe(404);
  });

  it('rejects malformed input with 400 naming the fields, and writes nothing', async () => {
    const before = await productCount();
    const res = await t.post('/api/v1/products', { sku: 'has space', description: 'x', lengthMm: 0, widthMm: 1.5, heightMm: 1, weightG: 1, colour: 'red' });
    expect(res.status).toBe(400);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['/sku', '/lengthMm', '/widthMm', '/colour']));
    expect(await productCount()).toBe(before);
  });

  it('answers a duplicate SKU with 409 DUPLICATE and a duplicate GTIN naming /gtin', async () => {
    const dup = await t.post('/api/v1/products', newProduct({ gtin: null }));
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('DUPLICATE');
    expect(dup.body.errors).toEqual([{ field: '/sku', message: expect.any(String) as unknown }]);
    const dupGtin = await t.post('/api/v1/products', newProduct({ sku: 'MUG-BLUE' }));
    expect(dupGtin.status).toBe(409);
    expect(dupGtin.body.errors[0].field).toBe('/gtin');
    expect((await t.get('/api/v1/products/MUG-BLUE')).status).toBe(404);
  });

  it('replays a create with the same Idempotency-Key and refuses the key for another body', async () => {
    const headers = { 'idempotency-key': 'create-tea-1' };
    const first = await t.post('/api/v1/products', newProduct({ sku: 'TEA', gtin: null }), 'integration', headers);
    const again = await t.post('/api/v1/products', newProduct({ sku: 'TEA', gtin: null }), 'integration', headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    const other = await t.post('/api/v1/products', newProduct({ sku: 'COFFEE', gtin: null }), 'integration', headers);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('requires a key (401) and a master-data role (403 for operator and viewer)', async () => {
    const before = await productCount();
    expect((await t.post('/api/v1/products', newProduct({ sku: 'NOKEY', gtin: null }), null)).status).toBe(401);
    expect((await t.get('/api/v1/products/MUG-RED', null)).status).toBe(401);
    const operator = await t.post('/api/v1/products', newProduct({ sku: 'OP', gtin: null }), 'operator');
    expect(operator.status).toBe(403);
    expect(operator.body.code).toBe('FORBIDDEN');
    expect((await t.post('/api/v1/products', newProduct({ sku: 'VIEW', gtin: null }), 'viewer')).status).toBe(403);
    expect(await productCount()).toBe(before);
  });

  it('answers an unknown SKU with 404', async () => {
    const res = await t.get('/api/v1/products/NOPE');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('pages through products in SKU order and searches', async () => {
    for (const sku of ['PAGE-3', 'PAGE-1', 'PAGE-2']) {
      expect((await t.post('/api/v1/products', newProduct({ sku, gtin: null, description: `Paging ${sku}` }))).status).toBe(201);
    }
    const first = await t.get('/api/v1/products?limit=2&search=paging');
    expect(first.body.items.map((p: { sku: string }) => p.sku)).toEqual(['PAGE-1', 'PAGE-2']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.get(`/api/v1/products?limit=2&search=paging&cursor=${first.body.nextCursor as string}`);
    expect(second.body).toEqual({ items: [expect.objectContaining({ sku: 'PAGE-3' })], nextCursor: null });
    expect((await t.get('/api/v1/products?search=100%25')).body.items).toEqual([]);
    expect((await t.get('/api/v1/products?cursor=***')).status).toBe(400);
  });

  it('answers getBySkus with the known SKUs only', async () => {
    const api = t.app.modules.find((m) => m.name === 'catalog')!.api as { getBySkus(s: string[]): Promise<ReadonlyMap<string, { sku: string }>> };
    const found = await api.getBySkus(['MUG-RED', 'TEA', 'UNKNOWN', 'TEA']);
    expect([...found.keys()].sort()).toEqual(['MUG-RED', 'TEA']);
    expect(found.get('TEA')?.sku).toBe('TEA');
  });
});

describe('product maintenance (ADR 0045)', () => {
  const create = async (sku: string, gtin: string | null = null) => {
    const res = await t.post('/api/v1/products', newProduct({ sku, gtin }));
    expect(res.status).toBe(201);
    return res.body as { id: string; sku: string };
  };
  const picked = async (sku: string) => (await t.app.db.query<{ gtin: string | null }>('SELECT gtin FROM picking.products WHERE sku = $1', [sku]))[0]?.gtin;

  it('patches the fields given under a lock, announces the whole product once, and picking follows its GTIN', async () => {
    const p = await create('PATCH-ME');
    await t.settle();
    const res = await t.request('PATCH', '/api/v1/products/PATCH-ME', { body: { gtin: '96385074', heightMm: 111, lotControlled: true }, role: 'integration' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: p.id, sku: 'PATCH-ME', description: 'Red mug', gtin: '96385074', heightMm: 111, lotControlled: true, active: true });
    await t.settle();
    const [event] = await t.app.db.query<{ envelope: { data: Record<string, unknown> } }>(
      `SELECT envelope FROM platform.events WHERE type = 'catalog.product.updated.v1' AND subject = $1`, [p.id]);
    expect(event?.envelope.data).toEqual(res.body);
    expect(await picked('PATCH-ME')).toBe('96385074');
    // The same values again: answered, no second event.
    expect((await t.request('PATCH', '/api/v1/products/PATCH-ME', { body: { heightMm: 111 } })).status).toBe(200);
    expect(await t.app.db.query(`SELECT 1 FROM platform.events WHERE type = 'catalog.product.updated.v1' AND subject = $1`, [p.id])).toHaveLength(1);
  });

  it('deactivates and reactivates with an event each (a repeat is a no-op), filters lists by active, and an import keeps the flag', async () => {
    const p = await create('RETIRE-ME');
    const api = t.app.modules.find((m) => m.name === 'catalog')!.api as { getBySkus(s: string[]): Promise<ReadonlyMap<string, { active: boolean }>> };
    expect((await api.getBySkus(['RETIRE-ME'])).get('RETIRE-ME')?.active).toBe(true); // cached now
    expect((await t.post('/api/v1/products/RETIRE-ME/deactivate', undefined, 'integration')).body.active).toBe(false);
    expect((await t.post('/api/v1/products/RETIRE-ME/deactivate')).status).toBe(200);
    expect(await eventCount('catalog.product.deactivated.v1')).toBe(1);
    // The cached copy was dropped with the commit.
    expect((await api.getBySkus(['RETIRE-ME'])).get('RETIRE-ME')?.active).toBe(false);
    const inactive = await t.get('/api/v1/products?active=false&limit=500');
    expect(inactive.body.items.map((x: { sku: string }) => x.sku)).toEqual(['RETIRE-ME']);
    expect((await t.get('/api/v1/products?limit=500')).body.items.map((x: { sku: string }) => x.sku)).toContain('RETIRE-ME');
    const csv = 'sku,description,gtin,uom,lengthMm,widthMm,heightMm,weightG,lotControlled,expiryControlled\nRETIRE-ME,Imported,,EA,120,90,100,350,false,false\n';
    const imported = await t.request('POST', '/api/v1/imports/products', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect((await t.get('/api/v1/products/RETIRE-ME')).body).toMatchObject({ description: 'Imported', active: false });
    expect((await t.post('/api/v1/products/RETIRE-ME/reactivate')).body.active).toBe(true);
    expect(await eventCount('catalog.product.reactivated.v1')).toBe(1);
    const [event] = await t.app.db.query<{ envelope: { data: unknown } }>(`SELECT envelope FROM platform.events WHERE type = 'catalog.product.reactivated.v1'`);
    expect(event?.envelope.data).toEqual({ productId: p.id, sku: 'RETIRE-ME' });
    expect((await t.post('/api/v1/products/NOPE/reactivate')).status).toBe(404);
    expect((await t.post('/api/v1/products/RETIRE-ME/deactivate', undefined, 'viewer')).status).toBe(403);
  });
});

/** A valid GTIN-12 (UPC-A) from 11 digits: its GS1 check digit appended. */
function upcA(body: string): string {
  const sum = [...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

describe('one GTIN in any of its GS1 lengths, under concurrent writers (found by the roles hunt)', () => {
  it('two writers naming the same GTIN in two lengths at once make one product of it, never twins; the other is 409 DUPLICATE (or a row error)', async () => {
    const dims = { lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 100 };
    const twins: string[] = [];
    for (let round = 0; round < 20; round++) {
      const g12 = upcA(`7${String(round).padStart(4, '0')}123456`);
      const forms = [g12, `0${g12}`, `00${g12}`];
      expect((await t.post('/api/v1/products', { sku: `RACE-P-${round}`, description: 'patched to the GTIN', ...dims })).status).toBe(201);
      const csv = `sku,description,uom,lengthMm,widthMm,heightMm,weightG,gtin\nRACE-I-${round},imported,EA,10,10,10,100,${forms[2]}\n`;
      const answers = await Promise.all([
        t.post('/api/v1/products', { sku: `RACE-A-${round}`, description: 'the UPC-A', gtin: forms[0], ...dims }),
        t.post('/api/v1/products', { sku: `RACE-B-${round}`, description: 'the EAN-13', gtin: forms[1], ...dims }),
        t.request('PATCH', `/api/v1/products/RACE-P-${round}`, { body: { gtin: forms[2] } }),
        t.request('POST', '/api/v1/imports/products', { body: csv, headers: { 'content-type': 'text/csv' } }),
      ]);
      const won = answers.filter((a) => a.status < 300);
      expect(won.length, `round ${round}: ${answers.map((a) => a.status).join(',')}`).toBe(1);
      for (const a of answers.filter((x) => x.status >= 300)) expect([409, 422], JSON.stringify(a.body)).toContain(a.status);
      const holders = await t.app.db.query<{ sku: string }>(`SELECT sku FROM catalog.products WHERE lpad(gtin, 14, '0') = $1`, [forms[2]]);
      if (holders.length !== 1) twins.push(`round ${round}: ${holders.map((h) => h.sku).join(', ')}`);
    }
    expect(twins).toEqual([]);
  });
});

describe('catalog migration 004 over twins kept from before migration 003', () => {
  it('does not fail: the oldest keeps the GTIN, the others are marked gtin_shared, and no new product takes it in any length', async () => {
    const dir = new URL('./migrations/', import.meta.url);
    const out = await overOldRows(t.app.db, 'cat004_check', [
      `CREATE TABLE products (id text PRIMARY KEY, sku text NOT NULL UNIQUE, gtin text UNIQUE, created_at timestamptz NOT NULL)`,
      `INSERT INTO products (id, sku, gtin, created_at) VALUES ('p1', 'UPC', '012345678905', '2026-01-01'),
        ('p2', 'EAN', '0012345678905', '2026-01-02'), ('p3', 'G14', '00012345678905', '2026-01-03'), ('p4', 'NONE', NULL, '2026-01-01'),
        ('p5', 'NONE2', NULL, '2026-01-02'), ('p6', 'OTHER', '4006381333931', '2026-01-01')`,
    ], [new URL('003_gtin14.sql', dir), new URL('004_gtin14_unique.sql', dir)], async (tx) => {
      const marked = await tx.query<{ id: string }>(`SELECT id FROM products WHERE gtin_shared ORDER BY id`);
      const taken = await tx.query(`INSERT INTO products (id, sku, gtin, created_at) VALUES ('p7', 'NEW', '04006381333931', now()) ON CONFLICT DO NOTHING RETURNING 1`);
      const free = await tx.query(`INSERT INTO products (id, sku, gtin, created_at) VALUES ('p8', 'NEW2', '5901234123457', now()) ON CONFLICT DO NOTHING RETURNING 1`);
      return { ids: marked.map((r) => r.id), taken: taken.length, free: free.length };
    });
    expect(out).toEqual({ ids: ['p2', 'p3'], taken: 0, free: 1 });
  });
});
