import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, signInToConsole, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A new user with a file of orders (a web shop's export) found no way to import it in the console: only the API and
 * the CLI took CSV. The Orders screen has "Import orders (CSV)…": the file is sent to POST /imports/orders at the
 * chosen site with the tab's credential, and the answer is said whole — a file with a bad line imports nothing and
 * says so, naming each bad line (number, column, PakLog's words); "good orders only" imports the rest and lists the
 * refused lines; the imported orders appear in the list. A viewer has no such button.
 */
describe.runIf(browserTestsRun)('the web console: importing orders from CSV', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    // 422: the file with a bad line, refused on purpose.
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
  const csvFile = (lines: string[]) => ({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(`${lines.join('\n')}\n`) });

  it('a manager imports a file: a bad line imports nothing and is named; "good orders only" imports the rest', async () => {
    const products: { sku: string }[] = await t.getAll('/api/v1/products?active=true');
    const sku = products[0]!.sku;
    const file = csvFile([
      'externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry',
      `CSV-UI-1,${sku},2,Ada Lovelace,12 Analytical Row,Leeds,LS1 1AA,GB`,
      `CSV-UI-2,${sku},1,Grace Hopper,1 Compiler Way,Arlington,22201,US`,
      'CSV-UI-3,NO-SUCH-SKU,1,Alan Turing,2 Bletchley Park,Milton Keynes,MK3 6EB,GB',
    ]);
    await signInAs(t.keys.manager);
    await page.getByRole('button', { name: 'Import orders (CSV)…' }).click();
    const form = page.getByRole('region', { name: 'Import orders (CSV)' });
    await form.getByLabel('CSV file').setInputFiles(file);
    expect(await seriousA11yViolations(page), 'axe on the import form').toEqual([]);

    // Whole or nothing: the file has a bad line (line 4: the header is line 1), nothing is written, and the form says so.
    await form.getByRole('button', { name: 'Import' }).click();
    const alert = form.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Nothing was imported');
    expect(await alert.textContent()).toContain('IMPORT_ROWS_INVALID');
    const bad = alert.locator('tbody tr');
    expect(await bad.count()).toBe(1);
    expect(await bad.locator('td').allTextContents()).toEqual(['4', 'sku', expect.stringContaining('NO-SUCH-SKU') as unknown as string]);
    expect(await ordersNamed('CSV-UI-1')).toEqual([]);

    // Check only: nothing written, what would happen said.
    await form.getByLabel('Good orders only').check();
    await form.getByLabel('Check only').check();
    await form.getByRole('button', { name: 'Check the file' }).click();
    await expect.poll(() => alert.textContent()).toContain('nothing written: the import would give 2 new orders');
    expect(await ordersNamed('CSV-UI-1')).toEqual([]);

    // The good orders only: two created, the bad line listed with its number.
    await form.getByLabel('Check only').uncheck();
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => alert.textContent()).toContain('Imported 2 of 3 lines: 2 new orders, 0 orders already there unchanged');
    expect(await alert.textContent()).toContain('1 line refused');
    expect(await alert.locator('tbody tr td').first().textContent()).toBe('4');
    await screenshot(page, 'console-import-orders');
    expect(await ordersNamed('CSV-UI-1')).toHaveLength(1);
    expect(await ordersNamed('CSV-UI-2')).toHaveLength(1);
    expect(await ordersNamed('CSV-UI-3')).toEqual([]);
    // The imported orders are in the list below.
    await page.locator('tbody tr', { hasText: 'CSV-UI-1' }).waitFor();
    await page.locator('tbody tr', { hasText: 'CSV-UI-2' }).waitFor();

    // The same file again: its orders are there, unchanged; nothing doubled.
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => alert.textContent()).toContain('0 new orders, 2 orders already there unchanged');
    expect(await ordersNamed('CSV-UI-1')).toHaveLength(1);
  });

  // Failed before (2026-12-06): a file was sent with a fresh key on every press (only JSON commands were known again),
  // so the press after a lost answer imported it again and said "0 new orders, 2 already there" of orders it had just made.
  it('a file whose answer was lost, imported again, goes with its first key: PakLog answers from its record (2 new orders), nothing doubled', async () => {
    const products: { sku: string }[] = await t.getAll('/api/v1/products?active=true');
    const sku = products[0]!.sku;
    await signInAs(t.keys.manager);
    await page.getByRole('button', { name: 'Import orders (CSV)…' }).click();
    const form = page.getByRole('region', { name: 'Import orders (CSV)' });
    await form.getByLabel('CSV file').setInputFiles(csvFile([
      'externalId,sku,quantity,shipToName,shipToLine1,shipToCity,shipToPostalCode,shipToCountry',
      `CSV-LOST-1,${sku},1,Ada Lovelace,12 Analytical Row,Leeds,LS1 1AA,GB`,
      `CSV-LOST-2,${sku},2,Grace Hopper,1 Compiler Way,Arlington,22201,US`,
    ]));
    const keys: string[] = [];
    let lost = 1;
    await page.route('**/api/v1/imports/orders?*', async (route) => {
      keys.push(route.request().headers()['idempotency-key'] ?? '');
      const res = await route.fetch();
      return lost-- > 0 ? route.abort('failed') : route.fulfill({ response: res });
    });
    const logged = pageErrors.length;
    await form.getByRole('button', { name: 'Import' }).click();
    const alert = form.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('NETWORK: No connection to PakLog. The file may or may not have been imported');
    expect(await ordersNamed('CSV-LOST-1')).toHaveLength(1);
    await form.getByRole('button', { name: 'Import' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('2 new orders, 0 orders already there unchanged');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await ordersNamed('CSV-LOST-2')).toHaveLength(1);
    expect(pageErrors.splice(logged).every((e) => e.includes('net::ERR_FAILED'))).toBe(true);
    await page.unroute('**/api/v1/imports/orders?*');
  });

  it('a viewer is offered no import button (it could only answer 403)', async () => {
    await signInAs(t.keys.viewer);
    await page.locator('caption').filter({ hasText: 'orders' }).waitFor();
    expect(await page.getByRole('button', { name: 'Import orders (CSV)…' }).count()).toBe(0);
  });
});
