import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/** Rows seeded past the console's page of 200, so that every list is cut at first. */
const SEEDED = 230;

/**
 * The console's lists read a page of 200 rows: a list with more says so and reads the rest with "Load more" (the
 * APIs' `cursor`), instead of silently showing the first 200. Rows are seeded straight into this test's own database
 * (inert rows: cancelled orders and tasks, open exceptions with no action, pool orders of a carrier of their own).
 */
describe.runIf(browserTestsRun)('the web console with more rows than a page', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      const n = SEEDED;
      await db.query(
        `INSERT INTO orders.orders (id, external_id, site_id, carrier, priority, ship_to, status, cancel_reason, owner_id, created_at, updated_at)
         SELECT 'ord_seed' || lpad(i::text, 4, '0'), 'SEED-' || i, $1, 'OWN_FLEET', 5, $3::jsonb, 'CANCELLED', 'seeded for paging', 'own_default', now(), now()
           FROM generate_series(1, $2) AS i`,
        [siteId, n, JSON.stringify({ name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' })]);
      await db.query(
        `INSERT INTO tasks.tasks (id, site_id, type, reference, priority, status, created_at, updated_at, rank_at)
         SELECT 'tsk_seed' || lpad(i::text, 4, '0'), $1, 'MOVE', 'seed-' || i, 0, 'CANCELLED', now(), now(), now()
           FROM generate_series(1, $2) AS i`, [siteId, n]);
      await db.query(
        `INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
         SELECT 'exc_seed' || lpad(i::text, 4, '0'), $1, 'DEAD_LETTER', 'seed-' || i, 'seed-' || i, 'seeded for paging', '{}', '{}'::jsonb, 'OPEN', now()
           FROM generate_series(1, $2) AS i`, [siteId, 520]);
      await db.query(
        `INSERT INTO waves.order_pool (order_id, site_id, carrier, priority, lines, allocated_at)
         SELECT 'ord_pool' || lpad(i::text, 4, '0'), $1, 'SEED_CARRIER', 9, '[{"lineId":"oln_seed","lineNo":1,"sku":"SEED","quantity":1}]'::jsonb, now()
           FROM generate_series(1, $2) AS i`, [siteId, n]);
      // Waves are listed oldest first (by id): these sort before any wave the test plans, on the first pages.
      await db.query(
        `INSERT INTO waves.waves (id, site_id, carrier, status, max_orders, created_at, updated_at, cancelled_at)
         SELECT 'wav_00seed' || lpad(i::text, 4, '0'), $1, 'SEED_CARRIER', 'CANCELLED', 1, now() - interval '1 day', now() - interval '1 day', now() - interval '1 day'
           FROM generate_series(1, $2) AS i`, [siteId, 520]);
    } finally {
      await db.end();
    }
    page = await consolePage(browser, pageErrors);
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.manager);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const nav = (screen: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen, exact: true });
  const rows = (table = page.locator('main table').first()) => table.locator('tbody tr');
  const caption = (table = page.locator('main table').first()) => table.locator('caption');
  const total = async (path: string): Promise<number> => (await t.getAll(`/api/v1${path}`)).length;

  it('orders: a cut list says so, Load more reads the rest; a live update keeps the pages shown, a new filter starts again', async () => {
    const all = await total(`/orders?siteId=${siteId}`);
    expect(all).toBeGreaterThan(SEEDED);
    await nav('Orders').click();
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 orders: there are more (Load more below)');
    expect(await rows().count()).toBe(200);
    await screenshot(page, 'console-orders-cut');
    expect(await seriousA11yViolations(page), 'axe on a cut list').toEqual([]);
    await page.getByRole('button', { name: 'Load more orders' }).click();
    await expect.poll(() => caption().textContent()).toBe(`${all} orders`);
    expect(await rows().count()).toBe(all);
    expect(await page.getByRole('button', { name: 'Load more orders' }).count()).toBe(0);

    // A change the live stream reports reads the list again: both pages, not back to the first 200.
    const demo = (await t.get(`/api/v1/orders?siteId=${siteId}&status=ALLOCATED&limit=1`)).body.items[0] as { id: string; externalId: string };
    expect((await t.post(`/api/v1/orders/${demo.id}/hold`, { reason: 'paging test' })).status).toBe(200);
    await expect.poll(() => page.locator('tr', { hasText: demo.externalId }).getByText('ON_HOLD').count()).toBe(1);
    expect(await rows().count()).toBe(all);
    expect((await t.post(`/api/v1/orders/${demo.id}/release-hold`, {})).status).toBe(200);

    // Another filter is another list: its first page again.
    await page.getByLabel('Status').selectOption('CANCELLED');
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 orders: there are more (Load more below)');
    expect(await rows().count()).toBe(200);
    await page.getByRole('button', { name: 'Load more orders' }).click();
    await expect.poll(() => rows().count()).toBe(await total(`/orders?siteId=${siteId}&status=CANCELLED`));
  });

  it('orders: Load more stays clickable while the list is read again for a live event, and reads the next page', async () => {
    const all = await total(`/orders?siteId=${siteId}`);
    await page.getByLabel('Status').selectOption('');
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 orders: there are more (Load more below)');
    // The reads of the list are held back a while, so the read again for the hold's live event is under way at the click.
    let reads = 0;
    const ordersRead = (url: URL) => url.pathname === '/api/v1/orders';
    await page.route(ordersRead, async (route) => {
      reads++;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    const demo = (await t.get(`/api/v1/orders?siteId=${siteId}&status=ALLOCATED&limit=1`)).body.items[0] as { id: string };
    expect((await t.post(`/api/v1/orders/${demo.id}/hold`, { reason: 'paging test' })).status).toBe(200);
    await expect.poll(() => reads).toBeGreaterThan(0);
    // It was "Loading…" and disabled through any read: a click then (a user's, or a test's) was lost.
    const more = page.getByRole('button', { name: 'Load more orders' });
    expect(await more.isEnabled({ timeout: 1_000 })).toBe(true);
    await more.click();
    await expect.poll(() => rows().count()).toBe(all);
    await page.unroute(ordersRead);
    expect((await t.post(`/api/v1/orders/${demo.id}/release-hold`, {})).status).toBe(200);
  });

  it('tasks and exceptions: cut at 200 with a way to the rest; the dashboard counts past 500 exactly', async () => {
    const tasks = await total(`/tasks?siteId=${siteId}`);
    await nav('Tasks').click();
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 tasks: there are more (Load more below)');
    await page.getByRole('button', { name: 'Load more tasks' }).click();
    await expect.poll(() => caption().textContent()).toBe(`${tasks} tasks`);
    expect(await rows().count()).toBe(tasks);

    // More than a list page of 500: the dashboard's figure is the exact count (it used to read one page and say "500+").
    const open = await total(`/exceptions?siteId=${siteId}&status=OPEN`);
    expect(open).toBeGreaterThan(500);
    await nav('Dashboard').click();
    await expect.poll(() => page.locator('.kpi', { hasText: 'Open exceptions' }).locator('.kpi-value').textContent()).toBe(String(open));
    await nav('Exceptions').click();
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 exceptions: there are more (Load more below)');
    expect(await rows().count()).toBe(200);
    await page.getByRole('button', { name: 'Load more exceptions' }).click();
    await expect.poll(() => caption().textContent()).toBe('Showing the first 400 exceptions: there are more (Load more below)');
    await page.getByRole('button', { name: 'Load more exceptions' }).click();
    await expect.poll(() => caption().textContent()).toBe(`${open} exceptions`);
    expect(await rows().count()).toBe(open);
  });

  it('shipping: more shipped orders than a page say so, Load more reads the rest with their shipments', async () => {
    // Seeded here, after the orders' tests, whose counts they would change.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      // Shipped orders (final: nothing acts on them), the last one's shipment with its tracking number.
      await db.query(
        `INSERT INTO orders.orders (id, external_id, site_id, carrier, priority, ship_to, status, owner_id, created_at, updated_at)
         SELECT 'ord_ship' || lpad(i::text, 4, '0'), 'SHIPPED-' || i, $1, 'OWN_FLEET', 5, $3::jsonb, 'SHIPPED', 'own_default', now(), now()
           FROM generate_series(1, $2) AS i`,
        [siteId, SEEDED, JSON.stringify({ name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' })]);
      await db.query(
        `INSERT INTO pack_ship.shipments (id, order_id, site_id, carrier, status, tracking_number, created_at, dispatched_at)
         VALUES ('shp_seed' || $2::text, 'ord_ship' || $2::text, $1, 'OWN_FLEET', 'DISPATCHED', 'TRK-SEED-' || $2::text, now(), now())`, [siteId, String(SEEDED).padStart(4, '0')]);
    } finally {
      await db.end();
    }
    const shipped = await total(`/orders?siteId=${siteId}&status=SHIPPED`);
    expect(shipped).toBeGreaterThanOrEqual(SEEDED);
    await nav('Shipping').click();
    await page.getByLabel('Orders').selectOption('SHIPPED');
    await expect.poll(() => caption().textContent()).toBe('Showing the first 200 shipped orders: there are more (Load more below)');
    expect(await rows().count()).toBe(200);
    await page.getByRole('button', { name: 'Load more shipped orders' }).click();
    await expect.poll(() => caption().textContent()).toBe(`${shipped} shipped orders`);
    expect(await rows().count()).toBe(shipped);
    // The last seeded order, past the first page, shows its shipment's tracking number.
    await expect.poll(() => page.locator('tr', { hasText: `SHIPPED-${SEEDED}` }).getByText(`TRK-SEED-${String(SEEDED).padStart(4, '0')}`).count()).toBe(1);
  });

  it('waves: the pool beyond 200 orders says so and shows more', async () => {
    const pool = (await t.get(`/api/v1/waves/pool?siteId=${siteId}&limit=1000`)).body.items.length as number;
    expect(pool).toBeGreaterThan(SEEDED);
    await nav('Waves').click();
    const table = page.locator('main table').first();
    await expect.poll(() => caption(table).textContent()).toContain('Waiting to be waved: the first 200 orders shown, there are more');
    expect(await rows(table).count()).toBe(200);
    await page.getByRole('button', { name: 'Load more orders of the pool' }).click();
    await expect.poll(() => rows(table).count()).toBe(Math.min(pool, 400));
    if (pool <= 400) await expect.poll(() => caption(table).textContent()).toContain(`Waiting to be waved (${pool} orders)`);
  });

  it('waves: a wave just planned shows (to release it) when more waves than a page came before it', async () => {
    expect(await total(`/waves?siteId=${siteId}`)).toBeGreaterThan(500);
    const pool = (await t.get(`/api/v1/waves/pool?siteId=${siteId}&limit=1000`)).body.items as { orderId: string; carrier: string; waveId: string | null }[];
    const real = pool.find((o) => !o.orderId.startsWith('ord_pool') && o.waveId === null)!;
    const wave = await t.post('/api/v1/waves', { siteId, maxOrders: 1, carrier: real.carrier });
    expect(wave.status).toBe(201);
    await nav('Dashboard').click();
    await nav('Waves').click();
    await page.getByRole('heading', { name: `Planned wave ${wave.body.id}` }).waitFor();
    await page.locator(`tr[data-wave="${wave.body.id}"]`).waitFor();
    expect((await t.post(`/api/v1/waves/${wave.body.id}/cancel`, {})).status).toBe(200);
  });
});
