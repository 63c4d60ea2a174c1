/**
 * Drives the order-to-ship flow through the public HTTP API only. Shared by the end-to-end test and `npm run bench -- flow`,
 * so the benchmark measures exactly what the test proves.
 */
import type { PakLogApp } from '../../src/app.ts';

export interface Call {
  <T = any>(step: string, method: 'GET' | 'POST', url: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** An in-process client (fastify inject) that records the latency of every call per step. */
export function injectClient(app: PakLogApp, key: string, timings?: Map<string, number[]>): Call {
  return async (step, method, url, body) => {
    const t0 = performance.now();
    const res = await app.http.inject({ method, url, headers: { 'x-api-key': key }, ...(body === undefined ? {} : { payload: body as object }) });
    const elapsed = performance.now() - t0;
    if (timings !== undefined) {
      const list = timings.get(step) ?? [];
      list.push(elapsed);
      timings.set(step, list);
    }
    const parsed: unknown = res.body === '' ? undefined : JSON.parse(res.body);
    return { status: res.statusCode, body: parsed as any };
  };
}

async function ok<T = any>(call: Call, step: string, method: 'GET' | 'POST', url: string, body?: unknown, expected: readonly number[] = [200, 201]): Promise<T> {
  const res = await call<T>(step, method, url, body);
  if (!expected.includes(res.status)) throw new Error(`${step}: ${method} ${url} → ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function gtin13(n: number): string {
  const body = `400${String(n).padStart(9, '0')}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export interface Warehouse {
  siteId: string;
  storage: { id: string; code: string }[];
  products: { sku: string; gtin: string }[];
}

export async function setupWarehouse(call: Call, o: { siteCode: string; aisles: number; bays: number; levels: number; skus: number }): Promise<Warehouse> {
  const site = await ok<{ id: string }>(call, 'create site', 'POST', '/api/v1/sites', { code: o.siteCode, name: `Site ${o.siteCode}` });
  await ok(call, 'generate layout', 'POST', `/api/v1/sites/${site.id}/layout`, { aisles: o.aisles, bays: o.bays, levels: o.levels, packStations: 2 });
  const storage: { id: string; code: string }[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string; code: string }[]; nextCursor: string | null } = await ok(call, 'list locations', 'GET',
      `/api/v1/sites/${site.id}/locations?type=PICK_FACE&limit=500${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
    storage.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  const products: { sku: string; gtin: string }[] = [];
  for (let i = 0; i < o.skus; i++) {
    const sku = `${o.siteCode}-SKU-${String(i + 1).padStart(4, '0')}`;
    const gtin = gtin13(i + 1 + o.siteCode.length * 100000);
    await ok(call, 'create product', 'POST', '/api/v1/products', {
      sku, description: `Product ${i + 1}`, gtin, uom: 'EA', lengthMm: 100 + (i % 5) * 40, widthMm: 80 + (i % 3) * 30, heightMm: 50 + (i % 4) * 20, weightG: 200 + (i % 7) * 100,
    });
    products.push({ sku, gtin });
  }
  return { siteId: site.id, storage, products };
}

/** Receives `quantity` units of each product into each of `locationsPerSku` storage locations. */
export async function receiveStock(call: Call, w: Warehouse, quantity: number, locationsPerSku: number): Promise<number> {
  let units = 0;
  for (const [i, p] of w.products.entries()) {
    for (let k = 0; k < locationsPerSku; k++) {
      const loc = w.storage[(i * locationsPerSku + k * 7) % w.storage.length]!;
      await ok(call, 'receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku: p.sku, locationId: loc.id, quantity });
      units += quantity;
    }
  }
  return units;
}

export interface OrderSpec {
  externalId: string;
  lines: { sku: string; quantity: number }[];
  priority?: number;
}

export async function createOrder(call: Call, siteId: string, spec: OrderSpec): Promise<{ id: string; status: string }> {
  return ok(call, 'create order', 'POST', '/api/v1/orders', {
    externalId: spec.externalId, siteId, carrier: 'OWN_FLEET',
    shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
    lines: spec.lines, ...(spec.priority === undefined ? {} : { priority: spec.priority }),
  });
}

/** Polls until `pred` holds (events are handled after commit, within milliseconds in-process). */
export async function until<T>(what: string, fn: () => Promise<T>, pred: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (pred(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function orderStatus(call: Call, id: string): Promise<string> {
  return (await ok<{ status: string }>(call, 'get order', 'GET', `/api/v1/orders/${id}`)).status;
}

/**
 * Polls until the wave pool holds every one of `orderIds`: an order is ALLOCATED in orders before waves has heard it
 * (each context consumes the event on its own), so a wave planned at once may find nothing to plan.
 */
export async function untilPooled(call: Call, siteId: string, orderIds: readonly string[], timeoutMs = 60_000): Promise<void> {
  await until('the wave pool holds the orders', async () => (await ok<{ items: { orderId: string }[] }>(call, 'wave pool', 'GET',
    `/api/v1/waves/pool?siteId=${siteId}&limit=1000`)).items.map((i) => i.orderId), (ids) => orderIds.every((id) => ids.includes(id)), timeoutMs);
}

/**
 * Plans and releases a wave once the wave pool holds every one of `orderIds` (see `untilPooled`): the orders were seen
 * ALLOCATED in orders, which says nothing of the waves context. The wait a test needs before planning, whatever carries
 * the events (in-process, a broker, a split deployment).
 */
export async function planAndReleasePooled(call: Call, siteId: string, orderIds: readonly string[], maxOrders: number, timeoutMs?: number): Promise<{ waveId: string; orderIds: string[] }> {
  await untilPooled(call, siteId, orderIds, timeoutMs);
  return planAndRelease(call, siteId, maxOrders);
}

/** Plans a wave of up to `maxOrders` pooled orders and releases it. Before it, wait for the pool (`planAndReleasePooled`). */
export async function planAndRelease(call: Call, siteId: string, maxOrders: number): Promise<{ waveId: string; orderIds: string[] }> {
  const wave = await ok<{ id: string; orderIds: string[] }>(call, 'plan wave', 'POST', '/api/v1/waves', { siteId, maxOrders });
  await ok(call, 'release wave', 'POST', `/api/v1/waves/${wave.id}/release`);
  return { waveId: wave.id, orderIds: wave.orderIds };
}

export interface PickLine { id: string; sku: string; locationCode: string | null; locationId: string; expectedBarcode: string | null; quantity: number; picked: number; status: string; orderId?: string }
export interface PickListView { id: string; orderIds?: string[]; orderId?: string; lines: PickLine[] }

/**
 * The floor steps of a handheld, whatever the protocol: REST (`restFloor`) or gRPC (test/support/grpc-floor.ts). Each
 * throws on a refusal; `nextTask` answers undefined when there is no work.
 */
export interface FloorOps {
  nextTask(worker: string, siteId: string): Promise<{ id: string; reference: string } | undefined>;
  startTask(taskId: string, worker: string): Promise<void>;
  pickList(id: string): Promise<PickListView>;
  confirm(listId: string, lineId: string, scan: { locationCode: string; barcode: string; quantity: number; toteId: string }): Promise<void>;
  short(listId: string, lineId: string, reason: string): Promise<void>;
  complete(taskId: string, worker: string): Promise<void>;
}

/** The floor steps over the REST API, with the step names `Call` records timings under. */
export function restFloor(call: Call): FloorOps {
  return {
    async nextTask(worker, siteId) {
      // A picker's handheld: PICK tasks only (a short may queue a COUNT or REPLENISH task for someone else, ADR 0024).
      const next = await call<{ id: string; reference: string }>('next task', 'POST', '/api/v1/tasks/next', { workerId: worker, siteId, types: ['PICK'] });
      if (next.status === 204) return undefined;
      if (next.status !== 200) throw new Error(`next task → ${next.status} ${JSON.stringify(next.body)}`);
      return next.body;
    },
    startTask: async (taskId, worker) => { await ok(call, 'start task', 'POST', `/api/v1/tasks/${taskId}/start`, { workerId: worker }); },
    pickList: (id) => ok<PickListView>(call, 'get pick list', 'GET', `/api/v1/pick-lists/${id}`),
    confirm: async (listId, lineId, scan) => { await ok(call, 'confirm pick', 'POST', `/api/v1/pick-lists/${listId}/lines/${lineId}/confirm`, scan); },
    short: async (listId, lineId, reason) => { await ok(call, 'short pick', 'POST', `/api/v1/pick-lists/${listId}/lines/${lineId}/short`, { reason }); },
    complete: async (taskId, worker) => { await ok(call, 'complete task', 'POST', `/api/v1/tasks/${taskId}/complete`, { workerId: worker }); },
  };
}

/**
 * Workers pull tasks until none is left, scan every line of each pick list into a tote, and (when `shortOne`) short the
 * first line they meet by one unit with reason NOT_FOUND. Returns what was shorted. `floor` is a REST `Call` or any
 * protocol's `FloorOps`. `shortRecovers`: another location holds the shorted unit, so the short is re-reserved there
 * and its pick list is one more task to wait for (ADR 0024).
 */
export async function workTasks(floor: Call | FloorOps, siteId: string, workers: readonly string[], o: { shortOne?: boolean; shortRecovers?: boolean; expectedTasks: number }): Promise<{ tasks: Map<string, string>; shorted: { sku: string; quantity: number; orderId: string }[] }> {
  const ops = typeof floor === 'function' ? restFloor(floor) : floor;
  const claimed = new Map<string, string>();
  const shorted: { sku: string; quantity: number; orderId: string }[] = [];
  let shortLeft = o.shortOne === true ? 1 : 0;
  let expectedTasks = o.expectedTasks;
  const work = async (worker: string): Promise<void> => {
    for (let idle = 0; idle < 200;) {
      const task = await ops.nextTask(worker, siteId);
      if (task === undefined) {
        if (claimed.size >= expectedTasks) return;
        idle++;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      if (claimed.has(task.id) && claimed.get(task.id) !== worker) throw new Error(`task ${task.id} given to two workers`);
      claimed.set(task.id, worker);
      await ops.startTask(task.id, worker);
      const list = await ops.pickList(task.reference);
      for (const line of list.lines) {
        if (line.status !== 'PENDING') continue;
        const open = line.quantity - line.picked;
        const toShort = shortLeft > 0 ? 1 : 0;
        shortLeft -= toShort;
        if (open - toShort > 0) {
          await ops.confirm(list.id, line.id, {
            locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: open - toShort, toteId: `TOTE-${worker}`,
          });
        }
        if (toShort > 0) {
          await ops.short(list.id, line.id, 'NOT_FOUND');
          if (o.shortRecovers === true) expectedTasks++;
          shorted.push({ sku: line.sku, quantity: toShort, orderId: line.orderId ?? list.orderId ?? list.orderIds?.[0] ?? '' });
        }
      }
      // The handheld closes its task; the pick list's completion may already have done so, which is fine.
      await ops.complete(task.id, worker);
      idle = 0;
    }
  };
  await Promise.all(workers.map(work));
  return { tasks: claimed, shorted };
}

/**
 * Packs the order's picked units in one package, books and dispatches it. Call it once orders says PICKED: by then pack &
 * ship has heard of every picked unit and knows picking is done (ADR 0049), so one pack takes the whole order; a 409
 * NOTHING_TO_PACK or UNITS_NOT_PACKED here is that promise broken, and fails the test.
 */
export async function packAndShip(call: Call, orderId: string): Promise<{ shipmentId: string; trackingNumber: string }> {
  await ok(call, 'pack', 'POST', '/api/v1/packages', { orderId });
  const shipment = await ok<{ id: string; trackingNumber: string }>(call, 'create shipment', 'POST', '/api/v1/shipments', { orderId });
  await ok(call, 'dispatch', 'POST', `/api/v1/shipments/${shipment.id}/dispatch`);
  return { shipmentId: shipment.id, trackingNumber: shipment.trackingNumber };
}

/**
 * Carries one received order of a quiet site to SHIPPED: allocated, waved alone, its one task worked by `worker-1`,
 * packed and shipped. `settle` waits for the event handlers (TestApp.settle).
 */
export async function shipOneOrder(call: Call, floor: Call, siteId: string, orderId: string, settle: () => Promise<void>): Promise<{ shipmentId: string; trackingNumber: string }> {
  await until('allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
  await settle();
  await planAndReleasePooled(call, siteId, [orderId], 10);
  await settle();
  await workTasks(floor, siteId, ['worker-1'], { expectedTasks: 1 });
  await until('picked', () => orderStatus(call, orderId), (s) => s === 'PICKED');
  const shipment = await packAndShip(call, orderId);
  await until('shipped', () => orderStatus(call, orderId), (s) => s === 'SHIPPED');
  return shipment;
}
