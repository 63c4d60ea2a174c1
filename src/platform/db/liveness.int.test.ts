import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { Database } from './database.ts';
import { holderAliveSql, LIVE_PROCESS_LOCK_CLASS } from './liveness.ts';

/** A process's liveness lock (ADR 0056 addendum cancel6): what another process reads of it, and when it is gone. */
let drop: () => Promise<void>;
let a: Database;
let b: Database;
let observer: Database;
beforeAll(async () => {
  const t = await createTestDatabase();
  drop = t.drop;
  a = new Database(t.url, { max: 2 });
  b = new Database(t.url, { max: 2 });
  observer = new Database(t.url, { max: 2 });
});
afterAll(async () => {
  await a.close();
  await b.close();
  await observer.close();
  await drop();
});

const alive = async (id: number): Promise<boolean> =>
  (await observer.query<{ alive: boolean }>(`SELECT ${holderAliveSql('$1::int')} AS alive`, [id]))[0]!.alive;
const waitFor = async (what: () => boolean | Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 250 && !await what(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('ProcessLiveness', () => {
  it('two processes hold different ids, each read alive by a third; the one asked again answers the same id', async () => {
    const ia = await a.liveness.holder();
    const ib = await b.liveness.holder();
    expect(ia).not.toBeNull();
    expect(ib).not.toBeNull();
    expect(ia).not.toBe(ib);
    expect(await a.liveness.holder()).toBe(ia);
    expect([await alive(ia!), await alive(ib!), await alive(12_345)]).toEqual([true, true, false]);
    // Reading takes nothing: the id is still free for nobody else to hold, and still held by its process.
    expect(await alive(ia!)).toBe(true);
  });

  it('a process whose connection is lost no longer holds its id (nor is it read alive); asked again, it holds a new one', async () => {
    const id = (await a.liveness.holder())!;
    expect(a.liveness.holds(id)).toBe(true);
    await observer.query(
      `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::int::oid AND objid = $2::int::oid AND objsubid = 2`,
      [LIVE_PROCESS_LOCK_CLASS, id]);
    await waitFor(async () => !await alive(id));
    expect(await alive(id)).toBe(false);
    await waitFor(() => !a.liveness.holds(id));
    expect(a.liveness.holds(id)).toBe(false);
    const next = await a.liveness.holder();
    expect(next).not.toBeNull();
    expect(next).not.toBe(id);
    expect(await alive(next!)).toBe(true);
  });

  it('closed (the process stops), its id is free at once', async () => {
    const id = (await b.liveness.holder())!;
    await b.liveness.close();
    await waitFor(async () => !await alive(id));
    expect(await alive(id)).toBe(false);
    expect(await b.liveness.holder()).toBeNull();
  });
});
