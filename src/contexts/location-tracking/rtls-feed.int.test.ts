import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { MQTT_URL, mqttOrSkip, mqttPublisher } from '../../../test/support/mqtt.ts';
import { REDIS_URL, redisOrSkip } from '../../../test/support/redis.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { LocationTrackingModule } from './index.ts';
import { rtlsConsumer } from './rtls-consumer.ts';
import type { TrackingService } from './service.ts';

/**
 * Acceptance (d) of issue 12 on the real Mosquitto: garbage on the feed is counted by reason and logged, never stops the
 * consumer; the good report published after it is applied. Once with positions in memory, once in the real Redis.
 */
let t: TestApp | undefined;
let pub: MqttClient | undefined;
afterEach(async () => {
  await pub?.endAsync();
  await t?.close();
  pub = undefined;
  t = undefined;
});

const rejected = async (app: TestApp): Promise<Record<string, number>> => {
  const text = (await app.get('/metrics', null)).body as string;
  return Object.fromEntries([...text.matchAll(/^paklog_rtls_rejected_total\{reason="(\w+)"\} (\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
};

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (done(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each([
  { store: 'memory', env: {} },
  { store: 'redis', env: { REDIS_URL } },
])('the RTLS feed over MQTT, positions in $store', ({ store, env }) => {
  it('counts and logs malformed payloads, unknown kinds and ids, positions outside the site, things of another site; keeps consuming; applies the good report after them', async (ctx) => {
    await mqttOrSkip(() => ctx.skip());
    if (store === 'redis') await redisOrSkip(() => ctx.skip());
    // A namespace of its own on the shared broker and Redis: a site code nobody else publishes to.
    const code = `R${randomBytes(3).toString('hex').toUpperCase()}`;
    t = await startTestApp({ env: { MQTT_URL, PAKLOG_BUS_NAMESPACE: `rtls-${code.toLowerCase()}`, ...env } });
    const m = t.app.modules.find((x) => x.name === 'location-tracking') as LocationTrackingModule;
    expect(m.tracking.positions.kind).toBe(store);
    const site = (await t.post('/api/v1/sites', { code, name: 'RTLS site' })).body;
    await t.post(`/api/v1/sites/${site.id}/layout`, { aisles: 2, bays: 3, levels: 1, packStations: 1 });
    await t.settle();
    expect((await t.request('PUT', '/api/v1/tracked/equipment/FLT-7', { body: { siteId: site.id } })).status).toBe(200);
    // Another site's forklift: a feed on this site's topic may not place it here (there is no caller to check).
    const other = (await t.post('/api/v1/sites', { code: `${code}X`, name: 'Other RTLS site' })).body;
    await t.post(`/api/v1/sites/${other.id}/layout`, { aisles: 2, bays: 3, levels: 1, packStations: 1 });
    await t.settle();
    expect((await t.request('PUT', '/api/v1/tracked/equipment/FLT-B', { body: { siteId: other.id } })).status).toBe(200);
    await until('the consumer subscribed', async () => m.rtls?.connected() ?? false, (c) => c);

    pub = await mqttPublisher();
    const topic = (kind: string, id: string) => `paklog/${code}/positions/${kind}/${id}`;
    // Recent: a report more than 24 hours old is refused (past_timestamp).
    const base = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const garbage: [string, string | Buffer][] = [
      [topic('equipment', 'FLT-7'), '{"x": 1, "y": '],                                     // not JSON
      [topic('equipment', 'FLT-7'), Buffer.from([0xff, 0xfe, 0x00, 0x01])],              // binary
      [topic('equipment', 'FLT-7'), JSON.stringify({ x: 'one', y: 2, timestamp: at(1) })], // wrong type
      [topic('equipment', 'FLT-7'), JSON.stringify({ x: 1, y: 2 })],                      // no timestamp
      [topic('equipment', 'FLT-7'), JSON.stringify([1, 2, 3])],
      [topic('drone', 'D1'), JSON.stringify({ x: 1, y: 2, timestamp: at(1) })],           // unknown kind
      [`paklog/${code}/positions/equipment`, JSON.stringify({ x: 1, y: 2, timestamp: at(1) })], // no id
      [topic('equipment', 'GHOST'), JSON.stringify({ x: 1, y: 2, timestamp: at(1) })],    // unknown id
      [topic('equipment', 'FLT-7'), JSON.stringify({ x: 9_999, y: -9_999, timestamp: at(1) })], // outside the site
      [`paklog/NOSUCHSITE${code}/positions/equipment/FLT-7`, JSON.stringify({ x: 1, y: 2, timestamp: at(1) })],
      [topic('equipment', 'FLT-B'), JSON.stringify({ x: 1, y: 2, timestamp: at(1) })],    // registered at the other site
      [topic('equipment', 'FLT-7'), JSON.stringify({ x: 1, y: 2, timestamp: '1970-01-01T00:00:00Z' })], // a tag's clock reset
    ];
    for (const [tp, payload] of garbage) await pub.publishAsync(tp, payload, { qos: 1 });
    await pub.publishAsync(topic('equipment', 'FLT-7'), JSON.stringify({ x: 3, y: 2, zone: 'A', timestamp: at(5), seq: 42 }), { qos: 1 });

    const where = await until('the good report applied', async () => (await t!.get('/api/v1/where-is/equipment/FLT-7')).body, (b) => b.seq === 42);
    expect(where).toMatchObject({ siteId: site.id, x: 3, y: 2, zone: 'A', source: 'rtls', at: at(5) });
    const counts = await until('every refusal counted', () => rejected(t!), (c) => Object.values(c).reduce((a, b) => a + b, 0) >= garbage.length);
    expect(counts).toEqual({ malformed_payload: 5, unknown_kind: 1, malformed_topic: 1, unknown_id: 1, outside_site: 1, unknown_site: 1, wrong_site: 1, past_timestamp: 1 });
    expect(m.rtls?.connected()).toBe(true);
    expect((await t.get('/api/v1/where-is/equipment/FLT-B')).status).toBe(404);
    // Re-homed to this site, the same report is taken.
    expect((await t.request('PUT', '/api/v1/tracked/equipment/FLT-B', { body: { siteId: site.id } })).status).toBe(200);
    await pub.publishAsync(topic('equipment', 'FLT-B'), JSON.stringify({ x: 1, y: 2, timestamp: at(2), seq: 7 }), { qos: 1 });
    await until('the re-homed forklift placed', async () => (await t!.get('/api/v1/where-is/equipment/FLT-B')).body, (b) => b.seq === 7);

    // Still consuming: an older report loses to the held one, a newer one wins.
    await pub.publishAsync(topic('equipment', 'FLT-7'), JSON.stringify({ x: 1, y: 1, timestamp: at(4), seq: 41 }), { qos: 1 });
    await pub.publishAsync(topic('equipment', 'FLT-7'), JSON.stringify({ x: 4, y: 2, timestamp: at(6), seq: 43 }), { qos: 1 });
    await until('the newer report applied', async () => (await t!.get('/api/v1/where-is/equipment/FLT-7')).body.seq, (s) => s === 43);
    const metrics = (await t.get('/metrics', null)).body as string;
    expect(metrics).toMatch(/paklog_rtls_reports_total\{outcome="stale"\} 1\b/);
    expect(metrics).toMatch(/paklog_rtls_reports_total\{outcome="applied"\} 3\b/);
  });
});

describe('the RTLS consumer stopped early', () => {
  it('stopped before its connection is up, it leaves no socket open (a one-shot command done first used to never exit)', async (ctx) => {
    await mqttOrSkip(() => ctx.skip());
    const sockets = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    await new Promise((r) => setTimeout(r, 100)); // mqttOrSkip's probe closes its socket
    const before = sockets();
    const errors: unknown[] = [];
    const log = { info: () => undefined, warn: () => undefined, error: (o: unknown) => errors.push(o) };
    const stop = new AbortController();
    // The consumer's service is not reached: no report arrives before it stops.
    const running = rtlsConsumer({} as TrackingService, { url: MQTT_URL, log: log as never }).run(stop.signal);
    stop.abort();
    await running;
    // Time for the pending connection's CONNACK: a client ended gracefully while connecting kept its socket from then on.
    await new Promise((r) => setTimeout(r, 500));
    expect(sockets()).toBe(before);
    expect(errors).toEqual([]);
  });
});
