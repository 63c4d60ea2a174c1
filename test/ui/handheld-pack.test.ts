import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { until } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';
import { handheldPhone, scan, signInHandheld } from '../support/ui-handheld.ts';
import { browserTestsRun, screenshot, seriousA11yViolations, startDemoUi, type FileBrowser } from '../support/ui-browser.ts';
import { orderAndPickList, stockedSkus, type UiPickLine, type UiPickList } from '../support/ui-orders.ts';

type List = UiPickList;
type Line = UiPickLine;
interface Task { id: string; type: string; reference: string; status: string; workerId: string | null }
interface Pkg { id: string; status: string; sscc: string | null; cartonCode: string; lines: { sku: string; quantity: number }[]; expectedWeightG: number | null; weighedG: number | null }

/**
 * The handheld's pack flow (ADR 0035 addendum 2026-12-04): a PACK task, queued when an order is ready to pack, is
 * claimed by an operator who chose Pack work, and worked to a sealed package; and a pick task whose "done" PakLog
 * refuses (409 PICK_LINES_OPEN) takes the operator back to the open lines.
 */
describe.runIf(browserTestsRun)('the handheld: pack tasks, and the way back to open pick lines', () => {
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

  const cancel = async (orderId: string): Promise<void> => {
    expect((await t.post(`/api/v1/orders/${orderId}/cancel`, { reason: 'out of the way of the handheld test' })).status).toBe(200);
  };
  const listNow = async (id: string): Promise<List> => (await t.get(`/api/v1/pick-lists/${id}`)).body;
  const tasksOf = (type: string) => t.getAll<Task>(`/api/v1/tasks?siteId=${siteId}&type=${type}`);

  /** An order of its own, waved alone and released: the order and its pick list (test/support/ui-orders.ts). */
  const pickListFor = (externalId: string, quantities: number[], shipComplete?: boolean): Promise<{ orderId: string; list: List }> =>
    orderAndPickList(t, { siteId, skus, externalId, quantities, ...(shipComplete === undefined ? {} : { shipComplete }) });

  /** An order picked in full into `tote` through the API: ready to pack, with its PACK task queued. */
  const pickedOrder = async (externalId: string, quantities: number[], tote: string, shipComplete?: boolean): Promise<{ orderId: string; list: List; task: Task }> => {
    const { orderId, list } = await pickListFor(externalId, quantities, shipComplete);
    for (const line of list.lines) {
      const res = await t.post(`/api/v1/pick-lists/${list.id}/lines/${line.id}/confirm`,
        { locationCode: line.locationCode, barcode: line.expectedBarcode ?? line.sku, quantity: line.quantity, toteId: tote }, 'operator');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    await until('picked', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'PICKED');
    const task = (await until('pack task', () => tasksOf('PACK'), (ts) => ts.some((x) => x.reference === orderId))).find((x) => x.reference === orderId)!;
    // PACK tasks of orders packed before this one would be offered first.
    for (const ahead of (await tasksOf('PACK')).filter((x) => x.status === 'QUEUED' && x.reference !== orderId)) await cancel(ahead.reference);
    return { orderId, list, task };
  };

  const phone = (): Promise<{ context: BrowserContext; page: Page }> => handheldPhone(browser, pageErrors);
  const signIn = (page: Page, worker: string): Promise<void> => signInHandheld(page, { base, key: t.keys.operator, worker });
  /** A phone signed in as `worker` that took the next PACK task: at "Scan the tote to pack". */
  const packerAtTote = async (worker: string): Promise<{ context: BrowserContext; page: Page }> => {
    const { context, page } = await phone();
    await signIn(page, worker);
    await page.getByRole('radio', { name: 'Pack' }).check();
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan the tote to pack' }).waitFor();
    return { context, page };
  };
  /** `packerAtTote`, then `tote` scanned and a carton opened: at "Scan each item into the carton". */
  const packerAtCarton = async (worker: string, tote: string): Promise<{ context: BrowserContext; page: Page }> => {
    const { context, page } = await packerAtTote(worker);
    await scan(page, tote);
    await page.getByRole('button', { name: 'Open carton' }).click();
    await page.getByRole('heading', { name: 'Scan each item into the carton' }).waitFor();
    return { context, page };
  };
  const packagesOf = async (orderId: string): Promise<Pkg[]> => (await t.get(`/api/v1/packages?orderId=${orderId}`)).body.items;

  it('a packer packs an order on the phone: Pack work, the PACK task, tote, carton, a wrong item refused, each item, weight, seal, task done', async () => {
    const { orderId, task } = await pickedOrder('UI-PACK-1', [2, 1], 'TOTE-PK1');
    expect(task).toMatchObject({ type: 'PACK', status: 'QUEUED', workerId: null });
    // A claim naming no types (a picker's) is not sent to the pack bench.
    const untyped = await t.post('/api/v1/tasks/next', { workerId: 'op-untyped', siteId }, 'operator');
    expect(untyped.status === 204 || untyped.body.type !== 'PACK').toBe(true);
    if (untyped.status === 200) expect((await t.post(`/api/v1/tasks/${untyped.body.id}/reject`, { workerId: 'op-untyped', reason: 'test' }, 'operator')).status).toBe(200);

    const { context, page } = await packerAtTote('op-pack');
    await expect.poll(() => page.locator('.rf-card').textContent()).toContain('Order UI-PACK-1');
    await expect.poll(() => page.locator('.rf-card').textContent()).toContain('TOTE-PK1');
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'ASSIGNED', workerId: 'op-pack' });
    expect(await seriousA11yViolations(page), 'axe on the pack tote step').toEqual([]);
    await screenshot(page, 'rf-pack-tote');

    // A tote of nothing to pack for this order is said, and nothing starts.
    await scan(page, 'TOTE-NOPE');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Tote TOTE-NOPE holds nothing to pack for order UI-PACK-1');
    // From the order's tote on, no call of the pack flow is refused: the tote the last carton emptied is not read again
    // (a 404 TOTE_EMPTY in the browser's console).
    const refusedCalls: string[] = [];
    page.on('response', (r) => { if (r.status() >= 400) refusedCalls.push(`${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`); });
    await scan(page, 'TOTE-PK1');
    await page.getByRole('heading', { name: /^Take carton / }).waitFor();
    await until('task started by the tote scan', async () => (await t.get(`/api/v1/tasks/${task.id}`)).body.status, (s) => s === 'IN_PROGRESS');
    await page.getByRole('button', { name: 'Open carton' }).click();
    await page.getByRole('heading', { name: 'Scan each item into the carton' }).waitFor();
    const [opened] = await packagesOf(orderId);
    expect(opened).toMatchObject({ status: 'OPEN', lines: [] });

    // The third SKU is not on the order: refused on the spot, nothing scanned into the carton.
    await scan(page, skus[2]!);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain(`Wrong item ${skus[2]}: not on order UI-PACK-1`);
    await screenshot(page, 'rf-pack-wrong-item');
    expect((await packagesOf(orderId))[0]!.lines).toEqual([]);

    for (const sku of [skus[0]!, skus[1]!, skus[0]!]) {
      await scan(page, sku);
      await page.getByRole('status').filter({ hasText: `Packed 1 × ${sku}` }).waitFor();
    }
    await page.getByRole('heading', { name: 'Put the carton on the scale' }).waitFor();
    // A weight far off is refused with what it should weigh; the right one passes.
    await page.getByLabel('Weight (g)').fill('1');
    await page.getByRole('button', { name: 'Record weight' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Weighs 1 g; it should weigh \d+ g/);
    // A packer whose contents are right is told what else is wrong and who puts it right (walk10: a product's catalogue
    // weight off by more than the tolerance failed every weighing, and the screen only blamed the contents).
    const carton = (await packagesOf(orderId))[0]!.cartonCode;
    expect(await page.getByRole('alert').textContent()).toContain(
      `Contents right? Then the catalogue's weight of a product or of carton ${carton} is wrong: a manager corrects it, then weigh again`);
    const expected = (await packagesOf(orderId))[0]!.expectedWeightG!;
    expect(expected).toBeGreaterThan(1);
    await page.getByLabel('Weight (g)').fill(String(expected));
    await page.getByRole('button', { name: 'Record weight' }).click();
    await page.getByRole('heading', { name: 'Seal the carton' }).waitFor();
    await page.getByRole('button', { name: 'Seal package' }).click();
    await page.getByRole('heading', { name: 'Order packed' }).waitFor();
    await screenshot(page, 'rf-pack-done');
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pack task done' }).waitFor();
    expect(refusedCalls).toEqual([]);
    await page.getByRole('heading', { name: 'Ready' }).waitFor();

    const [sealed, ...others] = await packagesOf(orderId);
    expect(others).toEqual([]);
    expect(sealed).toMatchObject({ status: 'PACKED', weighedG: expected });
    expect(sealed!.sscc).toMatch(/^\d{18}$/);
    expect(sealed!.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([[skus[0], 2], [skus[1], 1]].sort());
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ type: 'PACK', status: 'COMPLETED', workerId: 'op-pack' });
    await until('order packed', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'PACKED');
    await context.close();
  });

  it('"Empty the carton" pressed while offline item scans are still being sent goes out after them, never before: the carton is emptied of them all', async () => {
    const { orderId } = await pickedOrder('UI-PACK-ORDER', [2, 1], 'TOTE-PKQ');
    const { context, page } = await packerAtCarton('op-pack-q', 'TOTE-PKQ');
    await context.setOffline(true);
    await expect.poll(() => page.locator('.net').textContent()).toContain('Offline');
    for (const sku of [skus[0]!, skus[1]!]) {
      await scan(page, sku);
      await page.getByRole('status').filter({ hasText: `Packed 1 × ${sku} (saved offline` }).waitFor();
    }
    await expect.poll(() => page.locator('.net').textContent()).toBe('Offline · 2 queued');

    // The network returns; the first queued scan is slow to arrive, and the packer empties the carton meanwhile.
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/api/v1/packages/')) posts.push(new URL(r.url()).pathname.split('/').at(-1)!);
    });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => { open = resolve; });
    await page.route('**/api/v1/packages/*/scans', async (route) => {
      await gate;
      await route.continue();
    });
    await context.setOffline(false);
    await expect.poll(() => posts).toContain('scans');
    await page.getByRole('button', { name: 'Empty the carton (repack)' }).click();
    open();
    await page.getByRole('status').filter({ hasText: /emptied: its items go back to pack/ }).waitFor();
    expect(posts).toEqual(['scans', 'scans', 'repack']);
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);
    await expect.poll(() => page.evaluate("localStorage.getItem('paklog.rf.queue')")).toBe('[]');
    // Both scans were in the carton when it was emptied: every unit is to pack again, none stuck in a voided carton.
    const [emptied] = await packagesOf(orderId);
    expect(emptied!.status).not.toBe('OPEN');
    await page.getByRole('heading', { name: /^Take carton / }).waitFor();
    await cancel(orderId);
    await context.close();
  });

  it('a unit missing from the tote: the packer says so on the phone, the carton takes the rest, the order is packed without it', async () => {
    const { orderId, task } = await pickedOrder('UI-PACK-SHORT', [2, 1], 'TOTE-PKS');
    const { context, page } = await packerAtCarton('op-short', 'TOTE-PKS');
    for (const sku of [skus[0]!, skus[0]!]) {
      await scan(page, sku);
      await page.getByRole('status').filter({ hasText: `Packed 1 × ${sku}` }).waitFor();
    }
    // The second SKU is not in the tote.
    await page.getByRole('button', { name: `1 × ${skus[1]} missing` }).click();
    await page.getByRole('status').filter({ hasText: `1 × ${skus[1]} missing: the order ships without it` }).waitFor();
    await page.getByRole('heading', { name: 'Put the carton on the scale' }).waitFor();
    await screenshot(page, 'rf-pack-short');
    // Its expected weight (the carton's two units) is known once a weight was recorded.
    await page.getByLabel('Weight (g)').fill('1');
    await page.getByRole('button', { name: 'Record weight' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Weighs 1 g; it should weigh \d+ g/);
    await page.getByLabel('Weight (g)').fill(String((await packagesOf(orderId))[0]!.expectedWeightG!));
    await page.getByRole('button', { name: 'Record weight' }).click();
    await page.getByRole('button', { name: 'Seal package' }).click();
    await page.getByRole('heading', { name: 'Order packed' }).waitFor();
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    expect((await packagesOf(orderId)).map((p) => [p.status, p.lines.map((l) => [l.sku, l.quantity])])).toEqual([['PACKED', [[skus[0], 2]]]]);
    await until('order packed', async () => (await t.get(`/api/v1/orders/${orderId}`)).body.status, (s) => s === 'PACKED');
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body.status).toBe('COMPLETED');
    await context.close();
  });

  it('a packer who left a carton open (the phone died, a reload) scans the tote again: the carton is resumed, what is left counted right, and with every item in it, weighed and sealed', async () => {
    const { orderId, task } = await pickedOrder('UI-PACK-BACK', [2, 1], 'TOTE-PKB');
    const packOn = async (): Promise<{ context: BrowserContext; page: Page }> => {
      const phoneNow = await phone();
      await signIn(phoneNow.page, 'op-back');
      await phoneNow.page.getByRole('radio', { name: 'Pack' }).check();
      await phoneNow.page.getByRole('button', { name: 'Next task' }).click();
      await phoneNow.page.getByRole('heading', { name: 'Scan the tote to pack' }).waitFor();
      return phoneNow;
    };
    const leftToPack = (page: Page) => page.getByRole('list', { name: 'Left to pack' }).getByRole('listitem').allTextContents();
    // The first phone opens the carton and scans one unit in, then dies.
    const first = await packOn();
    await scan(first.page, 'TOTE-PKB');
    await first.page.getByRole('button', { name: 'Open carton' }).click();
    await first.page.getByRole('heading', { name: 'Scan each item into the carton' }).waitFor();
    await scan(first.page, skus[0]!);
    await first.page.getByRole('status').filter({ hasText: `Packed 1 × ${skus[0]}` }).waitFor();
    await first.context.close();
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'IN_PROGRESS', workerId: 'op-back' });

    // Signed in again: the tote scan finds the open carton; what is left is one of each, not less.
    const second = await packOn();
    await scan(second.page, 'TOTE-PKB');
    await second.page.getByRole('heading', { name: 'Scan each item into the carton' }).waitFor();
    expect((await leftToPack(second.page)).sort()).toEqual([`1 × ${skus[0]}`, `1 × ${skus[1]}`].sort());
    for (const sku of [skus[0]!, skus[1]!]) {
      await scan(second.page, sku);
      await second.page.getByRole('status').filter({ hasText: `Packed 1 × ${sku}` }).waitFor();
    }
    await second.page.getByRole('heading', { name: 'Put the carton on the scale' }).waitFor();
    await second.context.close();

    // Every item is in the carton: the tote scan takes the third sign-in to the scale, not to "holds nothing to pack".
    const third = await packOn();
    await scan(third.page, 'TOTE-PKB');
    await third.page.getByRole('heading', { name: 'Put the carton on the scale' }).waitFor();
    const [open, ...none] = await packagesOf(orderId);
    expect(none).toEqual([]);
    expect(open!.status).toBe('OPEN');
    await third.page.getByLabel('Weight (g)').fill('1');
    await third.page.getByRole('button', { name: 'Record weight' }).click();
    await expect.poll(() => third.page.getByRole('alert').textContent()).toMatch(/^Weighs 1 g; it should weigh \d+ g/);
    const expected = (await packagesOf(orderId))[0]!.expectedWeightG!;
    await third.page.getByLabel('Weight (g)').fill(String(expected));
    await third.page.getByRole('button', { name: 'Record weight' }).click();
    await third.page.getByRole('button', { name: 'Seal package' }).click();
    await third.page.getByRole('heading', { name: 'Order packed' }).waitFor();
    await third.page.getByRole('button', { name: 'Finish task' }).click();
    await third.page.getByRole('heading', { name: 'Ready' }).waitFor();
    const [sealed, ...others] = await packagesOf(orderId);
    expect(others).toEqual([]);
    expect(sealed!.status).toBe('PACKED');
    expect(sealed!.lines.map((l) => [l.sku, l.quantity]).sort()).toEqual([[skus[0], 2], [skus[1], 1]].sort());
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'op-back' });
    await third.context.close();
  });

  it('an order cancelled while it is packed: the handheld says so at once (the live stream), tote aside, back to Ready, the pack task withdrawn', async () => {
    const { orderId, task } = await pickedOrder('UI-PACK-GONE', [1, 1], 'TOTE-PK2');
    const { context, page } = await packerAtCarton('op-pack-gone', 'TOTE-PK2');
    // No scan: the pick screen learns of a cancellation from the live stream, and so does Pack now (it stayed on "Scan
    // each item" until the next scan was refused).
    await cancel(orderId);
    await until('pack task withdrawn', async () => (await t.get(`/api/v1/tasks/${task.id}`)).body.status, (s) => s === 'CANCELLED');
    await page.getByRole('heading', { name: 'Ready' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Order UI-PACK-GONE was cancelled: stop packing it. Put tote TOTE-PK2 aside for returns');

    // Cancelled before its tote is scanned: said as well, naming the tote its units were picked into. It said "Tote …
    // holds nothing to pack …: scan the order's tote (<that tote>)" at the scan, with "Not me: reject task" the only button.
    const early = await pickedOrder('UI-PACK-GONE-2', [1], 'TOTE-PK3');
    await page.getByRole('radio', { name: 'Pack' }).check();
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan the tote to pack' }).waitFor();
    await page.getByText('Tote TOTE-PK3').waitFor();
    await cancel(early.orderId);
    await until('pack task withdrawn', async () => (await t.get(`/api/v1/tasks/${early.task.id}`)).body.status, (s) => s === 'CANCELLED');
    await page.getByRole('heading', { name: 'Ready' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Order UI-PACK-GONE-2 was cancelled: stop packing it. Put tote TOTE-PK3 aside for returns');
    await context.close();
  });

  it('a pick task whose "done" PakLog refuses with PICK_LINES_OPEN takes the operator back to the open line, to pick it and finish', async () => {
    const { list } = await pickListFor('UI-LINES-OPEN', [1, 2]);
    const [l1, l2] = list.lines.sort((a, b) => a.seq - b.seq);
    const { context, page } = await phone();
    await signIn(page, 'op-open');
    await page.getByRole('button', { name: 'Next task' }).click();
    await page.getByRole('heading', { name: 'Scan your tote' }).waitFor();
    await scan(page, 'TOTE-LO');
    await until('task started', async () => (await tasksOf('PICK')).find((x) => x.reference === list.id)!, (x) => x.status === 'IN_PROGRESS');
    const pick = async (line: Line, quantity: number, says: string): Promise<void> => {
      await page.getByRole('heading', { name: `Go to ${line.locationCode} and scan the location` }).waitFor();
      await scan(page, line.locationCode!);
      await scan(page, line.expectedBarcode ?? line.sku);
      await page.getByLabel('Quantity').fill(String(quantity));
      await page.getByRole('button', { name: 'Confirm pick' }).click();
      await page.getByRole('status').filter({ hasText: says }).waitFor();
    };
    await pick(l1!, 1, `Picked 1 × ${l1!.sku}`);

    // Offline, the operator picks the last line in full and finishes: both wait in the queue. Meanwhile one unit of
    // that line is confirmed from elsewhere, so the queued pick of 2 is refused (1 left) and the queued "done" with it.
    await context.setOffline(true);
    await expect.poll(() => page.locator('.net').textContent()).toContain('Offline');
    await pick(l2!, 2, 'saved offline');
    await page.getByRole('heading', { name: 'Pick list complete' }).waitFor();
    await page.getByRole('button', { name: 'Finish task' }).click();
    await expect.poll(() => page.locator('.net').textContent()).toBe('Offline · 2 queued');
    const other = await t.post(`/api/v1/pick-lists/${list.id}/lines/${l2!.id}/confirm`,
      { locationCode: l2!.locationCode, barcode: l2!.expectedBarcode ?? l2!.sku, quantity: 1, toteId: 'TOTE-LO' }, 'operator');
    expect(other.status).toBe(200);
    await context.setOffline(false);

    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 15_000 }).toContain('Task not finished: 1 line of the pick list is still open');
    await page.getByRole('heading', { name: `Go to ${l2!.locationCode} and scan the location` }).waitFor();
    await screenshot(page, 'rf-lines-open');
    const task = (await tasksOf('PICK')).find((x) => x.reference === list.id)!;
    expect(task).toMatchObject({ status: 'IN_PROGRESS', workerId: 'op-open' });
    await pick(l2!, 1, `Picked 1 × ${l2!.sku}`);
    await page.getByRole('heading', { name: 'Pick list complete' }).waitFor();
    await page.getByRole('button', { name: 'Finish task' }).click();
    await page.getByRole('status').filter({ hasText: 'Pick list done' }).waitFor();
    expect((await listNow(list.id)).lines.map((l) => [l.picked, l.status])).toEqual([[1, 'PICKED'], [2, 'PICKED']]);
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'COMPLETED', workerId: 'op-open' });
    await context.close();
  });
  it('a unit of a shipComplete order missing from the tote: "it will be picked again; the order ships complete", the tote and carton set aside, the task paused (never led to weigh and seal)', async () => {
    const { orderId, task } = await pickedOrder('UI-PACK-REPICK', [2, 1], 'TOTE-PKR', true);
    const { context, page } = await packerAtCarton('op-repick', 'TOTE-PKR');
    for (const sku of [skus[0]!, skus[0]!]) {
      await scan(page, sku);
      await page.getByRole('status').filter({ hasText: `Packed 1 × ${sku}` }).waitFor();
    }
    // The second SKU is not in the tote: it is picked again (the order never ships partial), so the carton waits.
    await page.getByRole('button', { name: `1 × ${skus[1]} missing` }).click();
    await page.getByRole('status').filter({ hasText: `1 × ${skus[1]} missing: it will be picked again; the order ships complete` }).waitFor();
    await page.getByRole('heading', { name: 'Set the order aside' }).waitFor();
    await expect.poll(() => page.locator('main').textContent()).toContain('Set tote TOTE-PKR and carton');
    expect(await page.getByRole('heading', { name: 'Put the carton on the scale' }).count()).toBe(0);
    expect(await seriousA11yViolations(page), 'axe on the set-aside step').toEqual([]);
    await screenshot(page, 'rf-pack-short-picked-again');
    await page.getByRole('button', { name: 'Set aside: next order' }).click();
    await page.getByRole('status').filter({ hasText: 'Order UI-PACK-REPICK set aside' }).waitFor();
    await page.getByRole('heading', { name: 'Ready' }).waitFor();
    await page.getByRole('button', { name: `Resume pack ${task.id}` }).waitFor();
    expect((await t.get(`/api/v1/tasks/${task.id}`)).body).toMatchObject({ status: 'PAUSED', workerId: 'op-repick' });
    // The carton stays open with what it holds; the order is not packed.
    expect((await packagesOf(orderId)).map((p) => [p.status, p.lines.map((l) => [l.sku, l.quantity])])).toEqual([['OPEN', [[skus[0], 2]]]]);
    expect((await t.get(`/api/v1/orders/${orderId}`)).body.status).not.toBe('PACKED');
    await cancel(orderId);
    await context.close();
  });
});
