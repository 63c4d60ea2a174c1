import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

// Issue 6, item 16: a correlated slotting run over a long order history took seconds on the event loop, so every
// other request waited for it. It now runs on a worker thread; this guards the blocking, not the speed.
let t: TestApp;
let siteId: string;
beforeAll(async () => {
  t = await startTestApp();
  const site = await t.post('/api/v1/sites', { code: 'BUSY', name: 'Heavy slotting site' });
  siteId = site.body.id as string;
  // 10 aisles × 20 bays × 1 level: 200 pick faces.
  expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 10, bays: 20, levels: 1 })).status).toBe(201);
  await catalogue(t);
});

/** Slotting recommends for the catalog's SKUs only: S0 … S199 become products of the app. */
async function catalogue(app: TestApp): Promise<void> {
  for (let i = 0; i < 200; i += 20) {
    const made = await Promise.all(Array.from({ length: 20 }, (_, j) => app.post('/api/v1/products', {
      sku: `S${i + j}`, description: `slotted S${i + j}`, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 500,
    })));
    expect(made.map((r) => r.status)).toEqual(Array.from({ length: 20 }, () => 201));
  }
}
afterAll(async () => {
  await t.close();
});

// 200 SKUs and 2,000 orders of 100 SKUs each (1.3 MB of JSON, within the 2 MB body limit): 10 million co-occurrence
// updates per request, about a second on the event loop before the fix.
const skus = Array.from({ length: 200 }, (_, i) => ({ sku: `S${i}`, picks: 1 + ((i * 37) % 500) }));
const orders = Array.from({ length: 2000 }, (_, o) => Array.from({ length: 100 }, (_, k) => `S${(o * 7 + k * 3) % 200}`).filter((s, k, all) => all.indexOf(s) === k));

describe('heavy slotting requests (issue 6, item 16)', () => {
  it('do not stall a concurrent cheap request: GET /health/live and the event loop wait under 300 ms (half their time when the machine is loaded) while three run', async () => {
    const url = `/api/v1/sites/${siteId}/slotting-recommendations`;
    // Serialised once: a real client does that in its own process, not on the server's event loop.
    const body = JSON.stringify({ method: 'correlated', skus, orders });
    const json = { 'content-type': 'application/json' };
    // Warm-up: the first run starts a worker thread, which loads its modules once.
    expect((await t.post(url, body, 'manager', json)).status).toBe(200);

    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    let done = false;
    const started = performance.now();
    const heavy = Promise.all(Array.from({ length: 3 }, () => t.post(url, body, 'manager', json))).finally(() => {
      done = true;
    });
    // Every 20 ms a health probe; a probe's wait counts from when it should have started (the timer may be late too).
    const waits: number[] = [];
    while (!done) {
      const due = performance.now() + 20;
      await new Promise((r) => setTimeout(r, 20));
      const live = await t.get('/health/live', null);
      waits.push(performance.now() - due);
      expect(live.status).toBe(200);
    }
    loop.disable();
    const heavyMs = performance.now() - started;
    // On the event loop the three runs blocked it back to back, so a probe waited about as long as all three took
    // (5.7 s on the bench machine) and hardly any probe ran. Off it, a probe waits only for the requests' body parsing,
    // validation and copying to the worker (tens of ms each). The bound is 300 ms, or half the heavy requests' time
    // when other work on the machine (a full test run on two cores) slows everything down: a quarter was once missed
    // by a single 1.4 s pause in CI (5.2 s of heavy requests). The old code fails either way: its longest wait is
    // nearly all of the heavy requests' time, and it leaves too few probes for the count below.
    const bound = Math.max(300, heavyMs / 2);
    expect(Math.max(...waits)).toBeLessThan(bound);
    expect(loop.max / 1e6).toBeLessThan(bound);
    expect(waits.length).toBeGreaterThan(10);
    for (const r of await heavy) {
      expect(r.status).toBe(200);
      expect(r.body.method).toBe('correlated');
    }
  });
});

describe('more heavy slotting requests than threads and queue (issue 6, item 16)', () => {
  it('are refused at once with 503 BUSY problem+json, retryable, while the admitted one completes', async () => {
    const busy = await startTestApp({ env: { PAKLOG_WORKER_THREADS: '1', PAKLOG_WORKER_QUEUE: '0' } });
    try {
      const site = await busy.post('/api/v1/sites', { code: 'ONE', name: 'One thread' });
      const id = site.body.id as string;
      expect((await busy.post(`/api/v1/sites/${id}/layout`, { aisles: 10, bays: 20, levels: 1 })).status).toBe(201);
      await catalogue(busy);
      const body = JSON.stringify({ method: 'correlated', skus, orders: orders.slice(0, 200) });
      const url = `/api/v1/sites/${id}/slotting-recommendations`;
      const [first, second] = await Promise.all([0, 1].map(() => busy.post(url, body, 'manager', { 'content-type': 'application/json' })));
      const statuses = [first!.status, second!.status].sort();
      expect(statuses).toEqual([200, 503]);
      const refused = first!.status === 503 ? first! : second!;
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.body).toMatchObject({ status: 503, code: 'BUSY' });
      // Once the thread is free the same request is served.
      expect((await busy.post(url, body, 'manager', { 'content-type': 'application/json' })).status).toBe(200);
    } finally {
      await busy.close();
    }
  });
});
