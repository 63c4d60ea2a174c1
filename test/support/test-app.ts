import { buildApp, type BuildOptions, type PakLogApp, type RemoteApis } from '../../src/app.ts';
import type { ContractApis } from '../../src/rpc/contract-rpc.ts';
import { loadConfig } from '../../src/platform/config/config.ts';
import { ROLES, type Role } from '../../src/platform/http/roles.ts';
import { createTestDatabase, type TestDatabaseOptions } from './test-database.ts';
import { describeViolations, OpenApiCheck } from './openapi-check.ts';

export interface TestResponse<T = any> {
  status: number;
  body: T;
  headers: Record<string, string | number | string[] | undefined>;
}

export interface TestApp {
  readonly app: PakLogApp;
  readonly databaseUrl: string;
  /** One API key per role. */
  readonly keys: Readonly<Record<Role, string>>;
  /** Sends a request through fastify's inject (no socket) as the given role (admin by default; `null` = no key). */
  request<T = any>(method: string, url: string, options?: { body?: unknown; role?: Role | null; headers?: Record<string, string> }): Promise<TestResponse<T>>;
  get<T = any>(url: string, role?: Role | null): Promise<TestResponse<T>>;
  post<T = any>(url: string, body?: unknown, role?: Role | null, headers?: Record<string, string>): Promise<TestResponse<T>>;
  /** Every item of a cursor-paginated list (`{ items, nextCursor }`), following the cursor. */
  getAll<T = any>(url: string, role?: Role | null): Promise<T[]>;
  /** Waits until every committed event has been dispatched and handled. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A test that runs only some contexts (PAKLOG_CONTEXTS) appends the others' events itself; their APIs are not there,
 * and a call to one fails loudly naming the context rather than reaching tables that do not exist.
 */
const notRunHere: RemoteApis = <K extends keyof ContractApis>(_api: K, owner: string): ContractApis[K] =>
  new Proxy({}, {
    get: (_target, method) => (method === 'then' ? undefined : () => Promise.reject(new Error(`${owner} does not run in this test (PAKLOG_CONTEXTS)`))),
  }) as ContractApis[K];

/**
 * The whole app on its own fresh database, with silent logs and a key per role. Every response is checked against the
 * app's OpenAPI document (openapi-check.ts): a request whose response the document does not describe throws, naming the
 * route, the status and what does not match; violations of requests sent around `request` (inject, a socket) fail `close`.
 * `openApiCheck: false` turns the check off (a test that sends what the document cannot describe on purpose).
 * `close` also checks that the stock is conserved (test-database.ts), unless `skipConservationCheck` says why not.
 * An app of some contexts (PAKLOG_CONTEXTS) migrates an empty database, or with `contextsTemplate` clones a template of
 * its list's migrations, made once per run: worth it for a list several files run (a build costs about one migration
 * more than the first file saves; each later file then clones in ~1 s instead of 3–4 s of DDL at load 16–19).
 */
export async function startTestApp(
  options: BuildOptions & { env?: Record<string, string>; openApiCheck?: boolean; contextsTemplate?: boolean } & TestDatabaseOptions = {},
): Promise<TestApp> {
  const { openApiCheck = true, skipConservationCheck, contextsTemplate = false, ...buildOptions } = options;
  // An app of every context starts from the run's migrated template (test-database.ts): its migrations ran once per run.
  const contexts = options.env?.PAKLOG_CONTEXTS;
  const db = await createTestDatabase({
    migrated: contexts === undefined ? true : contextsTemplate ? contexts.split(',').map((c) => c.trim()).filter((c) => c !== '') : false,
    ...(skipConservationCheck === undefined ? {} : { skipConservationCheck }),
  });
  // Per-key rate limits are off unless a test sets them (test/e2e/limits.test.ts): suites that drive hundreds of orders
  // with one key measure the warehouse, not the limiter (cancel-races read past the default 6,000 reads a minute).
  const config = loadConfig({
    LOG_LEVEL: 'silent', PAKLOG_DB_POOL_SIZE: '20', PAKLOG_DB_STRICT_NESTING: 'true',
    PAKLOG_RATE_LIMIT_READ_PER_MIN: '0', PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_RATE_LIMIT_HEAVY_PER_MIN: '0',
    ...options.env,
  });
  const check = openApiCheck ? new OpenApiCheck() : undefined;
  const app = await buildApp(config, db.url, {
    retryDelaysMs: [0, 5, 10], remoteApis: notRunHere, ...buildOptions,
    configureHttp: (http) => {
      check?.install(http);
      buildOptions.configureHttp?.(http);
    },
  });
  const keys = {} as Record<Role, string>;
  for (const role of ROLES) keys[role] = (await app.apiKeys.create(`test ${role}`, role)).key;

  const request = async <T>(method: string, url: string, o: { body?: unknown; role?: Role | null; headers?: Record<string, string> } = {}): Promise<TestResponse<T>> => {
    const role = o.role === undefined ? 'admin' : o.role;
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (role !== null) headers['x-api-key'] = keys[role];
    const res = await app.http.inject({
      method: method as 'GET',
      url,
      headers,
      ...(o.body === undefined ? {} : { payload: o.body as object }),
    });
    const violations = check?.take(String(res.headers['x-request-id'] ?? '')) ?? [];
    if (violations.length > 0) throw new Error(`${method} ${url}: the response does not match the OpenAPI document:\n${describeViolations(violations)}`);
    let body: unknown = res.body;
    if ((res.headers['content-type'] ?? '').toString().includes('json') && res.body !== '') body = JSON.parse(res.body);
    return { status: res.statusCode, body: body as T, headers: res.headers };
  };

  return {
    app, databaseUrl: db.url, keys, request,
    get: (url, role) => request('GET', url, role === undefined ? {} : { role }),
    post: (url, body, role, headers) => request('POST', url, { body, ...(role === undefined ? {} : { role }), ...(headers === undefined ? {} : { headers }) }),
    async getAll<T>(url: string, role?: Role | null): Promise<T[]> {
      const items: T[] = [];
      let cursor: string | null = null;
      do {
        const page: TestResponse<{ items: T[]; nextCursor: string | null }> = await request('GET', `${url}${url.includes('?') ? '&' : '?'}limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`, role === undefined ? {} : { role });
        if (page.status !== 200) throw new Error(`GET ${url} → ${page.status} ${JSON.stringify(page.body)}`);
        items.push(...page.body.items);
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      return items;
    },
    settle: () => app.bus.idle(),
    close: async () => {
      await app.close();
      await db.drop();
      const left = check?.takeAll() ?? [];
      if (left.length > 0) throw new Error(`responses that do not match the OpenAPI document:\n${describeViolations(left)}`);
    },
  };
}
