/**
 * The split gateway enforces the same roles and sites as the all-in-one: every REST route of a service, called through
 * an in-process gateway (its own database and keys) by a key per role, a manager key of one site, and refused callers
 * (no credential, a revoked key, an expired JWT). The expectation comes from the service route's own `roles`.
 */
import { randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../../src/gateway/gateway.ts';
import { serveGrpcApi } from '../../src/gateway/grpc/public-api.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { ROLES, type Role } from '../../src/platform/http/roles.ts';
import { signAccessToken } from '../../src/platform/identity/tokens.ts';
import { credentialsMetadata, publicClients, rpcMethods } from '../support/grpc-floor.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { mayCall, props, requestOf, type RouteRow } from '../support/route-matrix.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const routes: RouteRow[] = [];
const secret = randomBytes(24).toString('hex');
const adminKey = `pk_gw_${randomBytes(12).toString('hex')}`;
let service: TestApp;
let gateway: Gateway;
let gatewayDb: { url: string; drop: () => Promise<void> };
const keys = {} as Record<Role, string>;
let siteB: string;
let scopedKey: string;
const refused: { name: string; headers: Record<string, string> }[] = [];


async function send(headers: Record<string, string>, method: string, url: string, body?: unknown): Promise<{ status: number; code?: string }> {
  const res = await gateway.http.inject({ method: method as 'GET', url, headers, ...(body === undefined ? {} : { payload: body as object }) });
  const parsed = res.body.startsWith('{') ? JSON.parse(res.body) as { code?: string } : {};
  return { status: res.statusCode, ...(parsed.code === undefined ? {} : { code: parsed.code }) };
}

const OWN = ['/api/v1/api-keys', '/api/v1/events', '/api/v1/dead-letters', '/api/v1/audit', '/api/v1/auth', '/api/v1/users'];
const probed = (): RouteRow[] => routes.filter((r) => r.url.startsWith('/api/v1/') && !OWN.some((p) => r.url === p || r.url.startsWith(`${p}/`))
  && r.url !== '/api/v1/live');

beforeAll(async () => {
  service = await startTestApp({
    openApiCheck: false,
    env: { PAKLOG_GATEWAY_SECRET: secret, PAKLOG_AUTH_FAILURES_PER_MIN: '1000000' },
    configureHttp: (http) => {
      http.addHook('onRoute', (route) => {
        if (route.config?.public === true) return;
        for (const method of [route.method].flat()) {
          if (method === 'HEAD' || method === 'OPTIONS') continue;
          routes.push({ method, url: route.url, roles: route.config?.roles ?? ['admin'], schema: route.schema ?? {} });
        }
      });
    },
  });
  const address = await service.app.http.listen({ port: 0, host: '127.0.0.1' });
  gatewayDb = await createTestDatabase({ migrated: false, skipConservationCheck: 'the gateway holds no stock' });
  const config = loadConfig({
    LOG_LEVEL: 'silent', PAKLOG_GATEWAY_SECRET: secret, PAKLOG_SERVICES: address, PAKLOG_ADMIN_API_KEY: adminKey,
    PAKLOG_AUTH_FAILURES_PER_MIN: '1000000', PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
  });
  gateway = await buildGateway(config, gatewayDb.url, { discoverWaitMs: 10_000 });
  const admin = async (method: string, url: string, body?: unknown): Promise<any> => {
    const res = await gateway.http.inject({ method: method as 'GET', url, headers: { 'x-api-key': adminKey }, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  const siteA = (await admin('POST', '/api/v1/sites', { code: 'GWA', name: 'A' })).body.id as string;
  siteB = (await admin('POST', '/api/v1/sites', { code: 'GWB', name: 'B' })).body.id;
  for (const role of ROLES) keys[role] = (await admin('POST', '/api/v1/api-keys', { name: `gw ${role}`, role })).body.key;
  scopedKey = (await admin('POST', '/api/v1/api-keys', { name: 'gw site A', role: 'manager', siteIds: [siteA] })).body.key;
  const revoked = await admin('POST', '/api/v1/api-keys', { name: 'gw revoked', role: 'admin' });
  expect((await admin('POST', `/api/v1/api-keys/${revoked.body.id}/revoke`)).status).toBeLessThan(300);
  const user = await admin('POST', '/api/v1/users', { username: 'gw-manager', password: 'a long enough password here', grants: [{ siteId: siteA, role: 'manager' }] });
  expect(user.status, JSON.stringify(user.body)).toBe(201);
  const jwtSecret = (await gateway.db.query<{ value: string }>(`SELECT value FROM platform.settings WHERE name = 'jwt_secret'`).catch(() => []))[0]?.value;
  refused.push({ name: 'no credential', headers: {} }, { name: 'revoked key', headers: { 'x-api-key': revoked.body.key } });
  if (jwtSecret !== undefined) {
    const expired = await signAccessToken(jwtSecret, user.body.id, 60, new Date(Date.now() - 3_600_000));
    refused.push({ name: 'expired JWT', headers: { authorization: `Bearer ${expired.token}` } });
  }
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await gatewayDb?.drop();
  await service?.close();
});

describe('the split gateway enforces roles and sites as the all-in-one does', () => {
  it('refuses each role the routes do not allow, and lets through those they do', async () => {
    const wrong: string[] = [];
    for (const r of probed()) {
      for (const role of ROLES) {
        const { url, body } = requestOf(r);
        const res = await send({ 'x-api-key': keys[role] }, r.method, url, body);
        const ok = mayCall(r, role, body) ? res.status !== 401 && res.status !== 403 : res.status === 403;
        if (!ok) wrong.push(`${role} ${r.method} ${r.url} → ${res.status} ${res.code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('refuses callers without a valid credential with 401', async () => {
    const wrong: string[] = [];
    for (const r of probed()) {
      for (const c of refused) {
        const { url, body } = requestOf(r);
        const res = await send(c.headers, r.method, url, body);
        if (res.status !== 401) wrong.push(`${c.name} ${r.method} ${r.url} → ${res.status} ${res.code ?? ''}`);
      }
    }
    expect(refused.length).toBe(3);
    expect(wrong).toEqual([]);
  }, 300_000);

  it('keeps a key of site A out of site B', async () => {
    const wrong: string[] = [];
    for (const r of probed()) {
      if (!r.roles.includes('manager')) continue;
      const namesSite = 'siteId' in props(r.schema.querystring) || 'siteId' in props(r.schema.body) || /\/sites\/:(id|siteId)(\/|$)/.test(r.url);
      if (!namesSite) continue;
      const { url, body } = requestOf(r, siteB);
      const res = await send({ 'x-api-key': scopedKey }, r.method, url, body);
      if (res.status !== 403) wrong.push(`${r.method} ${r.url} → ${res.status} ${res.code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  }, 300_000);
});

describe('GraphQL at the gateway', () => {
  const graphql = async (headers: Record<string, string>, query: string): Promise<{ status: number; json: any }> => {
    const res = await gateway.http.inject({ method: 'POST', url: '/graphql', headers: { ...headers, 'content-type': 'application/json' }, payload: { query } });
    return { status: res.statusCode, json: res.body === '' ? {} : JSON.parse(res.body) };
  };
  const refusal = (field: string, res: { status: number; json: any }): string | undefined => res.status === 403 ? 'HTTP 403'
    : res.json?.data?.[field]?.__typename === 'Forbidden' ? 'Forbidden'
      : ((res.json?.errors ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code).find((c) => c?.startsWith('FORBIDDEN'));

  it('refuses a viewer a mutation and a site-A key site B, lets a manager through, and answers 401 without a valid credential', async () => {
    const cancel = 'mutation { cancelOrder(id: "x_none") { __typename } }';
    expect(refusal('cancelOrder', await graphql({ 'x-api-key': keys.viewer }, cancel))).toBeDefined();
    expect(refusal('cancelOrder', await graphql({ 'x-api-key': keys.manager }, cancel))).toBeUndefined();
    const ofSiteB = `{ orders(siteId: "${siteB}") { __typename } }`;
    expect(refusal('orders', await graphql({ 'x-api-key': scopedKey }, ofSiteB))).toBeDefined();
    for (const c of refused) expect((await graphql(c.headers, cancel)).status, c.name).toBe(401);
  });
});

describe('gRPC at the gateway', () => {
  const refusal = async (p: Promise<unknown>): Promise<{ status: string; code: unknown }> => {
    try {
      await p;
    } catch (e) {
      const error = e as grpc.ServiceError;
      return { status: grpc.status[error.code], code: error.metadata.get('paklog-error-code')[0] };
    }
    return { status: 'OK', code: undefined };
  };

  it('refuses a viewer the floor and an operator order intake, a site-A key site B, and revoked or expired credentials', async () => {
    const server = await serveGrpcApi({ http: gateway.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const clients = publicClients(`127.0.0.1:${server.port}`);
    try {
      const rpc = rpcMethods(clients);
      const request = { workerId: 'w-1', siteId: siteB };
      expect(await refusal(rpc.nextTask(request, credentialsMetadata({ apiKey: keys.viewer })))).toEqual({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
      expect(await refusal(rpc.createOrder({ externalId: 'X', siteId: siteB }, credentialsMetadata({ apiKey: keys.operator }))))
        .toEqual({ status: 'PERMISSION_DENIED', code: 'FORBIDDEN' });
      expect(await refusal(rpc.nextTask(request, credentialsMetadata({ apiKey: scopedKey })))).toMatchObject({ status: 'PERMISSION_DENIED' });
      for (const c of refused.filter((r) => r.name !== 'no credential')) {
        const metadata = c.headers.authorization === undefined ? credentialsMetadata({ apiKey: c.headers['x-api-key']! })
          : credentialsMetadata({ bearer: c.headers.authorization.slice('Bearer '.length) });
        expect(await refusal(rpc.nextTask(request, metadata)), c.name).toMatchObject({ status: 'UNAUTHENTICATED' });
      }
    } finally {
      clients.close();
      await server.close();
    }
  });
});

describe('a signed-out session at the gateway', () => {
  it('answers 401 at once to its access token over REST, GraphQL and gRPC (found by the roles hunt)', async () => {
    const login = await gateway.http.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'gw-manager', password: 'a long enough password here' } });
    expect(login.statusCode, login.body).toBe(200);
    const session = JSON.parse(login.body) as { accessToken: string; refreshToken: string };
    const headers = { authorization: `Bearer ${session.accessToken}` };
    const graphql = async (): Promise<number> => (await gateway.http.inject({
      method: 'POST', url: '/graphql', headers: { ...headers, 'content-type': 'application/json' }, payload: { query: '{ __typename }' },
    })).statusCode;
    const server = await serveGrpcApi({ http: gateway.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    const clients = publicClients(`127.0.0.1:${server.port}`);
    const grpcStatus = async (): Promise<string> => {
      try {
        await rpcMethods(clients).nextTask({ workerId: 'gw-manager', siteId: siteB }, credentialsMetadata({ bearer: session.accessToken }));
        return 'OK';
      } catch (e) {
        return grpc.status[(e as grpc.ServiceError).code];
      }
    };
    try {
      expect(await send(headers, 'GET', '/api/v1/auth/me')).toEqual({ status: 200 });
      expect(await send(headers, 'GET', `/api/v1/orders?siteId=${siteB}`)).toMatchObject({ status: 403 });
      expect(await graphql()).toBe(200);
      expect(await grpcStatus()).toBe('PERMISSION_DENIED');
      expect((await gateway.http.inject({ method: 'POST', url: '/api/v1/auth/logout', payload: { refreshToken: session.refreshToken } })).statusCode).toBe(204);
      // Before: the token went on working until it expired (15 minutes).
      expect(await send(headers, 'GET', '/api/v1/auth/me')).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect(await send(headers, 'GET', `/api/v1/orders?siteId=${siteB}`)).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      expect(await graphql()).toBe(401);
      expect(await grpcStatus()).toBe('UNAUTHENTICATED');
    } finally {
      clients.close();
      await server.close();
    }
  });
});

describe('the audit trail at the gateway', () => {
  it('shows the users and keys its admin made and revoked, the admin as actor (found by the roles hunt)', async () => {
    const res = await gateway.http.inject({ method: 'GET', url: '/api/v1/audit?type=platform.user.created.v1,platform.api-key.created.v1,platform.api-key.revoked.v1&limit=500', headers: { 'x-api-key': adminKey } });
    expect(res.statusCode, res.body).toBe(200);
    const items = (JSON.parse(res.body) as { items: { type: string; data: { username?: string; name?: string }; actor: { kind: string; role: string } | null }[] }).items;
    expect(items.find((e) => e.type === 'platform.user.created.v1')?.data.username).toBe('gw-manager');
    expect(items.filter((e) => e.type === 'platform.api-key.created.v1').map((e) => e.data.name)).toContain('gw revoked');
    expect(items.filter((e) => e.type === 'platform.api-key.revoked.v1')).toHaveLength(1);
    for (const e of items) expect(e.actor).toMatchObject({ kind: 'key', role: 'admin' });
  });
});

describe('the gateway with a service down', () => {
  it('answers 503 UNAVAILABLE for the dead letters it reads and replays there, not a 500', async () => {
    const closed = new Promise((r) => service.app.http.server.close(r));
    service.app.http.server.closeAllConnections();
    await closed;
    const list = await send({ 'x-api-key': adminKey }, 'GET', '/api/v1/dead-letters');
    const replay = await send({ 'x-api-key': adminKey }, 'POST', '/api/v1/dead-letters/dlq_none/replay');
    const routed = await send({ 'x-api-key': adminKey }, 'GET', '/api/v1/orders?limit=1');
    expect([list, replay, routed]).toEqual([{ status: 503, code: 'UNAVAILABLE' }, { status: 503, code: 'UNAVAILABLE' }, { status: 503, code: 'UNAVAILABLE' }]);
  });
});
