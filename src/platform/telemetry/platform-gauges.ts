import { Counter } from 'prom-client';
import type { Database } from '../db/database.ts';
import type { Metrics } from './metrics.ts';

/**
 * The event plumbing's backlog, read from this process's database when /metrics is scraped (so every replica of a
 * process reports the same figures): the outbox rows not yet published and the age of the oldest (the relay is
 * stuck or the broker is down), and the dead letters not replayed, by consumer. The relay deletes what it
 * dispatched (ADR 0042), so the outbox holds only pending rows; both tables stay small while the bus works.
 */
export function registerPlatformGauges(metrics: Metrics, db: Database): void {
  // Statements this process has sent (the pool's work rate; the flow bench reads it per order line from a server process).
  let reported = 0;
  new Counter({
    name: 'paklog_db_statements_total', help: 'SQL statements sent to the database by this process, BEGIN and COMMIT included', registers: [metrics.registry],
    collect() {
      this.inc(db.statementsSent - reported);
      reported = db.statementsSent;
    },
  });
  // Transactions PostgreSQL aborted and this process ran again (a deadlock is a lock order to fix, not only a wait).
  const retriedReported = { deadlock: 0, serialization: 0, 'stale-plan': 0 };
  new Counter({
    name: 'paklog_db_transaction_retries_total', help: 'Transactions run again after PostgreSQL aborted them, by cause (deadlock, serialization, stale-plan)',
    labelNames: ['cause'], registers: [metrics.registry],
    collect() {
      for (const cause of ['deadlock', 'serialization', 'stale-plan'] as const) {
        this.inc({ cause }, db.retried[cause] - retriedReported[cause]);
        retriedReported[cause] = db.retried[cause];
      }
    },
  });
  // A failed read (the database is away) keeps the last figure: the rest of /metrics must still answer.
  const read = async <R extends object>(sql: string): Promise<R[] | undefined> => db.query<R>(sql).catch(() => undefined);
  metrics.gauge('paklog_outbox_pending', 'Events committed to the outbox and not yet published', [], async (g) => {
    const rows = await read<{ n: string }>(`SELECT count(*) AS n FROM platform.outbox WHERE dispatched_at IS NULL`);
    if (rows !== undefined) g.set(Number(rows[0]?.n ?? 0));
  });
  metrics.gauge('paklog_outbox_oldest_pending_seconds', 'Age of the oldest event waiting in the outbox (0 when none)', [], async (g) => {
    const rows = await read<{ age: number | null }>(
      `SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM platform.outbox WHERE dispatched_at IS NULL`);
    if (rows !== undefined) g.set(rows[0]?.age ?? 0);
  });
  metrics.gauge('paklog_dead_letters', 'Dead letters neither replayed nor discarded, by consumer', ['consumer'], async (g) => {
    const rows = await read<{ consumer: string; n: string }>(
      `SELECT consumer, count(*) AS n FROM platform.dead_letters WHERE replayed_at IS NULL AND discarded_at IS NULL GROUP BY consumer`);
    if (rows === undefined) return;
    g.reset();
    for (const r of rows) g.set({ consumer: r.consumer }, Number(r.n));
  });
}
