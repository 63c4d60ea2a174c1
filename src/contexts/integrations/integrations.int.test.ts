import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createOrder, injectClient, orderStatus, receiveStock, setupWarehouse, until } from '../../../test/support/flow-driver.ts';
import { integrationsStore } from './store.ts';

/** A subscription whose receiver keeps failing is disabled after PAKLOG_WEBHOOK_MAX_FAILURES, with a notice; enabling it sends what waited. */
let t: TestApp;
let server: Server | undefined;
beforeAll(async () => {
  t = await startTestApp({ env: { PAKLOG_WEBHOOK_TICK_MS: '30', PAKLOG_WEBHOOK_RETRY_BASE_MS: '20', PAKLOG_WEBHOOK_RETRY_MAX_MS: '40', PAKLOG_WEBHOOK_MAX_FAILURES: '3' } });
});
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await t.close();
});

describe('webhook subscriptions', () => {
  it('refuse unknown event types and bad URLs, writing nothing', async () => {
    const bad = await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'https://x.example/h', eventTypes: ['orders.order.*', 'tasks.task.created.v1'] });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('UNKNOWN_EVENT_TYPE');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: '/eventTypes/1' })]);
    const url = await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'ftp://x.example/h', eventTypes: ['orders.order.*'] });
    expect(url.body.code).toBe('WEBHOOK_URL_INVALID');
    // The SSRF guard: a cloud's instance metadata in any spelling, and credentials in the URL (never echoed back).
    for (const bad of ['http://169.254.169.254/latest/meta-data/', 'http://[::ffff:169.254.169.254]/', 'http://0.0.0.0:9/h']) {
      const refused = await t.post('/api/v1/integrations/webhook-subscriptions', { url: bad, eventTypes: ['orders.order.*'] });
      expect([refused.status, refused.body.code, refused.body.errors?.[0]?.field], bad).toEqual([422, 'WEBHOOK_URL_INVALID', '/url']);
    }
    const creds = await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'https://erp:hunter2@x.example/h', eventTypes: ['orders.order.*'] });
    expect([creds.status, creds.body.code]).toEqual([422, 'WEBHOOK_URL_INVALID']);
    expect(JSON.stringify(creds.body)).not.toContain('hunter2');
    const site = await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'https://x.example/h', eventTypes: ['orders.order.*'], siteId: 'NOPE' });
    expect(site.body.code).toBe('UNKNOWN_SITE');
    expect((await t.get('/api/v1/integrations/webhook-subscriptions')).body.items).toEqual([]);
  });

  it('refuses a storefront order it cannot map (422, naming each field) and writes nothing', async () => {
    const { createHmac } = await import('node:crypto');
    await t.post('/api/v1/sites', { code: 'SF', name: 'Storefront site' });
    const ch = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'bad.myshopify.com', siteId: 'SF' }, 'integration');
    expect(ch.status).toBe(201);
    expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'BAD.myshopify.com', siteId: 'SF' })).body.code).toBe('CHANNEL_EXISTS');
    // Another shop whose domain starts alike would name its orders BAD-<id> too: refused, nothing written.
    const twin = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'bad.example.net', siteId: 'SF' }, 'integration');
    expect([twin.status, twin.body.code, twin.body.errors?.[0]?.field]).toEqual([409, 'CHANNEL_PREFIX_TAKEN', '/shopDomain']);
    // A carrier pack & ship cannot book is refused on the channel, not on every order the shop sends later.
    const carrier = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'nocarrier.myshopify.com', siteId: 'SF', carrier: 'PIGEON_POST' }, 'integration');
    expect([carrier.status, carrier.body.code, carrier.body.errors?.[0]?.field]).toEqual([422, 'UNKNOWN_CARRIER', '/carrier']);
    expect((await t.get('/api/v1/integrations/storefront-channels')).body.items.map((c: { shopDomain: string }) => c.shopDomain)).toEqual(['bad.myshopify.com']);
    const raw = JSON.stringify({ id: 7, line_items: [{ quantity: 0 }], shipping_address: { name: 'X', city: 'Y', zip: '1', country_code: 'Germany' } });
    const res = await t.app.http.inject({
      method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
      headers: {
        'content-type': 'application/json', 'x-shopify-shop-domain': 'bad.myshopify.com', 'x-shopify-webhook-id': 'w-1',
        'x-shopify-hmac-sha256': createHmac('sha256', ch.body.secret as string).update(raw).digest('base64'),
      },
    });
    expect(res.statusCode).toBe(422);
    const problem = JSON.parse(res.body) as { code: string; errors: { field: string }[] };
    expect(problem.code).toBe('STOREFRONT_PAYLOAD_INVALID');
    expect(problem.errors.map((e) => e.field)).toEqual(['/line_items/0/sku', '/line_items/0/quantity', '/shipping_address/address1', '/shipping_address/country_code']);
    expect((await t.get('/api/v1/orders')).body.items).toEqual([]);
    const rows = await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations.inbound_webhooks');
    expect(rows[0]!.n).toBe(0);
  });

  it('is disabled after N failures in a row (event + state); enabled again, it delivers what waited', async () => {
    // A port nothing listens on: connection refused.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const sub = (await t.post('/api/v1/integrations/webhook-subscriptions', { url: `http://127.0.0.1:${port}/hook`, eventTypes: ['inventory.stock.*'] }, 'integration')).body;
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'DIS', aisles: 1, bays: 1, levels: 1, skus: 1 });
    await receiveStock(call, w, 5, 1);

    const disabled = await until('disabled', async () => (await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.id}`)).body, (s) => s.status === 'DISABLED', 15_000);
    expect(disabled.consecutiveFailures).toBe(3);
    expect(disabled.disabledReason).toMatch(/3 failed deliveries in a row/);
    await t.settle();
    const notice = (await t.get(`/api/v1/events?type=integrations.subscription.disabled.v1`)).body.items;
    expect(notice).toHaveLength(1);
    expect(notice[0].data).toMatchObject({ subscriptionId: sub.id, consecutiveFailures: 3 });
    // Disabled: no more attempts.
    const pending = (await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.id}`)).body.items;
    expect(pending.every((d: { status: string }) => d.status === 'PENDING')).toBe(true);
    const attempts = pending.reduce((n: number, d: { attempts: number }) => n + d.attempts, 0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.id}`)).body.items.reduce((n: number, d: { attempts: number }) => n + d.attempts, 0)).toBe(attempts);

    const got: string[] = [];
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push((JSON.parse(body) as { type: string }).type);
        res.end();
      });
    });
    await new Promise<void>((r) => server!.listen(port, '127.0.0.1', () => r()));
    const enabled = await t.post(`/api/v1/integrations/webhook-subscriptions/${sub.id}/enable`, undefined, 'integration');
    expect(enabled.body).toMatchObject({ status: 'ACTIVE', consecutiveFailures: 0, disabledReason: null });
    await until('delivered', async () => (await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.id}`)).body.items as { status: string }[],
      (ds) => ds.every((d) => d.status === 'DELIVERED'));
    expect(got.length).toBe(pending.length);
  }, 30_000);
});

