import { inSqlSpan } from '../telemetry/tracing.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { ProcessLiveness } from './liveness.ts';

// int8 (COUNT, SUM of int4, bigserial) arrives as text by default; our values stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// numeric is used for metres and kilograms; two-decimal precision is plenty for floats in JSON.
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** A result row of unnamed shape. Stores name theirs from the generated row types of their schema (ADR 0013). */
export type Row = Record<string, unknown>;

/** Anything that runs SQL: the pool or a transaction. Stores take an Executor so callers choose the transaction. */
export interface Executor {
  query<R extends object = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * Writes, in one go, the items a transaction queued for it with `Tx.writeBeforeCommit` (the outbox's events). It runs
 * in the transaction; if it fails, the transaction rolls back as if the write had been made where the items were queued.
 */
export type QueuedWriter<T> = (tx: Tx, items: readonly T[]) => Promise<void>;

/** A transaction; `afterCommit` callbacks run once it has committed (used to wake the outbox relay). */
export interface Tx extends Executor {
  afterCommit(fn: () => void): void;
  /**
   * Queues `items` for `writer`, which writes all that the transaction queued for it in one call just before COMMIT
   * (one outbox statement per transaction, however many places appended events). Items queued inside a savepoint that
   * rolls back are dropped with it; a retried transaction starts with an empty queue.
   */
  writeBeforeCommit<T>(writer: QueuedWriter<T>, items: readonly T[]): void;
  /** Writes what the transaction has queued so far, now: for a statement that must read those rows back in it. */
  flushQueued(): Promise<void>;
}

/**
 * The items a transaction queued for its writers, in order. The written ones are always a prefix (a flush writes
 * everything queued), so a savepoint's mark is two lengths, and rolling back to it mirrors what the database did: the
 * items queued since are dropped, and the items written since are pending again (their rows are gone with it).
 */
class WriteQueue {
  private readonly items: { readonly writer: QueuedWriter<unknown>; readonly item: unknown }[] = [];
  private written = 0;
  private closed = false;

  push<T>(writer: QueuedWriter<T>, items: readonly T[]): void {
    // Late async work of a finished transaction: its writes would be lost without a word.
    if (this.closed) throw new Error('events (or other queued writes) added to a transaction that has already committed or rolled back');
    for (const item of items) this.items.push({ writer: writer as QueuedWriter<unknown>, item });
  }

  mark(): { readonly queued: number; readonly written: number } {
    return { queued: this.items.length, written: this.written };
  }

  rollBackTo(mark: { readonly queued: number; readonly written: number }): void {
    this.items.length = mark.queued;
    this.written = mark.written;
  }

  /** Writes the pending items, each writer's in one call (in the order the writers first queued). */
  async flush(tx: Tx): Promise<void> {
    while (this.written < this.items.length) {
      const pending = this.items.slice(this.written);
      this.written = this.items.length;
      const byWriter = new Map<QueuedWriter<unknown>, unknown[]>();
      for (const { writer, item } of pending) {
        const list = byWriter.get(writer);
        if (list === undefined) byWriter.set(writer, [item]);
        else list.push(item);
      }
      for (const [writer, items] of byWriter) await writer(tx, items);
    }
  }

  /** The last flush, before COMMIT (or at a rollback): nothing may be queued after it. */
  close(): void {
    this.closed = true;
  }
}

const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']); // serialization failure, deadlock detected

/**
 * Distinct statement texts one process prepares at most (ADR 0042). Our SQL is static text with a few schema names
 * spliced in, so a few hundred cover it; texts past the limit run unnamed. Every connection prepares a subset of them,
 * so this also bounds the prepared statements a connection holds.
 */
export const MAX_PREPARED_STATEMENTS = 1000;

/**
 * A catch-all filter (`$1::text IS NULL OR col = $1`): a generic plan cannot use the index on `col` for it, so these
 * run unnamed and are planned for their values every time (ADR 0042). An optional filter on a column no index of the
 * statement drives is written the other way round (`col = ANY($1) OR $1 IS NULL`, the same rows) so that it is
 * prepared, with a test of its generic plan (ADR 0042 addendum: the task claim's read planned on every call cost more
 * than it ran).
 */
const CATCH_ALL_FILTER = /\$\d+(?:::[\w[\]]+)?\s+IS\s+NULL\s+OR\b/i;

/** A prepared statement planned before a schema change that altered its result columns (a migration of another version). */
function isStalePlan(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  return err.code === '0A000' && /cached plan must not change result type/.test(err.message ?? '');
}

/** The open unit of work of the current async context (see `Database.unitOfWork`). */
interface UnitOfWork {
  /** The innermost transaction: the unit's own, or the savepoint of a `tx()` inside it. */
  readonly tx: Tx;
  readonly state: {
    /** False once the unit committed or rolled back: late async work started inside it falls back to the pool. */
    open: boolean;
    savepoints: number;
    /** The unit's transaction's queue of writes before commit (savepoints mark and roll it back). */
    readonly queue: WriteQueue;
  };
}

/** The transaction `runTx` opens: a Tx with its queue of writes before commit. */
interface RootTx extends Tx {
  readonly queue: WriteQueue;
}

/** The database port: a node-postgres pool with transactions that retry on serialization failures and deadlocks. */
export class Database implements Executor {
  readonly pool: pg.Pool;
  private readonly strict: boolean;
  /** Parameterised statements run as named prepared statements (PAKLOG_DB_PREPARED; ADR 0042). */
  readonly prepared: boolean;
  /** Statement text → its prepared statement's name, or null for a text that runs unnamed. */
  private readonly names = new Map<string, string | null>();
  /** Statements sent so far, BEGIN, COMMIT and savepoints included (the flow bench's statements per order line). */
  statementsSent = 0;
  /**
   * Transactions re-run because PostgreSQL aborted them, by cause (`deadlock`: 40P01, `serialization`: 40001,
   * `stale-plan`): each a wait the caller did not see fail, counted so it can be (paklog_db_transaction_retries_total).
   */
  readonly retried = { deadlock: 0, serialization: 0, 'stale-plan': 0 };
  /** When set, statement text → times sent (the flow bench's `--tally`: which statements a flow sends most). */
  statementTally: Map<string, number> | undefined;

  /**
   * @param options.strictNesting refuse a second connection asked for while the same async context holds a
   * transaction (tests turn it on): a handler that calls another context's API inside its transaction holds one
   * connection and waits for another, and enough of them at once exhaust the pool for good. See docs/adr/0016.
   */
  constructor(readonly connectionString: string, options: { max?: number; applicationName?: string; strictNesting?: boolean; prepared?: boolean } = {}) {
    this.strict = options.strictNesting ?? false;
    this.prepared = options.prepared ?? true;
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

  private live: ProcessLiveness | undefined;
  /**
   * This process's liveness lock (a session advisory lock on a connection of its own, taken when first asked for): a
   * lease written under its holder id ends when the process dies, not only when its time is up (ADR 0056 addendum cancel6).
   */
  get liveness(): ProcessLiveness {
    this.live ??= new ProcessLiveness(this.connectionString);
    return this.live;
  }

  private readonly unit = new AsyncLocalStorage<UnitOfWork>();
  /** The statement log of a {@link countStatements} call this async context runs in. */
  private readonly counting = new AsyncLocalStorage<string[]>();

  /**
   * Runs `fn` and answers the SQL statements it sent, BEGIN and COMMIT included (tests assert that a request runs a
   * bounded number: no N+1 loops). Only the statements of `fn`'s own async context count, not those of the relay or of
   * jobs running meanwhile; a fastify `inject` made inside `fn` is part of it.
   */
  async countStatements<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
    const statements: string[] = [];
    // Awaited inside the run: a lazy thenable (fastify's inject starts on `then`) must start in the counted context.
    const value = await this.counting.run(statements, async () => await fn());
    return { value, statements };
  }

  private counted(text: string): void {
    this.statementsSent++;
    this.counting.getStore()?.push(text);
    if (this.statementTally !== undefined) this.statementTally.set(text, (this.statementTally.get(text) ?? 0) + 1);
  }

  /**
   * The query as node-postgres takes it: a parameterised statement gets a name derived from its text, so each
   * connection parses and analyses it once and then only binds and executes it. The name is a hash of the text: a
   * changed statement (another version of PakLog, on the same PgBouncer server connection) never reuses another's.
   */
  private config(text: string, params: readonly unknown[]): pg.QueryConfig {
    const values = params as unknown[];
    if (!this.prepared || params.length === 0) return { text, values };
    let name = this.names.get(text);
    if (name === undefined) {
      if (this.names.size >= MAX_PREPARED_STATEMENTS) return { text, values };
      name = CATCH_ALL_FILTER.test(text) ? null : `pk_${createHash('sha1').update(text).digest('base64url').slice(0, 24)}`;
      this.names.set(text, name);
    }
    return name === null ? { text, values } : { name, text, values };
  }

  /**
   * After "cached plan must not change result type" (a migration changed a table under a statement prepared before
   * it), the text gets a new name: every connection prepares it afresh on its next use instead of failing on its own.
   */
  private renamePrepared(text: string): void {
    const name = this.names.get(text);
    if (name !== undefined && name !== null) this.names.set(text, `${name.slice(0, 27)}_${Date.now().toString(36)}`);
  }

  /** Runs one statement on `run`, and once more under a fresh name if its prepared plan went stale. */
  private async send(text: string, params: readonly unknown[], run: (q: pg.QueryConfig) => Promise<pg.QueryResult>, retry: boolean): Promise<pg.QueryResult> {
    this.counted(text);
    try {
      return await inSqlSpan(text, () => run(this.config(text, params)));
    } catch (e) {
      if (!isStalePlan(e)) throw e;
      this.renamePrepared(text);
      if (!retry) throw e;
      this.counted(text);
      return inSqlSpan(text, () => run(this.config(text, params)));
    }
  }
  /** The transaction (not unit of work) this async context holds a connection for, while it is open. */
  private readonly holding = new AsyncLocalStorage<{ open: boolean }>();

  /**
   * Runs `fn` as work of its own that the open transaction waits for without sharing it: the outbox relay holds its
   * batch's row locks while the inline transport's consumers run their own transactions. Exempt from strict nesting
   * because it is one bounded connection (the relay's), not one per handler.
   */
  handOff<T>(fn: () => Promise<T>): Promise<T> {
    return this.holding.exit(fn);
  }

  /**
   * Runs `fn` outside this async context's unit of work and transaction: its statements autocommit on a connection of
   * their own, whatever the unit later does. For a record that must outlive the unit's rollback or its process's death
   * (a lease on work another context committed already: physical tracking's arrival admissions, ADR 0029). One bounded
   * connection, briefly, as `handOff`.
   */
  detached<T>(fn: () => Promise<T>): Promise<T> {
    return this.unit.exit(() => this.holding.exit(fn));
  }

  private checkNesting(what: string): void {
    if (this.strict && this.holding.getStore()?.open === true) {
      throw new Error(`${what} asked for a second connection while this async context holds a transaction open: read before the transaction, or keep a local projection`);
    }
  }

  /**
   * The transaction `query` runs in from this async context: the open unit of work's (or its innermost savepoint's),
   * else undefined (a statement sent through `query` is then autocommitted on its own).
   */
  openTx(): Tx | undefined {
    return this.openUnit()?.tx;
  }

  /** The unit of work this call runs in, if any is still open. */
  private openUnit(): UnitOfWork | undefined {
    const u = this.unit.getStore();
    return u?.state.open === true ? u : undefined;
  }

  async query<R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
    const u = this.openUnit();
    if (u !== undefined) return u.tx.query<R>(text, params);
    this.checkNesting(`query "${text.slice(0, 60).replace(/\s+/g, ' ')}"`);
    // Outside a transaction a stale prepared plan is retried at once (a failed pool query destroys its connection).
    const result = await this.send(text, params, (q) => this.pool.query(q), true);
    return result.rows as R[];
  }

  /**
   * Runs `fn` as ONE transaction that every `tx()` and `query()` called inside it joins, at any depth and through any
   * service (AsyncLocalStorage): a route wraps a command this way to commit its own records (the idempotency key and
   * stored response) together with the command's state and events. A `tx()` inside is a savepoint, so a service that
   * rolls its own transaction back on a rejection still does; retries on serialization failures and deadlocks re-run
   * the whole of `fn`. After-commit hooks run once the unit commits, outside it.
   */
  async unitOfWork<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.openUnit() !== undefined) throw new Error('a unit of work is already open in this async context');
    return this.tx((tx) => {
      // No unit is open, so this is the transaction runTx opened.
      const state = { open: true, savepoints: 0, queue: (tx as RootTx).queue };
      return this.unit.run({ tx, state }, async () => {
        try {
          return await fn(tx);
        } finally {
          state.open = false;
        }
      });
    });
  }

  /**
   * `options.durable: false` commits without waiting for the commit record to reach the disk (`synchronous_commit =
   * off` for this transaction alone, set by the BEGIN round trip): a crash may forget the last few such commits, never
   * half of one, and what others commit durably afterwards takes them to disk with it. Only for work whose loss is a
   * repeat, not a gap (the relay's pass: its rows come back and are published again, and consumers' inboxes drop the
   * copies; ADR 0003 addendum of 2026-12-03 (b)). Inside a unit of work the unit's transaction decides.
   * `options.seqScans: false` plans the transaction's statements without sequential scans (`enable_seqscan = off`
   * for this transaction alone, set by the same BEGIN round trip): for a queue table whose statistics say "empty" most
   * of the time (the outbox), so that a prepared statement's cached plan walks its index instead of every page of
   * rows deleted since the last vacuum (ADR 0042 addendum).
   */
  async tx<T>(fn: (tx: Tx) => Promise<T>, options: { isolation?: 'read committed' | 'repeatable read' | 'serializable'; retries?: number; durable?: boolean; seqScans?: boolean } = {}): Promise<T> {
    const u = this.openUnit();
    if (u !== undefined) return this.savepoint(u, fn);
    const retries = options.retries ?? 5;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.runTx(fn, options.isolation ?? 'read committed', options.durable ?? true, options.seqScans ?? true);
      } catch (e) {
        const code = (e as { code?: string }).code;
        // A stale prepared plan aborted the transaction; its statement has a new name now, so the re-run prepares it afresh.
        if (attempt < retries && code !== undefined && (RETRYABLE_SQLSTATES.has(code) || isStalePlan(e))) {
          this.retried[code === '40P01' ? 'deadlock' : code === '40001' ? 'serialization' : 'stale-plan']++;
          await new Promise((r) => setTimeout(r, 2 ** attempt * 5 + Math.random() * 10));
          continue;
        }
        throw e;
      }
    }
  }

  /**
   * A transaction inside an open unit of work: a savepoint. Its after-commit hooks go to the enclosing transaction
   * only if it is released (kept), and run when the unit commits. No retries of its own: the unit's re-run everything.
   */
  private async savepoint<T>(u: UnitOfWork, fn: (tx: Tx) => Promise<T>): Promise<T> {
    const name = `paklog_sp_${++u.state.savepoints}`;
    const hooks: (() => void)[] = [];
    const inner: Tx = {
      query: (text, params) => u.tx.query(text, params),
      afterCommit: (f) => hooks.push(f),
      writeBeforeCommit: (writer, items) => u.state.queue.push(writer, items),
      flushQueued: () => u.state.queue.flush(inner),
    };
    await u.tx.query(`SAVEPOINT ${name}`);
    const mark = u.state.queue.mark();
    let value: T;
    try {
      value = await this.unit.run({ tx: inner, state: u.state }, () => fn(inner));
    } catch (e) {
      // What the savepoint queued goes with it, and what it flushed is pending again.
      u.state.queue.rollBackTo(mark);
      // A broken connection cannot roll back to the savepoint; the unit's own rollback then reports the fault.
      await u.tx.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => undefined);
      throw e;
    }
    await u.tx.query(`RELEASE SAVEPOINT ${name}`);
    for (const h of hooks) u.tx.afterCommit(h);
    return value;
  }

  private async runTx<T>(fn: (tx: Tx) => Promise<T>, isolation: string, durable: boolean, seqScans: boolean): Promise<T> {
    this.checkNesting('a transaction');
    const client = await this.pool.connect();
    // A checked-out client has no 'error' listener (the pool's is for idle clients): a connection the server ends
    // between two statements (a restart, a failover, a dropped database) was an uncaught exception that stopped the
    // process. Its next statement fails instead, and the transaction is retried or reported as any fault is.
    const lost = (): void => undefined;
    client.on('error', lost);
    const release = (err?: Error): void => {
      client.removeListener('error', lost);
      client.release(err);
    };
    const hooks: (() => void)[] = [];
    const query = (text: string, params: readonly unknown[] = []): Promise<pg.QueryResult> =>
      this.send(text, params, (q) => client.query(q), false);
    // A fresh queue per attempt: a retry re-runs `fn`, which queues its writes again.
    const queue = new WriteQueue();
    const tx: RootTx = {
      queue,
      query: async <R extends object = Row>(text: string, params: readonly unknown[] = []): Promise<R[]> =>
        (await query(text, params)).rows as R[],
      afterCommit: (f) => {
        hooks.push(f);
      },
      writeBeforeCommit: (writer, items) => queue.push(writer, items),
      flushQueued: () => queue.flush(tx),
    };
    let released = false;
    try {
      const begin = isolation === 'read committed' ? 'BEGIN' : `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`;
      // One simple-query message, one round trip: the settings are the transaction's own (SET LOCAL).
      const settings = [...(durable ? [] : ['SET LOCAL synchronous_commit TO OFF']), ...(seqScans ? [] : ['SET LOCAL enable_seqscan TO OFF'])];
      await query([begin, ...settings].join('; '));
      const holding = { open: true };
      let value: T;
      try {
        value = await this.holding.run(holding, () => fn(tx));
        // The queued writes (the outbox), in one statement per writer; a failure rolls back the whole transaction.
        queue.close();
        await this.holding.run(holding, () => queue.flush(tx));
      } finally {
        holding.open = false;
        queue.close();
      }
      await query('COMMIT');
      release();
      released = true;
      // Outside any unit of work: a hook that starts async work (the relay) must not inherit a finished one. Nor a
      // statement count: the relay's and its consumers' statements are not the counted caller's (a count that took
      // them in depended on whether the relay was idle when the caller committed).
      this.unit.exit(() => this.counting.exit(() => {
        for (const h of hooks) h();
      }));
      return value;
    } catch (e) {
      if (!released) {
        // A client whose ROLLBACK failed may still be inside the transaction: destroy it rather than pool it.
        const broken = await query('ROLLBACK').then(() => undefined, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
        release(broken);
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    await this.live?.close();
    await this.pool.end();
  }
}

/** Quotes an identifier (schema, database) that comes from our own code, never from a request. */
export function ident(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe SQL identifier: ${name}`);
  return `"${name}"`;
}
