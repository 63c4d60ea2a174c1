/**
 * Issue 9 acceptance a: the authorization matrix, generated from the running app, in one test file.
 *
 * - REST: every route the app registered (not the public ones) × every kind of caller: a key per role, a signed-in
 *   person per role, a manager of one site only (as a person and as a site-scoped key), no credential, an invalid and an
 *   expired JWT, a revoked key. The expected answer comes from the route's own `roles`: 401 without a valid credential,
 *   403 for a role the route does not allow, anything but 401/403 otherwise; a site-scoped caller naming another site is
 *   refused 403 FORBIDDEN_AT_SITE, and acts at its own.
 * - GraphQL: every query and mutation field of the schema (introspected), called with minimal arguments; the roles it
 *   needs are those of the REST operations it runs (recorded on an admin call), and every role is checked against them.
 * - gRPC: every method of the public services, the same way.
 * - A worker acting as another is refused on all three (on gRPC by every method naming the worker).
 * - A resource of no site (an exception about none) is the whole network's: a caller of some sites only is refused it,
 *   and so is a change of data every site shares (products, cartons, a new site: `config.network`).
 */
import * as grpc from '@grpc/grpc-js';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveGrpcApi } from '../../src/gateway/grpc/public-api.ts';
import { ROLES, type Role } from '../../src/platform/http/roles.ts';
import { signAccessToken } from '../../src/platform/identity/tokens.ts';
import type { RpcServer } from '../../src/platform/rpc/rpc-server.ts';
import { publicServices } from '../../src/rpc/protos.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { mayCall, props, requestOf, type RouteRow } from '../support/route-matrix.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';


/** A caller of the matrix: the headers it sends and the role it should be judged by (undefined: not authenticated). */
interface Caller {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly role: Role | undefined;
  /** A signed-in person's worker id (the username): on the floor it acts as itself, the matrix never as another. */
  readonly worker?: string;
}

const routes: RouteRow[] = [];
/** The routes that change data every site shares (`config.network`): a caller of some sites only is refused them. */
const networkRoutes = new Set<string>();
/** The REST operations (`METHOD /url`) run while a probe records, GraphQL's and gRPC's inner requests included. */
let recording: Set<string> | undefined;

let t: TestApp;
let grpcServer: RpcServer;
let siteA: string;
let siteB: string;
let orderB: string;
const keyCallers: Caller[] = [];
const personCallers: Caller[] = [];
const refused: Caller[] = [];
const siteScoped: Caller[] = [];
let operatorPerson: Caller;

const allowed = (route: RouteRow, role: Role): boolean => route.roles.includes(role);
const namesSite = (r: RouteRow): boolean =>
  'siteId' in props(r.schema.querystring) || 'siteId' in props(r.schema.body) || /\/sites\/:(id|siteId)(\/|$)/.test(r.url)
  // A site in the path outside /sites/ (PUT /inventory/safety-stock/:siteId/:sku, /pack-station/settings/:siteId).
  || /\/:siteId(\/|$)/.test(r.url);
const label = (r: RouteRow): string => `${r.method} ${r.url}`;

/** The body as `caller` sends it: a person names itself as the worker or inspector (acting as another is its own test). */
function ownWorker(body: unknown, caller: Caller): unknown {
  if (caller.worker === undefined || typeof body !== 'object' || body === null) return body;
  const field = (['workerId', 'inspector'] as const).find((f) => f in body);
  return field === undefined ? body : { ...body, [field]: caller.worker };
}

async function send(caller: Caller, method: string, url: string, body?: unknown): Promise<{ status: number; code?: string }> {
  if (url === '/api/v1/live') {
    // Server-sent events never end: read the status, then hang up (a refusal's problem body is read whole).
    const stream = await t.app.http.inject({ method: 'GET', url, headers: caller.headers, payloadAsStream: true });
    if (stream.statusCode === 200) {
      stream.stream().destroy();
      return { status: 200 };
    }
    let text = '';
    for await (const chunk of stream.stream()) text += String(chunk);
    return { status: stream.statusCode, ...(JSON.parse(text) as { code?: string }) };
  }
  const res = await t.app.http.inject({ method: method as 'GET', url, headers: caller.headers, ...(body === undefined ? {} : { payload: body as object }) });
  const parsed = res.body.startsWith('{') ? JSON.parse(res.body) as { code?: string } : {};
  return { status: res.statusCode, ...(parsed.code === undefined ? {} : { code: parsed.code }) };
}