describe('a disabled subscription in the exception queue (found by the exceptions hunt)', () => {
  it('raises WEBHOOK_DISABLED naming the subscription, its URL and why; enabling it resolves it; each disable is a case of its own', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'WHKDISABLE', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const url = `http://127.0.0.1:${port}/erp`;
    const sub = (await t.post('/api/v1/integrations/webhook-subscriptions', { url, eventTypes: ['inventory.stock.*'], siteId: 'WHKDISABLE' }, 'integration')).body as { id: string };
    await receiveStock(call, w, 5, 1);
    await until('disabled', async () => (await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.id}`)).body, (s) => s.status === 'DISABLED', 15_000);
    await t.settle();
    // The manager's work list for the site shows it: what (the subscription, its URL), why (the last failure), since when.
    const open = async () => ((await t.get(`/api/v1/exceptions?siteId=WHKDISABLE&status=OPEN&kind=WEBHOOK_DISABLED`, 'viewer')).body.items as Record<string, any>[])
      .filter((x) => x.subject === sub.id);
    const raised = await until('raised', open, (xs) => xs.length === 1, 10_000);
    const x = raised[0]!;
    expect(x).toMatchObject({ kind: 'WEBHOOK_DISABLED', siteId: w.siteId, actions: ['acknowledge'], status: 'OPEN' });
    expect(x.reason).toContain(url);
    expect(x.reason).toContain(`/integrations/webhook-subscriptions/${sub.id}/enable`);
    expect(x.details).toMatchObject({ subscriptionId: sub.id, url, consecutiveFailures: 3, lastError: expect.any(String) });
    expect(x.raisedAt).toEqual(expect.any(String));
    // A viewer may not act on it, nor an operator: nothing changes.
    expect((await t.post(`/api/v1/exceptions/${x.id}/actions/acknowledge`, undefined, 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/exceptions/${x.id}/actions/acknowledge`, undefined, 'operator')).status).toBe(403);
    expect((await t.get(`/api/v1/exceptions/${x.id}`)).body.status).toBe('OPEN');

    // Enabled again (the receiver still down): the case clears by itself; acting on it now is 409 EXCEPTION_RESOLVED.
    expect((await t.post(`/api/v1/integrations/webhook-subscriptions/${sub.id}/enable`, undefined, 'integration')).body.status).toBe('ACTIVE');
    const cleared = await until('cleared', async () => (await t.get(`/api/v1/exceptions/${x.id}`)).body, (e) => e.status === 'RESOLVED', 10_000);
    expect(cleared).toMatchObject({ resolvedBy: null, resolution: expect.stringMatching(/^auto: /) });
    const late = await t.post(`/api/v1/exceptions/${x.id}/actions/acknowledge`, undefined, 'manager');
    expect([late.status, late.body.code]).toEqual([409, 'EXCEPTION_RESOLVED']);

    // It keeps failing: disabled again, a new case; acknowledged by a manager, it is resolved and stays so.
    await until('disabled again', async () => (await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.id}`)).body, (s) => s.status === 'DISABLED', 15_000);
    await t.settle();
    const again = (await until('raised again', open, (xs) => xs.length === 1, 10_000))[0]!;
    expect(again.id).not.toBe(x.id);
    const acked = await t.post(`/api/v1/exceptions/${again.id}/actions/acknowledge`, undefined, 'manager');
    expect(acked.body).toMatchObject({ status: 'RESOLVED', resolution: 'acknowledge' });
    expect((await open())).toEqual([]);

    // Enabled, disabled a third time, then deleted: nothing will be sent to it any more, and its case clears.
    await t.post(`/api/v1/integrations/webhook-subscriptions/${sub.id}/enable`, undefined, 'integration');
    await until('disabled a third time', async () => (await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.id}`)).body, (s) => s.status === 'DISABLED', 15_000);
    await t.settle();
    const third = (await until('raised a third time', open, (xs) => xs.length === 1, 10_000))[0]!;
    expect((await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${sub.id}`, { role: 'integration' })).status).toBe(200);
    const gone = await until('cleared by the delete', async () => (await t.get(`/api/v1/exceptions/${third.id}`)).body, (e) => e.status === 'RESOLVED', 10_000);
    expect(gone.resolution).toBe('auto: the subscription was deleted');
  }, 60_000);
});

describe('a subscription deleted while a delivery to it is under way (found by the gap hunt)', () => {
  it('the attempt that fails after the delete disables nothing and raises no WEBHOOK_DISABLED (nothing would clear it)', async () => {
    let seen = 0;
    let release: (() => void) | undefined;
    const held = new Promise<void>((r) => { release = r; });
    let arrived: (() => void) | undefined;
    const third = new Promise<void>((r) => { arrived = r; });
    const receiver = createServer((req, res) => {
      req.resume();
      seen += 1;
      if (seen < 3) { res.writeHead(500).end(); return; }
      // The attempt that would disable it (PAKLOG_WEBHOOK_MAX_FAILURES=3): held until the subscription is deleted.
      arrived?.();
      void held.then(() => res.writeHead(500).end());
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const call = injectClient(t.app, t.keys.manager);
      const w = await setupWarehouse(call, { siteCode: 'WHKDELRACE1', aisles: 1, bays: 1, levels: 1, skus: 1 });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/erp`;
      const sub = (await t.post('/api/v1/integrations/webhook-subscriptions', { url, eventTypes: ['inventory.stock.received.v1'], siteId: 'WHKDELRACE1' }, 'integration')).body as { id: string };
      await receiveStock(call, w, 5, 1);
      await third;
      expect((await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${sub.id}`, { role: 'integration' })).status).toBe(200);
      release?.();
      // The held attempt answered and recorded (its delivery keeps the CANCELLED the delete gave it).
      await until('attempt recorded', async () => (await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.id}`, 'integration')).body.items as { attempts: number }[],
        (ds) => ds.some((d) => d.attempts >= 3), 15_000);
      await t.settle();
      const disabled = ((await t.get(`/api/v1/events?type=${encodeURIComponent('integrations.subscription.disabled.v1')}&limit=500`)).body.items as { subject: string }[])
        .filter((e) => e.subject === sub.id);
      expect(disabled).toEqual([]);
      const open = ((await t.get('/api/v1/exceptions?siteId=WHKDELRACE1&status=OPEN&kind=WEBHOOK_DISABLED', 'manager')).body.items as { subject: string }[]).filter((x) => x.subject === sub.id);
      expect(open).toEqual([]);
    } finally {
      release?.();
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 60_000);
});

