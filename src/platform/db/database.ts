import pg from 'pg';

// int8 (COUNT, SUM of int4, bigserial) arrives as text by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// numeric is used for metres and kilograms; two-decimal precision is plenty for floats in JSON.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- row shapes are declared per query by the stores
export type Row = Record<string, any>;

/** Anything that runs SQL: the pool or a transaction. Stores take an Executor so callers choose the transaction. */
export interface Executor {
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/** A transaction; `afterCommit` callbacks run once it has committed (used to wake the outbox relay). */
export interface Tx extends Executor {
  afterCommit(fn: () => void): void;
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/** The database port: a node-postgres pool with transactions that retry on serialization failures and deadlocks. */
export class Database implements Executor {
  readonly pool: pg.Pool;

  constructor(connectionString: string, options: { max?: number; applicationName?: string } = {}) {
    this.pool = new pg.Pool({
      connectionString,
      max: options.max ?? 20,
      application_name: options.applicationName ?? 'paklog',
      // A request that cannot get a connection fails (and is retried by its caller) instead of hanging for ever.
      connectionTimeoutMillis: 15_000,
    });
    // An idle client losing its server must not crash the process; the next query reports the fault.
    this.pool.on('error', () => undefined);
  }

  async query<R extends Row = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const result = await this.pool.query<R>(text, params as unknown[]);
    return result.rows;
  }

  async tx<T>(fn: (tx: Tx) => Promise<T>, options: { isolation?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number } = {}): Promise<T> {
    const retries = options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runTx(fn, options.isolation ?? 'read committed');
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (attempt < retries && code !== undefined && RETRYABLE_SQLSTATES.has(code)) {
          await new Promise((r) => setTimeout(r, 2 ** attempt * 5 + Math.random() * 10));
          continue;
        }
        throw e;
      }
    }
  }

  private async runTx<T>(fn: (tx: Tx) => Promise<T>, isolation: string): Promise<T> {
    const client = await this.pool.connect();
    const hooks: (() => void)[] = [];
    const tx: Tx = {
      query: async <R extends Row = Row>(text: string, params: readonly unknown[] = []) =>
        (await client.query<R>(text, params as unknown[])).rows,
      afterCommit: (f) => {
        hooks.push(f);
      },
    };
    let released = false;
    try {
      await client.query(isolation === 'read committed' ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
      const value = await fn(tx);
      await client.query('COMMIT');
      client.release();
      released = true;
      for (const h of hooks) h();
      return value;
    } catch (e) {
      if (!released) {
        // A client whose ROLLBACK failed may still be inside the transaction: destroy it rather than pool it.
        const broken = await client.query('ROLLBACK').then(() => undefined, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        client.release(broken);
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Quotes an identifier (schema, database) that comes from our own code, never from a request. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
