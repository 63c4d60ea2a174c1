/**
 * `npm run bench -- request-cost [--requests=2000] [--rounds=5] [--concurrency=4] [--compare=DIR] [--profile=DIR]
 * [--profile-requests=3000] [--kinds=health,me,next-task,get-order,atp,grpc-next-task,grpc-atp] [--out=NAME]` (issue 18 a): the fixed CPU cost of one HTTP request, apart from the work
 * of its handler. The server runs as `npm start` runs it (`paklog start` from the compiled build, in its own process,
 * info logs, no demo seed, no per-key rate limits as in the flow bench) on a fresh database of the embedded
 * PostgreSQL (or PAKLOG_BENCH_DATABASE_URL's server), and this process sends it, over loopback with keep-alive
 * (fetch), `--requests` requests a round of each kind, `--concurrency` in flight:
 * - `health`: GET /health/live (public: no credentials, no SQL);
 * - `me`: GET /api/v1/auth/me with an API key (authentication, roles, the hooks; no SQL once the key is cached);
 * - `next-task`: POST /api/v1/tasks/next with no task to give (204; a read of the flow: validation and its SQL);
 * - `get-order`: GET /api/v1/orders/:id of an order of 3 lines (a read of the flow with a serialised answer);
 * - `atp`: GET /api/v1/inventory/atp?siteId&sku (one item: a read with a serialised answer, the twin of `grpc-atp`);
 * - `grpc-next-task`, `grpc-atp`: the same operations as `next-task` and `atp` through the public gRPC API (ADR 0020:
 *   each method runs its REST operation in-process), over one grpc-js channel with its own HTTP/2 connection to the
 *   server's PAKLOG_GRPC_PORT, connected and the client's codecs generated before the warm-up: a gRPC kind less its
 *   REST twin is the adapter's fixed cost (`grpcPremium` in the results: the median of the rounds' differences).
 * Per request: the server's CPU (utime + stime of every thread, /proc/<pid>/task/<tid>/schedstat, nanoseconds), its
 * PostgreSQL backends' CPU (their schedstat), and statements (`paklog_db_statements_total` on /metrics, read outside
 * the CPU window, less what a scrape itself counts). An idle window of each round gives the server's background rate
 * (jobs, the relay), subtracted to give the `net` figures. Medians over the rounds.
 * `--compare=DIR`: a second server from another checkout (its dist/ built when stale), e.g. a worktree at main's HEAD;
 * its rounds alternate with this checkout's (A B, then B A), in the same process and time window.
 * `--profile=DIR`: after the rounds, a V8 CPU profile of each server per kind (bench/profile-on-signal.js, SIGUSR2),
 * written to DIR and summarised into the results: self and inclusive time per request by package or source file.
 * `--summarise=FILE [--per=N]`: prints that summary for any .cpuprofile (a whole flow's server: test/support/cpu-profile.js).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { createOrder, setupWarehouse, type Call } from '../test/support/flow-driver.ts';
import { cleanEnv, freePort, startPakLog, type StartedPakLog } from '../test/support/paklog-process.ts';
import { httpClient } from '../test/support/split-cluster.ts';
import { credentialsMetadata, publicClients, rpcMethods, type PublicClients } from '../test/support/grpc-floor.ts';
import { warmCodecs } from '../src/platform/rpc/warm-codecs.ts';
import { publicProtos, publicServices } from '../src/rpc/protos.ts';
import { FLOOR_SERVICE, INTEGRATION_SERVICE } from '../src/gateway/grpc/public-api.ts';
import { machine, writeResult } from './machine.ts';
import { metricValue } from './memory.ts';
import { inPool, NO_RATE_LIMITS, numberArg, stringArg } from './support.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

/** CPU nanoseconds a process has run so far, every thread summed (schedstat's first field); 0 when gone. */
function processCpuNs(pid: number): number {
  let ns = 0;
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return ns;
}