describe('storefront order ids past 2^53 (found by the bad-input hunt)', () => {
  it('are read as the digits the shop sent: two orders whose ids differ only past the 16th digit are two orders, and a cancel names the right one; a fraction or a negative id is 422 naming /id', async () => {
    // Before: JSON.parse read Shopify's own test order 820982911946154508 as 820982911946154500, and 820982911946154555
    // too: the second shop order was answered 200 duplicate of the first, and never received.
    const { createHmac } = await import('node:crypto');
    const call = injectClient(t.app, t.keys.admin);
    const w = await setupWarehouse(call, { siteCode: 'SFBIGORDERID', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const ch = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'bigids.myshopify.com', siteId: 'SFBIGORDERID' }, 'integration');
    expect(ch.status).toBe(201);
    const send = async (id: string, webhookId: string, topic = 'orders/create') => {
      const raw = `{"id":${id},"line_items":[{"sku":"${w.products[0]!.sku}","quantity":1,"id":1}],"shipping_address":{"name":"Ada","address1":"1 Row","city":"London","zip":"N1","country_code":"GB"}}`;
      const res = await t.app.http.inject({
        method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
        headers: {
          'content-type': 'application/json', 'x-shopify-shop-domain': 'bigids.myshopify.com', 'x-shopify-webhook-id': webhookId, 'x-shopify-topic': topic,
          'x-shopify-hmac-sha256': createHmac('sha256', ch.body.secret as string).update(raw).digest('base64'),
        },
      });
      return { status: res.statusCode, body: JSON.parse(res.body) as { orderId?: string; externalId?: string; duplicate?: boolean; status?: string; code?: string; errors?: unknown } };
    };
    const first = await send('820982911946154508', 'big-1');
    const second = await send('820982911946154555', 'big-2');
    expect([first.status, first.body.externalId, first.body.duplicate]).toEqual([201, 'BIGIDS-820982911946154508', false]);
    expect([second.status, second.body.externalId, second.body.duplicate]).toEqual([201, 'BIGIDS-820982911946154555', false]);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    const cancelled = await send('820982911946154555', 'big-3', 'orders/cancelled');
    expect([cancelled.status, cancelled.body.orderId, cancelled.body.status]).toEqual([200, second.body.orderId, 'CANCELLED']);
    expect((await t.get(`/api/v1/orders/${first.body.orderId}`)).body.status).not.toBe('CANCELLED');
    for (const id of ['1.5', '-3', '1e21']) {
      const refused = await send(id, `big-bad-${id}`);
      expect([refused.status, refused.body.code, refused.body.errors], id).toEqual([422, 'STOREFRONT_PAYLOAD_INVALID', [{ field: '/id', message: 'must be a whole number ≥ 0 or a string' }]]);
    }
  });
});

describe('storefront refusals name the payload (found by the bad-input hunt)', () => {
  it('the order intake\'s field errors point into the shop\'s payload: a SKU\'s items added past an order line\'s 100,000 on its last item, a ship-to field as the shop names it; nothing received', async () => {
    // Before: 422 errors [{ field: '/lines/0/quantity', message: 'must be an integer from 1 to 100000' }], a field the
    // shop's payload does not have, for items of 60000 and 40001.
    const { createHmac } = await import('node:crypto');
    const w = await setupWarehouse(injectClient(t.app, t.keys.admin), { siteCode: 'SFFIELDERRORS', aisles: 1, bays: 1, levels: 1, skus: 2 });
    const ch = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'fields.myshopify.com', siteId: 'SFFIELDERRORS' }, 'integration');
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    const send = async (body: unknown) => {
      const raw = JSON.stringify(body);
      const res = await t.app.http.inject({
        method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
        headers: {
          'content-type': 'application/json', 'x-shopify-shop-domain': 'fields.myshopify.com',
          'x-shopify-hmac-sha256': createHmac('sha256', ch.body.secret as string).update(raw).digest('base64'),
        },
      });
      return { status: res.statusCode, body: JSON.parse(res.body) as { code?: string; errors?: unknown } };
    };
    const address = { name: 'Ada', address1: '1 Row', city: 'London', zip: 'N1', country_code: 'GB' };
    const summed = await send({ id: 1, line_items: [{ sku: a, quantity: 60000 }, { sku: b, quantity: 1 }, { sku: a, quantity: 40001 }], shipping_address: address });
    expect([summed.status, summed.body.code, summed.body.errors]).toEqual([422, 'UNPROCESSABLE', [
      { field: '/line_items/2/quantity', message: `must be an integer from 1 to 100000 (${a} on line items 0, 2 adds up to 100001)` },
    ]]);
    const zip = await send({ id: 2, line_items: [{ sku: a, quantity: 1 }], shipping_address: { ...address, zip: 'x'.repeat(300) } });
    expect([zip.status, (zip.body.errors as { field: string }[] | undefined)?.map((e) => e.field)]).toEqual([422, ['/shipping_address/zip']]);
    expect((await t.get('/api/v1/orders?siteId=SFFIELDERRORS')).body.items).toEqual([]);
  });
});

