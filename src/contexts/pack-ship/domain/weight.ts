/** The pack station's scale check (ADR 0032): the weighed package against items + carton tare, within a per-site tolerance. */
export interface WeightCheck {
  /** WITHIN / OUT of tolerance; UNCHECKED when some product of the package has no weight in the catalog. */
  readonly status: 'WITHIN' | 'OUT' | 'UNCHECKED';
  readonly weighedG: number;
  readonly expectedG: number | null;
  readonly tolerancePct: number;
  /** (weighed − expected) / expected in %, 2 decimals; null when unchecked. */
  readonly deviationPct: number | null;
}

/** Within when |weighed − expected| ≤ expected × tolerance % (the bound itself is within). */
export function weightCheck(weighedG: number, expectedG: number | null, tolerancePct: number): WeightCheck {
  if (expectedG === null || expectedG <= 0) return { status: 'UNCHECKED', weighedG, expectedG, tolerancePct, deviationPct: null };
  const deviation = weighedG - expectedG;
  const within = Math.abs(deviation) * 100 <= expectedG * tolerancePct + 1e-9;
  return { status: within ? 'WITHIN' : 'OUT', weighedG, expectedG, tolerancePct, deviationPct: Math.round((deviation / expectedG) * 10_000) / 100 };
}
