import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createOrder, injectClient, orderStatus, planAndRelease, until, workTasks } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A packed order had no way to ship in the console: booking, voiding a label and dispatching were API-only, and a
 * manager could not see a shipment or its tracking number. The Shipping screen lists the packed orders, books them,
 * voids a label or dispatches after saying it cannot be undone, and lists the shipped ones with their tracking.
 */
describe.runIf(browserTestsRun)('the web console: shipping', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    page = await consolePage(browser, pageErrors);
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

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

  it('a manager books a packed order, voids its label after backing out, books it again and dispatches it', async () => {
    const orderId = await packedOrder('SHIP-UI-1');
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.manager);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Shipping', exact: true }).click();
    const row = page.locator('tbody tr', { hasText: 'SHIP-UI-1' });
    await row.getByText('not booked').waitFor();
    expect(await seriousA11yViolations(page), 'axe on shipping').toEqual([]);

    await page.getByRole('button', { name: 'Book shipment of SHIP-UI-1' }).click();
    await page.getByRole('status').filter({ hasText: 'SHIP-UI-1 booked' }).waitFor();
    await row.getByText('LABELLED').waitFor();
    // WCAG 2.5.3 label in name: each button's accessible name holds the words it shows ("Label (PDF)" was named
    // "Label of SHIP-UI-1 (PDF)", out of reach of a speech user saying what they see).
    await row.getByRole('button', { name: 'Label (PDF) of SHIP-UI-1' }).waitFor();
    const words = (s: string): string => ` ${s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;
    const named = await row.getByRole('button').evaluateAll((buttons) => buttons.map((b) => ({ shown: b.textContent ?? '', name: b.getAttribute('aria-label') ?? b.textContent ?? '' })));
    expect(named.length).toBeGreaterThanOrEqual(4);
    expect(named.filter((b) => !words(b.name).includes(words(b.shown)))).toEqual([]);

    // Void asks first; Keep backs out with nothing sent.
    await page.getByRole('button', { name: 'Void label of SHIP-UI-1…' }).click();
    await row.getByText('It cannot be undone').waitFor();
    await page.getByRole('button', { name: 'Keep' }).click();
    const shipments = async (): Promise<{ status: string; trackingNumber: string | null }[]> => (await t.get(`/api/v1/shipments?orderIds=${orderId}`)).body.items;
    expect((await shipments()).map((s) => s.status)).toEqual(['LABELLED']);
    await page.getByRole('button', { name: 'Void label of SHIP-UI-1…' }).click();
    await page.getByRole('button', { name: 'Yes, void the label of SHIP-UI-1' }).click();
    await page.getByRole('status').filter({ hasText: 'voided' }).waitFor();
    await row.getByText('not booked').waitFor();

    await page.getByRole('button', { name: 'Book shipment of SHIP-UI-1' }).click();
    await row.getByText('LABELLED').waitFor();
    await page.getByRole('button', { name: 'Dispatch SHIP-UI-1…' }).click();
    await screenshot(page, 'console-shipping-dispatch');
    await page.getByRole('button', { name: 'Yes, dispatch SHIP-UI-1' }).click();
    await page.getByRole('status').filter({ hasText: 'SHIP-UI-1 dispatched' }).waitFor();
    await until('shipped', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status as string, (s) => s === 'SHIPPED');
    await expect.poll(() => row.count()).toBe(0);

    await page.getByLabel('Orders').selectOption('SHIPPED');
    const dispatched = (await shipments()).find((s) => s.status === 'DISPATCHED')!;
    await page.locator('tbody tr', { hasText: 'SHIP-UI-1' }).getByText(dispatched.trackingNumber!).waitFor();
  });
});
