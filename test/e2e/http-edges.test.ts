import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settledFingerprint } from '../support/fingerprint.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The HTTP layer itself (issue 6): bodies are strictly typed, bodies without a required field are optional, slow
 * clients are cut off, and every error the server sends (also before routing) is problem+json with a request id.
 */
let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await startTestApp({
    env: {
      PAKLOG_HTTP_REQUEST_TIMEOUT_MS: '600', PAKLOG_HTTP_HEADERS_TIMEOUT_MS: '400',
      PAKLOG_HTTP_KEEP_ALIVE_TIMEOUT_MS: '300', PAKLOG_HTTP_IDLE_TIMEOUT_MS: '5000',
    },
  });
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.http.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  port = address.port;
});
afterAll(async () => {
  await t.close();
});

const fingerprint = (): Promise<Record<string, number>> => settledFingerprint(t);

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
}

/** Every POST route of the OpenAPI document with its JSON body schema (undefined when it takes none). */
async function postRoutes(): Promise<{ path: string; body: JsonSchema | undefined }[]> {
  const docs = await t.get('/docs/json', null);
  return Object.entries(docs.body.paths as Record<string, Record<string, { requestBody?: { content?: Record<string, { schema: JsonSchema }> } }>>)
    .filter(([path, methods]) => path.startsWith('/api/v1/') && methods.post !== undefined)
    .map(([path, methods]) => ({ path, body: methods.post!.requestBody?.content?.['application/json']?.schema }));
}

/** JSON pointers of every number, integer and string field of a body schema (into objects and the first array item). */
function scalarFields(schema: JsonSchema, pointer = ''): { pointer: string; type: string }[] {
  if (schema.type === 'object') {
    return Object.entries(schema.properties ?? {}).flatMap(([name, s]) => scalarFields(s, `${pointer}/${name}`));
  }
  if (schema.type === 'array' && schema.items !== undefined) return scalarFields(schema.items, `${pointer}/0`);
  if (schema.type === 'number' || schema.type === 'integer' || schema.type === 'string') return [{ pointer, type: schema.type }];
  return [];
}

/** A body holding only `value` at `pointer` (objects and arrays made on the way). */
function bodyWith(pointer: string, value: unknown): unknown {
  const parts = pointer.split('/').slice(1);
  const build = (i: number): unknown => {
    if (i === parts.length) return value;
    const part = parts[i]!;
    return /^[0-9]+$/.test(part) ? [build(i + 1)] : { [part]: build(i + 1) };
  };
  return build(0);
}

