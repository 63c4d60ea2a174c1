/**
 * The flow bench's PostgreSQL profile (`npm run bench -- flow --pg-stat`): which statements cost the server the most,
 * from `pg_stat_statements` on the bench's embedded cluster, and what the flow did to each table (scans, HOT updates,
 * dead rows) from the cumulative statistics views.
 *
 * The cluster is started with {@link PG_STAT_SETTINGS} (the library must be preloaded, so only a server the bench
 * starts itself can be profiled); the extension is created in the maintenance database `postgres`, so the bench's
 * fresh database holds nothing PakLog's migrations do not make, and the view is read there filtered by the bench
 * database's oid. Times are pg_stat_statements' own: wall time inside the server (a statement waiting for a lock, for a
 * core on a loaded machine or for its commit's WAL flush counts), not CPU; they rank statements, the CPU figure stays
 * the bench's /proc sample. `track_planning` adds a little overhead of its own, so a profiled run's CPU figures are
 * not compared with plain runs.
 */
import type pg from 'pg';

/** Server settings (passed on the command line) that make the profile possible. */
export const PG_STAT_SETTINGS: readonly string[] = [
  'shared_preload_libraries=pg_stat_statements',
  // Statements run inside functions and triggers too (`toplevel` false): their time is also in their caller's.
  'pg_stat_statements.track=all',
  'pg_stat_statements.track_planning=on',
  'pg_stat_statements.max=10000',
];

/** One statement's figures over the flow, per order line where it says so. */
export interface StatementProfile {
  query: string;
  toplevel: boolean;
  calls: number;
  callsPerLine: number;
  /** Executor time, ms per order line (the sum over calls ÷ lines). */
  execMsPerLine: number;
  /** Planner time, ms per order line (0 for a prepared statement that reuses its generic plan). */
  planMsPerLine: number;
  /** exec + plan, ms per order line: what the table is sorted by. */
  totalMsPerLine: number;
  meanExecMs: number;
  meanPlanMs: number;
  /** Times the statement was planned: calls ≫ plans is a reused (generic) plan, plans ≈ calls a custom plan each time. */
  plans: number;
  rowsPerCall: number;
  sharedBlksHitPerCall: number;
  sharedBlksReadPerCall: number;
  sharedBlksDirtiedPerCall: number;
  sharedBlksWrittenPerCall: number;
  walRecordsPerCall: number;
  walFpiPerCall: number;
  walBytesPerCall: number;
  tempBlksPerCall: number;
}

/** What the flow did to one table, from pg_stat_user_tables (after − before). */
export interface TableProfile {
  table: string;
  seqScan: number;
  seqTupRead: number;
  idxScan: number;
  inserted: number;
  updated: number;
  hotUpdated: number;
  deleted: number;
  /** Rows at the end, live and dead (estimates). */
  liveRows: number;
  deadRows: number;
  autovacuums: number;
  autoanalyzes: number;
}

export interface PgStatProfile {
  how: string;
  orderLines: number;
  /** Top-level statements only (nested ones are inside their callers' times). */
  totals: {
    calls: number; callsPerLine: number; execMsPerLine: number; planMsPerLine: number; walBytesPerLine: number; walRecordsPerLine: number; walFpiPerLine: number;
    sharedBlksHitPerLine: number; sharedBlksReadPerLine: number; sharedBlksDirtiedPerLine: number;
  };
  /** Top-level statements grouped by their first keyword (SELECT, INSERT, WITH, …, BEGIN, COMMIT). */
  byKind: { kind: string; calls: number; callsPerLine: number; totalMsPerLine: number; walBytesPerLine: number }[];
  /** The cluster's WAL over the flow (pg_stat_wal: background processes included). */
  wal: { records: number; fpi: number; bytes: number; bytesPerLine: number; recordsPerLine: number };
  statements: StatementProfile[];
  tables: TableProfile[];
  /** Indexes of tables the flow wrote to, with the scans the flow made of each: 0 is an index only maintained. */
  indexes: { index: string; table: string; scans: number; tableWrites: number }[];
}

