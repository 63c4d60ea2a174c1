/**
 * Forecast of hourly work: additive Holt–Winters (Holt 1957, Winters 1960; the additive form as in Hyndman &
 * Athanasopoulos, "Forecasting: Principles and Practice", 3rd ed., 2021, §8.3) fitted to log(1 + lines), so the daily
 * and weekly shapes scale with the level (a quiet night stays quiet on a busy day: multiplicative seasonality), with a
 * weekly season (168 h) when two weeks of history exist, else a daily one (24 h), its smoothing parameters chosen on a
 * small grid by one-step squared error. Beside it the naive seasonal baseline (the same hour one season ago), and a rolling-origin backtest that reports
 * both methods' WAPE and MAPE on the series' own history (ADR 0033). Pure: no I/O, no clock.
 */

export const DAY_HOURS = 24;
export const WEEK_HOURS = 168;

export interface HoltWintersParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
}

export interface FittedModel {
  readonly season: number;
  readonly params: HoltWintersParams;
  readonly level: number;
  readonly trend: number;
  /** The last `season` seasonal terms; index i is the season position of history index n - season + i. */
  readonly seasonals: readonly number[];
  /** One-step-ahead sum of squared errors over the history (after the first season). */
  readonly sse: number;
}

const GRID_ALPHA = [0.02, 0.1, 0.3];
const GRID_BETA = [0, 0.005];
const GRID_GAMMA = [0.05, 0.2, 0.4];

/** The season the history allows: a week with at least two weeks of data, else a day with at least two days, else none. */
export function seasonFor(length: number): number | null {
  if (length >= 2 * WEEK_HOURS) return WEEK_HOURS;
  if (length >= 2 * DAY_HOURS) return DAY_HOURS;
  return null;
}

function mean(values: readonly number[], from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i += 1) sum += values[i] ?? 0;
  return to > from ? sum / (to - from) : 0;
}

/** Runs the additive recursions over `y` with the given parameters (needs at least two seasons of data). */
export function fitHoltWinters(y: readonly number[], season: number, params: HoltWintersParams): FittedModel {
  const { alpha, beta, gamma } = params;
  let level = mean(y, 0, season);
  let trend = (mean(y, season, 2 * season) - level) / season;
  const s: number[] = [];
  for (let i = 0; i < season; i += 1) s.push((y[i] ?? 0) - level);
  let sse = 0;
  for (let t = season; t < y.length; t += 1) {
    const obs = y[t] ?? 0;
    const seasonal = s[t - season] ?? 0;
    const predicted = level + trend + seasonal;
    sse += (obs - predicted) ** 2;
    const nextLevel = alpha * (obs - seasonal) + (1 - alpha) * (level + trend);
    trend = beta * (nextLevel - level) + (1 - beta) * trend;
    level = nextLevel;
    s.push(gamma * (obs - level) + (1 - gamma) * seasonal);
  }
  return { season, params, level, trend, seasonals: s.slice(s.length - season), sse };
}

/** The best model of the grid by one-step squared error; null when the history is shorter than two days. */
export function fitBest(y: readonly number[]): FittedModel | null {
  const season = seasonFor(y.length);
  if (season === null) return null;
  let best: FittedModel | null = null;
  for (const alpha of GRID_ALPHA) {
    for (const beta of GRID_BETA) {
      for (const gamma of GRID_GAMMA) {
        const m = fitHoltWinters(y, season, { alpha, beta, gamma });
        if (best === null || m.sse < best.sse) best = m;
      }
    }
  }
  return best;
}

/** h-step forecasts from a fitted model; work cannot be negative, so forecasts are floored at 0. */
export function forecastFrom(model: FittedModel, horizon: number): number[] {
  const out: number[] = [];
  for (let h = 1; h <= horizon; h += 1) {
    const seasonal = model.seasonals[(h - 1) % model.season] ?? 0;
    out.push(Math.max(0, model.level + h * model.trend + seasonal));
  }
  return out;
}

/** The naive seasonal baseline: each hour as the same hour one season ago (a week when there is a week, else a day). */
export function naiveSeasonal(y: readonly number[], horizon: number): number[] {
  const season = y.length >= WEEK_HOURS ? WEEK_HOURS : y.length >= DAY_HOURS ? DAY_HOURS : 0;
  const out: number[] = [];
  for (let h = 0; h < horizon; h += 1) {
    if (season === 0) out.push(y.length === 0 ? 0 : mean(y, 0, y.length));
    else out.push(y[y.length - season + (h % season)] ?? 0);
  }
  return out;
}

/**
 * Holt–Winters on log(1 + y), back-transformed, when the history allows it; else the naive seasonal forecast. (The
 * back-transform gives the median rather than the mean of the forecast distribution; with hourly counts in the tens
 * the difference is well inside the noise, and the backtest measures the forecasts as they are.)
 */
export function forecastSeries(y: readonly number[], horizon: number): { method: 'holt-winters' | 'naive-seasonal'; values: number[] } {
  const model = fitBest(y.map((v) => Math.log1p(Math.max(0, v))));
  return model === null
    ? { method: 'naive-seasonal', values: naiveSeasonal(y, horizon) }
    : { method: 'holt-winters', values: forecastFrom(model, horizon).map((v) => Math.max(0, Math.expm1(v))) };
}

export interface ErrorScores {
  /** Weighted absolute percentage error: Σ|actual − forecast| / Σ actual. */
  readonly wape: number;
  /** Mean absolute percentage error over the hours with actual > 0 (hours without work have no percentage). */
  readonly mape: number;
  readonly hours: number;
}

export function scoreErrors(actual: readonly number[], predicted: readonly number[]): ErrorScores {
  let absErr = 0;
  let total = 0;
  let pctSum = 0;
  let pctCount = 0;
  for (let i = 0; i < actual.length; i += 1) {
    const a = actual[i] ?? 0;
    const e = Math.abs(a - (predicted[i] ?? 0));
    absErr += e;
    total += Math.abs(a);
    if (a > 0) {
      pctSum += e / a;
      pctCount += 1;
    }
  }
  return { wape: total > 0 ? absErr / total : 0, mape: pctCount > 0 ? pctSum / pctCount : 0, hours: actual.length };
}

export interface BacktestReport {
  /** How many forecast origins were tried (one per day, the last `origins` days of the history). */
  readonly origins: number;
  readonly horizonHours: number;
  readonly method: ErrorScores;
  readonly baseline: ErrorScores;
}

/**
 * Rolling-origin evaluation (Tashman 2000): for each of the last `origins` days, fit on everything before that day's
 * midnight, forecast its `horizon` hours, and pool the errors of all origins. Null when no origin leaves the method
 * two days of history to fit on.
 */
export function backtest(y: readonly number[], origins = 7, horizon = DAY_HOURS): BacktestReport | null {
  const actual: number[] = [];
  const method: number[] = [];
  const baseline: number[] = [];
  let used = 0;
  for (let k = origins; k >= 1; k -= 1) {
    const origin = y.length - k * DAY_HOURS;
    if (origin < 2 * DAY_HOURS) continue;
    const train = y.slice(0, origin);
    const h = Math.min(horizon, y.length - origin);
    actual.push(...y.slice(origin, origin + h));
    method.push(...forecastSeries(train, h).values);
    baseline.push(...naiveSeasonal(train, h));
    used += 1;
  }
  if (used === 0) return null;
  return { origins: used, horizonHours: horizon, method: scoreErrors(actual, method), baseline: scoreErrors(actual, baseline) };
}
