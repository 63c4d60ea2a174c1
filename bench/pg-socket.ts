/**
 * `npm run bench -- pg-socket [--queries=10000] [--rounds=4] [--out=NAME]` (issue 18 a, ADR 0051): what a statement
 * costs in CPU over loopback TCP and over the Unix-domain socket, to the same embedded PostgreSQL, from one process.
 * Two clients (node-postgres, as PakLog's pool), one per way, each with its backend; rounds alternate TCP and socket,
 * `--queries` statements a round, one in flight at a time (as each pooled connection sends them):
 * - `select1`: the prepared `SELECT $1::int` (the statement's round trip and little else);
 * - `rows20`: a prepared statement answering 20 rows of ~50 bytes (a typical read of the flow).
 * CPU per statement: Node from process.cpuUsage() (this process: the driver and the socket writes), PostgreSQL from
 * /proc/<backend pid>/stat (utime + stime, 10 ms ticks). Medians over the rounds. Sent alternately in the same process
 * and time window, so a loaded, shared machine moves both ways alike.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { machine, writeResult } from './machine.ts';
import { numberArg, stringArg } from './support.ts';

interface Ticks { user: number; system: number }

/** utime and stime (clock ticks, 100 Hz) of a process, from /proc. */
function ticks(pid: number): Ticks {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]), system: Number(f[12]) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round1 = (x: number): number => Math.round(x * 10) / 10;

const KINDS = {
  select1: { name: 'bench_select1', text: 'SELECT $1::int AS n', values: (i: number) => [i] },
  rows20: { name: 'bench_rows20', text: "SELECT g AS n, repeat('x', 40) || $1::text AS label FROM generate_series(1, 20) AS g", values: (i: number) => [String(i)] },
} as const;
type Kind = keyof typeof KINDS;
type Way = 'tcp' | 'socket';

interface Round { nodeUserUs: number; nodeSystemUs: number; backendUserUs: number; backendSystemUs: number; wallUs: number }

async function round(client: pg.Client, backend: number, kind: Kind, queries: number): Promise<Round> {
  const k = KINDS[kind];
  const cpu0 = process.cpuUsage();
  const b0 = ticks(backend);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < queries; i++) await client.query({ name: k.name, text: k.text, values: k.values(i) });
  const wall = Number(process.hrtime.bigint() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const b1 = ticks(backend);
  return {
    nodeUserUs: cpu.user / queries, nodeSystemUs: cpu.system / queries,
    backendUserUs: ((b1.user - b0.user) * 10_000) / queries, backendSystemUs: ((b1.system - b0.system) * 10_000) / queries,
    wallUs: wall / queries,
  };
}

function summary(rounds: Round[]) {
  const m = (f: (r: Round) => number): number => round1(median(rounds.map(f)));
  return {
    nodeUs: m((r) => r.nodeUserUs + r.nodeSystemUs), nodeUserUs: m((r) => r.nodeUserUs), nodeSystemUs: m((r) => r.nodeSystemUs),
    postgresUs: m((r) => r.backendUserUs + r.backendSystemUs), postgresUserUs: m((r) => r.backendUserUs), postgresSystemUs: m((r) => r.backendSystemUs),
    totalUs: m((r) => r.nodeUserUs + r.nodeSystemUs + r.backendUserUs + r.backendSystemUs),
    wallUs: m((r) => r.wallUs),
  };
}

export async function main(args: string[]): Promise<void> {
  const queries = numberArg(args, 'queries', 10_000);
  const rounds = numberArg(args, 'rounds', 4);
  const loadBefore = loadavg()[0]!;
  // A folder of its own, so that a flow bench running meanwhile keeps data/bench-pg.
  const server = await startEmbeddedPostgres({ dir: 'data/bench-pg-socket' });
  if (server.socketDir === undefined) throw new Error(`the embedded server has no socket here: ${server.tcpOnly}`);
  const clients = {} as Record<Way, { client: pg.Client; backend: number }>;
  try {
    for (const [way, url] of [['tcp', server.url], ['socket', server.localUrl]] as const) {
      const client = new pg.Client({ connectionString: url, application_name: `bench-${way}` });
      await client.connect();
      const [row] = (await client.query<{ pid: number; addr: string | null }>('SELECT pg_backend_pid() AS pid, client_addr::text AS addr FROM pg_stat_activity WHERE pid = pg_backend_pid()')).rows;
      if ((row!.addr === null) !== (way === 'socket')) throw new Error(`the ${way} client connected with client_addr ${row!.addr}`);
      clients[way] = { client, backend: row!.pid };
    }
    const results = {} as Record<Kind, Record<Way, ReturnType<typeof summary>>>;
    for (const kind of Object.keys(KINDS) as Kind[]) {
      // Warm-up: the statement prepared, the code paths compiled, on both.
      for (const way of ['tcp', 'socket'] as const) await round(clients[way].client, clients[way].backend, kind, Math.min(2_000, queries));
      const measured: Record<Way, Round[]> = { tcp: [], socket: [] };
      for (let r = 0; r < rounds; r++) {
        const order: Way[] = r % 2 === 0 ? ['tcp', 'socket'] : ['socket', 'tcp'];
        for (const way of order) measured[way].push(await round(clients[way].client, clients[way].backend, kind, queries));
      }
      results[kind] = { tcp: summary(measured.tcp), socket: summary(measured.socket) };
      const t = results[kind].tcp;
      const s = results[kind].socket;
      console.log(`${kind}: CPU per statement, TCP ${t.totalUs} µs (Node ${t.nodeUs}, PostgreSQL ${t.postgresUs}) → socket ${s.totalUs} µs (Node ${s.nodeUs}, PostgreSQL ${s.postgresUs}); wall ${t.wallUs} → ${s.wallUs} µs`);
    }
    const result = {
      bench: 'pg-socket',
      ...machine(),
      loadAverage1mBefore: Math.round(loadBefore * 100) / 100,
      loadAverage1mAfter: Math.round(loadavg()[0]! * 100) / 100,
      queriesPerRound: queries,
      rounds,
      how: 'one process, two node-postgres clients to the same embedded PostgreSQL (durable settings, as npm start): TCP 127.0.0.1 and the Unix-domain socket in its run/ folder; rounds alternate the two; one statement in flight; Node CPU from process.cpuUsage(), PostgreSQL CPU from /proc/<backend pid>/stat; medians over the rounds, µs per statement',
      results,
    };
    console.log(`written to ${writeResult(stringArg(args, 'out', 'pg-socket'), result)}`);
  } finally {
    for (const c of Object.values(clients)) await c.client.end().catch(() => undefined);
    await server.stop();
  }
}
