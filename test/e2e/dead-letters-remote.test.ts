/**
 * `paklog dead-letters list|replay --url`: the dead letters of a running PakLog through its API (src/cli/dead-letters.ts).
 * The command read the local database only, so in a split deployment it could reach neither the gateway's list of every
 * service's dead letters nor its replay (found by the black-box hunt, 2026-12-04). Here the API of an in-process app
 * on a local port; the gateway answers the same two routes for every service (test/e2e/split.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLettersUsageError, listDeadLettersRemote, replayDeadLetterRemote } from '../../src/cli/dead-letters.ts';
import { PUBLISH_DEAD_LETTER } from '../../src/platform/bus/event-bus.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let url: string;

beforeAll(async () => {
  t = await startTestApp();
  await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.http.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}/`;
  const letter = (id: string, consumer: string, at: string, replayed: string | null) => t.app.db.query(
    `INSERT INTO platform.dead_letters (id, consumer, event_id, type, envelope, attempts, last_error, created_at, replayed_at)
     VALUES ($1, $2, $1, 'orders.order.created.v1', $5, 10, 'handler failed', $3, $4)`, [id, consumer, at, replayed, JSON.stringify({
      specversion: '1.0', id, type: 'orders.order.created.v1', source: 'paklog/orders', subject: 'ord_x', time: at, datacontenttype: 'application/json', data: {},
    })]);
  await letter('dlq_older', 'no-such-consumer', '2026-12-01T10:00:00Z', null);
  await letter('dlq_newer', PUBLISH_DEAD_LETTER, '2026-12-02T10:00:00Z', '2026-12-02T11:00:00Z');
});
afterAll(async () => t?.close());

describe('paklog dead-letters through a running PakLog (--url, PAKLOG_API_KEY)', () => {
  it('lists what the local list prints, oldest first, in its fields', async () => {
    const rows = await listDeadLettersRemote({ url, apiKey: t.keys.admin });
    expect(rows).toEqual([
      { id: 'dlq_older', consumer: 'no-such-consumer', type: 'orders.order.created.v1', attempts: 10, last_error: 'handler failed', replayed_at: null },
      { id: 'dlq_newer', consumer: PUBLISH_DEAD_LETTER, type: 'orders.order.created.v1', attempts: 10, last_error: 'handler failed', replayed_at: '2026-12-02T11:00:00.000Z' },
    ]);
  });

  it('replays: the bus\'s outcome, an unknown id not-found, a consumer that runs nowhere here not-subscribed', async () => {
    const key = { url, apiKey: t.keys.admin };
    expect(await replayDeadLetterRemote(key, 'dlq_newer')).toBe('duplicate');
    expect(await replayDeadLetterRemote(key, 'dlq_nope')).toBe('not-found');
    expect(await replayDeadLetterRemote(key, 'dlq_older')).toBe('not-subscribed');
  });

  it('a key that may not, a URL that is none: said, with the API\'s code', async () => {
    await expect(listDeadLettersRemote({ url, apiKey: t.keys.viewer })).rejects.toThrow('GET /api/v1/dead-letters → 403 FORBIDDEN: ');
    await expect(replayDeadLetterRemote({ url, apiKey: 'pk_wrong' }, 'dlq_older')).rejects.toThrow('→ 401 UNAUTHENTICATED: ');
    await expect(listDeadLettersRemote({ url: 'localhost:8080', apiKey: t.keys.admin })).rejects.toThrow(DeadLettersUsageError);
  });
});
