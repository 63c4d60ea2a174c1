import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app.ts';

type Frame = { id: string; type: string; time: string };

/** Collects the stream's frames into `frames` until one of `type` arrives (or the stream ends). */
async function readFrames(reader: ReadableStreamDefaultReader<string>, frames: Frame[], type: string): Promise<void> {
  let buffer = '';
  while (!frames.some((f) => f.type === type)) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const parts = buffer.split('\n\n');
    buffer = parts.pop()!;
    for (const p of parts) if (p.startsWith('data: ')) frames.push(...(JSON.parse(p.slice(6)) as Frame[]));
  }
}

/** GET /api/v1/live: the server-sent events the console follows (ADR 0035). */
describe('the live event stream', () => {
  let t: TestApp;
  let base: string;
  let open: ReadableStreamDefaultReader<string> | undefined;
  /** A product made now: the stream ends at that event, hearing nothing of it (3 s at most). */
  const expectEndedAtNextEvent = async (reader: ReadableStreamDefaultReader<string>, frames: Frame[], skuPrefix: string, description: string): Promise<void> => {
    const after = await t.post('/api/v1/products', { sku: `${skuPrefix}${Date.now()}`, description, lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10 });
    expect(after.status).toBe(201);
    const heard = frames.length;
    const ended = await Promise.race([
      readFrames(reader, frames, 'catalog.product.created.v1').then(() => frames.length === heard ? 'ended' : 'heard'),
      new Promise((r) => setTimeout(() => r('still open'), 3_000)),
    ]);
    await reader.cancel().catch(() => undefined);
    expect({ ended, heard: frames.slice(heard).map((f) => f.type) }).toEqual({ ended: 'ended', heard: [] });
  };
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    // A stream still open does not hold the app's shutdown: the server ends it.
    const t0 = Date.now();
    await t.close();
    expect(Date.now() - t0).toBeLessThan(5_000);
    if (open !== undefined) expect((await open.read().catch(() => ({ done: true, value: undefined }))).done).toBe(true);
  });

  it('wants a key like every API call', async () => {
    expect((await fetch(`${base}/api/v1/live`)).status).toBe(401);
    expect((await fetch(`${base}/api/v1/live`, { headers: { 'x-api-key': 'pk_wrong' } })).status).toBe(401);
  });

  it('tells a caller limited to some sites only of their events and of those of no site', async () => {
    const mine = await t.post<{ id: string }>('/api/v1/sites', { code: 'LIVEA', name: 'Mine' });
    const limited = (await t.app.apiKeys.create('site A viewer', 'viewer', undefined, [mine.body.id])).key;
    const res = await fetch(`${base}/api/v1/live`, { headers: { 'x-api-key': limited } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const frames: Frame[] = [];
    const product = `LIVE-SKU-${Date.now()}`;
    const read = readFrames(reader, frames, 'catalog.product.created.v1');
    // Another site's event, then one of its own site, then one of no site (the last one the reader waits for).
    const other = await t.post<{ id: string }>('/api/v1/sites', { code: 'LIVEB', name: 'Not mine' });
    const location = await t.post<{ id: string }>(`/api/v1/sites/${mine.body.id}/locations`, { code: 'A-01-01-1', type: 'PICK_FACE', x: 1, y: 1 });
    expect([other.status, location.status]).toEqual([201, 201]);
    await t.settle();
    expect((await t.post('/api/v1/products', { sku: product, description: 'Live product', lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10 })).status).toBe(201);
    await read;
    await reader.cancel();
    const ids = async (subject: string) => ((await t.get(`/api/v1/events?subject=${subject}`)).body.items as { id: string }[]).map((e) => e.id);
    const heard = new Set(frames.map((f) => f.id));
    expect((await ids(other.body.id)).filter((id) => heard.has(id))).toEqual([]);
    expect((await ids(location.body.id)).every((id) => heard.has(id))).toBe(true);
  });

  it('ends a stream whose key was revoked: it hears nothing committed after the next check (at most 5 s later)', async () => {
    const key = await t.post<{ id: string; key: string }>('/api/v1/api-keys', { name: 'live, soon revoked', role: 'viewer' });
    const res = await fetch(`${base}/api/v1/live`, { headers: { 'x-api-key': key.body.key } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const frames: Frame[] = [];
    const first = readFrames(reader, frames, 'location-master.site.created.v1');
    expect((await t.post('/api/v1/sites', { code: 'LIVER1', name: 'Heard' })).status).toBe(201);
    await first;
    expect((await t.post(`/api/v1/api-keys/${key.body.id}/revoke`)).status).toBeLessThan(300);
    // The stream checks its caller again once the last check is 5 s old, before it sends the next events.
    await new Promise((r) => setTimeout(r, 5_200));
    await expectEndedAtNextEvent(reader, frames, 'LIVE-REVOKED-', 'After revocation');
  }, 20_000);

  it('ends the stream of a person who signed out at its next event, without waiting for the 5-second check (found by the roles hunt)', async () => {
    const password = 'a long enough live password';
    expect((await t.post('/api/v1/users', { username: 'live.person', password, grants: [{ siteId: '*', role: 'viewer' }] })).status).toBe(201);
    const session = (await t.request('POST', '/api/v1/auth/login', { role: null, body: { username: 'live.person', password } })).body;
    const res = await fetch(`${base}/api/v1/live`, { headers: { authorization: `Bearer ${session.accessToken as string}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const frames: Frame[] = [];
    const first = readFrames(reader, frames, 'location-master.site.created.v1');
    expect((await t.post('/api/v1/sites', { code: 'LIVEO1', name: 'Heard' })).status).toBe(201);
    await first;
    expect((await t.request('POST', '/api/v1/auth/logout', { role: null, body: { refreshToken: session.refreshToken } })).status).toBe(204);
    // At once: before, the stream went on for up to 5 s (and the access token for 15 minutes).
    await expectEndedAtNextEvent(reader, frames, 'LIVE-OUT-', 'After logout');
  }, 20_000);

  it('streams each committed event as its id, type and time only (no data), and ends when the app closes', async () => {
    const res = await fetch(`${base}/api/v1/live`, { headers: { 'x-api-key': t.keys.viewer } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const frames: Frame[] = [];
    const read = readFrames(reader, frames, 'location-master.site.created.v1');
    const site = await t.post('/api/v1/sites', { code: 'LIVE1', name: 'Live site' });
    expect(site.status).toBe(201);
    await read;
    open = reader;
    const created = frames.find((f) => f.type === 'location-master.site.created.v1')!;
    expect(Object.keys(created).sort()).toEqual(['id', 'time', 'type']);
    const stored = (await t.get(`/api/v1/events?subject=${site.body.id}`)).body.items as { id: string; type: string }[];
    expect(stored.map((e) => e.id)).toContain(created.id);
  });
});
