import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A console read that fails is said on the screen, with a way on (try again), never a blank or a false "nothing here".
 * The failures are made in the browser (the API answers 500 to one route), the server is the real one.
 */
describe.runIf(browserTestsRun)('the web console when a read fails', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    page = await consolePage(browser, pageErrors, 'all');
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
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Could not read the sites: INTERNAL: An unexpected error occurred');
    expect(await page.getByText('No site yet.').count()).toBe(0);
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.kpi', { hasText: 'Open orders' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.unroute('**/api/v1/sites?*');
  });

  it('no site at all (PakLog started without the demo): the console says so and how to make one, not "Loading…" for ever', async () => {
    let none = true;
    await page.route('**/api/v1/sites?*', async (route) => (none ? route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ items: [], nextCursor: null }) }) : route.continue()));
    await page.reload();
    await expect.poll(() => page.locator('main').textContent()).toContain('No site yet');
    expect(await page.locator('main').textContent()).toContain('POST /api/v1/sites');
    expect(await page.getByText('Loading…').count()).toBe(0);
    none = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.kpi', { hasText: 'Open orders' }).waitFor();
    await page.unroute('**/api/v1/sites?*');
  });

  it('the wave pool or the waves cannot be read: the Waves screen says so instead of empty tables', async () => {
    await page.route('**/api/v1/waves/pool?*', (route) => route.fulfill(broken));
    await page.route('**/api/v1/waves?*', (route) => route.fulfill(broken));
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Waves', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([
      'Could not read the wave pool: INTERNAL: An unexpected error occurred', 'Could not read the waves: INTERNAL: An unexpected error occurred',
    ]);
    await page.unroute('**/api/v1/waves/pool?*');
    await page.unroute('**/api/v1/waves?*');
  });

  it('the site\'s locations cannot be read: Inventory says so with a way to read them again, not "No location … at this site"', async () => {
    const balances = (await t.get(`/api/v1/inventory/balances?siteId=${siteId}&limit=1`)).body as { items: { locationId: string }[] };
    const locationId = balances.items[0]!.locationId;
    const all = (await t.get(`/api/v1/sites/${siteId}/locations?limit=1000`)).body as { items: { id: string; code: string }[] };
    const code = all.items.find((l) => l.id === locationId)!.code;
    let fail = true;
    await page.route('**/api/v1/sites/*/locations?*', async (route) => (fail ? route.fulfill(broken) : route.continue()));
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Inventory', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents())
      .toEqual([expect.stringContaining('Could not read the site\'s locations: INTERNAL: An unexpected error occurred')]);
    await page.getByLabel('Location').fill(code);
    await page.getByLabel('Location').press('Enter');
    // The code cannot be known without the locations: not said unknown (it is not), and the alert stays.
    await page.waitForTimeout(300);
    expect(await page.getByText(/^No location /).count()).toBe(0);
    expect(await page.getByRole('alert').allTextContents()).toEqual([expect.stringContaining('Could not read the site\'s locations')]);
    expect(await seriousA11yViolations(page)).toEqual([]);
    fail = false;
    await page.getByRole('button', { name: 'Read the locations again' }).click();
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.locator('tbody tr').first().textContent()).toContain(code);
    await page.unroute('**/api/v1/sites/*/locations?*');
    await page.getByLabel('Location').fill('');
  });

  it('a read refused or failed says PakLog\'s code with its words (FORBIDDEN: …, NETWORK: …), for the user to report, not the words alone', async () => {
    const forbidden = { status: 403, contentType: 'application/problem+json', body: JSON.stringify({ status: 403, code: 'FORBIDDEN', detail: 'This key may not read ASNs' }) };
    let answer: 'forbidden' | 'none' | 'real' = 'forbidden';
    // A paged list (usePaged): the ASNs of Inbound.
    await page.route('**/api/v1/inventory/asns?*', async (route) => (answer === 'forbidden' ? route.fulfill(forbidden) : answer === 'none' ? route.abort() : route.continue()));
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Inbound', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['FORBIDDEN: This key may not read ASNs']);
    answer = 'none';
    await page.getByLabel('Status').selectOption('OPEN');
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual(['NETWORK: No connection to PakLog']);
    answer = 'real';
    await page.getByLabel('Status').selectOption('');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await page.unroute('**/api/v1/inventory/asns?*');
    // One thing read (useData): an order's own screen.
    const order = (await t.get(`/api/v1/orders?siteId=${siteId}&limit=1`)).body.items[0] as { id: string };
    await page.route(`**/api/v1/orders/${order.id}`, (route) => route.fulfill(broken));
    await page.goto(`${base}/#/orders/${order.id}`);
    await expect.poll(() => page.getByRole('alert').allTextContents()).toEqual([`Could not read order ${order.id}: INTERNAL: An unexpected error occurred`]);
    await page.unroute(`**/api/v1/orders/${order.id}`);
  });

  it('the owners cannot be read on New ASN or Place a hold: said, with Read the owners again, not a form silently for the default owner', async () => {
    expect((await t.post('/api/v1/owners', { code: 'FAILCO', name: 'Fail Co' }, 'admin')).status).toBe(201);
    let fail = true;
    await page.route('**/api/v1/owners?*', async (route) => (fail ? route.fulfill(broken) : route.continue()));
    await page.goto(`${base}/#/inbound`);
    await page.getByRole('button', { name: 'New ASN…' }).click();
    const form = page.getByRole('region', { name: 'New ASN' });
    await expect.poll(() => form.getByRole('alert').allTextContents()).toEqual([expect.stringContaining('Could not read the owners: INTERNAL: An unexpected error occurred')]);
    expect(await form.getByLabel('Owner').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    fail = false;
    await form.getByRole('button', { name: 'Read the owners again' }).click();
    await form.getByLabel('Owner').waitFor();
    expect(await form.getByRole('alert').count()).toBe(0);
    fail = true;
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Stock holds', exact: true }).click();
    await page.getByRole('button', { name: 'Place a hold…' }).click();
    const hold = page.getByRole('region', { name: 'Place a hold' });
    await expect.poll(() => hold.getByRole('alert').allTextContents()).toEqual([expect.stringContaining('Could not read the owners: INTERNAL: ')]);
    fail = false;
    await hold.getByRole('button', { name: 'Read the owners again' }).click();
    await hold.getByLabel('Owner').waitFor();
    await page.unroute('**/api/v1/owners?*');
  });

  it('who is signed in cannot be checked (PakLog answers 500 to /auth/me): the console says so and tries again, not the sign-in form', async () => {
    let fail = true;
    await page.route('**/api/v1/auth/me', async (route) => (fail ? route.fulfill(broken) : route.continue()));
    await page.goto(`${base}/`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Could not check your sign-in: INTERNAL: An unexpected error occurred');
    expect(await page.getByLabel('API key', { exact: true }).count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    fail = false;
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('.kpi', { hasText: 'Open orders' }).waitFor();
    await page.unroute('**/api/v1/auth/me');
  });

  it('an exception action that cannot be undone (discard, cancel) says what it does and asks again; Keep backs out with nothing sent', async () => {
    // A dead letter's exception, straight into this test's database: only its buttons are under test here.
    const db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO orchestration.exceptions (id, site_id, kind, case_key, subject, reason, actions, details, status, raised_at)
         VALUES ('exc_seed_dead', $1, 'DEAD_LETTER', 'seed-dead', 'evt_seed_dead', 'seeded: a consumer gave up on this event', '{replay,discard}', '{}'::jsonb, 'OPEN', now())`, [siteId]);
    } finally {
      await db.end();
    }
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Exceptions', exact: true }).click();
    await page.getByRole('button', { name: 'discard evt_seed_dead' }).click();
    const row = page.locator('tr', { hasText: 'evt_seed_dead' });
    await row.getByText('drops the event for good').waitFor();
    expect((await t.get('/api/v1/exceptions/exc_seed_dead')).body.status).toBe('OPEN');
    await row.getByRole('button', { name: 'Keep' }).click();
    await page.getByRole('button', { name: 'replay evt_seed_dead' }).waitFor();
    expect(await row.getByText('drops the event for good').count()).toBe(0);

    await page.getByRole('button', { name: 'discard evt_seed_dead' }).click();
    await row.getByRole('button', { name: 'Yes, discard evt_seed_dead' }).click();
    // Whatever PakLog answers (done, or why not), it is on the screen.
    await expect.poll(() => page.locator('p.ok, p.error').filter({ hasText: /^discard(: done| failed)/ }).count()).toBe(1);
  });
});