interface Server {
  readonly label: string;
  readonly checkout: string;
  readonly revision: string;
  readonly database: string;
  readonly process: StartedPakLog;
  readonly pid: number;
  readonly base: string;
  readonly call: Call;
  readonly siteId: string;
  readonly orderId: string;
  readonly sku: string;
  /** The public gRPC API's clients (PAKLOG_GRPC_PORT), one channel and connection, connected before any round. */
  readonly grpc: PublicClients;
  readonly rpc: ReturnType<typeof rpcMethods>;
  /** Statements a /metrics scrape itself adds to the counter it reports. */
  scrapeStatements: number;
  statements(): Promise<number>;
}

interface Kind {
  readonly name: string;
  readonly what: string;
  send(s: Server, i: number): Promise<void>;
}

async function expect(res: Response, status: number, what: string): Promise<void> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${text.slice(0, 300)}`);
}

function kinds(key: string): Kind[] {
  const auth = { 'x-api-key': key };
  const metadata = credentialsMetadata({ apiKey: key });
  return [
    { name: 'health', what: 'GET /health/live (public)', send: async (s) => expect(await fetch(`${s.base}/health/live`), 200, 'health') },
    { name: 'me', what: 'GET /api/v1/auth/me (API key, no SQL)', send: async (s) => expect(await fetch(`${s.base}/api/v1/auth/me`, { headers: auth }), 200, 'me') },
    {
      name: 'next-task', what: 'POST /api/v1/tasks/next, no task to give (204)',
      send: async (s, i) => expect(await fetch(`${s.base}/api/v1/tasks/next`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ workerId: `rc-${i % 4}`, siteId: s.siteId, types: ['PICK'] }),
      }), 204, 'next task'),
    },
    { name: 'get-order', what: 'GET /api/v1/orders/:id (3 lines)', send: async (s) => expect(await fetch(`${s.base}/api/v1/orders/${s.orderId}`, { headers: auth }), 200, 'get order') },
    {
      name: 'atp', what: 'GET /api/v1/inventory/atp?siteId&sku (one item; the twin of grpc-atp)',
      send: async (s) => expect(await fetch(`${s.base}/api/v1/inventory/atp?siteId=${s.siteId}&sku=${s.sku}`, { headers: auth }), 200, 'atp'),
    },
    // The public gRPC API (ADR 0020: each method runs its REST operation in-process), each the twin of a REST kind above.
    {
      name: 'grpc-next-task', what: 'gRPC Floor/NextTask, no task to give (the twin of next-task)',
      send: async (s, i) => {
        const res = await s.rpc.nextTask({ workerId: `rc-${i % 4}`, siteId: s.siteId, types: ['PICK'] }, metadata);
        if (res.task !== null && res.task !== undefined) throw new Error('grpc next task: a task was given');
      },
    },
    {
      name: 'grpc-atp', what: 'gRPC Integration/GetAtp (the twin of atp)',
      send: async (s) => {
        const res = await s.rpc.getAtp({ siteId: s.siteId, sku: s.sku }, metadata);
        if (res.items.length !== 1) throw new Error(`grpc atp: ${res.items.length} items`);
      },
    },
  ];
}

const revisionOf = (dir: string): string => {
  const rev = execFileSync('git', ['-C', dir, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const dirty = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no', 'src'], { encoding: 'utf8' }).trim() !== '';
  return dirty ? `${rev}+changes` : rev;
};

async function startServer(label: string, checkout: string, admin: pg.Client, serverUrl: string, key: string, profileDir: string | undefined): Promise<Server> {
  // Its own dist/, built as `npm run build --if-stale` would (the checkout's own build script and sources).
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts', '--if-stale'], { cwd: checkout, stdio: 'inherit' });
  const database = `paklog_bench_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const [port, grpcPort] = [await freePort(), await freePort()];
  const profiling = profileDir === undefined ? {} : {
    NODE_OPTIONS: `--import=${new URL('./profile-on-signal.js', import.meta.url).href}`, PAKLOG_PROF_OUT: join(profileDir, label),
  };
  const started = await startPakLog(cleanEnv({
    DATABASE_URL: url.toString(), PORT: String(port), PAKLOG_GRPC_PORT: String(grpcPort), PAKLOG_ADMIN_API_KEY: key, PAKLOG_SEED_DEMO: 'false', ...NO_RATE_LIMITS, ...profiling,
  }), checkout);
  const base = `http://127.0.0.1:${port}`;
  const call = httpClient(base, key);
  const w = await setupWarehouse(call, { siteCode: 'RC', aisles: 1, bays: 4, levels: 1, skus: 3 });
  const order = await createOrder(call, w.siteId, { externalId: 'RC-1', lines: w.products.map((p) => ({ sku: p.sku, quantity: 1 })) });
  // One gRPC channel with its own connection (a handheld's), connected now: no round pays for the handshake.
  const grpc = publicClients(`127.0.0.1:${grpcPort}`, { ownConnection: true });
  await new Promise<void>((ready, fail) => grpc.floor.waitForReady(Date.now() + 10_000, (e) => (e === undefined || e === null ? ready() : fail(e))));
  const server: Server = {
    label, checkout, revision: revisionOf(checkout), database, process: started, pid: started.child.pid!, base, call, siteId: w.siteId, orderId: order.id,
    sku: w.products[0]!.sku, grpc, rpc: rpcMethods(grpc),
    scrapeStatements: 0,
    statements: async () => {
      const n = metricValue(await (await fetch(`${base}/metrics`)).text(), 'paklog_db_statements_total');
      if (n === undefined) throw new Error('the server reports no paklog_db_statements_total on /metrics');
      return n;
    },
  };
  return server;
}

