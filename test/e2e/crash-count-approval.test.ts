/**
 * `paklog start` killed (SIGKILL) while a manager approves a count's variance: after the restart the count is either
 * approved once (one COUNT movement, its variance applied once) or still waiting for the approval, which then goes
 * through; approving again changes nothing, the location's stock is what was counted, and the ledger is conserved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertStockConserved } from '../support/conservation.ts';
import { setupWarehouse, until, type Call, type Warehouse } from '../support/flow-driver.ts';
import { crashServer, type CrashServer } from '../support/crash-server.ts';

let s: CrashServer;
let w: Warehouse;

const call = (): Call => s.call;

beforeAll(async () => {
  s = await crashServer();
  w = await setupWarehouse(call(), { siteCode: 'CKA', aisles: 1, bays: 3, levels: 1, skus: 1 });
  const settings = await fetch(`${s.base}/api/v1/inventory/count-settings`, {
    method: 'PUT', headers: { 'x-api-key': s.adminKey, 'content-type': 'application/json' },
    body: JSON.stringify({ siteId: w.siteId, toleranceUnits: 1, tolerancePercent: null }),
  });
  expect(settings.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await s?.close();
});

/** A count of `shelf` waiting for approval: 20 on the ledger, counted 16 then 17 (beyond the tolerance twice). */
async function countAwaitingApproval(shelfId: string, sku: string): Promise<string> {
  expect((await call()('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: shelfId, quantity: 20 })).status).toBe(201);
  const opened = await call()('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [shelfId], sku });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  const countId = (opened.body as { items: { id: string }[] }).items[0]!.id;
  for (const [attempt, quantity, workerId] of [[1, 16, 'alice'], [2, 17, 'bob']] as const) {
    const task = await until('count task', async () => (await call()('next', 'POST', '/api/v1/tasks/next', { workerId, siteId: w.siteId, types: ['COUNT'] })).body as { id?: string } | undefined,
      (x) => typeof x === 'object' && x?.id !== undefined);
    expect((await call()('start', 'POST', `/api/v1/tasks/${task!.id}/start`, { workerId })).status).toBe(200);
    const submitted = await call()('submit', 'POST', `/api/v1/inventory/counts/${countId}/submit`, { attempt, quantity, workerId });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  }
  await until('awaiting approval', async () => ((await call()('get', 'GET', `/api/v1/inventory/counts/${countId}`)).body as { status: string }).status,
    (s) => s === 'AWAITING_APPROVAL');
  return countId;
}

describe('paklog start killed during a count approval', () => {
  it('applies the approved variance once, whether the kill came before or after the commit', async () => {
    const sku = w.products[0]!.sku;
    for (const [i, delayMs] of [0, 10].entries()) {
      const shelf = w.storage[i]!;
      const countId = await countAwaitingApproval(shelf.id, sku);
      const approving = call()('approve', 'POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'crushed' }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      await s.crash();
      await approving;
      const after = (await call()('get', 'GET', `/api/v1/inventory/counts/${countId}`)).body as { status: string };
      expect(['AWAITING_APPROVAL', 'COMPLETED']).toContain(after.status);
      if (after.status === 'AWAITING_APPROVAL') {
        const approved = await call()('approve', 'POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'crushed' });
        expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      }
      const again = await call()('approve again', 'POST', `/api/v1/inventory/counts/${countId}/approve`, { reason: 'crushed' });
      expect(again.status).toBeGreaterThanOrEqual(400);
      expect(again.status).toBeLessThan(500);
      const moves = (await call()('ledger', 'GET', `/api/v1/inventory/ledger?siteId=${w.siteId}&sku=${sku}&type=COUNT`)).body as { items: { deltaOnHand: number; reference: string }[] };
      expect(moves.items.filter((m) => m.reference === countId).map((m) => m.deltaOnHand)).toEqual([-3]);
      // Nothing of the count is left open on the floor.
      const open = (await call()('tasks', 'GET', `/api/v1/tasks?siteId=${w.siteId}&type=COUNT&limit=100`)).body as { items: { reference: string; status: string }[] };
      expect(open.items.filter((x) => x.reference === countId && !['COMPLETED', 'CANCELLED'].includes(x.status))).toEqual([]);
    }
    await assertStockConserved(s.db.url, { when: 'after the kills during count approvals' });
  }, 120_000);
});
