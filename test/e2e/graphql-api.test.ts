import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { createOrder, injectClient, receiveStock, setupWarehouse, type Warehouse } from '../support/flow-driver.ts';
import { gqlClient, must, subscribe } from '../support/graphql-client.ts';
import { SUBSCRIPTION_RECHECK_MS } from '../../src/gateway/graphql/resolvers.ts';
import { MAX_DEPTH, MAX_FIELDS, MAX_ROOT_FIELDS } from '../../src/gateway/graphql/limits.ts';
import { schema as gqlSchema } from '../../src/gateway/graphql/schema.ts';
import { buildSchema, isNonNullType, type GraphQLInputObjectType, type GraphQLObjectType } from 'graphql';

/** The GraphQL edge: who may call it, what it answers when refused, GraphiQL, and the REST batch reads its loaders use. */
let t: TestApp;
let w: Warehouse;
let orderIds: string[];

beforeAll(async () => {
  t = await startTestApp();
  const rest = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(rest, { siteCode: 'GQA', aisles: 1, bays: 4, levels: 1, skus: 3 });
  await receiveStock(rest, w, 10, 1);
  orderIds = [];
  for (let i = 0; i < 3; i++) orderIds.push((await createOrder(rest, w.siteId, { externalId: `GQA-${i}`, lines: [{ sku: w.products[i]!.sku, quantity: 1 }] })).id);
  await t.settle();
});
afterAll(async () => {
  await t.close();
});

let listening: string | undefined;
/** The websocket URL of /graphql on the test app, listening on a free loopback port (once per file). */
async function wsUrl(): Promise<string> {
  listening ??= await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  return `${listening.replace('http', 'ws')}/graphql`;
}

const post = (payload: unknown, headers: Record<string, string> = {}) =>
  t.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...headers }, payload: payload as object });

