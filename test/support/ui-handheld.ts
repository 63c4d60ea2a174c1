import { expect } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { FileBrowser } from './ui-browser.ts';

/**
 * The handheld's browser tests (test/ui/handheld*.test.ts) drive /rf/ the same way: a phone-sized context whose page
 * errors are collected, a key sign-in as an operator's worker, and a keyboard-wedge scan.
 */
export async function handheldPhone(browser: FileBrowser, pageErrors: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return { context, page };
}

/** Fills the handheld's key sign-in (the site DEMO) and, unless `beforeSubmit` stops it, signs in and waits for Ready. */
export async function signInHandheld(page: Page, o: { base: string; key: string; worker: string; beforeSubmit?: (() => Promise<void>) | undefined }): Promise<void> {
  await page.goto(`${o.base}/rf`);
  await page.getByLabel('API key', { exact: true }).fill(o.key);
  await page.getByLabel('Worker id (API key sign-in)').fill(o.worker);
  await page.getByLabel('Site').fill('DEMO');
  await o.beforeSubmit?.();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Next task' }).waitFor();
}

/** What a keyboard-wedge scanner does: types the code into the focused scan field and presses Enter. */
export async function scan(page: Page, code: string): Promise<void> {
  const field = page.locator('input[name="scan"]');
  await expect.poll(() => field.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}
