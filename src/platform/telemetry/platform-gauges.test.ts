import { describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { Metrics } from './metrics.ts';
import { registerPlatformGauges } from './platform-gauges.ts';

describe('platform gauges', () => {
  it('reports the statements the pool has sent as a counter that follows the db wrapper', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    // The backlog gauges' reads fail here; they keep their last figure and /metrics still answers.
    const db = { statementsSent: 41, retried: { deadlock: 0, serialization: 0, 'stale-plan': 0 }, query: () => Promise.reject(new Error('no database')) } as unknown as Database;
    registerPlatformGauges(metrics, db);
    expect(await metrics.registry.metrics()).toMatch(/^paklog_db_statements_total 41$/m);
    (db as { statementsSent: number }).statementsSent = 100;
    expect(await metrics.registry.metrics()).toMatch(/^paklog_db_statements_total 100$/m);
    expect(await metrics.registry.metrics()).toMatch(/^# TYPE paklog_db_statements_total counter$/m);
  });

  it('reports the transactions run again after PostgreSQL aborted them, by cause', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    const db = { statementsSent: 0, retried: { deadlock: 2, serialization: 0, 'stale-plan': 1 }, query: () => Promise.reject(new Error('no database')) } as unknown as Database;
    registerPlatformGauges(metrics, db);
    expect(await metrics.registry.metrics()).toMatch(/^paklog_db_transaction_retries_total\{cause="deadlock"\} 2$/m);
    db.retried.deadlock = 5;
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^paklog_db_transaction_retries_total\{cause="deadlock"\} 5$/m);
    expect(text).toMatch(/^paklog_db_transaction_retries_total\{cause="stale-plan"\} 1$/m);
    expect(text).toMatch(/^paklog_db_transaction_retries_total\{cause="serialization"\} 0$/m);
  });
});
