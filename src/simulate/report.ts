/** The simulation's report: figures as JSON, the same as Markdown with SVG charts (ADR 0038). Pure. */
import type { SimulationResult, WhatIfAnswer } from './engine.ts';
import { chart } from './svg.ts';

/**
 * How far the planned labour hours (PakLog's standards applied to the work the day produced) may be from the hours the
 * simulated people worked, as a share of the simulated hours. The operators' mean times are the site's standards;
 * what the standards leave out is each worker's own speed (lognormal spread), each task's variation and, for the plan's
 * estimate before release, the real route against metres per line. Checked by src/simulate/simulate.int.test.ts.
 */
export const LABOUR_HOURS_TOLERANCE = 0.05;

export interface LabourHours {
  /** Standard hours of the work done, from PakLog: PICK from `GET /workload/performance` (routed travel), PACK from `GET /workload/standards`. */
  readonly plannedPick: number;
  readonly plannedPack: number;
  readonly planned: number;
  /** Hours the simulated pickers and packers were busy (breaks and idle time excluded). */
  readonly simulatedPick: number;
  readonly simulatedPack: number;
  readonly simulated: number;
  /** (planned − simulated) ÷ simulated. */
  readonly deviation: number;
  readonly withinTolerance: boolean;
  /** PICK hours PakLog observed (task started → completed, on its clock). */
  readonly observedPick: number;
  /** The plan's estimate before release: the same work with metres per line instead of the routes. */
  readonly plannedBeforeRouting: number;
}

export interface SimulationReport {
  readonly result: SimulationResult;
  readonly labour: LabourHours;
  readonly throughput: { readonly linesPerHourPeak: number; readonly ordersShippedPerHourPeak: number; readonly finishedAt: string | null };
  readonly utilisation: { readonly pickers: number; readonly packers: number };
  readonly travel: { readonly totalKm: number; readonly metresPerLine: number; readonly metresPerPickList: number };
  readonly whatIf: null | WhatIfComparison;
}

export interface WhatIfComparison {
  readonly zone: string;
  readonly add: number;
  readonly fromHour: number;
  /**
   * When the plan finishes today's open orders (its carrier's finish: the orders known at the time of asking) before and
   * after adding the heads, minutes after midnight. The zone's own finish also counts forecast work, which has no carrier.
   */
  readonly planBeforeMin: number | null;
  readonly planAfterMin: number | null;
  readonly zoneBeforeMin: number | null;
  readonly zoneAfterMin: number | null;
}

const hours = (s: number): number => Math.round((s / 3600) * 100) / 100;
export const clock = (min: number | null): string => (min === null ? '—' : `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.floor(min % 60)).padStart(2, '0')}`);
const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

/** Minutes after the day's midnight of an ISO instant (null stays null). */
export function minutesOfDay(day: string, iso: string | null): number | null {
  return iso === null ? null : (new Date(iso).getTime() - new Date(`${day}T00:00:00Z`).getTime()) / 60_000;
}

