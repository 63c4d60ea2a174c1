/**
 * Generated hourly work with daily and weekly seasons, for the forecast's backtest (ADR 0033, issue 14 acceptance a).
 *
 * lines(t) = max(0, round((base + trend·t) · day(hour) · week(weekday) · peak(day) + noise)), where
 * - day(hour): a warehouse day, near zero at night, rising from 06:00 to a morning peak at 10:00 and an afternoon one at 15:00;
 * - week(weekday): Monday heaviest (the weekend's orders), Saturday and Sunday light;
 * - peak(day): on a few random days (probability `peakDayChance`) the whole day is 1.3–1.6 times heavier (promotions);
 * - noise: Gaussian with standard deviation `noise` × the expected value (Box–Muller on the seeded generator).
 * The same seed gives the same series everywhere (mulberry32, src/optimize/random.ts).
 */
import { mulberry32 } from '../../../optimize/random.ts';

export interface SeasonalSeriesOptions {
  readonly seed: number;
  readonly weeks: number;
  /** Lines per hour at the weekly mean, before the daily and weekly shape (default 120). */
  readonly base?: number;
  /** Growth of `base` per hour (default 0.01 lines). */
  readonly trendPerHour?: number;
  /** Relative standard deviation of the hourly noise (default 0.15). */
  readonly noise?: number;
  /** Probability that a day is a peak day (default 0.05). */
  readonly peakDayChance?: number;
}

const DAY_SHAPE = [
  0.05, 0.03, 0.02, 0.02, 0.05, 0.2, 0.6, 1.1, 1.5, 1.8, 2.0, 1.8, 1.4, 1.3, 1.6, 1.9, 1.7, 1.3, 1.0, 0.8, 0.6, 0.4, 0.2, 0.1,
];
/** Monday first. */
const WEEK_SHAPE = [1.35, 1.15, 1.05, 1.0, 1.1, 0.6, 0.4];

/** `weeks` × 168 hourly line counts, hour 0 = Monday 00:00. */
export function seasonalSeries(options: SeasonalSeriesOptions): number[] {
  const rng = mulberry32(options.seed);
  const base = options.base ?? 120;
  const trend = options.trendPerHour ?? 0.01;
  const noise = options.noise ?? 0.15;
  const peakChance = options.peakDayChance ?? 0.05;
  const dayMean = DAY_SHAPE.reduce((a, b) => a + b, 0) / DAY_SHAPE.length;
  const gaussian = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const out: number[] = [];
  let peak = 1;
  for (let t = 0; t < options.weeks * 168; t += 1) {
    const hour = t % 24;
    if (hour === 0) peak = rng() < peakChance ? 1.3 + 0.3 * rng() : 1;
    const weekday = Math.floor(t / 24) % 7;
    const expected = (base + trend * t) * ((DAY_SHAPE[hour] ?? 1) / dayMean) * (WEEK_SHAPE[weekday] ?? 1) * peak;
    out.push(Math.max(0, Math.round(expected + noise * expected * gaussian())));
  }
  return out;
}
