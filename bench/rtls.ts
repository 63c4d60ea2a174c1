/**
 * `npm run bench -- rtls [--rate=2000] [--duration=60] [--tags=500] [--store=redis|memory]` (issue 12 acceptance c): RTLS
 * position updates published to the real Mosquitto (MQTT_URL, default mqtt://127.0.0.1:1883, QoS 1) at `--rate` messages
 * a second for `--duration` seconds, consumed by the app's location-tracking feed (the whole app built in this process
 * on a fresh PostgreSQL database, positions in the real Redis at REDIS_URL or in memory). Loopback only.
 *
 * - **Lost updates**: every message carries its tag's sequence number; at the end every published message must have been
 *   handled (applied or stale, by the service's counters) and every tag's held position must carry its last sequence.
 * - **Ingest to query**: every 20th message is timed from its publish until `where-is` (the position store read the API
 *   does) returns its sequence or a later one; a poller checks the pending ones every 2 ms (that is the resolution).
 * - **where-is**: `GET /api/v1/where-is/{kind}/{id}` through the HTTP stack (fastify inject, API key, schema, serializer)
 *   for a random tag, one after another, for the whole run.
 * Server: PAKLOG_BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test.
 */
import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/platform/config/config.ts';
import type { LocationTrackingModule } from '../src/contexts/location-tracking/index.ts';
import type { TrackedKind } from '../src/contracts/location-tracking.ts';
import { machine, percentile, writeResult } from './machine.ts';
import { benchDatabase, numberArg, stringArg } from './support.ts';
import type { PublisherInput } from './rtls-publisher.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function main(args: string[]): Promise<void> {
  const rate = numberArg(args, 'rate', 2000);
  const duration = numberArg(args, 'duration', 60);
  const tagCount = numberArg(args, 'tags', 500);
  const store = stringArg(args, 'store', 'redis');
  const mqttUrl = process.env.MQTT_URL ?? 'mqtt://127.0.0.1:1883';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const db = await benchDatabase(serverUrl);
  const ns = `bench-rtls-${randomBytes(3).toString('hex')}`;
  const config = loadConfig({
    LOG_LEVEL: 'warn', PAKLOG_LOG_FORMAT: 'json', PAKLOG_BUS_NAMESPACE: ns, MQTT_URL: mqttUrl, PAKLOG_RATE_LIMIT_READ_PER_MIN: '0',
    PAKLOG_RATE_LIMIT_COMMAND_PER_MIN: '0', PAKLOG_WORKER_THREADS: '0', ...(store === 'redis' ? { REDIS_URL: redisUrl } : {}),
  });
  const app = await buildApp(config, db.url);
  try {
    const key = (await app.apiKeys.create('bench', 'admin')).key;
    const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: object) => {
      const res = await app.http.inject({ method, url, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body }) });
      if (res.statusCode >= 300) throw new Error(`${method} ${url} → ${res.statusCode} ${res.body}`);
      return res.json<any>();
    };
    const m = app.modules.find((x) => x.name === 'location-tracking') as LocationTrackingModule;
    const code = `B${randomBytes(2).toString('hex').toUpperCase()}`;
    const site = await call('POST', '/api/v1/sites', { code, name: 'RTLS bench site' });
    await call('POST', `/api/v1/sites/${site.id}/layout`, { aisles: 20, bays: 30, levels: 1, packStations: 4 });
    const locations: { x: number; y: number }[] = (await call('GET', `/api/v1/sites/${site.id}/locations?limit=1000`)).items;
    const maxX = Math.max(...locations.map((l) => l.x));
    const maxY = Math.max(...locations.map((l) => l.y));
    const tags: { kind: TrackedKind; id: string; x: number; y: number; seq: number }[] = [];
    for (let i = 0; i < tagCount; i++) {
      const kind: TrackedKind = i % 10 === 0 ? 'equipment' : i % 10 === 1 ? 'lpn' : 'worker';
      const id = `${kind.slice(0, 3).toUpperCase()}-${String(i).padStart(4, '0')}`;
      await call('PUT', `/api/v1/tracked/${kind}/${id}`, { siteId: site.id });
      tags.push({ kind, id, x: Math.random() * maxX, y: Math.random() * maxY, seq: 0 });
    }
    // The projection of the site and its locations is fed by events: wait until the feed knows the site.
    for (let i = 0; (await m.tracking.resolveSite(code)) === undefined; i++) {
      if (i > 400) throw new Error('location-tracking never learnt the site');
      await sleep(25);
    }
    for (let i = 0; !(m.rtls?.connected() ?? false); i++) {
      if (i > 400) throw new Error('the RTLS consumer did not subscribe');
      await sleep(25);
    }
    const handledSoFar = async (): Promise<number> => {
      const applied = (await m.tracking.counters.reports.get()).values.reduce((a, v) => a + v.value, 0);
      const refused = (await m.tracking.counters.rejected.get()).values.reduce((a, v) => a + v.value, 0);
      return applied + refused;
    };
    const handledBefore = await handledSoFar();

    const samples = new Map<number, { tag: (typeof tags)[number]; seq: number; at: number }>();
    const ingestMs: number[] = [];
    const whereIsMs: number[] = [];
    let running = true;
    let nextSample = 0;
    const now = (): number => performance.timeOrigin + performance.now();

    // Ingest-to-query: every 2 ms, the pending samples are read (in parallel) through the read where-is does.
    const poller = (async () => {
      while (running || samples.size > 0) {
        await Promise.all([...samples].map(async ([n, s]) => {
          const p = await m.tracking.whereIs(s.tag.kind, s.tag.id);
          if (p !== undefined && (p.seq ?? -1) >= s.seq) {
            ingestMs.push(now() - s.at);
            samples.delete(n);
          } else if (now() - s.at > 30_000) samples.delete(n);
        }));
        await sleep(2);
      }
    })();
    // where-is over the HTTP stack, one after another.
    const querier = (async () => {
      while (running) {
        const tag = tags[Math.floor(Math.random() * tags.length)]!;
        const t0 = performance.now();
        const res = await app.http.inject({ method: 'GET', url: `/api/v1/where-is/${tag.kind}/${tag.id}`, headers: { 'x-api-key': key } });
        if (res.statusCode === 200 || res.statusCode === 404) whereIsMs.push(performance.now() - t0);
        else throw new Error(`where-is → ${res.statusCode}`);
        await sleep(1);
      }
    })();

    // The publisher runs in a worker thread: its event loop is not the app's.
    const input: PublisherInput = { mqttUrl, code, tags: tags.map(({ kind, id, x, y }) => ({ kind, id, x, y })), rate, duration, maxX, maxY };
    // Through tsx, as the app's worker pool loads its threads (platform/workers/worker-pool.ts).
    const bootstrap = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};\nregister();\nawait import(${JSON.stringify(new URL('./rtls-publisher.ts', import.meta.url).href)});\n`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), { workerData: input });
    const done = await new Promise<{ published: number; seconds: number; lastSeq: number[] }>((resolve, reject) => {
      worker.on('message', (msg: { sample?: { tag: number; seq: number; at: number }; done?: { published: number; seconds: number; lastSeq: number[] } }) => {
        if (msg.sample !== undefined) samples.set(nextSample++, { tag: tags[msg.sample.tag]!, seq: msg.sample.seq, at: msg.sample.at });
        if (msg.done !== undefined) resolve(msg.done);
      });
      worker.once('error', reject);
    }).catch((e: unknown) => {
      running = false;
      throw e;
    });
    await worker.terminate();
    const published = done.published;
    const publishSeconds = done.seconds;
    done.lastSeq.forEach((seq, i) => { tags[i]!.seq = seq; });
    // Every message handled?
    const drainStart = performance.now();
    let handled = 0;
    for (let i = 0; i < 600; i++) {
      handled = (await handledSoFar()) - handledBefore;
      if (handled >= published) break;
      await sleep(50);
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    running = false;
    await Promise.all([poller, querier]);

    let wrongSeq = 0;
    for (const tag of tags) {
      const p = await m.tracking.whereIs(tag.kind, tag.id);
      if (p?.seq !== tag.seq) wrongSeq += 1;
    }
    const counts = Object.fromEntries((await m.tracking.counters.reports.get()).values.map((v) => [String(v.labels.outcome), v.value]));
    const refused = Object.fromEntries((await m.tracking.counters.rejected.get()).values.map((v) => [String(v.labels.reason), v.value]));
    ingestMs.sort((a, b) => a - b);
    whereIsMs.sort((a, b) => a - b);
    const r2 = (x: number) => Math.round(x * 100) / 100;
    const result = {
      benchmark: 'rtls', machine: machine(), broker: `Mosquitto at ${mqttUrl} (loopback), published at QoS 1, consumed at QoS 0`, store,
      database: 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL (default: the machine\'s server), a fresh database',
      rate, duration, tags: tagCount,
      published, publishSeconds: r2(publishSeconds), achievedRatePerS: Math.round(published / publishSeconds),
      handled, lostUpdates: published - handled, tagsNotAtTheirLastSequence: wrongSeq, outcomes: counts, refused,
      drainSecondsAfterLastPublish: r2(drainSeconds),
      ingestToQueryMs: { samples: ingestMs.length, p50: r2(percentile(ingestMs, 50)), p99: r2(percentile(ingestMs, 99)), max: r2(ingestMs.at(-1) ?? NaN), resolutionMs: 2 },
      whereIsMs: { queries: whereIsMs.length, p50: r2(percentile(whereIsMs, 50)), p99: r2(percentile(whereIsMs, 99)), max: r2(whereIsMs.at(-1) ?? NaN) },
      zoneEvents: (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]?.n ?? 0,
      targets: { ratePerS: 2000, lostUpdates: 0, ingestToQueryP99Ms: 100, whereIsP99Ms: 10 },
    };
    const pass = result.achievedRatePerS >= 2000 * 0.99 && result.lostUpdates === 0 && wrongSeq === 0
      && result.ingestToQueryMs.p99 <= 100 && result.whereIsMs.p99 <= 10;
    const file = writeResult('rtls', { ...result, meetsTargets: pass });
    console.log(JSON.stringify({ ...result, meetsTargets: pass }, null, 2));
    console.log(`written to ${file}`);
  } finally {
    await app.close();
    await db.drop();
  }
}
