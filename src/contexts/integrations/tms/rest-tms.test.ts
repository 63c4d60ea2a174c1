import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartnerUnavailable, type OutboundMessage } from '../ports/port.ts';
import { restTms } from './rest-tms.ts';

/** The REST TMS adapter against a local fake: what it sends, and each answer it refuses (retried by the delivery job). */
let answer: { status: number; body: string } = { status: 201, body: '{"loadId":"LD-1","status":"TENDERED"}' };
const seen: { url: string; headers: Record<string, unknown>; body: string }[] = [];
let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tms/`;
});
afterAll(async () => { await new Promise<void>((r) => server.close(() => r())); });

const message: OutboundMessage = {
  id: 'pms_1', kind: 'LOAD_BOOKING', idempotencyKey: 'load.shp_1',
  document: { type: 'paklog.tms.load.v1', messageId: 'pms_1', idempotencyKey: 'load.shp_1', createdAt: '2026-12-01T10:00:00.000Z', data: { shipmentId: 'shp_1' } },
};

describe('REST TMS adapter', () => {
  it('books a load with the token and idempotency key, and answers the load id', async () => {
    const tms = restTms({ url, token: 'secret', timeoutMs: 2000 });
    await expect(tms.bookLoad(message)).resolves.toEqual({ loadId: 'LD-1', status: 'TENDERED' });
    expect(seen.at(-1)).toMatchObject({ url: '/tms/loads', headers: { authorization: 'Bearer secret', 'idempotency-key': 'load.shp_1', 'paklog-message-type': 'paklog.tms.load.v1' } });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual(message.document);
  });

  it.each([
    ['an error status', { status: 503, body: '{"error":"down"}' }, /answered 503/],
    ['no loadId', { status: 200, body: '{"ok":true}' }, /no loadId/],
    ['no JSON', { status: 200, body: '<html>' }, /not JSON/],
    ['a loadId with a control character', { status: 201, body: '{"loadId":"LD\\u0000-1"}' }, /no identifier/],
    ['a loadId with white space at an end', { status: 201, body: '{"loadId":"LD-1 "}' }, /no identifier/],
    ['a loadId past 100 characters', { status: 201, body: `{"loadId":"${'L'.repeat(101)}"}` }, /no identifier/],
  ])('refuses %s as the TMS being unavailable', async (_what, a, why) => {
    answer = a;
    const err = await restTms({ url, token: undefined, timeoutMs: 2000 }).bookLoad(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartnerUnavailable);
    expect((err as Error).message).toMatch(why);
  });

  it('refuses an unreachable TMS', async () => {
    const err = await restTms({ url: 'http://127.0.0.1:9', token: undefined, timeoutMs: 2000 }).bookLoad(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PartnerUnavailable);
  });
});
