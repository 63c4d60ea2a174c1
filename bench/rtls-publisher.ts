/**
 * The RTLS bench's publisher, in a worker thread of its own so publishing does not share the event loop with the app
 * it measures. Publishes `rate` messages a second for `duration` seconds round-robin over the tags (QoS 1), each with
 * the tag's next sequence number; posts every 20th message's publish time (epoch ms, sub-millisecond) and, at the end,
 * how many it published and each tag's last sequence.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

export interface PublisherInput {
  readonly mqttUrl: string;
  readonly code: string;
  readonly tags: readonly { kind: string; id: string; x: number; y: number }[];
  readonly rate: number;
  readonly duration: number;
  readonly maxX: number;
  readonly maxY: number;
}

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function publish(o: PublisherInput): Promise<void> {
  const tags = o.tags.map((t) => ({ ...t, seq: 0 }));
  const pub = await mqtt.connectAsync(o.mqttUrl, { clientId: `paklog-bench-pub-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, clean: true });
  const base = Date.UTC(2026, 0, 1);
  const target = o.rate * o.duration;
  const pending: Promise<unknown>[] = [];
  let published = 0;
  const started = performance.now();
  while (published < target) {
    const due = Math.min(target, Math.floor(((performance.now() - started) / 1000) * o.rate));
    while (published < due) {
      const i = published % tags.length;
      const tag = tags[i]!;
      tag.seq += 1;
      tag.x = Math.min(o.maxX, Math.max(0, tag.x + (Math.random() - 0.5)));
      tag.y = Math.min(o.maxY, Math.max(0, tag.y + (Math.random() - 0.5)));
      const payload = JSON.stringify({ x: Math.round(tag.x * 100) / 100, y: Math.round(tag.y * 100) / 100, timestamp: new Date(base + tag.seq * 100).toISOString(), seq: tag.seq });
      if (published % 20 === 0) parentPort?.postMessage({ sample: { tag: i, seq: tag.seq, at: now() } });
      pending.push(pub.publishAsync(`paklog/${o.code}/positions/${tag.kind}/${tag.id}`, payload, { qos: 1 }));
      published += 1;
    }
    if (pending.length > 2000) await Promise.all(pending.splice(0));
    await sleep(2);
  }
  await Promise.all(pending);
  const seconds = (performance.now() - started) / 1000;
  await pub.endAsync();
  parentPort?.postMessage({ done: { published, seconds, lastSeq: tags.map((t) => t.seq) } });
}

await publish(workerData as PublisherInput);
