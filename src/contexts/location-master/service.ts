import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import type { PublishedEvent } from '../../contracts/events.ts';
import type { CatalogApi } from '../../contracts/catalog.ts';
import type { InventoryApi } from '../../contracts/inventory.ts';
import {
  activeSite, LAYOUT_LOCATIONS_PER_EVENT, LocationMasterEvents, type LayoutGenerated, type LayoutLocationsGenerated, type Location,
  type LocationCreated, type LocationStatus,
  type LocationStatusChanged, type LocationType, type Site, type SiteActiveChanged, type SiteCreated, type SiteUpdated,
} from '../../contracts/location-master.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { countByType, generateLayout, layoutParameters, type LayoutRequest } from './domain/layout-generator.ts';
import { validateNewLocation, validateNewSite, type NewLocation, type NewSite } from './domain/location.ts';
import { decideStatusChange } from './domain/location-status.ts';
import * as store from './store.ts';
import { checkSlottingSkus, recommendSlottingTask, type SlottingRecommendation, type SlottingRequest } from './use-cases/recommend-slotting.ts';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface LayoutSummary extends LayoutGenerated {
  readonly createdAt: string;
}

/** Sites and locations are listed by code: the cursor is the last code of the page. */
const page = <T extends { code: string }>(items: T[], limit: number): Page<T> => {
  return { items, nextCursor: nextCursor(items, limit, (l) => l.code) };
};

/** Lets a transaction roll back while the caller still gets a business outcome rather than an exception. */
class Rejected extends Error {
  constructor(readonly outcome: Outcome<never>) {
    super('rejected');
  }
}

/** Sites, locations and layouts; also the in-process implementation of the location-master contract API. */
/** Cache key of a location looked up by its code (the floor's hot read; the location-master API caches it). */
export const locationCodeKey = (siteId: string, code: string): string => `location-master:location-by-code:${siteId}:${code}`;
/** How long a cached location may live if an invalidation is ever missed. */
export const LOCATION_TTL_S = 60;

/** Inventory's open counts, when this installation runs inventory (in this process or another): none otherwise. */
export type OpenCountsLookup = () => Pick<InventoryApi, 'openCountsAt'> | undefined;
/** The catalog, when this installation runs it: slotting recommends locations for SKUs it knows only. */
export type CatalogLookup = () => Pick<CatalogApi, 'getBySkus'> | undefined;

