import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { OrchestrationEvents } from '../../contracts/orchestration.ts';
import type { SagaRuntime } from '../../platform/saga/saga-runtime.ts';
import type { ExceptionService } from './exceptions.ts';
import { orchestrationStore as store } from './store.ts';

const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;

/** What the routes use: the saga runtime's reads, the exception queue, the carrier cut-offs. */
export function orchestrationService(deps: PlatformDeps, sagas: SagaRuntime, exceptions: ExceptionService) {
  async function cutoffs(siteId: string, db: Executor = deps.db): Promise<{ siteId: string; cutoffs: { carrier: string; cutoff: string }[] }> {
    const rows = await store.cutoffs(db, siteId);
    return { siteId, cutoffs: rows.map((r) => ({ carrier: r.carrier, cutoff: hhmm(r.cutoff_min) })) };
  }
  return {
    sagas: { list: sagas.list, get: sagas.get },
    exceptions,
    cutoffs,
    async setCutoffs(siteId: string, input: readonly { carrier: string; cutoff: string }[], meta: EventMeta = {}) {
      const rows = input.map((c) => {
        const [h, m] = c.cutoff.split(':').map(Number);
        return { carrier: c.carrier, cutoffMin: (h ?? 0) * 60 + (m ?? 0) };
      });
      // Announced with the table, so contexts that plan against cut-offs (workload) keep their own copy.
      // Answered from the transaction that replaced the table (read after the commit, it could be another planner's).
      return deps.db.tx(async (tx) => {
        await store.replaceCutoffs(tx, siteId, rows, deps.clock.now());
        await deps.bus.append(tx, 'orchestration', [{ type: OrchestrationEvents.cutoffsReplaced, subject: siteId, siteId, data: { siteId, cutoffs: rows } }], meta);
        return cutoffs(siteId, tx);
      });
    },
  };
}

export type OrchestrationService = ReturnType<typeof orchestrationService>;
