/**
 * Issue 8 acceptance (b): the order-to-ship flow of order-to-ship.test.ts in a split deployment — a gateway and three
 * service processes (catalog + location-master + inventory; orders + waves; tasks + picking + pack-ship), each on its
 * own database, over Kafka, then over NATS — driven only through the gateway, with the same conservation checks.
 * GraphQL at the gateway reads the shipped wave across the services. The brokers are those .ci/run starts; with CI=true an unreachable broker fails the test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrder, orderStatus, packAndShip, planAndRelease, receiveStock, setupWarehouse, until, workTasks, type Call } from '../support/flow-driver.ts';
import { brokerReachable } from '../support/brokers.ts';
import { credentialsMetadata, publicClients, rpcMethods } from '../support/grpc-floor.ts';
import { splitTestDatabases, startSplitCluster, type SplitBus, type SplitCluster } from '../support/split-cluster.ts';

for (const bus of ['kafka', 'nats'] as const satisfies readonly SplitBus[]) {
  describe(`split deployment over ${bus}`, () => {
    let cluster: SplitCluster | undefined;
    const drops: (() => Promise<void>)[] = [];
    let reachable = true;

    beforeAll(async () => {
      reachable = await brokerReachable(bus);
      if (!reachable) {
        if (process.env.CI === 'true') throw new Error(`${bus} is not reachable; CI needs it (.ci/run starts it)`);
        return;
      }
      const dbs = await splitTestDatabases();
      drops.push(...dbs.map((d) => d.drop));
      cluster = await startSplitCluster({ bus, databases: { gateway: dbs[0]!.url, services: dbs.slice(1).map((d) => d.url) } });
    }, 180_000);
    afterAll(async () => {
      await cluster?.close();
      await Promise.all(drops.map((d) => d()));
    }, 60_000);

    it('carries 20 orders from intake to shipment through the gateway, with a short pick and batch picking', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      const admin = c.client(c.adminKey);
      const keyFor = async (role: string): Promise<string> => {
        const res = await admin('key', 'POST', '/api/v1/api-keys', { name: `split ${role}`, role });
        expect(res.status).toBe(201);
        return (res.body as { key: string }).key;
      };
      const call: Call = c.client(await keyFor('manager'));
      const floor: Call = c.client(await keyFor('operator'));
      const get = async (url: string): Promise<any> => {
        const res = await admin('get', 'GET', url);
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
        return res.body;
      };
      /** Every item of a paged list, following nextCursor (the summary is paged by SKU: ADR 0047). */
      const getAll = async (url: string): Promise<any[]> => {
        const items: any[] = [];
        let cursor: string | null = null;
        do {
          const page = await get(`${url}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
          items.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor !== null);
        return items;
      };

      // The gateway answers for every service: one merged document, and readiness that names every service.
      const docs = await get('/docs/json');
      for (const path of ['/api/v1/orders', '/api/v1/waves', '/api/v1/products', '/api/v1/pick-lists', '/api/v1/shipments', '/api/v1/events']) {
        expect(Object.keys(docs.paths as object), path).toContain(path);
      }
      const ready = await fetch(`${c.gatewayUrl}/health/ready`);
      expect(ready.status).toBe(200);
      expect(((await ready.json()) as { services: unknown[] }).services).toHaveLength(3);

      // A webhook's owner filter is checked against inventory's owners over gRPC (integrations runs beside orders here).
      const hook = { url: 'http://127.0.0.1:9/hook', eventTypes: ['orders.order.*'] };
      const unknownOwner = await admin('hook', 'POST', '/api/v1/integrations/webhook-subscriptions', { ...hook, ownerId: 'own_nobody' });
      expect([unknownOwner.status, (unknownOwner.body as { code?: string }).code]).toEqual([422, 'UNKNOWN_OWNER']);
      const knownOwner = await admin('hook', 'POST', '/api/v1/integrations/webhook-subscriptions', { ...hook, ownerId: 'own_default' });
      expect(knownOwner.status, JSON.stringify(knownOwner.body)).toBe(201);
      expect((await admin('unhook', 'DELETE' as 'POST', `/api/v1/integrations/webhook-subscriptions/${(knownOwner.body as { id: string }).id}`)).status).toBe(200);

      // A key scoped to an owner reaches, through the gateway, the routes its service keeps owners apart on, and only
      // those: the gateway leaves that to the service (it refused every forwarded route before).
      const ownerKey = await admin('owner key', 'POST', '/api/v1/api-keys', { name: `split owner ${bus}`, role: 'integration', ownerId: 'own_default' });
      expect(ownerKey.status, JSON.stringify(ownerKey.body)).toBe(201);
      const asOwner = c.client((ownerKey.body as { key: string }).key);
      const ownOrders = await asOwner('owner orders', 'GET', '/api/v1/orders?limit=5');
      expect(ownOrders.status, JSON.stringify(ownOrders.body)).toBe(200);
      const notKeptApart = await asOwner('owner waves', 'GET', '/api/v1/waves?limit=5');
      expect([notKeptApart.status, (notKeptApart.body as { code?: string }).code]).toEqual([403, 'OWNER_SCOPED_KEY']);

      // The console is served at the gateway, and its live stream hears every service's events (a service's own stream
      // hears only its own).
      const page = await fetch(`${c.gatewayUrl}/`);
      expect([page.status, page.headers.get('content-type')]).toEqual([200, expect.stringContaining('text/html')]);
      const live = new AbortController();
      const stream = await fetch(`${c.gatewayUrl}/api/v1/live`, { headers: { 'x-api-key': c.adminKey, accept: 'text/event-stream' }, signal: live.signal });
      expect(stream.status).toBe(200);
      let heard = '';
      const reading = (async () => {
        const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            heard += value;
          }
        } catch { /* aborted below */ }
      })();

      const w = await setupWarehouse(call, { siteCode: 'SPLIT', aisles: 4, bays: 8, levels: 2, skus: 6 });
      expect(await receiveStock(call, w, 15, 2)).toBe(6 * 2 * 15);
      await until('the live stream hears the services\' events', async () => heard, (h) => h.includes('inventory.stock.received') && h.includes('catalog.'), 60_000);
      live.abort();
      await reading;

      const ordered = new Map<string, number>();
      const orders: { id: string; lines: { sku: string; quantity: number }[] }[] = [];
      for (let i = 0; i < 20; i++) {
        const lines = [{ sku: w.products[i % 6]!.sku, quantity: 1 + (i % 3) }];
        if (i % 3 === 0) lines.push({ sku: w.products[(i + 2) % 6]!.sku, quantity: 2 }, { sku: w.products[(i + 4) % 6]!.sku, quantity: 1 });
        const order = await createOrder(call, w.siteId, { externalId: `SPLIT-${bus}-${i}`, lines });
        orders.push({ id: order.id, lines });
        for (const l of lines) ordered.set(l.sku, (ordered.get(l.sku) ?? 0) + l.quantity);
      }
      for (const o of orders) await until(`order ${o.id} allocated`, () => orderStatus(call, o.id), (s) => s === 'ALLOCATED', 60_000);
      await until('the wave pool holds every order', async () => (await get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=100`)).items.length,
        (n) => n === 20, 60_000);
      const wave = await planAndRelease(call, w.siteId, 50);
      expect([...wave.orderIds].sort()).toEqual(orders.map((o) => o.id).sort());
      for (const o of orders) await until(`order ${o.id} released`, () => orderStatus(call, o.id), (s) => s === 'RELEASED', 60_000);
      // One transaction builds every list of the wave, and each list gets one task.
      const lists = await until('pick lists built', async () => (await get(`/api/v1/pick-lists?waveId=${wave.waveId}&limit=100`)).items.length, (n) => n > 0, 60_000);
      // The shorted unit is re-reserved at the SKU's other location: one more list and task (ADR 0024).
      const picked = await workTasks(floor, w.siteId, ['worker-1', 'worker-2'], { shortOne: true, shortRecovers: true, expectedTasks: lists });
      expect(picked.tasks.size).toBe(lists + 1);
      expect(picked.shorted).toHaveLength(1);
      for (const o of orders) await until(`order ${o.id} picked`, () => orderStatus(call, o.id), (s) => s === 'PICKED', 60_000);
      // PICKED comes from pack & ship's ready-to-pack (ADR 0049): pack & ship has every picked unit, so each order is
      // packed once and booked at once, with no retry, though its picks and its PICKED travel on different topics.
      for (const o of orders) await packAndShip(floor, o.id);
      for (const o of orders) await until(`order ${o.id} shipped`, () => orderStatus(call, o.id), (s) => s === 'SHIPPED', 60_000);

      // Conservation, as in the all-in-one test: received − shipped ± adjustments = on-hand, the ledger agrees.
      const short = picked.shorted[0]!;
      await until('inventory shipped every unit', async () => (await getAll(`/api/v1/inventory/summary?siteId=${w.siteId}`)) as { allocated: number }[],
        (items) => items.every((s) => s.allocated === 0), 60_000);
      const summary = await getAll(`/api/v1/inventory/summary?siteId=${w.siteId}`);
      for (const s of summary as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number; allocated: number }[]) {
        // Every ordered unit shipped: the short was covered by the SKU's other location; the missing unit was adjusted away.
        const expectedShipped = ordered.get(s.sku) ?? 0;
        expect(s.adjusted, s.sku).toBe(s.sku === short.sku ? -1 : 0);
        expect(s.received, s.sku).toBe(30);
        expect(s.shipped, s.sku).toBe(expectedShipped);
        expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
        expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
        expect(s.reserved, s.sku).toBe(0);
      }
      // The event store behind the gateway holds every service's events, each once.
      await until('the event store has every shipment', async () => (await get('/api/v1/events?type=orders.order.shipped.v1&limit=100')).items.length,
        (n) => n === 20, 60_000);
      // Orchestration (in the flow service) ends each order's fulfilment saga at its next tick after the shipment.
      await until('every fulfilment saga ended', async () => (await get('/api/v1/events?type=orchestration.saga.completed.v1&limit=100')).items.length,
        (n) => n === 20, 60_000).catch(async (e: unknown) => {
        // Says which sagas did not end and what was dead-lettered, so a failure here can be read from the CI log.
        const open = (await get('/api/v1/sagas?limit=100')).items.filter((x: { status: string }) => x.status !== 'COMPLETED');
        const dead = (await get('/api/v1/dead-letters')).items.map((d: { consumer: string; type: string; lastError: string }) => [d.consumer, d.type, d.lastError]);
        throw new Error(`${String(e)}; sagas not ended: ${JSON.stringify(open)}; dead letters: ${JSON.stringify(dead)}`);
      });
      const all: { id: string }[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null } = await get(`/api/v1/events?limit=1000${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
        all.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
      expect(new Set(all.map((e) => (e as unknown as { source: string }).source))).toEqual(
        new Set(['catalog', 'location-master', 'inventory', 'orders', 'waves', 'tasks', 'picking', 'pack-ship', 'orchestration', 'physical-tracking',
          'location-tracking', 'integrations', 'platform']));
      // integrations: the webhook subscription deleted above (a WEBHOOK_DISABLED case clears on it); platform: the keys and
      // people the gateway's admin made (ADR 0019 addendum 2026-12-07: administration is audited).
      // GraphQL at the gateway: its fields run as REST calls routed to the services, nested fields batched across them.
      const gql = async (query: string, variables: Record<string, unknown>): Promise<any> => {
        const res = await fetch(`${c.gatewayUrl}/graphql`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': c.adminKey }, body: JSON.stringify({ query, variables }),
        });
        expect(res.status).toBe(200);
        const body = (await res.json()) as { data: any; errors?: unknown };
        expect(body.errors).toBeUndefined();
        return body.data;
      };
      const viaGql = await gql(`query($id: ID!) { wave(id: $id) { orders { id status lines { sku shipped product { sku } } shipments { status } } } }`, { id: wave.waveId });
      expect(viaGql.wave.orders).toHaveLength(20);
      for (const o of viaGql.wave.orders as { status: string; lines: { sku: string; product: { sku: string } }[]; shipments: { status: string }[] }[]) {
        expect(o.status).toBe('SHIPPED');
        expect(o.shipments).toEqual([{ status: 'DISPATCHED' }]);
        for (const l of o.lines) expect(l.product.sku).toBe(l.sku);
      }
      const cancel = await gql('mutation($id: ID!) { cancelOrder(id: $id) { __typename ... on BusinessError { code } } }', { id: orders[0]!.id });
      expect(cancel.cancelOrder).toEqual({ __typename: 'Conflict', code: 'ORDER_SHIPPED' });
      // Nothing failed along the way, in any service.
      expect((await get('/api/v1/dead-letters')).items).toHaveLength(0);
      // The gateway's own routes (event store, audit) guard sites too: a key of one site must name it and sees only it.
      const scoped = await admin('scoped', 'POST', '/api/v1/api-keys', { name: 'split site-scoped', role: 'manager', siteIds: [w.siteId] });
      expect(scoped.status, JSON.stringify(scoped.body)).toBe(201);
      const siteCaller: Call = c.client((scoped.body as { key: string }).key);
      for (const path of ['/api/v1/events', '/api/v1/audit']) {
        const unnamed = await siteCaller('unnamed', 'GET', `${path}?limit=5`);
        expect(unnamed.status, path).toBe(403);
        expect((unnamed.body as { code: string }).code, path).toBe('SITE_REQUIRED');
        expect((await siteCaller('other', 'GET', `${path}?limit=5&siteId=sit_elsewhere`)).status, path).toBe(403);
        expect((await siteCaller('own', 'GET', `${path}?limit=5&siteId=SPLIT`)).status, path).toBe(200);
      }
      // Roles are enforced by the owning service behind the gateway: an operator may not create products.
      const refused = await floor('refused', 'POST', '/api/v1/products', { sku: 'NOPE', description: 'x', uom: 'EA' });
      expect(refused.status).toBe(403);
      expect((await c.client('pk_not_a_key')('anon', 'GET', '/api/v1/orders')).status).toBe(401);
      // The public gRPC API at the gateway runs its REST operations through the gateway's routing to the services.
      const clients = publicClients(c.grpcTarget);
      try {
        const rpc = rpcMethods(clients);
        const sku = w.products[0]!.sku;
        const atp = await rpc.getAtp({ siteId: w.siteId, sku }, credentialsMetadata({ apiKey: c.adminKey }));
        const rest = await get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`);
        const pick = (items: { sku: string; atp: number; allocated: number }[]) => items.map(({ sku: s, atp: a, allocated }) => ({ sku: s, atp: a, allocated }));
        expect(atp.items.length).toBeGreaterThan(0);
        expect(pick(atp.items)).toEqual(pick(rest.items));
        await expect(rpc.getAtp({ siteId: w.siteId, sku }, credentialsMetadata({ apiKey: 'pk_not_a_key' }))).rejects.toMatchObject({ code: 16 });
      } finally {
        clients.close();
      }
      // People sign in at the gateway; a grant named by site code is kept by the site's id (asked of location-master),
      // and the services behind enforce the role at that site: a manager of SPLIT only reads SPLIT, and nothing else.
      const user = await admin('user', 'POST', '/api/v1/users', { username: `split-${bus}`, password: 'a password long enough', grants: [{ siteId: 'SPLIT', role: 'manager' }] });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      expect((user.body as { grants: unknown[] }).grants).toEqual([{ siteId: w.siteId, role: 'manager' }]);
      const login = await c.client('')('login', 'POST', '/api/v1/auth/login', { username: `split-${bus}`, password: 'a password long enough' });
      expect(login.status).toBe(200);
      const person = async (url: string): Promise<number> => (await fetch(`${c.gatewayUrl}${url}`, {
        headers: { authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}` },
      })).status;
      expect(await person(`/api/v1/orders?siteId=${w.siteId}&limit=1`)).toBe(200);
      expect(await person('/api/v1/orders?limit=1')).toBe(403);
      // The gateway answers identity and keys itself: their new codes are its own (a code it did not know would be a 500),
      // and its own creates honour Idempotency-Key against its database.
      const wrong = await fetch(`${c.gatewayUrl}/api/v1/auth/password`, {
        method: 'POST', body: JSON.stringify({ currentPassword: 'not the password at all', newPassword: 'a fresh passphrase here' }),
        headers: { authorization: `Bearer ${(login.body as { accessToken: string }).accessToken}`, 'content-type': 'application/json' },
      });
      expect([wrong.status, ((await wrong.json()) as { code: string }).code]).toEqual([422, 'WRONG_PASSWORD']);
      const createKey = async () => fetch(`${c.gatewayUrl}/api/v1/api-keys`, {
        method: 'POST', body: JSON.stringify({ name: `split-${bus}-key`, role: 'viewer' }),
        headers: { 'x-api-key': c.adminKey, 'content-type': 'application/json', 'idempotency-key': `split-${bus}-key` },
      });
      expect((await createKey()).status).toBe(201);
      const again = await createKey();
      expect([again.status, ((await again.json()) as { code: string }).code]).toEqual([409, 'API_KEY_ALREADY_CREATED']);
    }, 300_000);

    it('the gateway answers a method a routed path does not take 405 METHOD_NOT_ALLOWED naming its methods (Allow); an unknown path 404', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      const call = (method: string, path: string, key: string | null = c.adminKey) =>
        fetch(`${c.gatewayUrl}${path}`, { method, headers: key === null ? {} : { 'x-api-key': key }, signal: AbortSignal.timeout(10_000) });
      // Routed paths of three services (orders, picking, location-master), the gateway's own (api keys) and GraphQL.
      for (const [method, path, allow] of [
        ['DELETE', '/api/v1/orders', ['GET', 'POST']], ['PUT', '/api/v1/orders/ord_x/cancel', ['POST']],
        ['PATCH', '/api/v1/pick-lists', ['GET']], ['DELETE', '/api/v1/sites', ['GET', 'POST']],
        ['PUT', '/api/v1/api-keys', ['GET', 'POST']], ['PUT', '/graphql', ['GET', 'POST']],
      ] as const) {
        const res = await call(method, path);
        const body = (await res.json()) as { code?: string; detail?: string };
        expect([method, path, res.status, body.code], JSON.stringify(body)).toEqual([method, path, 405, 'METHOD_NOT_ALLOWED']);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((res.headers.get('allow') ?? '').split(', '), path).toEqual(expect.arrayContaining([...allow]));
      }
      const unknown = await call('DELETE', '/api/v1/no-such-list');
      expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([404, 'NOT_FOUND']);
      // As in one process: who asks must say who they are first.
      const anonymous = await call('DELETE', '/api/v1/orders', null);
      expect([anonymous.status, ((await anonymous.json()) as { code: string }).code]).toEqual([401, 'UNAUTHENTICATED']);
    }, 60_000);

    it('a service serves no GraphQL of its own (the gateway serves it over every service): /graphql is not a route there', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      for (const s of c.services) {
        const res = await fetch(`${s.url}/graphql`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': c.adminKey }, body: JSON.stringify({ query: '{ __typename }' }),
          signal: AbortSignal.timeout(10_000),
        });
        expect([s.name, res.status], await res.text()).toEqual([s.name, 404]);
        // Its health still answers.
        expect([s.name, (await fetch(`${s.url}/health/ready`, { signal: AbortSignal.timeout(10_000) })).status]).toEqual([s.name, 200]);
      }
      const gateway = await fetch(`${c.gatewayUrl}/graphql`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': c.adminKey }, body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(10_000),
      });
      expect(gateway.status).toBe(200);
    }, 60_000);

    it('runs the supervisors\' exception actions of orchestration (flow) in inventory (stock) and tasks (floor), over gRPC', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      const admin = c.client(c.adminKey);
      const operator = await admin('key', 'POST', '/api/v1/api-keys', { name: `split actions ${bus}`, role: 'operator' });
      expect(operator.status).toBe(201);
      const floor = c.client((operator.body as { key: string }).key);
      const w = await setupWarehouse(admin, { siteCode: 'SPLITX', aisles: 1, bays: 2, levels: 1, skus: 2 });
      const exceptionAbout = async (kind: string, subject: string): Promise<{ id: string; actions: string[] }> => until(kind, async () => {
        const res = await admin('exceptions', 'GET', `/api/v1/exceptions?kind=${kind}&siteId=${w.siteId}&status=OPEN`);
        return (res.body as { items: { id: string; subject: string; actions: string[] }[] }).items.find((x) => x.subject === subject);
      }, (x) => x !== undefined, 60_000) as Promise<{ id: string; actions: string[] }>;
      const act = async (id: string, action: string) => admin(action, 'POST', `/api/v1/exceptions/${id}/actions/${action}`, {});

      expect(await receiveStock(admin, w, 5, 1)).toBe(2 * 5);
      const allocated = async (sku: string, ref: string): Promise<string> => {
        const order = await createOrder(admin, w.siteId, { externalId: `SPLITX-${bus}-${ref}`, lines: [{ sku, quantity: 1 }] });
        await until('allocated', () => orderStatus(admin, order.id), (s) => s === 'ALLOCATED', 60_000);
        await until('pooled', async () => (await admin('pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}&limit=10`)).body as { items: { orderId: string }[] },
          (p) => p.items.some((i) => i.orderId === order.id), 60_000);
        return order.id;
      };

      // An order its release cannot reserve (its only location blocked after it was waved): RESERVATION_SHORTAGE. Its
      // retry asks inventory, in the stock service, to allocate it again, and answers why it cannot yet (before: 409
      // ACTION_UNAVAILABLE from the flow service, where inventory does not run).
      const shortSku = w.products[1]!.sku;
      const shortOrder = await allocated(shortSku, 'SHORT');
      const wave = await admin('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 10 });
      expect(wave.status).toBe(201);
      const shelf = ((await admin('balances', 'GET', `/api/v1/inventory/balances?siteId=${w.siteId}&sku=${shortSku}`)).body as { items: { locationId: string; available: number }[] })
        .items.find((b) => b.available > 0)!;
      expect((await admin('block', 'POST', `/api/v1/locations/${shelf.locationId}/block`, { reason: 'rack damaged' })).status).toBe(200);
      // Inventory (stock) hears of the block from location-master's event over the broker: the release waits for it, or
      // it could still reserve the shelf.
      await until('inventory heard of the block', async () => ((await admin('atp', 'GET', `/api/v1/inventory/atp?siteId=${w.siteId}&sku=${shortSku}`)).body as { items: { sku: string; unpickable: number }[] })
        .items.find((i) => i.sku === shortSku)?.unpickable ?? 0, (n) => n > 0, 60_000);
      expect((await admin('release', 'POST', `/api/v1/waves/${(wave.body as { id: string }).id}/release`)).status).toBe(200);
      await until('backordered', () => orderStatus(admin, shortOrder), (s) => s === 'BACKORDERED', 60_000);
      const shortage = await exceptionAbout('RESERVATION_SHORTAGE', shortOrder);
      const retry = await act(shortage.id, 'retry');
      expect([retry.status, (retry.body as { code: string }).code, (retry.body as { detail: string }).detail])
        .toEqual([409, 'ACTION_FAILED', expect.stringContaining('Still not enough available stock')]);

      // A task that failed three times: TASK_FAILED's requeue puts it back in the queue in the floor service.
      await allocated(w.products[0]!.sku, 'TASK');
      await planAndRelease(admin, w.siteId, 10);
      let taskId = '';
      for (const worker of ['fx-1', 'fx-2', 'fx-3']) {
        const next = await until('a task', async () => floor('next', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId: w.siteId, types: ['PICK'] }),
          (r) => r.status === 200, 60_000);
        taskId = (next.body as { id: string }).id;
        expect((await floor('start', 'POST', `/api/v1/tasks/${taskId}/start`, { workerId: worker })).status).toBe(200);
        expect((await floor('fail', 'POST', `/api/v1/tasks/${taskId}/fail`, { workerId: worker, reason: 'EQUIPMENT' })).status).toBe(200);
      }
      const failed = await exceptionAbout('TASK_FAILED', taskId);
      expect(failed.actions).toContain('requeue');
      const requeued = await act(failed.id, 'requeue');
      expect([requeued.status, (requeued.body as { status: string; resolution: string }).status]).toEqual([200, 'RESOLVED']);
      expect(((await admin('task', 'GET', `/api/v1/tasks/${taskId}`)).body as { status: string; failures: number })).toMatchObject({ status: 'QUEUED', failures: 0 });
      // The audit names the supervisor's key on the task's event, though another process ran the command.
      // (The event store is the gateway's; events are oldest first, the supervisor's requeue is the last of the task.)
      const events = await until('requeued event', async () => (await admin('events', 'GET', `/api/v1/events?type=tasks.task.requeued.v1&siteId=${w.siteId}&limit=10`)).body as { items: { subject: string; actorkind?: string; actorrole?: string }[] },
        (e) => e.items.filter((x) => x.subject === taskId).length === 3, 60_000);
      expect(events.items.filter((x) => x.subject === taskId).at(-1)).toMatchObject({ actorkind: 'key', actorrole: 'admin' });
    }, 180_000);

    // Cancels cross the broker here: orders decides (pack & ship's stopShipping over gRPC), and the floor and inventory
    // hear orders.order.cancelled late, possibly after the pick they race (the brief of 2026-12-05: cancel-moments.test.ts
    // runs every moment all-in-one; this runs the two that cross the broker).
    it('a cancel racing each order\'s dispatch, or landing mid-pick and right after its last pick, keeps every cancellation invariant', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      const admin = c.client(c.adminKey);
      const get = async (url: string): Promise<any> => {
        const res = await admin('get', 'GET', url);
        expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
        return res.body;
      };
      const cancel = async (id: string): Promise<{ status: number; code?: string; orderStatus?: string }> => {
        const res = await admin('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'split race' });
        const body = res.body as { code?: string; status?: string };
        return res.status === 200 ? { status: res.status, ...(body.status === undefined ? {} : { orderStatus: body.status }) } : { status: res.status, ...(body.code === undefined ? {} : { code: body.code }) };
      };
      const w = await setupWarehouse(admin, { siteCode: 'SPLITCC', aisles: 1, bays: 4, levels: 1, skus: 2 });
      expect(await receiveStock(admin, w, 40, 1)).toBe(80);
      const N = 8;
      const ids: string[] = [];
      // Two more are cancelled while their wave is released: picking and inventory hear the release (waves' topic) and
      // the cancel (orders' topic) in either order.
      for (let i = 0; i < N + 2; i++) ids.push((await createOrder(admin, w.siteId, { externalId: `SPLITC-${bus}-${i}`, lines: [{ sku: w.products[i % 2]!.sku, quantity: 2 }] })).id);
      for (const id of ids) await until('allocated', () => orderStatus(admin, id), (s) => s === 'ALLOCATED', 60_000);
      await until('pooled', async () => (await get(`/api/v1/waves/pool?siteId=${w.siteId}&limit=50`)).items as { orderId: string }[],
        (p) => ids.every((id) => p.some((x) => x.orderId === id)), 60_000);
      const planned = await admin('plan', 'POST', '/api/v1/waves', { siteId: w.siteId, maxOrders: 50 });
      expect([...(planned.body as { orderIds: string[] }).orderIds].sort()).toEqual([...ids].sort());
      const answers = new Map<string, { status: number; code?: string; orderStatus?: string }>();
      const atRelease = ids.splice(N, 2);
      const [released] = await Promise.all([
        admin('release', 'POST', `/api/v1/waves/${(planned.body as { id: string }).id}/release`),
        ...atRelease.map(async (id) => answers.set(id, await cancel(id))),
      ]);
      expect(released.status).toBe(200);
      const listOf = new Map<string, { id: string; lines: { id: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; sku: string; quantity: number }[] }>();
      for (const id of ids) listOf.set(id, await until('pick list', async () => (await get(`/api/v1/pick-lists?orderId=${id}`)).items[0], (l) => l !== undefined, 60_000));
      // Each picker takes a task and starts it (which order's list each gets does not matter).
      // A task of a list made for an order cancelled at release may still be offered until the floor hears of it: its
      // start is refused (409), and the picker takes the next.
      for (let k = 0, started = 0; started < N; k++) {
        expect(k).toBeLessThan(N + 10);
        const next = await until('a task', () => admin('next', 'POST', '/api/v1/tasks/next', { workerId: `sc-${bus}-${k}`, siteId: w.siteId, types: ['PICK'] }), (r) => r.status === 200, 60_000);
        const start = await admin('start', 'POST', `/api/v1/tasks/${(next.body as { id: string }).id}/start`, { workerId: `sc-${bus}-${k}` });
        expect([200, 409]).toContain(start.status);
        if (start.status === 200) started++;
      }
      const confirm = (id: string, quantity: number) => {
        const list = listOf.get(id)!;
        const line = list.lines[0]!;
        return admin('confirm', 'POST', `/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`, {
          locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity, toteId: `TOTE-SC-${id}`,
        });
      };
      const pause = (): Promise<void> => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      // Orders 0-3: picked whole, packed, booked, then dispatch and cancel at once. Orders 4-7: one unit picked and
      // cancelled (4, 6), or both picked and cancelled at once with the pick's answer (5, 7).
      const racers = ids.slice(0, 4);
      const pickers = ids.slice(4);
      const refused = new Set<string>();
      for (const id of racers) expect((await confirm(id, 2)).status).toBe(200);
      await Promise.all(pickers.map(async (id, k) => {
        if (k % 2 === 0) {
          expect((await confirm(id, 1)).status).toBe(200);
          answers.set(id, await cancel(id));
        } else {
          const [picked, cancelled] = await Promise.all([confirm(id, 2), cancel(id)]);
          // The cancel stops picking before it is answered (ADR 0011, 2026-12-06 ter): a confirm committed after it is
          // refused ORDER_CANCELLED, nothing picked.
          expect([200, 409]).toContain(picked.status);
          if (picked.status === 409) {
            expect(picked.body).toMatchObject({ code: 'ORDER_CANCELLED' });
            refused.add(id);
          }
          answers.set(id, cancelled);
        }
      }));
      const shipments = new Map<string, string>();
      for (const id of racers) {
        await until('picked', () => orderStatus(admin, id), (s) => s === 'PICKED', 60_000);
        // Pack & ship hears of the picks on its own consumer: until it has, there is nothing (or not all) to pack.
        await until('packed', async () => (await admin('pack', 'POST', '/api/v1/packages', { orderId: id })).status, (s) => s === 201, 60_000);
        const shipment = await until('booked', () => admin('ship', 'POST', '/api/v1/shipments', { orderId: id }), (r) => r.status === 201, 60_000);
        shipments.set(id, (shipment.body as { id: string }).id);
      }
      const dispatched = new Map<string, number>();
      await Promise.all(racers.map(async (id) => {
        const [d, cancelled] = await Promise.all([
          pause().then(() => admin('dispatch', 'POST', `/api/v1/shipments/${shipments.get(id)!}/dispatch`)),
          pause().then(() => cancel(id)),
        ]);
        dispatched.set(id, d.status);
        answers.set(id, cancelled);
      }));

      // Each answer is clear, and exactly one of dispatch and cancel won.
      const cancelledIds: string[] = [];
      const shippedIds: string[] = [];
      for (const id of ids) {
        const a = answers.get(id)!;
        if (a.status === 200) {
          expect(a.orderStatus).toBe('CANCELLED');
          cancelledIds.push(id);
          if (racers.includes(id)) expect({ id, dispatch: dispatched.get(id) }).toEqual({ id, dispatch: 409 });
        } else {
          expect({ id, a }).toEqual({ id, a: { status: 409, code: 'ORDER_SHIPPED' } });
          expect({ id, dispatch: dispatched.get(id) }).toEqual({ id, dispatch: 200 });
          shippedIds.push(id);
        }
      }
      expect(cancelledIds).toEqual(expect.arrayContaining(pickers));
      for (const id of atRelease) {
        expect(answers.get(id)).toEqual({ status: 200, orderStatus: 'CANCELLED' });
        // Whichever the floor heard first, no pick list of it stays open and nothing is left reserved (checked below).
        await until('no open pick list', async () => ((await get(`/api/v1/pick-lists?orderId=${id}`)).items as { status: string }[]).filter((l) => l.status !== 'CANCELLED'),
          (open) => open.length === 0, 60_000);
        expect(await orderStatus(admin, id)).toBe('CANCELLED');
      }
      // Every order reaches its final state once the broker has carried everything (events may arrive late).
      for (const id of shippedIds) await until('shipped', () => orderStatus(admin, id), (s) => s === 'SHIPPED', 60_000);
      for (const id of cancelledIds) {
        expect(await orderStatus(admin, id)).toBe('CANCELLED');
        // Nothing of it ships: every package and shipment voided, none dispatched.
        const ships = (await get(`/api/v1/shipments?orderIds=${id}`)).items as { status: string; dispatchedAt: string | null }[];
        expect(ships.every((s) => s.status === 'CANCELLED' && s.dispatchedAt === null), JSON.stringify(ships)).toBe(true);
        const packages = (await get(`/api/v1/packages?orderId=${id}`)).items as { status: string }[];
        expect(packages.every((p) => p.status === 'CANCELLED'), JSON.stringify(packages)).toBe(true);
        // Its pick list is closed and its units picked are in its tote under open returns, each with a queued MOVE task.
        await until('pick list closed', async () => (await get(`/api/v1/pick-lists/${listOf.get(id)!.id}`)).status as string, (s) => s === 'CANCELLED' || s === 'COMPLETED', 60_000);
        const inTote = async (): Promise<number> => ((await get(`/api/v1/inventory/balances?siteId=${w.siteId}&locationId=${encodeURIComponent(`IN_PROCESS:${id}`)}`)).items as { onHand: number }[])
          .reduce((n, b) => n + b.onHand, 0);
        const picked = refused.has(id) ? await inTote() : await until('picks heard by inventory', inTote, (n) => n > 0, 60_000);
        if (refused.has(id)) expect(picked).toBe(0);
        const returns = await until('returns opened', async () => (await get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${id}`)).items as { id: string; open: number; status: string; suggestedLocationId: string }[],
          (r) => r.filter((x) => x.status === 'OPEN').reduce((n, x) => n + x.open, 0) === picked, 60_000);
        for (const r of returns) {
          await until('return task', async () => ((await get(`/api/v1/tasks?siteId=${w.siteId}&type=MOVE&limit=500`)).items as { reference: string; status: string }[]).find((x) => x.reference === r.id)?.status,
            (s) => s === 'QUEUED', 60_000);
          const done = await admin('return', 'POST', `/api/v1/inventory/returns/${r.id}/confirm`, { locationId: r.suggestedLocationId });
          expect([done.status, (done.body as { status: string }).status]).toEqual([200, 'COMPLETED']);
        }
        await until('tote empty', inTote, (n) => n === 0, 60_000);
      }
      for (const id of shippedIds) expect((await get(`/api/v1/inventory/returns?siteId=${w.siteId}&orderId=${id}`)).items).toEqual([]);
      // Stock is conserved: nothing allocated or reserved is left, and what shipped is what the shipped orders ordered.
      await until('stock settled', async () => (await get(`/api/v1/inventory/summary?siteId=${w.siteId}`)).items as Record<string, number>[],
        (s) => s.every((x) => x.allocated === 0 && x.reserved === 0 && x.ledgerOnHand === x.onHand && x.received! - x.shipped! + x.adjusted! === x.onHand)
          && s.reduce((n, x) => n + x.shipped!, 0) === shippedIds.length * 2, 60_000);
      // Every task of the site is closed.
      await until('tasks closed', async () => ((await get(`/api/v1/tasks?siteId=${w.siteId}&limit=500`)).items as { status: string }[]).filter((x) => x.status !== 'COMPLETED' && x.status !== 'CANCELLED'),
        (open) => open.length === 0, 60_000);
    }, 180_000);

    // The cancel is decided in the flow process and answered there, the SHIP scan in the floor process: a scan whose read
    // of pack & ship passed before the cancel, committed after it, shipped a carton whose cancel was answered 200. Now
    // the scan claims the orders at pack & ship first, and the cancel's answer (over gRPC, ShippingAtDock) holds.
    it('a cancel and the SHIP scan of its pallet at the same moment: answered cancelled never ships, shipped was refused', async (ctx) => {
      if (!reachable) return ctx.skip();
      const c = cluster!;
      const admin = c.client(c.adminKey);
      const w = await setupWarehouse(admin, { siteCode: 'SPLITSHP', aisles: 1, bays: 2, levels: 1, skus: 2 });
      await receiveStock(admin, w, 40, 1);
      const N = 6;
      const ids: string[] = [];
      for (let i = 0; i < N; i++) ids.push((await createOrder(admin, w.siteId, { externalId: `SPLITS-${bus}-${i}`, lines: [{ sku: w.products[i % 2]!.sku, quantity: 1 }] })).id);
      for (const id of ids) await until('allocated', () => orderStatus(admin, id), (s) => s === 'ALLOCATED', 60_000);
      await until('pooled', async () => ((await admin('pool', 'GET', `/api/v1/waves/pool?siteId=${w.siteId}&limit=50`)).body as { items: { orderId: string }[] }).items,
        (p) => ids.every((id) => p.some((x) => x.orderId === id)), 60_000);
      await planAndRelease(admin, w.siteId, 50);
      await workTasks(admin, w.siteId, ['ss-1', 'ss-2'], { expectedTasks: N });
      const pallets = new Map<string, { code: string; cartonId: string }>();
      for (const id of ids) {
        await until('picked', () => orderStatus(admin, id), (s) => s === 'PICKED', 60_000);
        await until('packed', async () => (await admin('pack', 'POST', '/api/v1/packages', { orderId: id })).status, (s) => s === 201, 60_000);
        await until('booked', async () => (await admin('ship', 'POST', '/api/v1/shipments', { orderId: id })).status, (s) => s === 201, 60_000);
        const packageId = ((await admin('packages', 'GET', `/api/v1/packages?orderId=${id}`)).body as { items: { id: string }[] }).items[0]!.id;
        const code = `SPAL-${id}`;
        const pallet = await admin('pallet', 'POST', '/api/v1/lpns', { siteId: w.siteId, type: 'PALLET', code });
        expect(pallet.status).toBe(201);
        const loaded = await until('loaded', () => admin('load', 'POST', '/api/v1/scans', { siteId: w.siteId, barcode: packageId, meaning: 'LOAD_ONTO_PALLET', into: (pallet.body as { id: string }).id }),
          (r) => r.status === 201, 60_000);
        pallets.set(id, { code, cartonId: ((loaded.body as { lpn: { id: string } }).lpn).id });
      }
      const pause = (): Promise<void> => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 10)));
      const rounds = await Promise.all(ids.map(async (id) => {
        const [cancelled, scanned] = await Promise.all([
          pause().then(() => admin('cancel', 'POST', `/api/v1/orders/${id}/cancel`, { reason: 'split ship race' })),
          pause().then(() => admin('ship scan', 'POST', '/api/v1/scans', { siteId: w.siteId, barcode: pallets.get(id)!.code, meaning: 'SHIP' })),
        ]);
        return { id, cancel: cancelled.status === 200 ? '200' : `${cancelled.status} ${(cancelled.body as { code: string }).code}`, scan: scanned.status };
      }));
      for (const r of rounds) {
        const carton = ((await admin('lpn', 'GET', `/api/v1/lpns/${pallets.get(r.id)!.cartonId}`)).body as { status: string }).status;
        if (r.cancel === '200') {
          expect({ ...r, carton: carton === 'SHIPPED' ? 'SHIPPED' : 'on the floor' }).toMatchObject({ scan: 409, carton: 'on the floor' });
        }
        if (r.cancel !== '200') {
          expect({ ...r, carton }).toMatchObject({ scan: 201, carton: 'SHIPPED' });
          expect(r.cancel).toMatch(/^409 ORDER_SHIPP(ED|ING)$/);
          const again = await until('the scan settled', () => admin('cancel', 'POST', `/api/v1/orders/${r.id}/cancel`, {}), (x) => (x.body as { code?: string }).code !== 'ORDER_SHIPPING', 30_000);
          expect([again.status, (again.body as { code: string }).code]).toEqual([409, 'ORDER_SHIPPED']);
        }
      }
    }, 180_000);
  });
}
