import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/test-database.ts';
import { isTransientFault } from '../errors.ts';
import { Database, type QueuedWriter, type Tx } from './database.ts';

let drop: () => Promise<void>;
let db: Database;
let other: Database;
beforeAll(async () => {
  const t = await createTestDatabase();
  drop = t.drop;
  db = new Database(t.url, { max: 4 });
  other = new Database(t.url, { max: 2 });
  await db.query(`CREATE TABLE uow (v text NOT NULL)`);
});
afterAll(async () => {
  await db.close();
  await other.close();
  await drop();
});

const values = async (from: Database = other): Promise<string[]> => (await from.query<{ v: string }>(`SELECT v FROM uow ORDER BY v`)).map((r) => r.v);

describe('Database.unitOfWork', () => {
  it('every tx() and query() inside joins the one transaction: nothing is visible outside before it commits', async () => {
    await db.query(`DELETE FROM uow`);
    await db.unitOfWork(async () => {
      await db.tx((tx) => tx.query(`INSERT INTO uow VALUES ('a')`));
      await db.query(`INSERT INTO uow VALUES ('b')`);
      expect(await values(db)).toEqual(['a', 'b']);
      expect(await values()).toEqual([]);
    });
    expect(await values()).toEqual(['a', 'b']);
  });

  it('a failing tx() inside rolls back to its savepoint only, and its after-commit hooks are dropped', async () => {
    await db.query(`DELETE FROM uow`);
    const ran: string[] = [];
    await db.unitOfWork(async (unit) => {
      unit.afterCommit(() => ran.push('unit'));
      await db.tx(async (tx) => {
        await tx.query(`INSERT INTO uow VALUES ('kept')`);
        tx.afterCommit(() => ran.push('kept'));
      });
      await expect(db.tx(async (tx) => {
        await tx.query(`INSERT INTO uow VALUES ('dropped')`);
        tx.afterCommit(() => ran.push('dropped'));
        throw new Error('rejected');
      })).rejects.toThrow('rejected');
      expect(ran).toEqual([]);
    });
    expect(await values()).toEqual(['kept']);
    expect(ran).toEqual(['unit', 'kept']);
  });

  it('detached() commits on its own connection: seen outside at once, kept when the unit rolls back (a lease, ADR 0029 addendum 2026-12-07)', async () => {
    await db.query(`DELETE FROM uow`);
    await expect(db.unitOfWork(async () => {
      await db.query(`INSERT INTO uow VALUES ('in-unit')`);
      await db.detached(() => db.query(`INSERT INTO uow VALUES ('lease')`));
      expect(await values()).toEqual(['lease']);
      await db.tx((tx) => db.detached(() => db.query(`INSERT INTO uow VALUES ('lease-in-tx')`)).then(() => tx.query('SELECT 1')));
      throw new Error('fault');
    })).rejects.toThrow('fault');
    expect(await values()).toEqual(['lease', 'lease-in-tx']);
  });

  it('a failure anywhere rolls back everything the unit did', async () => {
    await db.query(`DELETE FROM uow`);
    await expect(db.unitOfWork(async () => {
      await db.tx((tx) => tx.query(`INSERT INTO uow VALUES ('a')`));
      throw new Error('fault');
    })).rejects.toThrow('fault');
    expect(await values()).toEqual([]);
  });

  it('after-commit hooks and work started after the unit ended use the pool, not the finished transaction', async () => {
    await db.query(`DELETE FROM uow`);
    let late: Promise<unknown> = Promise.resolve();
    await db.unitOfWork(async (unit) => {
      unit.afterCommit(() => {
        late = db.tx((tx) => tx.query(`INSERT INTO uow VALUES ('after')`));
      });
    });
    await late;
    expect(await values()).toEqual(['after']);
  });
});

