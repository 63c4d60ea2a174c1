import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { toLotKey } from '../../domain/stock.ts';

/** A point-in-time stock question (GET /inventory/as-of), its site resolved. */
export interface AsOfCommand {
  readonly siteId: string;
  readonly at: Date;
  readonly sku?: string | undefined;
  readonly locationId?: string | undefined;
  readonly lot?: string | undefined;
  /** Whose units (ADR 0028): one owner, or every owner when undefined. */
  readonly ownerId?: string | undefined;
}

/** What to sum: the site's ledger up to `at`, narrowed by key; the lot as its balance key ('' for none). */
export interface AsOfPlan {
  readonly siteId: string;
  readonly at: Date;
  readonly sku: string | undefined;
  readonly locationId: string | undefined;
  readonly lot: string | undefined;
  readonly ownerId: string | undefined;
}

/**
 * Which instants can be answered: any instant up to now. A future instant is refused (422 AS_OF_IN_FUTURE) rather than
 * answered with today's stock: the answer for it would change as movements arrive, and a report built on it would lie.
 * An instant before the first movement is fine (nothing was on hand).
 */
export const decideAsOf: Decide<Record<string, never>, AsOfCommand, AsOfPlan, 'AS_OF_IN_FUTURE' | 'VALIDATION_FAILED'> = (_state, q, now) => {
  if (Number.isNaN(q.at.getTime())) {
    return reject('VALIDATION_FAILED', 'at is not an instant', [{ field: '/querystring/at', message: 'give an ISO 8601 date-time with an offset' }]);
  }
  if (q.at.getTime() > now.getTime()) {
    return reject('AS_OF_IN_FUTURE', `${q.at.toISOString()} is later than now (${now.toISOString()}): stock is known up to the present`,
      [{ field: '/querystring/at', message: 'give an instant at or before now' }]);
  }
  return ok({ siteId: q.siteId, at: q.at, sku: q.sku, locationId: q.locationId, lot: q.lot === undefined ? undefined : toLotKey(q.lot), ownerId: q.ownerId });
};
