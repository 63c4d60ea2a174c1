import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { seedDemo } from '../../src/seed/demo.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';
import { browserTestsRun, ensureUiBuilt, launchChromium, listen } from '../support/ui-browser.ts';

/**
 * A console read that fails is said on the screen, with a way on (try again), never a blank or a false "nothing here".
 * The failures are made in the browser (the API answers 500 to one route), the server is the real one.
 */
describe.runIf(browserTestsRun)('the web console when a read fails', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureUiBuilt();
    t = await startTestApp();
    await seedDemo(t.app);
    await t.settle();
    base = await listen(t);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const broken = { status: 500, contentType: 'application/problem+json', body: JSON.stringify({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred' }) };

  it('the sites cannot be read at sign-in: the console says so and tries again on request, not "No site yet"', async () => {
    let fail = true;
    await page.route('**/api/v1/sites?*', async (route) => (fail ? route.fulfill(broken) : route.continue()));
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.manager);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Could not read the sites: An unexpected error occurred');
    expect(await page.getByText('No site yet.').count()).toBe(0);
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.kpi', { hasText: 'Open orders' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.unroute('**/api/v1/sites?*');
  });

  it('the wave pool or the waves cannot be read: the Waves screen says so instead of empty tables', async () => {
    await page.route('**/api/v1/waves/pool?*', (route) => route.fulfill(broken));
    await page.route('**/api/v1/waves?*', (route) => route.fulfill(broken));
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Waves', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([
      'Could not read the wave pool: An unexpected error occurred', 'Could not read the waves: An unexpected error occurred',
    ]);
    await page.unroute('**/api/v1/waves/pool?*');
    await page.unroute('**/api/v1/waves?*');
  });
});