describe('writes queued until COMMIT (Tx.writeBeforeCommit)', () => {
  /** A writer that inserts its items in one statement, and logs each call. */
  const calls: string[][] = [];
  const writeValues: QueuedWriter<string> = async (tx, items) => {
    calls.push([...items]);
    await tx.query(`INSERT INTO uow SELECT unnest($1::text[])`, [items]);
  };

  it('writes what a unit of work queued in several places with one call, just before COMMIT', async () => {
    await db.query(`DELETE FROM uow`);
    calls.length = 0;
    const { statements } = await db.countStatements(() => db.unitOfWork(async (unit) => {
      unit.writeBeforeCommit(writeValues, ['a']);
      await db.tx(async (tx) => tx.writeBeforeCommit(writeValues, ['b', 'c']));
      await db.tx(() => db.tx(async (inner) => inner.writeBeforeCommit(writeValues, ['d'])));
      expect(await values(db)).toEqual([]);
    }));
    expect(calls).toEqual([['a', 'b', 'c', 'd']]);
    expect(statements.slice(-2)).toEqual([`INSERT INTO uow SELECT unnest($1::text[])`, 'COMMIT']);
    expect(await values()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a retried transaction starts with an empty queue: what the failed attempt queued is not written', async () => {
    await db.query(`DELETE FROM uow`);
    calls.length = 0;
    let attempt = 0;
    await db.tx(async (tx) => {
      tx.writeBeforeCommit(writeValues, [`attempt ${++attempt}`]);
      if (attempt === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    });
    expect(calls).toEqual([['attempt 2']]);
    expect(await values()).toEqual(['attempt 2']);
  });

  it('a failing write rolls back the whole transaction', async () => {
    await db.query(`DELETE FROM uow`);
    await expect(db.tx(async (tx) => {
      await tx.query(`INSERT INTO uow VALUES ('state')`);
      tx.writeBeforeCommit<string | null>(writeValues as QueuedWriter<string | null>, [null]);
    })).rejects.toThrow(/null value/);
    expect(await values()).toEqual([]);
  });

  it('refuses a write queued after the transaction ended (it would be lost)', async () => {
    let late: Tx | undefined;
    await db.tx(async (tx) => {
      late = tx;
    });
    expect(() => late!.writeBeforeCommit(writeValues, ['late'])).toThrow(/already committed or rolled back/);
  });
});

describe('Database.tx without waiting for the disk (durable: false)', () => {
  it('commits with synchronous_commit off for that transaction alone, in the BEGIN round trip', async () => {
    await db.query(`DELETE FROM uow`);
    const setting = async (tx: Tx): Promise<string> => (await tx.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`))[0]!.synchronous_commit;
    const { value, statements } = await db.countStatements(() => db.tx(async (tx) => {
      await tx.query(`INSERT INTO uow VALUES ('fast')`);
      return setting(tx);
    }, { durable: false }));
    expect(value).toBe('off');
    // BEGIN (with the setting), the insert, SHOW, COMMIT: no round trip of its own for the setting.
    expect(statements).toHaveLength(4);
    expect(await values()).toEqual(['fast']);
    // SET LOCAL: the connection goes back to the pool with the server's setting, and a default transaction is durable.
    const after = await Promise.all([1, 2, 3, 4].map(() => db.tx(setting)));
    expect(new Set(after)).toEqual(new Set([(await other.query<{ synchronous_commit: string }>(`SHOW synchronous_commit`))[0]!.synchronous_commit]));
  });
});

describe('strict nesting (handler purity)', () => {
  it('refuses a second connection asked for inside an open transaction, and allows it before, after and handed off', async () => {
    const t = await createTestDatabase();
    const strict = new Database(t.url, { max: 3, strictNesting: true });
    try {
      await strict.query('SELECT 1');
      await expect(strict.tx(async () => strict.query('SELECT 1'))).rejects.toThrow(/second connection/);
      await expect(strict.tx(async () => strict.tx(async (tx) => tx.query('SELECT 1')))).rejects.toThrow(/second connection/);
      // Inside a unit of work a nested tx is a savepoint and a query joins it: one connection.
      await strict.unitOfWork(async () => { await strict.query('SELECT 1'); await strict.tx((tx) => tx.query('SELECT 1')); });
      await strict.tx(async () => strict.handOff(() => strict.query('SELECT 1')));
      // Work started in a transaction and still running after it committed is not nested.
      let late: Promise<unknown> = Promise.resolve();
      await strict.tx(async (tx) => { tx.afterCommit(() => { late = strict.query('SELECT 1'); }); });
      await late;
    } finally {
      await strict.close();
      await t.drop();
    }
  });
});

describe('prepared statements (ADR 0042)', () => {
  const preparedOnConnection = (tx: { query: Database['query'] }): Promise<{ name: string; statement: string }[]> =>
    tx.query(`SELECT name, statement FROM pg_prepared_statements ORDER BY name`);

  it('a parameterised statement is prepared once per connection under a name from its text; a catch-all filter and a parameterless one are not', async () => {
    const names = await db.tx(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.query(`SELECT v FROM uow WHERE v = $1`, [`x${i}`]);
      await tx.query(`SELECT v FROM uow WHERE ($1::text IS NULL OR v = $1)`, [null]);
      await tx.query(`SELECT count(*) FROM uow`);
      return preparedOnConnection(tx);
    });
    const mine = names.filter((n) => n.statement.includes('FROM uow'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toMatch(/^pk_/);
    expect(mine[0]!.statement).toBe(`SELECT v FROM uow WHERE v = $1`);
  });

  it('PAKLOG_DB_PREPARED=0 (prepared: false) prepares nothing', async () => {
    const t = await createTestDatabase();
    const plain = new Database(t.url, { max: 1, prepared: false });
    try {
      const names = await plain.tx(async (tx) => {
        await tx.query(`SELECT $1::int AS n`, [1]);
        return preparedOnConnection(tx);
      });
      expect(names).toEqual([]);
    } finally {
      await plain.close();
      await t.drop();
    }
  });

  it('a statement prepared before a migration changed its result type runs again afterwards, in and out of a transaction', async () => {
    await db.query(`CREATE TABLE drift (id int PRIMARY KEY, a text NOT NULL, b text NOT NULL)`);
    await db.query(`INSERT INTO drift VALUES (1, '12', '345')`);
    const read = `SELECT id, a, b FROM drift WHERE id = $1`;
    // Prepared on every pooled connection the reads land on.
    await Promise.all(Array.from({ length: 4 }, () => db.tx((tx) => tx.query(read, [1]))));
    await other.query(`ALTER TABLE drift ALTER COLUMN a TYPE int USING a::int`);
    expect(await db.query(read, [1])).toEqual([{ id: 1, a: 12, b: '345' }]);
    await other.query(`ALTER TABLE drift ALTER COLUMN b TYPE int USING b::int`);
    expect(await db.tx((tx) => tx.query(read, [1]))).toEqual([{ id: 1, a: 12, b: 345 }]);
    // Every connection follows the new name: no further failures on the others.
    const all = await Promise.all(Array.from({ length: 4 }, () => db.tx((tx) => tx.query<{ b: unknown }>(read, [1]))));
    expect(all.every((rows) => rows[0]?.b === 345)).toBe(true);
  });
});

describe('Database.tx and a connection the server ends', () => {
  it('a connection ended between two statements fails the transaction as a transient fault, not the process', async () => {
    const failed = await db.tx(async (tx) => {
      const [me] = await tx.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`);
      await other.query(`SELECT pg_terminate_backend($1)`, [me!.pid]);
      for (;;) {
        const [left] = await other.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [me!.pid]);
        if (left!.n === 0) break;
      }
      // The server's goodbye reaches the idle, checked-out client before its next statement: without a listener on
      // it, an uncaught 'error' (vitest reports it and fails the run).
      await new Promise((r) => setTimeout(r, 50));
      await tx.query(`SELECT 1`);
    }, { retries: 0 }).then(() => undefined, (e: unknown) => e);
    // Not retried by tx (whether a lost COMMIT took effect is unknown); its caller retries a transient fault.
    expect(isTransientFault(failed)).toBe(true);
    expect(await db.tx(async (tx) => (await tx.query<{ one: number }>(`SELECT 1 AS one`))[0]!.one)).toBe(1);
  });
});
