import { randomInt } from 'node:crypto';
import pg from 'pg';

/**
 * The first key of the session advisory locks by which PakLog processes say they are alive ('PKLV'); the second is the
 * process's holder id. A lease written with a holder id (pack_ship.carrier_calls.leased_by, ADR 0056 addendum cancel6)
 * ends when that lock is free: its process died (or lost its connection), so nobody is asking under it any more.
 */
export const LIVE_PROCESS_LOCK_CLASS = 0x504b4c56;

/**
 * SQL that is true while the process whose holder id is `holderExpr` (an integer expression) holds its liveness lock on
 * this database. Read from pg_locks: it takes nothing, so asking about a dead holder never holds its id for a moment.
 */
export function holderAliveSql(holderExpr: string): string {
  return `EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2`
    + ` AND l.classid = ${LIVE_PROCESS_LOCK_CLASS}::oid AND l.objid = (${holderExpr})::oid`
    + ` AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database()))`;
}

/** How long after a failed connection the next look at the holder waits before connecting again. */
const RETRY_AFTER_MS = 5_000;

/**
 * This process's liveness lock: a session advisory lock (LIVE_PROCESS_LOCK_CLASS, a random holder id no live process
 * holds) on a connection of its own — not the pool's, whose sessions outlive no one. The lock is taken when first
 * asked for and held until {@link close}; PostgreSQL frees it when the process dies (SIGKILL, OOM, a lost host) or its
 * connection is lost. A session lock needs a session of its own: behind a transaction-pooling PgBouncer, the server
 * connection holding it may be closed by the pooler while the process lives, and a lease under it is then taken over
 * before its time: both attempts ask with the same key, and only the first to record does (ADR 0056, as without it).
 */
export class ProcessLiveness {
  private client: pg.Client | undefined;
  private id: number | null = null;
  private pending: Promise<number | null> | undefined;
  private failedAt = -Infinity;
  private closed = false;

  constructor(private readonly connectionString: string) {}

  /**
   * The holder id this process's lock is held under, connecting and locking first when needed; null when no connection
   * can be had now (max_connections, the server restarting): a lease written without a holder ends by its time only,
   * as every lease did before.
   */
  holder(): Promise<number | null> {
    if (this.id !== null || this.closed) return Promise.resolve(this.id);
    if (Date.now() - this.failedAt < RETRY_AFTER_MS) return Promise.resolve(null);
    this.pending ??= this.lock().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /** Whether the lock is still held under `id`: its connection not lost since the id was handed out. */
  holds(id: number): boolean {
    return this.id === id;
  }

  private async lock(): Promise<number | null> {
    const client = new pg.Client({ connectionString: this.connectionString, application_name: 'paklog liveness' });
    const lost = (): void => {
      if (this.client !== client) return;
      this.client = undefined;
      this.id = null;
    };
    client.on('error', lost);
    client.on('end', lost);
    try {
      await client.connect();
      for (let i = 0; i < 8; i++) {
        const id = randomInt(1, 2 ** 31 - 1);
        const got = (await client.query<{ got: boolean }>(`SELECT pg_try_advisory_lock(${LIVE_PROCESS_LOCK_CLASS}, $1) AS got`, [id])).rows[0]?.got === true;
        if (!got) continue;
        if (this.closed) break;
        this.client = client;
        this.id = id;
        return id;
      }
    } catch {
      // No connection to spare: leases end by their time only until the next try.
    }
    this.failedAt = Date.now();
    await client.end().catch(() => undefined);
    return null;
  }

  /** Gives the lock up (the process stops). */
  async close(): Promise<void> {
    this.closed = true;
    await this.pending?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.id = null;
    await client?.end().catch(() => undefined);
  }
}