/** Rounded for the results file. */
const r = (n: number, digits = 3): number => +n.toFixed(digits);

interface StatRow {
  query: string; toplevel: boolean; calls: string; plans: string; total_exec_time: number; total_plan_time: number; rows: string;
  shared_blks_hit: string; shared_blks_read: string; shared_blks_dirtied: string; shared_blks_written: string;
  temp_blks_read: string; temp_blks_written: string; wal_records: string; wal_fpi: string; wal_bytes: string;
}

interface TableRow {
  table: string; seq_scan: string; seq_tup_read: string; idx_scan: string; n_tup_ins: string; n_tup_upd: string; n_tup_hot_upd: string;
  n_tup_del: string; n_live_tup: string; n_dead_tup: string; autovacuum_count: string; autoanalyze_count: string;
}

interface IndexRow { index: string; table: string; idx_scan: string }

interface Snapshot { tables: Map<string, TableRow>; indexes: Map<string, IndexRow>; wal: { records: number; fpi: number; bytes: number } }

/**
 * The profiler of one flow: `admin` is a superuser connection to the maintenance database, `probe` one to the bench
 * database (whose own statements are kept out of the profile), `database` the bench database's name.
 */
export async function pgStatProfiler(admin: pg.Client, probe: pg.Client, database: string): Promise<{ reset(): Promise<void>; collect(orderLines: number): Promise<PgStatProfile> }> {
  const loaded = (await admin.query<{ s: string }>(`SELECT current_setting('shared_preload_libraries') AS s`)).rows[0]?.s ?? '';
  if (!loaded.split(',').map((s) => s.trim()).includes('pg_stat_statements')) {
    throw new Error('--pg-stat needs a server that preloads pg_stat_statements: the bench\'s embedded server (unset PAKLOG_BENCH_DATABASE_URL)');
  }
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  // The bench's polls of the flow's progress are not the flow's work.
  await probe.query('SET pg_stat_statements.track = none');
  const dbid = (await admin.query<{ oid: number }>('SELECT oid::int AS oid FROM pg_database WHERE datname = $1', [database])).rows[0]!.oid;
  let before: Snapshot | undefined;

  const snapshot = async (): Promise<Snapshot> => {
    const tables = await probe.query<TableRow>(
      `SELECT schemaname || '.' || relname AS table, seq_scan, seq_tup_read, coalesce(idx_scan, 0) AS idx_scan, n_tup_ins, n_tup_upd,
              n_tup_hot_upd, n_tup_del, n_live_tup, n_dead_tup, autovacuum_count, autoanalyze_count
         FROM pg_stat_user_tables`);
    const indexes = await probe.query<IndexRow>(
      `SELECT schemaname || '.' || indexrelname AS index, schemaname || '.' || relname AS table, idx_scan FROM pg_stat_user_indexes`);
    const wal = (await probe.query<{ records: string; fpi: string; bytes: string }>('SELECT wal_records AS records, wal_fpi AS fpi, wal_bytes AS bytes FROM pg_stat_wal')).rows[0]!;
    return {
      tables: new Map(tables.rows.map((t) => [t.table, t])),
      indexes: new Map(indexes.rows.map((i) => [i.index, i])),
      wal: { records: Number(wal.records), fpi: Number(wal.fpi), bytes: Number(wal.bytes) },
    };
  };

  return {
    async reset() {
      // This database's statements only: the maintenance database's (the CPU sampler's) are not the flow's.
      await admin.query('SELECT pg_stat_statements_reset(0, $1::oid, 0)', [dbid]);
      before = await snapshot();
    },
    async collect(lines) {
      if (before === undefined) throw new Error('pgStatProfiler: collect() before reset()');
      const after = await snapshot();
      const { rows } = await admin.query<StatRow>(
        `SELECT query, toplevel, calls, plans, total_exec_time, total_plan_time, rows, shared_blks_hit, shared_blks_read,
                shared_blks_dirtied, shared_blks_written, temp_blks_read, temp_blks_written, wal_records, wal_fpi, wal_bytes
           FROM pg_stat_statements(true) WHERE dbid = $1`, [dbid]);
      const statements = rows.map((s): StatementProfile => {
        const calls = Number(s.calls);
        const per = (v: string | number): number => (calls === 0 ? 0 : Number(v) / calls);
        return {
          query: s.query.replace(/\s+/g, ' ').trim(),
          toplevel: s.toplevel,
          calls,
          callsPerLine: r(calls / lines, 2),
          execMsPerLine: r(s.total_exec_time / lines),
          planMsPerLine: r(s.total_plan_time / lines),
          totalMsPerLine: r((s.total_exec_time + s.total_plan_time) / lines),
          meanExecMs: r(per(s.total_exec_time)),
          meanPlanMs: r(Number(s.plans) === 0 ? 0 : s.total_plan_time / Number(s.plans)),
          plans: Number(s.plans),
          rowsPerCall: r(per(s.rows), 2),
          sharedBlksHitPerCall: r(per(s.shared_blks_hit), 1),
          sharedBlksReadPerCall: r(per(s.shared_blks_read), 2),
          sharedBlksDirtiedPerCall: r(per(s.shared_blks_dirtied), 2),
          sharedBlksWrittenPerCall: r(per(s.shared_blks_written), 2),
          walRecordsPerCall: r(per(s.wal_records), 2),
          walFpiPerCall: r(per(s.wal_fpi), 2),
          walBytesPerCall: r(per(s.wal_bytes), 0),
          tempBlksPerCall: r(per(Number(s.temp_blks_read) + Number(s.temp_blks_written)), 2),
        };
      }).sort((a, b) => b.totalMsPerLine - a.totalMsPerLine);

      const top = rows.filter((s) => s.toplevel);
      const sum = (f: (s: StatRow) => number): number => top.reduce((t, s) => t + f(s), 0);
      const kinds = new Map<string, { calls: number; ms: number; wal: number }>();
      for (const s of top) {
        // The first keyword: a statement with CTEs counts as WITH (its writes are in its CTEs).
        const kind = /^[\s(]*([A-Za-z]+)/.exec(s.query)?.[1]?.toUpperCase() ?? '?';
        const k = kinds.get(kind) ?? { calls: 0, ms: 0, wal: 0 };
        k.calls += Number(s.calls);
        k.ms += s.total_exec_time + s.total_plan_time;
        k.wal += Number(s.wal_bytes);
        kinds.set(kind, k);
      }
      const byKind = [...kinds.entries()].sort((a, b) => b[1].ms - a[1].ms)
        .map(([kind, k]) => ({ kind, calls: k.calls, callsPerLine: r(k.calls / lines, 2), totalMsPerLine: r(k.ms / lines), walBytesPerLine: r(k.wal / lines, 0) }));

      const n = (v: string | undefined): number => Number(v ?? 0);
      const tables = [...after.tables.values()].map((t): TableProfile => {
        const b = before!.tables.get(t.table);
        return {
          table: t.table,
          seqScan: n(t.seq_scan) - n(b?.seq_scan), seqTupRead: n(t.seq_tup_read) - n(b?.seq_tup_read), idxScan: n(t.idx_scan) - n(b?.idx_scan),
          inserted: n(t.n_tup_ins) - n(b?.n_tup_ins), updated: n(t.n_tup_upd) - n(b?.n_tup_upd), hotUpdated: n(t.n_tup_hot_upd) - n(b?.n_tup_hot_upd),
          deleted: n(t.n_tup_del) - n(b?.n_tup_del), liveRows: n(t.n_live_tup), deadRows: n(t.n_dead_tup),
          autovacuums: n(t.autovacuum_count) - n(b?.autovacuum_count), autoanalyzes: n(t.autoanalyze_count) - n(b?.autoanalyze_count),
        };
      }).filter((t) => t.seqScan + t.idxScan + t.inserted + t.updated + t.deleted > 0)
        .sort((a, b) => (b.seqScan + b.idxScan + b.inserted + b.updated + b.deleted) - (a.seqScan + a.idxScan + a.inserted + a.updated + a.deleted));
      const writes = new Map(tables.map((t) => [t.table, t.inserted + t.updated + t.deleted]));
      const indexes = [...after.indexes.values()]
        .filter((i) => (writes.get(i.table) ?? 0) > 0)
        .map((i) => ({ index: i.index, table: i.table, scans: n(i.idx_scan) - n(before!.indexes.get(i.index)?.idx_scan), tableWrites: writes.get(i.table)! }))
        .sort((a, b) => a.scans - b.scans || b.tableWrites - a.tableWrites);
      const wal = { records: after.wal.records - before.wal.records, fpi: after.wal.fpi - before.wal.fpi, bytes: after.wal.bytes - before.wal.bytes };

      return {
        how: 'pg_stat_statements (track=all, track_planning=on) on the bench database, reset just before the flow and read after it (the bench\'s probe untracked); times are wall time in the server, not CPU; tables and indexes: pg_stat_user_tables/indexes after − before; WAL: pg_stat_wal of the cluster',
        orderLines: lines,
        totals: {
          calls: sum((s) => Number(s.calls)), callsPerLine: r(sum((s) => Number(s.calls)) / lines, 2),
          execMsPerLine: r(sum((s) => s.total_exec_time) / lines), planMsPerLine: r(sum((s) => s.total_plan_time) / lines),
          walBytesPerLine: r(sum((s) => Number(s.wal_bytes)) / lines, 0), walRecordsPerLine: r(sum((s) => Number(s.wal_records)) / lines, 1),
          walFpiPerLine: r(sum((s) => Number(s.wal_fpi)) / lines, 2),
          sharedBlksHitPerLine: r(sum((s) => Number(s.shared_blks_hit)) / lines, 1), sharedBlksReadPerLine: r(sum((s) => Number(s.shared_blks_read)) / lines, 2),
          sharedBlksDirtiedPerLine: r(sum((s) => Number(s.shared_blks_dirtied)) / lines, 2),
        },
        byKind,
        wal: { ...wal, bytesPerLine: r(wal.bytes / lines, 0), recordsPerLine: r(wal.records / lines, 1) },
        statements,
        tables,
        indexes,
      };
    },
  };
}

/** The console's view of a profile: the top statements by exec + plan time per order line, and the totals. */
export function printPgStatProfile(p: PgStatProfile, top = 15): void {
  const t = p.totals;
  console.log(`pg_stat_statements over the flow (top-level, per order line): ${t.callsPerLine} statements, exec ${t.execMsPerLine} ms + plan ${t.planMsPerLine} ms; WAL ${t.walRecordsPerLine} records, ${t.walBytesPerLine} bytes (${t.walFpiPerLine} full pages); cluster WAL ${p.wal.recordsPerLine} records, ${p.wal.bytesPerLine} bytes per line`);
  console.table(p.byKind);
  console.table(p.statements.slice(0, top).map((s) => ({
    'ms/line': s.totalMsPerLine, exec: s.execMsPerLine, plan: s.planMsPerLine, 'calls/line': s.callsPerLine, plans: s.plans,
    'mean ms': s.meanExecMs, rows: s.rowsPerCall, hit: s.sharedBlksHitPerCall, read: s.sharedBlksReadPerCall, dirtied: s.sharedBlksDirtiedPerCall,
    'wal B': s.walBytesPerCall, top: s.toplevel ? '' : 'nested', sql: s.query.slice(0, 110),
  })));
  console.table(p.tables.slice(0, 20));
}
