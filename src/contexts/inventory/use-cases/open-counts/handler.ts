import type { CountOrigin } from '../../../../contracts/inventory.ts';
import type { LocationMasterApi } from '../../../../contracts/location-master.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { Tolerance } from '../../domain/counts.ts';
import { changeCountLock, learnCountedLocation, type LocationFacts } from '../../pickability.ts';
import * as store from '../../store.ts';
import { countView, type CountView } from '../../views.ts';
import { record } from '../ledger-writes.ts';
import { decideOpenCounts, type CountTarget, type OpenCountsRejection } from './decide.ts';

export interface OpenCountsScope {
  readonly siteId: string;
  readonly origin: CountOrigin;
  /** Locations to count, in id order (each locked FOR UPDATE before anything is read). */
  readonly locationIds: readonly string[];
  /** Only these SKUs (null: every SKU there). */
  readonly skus: readonly string[] | null;
  /** True when the caller named both locations and a SKU: a location holding none of it is counted too (expected 0). */
  readonly countEmpty: boolean;
  readonly tolerance: Tolerance;
  /**
   * What location-master says of the named locations (on-demand counts): learned for any row inventory does not know
   * yet. Locations found by their stock (a SKU-wide or scheduled count) were learned by the command that put it there.
   */
  readonly facts?: ReadonlyMap<string, LocationFacts> | undefined;
  /** The caller named these locations (not found by their stock): a deactivated one is refused, not passed over. */
  readonly named?: boolean | undefined;
  /**
   * A short pick's count (ADR 0024 addendum 2026-12-05): the short's task reference. Such counts do not lock their
   * location (no count lock, no pickability flip): other SKUs there stay pickable and PACK work never waits for them.
   */
  readonly shortReference?: string | undefined;
  /**
   * Only this owner's units (a short pick's count: the short's owner). A location holding none of them is counted for
   * this owner (expected 0), never for the default owner: stock never crosses owners (ADR 0028).
   */
  readonly ownerId?: string | undefined;
}

/**
 * Opens counts in the caller's transaction: locations locked FOR UPDATE in id order (moves and balance changes there
 * wait, so what is read is what is counted), targets read, the decision written, each location's lock count raised
 * (the first lock takes its units out of ATP: `inventory.location.pickability-changed`).
 */
export async function openCountsInTx(
  tx: Tx, deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>, scope: OpenCountsScope, meta: EventMeta,
): Promise<Outcome<{ opened: readonly string[]; alreadyOpen: readonly string[] }, OpenCountsRejection>> {
  for (const id of scope.locationIds) await store.lockLocation(tx, id, scope.siteId);
  // Learned once every row is locked: a flip takes SKU rows after all of them, as the count locks' flips below do.
  const learned = [];
  for (const id of scope.locationIds) {
    const facts = scope.facts?.get(id);
    if (facts !== undefined && facts.siteId === scope.siteId) learned.push(...await learnCountedLocation(tx, facts));
  }
  const held = (await store.availableBalancesAt(tx, scope.siteId, scope.locationIds, scope.skus))
    .filter((h) => scope.ownerId === undefined || h.owner_id === scope.ownerId);
  const targets: CountTarget[] = [...held];
  if (scope.countEmpty && scope.skus !== null) {
    for (const locationId of scope.locationIds) {
      for (const sku of scope.skus) {
        if (!held.some((h) => h.location_id === locationId && h.sku === sku)) targets.push({ owner_id: scope.ownerId, location_id: locationId, sku, lot: '' });
      }
    }
  }
  const open = await store.openCountsAt(tx, scope.locationIds);
  // Read with the rows locked and learned: a deactivation that reached inventory first is seen here (location-master
  // refuses to deactivate a location under count; this closes the other order).
  const known = await store.locationsByIds(tx, scope.locationIds);
  const inactive = scope.locationIds.filter((id) => scope.facts?.get(id)?.status === 'INACTIVE' || known.some((l) => l.location_id === id && l.status === 'INACTIVE'));
  const decision = decideOpenCounts({ targets, open, inactive }, {
    siteId: scope.siteId, origin: scope.origin, tolerance: scope.tolerance, newCountId: () => deps.ids.next('cnt'), namedLocations: scope.named,
  }, deps.clock.now());
  if (!decision.ok) return decision;
  const d = decision.value;
  await store.insertCounts(tx, d.counts, deps.clock.now(), scope.shortReference ?? null);
  const flips = [];
  const locks = scope.shortReference === undefined ? d.locks : [];
  for (const l of locks) flips.push(...await changeCountLock(tx, { id: l.locationId, siteId: scope.siteId }, l.counts));
  await record(tx, deps, [], [...learned, ...flips, ...d.events], meta);
  return ok({ opened: d.counts.map((c) => c.id), alreadyOpen: d.alreadyOpen });
}

/** What POST /inventory/counts names: locations and/or a SKU, and optionally the count's own tolerance. */
export interface CountRequest {
  readonly siteId: string;
  readonly locationIds?: readonly string[] | undefined;
  readonly sku?: string | undefined;
  readonly toleranceUnits?: number | undefined;
  readonly tolerancePercent?: number | undefined;
}

