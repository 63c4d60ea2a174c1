import { readFileSync } from 'node:fs';
import type { Database, Tx } from '../../src/platform/db/database.ts';

/**
 * Replays migration files over rows an older schema could hold: in a scratch schema of one transaction, runs `setup`
 * (the table as it was and its rows), then each migration file, then `check` (what the migration left, what a new row
 * may still take), and drops the schema. For migrations that must not fail over data written before them.
 */
export async function overOldRows<T>(db: Database, scratch: string, setup: readonly string[], migrations: readonly URL[], check: (tx: Tx) => Promise<T>): Promise<T> {
  return db.tx(async (tx) => {
    await tx.query(`CREATE SCHEMA ${scratch}`);
    await tx.query(`SET LOCAL search_path = ${scratch}`);
    for (const sql of setup) await tx.query(sql);
    for (const file of migrations) await tx.query(readFileSync(file, 'utf8'));
    const out = await check(tx);
    await tx.query(`DROP SCHEMA ${scratch} CASCADE`);
    return out;
  });
}
