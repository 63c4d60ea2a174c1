import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { Database } from './database.ts';
import { warnIfAutovacuumOff } from './maintenance.ts';

let drop: () => Promise<void>;
let db: Database;
beforeAll(async () => {
  const t = await createTestDatabase();
  drop = t.drop;
  db = new Database(t.url, { max: 2 });
});
afterAll(async () => {
  await db.close();
  await drop();
});

describe('warnIfAutovacuumOff', () => {
  it('warns, with what to do, exactly when the server runs without autovacuum', async () => {
    const [row] = await db.query<{ autovacuum: string }>(`SHOW autovacuum`);
    const warnings: { obj: object; msg: string }[] = [];
    const on = await warnIfAutovacuumOff(db, { warn: (obj, msg) => warnings.push({ obj, msg }) });
    expect(on).toBe(row?.autovacuum === 'on');
    if (on) {
      expect(warnings).toEqual([]);
    } else {
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.obj).toEqual({ setting: 'autovacuum', value: 'off' });
      expect(warnings[0]!.msg).toMatch(/autovacuum off.*ALTER SYSTEM SET autovacuum = on/s);
    }
  });

  it('warns when the answer says off (a server configured so)', async () => {
    const warnings: string[] = [];
    const off = { query: async () => [{ autovacuum: 'off' }] } as unknown as Database;
    expect(await warnIfAutovacuumOff(off, { warn: (_o, msg) => warnings.push(msg) })).toBe(false);
    expect(warnings).toHaveLength(1);
  });
});
