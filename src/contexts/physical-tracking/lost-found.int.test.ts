import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableFingerprint } from '../../../test/support/fingerprint.ts';
import { createOrder, injectClient, orderStatus, setupWarehouse, until, type Call, type Warehouse } from '../../../test/support/flow-driver.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { PhysicalTrackingEvents, type LpnFound } from '../../contracts/physical-tracking.ts';

/** ADR 0029 addendum: an LPN reported lost leaves ATP through an LPN_LOST hold; found elsewhere, its stock follows and is promised again. */
let t: TestApp;
let call: Call;
let w: Warehouse;
let sku: string;

const fingerprint = async (): Promise<Record<string, number>> => {
  await t.settle();
  return tableFingerprint(t.app.db);
};
const atp = async (): Promise<number> => {
  await t.settle();
  return (await t.get(`/api/v1/inventory/atp?siteId=${w.siteId}&sku=${sku}`)).body.items[0].atp as number;
};
/** On-hand by location and status for the SKU (zero rows left out). */
const balances = async (): Promise<Record<string, number>> => {
  await t.settle();
  const rows = await t.getAll<{ locationId: string; status: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${w.siteId}&sku=${sku}`);
  return Object.fromEntries(rows.filter((r) => r.onHand !== 0).map((r) => [`${r.locationId} ${r.status}`, r.onHand]));
};
/** The ledger balances: the movements' on-hand deltas add up to the balances, per location and status. */
const ledgerMatches = async (): Promise<void> => {
  const [ledger] = await t.app.db.query<{ n: string }>(
    `SELECT coalesce(sum(delta_on_hand), 0)::text AS n FROM inventory.movements WHERE site_id = $1 AND sku = $2`, [w.siteId, sku]);
  const [onHand] = await t.app.db.query<{ n: string }>(
    `SELECT coalesce(sum(on_hand), 0)::text AS n FROM inventory.balances WHERE site_id = $1 AND sku = $2`, [w.siteId, sku]);
  expect(ledger!.n).toBe(onHand!.n);
};

beforeAll(async () => {
  t = await startTestApp();
  call = injectClient(t.app, t.keys.manager);
  w = await setupWarehouse(call, { siteCode: 'LF', aisles: 1, bays: 4, levels: 1, skus: 1 });
  sku = w.products[0]!.sku;
  // 6 units on a pallet at storage 0, 4 loose at storage 3: ATP 10.
  for (const [location, quantity] of [[w.storage[0]!, 6], [w.storage[3]!, 4]] as const) {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: location.id, quantity }, 'manager')).status).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
});

describe('a lost LPN', () => {
  let pallet: { id: string; code: string };
  let orderId: string;

  it('refuses bad input and the wrong state with a code, writing nothing', async () => {
    pallet = (await t.post('/api/v1/lpns', { siteId: 'LF', type: 'PALLET', code: 'LOST-PAL-1', locationId: w.storage[0]!.id, contents: [{ sku, quantity: 6 }] }, 'operator')).body;
    const before = await fingerprint();
    const blank = await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: '   ' }, 'manager');
    expect([blank.status, blank.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    const operator = await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'gone' }, 'operator');
    expect(operator.status).toBe(403);
    const notLost = await t.post(`/api/v1/lpns/${pallet.id}/found`, { location: w.storage[1]!.code }, 'operator');
    expect([notLost.status, notLost.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const unknown = await t.post('/api/v1/lpns/lpn_nope/lost', { reason: 'gone' }, 'manager');
    expect([unknown.status, unknown.body.code]).toEqual([404, 'NOT_FOUND']);
    expect(await fingerprint()).toEqual(before);
  });

  it('lost: LOST, its units on HOLD (LPN_LOST) and out of ATP, an order for them backordered; scans other than a move are refused', async () => {
    expect(await atp()).toBe(10);
    const lost = await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'not at its location at the count', workerId: 'sam' }, 'manager');
    expect([lost.status, lost.body.status, lost.body.locationId]).toEqual([200, 'LOST', w.storage[0]!.id]);
    expect(await atp()).toBe(4);
    expect(await balances()).toEqual({ [`${w.storage[0]!.id} HOLD`]: 6, [`${w.storage[3]!.id} AVAILABLE`]: 4 });
    const [hold] = await t.app.db.query<{ reason: string }>(
      `SELECT reason FROM inventory.movements WHERE site_id = $1 AND sku = $2 AND type = 'HOLD' ORDER BY seq LIMIT 1`, [w.siteId, sku]);
    expect(hold!.reason).toBe(`LPN_LOST ${pallet.id}`);
    // 5 units: only 4 are promisable, all or nothing: backordered.
    orderId = (await createOrder(call, w.siteId, { externalId: 'LF-1', lines: [{ sku, quantity: 5 }] })).id;
    await t.settle();
    expect(await orderStatus(call, orderId)).toBe('BACKORDERED');
    const again = await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'still gone' }, 'manager');
    expect([again.status, again.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const before = await fingerprint();
    const close = await t.post('/api/v1/scans', { siteId: 'LF', barcode: pallet.code, meaning: 'CLOSE' }, 'operator');
    expect([close.status, close.body.code]).toEqual([409, 'LPN_LOST']);
    const closeCmd = await t.post(`/api/v1/lpns/${pallet.id}/close`, {}, 'operator');
    expect([closeCmd.status, closeCmd.body.code]).toEqual([409, 'LPN_LOST']);
    const nowhere = await t.post(`/api/v1/lpns/${pallet.id}/found`, { location: 'NO-SUCH-PLACE' }, 'operator');
    expect([nowhere.status, nowhere.body.code, nowhere.body.detail]).toEqual([422, 'UNKNOWN_LOCATION', 'No location NO-SUCH-PLACE at site LF']);
    expect(await fingerprint()).toEqual(before);
    await ledgerMatches();
  });

  it('found elsewhere: OPEN again there, its held units moved (MOVE) and released, the backordered order allocated', async () => {
    const found = await t.post(`/api/v1/lpns/${pallet.id}/found`, { location: w.storage[1]!.code, workerId: 'kim' }, 'operator');
    expect([found.status, found.body.status, found.body.locationId]).toEqual([200, 'OPEN', w.storage[1]!.id]);
    await t.settle();
    expect(await balances()).toEqual({ [`${w.storage[1]!.id} AVAILABLE`]: 6, [`${w.storage[3]!.id} AVAILABLE`]: 4 });
    const moves = await t.app.db.query<{ location_id: string; status: string; delta_on_hand: number }>(
      `SELECT location_id, status, delta_on_hand FROM inventory.movements WHERE site_id = $1 AND sku = $2 AND type = 'MOVE' ORDER BY seq`, [w.siteId, sku]);
    expect(moves).toEqual([
      { location_id: w.storage[0]!.id, status: 'HOLD', delta_on_hand: -6 }, { location_id: w.storage[1]!.id, status: 'HOLD', delta_on_hand: 6 },
    ]);
    await until('the backorder allocated', () => orderStatus(call, orderId), (s) => s === 'ALLOCATED');
    expect(await atp()).toBe(5);
    const meanings = (await t.getAll<{ meaning: string }>(`/api/v1/scans?siteId=LF&lpn=${pallet.id}`)).map((s) => s.meaning);
    expect(meanings).toEqual(['BUILD', 'LOST', 'FOUND']);
    await ledgerMatches();
  });

  it('lost again with units promised: only the unpromised ones are held; a MOVE scan of it finds it', async () => {
    // 10 on hand, 5 allocated to LF-1: of the pallet's 6, 5 may be held; the sixth stays promised (a picker shorts it).
    await t.post(`/api/v1/lpns/${pallet.id}/lost`, { reason: 'gone again' }, 'manager');
    expect(await atp()).toBe(0);
    expect(await balances()).toEqual({
      [`${w.storage[1]!.id} HOLD`]: 5, [`${w.storage[1]!.id} AVAILABLE`]: 1, [`${w.storage[3]!.id} AVAILABLE`]: 4,
    });
    const scan = await t.post('/api/v1/scans', { siteId: 'LF', barcode: pallet.code, meaning: 'MOVE', locationId: w.storage[2]!.id, workerId: 'kim' }, 'operator');
    expect([scan.status, scan.body.scan.meaning, scan.body.lpn.status, scan.body.lpn.locationId]).toEqual([201, 'FOUND', 'OPEN', w.storage[2]!.id]);
    expect(await balances()).toEqual({
      [`${w.storage[2]!.id} AVAILABLE`]: 5, [`${w.storage[1]!.id} AVAILABLE`]: 1, [`${w.storage[3]!.id} AVAILABLE`]: 4,
    });
    expect(await atp()).toBe(5);
    await ledgerMatches();
  });
  it('a find where nothing may be put, or under a label a live LPN took meanwhile, is refused; POST /lpns/{id}/move finds it too', async () => {
    const tote = (await t.post('/api/v1/lpns', { siteId: 'LF', type: 'TOTE', code: 'TOTE-LF-7', locationId: w.storage[2]!.id }, 'operator')).body;
    expect((await t.post(`/api/v1/lpns/${tote.id}/lost`, { reason: 'missing' }, 'manager')).body.status).toBe('LOST');
    // Its label is free while it is lost: totes are reused.
    const reused = (await t.post('/api/v1/lpns', { siteId: 'LF', type: 'TOTE', code: 'TOTE-LF-7' }, 'operator')).body;
    expect(reused.code).toBe('TOTE-LF-7');
    expect((await t.post(`/api/v1/locations/${w.storage[3]!.id}/block`, { reason: 'rack damaged' }, 'manager')).status).toBe(200);
    const before = await fingerprint();
    const blocked = await t.post(`/api/v1/lpns/${tote.id}/found`, { location: w.storage[3]!.id }, 'operator');
    expect([blocked.status, blocked.body.code]).toEqual([409, 'LOCATION_NOT_ACTIVE']);
    const taken = await t.post(`/api/v1/lpns/${tote.id}/found`, { location: w.storage[1]!.id }, 'operator');
    expect([taken.status, taken.body.code]).toEqual([409, 'LPN_CODE_TAKEN']);
    expect(await fingerprint()).toEqual(before);
    await t.post(`/api/v1/lpns/${reused.id}/close`, {}, 'operator');
    await t.post('/api/v1/scans', { siteId: 'LF', barcode: reused.id, meaning: 'SHIP' }, 'operator');
    const moved = await t.post(`/api/v1/lpns/${tote.id}/move`, { locationId: w.storage[1]!.code }, 'operator');
    expect([moved.status, moved.body.status, moved.body.locationId]).toEqual([200, 'OPEN', w.storage[1]!.id]);
    const meanings = (await t.getAll<{ meaning: string }>(`/api/v1/scans?siteId=LF&lpn=${tote.id}`)).map((x) => x.meaning);
    expect(meanings).toEqual(['BUILD', 'LOST', 'FOUND']);
  });
});

describe('a lost LPN found at a location under count', () => {
  const deadLetters = async (): Promise<number> => {
    await t.settle();
    return (await t.app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM platform.dead_letters'))[0]!.n;
  };
  const openCount = async (locationId: string): Promise<string> => {
    const res = await t.post('/api/v1/inventory/counts', { siteId: w.siteId, sku, locationIds: [locationId] }, 'manager');
    expect(res.status).toBe(201);
    return (res.body.items as { id: string }[])[0]!.id;
  };
  const closeCount = async (countId: string): Promise<void> => {
    expect((await t.post(`/api/v1/inventory/counts/${countId}/reject`, { reason: 'test over' }, 'manager')).status).toBe(200);
  };
  let crate: { id: string; code: string };

  it('is refused at once (409 LOCATION_UNDER_COUNT naming the location and the count), nothing changed and nothing dead-lettered (found by the black-box hunt)', async () => {
    // 2 units on a crate at storage 0 (empty since the pallet was found elsewhere), lost there.
    expect((await t.post('/api/v1/inventory/receipts', { siteId: w.siteId, sku, locationId: w.storage[0]!.id, quantity: 2 }, 'manager')).status).toBe(201);
    crate = (await t.post('/api/v1/lpns', { siteId: 'LF', type: 'CASE', code: 'COUNT-CRATE-1', locationId: w.storage[0]!.id, contents: [{ sku, quantity: 2 }] }, 'operator')).body;
    expect((await t.post(`/api/v1/lpns/${crate.id}/lost`, { reason: 'not where it should be' }, 'manager')).body.status).toBe('LOST');
    const deadBefore = await deadLetters();
    const countId = await openCount(w.storage[2]!.id);
    const before = await fingerprint();
    for (const [what, res] of [
      ['found', await t.post(`/api/v1/lpns/${crate.id}/found`, { location: w.storage[2]!.code, workerId: 'kim' }, 'operator')],
      ['move', await t.post(`/api/v1/lpns/${crate.id}/move`, { locationId: w.storage[2]!.id }, 'operator')],
      ['scan', await t.post('/api/v1/scans', { siteId: 'LF', barcode: crate.code, meaning: 'MOVE', locationId: w.storage[2]!.id }, 'operator')],
    ] as const) {
      expect([what, res.status, res.body.code]).toEqual([what, 409, 'LOCATION_UNDER_COUNT']);
      expect(res.body.detail).toContain(w.storage[2]!.code);
      expect(res.body.detail).toContain(countId);
    }
    // Where it was lost is under count too: its held units cannot leave there.
    await closeCount(countId);
    const lostThere = await openCount(w.storage[0]!.id);
    const before2 = await fingerprint();
    const fromCounted = await t.post(`/api/v1/lpns/${crate.id}/found`, { location: w.storage[2]!.code }, 'operator');
    expect([fromCounted.status, fromCounted.body.code]).toEqual([409, 'LOCATION_UNDER_COUNT']);
    expect(fromCounted.body.detail).toContain(lostThere);
    expect(await fingerprint()).toEqual(before2);
    expect((await t.get(`/api/v1/lpns/${crate.id}`)).body.status).toBe('LOST');
    expect(await deadLetters()).toBe(deadBefore);
    await closeCount(lostThere);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    // Once the counts closed, the same find goes through.
    const found = await t.post(`/api/v1/lpns/${crate.id}/found`, { location: w.storage[2]!.code }, 'operator');
    expect([found.status, found.body.status]).toEqual([200, 'OPEN']);
    await t.settle();
    expect(await deadLetters()).toBe(deadBefore);
    await ledgerMatches();
  });

  it('a count opened between the check and inventory hearing of the find: the held units still follow the LPN, counted where they are, nothing dead-lettered', async () => {
    expect((await t.post(`/api/v1/lpns/${crate.id}/lost`, { reason: 'gone once more' }, 'manager')).body.status).toBe('LOST');
    await t.settle();
    const [held] = await t.app.db.query<{ n: number }>(
      `SELECT coalesce(sum(held), 0)::int AS n FROM inventory.lpn_holds WHERE lpn_id = $1 AND status = 'HELD'`, [crate.id]);
    expect(held!.n).toBeGreaterThan(0);
    const onHandBefore = await balances();
    const deadBefore = await deadLetters();
    const countId = await openCount(w.storage[1]!.id);
    // The find physical tracking committed before the count opened, heard by inventory after.
    const data: LpnFound = {
      lpnId: crate.id, siteId: w.siteId, code: crate.code, at: new Date().toISOString(), locationId: w.storage[1]!.id,
      lostAtLocationId: w.storage[2]!.id, lpns: [{ lpnId: crate.id, code: crate.code, status: 'OPEN' }],
    };
    await t.app.db.tx((tx) => t.app.bus.append(tx, 'physical-tracking', [{ type: PhysicalTrackingEvents.lpnFound, subject: crate.id, siteId: w.siteId, data }]));
    expect(await deadLetters()).toBe(deadBefore);
    const after = await balances();
    expect(after[`${w.storage[2]!.id} HOLD`]).toBeUndefined();
    expect(after[`${w.storage[1]!.id} AVAILABLE`]).toBe((onHandBefore[`${w.storage[1]!.id} AVAILABLE`] ?? 0) + held!.n);
    await ledgerMatches();
    // The count expects what the ledger now holds there, the found units included: counted right, no variance.
    const submitted = await t.post(`/api/v1/inventory/counts/${countId}/submit`, { attempt: 1, quantity: after[`${w.storage[1]!.id} AVAILABLE`], workerId: 'carl' }, 'manager');
    expect([submitted.status, submitted.body.status]).toEqual([200, 'COMPLETED']);
    await ledgerMatches();
  });
});