describe('a storefront channel\'s way out (found by the edge hunt)', () => {
  it('is disconnected (DELETE) and connected again to another site: the way out of a channel whose site was deactivated', async () => {
    const { createHmac } = await import('node:crypto');
    const call = injectClient(t.app, t.keys.admin);
    const w = await setupWarehouse(call, { siteCode: 'SFCHANNL', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const other = await t.post('/api/v1/sites', { code: 'SFNEWSITE', name: 'The shop\'s new site' });
    const ch = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'moving.myshopify.com', siteId: 'SFCHANNL' }, 'integration');
    expect(ch.status).toBe(201);
    const send = (secret: string, id: number, webhookId: string) => {
      const raw = JSON.stringify({
        id, line_items: [{ sku: w.products[0]!.sku, quantity: 1 }],
        shipping_address: { name: 'Ada', address1: '1 Row', city: 'London', zip: 'N1', country_code: 'GB' },
      });
      return t.app.http.inject({
        method: 'POST', url: '/api/v1/integrations/storefront/orders', payload: raw,
        headers: {
          'content-type': 'application/json', 'x-shopify-shop-domain': 'moving.myshopify.com', 'x-shopify-webhook-id': webhookId,
          'x-shopify-hmac-sha256': createHmac('sha256', secret).update(raw).digest('base64'),
        },
      });
    };
    expect((await send(ch.body.secret as string, 1, 'mv-1')).statusCode).toBe(201);
    // The site is retired: every order the shop sends is refused, and the channel could be neither changed nor made again.
    expect((await t.post(`/api/v1/sites/${w.siteId}/deactivate`, {})).status).toBe(200);
    expect(JSON.parse((await send(ch.body.secret as string, 2, 'mv-2')).body).code).toBe('SITE_INACTIVE');
    expect((await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'moving.myshopify.com', siteId: 'SFNEWSITE' }, 'integration')).body.code).toBe('CHANNEL_EXISTS');
    // The way out (failed before: 404, no such route). A viewer may not; an unknown channel is 404.
    expect((await t.request('DELETE', `/api/v1/integrations/storefront-channels/${ch.body.id}`, { role: 'viewer' })).status).toBe(403);
    expect((await t.request('DELETE', '/api/v1/integrations/storefront-channels/sfc_nope', { role: 'integration' })).status).toBe(404);
    const gone = await t.request('DELETE', `/api/v1/integrations/storefront-channels/${ch.body.id}`, { role: 'integration' });
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: ch.body.id, shopDomain: 'moving.myshopify.com', siteId: w.siteId, deleted: true });
    expect((await t.request('DELETE', `/api/v1/integrations/storefront-channels/${ch.body.id}`, { role: 'integration' })).status).toBe(404);
    // Disconnected, the shop is unknown: its webhooks are 401 like a forger's.
    expect(JSON.parse((await send(ch.body.secret as string, 3, 'mv-3')).body).code).toBe('WEBHOOK_SIGNATURE_INVALID');
    const again = await t.post('/api/v1/integrations/storefront-channels', { shopDomain: 'moving.myshopify.com', siteId: 'SFNEWSITE' }, 'integration');
    expect(again.status).toBe(201);
    const moved = await send(again.body.secret as string, 4, 'mv-4');
    expect(moved.statusCode, moved.body).toBe(201);
    const order = (await t.get(`/api/v1/orders/${JSON.parse(moved.body).orderId}`)).body;
    expect(order).toMatchObject({ externalId: 'MOVING-4', siteId: other.body.id });
    // The first order, sent again after the reconnection (now to another site), is never a second order: the intake's
    // idempotency on the order id refuses it as a conflict.
    const repeat = await send(again.body.secret as string, 1, 'mv-1');
    expect([repeat.statusCode, JSON.parse(repeat.body).code]).toEqual([409, 'ORDER_CONFLICT']);
    expect((await t.getAll<{ externalId: string }>('/api/v1/orders')).filter((o) => o.externalId === 'MOVING-1')).toHaveLength(1);
    expect((await t.get('/api/v1/integrations/storefront-channels')).body.items.map((c: { shopDomain: string }) => c.shopDomain)).toContain('moving.myshopify.com');
  });
});