/** Runs `probe` while recording which REST operations it reaches (GraphQL's and gRPC's inner requests included). */
async function reaching<T>(probe: () => Promise<T>): Promise<{ result: T; operations: RouteRow[] }> {
  const seen = new Set<string>();
  recording = seen;
  try {
    const result = await probe();
    return { result, operations: routes.filter((r) => seen.has(label(r))) };
  } finally {
    recording = undefined;
  }
}

/** The roles that may run every one of `operations`. */
const rolesOf = (operations: readonly RouteRow[]): Role[] => ROLES.filter((role) => operations.every((r) => r.roles.includes(role)));

beforeAll(async () => {
  t = await startTestApp({
    openApiCheck: false,
    env: {
      // The matrix sends a few thousand requests from one address with many wrong credentials, on purpose.
      PAKLOG_AUTH_FAILURES_PER_MIN: '1000000', PAKLOG_RATE_LIMIT_READ_PER_MIN: '1000000',
      PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '1000000', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '1000000',
    },
    configureHttp: (http) => {
      http.addHook('onRoute', (route) => {
        if (route.config?.public === true) return;
        if (route.url.startsWith('/graphql') || route.url.startsWith('/graphiql') || route.url.startsWith('/docs')) return;
        for (const method of [route.method].flat()) {
          if (method === 'HEAD' || method === 'OPTIONS') continue;
          routes.push({ method, url: route.url, roles: route.config?.roles ?? ['admin'], schema: route.schema ?? {} });
          if (route.config?.network !== undefined) networkRoutes.add(`${method} ${route.url}`);
        }
      });
      http.addHook('onResponse', async (request: FastifyRequest) => {
        recording?.add(`${request.method} ${request.routeOptions.url ?? ''}`);
      });
    },
  });
  await seedDemo(t.app);
  grpcServer = await serveGrpcApi({ http: t.app.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });

  const admin = (method: string, url: string, body?: unknown) => t.request(method, url, body === undefined ? {} : { body });
  siteA = (await t.get('/api/v1/sites?limit=1000')).body.items.find((x: { code: string }) => x.code === 'DEMO')?.id;
  siteB = (await admin('POST', '/api/v1/sites', { code: 'MXB', name: 'The other site' })).body.id;
  expect(siteA).toBeTruthy();
  expect(siteB).toBeTruthy();
  const product = (await t.get('/api/v1/products?limit=1')).body.items[0].sku as string;
  const created = await admin('POST', '/api/v1/orders', {
    externalId: 'MATRIX-B-1', siteId: siteB, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    lines: [{ sku: product, quantity: 1 }],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  orderB = created.body.id;

  for (const role of ROLES) keyCallers.push({ name: `${role} key`, headers: { 'x-api-key': t.keys[role] }, role });
  const password = 'a long enough password for the matrix';
  const signIn = async (username: string, grants: { siteId: string; role: Role }[]): Promise<{ token: string; id: string }> => {
    const user = await admin('POST', '/api/v1/users', { username, password, grants });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    const session = await t.request('POST', '/api/v1/auth/login', { role: null, body: { username, password } });
    expect(session.status).toBe(200);
    return { token: session.body.accessToken, id: user.body.id };
  };
  for (const role of ROLES) {
    const { token } = await signIn(`matrix-${role}`, [{ siteId: '*', role }]);
    personCallers.push({ name: `${role} person`, headers: { authorization: `Bearer ${token}` }, role, worker: `matrix-${role}` });
  }
  operatorPerson = personCallers.find((c) => c.role === 'operator')!;

  const managerA = await signIn('matrix-manager-a', [{ siteId: siteA, role: 'manager' }]);
  siteScoped.push({ name: 'manager of site A only (person)', headers: { authorization: `Bearer ${managerA.token}` }, role: 'manager', worker: 'matrix-manager-a' });
  const scopedKey = await admin('POST', '/api/v1/api-keys', { name: 'matrix site A', role: 'manager', siteIds: [siteA] });
  expect(scopedKey.status, JSON.stringify(scopedKey.body)).toBe(201);
  siteScoped.push({ name: 'manager key scoped to site A', headers: { 'x-api-key': scopedKey.body.key }, role: 'manager' });

  const revoked = await admin('POST', '/api/v1/api-keys', { name: 'matrix revoked', role: 'admin' });
  expect((await admin('POST', `/api/v1/api-keys/${revoked.body.id}/revoke`)).status).toBeLessThan(300);
  const expired = await signAccessToken(t.app.identity.jwtSecret, managerA.id, 60, new Date(Date.now() - 3_600_000));
  refused.push(
    { name: 'no credential', headers: {}, role: undefined },
    { name: 'invalid JWT', headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bm90LXNpZ25lZA' }, role: undefined },
    { name: 'expired JWT', headers: { authorization: `Bearer ${expired.token}` }, role: undefined },
    { name: 'revoked key', headers: { 'x-api-key': revoked.body.key }, role: undefined },
  );
}, 180_000);

afterAll(async () => {
  await grpcServer?.close();
  await t?.close();
});

describe('REST: every route × every caller', () => {
  it('answers 401 without a valid credential, 403 to a role the route does not allow, and lets the others through', async () => {
    expect(routes.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const r of routes) {
      const { url, body } = requestOf(r);
      for (const caller of [...refused, ...keyCallers, ...personCallers]) {
        // A person reads their own worker profile (an operator may read no other: its own test, engine.int.test.ts).
        const own = caller.worker === undefined ? url : url.replace('/workers/x_none_id/', `/workers/${caller.worker}/`);
        const res = await send(caller, r.method, own, ownWorker(body, caller));
        const expected = caller.role === undefined ? '401' : mayCall(r, caller.role, body) ? 'not 401/403' : '403';
        const ok = expected === 'not 401/403' ? res.status !== 401 && res.status !== 403 : String(res.status) === expected;
        if (!ok) wrong.push(`${label(r)} as ${caller.name}: ${res.status} ${res.code ?? ''}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('a caller of one site only is refused at another site (FORBIDDEN_AT_SITE) and acts at its own', async () => {
    const siteRoutes = routes.filter(namesSite);
    expect(siteRoutes.length).toBeGreaterThan(10);
    // A site named in the path outside /sites/ is in it too (safety stock, ADR 0057: it was left out).
    expect(siteRoutes.map(label)).toEqual(expect.arrayContaining([
      'PUT /api/v1/inventory/safety-stock/:siteId/:sku', 'DELETE /api/v1/inventory/safety-stock/:siteId/:sku', 'GET /api/v1/inventory/safety-stock/:siteId/:sku',
    ]));
    const wrong: string[] = [];
    for (const r of siteRoutes) {
      for (const caller of siteScoped) {
        const atB = requestOf(r, siteB);
        const other = await send(caller, r.method, atB.url, ownWorker(atB.body, caller));
        if (!allowed(r, 'manager')) {
          if (other.status !== 403) wrong.push(`${label(r)} at B as ${caller.name}: ${other.status}, expected 403`);
          continue;
        }
        if (other.status !== 403 || other.code !== 'FORBIDDEN_AT_SITE') {
          wrong.push(`${label(r)} at B as ${caller.name}: ${other.status} ${other.code ?? ''}, expected 403 FORBIDDEN_AT_SITE`);
        }
        const atA = requestOf(r, siteA);
        const own = await send(caller, r.method, atA.url, ownWorker(atA.body, caller));
        if (own.status === 401 || own.status === 403) wrong.push(`${label(r)} at A as ${caller.name}: ${own.status} ${own.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('data every site shares (products, cartons, a new site, an item master) is refused to a caller of one site only (FORBIDDEN), not to callers of every site', async () => {
    expect([...networkRoutes].sort()).toEqual([
      'PATCH /api/v1/cartons/:code', 'PATCH /api/v1/products/:sku', 'POST /api/v1/cartons', 'POST /api/v1/cartons/:code/deactivate',
      'POST /api/v1/cartons/:code/reactivate', 'POST /api/v1/imports/:kind', 'POST /api/v1/integrations/erp/inbound/:kind', 'POST /api/v1/products',
      'POST /api/v1/products/:sku/deactivate', 'POST /api/v1/products/:sku/reactivate', 'POST /api/v1/sites',
    ]);
    const wrong: string[] = [];
    for (const r of routes.filter((x) => networkRoutes.has(label(x)))) {
      // The example's kind: `products` and `items`, the network's (locations, stock, orders and ASNs are checked at their sites).
      const { url, body } = requestOf(r);
      // A CSV import's example is its file, sent as one.
      const csv = (r.schema.body as { type?: string; examples?: unknown[] } | undefined)?.type === 'string'
        ? String((r.schema.body as { examples: unknown[] }).examples[0]) : undefined;
      for (const caller of siteScoped) {
        const res = csv === undefined ? await send(caller, r.method, url, body) : await (async () => {
          const sent = await t.app.http.inject({ method: 'POST', url, headers: { ...caller.headers, 'content-type': 'text/csv' }, payload: csv });
          return { status: sent.statusCode, code: (JSON.parse(sent.body) as { code?: string }).code };
        })();
        if (res.status !== 403 || res.code !== 'FORBIDDEN') wrong.push(`${label(r)} as ${caller.name}: ${res.status} ${res.code ?? ''}, expected 403 FORBIDDEN`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a command on a resource of another site is refused at the resource\'s site', async () => {
    const lineB = ((await t.get(`/api/v1/orders/${orderB}`)).body as { lines: { id: string }[] }).lines[0]!.id;
    for (const caller of siteScoped) {
      for (const [method, url, body] of [
        ['GET', `/api/v1/orders/${orderB}`], ['POST', `/api/v1/orders/${orderB}/cancel`, { reason: 'matrix' }],
        ['POST', `/api/v1/orders/${orderB}/lines/${lineB}/cancel`, { reason: 'matrix' }],
      ] as const) {
        const res = await send(caller, method, url, body);
        expect({ caller: caller.name, url, ...res }).toMatchObject({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      }
    }
    expect((await t.get(`/api/v1/orders/${orderB}`)).body.status).not.toBe('CANCELLED');
  });

  it('an exception about no site is the whole network\'s: a caller of one site only neither reads nor acts on it, nor lists it', async () => {
    // GraphQL and gRPC reach exceptions only by a named site's counts (exceptionCounts, CountExceptions: above).
    // A dead letter of an event with no site backs the case: the stuck-work sweep clears a DEAD_LETTER exception whose
    // letter is gone (replayed), so one with no letter could resolve itself in the middle of the test.
    const envelope = { id: 'evt_matrix_siteless', type: 'order.created', subject: orderB, data: { orderId: orderB } };
    await t.app.db.query(`INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error)
      VALUES ('exc_matrix_siteless', 'matrix', 'evt_matrix_siteless', 'order.created', $1, 1, 'a case')`, [JSON.stringify(envelope)]);
    await t.app.db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
      VALUES ('exc_matrix_siteless', NULL, 'DEAD_LETTER', 'exc_matrix_siteless', 'exc_matrix_siteless', 'a case', '{acknowledge}', $1, 'OPEN', now())`,
    [JSON.stringify({ event: { subject: orderB, orderId: orderB } })]);
    await (t.app.modules.find((m) => m.name === 'orchestration') as unknown as { scanStuckWork(): Promise<number> }).scanStuckWork();
    for (const caller of siteScoped) {
      for (const [method, url] of [['GET', '/api/v1/exceptions/exc_matrix_siteless'], ['POST', '/api/v1/exceptions/exc_matrix_siteless/actions/acknowledge']] as const) {
        expect({ caller: caller.name, url, ...await send(caller, method, url) }).toMatchObject({ status: 403, code: 'FORBIDDEN_AT_SITE' });
      }
      const listed = await t.app.http.inject({ method: 'GET', url: `/api/v1/exceptions?siteId=${siteA}&limit=500`, headers: caller.headers });
      expect((JSON.parse(listed.body) as { items: { id: string }[] }).items.map((x) => x.id)).not.toContain('exc_matrix_siteless');
    }
    expect((await t.get('/api/v1/exceptions/exc_matrix_siteless', 'viewer')).body.status).toBe('OPEN');
    const byManager = await send(keyCallers.find((c) => c.role === 'manager')!, 'POST', '/api/v1/exceptions/exc_matrix_siteless/actions/acknowledge');
    expect(byManager.status).toBe(200);
    await t.app.db.query(`UPDATE platform.dead_letters SET discarded_at = now() WHERE id = 'exc_matrix_siteless'`);
  });

  it('a worker may not act as another', async () => {
    const res = await send(operatorPerson, 'POST', '/api/v1/tasks/next', { siteId: siteA, workerId: 'someone-else' });
    expect(res).toMatchObject({ status: 403, code: 'ACTING_AS_ANOTHER_WORKER' });
  });

  it("an operator may not read another worker's tasks or scans by worker", async () => {
    for (const url of [`/api/v1/tasks?siteId=${siteA}&workerId=someone-else`, `/api/v1/scans?siteId=${siteA}&worker=someone-else`]) {
      expect({ url, ...await send(operatorPerson, 'GET', url) }).toMatchObject({ url, status: 403, code: 'ACTING_AS_ANOTHER_WORKER' });
    }
  });
});

interface TypeRef { kind: string; name: string | null; ofType: TypeRef | null }
interface SchemaType {
  name: string;
  kind: string;
  fields: { name: string; args: { name: string; type: TypeRef }[]; type: TypeRef }[] | null;
  inputFields: { name: string; type: TypeRef }[] | null;
  enumValues: { name: string }[] | null;
}
const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { name kind
  fields { name args { name type { ${TYPE_REF} } } type { ${TYPE_REF} } } inputFields { name type { ${TYPE_REF} } } enumValues { name } } } }`;

async function graphql(caller: Caller, query: string): Promise<{ status: number; json: any }> {
  const res = await t.app.http.inject({ method: 'POST', url: '/graphql', headers: { ...caller.headers, 'content-type': 'application/json' }, payload: { query } });
  return { status: res.statusCode, json: res.body === '' ? {} : JSON.parse(res.body) };
}

/** A GraphQL literal for a required argument: ids that match nothing, the first enum value, required input fields only. */
function literal(type: TypeRef, types: ReadonlyMap<string, SchemaType>, name = ''): string {
  if (type.kind === 'NON_NULL') return literal(type.ofType!, types, name);
  if (type.kind === 'LIST') return '[]';
  const named = types.get(type.name ?? '');
  if (type.kind === 'ENUM') return named?.enumValues?.[0]?.name ?? 'X';
  if (type.kind === 'INPUT_OBJECT') {
    const fields = (named?.inputFields ?? []).filter((f) => f.type.kind === 'NON_NULL');
    return `{ ${fields.map((f) => `${f.name}: ${literal(f.type, types, f.name)}`).join(', ')} }`;
  }
  if (type.name === 'Int' || type.name === 'Float') return '1';
  if (name === 'workerId') return WORKER;
  return type.name === 'Boolean' ? 'false' : JSON.stringify('x_none');
}

/** Where a query names the worker; each caller puts its own (a person itself, a key any worker). */
const WORKER = '"$WORKER"';
const asCaller = (query: string, caller: Caller): string => query.replaceAll(WORKER, JSON.stringify(caller.worker ?? 'x_none'));

const unwrap = (type: TypeRef): TypeRef => (type.ofType === null ? type : unwrap(type.ofType));

/** Whether a GraphQL answer refuses the caller: a 403, a `Forbidden` member, or a FORBIDDEN error. */
function refusedByRole(field: string, res: { status: number; json: any }): boolean {
  if (res.status === 403) return true;
  if (res.json?.data?.[field]?.__typename === 'Forbidden') return true;
  return ((res.json?.errors ?? []) as { extensions?: { code?: string } }[]).some((e) => e.extensions?.code === 'FORBIDDEN' || e.extensions?.code === 'FORBIDDEN_AT_SITE');
}

describe('GraphQL: every query and mutation × every role', () => {
  it('refuses exactly the roles the REST operations behind a field refuse; no credential is 401', async () => {
    const admin = keyCallers.find((c) => c.role === 'admin')!;
    const schema = (await graphql(admin, INTROSPECTION)).json.data.__schema as { queryType: { name: string }; mutationType: { name: string }; types: SchemaType[] };
    const types = new Map(schema.types.map((ty) => [ty.name, ty]));
    const operations = (['query', 'mutation'] as const).flatMap((kind) => {
      const root = types.get(kind === 'query' ? schema.queryType.name : schema.mutationType.name)!;
      return (root.fields ?? []).map((f) => {
        const args = f.args.filter((a) => a.type.kind === 'NON_NULL' || a.name === 'workerId').map((a) => `${a.name}: ${literal(a.type, types, a.name)}`);
        const selection = ['OBJECT', 'UNION', 'INTERFACE'].includes(unwrap(f.type).kind) ? ' { __typename }' : '';
        return { name: `${kind} ${f.name}`, field: f.name, query: `${kind} { ${f.name}${args.length === 0 ? '' : `(${args.join(', ')})`}${selection} }` };
      });
    });
    expect(operations.length).toBeGreaterThan(25);
    // Introspected, so a new field is in the matrix by itself: the latest ones named to be sure.
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining([
      'query shipments', 'query holds', 'query safetyStock', 'query safetyStocks', 'mutation setSafetyStock', 'mutation clearSafetyStock',
    ]));
    const wrong: string[] = [];
    for (const op of operations) {
      const { result, operations: reached } = await reaching(() => graphql(admin, asCaller(op.query, admin)));
      if (reached.length === 0) {
        wrong.push(`${op.name} reached no REST operation: ${JSON.stringify(result.json).slice(0, 200)}`);
        continue;
      }
      const may = rolesOf(reached);
      for (const caller of [...keyCallers, ...personCallers]) {
        const res = await graphql(caller, asCaller(op.query, caller));
        const isRefused = refusedByRole(op.field, res);
        if (isRefused === may.includes(caller.role!)) {
          wrong.push(`${op.name} as ${caller.name}: ${isRefused ? 'refused' : 'not refused'} (may: ${may.join(', ')}) ${JSON.stringify(res.json).slice(0, 160)}`);
        }
      }
      for (const caller of refused) {
        const res = await graphql(caller, asCaller(op.query, caller));
        if (res.status !== 401) wrong.push(`${op.name} as ${caller.name}: HTTP ${res.status}, expected 401`);
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('a worker may not act as another', async () => {
    const res = await graphql(operatorPerson, `mutation { nextTask(siteId: "${siteA}", workerId: "someone-else") { __typename ... on BusinessError { code } } }`);
    expect(res.json.data?.nextTask ?? res.json).toMatchObject({ __typename: 'Forbidden', code: 'ACTING_AS_ANOTHER_WORKER' });
  });

  it("an operator may not read another worker's tasks", async () => {
    const res = await graphql(operatorPerson, `{ tasks(siteId: "${siteA}", workerId: "someone-else") { nodes { id } } }`);
    expect(JSON.stringify(res.json)).toContain('ACTING_AS_ANOTHER_WORKER');
  });
});

interface FieldDescriptor { name: string; type: string; label?: string }
interface MethodDefinition {
  path: string;
  requestType: { type: { field: FieldDescriptor[] } };
  requestSerialize: (value: unknown) => Buffer;
  responseDeserialize: (bytes: Buffer) => unknown;
}

const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A request with every scalar field set: strings that match nothing, numbers 1, lists and messages empty. */
function minimalRequest(def: MethodDefinition): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const f of def.requestType.type.field) {
    if (f.label === 'LABEL_REPEATED' || f.type === 'TYPE_MESSAGE') continue;
    request[camel(f.name)] = f.type === 'TYPE_STRING' ? 'x_none' : f.type === 'TYPE_BOOL' ? false : 1;
  }
  return request;
}

function grpcCall(client: grpc.Client, def: MethodDefinition, request: unknown, caller: Caller, extra: Record<string, string> = {}) {
  const md = new grpc.Metadata();
  for (const [k, v] of Object.entries({ ...caller.headers, ...extra })) md.set(k, v);
  return new Promise<{ status: string; code: string | undefined }>((done) => {
    client.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, md, { deadline: Date.now() + 10_000 }, (err) => {
      done(err === null ? { status: 'OK', code: undefined } : { status: grpc.status[err.code], code: err.metadata.get('paklog-error-code')[0]?.toString() });
    });
  });
}

describe('gRPC: every method of the public services × every role', () => {
  it('refuses exactly the roles the REST operation behind a method refuses; no valid credential is UNAUTHENTICATED', async () => {
    const client = new grpc.Client(`127.0.0.1:${grpcServer.port}`, grpc.credentials.createInsecure());
    try {
      const admin = keyCallers.find((c) => c.role === 'admin')!;
      const methods = Object.values(publicServices()).flatMap((service) => Object.entries(service as unknown as Record<string, MethodDefinition>));
      expect(methods.map(([name]) => name)).toEqual(expect.arrayContaining([
        'NextTask', 'StartTask', 'GetPickList', 'ConfirmPick', 'ShortPick', 'CompleteTask', 'RejectTask', 'PauseTask', 'ResumeTask', 'FailTask',
        'CreateOrder', 'GetAtp', 'SetSafetyStock', 'ClearSafetyStock', 'GetSafetyStock', 'ListSafetyStocks',
      ]));
      const wrong: string[] = [];
      for (const [name, def] of methods) {
        const request = minimalRequest(def);
        const { operations: reached } = await reaching(() => grpcCall(client, def, request, admin));
        if (reached.length === 0) {
          wrong.push(`${name} reached no REST operation`);
          continue;
        }
        const may = rolesOf(reached);
        for (const caller of [...keyCallers, ...personCallers]) {
          const res = await grpcCall(client, def, 'workerId' in request ? { ...request, workerId: caller.worker ?? 'x_none' } : request, caller);
          if ((res.status === 'PERMISSION_DENIED') === may.includes(caller.role!) || res.status === 'UNAUTHENTICATED') {
            wrong.push(`${name} as ${caller.name}: ${res.status} ${res.code ?? ''} (may: ${may.join(', ')})`);
          }
        }
        for (const caller of refused) {
          const res = await grpcCall(client, def, request, caller);
          if (res.status !== 'UNAUTHENTICATED') wrong.push(`${name} as ${caller.name}: ${res.status}, expected UNAUTHENTICATED`);
        }
      }
      expect(wrong).toEqual([]);

      // Every method that names the worker refuses a person naming another (the task ways out as much as NextTask).
      const naming = methods.filter(([, def]) => def.requestType.type.field.some((f) => camel(f.name) === 'workerId'));
      expect(naming.map(([name]) => name).sort()).toEqual(['CompleteTask', 'FailTask', 'NextTask', 'PauseTask', 'RejectTask', 'ResumeTask', 'StartTask']);
      for (const [name, def] of naming) {
        expect(await grpcCall(client, def, { ...minimalRequest(def), siteId: siteA, workerId: 'someone-else', reason: 'OTHER' }, operatorPerson), name)
          .toEqual({ status: 'PERMISSION_DENIED', code: 'ACTING_AS_ANOTHER_WORKER' });
      }
    } finally {
      client.close();
    }
  }, 300_000);
});
