/**
 * Kafka: a process's consumers in one consumer group (`KafkaTransport.subscribeMany`, ADR 0014 addendum 2026-12-03).
 * Against the real broker (KAFKA_BROKERS, default 127.0.0.1:9092); with CI=true an unreachable broker fails the file.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachable } from '../../../test/support/brokers.ts';
import type { EventEnvelope } from './envelope.ts';
import { KafkaTransport } from './kafka-transport.ts';
import type { Delivery } from './transport.ts';

const KAFKA_BROKERS = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const silent = { warn: () => undefined, error: () => undefined };

const until = async (what: string, pred: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

function envelope(type: string, subject: string, k: number): EventEnvelope {
  return { id: `${type}-${subject}-${k}-${randomBytes(3).toString('hex')}`, type, subject, source: type.split('.')[0]!, time: new Date().toISOString(), data: { k } } as unknown as EventEnvelope;
}

describe('Kafka transport: one consumer group for a process\'s consumers', () => {
  let available = true;
  const namespaces: string[] = [];
  const admin = new Kafka({ clientId: 'paklog-test', brokers: KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  const opened: KafkaTransport[] = [];
  const transport = (namespace: string): KafkaTransport => {
    const t = new KafkaTransport({ brokers: KAFKA_BROKERS, namespace, retryDelayMs: 50, commitIntervalMs: 200, log: silent });
    opened.push(t);
    return t;
  };

  beforeAll(async () => {
    if (!(await reachable(KAFKA_BROKERS[0]!))) {
      if (process.env.CI === 'true') throw new Error(`Kafka is not reachable at ${KAFKA_BROKERS[0]}; CI needs it (.ci/run starts it)`);
      available = false;
      return;
    }
    await admin.connect();
  });
  afterAll(async () => {
    for (const t of opened) await t.close().catch(() => undefined);
    if (!available) return;
    const topics = (await admin.listTopics()).filter((t) => namespaces.some((n) => t.startsWith(`${n}.`)));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
  });

  it('each member gets its own types once a run is through for all; a member that fails makes the run come again, in order, for every member; one group', async (ctx) => {
    if (!available) ctx.skip();
    const ns = `sg${randomBytes(4).toString('hex')}`;
    namespaces.push(ns);
    const [a, b] = [`${ns}a.thing.happened.v1`, `${ns}b.thing.happened.v1`];
    const got = { one: [] as EventEnvelope[], two: [] as EventEnvelope[] };
    let failures = 3;
    const one: Delivery = async (events) => {
      // The first deliveries fail (the database is down): nothing of them counts.
      if (failures > 0) {
        failures--;
        throw new Error('database down');
      }
      got.one.push(...events);
    };
    const two: Delivery = async (events) => {
      got.two.push(...events);
    };
    const t = transport(ns);
    await t.subscribeMany([{ consumer: 'c_one', types: [a], deliver: one }, { consumer: 'c_two', types: [a, b], deliver: two }]);
    const events = Array.from({ length: 30 }, (_, i) => envelope(i % 3 === 0 ? b : a, `agg_${i % 4}`, i));
    for (let i = 0; i < events.length; i += 5) await t.publish(events.slice(i, i + 5));
    const wantedByOne = events.filter((e) => e.type === a);
    await until('every event at both members', () => new Set(got.one.map((e) => e.id)).size === wantedByOne.length && new Set(got.two.map((e) => e.id)).size === events.length);
    expect(failures).toBe(0);
    // Only its own types, each once (its failed deliveries did not count), in order per subject.
    expect(got.one.every((e) => e.type === a)).toBe(true);
    expect(got.one).toHaveLength(wantedByOne.length);
    // In order per subject within a topic (each type is its own context's topic here).
    for (let s = 0; s < 4; s++) {
      for (const type of [a, b]) {
        const ks = (list: EventEnvelope[]) => list.filter((e) => e.subject === `agg_${s}` && e.type === type).map((e) => (e.data as { k: number }).k);
        if (type === a) expect(ks(got.one)).toEqual(ks(wantedByOne));
        // The other member may see a run again (its inbox makes that a no-op): once deduplicated, still in order.
        expect([...new Set(ks(got.two))]).toEqual(ks(events));
      }
    }
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${ns}.`));
    expect(groups).toEqual([`${ns}.c_one+c_two`]);
  });

  it('a new shared group starts where its members\' own groups had all committed, not from the beginning', async (ctx) => {
    if (!available) ctx.skip();
    const ns = `sg${randomBytes(4).toString('hex')}`;
    namespaces.push(ns);
    const type = `${ns}a.thing.happened.v1`;
    const seen = { one: [] as number[], two: [] as number[] };
    const k = (e: EventEnvelope): number => (e.data as { k: number }).k;
    // The earlier version: a group per consumer. c_one handles the first 10 events, c_two the first 10 then 5 more.
    const before = transport(ns);
    await before.subscribe('c_one', [type], async (events) => void seen.one.push(...events.map(k)));
    await before.subscribe('c_two', [type], async (events) => void seen.two.push(...events.map(k)));
    const first = Array.from({ length: 10 }, (_, i) => envelope(type, 'agg', i));
    await before.publish(first);
    await until('both handled the first 10', () => seen.one.length === 10 && seen.two.length === 10);
    await before.close();
    const second = Array.from({ length: 5 }, (_, i) => envelope(type, 'agg', 10 + i));
    const onlyTwo = transport(ns);
    await onlyTwo.subscribe('c_two', [type], async (events) => void seen.two.push(...events.map(k)));
    await onlyTwo.publish(second);
    await until('c_two handled 15', () => seen.two.length === 15);
    await onlyTwo.close();
    // The new version: both in one group. It starts at the lower of the two (10): c_one gets 10–14 once, c_two
    // gets 10–14 again (its inbox would skip them), and neither gets 0–9.
    const after = { one: [] as number[], two: [] as number[] };
    const shared = transport(ns);
    await shared.subscribeMany([
      { consumer: 'c_one', types: [type], deliver: async (events) => void after.one.push(...events.map(k)) },
      { consumer: 'c_two', types: [type], deliver: async (events) => void after.two.push(...events.map(k)) },
    ]);
    await shared.publish([envelope(type, 'agg', 15)]);
    await until('the new event at both', () => after.one.includes(15) && after.two.includes(15));
    expect(after.one).toEqual([10, 11, 12, 13, 14, 15]);
    expect(after.two).toEqual([10, 11, 12, 13, 14, 15]);
  });
});