export function buildReport(r: SimulationResult): SimulationReport {
  const std = (t: string) => r.fromPakLog.standards.find((s) => s.taskType === t);
  const perf = (t: string) => r.fromPakLog.performance.find((p) => p.taskType === t);
  const share = r.orders === 0 ? 0 : r.ordersShipped / r.orders;
  const pack = std('PACK');
  const packS = pack === undefined ? 0
    : share * (pack.fixedS * r.orders + pack.perLineS * r.lines + pack.perUnitS * r.units + (pack.travelPerLineM * r.lines) / pack.walkSpeedMps);
  const pick = std('PICK');
  const pickedShare = r.lines === 0 ? 0 : r.linesPicked / r.lines;
  const pickBeforeRoutingS = pick === undefined ? 0
    : pickedShare * (pick.fixedS * r.orders + pick.perLineS * r.lines + pick.perUnitS * r.units + (pick.travelPerLineM * r.lines) / pick.walkSpeedMps);
  const plannedPickS = perf('PICK')?.standardS ?? 0;
  const planned = hours(plannedPickS + packS);
  const simulated = hours(r.busy.pickS + r.busy.packS);
  const deviation = simulated === 0 ? 0 : (planned - simulated) / simulated;
  const onShift = (f: 'pickOnShiftS' | 'packOnShiftS') => r.hours.reduce((s, h) => s + h[f], 0);
  const whatIf = r.whatIf === null ? null : (() => {
    const zoneOf = (side: WhatIfAnswer['before']) => side.zones.find((z) => z.zone === r.whatIf!.probe.zone)?.finishAt ?? null;
    const carrierOf = (side: WhatIfAnswer['before']) => side.carriers.find((c) => c.carrier === 'OWN_FLEET')?.finishAt ?? null;
    const { answer } = r.whatIf;
    return {
      zone: r.whatIf.probe.zone, add: r.whatIf.probe.add, fromHour: r.whatIf.probe.fromHour,
      planBeforeMin: minutesOfDay(r.day, carrierOf(answer.before)), planAfterMin: minutesOfDay(r.day, carrierOf(answer.after)),
      zoneBeforeMin: minutesOfDay(r.day, zoneOf(answer.before)), zoneAfterMin: minutesOfDay(r.day, zoneOf(answer.after)),
    };
  })();
  return {
    result: r,
    labour: {
      plannedPick: hours(plannedPickS), plannedPack: hours(packS), planned, simulatedPick: hours(r.busy.pickS), simulatedPack: hours(r.busy.packS), simulated,
      deviation: Math.round(deviation * 10_000) / 10_000, withinTolerance: Math.abs(deviation) <= LABOUR_HOURS_TOLERANCE,
      observedPick: hours(perf('PICK')?.observedS ?? 0), plannedBeforeRouting: hours(pickBeforeRoutingS + packS),
    },
    throughput: {
      linesPerHourPeak: Math.max(0, ...r.hours.map((h) => h.linesPicked)), ordersShippedPerHourPeak: Math.max(0, ...r.hours.map((h) => h.ordersShipped)),
      finishedAt: r.lastShipMin === null ? null : clock(r.lastShipMin),
    },
    utilisation: {
      pickers: onShift('pickOnShiftS') === 0 ? 0 : Math.round((r.busy.pickS / onShift('pickOnShiftS')) * 1000) / 1000,
      packers: onShift('packOnShiftS') === 0 ? 0 : Math.round((r.busy.packS / onShift('packOnShiftS')) * 1000) / 1000,
    },
    travel: {
      totalKm: Math.round(r.travelM / 100) / 10, metresPerLine: r.linesPicked === 0 ? 0 : Math.round((r.travelM / r.linesPicked) * 10) / 10,
      metresPerPickList: r.pickLists === 0 ? 0 : Math.round((r.travelM / r.pickLists) * 10) / 10,
    },
    whatIf,
  };
}

/** The report's charts, by file name. */
export function reportCharts(rep: SimulationReport, prefix: string): Record<string, string> {
  const r = rep.result;
  const hx = r.hours.map((h) => String(h.hour).padStart(2, '0'));
  const cutoffAt = r.cutoff.cutoffMin / 60;
  const util = (busy: number, on: number): number => (on <= 0 ? 0 : Math.round((busy / on) * 100));
  return {
    [`${prefix}-throughput.svg`]: chart({
      title: 'Throughput per hour', kind: 'bars', x: hx, yLabel: 'per hour', markers: [{ at: cutoffAt, label: `cut-off ${clock(r.cutoff.cutoffMin)}` }],
      series: [
        { name: 'order lines arrived', values: r.hours.map((h) => h.linesArrived) },
        { name: 'order lines picked', values: r.hours.map((h) => h.linesPicked) },
        { name: 'orders shipped', values: r.hours.map((h) => h.ordersShipped) },
      ],
    }),
    [`${prefix}-utilisation.svg`]: chart({
      title: 'Utilisation per hour (busy ÷ on shift, breaks excluded)', kind: 'lines', x: hx, yLabel: '%',
      series: [
        { name: 'pickers', values: r.hours.map((h) => util(h.pickBusyS, h.pickOnShiftS)) },
        { name: 'packers', values: r.hours.map((h) => util(h.packBusyS, h.packOnShiftS)) },
      ],
    }),
    [`${prefix}-queues.svg`]: chart({
      title: 'Orders waiting, every 15 minutes', kind: 'lines', x: r.queues.map((q) => clock(q.min)), yLabel: 'orders',
      markers: [{ at: r.cutoff.cutoffMin / 15, label: `cut-off ${clock(r.cutoff.cutoffMin)}` }],
      series: [
        { name: 'awaiting release', values: r.queues.map((q) => q.awaitingRelease) },
        { name: 'awaiting pick', values: r.queues.map((q) => q.awaitingPick) },
        { name: 'awaiting pack', values: r.queues.map((q) => q.awaitingPack) },
      ],
    }),
  };
}

