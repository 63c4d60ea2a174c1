import type { FastifyReply, FastifyRequest } from 'fastify';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { Database } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { IdempotencyKeys } from './idempotency.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await t.app.db.query(`CREATE TABLE public.idem_work (key text NOT NULL)`);
});

/** How many times the work of a key was done (committed). */
const workDone = async (key: string): Promise<number> =>
  (await t.app.db.query<{ n: number }>(`SELECT count(*) AS n FROM public.idem_work WHERE key = $1`, [key]))[0]!.n;
afterAll(async () => {
  await t.close();
});

const fakeRequest = (key: string, url: string): FastifyRequest => ({
  headers: { 'idempotency-key': key }, principal: { id: 'key_test', name: 'test', role: 'admin' },
  method: 'POST', url, routeOptions: { url }, body: { n: 1 },
}) as unknown as FastifyRequest;
const fakeReply = (headers: Record<string, string> = {}): FastifyReply => {
  const reply = {
    status: () => reply,
    header: (name: string, value: string) => {
      headers[name] = value;
      return reply;
    },
  };
  return reply as unknown as FastifyReply;
};

describe('Idempotency-Key', () => {
  it('the same key and body on another resource (path parameter) is refused, not answered with the first response', async () => {
    const a = await t.post('/api/v1/sites', { code: 'IDA', name: 'A' });
    const b = await t.post('/api/v1/sites', { code: 'IDB', name: 'B' });
    const body = { code: 'IDEM-1', type: 'PICK_FACE', x: 1, y: 1 };
    const headers = { 'idempotency-key': 'same-key-1' };
    const first = await t.post(`/api/v1/sites/${a.body.id}/locations`, body, 'admin', headers);
    expect(first.status).toBe(201);
    const replay = await t.post(`/api/v1/sites/${a.body.id}/locations`, body, 'admin', headers);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const other = await t.post(`/api/v1/sites/${b.body.id}/locations`, body, 'admin', headers);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('the same body with its fields in another order is the same request (replayed); a blank key is refused 400 (found by the black-box hunt)', async () => {
    const site = await t.post('/api/v1/sites', { code: 'IDO', name: 'Order' });
    const headers = { 'idempotency-key': 'same-key-order' };
    const first = await t.post(`/api/v1/sites/${site.body.id}/locations`, { code: 'ORD-1', type: 'PICK_FACE', x: 1, y: 2 }, 'admin', headers);
    expect(first.status).toBe(201);
    const reordered = await t.post(`/api/v1/sites/${site.body.id}/locations`, { y: 2, x: 1, type: 'PICK_FACE', code: 'ORD-1' }, 'admin', headers);
    expect([reordered.status, reordered.body.id, reordered.headers['idempotent-replayed']]).toEqual([201, first.body.id, 'true']);
    const changed = await t.post(`/api/v1/sites/${site.body.id}/locations`, { y: 3, x: 1, type: 'PICK_FACE', code: 'ORD-1' }, 'admin', headers);
    expect([changed.status, changed.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const locations = async (): Promise<number> => (await t.get(`/api/v1/sites/${site.body.id}/locations?limit=500`)).body.items.length;
    const count = await locations();
    const blank = await t.post(`/api/v1/sites/${site.body.id}/locations`, { code: 'ORD-2', type: 'PICK_FACE', x: 1, y: 3 }, 'admin', { 'idempotency-key': '   ' });
    expect([blank.status, blank.body.code, blank.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/idempotency-key', message: 'must not be blank' }]]);
    // An empty key is blank too, not absent: the command ran unprotected, the client believing it could retry it (found by the black-box hunt).
    const empty = await t.post(`/api/v1/sites/${site.body.id}/locations`, { code: 'ORD-3', type: 'PICK_FACE', x: 1, y: 4 }, 'admin', { 'idempotency-key': '' });
    expect([empty.status, empty.body.code, empty.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/idempotency-key', message: 'must not be blank' }]]);
    expect(await locations()).toBe(count);
  });

  it('a repeated Idempotency-Key, Authorization or X-Api-Key is 400 VALIDATION_FAILED naming the header, nothing done (as Node hands them over a socket)', async () => {
    const site = await t.post('/api/v1/sites', { code: 'IDR', name: 'Repeated' });
    await t.app.http.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.http.server.address() as { port: number };
    /** A POST over a socket with these header lines, as a client sends them (inject would not join or drop repeats as Node does). */
    const send = (headers: readonly (readonly [string, string])[], body: unknown): Promise<{ status: number; body: any }> => new Promise((resolve, reject) => {
      const data = JSON.stringify(body);
      const lines = [`POST /api/v1/sites/${site.body.id as string}/locations HTTP/1.1`, 'host: 127.0.0.1', 'connection: close',
        'content-type: application/json', `content-length: ${Buffer.byteLength(data)}`, ...headers.map(([k, v]) => `${k}: ${v}`)];
      const socket = connect(port, '127.0.0.1', () => socket.write(`${lines.join('\r\n')}\r\n\r\n${data}`));
      let answer = '';
      socket.on('data', (c: Buffer) => { answer += c.toString(); });
      socket.on('end', () => resolve({ status: Number(answer.slice(9, 12)), body: JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) }));
      socket.on('error', reject);
    });
    const admin = ['x-api-key', t.keys.admin] as const;
    const location = (n: number) => ({ code: `REP-${n}`, type: 'PICK_FACE', x: 1, y: n });
    const keys = await send([admin, ['idempotency-key', 'a'], ['idempotency-key', 'b']], location(1));
    expect([keys.status, keys.body.code, keys.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/idempotency-key', message: 'was sent more than once' }]]);
    for (const [n, credentials] of [
      [2, [['authorization', `Bearer ${t.keys.viewer}`], ['authorization', `Bearer ${t.keys.admin}`]]],
      [3, [['authorization', `Bearer ${t.keys.admin}`], ['authorization', `Bearer ${t.keys.viewer}`]]],
    ] as const) {
      const two = await send(credentials, location(n));
      expect([two.status, two.body.code, two.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/authorization', message: 'was sent more than once' }]]);
    }
    const apiKeys = await send([admin, ['x-api-key', t.keys.admin]], location(4));
    expect([apiKeys.status, apiKeys.body.code, apiKeys.body.errors]).toEqual([400, 'VALIDATION_FAILED', [{ field: '/headers/x-api-key', message: 'was sent more than once' }]]);
    expect((await t.get(`/api/v1/sites/${site.body.id}/locations`)).body.items).toEqual([]);
    // Sent once each, the same key is taken.
    const once = await send([admin, ['idempotency-key', 'a, b']], location(5));
    expect([once.status, once.body.code]).toEqual([201, 'REP-5']);
  });

  it('a request whose process dies mid-command leaves no claim: the retry does the work once and its answer is replayed', async () => {
    // The "process" runs on its own pool; its connections are cut while its command waits, and no code of it runs again.
    const dying = new Database(t.databaseUrl, { max: 2, applicationName: 'idem-dying' });
    dying.pool.on('connect', (client) => client.on('error', () => undefined));
    let working: () => void = () => undefined;
    const inWork = new Promise<void>((r) => {
      working = r;
    });
    void new IdempotencyKeys(dying).run(fakeRequest('dies-1', '/x'), fakeReply(), 201, async () => {
      await dying.tx((tx) => tx.query(`INSERT INTO public.idem_work (key) VALUES ('dies-1')`));
      working();
      // SIGKILL: the query fails when its connection is cut, and nothing of this process runs after that.
      await dying.query('SELECT pg_sleep(60)').catch(() => new Promise(() => undefined));
      return { n: 0 };
    });
    await inWork;
    await t.app.db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'idem-dying'`);

    const keys = new IdempotencyKeys(t.app.db);
    let runs = 0;
    const work = async (): Promise<{ n: number }> => {
      await t.app.db.tx((tx) => tx.query(`INSERT INTO public.idem_work (key) VALUES ('dies-1')`));
      return { n: ++runs };
    };
    expect(await keys.run(fakeRequest('dies-1', '/x'), fakeReply(), 201, work)).toEqual({ n: 1 });
    const replayed: Record<string, string> = {};
    expect(await keys.run(fakeRequest('dies-1', '/x'), fakeReply(replayed), 201, work)).toEqual({ n: 1 });
    expect(replayed['idempotent-replayed']).toBe('true');
    expect(runs).toBe(1);
    expect(await workDone('dies-1')).toBe(1);
  });

  it('a concurrent duplicate waits for the first and replays its answer instead of 409 IN_PROGRESS', async () => {
    const keys = new IdempotencyKeys(t.app.db);
    let runs = 0;
    const work = async (): Promise<{ n: number }> => {
      await t.app.db.tx((tx) => tx.query(`INSERT INTO public.idem_work (key) VALUES ('twice-1')`));
      await new Promise((r) => setTimeout(r, 100));
      return { n: ++runs };
    };
    const answers = await Promise.all([1, 2, 3].map(() => keys.run(fakeRequest('twice-1', '/x'), fakeReply(), 201, work)));
    expect(answers).toEqual([{ n: 1 }, { n: 1 }, { n: 1 }]);
    expect(await workDone('twice-1')).toBe(1);
  });

  it('the response is stored in the work\'s transaction: if it cannot be stored the work rolls back too, and the retry does it once', async () => {
    const keys = new IdempotencyKeys(t.app.db);
    let runs = 0;
    const work = (answer: string) => async (): Promise<{ text: string }> => {
      await t.app.db.tx((tx) => tx.query(`INSERT INTO public.idem_work (key) VALUES ('store-fails')`));
      runs++;
      return { text: answer };
    };
    // jsonb refuses \u0000: storing this answer fails after the work was done in the same transaction.
    await expect(keys.run(fakeRequest('store-fails', '/x'), fakeReply(), 201, work('a\u0000b'))).rejects.toThrow();
    expect(await workDone('store-fails')).toBe(0);
    expect(await keys.run(fakeRequest('store-fails', '/x'), fakeReply(), 201, work('ok'))).toEqual({ text: 'ok' });
    expect(runs).toBe(2);
    expect(await workDone('store-fails')).toBe(1);
  });

  it('a business rejection rolls its work back and burns no key: the retry runs', async () => {
    const keys = new IdempotencyKeys(t.app.db);
    await expect(keys.run(fakeRequest('rejected-1', '/x'), fakeReply(), 201, async () => {
      await t.app.db.tx((tx) => tx.query(`INSERT INTO public.idem_work (key) VALUES ('rejected-1')`));
      throw new AppError('INSUFFICIENT_STOCK', 'no');
    })).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect(await workDone('rejected-1')).toBe(0);
    expect(await t.app.db.query(`SELECT 1 FROM platform.idempotency_keys WHERE key = 'rejected-1'`)).toHaveLength(0);
    expect(await keys.run(fakeRequest('rejected-1', '/x'), fakeReply(), 201, async () => ({ ok: true }))).toEqual({ ok: true });
  });

  it('a first request that fails leaves no claim: the retry runs', async () => {
    const keys = new IdempotencyKeys(t.app.db);
    await expect(keys.run(fakeRequest('first-fails', '/x'), fakeReply(), 201, async () => {
      throw new Error('rejected');
    })).rejects.toThrow('rejected');
    expect(await keys.run(fakeRequest('first-fails', '/x'), fakeReply(), 201, async () => ({ ok: true }))).toEqual({ ok: true });
  });
});
