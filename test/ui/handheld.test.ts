import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { until } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { handheldPhone, scan, signInHandheld } from '../support/ui-handheld.ts';
import { browserTestsRun, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';
import { orderAndPickList, stockedSkus, type UiPickLine, type UiPickList } from '../support/ui-orders.ts';

type List = UiPickList;
type Line = UiPickLine;

/**
 * Acceptance (a'), (b) and (e) of the handheld at /rf/: an operator on a phone-sized screen works a pick list with typed
 * scans (a keyboard-wedge scanner types and presses Enter), including a wrong scan and a short pick; and scans made
 * with the network cut are kept and applied exactly once when it returns.
 */
describe.runIf(browserTestsRun)('the handheld UI', () => {
  let t: TestApp;
  let browser: FileBrowser;
  let base: string;
  let siteId: string;
  let skus: string[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ t, siteId, base, browser } = await startDemoUi());
    skus = await stockedSkus(t, siteId);
  });
  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await t?.close();
  });

  /** An order of its own, waved alone and released: its pick list (test/support/ui-orders.ts). */
  const pickListFor = async (externalId: string, quantities: number[]): Promise<List> =>
    (await orderAndPickList(t, { siteId, skus, externalId, quantities })).list;
  const listNow = async (id: string): Promise<List> => (await t.get(`/api/v1/pick-lists/${id}`)).body;
  const pickTaskOf = async (listId: string) =>
    (await t.getAll<{ id: string; reference: string; status: string; workerId: string | null }>(`/api/v1/tasks?siteId=${siteId}&type=PICK`)).find((x) => x.reference === listId)!;
  const confirmations = async (listId: string): Promise<number[]> =>
    ((await t.get(`/api/v1/events?subject=${listId}&type=picking.line.picked.v1&limit=100`)).body.items as { data: { quantity: number } }[]).map((e) => e.data.quantity).sort();

  const phone = (): Promise<{ context: BrowserContext; page: Page }> => handheldPhone(browser, pageErrors);
  const signIn = async (page: Page, worker: string, shot?: string): Promise<void> => {
    await signInHandheld(page, {
      base, key: t.keys.operator, worker, beforeSubmit: shot === undefined ? undefined : async () => {
        await screenshot(page, shot);
        expect(await seriousA11yViolations(page), 'axe on the handheld sign-in').toEqual([]);
      },
    });
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    // What a tote scan wants, said to a new operator.
    await page.getByText('The code on the tote (or cart) you pick into').waitFor();
  };
  const pick = async (page: Page, line: Line, quantity: number, says = `Picked ${quantity} × ${line.sku}`): Promise<void> => {
    await page.getByRole('heading', { name: `Go to ${line.locationCode} and scan the location` }).waitFor();
    await scan(page, line.locationCode!);
    await page.getByRole('heading', { name: `Scan ${line.sku}` }).waitFor();
    await scan(page, line.expectedBarcode ?? line.sku);
    await page.getByLabel('Quantity').fill(String(quantity));
    await page.getByRole('button', { name: 'Confirm pick' }).click();
    await page.getByRole('status').filter({ hasText: says }).waitFor();
  };

  it('a key sign-in without a worker id, or with an unknown site, is refused on the form, with a message saying what is wrong', async () => {
    const { context, page } = await phone();
    await page.goto(`${base}/rf`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter your worker id: a key sign-in needs it');
    expect(await page.getByRole('button', { name: 'Next task' }).count()).toBe(0);
    // A new user with the printed admin key has no worker id: the field says what to type.
    const hint = await page.getByLabel('Worker id (API key sign-in)').getAttribute('aria-describedby');
    expect(hint).toBeTruthy();
    expect(await page.locator(`[id="${hint!}"]`).textContent()).toContain('any name of yours');
    await page.getByLabel('Worker id (API key sign-in)').fill('w-form');
    // A mistyped site is refused on the form too, not at every Next task afterwards.
    await page.getByLabel('Site').fill('DEMOO');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('No site DEMOO: check the site code');
    expect(await page.getByRole('button', { name: 'Next task' }).count()).toBe(0);
    await page.getByLabel('Site').fill('DEMO');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Next task' }).waitFor();
    await context.close();
  });

  it('who is signed in cannot be checked at a reload (PakLog answers 500 to /auth/me, or no answer): the handheld says so with Try again and Sign out, not the sign-in form', async () => {
    const { context, page } = await phone();
    await signInHandheld(page, { base, key: t.keys.operator, worker: 'w-me-check' });
    let answer: 'broken' | 'none' | 'real' = 'broken';
    const broken = { status: 500, contentType: 'application/problem+json', body: JSON.stringify({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred' }) };
    await page.route('**/api/v1/auth/me', async (route) => (answer === 'broken' ? route.fulfill(broken) : answer === 'none' ? route.abort() : route.continue()));
    await page.reload();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Could not check your sign-in: INTERNAL: An unexpected error occurred');
    // Neither the sign-in form (the credential is kept: PakLog did not refuse it) nor "Loading…" for ever.
    expect(await page.getByLabel('API key', { exact: true }).count()).toBe(0);
    expect(await page.getByText('Loading…').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    answer = 'none';
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Could not check your sign-in: NETWORK: No connection to PakLog');
    // PakLog answers again: the same operator goes on with the same shift, without signing in again.
    answer = 'real';
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('button', { name: 'Next task' }).waitFor();
    expect(await page.getByText('w-me-check').count()).toBeGreaterThan(0);
    // The other way out: Sign out forgets the credential, and the sign-in form is shown (also after PakLog answers again).
    answer = 'broken';
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key', { exact: true }).waitFor();
    answer = 'real';
    await page.reload();
    await page.getByLabel('API key', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Next task' }).count()).toBe(0);
    await page.unroute('**/api/v1/auth/me');
    await context.close();
  });

  it('a sign-in or a Next task PakLog fails says PakLog\'s code with its words, as the console does', async () => {
    const { context, page } = await phone();
    const broken = { status: 500, contentType: 'application/problem+json', body: JSON.stringify({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred' }) };
    // The site read at sign-in too: it said "An unexpected error occurred".
    await page.route('**/api/v1/sites/DEMO', (route) => route.fulfill(broken));
    await signInHandheld(page, {
      base, key: t.keys.operator, worker: 'w-says-code', beforeSubmit: async () => {
        await page.getByRole('button', { name: 'Sign in' }).click();
        await expect.poll(() => page.getByRole('alert').textContent()).toBe('INTERNAL: An unexpected error occurred');
        await page.unroute('**/api/v1/sites/DEMO');
      },
    });
    await page.route('**/api/v1/tasks/next', (route) => route.fulfill(broken));
    await page.getByRole('button', { name: 'Next task' }).click();
    // It said "An unexpected error occurred", without the code a user reports and support looks up.
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('INTERNAL: An unexpected error occurred');
    await page.unroute('**/api/v1/tasks/next');
    await context.close();
  });

  it('Sign out on the "could not check your sign-in" screen warns of scans still queued, as the Sign out of the work screens does', async () => {
    const list = await pickListFor('UI-ME-QUEUED', [1, 1, 1]);
    const [l1] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-me-queued');
    await scan(page, 'TOTE-MQ');
    await until('task started', () => pickTaskOf(list.id), (x) => x.status === 'IN_PROGRESS');
    // The pick gets no answer (PakLog out of reach, the handheld still online): it is queued.
    await page.route('**/lines/*/confirm', (route) => route.abort());
    await pick(page, l1!, 1, 'saved offline');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Online · 1 queued');
    const broken = { status: 500, contentType: 'application/problem+json', body: JSON.stringify({ status: 500, code: 'INTERNAL', detail: 'An unexpected error occurred' }) };
    await page.route('**/api/v1/auth/me', (route) => route.fulfill(broken));
    await page.reload();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('Could not check your sign-in: INTERNAL: An unexpected error occurred');
    await page.getByRole('button', { name: 'Sign out' }).click();
    // It signed out at once, the scan left behind unsaid.
    await page.getByRole('alert').filter({ hasText: '1 scan is not sent yet' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: 'sent when you sign in here again (as op-me-queued), never under someone else\'s sign-in. Sign out anyway?' }).count()).toBe(1);
    expect(await page.getByLabel('API key', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out anyway' }).click();
    await page.getByLabel('API key', { exact: true }).waitFor();
    // The scan stays on the handheld for its owner.
    expect(JSON.parse(await page.evaluate<string>("localStorage.getItem('paklog.rf.queue') ?? '[]'"))).toHaveLength(1);
    await page.unroute('**/api/v1/auth/me');
    await page.unroute('**/lines/*/confirm');
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await context.close();
  });

  it('a viewer key is refused on the form, saying the handheld needs a floor role, not "may not call POST /api/v1/tasks/next" later', async () => {
    const { context, page } = await phone();
    await page.goto(`${base}/rf`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.viewer);
    await page.getByLabel('Worker id (API key sign-in)').fill('w-viewer');
    await page.getByLabel('Site').fill('DEMO');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('A viewer cannot do floor work at DEMO: sign in as an operator (or a manager)');
    expect(await page.getByRole('button', { name: 'Next task' }).count()).toBe(0);
    await context.close();
  });

  it('offline: scans made without a network are queued and each applied exactly once when it returns, a lost answer too', async () => {
    const list = await pickListFor('UI-OFFLINE-1', [2, 2, 2]);
    const [l1, l2, l3] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-offline');
    await scan(page, 'TOTE-OFF');

    // The first confirmation reaches PakLog but its answer is lost on the way back: the handheld queues it and sends
    // it again with the same Idempotency-Key; PakLog answers from its record and counts nothing twice.
    let lost = 0;
    await page.route(`**/lines/${l1!.id}/confirm`, async (route) => {
      if (lost++ === 0) {
        await route.fetch();
        await route.abort('failed');
      } else {
        await route.continue();
      }
    });
    await pick(page, l1!, 2, '1 queued scan sent');
    await until('line 1 picked', () => listNow(list.id), (l) => l.lines.find((x) => x.id === l1!.id)?.status === 'PICKED');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Online');
    expect(lost).toBe(2);

    await context.setOffline(true);
    await expect.poll(() => page.locator('.net').textContent()).toContain('Offline');
    // Two partial scans per line: a scan applied twice would show as a wrong total (or a refused last scan).
    for (const line of [l2!, l2!, l3!, l3!]) await pick(page, line, 1);
    await page.getByRole('heading', { name: 'Pick list complete' }).waitFor();
    await expect.poll(() => page.locator('.net').textContent()).toBe('Offline · 4 queued');
    await screenshot(page, 'rf-offline-queued');
    expect((await listNow(list.id)).lines.map((l) => l.picked)).toEqual([2, 0, 0].map((_, i) => (list.lines[i]!.id === l1!.id ? 2 : 0)));

    await context.setOffline(false);
    await expect.poll(() => page.locator('.net').textContent(), { timeout: 15_000 }).toBe('Online');
    const after = await until('all picked', () => listNow(list.id), (l) => l.status === 'COMPLETED');
    expect(after.lines.map((l) => [l.picked, l.status])).toEqual([[2, 'PICKED'], [2, 'PICKED'], [2, 'PICKED']]);
    expect(await confirmations(list.id)).toEqual([1, 1, 1, 1, 2]);
    expect(await page.evaluate("localStorage.getItem('paklog.rf.queue')")).toBe('[]');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pick list done' }).waitFor();
    await context.close();
  });

  it('offline scans belong to the sign-in that made them: sign-out warns, the next person never sends them, their owner does on signing in again', async () => {
    const list = await pickListFor('UI-OWNER-1', [1, 1, 1]);
    const [l1] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-first');
    await scan(page, 'TOTE-OWN');
    // The tote scan starts the claimed task: online, before the network goes (else the start is queued too).
    await until('task started', () => pickTaskOf(list.id), (x) => x.status === 'IN_PROGRESS');
    await context.setOffline(true);
    await expect.poll(() => page.locator('.net').textContent()).toContain('Offline');
    await pick(page, l1!, 1, 'saved offline');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Offline · 1 queued');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('1 scan is not sent yet');
    await page.getByRole('button', { name: 'Sign out anyway' }).click();
    const signInAs = async (worker: string): Promise<void> => {
      await page.getByLabel('API key', { exact: true }).fill(t.keys.operator);
      await page.getByLabel('Worker id (API key sign-in)').fill(worker);
      await page.getByLabel('Site').fill('DEMO');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Next task' }).waitFor();
    };
    // Someone else signs in on the same handheld, online: the first operator's scan is not theirs to send.
    await context.setOffline(false);
    await signInAs('op-second');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Online · 1 of another sign-in');
    expect((await listNow(list.id)).lines.map((l) => l.picked)).toEqual([0, 0, 0]);
    expect(await confirmations(list.id)).toEqual([]);
    // With nothing of their own queued, sign-out asks nothing.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs('op-first');
    await until('the scan sent under its own sign-in', () => listNow(list.id), (l) => l.lines.find((x) => x.id === l1!.id)?.picked === 1);
    expect(await confirmations(list.id)).toEqual([1]);
    await expect.poll(() => page.evaluate("localStorage.getItem('paklog.rf.queue')")).toBe('[]');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Online');
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await context.close();
  });

  it('Pause pressed while offline scans are still queued goes out after them, never before: the picks count on the task, then it pauses', async () => {
    const list = await pickListFor('UI-PAUSE-Q', [2, 1, 1]);
    const [l1] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-pause-q');
    await scan(page, 'TOTE-PQ');
    await until('task started', () => pickTaskOf(list.id), (x) => x.status === 'IN_PROGRESS');
    await context.setOffline(true);
    await expect.poll(() => page.locator('.net').textContent()).toContain('Offline');
    await pick(page, l1!, 1, 'saved offline');
    await pick(page, l1!, 1, 'saved offline');
    await expect.poll(() => page.locator('.net').textContent()).toBe('Offline · 2 queued');

    // The network returns; the first queued scan is slow to arrive, and the operator presses Pause meanwhile.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/')) posts.push(new URL(r.url()).pathname.replace(/^.*\/(confirm|pause)$/, '$1'));
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    await page.route('**/lines/*/confirm', async (route) => {
      await gate;
      await route.continue();
    });
    await context.setOffline(false);
    await expect.poll(() => posts).toContain('confirm');
    await page.getByRole('button', { name: 'Pause task' }).click();
    await page.getByRole('status').filter({ hasText: 'Task paused' }).waitFor();
    open();
    await until('picks then pause applied', () => pickTaskOf(list.id), (x) => x.status === 'PAUSED');
    expect(posts).toEqual(['confirm', 'confirm', 'pause']);
    expect(await confirmations(list.id)).toEqual([1, 1]);
    expect((await listNow(list.id)).lines.find((l) => l.id === l1!.id)).toMatchObject({ picked: 2, status: 'PICKED' });
    await expect.poll(() => page.evaluate("localStorage.getItem('paklog.rf.queue')")).toBe('[]');
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    // Once sent, the task is offered on Ready to resume.
    await page.getByRole('button', { name: /^Resume pick tsk_/ }).waitFor();
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await context.close();
  });

  it('guided pick on a phone: a wrong location and a wrong product are refused on the spot (nothing sent), a short pick with a reason', async () => {
    const list = await pickListFor('UI-GUIDED-1', [1, 2, 1]);
    const [l1, l2, l3] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-guided', 'rf-signin');
    await screenshot(page, 'rf-tote');
    await scan(page, 'TOTE-8');
    // A way back on every step (ux6; nothing sent): the tote grabbed by mistake is scanned again while nothing is picked.
    await page.getByRole('heading', { name: `Go to ${l1!.locationCode} and scan the location` }).waitFor();
    await page.getByRole('button', { name: 'Back: scan another tote' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await scan(page, 'TOTE-7');

    await page.getByRole('heading', { name: `Go to ${l1!.locationCode} and scan the location` }).waitFor();
    await expect.poll(() => page.locator('.rf-pos').textContent()).toContain('tote TOTE-7');
    await screenshot(page, 'rf-location');
    expect(await seriousA11yViolations(page), 'axe on the pick step').toEqual([]);
    await scan(page, 'DEMO-Z-99-99-9');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(`Wrong location DEMO-Z-99-99-9: go to ${l1!.locationCode}`);
    await screenshot(page, 'rf-wrong-scan');
    // Still on the location step; nothing reached the pick list.
    await page.getByRole('heading', { name: `Go to ${l1!.locationCode} and scan the location` }).waitFor();
    await scan(page, l1!.locationCode!);
    await scan(page, '4006381333931');
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(`Wrong product 4006381333931: pick ${l1!.sku}`);
    expect((await listNow(list.id)).lines.every((l) => l.picked === 0)).toBe(true);
    expect(await confirmations(list.id)).toEqual([]);
    await scan(page, l1!.expectedBarcode ?? l1!.sku);
    await page.getByLabel('Quantity').waitFor();
    // Back from the quantity to the product scan, and from there to the location scan; then forward again.
    await page.getByRole('button', { name: 'Back: scan the product again' }).click();
    await page.getByRole('heading', { name: `Scan ${l1!.sku}` }).waitFor();
    await page.getByRole('button', { name: 'Back: scan the location again' }).click();
    await page.getByRole('heading', { name: `Go to ${l1!.locationCode} and scan the location` }).waitFor();
    expect(await confirmations(list.id)).toEqual([]);
    await scan(page, l1!.locationCode!);
    await scan(page, l1!.expectedBarcode ?? l1!.sku);
    await page.getByLabel('Quantity').waitFor();
    expect(await seriousA11yViolations(page), 'axe on the quantity step').toEqual([]);
    await screenshot(page, 'rf-quantity');
    await page.getByRole('button', { name: 'Confirm pick' }).click();
    await page.getByRole('status').filter({ hasText: `Picked 1 × ${l1!.sku}` }).waitFor();

    await page.getByRole('heading', { name: `Go to ${l2!.locationCode} and scan the location` }).waitFor();
    // A unit is in TOTE-7 now: the list's picks go with it, so the tote is not scanned again.
    expect(await page.getByRole('button', { name: 'Back: scan another tote' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Short pick' }).click();
    await page.getByRole('heading', { name: `Short ${l2!.sku}` }).waitFor();
    await screenshot(page, 'rf-short');
    expect(await seriousA11yViolations(page), 'axe on the short step').toEqual([]);
    await page.getByRole('button', { name: 'Not found' }).click();
    await page.getByRole('status').filter({ hasText: `Short: ${l2!.sku} (NOT_FOUND)` }).waitFor();

    await pick(page, l3!, 1);
    await page.getByRole('heading', { name: 'Pick list complete' }).waitFor();
    // Units, as the pick list counts them (walk11: it said "2 picked, 1 short", lines, beside 2 units short).
    await page.getByText('2 units picked, 2 short (3 lines)').waitFor();
    await screenshot(page, 'rf-complete');
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pick list done' }).waitFor();
    await page.getByRole('button', { name: 'Next task' }).waitFor();

    const done = await listNow(list.id);
    const byId = new Map(done.lines.map((l) => [l.id, l]));
    expect([l1, l2, l3].map((l) => [byId.get(l!.id)!.status, byId.get(l!.id)!.picked, byId.get(l!.id)!.shortReason])).toEqual([
      ['PICKED', 1, null], ['SHORT', 0, 'NOT_FOUND'], ['PICKED', 1, null],
    ]);
    expect(await confirmations(list.id)).toEqual([1, 1]);
    const tasks: { reference: string; status: string; workerId: string }[] = await t.getAll(`/api/v1/tasks?siteId=${siteId}&type=PICK`);
    expect(tasks.find((x) => x.reference === list.id)).toMatchObject({ status: 'COMPLETED', workerId: 'op-guided' });
    await context.close();
  });
  it('Back from "Short pick" or "Cannot do this task" returns to the step it was opened from; a list taken up again after a reload asks for the tote again, even after Back (ux10)', async () => {
    const list = await pickListFor('UI-BACK-ASIDE', [1, 1]);
    const [l1, l2] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-aside');
    await scan(page, 'TOTE-AS');
    await page.getByRole('heading', { name: `Go to ${l1!.locationCode} and scan the location` }).waitFor();
    await scan(page, l1!.locationCode!);
    await scan(page, l1!.expectedBarcode ?? l1!.sku);
    await page.getByLabel('Quantity').waitFor();
    // Short pressed at the quantity by mistake: Back keeps the location and product scans (it went to the location scan).
    await page.getByRole('button', { name: 'Short pick' }).click();
    await page.getByRole('heading', { name: `Short ${l1!.sku}` }).waitFor();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('heading', { name: 'How many did you pick?' }).waitFor();
    // So does "Cannot do this task" and its Back.
    await page.getByRole('button', { name: 'Cannot do this task' }).click();
    await page.getByRole('heading', { name: 'Why can you not do this task?' }).waitFor();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('heading', { name: 'How many did you pick?' }).waitFor();
    await page.getByRole('button', { name: 'Confirm pick' }).click();
    await page.getByRole('status').filter({ hasText: `Picked 1 × ${l1!.sku}` }).waitFor();
    // Short from the product scan, Back: the product scan again.
    await scan(page, l2!.locationCode!);
    await page.getByRole('heading', { name: `Scan ${l2!.sku}` }).waitFor();
    await page.getByRole('button', { name: 'Short pick' }).click();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('heading', { name: `Scan ${l2!.sku}` }).waitFor();

    // The phone is reloaded: Next task gives the task in progress back, at the tote scan (started: pause and cannot-do).
    await page.reload();
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    // Cannot do and Back there: the tote scan again. It went to the location scan with no tote, whose every pick PakLog
    // refused (400 VALIDATION_FAILED, /toteId), with no way back to the tote once a unit of the list was picked.
    await page.getByRole('button', { name: 'Cannot do this task' }).click();
    await page.getByRole('heading', { name: 'Why can you not do this task?' }).waitFor();
    await page.getByRole('button', { name: 'Back', exact: true }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await scan(page, 'TOTE-AS');
    await pick(page, l2!, 1);
    await page.getByRole('heading', { name: 'Pick list complete' }).waitFor();
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pick list done' }).waitFor();
    expect((await listNow(list.id)).lines.map((l) => [l.picked, l.toteId, l.status])).toEqual([[1, 'TOTE-AS', 'PICKED'], [1, 'TOTE-AS', 'PICKED']]);
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });
  it('a task in progress when the phone is reloaded is offered on Ready ("Continue pick …"), also to a worker who may hold two (maxTasks 2: Next task claims another) (ux10)', async () => {
    expect((await t.request('PUT', '/api/v1/workers/op-two/profile', { body: { siteId, maxTasks: 2 } })).status).toBe(200);
    const first = await pickListFor('UI-HELD-1', [1, 1]);
    const [f1, f2] = first.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-two');
    await scan(page, 'TOTE-H1');
    await pick(page, f1!, 1);
    const held = await pickTaskOf(first.id);
    expect(held).toMatchObject({ status: 'IN_PROGRESS', workerId: 'op-two' });
    // Another list is queued meanwhile; the phone is reloaded.
    const second = await pickListFor('UI-HELD-2', [1]);
    await page.reload();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    // The task in progress is on Ready: Next task would claim the other list (a second task; op-two may hold two), and
    // the first, IN_PROGRESS, was offered nowhere on the handheld.
    const resume = page.getByRole('button', { name: `Continue pick ${held.id}` });
    await resume.waitFor();
    expect(await seriousA11yViolations(page), 'axe on Ready with a task in progress').toEqual([]);
    await resume.click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await scan(page, 'TOTE-H1');
    await pick(page, f2!, 1);
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pick list done' }).waitFor();
    expect(await pickTaskOf(first.id)).toMatchObject({ status: 'COMPLETED', workerId: 'op-two' });
    // Done: it is offered no more, and Next task takes the other list.
    expect(await page.getByRole('button', { name: /^Continue pick/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    expect(await pickTaskOf(second.id)).toMatchObject({ status: 'ASSIGNED', workerId: 'op-two' });
    await page.getByRole('button', { name: 'Not me: reject task' }).click();
    await page.getByRole('button', { name: 'Not my zone' }).click();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    await context.close();
  });
  it('a task a supervisor sends back to the queue while it is worked: the handheld says so by itself and goes back to Ready, not on picking a list that is no longer the operator\'s (ux10)', async () => {
    const list = await pickListFor('UI-TAKEN-OFF', [1, 1]);
    const [l1] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-taken');
    await scan(page, 'TOTE-TO');
    await pick(page, l1!, 1);
    const task = await pickTaskOf(list.id);
    expect(task).toMatchObject({ status: 'IN_PROGRESS', workerId: 'op-taken' });
    // The console's "Back to the queue" (the worker was thought gone home).
    expect((await t.post(`/api/v1/tasks/${task.id}/fail`, { reason: 'OTHER', note: 'Sent back to the queue from the console' }, 'manager')).status).toBe(200);
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 })
      .toBe(`Task ${task.id} was sent back to the queue: it is no longer yours. Stop working it; the 1 unit you picked stays picked in tote TOTE-TO: take it to packing. Take the next task`);
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    expect(await page.getByRole('button', { name: /^Continue pick/ }).count()).toBe(0);
    expect(await pickTaskOf(list.id)).toMatchObject({ status: 'QUEUED', workerId: null });
    await context.close();
  });
  it('Ready\'s paused tasks follow the live stream: one a supervisor sends back to the queue is no longer offered to resume (ux10)', async () => {
    const list = await pickListFor('UI-PAUSED-GONE', [1]);
    const { context, page } = await phone();
    await signIn(page, 'op-paused-gone');
    await scan(page, 'TOTE-PG');
    await page.getByRole('heading', { name: /scan the location$/ }).waitFor();
    await page.getByRole('button', { name: 'Pause task' }).click();
    const task = await pickTaskOf(list.id);
    const resume = page.getByRole('button', { name: `Resume pick ${task.id}` });
    await resume.waitFor();
    expect((await t.post(`/api/v1/tasks/${task.id}/fail`, { reason: 'OTHER', note: 'Sent back to the queue from the console' }, 'manager')).status).toBe(200);
    // It stayed offered until pressed, then refused.
    await expect.poll(() => resume.count(), { timeout: 10_000 }).toBe(0);
    await context.close();
  });
  it('an order cancelled while its list is picked: the handheld says so by itself, before any scan, with what to do with the units picked, and goes back to Ready', async () => {
    const list = await pickListFor('UI-CANCEL-1', [1, 2, 1]);
    const [l1, l2] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-cancel');
    await scan(page, 'TOTE-C');
    await pick(page, l1!, l1!.quantity);
    await page.getByRole('heading', { name: `Go to ${l2!.locationCode} and scan the location` }).waitFor();
    await page.getByText(`${l2!.quantity} to pick`).waitFor();
    // The office cancels the order meanwhile: its open lines are withdrawn. The operator scans nothing more.
    const order = list.orderIds[0]!;
    expect((await t.post(`/api/v1/orders/${order}/cancel`, { reason: 'customer called' })).status).toBe(200);
    await until('lines cancelled', () => listNow(list.id), (l) => l.lines.every((x) => x.status !== 'PENDING'));
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 20_000 }).toContain(`Order ${order} was cancelled: stop picking it.`);
    const says = await page.getByRole('alert').textContent();
    // What was picked for it stays in the tote and goes back to stock by a Return to stock task (way-out.md).
    expect(says).toContain(`Keep the ${l1!.quantity} unit${l1!.quantity === 1 ? '' : 's'} you picked for it in tote TOTE-C`);
    expect(says).toContain('Return to stock');
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    expect(await page.getByText(`${l2!.quantity} to pick`).count()).toBe(0);
    expect(await confirmations(list.id)).toEqual([l1!.quantity]);
    await screenshot(page, 'rf-list-cancelled');
    await context.close();
  });

  it('scan-only: Enter takes the next task; a task is paused, resumed from Ready, and reported as impossible (back to the queue)', async () => {
    const list = await pickListFor('UI-PAUSE-1', [2, 1, 1]);
    const [l1] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await page.goto(`${base}/rf`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.operator);
    await page.getByLabel('Worker id (API key sign-in)').fill('op-pause');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The Ready screen's one action has the focus: a handheld with a scanner and no mouse presses Enter.
    const next = page.getByRole('button', { name: 'Next task' });
    await expect.poll(() => next.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await scan(page, 'TOTE-P');
    const taskOf = async () => (await t.getAll<{ id: string; reference: string; status: string; workerId: string | null }>(`/api/v1/tasks?siteId=${siteId}&type=PICK`)).find((x) => x.reference === list.id)!;

    await page.getByRole('button', { name: 'Pause task' }).click();
    await page.getByRole('status').filter({ hasText: 'Task paused' }).waitFor();
    expect(await taskOf()).toMatchObject({ status: 'PAUSED', workerId: 'op-pause' });
    const resume = page.getByRole('button', { name: /^Resume pick tsk_/ });
    await resume.waitFor();
    await screenshot(page, 'rf-paused');
    expect(await seriousA11yViolations(page), 'axe on Ready with a paused task').toEqual([]);
    await resume.click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    expect((await taskOf()).status).toBe('IN_PROGRESS');
    await scan(page, 'TOTE-P');
    // The first line by keyboard only: the typed quantity replaces the suggested one (2, not "22").
    await scan(page, l1!.locationCode!);
    await scan(page, l1!.expectedBarcode ?? l1!.sku);
    await page.getByLabel('Quantity').waitFor();
    await page.keyboard.type(String(l1!.quantity));
    await page.keyboard.press('Enter');
    await page.getByRole('status').filter({ hasText: `Picked ${l1!.quantity} × ${l1!.sku}` }).waitFor();

    await page.getByRole('button', { name: 'Cannot do this task' }).click();
    await page.getByRole('heading', { name: 'Why can you not do this task?' }).waitFor();
    expect(await seriousA11yViolations(page), 'axe on the cannot-do step').toEqual([]);
    await page.getByRole('button', { name: 'Damaged goods' }).click();
    await page.getByRole('status').filter({ hasText: 'Task reported (DAMAGED_GOODS)' }).waitFor();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    expect(await taskOf()).toMatchObject({ status: 'QUEUED', workerId: null });
    await context.close();
  });

  it('a pick of a lot-controlled product names the lot its line reserved: the picker takes that lot, not another on the shelf', async () => {
    // walk11: putaway, replenish, return and count screens named the lot, the pick screen did not (FEFO chose one).
    const { list } = await orderAndPickList(t, { siteId, skus: ['VITAMIN-C-60'], externalId: 'UI-LOT-1', quantities: [1] });
    const line = list.lines[0]!;
    expect(line.lot).toMatch(/^L\d+$/);
    const { context, page } = await phone();
    await signIn(page, 'op-lot');
    await page.getByText(`VITAMIN-C-60 · lot ${line.lot}`).waitFor();
    await scan(page, 'TOTE-LOT');
    await page.getByRole('heading', { name: `Go to ${line.locationCode} and scan the location` }).waitFor();
    expect(await page.getByText(`VITAMIN-C-60 · lot ${line.lot}`).count()).toBe(1);
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await context.close();
  });

  it('a task reported impossible for the last time it may be (PAKLOG_TASK_MAX_FAILURES) is said to wait for a supervisor, not to go to someone else', async () => {
    const list = await pickListFor('UI-FAIL-LIMIT-1', [1, 1, 1]);
    // Two workers before failed it (the limit is 3): the third report makes it FAILED, out of the queue.
    for (const worker of ['op-fail-1', 'op-fail-2']) {
      // Tasks queues the list's PICK task a moment after the release.
      const claimed = await until('claimed', async () => (await t.post('/api/v1/tasks/next', { workerId: worker, siteId, types: ['PICK'] }, 'operator')).body as { id: string; reference: string } | '',
        (x) => x !== '' && x !== null && x.reference === list.id) as { id: string; reference: string };
      expect((await t.post(`/api/v1/tasks/${claimed.id}/start`, { workerId: worker }, 'operator')).status).toBe(200);
      expect((await t.post(`/api/v1/tasks/${claimed.id}/fail`, { workerId: worker, reason: 'OTHER' }, 'operator')).body).toMatchObject({ status: 'QUEUED' });
    }
    const { context, page } = await phone();
    await signIn(page, 'op-fail-3');
    await scan(page, 'TOTE-FAIL');
    await page.getByRole('button', { name: 'Cannot do this task' }).click();
    await page.getByRole('button', { name: 'Location blocked' }).click();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    const says = await page.getByRole('status').filter({ hasText: 'Task reported (LOCATION_INACCESSIBLE)' }).textContent();
    expect(says).toContain('failed 3 times, the limit: it waits for a supervisor');
    expect(says).not.toContain('goes to someone else');
    expect(await pickTaskOf(list.id)).toMatchObject({ status: 'FAILED', workerId: null });
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await context.close();
  });

  it('a claimed pick task can be rejected with a reason until the first scan starts it: back to the queue, and not offered again to that operator', async () => {
    const list = await pickListFor('UI-REJECT-1', [1, 1, 1]);
    const { context, page } = await phone();
    await signIn(page, 'op-reject');
    // Claimed, not started: the operator who cannot go (wrong zone, no equipment) may still decline it.
    expect(await pickTaskOf(list.id)).toMatchObject({ status: 'ASSIGNED', workerId: 'op-reject' });
    expect(await page.getByRole('button', { name: 'Pause task' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Not me: reject task' }).click();
    await page.getByRole('heading', { name: 'Why not you?' }).waitFor();
    expect(await seriousA11yViolations(page), 'axe on the reject step').toEqual([]);
    // Back keeps the task: the scan field is there again, the task still claimed.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await page.getByRole('button', { name: 'Not me: reject task' }).click();
    await page.getByRole('button', { name: 'Not my zone' }).click();
    await page.getByRole('status').filter({ hasText: 'handed back (WRONG_ZONE)' }).waitFor();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    const task = await pickTaskOf(list.id);
    expect(task).toMatchObject({ status: 'QUEUED', workerId: null });
    const rejected = (await t.get(`/api/v1/events?subject=${task.id}&type=tasks.task.rejected.v1&limit=10`)).body.items as { data: Record<string, unknown> }[];
    expect(rejected.map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'WRONG_ZONE' })]);
    // The same operator asking again is not handed the task they just declined: said so, the task queued for another (walk10).
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('status').filter({ hasText: /No pick work for you right now: \d+ pick tasks? (is|are) queued but not offered to you \(a task you turned down waits 5 minutes/ })
      .or(page.getByRole('heading', { name: 'Scan your tote' })).waitFor();
    expect((await pickTaskOf(list.id)).status).toBe('QUEUED');

    // Another operator claims it: the first scan (the tote) starts it, and from then on it is paused or failed, not rejected.
    const other = await phone();
    await signIn(other.page, 'op-takes-it');
    await scan(other.page, 'TOTE-R');
    await until('task started by the first scan', () => pickTaskOf(list.id), (x) => x.status === 'IN_PROGRESS' && x.workerId === 'op-takes-it');
    expect(await other.page.getByRole('button', { name: 'Not me: reject task' }).count()).toBe(0);
    await other.page.getByRole('button', { name: 'Pause task' }).waitFor();
    expect((await t.post(`/api/v1/orders/${list.orderIds[0]}/cancel`, { reason: 'end of the handheld test' })).status).toBe(200);
    await other.context.close();
    await context.close();
  });

  it('a claimed task withdrawn meanwhile (its order cancelled): rejecting it, or starting it with the tote scan, says why and goes back to Ready', async () => {
    const first = await pickListFor('UI-GONE-1', [1, 1, 1]);
    const { context, page } = await phone();
    // Without the live stream (out of reach) the handheld learns the withdrawal from the refusal of its next call; with
    // it, it is told at once (the test of the order cancelled while its list is picked).
    await page.route('**/api/v1/live', (route) => route.abort());
    await signIn(page, 'op-gone');
    expect((await t.post(`/api/v1/orders/${first.orderIds[0]}/cancel`, { reason: 'customer called' })).status).toBe(200);
    await until('task withdrawn', () => pickTaskOf(first.id), (x) => x.status === 'CANCELLED');
    await page.getByRole('button', { name: 'Not me: reject task' }).click();
    await page.getByRole('button', { name: 'Not my zone' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('is no longer yours: take the next task');
    await page.getByRole('heading', { name: 'Ready' }).waitFor();

    const second = await pickListFor('UI-GONE-2', [1, 1, 1]);
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    expect((await pickTaskOf(second.id)).workerId).toBe('op-gone');
    expect((await t.post(`/api/v1/orders/${second.orderIds[0]}/cancel`, { reason: 'customer called' })).status).toBe(200);
    await until('task withdrawn', () => pickTaskOf(second.id), (x) => x.status === 'CANCELLED');
    await scan(page, 'TOTE-GONE');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Take the next task');
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    // The refused start is not left queued to be sent again and again.
    expect(await page.evaluate("localStorage.getItem('paklog.rf.queue') ?? '[]'")).toBe('[]');
    await context.close();
  });

  it('a count task held by the operator opens its count screen, not a dead end of "not found", and can be handed back', async () => {
    expect((await t.post('/api/v1/inventory/counts', { siteId, sku: skus[0] })).status).toBeLessThan(300);
    const claimed = await until('count task', async () => (await t.post('/api/v1/tasks/next', { workerId: 'op-count', siteId, types: ['COUNT'] }, 'operator')).body as { id: string; type: string } | '',
      (x) => x !== '' && x !== null && x.type === 'COUNT');
    const taskId = (claimed as { id: string }).id;
    const { context, page } = await phone();
    await page.goto(`${base}/rf`);
    await page.getByLabel('API key', { exact: true }).fill(t.keys.operator);
    await page.getByLabel('Worker id (API key sign-in)').fill('op-count');
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The operator chose pick work, but the count they already hold comes first: its screen, not "this handheld cannot".
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: /^Go to .+ and scan it$/ }).waitFor();
    expect(await seriousA11yViolations(page), 'axe on a held count task').toEqual([]);
    await page.getByRole('button', { name: 'Not me: reject task' }).click();
    await page.getByRole('button', { name: 'Not my zone' }).click();
    await page.getByRole('status').filter({ hasText: `Task ${taskId} handed back` }).waitFor();
    expect((await t.get(`/api/v1/tasks/${taskId}`)).body).toMatchObject({ status: 'QUEUED', workerId: null });
    expect(await page.getByRole('alert').count()).toBe(0);
    await context.close();
  });
});
