import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ident, type Database } from './database.ts';
import type { Selectable } from './row-types.ts';
import type { PlatformSchemaMigrations } from './schema-types.ts';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** A schema and its ordered plain-SQL migrations, owned by one context (or by the platform itself). */
export interface MigrationSet {
  readonly schema: string;
  readonly migrations: readonly Migration[];
  /** Create `<schema>.inbox` for idempotent event consumption. */
  readonly inbox?: boolean;
}

/** Reads `NNN_name.sql` files from a folder, in name order. */
export function loadMigrations(dir: URL): Migration[] {
  const path = fileURLToPath(dir);
  return readdirSync(path)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((f) => ({ name: f, sql: readFileSync(`${path}/${f}`, 'utf8') }));
}

/** A database the migrations cannot bring up to date as they are: one of them was edited after it ran there. */
export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

const checksum = (sql: string): string => createHash('sha256').update(sql).digest('hex').slice(0, 16);

/**
 * Applies what has not run yet, each migration in its own transaction, under an advisory lock so that
 * processes starting together do not race. Applied migrations are recorded with a checksum; an edited
 * migration that already ran is refused rather than silently ignored.
 */
export async function migrate(db: Database, sets: readonly MigrationSet[]): Promise<{ applied: string[] }> {
  if (await upToDate(db, sets)) return { applied: [] };
  const applied: string[] = [];
  await db.query(`CREATE SCHEMA IF NOT EXISTS platform`);
  await db.query(`CREATE TABLE IF NOT EXISTS platform.schema_migrations (
    schema_name text NOT NULL, name text NOT NULL, checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (schema_name, name))`);
  for (const set of sets) {
    await db.tx(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paklog.migrate'))`);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${ident(set.schema)}`);
      if (set.inbox === true) {
        await tx.query(`CREATE TABLE IF NOT EXISTS ${ident(set.schema)}.inbox (
          event_id text PRIMARY KEY, event_type text NOT NULL, handled_at timestamptz NOT NULL DEFAULT now())`);
      }
    });
    const done = new Map(
      (await db.query<Pick<Selectable<PlatformSchemaMigrations>, 'name' | 'checksum'>>(
        `SELECT name, checksum FROM platform.schema_migrations WHERE schema_name = $1`, [set.schema],
      )).map((r) => [r.name, r.checksum]),
    );
    for (const m of set.migrations) {
      const sum = checksum(m.sql);
      const previous = done.get(m.name);
      if (previous !== undefined) {
        if (previous !== sum) throw new MigrationError(`migration ${set.schema}/${m.name} was changed after it ran on this database (checksum ${previous} → ${sum}): restore the file as it was and put the change in a new migration`);
        continue;
      }
      await db.tx(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('paklog.migrate'))`);
        const again = await tx.query(`SELECT 1 FROM platform.schema_migrations WHERE schema_name = $1 AND name = $2`, [set.schema, m.name]);
        if (again.length > 0) return;
        await tx.query(`SET LOCAL search_path TO ${ident(set.schema)}, public`);
        await tx.query(m.sql);
        await tx.query(`INSERT INTO platform.schema_migrations (schema_name, name, checksum) VALUES ($1, $2, $3)`, [set.schema, m.name, sum]);
        applied.push(`${set.schema}/${m.name}`);
      });
    }
  }
  return { applied };
}

/**
 * One statement that says whether `migrate` has nothing to do: every set's schema and inbox exist and every migration is
 * recorded with its checksum (what a start on an existing database finds). It takes no lock: what it sees recorded was
 * committed with its DDL. Anything else — a missing table, a migration not yet applied, an edited one — says no, and
 * `migrate` takes the long way, which applies what is missing under the lock and refuses an edited migration.
 */
async function upToDate(db: Database, sets: readonly MigrationSet[]): Promise<boolean> {
  const schemas = sets.map((s) => s.schema);
  const inboxes = sets.filter((s) => s.inbox === true).map((s) => s.schema);
  const wanted = sets.flatMap((s) => s.migrations.map((m) => ({ s: s.schema, n: m.name, c: checksum(m.sql) })));
  try {
    const [row] = await db.query<{ ok: boolean }>(
      `SELECT (SELECT count(*) FROM pg_namespace WHERE nspname = ANY($1::text[])) = cardinality($1::text[])
          AND (SELECT bool_and(to_regclass(format('%I.inbox', s)) IS NOT NULL) FROM unnest($2::text[]) s) IS NOT FALSE
          AND NOT EXISTS (
            SELECT 1 FROM jsonb_to_recordset($3::jsonb) AS w(s text, n text, c text)
            LEFT JOIN platform.schema_migrations m ON m.schema_name = w.s AND m.name = w.n AND m.checksum = w.c
            WHERE m.name IS NULL) AS ok`,
      [[...new Set(schemas)], inboxes, JSON.stringify(wanted)],
    );
    return row?.ok === true;
  } catch (e) {
    // No platform.schema_migrations yet: a fresh database.
    if ((e as { code?: string }).code === '42P01' || (e as { code?: string }).code === '3F000') return false;
    throw e;
  }
}
