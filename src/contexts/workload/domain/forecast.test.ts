import { describe, expect, it } from 'vitest';
import { backtest, fitBest, forecastFrom, naiveSeasonal, scoreErrors, seasonFor } from './forecast.ts';
import { seasonalSeries } from './seasonal-generator.ts';

describe('the forecast', () => {
  it('scores WAPE and MAPE as defined: MAPE skips hours without work', () => {
    const s = scoreErrors([10, 0, 30], [12, 5, 27]);
    expect(s.wape).toBeCloseTo((2 + 5 + 3) / 40);
    expect(s.mape).toBeCloseTo((0.2 + 0.1) / 2);
  });

  it('is the same series for the same seed, and another for another seed', () => {
    expect(seasonalSeries({ seed: 7, weeks: 1 })).toEqual(seasonalSeries({ seed: 7, weeks: 1 }));
    expect(seasonalSeries({ seed: 8, weeks: 1 })).not.toEqual(seasonalSeries({ seed: 7, weeks: 1 }));
  });

  it('chooses a weekly season with two weeks of history, a daily one with two days, none below', () => {
    expect(seasonFor(336)).toBe(168);
    expect(seasonFor(335)).toBe(24);
    expect(seasonFor(47)).toBeNull();
  });

  it('reproduces a pure seasonal pattern it was fitted on', () => {
    const day = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 100 : 5));
    const y = Array.from({ length: 4 * 24 }, (_, t) => day[t % 24]!);
    const model = fitBest(y);
    expect(model?.season).toBe(24);
    const next = forecastFrom(model!, 24);
    for (let h = 0; h < 24; h += 1) expect(next[h]).toBeCloseTo(day[h]!, 0);
    expect(naiveSeasonal(y, 24)).toEqual(day);
  });

  // Acceptance (a) of issue 14: on the documented generator, fixed seeds, Holt–Winters beats the naive seasonal baseline.
  it('has a lower WAPE than the naive seasonal baseline on generated seasonal data (seed 14; and over seeds 14–18 together)', () => {
    const reports = [14, 15, 16, 17, 18].map((seed) => backtest(seasonalSeries({ seed, weeks: 6 }), 14, 24)!);
    const first = reports[0]!;
    expect(first.origins).toBe(14);
    expect(first.method.hours).toBe(14 * 24);
    expect(first.method.wape).toBeLessThan(first.baseline.wape);
    expect(first.method.wape).toBeGreaterThan(0);
    const mean = (f: (r: (typeof reports)[number]) => number): number => reports.reduce((s, r) => s + f(r), 0) / reports.length;
    expect(mean((r) => r.method.wape)).toBeLessThan(mean((r) => r.baseline.wape));
    expect(mean((r) => r.method.mape)).toBeLessThan(mean((r) => r.baseline.mape));
  });
});
