/**
 * One contract for every bus transport: inline, NATS JetStream and Kafka run the same suite. The brokers are the real
 * servers (NATS_URL, KAFKA_BROKERS; defaults on 127.0.0.1): `.ci/run` starts them, and with CI=true a broker that does
 * not answer fails its tests instead of skipping them. Each test uses its own event context (so its own topic), its
 * own consumer group or durable, and its own consumer schema.
 */
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { Kafka, logLevel } from 'kafkajs';
import { reachable } from '../../../test/support/brokers.ts';
import { Type } from 'typebox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { systemClock } from '../clock.ts';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { uuidv7Ids } from '../ids.ts';
import type { EventEnvelope } from './envelope.ts';
import { EventBus, PUBLISH_DEAD_LETTER } from './event-bus.ts';
import { KafkaTransport, TYPE_HEADER } from './kafka-transport.ts';
import { NatsTransport } from './nats-transport.ts';
import { publishedLanguage } from './published-language.ts';
import { InlineTransport, type Transport } from './transport.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');


interface Flavour {
  readonly name: string;
  readonly address: string | undefined;
  make(run: string): Transport;
  /** Removes what the runs left on the broker (streams, topics). */
  cleanUp(runs: readonly string[]): Promise<void>;
}

const FLAVOURS: readonly Flavour[] = [
  { name: 'inline', address: undefined, make: () => new InlineTransport(), cleanUp: async () => undefined },
  {
    name: 'nats', address: NATS_URL, make: (run) => new NatsTransport({ servers: NATS_URL, namespace: run, retryDelayMs: 50 }),
    async cleanUp(runs) {
      const nc = await connect({ servers: NATS_URL });
      const jsm = await jetstreamManager(nc);
      for (const run of runs) await jsm.streams.delete(run.toUpperCase()).catch(() => false);
      await nc.drain();
    },
  },
  {
    name: 'kafka', address: KAFKA_BROKERS[0], make: (run) => new KafkaTransport({ brokers: KAFKA_BROKERS, namespace: run, retryDelayMs: 50 }),
    async cleanUp(runs) {
      const admin = new Kafka({ clientId: 'paklog-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => runs.some((r) => t.startsWith(`${r}.`)));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      await admin.disconnect();
    },
  },
];

const silent = { warn: () => undefined, error: () => undefined, info: () => undefined, debug: () => undefined };
const until = async (what: string, pred: () => Promise<boolean>, ms = 30_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

for (const flavour of FLAVOURS) {
  describe(`bus transport contract: ${flavour.name}`, () => {
    let dbInfo: { url: string; drop: () => Promise<void> };
    let db: Database;
    let available = true;
    const opened: { bus: EventBus; transport: Transport }[] = [];
    const runs: string[] = [];

    beforeAll(async () => {
      if (flavour.address !== undefined && !(await reachable(flavour.address))) {
        if (process.env.CI === 'true') throw new Error(`${flavour.name} is not reachable at ${flavour.address}; CI needs it (.ci/run starts it)`);
        available = false;
        return;
      }
      dbInfo = await createTestDatabase();
      db = new Database(dbInfo.url);
      await migrate(db, [{ schema: 'platform', migrations: loadMigrations(new URL('../migrations/', import.meta.url)) }]);
    });
    // Each test's buses stop with it: a relay left running would dispatch the next test's outbox rows through its own
    // transport, whose namespace no consumer of that test reads (each test runs in a namespace of its own).
    afterEach(async () => {
      for (const o of opened.splice(0)) {
        await o.bus.stop();
        await o.transport.close();
      }
    });
    afterAll(async () => {
      if (available) await flavour.cleanUp(runs);
      if (db !== undefined) await db.close();
      await dbInfo?.drop();
    });

    /** A fresh topic (event context), consumer schema and group for one test. */
    async function scenario() {
      const run = `t${randomBytes(4).toString('hex')}`;
      runs.push(run);
      const type = `${run}.thing.happened.v1`;
      const consumer = `c_${run}`;
      await migrate(db, [{ schema: consumer, inbox: true, migrations: [{ name: '001.sql', sql: 'CREATE TABLE effects (n serial PRIMARY KEY, event_id text NOT NULL, subject text NOT NULL, k integer NOT NULL)' }] }]);
      const handled: string[] = [];
      let failUntil = 0;
      // Every bus of the suite validates on the wire, as the app's does: the test's one type carries an integer `k`.
      const contract = publishedLanguage({ [type]: Type.Object({ k: Type.Integer() }) });
      const start = async (): Promise<{ bus: EventBus; transport: Transport }> => {
        const transport = flavour.make(run);
        const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport, log: silent, maxAttempts: 2, retryDelaysMs: [0], contract });
        await bus.subscribe(consumer, [{
          types: [type],
          handle: async (e, tx) => {
            const data = e.data as { k: number };
            if (data.k < 0 && Date.now() < failUntil) throw new Error('handler refuses for now');
            handled.push(e.id);
            await tx.query(`INSERT INTO ${consumer}.effects (event_id, subject, k) VALUES ($1, $2, $3)`, [e.id, e.subject, data.k]);
          },
        }]);
        bus.start();
        const o = { bus, transport };
        opened.push(o);
        return o;
      };
      const stop = async (o: { bus: EventBus; transport: Transport }): Promise<void> => {
        opened.splice(opened.indexOf(o), 1);
        await o.bus.stop();
        await o.transport.close();
      };
      const append = (bus: EventBus, events: { subject: string; k: number }[]) => db.tx((tx) => bus.append(tx, run, events.map((e) => ({ type, subject: e.subject, data: { k: e.k } }))));
      const effects = () => db.query<{ event_id: string; subject: string; k: number }>(`SELECT event_id, subject, k FROM ${consumer}.effects ORDER BY n`);
      return { run, type, consumer, contract, handled, start, stop, append, effects, failFor: (ms: number) => { failUntil = Date.now() + ms; } };
    }

    it('delivers every committed event once, in order per subject (aggregate)', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const o = await s.start();
      const events = Array.from({ length: 40 }, (_, i) => ({ subject: `agg_${i % 4}`, k: i }));
      for (let i = 0; i < events.length; i += 8) await s.append(o.bus, events.slice(i, i + 8));
      await until('40 effects', async () => (await s.effects()).length >= 40);
      const rows = await s.effects();
      expect(rows).toHaveLength(40);
      expect(new Set(rows.map((r) => r.event_id)).size).toBe(40);
      for (let a = 0; a < 4; a++) {
        const ks = rows.filter((r) => r.subject === `agg_${a}`).map((r) => r.k);
        expect(ks).toEqual([...ks].sort((x, y) => x - y));
      }
    });

    it('a redelivered event has one effect (the inbox)', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const o = await s.start();
      const [envelope] = await s.append(o.bus, [{ subject: 'agg_r', k: 1 }]);
      await until('the first effect', async () => (await s.effects()).length === 1);
      // The relay crashed after publishing and before marking the row dispatched: the same envelope goes out again.
      await o.transport.publish([envelope as EventEnvelope, envelope as EventEnvelope]);
      // A later event of the same subject is handled after both copies (delivery is in order per subject, the first
      // test): once it has its effect, the copies have been through the consumer.
      await s.append(o.bus, [{ subject: 'agg_r', k: 2 }]);
      await until('the later event', async () => (await s.effects()).some((r) => r.k === 2));
      expect((await s.effects()).map((r) => r.k)).toEqual([1, 2]);
    });

    it('an event its handler keeps refusing is dead-lettered, and a replay applies it once', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const o = await s.start();
      s.failFor(60_000);
      await s.append(o.bus, [{ subject: 'agg_d', k: -1 }, { subject: 'agg_d', k: 2 }]);
      const dead = async () => db.query<{ id: string }>(`SELECT id FROM platform.dead_letters WHERE consumer = $1 AND replayed_at IS NULL`, [s.consumer]);
      await until('a dead letter', async () => (await dead()).length === 1);
      // The next event of the topic was not held up behind it.
      await until('the other event', async () => (await s.effects()).some((r) => r.k === 2));
      s.failFor(0);
      const [letter] = await dead();
      expect(await o.bus.replayDeadLetter(letter!.id)).toBe('handled');
      expect((await s.effects()).map((r) => r.k).sort()).toEqual([-1, 2]);
      expect(await o.bus.replayDeadLetter(letter!.id)).toBe('duplicate');
    });

    const deadLetter = async (consumer: string, eventId: string) => (await db.query<{ id: string; attempts: number; last_error: string }>(
      `SELECT id, attempts, last_error FROM platform.dead_letters WHERE consumer = $1 AND event_id = $2`, [consumer, eventId],
    ))[0];

    it('an event that breaks its contract is not published: dead-lettered with its error, and the events after it go out', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const o = await s.start();
      const [bad, good] = await db.tx((tx) => o.bus.append(tx, s.run, [
        { type: s.type, subject: 'agg_p', data: { k: 'one' } },
        { type: s.type, subject: 'agg_p', data: { k: 2 } },
      ]));
      await until('the valid event after it', async () => (await s.effects()).length === 1);
      // The relay commits the dead letter with the batch, once the transport took it (inline: once consumers handled it).
      await until('the dead letter', async () => (await deadLetter(PUBLISH_DEAD_LETTER, bad!.id)) !== undefined);
      expect((await s.effects()).map((r) => r.event_id)).toEqual([good!.id]);
      expect(await deadLetter(PUBLISH_DEAD_LETTER, bad!.id)).toMatchObject({ attempts: 1, last_error: `invalid event: ${s.type} /k must be integer` });
      expect(await o.bus.pendingCount(db)).toBe(0);
      expect(s.handled).not.toContain(bad!.id);
    });

    it('an invalid event put on the wire by a foreign producer is dead-lettered for the consumer, never handled, and a replay validates it again', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const o = await s.start();
      const forged = (k: unknown): EventEnvelope => ({
        specversion: '1.0', id: uuidv7Ids.next('evt'), type: s.type, source: s.run, subject: 'agg_f', time: new Date().toISOString(),
        datacontenttype: 'application/json', data: { k },
      });
      const bad = forged('x');
      const good = forged(7);
      // Past the outbox and its relay, straight onto the transport (the broker's topic), as another producer would.
      await o.transport.publish([bad, good]);
      await until('the valid event after it', async () => (await s.effects()).length === 1);
      await until('the dead letter', async () => (await deadLetter(s.consumer, bad.id)) !== undefined);
      expect(await deadLetter(s.consumer, bad.id)).toMatchObject({ attempts: 1, last_error: `invalid event: ${s.type} /k must be integer` });
      // Redelivered (a producer retrying it): the inbox settled it, nothing changes. A valid event of the same subject
      // published after it is handled after it (in order per subject): once it is, the copy has been through.
      const later = forged(8);
      await o.transport.publish([bad]);
      await o.transport.publish([later]);
      await until('the valid event after the copy', async () => s.handled.includes(later.id));
      expect(await deadLetter(s.consumer, bad.id)).toMatchObject({ attempts: 1 });
      expect(s.handled).toEqual([good.id, later.id]);
      // A replay is validated like a delivery: still invalid, it stays a dead letter and the handler is not called.
      const letter = (await deadLetter(s.consumer, bad.id))!;
      expect(await o.bus.replayDeadLetter(letter.id)).toBe('dead-lettered');
      expect(await deadLetter(s.consumer, bad.id)).toMatchObject({ attempts: 2 });
      expect(s.handled).toEqual([good.id, later.id]);
      expect((await s.effects()).map((r) => r.event_id)).toEqual([good.id, later.id]);
    });

    // Kafka: a consumer group reads whole topics and skips the types it did not subscribe to by the `ce-type` header,
    // without parsing the body. A body that is not even JSON under an unwanted type must not stop the partition.
    it.runIf(flavour.name === 'kafka')('an event of a type the consumer does not want is skipped by its header, unparsed; a body that is not JSON is skipped; the wanted ones arrive in order', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      await s.start();
      const producer = new Kafka({ clientId: 'paklog-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      const wanted = (k: number): EventEnvelope => ({
        specversion: '1.0', id: uuidv7Ids.next('evt'), type: s.type, source: s.run, subject: 'agg_h', time: new Date().toISOString(),
        datacontenttype: 'application/json', data: { k },
      });
      const first = wanted(1);
      const second = wanted(2);
      try {
        // One key, so one partition: the unwanted message sits between the two wanted ones.
        await producer.send({
          topic: `${s.run}.${s.run}.events`, acks: -1,
          messages: [
            { key: 'agg_h', value: JSON.stringify(first), headers: { [TYPE_HEADER]: s.type } },
            { key: 'agg_h', value: 'not json {', headers: { [TYPE_HEADER]: `${s.run}.other.thing.v1` } },
            // Not JSON under a wanted type (no PakLog relay wrote it): reported and skipped, not a stuck partition.
            { key: 'agg_h', value: 'not json either', headers: { [TYPE_HEADER]: s.type } },
            { key: 'agg_h', value: JSON.stringify(second), headers: { [TYPE_HEADER]: s.type } },
          ],
        });
      } finally {
        await producer.disconnect();
      }
      await until('both wanted events', async () => (await s.effects()).length === 2);
      expect((await s.effects()).map((r) => r.event_id)).toEqual([first.id, second.id]);
      expect(await db.query(`SELECT 1 FROM platform.dead_letters WHERE consumer = $1`, [s.consumer])).toEqual([]);
    });

    // Kafka commits handled offsets on a timer, not after every run: they must still reach the broker while the
    // consumer runs, and at close, or a restart would read again what was handled (the inbox would absorb it, at a cost).
    it.runIf(flavour.name === 'kafka')('handled offsets are committed on the interval while running, and at close', async (ctx) => {
      if (!available) ctx.skip();
      const run = `t${randomBytes(4).toString('hex')}`;
      runs.push(run);
      const type = `${run}.thing.happened.v1`;
      const event = (k: number): EventEnvelope => ({
        specversion: '1.0', id: uuidv7Ids.next('evt'), type, source: run, subject: `agg_${k % 3}`, time: new Date().toISOString(),
        datacontenttype: 'application/json', data: { k },
      });
      const admin = new Kafka({ clientId: 'paklog-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const committed = async (group: string): Promise<number> => (await admin.fetchOffsets({ groupId: `${run}.${group}`, topics: [`${run}.${run}.events`] }))
        .flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
      const subscribe = async (t: KafkaTransport, group: string, seen: string[]): Promise<void> => t.subscribe(group, [type], async (events) => {
        for (const e of events) seen.push(e.id);
      });
      try {
        // While running: committed within the (short) interval, with no close.
        const ticking = new KafkaTransport({ brokers: KAFKA_BROKERS, namespace: run, retryDelayMs: 50, commitIntervalMs: 200 });
        const seenTicking: string[] = [];
        await subscribe(ticking, 'ticking', seenTicking);
        await ticking.publish(Array.from({ length: 10 }, (_, k) => event(k)));
        await until('10 handled', async () => seenTicking.length === 10);
        await until('10 offsets committed while running', async () => (await committed('ticking')) === 10, 10_000);
        await ticking.close();

        // At close: an interval that never fires; the restarted consumer reads only what came after.
        const first = new KafkaTransport({ brokers: KAFKA_BROKERS, namespace: run, retryDelayMs: 50, commitIntervalMs: 600_000 });
        const seenFirst: string[] = [];
        await subscribe(first, 'closing', seenFirst);
        await until('10 handled', async () => seenFirst.length === 10);
        await first.close();
        expect(await committed('closing')).toBe(10);
        const second = new KafkaTransport({ brokers: KAFKA_BROKERS, namespace: run, retryDelayMs: 50, commitIntervalMs: 600_000 });
        const seenSecond: string[] = [];
        await subscribe(second, 'closing', seenSecond);
        const late = event(10);
        await second.publish([late]);
        await until('the late event', async () => seenSecond.includes(late.id));
        await new Promise((r) => setTimeout(r, 1000));
        await second.close();
        expect(seenSecond).toEqual([late.id]);
      } finally {
        await admin.disconnect();
      }
    });

    // Brokers only: inline has no offsets to resume from (the relay holds undelivered events in the outbox).
    it.runIf(flavour.name !== 'inline')('a consumer that restarts resumes where it stopped: nothing lost, nothing handled again', async (ctx) => {
      if (!available) ctx.skip();
      const s = await scenario();
      const first = await s.start();
      await s.append(first.bus, Array.from({ length: 10 }, (_, i) => ({ subject: `agg_${i % 2}`, k: i })));
      await until('10 effects', async () => (await s.effects()).length === 10);
      await s.stop(first);
      // While the consumer is down another process (here: a producer-only bus) keeps committing events.
      const producer = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport: flavour.make(s.run), log: silent, maxAttempts: 2, contract: s.contract });
      producer.start();
      await s.append(producer, Array.from({ length: 10 }, (_, i) => ({ subject: `agg_${i % 2}`, k: 10 + i })));
      await producer.idle();
      await producer.stop();
      const handledBefore = s.handled.length;
      const second = await s.start();
      await until('20 effects', async () => (await s.effects()).length === 20);
      // One more event per subject, appended now, is handled after anything the restarted consumer would read again
      // (in order per subject): once both have their effect, nothing else came.
      await s.append(second.bus, [{ subject: 'agg_0', k: 20 }, { subject: 'agg_1', k: 21 }]);
      await until('the two later events', async () => (await s.effects()).length >= 22);
      expect(await s.effects()).toHaveLength(22);
      // Only the ten new events (and the two later ones) reached the handler again.
      expect(s.handled.length - handledBefore).toBe(12);
    });
  });
}
