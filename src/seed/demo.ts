import type { PakLogApp } from '../app.ts';

/** GS1 check digit (mod 10, weights 3/1 from the right) so the demo's GTIN-13s are valid. */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = Number(body[body.length - 1 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

const gtin13 = (n: number): string => {
  const body = `590000${String(n).padStart(6, '0')}`;
  return `${body}${gs1CheckDigit(body)}`;
};

export const DEMO_SITE = 'DEMO';
const ORDERS = 8;
const LAST_ORDER = `DEMO-${1000 + ORDERS}`;

interface Caller {
  <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, idempotencyKey?: string): Promise<T>;
}

/** Calls the app's own public API in-process, as an administrator would. */
function caller(app: PakLogApp, key: string): Caller {
  return async <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, idempotencyKey?: string): Promise<T> => {
    const headers: Record<string, string> = { 'x-api-key': key, ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) };
    const res = await app.http.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    if (res.statusCode >= 400) throw new Error(`seed: ${method} ${url} failed with ${res.statusCode}: ${res.body}`);
    return (res.body === '' ? undefined : JSON.parse(res.body)) as T;
  };
}

/** The seed calls the API with an in-memory key: no stored key is minted, so nothing is left behind by a crash. */
async function withSeedKey<T>(app: PakLogApp, fn: (call: Caller) => Promise<T>): Promise<T> {
  return app.apiKeys.withInternalKey('demo seed', 'admin', (key) => fn(caller(app, key)));
}

/**
 * Whether the demo warehouse is all there: its last order is its last step. A seed stopped part-way (the process
 * killed during the first start) is not there yet, and the next start or `paklog seed demo` finishes it: every step
 * carries an Idempotency-Key of its own (`demo-seed:…`, the seed's principal is the same in every process), so the
 * steps that committed answer again as they did and the others run once.
 */
export async function hasDemoData(app: PakLogApp): Promise<boolean> {
  return withSeedKey(app, async (call) => {
    const sites = await call<{ items: { id: string; code: string }[] }>('GET', '/api/v1/sites?limit=1000');
    const site = sites.items.find((s) => s.code === DEMO_SITE);
    if (site === undefined) return false;
    const last = await call<{ items: unknown[] }>('GET', `/api/v1/orders?siteId=${site.id}&externalId=${LAST_ORDER}&limit=1`);
    return last.items.length > 0;
  });
}

const PRODUCTS: readonly { sku: string; description: string; dims: [number, number, number]; weightG: number; expiry?: boolean }[] = [
  { sku: 'TSHIRT-BLK-M', description: 'T-shirt, black, M', dims: [300, 250, 30], weightG: 180 },
  { sku: 'TSHIRT-WHT-L', description: 'T-shirt, white, L', dims: [300, 250, 30], weightG: 190 },
  { sku: 'MUG-CERAMIC', description: 'Ceramic mug 330 ml', dims: [120, 90, 100], weightG: 350 },
  { sku: 'BOTTLE-STEEL', description: 'Steel bottle 750 ml', dims: [280, 75, 75], weightG: 400 },
  { sku: 'HEADPHONES-BT', description: 'Bluetooth headphones', dims: [200, 180, 90], weightG: 260 },
  { sku: 'CHARGER-USBC', description: 'USB-C charger 65 W', dims: [80, 60, 35], weightG: 150 },
  { sku: 'BOOK-WMS-101', description: 'Warehousing 101 (paperback)', dims: [230, 150, 25], weightG: 420 },
  { sku: 'VITAMIN-C-60', description: 'Vitamin C, 60 tablets', dims: [90, 50, 50], weightG: 90, expiry: true },
  { sku: 'SNEAKER-42', description: 'Running shoes, size 42', dims: [330, 210, 120], weightG: 700 },
  { sku: 'LAMP-DESK', description: 'LED desk lamp', dims: [450, 180, 120], weightG: 1200 },
  { sku: 'CABLE-HDMI-2M', description: 'HDMI cable 2 m', dims: [200, 120, 30], weightG: 120 },
  { sku: 'TEA-GREEN-100', description: 'Green tea, 100 bags', dims: [180, 80, 80], weightG: 220, expiry: true },
];

/** The demo warehouse: a site with a generated layout, products, stock and some open orders. */
export async function seedDemo(app: PakLogApp): Promise<{ site: string; locations: number; products: number; receipts: number; orders: number }> {
  return withSeedKey(app, async (call) => {
    const site = await call<{ id: string }>('POST', '/api/v1/sites', { code: DEMO_SITE, name: 'Demo distribution centre' }, 'demo-seed:site');
    await call('POST', `/api/v1/sites/${site.id}/layout`, { aisles: 6, bays: 10, levels: 2, packStations: 2 }, 'demo-seed:layout');
    // Where its parcels ship from: the FROM block of every label (a site without one prints its id there).
    await call('PUT', `/api/v1/pack-station/settings/${site.id}`, {
      weightTolerancePct: 2,
      shipFrom: { name: 'Demo distribution centre', line1: '1 Warehouse Way', city: 'Springfield', postalCode: '12345', country: 'US' },
    });
    const pickFaces = await call<{ items: { id: string; code: string; type: string }[] }>('GET', `/api/v1/sites/${site.id}/locations?type=PICK_FACE&limit=1000`);
    let n = 1;
    for (const p of PRODUCTS) {
      await call('POST', '/api/v1/products', {
        sku: p.sku, description: p.description, gtin: gtin13(n++), uom: 'EA',
        lengthMm: p.dims[0], widthMm: p.dims[1], heightMm: p.dims[2], weightG: p.weightG,
        lotControlled: p.expiry === true, expiryControlled: p.expiry === true,
      }, `demo-seed:product:${p.sku}`);
    }
    // Two locations per SKU, spread over the aisles, so reservations and routes have choices.
    let receipts = 0;
    const locs = pickFaces.items;
    for (let i = 0; i < PRODUCTS.length; i++) {
      const p = PRODUCTS[i]!;
      for (const [k, offset] of [0, Math.floor(locs.length / 2)].entries()) {
        const loc = locs[(i * 3 + offset) % locs.length];
        if (loc === undefined) continue;
        const body: Record<string, unknown> = { siteId: site.id, sku: p.sku, locationId: loc.id, quantity: 40 + 10 * k };
        if (p.expiry === true) {
          body.lot = `L${2026}${String(i).padStart(2, '0')}${k}`;
          body.expiresOn = `2027-0${k + 3}-01`;
        }
        await call('POST', '/api/v1/inventory/receipts', body, `demo-seed:receipt:${p.sku}:${k}`);
        receipts++;
      }
    }
    const orders = ORDERS;
    for (let o = 0; o < orders; o++) {
      const lines = [0, 1, 2].slice(0, 1 + (o % 3)).map((j) => ({ sku: PRODUCTS[(o * 2 + j * 5) % PRODUCTS.length]!.sku, quantity: 1 + ((o + j) % 3) }));
      await call('POST', '/api/v1/orders', {
        externalId: `DEMO-${1001 + o}`, siteId: site.id, carrier: 'OWN_FLEET', priority: 5,
        shipTo: { name: `Customer ${o + 1}`, line1: `${10 + o} Market Street`, city: 'Springfield', postalCode: '12345', country: 'US' },
        lines,
      }, `demo-seed:order:${1001 + o}`);
    }
    return { site: site.id, locations: locs.length, products: PRODUCTS.length, receipts, orders };
  });
}
