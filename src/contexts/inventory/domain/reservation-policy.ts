/**
 * Which balances a pick line is reserved from (FEFO for expiry-controlled SKUs, FIFO by receipt
 * otherwise; pick faces before reserve; never split a lot within one pick line unless needed).
 */

export interface ReservationCandidate {
  readonly locationId: string;
  readonly lot: string;
  /** On-hand minus reserved. */
  readonly free: number;
  /** ISO date or null. */
  readonly expiresOn: string | null;
  /** ISO timestamp of the balance's first receipt. */
  readonly firstReceivedAt: string;
  /** Pick faces are preferred over reserve storage. */
  readonly pickFace: boolean;
  /** Tie-breaker so the choice is deterministic. */
  readonly pickSequence: number | null;
}

export interface ReservationTake {
  readonly locationId: string;
  readonly lot: string;
  readonly quantity: number;
}

export type RotationPolicy = 'FEFO' | 'FIFO';

function compare(policy: RotationPolicy, a: ReservationCandidate, b: ReservationCandidate): number {
  if (policy === 'FEFO') {
    // Undated stock goes last: it cannot expire, the dated stock can.
    const ea = a.expiresOn ?? '9999-12-31';
    const eb = b.expiresOn ?? '9999-12-31';
    if (ea !== eb) return ea < eb ? -1 : 1;
  }
  if (a.firstReceivedAt !== b.firstReceivedAt) return a.firstReceivedAt < b.firstReceivedAt ? -1 : 1;
  if (a.pickFace !== b.pickFace) return a.pickFace ? -1 : 1;
  const sa = a.pickSequence ?? Number.MAX_SAFE_INTEGER;
  const sb = b.pickSequence ?? Number.MAX_SAFE_INTEGER;
  if (sa !== sb) return sa - sb;
  if (a.locationId !== b.locationId) return a.locationId < b.locationId ? -1 : 1;
  return a.lot < b.lot ? -1 : a.lot > b.lot ? 1 : 0;
}

/** Candidates in rotation order (FEFO: earliest expiry first; FIFO: earliest receipt first). */
export function rotationOrder(policy: RotationPolicy, candidates: readonly ReservationCandidate[]): ReservationCandidate[] {
  return candidates.filter((c) => c.free > 0).sort((a, b) => compare(policy, a, b));
}

/**
 * Plans the takes for one line. One balance that holds the whole need wins (one location, one lot), as long as
 * rotation allows it: under FEFO only a balance with the earliest expiry qualifies (expiry beats travel); under FIFO
 * any balance does (receipt age is a softer rule than splitting a pick). Otherwise it takes greedily in rotation
 * order. Returns fewer units than needed when stock is short.
 */
export function planReservation(policy: RotationPolicy, need: number, candidates: readonly ReservationCandidate[]): ReservationTake[] {
  if (need <= 0) return [];
  const ordered = rotationOrder(policy, candidates);
  const first = ordered[0];
  if (first === undefined) return [];
  const whole = ordered.find((c) => c.free >= need && (policy === 'FIFO' || c.expiresOn === first.expiresOn));
  if (whole !== undefined) return [{ locationId: whole.locationId, lot: whole.lot, quantity: need }];
  const takes: ReservationTake[] = [];
  let left = need;
  for (const c of ordered) {
    if (left === 0) break;
    const q = Math.min(c.free, left);
    takes.push({ locationId: c.locationId, lot: c.lot, quantity: q });
    left -= q;
  }
  return takes;
}
