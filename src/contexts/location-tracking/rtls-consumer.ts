import type * as Mqtt from 'mqtt';
import type { Logger } from 'pino';
import { Compile } from 'typebox/compile';
import { loadPackage } from '../../platform/load-package.ts';
import { duplicateKey } from '../../platform/http/validation.ts';
import { PositionReportSchema, TRACKED_KINDS, type PositionReport, type TrackedKind } from '../../contracts/location-tracking.ts';
import type { RejectReason, TrackingService } from './service.ts';

/** The topic filter of every site's feed: `paklog/<site>/positions/<kind>/<id>`. */
export const RTLS_TOPIC_FILTER = 'paklog/+/positions/#';

const validReport = Compile(PositionReportSchema);

export type Parsed =
  | { readonly ok: true; readonly site: string; readonly kind: TrackedKind; readonly id: string; readonly report: PositionReport }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

/** Reads one MQTT message: its topic names site, kind and id; its payload is a {@link PositionReportSchema} in JSON. */
export function parseMessage(topic: string, payload: Buffer | string): Parsed {
  const parts = topic.split('/');
  if (parts.length !== 5 || parts[0] !== 'paklog' || parts[2] !== 'positions' || parts.some((p) => p === '')) {
    return { ok: false, reason: 'malformed_topic', detail: 'expected paklog/<site>/positions/<kind>/<id>' };
  }
  // In Unicode NFC, as every HTTP request's text is (validation.ts, nfcHook): a worker "José" is one worker whichever
  // form the RTLS engine writes.
  const [, site, , kind, id] = parts.map((p) => p.normalize('NFC')) as [string, string, string, string, string];
  if (!(TRACKED_KINDS as readonly string[]).includes(kind)) return { ok: false, reason: 'unknown_kind', detail: `kind ${kind} is not one of ${TRACKED_KINDS.join(', ')}` };
  let body: unknown;
  const text = typeof payload === 'string' ? payload : payload.toString('utf8');
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed_payload', detail: 'not JSON' };
  }
  // JSON.parse keeps the last of two members of one name (`"x":1, …, "x":500`): refused, as POST /positions refuses it.
  const twice = duplicateKey(text);
  if (twice !== undefined) return { ok: false, reason: 'malformed_payload', detail: `${twice} is named twice: an object names each member once` };
  if (!validReport.Check(body)) {
    const first = [...validReport.Errors(body)][0];
    return { ok: false, reason: 'malformed_payload', detail: `${first?.instancePath || '/'} ${first?.message ?? 'invalid'}` };
  }
  if (!Number.isFinite(body.x) || !Number.isFinite(body.y) || Number.isNaN(Date.parse(body.timestamp))) {
    return { ok: false, reason: 'malformed_payload', detail: 'x, y or timestamp out of range' };
  }
  return { ok: true, site, kind: kind as TrackedKind, id, report: body.zone === undefined ? body : { ...body, zone: body.zone.normalize('NFC') } };
}

export interface RtlsConsumerOptions {
  readonly url: string;
  readonly log: Pick<Logger, 'warn' | 'info' | 'error'>;
  /** Seconds between two log lines of one refusal reason (the rest are counted into the next line). */
  readonly logEveryS?: number;
}

/**
 * The RTLS feed: subscribes to every site's positions on the broker and hands each report to the service. Nothing a
 * message says can stop it: a refused report is counted (`paklog_rtls_rejected_total{reason}`) and logged (at most one
 * line per reason every few seconds, with how many were suppressed), an error applying one is logged and counted as
 * failed. Runs as a job without a period: `run(signal)` returns when the app closes, after the reports in hand.
 */
export function rtlsConsumer(service: TrackingService, o: RtlsConsumerOptions) {
  const lastLog = new Map<string, { at: number; suppressed: number }>();
  const inFlight = new Set<Promise<void>>();
  let client: Mqtt.MqttClient | undefined;
  let subscribed = false;

  const refuse = (topic: string, reason: RejectReason, detail: string): void => {
    const now = Date.now();
    const l = lastLog.get(reason);
    if (l !== undefined && now - l.at < (o.logEveryS ?? 10) * 1000) {
      l.suppressed += 1;
      return;
    }
    o.log.warn({ topic, reason, detail, suppressed: l?.suppressed ?? 0 }, `rtls: report refused (${reason})`);
    lastLog.set(reason, { at: now, suppressed: 0 });
  };

  const handle = async (topic: string, payload: Buffer): Promise<void> => {
    const parsed = parseMessage(topic, payload);
    if (!parsed.ok) {
      service.refused(parsed.reason);
      refuse(topic, parsed.reason, parsed.detail);
      return;
    }
    try {
      // No caller to check the sites of: the topic's site must be the thing's home (the HTTP route checks its caller).
      const outcome = await service.report(parsed.site, parsed.kind, parsed.id, parsed.report, {}, { atHomeOnly: true });
      if (!outcome.ok) refuse(topic, outcome.reason ?? 'malformed_payload', outcome.message);
    } catch (err) {
      service.counters.reports.inc({ outcome: 'failed' });
      o.log.error({ err, topic }, 'rtls: a report could not be applied');
    }
  };

  return {
    /** Connects, subscribes and consumes until `signal` aborts; then waits for the reports in hand and disconnects. */
    async run(signal: AbortSignal): Promise<void> {
      if (signal.aborted) return;
      // mqtt loads when a consumer connects (RTLS configured), not with every process (ADR 0048).
      const c = loadPackage<typeof Mqtt>('mqtt').connect(o.url, { clientId: `paklog-rtls-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, reconnectPeriod: 1000, clean: true });
      client = c;
      c.on('error', (err) => o.log.warn({ err }, 'rtls: MQTT error'));
      c.on('close', () => { subscribed = false; });
      c.on('connect', () => {
        if (signal.aborted) return;
        c.subscribe(RTLS_TOPIC_FILTER, { qos: 0 }, (err) => {
          subscribed = err === null || err === undefined;
          if (!subscribed) o.log.error({ err }, 'rtls: subscribe failed');
          else o.log.info({ url: o.url, topic: RTLS_TOPIC_FILTER }, 'rtls: consuming positions');
        });
      });
      c.on('message', (topic, payload) => {
        const p = handle(topic, payload).finally(() => inFlight.delete(p));
        inFlight.add(p);
      });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
      // Not connected yet, a graceful end leaves the socket of the pending connection open once its CONNACK arrives
      // (mqtt 5): a one-shot command that finished first (`paklog import` of a bad file) never exited. Nothing is in
      // flight before the connection, so nothing is lost by forcing.
      await new Promise<void>((resolve) => c.end(!c.connected, {}, () => resolve()));
      await Promise.all(inFlight);
      client = undefined;
    },
    /** Whether the subscription is up (tests wait for it). */
    connected: (): boolean => client?.connected === true && subscribed,
  };
}

export type RtlsConsumer = ReturnType<typeof rtlsConsumer>;
