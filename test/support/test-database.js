import { inject } from 'vitest';
import { conservationDifferences, describeDifferences } from "./conservation.js";
import { freshDatabase } from "./fresh-database.js";
/**
 * A fresh database on the run's PostgreSQL server, so test files run in parallel without sharing state. `drop` first
 * checks that the stock it holds is conserved (conservation.ts: the ledger adds up to the balances, nothing negative or
 * over-promised…), then drops it, then fails with the broken rules, if any: so every test file that ran the inventory
 * context proves, at its end, that whatever it did left the stock consistent.
 */
export async function createTestDatabase(o = {}) {
    const db = await freshDatabase(inject('pgServerUrl'), 'paklog_t');
    return {
        url: db.url,
        drop: async () => {
            let differences = [];
            try {
                if (o.skipConservationCheck === undefined)
                    differences = await conservationDifferences(db.url);
            }
            finally {
                await db.drop();
            }
            if (differences.length > 0)
                throw new Error(`stock is not conserved at the end of this test file:\n${describeDifferences(differences)}`);
        },
    };
}
//# sourceMappingURL=test-database.js.map