/**
 * A broker that goes away loses nothing: commands keep committing while it is down (their events wait in the outbox),
 * and once it is back everything drains and every event is handled exactly once. Each flavour runs a private broker
 * of its own (Kafka through scripts/kafka.sh on other ports, nats-server with its own store) so stopping it disturbs no
 * other test. With CI=true a broker that cannot be started fails the test.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { systemClock } from '../clock.ts';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { uuidv7Ids } from '../ids.ts';
import { EventBus } from './event-bus.ts';
import { KafkaTransport } from './kafka-transport.ts';
import { NatsTransport } from './nats-transport.ts';
import type { Transport } from './transport.ts';

const run = promisify(execFile);
const KAFKA_SCRIPT = new URL('../../../scripts/kafka.sh', import.meta.url).pathname;
const NATS_SERVER = ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((p) => existsSync(p));

const portOpen = (port: number): Promise<boolean> => new Promise((resolve) => {
  const s = net.connect({ host: '127.0.0.1', port });
  s.once('connect', () => { s.destroy(); resolve(true); });
  s.once('error', () => resolve(false));
});
const until = async (what: string, pred: () => Promise<boolean>, ms = 60_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

interface PrivateBroker {
  start(): Promise<void>;
  stop(): Promise<void>;
  transport(ns: string): Transport;
  /** Removes what the broker stored (after the last stop). */
  dispose(): void;
}

function privateKafka(): PrivateBroker {
  const env = { ...process.env, PAKLOG_KAFKA_PORT: '19092', PAKLOG_KAFKA_CONTROLLER_PORT: '19093' };
  return {
    start: async () => { await run('bash', [KAFKA_SCRIPT, 'start'], { env, timeout: 180_000 }); },
    stop: async () => { await run('bash', [KAFKA_SCRIPT, 'stop'], { env, timeout: 60_000 }); },
    transport: (ns) => new KafkaTransport({ brokers: ['127.0.0.1:19092'], namespace: ns, retryDelayMs: 100 }),
    // Its store lives beside the jars (scripts/kafka.sh); each run's topics carry their own namespace.
    dispose: () => undefined,
  };
}

function privateNats(): PrivateBroker {
  const store = mkdtempSync(join(tmpdir(), 'paklog-nats-'));
  let child: ChildProcess | undefined;
  return {
    async start() {
      if (NATS_SERVER === undefined) throw new Error('nats-server is not installed');
      child = spawn(NATS_SERVER, ['-js', '-a', '127.0.0.1', '-p', '14222', '-sd', store], { stdio: 'ignore' });
      await until('nats-server on 14222', () => portOpen(14222), 20_000);
    },
    async stop() {
      const c = child;
      child = undefined;
      if (c === undefined || c.exitCode !== null) return;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
    transport: (ns) => new NatsTransport({ servers: 'nats://127.0.0.1:14222', namespace: ns, retryDelayMs: 100 }),
    dispose: () => rmSync(store, { recursive: true, force: true }),
  };
}

const silent = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined };

describe.each([
  { name: 'kafka', broker: privateKafka },
  { name: 'nats', broker: privateNats },
])('a $name outage loses nothing', ({ name, broker: make }) => {
  const broker = make();
  let dbInfo: { url: string; drop: () => Promise<void> } | undefined;
  let db: Database;
  let started = false;

  beforeAll(async () => {
    try {
      await broker.start();
      started = true;
    } catch (e) {
      if (process.env.CI === 'true') throw new Error(`could not start a private ${name} broker: ${(e as Error).message}`);
      return;
    }
    dbInfo = await createTestDatabase();
    db = new Database(dbInfo.url);
    await migrate(db, [{ schema: 'platform', migrations: loadMigrations(new URL('../migrations/', import.meta.url)) }]);
  }, 200_000);
  afterAll(async () => {
    await broker.stop().catch(() => undefined);
    broker.dispose();
    if (dbInfo !== undefined) {
      await db.close();
      await dbInfo.drop();
    }
  }, 120_000);

  it('commands commit while the broker is down; once it is back every event is handled exactly once', async (ctx) => {
    if (!started) ctx.skip();
    const ns = `o${randomBytes(4).toString('hex')}`;
    const type = `${ns}.thing.happened.v1`;
    const consumer = `c_${ns}`;
    await migrate(db, [{ schema: consumer, inbox: true, migrations: [{ name: '001.sql', sql: 'CREATE TABLE effects (n serial PRIMARY KEY, event_id text NOT NULL UNIQUE)' }] }]);
    const transport = broker.transport(ns);
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport, log: silent, maxAttempts: 3, retryDelaysMs: [0], pollMs: 200 });
    await bus.subscribe(consumer, [{ types: [type], handle: async (e, tx) => { await tx.query(`INSERT INTO ${consumer}.effects (event_id) VALUES ($1)`, [e.id]); } }]);
    bus.start();
    const effects = async (): Promise<number> => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${consumer}.effects`))[0]!.n;
    const commit = (k: number) => db.tx((tx) => bus.append(tx, ns, [{ type, subject: `agg_${k % 3}`, data: { k } }]));
    try {
      for (let k = 0; k < 5; k++) await commit(k);
      await until('the first five', async () => (await effects()) === 5);

      await broker.stop();
      // The broker is gone: commands still commit, their events wait in the outbox.
      for (let k = 5; k < 15; k++) await commit(k);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await bus.pendingCount(db)).toBeGreaterThan(0);
      expect(await effects()).toBe(5);

      await broker.start();
      await until('all fifteen after the broker returned', async () => (await effects()) === 15, 120_000);
      await until('the outbox drained', async () => (await bus.pendingCount(db)) === 0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await effects()).toBe(15);
      const [dead] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.dead_letters WHERE consumer = $1`, [consumer]);
      expect(dead!.n).toBe(0);
    } finally {
      await bus.stop();
      await transport.close();
    }
  }, 240_000);
});
