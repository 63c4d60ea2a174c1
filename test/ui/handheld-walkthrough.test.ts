import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Route } from 'playwright-core';
import { until } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { handheldPhone, signInHandheld } from '../support/ui-handheld.ts';
import { browserTestsRun, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';
import { stockedSkus } from '../support/ui-orders.ts';

interface Task { id: string; type: string; status: string; reference: string }
interface Balance { sku: string; locationId: string; status: string; available: number }

/**
 * What a new operator met on the handheld (walk10): a count (putaway, replenish, return) task whose work was still
 * being read showed a blank screen with one button, "Not me: reject task", and no word of what was coming.
 */
describe.runIf(browserTestsRun)('the handheld: a new operator\'s day', () => {
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

  it('a task whose work is still being read says so (not a blank screen with only "Not me: reject task"), then shows it', async () => {
    const sku = (await stockedSkus(t, siteId))[0]!;
    const balance = (await t.getAll<Balance>(`/api/v1/inventory/balances?siteId=${siteId}&sku=${sku}`))
      .find((b) => b.status === 'AVAILABLE' && b.available > 0)!;
    const opened = await t.post('/api/v1/inventory/counts', { siteId, locationIds: [balance.locationId], sku }, 'manager');
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const count = opened.body.items[0] as { id: string };
    await until('count task', () => t.getAll<Task>(`/api/v1/tasks?siteId=${siteId}&type=COUNT`), (ts) => ts.some((x) => x.reference === count.id));
    const code = (await t.get(`/api/v1/locations/${balance.locationId}`)).body.code as string;

    const { context, page } = await handheldPhone(browser, pageErrors);
    await signInHandheld(page, { base, key: t.keys.operator, worker: 'op-walk' });
    // The count's read is held back, as on a slow network, until the screen has been looked at.
    const held: Route[] = [];
    await page.route(`**/api/v1/inventory/counts/${count.id}`, (route) => { held.push(route); });
    await page.getByRole('radio', { name: 'Count' }).check();
    await page.getByRole('button', { name: 'Next task' }).click();
    await expect.poll(() => held.length).toBe(1);
    const reading = page.getByRole('status').filter({ hasText: /Reading (the|task)/ });
    await reading.waitFor();
    expect(await page.getByRole('button', { name: 'Not me: reject task' }).isVisible()).toBe(true);
    await held[0]!.continue();
    await page.getByRole('heading', { name: `Go to ${code} and scan it` }).waitFor();
    expect(await reading.count()).toBe(0);
    await context.close();
  });
});