export function reportMarkdown(rep: SimulationReport, chartFiles: readonly string[], title = 'Simulated day'): string {
  const r = rep.result;
  const l = rep.labour;
  const rate = r.wallSeconds > 0 ? r.lines / r.wallSeconds : 0;
  const lines = [
    `# ${title}: ${r.day}, ${r.lines.toLocaleString('en')} order lines`,
    '',
    `Made by \`paklog simulate\` (ADR 0038): every order went through PakLog's REST API — created, allocated, waved, released, `
      + 'claimed with `POST /tasks/next`, picked line by line, packed, booked and dispatched — at simulated times; the people, '
      + 'their walking and the arrivals are simulated.',
    '',
    '| figure | value |',
    '|---|---|',
    `| orders / lines / units | ${r.orders} / ${r.lines} / ${r.units} |`,
    `| orders shipped (simulator / PakLog's \`GET /orders?status=SHIPPED\`) | ${r.ordersShipped} / ${r.fromPakLog.ordersShipped} |`,
    `| waves released / pick lists | ${r.waves} / ${r.pickLists} |`,
    `| first arrival / last pick / last shipment | ${clock(r.firstArrivalMin)} / ${clock(r.lastPickMin)} / ${clock(r.lastShipMin)} |`,
    `| cut-off ${clock(r.cutoff.cutoffMin)}: orders due (arrived by ${clock(r.cutoff.cutoffMin - r.cutoff.leadMin)}) / shipped by the cut-off | ${r.cutoff.due} / ${r.cutoff.shippedByCutoff} (**${pct(r.cutoff.compliance)}**) |`,
    `| peak lines picked per hour / orders shipped per hour | ${rep.throughput.linesPerHourPeak} / ${rep.throughput.ordersShippedPerHourPeak} |`,
    `| utilisation pickers / packers (busy ÷ on shift, breaks excluded) | ${pct(rep.utilisation.pickers)} / ${pct(rep.utilisation.packers)} |`,
    `| travel: total / per line / per pick list | ${rep.travel.totalKm} km / ${rep.travel.metresPerLine} m / ${rep.travel.metresPerPickList} m |`,
    `| run: wall time / API calls / order lines per second | ${r.wallSeconds.toFixed(1)} s / ${r.apiCalls} / ${rate.toFixed(1)} |`,
    '',
    '## Labour hours: planned from the standards against simulated',
    '',
    '| | picking | packing | total |',
    '|---|---|---|---|',
    `| planned from PakLog's standards (PICK: \`GET /workload/performance\` standard seconds, routed travel; PACK: \`GET /workload/standards\`) | ${l.plannedPick} h | ${l.plannedPack} h | **${l.planned} h** |`,
    `| simulated (busy) | ${l.simulatedPick} h | ${l.simulatedPack} h | **${l.simulated} h** |`,
    `| PakLog observed (task started → completed) | ${l.observedPick} h | | |`,
    `| the plan's estimate before routing (metres per line instead of routes) | | | ${l.plannedBeforeRouting} h |`,
    '',
    `Deviation (planned − simulated) ÷ simulated: **${pct(l.deviation)}**; tolerance ±${pct(LABOUR_HOURS_TOLERANCE)}: ${l.withinTolerance ? 'within' : '**outside**'}. `
      + `Learned corrections after the day: ${r.fromPakLog.corrections.filter((c) => c.taskType === 'PICK' || c.taskType === 'PACK').map((c) => `${c.taskType} ${c.factor}`).join(', ') || '—'}.`,
    '',
  ];
  if (rep.whatIf !== null) {
    const w = rep.whatIf;
    lines.push('## What-if asked during the day', '',
      `At ${clock(r.whatIf!.probe.atMin)}: ${w.add} more in zone ${w.zone} from ${String(w.fromHour).padStart(2, '0')}:00 → the plan finishes the open orders `
        + `at ${clock(w.planBeforeMin)} → ${clock(w.planAfterMin)} (zone ${w.zone} with forecast work: ${clock(w.zoneBeforeMin)} → ${clock(w.zoneAfterMin)})${r.whatIf!.travelPerLineM === null ? '' : ` (PICK metres per line calibrated to ${r.whatIf!.travelPerLineM} m first)`}.`, '');
  }
  lines.push('## Charts', '', ...chartFiles.map((f) => `![${f}](${f})`), '');
  return lines.join('\n');
}
