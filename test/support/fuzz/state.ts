/**
 * The fuzzer's "nothing changed" check (ADR 0044). A row-level trigger on every table of every PakLog schema notes each
 * inserted, updated or deleted row in `fuzz_watch.writes`, in the writing transaction: a write that is rolled back
 * leaves no note (a refusal may start a transaction and abandon it), a committed one does, updates included. The
 * fingerprint is the last note's id; "changed since" is one index probe for a higher one; `writtenSince` names the
 * tables and operations.
 * Tables the request pipeline writes on every call whatever its answer (the key's last use, the idempotency record)
 * are not watched.
 */
import type { Executor } from '../../../src/platform/db/database.ts';

export const UNWATCHED_TABLES: ReadonlySet<string> = new Set([
  'platform.api_keys', 'platform.idempotency_keys',
  // The saga runner's periodic tick (orchestration.sagas job) leases and advances sagas whatever the requests do; a
  // saga starts only from an event, and the event store and outbox are watched.
  'orchestration.sagas', 'orchestration.saga_steps', 'orchestration.saga_signals',
]);

/** The last note committed when taken. */
export interface Fingerprint {
  readonly lastId: number;
}

export interface StateProbe {
  readonly tables: readonly string[];
  take(): Promise<Fingerprint>;
  /** Whether any note was committed after `since` (its id is higher: it was written after `since` was taken). */
  changedSince(since: Fingerprint): Promise<boolean>;
  /** The tables written after `since`, with the number of rows. */
  writtenSince(since: Fingerprint): Promise<string[]>;
}

/** Installs the triggers (once per database) and answers the probe. */
export async function stateProbe(db: Executor, unwatched: ReadonlySet<string> = UNWATCHED_TABLES): Promise<StateProbe> {
  const rows = await db.query<{ s: string; n: string }>(
    `SELECT table_schema AS s, table_name AS n FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema', 'fuzz_watch') ORDER BY 1, 2`,
  );
  const tables = rows.map((t) => `${t.s}.${t.n}`).filter((t) => !unwatched.has(t));
  await db.query(`CREATE SCHEMA IF NOT EXISTS fuzz_watch;
    CREATE TABLE IF NOT EXISTS fuzz_watch.writes (id bigserial PRIMARY KEY, tbl text NOT NULL, op text NOT NULL);
    CREATE OR REPLACE FUNCTION fuzz_watch.note() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN INSERT INTO fuzz_watch.writes (tbl, op) VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP); RETURN NULL; END $$;`);
  const ddl = rows.filter((t) => !unwatched.has(`${t.s}.${t.n}`)).map((t) =>
    `DROP TRIGGER IF EXISTS fuzz_watch ON "${t.s}"."${t.n}";
     CREATE TRIGGER fuzz_watch AFTER INSERT OR UPDATE OR DELETE ON "${t.s}"."${t.n}" FOR EACH ROW EXECUTE FUNCTION fuzz_watch.note();`);
  await db.query(ddl.join('\n'));
  return {
    tables,
    async take() {
      const [r] = await db.query<{ last: string | null }>('SELECT max(id) AS last FROM fuzz_watch.writes');
      return { lastId: Number(r!.last ?? 0) };
    },
    async changedSince(since) {
      return (await db.query('SELECT 1 FROM fuzz_watch.writes WHERE id > $1 LIMIT 1', [since.lastId])).length > 0;
    },
    async writtenSince(since) {
      const written = await db.query<{ tbl: string; op: string; n: string }>(
        `SELECT tbl, op, count(*) AS n FROM fuzz_watch.writes WHERE id > $1 GROUP BY 1, 2 ORDER BY 1, 2`, [since.lastId]);
      return written.map((w) => `${w.tbl} ${w.op} ×${w.n}`);
    },
  };
}

