/**
 * Stock history (issue 11): the snapshot job that keeps point-in-time queries short, and the reconciliation of the stock
 * tables against the ledger (`paklog inventory reconcile`). Docs: docs/operations/stock-history.md.
 */
import type { PlatformDeps } from '../../platform/module.ts';
import {
  foldSkuTotals, movementsSinceSnapshot, reconcile, SNAPSHOT_LAG_MS, takeSnapshot, type Difference, type SnapshotTaken, type TotalsFolded,
} from './history-store.ts';

/** A snapshot is due once this many movements were written since the last one: an as-of query replays at most about that many. */
export const SNAPSHOT_EVERY_MOVEMENTS = 50_000;
/** How often the job looks whether one is due. */
export const SNAPSHOT_CHECK_MS = 5 * 60_000;
/**
 * How often the per-SKU totals fold the tail in (ADR 0041): the stock summary adds up about this much ledger (plus the
 * 1 s margin, and more while a transaction stays open). Every page of the summary reads the whole tail (ADR 0047), so
 * it is kept short: 5 s, about 2,000 movements at 330 movements/s (30 s until ADR 0047).
 */
export const SKU_TOTALS_EVERY_MS = 5_000;

export function stockHistory(deps: Pick<PlatformDeps, 'db' | 'clock'>, options: { everyMovements?: number } = {}) {
  const everyMovements = options.everyMovements ?? SNAPSHOT_EVERY_MOVEMENTS;
  return {
    /** The job's run: a snapshot as of `SNAPSHOT_LAG_MS` ago when enough movements came since the last one. */
    async snapshotIfDue(): Promise<SnapshotTaken | undefined> {
      if ((await movementsSinceSnapshot(deps.db)) < everyMovements) return undefined;
      return deps.db.tx((tx) => takeSnapshot(tx, new Date(deps.clock.now().getTime() - SNAPSHOT_LAG_MS)));
    },
    /** A snapshot as of an instant (tests, benchmarks, an operator backfilling history): nothing if a later one exists. */
    snapshot: (asOf: Date): Promise<SnapshotTaken | undefined> => deps.db.tx((tx) => takeSnapshot(tx, asOf)),
    /**
     * The per-SKU totals the stock summary starts from catch up with the ledger (the `inventory.sku-totals` job).
     * `marginMs`: how far behind now the watermark stays at least (tests: 0); `upTo` caps it (the benchmark).
     */
    foldSkuTotals: (marginMs?: number, upTo?: Date): Promise<TotalsFolded | undefined> => deps.db.tx((tx) => foldSkuTotals(tx, marginMs, upTo)),
    /** Every difference between the stock tables and the ledger (none on a healthy database), in one consistent read. */
    reconcile: (siteId: string | null = null): Promise<Difference[]> =>
      deps.db.tx((tx) => reconcile(tx, siteId), { isolation: 'repeatable read' }),
  };
}

export type StockHistory = ReturnType<typeof stockHistory>;
export type { Difference, TotalsFolded } from './history-store.ts';
