/**
 * The schema-driven fuzzer (ADR 0044): requests generated from the OpenAPI document, the GraphQL schema and the public
 * `.proto` files, sent to one in-process app (REST and GraphQL through fastify's inject, gRPC over a local socket),
 * each answer checked: no 5xx, no gRPC INTERNAL/UNKNOWN, no GraphQL error without a PakLog code, every REST refusal a
 * problem with a `code` and a `detail`, and no change to any watched table when a mutating request was refused.
 * Used by test/e2e/fuzz.test.ts (CI, ≥ 5k requests) and `npm run bench -- fuzz` (100k).
 */
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { buildApp, type PakLogApp } from '../../../src/app.ts';
import { serveGrpcApi } from '../../../src/gateway/grpc/public-api.ts';
import { loadConfig } from '../../../src/platform/config/config.ts';
import { ROLES, type Role } from '../../../src/platform/http/roles.ts';
import type { RpcServer } from '../../../src/platform/rpc/rpc-server.ts';
import { injectClient, receiveStock, setupWarehouse, createOrder } from '../flow-driver.ts';
import { graphqlRequest, graphqlSchema, INTROSPECTION, type GraphqlSchema } from './graphql.ts';
import { grpcMethods, grpcRequest, rawCall } from './grpc.ts';
import { operationsOf, restRequest, type Operation } from './rest.ts';
import { stateProbe, type Fingerprint, type StateProbe } from './state.ts';
import { rand, type Pools, type Rand } from './values.ts';

