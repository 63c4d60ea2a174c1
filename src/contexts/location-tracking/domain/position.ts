import type { PositionSource, TrackedKind } from '../../../contracts/location-tracking.ts';

/** The live position of one tracked thing, as the position store holds it (JSON-safe: times are ISO strings). */
export interface Position {
  readonly siteId: string;
  readonly kind: TrackedKind;
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly zone: string | null;
  /** The location it is at: the one scanned, or the nearest within PAKLOG_RTLS_SNAP_M of an RTLS position. */
  readonly locationId: string | null;
  readonly locationType: string | null;
  /** When it was seen there (the report's timestamp, the scan's time). */
  readonly at: string;
  readonly source: PositionSource;
  /** The sender's sequence number of the report (RTLS), or null. */
  readonly seq: number | null;
  /** Since when it is in `zone` (null when zone is null). */
  readonly zoneSince: string | null;
  /** Since when it is at `locationId` (null when locationId is null). */
  readonly locationSince: string | null;
  /** Where it stood still since `stillSince`: the anchor of "idle" (no move beyond PAKLOG_RTLS_IDLE_RADIUS_M). */
  readonly anchorX: number;
  readonly anchorY: number;
  readonly stillSince: string;
  /** Bumped on every write: the compare-and-set token of the position store. */
  readonly rev: number;
}

/** What one report or scan says. */
export interface Observation {
  readonly siteId: string;
  readonly kind: TrackedKind;
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly zone: string | null;
  readonly locationId: string | null;
  readonly locationType: string | null;
  readonly at: string;
  readonly source: PositionSource;
  readonly seq: number | null;
}

export interface ZoneChange {
  /** The zone left, at the site it is a zone of (the previous position's: a move between sites leaves the old site's zone). */
  readonly exited: { readonly siteId: string; readonly zone: string; readonly enteredAt: string; readonly dwellS: number } | null;
  readonly entered: { readonly zone: string } | null;
}

export type Advance =
  | { readonly applied: false; readonly reason: 'stale' }
  | { readonly applied: true; readonly next: Position; readonly change: ZoneChange | null };

const ms = (iso: string): number => Date.parse(iso);

/**
 * The next position after an observation. An observation not newer than the held one (older timestamp, or the same
 * one replayed) changes nothing: reports may arrive out of order, and the newest always wins. A change of zone
 * (including into or out of "no zone") says what was exited, with the dwell there, and what was entered.
 */
export function advance(previous: Position | undefined, o: Observation, idleRadiusM: number): Advance {
  if (previous !== undefined && ms(o.at) <= ms(previous.at)) return { applied: false, reason: 'stale' };
  const sameZone = previous !== undefined && previous.zone === o.zone && previous.siteId === o.siteId;
  const sameLocation = previous !== undefined && previous.locationId === o.locationId && previous.siteId === o.siteId;
  const still = previous !== undefined && previous.siteId === o.siteId
    && Math.hypot(o.x - previous.anchorX, o.y - previous.anchorY) <= idleRadiusM;
  const next: Position = {
    siteId: o.siteId, kind: o.kind, id: o.id, x: o.x, y: o.y, zone: o.zone,
    locationId: o.locationId, locationType: o.locationType, at: o.at, source: o.source, seq: o.seq,
    zoneSince: o.zone === null ? null : sameZone ? previous.zoneSince : o.at,
    locationSince: o.locationId === null ? null : sameLocation ? previous.locationSince : o.at,
    anchorX: still ? previous.anchorX : o.x,
    anchorY: still ? previous.anchorY : o.y,
    stillSince: still ? previous.stillSince : o.at,
    rev: (previous?.rev ?? 0) + 1,
  };
  let change: ZoneChange | null = null;
  if (!sameZone) {
    const exited = previous?.zone !== null && previous?.zone !== undefined && previous.zoneSince !== null
      ? { siteId: previous.siteId, zone: previous.zone, enteredAt: previous.zoneSince, dwellS: Math.max(0, (ms(o.at) - ms(previous.zoneSince)) / 1000) }
      : null;
    const entered = o.zone === null ? null : { zone: o.zone };
    if (exited !== null || entered !== null) change = { exited, entered };
  }
  return { applied: true, next, change };
}