describe('strictly typed JSON bodies (item 4)', () => {
  it('every POST route: a boolean or an array in place of a number or string → 400 naming the field, nothing written', async () => {
    const routes = await postRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const before = await fingerprint();
    let checked = 0;
    for (const { path, body } of routes) {
      if (body === undefined || path.startsWith('/api/v1/dead-letters')) continue;
      const url = path.replace(/\{[^}]+\}/g, 'unknown_1');
      for (const { pointer, type } of scalarFields(body)) {
        for (const bad of [true, type === 'string' ? ['A1'] : [2]]) {
          const res = await t.post(url, bodyWith(pointer, bad));
          const what = `${path} ${pointer}=${JSON.stringify(bad)}`;
          expect(res.status, what).toBe(400);
          expect(res.headers['content-type'], what).toContain('application/problem+json');
          expect(res.body.code, what).toBe('VALIDATION_FAILED');
          expect((res.body.errors as { field: string }[]).map((e) => e.field), what).toContain(pointer);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(await fingerprint()).toEqual(before);
  });

  it('a product with "widthMm": true or an order line with "quantity": [2] is refused, not stored as 1 or 2', async () => {
    const product = await t.post('/api/v1/products', { sku: 'STRICT-1', description: 'x', lengthMm: 10, widthMm: true, heightMm: 10, weightG: 5 });
    expect(product.status).toBe(400);
    expect(product.body.errors).toContainEqual({ field: '/widthMm', message: 'must be integer' });
    expect((await t.get('/api/v1/products/STRICT-1')).status).toBe(404);
    const order = await t.post('/api/v1/orders', {
      externalId: 'STRICT-ORDER', siteId: 'DEMO', shipTo: { name: 'A', line1: 'B', city: 'C', postalCode: '1', country: 'DE' },
      lines: [{ sku: 'STRICT-1', quantity: [2] }],
    });
    expect(order.status).toBe(400);
    expect(order.body.errors).toContainEqual({ field: '/lines/0/quantity', message: 'must be integer' });
  });

  it('query strings and path parameters are still coerced from text', async () => {
    const res = await t.get('/api/v1/orders?limit=2');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

describe('optional command bodies (item 8)', () => {
  it('every POST /…/{id}/<action> whose body requires nothing accepts no body and an empty JSON body', async () => {
    const routes = (await postRoutes()).filter((r) => /\/\{[^}]+\}\/[a-z-]+$/.test(r.path) && (r.body === undefined || (r.body.required ?? []).length === 0));
    expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/orders/{id}/cancel', '/api/v1/waves/{id}/release', '/api/v1/waves/{id}/cancel', '/api/v1/shipments/{id}/dispatch']));
    for (const { path } of routes) {
      const url = path.replace(/\{[^}]+\}/g, 'unknown_1');
      for (const headers of [undefined, { 'content-type': 'application/json' }]) {
        const res = await t.app.http.inject({ method: 'POST', url, headers: { 'x-api-key': t.keys.admin, ...headers }, ...(headers === undefined ? {} : { payload: '' }) });
        // Past validation: the unknown id is what fails.
        expect(res.statusCode, `${path} ${JSON.stringify(headers)} ${res.body}`).toBe(404);
        expect(res.json().code).toBe('NOT_FOUND');
      }
    }
  });

  it('a body that requires fields is still required: an empty JSON body → 400 "/ must be object"', async () => {
    const res = await t.app.http.inject({ method: 'POST', url: '/api/v1/products', headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json' }, payload: '' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toContainEqual({ field: '/', message: 'must be object' });
  });
});

/** Sends raw bytes on a fresh socket; resolves with what came back and how long until the server closed it. */
function rawExchange(write: (socket: Socket) => void, giveUpMs = 5_000): Promise<{ response: string; closedAfterMs: number; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ response, closedAfterMs: Date.now() - started, closedByServer: false });
    }, giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { response += d; });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ response, closedAfterMs: Date.now() - started, closedByServer: true });
    });
    socket.on('connect', () => write(socket));
    socket.on('timeout', () => reject(new Error('socket timeout')));
  });
}

function problemOf(response: string): { status: number; headers: string; body: Record<string, unknown> } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body: JSON.parse(body) as Record<string, unknown> };
}