/** The ids of the open counts (OPEN / RECOUNT / AWAITING_APPROVAL) holding each of these locations, asked of inventory. */
export async function openCountIds(counts: OpenCountsLookup, siteId: string, locationIds: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>> {
  const inventory = counts();
  const held = new Map<string, string[]>();
  if (inventory === undefined || locationIds.length === 0) return held;
  for (const c of await inventory.openCountsAt(siteId, locationIds)) held.set(c.locationId, [...(held.get(c.locationId) ?? []), c.countId]);
  return held;
}

/**
 * `onSiteChanged` hears of a site whose name or active flag changed once it is committed (the API's site cache forgets
 * it); `counts` finds inventory, asked before a location is deactivated.
 */
export function locationMasterService(
  deps: PlatformDeps, onSiteChanged: (site: Site) => void = () => undefined, counts: OpenCountsLookup = () => undefined, catalog: CatalogLookup = () => undefined,
) {
  const slottingRecommendations = deps.metrics.counter('paklog_slotting_recommendations_total', 'Slotting recommendations computed');
  return {
    async createSite(input: NewSite, meta: EventMeta): Promise<Outcome<Site>> {
      const errors = validateNewSite(input);
      if (errors.length > 0) return reject('UNPROCESSABLE', 'The site is not valid', errors);
      return deps.db.tx(async (tx): Promise<Outcome<Site>> => {
        const { site, taken } = await store.insertSite(tx, { id: deps.ids.next('sit'), code: input.code, name: input.name.trim(), createdAt: deps.clock.now() });
        if (site === undefined) {
          return taken === input.code
            ? reject('DUPLICATE', `Site ${input.code} already exists`, [{ field: '/code', message: 'is taken by another site' }])
            : reject('DUPLICATE', `Site ${taken} already exists: site codes ignore letter case`, [{ field: '/code', message: `is taken by site ${taken} (letter case aside)` }]);
        }
        const data: SiteCreated = site;
        await deps.bus.append(tx, 'location-master', [{ type: LocationMasterEvents.siteCreated, subject: site.id, siteId: site.id, data }], meta);
        return ok(site);
      });
    },

    async getSite(id: string): Promise<Outcome<Site>> {
      const site = await store.siteByIdOrCode(deps.db, id);
      return site === undefined ? reject('NOT_FOUND', `No site ${id}`) : ok(site);
    },

    /** A page of sites; `ids` (not null) keeps those only: a caller of some sites lists its own (ADR 0019). */
    async listSites(q: { limit: number; cursor?: string | undefined; active?: boolean | undefined; ids?: readonly string[] | null }): Promise<Outcome<Page<Site>>> {
      const after = cursorKey(q.cursor, CURSOR_SHAPES.text);
      if (!after.ok) return after;
      return ok(page(await store.listSites(deps.db, { limit: q.limit, afterCode: after.value, active: q.active ?? null, ids: q.ids ?? null }), q.limit));
    },

    /**
     * Changes a site's name (ADR 0045; its code is its key and never changes) with `location-master.site.updated.v1`.
     * A name equal to the current one answers the site and announces nothing.
     */
    async updateSite(idOrCode: string, patch: { name?: string }, meta: EventMeta): Promise<Outcome<Site>> {
      if (patch.name !== undefined && (patch.name.trim() === '' || patch.name.length > 200)) {
        return reject('UNPROCESSABLE', 'The site is not valid', [{ field: '/name', message: 'must be 1–200 characters and not blank' }]);
      }
      return deps.db.tx(async (tx): Promise<Outcome<Site>> => {
        const current = await store.siteByIdOrCode(tx, idOrCode, { lock: true });
        if (current === undefined) return reject('NOT_FOUND', `No site ${idOrCode}`);
        const name = patch.name?.trim();
        if (name === undefined || name === current.name) return ok(current);
        const site = await store.updateSite(tx, current.id, { name });
        const data: SiteUpdated = site;
        await deps.bus.append(tx, 'location-master', [{ type: LocationMasterEvents.siteUpdated, subject: site.id, siteId: site.id, data }], meta);
        tx.afterCommit(() => onSiteChanged(site));
        return ok(site);
      });
    },

    /**
     * Deactivates or reactivates a site (ADR 0045) with `location-master.site.deactivated.v1` / `reactivated.v1`. A site
     * already so is answered unchanged, without an event.
     */
    async setSiteActive(idOrCode: string, active: boolean, meta: EventMeta): Promise<Outcome<Site>> {
      return deps.db.tx(async (tx): Promise<Outcome<Site>> => {
        const current = await store.siteByIdOrCode(tx, idOrCode, { lock: true });
        if (current === undefined) return reject('NOT_FOUND', `No site ${idOrCode}`);
        if (current.active === active) return ok(current);
        const site = await store.updateSite(tx, current.id, { active });
        const data: SiteActiveChanged = { siteId: site.id, code: site.code };
        const type = active ? LocationMasterEvents.siteReactivated : LocationMasterEvents.siteDeactivated;
        await deps.bus.append(tx, 'location-master', [{ type, subject: site.id, siteId: site.id, data }], meta);
        tx.afterCommit(() => onSiteChanged(site));
        return ok(site);
      });
    },

    async createLocation(site: string, input: NewLocation, meta: EventMeta): Promise<Outcome<Location>> {
      const errors = validateNewLocation(input);
      if (errors.length > 0) return reject('UNPROCESSABLE', 'The location is not valid', errors);
      return deps.db.tx(async (tx): Promise<Outcome<Location>> => {
        const found = await store.siteByIdOrCode(tx, site, { lock: 'share' });
        if (found === undefined) return reject('NOT_FOUND', `No site ${site}`);
        const siteId = activeSite(found, '/siteId');
        if (!siteId.ok) return siteId;
        const [location] = await store.insertLocations(tx, found.id, 'MANUAL', [{ id: deps.ids.next('loc'), ...input }], deps.clock.now());
        if (location === undefined) {
          const other = (await store.codesInOtherCase(tx, found.id, [input.code])).get(input.code);
          return other === undefined
            ? reject('DUPLICATE', `Location ${input.code} already exists in this site`, [{ field: '/code', message: 'is taken in this site' }])
            : reject('DUPLICATE', `Location ${other} already exists in this site: location codes ignore letter case`,
              [{ field: '/code', message: `is taken in this site by ${other} (letter case aside)` }]);
        }
        const data: LocationCreated = location;
        await deps.bus.append(tx, 'location-master', [{ type: LocationMasterEvents.locationCreated, subject: location.id, siteId: found.id, data }], meta);
        return ok(location);
      });
    },

    /**
     * Generates a site's storage layout and its dock, depot and pack locations in one transaction, set-based.
     * A site gets one generated layout; a second (or concurrent) request, or a generated code that a manually created
     * location already uses, is DUPLICATE and writes nothing.
     */
    async generateLayout(siteIdOrCode: string, request: LayoutRequest, meta: EventMeta): Promise<Outcome<LayoutSummary>> {
      const params = layoutParameters(request);
      if (!params.ok) return params;
      try {
        return await deps.db.tx(async (tx): Promise<Outcome<LayoutSummary>> => {
          const site = await store.siteByIdOrCode(tx, siteIdOrCode, { lock: 'share' });
          if (site === undefined) return reject('NOT_FOUND', `No site ${siteIdOrCode}`);
          const active = activeSite(site, '/siteId');
          if (!active.ok) return active;
          const siteId = site.id;
          const planned = generateLayout(site.code, params.value);
          if (!(await store.claimLayout(tx, siteId, params.value, planned.length))) {
            return reject('DUPLICATE', `Site ${site.code} already has a generated layout`);
          }
          const now = deps.clock.now();
          const rows = planned.map((l) => ({ id: deps.ids.next('loc'), status: 'ACTIVE' as const, ...l }));
          const inserted = await store.insertLocations(tx, siteId, 'LAYOUT', rows, now);
          if (inserted.length !== rows.length) {
            const taken = new Set(inserted.map((l) => l.code));
            const clashes = rows.filter((r) => !taken.has(r.code)).slice(0, 10).map((r) => r.code);
            throw new Rejected(reject('DUPLICATE', `${rows.length - inserted.length} generated codes already exist in site ${site.code}, e.g. ${clashes.join(', ')}`));
          }
          const data: LayoutGenerated = {
            siteId, siteCode: site.code, parameters: params.value, locationCount: inserted.length, countsByType: countByType(planned),
          };
          // The locations themselves go in parts, so a context can keep a projection without calling back for them.
          const parts = Math.ceil(inserted.length / LAYOUT_LOCATIONS_PER_EVENT);
          const located = Array.from({ length: parts }, (_, i): PublishedEvent => {
            const part: LayoutLocationsGenerated = {
              siteId, part: i + 1, parts, locations: inserted.slice(i * LAYOUT_LOCATIONS_PER_EVENT, (i + 1) * LAYOUT_LOCATIONS_PER_EVENT),
            };
            return { type: LocationMasterEvents.layoutLocationsGenerated, subject: siteId, siteId, data: part };
          });
          await deps.bus.append(tx, 'location-master', [
            ...located, { type: LocationMasterEvents.layoutGenerated, subject: siteId, siteId, data },
          ], meta);
          return ok({ ...data, createdAt: now.toISOString() });
        });
      } catch (e) {
        if (e instanceof Rejected) return e.outcome;
        throw e;
      }
    },

    async getLocation(id: string): Promise<Outcome<Location>> {
      const location = await store.locationById(deps.db, id);
      return location === undefined ? reject('NOT_FOUND', `No location ${id}`) : ok(location);
    },

    async listLocations(site: string, q: { limit: number; cursor?: string | undefined; type?: LocationType | undefined; zone?: string | undefined; status?: LocationStatus | undefined }): Promise<Outcome<Page<Location>>> {
      const after = cursorKey(q.cursor, CURSOR_SHAPES.text);
      if (!after.ok) return after;
      const siteId = (await store.siteByIdOrCode(deps.db, site))?.id;
      if (siteId === undefined) return reject('NOT_FOUND', `No site ${site}`);
      const items = await store.listLocations(deps.db, siteId, {
        type: q.type ?? null, zone: q.zone ?? null, status: q.status ?? null, afterCode: after.value, limit: q.limit,
      });
      return ok(page(items, q.limit));
    },

    /** Locks the location, decides the move with the transition table, saves it and announces it. */
    async changeStatus(id: string, to: LocationStatus, reason: string | null, meta: EventMeta): Promise<Outcome<Location>> {
      // Inventory is asked before the transaction (another context, maybe another process): a count opened between the
      // answer and the commit finds the location INACTIVE once the status change reaches inventory, and is refused there.
      const seen = to === 'INACTIVE' ? await store.locationById(deps.db, id) : undefined;
      const underCount = seen === undefined ? [] : (await openCountIds(counts, seen.siteId, [id])).get(id) ?? [];
      return deps.db.tx(async (tx): Promise<Outcome<Location>> => {
        const current = await store.locationById(tx, id, { lock: true });
        if (current === undefined) return reject('NOT_FOUND', `No location ${id}`);
        const decision = decideStatusChange(current.status, to, reason, underCount);
        if (!decision.ok) return decision;
        const updated = await store.updateStatus(tx, id, decision.value.to, decision.value.reason);
        const data: LocationStatusChanged = { locationId: id, siteId: current.siteId, ...decision.value, type: current.type };
        await deps.bus.append(tx, 'location-master', [{ type: LocationMasterEvents.locationStatusChanged, subject: id, siteId: current.siteId, data }], meta);
        // The cached copy goes once the change is committed. The delete is sent at once, ahead of this process's later
        // reads on the same cache connection; other processes may read the old copy for the few milliseconds it takes.
        tx.afterCommit(() => void deps.cache.delete(locationCodeKey(current.siteId, current.code)));
        return ok(updated);
      });
    },

    /**
     * A slotting recommendation over the site's ACTIVE locations of `locationTypes`, measured from its depot. Read-only:
     * it computes an answer and persists nothing, so it needs no transaction, events or idempotency. The computation runs
     * on a worker thread (503 BUSY when too many wait), so a long correlated run does not stall other requests.
     */
    async recommendSlotting(site: string, request: SlottingRequest, locationTypes: readonly LocationType[]): Promise<Outcome<SlottingRecommendation>> {
      const siteId = (await store.siteByIdOrCode(deps.db, site))?.id;
      if (siteId === undefined) return reject('NOT_FOUND', `No site ${site}`);
      const products = catalog();
      if (products !== undefined) {
        const known = await products.getBySkus([...new Set(request.skus.map((s) => s.sku))]);
        const checked = checkSlottingSkus(request, new Set(known.keys()));
        if (!checked.ok) return checked;
      }
      const [candidates, depots] = await Promise.all([
        store.activeLocationsOfSite(deps.db, siteId, locationTypes),
        store.activeLocationsOfSite(deps.db, siteId, ['DEPOT']),
      ]);
      const outcome = await deps.workers.run(recommendSlottingTask, { request, candidates, depot: depots[0] });
      if (outcome.ok) slottingRecommendations.inc();
      return outcome;
    },

    // The contract API: plain queries, one statement each.
    async getLocations(ids: readonly string[]): Promise<ReadonlyMap<string, Location>> {
      return new Map((await store.locationsByIds(deps.db, ids)).map((l) => [l.id, l]));
    },

    getLocationByCode(siteId: string, code: string): Promise<Location | undefined> {
      return store.locationByCode(deps.db, siteId, code);
    },

    findSite(idOrCode: string): Promise<Site | undefined> {
      return store.siteByIdOrCode(deps.db, idOrCode);
    },

    listLocationsOfSite(siteId: string, types?: readonly LocationType[]): Promise<readonly Location[]> {
      return store.locationsOfSite(deps.db, siteId, types === undefined ? null : types);
    },
  };
}

export type LocationMasterService = ReturnType<typeof locationMasterService>;
