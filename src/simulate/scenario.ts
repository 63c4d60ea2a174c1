/**
 * What a simulated day is made of (ADR 0038): the site, the orders of the day (arrival times from a daily profile with
 * peaks), the people (shifts, breaks, speeds) and the times their work takes. Generated from a seed, so a day can be
 * run again; pure.
 */
import { mulberry32, type Rng } from '../optimize/random.ts';

/** How long the simulated operators take: the "true" times of the twin, not read from PakLog's standards. */
export interface OperatorTimes {
  readonly pickFixedS: number;
  readonly pickPerLineS: number;
  readonly pickPerUnitS: number;
  /** Mean walking speed, m/s; each picker's own is drawn around it (`speedSpread`). */
  readonly walkSpeedMps: number;
  readonly packFixedS: number;
  readonly packPerLineS: number;
  readonly packPerUnitS: number;
  /** σ of the log of each worker's speed factor (mean 1). */
  readonly speedSpread: number;
  /** σ of the log of each task's time factor (mean 1). */
  readonly taskNoise: number;
}

/** The operator times used unless told otherwise: a site whose engineered standards are PakLog's defaults. */
export const DEFAULT_OPERATOR_TIMES: OperatorTimes = {
  pickFixedS: 60, pickPerLineS: 12, pickPerUnitS: 3, walkSpeedMps: 1.0,
  packFixedS: 45, packPerLineS: 8, packPerUnitS: 4, speedSpread: 0.1, taskNoise: 0.15,
};

/** A daily profile of order arrivals: relative weight per hour of the day (UTC), 24 values. */
export const DEFAULT_PROFILE: readonly number[] = [
  1, 0.6, 0.4, 0.3, 0.4, 0.8, 2, 4, 6, 8, 9, 8, 6, 7, 8, 7, 6, 5, 4, 3.5, 3, 2.5, 2, 1.5,
];

export interface Peak {
  /** Minutes after midnight. */
  readonly fromMin: number;
  readonly toMin: number;
  /** Arrival rate multiplied by this inside the window. */
  readonly factor: number;
}

export interface ShiftPlan {
  readonly role: 'picker' | 'packer';
  readonly count: number;
  readonly fromMin: number;
  readonly toMin: number;
  /** Minutes after the shift's start when the break begins (null: no break), and its length. */
  readonly breakAfterMin: number | null;
  readonly breakMin: number;
}

export interface ScenarioInput {
  readonly seed: number;
  /** Order lines of the day (the orders are drawn until this many lines). */
  readonly lines: number;
  /** The simulated day, YYYY-MM-DD (UTC). */
  readonly day: string;
  readonly site: { readonly code: string; readonly aisles: number; readonly bays: number; readonly levels: number; readonly skus: number };
  readonly profile?: readonly number[];
  readonly peaks?: readonly Peak[];
  readonly shifts: readonly ShiftPlan[];
  readonly times?: OperatorTimes;
  /** Carrier cut-off of the day (OWN_FLEET), minutes after midnight. */
  readonly cutoffMin: number;
  /** An order is due today when it arrived at least this long before the cut-off. */
  readonly cutoffLeadMin: number;
  /** A wave is planned and released every this many minutes (all allocated orders, up to 200 per wave). */
  readonly waveEveryMin: number;
}

export interface SimOrder {
  readonly ref: string;
  readonly arriveMin: number;
  readonly lines: readonly { readonly sku: string; readonly quantity: number }[];
}

export interface SimWorker {
  readonly id: string;
  readonly role: 'picker' | 'packer';
  readonly fromMin: number;
  readonly toMin: number;
  readonly breakAtMin: number | null;
  readonly breakMin: number;
  /** This worker's speed factor (1 = the mean). */
  readonly speed: number;
}

export interface Scenario {
  readonly input: ScenarioInput;
  readonly times: OperatorTimes;
  readonly skus: readonly string[];
  readonly orders: readonly SimOrder[];
  readonly workers: readonly SimWorker[];
  /** Units each SKU needs over the day (received into its pick face before the day starts). */
  readonly demand: ReadonlyMap<string, number>;
}

/** A lognormal factor with mean 1 and log-σ `sigma`. */
export function lognormalFactor(rng: Rng, sigma: number): number {
  if (sigma <= 0) return 1;
  // Box–Muller; mean of exp(N(μ, σ²)) is exp(μ + σ²/2), so μ = −σ²/2 gives mean 1.
  const u = Math.max(rng(), 1e-12);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  return Math.exp(sigma * z - (sigma * sigma) / 2);
}

/** Lines per order: 1–5 (mean 2.35); units per line: 1–3 (mean 1.55). */
const LINES_PER_ORDER: readonly [number, number][] = [[1, 0.35], [2, 0.25], [3, 0.2], [4, 0.1], [5, 0.1]];
const UNITS_PER_LINE: readonly [number, number][] = [[1, 0.6], [2, 0.25], [3, 0.15]];

