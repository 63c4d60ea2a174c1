import { inject } from 'vitest';
import { conservationDifferences, describeDifferences, type ConservationDifference } from './conservation.ts';
import { freshDatabase } from './fresh-database.ts';

export interface TestDatabaseOptions {
  /**
   * Why this database is not checked for stock conservation when dropped: only for a test that breaks the stock tables
   * on purpose and cannot put them back. Say why; the check is the point of every other test.
   */
  readonly skipConservationCheck?: string;
}

/**
 * A fresh database on the run's PostgreSQL server, so test files run in parallel without sharing state. `drop` first
 * checks that the stock it holds is conserved (conservation.ts: the ledger adds up to the balances, nothing negative or
 * over-promised…), then drops it, then fails with the broken rules, if any: so every test file that ran the inventory
 * context proves, at its end, that whatever it did left the stock consistent.
 */
export async function createTestDatabase(o: TestDatabaseOptions = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const db = await freshDatabase(inject('pgServerUrl'), 'paklog_t');
  return {
    url: db.url,
    drop: async () => {
      let differences: ConservationDifference[] = [];
      try {
        if (o.skipConservationCheck === undefined) differences = await conservationDifferences(db.url);
      } finally {
        await db.drop();
      }
      if (differences.length > 0) throw new Error(`stock is not conserved at the end of this test file:\n${describeDifferences(differences)}`);
    },
  };
}
