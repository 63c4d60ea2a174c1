/**
 * What reaches a service through the split gateway is what the caller sent (found by the black-box hunt): bodies the
 * gateway used to parse and write again (deeply nested JSON broke its re-serialisation with a 500; a storefront's
 * signed bytes were rewritten, so their HMAC no longer matched), bodies it could not parse at all (CSV: 415), and the
 * storefront webhook, public on the service (it is signed instead) but 401 at the gateway.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { tableFingerprint } from '../support/fingerprint.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const secret = randomBytes(24).toString('hex');
const adminKey = `pk_gw_${randomBytes(12).toString('hex')}`;
let service: TestApp;
let gateway: Gateway;
let gatewayDb: { url: string; drop: () => Promise<void> };
let siteId: string;

async function send(method: string, url: string, o: { payload?: string; headers?: Record<string, string>; key?: string | null } = {}): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { ...(o.key === null ? {} : { 'x-api-key': o.key ?? adminKey }), ...o.headers };
  const res = await gateway.http.inject({ method: method as 'GET', url, headers, ...(o.payload === undefined ? {} : { payload: o.payload }) });
  return { status: res.statusCode, body: res.body.startsWith('{') ? JSON.parse(res.body) : res.body };
}

beforeAll(async () => {
  service = await startTestApp({ openApiCheck: false, env: { PAKLOG_GATEWAY_SECRET: secret } });
  const address = await service.app.http.listen({ port: 0, host: '127.0.0.1' });
  gatewayDb = await createTestDatabase({ migrated: false, skipConservationCheck: 'the gateway holds no stock' });
  const config = loadConfig({
    LOG_LEVEL: 'silent', PAKLOG_GATEWAY_SECRET: secret, PAKLOG_SERVICES: address, PAKLOG_ADMIN_API_KEY: adminKey,
    PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
  });
  gateway = await buildGateway(config, gatewayDb.url, { discoverWaitMs: 10_000 });
  const site = await send('POST', '/api/v1/sites', { payload: JSON.stringify({ code: 'GWE', name: 'Gateway edges' }), headers: { 'content-type': 'application/json' } });
  expect(site.status, JSON.stringify(site.body)).toBe(201);
  siteId = site.body.id;
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await gatewayDb?.drop();
  await service?.close();
});

const fingerprint = async (): Promise<Record<string, number>> => {
  await service.settle();
  return tableFingerprint(service.app.db);
};

describe('bodies through the split gateway', () => {
  it('a deeply nested JSON body is the service\'s 400 VALIDATION_FAILED, not a 500 of the gateway, and writes nothing', async () => {
    const before = await fingerprint();
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    for (const [url, payload] of [
      ['/api/v1/orders', `{"externalId":"DEEP-1","siteId":"${siteId}","shipTo":${deep}}`],
      ['/api/v1/sites', `[${'['.repeat(50_000)}${']'.repeat(50_000)}]`],
    ] as const) {
      const res = await send('POST', url, { payload, headers: { 'content-type': 'application/json', 'idempotency-key': `deep-${url}` } });
      expect([res.status, res.body.code], url).toEqual([400, 'VALIDATION_FAILED']);
    }
    expect(await fingerprint()).toEqual(before);
  });

  it('a CSV import reaches the service as it was sent (415 UNSUPPORTED_MEDIA_TYPE at the gateway before)', async () => {
    const csv = 'sku,description,uom,lengthMm,widthMm,heightMm,weightG\nGWE-CSV-1,Mug,EA,100,80,90,300\n';
    const res = await send('POST', '/api/v1/imports/products', { payload: csv, headers: { 'content-type': 'text/csv' } });
    expect([res.status, res.body.imported], JSON.stringify(res.body)).toEqual([200, 1]);
  });

  it('a storefront webhook, signed over its bytes, is received: public at the gateway as on the service, and its bytes unchanged', async () => {
    const shopSecret = 'shpss_gateway_edges_0001';
    const channel = await send('POST', '/api/v1/integrations/storefront-channels', {
      payload: JSON.stringify({ shopDomain: 'gwe-shop.myshopify.com', siteId, secret: shopSecret }), headers: { 'content-type': 'application/json' },
    });
    expect(channel.status, JSON.stringify(channel.body)).toBe(201);
    const product = await send('POST', '/api/v1/products', {
      payload: JSON.stringify({ sku: 'GWE-SF-1', description: 'Mug', uom: 'EA', lengthMm: 100, widthMm: 80, heightMm: 90, weightG: 300 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(product.status, JSON.stringify(product.body)).toBe(201);
    // As a storefront sends it: spaced, its own key order, escapes JSON.stringify would not write.
    const raw = '{ "id": 4711, "name": "#4711",\n  "line_items": [ { "sku": "GWE-SF-1", "quantity": 1.0 } ],\n'
      + '  "shipping_address": { "name": "J\\u00f6rg", "address1": "1 High St", "city": "Leeds", "zip": "LS1", "country_code": "GB" } }';
    const headers = {
      'content-type': 'application/json', 'x-shopify-shop-domain': 'gwe-shop.myshopify.com',
      'x-shopify-hmac-sha256': createHmac('sha256', shopSecret).update(raw).digest('base64'),
    };
    const res = await send('POST', '/api/v1/integrations/storefront/orders', { key: null, payload: raw, headers });
    expect([res.status, res.body.externalId], JSON.stringify(res.body)).toEqual([201, 'GWE-SHOP-4711']);
    // A forged one is still refused, by the service.
    const forged = await send('POST', '/api/v1/integrations/storefront/orders', { key: null, payload: raw.replace('4711', '4712'), headers });
    expect([forged.status, forged.body.code]).toEqual([401, 'WEBHOOK_SIGNATURE_INVALID']);
  });
});

describe('requests the service refuses are refused alike through the gateway (found by the black-box suites)', () => {
  it('If-Match on a route with no version, a number not in decimal digits, an invalid bearer token beside a valid key: 4xx problem+json, nothing written', async () => {
    const before = await fingerprint();
    const json = { 'content-type': 'application/json' };
    const ifMatch = await send('POST', '/api/v1/sites', { payload: JSON.stringify({ code: 'GWIM', name: 'If-Match' }), headers: { ...json, 'if-match': '"1"' } });
    expect([ifMatch.status, ifMatch.body.code, ifMatch.body.errors?.[0]?.field]).toEqual([400, 'PRECONDITION_NOT_SUPPORTED', '/headers/if-match']);
    for (const limit of ['0x10', '1e1', '+5']) {
      const res = await send('GET', `/api/v1/products?limit=${encodeURIComponent(limit)}`);
      expect([res.status, res.body.code, res.body.errors?.[0]?.field], limit).toEqual([400, 'VALIDATION_FAILED', '/querystring/limit']);
    }
    for (const authorization of ['Bearer not-a-token', 'Basic YWRtaW46YWRtaW4=']) {
      const res = await send('GET', '/api/v1/sites', { headers: { authorization } });
      expect([res.status, res.body.code], authorization).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect(await fingerprint()).toEqual(before);
    // The order's cancellation, which compares If-Match with the order's version, still takes it through the gateway.
    const cancel = await send('POST', '/api/v1/orders/ord_nope/cancel', { payload: '{}', headers: { ...json, 'if-match': '"1"' } });
    expect([cancel.status, cancel.body.code]).toEqual([404, 'NOT_FOUND']);
  });
});

