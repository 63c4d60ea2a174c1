import type { StockSnapshotLine } from '../../../../contracts/inventory.ts';
import type { Executor } from '../../../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import { nextCursor } from '../../../../platform/http/paging.ts';
import type { Clock } from '../../../../platform/clock.ts';
import { fromLotKey } from '../../domain/stock.ts';
import { stockAsOf, type KeyTotals } from '../../history-store.ts';
import { decideAsOf, type AsOfCommand } from './decide.ts';

/** One balance key as it stood at the instant asked for: the shape of a snapshot line (ownerId: whose units, ADR 0028). */
export type StockAsOfItem = StockSnapshotLine;

export interface StockAsOfPage {
  readonly siteId: string;
  readonly at: string;
  /** The snapshot the answer was rebuilt from (null: from the first movement). */
  readonly snapshotAsOf: string | null;
  readonly items: StockAsOfItem[];
  readonly nextCursor: string | null;
}

/** The page cursor: the last key of the page (sku, location, lot, status, owner), as JSON. */
const keyOf = (r: KeyTotals): string => JSON.stringify([r.sku, r.location_id, r.lot, r.status, r.owner_id]);

function parseKey(text: string | null): readonly [string, string, string, string, string] | undefined | 'bad' {
  if (text === null) return undefined;
  try {
    const k: unknown = JSON.parse(text);
    if (Array.isArray(k) && k.length === 5 && k.every((x) => typeof x === 'string')) return k as [string, string, string, string, string];
  } catch { /* refused below */ }
  return 'bad';
}

/**
 * GET /inventory/as-of: on-hand and reserved per SKU, location, lot, status and owner of a site as of a past instant, rebuilt
 * from the ledger (the last snapshot before the instant plus the movements after it). `after` is the decoded cursor.
 */
export function stockAsOfHandler(deps: { db: Executor; clock: Clock }) {
  return async (q: AsOfCommand & { readonly after: string | null; readonly limit: number }): Promise<Outcome<StockAsOfPage,
    'AS_OF_IN_FUTURE' | 'VALIDATION_FAILED'>> => {
    const decided = decideAsOf({}, q, deps.clock.now());
    if (!decided.ok) return decided;
    const plan = decided.value;
    const after = parseKey(q.after);
    if (after === 'bad') return reject('VALIDATION_FAILED', 'The cursor is not valid', [{ field: '/querystring/cursor', message: 'is not a cursor this API returned' }]);
    const answer = await stockAsOf(deps.db, { ...plan, after, limit: q.limit });
    return ok({
      siteId: plan.siteId, at: plan.at.toISOString(), snapshotAsOf: answer.snapshotAsOf?.toISOString() ?? null,
      items: answer.rows.map((r) => ({ sku: r.sku, locationId: r.location_id, lot: fromLotKey(r.lot), status: r.status, ownerId: r.owner_id, onHand: r.on_hand, reserved: r.reserved })),
      nextCursor: nextCursor(answer.rows, q.limit, keyOf),
    });
  };
}
