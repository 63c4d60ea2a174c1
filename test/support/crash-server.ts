/**
 * `paklog start` on a database of its own, that a crash test kills with SIGKILL and starts again on the same port and
 * database (`crashAndRestart`, with its warm standby). The setup each crash test used to write again: the migrated
 * template cloned, a port below the ephemeral range, the environment of a quiet server, the ready banner awaited; and
 * its end: the server stopped, the standby dismissed (a kill leaves one waiting), the database dropped.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Call } from './flow-driver.ts';
import { cleanEnv, crashAndRestart, freePort, standbyPakLog, startPakLog, type Restartable } from './paklog-process.ts';
import { httpClient } from './split-cluster.ts';
import { createTestDatabase } from './test-database.ts';

export interface CrashServer {
  readonly db: { url: string; drop: () => Promise<void> };
  /** `http://127.0.0.1:<port>`: the same across restarts. */
  readonly base: string;
  readonly adminKey: string;
  /** The process now running, its environment and its standby. */
  readonly server: Restartable;
  /** An admin's REST client of `base`. */
  readonly call: Call;
  /** SIGKILL, then started again on the same port and database; resolves once it is ready. */
  crash(): Promise<void>;
  /** Resolves once a standby (spawned if there is none) has loaded its modules: the next restart costs build and listen only. */
  standing(): Promise<void>;
  /** Stops the server (SIGTERM), dismisses its standby and drops the database. */
  close(): Promise<void>;
  /**
   * One POST as the admin (with this Idempotency-Key, if any); undefined when the connection was lost (the server was
   * killed) or the answer was transient (a 5xx, or 409 IDEMPOTENCY_IN_PROGRESS).
   */
  attempt(url: string, body: unknown, key: string | undefined): Promise<Answer | undefined>;
  /**
   * One POST of a raw body (a CSV file, an X12 interchange) as the admin, with this Idempotency-Key if any; undefined
   * as for `attempt`.
   */
  send(url: string, body: string, o: { contentType: string; key?: string; timeoutMs: number }): Promise<Answer | undefined>;
  /**
   * Sends the command and kills the server while it runs: `when` ms after sending it, or once `when(key)` says its
   * moment came (its transaction open, its work committed: a command answered before a poll saw it is killed at once
   * after its answer, `landed: 'answered'`). Restarts it and sends the same request (same Idempotency-Key, or none
   * with `keyless`: the body's scanId is the retry's identity) until it is answered; then once more, which must answer
   * the same (the stored response).
   */
  killedDuring(url: string, body: unknown, when: number | ((key: string) => Promise<boolean>), o?: { keyless?: boolean }): Promise<Answer & { landed?: 'seen' | 'answered' }>;
}

/** A definitive answer: its status and parsed body. */
export interface Answer { status: number; body: any }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The server's `paklog_events_delivered_total` (GET /metrics with its metrics key), summed by outcome. */
export async function eventsDelivered(base: string, metricsKey: string): Promise<Record<string, number>> {
  const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsKey}` } });
  expect(res.status).toBe(200);
  const out: Record<string, number> = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^paklog_events_delivered_total\{.*outcome="([a-z-]+)".*\} (\d+)$/.exec(line);
    if (m !== null) out[m[1]!] = (out[m[1]!] ?? 0) + Number(m[2]);
  }
  return out;
}

/**
 * Starts the server: every context, no demo data, no gRPC, no worker threads, errors-only logs, `env` on top (a key of
 * `env` set to '' is left out).
 */
export async function crashServer(o: { env?: Record<string, string>; name?: string } = {}): Promise<CrashServer> {
  const name = o.name ?? 'paklog start';
  const adminKey = `pk_${randomBytes(24).toString('base64url')}`;
  const db = await createTestDatabase({ migrated: true });
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const wanted: Record<string, string> = {
      DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', PAKLOG_ADMIN_API_KEY: adminKey, PAKLOG_SEED_DEMO: 'false',
      PAKLOG_GRPC_PORT: 'off', LOG_LEVEL: 'error', PAKLOG_WORKER_THREADS: '0', ...o.env,
    };
    const env = cleanEnv(Object.fromEntries(Object.entries(wanted).filter(([, v]) => v !== '')));
    const server: Restartable = { env, process: await startPakLog(env) };
    const crash = (): Promise<void> => crashAndRestart(server, name);
    const send = async (url: string, body: string, so: { contentType: string; key?: string; timeoutMs: number }): Promise<Answer | undefined> => {
      try {
        const res = await fetch(`${base}${url}`, {
          method: 'POST', headers: { 'x-api-key': adminKey, ...(so.key === undefined ? {} : { 'idempotency-key': so.key }), 'content-type': so.contentType },
          body, signal: AbortSignal.timeout(so.timeoutMs),
        });
        const text = await res.text();
        const parsed: any = text === '' ? undefined : JSON.parse(text);
        if (res.status >= 500 || (res.status === 409 && parsed?.code === 'IDEMPOTENCY_IN_PROGRESS')) return undefined;
        return { status: res.status, body: parsed };
      } catch {
        return undefined;
      }
    };
    const attempt = (url: string, body: unknown, key: string | undefined): Promise<Answer | undefined> =>
      send(url, JSON.stringify(body), { contentType: 'application/json', ...(key === undefined ? {} : { key }), timeoutMs: 20_000 });
    return {
      db, base, adminKey, server,
      call: httpClient(base, adminKey),
      crash, attempt, send,
      async killedDuring(url, body, when, o = {}) {
        const key = o.keyless === true ? undefined : randomUUID();
        let answered = false;
        const first = attempt(url, body, key).finally(() => { answered = true; });
        let landed: 'seen' | 'answered' | undefined;
        if (typeof when === 'number') {
          await sleep(when);
        } else {
          const deadline = Date.now() + 20_000;
          while (!answered && !(await when(key ?? ''))) {
            if (Date.now() > deadline) throw new Error(`${url}: its moment never came`);
            await sleep(1);
          }
          landed = answered ? 'answered' : 'seen';
        }
        await crash();
        await first;
        for (let i = 0; ; i++) {
          const res = await attempt(url, body, key);
          if (res !== undefined) {
            const again = await attempt(url, body, key);
            expect(again?.status, `${url} replayed: ${JSON.stringify(again?.body)}`).toBe(res.status);
            expect(again?.body).toEqual(res.body);
            return { ...res, ...(landed === undefined ? {} : { landed }) };
          }
          if (i > 200) throw new Error(`${url}: no definitive answer after the restart`);
          await sleep(50);
        }
      },
      async standing() {
        server.standby ??= standbyPakLog(server.env);
        await server.standby.loaded;
      },
      async close() {
        try {
          await server.process.stop();
        } finally {
          server.standby?.dismiss();
          await db.drop();
        }
      },
    };
  } catch (e) {
    await db.drop();
    throw e;
  }
}
