/**
 * `npm run bench -- forecast [--seeds=16] [--weeks=6] [--origins=14] [--out=forecast]` (issue 14 acceptance a): the
 * forecast's rolling-origin backtest on generated seasonal data (src/contexts/workload/domain/seasonal-generator.ts:
 * daily and weekly seasons, trend, peak days, 15% noise; seeds 14, 15, …). Per seed: Holt–Winters on log(1 + lines) (the
 * method the plan uses) and the naive seasonal baseline (the same hour a week before), WAPE and MAPE of both, computed
 * here from the forecasts — nothing is hard-coded. Writes bench/results/<out>.json.
 */
import { backtest } from '../src/contexts/workload/domain/forecast.ts';
import { seasonalSeries } from '../src/contexts/workload/domain/seasonal-generator.ts';
import { machine, writeResult } from './machine.ts';
import { numberArg, stringArg } from './support.ts';

interface Scores { wape: number; mape: number }
interface SeedRow { seed: number; hours: number; origins: number; horizonHours: number; holtWinters: Scores; naiveSeasonal: Scores; backtestMs: number }

export async function main(args: string[]): Promise<void> {
  const seeds = numberArg(args, 'seeds', 16);
  const weeks = numberArg(args, 'weeks', 6);
  const origins = numberArg(args, 'origins', 14);
  const rows: SeedRow[] = [];
  for (let i = 0; i < seeds; i++) {
    const seed = 14 + i;
    const y = seasonalSeries({ seed, weeks });
    const t0 = performance.now();
    const r = backtest(y, origins, 24);
    const ms = performance.now() - t0;
    if (r === null) throw new Error(`seed ${seed}: history too short for a backtest`);
    const row = {
      seed, hours: y.length, origins: r.origins, horizonHours: r.horizonHours,
      holtWinters: { wape: +r.method.wape.toFixed(4), mape: +r.method.mape.toFixed(4) },
      naiveSeasonal: { wape: +r.baseline.wape.toFixed(4), mape: +r.baseline.mape.toFixed(4) },
      backtestMs: +ms.toFixed(1),
    };
    rows.push(row);
    console.log(`seed ${seed}: Holt–Winters WAPE ${(row.holtWinters.wape * 100).toFixed(1)}% MAPE ${(row.holtWinters.mape * 100).toFixed(1)}% | `
      + `naive seasonal WAPE ${(row.naiveSeasonal.wape * 100).toFixed(1)}% MAPE ${(row.naiveSeasonal.mape * 100).toFixed(1)}% (${row.backtestMs} ms)`);
  }
  const beats = rows.filter((r) => r.holtWinters.wape < r.naiveSeasonal.wape).length;
  const mean = (f: (r: SeedRow) => number): number => +(rows.reduce((s, r) => s + f(r), 0) / rows.length).toFixed(4);
  const result = {
    benchmark: 'forecast', machine: machine(),
    data: `seasonalSeries({ seed, weeks: ${weeks} }) — hourly lines with daily and weekly seasons, trend, peak days, 15% noise`,
    method: `rolling origin: the last ${origins} days, each fitted on everything before its midnight and forecast 24 h ahead`,
    seeds: rows,
    mean: { holtWinters: { wape: mean((r) => r.holtWinters.wape), mape: mean((r) => r.holtWinters.mape) }, naiveSeasonal: { wape: mean((r) => r.naiveSeasonal.wape), mape: mean((r) => r.naiveSeasonal.mape) } },
    target: { meanWapeBelowBaseline: mean((r) => r.holtWinters.wape) < mean((r) => r.naiveSeasonal.wape), seedsBeaten: beats, seeds: rows.length },
  };
  console.log(`Holt–Winters beats the naive seasonal baseline on WAPE for ${beats} of ${rows.length} seeds; mean WAPE ${(result.mean.holtWinters.wape * 100).toFixed(1)}% vs ${(result.mean.naiveSeasonal.wape * 100).toFixed(1)}%`);
  console.log(`written to ${writeResult(stringArg(args, 'out', 'forecast'), result)}`);
}