function draw(rng: Rng, table: readonly [number, number][]): number {
  let r = rng();
  for (const [v, p] of table) {
    if (r < p) return v;
    r -= p;
  }
  return table[table.length - 1]![0];
}

/** The arrival rate's weight at a minute of the day: the hour's profile weight times any peak over it. */
export function arrivalWeight(profile: readonly number[], peaks: readonly Peak[], minute: number): number {
  const base = profile[Math.floor(minute / 60) % 24] ?? 0;
  return peaks.reduce((w, p) => (minute >= p.fromMin && minute < p.toMin ? w * p.factor : w), base);
}

export function buildScenario(input: ScenarioInput): Scenario {
  const rng = mulberry32(input.seed);
  const times = input.times ?? DEFAULT_OPERATOR_TIMES;
  const profile = input.profile ?? DEFAULT_PROFILE;
  const peaks = input.peaks ?? [];
  const skus = Array.from({ length: input.site.skus }, (_, i) => `${input.site.code}-SKU-${String(i + 1).padStart(4, '0')}`);
  // Arrival minutes drawn from the profile by inverse transform over the day's 1,440 minutes.
  const cumulative: number[] = [];
  let total = 0;
  for (let m = 0; m < 1440; m++) cumulative.push((total += arrivalWeight(profile, peaks, m)));
  if (total <= 0) throw new Error('the arrival profile has no weight');
  const arrival = (): number => {
    const x = rng() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo + rng();
  };
  // SKU popularity: a mild skew (the first fifth of the SKUs draw about half the lines).
  const sku = (): string => skus[Math.min(skus.length - 1, Math.floor(skus.length * rng() ** 2.3))]!;
  const orders: SimOrder[] = [];
  const demand = new Map<string, number>();
  let lines = 0;
  while (lines < input.lines) {
    const n = Math.min(draw(rng, LINES_PER_ORDER), input.lines - lines);
    const chosen = new Map<string, number>();
    while (chosen.size < Math.min(n, skus.length)) chosen.set(sku(), draw(rng, UNITS_PER_LINE));
    const orderLines = [...chosen].map(([s, quantity]) => ({ sku: s, quantity }));
    for (const l of orderLines) demand.set(l.sku, (demand.get(l.sku) ?? 0) + l.quantity);
    lines += orderLines.length;
    orders.push({ ref: '', arriveMin: arrival(), lines: orderLines });
  }
  orders.sort((a, b) => a.arriveMin - b.arriveMin);
  const refs = orders.map((o, i) => ({ ...o, ref: `${input.site.code}-${input.day}-${String(i + 1).padStart(6, '0')}` }));
  const workers: SimWorker[] = [];
  for (const [k, s] of input.shifts.entries()) {
    for (let i = 0; i < s.count; i++) {
      workers.push({
        id: `${s.role}-${k + 1}-${String(i + 1).padStart(3, '0')}`, role: s.role, fromMin: s.fromMin, toMin: s.toMin,
        breakAtMin: s.breakAfterMin === null ? null : s.fromMin + s.breakAfterMin, breakMin: s.breakMin,
        speed: lognormalFactor(rng, times.speedSpread),
      });
    }
  }
  return { input, times, skus, orders: refs, workers, demand };
}

/**
 * Heads per shift for a day of `lines` on two shifts (06:00–14:00, 14:00–22:00), from the operator times and a
 * route of `routePerOrderM` metres per order: a starting point for `paklog simulate`, not a plan.
 */
export function defaultShifts(lines: number, times: OperatorTimes, routePerOrderM: number): ShiftPlan[] {
  const orders = lines / 2.35;
  const units = lines * 1.55;
  const pickH = (orders * (times.pickFixedS + routePerOrderM / times.walkSpeedMps) + lines * times.pickPerLineS + units * times.pickPerUnitS) / 3600;
  const packH = (orders * times.packFixedS + lines * times.packPerLineS + units * times.packPerUnitS) / 3600;
  // 7.5 productive hours a shift, 10 % headroom, two shifts.
  const heads = (h: number): number => Math.max(1, Math.ceil((h * 1.1) / 7.5 / 2));
  return [
    { role: 'picker', count: heads(pickH), fromMin: 360, toMin: 840, breakAfterMin: 240, breakMin: 30 },
    { role: 'picker', count: heads(pickH), fromMin: 840, toMin: 1320, breakAfterMin: 240, breakMin: 30 },
    { role: 'packer', count: heads(packH), fromMin: 360, toMin: 840, breakAfterMin: 240, breakMin: 30 },
    { role: 'packer', count: heads(packH), fromMin: 840, toMin: 1320, breakAfterMin: 240, breakMin: 30 },
  ];
}
