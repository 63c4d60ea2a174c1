/**
 * The discrete-event simulation of a day at a site (ADR 0038). Simulated are the outside world and the people: order
 * arrivals, pickers walking the pick lists' routes and scanning, packers, shifts and breaks. Real is everything PakLog
 * does: every order is created, allocated, waved, released, claimed through `POST /tasks/next`, picked line by line,
 * packed, booked and dispatched through the REST API, at the simulated time (in-process, PakLog's clock is set to each
 * event's time before it is handled). Events are handled one at a time in time order (a binary heap, ties in the
 * order they were scheduled), and after each the simulator waits for PakLog to handle the events it caused.
 */
import { mulberry32 } from '../optimize/random.ts';
import { ApiError, type PakLogClient } from './client.ts';
import { EventQueue } from './event-queue.ts';
import { lognormalFactor, type Scenario, type SimOrder, type SimWorker } from './scenario.ts';

const MIN_MS = 60_000;
/** The zone of the generated layout's storage (location-master's layout generator): where the pickers are rostered. */
export const PICK_ZONE = 'A';
/** Orders per planned wave (the waves API takes up to 1,000). */
const WAVE_SIZE = 200;
/** Minutes between samples of the queues. */
export const SAMPLE_EVERY_MIN = 15;
/** Real time to wait before retrying a request refused with 429. */
const RATE_LIMITED_WAIT_MS = 2_000;
/** A day that has not finished by then stops (work left is reported). */
const HORIZON_MIN = 48 * 60;

export interface WhatIfProbe {
  /** When (minutes after midnight) the manager asks. */
  readonly atMin: number;
  readonly zone: string;
  readonly add: number;
  readonly fromHour: number;
  /** Before asking, set the PICK standard's metres per line to the day's routed metres per line so far (performance API). */
  readonly calibrateTravel: boolean;
}

export interface SimulationOptions {
  readonly probe?: WhatIfProbe;
  readonly onProgress?: (p: { simMin: number; linesPicked: number; linesTotal: number; ordersShipped: number; ordersTotal: number }) => void;
}

/** `GET /workload/what-if`'s answer, the parts the report reads. */
export interface WhatIfAnswer {
  readonly before: WhatIfSide;
  readonly after: WhatIfSide;
}
interface WhatIfSide {
  readonly zones: readonly { readonly zone: string; readonly finishAt: string | null; readonly workHours: number; readonly leftHours: number }[];
  readonly carriers: readonly { readonly carrier: string; readonly finishAt: string | null; readonly missed: boolean }[];
}

export interface HourStats {
  hour: number;
  linesArrived: number;
  linesPicked: number;
  ordersShipped: number;
  pickBusyS: number;
  pickOnShiftS: number;
  packBusyS: number;
  packOnShiftS: number;
  travelM: number;
}

export interface QueueSample {
  readonly min: number;
  /** Orders received and not yet on a released wave. */
  readonly awaitingRelease: number;
  /** Orders on a released wave, not yet picked. */
  readonly awaitingPick: number;
  /** Orders picked, not yet shipped. */
  readonly awaitingPack: number;
  readonly idlePickers: number;
}

export interface SimulationResult {
  readonly siteId: string;
  readonly day: string;
  readonly orders: number;
  readonly lines: number;
  readonly units: number;
  readonly ordersShipped: number;
  readonly linesPicked: number;
  readonly pickLists: number;
  readonly waves: number;
  readonly firstArrivalMin: number;
  readonly lastPickMin: number | null;
  readonly lastShipMin: number | null;
  readonly cutoff: { readonly cutoffMin: number; readonly leadMin: number; readonly due: number; readonly shippedByCutoff: number; readonly compliance: number };
  readonly busy: { readonly pickS: number; readonly packS: number; readonly breakS: number };
  readonly travelM: number;
  readonly hours: HourStats[];
  readonly queues: QueueSample[];
  readonly apiCalls: number;
  readonly wallSeconds: number;
  readonly whatIf: null | { readonly probe: WhatIfProbe; readonly travelPerLineM: number | null; readonly answer: WhatIfAnswer };
  /** What PakLog recorded, read back through its API after the day. */
  readonly fromPakLog: {
    readonly performance: { taskType: string; tasks: number; observedS: number; standardS: number }[];
    readonly standards: { taskType: string; fixedS: number; perLineS: number; perUnitS: number; travelPerLineM: number; walkSpeedMps: number }[];
    readonly corrections: { taskType: string; factor: number }[];
    /** Orders PakLog lists as SHIPPED at the site. */
    readonly ordersShipped: number;
  };
}

