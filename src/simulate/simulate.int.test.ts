import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../platform/clock.ts';
import { startTestApp, type TestApp } from '../../test/support/test-app.ts';
import { inProcessClient } from './client.ts';
import { PICK_ZONE, runSimulation } from './engine.ts';
import { buildReport, LABOUR_HOURS_TOLERANCE, reportCharts, reportMarkdown, type SimulationReport } from './report.ts';
import { buildScenario, type ScenarioInput } from './scenario.ts';

/**
 * Issue 14 acceptance (b) and (c) on a scaled-down day: 150 order lines arriving 06:00–07:00 at a 6-aisle site, one
 * picker and one packer from 06:00, through the real flow on PostgreSQL with a simulated clock (ADR 0038).
 */
const clock = manualClock(new Date('2026-03-01T00:00:00Z'));
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t.close();
});

/** The what-if's tolerance (docs/operations/workload.md): the simulated gain within ±30 % of the plan's. */
const WHAT_IF_TOLERANCE = 0.3;
const PROBE_MIN = 7 * 60;

const smallDay = (code: string, day: string, extraPickers: number): ScenarioInput => ({
  seed: 7, lines: 150, day, site: { code, aisles: 6, bays: 10, levels: 2, skus: 40 },
  profile: Array.from({ length: 24 }, (_, h) => (h === 6 ? 1 : 0)),
  shifts: [
    { role: 'picker', count: 1, fromMin: 360, toMin: 840, breakAfterMin: 240, breakMin: 30 },
    ...(extraPickers > 0 ? [{ role: 'picker' as const, count: extraPickers, fromMin: PROBE_MIN, toMin: 840, breakAfterMin: 240, breakMin: 30 }] : []),
    // Three packers: packing never holds the last order back, so the day's finish is the picking's, in the plan and here.
    // Their break is 06:30–07:00, in the middle of the work, before the what-if's hour (so it is the same in both days).
    { role: 'packer', count: 3, fromMin: 360, toMin: 840, breakAfterMin: 30, breakMin: 30 },
  ],
  cutoffMin: 9 * 60, cutoffLeadMin: 60, waveEveryMin: 15,
});

describe('paklog simulate on a small day', () => {
  let base: SimulationReport;

  it('carries every order through the real flow to SHIPPED; the report adds up; planned labour hours match simulated within the tolerance', async () => {
    const result = await runSimulation(inProcessClient(t.app, t.keys.admin, clock), buildScenario(smallDay('SIMA', '2026-03-02', 0)),
      { probe: { atMin: PROBE_MIN, zone: PICK_ZONE, add: 2, fromHour: 7, calibrateTravel: true } });
    base = buildReport(result);
    const r = base.result;
    expect(r.lines).toBe(150);
    expect(r.ordersShipped).toBe(r.orders);
    expect(r.fromPakLog.ordersShipped).toBe(r.orders); // PakLog's own list agrees
    expect(r.linesPicked).toBe(r.lines);
    expect(r.hours.reduce((s, h) => s + h.linesArrived, 0)).toBe(r.lines);
    expect(r.hours.reduce((s, h) => s + h.linesPicked, 0)).toBe(r.lines);
    expect(r.hours.reduce((s, h) => s + h.ordersShipped, 0)).toBe(r.orders);
    expect(r.hours.slice(0, 6).every((h) => h.linesArrived === 0) && r.hours[6]!.linesArrived).toBe(150);
    const last = r.queues[r.queues.length - 1]!;
    expect(last.awaitingRelease + last.awaitingPick).toBe(0);
    expect(Math.max(...r.queues.map((q) => q.awaitingPick + q.awaitingRelease))).toBeGreaterThan(10); // one picker: a queue stands
    expect(base.utilisation.pickers).toBeGreaterThan(0.2);
    expect(base.utilisation.pickers).toBeLessThanOrEqual(1);
    expect(r.cutoff.due).toBe(r.orders); // all arrived by 08:00
    expect(r.cutoff.compliance).toBeGreaterThan(0);
    expect(r.cutoff.compliance).toBeLessThanOrEqual(1);
    expect(base.travel.metresPerPickList).toBeGreaterThan(0);
    // Breaks: every worker's 30 minutes (the picker's at 10:00, idle by then); the packers go back to work after theirs.
    expect(r.busy.breakS).toBe(4 * 30 * 60);
    // A packer busy at 06:30 takes the break when the order in hand is done: hours 6 and 7 lose 3 × 30 minutes between them.
    expect(r.hours[6]!.packOnShiftS).toBeLessThan(3 * 3600 - 3 * 15 * 60);
    expect(r.hours[6]!.packOnShiftS + r.hours[7]!.packOnShiftS).toBeCloseTo(2 * 3 * 3600 - 3 * 30 * 60, 6);
    expect(r.hours[7]!.ordersShipped).toBeGreaterThan(0);
    // PakLog recorded the picks' times on the simulated clock: its observed hours are the simulated ones.
    expect(base.labour.observedPick).toBeCloseTo(base.labour.simulatedPick, 1);
    // (b) planned from the standards vs simulated.
    expect(Math.abs(base.labour.deviation)).toBeLessThanOrEqual(LABOUR_HOURS_TOLERANCE);
    expect(base.labour.withinTolerance).toBe(true);
    const md = reportMarkdown(base, Object.keys(reportCharts(base, 'small')));
    expect(md).toContain('## Labour hours: planned from the standards against simulated');
    expect(md).toContain(`${r.orders} / ${r.fromPakLog.ordersShipped}`);
    const svg = reportCharts(base, 'small')['small-throughput.svg']!;
    expect(svg.startsWith('<svg')).toBe(true);
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(3);
  }, 180_000);

  it('(c) the what-if (+2 pickers at 07:00) moves the finish the same way as a second simulation with them, by an amount within the tolerance', async () => {
    const w = base.whatIf!;
    expect(base.result.whatIf!.travelPerLineM).toBeGreaterThan(0);
    expect(w.planBeforeMin).not.toBeNull();
    expect(w.planAfterMin).not.toBeNull();
    const planGain = w.planBeforeMin! - w.planAfterMin!;
    expect(planGain).toBeGreaterThan(0);

    const more = buildReport(await runSimulation(inProcessClient(t.app, t.keys.admin, clock), buildScenario(smallDay('SIMC', '2026-03-03', 2))));
    expect(more.result.ordersShipped).toBe(more.result.orders);
    const simGain = base.result.lastShipMin! - more.result.lastShipMin!;
    const figures = JSON.stringify({ planBefore: w.planBeforeMin, planAfter: w.planAfterMin, simBefore: base.result.lastShipMin, simAfter: more.result.lastShipMin, planGain, simGain });
    expect(simGain, figures).toBeGreaterThan(0);
    expect(Math.abs(simGain - planGain), figures).toBeLessThanOrEqual(WHAT_IF_TOLERANCE * planGain);
  }, 180_000);
});