/** The site's tolerance, unless the request sets its own (either bound given replaces both). */
export async function toleranceFor(db: PlatformDeps['db'], siteId: string, own?: { units?: number | undefined; percent?: number | undefined }): Promise<Tolerance> {
  if (own !== undefined && (own.units !== undefined || own.percent !== undefined)) return { units: own.units ?? null, percent: own.percent ?? null };
  const s = await store.countSettings(db, siteId);
  return { units: s?.tolerance_units ?? null, percent: s?.tolerance_percent ?? null };
}

/** POST /inventory/counts: on-demand counts of locations (every SKU there, or the one named) or of a SKU wherever it is. */
export function requestCountsHandler(deps: PlatformDeps, locations: LocationMasterApi) {
  return async (input: CountRequest, meta: EventMeta): Promise<Outcome<CountView[], OpenCountsRejection | 'VALIDATION_FAILED' | 'UNKNOWN_LOCATION'>> => {
    const named = [...new Set(input.locationIds ?? [])].sort();
    if (named.length === 0 && input.sku === undefined) {
      return reject('VALIDATION_FAILED', 'Name locations to count, a SKU, or both', [{ field: '/locationIds', message: 'give locationIds or sku' }]);
    }
    const known = await locations.getLocations(named);
    const unknown = named.filter((id) => known.get(id)?.siteId !== input.siteId);
    if (unknown.length > 0) {
      return reject('UNKNOWN_LOCATION', `No location ${unknown.join(', ')} at site ${input.siteId}`,
        unknown.map((id) => ({ field: `/locationIds/${named.indexOf(id)}`, message: 'unknown location at this site' })));
    }
    const tolerance = await toleranceFor(deps.db, input.siteId, { units: input.toleranceUnits, percent: input.tolerancePercent });
    const skus = input.sku === undefined ? null : [input.sku];
    const result = await decideInTx(deps.db, async (tx) => {
      const locationIds = named.length > 0 ? named : await store.locationsHolding(tx, input.siteId, skus ?? []);
      return openCountsInTx(tx, deps, {
        siteId: input.siteId, origin: 'ON_DEMAND', locationIds, skus, countEmpty: named.length > 0 && skus !== null, tolerance, facts: known, named: named.length > 0,
      }, meta);
    });
    if (!result.ok) {
      // A SKU-wide count names no locations: "nothing at the locations named" would send the manager looking for some.
      if (result.code === 'UNPROCESSABLE' && named.length === 0) {
        return reject('UNPROCESSABLE', `Nothing to count: no AVAILABLE units of ${input.sku ?? ''} anywhere at this site (a SKU is matched exactly, case included)`,
          [{ field: '/sku', message: 'no AVAILABLE units of it at this site' }]);
      }
      return result;
    }
    const ids = [...result.value.opened, ...result.value.alreadyOpen];
    const rows = await store.countsByIds(deps.db, ids);
    return ok(rows.map((r) => countView(r, [], false)));
  };
}

/**
 * `inventory.short.resolved` asking for a COUNT (ADR 0024 addendum 2026-12-05): a count of the shorted SKU at the
 * shorted location, of the short's owner's units (every lot of them there, or none: expected 0, still that owner's;
 * an older event without `ownerId`: the default owner's), opened in its own transaction as a count request's, without
 * a location lock. Its `inventory.count.requested` queues the COUNT task (at the location; done when the count is
 * submitted). A count of the SKU already open there is that short's count too (remembered in `short_count_stand_ins`);
 * a redelivery finds its own count (`short_reference`) or that one and opens none; a location that cannot be counted
 * (deactivated) gets none.
 */
export function openShortCountHandler(deps: Pick<PlatformDeps, 'ids' | 'bus' | 'clock'>) {
  return async (
    tx: Tx, short: { siteId: string; ownerId?: string | undefined; sku: string; task: { type: string; locationId: string; reference: string } | null }, meta: EventMeta,
  ): Promise<void> => {
    const task = short.task;
    if (task === null || task.type !== 'COUNT') return;
    if (await store.knowsShortCount(tx, task.reference)) return;
    const settings = await store.countSettings(tx, short.siteId);
    const opened = await openCountsInTx(tx, deps, {
      siteId: short.siteId, origin: 'ON_DEMAND', locationIds: [task.locationId], skus: [short.sku], countEmpty: true,
      tolerance: { units: settings?.tolerance_units ?? null, percent: settings?.tolerance_percent ?? null }, named: true, shortReference: task.reference,
      ownerId: short.ownerId,
    }, meta);
    // Nothing opened: a count of the SKU there already open stands in; remembered so a redelivery opens none later.
    if (opened.ok && opened.value.opened.length === 0 && opened.value.alreadyOpen.length > 0) {
      await store.recordShortCountStandIn(tx, task.reference, opened.value.alreadyOpen[0]!, deps.clock.now());
    }
  };
}
