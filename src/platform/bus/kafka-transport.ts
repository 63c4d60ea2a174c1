import type * as KafkaJs from 'kafkajs';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { loadPackage } from '../load-package.ts';
import type { EventEnvelope } from './envelope.ts';
import { contextOfType, topicOf, topicsFor } from './broker-topics.ts';
import { stderrLog, type Delivery, type Transport, type TransportLog } from './transport.ts';

export interface KafkaTransportOptions {
  /** `host:port` list (KAFKA_BROKERS). */
  readonly brokers: readonly string[];
  readonly clientId?: string;
  /** Partitions of each `paklog.<context>.events` topic the transport creates. */
  readonly partitions?: number;
  /** Topic namespace (`<namespace>.<context>.events`) and consumer-group prefix (`<namespace>.<consumer>`); default `paklog`. */
  readonly namespace?: string;
  /** How long a failed delivery waits before the partition is read again from its last committed offset. */
  readonly retryDelayMs?: number;
  /** How often a consumer commits the offsets it has handled (default 1 s; also at close). */
  readonly commitIntervalMs?: number;
  /** Where a consumer that crashed is reported (default: stderr). */
  readonly log?: TransportLog;
}

/**
 * Kafka transport (ADR 0012): the relay produces each committed event to `paklog.<context>.events` keyed by its subject
 * (its type's first segment; idempotent producer, acks from all in-sync replicas), so one aggregate's events land on one partition in order.
 * Each subscribing context is a consumer group; it hands a partition's messages to the bus in runs, in order, and marks
 * a run's offsets only once the bus has handled (or dead-lettered) them. The marked offsets are committed to the broker
 * every `commitIntervalMs` and at close, not after every run: a crash or a restart redelivers from the last committed
 * offset, at most that interval's events, and the inbox turns the repeat into a no-op. A delivery that throws (the
 * database is down) is retried from the same offset after a pause.
 */
/** Messages handed to the bus at once (one transaction); a batch Kafka fetched is cut into runs of this length. */
const RUN_LENGTH = 100;
/** How many of its partitions a consumer handles at once (each one's messages still in order). */
const PARTITIONS_IN_FLIGHT = 8;

/**
 * How long the group coordinator keeps a silent member (kafkajs: 30 s). A member that did not leave — its process
 * killed, or the broker restarted under it — holds its partitions that long, and the rebalance that hands them to a
 * new member waits for it: a restarted service or a returning broker resumed only after 30 s. Ten seconds is Kafka's
 * long-standing default and still three heartbeats.
 */
const SESSION_TIMEOUT_MS = 10_000;
/** Well below the session timeout, so a long run never costs the member its partitions. */
const HEARTBEAT_MS = 3_000;

/**
 * Committing a consumer's offsets after every run was one OffsetCommit round trip (and a write to the broker's offsets
 * log) per fetched batch and group, most of a group's Kafka work in the split deployment; once a second bounds what a
 * crash redelivers instead.
 */
const COMMIT_INTERVAL_MS = 1_000;
/** How long close waits for the last commit of a consumer (a broker that is down must not hold a shutdown). */
const FINAL_COMMIT_WAIT_MS = 5_000;
/**
 * How long a fetch waits on the broker for new messages (kafkajs: 5 s). A stopping consumer waits for its fetch in
 * flight, so this bounds every close and every rebalance; data arriving ends the wait at once, whatever its length.
 */
const FETCH_WAIT_MS = 500;

/** The message header that carries the event's type (CloudEvents' Kafka binding names it `ce-type`). */
export const TYPE_HEADER = 'ce-type';

