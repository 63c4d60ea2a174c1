import { locationsToLayout, type LocationLike } from './graph.ts';
import type { Layout, Pick } from './layout.ts';

/**
 * Glue from a location master's locations to a fitted rectangular layout, shared by every context that routes or
 * batches over real coordinates (picking orders a list's stops, waves groups orders into cart batches). Pure: the
 * caller reads the locations.
 */

/** Location types whose coordinates make up the rack layout (the DEPOT is read separately). */
export const STORAGE_TYPES = ['STORAGE', 'PICK_FACE', 'RESERVE'] as const;
/** What the router needs from the location master: the storage locations and the depot. */
export const ROUTING_LOCATION_TYPES = [...STORAGE_TYPES, 'DEPOT'] as const;

/** The fields of a location master location the fit reads (structurally a subset of the contract's Location). */
export interface SiteLocation {
  readonly code: string;
  readonly type: string;
  readonly zone: string | null;
  readonly aisle: number | null;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A site's rack layout fitted for the router. */
export interface SiteLayout {
  readonly layout: Layout;
  /** Pick position of every storage location code. */
  readonly picks: ReadonlyMap<string, Pick>;
  /**
   * Metres from the depot to the layout's front cross aisle (one way). The location master puts the depot on the
   * front wall; the fitted layout puts it on the front cross aisle at the first rack row, so every tour walks this
   * twice more than the layout measures.
   */
  readonly approach: number;
}

export type SiteLayoutFit = { readonly ok: true; readonly site: SiteLayout } | { readonly ok: false; readonly reason: string };

const isStorage = (l: SiteLocation): boolean => (STORAGE_TYPES as readonly string[]).includes(l.type);

/**
 * Fits a rectangular layout to a site's locations. Locations stacked at one floor position (levels of a bay) share
 * one pick position, so only one of them goes to the fitter. Aisle labels (zone + aisle) are used when every storage
 * location has one. A y gap between neighbouring rows wider than 1.5 bay pitches (at least 2 m) is a cross aisle, so
 * wide bays do not turn every bay into a block. Fails, with a reason, when there is no depot, no storage location,
 * or the fitter rejects the geometry.
 */
export function fitSiteLayout(locations: readonly SiteLocation[]): SiteLayoutFit {
  const depot = locations.filter((l) => l.type === 'DEPOT').sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
  if (depot === undefined) return { ok: false, reason: 'the site has no DEPOT location' };
  const storage = locations.filter(isStorage);
  if (storage.length === 0) return { ok: false, reason: 'the site has no storage locations' };
  if (!storage.every((l) => Number.isFinite(l.x) && Number.isFinite(l.y)) || !Number.isFinite(depot.x) || !Number.isFinite(depot.y)) {
    return { ok: false, reason: 'some locations have no coordinates' };
  }

  const labelled = storage.every((l) => l.aisle !== null);
  const aisleLabel = (l: SiteLocation): string => `${l.zone ?? ''}/${String(l.aisle)}`;
  const representative = new Map<string, LocationLike>();
  const codeToRepresentative = new Map<string, string>();
  for (const l of storage) {
    const key = `${labelled ? aisleLabel(l) : ''}|${l.x}|${l.y}`;
    let rep = representative.get(key);
    if (rep === undefined) {
      rep = labelled ? { code: l.code, x: l.x, y: l.y, z: l.z, aisle: aisleLabel(l) } : { code: l.code, x: l.x, y: l.y, z: l.z };
      representative.set(key, rep);
    }
    codeToRepresentative.set(l.code, rep.code);
  }
  const reps = [...representative.values()];
  const ys = [...new Set(reps.map((l) => l.y))].sort((a, b) => a - b);
  const gaps = ys.slice(1).map((y, i) => y - (ys[i] as number)).sort((a, b) => a - b);
  const rowPitch = gaps.length > 0 ? (gaps[gaps.length >> 1] as number) : 0;

  try {
    const fitted = locationsToLayout(reps, { blockGap: Math.max(2, 1.5 * rowPitch), depotX: depot.x });
    const picks = new Map<string, Pick>();
    for (const [code, repCode] of codeToRepresentative) {
      const pick = fitted.picks.get(repCode);
      if (pick !== undefined) picks.set(code, pick);
    }
    return { ok: true, site: { layout: fitted.layout, picks, approach: Math.abs(fitted.origin.y - depot.y) } };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** A fit as plain JSON (pick positions as entries), so a cache shared by processes (Redis) can hold it. */
export type StoredSiteLayoutFit =
  | { readonly ok: true; readonly site: { readonly layout: Layout; readonly picks: readonly (readonly [string, Pick])[]; readonly approach: number } }
  | { readonly ok: false; readonly reason: string };

export function storeSiteLayoutFit(fit: SiteLayoutFit): StoredSiteLayoutFit {
  return fit.ok ? { ok: true, site: { layout: fit.site.layout, picks: [...fit.site.picks], approach: fit.site.approach } } : fit;
}

export function reviveSiteLayoutFit(stored: StoredSiteLayoutFit): SiteLayoutFit {
  return stored.ok ? { ok: true, site: { layout: stored.site.layout, picks: new Map(stored.site.picks), approach: stored.site.approach } } : stored;
}
