import { describe, expect, it } from 'vitest';
import { browserTestsRun, launchChromium, sharedChromium } from '../support/ui-browser.ts';

/**
 * The browser files share one chromium per worker (test/support/ui-browser.ts): each file's handle closes only its own
 * contexts, and a browser that crashed or was closed is launched again for the next file.
 */
describe.runIf(browserTestsRun)('the worker\'s shared chromium', () => {
  it('is one browser for every file; a file\'s close leaves the other files\' pages and the browser open', async () => {
    const first = await launchChromium();
    const second = await launchChromium();
    const browser = await sharedChromium();
    const a = await first.newPage();
    const b = await second.newPage({ viewport: { width: 390, height: 844 } });
    const phone = await second.newContext();
    let phoneClosed = false;
    phone.on('close', () => { phoneClosed = true; });
    await a.setContent('<p>first</p>');
    expect(await sharedChromium()).toBe(browser);
    // Another file's pages are in a context of their own.
    expect(a.context()).not.toBe(b.context());
    expect(b.viewportSize()).toEqual({ width: 390, height: 844 });
    await first.close();
    expect(a.isClosed()).toBe(true);
    expect([b.isClosed(), browser.isConnected()]).toEqual([false, true]);
    await b.setContent('<p>second</p>');
    expect(await b.textContent('p')).toBe('second');
    await second.close();
    expect([b.isClosed(), phoneClosed, browser.isConnected()]).toEqual([true, true, true]);
  });

  it('a browser that went away (crashed, closed) is launched again for the next file', async () => {
    const before = await sharedChromium();
    await before.close();
    expect(before.isConnected()).toBe(false);
    const next = await launchChromium();
    const page = await next.newPage();
    await page.setContent('<p>again</p>');
    expect(await page.textContent('p')).toBe('again');
    const after = await sharedChromium();
    expect(after).not.toBe(before);
    expect(after.isConnected()).toBe(true);
    await next.close();
  });
});
