import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as store from '../../store.ts';
import { openCountsInTx, toleranceFor } from '../open-counts/handler.ts';
import { decideSchedule } from './decide.ts';

/**
 * The `inventory.count-scheduler` job: per site, one transaction locks the count policies, opens a SCHEDULED count at
 * every location holding AVAILABLE units of each due SKU (with the site's tolerance) and marks those SKUs scheduled.
 * A SKU found nowhere is marked too: it is due again after its interval. Returns the counts opened.
 */
export function scheduleCountsHandler(deps: PlatformDeps) {
  return async (meta: EventMeta = {}): Promise<number> => {
    let opened = 0;
    for (const siteId of await store.sitesWithCountPolicies(deps.db)) {
      const tolerance = await toleranceFor(deps.db, siteId);
      opened += await deps.db.tx(async (tx) => {
        const now = deps.clock.now();
        const decision = decideSchedule({ policies: await store.lockCountPolicies(tx, siteId) }, { siteId }, now);
        if (!decision.ok || decision.value.due.length === 0) return 0;
        const { due } = decision.value;
        const locationIds = await store.locationsHolding(tx, siteId, due);
        const result = await openCountsInTx(tx, deps, { siteId, origin: 'SCHEDULED', locationIds, skus: due, countEmpty: false, tolerance }, meta);
        if (!result.ok) throw new Error(`scheduled counts refused: ${result.message}`);
        await store.markCountsScheduled(tx, siteId, due, now);
        return result.value.opened.length;
      });
    }
    return opened;
  };
}
