import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { Database, type Row } from '../db/database.ts';
import { IdempotencyKeys } from './idempotency.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

const fakeRequest = (key: string, url: string): FastifyRequest => ({
  headers: { 'idempotency-key': key }, principal: { id: 'key_test', name: 'test', role: 'admin' },
  method: 'POST', url, routeOptions: { url }, body: { n: 1 },
}) as unknown as FastifyRequest;
const fakeReply = (): FastifyReply => {
  const reply = { status: () => reply, header: () => reply };
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

  it('a failure to store the response after the work committed keeps the key claimed, so a retry does not do the work twice', async () => {
    class FailingStore extends Database {
      override async query<R extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
        if (text.startsWith('UPDATE platform.idempotency_keys')) throw new Error('connection lost');
        return super.query<R>(text, params);
      }
    }
    const db = new FailingStore(t.databaseUrl, { max: 2 });
    try {
      const keys = new IdempotencyKeys(db);
      let runs = 0;
      const work = async (): Promise<{ n: number }> => ({ n: ++runs });
      await expect(keys.run(fakeRequest('store-fails', '/x'), fakeReply(), 201, work)).rejects.toThrow('connection lost');
      expect(runs).toBe(1);
      await expect(keys.run(fakeRequest('store-fails', '/x'), fakeReply(), 201, work)).rejects.toMatchObject({ code: 'IDEMPOTENCY_IN_PROGRESS' });
      expect(runs).toBe(1);
    } finally {
      await db.close();
    }
  });

  it('a first request that fails leaves no claim: the retry runs', async () => {
    const keys = new IdempotencyKeys(t.app.db);
    await expect(keys.run(fakeRequest('first-fails', '/x'), fakeReply(), 201, async () => {
      throw new Error('rejected');
    })).rejects.toThrow('rejected');
    expect(await keys.run(fakeRequest('first-fails', '/x'), fakeReply(), 201, async () => ({ ok: true }))).toEqual({ ok: true });
  });
});