describe('GraphQL authentication', () => {
  it('refuses a request without a credential, or with a wrong one, before any operation runs (401 UNAUTHENTICATED)', async () => {
    for (const headers of [{}, { 'x-api-key': 'pk_wrong' }]) {
      const res = await post({ query: '{ __schema { queryType { name } } }' }, headers);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const res = await post({ query: 'mutation { cancelWave(id: "wav_x") { __typename } }' });
    expect(res.statusCode).toBe(401);
  });

  it('answers introspection and queries to any role, and each operation keeps its REST roles', async () => {
    const viewer = gqlClient(t.app, t.keys.viewer);
    expect((await must(viewer, '{ __schema { mutationType { name } } }')).__schema.mutationType.name).toBe('Mutation');
    const orders = await must(viewer, `query($s: String!) { orders(siteId: $s) { nodes { id } } }`, { s: w.siteId });
    expect(orders.orders.nodes).toHaveLength(3);
    // GET /api/v1/events is not for operators: the GraphQL field is refused the same way, in errors[] (a query, not a command).
    const denied = await gqlClient(t.app, t.keys.operator)('{ events(first: 1) { nodes { id } } }');
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    const planned = await must(viewer, `mutation($s: String!) { planWave(siteId: $s) { __typename ... on BusinessError { code } } }`, { s: w.siteId });
    expect(planned.planWave).toEqual({ __typename: 'Forbidden', code: 'FORBIDDEN' });
  });

  it('refuses a document that does not parse or validate with a code, as every refusal carries (VALIDATION_FAILED)', async () => {
    // One unknown field; a document that does not parse; two errors at once (mercurius alone answered those 200).
    for (const query of ['{ nope }', '{ orders(', '{ nope alsoNope }']) {
      const res = await post({ query }, { 'x-api-key': t.keys.viewer });
      expect(res.statusCode, query).toBe(400);
      const body = res.json<{ data: unknown; errors: { message: string; extensions?: { code?: string; status?: number } }[] }>();
      expect(body.data, query).toBeNull();
      expect(body.errors.length, query).toBeGreaterThan(0);
      for (const e of body.errors) expect(e.extensions, `${query}: ${e.message}`).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    }
  });

  it('a query\'s argument that is no well-formed Unicode (a lone surrogate in a variable) is VALIDATION_FAILED naming it, as REST refuses it (found by the input10 hunt: "URI malformed" with no code)', async () => {
    const gql = gqlClient(t.app, t.keys.viewer);
    const list = await gql('query($s: String!, $sku: String) { ledger(siteId: $s, sku: $sku) { nodes { id } } }', { s: w.siteId, sku: 'A\ud800' });
    expect([list.data?.ledger ?? null, list.errors?.map((e) => [e.extensions?.code, (e.extensions as { fieldErrors?: unknown } | undefined)?.fieldErrors])])
      .toEqual([null, [['VALIDATION_FAILED', [{ field: '/sku', message: 'must be well-formed Unicode (no lone surrogate)' }]]]]);
    const one = await gql('query($id: ID!) { order(id: $id) { id } }', { id: 'ord_\udc00' });
    expect([one.data?.order ?? null, one.errors?.map((e) => [e.extensions?.code, e.extensions?.status])]).toEqual([null, [['VALIDATION_FAILED', 400]]]);
  });

  it('refuses a query that is JSON (a syntax tree mercurius would take as it is) with 400 VALIDATION_FAILED, never running it (found by the black-box hunt)', async () => {
    // mercurius reads a query that does not parse as GraphQL as a JSON syntax tree: a tree the parser never makes (an
    // operation without a selection set) broke validation with a TypeError, answered 500, and a well-formed one ran.
    const field = (name: string, args: string, selections: string): string => `{"kind":"Field","name":{"kind":"Name","value":"${name}"},"arguments":[${args}],`
      + `"selectionSet":{"kind":"SelectionSet","selections":[${selections}]}}`;
    const typename = '{"kind":"Field","name":{"kind":"Name","value":"__typename"}}';
    const cancel = field('cancelWave', '{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"StringValue","value":"wav_nope"}}', typename);
    for (const query of [
      '{"kind":"Document"}', '{"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query"}]}', '5', 'null', '[]',
      `{"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","selectionSet":{"kind":"SelectionSet","selections":[${cancel}]}}]}`,
    ]) {
      const res = await post({ query }, { 'x-api-key': t.keys.manager });
      const body = res.json<{ data?: unknown; errors?: { extensions?: { code?: string } }[]; code?: string }>();
      expect([res.statusCode, body.data ?? null, body.errors?.[0]?.extensions?.code ?? body.code], `${query}: ${res.body.slice(0, 300)}`).toEqual([400, null, 'VALIDATION_FAILED']);
    }
  });

  it('refuses a subscription sent with POST (it runs over the websocket): 400 VALIDATION_FAILED, not a 200 with an uncoded error (found by the black-box hunt)', async () => {
    const subscription = `subscription { orderProgress(orderId: "${orderIds[0]}") { type } }`;
    for (const payload of [{ query: subscription }, { query: `query Q { __typename } ${subscription.replace('subscription', 'subscription S')}`, operationName: 'S' }]) {
      const res = await post(payload, { 'x-api-key': t.keys.viewer });
      const body = res.json<{ code?: string; errors?: { field: string }[] }>();
      expect([res.statusCode, body.code, body.errors?.[0]?.field], res.body.slice(0, 300)).toEqual([400, 'VALIDATION_FAILED', '/query']);
    }
    // The query of such a document still runs when it is the one named.
    const query = await post({ query: `query Q { __typename } subscription S { orderProgress(orderId: "${orderIds[0]}") { type } }`, operationName: 'Q' }, { 'x-api-key': t.keys.viewer });
    expect([query.statusCode, query.json().data]).toEqual([200, { __typename: 'Query' }]);
  });

  it('refuses a blank or empty Idempotency-Key as REST does (400 VALIDATION_FAILED), running no mutation (found by the black-box hunt)', async () => {
    // "   " became the key "   :m" of each mutation (REST refuses a blank key), and "" no key at all.
    const before = (await t.get(`/api/v1/orders/${orderIds[2]}`)).body.status as string;
    for (const key of ['', '   ']) {
      const res = await post({ query: `mutation { m: cancelOrder(id: "${orderIds[2]}", reason: "blank key") { __typename } }` }, { 'x-api-key': t.keys.manager, 'idempotency-key': key });
      const body = res.json<{ code?: string; errors?: unknown[] }>();
      expect([res.statusCode, body.code, body.errors], JSON.stringify(key)).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/idempotency-key', message: 'must not be blank' }]]);
    }
    expect((await t.get(`/api/v1/orders/${orderIds[2]}`)).body.status).toBe(before);
  });

  it('refuses an idempotencyKey argument no HTTP header could carry (a line break, a NUL, a tab, a character beyond ASCII) as REST does: ValidationFailed naming /headers/idempotency-key, nothing changed, no key kept (found by the edge6 hunt: "a\\nb" was kept as a key, a NUL reached the database)', async () => {
    const manager = gqlClient(t.app, t.keys.manager);
    const before = (await t.get(`/api/v1/orders/${orderIds[2]}`)).body.status as string;
    const keys = async (): Promise<number> => Number((await t.app.db.query<{ n: string }>(`SELECT count(*) AS n FROM platform.idempotency_keys`))[0]!.n);
    const kept = await keys();
    for (const key of ['a\nb', 'a\r\nX-Api-Key: x', 'k\u0000', 'a\tb', 'clé', 'k😀']) {
      const res = await manager(`mutation($k: String) { m: holdOrder(id: "${orderIds[2]}", reason: "odd key", idempotencyKey: $k) { __typename ... on BusinessError { code fieldErrors { field } } } }`, { k: key });
      expect(res.data?.m, JSON.stringify(key)).toEqual({ __typename: 'ValidationFailed', code: 'VALIDATION_FAILED', fieldErrors: [{ field: '/headers/idempotency-key' }] });
    }
    expect((await t.get(`/api/v1/orders/${orderIds[2]}`)).body.status).toBe(before);
    expect(await keys()).toBe(kept);
    // Over REST the same: a tab or a byte beyond ASCII reaches the server in a header (a line break or NUL cannot).
    for (const key of ['a\tb', 'cl\u00e9']) {
      const res = await t.request('POST', `/api/v1/orders/${orderIds[2]}/hold`, { body: { reason: 'odd key' }, role: 'manager', headers: { 'idempotency-key': key } });
      expect([res.status, res.body.code, res.body.errors], JSON.stringify(key)).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/idempotency-key', message: 'must be printable ASCII' }]]);
    }
    expect((await t.get(`/api/v1/orders/${orderIds[2]}`)).body.status).toBe(before);
    // A key of printable ASCII, spaces inside included, is taken as before.
    const fine = await manager(`mutation { m: holdOrder(id: "${orderIds[2]}", reason: "fine key", idempotencyKey: "a key ~!@#") { __typename } }`);
    expect(fine.data?.m).toEqual({ __typename: 'Order' });
    expect((await t.request('POST', `/api/v1/orders/${orderIds[2]}/release-hold`, { role: 'manager' })).status).toBe(200);
  });

  it('refuses variables of the wrong type with a code every time, the compiled (jit) document too (found by the black-box hunt)', async () => {
    // The first answer came from graphql's validation (400 VALIDATION_FAILED); the document, compiled after one use,
    // answered the same mistake 200 with an error that had no code.
    const query = 'query Hunt($first: Int, $id: ID!) { orders(first: $first) { edges { node { id } } } order(id: $id) { id } }';
    for (const variables of [{ first: 'abc', id: 'ord_x' }, { first: 1.5, id: 'ord_x' }, { first: 2 ** 40, id: 'ord_x' }, { first: 1 }, { first: 1, id: ['a'] }]) {
      for (let i = 0; i < 3; i++) {
        const res = await post({ query, variables }, { 'x-api-key': t.keys.viewer });
        const body = res.json<{ data: unknown; errors?: { message: string; extensions?: { code?: string; status?: number } }[] }>();
        expect([res.statusCode, body.data], `${JSON.stringify(variables)} #${i}: ${res.body}`).toEqual([400, null]);
        for (const e of body.errors ?? []) expect(e.extensions, `${JSON.stringify(variables)} #${i}: ${e.message}`).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
      }
    }
  });

  it('refuses a document that would amplify one request into hundreds of operations (aliases, fragment spreads): 400 VALIDATION_FAILED, nothing run', async () => {
    const aliases = (n: number, field = 'orders(first: 500) { edges { node { id } } }') => `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    expect((await post({ query: aliases(MAX_ROOT_FIELDS) }, { 'x-api-key': t.keys.viewer })).statusCode).toBe(200);
    const spread = `{ ...F ...F } fragment F on Query { ${Array.from({ length: 15 }, (_, i) => `f${i}: order(id: "${orderIds[0]}") { id }`).join(' ')} }`;
    const many = `{ orders(first: 1) { edges { node { ${Array.from({ length: MAX_FIELDS }, (_, i) => `i${i}: id`).join(' ')} } } } }`;
    for (const query of [aliases(MAX_ROOT_FIELDS + 1), aliases(300), spread, many]) {
      const res = await post({ query }, { 'x-api-key': t.keys.viewer });
      const body = res.json<{ data: unknown; errors: { message: string; extensions?: { code?: string } }[] }>();
      expect([res.statusCode, body.data, body.errors[0]?.extensions?.code], `${query.slice(0, 80)}: ${res.body.slice(0, 300)}`).toEqual([400, null, 'VALIDATION_FAILED']);
      expect(body.errors[0]!.message).toMatch(/at most/);
    }
    // Counting stops past MAX_FIELDS: 2,000 aliases were said to be "126" root fields, a number the caller never sent.
    const big = (await post({ query: aliases(2000) }, { 'x-api-key': t.keys.viewer })).json<{ errors: { message: string }[] }>();
    expect(big.errors[0]!.message).toMatch(new RegExp(`at most ${MAX_ROOT_FIELDS} root fields .*; this one asks for more than \\d+: send several requests$`));
    expect(Number(/more than (\d+)/.exec(big.errors[0]!.message)?.[1])).toBeGreaterThan(MAX_ROOT_FIELDS);
    expect((await post({ query: aliases(100) }, { 'x-api-key': t.keys.viewer })).json<{ errors: { message: string }[] }>().errors[0]!.message).toContain('this one asks for 100:');
    const mutations = `mutation { ${Array.from({ length: 30 }, (_, i) => `m${i}: cancelOrder(id: "ord_nope${i}") { __typename }`).join(' ')} }`;
    expect((await post({ query: mutations }, { 'x-api-key': t.keys.manager })).statusCode).toBe(400);
  });

  it('refuses a document nested deeper than MAX_DEPTH fields, before anything runs or is compiled (found by the edges hunt: 998 nested fields in 10 KB, within the field limit, held the event loop for seconds while graphql-jit compiled them)', async () => {
    // Order.wave.orders.wave…: `levels` fields deep under order(id).
    const nested = (levels: number): string => {
      const pairs = Math.floor((levels - 2) / 2);
      const last = levels - 1 - 2 * pairs === 2 ? 'wave { id }' : 'id';
      return `{ order(id: "${orderIds[0]}") { ${'wave { orders { '.repeat(pairs)}${last}${' } }'.repeat(pairs)} } }`;
    };
    // The standard introspection query (GraphiQL's) is 15 deep: well inside.
    expect(MAX_DEPTH).toBeGreaterThanOrEqual(20);
    for (let i = 0; i < 2; i++) {
      const ok = await post({ query: nested(MAX_DEPTH) }, { 'x-api-key': t.keys.viewer });
      expect([ok.statusCode, ok.json<{ errors?: unknown }>().errors], ok.body.slice(0, 300)).toEqual([200, undefined]);
    }
    for (const levels of [MAX_DEPTH + 1, 400, 998]) {
      // Twice: the second sending of a document is the one graphql-jit compiles.
      for (let i = 0; i < 2; i++) {
        const started = performance.now();
        const res = await post({ query: nested(levels) }, { 'x-api-key': t.keys.viewer });
        const body = res.json<{ data: unknown; errors: { message: string; extensions?: { code?: string } }[] }>();
        expect([res.statusCode, body.data, body.errors[0]?.extensions?.code], `${levels} #${i}: ${res.body.slice(0, 300)}`).toEqual([400, null, 'VALIDATION_FAILED']);
        expect(body.errors[0]!.message).toMatch(new RegExp(`at most ${MAX_DEPTH} fields deep`));
        expect(performance.now() - started, `${levels} #${i}`).toBeLessThan(1_500);
      }
    }
    // Too deep for the parser itself (its stack): the same clear words, not "Maximum call stack size exceeded".
    const res = await post({ query: `{ ${'products { nodes { '.repeat(4000)} sku ${'} } '.repeat(4000)} }` }, { 'x-api-key': t.keys.viewer });
    const body = res.json<{ data: unknown; errors: { message: string; extensions?: { code?: string } }[] }>();
    expect([res.statusCode, body.data, body.errors[0]?.extensions?.code]).toEqual([400, null, 'VALIDATION_FAILED']);
    expect(body.errors[0]!.message).toMatch(new RegExp(`at most ${MAX_DEPTH} fields deep`));
  });

  it('serves GET /graphql only as the subscriptions websocket', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/graphql?query=%7B__typename%7D', headers: { 'x-api-key': t.keys.admin } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('refuses a websocket whose connection_init carries no valid credential, and a subscription to an unknown order', async () => {
    const url = await wsUrl();
    const query = 'subscription($id: ID!) { orderProgress(orderId: $id) { type } }';
    for (const init of [{}, { headers: { 'x-api-key': 'pk_wrong' } }]) {
      const s = await subscribe(url, init, query, { id: orderIds[0] });
      expect(s.acked).toBe(false);
      await s.closed;
      expect(s.received).toEqual([]);
    }
    const known = await subscribe(url, { headers: { 'x-api-key': t.keys.viewer } }, query, { id: orderIds[0] });
    expect(known.acked).toBe(true);
    known.ws.close();
    await known.closed;
    const unknown = await subscribe(url, { 'x-api-key': t.keys.viewer }, query, { id: 'ord_nope' });
    await expect.poll(() => unknown.errors.length).toBe(1);
    expect(unknown.errors[0]).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    unknown.ws.close();
    await unknown.closed;
  });

  it('validates a subscription document as POST does: an unknown field or two root fields is VALIDATION_FAILED, nothing subscribed (run unvalidated before, found by the black-box hunt)', async () => {
    const url = await wsUrl();
    const init = { headers: { 'x-api-key': t.keys.viewer } };
    const refused = async (query: string): Promise<void> => {
      const s = await subscribe(url, init, query, { id: orderIds[0] });
      expect(s.acked).toBe(true);
      await expect.poll(() => s.errors.length, { timeout: 3_000 }).toBe(1);
      expect(s.errors[0]).toEqual([expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code: 'VALIDATION_FAILED' }) })]);
      s.ws.close();
      await s.closed;
    };
    // A field Progress does not have: the subscription ran (its subject read, a live subscription) and failed only at its first event.
    await refused('subscription($id: ID!) { orderProgress(orderId: $id) { type nope } }');
    // A subscription has one root field (GraphQL's SingleFieldSubscriptionsRule): the second was silently dropped.
    await refused('subscription($id: ID!) { a: orderProgress(orderId: $id) { type } b: orderProgress(orderId: $id) { type } }');
    // A variable the document does not declare.
    await refused('subscription { orderProgress(orderId: $id) { type } }');
  });
});