describe('webhook owner filters (found by the black-box hunt)', () => {
  it('a subscription to the default owner\'s events gets its orders\' events as well as its stock events; one to another owner gets neither', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'OWNF', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const subscribe = async (ownerId: string): Promise<string> => {
      const sub = await t.post('/api/v1/integrations/webhook-subscriptions', {
        url: 'http://127.0.0.1:9/hook', eventTypes: ['orders.order.received.v1', 'inventory.stock.received.v1'], siteId: 'OWNF', ownerId,
      }, 'integration');
      expect(sub.status).toBe(201);
      return sub.body.id as string;
    };
    const someoneElse = (await t.post('/api/v1/owners', { code: 'OWNF-CLIENT', name: 'A 3PL client' })).body.id as string;
    const defaultOwner = await subscribe('own_default');
    const otherOwner = await subscribe(someoneElse);
    await receiveStock(call, w, 5, 1);
    await createOrder(call, w.siteId, { externalId: 'OWNF-1', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    await t.settle();
    const types = async (id: string): Promise<string[]> =>
      ((await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${id}`)).body.items as { eventType: string }[]).map((d) => d.eventType).sort();
    // Both payloads name an owner other than the default one only: absent is the default owner (ADR 0028).
    expect(await types(defaultOwner)).toEqual(['inventory.stock.received.v1', 'orders.order.received.v1']);
    expect(await types(otherOwner)).toEqual([]);
  }, 30_000);
});

describe('a 3PL client\'s subscription to its orders\' lifecycle', () => {
  it('gets its own orders\' status events (here backordered: no stock of its own), not the default owner\'s; the default owner\'s gets none of them', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'OWNLIFECY', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const client = (await t.post('/api/v1/owners', { code: 'OWNL-CLIENT', name: 'A 3PL client' })).body.id as string;
    const subscribe = async (ownerId: string): Promise<string> => {
      const sub = await t.post('/api/v1/integrations/webhook-subscriptions', {
        url: 'http://127.0.0.1:9/hook', eventTypes: ['orders.order.*'], siteId: 'OWNLIFECY', ownerId,
      }, 'integration');
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      return sub.body.id as string;
    };
    const [mine, theirs] = [await subscribe(client), await subscribe('own_default')];
    // The client has no stock at the site: its order is backordered (the default owner's stock is not its own).
    await receiveStock(call, w, 5, 1);
    const order = await call('order', 'POST', '/api/v1/orders', {
      externalId: 'OWNL-1', siteId: w.siteId, ownerId: client, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: [{ sku: w.products[0]!.sku, quantity: 1 }],
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    await until('backordered', () => orderStatus(call, (order.body as { id: string }).id), (st) => st === 'BACKORDERED');
    await t.settle();
    const types = async (id: string): Promise<string[]> =>
      ((await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${id}`)).body.items as { eventType: string }[]).map((d) => d.eventType).sort();
    expect(await types(mine)).toEqual(['orders.order.backordered.v1', 'orders.order.received.v1']);
    expect(await types(theirs)).toEqual([]);
  }, 30_000);
});

describe('replaying a delivery (found by the black-box hunt)', () => {
  it('of a deleted subscription is refused (409 WEBHOOK_SUBSCRIPTION_DELETED), the delivery as it was; of a live one, it is due now', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'RPLAY', aisles: 1, bays: 1, levels: 1, skus: 1 });
    const subscribe = async (): Promise<string> =>
      (await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'http://127.0.0.1:9/hook', eventTypes: ['inventory.stock.received.v1'], siteId: 'RPLAY' }, 'integration')).body.id as string;
    const [live, gone] = [await subscribe(), await subscribe()];
    await receiveStock(call, w, 5, 1);
    await t.settle();
    const deliveryOf = async (subscriptionId: string): Promise<{ id: string }> =>
      (await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${subscriptionId}`)).body.items[0] as { id: string };
    const goneDelivery = await deliveryOf(gone);
    expect((await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${gone}`, { role: 'integration' })).status).toBe(200);
    // An attempt under way when the subscription was deleted ends first; then nothing touches its deliveries.
    await new Promise((r) => setTimeout(r, 300));
    const before = (await t.get(`/api/v1/integrations/webhook-deliveries/${goneDelivery.id}`)).body;
    const refused = await t.post(`/api/v1/integrations/webhook-deliveries/${goneDelivery.id}/replay`, undefined, 'integration');
    expect([refused.status, refused.body.code]).toEqual([409, 'WEBHOOK_SUBSCRIPTION_DELETED']);
    expect(refused.body.detail).toContain(gone);
    expect((await t.get(`/api/v1/integrations/webhook-deliveries/${goneDelivery.id}`)).body).toEqual(before);
    const replayed = await t.post(`/api/v1/integrations/webhook-deliveries/${(await deliveryOf(live)).id}/replay`, undefined, 'integration');
    expect([replayed.status, replayed.body.status]).toEqual([200, 'PENDING']);
    expect((await t.post('/api/v1/integrations/webhook-deliveries/whd_nope/replay', undefined, 'integration')).status).toBe(404);
  }, 30_000);
});