/** The PostgreSQL backends serving one database (the bench's admin connection is on another). */
async function backends(admin: pg.Client, database: string): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

interface Sample { requests: number; wallMs: number; nodeUs: number; postgresUs: number; statements: number; driverUs: number }

/** One window: `requests` of `kind` (or, for none, an idle pause of `idleMs`), measured from the outside. */
async function measure(admin: pg.Client, s: Server, kind: Kind | undefined, requests: number, concurrency: number, idleMs: number): Promise<Sample> {
  const statements0 = await s.statements();
  const pids0 = await backends(admin, s.database);
  const pg0 = new Map(pids0.map((p) => [p, processCpuNs(p)]));
  const node0 = processCpuNs(s.pid);
  const driver0 = process.cpuUsage();
  const t0 = performance.now();
  if (kind === undefined) await new Promise((r) => setTimeout(r, idleMs));
  else await inPool(Array.from({ length: requests }, (_, i) => i), concurrency, (i) => kind.send(s, i));
  const wallMs = performance.now() - t0;
  const node1 = processCpuNs(s.pid);
  const driver = process.cpuUsage(driver0);
  // A backend that started during the window counts from zero.
  let pgNs = 0;
  for (const p of new Set([...pids0, ...(await backends(admin, s.database))])) pgNs += processCpuNs(p) - (pg0.get(p) ?? 0);
  const statements = (await s.statements()) - statements0 - s.scrapeStatements;
  return { requests, wallMs, nodeUs: (node1 - node0) / 1000, postgresUs: pgNs / 1000, statements, driverUs: driver.user + driver.system };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const r1 = (x: number): number => Math.round(x * 10) / 10;
const r2 = (x: number): number => Math.round(x * 100) / 100;

/** Per-request figures of a kind's rounds, raw and less the idle rate of the same round. */
function perRequest(samples: readonly { run: Sample; idle: Sample }[]) {
  const each = samples.map(({ run, idle }) => {
    const idleShare = run.wallMs / idle.wallMs;
    return {
      nodeUs: run.nodeUs / run.requests, postgresUs: run.postgresUs / run.requests, statements: run.statements / run.requests,
      netNodeUs: (run.nodeUs - idle.nodeUs * idleShare) / run.requests, netPostgresUs: (run.postgresUs - idle.postgresUs * idleShare) / run.requests,
      netStatements: (run.statements - idle.statements * idleShare) / run.requests,
      driverUs: run.driverUs / run.requests, wallUs: (run.wallMs * 1000) / run.requests,
    };
  });
  const m = (f: (e: (typeof each)[number]) => number, round = r1): number => round(median(each.map(f)));
  return {
    nodeUs: m((e) => e.nodeUs), netNodeUs: m((e) => e.netNodeUs), postgresUs: m((e) => e.postgresUs), netPostgresUs: m((e) => e.netPostgresUs),
    statements: m((e) => e.statements, r2), netStatements: m((e) => e.netStatements, r2), driverUs: m((e) => e.driverUs), wallUs: m((e) => e.wallUs),
    nodeUsRounds: each.map((e) => r1(e.nodeUs)),
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// CPU profiles: where a kind's Node CPU goes, per request.

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; hitCount?: number; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[] }

/** What a frame's time is counted under: a package, a PakLog source file, a part of Node, or V8's own entries. */
function categoryOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : 'native';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + '/node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/').slice(0, 2).join('/')}`;
  const dist = url.lastIndexOf('/dist/');
  if (dist >= 0) return `paklog:${url.slice(dist + 6).replace(/\.js$/, '')}`;
  return url;
}

function summariseProfile(profile: Profile, requests: number) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
  const usPerSample = (profile.endTime - profile.startTime) / Math.max(1, samples);
  const perRequestUs = (hits: number): number => r1((hits * usPerSample) / requests);
  const self = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const inclusiveFn = new Map<string, number>();
  const subtotal = new Map<number, number>();
  const total = (id: number): number => {
    const known = subtotal.get(id);
    if (known !== undefined) return known;
    const n = byId.get(id)!;
    let t = n.hitCount ?? 0;
    for (const c of n.children ?? []) t += total(c);
    subtotal.set(id, t);
    return t;
  };
  const add = (m: Map<string, number>, k: string, v: number): void => { m.set(k, (m.get(k) ?? 0) + v); };
  const onStack = new Map<string, number>();
  const walk = (id: number): void => {
    const n = byId.get(id)!;
    const cat = categoryOf(n.callFrame);
    const fn = `${cat} ${n.callFrame.functionName || '(anonymous)'}`;
    add(self, cat, n.hitCount ?? 0);
    add(selfFn, fn, n.hitCount ?? 0);
    const keys = [cat, `fn:${fn}`];
    for (const k of keys) {
      if ((onStack.get(k) ?? 0) === 0) add(k === cat ? inclusive : inclusiveFn, k === cat ? cat : fn, total(id));
      onStack.set(k, (onStack.get(k) ?? 0) + 1);
    }
    for (const c of n.children ?? []) walk(c);
    for (const k of keys) onStack.set(k, onStack.get(k)! - 1);
  };
  const rootNode = profile.nodes[0]!;
  walk(rootNode.id);
  const idle = self.get('(idle)') ?? 0;
  const top = (m: Map<string, number>, n: number, skipRoot = false): [string, number][] =>
    [...m.entries()].filter(([k]) => !(skipRoot && (k === '(root)' || k.startsWith('(root)'))) && k !== '(idle)' && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => [k, perRequestUs(v)]);
  const busy = Math.max(1, samples - idle);
  const shares = (m: Map<string, number>, n: number): Record<string, number> => Object.fromEntries(
    [...m.entries()].filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, n)
      .map(([k, v]) => [k, r1((100 * v) / busy)]));
  return {
    requests, sampledMs: r1((profile.endTime - profile.startTime) / 1000), samplingIntervalUs: r1(usPerSample),
    busyUsPerRequest: perRequestUs(samples - idle),
    // Shares of the busy samples (%): the profile samples wall time on the JS thread, so a thread preempted inside a
    // syscall still counts as busy; the µs figures below are scaled from the samples, the bench's CPU figures are the truth.
    selfPercent: shares(self, 30),
    inclusivePercent: shares(inclusive, 40),
    selfByCategory: Object.fromEntries(top(self, 30)),
    inclusiveByCategory: Object.fromEntries(top(inclusive, 40, true)),
    selfByFunction: Object.fromEntries(top(selfFn, 40)),
    inclusiveByFunction: Object.fromEntries(top(inclusiveFn, 60, true)),
  };
}

async function profileKind(s: Server, kind: Kind, dir: string, requests: number, concurrency: number) {
  const out = join(dir, s.label);
  const before = existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).length : 0;
  process.kill(s.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 50));
  await inPool(Array.from({ length: requests }, (_, i) => i), concurrency, (i) => kind.send(s, i));
  process.kill(s.pid, 'SIGUSR2');
  const file = join(out, `${before + 1}.cpuprofile`);
  const deadline = Date.now() + 30_000;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`no profile written to ${file}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const named = join(out, `${kind.name}.cpuprofile`);
  renameSync(file, named);
  return { file: named, ...summariseProfile(JSON.parse(readFileSync(named, 'utf8')) as Profile, requests) };
}