describe('slow clients are cut off (item 15)', () => {
  it('a POST body trickled byte by byte is cut off after the request timeout with a 408 problem', async () => {
    let timer: NodeJS.Timeout | undefined;
    const result = await rawExchange((socket) => {
      socket.write(`POST /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Api-Key: ${t.keys.admin}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      // One byte every 100 ms: never idle long enough for an inactivity timeout, never finished.
      timer = setInterval(() => { if (!socket.destroyed) socket.write(' '); }, 100);
    });
    clearInterval(timer);
    expect(result.closedByServer).toBe(true);
    expect(result.closedAfterMs).toBeLessThan(2_500);
    const p = problemOf(result.response);
    expect(p.status).toBe(408);
    expect(p.headers).toContain('content-type: application/problem+json');
    expect(p.body).toMatchObject({ status: 408, code: 'REQUEST_TIMEOUT' });
    expect(p.headers).toContain(`x-request-id: ${String(p.body.traceId)}`);
  });

  it('headers trickled slowly are cut off after the headers timeout', async () => {
    let timer: NodeJS.Timeout | undefined;
    const result = await rawExchange((socket) => {
      socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n');
      timer = setInterval(() => { if (!socket.destroyed) socket.write('X-A: b\r\n'); }, 100);
    });
    clearInterval(timer);
    expect(result.closedByServer).toBe(true);
    expect(result.closedAfterMs).toBeLessThan(2_000);
  });

  it('an idle keep-alive connection is closed after the keep-alive timeout', async () => {
    const result = await rawExchange((socket) => socket.write('GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(result.response).toContain('HTTP/1.1 200');
    expect(result.closedByServer).toBe(true);
    expect(result.closedAfterMs).toBeLessThan(2_000);
  });

  it('the connection cap is applied to the server', () => {
    expect(t.app.http.server.maxConnections).toBe(1_000);
  });
});

describe('every error is problem+json with a code and a request id (item 18)', () => {
  const expectProblem = (res: { statusCode: number; headers: Record<string, unknown>; body: string }, status: number, code: string): void => {
    expect(res.statusCode, res.body).toBe(status);
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    const body = JSON.parse(res.body) as { code: string; status: number; traceId: string };
    expect(body).toMatchObject({ code, status });
    expect(body.traceId).toBe(res.headers['x-request-id']);
    expect(body.traceId).toMatch(/\S/);
  };

  it('an over-long path parameter → 414 URI_TOO_LONG', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: `/api/v1/orders/${'x'.repeat(300)}`, headers: { 'x-api-key': t.keys.admin, 'x-request-id': 'long-1' } });
    expectProblem(res, 414, 'URI_TOO_LONG');
    expect(res.headers['x-request-id']).toBe('long-1');
  });

  it('a malformed URL → 400 VALIDATION_FAILED, not FST_ERR_BAD_URL', async () => {
    const res = await t.app.http.inject({ method: 'GET', url: '/api/v1/orders/%E0%A4%A', headers: { 'x-api-key': t.keys.admin } });
    expectProblem(res, 400, 'VALIDATION_FAILED');
  });

  it('a gzipped body → 415 UNSUPPORTED_MEDIA_TYPE, nothing written', async () => {
    const before = await fingerprint();
    const payload = gzipSync(JSON.stringify({ code: 'GZ1', name: 'Gzip' }));
    const res = await t.app.http.inject({
      method: 'POST', url: '/api/v1/sites', payload,
      headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await fingerprint()).toEqual(before);
  });

  it('an unsupported content type → 415 UNSUPPORTED_MEDIA_TYPE; a body too large → 413 PAYLOAD_TOO_LARGE', async () => {
    expectProblem(await t.app.http.inject({ method: 'POST', url: '/api/v1/sites', payload: '<a/>', headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/xml' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    // The newcomer's `curl -d '{…}'` without a content type: the detail says what to send (it was "Unsupported Media Type").
    const form = await t.app.http.inject({ method: 'POST', url: '/api/v1/sites', payload: '{"code":"FORM","name":"Form"}', headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(form.json().detail).toBe('A body sent as application/x-www-form-urlencoded is not read: send JSON with the header Content-Type: application/json '
      + '(curl -d sends application/x-www-form-urlencoded unless told: -H \'content-type: application/json\'); an X12 interchange is text/plain (or application/edi-x12), a CSV import text/csv');
    expectProblem(await t.app.http.inject({
      method: 'POST', url: '/api/v1/sites', payload: JSON.stringify({ code: 'X', name: 'x'.repeat(3 * 1024 * 1024) }),
      headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json' },
    }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('parser errors on the socket: headers too large → 431, malformed request → 400, Expect → 417, all problem+json', async () => {
    const big = await rawExchange((s) => s.write(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    const p431 = problemOf(big.response);
    expect(p431.status).toBe(431);
    expect(p431.headers).toContain('content-type: application/problem+json');
    expect(p431.body).toMatchObject({ status: 431, code: 'HEADERS_TOO_LARGE' });
    expect(p431.headers).toContain(`x-request-id: ${String(p431.body.traceId)}`);

    const bad = problemOf((await rawExchange((s) => s.write('GARBAGE\r\n\r\n'))).response);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });

    const expect417 = problemOf((await rawExchange((s) => s.write('GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: magic\r\n\r\n'))).response);
    expect(expect417.status).toBe(417);
    expect(expect417.headers).toContain('content-type: application/problem+json');
    expect(expect417.body).toMatchObject({ status: 417, code: 'EXPECTATION_FAILED' });
  });
});

describe('a key sent the wrong way', () => {
  it('as X-Api-Key: Bearer <key> is 401 saying to send the key alone (it was "not valid or has been revoked")', async () => {
    const mixed = await t.app.http.inject({ method: 'GET', url: '/api/v1/sites', headers: { 'x-api-key': `Bearer ${t.keys.admin}` } });
    expect([mixed.statusCode, mixed.json().code, mixed.json().detail]).toEqual([401, 'UNAUTHENTICATED',
      'X-Api-Key holds the key alone, without "Bearer ": send X-Api-Key: <key>, or Authorization: Bearer <key>']);
    const right = await t.app.http.inject({ method: 'GET', url: '/api/v1/sites', headers: { 'x-api-key': t.keys.admin } });
    expect(right.statusCode).toBe(200);
  });
});

describe('a route that does not exist', () => {
  it('is 404 NOT_FOUND for every authenticated caller, not a 403 that sends a reader of a guide to look for a missing role', async () => {
    const site = await t.post('/api/v1/sites', { code: 'EDGES', name: 'Edges' });
    const scoped = await t.post('/api/v1/api-keys', { name: 'site-scoped viewer', role: 'viewer', siteIds: [site.body.id] });
    expect(scoped.status).toBe(201);
    const owners = await t.post('/api/v1/owners', { code: 'EDGES', name: 'Edges' });
    const ownerKey = await t.post('/api/v1/api-keys', { name: 'owner key', role: 'integration', ownerId: owners.body.id });
    expect(ownerKey.status).toBe(201);
    for (const role of ['admin', 'manager', 'operator', 'viewer', 'integration'] as const) {
      const r = await t.request('POST', '/api/v1/lpns/lpn_x/no-such-action', { body: {}, role });
      expect([role, r.status, r.body.code]).toEqual([role, 404, 'NOT_FOUND']);
      expect(r.body.detail).toBe('No route POST /api/v1/lpns/lpn_x/no-such-action');
    }
    for (const key of [scoped.body.key as string, ownerKey.body.key as string]) {
      const r = await t.app.http.inject({ method: 'GET', url: '/api/v1/no-such-list?siteId=X', headers: { 'x-api-key': key } });
      expect([r.statusCode, r.json().code]).toEqual([404, 'NOT_FOUND']);
    }
    // The two misses of a newcomer say where the API is: the banner's API URL itself, and a route without its /api/v1.
    for (const path of ['/api/v1', '/api/v1/', '/api']) {
      const r = await t.request('GET', path);
      expect([path, r.status, r.body.detail]).toEqual([path, 404, `No route GET ${path}: the API's operations are under /api/v1/ (e.g. GET /api/v1/orders?siteId=DEMO), each listed at /docs`]);
    }
    const withoutPrefix = await t.request('GET', '/orders?siteId=DEMO');
    expect([withoutPrefix.status, withoutPrefix.body.detail]).toEqual([404, 'No route GET /orders?siteId=DEMO: the API is under /api/v1 (GET /api/v1/orders?siteId=DEMO)']);
    const noSuch = await t.request('GET', '/no-such-thing');
    expect([noSuch.status, noSuch.body.detail]).toEqual([404, 'No route GET /no-such-thing']);
    // Who calls it still has to say who they are.
    const anonymous = await t.request('GET', '/api/v1/no-such-list', { role: null });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('called with a trailing slash (found by the walkthrough hunt), it is 404 naming the call without the slash: a list was 400 "/params/id must NOT have fewer than 1 characters"', async () => {
    const send = async (method: string, path: string, headers: Record<string, string> = { 'x-api-key': t.keys.admin }): Promise<{ status: number; body: { code?: string; detail?: string } }> => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers });
      return { status: res.status, body: await res.json() as { code?: string; detail?: string } };
    };
    expect((await t.post('/api/v1/sites', { code: 'SLASH', name: 'Slash' })).status).toBe(201);
    // A list whose path is also the prefix of a read by id (`/orders/{id}`), and one with no such read.
    for (const [path, call] of [['/api/v1/orders/?siteId=SLASH', 'GET /api/v1/orders'], ['/api/v1/sites/', 'GET /api/v1/sites'], ['/api/v1/inventory/atp/', 'GET /api/v1/inventory/atp']] as const) {
      const r = await send('GET', path);
      expect([path, r.status, r.body.code, r.body.detail]).toEqual([path, 404, 'NOT_FOUND', `No route GET ${path.split('?')[0]}: drop the trailing slash (${call})`]);
    }
    const post = await send('POST', '/api/v1/sites/');
    expect([post.status, post.body.detail]).toEqual([404, 'No route POST /api/v1/sites/: drop the trailing slash (POST /api/v1/sites)']);
    // A stranger learns nothing; an id that is there reads as always.
    expect((await send('GET', '/api/v1/orders/', {})).status).toBe(401);
    expect((await send('GET', '/api/v1/sites/SLASH')).status).toBe(200);
  });

  it('a JSON body sent as text/plain is 415 saying to send JSON (found by the walkthrough hunt: it was 400 "/ must be object")', async () => {
    const before = await fingerprint();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/sites`, {
      method: 'POST', headers: { 'x-api-key': t.keys.admin, 'content-type': 'text/plain' }, body: JSON.stringify({ code: 'PLAIN', name: 'Plain' }),
    });
    const body = await res.json() as { code?: string; detail?: string };
    expect([res.status, body.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(body.detail).toBe('A body sent as text/plain is not read here: send JSON with the header Content-Type: application/json');
    expect(await fingerprint()).toEqual(before);
  });
});

describe('a route that does not exist, by a caller', () => {
  it('says who they are first', async () => {
    const anonymous = await t.request('GET', '/api/v1/no-such-list', { role: null });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('a key naming one site twice (by code and by id, or twice alike; found by the black-box hunt)', () => {
  it('keeps the site once, as a user\'s grants do: the key and GET /api-keys list each site once', async () => {
    const site = await t.post('/api/v1/sites', { code: 'TWICE', name: 'Named twice' });
    const key = await t.post('/api/v1/api-keys', { name: 'twice', role: 'viewer', siteIds: ['TWICE', site.body.id, 'TWICE'] });
    expect([key.status, key.body.siteIds]).toEqual([201, [site.body.id]]);
    const listed = (await t.get('/api/v1/api-keys')).body.items.find((k: { id: string }) => k.id === key.body.id);
    expect(listed.siteIds).toEqual([site.body.id]);
  });
});

describe('a method a path does not take (found by the bad-input hunt: it was 404 NOT_FOUND)', () => {
  it('is 405 METHOD_NOT_ALLOWED with an Allow header naming the path\'s methods, on every documented path; an unknown path stays 404', async () => {
    for (const [method, url, allow] of [
      ['DELETE', '/api/v1/orders', ['GET', 'HEAD', 'POST']],
      ['PUT', '/api/v1/waves', ['GET', 'HEAD', 'POST']],
      ['DELETE', '/health/live', ['GET', 'HEAD']],
    ] as const) {
      const res = await t.request(method, url, {});
      expect([url, res.status, res.body.code], JSON.stringify(res.body)).toEqual([url, 405, 'METHOD_NOT_ALLOWED']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(String(res.headers.allow).split(', '), url).toEqual(expect.arrayContaining([...allow]));
      expect(res.body.detail).toMatch(/takes .*GET.*, not /);
    }
    const docs = await t.get('/docs/json', null);
    const paths = Object.entries(docs.body.paths as Record<string, Record<string, unknown>>);
    expect(paths.length).toBeGreaterThan(100);
    let checked = 0;
    for (const [path, operations] of paths) {
      const methods = Object.keys(operations).map((m) => m.toUpperCase());
      const other = ['PATCH', 'DELETE', 'PUT', 'POST'].find((m) => !methods.includes(m));
      if (other === undefined) continue;
      const url = path.replace(/\{[^}]+\}/g, 'x_1');
      const res = await t.app.http.inject({ method: other as 'PATCH', url, headers: { 'x-api-key': t.keys.admin } });
      expect([path, other, res.statusCode], res.body).toEqual([path, other, 405]);
      expect(res.json().code).toBe('METHOD_NOT_ALLOWED');
      expect(String(res.headers.allow).split(', '), path).toEqual(expect.arrayContaining(methods));
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
    expect((await t.request('DELETE', '/api/v1/no-such-list', {})).status).toBe(404);
    // As for a path that does not exist: who calls it has to say who they are first.
    const anonymous = await t.request('DELETE', '/api/v1/orders', { role: null });
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('the API documentation\'s routes answer refusals as every route does (found by the edges hunt)', () => {
  it('a file /docs/static/ does not have is 404 NOT_FOUND (was 405 "takes GET, HEAD, not GET"); a bad query on /docs/json is problem+json (was fastify\'s own JSON)', async () => {
    for (const url of ['/docs/static/nope.js', '/docs/static/no/such/file.css']) {
      const res = await t.app.http.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json<{ code: string }>().code], res.body).toEqual([url, 404, 'NOT_FOUND']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.headers.allow).toBeUndefined();
    }
    // Another method on such a path is still 405 naming the path's methods.
    const put = await t.app.http.inject({ method: 'PUT', url: '/docs/static/nope.js', headers: { 'x-api-key': t.keys.admin } });
    expect([put.statusCode, put.json<{ code: string }>().code, put.headers.allow]).toEqual([405, 'METHOD_NOT_ALLOWED', 'GET, HEAD']);
    for (const url of ['/docs/json?x=%ZZ', '/docs/yaml?x=%FF', '/docs/static/swagger-initializer.js?x=%ZZ']) {
      const res = await t.app.http.inject({ method: 'GET', url });
      expect([url, res.statusCode, res.json<{ code: string }>().code], res.body).toEqual([url, 400, 'VALIDATION_FAILED']);
      expect(res.headers['content-type'], url).toContain('application/problem+json');
      expect(res.json<{ type?: string; traceId?: string }>(), url).toMatchObject({ type: expect.stringContaining('validation-failed'), traceId: expect.any(String) });
    }
  });
});

describe('the documentation\'s file server refuses as every route does (found by the input-and-roles hunt)', () => {
  it('a path it will not open (a NUL byte, a name too long) is 404 NOT_FOUND, not 403 coded VALIDATION_FAILED; a range past the file is 416 RANGE_NOT_SATISFIABLE', async () => {
    for (const url of ['/docs/static/%00', '/docs/static/index.html%00.js', `/docs/static/${'a'.repeat(3000)}`]) {
      const res = await t.app.http.inject({ method: 'GET', url });
      expect([url.slice(0, 40), res.statusCode, res.json<{ code: string }>().code], res.body).toEqual([url.slice(0, 40), 404, 'NOT_FOUND']);
      expect(res.json<{ type: string; detail: string }>()).toMatchObject({ type: expect.stringContaining('not-found'), detail: expect.any(String) });
    }
    for (const range of ['bytes=999999999-', 'bytes=5-2']) {
      const res = await t.app.http.inject({ method: 'GET', url: '/docs/static/swagger-ui.css', headers: { range } });
      expect([range, res.statusCode, res.json<{ code: string }>().code], res.body).toEqual([range, 416, 'RANGE_NOT_SATISFIABLE']);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json<{ type: string; detail: string }>()).toMatchObject({ type: expect.stringContaining('range-not-satisfiable'), detail: expect.stringContaining('Range') });
    }
  });
});

describe('values echoed in errors are capped (found by the bad-input hunt: a 100 KB id came back whole)', () => {
  it('a 100 KB id: REST\'s detail and GraphQL\'s message carry its first 64 characters and "…"', async () => {
    const id = 'x'.repeat(100_000);
    const rest = await t.app.http.inject({ method: 'GET', url: `/api/v1/orders/${id}`, headers: { 'x-api-key': t.keys.admin } });
    expect(rest.statusCode).toBe(414);
    expect(rest.body.length).toBeLessThan(1_000);
    expect(rest.json().detail).toMatch(/^'\/api\/v1\/orders\/x{48}… is exceeding the max param length$/);
    const gql = await t.app.http.inject({
      method: 'POST', url: '/graphql', headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ query: `{ order(id: "${id}") { id } }` }),
    });
    expect(gql.body.length, gql.body.slice(0, 300)).toBeLessThan(1_000);
    expect((gql.json().errors as { message: string }[])[0]?.message).toContain('…');
  });
});

describe('bodies the API does not read as sent (found by the bad-input hunt)', () => {
  it('GraphQL as application/graphql: bytes that are no UTF-8 → 400, another charset → 415, UTF-8 → 200', async () => {
    const send = (contentType: string, payload: Buffer | string) => t.app.http.inject({
      method: 'POST', url: '/graphql', headers: { 'x-api-key': t.keys.admin, 'content-type': contentType }, payload,
    });
    const bytes = await send('application/graphql', Buffer.concat([Buffer.from('{ __typename } # Caf'), Buffer.from([0xe9])]));
    expect([bytes.statusCode, bytes.json().code, bytes.json().errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/', message: 'must be UTF-8 text' }]]);
    expect(bytes.headers['content-type']).toContain('application/problem+json');
    const latin1 = await send('application/graphql; charset=latin1', '{ __typename }');
    expect([latin1.statusCode, latin1.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const ok = await send('application/graphql', '{ __typename } # Caf\u00e9');
    expect([ok.statusCode, ok.json()]).toEqual([200, { data: { __typename: 'Query' } }]);
  });

  it('a CSV import sent as JSON → 415 UNSUPPORTED_MEDIA_TYPE naming text/csv, not "/ must be string"', async () => {
    const res = await t.app.http.inject({
      method: 'POST', url: '/api/v1/imports/products', headers: { 'x-api-key': t.keys.admin, 'content-type': 'application/json' }, payload: '{"sku":"A"}',
    });
    expect([res.statusCode, res.json().code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(res.json().detail).toContain('text/csv');
  });
});
