import type { AlertType } from '../../../contracts/location-tracking.ts';
import type { Position } from './position.ts';

/** Location types where an LPN counts as staged (waiting to be loaded). */
export const STAGED_LOCATION_TYPES: readonly string[] = ['STAGING', 'SHIPPING_DOCK'];

export interface AlertLimits {
  /** An LPN at a staging location longer than this raises LPN_STAGED_TOO_LONG. */
  readonly stagedMaxS: number;
  /** A worker in a zone, not moving beyond the idle radius, longer than this raises WORKER_IDLE. */
  readonly idleMaxS: number;
}

/** A condition that holds now for one tracked thing. */
export interface AlertCondition {
  readonly type: AlertType;
  readonly position: Position;
  readonly since: string;
  readonly thresholdS: number;
}

/** The alert conditions holding at `now` among a site's positions. */
export function alertConditions(positions: readonly Position[], now: Date, limits: AlertLimits): AlertCondition[] {
  const out: AlertCondition[] = [];
  const age = (iso: string): number => (now.getTime() - Date.parse(iso)) / 1000;
  for (const p of positions) {
    if (p.kind === 'lpn' && p.locationSince !== null && p.locationType !== null && STAGED_LOCATION_TYPES.includes(p.locationType)
      && age(p.locationSince) > limits.stagedMaxS) {
      out.push({ type: 'LPN_STAGED_TOO_LONG', position: p, since: p.locationSince, thresholdS: limits.stagedMaxS });
    }
    if (p.kind === 'worker' && p.zone !== null && age(p.stillSince) > limits.idleMaxS) {
      out.push({ type: 'WORKER_IDLE', position: p, since: p.stillSince, thresholdS: limits.idleMaxS });
    }
  }
  return out;
}

/** Key of an alert's subject, one open alert per key. */
export const alertKey = (type: AlertType, kind: string, id: string): string => `${type}|${kind}|${id}`;

/** Which conditions raise a new alert and which open alerts are cleared. */
export function reconcileAlerts<A extends { readonly type: AlertType; readonly kind: string; readonly trackedId: string }>(
  open: readonly A[], holding: readonly AlertCondition[],
): { raise: AlertCondition[]; clear: A[] } {
  const openKeys = new Set(open.map((a) => alertKey(a.type, a.kind, a.trackedId)));
  const holdingKeys = new Set(holding.map((c) => alertKey(c.type, c.position.kind, c.position.id)));
  return {
    raise: holding.filter((c) => !openKeys.has(alertKey(c.type, c.position.kind, c.position.id))),
    clear: open.filter((a) => !holdingKeys.has(alertKey(a.type, a.kind, a.trackedId))),
  };
}
