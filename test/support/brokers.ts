/** The brokers .ci/run starts, how to tell whether one answers, and how a test removes its namespace afterwards. */
import net from 'node:net';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Kafka, logLevel } from 'kafkajs';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

export function reachable(hostPort: string): Promise<boolean> {
  const url = new URL(hostPort.includes('://') ? hostPort : `tcp://${hostPort}`);
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port) });
    socket.setTimeout(1500);
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('timeout', () => { socket.destroy(); resolve(false); });
    socket.once('error', () => resolve(false));
  });
}

export const BROKERS = [
  {
    bus: 'kafka', address: KAFKA_BROKERS.split(',')[0]!, env: { KAFKA_BROKERS },
    async cleanUp(ns: string) {
      const admin = new Kafka({ clientId: 'paklog-test', brokers: KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${ns}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics });
      await admin.disconnect();
    },
  },
  {
    bus: 'nats', address: NATS_URL, env: { NATS_URL },
    async cleanUp(ns: string) {
      const nc = await connect({ servers: NATS_URL });
      await (await jetstreamManager(nc)).streams.delete(ns.toUpperCase()).catch(() => false);
      await nc.drain();
    },
  },
] as const;

export const brokerReachable = (bus: 'kafka' | 'nats'): Promise<boolean> => reachable(BROKERS.find((b) => b.bus === bus)!.address);