export async function main(args: string[]): Promise<void> {
  // `--summarise=FILE [--per=N]`: the same summary of any V8 CPU profile (e.g. a whole flow's server, per N units).
  const summarise = stringArg(args, 'summarise', '');
  if (summarise !== '') {
    const summary = summariseProfile(JSON.parse(readFileSync(summarise, 'utf8')) as Profile, numberArg(args, 'per', 1));
    console.log(JSON.stringify(summary, null, 2));
    return;
  }
  const requests = numberArg(args, 'requests', 2000);
  const rounds = numberArg(args, 'rounds', 5);
  const concurrency = numberArg(args, 'concurrency', 4);
  const compare = stringArg(args, 'compare', '');
  const profileArg = stringArg(args, 'profile', '');
  const profileDir = profileArg === '' ? undefined : resolve(profileArg);
  const profileRequests = numberArg(args, 'profile-requests', 3000);
  const only = stringArg(args, 'kinds', '');
  let embedded: EmbeddedServer | undefined;
  let serverUrl = process.env.PAKLOG_BENCH_DATABASE_URL;
  let database = 'embedded PostgreSQL, PakLog through its Unix-domain socket';
  if (serverUrl === undefined || serverUrl === '') {
    embedded = await startEmbeddedPostgres({ dir: 'data/bench-pg-request-cost' });
    serverUrl = embedded.localUrlFor('postgres');
  } else {
    database = 'PostgreSQL at PAKLOG_BENCH_DATABASE_URL';
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  const key = `pk_bench_${randomBytes(16).toString('hex')}`;
  const servers: Server[] = [];
  try {
    servers.push(await startServer('this', root, admin, serverUrl, key, profileDir));
    if (compare !== '') servers.push(await startServer('compare', resolve(compare), admin, serverUrl, key, profileDir));
    const all = kinds(key).filter((k) => only === '' || only.split(',').includes(k.name));
    // The client's protobuf codecs generated before any request (the server warms its own at start).
    await warmCodecs(publicProtos(), [[FLOOR_SERVICE, publicServices().floor], [INTEGRATION_SERVICE, publicServices().integration]]);
    for (const s of servers) {
      // Warm: schemas compiled on first use, the JIT, the pool's connections, the key's cache entry.
      for (const k of all) await inPool(Array.from({ length: 300 }, (_, i) => i), concurrency, (i) => k.send(s, i));
      const a = await s.statements();
      const b = await s.statements();
      s.scrapeStatements = b - a;
    }
    const samples = new Map<string, { run: Sample; idle: Sample }[]>();
    const idleMs = 1000;
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? servers : [...servers].reverse();
      for (const k of all) {
        for (const s of order) {
          const idle = await measure(admin, s, undefined, 0, concurrency, idleMs);
          const run = await measure(admin, s, k, requests, concurrency, idleMs);
          const key2 = `${s.label} ${k.name}`;
          samples.set(key2, [...(samples.get(key2) ?? []), { run, idle }]);
          console.log(`round ${r + 1} ${s.label.padEnd(7)} ${k.name.padEnd(9)} Node ${r1(run.nodeUs / requests)} µs, PostgreSQL ${r1(run.postgresUs / requests)} µs, `
            + `${r2(run.statements / requests)} statements per request; idle: Node ${r1(idle.nodeUs / 1000)} ms/s`);
        }
      }
    }
    const results: Record<string, Record<string, unknown>> = {};
    for (const s of servers) {
      const byKind: Record<string, unknown> = {};
      for (const k of all) byKind[k.name] = { what: k.what, ...perRequest(samples.get(`${s.label} ${k.name}`)!) };
      // The server's background (jobs, the relay) with no request: what the idle windows cost per second.
      const idles = all.flatMap((k) => samples.get(`${s.label} ${k.name}`)!.map((x) => x.idle));
      const idle = {
        nodeMsPerS: r2(median(idles.map((i) => i.nodeUs / i.wallMs))), postgresMsPerS: r2(median(idles.map((i) => i.postgresUs / i.wallMs))),
        statementsPerS: r1(median(idles.map((i) => (i.statements * 1000) / i.wallMs))),
      };
      // A gRPC kind less its REST twin (`grpc-X` and `X`), round by round (the two ran back to back on this server):
      // the adapter's fixed cost, with the round's own speed of the host in both terms.
      const grpcPremium: Record<string, unknown> = {};
      for (const k of all) {
        const twin = k.name.startsWith('grpc-') ? all.find((t) => t.name === k.name.slice('grpc-'.length)) : undefined;
        if (twin === undefined) continue;
        const g = samples.get(`${s.label} ${k.name}`)!;
        const r = samples.get(`${s.label} ${twin.name}`)!;
        const each = g.map((x, i) => ({ d: (x.run.nodeUs - r[i]!.run.nodeUs) / requests, ratio: x.run.nodeUs / r[i]!.run.nodeUs }));
        grpcPremium[k.name] = {
          twin: twin.name, nodeUs: r1(median(each.map((e) => e.d))), ratio: r2(median(each.map((e) => e.ratio))), nodeUsRounds: each.map((e) => r1(e.d)),
        };
      }
      results[s.label] = { checkout: s.checkout, revision: s.revision, idle, kinds: byKind, grpcPremium };
    }
    const profiles: Record<string, Record<string, unknown>> = {};
    if (profileDir !== undefined) {
      for (const s of servers) {
        profiles[s.label] = {};
        for (const k of all) profiles[s.label]![k.name] = await profileKind(s, k, profileDir, profileRequests, concurrency);
      }
    }
    const result = {
      benchmark: 'request-cost', machine: machine(), database, requestsPerRound: requests, rounds, concurrency,
      how: 'CPU per request of the server process (every thread, /proc/<pid>/task/*/schedstat) and of its PostgreSQL backends '
        + '(schedstat), statements from paklog_db_statements_total (a scrape\'s own subtracted); net = less the idle rate of a 1 s '
        + 'window measured just before each round; medians over rounds; servers alternate A B / B A per round',
      servers: results,
      ...(profileDir === undefined ? {} : { profiles }),
    };
    console.table(Object.fromEntries(servers.flatMap((s) => all.map((k) => {
      const f = (results[s.label]!.kinds as Record<string, ReturnType<typeof perRequest>>)[k.name]!;
      return [`${s.label} ${k.name}`, { nodeUs: f.nodeUs, netNodeUs: f.netNodeUs, postgresUs: f.postgresUs, statements: f.statements, wallUs: f.wallUs }];
    }))));
    for (const s of servers) {
      for (const [name, p] of Object.entries(results[s.label]!.grpcPremium as Record<string, { twin: string; nodeUs: number; ratio: number }>)) {
        console.log(`${s.label} ${name}: ${p.nodeUs} µs of Node CPU per call over ${p.twin} (×${p.ratio}), median of the rounds' differences`);
      }
    }
    const file = writeResult(stringArg(args, 'out', 'request-cost'), result);
    console.log(`written to ${file}`);
  } finally {
    for (const s of servers) {
      s.grpc.close();
      await s.process.stop();
      await admin.query(`DROP DATABASE IF EXISTS ${s.database} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.end();
    await embedded?.stop();
  }
}