type Ev =
  | { kind: 'arrive'; order: SimOrder; index: number }
  | { kind: 'wave' }
  | { kind: 'free'; worker: number }
  | { kind: 'breakEnd'; worker: number }
  | { kind: 'pickDone'; worker: number; taskId: string; list: PickListView; startMin: number }
  | { kind: 'packDone'; worker: number; order: number; startMin: number }
  | { kind: 'sample' }
  | { kind: 'probe' };

interface PickListView {
  id: string;
  orderIds: string[];
  routeLength: number | null;
  lines: { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string }[];
}

export async function runSimulation(client: PakLogClient, scenario: Scenario, options: SimulationOptions = {}): Promise<SimulationResult> {
  const wall0 = performance.now();
  const { input, times } = scenario;
  const dayStart = new Date(`${input.day}T00:00:00.000Z`).getTime();
  const rng = mulberry32(input.seed ^ 0x5bd1e995);
  let apiCalls = 0;
  const call = async <T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, accept: readonly number[] = [200, 201]): Promise<{ status: number; body: T }> => {
    apiCalls++;
    let res = await client.request<T>(method, url, body);
    // A running PakLog limits requests per key and minute (ADR 0018): wait as any client would, then try again.
    for (let tries = 0; res.status === 429 && tries < 120; tries++) {
      await new Promise((r) => setTimeout(r, RATE_LIMITED_WAIT_MS));
      res = await client.request<T>(method, url, body);
    }
    if (!accept.includes(res.status)) throw new ApiError(`${method} ${url} → ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
    return res;
  };
  /** Every item of a cursor-paged list. */
  const all = async <T>(url: string): Promise<T[]> => {
    const items: T[] = [];
    for (let cursor: string | null = null; ;) {
      const page: { items: T[]; nextCursor: string | null } = (await call<{ items: T[]; nextCursor: string | null }>('GET',
        `${url}${url.includes('?') ? '&' : '?'}limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`)).body;
      items.push(...page.items);
      if ((cursor = page.nextCursor) === null) return items;
    }
  };
  const at = (min: number): Date => new Date(dayStart + min * MIN_MS);
  const wallFrom = new Date();
  client.setTime(at(0));

  // ---- the site, its products, its stock, its cut-off and roster: set up before the day through the API ----
  const site = (await call<{ id: string }>('POST', '/api/v1/sites', { code: input.site.code, name: `Simulated ${input.site.code}` })).body;
  await call('POST', `/api/v1/sites/${site.id}/layout`, { aisles: input.site.aisles, bays: input.site.bays, levels: input.site.levels, packStations: 2 });
  const faces = await all<{ id: string; code: string }>(`/api/v1/sites/${site.id}/locations?type=PICK_FACE`);
  if (faces.length < scenario.skus.length) throw new Error(`${scenario.skus.length} SKUs need as many pick faces; the layout has ${faces.length}`);
  for (const [i, sku] of scenario.skus.entries()) {
    await call('POST', '/api/v1/products', {
      sku, description: `Simulated product ${i + 1}`, uom: 'EA', lengthMm: 100 + (i % 5) * 40, widthMm: 80 + (i % 3) * 30, heightMm: 50 + (i % 4) * 20, weightG: 200 + (i % 7) * 100,
    });
    const need = scenario.demand.get(sku) ?? 0;
    if (need > 0) await call('POST', '/api/v1/inventory/receipts', { siteId: site.id, sku, locationId: faces[i]!.id, quantity: need });
  }
  const hhmm = (min: number): string => `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(Math.round(min % 60)).padStart(2, '0')}`;
  await call('PUT', `/api/v1/sites/${site.id}/carrier-cutoffs`, { cutoffs: [{ carrier: 'OWN_FLEET', cutoff: hhmm(input.cutoffMin) }] });
  await call('PUT', '/api/v1/workload/roster', {
    siteId: site.id, day: input.day,
    shifts: scenario.workers.map((w) => ({ workerId: w.id, zone: w.role === 'packer' ? 'PACK' : PICK_ZONE, from: hhmm(w.fromMin), to: w.toMin >= 1440 ? '24:00' : hhmm(w.toMin) })),
  });
  await client.settle();

  // ---- the day ----
  const queue = new EventQueue<Ev>();
  scenario.orders.forEach((order, index) => queue.push(order.arriveMin, { kind: 'arrive', order, index }));
  const firstArrivalMin = scenario.orders[0]?.arriveMin ?? 0;
  queue.push(Math.ceil(firstArrivalMin / input.waveEveryMin) * input.waveEveryMin, { kind: 'wave' });
  queue.push(0, { kind: 'sample' });
  if (options.probe !== undefined) queue.push(options.probe.atMin, { kind: 'probe' });
  scenario.workers.forEach((w, i) => {
    queue.push(w.fromMin, { kind: 'free', worker: i });
    if (w.breakAtMin !== null) queue.push(w.breakAtMin, { kind: 'free', worker: i });
  });

  const nOrders = scenario.orders.length;
  const orderId: (string | undefined)[] = new Array<string | undefined>(nOrders);
  const indexOf = new Map<string, number>();
  const released = new Set<number>();
  const picked = new Set<number>();
  const shippedAt: (number | undefined)[] = new Array<number | undefined>(nOrders);
  const packQueue: number[] = [];
  let arrived = 0;
  let linesPicked = 0;
  let shipped = 0;
  let pickLists = 0;
  let waves = 0;
  let travelM = 0;
  let lastPickMin: number | null = null;
  let lastShipMin: number | null = null;
  const busy = { pickS: 0, packS: 0, breakS: 0 };
  const totalLines = scenario.orders.reduce((s, o) => s + o.lines.length, 0);
  const totalUnits = scenario.orders.reduce((s, o) => s + o.lines.reduce((u, l) => u + l.quantity, 0), 0);
  const hours: HourStats[] = Array.from({ length: HORIZON_MIN / 60 }, (_, hour) => ({
    hour, linesArrived: 0, linesPicked: 0, ordersShipped: 0, pickBusyS: 0, pickOnShiftS: 0, packBusyS: 0, packOnShiftS: 0, travelM: 0,
  }));
  /** Adds the seconds of [fromMin, toMin) to each hour they fall in. */
  const spread = (fromMin: number, toMin: number, field: 'pickBusyS' | 'pickOnShiftS' | 'packBusyS' | 'packOnShiftS', sign = 1): void => {
    for (let h = Math.max(0, Math.floor(fromMin / 60)); h * 60 < toMin && h < hours.length; h++) {
      const s = Math.max(fromMin, h * 60);
      const e = Math.min(toMin, h * 60 + 60);
      if (e > s) hours[h]![field] += sign * (e - s) * 60;
    }
  };
  const hourOf = (min: number): HourStats => hours[Math.min(hours.length - 1, Math.floor(min / 60))]!;
  for (const w of scenario.workers) spread(w.fromMin, w.toMin, w.role === 'picker' ? 'pickOnShiftS' : 'packOnShiftS');

  type State = 'off' | 'idle' | 'busy' | 'break';
  const state: State[] = scenario.workers.map(() => 'off');
  const breakTaken: boolean[] = scenario.workers.map(() => false);
  const queues: QueueSample[] = [];
  let whatIf: SimulationResult['whatIf'] = null;
  const done = (): boolean => shipped === nOrders;

  const wake = (role: SimWorker['role'], now: number): void => {
    scenario.workers.forEach((w, i) => {
      if (w.role === role && state[i] === 'idle') {
        state[i] = 'off';
        queue.push(now, { kind: 'free', worker: i });
      }
    });
  };

  /** A free worker: off shift, on break, or looking for work. */
  const free = async (i: number, now: number): Promise<void> => {
    const w = scenario.workers[i]!;
    if (state[i] === 'busy' || state[i] === 'break') return;
    if (now < w.fromMin || now >= w.toMin) {
      state[i] = 'off';
      return;
    }
    if (w.breakAtMin !== null && !breakTaken[i] && now >= w.breakAtMin) {
      breakTaken[i] = true;
      state[i] = 'break';
      const end = Math.min(w.toMin, now + w.breakMin);
      busy.breakS += (end - now) * 60;
      spread(now, end, w.role === 'picker' ? 'pickOnShiftS' : 'packOnShiftS', -1);
      queue.push(end, { kind: 'breakEnd', worker: i });
      return;
    }
    if (w.role === 'picker') {
      const next = await call<{ id: string; reference: string }>('POST', '/api/v1/tasks/next', { workerId: w.id, siteId: site.id, types: ['PICK'] }, [200, 204]);
      if (next.status === 204) {
        state[i] = 'idle';
        return;
      }
      await call('POST', `/api/v1/tasks/${next.body.id}/start`, { workerId: w.id });
      const list = (await call<PickListView>('GET', `/api/v1/pick-lists/${next.body.reference}`)).body;
      const lines = list.lines.filter((l) => l.status === 'PENDING');
      const units = lines.reduce((s, l) => s + l.quantity - l.picked, 0);
      const route = list.routeLength ?? 0;
      const handlingS = (times.pickFixedS + times.pickPerLineS * lines.length + times.pickPerUnitS * units) * lognormalFactor(rng, times.taskNoise);
      const walkS = route / (times.walkSpeedMps * w.speed);
      const durationMin = (handlingS + walkS) / 60;
      state[i] = 'busy';
      travelM += route;
      hourOf(now).travelM += route;
      queue.push(now + durationMin, { kind: 'pickDone', worker: i, taskId: next.body.id, list: { ...list, lines }, startMin: now });
      return;
    }
    const order = packQueue.shift();
    if (order === undefined) {
      state[i] = 'idle';
      return;
    }
    const o = scenario.orders[order]!;
    const units = o.lines.reduce((s, l) => s + l.quantity, 0);
    const s = (times.packFixedS + times.packPerLineS * o.lines.length + times.packPerUnitS * units) * lognormalFactor(rng, times.taskNoise) / w.speed;
    state[i] = 'busy';
    queue.push(now + s / 60, { kind: 'packDone', worker: i, order, startMin: now });
  };

  const handle = async (now: number, ev: Ev): Promise<void> => {
    switch (ev.kind) {
      case 'arrive': {
        const o = ev.order;
        const created = await call<{ id: string }>('POST', '/api/v1/orders', {
          externalId: o.ref, siteId: site.id, carrier: 'OWN_FLEET',
          shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' }, lines: o.lines,
        });
        orderId[ev.index] = created.body.id;
        indexOf.set(created.body.id, ev.index);
        arrived++;
        hourOf(now).linesArrived += o.lines.length;
        return;
      }
      case 'wave': {
        await client.settle();
        let any = false;
        for (;;) {
          const wave = await call<{ id: string; orderIds: string[] }>('POST', '/api/v1/waves', { siteId: site.id, maxOrders: WAVE_SIZE }, [201, 422]);
          if (wave.status === 422) break;
          await call('POST', `/api/v1/waves/${wave.body.id}/release`);
          for (const id of wave.body.orderIds) released.add(indexOf.get(id)!);
          waves++;
          any = true;
        }
        if (any) await client.settle();
        // Idle pickers look again when a wave went out, or (over HTTP, where tasks appear after the release's events are
        // handled) while released orders wait to be picked.
        if (any || released.size > picked.size) wake('picker', now);
        if (!done() && now < HORIZON_MIN) queue.push(now + input.waveEveryMin, { kind: 'wave' });
        return;
      }
      case 'free':
        await free(ev.worker, now);
        return;
      case 'breakEnd':
        state[ev.worker] = 'off';
        await free(ev.worker, now);
        return;
      case 'pickDone': {
        const w = scenario.workers[ev.worker]!;
        for (const line of ev.list.lines) {
          await call('POST', `/api/v1/pick-lists/${ev.list.id}/lines/${line.id}/confirm`, {
            locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity - line.picked, toteId: `TOTE-${w.id}`,
          });
        }
        // The pick list's last line may have completed the task already; completing again answers it unchanged.
        await call('POST', `/api/v1/tasks/${ev.taskId}/complete`, { workerId: w.id });
        busy.pickS += (now - ev.startMin) * 60;
        spread(ev.startMin, now, 'pickBusyS');
        linesPicked += ev.list.lines.length;
        hourOf(now).linesPicked += ev.list.lines.length;
        pickLists++;
        lastPickMin = now;
        await client.settle();
        for (const id of ev.list.orderIds) {
          const k = indexOf.get(id);
          if (k === undefined || picked.has(k)) continue;
          picked.add(k);
          packQueue.push(k);
        }
        wake('packer', now);
        state[ev.worker] = 'off';
        await free(ev.worker, now);
        return;
      }
      case 'packDone': {
        const id = orderId[ev.order]!;
        const later = async (): Promise<void> => {
          await client.settle();
          queue.push(now + 1, { kind: 'packDone', worker: ev.worker, order: ev.order, startMin: ev.startMin });
        };
        // Over HTTP PakLog handles the picks' events in the background: the packer waits (a simulated minute at a time)
        // until the order is PICKED, and packs what pack-ship has not packed yet before booking the shipment.
        if (!client.simulatedClock && (await call<{ status: string }>('GET', `/api/v1/orders/${id}`)).body.status !== 'PICKED') return later();
        const pkg = await call('POST', '/api/v1/packages', { orderId: id }, [200, 201, 409]);
        if (pkg.status === 409 && client.simulatedClock) throw new ApiError(`pack ${id} refused: ${JSON.stringify(pkg.body)}`);
        const shipment = await call<{ id: string }>('POST', '/api/v1/shipments', { orderId: id }, [200, 201, 409]);
        if (shipment.status === 409) return later();
        await call('POST', `/api/v1/shipments/${shipment.body.id}/dispatch`);
        busy.packS += (now - ev.startMin) * 60;
        spread(ev.startMin, now, 'packBusyS');
        shippedAt[ev.order] = now;
        shipped++;
        hourOf(now).ordersShipped++;
        lastShipMin = now;
        state[ev.worker] = 'off';
        await free(ev.worker, now);
        return;
      }
      case 'sample':
        queues.push({
          min: now, awaitingRelease: arrived - released.size, awaitingPick: released.size - picked.size, awaitingPack: picked.size - shipped,
          idlePickers: scenario.workers.filter((w, i) => w.role === 'picker' && state[i] === 'idle').length,
        });
        if (!done() && now < HORIZON_MIN) queue.push(now + SAMPLE_EVERY_MIN, { kind: 'sample' });
        return;
      case 'probe': {
        const p = options.probe!;
        await client.settle();
        let travelPerLineM: number | null = null;
        if (p.calibrateTravel) travelPerLineM = await calibrateTravel(call, site.id, client.simulatedClock ? at(0) : wallFrom, client.simulatedClock ? at(now) : new Date());
        const answer = (await call<WhatIfAnswer>('GET', `/api/v1/workload/what-if?siteId=${site.id}&date=${input.day}&zone=${encodeURIComponent(p.zone)}&add=${p.add}&fromHour=${p.fromHour}`)).body;
        whatIf = { probe: p, travelPerLineM, answer };
        return;
      }
      default:
        throw new Error(`unknown event ${JSON.stringify(ev satisfies never)}`);
    }
  };

  const lastShiftEndMin = Math.max(0, ...scenario.workers.map((w) => w.toMin));
  let lastReport = 0;
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    // Past the last shift, with nobody at work, nothing more happens today: what is left is reported as left.
    if (next.at > HORIZON_MIN || (next.at > lastShiftEndMin && !state.includes('busy'))) break;
    client.setTime(at(next.at));
    await handle(next.at, next.event);
    if (options.onProgress !== undefined && (performance.now() - lastReport > 200 || done())) {
      lastReport = performance.now();
      options.onProgress({ simMin: next.at, linesPicked, linesTotal: totalLines, ordersShipped: shipped, ordersTotal: nOrders });
    }
    if (done() && queue.size() === 0) break;
  }
  await client.settle();

  // ---- what PakLog recorded of the day, through its API ----
  const from = client.simulatedClock ? at(0) : wallFrom;
  const to = client.simulatedClock ? at(HORIZON_MIN) : new Date(Date.now() + MIN_MS);
  const performanceRows = await all<{ byTaskType: { taskType: string; tasks: number; observedS: number; standardS: number }[] }>(`/api/v1/workload/performance?siteId=${site.id}&from=${from.toISOString()}&to=${to.toISOString()}`);
  const byType = new Map<string, { taskType: string; tasks: number; observedS: number; standardS: number }>();
  for (const r of performanceRows) {
    for (const t of r.byTaskType) {
      const x = byType.get(t.taskType) ?? { taskType: t.taskType, tasks: 0, observedS: 0, standardS: 0 };
      x.tasks += t.tasks;
      x.observedS += t.observedS;
      x.standardS += t.standardS;
      byType.set(t.taskType, x);
    }
  }
  const standards = (await call<{ standards: SimulationResult['fromPakLog']['standards'] }>('GET', `/api/v1/workload/standards?siteId=${site.id}`)).body.standards;
  const plan = (await call<{ corrections: { taskType: string; factor: number }[] }>('GET', `/api/v1/workload/plan?siteId=${site.id}`, undefined, [200, 422])).body;
  const shipments = (await all<unknown>(`/api/v1/orders?siteId=${site.id}&status=SHIPPED`)).length;

  const due = scenario.orders.map((o, i) => ({ o, i })).filter(({ o }) => o.arriveMin <= input.cutoffMin - input.cutoffLeadMin);
  const shippedByCutoff = due.filter(({ i }) => (shippedAt[i] ?? Infinity) <= input.cutoffMin).length;
  const lastHour = Math.max(Math.ceil((lastShipMin ?? 0) / 60), Math.ceil(Math.max(...scenario.workers.map((w) => w.toMin), 0) / 60));
  return {
    siteId: site.id, day: input.day, orders: nOrders, lines: totalLines, units: totalUnits, ordersShipped: shipped, linesPicked, pickLists, waves,
    firstArrivalMin, lastPickMin, lastShipMin,
    cutoff: { cutoffMin: input.cutoffMin, leadMin: input.cutoffLeadMin, due: due.length, shippedByCutoff, compliance: due.length === 0 ? 1 : shippedByCutoff / due.length },
    busy, travelM, hours: hours.slice(0, Math.min(hours.length, Math.max(24, lastHour))), queues, apiCalls,
    wallSeconds: (performance.now() - wall0) / 1000, whatIf,
    fromPakLog: { performance: [...byType.values()], standards, corrections: Array.isArray(plan?.corrections) ? plan.corrections : [], ordersShipped: shipments },
  };
}

/**
 * The manager's calibration before a what-if: metres walked per picked line so far today (the performance API's
 * routed travel ÷ lines), set as the PICK standard's metres per line, which the plan uses for work not yet routed.
 */
async function calibrateTravel(
  call: <T = unknown>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => Promise<{ status: number; body: T }>,
  siteId: string, from: Date, to: Date,
): Promise<number | null> {
  const perf = (await call<{ items: { lines: number; travelM: number }[] }>('GET',
    `/api/v1/workload/performance?siteId=${siteId}&from=${from.toISOString()}&to=${to.toISOString()}&limit=500`)).body.items;
  const lines = perf.reduce((s, p) => s + p.lines, 0);
  if (lines === 0) return null;
  const perLine = Math.round((perf.reduce((s, p) => s + p.travelM, 0) / lines) * 10) / 10;
  const current = (await call<{ standards: { taskType: string; fixedS: number; perLineS: number; perUnitS: number; walkSpeedMps: number }[] }>('GET',
    `/api/v1/workload/standards?siteId=${siteId}`)).body.standards.find((s) => s.taskType === 'PICK')!;
  await call('PUT', '/api/v1/workload/standards', {
    siteId, taskType: 'PICK', fixedS: current.fixedS, perLineS: current.perLineS, perUnitS: current.perUnitS, travelPerLineM: perLine, walkSpeedMps: current.walkSpeedMps,
  });
  return perLine;
}