export interface FuzzApp {
  readonly app: PakLogApp;
  readonly keys: Readonly<Record<Role, string>>;
  readonly grpcTarget: string;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/** The whole app on `databaseUrl` with silent logs, rate limits and the failed-authentication limit off, a key per role and the public gRPC API on 127.0.0.1. */
export async function startFuzzApp(databaseUrl: string, env: Record<string, string> = {}): Promise<FuzzApp> {
  const config = loadConfig({
    LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '10',
    PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    // Refused credentials are part of the mix: the per-address limit on them (test/e2e/limits.test.ts) would soon answer
    // every call from 127.0.0.1 with 429 and leave nothing else to fuzz.
    PAKLOG_AUTH_FAILURES_PER_MIN: '0', ...env,
  });
  // The contexts' timed jobs (the stock totals' fold, count scheduling, stuck-work scans…) write on their own clock: one
  // that fires between a refused request and its state check is not the request's write (CI failed once on a slow host,
  // where the 5,000 requests outlasted the fold's 30 s). The fuzzer checks requests, so it runs without the jobs.
  const app = await buildApp(config, databaseUrl, { retryDelaysMs: [0, 5, 10], startJobs: false });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await app.apiKeys.create(`fuzz ${role}`, role)).key;
  let server: RpcServer;
  try {
    server = await serveGrpcApi({ http: app.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  } catch (e) {
    await app.close();
    throw e;
  }
  return {
    app, keys, grpcTarget: `127.0.0.1:${server.port}`, databaseUrl,
    close: async () => {
      await server.close();
      await app.close();
    },
  };
}

export type Surface = 'rest' | 'graphql' | 'grpc';

export interface Failure {
  readonly surface: Surface;
  readonly kind: 'server-error' | 'no-problem-body' | 'internal-error' | 'state-changed';
  readonly request: string;
  readonly answer: string;
}

export interface SurfaceStats {
  requests: number;
  /** Status class (`2xx`, `4xx`…; gRPC status names) → count. */
  classes: Record<string, number>;
  /** Exact status (REST/GraphQL HTTP status, gRPC status name) → count. */
  statuses: Record<string, number>;
  /** Refused mutating requests whose state check ran. */
  stateChecks: number;
}

export interface FuzzReport {
  readonly seed: number;
  readonly requests: number;
  readonly surfaces: Record<Surface, SurfaceStats>;
  readonly operations: { rest: number; graphql: number; grpc: number };
  /** The operations the run sent at least one request to: REST `METHOD /path`, GraphQL field, gRPC method name. */
  readonly exercised: Readonly<Record<Surface, ReadonlySet<string>>>;
  readonly serverErrors: number;
  readonly stateChangesOnRejection: number;
  readonly failures: readonly Failure[];
  readonly durationMs: number;
  /** Milliseconds spent per step: waiting for the bus, fingerprints, requests per surface. */
  readonly spentMs: Record<string, number>;
}

export interface FuzzOptions {
  readonly requests: number;
  readonly seed: number;
  /** Shares of the requests per surface (default REST 0.6, GraphQL 0.2, gRPC 0.2). */
  readonly shares?: Readonly<Record<Surface, number>>;
  /** Called every `progressEvery` requests. */
  readonly onProgress?: (done: number) => void;
}

const ID = /^[a-z]{2,5}_[0-9A-Za-z-]{6,}$/;
const CODE = /^[A-Z0-9][A-Z0-9-]{1,30}$/;
const POOL_MAX = 300;
const ERROR_MEMBERS = new Set(['ValidationFailed', 'Forbidden', 'NotFound', 'Conflict', 'InsufficientStock']);

/** Ids and codes from a response, into the pools the generators draw real references from. */
function harvest(pools: Pools, body: unknown, r: Rand, depth = 0): void {
  if (depth > 6) return;
  if (typeof body === 'string') {
    const pool = ID.test(body) ? pools.ids : CODE.test(body) ? pools.codes : undefined;
    if (pool !== undefined && !pool.includes(body)) {
      if (pool.length < POOL_MAX) pool.push(body);
      else pool[r.int(POOL_MAX)] = body;
    }
  } else if (Array.isArray(body)) {
    for (const x of body.slice(0, 20)) harvest(pools, x, r, depth + 1);
  } else if (typeof body === 'object' && body !== null) {
    for (const v of Object.values(body)) harvest(pools, v, r, depth + 1);
  }
}

const excerpt = (s: string, n = 400): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A small warehouse with stock and an order, so references in generated requests can name real entities. */
export async function seedWarehouse(f: FuzzApp, pools: Pools): Promise<void> {
  const call = injectClient(f.app, f.keys.admin);
  const w = await setupWarehouse(call, { siteCode: 'FUZZ', aisles: 2, bays: 3, levels: 2, skus: 4 });
  await receiveStock(call, w, 20, 1);
  const order = await createOrder(call, w.siteId, { externalId: 'FUZZ-1', lines: [{ sku: w.products[0]!.sku, quantity: 2 }] });
  await f.app.bus.idle();
  pools.ids.push(w.siteId, order.id, ...w.storage.slice(0, 5).map((s) => s.id));
  pools.codes.push('FUZZ', ...w.storage.slice(0, 5).map((s) => s.code), ...w.products.map((p) => p.sku));
}

export async function runFuzz(f: FuzzApp, o: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  const r = rand(o.seed);
  const pools: Pools = { ids: [], codes: [] };
  await seedWarehouse(f, pools);

  const doc = (await f.app.http.inject({ method: 'GET', url: '/docs/json' })).json<unknown>();
  const ops: Operation[] = operationsOf(doc);
  const introspected = await f.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'x-api-key': f.keys.admin, 'content-type': 'application/json' }, payload: { query: INTROSPECTION } });
  const gql: GraphqlSchema = graphqlSchema(introspected.json<{ data: unknown }>().data);
  const rpc = grpcMethods();
  const client = new grpc.Client(f.grpcTarget, grpc.credentials.createInsecure());
  const probe: StateProbe = await stateProbe(f.app.db);

  const shares = o.shares ?? { rest: 0.6, graphql: 0.2, grpc: 0.2 };
  const stats = (): SurfaceStats => ({ requests: 0, classes: {}, statuses: {}, stateChecks: 0 });
  const surfaces: Record<Surface, SurfaceStats> = { rest: stats(), graphql: stats(), grpc: stats() };
  const failures: Failure[] = [];
  let serverErrors = 0;
  let stateChanges = 0;
  const count = (s: Surface, cls: string, status: string): void => {
    const st = surfaces[s];
    st.requests++;
    st.classes[cls] = (st.classes[cls] ?? 0) + 1;
    st.statuses[status] = (st.statuses[status] ?? 0) + 1;
  };
  const fail = (x: Failure): void => {
    if (failures.length < 200) failures.push(x);
  };

  // The state before the next mutating request: taken again only after an accepted one (once its events are handled).
  let before: Fingerprint | undefined;
  const spent = { settle: 0, probe: 0, rest: 0, graphql: 0, grpc: 0 };
  const timed = async <T>(k: keyof typeof spent, p: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await p();
    } finally {
      const ms = performance.now() - t0;
      spent[k] += ms;
      if (process.env.FUZZ_DEBUG !== undefined && ms > 300) console.log(`slow ${k} ${Math.round(ms)} ms`);
    }
  };
  const ensureBefore = async (): Promise<Fingerprint> => {
    if (before === undefined) {
      await timed('settle', () => f.app.bus.idle());
      before = await timed('probe', () => probe.take());
    }
    return before;
  };
  const checkUnchanged = async (surface: Surface, request: string, answer: string): Promise<void> => {
    const b = await ensureBefore();
    surfaces[surface].stateChecks++;
    if (await timed('probe', () => probe.changedSince(b))) {
      stateChanges++;
      fail({ surface, kind: 'state-changed', request, answer: `${answer} — written: ${(await probe.writtenSince(b)).join(', ')}` });
      before = undefined;
    }
  };
  const headersFor = (credential: string): Record<string, string> => {
    if (credential === 'none') return {};
    if (credential === 'bogus-key') return { 'x-api-key': 'pk_bogus_0000000000000000' };
    if (credential === 'bogus-bearer') return { authorization: 'Bearer not.a.token' };
    return { 'x-api-key': f.keys[credential as Role] };
  };

  const exercised: Record<Surface, Set<string>> = { rest: new Set(), graphql: new Set(), grpc: new Set() };
  try {
    for (let i = 0; i < o.requests; i++) {
      if (o.onProgress !== undefined && i > 0 && i % 5000 === 0) o.onProgress(i);
      const roll = r.next();
      const surface: Surface = roll < shares.rest ? 'rest' : roll < shares.rest + shares.graphql ? 'graphql' : 'grpc';

      if (surface === 'rest') {
        const op = r.pick(ops);
        exercised.rest.add(`${op.method} ${op.path}`);
        const req = restRequest(op, r, pools);
        const mutating = req.method !== 'GET';
        if (mutating) await ensureBefore();
        const res = await timed('rest', () => f.app.http.inject({
          method: req.method as 'GET', url: req.url, headers: { ...req.headers, ...headersFor(req.credential) },
          ...(req.payload === undefined ? {} : { payload: req.payload }),
        }));
        const status = res.statusCode;
        count('rest', `${Math.floor(status / 100)}xx`, String(status));
        const described = `${req.method} ${excerpt(req.url, 200)} [${req.credential}] ${req.what} ${excerpt(req.payload ?? '', 300)}`;
        const answer = `${status} ${excerpt(res.body)}`;
        if (status >= 500) {
          serverErrors++;
          fail({ surface, kind: 'server-error', request: described, answer });
        } else if (status >= 400) {
          let body: { code?: unknown; detail?: unknown } = {};
          try {
            body = res.json();
          } catch { /* checked below */ }
          const problem = String(res.headers['content-type'] ?? '').includes('application/problem+json')
            && typeof body.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(body.code) && typeof body.detail === 'string' && body.detail !== '';
          if (!problem) fail({ surface, kind: 'no-problem-body', request: described, answer });
          if (mutating) await checkUnchanged('rest', described, answer);
        } else {
          if (mutating) before = undefined;
          if (String(res.headers['content-type'] ?? '').includes('json') && res.body !== '') harvest(pools, JSON.parse(res.body), r);
        }
      } else if (surface === 'graphql') {
        const req = graphqlRequest(gql, r, pools);
        exercised.graphql.add(req.field);
        const c = r.next();
        const credential = c < 0.85 ? 'admin' : c < 0.9 ? 'none' : c < 0.97 ? r.pick(['viewer', 'operator', 'integration']) : 'bogus-key';
        if (req.mutation) await ensureBefore();
        const res = await timed('graphql', () => f.app.http.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', ...headersFor(credential) }, payload: req.body }));
        const status = res.statusCode;
        const described = `${req.field} [${credential}] ${req.what} ${excerpt(req.body, 400)}`;
        const answer = `${status} ${excerpt(res.body)}`;
        let body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string; status?: number } }[]; code?: string } = {};
        try {
          body = res.json();
        } catch { /* checked below */ }
        const errors = body.errors ?? [];
        const internal = status >= 500 || errors.some((e) => e.extensions?.code === 'INTERNAL' || (e.extensions?.status ?? 0) >= 500)
          // An error raised while executing (data present) must carry a PakLog code; a document that does not parse or
          // validate is answered before execution, without data.
          || (body.data !== undefined && body.data !== null && errors.some((e) => e.extensions?.code === undefined));
        const accepted = status < 300 && body.data !== undefined && body.data !== null && errors.length === 0
          && Object.values(body.data).every((v) => v !== null && !ERROR_MEMBERS.has((v as { __typename?: string }).__typename ?? ''));
        const errored = errors.length > 0 || status >= 400;
        count('graphql', status >= 400 ? `${Math.floor(status / 100)}xx` : errored ? 'errors[]' : accepted ? 'data' : 'refused (typed)', String(status));
        if (internal) {
          serverErrors++;
          fail({ surface, kind: status >= 500 ? 'server-error' : 'internal-error', request: described, answer });
        }
        if (req.mutation) {
          if (accepted) before = undefined;
          else await checkUnchanged('graphql', described, answer);
        }
        if (accepted) harvest(pools, body.data, r);
      } else {
        const req = grpcRequest(rpc, r, pools);
        exercised.grpc.add(req.method.name);
        const m = new grpc.Metadata();
        for (const [k, v] of Object.entries(headersFor(req.credential))) m.set(k, v);
        await ensureBefore();
        const t0 = performance.now();
        const res = await timed('grpc', () => rawCall(client, req.method.path, req.bytes, m));
        if (process.env.FUZZ_DEBUG !== undefined && performance.now() - t0 > 1000) console.log('slow grpc', req.method.name, req.what, req.credential, req.bytes.length, res.code, res.details);
        const name = grpc.status[res.code] ?? String(res.code);
        count('grpc', name, name);
        const described = `${req.method.name} [${req.credential}] ${req.what} ${req.bytes.length} bytes`;
        const answer = `${name} ${res.errorCode ?? ''} ${excerpt(res.details)}`;
        if ([grpc.status.INTERNAL, grpc.status.UNKNOWN, grpc.status.DATA_LOSS, grpc.status.UNIMPLEMENTED].includes(res.code)) {
          serverErrors++;
          fail({ surface, kind: 'server-error', request: described, answer });
        }
        if (res.code === Number(grpc.status.OK)) before = undefined;
        else await checkUnchanged('grpc', described, answer);
      }
    }
  } finally {
    client.close();
  }
  return {
    seed: o.seed, requests: o.requests, surfaces,
    operations: { rest: ops.length, graphql: (gql.types.get(gql.query)?.fields?.length ?? 0) + (gql.mutation === undefined ? 0 : gql.types.get(gql.mutation)?.fields?.length ?? 0), grpc: rpc.methods.length },
    exercised, serverErrors, stateChangesOnRejection: stateChanges, failures, durationMs: Math.round(performance.now() - started),
    spentMs: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round(v)])),
  };
}

/** One line per surface: requests and status classes. */
export function describeReport(report: FuzzReport): string {
  const lines = Object.entries(report.surfaces).map(([s, st]) => `${s}: ${st.requests} requests, ${Object.entries(st.classes).sort().map(([k, v]) => `${k} ${v}`).join(', ')}; state checks ${st.stateChecks}`);
  lines.push(`operations: REST ${report.operations.rest}, GraphQL ${report.operations.graphql}, gRPC ${report.operations.grpc}; seed ${report.seed}; ${report.durationMs} ms (${JSON.stringify(report.spentMs)}); 5xx/internal ${report.serverErrors}; state changes on rejection ${report.stateChangesOnRejection}`);
  return lines.join('\n');
}

/** The failures, grouped by kind and request head, for a readable assertion message. */
export function describeFailures(failures: readonly Failure[]): string {
  return failures.slice(0, 40).map((x) => `- [${x.surface} ${x.kind}] ${x.request}\n    → ${x.answer}`).join('\n');
}