describe('GraphQL websocket frames', () => {
  /** Opens a graphql-transport-ws socket (acknowledged unless `init` is false), sends `frames`, and collects what comes back. */
  async function exchange(frames: unknown[], init = true): Promise<{ type: string; id?: string; payload?: any }[]> {
    const ws = new WebSocket(await wsUrl(), 'graphql-transport-ws');
    const got: { type: string; id?: string; payload?: any }[] = [];
    ws.on('message', (raw) => { got.push(JSON.parse((raw as Buffer).toString('utf8')) as { type: string }); });
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
    if (init) {
      ws.send(JSON.stringify({ type: 'connection_init', payload: { headers: { 'x-api-key': t.keys.viewer } } }));
      await expect.poll(() => got.some((m) => m.type === 'connection_ack')).toBe(true);
    }
    for (const f of frames) ws.send(typeof f === 'string' ? f : JSON.stringify(f));
    const expected = frames.length + (init ? 1 : 0);
    await expect.poll(() => got.length >= expected || ws.readyState !== WebSocket.OPEN, { timeout: 3_000 }).toBe(true);
    ws.close();
    await closed;
    return got;
  }
  const coded = (code: string) => expect.objectContaining({ message: expect.any(String), extensions: expect.objectContaining({ code }) });

  it('refuses a malformed subscribe frame with a coded error (VALIDATION_FAILED), not a bare message (found by the gap hunt)', async () => {
    const query = `subscription { orderProgress(orderId: "${orderIds[0]!}") { type } }`;
    const frames = [
      { id: 'no-payload', type: 'subscribe' },
      { id: 'payload-not-object', type: 'subscribe', payload: 'subscription { x }' },
      { id: 'query-a-number', type: 'subscribe', payload: { query: 42 } },
      { id: 'query-an-object', type: 'subscribe', payload: { query: { kind: 'Document', definitions: [] } } },
      { id: 'no-query', type: 'subscribe', payload: { variables: {} } },
      { id: 'variables-a-list', type: 'subscribe', payload: { query, variables: [1] } },
      { id: 'does-not-parse', type: 'subscribe', payload: { query: 'subscription {' } },
      { id: 'a-query', type: 'subscribe', payload: { query: '{ __typename }' } },
      { id: 'a-mutation', type: 'subscribe', payload: { query: 'mutation { __typename }' } },
      { id: 'no-such-operation', type: 'subscribe', payload: { query, operationName: 'Nope' } },
      { id: 'unknown-extension', type: 'subscribe', payload: { query }, extensions: [{ type: 'nope' }] },
    ];
    const got = await exchange(frames);
    const errors = got.filter((m) => m.type === 'error');
    // Before: each came back as an error frame with a message only (a TypeError's words for the first ones), no code.
    expect(errors.map((m) => m.id)).toEqual(frames.map((f) => f.id));
    for (const e of errors) expect(e.payload, e.id).toEqual([coded('VALIDATION_FAILED')]);
    expect(got.filter((m) => m.type === 'next')).toEqual([]);
  });

  it('codes the frames that are no message at all, and a subscribe before connection_init', async () => {
    const got = await exchange(['not json', { id: 'x', type: 'nope' }]);
    expect(got.filter((m) => m.type === 'error').map((m) => m.payload)).toEqual([[coded('VALIDATION_FAILED')], [coded('VALIDATION_FAILED')]]);
    const early = await exchange([{ id: 'early', type: 'subscribe', payload: { query: 'subscription { __typename }' } }], false);
    expect(early.map((m) => [m.type, m.payload])).toEqual([['connection_error', coded('VALIDATION_FAILED')]]);
    const ws = new WebSocket(await wsUrl(), 'graphql-transport-ws');
    const refused = new Promise<unknown>((resolve) => ws.on('message', (raw) => resolve(JSON.parse((raw as Buffer).toString('utf8')))));
    await new Promise<void>((resolve) => ws.once('open', () => resolve()));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { headers: { 'x-api-key': 'pk_wrong' } } }));
    expect(await refused).toEqual({ type: 'connection_error', payload: coded('UNAUTHENTICATED') });
    ws.close();
  });
});

