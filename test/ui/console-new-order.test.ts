import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, signInToConsole, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A manager could find orders in the console but not create one (a phone order, a replacement): only the API took
 * them. The Orders screen has "New order…": a labelled form the browser checks (nonsense is not sent), the API's
 * refusal said on the form which keeps what was typed, and the new order shown in the list. A viewer has no such button.
 */
describe.runIf(browserTestsRun)('the web console: a new order', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    // 422: the unknown SKU refused on purpose.
    page = await consolePage(browser, pageErrors, ['401', '422']);
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const signInAs = (key: string): Promise<void> => signInToConsole(page, base, key, '#/orders', 'Orders');
  const ordersNamed = async (externalId: string): Promise<unknown[]> =>
    (await t.get(`/api/v1/orders?siteId=${siteId}&externalId=${externalId}`)).body.items as unknown[];

  it('a manager creates an order from the console; nonsense is not sent and a refusal is said on the form', async () => {
    const balances: { sku: string; status: string; available: number }[] = await t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);
    const sku = balances.find((b) => b.status === 'AVAILABLE' && b.available > 2)!.sku;
    await signInAs(t.keys.manager);
    await page.getByRole('button', { name: 'New order…' }).click();
    const form = page.getByRole('region', { name: 'New order' });
    await form.getByLabel('Client order id').fill('PHONE-1');
    await form.getByLabel('Name').fill('Ada Lovelace');
    await form.getByLabel('Address').fill('12 Analytical Row');
    await form.getByLabel('City').fill('London');
    await form.getByLabel('Postal code').fill('N1 7AA');
    await form.getByLabel('Country (2 letters)').fill('99');
    await form.getByLabel('SKU (line 1)').fill('NO-SUCH-SKU');
    await form.getByLabel('Quantity (line 1)').fill('0');
    expect(await seriousA11yViolations(page), 'axe on the new order form').toEqual([]);
    // The browser refuses a country that is not two letters and a quantity of 0: nothing is sent.
    await form.getByRole('button', { name: 'Create order' }).click();
    expect(await form.getByLabel('Country (2 letters)').evaluate((e) => (e as unknown as { validity: { valid: boolean } }).validity.valid)).toBe(false);
    expect(await ordersNamed('PHONE-1')).toEqual([]);

    await form.getByLabel('Country (2 letters)').fill('gb');
    await form.getByLabel('Quantity (line 1)').fill('2');
    await form.getByRole('button', { name: 'Create order' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('UNKNOWN_SKU');
    expect(await form.getByLabel('Client order id').inputValue()).toBe('PHONE-1');
    expect(await ordersNamed('PHONE-1')).toEqual([]);

    await form.getByLabel('SKU (line 1)').fill(sku);
    await screenshot(page, 'console-new-order');
    await form.getByLabel('Quantity (line 1)').press('Enter');
    await page.getByRole('status').filter({ hasText: 'Order PHONE-1 received' }).waitFor();
    expect(await ordersNamed('PHONE-1')).toHaveLength(1);
    expect(await page.getByRole('region', { name: 'New order' }).count()).toBe(0);
    await page.locator('tbody tr', { hasText: 'PHONE-1' }).waitFor();
    expect(await page.getByLabel('Client order id').inputValue()).toBe('PHONE-1');

    // Found again by PakLog's own id (the first column), as a new user pastes it: it was searched as a client id, and missed.
    const id = ((await ordersNamed('PHONE-1'))[0] as { id: string }).id;
    await page.getByLabel('Client order id').fill(id);
    // One order is said in the singular ("1 orders" before).
    await page.locator('caption').filter({ hasText: /^1 order$/ }).waitFor();
    expect(await page.locator('tbody tr').first().textContent()).toContain('PHONE-1');
  });

  it('a viewer is offered no New order button (it could only answer 403)', async () => {
    await signInAs(t.keys.viewer);
    await page.locator('caption').filter({ hasText: 'orders' }).waitFor();
    expect(await page.getByRole('button', { name: 'New order…' }).count()).toBe(0);
  });
});