/** A header's value as text (kafkajs hands headers over as Buffers); undefined when absent. */
function headerText(value: Buffer | string | (Buffer | string)[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : typeof first === 'string' ? first : first.toString('utf8');
}

/** A consumer (a context's inbox) in a consumer group, with the event types it takes. */
interface GroupMember {
  readonly consumer: string;
  readonly wanted: ReadonlySet<string>;
  readonly deliver: Delivery;
}

export class KafkaTransport implements Transport {
  readonly name = 'kafka';
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly consumers: { readonly consumer: Consumer; readonly stop: () => Promise<void> }[] = [];
  private readonly known = new Set<string>();
  private closing = false;
  /** Consumers started again after kafkajs gave up on them (tests and diagnosis). */
  restarted = 0;

  constructor(private readonly o: KafkaTransportOptions) {
    // kafkajs loads with the first Kafka transport (ADR 0048): a process on another bus never holds it.
    const { Kafka: KafkaClient, logLevel } = loadPackage<typeof KafkaJs>('kafkajs');
    this.kafka = new KafkaClient({
      clientId: o.clientId ?? 'paklog', brokers: [...o.brokers], logLevel: logLevel.NOTHING,
      retry: { initialRetryTime: 100, retries: 8 },
    });
  }

  /** Creates the topics a producer or consumer is about to use (3 partitions by default), once per process. */
  private async ensureTopics(topics: readonly string[]): Promise<void> {
    const missing = topics.filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const create = missing.filter((t) => !existing.has(t));
      if (create.length > 0) {
        // Without kafkajs' own wait for leaders: it gives up at once on a metadata answer of UNKNOWN_TOPIC_OR_PARTITION
        // (the broker's metadata cache not yet holding the new topic, seconds on a loaded machine), and the process
        // failed to start. The wait below retries that answer. (A topic another process created meanwhile is no error.)
        await whileRetriable(() => admin.createTopics({ waitForLeaders: false, topics: create.map((topic) => ({ topic, numPartitions: this.o.partitions ?? 3 })) }));
      }
      // A topic just created here or by another process may not be in every broker's metadata yet: wait until each
      // partition has a leader, or a consumer's subscribe fails with UNKNOWN_TOPIC_OR_PARTITION.
      await whileRetriable(async () => {
        const { topics: described } = await admin.fetchTopicMetadata({ topics: missing });
        const leaderless = described.filter((t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0));
        if (leaderless.length > 0) throw Object.assign(new Error(`no leader yet for ${leaderless.map((t) => t.name).join(', ')}`), { retriable: true });
      });
      for (const t of missing) this.known.add(t);
    } finally {
      await admin.disconnect();
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  async publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, EventEnvelope[]>();
    for (const e of events) {
      // By the type's context, as consumers subscribe: the same event always lands on the same topic.
      const topic = topicOf(contextOfType(e.type), this.o.namespace);
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), e]);
    }
    await this.ensureTopics([...byTopic.keys()]);
    const producer = await this.connectedProducer();
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, list]) => ({
        topic,
        messages: list.map((e) => ({ key: e.subject ?? e.id, value: JSON.stringify(e), headers: { [TYPE_HEADER]: e.type, 'ce-id': e.id } })),
      })),
    });
  }

  async subscribe(consumer: string, types: readonly string[], deliver: Delivery): Promise<void> {
    await this.subscribeMany([{ consumer, types, deliver }]);
  }

  /**
   * Several consumers of one process in ONE consumer group (ADR 0014 addendum, 2026-12-03): one fetch loop, one
   * heartbeat and one offset commit for all of them instead of one each, and each message fetched and decoded once.
   * Every run of a partition is handed to each member that takes some of its types, side by side (each in its own
   * transaction, as before); its offsets are marked only once every member has handled it, so a member that fails makes
   * the run come again for all of them and the others' inboxes turn their repeat into a no-op. The group is named after
   * its members (`<namespace>.<a>+<b>+…`, sorted; a single member keeps its own `<namespace>.<consumer>`), so processes
   * running the same contexts share its partitions. A group new to the broker starts where its members' own groups
   * (the per-context groups of earlier versions) had all committed, not from the beginning.
   */
  async subscribeMany(members: readonly { readonly consumer: string; readonly types: readonly string[]; readonly deliver: Delivery }[]): Promise<void> {
    if (members.length === 0) return;
    const list: GroupMember[] = members.map((m) => ({ consumer: m.consumer, wanted: new Set(m.types), deliver: m.deliver }));
    const topics = topicsFor(members.flatMap((m) => m.types), this.o.namespace);
    const groupId = this.groupIdOf(members.map((m) => m.consumer));
    await this.ensureTopics(topics);
    if (list.length > 1) await whileRetriable(() => this.seedFromMemberGroups(groupId, list, topics));
    const entry = await whileRetriable(() => this.startConsumer(groupId, topics, list));
    this.consumers.push(entry);
    this.restartOnCrash(entry, () => this.startConsumer(groupId, topics, list));
  }

  /** The consumer group of these consumers: `<namespace>.<consumer>` for one, `<namespace>.<a>+<b>+…` (sorted) for several. */
  groupIdOf(consumers: readonly string[]): string {
    return `${this.o.namespace ?? 'paklog'}.${[...new Set(consumers)].sort().join('+')}`;
  }

  /**
   * A shared group that has committed nothing yet takes, per partition, the lowest offset its members' own groups
   * committed (each member has handled everything before it; what some member handled after it comes again and is a
   * no-op in its inbox). A partition that some member reading its topic never committed is left alone: the group reads
   * it from the beginning, as a new consumer does.
   */
  private async seedFromMemberGroups(groupId: string, members: readonly GroupMember[], topics: readonly string[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const committed = async (group: string, list: readonly string[]): Promise<Map<string, bigint>> => {
        const out = new Map<string, bigint>();
        if (list.length === 0) return out;
        for (const t of await admin.fetchOffsets({ groupId: group, topics: [...list] })) {
          for (const p of t.partitions) if (BigInt(p.offset) >= 0n) out.set(`${t.topic}:${p.partition}`, BigInt(p.offset));
        }
        return out;
      };
      if ((await committed(groupId, topics)).size > 0) return;
      const seeds = new Map<string, { topic: string; partition: number; offset: bigint }>();
      const partitionsOf = new Map((await admin.fetchTopicMetadata({ topics: [...topics] })).topics.map((t) => [t.name, t.partitions.map((p) => p.partitionId)]));
      for (const topic of topics) {
        const readers = members.filter((m) => topicsFor([...m.wanted], this.o.namespace).includes(topic));
        const offsets = await Promise.all(readers.map((m) => committed(this.groupIdOf([m.consumer]), [topic])));
        for (const partition of partitionsOf.get(topic) ?? []) {
          const key = `${topic}:${partition}`;
          const each = offsets.map((o) => o.get(key));
          if (each.length === 0 || each.some((o) => o === undefined)) continue;
          seeds.set(key, { topic, partition, offset: each.reduce((a, b) => (b! < a! ? b : a))! });
        }
      }
      for (const topic of topics) {
        const partitions = [...seeds.values()].filter((s) => s.topic === topic).map((s) => ({ partition: s.partition, offset: s.offset.toString() }));
        if (partitions.length > 0) await admin.setOffsets({ groupId, topic, partitions });
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * kafkajs restarts a consumer that crashed on a retriable error by itself; one it gives up on (`restart: false`)
   * would stop reading its topics without a word. Every crash is reported, and a consumer kafkajs will not restart is
   * started again here, after a growing pause, until the transport closes.
   */
  private restartOnCrash(entry: { consumer: Consumer; stop: () => Promise<void> }, start: () => Promise<{ consumer: Consumer; stop: () => Promise<void> }>): void {
    const log = this.o.log ?? stderrLog;
    entry.consumer.on(entry.consumer.events.CRASH, ({ payload }) => {
      const { error, groupId, restart } = payload;
      log.error({ err: error, groupId, restart }, restart ? `Kafka consumer ${groupId} crashed; kafkajs restarts it` : `Kafka consumer ${groupId} crashed and stopped; starting it again`);
      if (restart || this.closing) return;
      void (async () => {
        for (let pause = 500; !this.closing; pause = Math.min(pause * 2, 10_000)) {
          await new Promise((r) => setTimeout(r, pause));
          if (this.closing) return;
          try {
            // Its commit timer stopped and what it had handled committed, if the broker takes it.
            await entry.stop().catch(() => undefined);
            const again = await start();
            const i = this.consumers.indexOf(entry);
            if (i >= 0) this.consumers[i] = again;
            else this.consumers.push(again);
            this.restarted++;
            log.warn({ groupId }, `Kafka consumer ${groupId} started again`);
            this.restartOnCrash(again, start);
            if (this.closing) await again.stop();
            return;
          } catch (e) {
            log.error({ err: e, groupId, retryInMs: pause }, `Kafka consumer ${groupId} could not be started again; retrying`);
          }
        }
      })();
    });
  }

  private async startConsumer(groupId: string, topics: readonly string[], members: readonly GroupMember[]): Promise<{ consumer: Consumer; stop: () => Promise<void> }> {
    // What any member takes: a message of another type is skipped without parsing its body.
    const wanted = new Set(members.flatMap((m) => [...m.wanted]));
    const c = this.kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS, sessionTimeout: SESSION_TIMEOUT_MS, retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: this.o.retryDelayMs ?? 200, maxRetryTime: 5_000 } });
    try {
      await c.connect();
      await c.subscribe({ topics: [...topics], fromBeginning: true });
    } catch (e) {
      await c.disconnect().catch(() => undefined);
      throw e;
    }
    // Handled offsets (the next one to read) by topic and partition, not committed yet.
    const handled = new Map<string, { topic: string; partition: number; offset: string }>();
    let committing: Promise<void> | undefined;
    const commit = (): Promise<void> => committing ??= (async () => {
      const offsets = [...handled.values()];
      handled.clear();
      if (offsets.length === 0) return;
      try {
        await c.commitOffsets(offsets);
      } catch {
        // Kept for the next commit, unless a later run of the partition has been handled since.
        for (const o of offsets) if (!handled.has(`${o.topic}:${o.partition}`)) handled.set(`${o.topic}:${o.partition}`, o);
      }
    })().finally(() => {
      committing = undefined;
    });
    const timer = setInterval(() => void commit(), this.o.commitIntervalMs ?? COMMIT_INTERVAL_MS);
    timer.unref();
    await c.run({
      // Committed by `commit` (above), on a timer: kafkajs would commit after every batch.
      autoCommit: false,
      // Partitions are handled side by side, each in its order: a run that waits for an event of another partition
      // (EventNotReady) must not hold up the partition that carries that event.
      // With several members, as many as their own groups had together: a member's run that waits (EventNotReady)
      // holds a slot of the shared group, and must not leave none for the partition that carries what it waits for.
      partitionsConsumedConcurrently: PARTITIONS_IN_FLIGHT * members.length,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const heartbeat = (): Promise<void> => payload.heartbeat();
        // A run of a partition's messages is handled in one transaction (the bus's deliverMany) instead of one per
        // message; the group hears from this member while a run waits (an event not ready yet may wait minutes).
        const pulse = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
        try {
          // A topic carries every event of its context; this group takes only the types its members subscribed to.
          // The type travels in a header, so an event no member wants is skipped without parsing its body.
          const parse = (run: readonly KafkaJs.KafkaMessage[]): EventEnvelope[] => run.flatMap((m) => {
            if (m.value === null) return [];
            const type = headerText(m.headers?.[TYPE_HEADER]);
            if (type !== undefined && !wanted.has(type)) return [];
            let event: EventEnvelope;
            try {
              event = JSON.parse(m.value.toString('utf8')) as EventEnvelope;
            } catch (e) {
              // Not JSON: no PakLog relay wrote it. Reported and passed over, so it cannot stop its partition.
              (this.o.log ?? stderrLog).error({ err: e, topic: batch.topic, partition: batch.partition, offset: m.offset }, 'a Kafka message that is not an event was skipped');
              return [];
            }
            return wanted.has(event.type) ? [event] : [];
          });
          const runs: { messages: KafkaJs.KafkaMessage[]; events: EventEnvelope[] }[] = [];
          for (let from = 0; from < batch.messages.length; from += RUN_LENGTH) {
            const messages = batch.messages.slice(from, from + RUN_LENGTH);
            runs.push({ messages, events: parse(messages) });
          }
          // A run's offsets are resolved once every member has handled it, in order. Each member goes through the
          // batch's runs at its own pace, so one that waits (EventNotReady) holds up the others only at the batch's end.
          const done = runs.map(() => 0);
          let resolved = 0;
          const advance = (): void => {
            for (; resolved < runs.length && done[resolved] === members.length; resolved++) {
              const run = runs[resolved]!.messages;
              for (const m of run) payload.resolveOffset(m.offset);
              handled.set(`${batch.topic}:${batch.partition}`, { topic: batch.topic, partition: batch.partition, offset: (BigInt(run[run.length - 1]!.offset) + 1n).toString() });
            }
          };
          const outcomes = await Promise.allSettled(members.map(async (member) => {
            for (let i = 0; i < runs.length && payload.isRunning() && !payload.isStale(); i++) {
              const mine = members.length === 1 ? runs[i]!.events : runs[i]!.events.filter((e) => member.wanted.has(e.type));
              // Throwing leaves the run's offsets unresolved: kafkajs pauses and reads the partition again from there
              // (for every member: the others' inboxes make their repeat a no-op).
              if (mine.length > 0) await member.deliver(mine);
              done[i]!++;
              advance();
              await heartbeat();
            }
          }));
          const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
          if (failed !== undefined) throw failed.reason;
        } finally {
          clearInterval(pulse);
        }
      },
    });
    const stop = async (): Promise<void> => {
      clearInterval(timer);
      // What is handled by now is committed before the member leaves (a run still under way is redelivered).
      const wait = new Promise<void>((r) => setTimeout(r, FINAL_COMMIT_WAIT_MS).unref());
      await Promise.race([commit().then(commit), wait]);
      await c.disconnect();
    };
    return { consumer: c, stop };
  }

  async close(): Promise<void> {
    this.closing = true;
    for (const c of this.consumers.splice(0)) await c.stop();
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}

/**
 * Runs `fn` again while it fails with an error Kafka marks retriable (a topic's metadata not yet propagated, a leader
 * being elected), up to `deadlineMs`; any other error, or the last one, is thrown.
 */
async function whileRetriable<T>(fn: () => Promise<T>, deadlineMs = 60_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      return await fn();
    } catch (e) {
      // kafkajs wraps the last error of its own retries (KafkaJSNumberOfRetriesExceeded, not retriable itself).
      const cause = (e as { cause?: unknown }).cause;
      const retriable = (e as { retriable?: unknown }).retriable === true || (cause as { retriable?: unknown } | undefined)?.retriable === true;
      if (!retriable || Date.now() + pause > until) throw e;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