type DeliveryRow = { id: string; subject: string; eventType: string; status: string; attempts: number; nextAttemptAt: string | null; endedAt: string | null; endedBy: string | null; endReason: string | null };
const deliveriesOf = async (subscriptionId: string): Promise<DeliveryRow[]> =>
  (await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${subscriptionId}`)).body.items as DeliveryRow[];

describe('a delivery replayed or abandoned while an attempt is under way (found by the hooks hunt)', () => {
  it('a replay waits for the attempt (one request at a time, attempts numbered 1, 2 in the log); an abandoned delivery that then succeeds is DELIVERED with no end', async () => {
    // A receiver that holds each request until released, and counts the requests in flight at once.
    const held: (() => void)[] = [];
    const got: string[] = [];
    let inFlight = 0;
    let most = 0;
    const receiver = createServer((req, res) => {
      req.resume();
      inFlight += 1;
      most = Math.max(most, inFlight);
      got.push(req.url ?? '');
      held.push(() => { inFlight -= 1; res.writeHead(200).end(); });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    const releaseAll = (): void => { for (const r of held.splice(0)) r(); };
    try {
      const call = injectClient(t.app, t.keys.manager);
      const w = await setupWarehouse(call, { siteCode: 'HOOKSFIVEINFLT', aisles: 1, bays: 1, levels: 1, skus: 1 });
      const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const subscribe = async (path: string): Promise<string> => (await t.post('/api/v1/integrations/webhook-subscriptions',
        { url: `${base}${path}`, eventTypes: ['inventory.stock.received.v1'], siteId: 'HOOKSFIVEINFLT' }, 'integration')).body.id as string;
      const [replaySub, abandonSub] = [await subscribe('/replay'), await subscribe('/abandon')];
      await receiveStock(call, w, 5, 1);
      // Both first attempts are under way, held by the receiver.
      await until('both attempts under way', async () => got.length, (n) => n >= 2, 15_000);
      const [replayed, abandoned] = [(await deliveriesOf(replaySub))[0]!, (await deliveriesOf(abandonSub))[0]!];
      const replay = await t.post(`/api/v1/integrations/webhook-deliveries/${replayed.id}/replay`, undefined, 'integration');
      expect([replay.status, replay.body.status]).toEqual([200, 'PENDING']);
      const abandon = await t.post(`/api/v1/integrations/webhook-deliveries/${abandoned.id}/abandon`, { reason: 'keyed in by hand' }, 'integration');
      expect([abandon.status, abandon.body.status]).toEqual([200, 'ABANDONED']);
      // Another process's delivery job finds nothing to claim: the attempt under way keeps its lease (before: the replay
      // cleared it, and a second sender claimed the delivery at once, sending it twice side by side with one attempt number).
      const other = new pg.Client({ connectionString: t.databaseUrl });
      await other.connect();
      try {
        const claimed = await integrationsStore.claimDue({ query: async (sql, params) => (await other.query(sql, params as unknown[])).rows }, new Date(), 1, 100);
        expect(claimed.map((d) => d.id)).not.toContain(replayed.id);
      } finally {
        await other.end();
      }
      // Nothing is sent again while the attempt is under way (before: the replay was claimed and sent a second time at once).
      await new Promise((r) => setTimeout(r, 400));
      expect(got.filter((u) => u === '/replay')).toHaveLength(1);
      expect(most).toBe(2);
      releaseAll();
      // The replay is sent once the attempt has ended: a second request, alone.
      await until('the replay sent after the attempt', async () => got.filter((u) => u === '/replay').length, (n) => n >= 2, 15_000);
      expect(inFlight).toBe(1);
      releaseAll();
      const detail = async (id: string) => (await t.get(`/api/v1/integrations/webhook-deliveries/${id}`, 'integration')).body as DeliveryRow & { attemptLog: { attempt: number }[] };
      const sent = await until('replayed delivered', () => detail(replayed.id), (d) => d.status === 'DELIVERED' && d.attemptLog.length === 2, 15_000);
      expect(sent.attemptLog.map((a) => a.attempt)).toEqual([1, 2]);
      expect(sent.attempts).toBe(2);
      // The abandoned delivery's attempt answered 2xx: it reached the receiver, so it is DELIVERED, and no longer says it was given up.
      const late = await until('abandoned attempt recorded', () => detail(abandoned.id), (d) => d.attemptLog.length === 1, 15_000);
      expect(late).toMatchObject({ status: 'DELIVERED', endedAt: null, endedBy: null, endReason: null, attempts: 1 });
      await new Promise((r) => setTimeout(r, 300));
      expect(got.filter((u) => u === '/abandon')).toHaveLength(1);
      expect(got.filter((u) => u === '/replay')).toHaveLength(2);
      await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${replaySub}`, { role: 'integration' });
      await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${abandonSub}`, { role: 'integration' });
    } finally {
      releaseAll();
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 60_000);
});

describe('a way out for one delivery (found by the defect hunt)', () => {
  it('abandoning a delivery its receiver refuses for good ends it ABANDONED (who, why, when) and lets its subject\'s later deliveries go', async () => {
    // A receiver that refuses an order's `received` event for good (400) and takes the rest.
    const got: string[] = [];
    const refusing = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const type = (JSON.parse(body) as { type: string }).type;
        if (type === 'orders.order.received.v1') {
          res.statusCode = 400;
        } else {
          got.push(type);
        }
        res.end();
      });
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (refusing.address() as AddressInfo).port;
      const call = injectClient(t.app, t.keys.manager);
      const w = await setupWarehouse(call, { siteCode: 'ABANDN', aisles: 1, bays: 1, levels: 1, skus: 1 });
      await receiveStock(call, w, 5, 1);
      const sub = (await t.post('/api/v1/integrations/webhook-subscriptions', {
        url: `http://127.0.0.1:${port}/hook`, eventTypes: ['orders.order.received.v1', 'orders.order.allocated.v1'], siteId: 'ABANDN',
      }, 'integration')).body as { id: string };
      const order = await createOrder(call, w.siteId, { externalId: 'ABANDN-1', lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
      await t.settle();
      // Three refusals disable the subscription (PAKLOG_WEBHOOK_MAX_FAILURES=3); the later delivery of the order waits behind the first.
      await until('disabled', async () => (await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.id}`)).body, (s) => s.status === 'DISABLED', 15_000);
      const chain = (await deliveriesOf(sub.id)).filter((d) => d.subject === order.id);
      expect(chain.map((d) => [d.eventType, d.status])).toEqual([['orders.order.received.v1', 'PENDING'], ['orders.order.allocated.v1', 'PENDING']]);
      const [stuck, waiting] = [chain[0]!, chain[1]!];
      expect(waiting.attempts).toBe(0);

      const path = `/api/v1/integrations/webhook-deliveries/${stuck.id}/abandon`;
      // A reason is required; a viewer may not; an unknown delivery is 404.
      expect((await t.post(path, {}, 'integration')).status).toBe(400);
      expect((await t.post(path, { reason: 'x' }, 'viewer')).status).toBe(403);
      expect((await t.post('/api/v1/integrations/webhook-deliveries/whd_nope/abandon', { reason: 'x' }, 'integration')).status).toBe(404);
      const reason = 'the ERP refuses this order for good; keyed in by hand';
      const key = { 'idempotency-key': 'abandon-abandn-1' };
      const abandoned = await t.post(path, { reason }, 'integration', key);
      expect(abandoned.status).toBe(200);
      expect(abandoned.body).toMatchObject({ id: stuck.id, status: 'ABANDONED', nextAttemptAt: null, endReason: reason, endedBy: expect.any(String) });
      expect(abandoned.body.endedAt).toEqual(expect.any(String));
      // The same key answers the same; without it, an abandoned delivery is 409 WEBHOOK_DELIVERY_NOT_PENDING.
      expect((await t.post(path, { reason }, 'integration', key)).body).toEqual(abandoned.body);
      const again = await t.post(path, { reason }, 'integration');
      expect([again.status, again.body.code]).toEqual([409, 'WEBHOOK_DELIVERY_NOT_PENDING']);
      expect((await t.get(`/api/v1/integrations/webhook-deliveries/${stuck.id}`)).body).toMatchObject({ status: 'ABANDONED', endReason: reason });

      // Enabled again, the subscription sends what waited behind the abandoned delivery, not the abandoned one.
      expect((await t.post(`/api/v1/integrations/webhook-subscriptions/${sub.id}/enable`, undefined, 'integration')).status).toBe(200);
      await until('the later delivery', async () => (await t.get(`/api/v1/integrations/webhook-deliveries/${waiting.id}`)).body, (d) => d.status === 'DELIVERED');
      expect(got).toEqual(['orders.order.allocated.v1']);
      const delivered = await t.post(`/api/v1/integrations/webhook-deliveries/${waiting.id}/abandon`, { reason }, 'integration');
      expect([delivered.status, delivered.body.code]).toEqual([409, 'WEBHOOK_DELIVERY_NOT_PENDING']);
      expect(delivered.body.detail).toContain('DELIVERED');

      // An abandoned delivery may be replayed: PENDING again, its end cleared.
      const replayed = await t.post(`/api/v1/integrations/webhook-deliveries/${stuck.id}/replay`, undefined, 'integration');
      expect(replayed.body).toMatchObject({ status: 'PENDING', endedAt: null, endedBy: null, endReason: null });
      await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${sub.id}`, { role: 'integration' });
    } finally {
      refusing.closeAllConnections();
      refusing.close();
    }
  }, 30_000);

  it('deleting a subscription ends its PENDING deliveries CANCELLED in the same transaction', async () => {
    const call = injectClient(t.app, t.keys.manager);
    const w = await setupWarehouse(call, { siteCode: 'CANCELD', aisles: 1, bays: 1, levels: 1, skus: 2 });
    // Nothing listens on port 9: its deliveries stay PENDING.
    const sub = (await t.post('/api/v1/integrations/webhook-subscriptions', { url: 'http://127.0.0.1:9/hook', eventTypes: ['inventory.stock.received.v1'], siteId: 'CANCELD' }, 'integration')).body as { id: string };
    await receiveStock(call, w, 5, 1);
    await t.settle();
    const pending = await deliveriesOf(sub.id);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.every((d) => d.status === 'PENDING')).toBe(true);
    const deleted = await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${sub.id}`, { role: 'integration' });
    expect(deleted.body).toEqual({ id: sub.id, deleted: true, cancelledDeliveries: pending.length });
    // An attempt under way when it was deleted ends first; then the log tells the truth.
    await new Promise((r) => setTimeout(r, 300));
    const after = await deliveriesOf(sub.id);
    expect(after.map((d) => [d.status, d.nextAttemptAt, d.endReason])).toEqual(pending.map(() => ['CANCELLED', null, 'its webhook subscription was deleted']));
    expect(after.every((d) => d.endedBy !== null && d.endedAt !== null)).toBe(true);
    expect((await t.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.id}&status=PENDING`)).body.items).toEqual([]);
    const cancelled = await t.post(`/api/v1/integrations/webhook-deliveries/${after[0]!.id}/abandon`, { reason: 'x' }, 'integration');
    expect([cancelled.status, cancelled.body.code]).toEqual([409, 'WEBHOOK_DELIVERY_NOT_PENDING']);
  }, 30_000);

  it('refuses an ownerId that is not an owner inventory knows (422 UNKNOWN_OWNER), on create and on update, writing nothing', async () => {
    const count = async (): Promise<number> => (await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM integrations.subscriptions'))[0]!.n;
    const before = await count();
    const body = { url: 'http://127.0.0.1:9/hook', eventTypes: ['orders.order.*'], ownerId: 'own_nobody' };
    const refused = await t.post('/api/v1/integrations/webhook-subscriptions', body, 'integration');
    expect([refused.status, refused.body.code, refused.body.errors?.[0]?.field]).toEqual([422, 'UNKNOWN_OWNER', '/ownerId']);
    expect(refused.body.detail).toContain('own_nobody');
    expect(await count()).toBe(before);
    const sub = await t.post('/api/v1/integrations/webhook-subscriptions', { ...body, ownerId: 'own_default' }, 'integration');
    expect([sub.status, sub.body.ownerId]).toEqual([201, 'own_default']);
    const update = await t.request('PUT', `/api/v1/integrations/webhook-subscriptions/${sub.body.id}`, { role: 'integration', body });
    expect([update.status, update.body.code]).toEqual([422, 'UNKNOWN_OWNER']);
    expect((await t.get(`/api/v1/integrations/webhook-subscriptions/${sub.body.id}`)).body.ownerId).toBe('own_default');
    await t.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${sub.body.id}`, { role: 'integration' });
  });
});

describe('webhook destinations with PAKLOG_WEBHOOK_ALLOW_PRIVATE=false', () => {
  it('never connects to a name that resolves to a loopback address: the delivery fails as DESTINATION_REFUSED, visible, nothing sent', async () => {
    const closed = await startTestApp({ env: { PAKLOG_WEBHOOK_TICK_MS: '30', PAKLOG_WEBHOOK_RETRY_BASE_MS: '20', PAKLOG_WEBHOOK_RETRY_MAX_MS: '40', PAKLOG_WEBHOOK_ALLOW_PRIVATE: 'false' } });
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      got.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (receiver.address() as AddressInfo).port;
      // A literal private address is refused when the subscription is made; a name is judged where it connects.
      const literal = await closed.post('/api/v1/integrations/webhook-subscriptions', { url: `http://127.0.0.1:${port}/hook`, eventTypes: ['inventory.stock.*'] }, 'integration');
      expect([literal.status, literal.body.code]).toEqual([422, 'WEBHOOK_URL_INVALID']);
      const sub = await closed.post('/api/v1/integrations/webhook-subscriptions', { url: `http://localhost:${port}/hook`, eventTypes: ['inventory.stock.*'] }, 'integration');
      expect(sub.status).toBe(201);
      const call = injectClient(closed.app, closed.keys.manager);
      const w = await setupWarehouse(call, { siteCode: 'PRV', aisles: 1, bays: 1, levels: 1, skus: 1 });
      await receiveStock(call, w, 5, 1);
      const failed = await until('a refused attempt', async () => (await closed.get(`/api/v1/integrations/webhook-deliveries?subscriptionId=${sub.body.id}`)).body.items as { attempts: number; lastError: string | null }[],
        (ds) => ds.some((d) => d.attempts > 0), 15_000);
      expect(failed.find((d) => d.attempts > 0)?.lastError).toMatch(/^DESTINATION_REFUSED: 127\.0\.0\.1 is a loopback or private address/);
      expect(got).toEqual([]);
    } finally {
      receiver.close();
      await closed.close();
    }
  }, 30_000);
});

