import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { createOrder, injectClient, orderStatus, planAndRelease, planAndReleasePooled, until, workTasks } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A manager who found an order in the console could not open it: its lines (ordered, allocated, picked, packed,
 * shipped), status history, events and shipment with its tracking were API-only, and so were its commands. The order's
 * screen (`#/orders/{id}`), linked from every order id the console shows (orders, waves, shipping, exceptions), shows
 * them, and gives the commands a role may give (hold, release, cancel), each confirmed first, a refusal said in words.
 */
describe.runIf(browserTestsRun)('the web console: an order\'s screen', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const call = () => injectClient(t.app, t.keys.admin);
  const sku = async (): Promise<string> => {
    const balances: { sku: string; status: string; available: number }[] = await t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);
    return balances.find((b) => b.status === 'AVAILABLE' && b.available > 2)!.sku;
  };
  /** An order of the demo site, allocated, priority 1 (the planner takes it first). */
  const allocated = async (externalId: string, quantity = 1): Promise<{ id: string; sku: string }> => {
    const s = await sku();
    const order = await createOrder(call(), siteId, { externalId, lines: [{ sku: s, quantity }], priority: 1 });
    await until('allocated', () => orderStatus(call(), order.id), (st) => st === 'ALLOCATED');
    await t.settle();
    return { id: order.id, sku: s };
  };
  const signIn = async (key: string, allowed: readonly string[] = ['401']): Promise<Page> => {
    const page = await consolePage(browser, pageErrors, allowed);
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    return page;
  };
  /** The cells of the row of a table (its caption names it) whose first cell is `first`. */
  const row = (page: Page, caption: string, hasText: string) => page.locator('table', { has: page.locator('caption', { hasText: caption }) }).locator('tbody tr', { hasText });

  it('a manager finds a shipped order in the list, opens it by keyboard and reads its lines, shipment and tracking, history and events', async () => {
    const o = await allocated('ORD-UI-1');
    await planAndRelease(call(), siteId, 1);
    await t.settle();
    await workTasks(call(), siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call(), o.id), (s) => s === 'PICKED');
    expect((await t.post('/api/v1/packages', { orderId: o.id })).status).toBe(201);
    await until('packed', () => orderStatus(call(), o.id), (s) => s === 'PACKED');
    const booked = await t.post('/api/v1/shipments', { orderId: o.id });
    expect(booked.status, JSON.stringify(booked.body)).toBe(201);
    expect((await t.post(`/api/v1/shipments/${booked.body.id}/dispatch`, {})).status).toBe(200);
    await until('shipped', () => orderStatus(call(), o.id), (s) => s === 'SHIPPED');
    await t.settle();

    const page = await signIn(t.keys.manager);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByLabel('Client order id').fill('ORD-UI-1');
    const link = page.getByRole('link', { name: o.id });
    await link.waitFor();
    await link.focus();
    await page.keyboard.press('Enter');
    const heading = page.getByRole('heading', { level: 1, name: /^Order ORD-UI-1/ });
    await heading.waitFor();
    expect(page.url()).toBe(`${base}/#/orders/${o.id}`);
    // The heading takes the focus: a keyboard or screen reader user starts at the order.
    expect(await page.evaluate('document.activeElement && document.activeElement.tagName')).toBe('H1');
    // Orders stays the current screen of the navigation.
    expect(await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Orders', exact: true }).getAttribute('aria-current')).toBe('page');

    const line = row(page, 'Units per line', o.sku);
    await line.waitFor();
    expect(await line.locator('td').allTextContents()).toEqual(['1', o.sku, '1', '1', '1', '0', '0', '1', '1', '0']);
    const tracking = booked.body.trackingNumber as string;
    expect(tracking).toBeTruthy();
    const shipment = row(page, 'Shipments and tracking', booked.body.id as string);
    await shipment.getByText(tracking).waitFor();
    await shipment.getByText('DISPATCHED').waitFor();
    const history = await page.locator('table', { has: page.locator('caption', { hasText: 'Every status the order went through' }) }).locator('tbody tr td:nth-child(3)').allTextContents();
    expect(history).toEqual(expect.arrayContaining(['RECEIVED', 'ALLOCATED', 'PICKED', 'PACKED', 'SHIPPED']));
    // Why in words, the event's name as the title: it showed `inventory.stock.allocated.v1`.
    const why = page.locator('table', { has: page.locator('caption', { hasText: 'Every status the order went through' }) }).locator('tbody tr td:nth-child(4)');
    const whyTexts = await why.allTextContents();
    expect(whyTexts.filter((t) => /\.v\d+$/.test(t))).toEqual([]);
    expect(whyTexts).toContain('stock allocated');
    expect(await why.locator('span[title="inventory.stock.allocated.v1"]').first().textContent()).toBe('stock allocated');
    await row(page, 'What happened to the order', 'order received (orders)').first().waitFor();
    await page.locator('dd', { hasText: 'Default owner (own stock) (DEFAULT)' }).waitFor();
    // A shipped order takes no commands.
    await page.getByText('A shipped order takes no more commands.').waitFor();
    expect(await page.getByRole('button', { name: /Hold|Cancel order|Release/ }).count()).toBe(0);
    expect(await seriousA11yViolations(page), 'axe on an order\'s screen').toEqual([]);
    await screenshot(page, 'console-order-shipped');

    // The way back to the list.
    await page.getByRole('link', { name: '← Orders' }).click();
    await page.getByRole('heading', { level: 1, name: 'Orders' }).waitFor();

    // Delivered, the order is final: the list offers no Cancel… (it did, a button that could only answer 409).
    for (const status of ['IN_TRANSIT', 'DELIVERED']) {
      expect((await t.post('/api/v1/carrier-events', { carrier: 'OWN_FLEET', trackingNumber: tracking, status, at: new Date().toISOString() })).status).toBe(200);
    }
    await until('delivered', () => orderStatus(call(), o.id), (s) => s === 'DELIVERED');
    await page.getByLabel('Client order id').fill('ORD-UI-1');
    const listed = page.locator('tbody tr', { hasText: 'ORD-UI-1' });
    await expect.poll(() => listed.locator('.status').textContent()).toBe('DELIVERED');
    expect(await listed.getByRole('button').count()).toBe(0);
    await page.close();
  });

  it('a manager opens an order from the wave pool, holds it, releases the hold and cancels it, each confirmed first', async () => {
    const o = await allocated('ORD-UI-2', 2);
    const page = await signIn(t.keys.manager);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Waves', exact: true }).click();
    // The pool names the order by the client's id (the one a manager knows); PakLog's id is the link's target.
    await page.getByRole('link', { name: 'ORD-UI-2', exact: true }).first().click();
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-2/ }).waitFor();
    // Before a wave a manager may also cancel units of a line: the line's own command.
    expect(await row(page, 'Units per line', o.sku).locator('td').allTextContents()).toEqual(['1', o.sku, '2', '2', '0', '0', '0', '0', '0', '0', 'Cancel units…']);

    await page.getByRole('button', { name: 'Hold…' }).click();
    await page.getByRole('heading', { name: 'Put order ORD-UI-2 on hold?' }).waitFor();
    expect(await page.getByRole('button', { name: 'Yes, put on hold' }).isDisabled()).toBe(true);
    await page.getByLabel('Why (required)').fill('credit check');
    await page.getByRole('button', { name: 'Yes, put on hold' }).click();
    await page.getByRole('status').filter({ hasText: 'Order ORD-UI-2 is on hold' }).waitFor();
    expect(await orderStatus(call(), o.id)).toBe('ON_HOLD');
    await page.locator('dd', { hasText: 'on hold: credit check' }).waitFor();

    await page.getByRole('button', { name: 'Release hold…' }).click();
    await page.getByRole('heading', { name: 'Release the hold on order ORD-UI-2?' }).waitFor();
    await page.getByRole('button', { name: 'Yes, release the hold' }).click();
    await page.getByRole('status').filter({ hasText: 'hold released' }).waitFor();
    expect(await orderStatus(call(), o.id)).toBe('ALLOCATED');

    // Cancel asks first and says it cannot be undone; backing out sends nothing.
    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByText('It cannot be undone.').waitFor();
    // What becomes of units already picked, said as it happens (walk11: "picked units go back to stock" read as at once,
    // while they wait in the tote for a Return to stock task: docs/operations/way-out.md).
    await page.getByText('units already picked or packed stay in its tote until a Return to stock task puts them back on a shelf').waitFor({ timeout: 3000 });
    await page.getByRole('button', { name: 'Keep the order' }).click();
    expect(await orderStatus(call(), o.id)).toBe('ALLOCATED');
    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByLabel('Why (optional)').fill('customer changed their mind');
    await screenshot(page, 'console-order-cancel');
    await page.getByRole('button', { name: 'Yes, cancel order ORD-UI-2' }).click();
    await page.getByRole('status').filter({ hasText: 'Order ORD-UI-2 cancelled: its open picks are withdrawn; units already picked go back to a shelf by a Return to stock task' }).waitFor();
    expect(await orderStatus(call(), o.id)).toBe('CANCELLED');
    await expect.poll(async () => row(page, 'Units per line', o.sku).locator('td').last().textContent()).toBe('2');
    await row(page, 'What happened to the order', 'order cancelled (orders)').waitFor();
    await page.close();
  });

  it('an exception about an order links to it from the Exceptions screen; its retry and acknowledge are asked again on the order\'s screen', async () => {
    const o = await allocated('ORD-UI-4');
    // A stuck order's exception, straight into this test's database: only the screen's part is under test here.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
         VALUES ('exc_seed_stuck', $1, 'ORDER_NOT_MOVING', 'seed-stuck', $2, 'seeded: no move for an hour', '{retry,cancel,acknowledge}', '{}'::jsonb, 'OPEN', now())`, [siteId, o.id]);
    } finally {
      await db.end();
    }
    const page = await signIn(t.keys.manager, ['401', '409', '422']);
    const exceptionReads: string[] = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/exceptions') exceptionReads.push(new URL(r.url()).search); });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Exceptions', exact: true }).click();
    await page.locator('tbody tr', { hasText: 'seeded: no move for an hour' }).getByRole('link', { name: o.id }).click();
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-4/ }).waitFor();
    const stuck = row(page, 'Stuck cases about this order', 'ORDER_NOT_MOVING');
    await stuck.getByText('seeded: no move for an hour').waitFor();
    // The order's screen asks the server for the exceptions about the order (?orderId=), not every open one of the site.
    const onScreen = exceptionReads.slice(exceptionReads.findIndex((q) => q.includes('orderId=')));
    expect(onScreen.length).toBeGreaterThan(0);
    expect(onScreen.every((q) => new URLSearchParams(q).get('orderId') === o.id), onScreen.join(' ')).toBe(true);

    await stuck.getByRole('button', { name: 'retry ORDER_NOT_MOVING…' }).click();
    await page.getByText('Retry: PakLog tries the stuck step again').waitFor();
    expect((await t.get('/api/v1/exceptions/exc_seed_stuck')).body.status).toBe('OPEN');
    await page.getByRole('button', { name: 'No, go back' }).click();
    await stuck.getByRole('button', { name: 'retry ORDER_NOT_MOVING…' }).click();
    await page.getByRole('button', { name: 'Yes, retry' }).click();
    // Whatever PakLog answers (done, or why not, in words), it is on the screen.
    await expect.poll(() => page.locator('p.ok, p.error').filter({ hasText: /^(retry: done for order ORD-UI-4|Could not retry)/ }).count()).toBe(1);
    if ((await t.get('/api/v1/exceptions/exc_seed_stuck')).body.status === 'OPEN') {
      await stuck.getByRole('button', { name: 'acknowledge ORDER_NOT_MOVING…' }).click();
      await page.getByRole('button', { name: 'Yes, acknowledge' }).click();
      await page.getByRole('status').filter({ hasText: 'acknowledge: done for order ORD-UI-4' }).waitFor();
    }
    await page.getByText('None: nothing about this order waits for a supervisor.').waitFor();
    expect((await t.get('/api/v1/exceptions/exc_seed_stuck')).body.status).toBe('RESOLVED');
    await page.close();
  });

  it('a command the API refuses is said in words, nothing changed; a viewer reads the order with no commands', async () => {
    const o = await allocated('ORD-UI-3');
    const page = await signIn(t.keys.manager, ['401', '409']);
    await page.goto(`${base}/#/orders/${o.id}`);
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-3/ }).waitFor();
    await page.getByRole('button', { name: 'Hold…' }).click();
    await page.getByLabel('Why (required)').fill('address check');
    // Cancelled elsewhere meanwhile (the API, another manager): the hold is refused, the screen says why.
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'elsewhere' })).status).toBe(200);
    await page.getByRole('button', { name: 'Yes, put on hold' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not hold order ORD-UI-3: ' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('(ORDER_CANCELLED)');
    expect(await orderStatus(call(), o.id)).toBe('CANCELLED');
    await page.close();

    const viewer = await signIn(t.keys.viewer, ['401', '404']);
    await viewer.goto(`${base}/#/orders/${o.id}`);
    await viewer.getByRole('heading', { level: 1, name: /^Order ORD-UI-3/ }).waitFor();
    await row(viewer, 'What happened to the order', 'order cancelled (orders)').waitFor();
    expect(await viewer.getByRole('button', { name: /Hold|Cancel order|Release/ }).count()).toBe(0);
    // An order id that is no order: said, with the way back.
    await viewer.goto(`${base}/#/orders/ord_doesnotexist`);
    await viewer.getByRole('alert').filter({ hasText: 'Could not read order ord_doesnotexist' }).waitFor();
    await viewer.getByRole('link', { name: '← Orders' }).waitFor();
    await viewer.close();
  });

  it('the wave pool and a planned wave name each order by the client\'s order id, linking to its screen by PakLog\'s id', async () => {
    const o = await allocated('ORD-UI-5');
    const page = await signIn(t.keys.manager);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Waves', exact: true }).click();
    const pool = page.locator('table', { has: page.locator('caption', { hasText: 'Waiting to be waved' }) });
    const link = pool.getByRole('link', { name: 'ORD-UI-5', exact: true });
    await link.waitFor();
    expect([await link.getAttribute('href'), await link.getAttribute('title')]).toEqual([`#/orders/${o.id}`, o.id]);
    // The demo's orders too (DEMO-1001…): no row of the pool is named by PakLog's id once the references are read.
    await expect.poll(() => pool.getByRole('link', { name: /^ord_/ }).count()).toBe(0);

    // A planned wave's orders are named the same way.
    const planned = await t.post('/api/v1/waves', { siteId, maxOrders: 3 });
    expect(planned.status, JSON.stringify(planned.body)).toBe(201);
    const wave = (await t.get(`/api/v1/waves/${planned.body.id}`)).body as { orders: { orderId: string }[] };
    expect(wave.orders.length).toBeGreaterThan(0);
    const section = page.getByRole('region', { name: `Planned wave ${planned.body.id}` });
    await section.waitFor();
    for (const { orderId } of wave.orders) {
      const ref = (await t.get(`/api/v1/orders/${orderId}`)).body.externalId as string;
      const l = section.getByRole('link', { name: ref, exact: true });
      await l.waitFor();
      expect(await l.getAttribute('href')).toBe(`#/orders/${orderId}`);
    }
    await expect.poll(() => section.getByRole('link', { name: /^ord_/ }).count()).toBe(0);
    await screenshot(page, 'console-waves-client-ids');
    expect((await t.post(`/api/v1/waves/${planned.body.id}/cancel`, {})).status).toBe(200);
    await t.settle();
    await page.close();
  });

  it('a manager changes an order\'s priority, confirmed first; a refusal is said in words; a viewer has no such command', async () => {
    const o = await allocated('ORD-UI-6');
    const viewer = await signIn(t.keys.viewer);
    await viewer.goto(`${base}/#/orders/${o.id}`);
    await viewer.getByRole('heading', { level: 1, name: /^Order ORD-UI-6/ }).waitFor();
    await viewer.getByText('Your role (viewer) reads the order').waitFor();
    expect(await viewer.getByRole('button', { name: 'Change priority…' }).count()).toBe(0);
    await viewer.close();

    const page = await signIn(t.keys.manager, ['401', '409']);
    await page.goto(`${base}/#/orders/${o.id}`);
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-6/ }).waitFor();
    const priorityNow = async (): Promise<number> => (await t.get(`/api/v1/orders/${o.id}`)).body.priority as number;
    expect(await priorityNow()).toBe(1);
    // Backing out sends nothing.
    await page.getByRole('button', { name: 'Change priority…' }).click();
    await page.getByRole('heading', { name: 'Change the priority of order ORD-UI-6?' }).waitFor();
    await page.getByText('It has priority 1 now.').waitFor();
    await page.getByLabel('New priority (1 is the most urgent)').selectOption('4');
    await page.getByRole('button', { name: 'No, go back' }).click();
    expect(await priorityNow()).toBe(1);

    await page.getByRole('button', { name: 'Change priority…' }).click();
    await page.getByLabel('New priority (1 is the most urgent)').selectOption('4');
    expect(await seriousA11yViolations(page), 'axe on the priority confirmation').toEqual([]);
    await page.getByRole('button', { name: 'Yes, give it priority 4' }).click();
    await page.getByRole('status').filter({ hasText: 'Order ORD-UI-6 now has priority 4' }).waitFor();
    expect(await priorityNow()).toBe(4);
    await page.locator('dd', { hasText: '4 (1 is the most urgent)' }).waitFor();

    // Cancelled elsewhere meanwhile: the change is refused, in words, with the code support asks for.
    await page.getByRole('button', { name: 'Change priority…' }).click();
    await page.getByLabel('New priority (1 is the most urgent)').selectOption('2');
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'elsewhere' })).status).toBe(200);
    await page.getByRole('button', { name: 'Yes, give it priority 2' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Could not change the priority of order ORD-UI-6: ' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('(ORDER_CANCELLED)');
    expect(await priorityNow()).toBe(4);
    await page.close();
  });
  it('a manager cancels part of a line before a wave, confirmed first: the line counts them, stock is released; a refusal is said in words; a viewer has no such command', async () => {
    const o = await allocated('ORD-UI-7', 4);
    const lineOf = async (): Promise<{ id: string; ordered: number; allocated: number; cancelled: number }> =>
      (await t.get(`/api/v1/orders/${o.id}`)).body.lines[0];
    const lineId = (await lineOf()).id;
    const viewer = await signIn(t.keys.viewer);
    await viewer.goto(`${base}/#/orders/${o.id}`);
    await viewer.getByRole('heading', { level: 1, name: /^Order ORD-UI-7/ }).waitFor();
    await row(viewer, 'Units per line', o.sku).waitFor();
    expect(await viewer.getByRole('button', { name: /Cancel units/ }).count()).toBe(0);
    await viewer.close();

    const page = await signIn(t.keys.manager, ['401', '422']);
    await page.goto(`${base}/#/orders/${o.id}`);
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-7/ }).waitFor();
    const line = row(page, 'Units per line', o.sku);
    // Asked first, every open unit by default; backing out sends nothing.
    await line.getByRole('button', { name: `Cancel units of line 1 (${o.sku})…` }).click();
    await page.getByRole('heading', { name: `Cancel units of line 1 (${o.sku}) of order ORD-UI-7?` }).waitFor();
    const quantity = page.getByLabel('Units to cancel (1 to 4)');
    expect(await quantity.inputValue()).toBe('4');
    expect(await page.evaluate('document.activeElement && document.activeElement.getAttribute("type")')).toBe('number');
    await page.getByRole('button', { name: 'Keep the line' }).click();
    expect((await lineOf()).cancelled).toBe(0);

    await line.getByRole('button', { name: `Cancel units of line 1 (${o.sku})…` }).click();
    await quantity.fill('1');
    await page.getByLabel('Why (optional)').fill('customer removed one');
    expect(await seriousA11yViolations(page), 'axe on the line cancel confirmation').toEqual([]);
    await screenshot(page, 'console-order-line-cancel');
    await page.getByRole('button', { name: 'Yes, cancel 1 unit' }).click();
    await page.getByRole('status').filter({ hasText: `Order ORD-UI-7: 1 unit of line 1 (${o.sku}) cancelled` }).waitFor();
    // Re-read: the line counts the unit cancelled and, allocated again, its three open units.
    await until('allocated again', () => orderStatus(call(), o.id), (s) => s === 'ALLOCATED');
    expect(await lineOf()).toMatchObject({ ordered: 4, cancelled: 1, allocated: 3 });
    await expect.poll(async () => line.locator('td').allTextContents()).toEqual(['1', o.sku, '4', '3', '0', '0', '0', '0', '0', '1', 'Cancel units…']);
    expect((await t.get(`/api/v1/orders/${o.id}`)).body.statusHistory.at(-2)).toMatchObject({ to: 'RECEIVED', cause: `line 1 (${o.sku}): 1 cancelled: customer removed one` });

    // Two units cancelled elsewhere meanwhile (the API): the three asked for are refused, in the API's words, nothing changed.
    await line.getByRole('button', { name: `Cancel units of line 1 (${o.sku})…` }).click();
    expect(await page.getByLabel('Units to cancel (1 to 3)').inputValue()).toBe('3');
    expect((await t.post(`/api/v1/orders/${o.id}/lines/${lineId}/cancel`, { quantity: 2 })).status).toBe(200);
    await page.getByRole('button', { name: 'Yes, cancel 3 units' }).click();
    const alert = page.getByRole('alert').filter({ hasText: `Could not cancel units of line 1 (${o.sku}) of order ORD-UI-7: ` });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('has 1 open unit(s); 3 cannot be cancelled (UNPROCESSABLE)');
    await until('allocated again', () => orderStatus(call(), o.id), (s) => s === 'ALLOCATED');
    expect(await lineOf()).toMatchObject({ cancelled: 3, allocated: 1 });
    await expect.poll(async () => line.locator('td').nth(9).textContent()).toBe('3');
    // The units cancelled are available again: the order holds its one open unit.
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'test done' })).status).toBe(200);
    await t.settle();
    await page.close();
  });

  it('a backordered order says which line waits for stock and the ways on (walk10: it said BACKORDERED and nothing more)', async () => {
    const balances: { sku: string; status: string; available: number }[] = await t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);
    const skus = [...new Set(balances.filter((b) => b.status === 'AVAILABLE' && b.available > 2).map((b) => b.sku))].slice(-2);
    // Line 1 is allocated; line 2 asks for far more than the site holds (each line is allocated whole, or not at all).
    const order = await createOrder(call(), siteId, { externalId: 'ORD-UI-BO', lines: [{ sku: skus[0]!, quantity: 1 }, { sku: skus[1]!, quantity: 100_000 }] });
    await until('backordered', () => orderStatus(call(), order.id), (st) => st === 'BACKORDERED');
    await t.settle();

    const page = await signIn(t.keys.manager);
    await page.goto(`${base}/#/orders/${order.id}`);
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-BO/ }).waitFor();
    const status = page.locator('dt', { hasText: /^Status$/ }).locator('xpath=following-sibling::dd[1]');
    await expect.poll(() => status.textContent()).toContain(
      `waiting for stock: line 2 (${skus[1]}) has 0 of 100000 units allocated (a line is allocated whole or not at all). `
      + 'It is allocated by itself as stock arrives (a receipt, a move, held units released); or cancel units of the line, or the order');
    // Line 1, allocated, is not named.
    expect(await status.textContent()).not.toContain(`line 1 (${skus[0]})`);

    // The way on it names: the line cut to what the site holds, the order is allocated and the words go.
    await row(page, 'Units per line', skus[1]!).getByRole('button', { name: `Cancel units of line 2 (${skus[1]})…` }).click();
    await page.getByLabel('Units to cancel (1 to 100000)').fill('99999');
    await page.getByRole('button', { name: 'Yes, cancel 99999 units' }).click();
    await until('allocated', () => orderStatus(call(), order.id), (st) => st === 'ALLOCATED');
    await expect.poll(() => status.textContent()).toBe('ALLOCATED');
    await page.close();
  });

  it('a manager shorts picked units missing or damaged at packing from the order\'s screen, confirmed first: the line counts them apart; a refusal is said in words', async () => {
    const o = await allocated('ORD-UI-8', 2);
    // Earlier tests' orders still in the pool (ORD-UI-4, ORD-UI-5) are older at the same priority: out of the way, so the
    // wave of one takes this order.
    const pooled = await t.get<{ items: { id: string; externalId: string }[] }>(`/api/v1/orders?siteId=${siteId}&status=ALLOCATED&limit=50`);
    for (const other of pooled.body.items.filter((x) => x.externalId.startsWith('ORD-UI-') && x.id !== o.id)) {
      expect((await t.post(`/api/v1/orders/${other.id}/cancel`, { reason: 'test done' })).status).toBe(200);
    }
    await t.settle();
    expect((await planAndReleasePooled(call(), siteId, [o.id], 1)).orderIds).toEqual([o.id]);
    await t.settle();
    await workTasks(call(), siteId, ['worker-8'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call(), o.id), (s) => s === 'PICKED');
    await t.settle();
    const lineOf = async (): Promise<{ picked: number; shorted: number; shortAtPack: number }> => (await t.get(`/api/v1/orders/${o.id}`)).body.lines[0];

    const page = await signIn(t.keys.manager, ['401', '409']);
    await page.goto(`${base}/#/orders/${o.id}`);
    await page.getByRole('heading', { level: 1, name: /^Order ORD-UI-8/ }).waitFor();
    const line = row(page, 'Units per line', o.sku);
    const button = line.getByRole('button', { name: `Short at packing… line 1 (${o.sku})` });
    // Asked first, one unit by default; backing out sends nothing.
    await button.click();
    await page.getByRole('heading', { name: `Short units of line 1 (${o.sku}) of order ORD-UI-8 at packing?` }).waitFor();
    const quantity = page.getByLabel('Units to short (1 to 2)');
    expect(await quantity.inputValue()).toBe('1');
    await page.getByRole('button', { name: 'Keep the units' }).click();
    expect((await lineOf()).shortAtPack).toBe(0);

    await button.click();
    await page.getByLabel('Reason').selectOption('DAMAGED');
    await page.getByLabel('Note (optional)').fill('crushed corner');
    expect(await seriousA11yViolations(page), 'axe on the short at packing confirmation').toEqual([]);
    await screenshot(page, 'console-order-short-at-pack');
    await page.getByRole('button', { name: 'Yes, short 1 unit' }).click();
    await page.getByRole('status').filter({ hasText: `Order ORD-UI-8: 1 unit of line 1 (${o.sku}) shorted at packing (DAMAGED); the order ships without them` }).waitFor();
    await t.settle();
    expect(await lineOf()).toMatchObject({ picked: 2, shorted: 0, shortAtPack: 1 });
    // The line counts it under Short at packing, apart from picking's shorts.
    await expect.poll(async () => line.locator('td').nth(6).textContent()).toBe('1');
    expect(await line.locator('td').nth(5).textContent()).toBe('0');

    // The last unit would leave nothing to ship: refused in the API's words, nothing changed.
    await button.click();
    await page.getByLabel('Units to short (1 to 1)').waitFor();
    await page.getByRole('button', { name: 'Yes, short 1 unit' }).click();
    const alert = page.getByRole('alert').filter({ hasText: `Could not short 1 unit of line 1 (${o.sku}) of order ORD-UI-8 at packing: ` });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('(SHORT_EMPTIES_ORDER)');
    expect((await lineOf()).shortAtPack).toBe(1);
    expect((await t.post(`/api/v1/orders/${o.id}/cancel`, { reason: 'test done' })).status).toBe(200);
    await t.settle();
    await page.close();
  });
});