describe('GraphQL subscriptions and revoked credentials', () => {
  it('ends the subscription of a key revoked while its socket is open; other subscribers go on receiving', async () => {
    const url = await wsUrl();
    const query = 'subscription($id: ID!) { orderProgress(orderId: $id) { type } }';
    const created = await t.post('/api/v1/api-keys', { name: 'gql revoked', role: 'viewer' }, 'admin');
    expect(created.status).toBe(201);
    const { id, key } = created.body as { id: string; key: string };
    const revoked = await subscribe(url, { headers: { 'x-api-key': key } }, query, { id: orderIds[2] });
    const kept = await subscribe(url, { headers: { 'x-api-key': t.keys.viewer } }, query, { id: orderIds[2] });
    expect(revoked.acked && kept.acked).toBe(true);
    expect((await t.post(`/api/v1/api-keys/${id}/revoke`, {}, 'admin')).status).toBe(200);
    // The credential is trusted for SUBSCRIPTION_RECHECK_MS; the next event after that asks again.
    await new Promise((r) => setTimeout(r, SUBSCRIPTION_RECHECK_MS + 200));
    expect((await t.post(`/api/v1/orders/${orderIds[2]}/cancel`, { reason: 'subscription test' }, 'manager')).status).toBe(200);
    await expect.poll(() => kept.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => revoked.completed(), { timeout: 10_000 }).toBe(true);
    expect(revoked.received).toEqual([]);
    for (const s of [revoked, kept]) {
      s.ws.close();
      await s.closed;
    }
  });
});