describe('a receiver that holds its request (found by the webhookflake hunt)', () => {
  it('holds only its own delivery: another subscription\'s, and one a killed process had leased whose lease ended, are sent within a few ticks meanwhile', async () => {
    // A delivery attempt may wait PAKLOG_WEBHOOK_TIMEOUT_MS for its answer. Before: the delivery job's run waited for
    // every attempt it started, and a job never overlaps itself, so nothing else was sent until the held one timed out —
    // after a restart, the deliveries the killed process had leased stayed PENDING a minute after their lease ended
    // (crash-webhook-delivery.test under load: the restarted process's first attempt was held by the receiver).
    const app = await startTestApp({ env: { PAKLOG_CONTEXTS: 'location-master,integrations', PAKLOG_WEBHOOK_TICK_MS: '30', PAKLOG_WEBHOOK_TIMEOUT_MS: '60000' } });
    const held: (() => void)[] = [];
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      got.push(req.url ?? '');
      if (req.url === '/slow') held.push(() => res.writeHead(200).end());
      else res.writeHead(200).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    try {
      const site = await app.post<{ id: string }>('/api/v1/sites', { code: 'WFHOLD', name: 'WFHOLD' });
      expect(site.status).toBe(201);
      const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const subscribe = async (path: string): Promise<string> => {
        const sub = await app.post<{ id: string }>('/api/v1/integrations/webhook-subscriptions', { url: `${base}${path}`, eventTypes: ['orders.order.waved.v1'], siteId: site.body.id }, 'integration');
        expect(sub.status).toBe(201);
        return sub.body.id;
      };
      let n = 0;
      const waved = async (): Promise<string> => {
        const orderId = `ord_wfhold_${++n}`;
        await app.app.bus.deliverMany('integrations', [{
          specversion: '1.0', id: `evt_wfhold_${n}_${Math.random().toString(36).slice(2)}`, type: 'orders.order.waved.v1', source: 'orders', subject: orderId,
          time: new Date().toISOString(), datacontenttype: 'application/json', data: { orderId, siteId: site.body.id, from: 'ALLOCATED', to: 'WAVED' },
        }]);
        return orderId;
      };
      const status = async (subscriptionId: string, subject: string): Promise<{ status: string; attempts: number } | undefined> => (await app.app.db.query<{ status: string; attempts: number }>(
        `SELECT status, attempts FROM integrations.deliveries WHERE subscription_id = $1 AND subject = $2`, [subscriptionId, subject]))[0];

      const slow = await subscribe('/slow');
      const first = await waved();
      await until('the slow receiver holds its request', async () => held.length, (k) => k === 1, 15_000);
      const erp = await subscribe('/erp');
      const second = await waved();
      // A delivery a killed process had claimed (its attempt never ended), whose lease has now ended.
      const orphan = 'ord_wfhold_orphan';
      await app.app.db.query(
        `INSERT INTO integrations.deliveries (id, subscription_id, event_id, event_type, subject, body, status, next_attempt_at, created_at, lease_until)
         VALUES ('whd_wfhold_orphan', $1, 'evt_wfhold_orphan', 'orders.order.waved.v1', $2, '{}', 'PENDING', now(), now(), now() + interval '70 seconds')`, [erp, orphan]);
      await app.app.db.query(`UPDATE integrations.deliveries SET lease_until = now() - interval '1 second' WHERE id = 'whd_wfhold_orphan'`);
      // Before: both waited for the held attempt's 60 s timeout.
      await until('the other deliveries sent meanwhile', async () => [await status(erp, second), await status(erp, orphan)],
        (s) => s.every((d) => d?.status === 'DELIVERED'), 15_000);
      expect(got.filter((u) => u === '/erp')).toHaveLength(2);
      // The slow receiver's are still under way (the second order's too: another subject), each sent once, and end when
      // their receiver answers.
      await until('the slow receiver holds both its requests', async () => held.length, (k) => k === 2, 15_000);
      expect(await status(slow, first)).toEqual({ status: 'PENDING', attempts: 0 });
      for (const release of held.splice(0)) release();
      for (const subject of [first, second]) {
        expect(await until('the held ones delivered', () => status(slow, subject), (d) => d?.status === 'DELIVERED', 15_000)).toEqual({ status: 'DELIVERED', attempts: 1 });
      }
      expect(got.filter((u) => u === '/slow')).toHaveLength(2);
      await app.request('DELETE', `/api/v1/integrations/webhook-subscriptions/${slow}`, { role: 'integration' });
    } finally {
      for (const release of held.splice(0)) release();
      await app.close();
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  }, 90_000);
});
