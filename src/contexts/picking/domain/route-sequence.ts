import type { Location } from '../../../contracts/location-master.ts';
import { locationsToLayout, type LocationLike } from '../../../optimize/geometry/graph.ts';
import type { Layout, Pick } from '../../../optimize/geometry/layout.ts';
import { route } from '../../../optimize/routing/index.ts';
import { pickSequenceOrder, type PickSequencer, type SequencedStop } from './pick-sequence.ts';

/** Location types whose coordinates make up the rack layout (the DEPOT is read separately). */
export const STORAGE_TYPES = ['STORAGE', 'PICK_FACE', 'RESERVE'] as const;
/** What the router needs from the location master: the storage locations and the depot. */
export const ROUTING_LOCATION_TYPES = [...STORAGE_TYPES, 'DEPOT'] as const;

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

const isStorage = (l: Location): boolean => (STORAGE_TYPES as readonly string[]).includes(l.type);

/**
 * Fits a rectangular layout (optimize/geometry) to a site's locations. Locations stacked at one floor position
 * (levels of a bay) share one pick position, so only one of them goes to the fitter. Aisle labels (zone + aisle)
 * are used when every storage location has one. A y gap between neighbouring rows wider than 1.5 bay pitches
 * (at least 2 m) is a cross aisle, so wide bays do not turn every bay into a block. Fails, with a reason, when
 * there is no depot, no storage location, or the fitter rejects the geometry.
 */
export function fitSiteLayout(locations: readonly Location[]): SiteLayoutFit {
  const depot = locations.filter((l) => l.type === 'DEPOT').sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))[0];
  if (depot === undefined) return { ok: false, reason: 'the site has no DEPOT location' };
  const storage = locations.filter(isStorage);
  if (storage.length === 0) return { ok: false, reason: 'the site has no storage locations' };
  if (!storage.every((l) => Number.isFinite(l.x) && Number.isFinite(l.y)) || !Number.isFinite(depot.x) || !Number.isFinite(depot.y)) {
    return { ok: false, reason: 'some locations have no coordinates' };
  }

  const labelled = storage.every((l) => l.aisle !== null);
  const aisleLabel = (l: Location): string => `${l.zone ?? ''}/${String(l.aisle)}`;
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

/** Rounds metres to centimetres, the precision the pick list stores. */
const cm = (metres: number): number => Math.round(metres * 100) / 100;

/**
 * Orders stops by the optimal picker route over the site's layout (optimize/routing `route`), depot to depot.
 * `routeLength` is the router's length plus the depot approach both ways, in metres (to the centimetre).
 * Undefined when a stop has no location code or its location is not part of the layout: the caller falls back.
 * The stops are put in pick-sequence order first, so equal inputs give equal routes.
 */
export function routeStops<T extends SequencedStop>(
  site: SiteLayout, stops: readonly T[],
): { readonly stops: readonly T[]; readonly routeLength: number } | undefined {
  const sorted = pickSequenceOrder.sequence(stops).stops;
  const picks: Pick[] = [];
  for (const s of sorted) {
    const pick = s.locationCode === null ? undefined : site.picks.get(s.locationCode);
    if (pick === undefined) return undefined;
    picks.push(pick);
  }
  if (picks.length === 0) return { stops: [], routeLength: 0 };
  const routed = route(site.layout, picks);
  const ordered = routed.sequence.map((i) => sorted[i] as T);
  return { stops: ordered, routeLength: cm(routed.length + 2 * site.approach) };
}

/**
 * The sequencer for one site: the routed order when the site's layout is known and holds every stop, else the
 * pick-sequence order with no length. `onFallback` hears why (for a debug log).
 */
export function routingSequencer(fit: SiteLayoutFit, onFallback: (reason: string) => void = () => undefined): PickSequencer {
  return {
    sequence(stops) {
      if (!fit.ok) {
        onFallback(fit.reason);
        return pickSequenceOrder.sequence(stops);
      }
      const routed = routeStops(fit.site, stops);
      if (routed === undefined) {
        onFallback('a stop has no location code in the fitted layout');
        return pickSequenceOrder.sequence(stops);
      }
      return routed;
    },
  };
}

/** Pure composition for callers holding the locations: fit, then route (or fall back). */
export function sequenceByRoute<T extends SequencedStop>(
  locations: readonly Location[], stops: readonly T[],
): { readonly stops: readonly T[]; readonly routeLength: number | null } {
  return routingSequencer(fitSiteLayout(locations)).sequence(stops);
}
