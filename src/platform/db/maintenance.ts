import type { Executor } from './database.ts';

/** Where a warning goes: pino's `warn(obj, msg)`. */
interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * PakLog deletes or rewrites rows at a steady rate on its hot paths (the outbox deletes each published event, sagas,
 * the wave pool, allocations and tasks are updated many times per order), and counts on PostgreSQL's autovacuum to
 * reclaim the dead rows and refresh the planner's statistics. Without it, those tables grow without bound and their
 * scans slow down as the day goes on (a simulated 50,000-line day on a server with autovacuum off ran at half the speed
 * after 6,000 orders, with 200,000 dead outbox rows for 400 live ones). The server's setting is read once at start; off,
 * it is logged as a warning an operator sees, with what to do. Returns whether autovacuum is on.
 */
export async function warnIfAutovacuumOff(db: Executor, log: WarnLog): Promise<boolean> {
  const [row] = await db.query<{ autovacuum: string }>(`SHOW autovacuum`);
  const on = row?.autovacuum === 'on';
  if (!on) {
    log.warn({ setting: 'autovacuum', value: row?.autovacuum ?? null },
      'PostgreSQL runs with autovacuum off: the outbox, sagas and other busy tables will bloat and slow down over the day. '
      + 'Turn it on (ALTER SYSTEM SET autovacuum = on; SELECT pg_reload_conf()) or schedule VACUUM (ANALYZE) of the database.');
  }
  return on;
}
