import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createOrder, injectClient, orderStatus, planAndRelease, until, workTasks } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * What a new manager met walking a day through the console (walk10): a booked shipment said LABELLED but the console
 * had no way to the label or the packing slip (the API's only), and the Tasks screen showed a pack task's order as a
 * bare id, not the link to its screen every other order id of the console is.
 */
describe.runIf(browserTestsRun)('the web console: a manager\'s day', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    page = await consolePage(browser, pageErrors);
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.manager);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const nav = (screen: string) => page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen, exact: true });

  /** An order of the demo site carried to PACKED through the API (waved alone, picked by worker-1, packed). */
  const packedOrder = async (externalId: string): Promise<string> => {
    const call = injectClient(t.app, t.keys.admin);
    const balances: { sku: string; status: string; available: number }[] = await t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);
    const sku = balances.find((b) => b.status === 'AVAILABLE' && b.available > 1)!.sku;
    const order = await createOrder(call, siteId, { externalId, lines: [{ sku, quantity: 1 }], priority: 1 });
    await until('allocated', () => orderStatus(call, order.id), (s) => s === 'ALLOCATED');
    await t.settle();
    await planAndRelease(call, siteId, 1);
    await t.settle();
    await workTasks(call, siteId, ['worker-1'], { expectedTasks: 1 });
    await until('picked', () => orderStatus(call, order.id), (s) => s === 'PICKED');
    expect((await t.post('/api/v1/packages', { orderId: order.id })).status).toBe(201);
    await until('packed', () => orderStatus(call, order.id), (s) => s === 'PACKED');
    await t.settle();
    return order.id;
  };

  it('a booked shipment\'s label and packing slip are PDFs the manager downloads from the Shipping screen', async () => {
    const orderId = await packedOrder('WALK-UI-1');
    await nav('Shipping').click();
    const row = page.locator('tbody tr', { hasText: 'WALK-UI-1' });
    await row.getByText('not booked').waitFor();
    // Nothing to print before the booking.
    expect(await row.getByRole('button', { name: /label \(PDF\)|packing slip/i }).count()).toBe(0);
    await page.getByRole('button', { name: 'Book shipment of WALK-UI-1' }).click();
    await row.getByText('LABELLED').waitFor();
    const shipment = (await t.get(`/api/v1/shipments?orderIds=${orderId}`)).body.items[0] as { id: string; packageIds: string[] };
    expect(shipment.packageIds).toHaveLength(1);

    const [label] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Label (PDF) of WALK-UI-1' }).click()]);
    expect(label.suggestedFilename()).toBe(`label-${shipment.packageIds[0]}.pdf`);
    expect(readFileSync((await label.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [slip] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Packing slip (PDF) of WALK-UI-1' }).click()]);
    expect(slip.suggestedFilename()).toBe(`packing-slip-${shipment.id}.pdf`);
    expect(readFileSync((await slip.path())).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await screenshot(page, 'console-shipping-documents');
    expect(await seriousA11yViolations(page), 'axe on shipping with documents').toEqual([]);

    // Shipped, the documents are still there (a reprint for the carrier's driver).
    await page.getByRole('button', { name: 'Dispatch WALK-UI-1…' }).click();
    await page.getByRole('button', { name: 'Yes, dispatch WALK-UI-1' }).click();
    await until('shipped', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status as string, (s) => s === 'SHIPPED');
    await page.getByLabel('Orders').selectOption('SHIPPED');
    await page.locator('tbody tr', { hasText: 'WALK-UI-1' }).getByRole('button', { name: 'Packing slip (PDF) of WALK-UI-1' }).waitFor();
  });

  it('a label PakLog refuses is said in words on the screen, not a download of its problem', async () => {
    await packedOrder('WALK-UI-2');
    // A page of its own: the refused request's 409 is the point here, not a console error of the day's page.
    const refusedErrors: string[] = [];
    const other = await consolePage(browser, refusedErrors, ['401', '409']);
    await other.goto(`${base}/#/shipping`);
    await other.getByLabel('API key', { exact: true }).fill(t.keys.manager);
    await other.getByRole('button', { name: 'Sign in' }).click();
    const row = other.locator('tbody tr', { hasText: 'WALK-UI-2' });
    await other.getByRole('button', { name: 'Book shipment of WALK-UI-2' }).click();
    await row.getByText('LABELLED').waitFor();
    // The label is refused as it would be had the shipment been voided meanwhile.
    await other.route('**/api/v1/packages/*/label*', (route) => route.fulfill({
      status: 409, contentType: 'application/problem+json',
      body: JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, code: 'PACKAGE_NOT_BOOKED', detail: 'Package pkg_x has no label: book its order\'s shipment', traceId: 't' }),
    }));
    let downloads = 0;
    other.on('download', () => { downloads += 1; });
    await row.getByRole('button', { name: 'Label (PDF) of WALK-UI-2' }).click();
    await other.getByRole('alert').filter({ hasText: 'has no label: book its order' }).waitFor();
    expect(await other.getByRole('alert').textContent()).toContain('PACKAGE_NOT_BOOKED');
    expect(downloads).toBe(0);
    expect(refusedErrors).toEqual([]);
    await other.close();
  });

  it('the Tasks screen links a pack task\'s order to its screen, named by the client\'s order id', async () => {
    const orderId = await packedOrder('WALK-UI-3');
    await nav('Tasks').click();
    await page.getByLabel('Type').selectOption('PACK');
    const link = page.locator('tbody tr').getByRole('link', { name: 'WALK-UI-3' });
    await link.waitFor();
    await link.click();
    await page.getByRole('heading', { name: /Order WALK-UI-3/ }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/orders/${orderId}`);
  });

  it('the Exceptions screen says in words what each action does before the manager presses it', async () => {
    // A task's exception, straight into this test's database: only its words are under test here.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(`INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
         VALUES ('exc_walk_task', $1, 'TASK_NOT_STARTED', 'walk-task', 'tsk_walk', 'seeded: nobody has taken it', '{reprioritise,acknowledge}', '{}'::jsonb, 'OPEN', now())`, [siteId]);
    } finally {
      await db.end();
    }
    await nav('Exceptions').click();
    const row = page.locator('tbody tr', { hasText: 'tsk_walk' });
    await row.getByRole('button', { name: 'reprioritise tsk_walk' }).waitFor();
    expect(await row.textContent()).toContain('the task goes first in the queue');
    expect(await row.textContent()).toContain('the exception is closed; nothing else changes');
    await screenshot(page, 'console-exceptions-words');
    expect(await seriousA11yViolations(page), 'axe on exceptions').toEqual([]);
  });
});
