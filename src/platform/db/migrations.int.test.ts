import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { Database } from './database.ts';
import { migrate, type MigrationSet } from './migrations.ts';

let drop: () => Promise<void>;
let url: string;
let db: Database;
beforeAll(async () => {
  const t = await createTestDatabase();
  drop = t.drop;
  url = t.url;
  db = new Database(url, { max: 2 });
});
afterAll(async () => {
  await db.close();
  await drop();
});

const first = { name: '001_items.sql', sql: 'CREATE TABLE items (id int PRIMARY KEY)' };
const second = { name: '002_colour.sql', sql: 'ALTER TABLE items ADD COLUMN colour text' };
const sets = (...more: MigrationSet[]): MigrationSet[] => [
  { schema: 'mig_a', migrations: [first], inbox: true },
  { schema: 'mig_b', migrations: [] },
  ...more,
];

describe('migrate', () => {
  it('on a fresh database applies everything; once up to date it sends one statement and applies nothing', async () => {
    expect((await migrate(db, sets())).applied).toEqual(['mig_a/001_items.sql']);
    const again = await db.countStatements(() => migrate(db, sets()));
    expect(again.value.applied).toEqual([]);
    expect(again.statements).toHaveLength(1);
  });

  it('a new migration, a missing schema or a missing inbox is not up to date: migrate applies or creates it', async () => {
    const withSecond: MigrationSet[] = [{ schema: 'mig_a', migrations: [first, second], inbox: true }, { schema: 'mig_b', migrations: [] }];
    expect((await migrate(db, withSecond)).applied).toEqual(['mig_a/002_colour.sql']);
    expect(await db.query(`SELECT colour FROM mig_a.items`)).toEqual([]);

    await db.query(`DROP SCHEMA mig_b`);
    const schema = await db.countStatements(() => migrate(db, withSecond));
    expect(schema.value.applied).toEqual([]);
    expect(schema.statements.length).toBeGreaterThan(1);
    expect(await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'mig_b'`)).toHaveLength(1);

    await db.query(`DROP TABLE mig_a.inbox`);
    await migrate(db, withSecond);
    expect(await db.query(`SELECT to_regclass('mig_a.inbox')::text AS t`)).toEqual([{ t: 'mig_a.inbox' }]);
    expect((await db.countStatements(() => migrate(db, withSecond))).statements).toHaveLength(1);

    const newSchema = { schema: 'mig_c', migrations: [{ name: '001_c.sql', sql: 'CREATE TABLE c (id int)' }] };
    expect((await migrate(db, [...withSecond, newSchema])).applied).toEqual(['mig_c/001_c.sql']);
  });

  it('refuses a migration edited after it ran, up to date or not', async () => {
    const edited = { ...first, sql: 'CREATE TABLE items (id bigint PRIMARY KEY)' };
    await expect(migrate(db, [{ schema: 'mig_a', migrations: [edited, second], inbox: true }])).rejects.toThrow(/mig_a\/001_items\.sql was changed after it ran/);
  });

  it('processes starting together on a fresh schema apply each migration once', async () => {
    const others = Array.from({ length: 3 }, () => new Database(url, { max: 1 }));
    try {
      const racing: MigrationSet[] = [{ schema: 'mig_race', migrations: [first, second], inbox: true }];
      const results = await Promise.all(others.map((o) => migrate(o, racing)));
      expect(results.flatMap((r) => r.applied).sort()).toEqual(['mig_race/001_items.sql', 'mig_race/002_colour.sql']);
      expect(await db.query(`SELECT name FROM platform.schema_migrations WHERE schema_name = 'mig_race' ORDER BY name`))
        .toEqual([{ name: '001_items.sql' }, { name: '002_colour.sql' }]);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });
});