describe('GraphQL subscriptions and a signed-out session', () => {
  it('ends the subscription of a person who signs out at its next event, without waiting for the periodic check (found by the roles hunt)', async () => {
    const url = await wsUrl();
    const query = 'subscription($id: ID!) { orderProgress(orderId: $id) { type } }';
    const password = 'a long enough subscriber password';
    expect((await t.post('/api/v1/users', { username: 'gql.subscriber', password, grants: [{ siteId: '*', role: 'viewer' }] }, 'admin')).status).toBe(201);
    const session = (await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'gql.subscriber', password } })).body;
    const out = await subscribe(url, { headers: { authorization: `Bearer ${session.accessToken as string}` } }, query, { id: orderIds[1] });
    const kept = await subscribe(url, { headers: { 'x-api-key': t.keys.viewer } }, query, { id: orderIds[1] });
    expect(out.acked && kept.acked).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await t.request('POST', '/api/v1/auth/logout', { role: null, body: { refreshToken: session.refreshToken } })).status).toBe(204);
    // At once: before, the subscription was trusted for SUBSCRIPTION_RECHECK_MS and heard this cancel.
    expect((await t.post(`/api/v1/orders/${orderIds[1]}/cancel`, { reason: 'signed-out subscription test' }, 'manager')).status).toBe(200);
    await expect.poll(() => kept.received.length, { timeout: 10_000 }).toBeGreaterThan(0);
    await expect.poll(() => out.completed(), { timeout: 10_000 }).toBe(true);
    expect(out.received).toEqual([]);
    for (const s of [out, kept]) {
      s.ws.close();
      await s.closed;
    }
  });
});

