/** One simulated day end to end: scenario → simulation through a client → report files (JSON, Markdown, SVG). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PakLogClient } from './client.ts';
import { runSimulation, type SimulationOptions } from './engine.ts';
import { buildReport, reportCharts, reportMarkdown, type SimulationReport } from './report.ts';
import { buildScenario, type ScenarioInput } from './scenario.ts';

/** A progress bar on stderr: redrawn in place on a terminal, a line per 10 % otherwise. */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): NonNullable<SimulationOptions['onProgress']> {
  let lastTenth = -1;
  return (p) => {
    const done = p.ordersTotal === 0 ? 1 : p.ordersShipped / p.ordersTotal;
    const hh = String(Math.floor(p.simMin / 60)).padStart(2, '0');
    const mm = String(Math.floor(p.simMin % 60)).padStart(2, '0');
    const text = `${(done * 100).toFixed(1).padStart(5)} % | sim ${hh}:${mm} | lines picked ${p.linesPicked}/${p.linesTotal} | orders shipped ${p.ordersShipped}/${p.ordersTotal}`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(done * width);
      stream.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${text}`);
      if (done >= 1) stream.write('\n');
    } else if (Math.floor(done * 10) > lastTenth) {
      lastTenth = Math.floor(done * 10);
      stream.write(`${text}\n`);
    }
  };
}

export interface SimulateFiles {
  readonly json: string;
  readonly markdown: string;
  readonly charts: readonly string[];
}

/** Runs the day and writes `<name>.json`, `<name>.md` and `<name>-*.svg` into `outDir`. */
export async function simulateDay(client: PakLogClient, input: ScenarioInput, o: { outDir: string; name: string; title?: string } & SimulationOptions): Promise<{ report: SimulationReport; files: SimulateFiles }> {
  const result = await runSimulation(client, buildScenario(input), o);
  const report = buildReport(result);
  mkdirSync(o.outDir, { recursive: true });
  const charts = reportCharts(report, o.name);
  for (const [file, svg] of Object.entries(charts)) writeFileSync(join(o.outDir, file), svg);
  const json = join(o.outDir, `${o.name}.json`);
  const markdown = join(o.outDir, `${o.name}.md`);
  writeFileSync(json, `${JSON.stringify({ scenario: input, ...report }, null, 2)}\n`);
  writeFileSync(markdown, reportMarkdown(report, Object.keys(charts), o.title));
  return { report, files: { json, markdown, charts: Object.keys(charts).map((f) => join(o.outDir, f)) } };
}
