/**
 * Counts opened while their location is deactivated (issue 11, ADR 0045): location-master asks inventory for open
 * counts before its transaction and refuses a location under count (409 LOCATION_UNDER_COUNT); inventory refuses to
 * count a location it knows INACTIVE (409 LOCATION_NOT_ACTIVE). Fired together on many locations, in a seeded order,
 * whatever wins: no count is left open at a deactivated location (it would hold a location out of use for good, and
 * could close by adding units there), every answer is one of the two outcomes, and each location's status is the one
 * its answer says. PAKLOG_RACE_SEED=<seed> replays the order of the requests.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mulberry32 } from '../../src/optimize/random.ts';
import { injectClient, setupWarehouse, type Call, type Warehouse } from '../support/flow-driver.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

let t: TestApp;
let call: Call;
let w: Warehouse;

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'CDR', aisles: 2, bays: 5, levels: 2, skus: 1 });
});
afterAll(async () => {
  await t.close();
});

const SEED = Number(process.env.PAKLOG_RACE_SEED ?? 8021);

it(`a count and a deactivation of the same location, fired together, never leave a count open at an INACTIVE location (seed ${SEED})`, async () => {
  const random = mulberry32(SEED);
  const sku = w.products[0]!.sku;
  const locations = w.storage.slice(0, 20);
  for (const l of locations) {
    expect((await call('receive', 'POST', '/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: l.id, quantity: 3 })).status).toBe(201);
  }
  await t.settle();
  // Each location gets its count and its deactivation, the pair in a seeded order with a seeded delay between them.
  const answers = await Promise.all(locations.map(async (l) => {
    const countFirst = random() < 0.5;
    const gapMs = Math.floor(random() * 4);
    const count = () => call('count', 'POST', '/api/v1/inventory/counts', { siteId: w.siteId, locationIds: [l.id], sku });
    const deactivate = () => call('deactivate', 'POST', `/api/v1/locations/${l.id}/deactivate`, { reason: 'aisle closed' });
    const first = countFirst ? count() : deactivate();
    await new Promise((r) => setTimeout(r, gapMs));
    const second = countFirst ? deactivate() : count();
    const [a, b] = await Promise.all([first, second]);
    return { location: l, count: countFirst ? a : b, deactivation: countFirst ? b : a };
  }));
  await t.settle();

  const open = await t.app.db.query<{ id: string; location_id: string; status: string }>(
    `SELECT id, location_id, status FROM inventory.counts WHERE site_id = $1 AND status IN ('OPEN', 'RECOUNT', 'AWAITING_APPROVAL')`, [w.siteId]);
  const closed = await t.app.db.query<{ id: string; location_id: string; status: string; decision_reason: string | null }>(
    `SELECT id, location_id, status, decision_reason FROM inventory.counts WHERE site_id = $1`, [w.siteId]);
  const tasks = await t.getAll<{ type: string; reference: string; status: string }>(`/api/v1/tasks?siteId=${w.siteId}`);
  const problems: string[] = [];
  for (const { location, count, deactivation } of answers) {
    const status = (await call('location', 'GET', `/api/v1/locations/${location.id}`)).body.status as string;
    const openHere = open.filter((c) => c.location_id === location.id);
    if (![201, 409].includes(count.status) || (count.status === 409 && count.body.code !== 'LOCATION_NOT_ACTIVE')) {
      problems.push(`${location.code}: count answered ${count.status} ${count.body.code}`);
    }
    if (![200, 409].includes(deactivation.status) || (deactivation.status === 409 && deactivation.body.code !== 'LOCATION_UNDER_COUNT')) {
      problems.push(`${location.code}: deactivation answered ${deactivation.status} ${deactivation.body.code}`);
    }
    if (status !== (deactivation.status === 200 ? 'INACTIVE' : 'ACTIVE')) problems.push(`${location.code}: ${status} after a ${deactivation.status} deactivation`);
    if (status === 'INACTIVE' && openHere.length > 0) {
      problems.push(`${location.code}: INACTIVE with open count ${openHere.map((c) => `${c.id} ${c.status}`).join(', ')} (count answered ${count.status})`);
    }
    // A count the deactivation crossed is abandoned, saying why, and its COUNT task withdrawn.
    for (const c of closed.filter((x) => x.location_id === location.id && status === 'INACTIVE')) {
      if (c.status !== 'REJECTED' || !(c.decision_reason ?? '').includes('deactivated')) problems.push(`${location.code}: count ${c.id} ${c.status} (${c.decision_reason})`);
      const task = tasks.find((x) => x.type === 'COUNT' && x.reference === c.id);
      if (task !== undefined && task.status !== 'CANCELLED') problems.push(`${location.code}: COUNT task of ${c.id} is ${task.status}`);
    }
  }
  expect(problems).toEqual([]);
});
