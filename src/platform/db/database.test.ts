import { describe, expect, it } from 'vitest';
import { Database } from './database.ts';

/** A pool client whose ROLLBACK fails: the connection's state is unknown. Queries arrive as `{ text, values, name? }`. */
function brokenClient(released: unknown[]) {
  return {
    query: async ({ text }: { text: string }) => {
      if (text === 'ROLLBACK') throw new Error('Connection terminated unexpectedly');
      if (text === 'SELECT boom') throw Object.assign(new Error('boom'), { code: '57P01' });
      return { rows: [] };
    },
    release: (err?: unknown) => {
      released.push(err);
    },
    on: () => undefined,
    removeListener: () => undefined,
  };
}

describe('Database.tx', () => {
  it('a client whose ROLLBACK failed is destroyed, not returned to the pool', async () => {
    const db = new Database('postgres://nobody@127.0.0.1:1/none');
    const released: unknown[] = [];
    (db.pool as unknown as { connect: () => Promise<unknown> }).connect = async () => brokenClient(released);
    await expect(db.tx(async (tx) => {
      await tx.query('SELECT boom');
    })).rejects.toThrow('boom');
    expect(released).toHaveLength(1);
    expect(released[0]).toBeInstanceOf(Error);
    await db.close();
  });

  it('after-commit hooks run once, on the attempt that committed, even when earlier attempts were retried', async () => {
    const db = new Database('postgres://nobody@127.0.0.1:1/none');
    let attempt = 0;
    let hooks = 0;
    (db.pool as unknown as { connect: () => Promise<unknown> }).connect = async () => ({
      query: async ({ text }: { text: string }) => {
        if (text === 'COMMIT' && ++attempt === 1) throw Object.assign(new Error('serialization failure'), { code: '40001' });
        return { rows: [] };
      },
      release: () => undefined,
      on: () => undefined,
      removeListener: () => undefined,
    });
    await db.tx(async (tx) => {
      tx.afterCommit(() => hooks++);
    });
    expect(attempt).toBe(2);
    expect(hooks).toBe(1);
    await db.close();
  });
});
