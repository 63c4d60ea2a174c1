import { inject } from 'vitest';
import { freshDatabase } from './fresh-database.ts';

/** A fresh database on the run's PostgreSQL server, so test files run in parallel without sharing state. */
export function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return freshDatabase(inject('pgServerUrl'), 'paklog_t');
}
