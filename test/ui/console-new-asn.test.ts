import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app.ts';
import { browserTestsRun, consolePage, screenshot, seriousA11yViolations, signInToConsole, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';

/**
 * A manager could read the site's ASNs in the console but not announce a delivery: only POST /inventory/asns took one.
 * The Inbound screen has "New ASN…": supplier, reference, expected date, lines of SKU and quantity, and the owner when
 * PakLog keeps several owners' stock; a refusal is said on the form with its code and words, the form keeping what was
 * typed; the new ASN appears in the list. A viewer has no such button.
 */
describe.runIf(browserTestsRun)('the web console: a new ASN', () => {
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

  const signInAs = (key: string): Promise<void> => signInToConsole(page, base, key, '#/inbound', 'Inbound');
  interface AsnRead { id: string; supplier: string; ownerId: string; reference: string | null; expectedOn: string | null; lines: { sku: string; expected: number }[] }
  const asnsOf = async (supplier: string): Promise<AsnRead[]> =>
    (await t.getAll<AsnRead>(`/api/v1/inventory/asns?siteId=${siteId}`)).filter((a) => a.supplier === supplier);

  it('a manager announces a delivery for an owner; a refusal is said with its code on the form', async () => {
    // A second owner: the form asks whose units they are.
    const owner = await t.post('/api/v1/owners', { code: 'ACME', name: 'Acme Outdoor' }, 'admin');
    expect(owner.status, JSON.stringify(owner.body)).toBe(201);
    const ownerId = owner.body.id as string;
    await signInAs(t.keys.manager);
    await page.getByRole('button', { name: 'New ASN…' }).click();
    const form = page.getByRole('region', { name: 'New ASN' });
    await form.getByLabel('Supplier', { exact: true }).fill('Stoneware Ltd');
    await form.getByLabel("Supplier's reference").fill('DN-UI-7');
    await form.getByLabel('Expected on').fill('2026-12-24');
    await form.getByLabel('Owner').selectOption({ label: 'ACME — Acme Outdoor' });
    await form.getByLabel('SKU (line 1)').fill('NO-SUCH-SKU');
    await form.getByLabel('Quantity (line 1)').fill('10');
    await form.getByRole('button', { name: 'Add a line' }).click();
    await form.getByLabel('SKU (line 2)').fill('BOTTLE-STEEL');
    await form.getByLabel('Quantity (line 2)').fill('5');
    expect(await seriousA11yViolations(page), 'axe on the new ASN form').toEqual([]);

    await form.getByRole('button', { name: 'Create ASN' }).click();
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('UNKNOWN_SKU');
    expect(await form.getByLabel("Supplier's reference").inputValue()).toBe('DN-UI-7');
    expect(await asnsOf('Stoneware Ltd')).toEqual([]);

    await form.getByLabel('SKU (line 1)').fill('MUG-CERAMIC');
    await screenshot(page, 'console-new-asn');
    await form.getByRole('button', { name: 'Create ASN' }).click();
    await page.getByRole('status').filter({ hasText: 'announced' }).waitFor();
    expect(await page.getByRole('region', { name: 'New ASN' }).count()).toBe(0);
    const asns = await asnsOf('Stoneware Ltd');
    expect(asns).toHaveLength(1);
    const asn = asns[0]!;
    expect([asn.ownerId, asn.reference, asn.expectedOn, asn.lines.map((l) => [l.sku, l.expected])])
      .toEqual([ownerId, 'DN-UI-7', '2026-12-24', [['MUG-CERAMIC', 10], ['BOTTLE-STEEL', 5]]]);
    // In the list, with its units expected.
    const row = page.locator('tbody tr', { hasText: 'DN-UI-7' });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([asn.id, 'Stoneware Ltd', 'DN-UI-7', '2026-12-24', 'OPEN', '15', '0', '—']);
  });

  it('a viewer is offered no New ASN button (it could only answer 403)', async () => {
    await signInAs(t.keys.viewer);
    await page.locator('caption').filter({ hasText: 'ASN' }).waitFor();
    expect(await page.getByRole('button', { name: 'New ASN…' }).count()).toBe(0);
  });
});