describe('GraphQL mutations', () => {
  it('derives one Idempotency-Key per mutation from the header: the same document sent again replays every one', async () => {
    const doc = `mutation($a: CreateOrderInput!, $b: CreateOrderInput!) {
      a: createOrder(input: $a) { ... on Order { id } } b: createOrder(input: $b) { ... on Order { id } } }`;
    const shipTo = { name: 'X', line1: '1 Road', city: 'Town', postalCode: '1000', country: 'DE' };
    const input = (n: string) => ({ externalId: n, siteId: w.siteId, shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    const first = await post({ query: doc, variables: { a: input('GQA-IA'), b: input('GQA-IB') } }, { 'x-api-key': t.keys.manager, 'idempotency-key': 'k-1' });
    const again = await post({ query: doc, variables: { a: input('GQA-IA'), b: input('GQA-IB') } }, { 'x-api-key': t.keys.manager, 'idempotency-key': 'k-1' });
    expect(first.json().data.a.id).not.toBe(first.json().data.b.id);
    expect(again.json()).toEqual(first.json());
    // Other content under the same key is refused as REST refuses it.
    const reused = await post({ query: doc, variables: { a: input('GQA-IC'), b: input('GQA-IB') } }, { 'x-api-key': t.keys.manager, 'idempotency-key': 'k-1' });
    expect(reused.json().data.a).toEqual({});
    const typed = await post({ query: doc.replace('a: createOrder(input: $a) { ... on Order { id } }', 'a: createOrder(input: $a) { __typename ... on BusinessError { code } }'),
      variables: { a: input('GQA-IC'), b: input('GQA-IB') } }, { 'x-api-key': t.keys.manager, 'idempotency-key': 'k-1' });
    expect(typed.json().data.a).toEqual({ __typename: 'ValidationFailed', code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('takes a header of REST\'s 200 characters: header + alias past 200 is hashed, one key per mutation, replayed when sent again', async () => {
    // `${header}:${alias}` went to REST as it was: 200 + 1 + 5 characters, each mutation refused 400 for a key the client never sent.
    const doc = `mutation($a: CreateOrderInput!, $b: CreateOrderInput!) {
      first: createOrder(input: $a) { __typename ... on Order { id } ... on BusinessError { code message } }
      other: createOrder(input: $b) { __typename ... on Order { id } ... on BusinessError { code message } } }`;
    const shipTo = { name: 'X', line1: '1 Road', city: 'Town', postalCode: '1000', country: 'DE' };
    const input = (n: string) => ({ externalId: n, siteId: w.siteId, shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] });
    const key = 'L'.repeat(200);
    const send = (k: string) => post({ query: doc, variables: { a: input('GQA-LA'), b: input('GQA-LB') } }, { 'x-api-key': t.keys.manager, 'idempotency-key': k });
    const first = await send(key);
    expect(first.json().data.first.__typename, first.body).toBe('Order');
    expect(first.json().data.other.__typename, first.body).toBe('Order');
    expect(first.json().data.first.id).not.toBe(first.json().data.other.id);
    expect((await send(key)).json()).toEqual(first.json());
    // A header REST would refuse itself is refused once, naming it, and nothing runs.
    const tooLong = await send('L'.repeat(201));
    expect([tooLong.statusCode, tooLong.json().errors]).toEqual([400, [{ field: '/headers/idempotency-key', message: 'is too long' }]]);
  });
});

describe('GraphiQL', () => {
  it('is served in development, open and with a CSP that lets it load', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/graphiql' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(res.headers['content-security-policy']).toContain('https://unpkg.com');
  });

  it('is not served when NODE_ENV=production', async () => {
    const prod = await startTestApp({ env: { NODE_ENV: 'production' } });
    try {
      expect((await prod.get('/graphiql', 'admin')).status).toBe(404);
      expect((await prod.post('/graphql', { query: '{ __typename }' }, 'viewer')).body).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await prod.close();
    }
  });
});

describe('REST batch reads for the loaders', () => {
  it('reads orders by ids with their lines, products by SKUs and shipments by orders, each in one request', async () => {
    const ids = orderIds.slice(0, 2);
    const orders = await t.get(`/api/v1/orders?ids=${ids.join(',')}&include=lines`, 'viewer');
    expect(orders.status).toBe(200);
    expect(orders.body.items.map((o: { id: string }) => o.id).sort()).toEqual([...ids].sort());
    for (const o of orders.body.items as { lines: { sku: string; ordered: number }[] }[]) expect(o.lines).toHaveLength(1);
    const plain = await t.get(`/api/v1/orders?ids=${ids.join(',')}`, 'viewer');
    expect(plain.body.items[0].lines).toBeUndefined();
    const none = await t.get('/api/v1/orders?waveId=wav_nope', 'viewer');
    expect(none.body.items).toEqual([]);
    const products = await t.get(`/api/v1/products?skus=${w.products[0]!.sku},${w.products[2]!.sku},NOPE`, 'viewer');
    expect(products.body.items.map((p: { sku: string }) => p.sku)).toEqual([w.products[0]!.sku, w.products[2]!.sku]);
    const shipments = await t.get(`/api/v1/shipments?orderIds=${ids.join(',')}`, 'viewer');
    expect(shipments.body).toEqual({ items: [], nextCursor: null });
  });

  it('refuses a malformed or too long batch with 400 VALIDATION_FAILED', async () => {
    for (const url of ['/api/v1/orders?ids=a,,b', '/api/v1/orders?include=history', `/api/v1/products?skus=${Array.from({ length: 501 }, (_, i) => `S${i}`).join(',')}`, '/api/v1/shipments?orderIds=a,,b']) {
      const res = await t.get(url, 'viewer');
      expect(res.status, url).toBe(400);
      expect(res.body.code, url).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses a list argument element holding a comma (400 VALIDATION_FAILED naming it), not read as two elements (found by the edge6 hunt: products(skus: ["A,B"]) answered A and B)', async () => {
    const viewer = gqlClient(t.app, t.keys.viewer);
    const [a, b] = [w.products[0]!.sku, w.products[1]!.sku];
    for (const [query, field] of [
      [`{ products(skus: ["${a},${b}"]) { nodes { sku } } }`, '/skus/0'],
      [`{ products(skus: ["${a}", "${b},${a}"]) { nodes { sku } } }`, '/skus/1'],
      [`{ shipments(orderIds: ["${orderIds[0]!},${orderIds[1]!}"]) { nodes { id } } }`, '/orderIds/0'],
    ] as const) {
      const res = await viewer(query);
      expect(res.data, query).toBeNull();
      expect(res.errors?.[0]?.extensions, query).toMatchObject({ code: 'VALIDATION_FAILED', status: 400, fieldErrors: [{ field }] });
    }
    // One value per element is read as before.
    const both = await must(viewer, `{ products(skus: ["${a}", "${b}"]) { nodes { sku } } }`);
    expect(both.products.nodes.map((p: { sku: string }) => p.sku).sort()).toEqual([a, b].sort());
  });
});

describe('GraphQL schema parity with REST', () => {
  it('every field REST\'s OpenAPI schemas answer (and take in POST /orders) is in the GraphQL type or input of the same name, unless listed as left out, and nullable where REST may answer null (ShipTo lacked company, line3, state, phone and email; Movement.locationId was non-null)', async () => {
    type Schema = { $ref?: string; properties?: Record<string, Schema>; items?: Schema; allOf?: Schema[]; oneOf?: Schema[]; anyOf?: Schema[] };
    type Op = { responses?: Record<string, { content?: Record<string, { schema: Schema }> }>; requestBody?: { content: Record<string, { schema: Schema }> } };
    const doc = t.app.http.swagger() as unknown as { paths: Record<string, Record<string, Op>>; components?: { schemas?: Record<string, Schema> } };
    const deref = (s: Schema): Schema => (s.$ref ? deref(doc.components!.schemas![s.$ref.split('/').pop()!]!) : s);
    /** Every property name of a schema, its allOf/oneOf/anyOf members' too. */
    const props = (s: Schema): Record<string, Schema> => {
      const d = deref(s);
      return Object.assign({}, ...[...(d.allOf ?? []), ...(d.oneOf ?? []), ...(d.anyOf ?? [])].map(props), d.properties ?? {});
    };
    const op = (path: string, method = 'get'): Op => {
      const o = doc.paths[`/api/v1${path}`]?.[method];
      if (!o) throw new Error(`no ${method} ${path} in the OpenAPI document`);
      return o;
    };
    const answer = (path: string, method = 'get'): Schema => {
      const res = op(path, method).responses!;
      const ok = res['200'] ?? res['201'];
      return deref(ok!.content!['application/json']!.schema);
    };
    const body = (path: string): Schema => deref(op(path, 'post').requestBody!.content['application/json']!.schema);
    const item = (s: Schema): Schema => deref(props(s)['items']!.items!);
    const prop = (s: Schema, name: string): Schema => {
      const p = deref(props(s)[name]!);
      return p.items ? deref(p.items) : p;
    };
    const gql = buildSchema(gqlSchema);
    const gqlFields = (name: string): string[] => {
      const type = gql.getType(name) as GraphQLObjectType | GraphQLInputObjectType | undefined;
      if (!type) throw new Error(`no GraphQL type ${name}`);
      return Object.keys(type.getFields());
    };
    const order = answer('/orders/{id}');
    const create = body('/orders');
    const pickList = answer('/pick-lists/{id}');
    const held = item(answer('/inventory/holds'));
    /** GraphQL type → REST schema, and the REST fields it leaves out on purpose (with why). */
    const pairs: [string, Schema, Record<string, string>][] = [
      ['Order', order, {}],
      ['OrderLine', prop(order, 'lines'), {}],
      ['ShipTo', prop(order, 'shipTo'), {}],
      ['OrderHold', prop(order, 'hold'), {}],
      ['StatusChange', prop(order, 'statusHistory'), {}],
      ['CreateOrderInput', create, {}],
      ['ShipToInput', prop(create, 'shipTo'), {}],
      ['OrderLineInput', prop(create, 'lines'), {}],
      ['Wave', answer('/waves/{id}'), {}],
      ['Task', answer('/tasks/{id}'), {}],
      ['PickList', pickList, {}],
      ['PickLine', prop(pickList, 'lines'), {}],
      ['Shipment', answer('/shipments/{id}'), {}],
      ['Package', item(answer('/packages')), {}],
      ['PackageLine', prop(item(answer('/packages')), 'lines'), {}],
      ['PackShort', answer('/pack-station/shorts', 'post'), {}],
      ['PackageLine', prop(answer('/pack-station/shorts', 'post'), 'unitsLeftToPack'), {}],
      ['Balance', item(answer('/inventory/balances')), {}],
      ['HeldStock', held, {}],
      ['HoldMovement', prop(held, 'holds'), {}],
      ['Movement', item(answer('/inventory/ledger')), {}],
      ['Product', answer('/products/{sku}'), {}],
      ['Location', item(answer('/sites/{siteId}/locations')), {}],
      ['Event', item(answer('/events')), {}],
      ['SafetyStock', answer('/inventory/safety-stock/{siteId}/{sku}'), {}],
    ];
    /** The CloudEvents envelope's attributes are lower-case on REST, camelCase in GraphQL. */
    const camel: Record<string, string> = { siteid: 'siteId', correlationid: 'correlationId', causationid: 'causationId', actorid: 'actorId', actorkind: 'actorKind', actorrole: 'actorRole' };
    const missing: string[] = [];
    for (const [type, rest, leftOut] of pairs) {
      const have = new Set(gqlFields(type).map((f) => (type === 'Event' ? Object.entries(camel).find(([, c]) => c === f)?.[0] ?? f : f)));
      const restNames = Object.keys(props(rest));
      expect(restNames.length, `${type}: REST schema has no properties`).toBeGreaterThan(0);
      for (const f of restNames) if (!have.has(f) && !(f in leftOut)) missing.push(`${type}.${f}`);
      // A field left out must still be one REST answers (the list stays true).
      for (const f of Object.keys(leftOut)) expect(restNames, `${type}.${f} is listed as left out but REST has no such field`).toContain(f);
    }
    expect(missing).toEqual([]);
    /** GraphQL fields non-null where REST may answer null or leave the field out. */
    const loose: string[] = [];
    for (const [type, rest] of pairs) {
      if (type.endsWith('Input')) continue;
      const d = deref(rest) as Schema & { required?: string[] };
      const required = new Set([d, ...(d.allOf ?? [])].flatMap((x) => (deref(x) as { required?: string[] }).required ?? []));
      const fields = (gql.getType(type) as GraphQLObjectType).getFields();
      for (const [name, r] of Object.entries(props(rest))) {
        const g = fields[type === 'Event' ? (camel[name] ?? name) : name];
        if (!g || !isNonNullType(g.type)) continue;
        const rr = deref(r) as { nullable?: boolean; type?: string | string[]; anyOf?: { type?: string }[] };
        const nullable = rr.nullable === true || (Array.isArray(rr.type) && rr.type.includes('null')) || (rr.anyOf ?? []).some((x) => x.type === 'null');
        if (nullable || !required.has(name)) loose.push(`${type}.${name}${nullable ? ' nullable' : ' optional'}`);
      }
    }
    // A field REST may answer null or leave out is nullable in GraphQL: non-null, one such answer nulls its whole parent (Movement.locationId was ID!).
    expect(loose).toEqual([]);
    // And they arrive: an order created with the whole ship-to reads it back whole, over GraphQL as over REST.
    const shipTo = {
      name: 'Ada', company: 'Engines Ltd', line1: '12 Row', line2: 'Floor 2', line3: 'Door B', city: 'London', state: 'Greater London', postalCode: 'N1 7AA',
      country: 'GB', phone: '+44 20 7946 0000', email: 'ada@example.com',
    };
    const manager = gqlClient(t.app, t.keys.manager);
    const fields = Object.keys(shipTo).join(' ');
    const created = await must(manager, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { __typename ... on Order { id shipTo { ${fields} } } ... on BusinessError { code fieldErrors { field message } } } }`, {
      i: { externalId: 'GQA-SHIPTO', siteId: w.siteId, shipTo, lines: [{ sku: w.products[0]!.sku, quantity: 1 }] },
    });
    expect(created.createOrder).toMatchObject({ __typename: 'Order', shipTo });
    expect((await t.get(`/api/v1/orders/${created.createOrder.id}`, 'viewer')).body.shipTo).toEqual(shipTo);
    const read = await must(manager, `query($id: ID!) { order(id: $id) { shipTo { ${fields} } } }`, { id: created.createOrder.id });
    expect(read.order.shipTo).toEqual(shipTo);
  });
});
