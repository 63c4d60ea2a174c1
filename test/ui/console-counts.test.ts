import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A recount beyond tolerance waits for a manager (AWAITING_APPROVAL) and keeps its location under count: the console had
 * no screen for counts, so that state had no way out but the API. The Counts screen lists it and approves or rejects it
 * (asking first, a reason required to reject); a count nobody counts is abandoned; a viewer sees counts, no buttons.
 */
describe.runIf(browserTestsRun)('the web console: cycle counts', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let page: Page;
  let base: string;
  let siteId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    // A product code with no stock is refused with 422 (the last test's step): the browser logs that answer.
    // … and a count decided elsewhere meanwhile is refused with 409 (the third test).
    page = await consolePage(browser, pageErrors, ['401', '409', '422']);
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  const balances = async (): Promise<{ sku: string; locationId: string; lot: string | null; status: string; onHand: number; reserved: number }[]> =>
    t.getAll(`/api/v1/inventory/balances?siteId=${siteId}`);

  /** A count of a balance without a lot, counted 2 over by one worker and recounted 2 over by another: AWAITING_APPROVAL. */
  const awaiting = async (skip: readonly string[]): Promise<{ id: string; sku: string; locationId: string; onHand: number }> => {
    const b = (await balances()).find((x) => x.status === 'AVAILABLE' && x.lot === null && x.reserved === 0 && x.onHand > 0 && !skip.includes(`${x.sku}|${x.locationId}`))!;
    const opened = await t.post('/api/v1/inventory/counts', { siteId, sku: b.sku, locationIds: [b.locationId], toleranceUnits: 0 }, 'manager');
    expect(opened.status).toBe(201);
    const count = (opened.body.items as { id: string }[])[0]!;
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 1, quantity: b.onHand + 2, workerId: 'ann' }, 'operator')).status).toBe(200);
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/submit`, { attempt: 2, quantity: b.onHand + 2, workerId: 'bob' }, 'operator')).status).toBe(200);
    expect((await t.get(`/api/v1/inventory/counts/${count.id}`)).body.status).toBe('AWAITING_APPROVAL');
    return { id: count.id, sku: b.sku, locationId: b.locationId, onHand: b.onHand };
  };

  const signInAs = async (key: string): Promise<void> => {
    await page.goto(`${base}/`);
    await page.evaluate('sessionStorage.clear()');
    await page.goto(`${base}/`);
    await page.getByLabel('API key', { exact: true }).fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: 'Counts', exact: true }).click();
  };

  it('a manager approves one recount, rejects another with a reason after backing out, and abandons an open count', async () => {
    const first = await awaiting([]);
    const second = await awaiting([`${first.sku}|${first.locationId}`]);
    await signInAs(t.keys.manager);
    const row = page.locator('tr', { hasText: first.id });
    await row.waitFor();
    expect(await row.textContent()).toContain(`recount ${first.onHand + 2} of ${first.onHand} expected (+2) by bob`);
    expect(await seriousA11yViolations(page), 'axe on counts').toEqual([]);

    await page.getByRole('button', { name: `Approve count ${first.id}…` }).click();
    await row.getByText('It cannot be undone').waitFor();
    await page.getByLabel(`Reason to approve count ${first.id}`).fill('found on a second pallet');
    await screenshot(page, 'console-counts-approve');
    await row.getByRole('button', { name: /^Approve count of / }).click();
    await page.getByRole('status').filter({ hasText: 'approved: on hand changed by +2' }).waitFor();
    expect((await t.get(`/api/v1/inventory/counts/${first.id}`)).body).toMatchObject({ status: 'COMPLETED', applied: 2 });
    await expect.poll(() => row.count()).toBe(0);

    // Reject: "Keep" backs out with nothing sent; the button waits for a reason.
    const other = page.locator('tr', { hasText: second.id });
    await page.getByRole('button', { name: `Reject count ${second.id}…` }).click();
    await page.getByRole('button', { name: 'Keep' }).click();
    expect((await t.get(`/api/v1/inventory/counts/${second.id}`)).body.status).toBe('AWAITING_APPROVAL');
    await page.getByRole('button', { name: `Reject count ${second.id}…` }).click();
    const submit = other.getByRole('button', { name: /^Reject count of / });
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel(`Reason to reject count ${second.id}`).fill('miscounted: mixed with the next bin');
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: 'rejected: nothing adjusted' }).waitFor();
    expect((await t.get(`/api/v1/inventory/counts/${second.id}`)).body).toMatchObject({ status: 'REJECTED', decisionReason: 'miscounted: mixed with the next bin' });

    // An open count nobody will count is abandoned.
    const b = (await balances()).find((x) => x.status === 'AVAILABLE' && x.onHand > 0 && x.reserved === 0 && x.sku !== first.sku && x.sku !== second.sku)!;
    const opened = (await t.post('/api/v1/inventory/counts', { siteId, sku: b.sku, locationIds: [b.locationId] }, 'manager')).body.items as { id: string }[];
    const open = opened[0]!;
    await page.getByLabel('Status').selectOption('OPEN');
    await page.getByRole('button', { name: `Abandon count ${open.id}…` }).click();
    await page.getByLabel(`Reason to abandon count ${open.id}`).fill('nobody on that aisle today');
    await page.locator('tr', { hasText: open.id }).getByRole('button', { name: /^Abandon count of / }).click();
    await page.getByRole('status').filter({ hasText: `Count of ${b.sku}` }).filter({ hasText: 'rejected' }).waitFor();
    expect((await t.get(`/api/v1/inventory/counts/${open.id}`)).body.status).toBe('REJECTED');

    // A SKU counted now, wherever it is: its counts are opened and shown.
    const target = (await balances()).find((x) => x.status === 'AVAILABLE' && x.onHand > 0 && x.reserved === 0 && ![first.sku, second.sku, b.sku].includes(x.sku))!;
    await page.getByLabel('Product code to count now').fill(target.sku);
    await page.getByLabel('Product code to count now').press('Enter');
    await page.getByRole('status').filter({ hasText: `of ${target.sku} opened` }).waitFor();
    const opened2 = (await t.get(`/api/v1/inventory/counts?siteId=${siteId}&sku=${target.sku}&status=OPEN`)).body.items as { id: string }[];
    expect(opened2.length).toBeGreaterThan(0);
    await page.locator('tr', { hasText: opened2[0]!.id }).waitFor();

    // A mistyped product code is an unknown SKU, not "nothing to count" (as if out of stock).
    await page.getByLabel('Product code to count now').fill('NO-SUCH-SKU');
    await page.getByLabel('Product code to count now').press('Enter');
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContainEqual('UNKNOWN_SKU: Unknown SKU NO-SUCH-SKU');
    // A product with no stock here: the refusal says so of that SKU, not of "the locations named" (the manager named none).
    expect((await t.post('/api/v1/products', { sku: 'NO-STOCK-HERE', description: 'Never received', lengthMm: 10, widthMm: 10, heightMm: 10, weightG: 10 })).status).toBe(201);
    await page.getByLabel('Product code to count now').fill('NO-STOCK-HERE');
    await page.getByLabel('Product code to count now').press('Enter');
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContainEqual(expect.stringContaining('no AVAILABLE units of NO-STOCK-HERE anywhere at this site'));
    expect((await page.getByRole('alert').allTextContents()).join(' ')).not.toContain('locations named');
  });

  it('a count decided elsewhere while a manager writes a reason keeps its form and reason, says it changed, and the refusal is said', async () => {
    const count = await awaiting([]);
    await signInAs(t.keys.manager);
    const row = page.locator('tr', { hasText: count.id });
    await page.getByRole('button', { name: `Reject count ${count.id}…` }).click();
    await page.getByLabel(`Reason to reject count ${count.id}`).fill('miscounted: two bins mixed');
    // Another manager approves it: the live update takes it off the AWAITING_APPROVAL list. Before, the form went with
    // the row, and the reason typed with it.
    expect((await t.post(`/api/v1/inventory/counts/${count.id}/approve`, { reason: 'seen on a second pallet' }, 'manager')).status).toBe(200);
    await row.getByRole('note').filter({ hasText: 'Changed since this form opened: no longer listed' }).waitFor();
    expect(await page.getByLabel(`Reason to reject count ${count.id}`).inputValue()).toBe('miscounted: two bins mixed');
    await row.getByRole('button', { name: /^Reject count of / }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('ILLEGAL_TRANSITION');
    expect((await t.get(`/api/v1/inventory/counts/${count.id}`)).body.status).toBe('COMPLETED');
    await page.getByRole('button', { name: 'Keep' }).click();
    await expect.poll(() => row.count()).toBe(0);
  });

  it('a viewer sees the counts waiting, with no button that could only answer 403', async () => {
    const waiting = await awaiting([]);
    await signInAs(t.keys.viewer);
    await page.locator('tr', { hasText: waiting.id }).waitFor();
    expect(await page.getByRole('button', { name: /Approve|Reject|Abandon/ }).count()).toBe(0);
  });
});
