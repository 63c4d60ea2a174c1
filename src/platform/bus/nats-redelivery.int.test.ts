/**
 * A consumer process killed with messages it had pulled and not acked (split-faults, issue 18): JetStream redelivers
 * those only once their `ack_wait` has run out, and hands the new process the messages published since at once, so
 * after a kill an event can arrive before an earlier one of its own stream. Pack-ship's "picking done" then waits
 * (EventNotReady) for a pick that sits behind it on the same durable: the wait must not hold the stream, or the pick
 * never comes and the order stays "still being picked" until the event is dead-lettered ten minutes later.
 */
import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachable } from '../../../test/support/brokers.ts';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { systemClock } from '../clock.ts';
import { Database } from '../db/database.ts';
import { loadMigrations, migrate } from '../db/migrations.ts';
import { uuidv7Ids } from '../ids.ts';
import type { EventEnvelope } from './envelope.ts';
import { EventBus } from './event-bus.ts';
import { NatsTransport } from './nats-transport.ts';
import { EventNotReady } from './not-ready.ts';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const silent = { warn: () => undefined, error: () => undefined };
const ACK_WAIT_MS = 2_000;

describe('NATS: an event that waits for an earlier one of its own stream, after a consumer process died', () => {
  let available = true;
  let dbInfo: { url: string; drop: () => Promise<void> };
  let db: Database;
  const run = `r${randomBytes(4).toString('hex')}`;
  const consumer = `c_${run}`;

  beforeAll(async () => {
    if (!(await reachable(NATS_URL.replace(/^nats:\/\//, '')))) {
      if (process.env.CI === 'true') throw new Error(`NATS is not reachable at ${NATS_URL}; CI needs it (.ci/run starts it)`);
      available = false;
      return;
    }
    dbInfo = await createTestDatabase();
    db = new Database(dbInfo.url);
    await migrate(db, [
      { schema: 'platform', migrations: loadMigrations(new URL('../migrations/', import.meta.url)) },
      { schema: consumer, inbox: true, migrations: [{ name: '001.sql', sql: 'CREATE TABLE seen (event_id text PRIMARY KEY, type text NOT NULL)' }] },
    ]);
  });
  afterAll(async () => {
    if (!available) return;
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(run.toUpperCase()).catch(() => false);
    await nc.drain();
    await db.close();
    await dbInfo.drop();
  });

  it('is handled once the earlier one arrives (redelivered after ack_wait), not held until it is dead-lettered', async (ctx) => {
    if (!available) return ctx.skip();
    const pickType = `${run}.line.picked.v1`;
    const doneType = `${run}.list.completed.v1`;
    const envelope = (type: string): EventEnvelope => ({
      specversion: '1.0', id: `evt_${randomBytes(6).toString('hex')}`, type, source: run, subject: 'list_1', time: new Date().toISOString(),
      datacontenttype: 'application/json', data: {},
    });
    const producer = new NatsTransport({ servers: NATS_URL, namespace: run });
    const pick = envelope(pickType);
    const done = envelope(doneType);
    await producer.publish([pick]);

    // The first process: the durable as the transport makes it, the pick pulled and never acked, then the process gone.
    const nc = await connect({ servers: NATS_URL });
    const durable = `${run}_${consumer}_${run}`;
    await (await jetstreamManager(nc)).consumers.add(run.toUpperCase(), {
      durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: `${run}.${run}.events`, ack_wait: ACK_WAIT_MS * 1_000_000,
    });
    const pulled = await (await jetstream(nc).consumers.get(run.toUpperCase(), durable)).next({ expires: 5_000 });
    expect(pulled?.json<EventEnvelope>().id).toBe(pick.id);
    await nc.close();
    // Picking goes on in the restarted process: its "done" is published before the pick is redelivered.
    await producer.publish([done]);

    const transport = new NatsTransport({ servers: NATS_URL, namespace: run, retryDelayMs: 50, ackWaitMs: ACK_WAIT_MS });
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport, log: silent, notReadyTimeoutMs: 60_000 });
    const order: string[] = [];
    await bus.subscribe(consumer, [
      { types: [pickType], handle: async (e, tx) => { order.push('pick'); await tx.query(`INSERT INTO ${consumer}.seen VALUES ($1, $2)`, [e.id, e.type]); } },
      {
        types: [doneType],
        handle: async (e, tx) => {
          const picks = await tx.query(`SELECT 1 FROM ${consumer}.seen WHERE type = $1`, [pickType]);
          if (picks.length === 0) throw new EventNotReady('the pick has not been heard of yet');
          order.push('done');
          await tx.query(`INSERT INTO ${consumer}.seen VALUES ($1, $2)`, [e.id, e.type]);
        },
      },
    ]);
    try {
      const deadline = Date.now() + 20_000;
      while (order.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(order).toEqual(['pick', 'done']);
      expect(await db.query(`SELECT event_id FROM ${consumer}.inbox ORDER BY event_id`)).toHaveLength(2);
      expect(await db.query(`SELECT 1 FROM platform.dead_letters`)).toHaveLength(0);
    } finally {
      await transport.close();
      await producer.close();
    }
  }, 60_000);

  it('a consume loop that ends under a running consumer (its durable deleted) is reported and opened again: later events still arrive', async (ctx) => {
    if (!available) return ctx.skip();
    const ns = `${run}b`;
    const type = `${ns}.thing.happened.v1`;
    const envelope = (): EventEnvelope => ({
      specversion: '1.0', id: `evt_${randomBytes(6).toString('hex')}`, type, source: ns, subject: 'thing_1', time: new Date().toISOString(),
      datacontenttype: 'application/json', data: {},
    });
    const errors: string[] = [];
    const log = { warn: () => undefined, error: (_: object, msg: string) => { errors.push(msg); } };
    const producer = new NatsTransport({ servers: NATS_URL, namespace: ns });
    const transport = new NatsTransport({ servers: NATS_URL, namespace: ns, retryDelayMs: 50, log });
    const bus = new EventBus({ db, ids: uuidv7Ids, clock: systemClock, transport, log: silent });
    const seen = new Set<string>();
    await bus.subscribe(consumer, [{ types: [type], handle: async (e) => { seen.add(e.id); } }]);
    const nc = await connect({ servers: NATS_URL });
    try {
      const until = async (what: () => boolean): Promise<void> => {
        const deadline = Date.now() + 20_000;
        while (!what() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      };
      const first = envelope();
      await producer.publish([first]);
      await until(() => seen.has(first.id));
      expect(seen.has(first.id)).toBe(true);

      await (await jetstreamManager(nc)).consumers.delete(ns.toUpperCase(), `${ns}_${consumer}_${ns}`);
      await until(() => transport.reopened > 0);
      const second = envelope();
      await producer.publish([second]);
      await until(() => seen.has(second.id));
      expect(transport.reopened).toBeGreaterThan(0);
      expect(errors.some((m) => /stopped .*opening it again/.test(m))).toBe(true);
      expect(seen.has(second.id)).toBe(true);
      // The new durable starts from the stream's beginning: the first event again, a duplicate the inbox drops.
      expect(await db.query(`SELECT 1 FROM ${consumer}.inbox WHERE event_id = ANY($1)`, [[first.id, second.id]])).toHaveLength(2);
    } finally {
      await transport.close();
      await producer.close();
      await (await jetstreamManager(nc)).streams.delete(ns.toUpperCase()).catch(() => false);
      await nc.drain();
    }
  }, 60_000);
});
