import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { movementCount, newLocation, newProduct, newSite } from './test-fixtures.ts';

/** Replenishment on real PostgreSQL (issue 11): settings, the low-stock trigger, one open per face, concurrent triggers. */
let t: TestApp;
let site: { id: string; code: string };
let face: { id: string; code: string };
let otherFace: { id: string; code: string };
let reserve: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  site = await newSite(t);
  face = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 1 });
  otherFace = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 2 });
  reserve = await newLocation(t, site, { type: 'RESERVE', pickSequence: 3 });
});
afterAll(async () => {
  await t.close();
});

const put = (body: Record<string, unknown>, role: 'manager' | 'operator' = 'manager') =>
  t.request('PUT', '/api/v1/replenishment-settings', { body, role });
const receive = async (sku: string, locationId: string, quantity: number) =>
  expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId, quantity })).status).toBe(201);
const openOf = async (sku: string) =>
  t.getAll<{ id: string; quantity: number; trigger: string; fromLocationId: string; toLocationId: string }>(
    `/api/v1/replenishments?siteId=${site.id}&sku=${sku}&status=OPEN`);

describe('replenishment settings', () => {
  it('are set by planners on pick faces only; bad input writes nothing', async () => {
    const sku = await newProduct(t);
    expect((await put({ siteId: site.id, sku, locationId: face.id, min: 2, max: 8 }, 'operator')).status).toBe(403);
    expect((await put({ siteId: site.id, sku, locationId: reserve.id, min: 2, max: 8 })).body.code).toBe('UNPROCESSABLE');
    expect((await put({ siteId: site.id, sku, locationId: face.id, min: 9, max: 8 })).body.code).toBe('VALIDATION_FAILED');
    expect(await t.getAll(`/api/v1/replenishment-settings?siteId=${site.id}&sku=${sku}`)).toEqual([]);
    expect((await put({ siteId: site.id, sku, locationCode: face.code, min: 2, max: 8 })).status).toBe(200);
    expect((await put({ siteId: site.id, sku, locationId: face.id, min: 3, max: 9 })).body).toMatchObject({ min: 3, max: 9 });
    expect(await t.getAll(`/api/v1/replenishment-settings?siteId=${site.id}&sku=${sku}`)).toEqual([expect.objectContaining({ locationId: face.id, min: 3, max: 9 })]);
    const gone = await t.request('DELETE', `/api/v1/replenishment-settings?siteId=${site.id}&sku=${sku}&locationId=${face.id}`, { role: 'manager' });
    expect(gone.status).toBe(200);
    expect((await t.request('DELETE', `/api/v1/replenishment-settings?siteId=${site.id}&sku=${sku}&locationId=${face.id}`)).status).toBe(404);
  });
});

describe('the low-stock trigger', () => {
  it('a move out of a face below min asks for units from reserve up to max, once; the confirm moves them and the face may ask again', async () => {
    const sku = await newProduct(t);
    await put({ siteId: site.id, sku, locationId: face.id, min: 4, max: 10 });
    await receive(sku, face.id, 6);
    await receive(sku, reserve.id, 20);
    const move = (q: number) => t.post('/api/v1/inventory/moves', { siteId: site.id, sku, quantity: q, fromLocationId: face.id, toLocationId: otherFace.id });
    expect((await move(2)).status).toBe(201);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect((await move(1)).status).toBe(201);
    await t.settle();
    const [rpl] = await openOf(sku);
    expect(rpl).toMatchObject({ trigger: 'LOW_STOCK', fromLocationId: reserve.id, toLocationId: face.id, quantity: 7 });
    // A second trigger finds the open one.
    expect((await move(1)).status).toBe(201);
    await t.settle();
    expect((await openOf(sku)).map((r) => r.id)).toEqual([rpl!.id]);

    // A confirm that scans another place, or asks for more than was asked, changes nothing.
    const before = await movementCount(t);
    expect((await t.post(`/api/v1/replenishments/${rpl!.id}/confirm`, { locationId: reserve.id }, 'operator')).body.code).toBe('WRONG_LOCATION');
    expect((await t.post(`/api/v1/replenishments/${rpl!.id}/confirm`, { locationId: face.id, quantity: 8 }, 'operator')).body.code)
      .toBe('QUANTITY_EXCEEDS_OPEN');
    expect(await movementCount(t)).toBe(before);
    const done = await t.post(`/api/v1/replenishments/${rpl!.id}/confirm`, { locationId: face.id, workerId: 'w9' }, 'operator');
    expect(done.body).toMatchObject({ status: 'COMPLETED', moved: 7, confirmedBy: 'w9' });
    expect((await t.post(`/api/v1/replenishments/${rpl!.id}/confirm`, { locationId: face.id }, 'operator')).body.code).toBe('ILLEGAL_TRANSITION');
    await t.settle();
    const task = (await t.getAll<{ type: string; reference: string; status: string }>(`/api/v1/tasks?siteId=${site.id}`))
      .find((x) => x.reference === rpl!.id);
    // Done by a confirm nobody claimed the task for: the task engine withdraws it (a claimed one completes: the e2e test).
    expect(task).toMatchObject({ type: 'REPLENISH', status: 'CANCELLED' });
    const atFace = await t.getAll<{ sku: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${site.id}&locationId=${face.id}`);
    expect(atFace.filter((b) => b.sku === sku).map((b) => b.onHand)).toEqual([9]);
  });

  it('concurrent requests for one face and SKU make one replenishment; cancelling it withdraws its task', async () => {
    const sku = await newProduct(t);
    await put({ siteId: site.id, sku, locationId: face.id, min: 4, max: 10 });
    await receive(sku, reserve.id, 30);
    const answers = await Promise.all(Array.from({ length: 8 }, () =>
      t.post<{ id: string }>('/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id }, 'manager')));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 8 }, () => 201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const rows = await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.replenishments WHERE sku = $1`, [sku]);
    expect(rows[0]!.n).toBe(1);
    await t.settle();
    const id = answers[0]!.body.id;
    expect((await t.post(`/api/v1/replenishments/${id}/cancel`, { reason: 'not needed' }, 'operator')).status).toBe(403);
    expect((await t.post(`/api/v1/replenishments/${id}/cancel`, { reason: 'not needed' }, 'manager')).body.status).toBe('CANCELLED');
    await t.settle();
    const task = (await t.getAll<{ reference: string; status: string }>(`/api/v1/tasks?siteId=${site.id}`)).find((x) => x.reference === id);
    expect(task?.status).toBe('CANCELLED');
    // No source with free units: a person's request is refused, nothing written.
    const empty = await newProduct(t);
    const refused = await t.post('/api/v1/replenishments', { siteId: site.id, sku: empty, locationId: face.id, quantity: 3 }, 'manager');
    expect([refused.status, refused.body.code]).toEqual([409, 'NO_REPLENISHMENT_SOURCE']);
    expect(await openOf(empty)).toEqual([]);
  });
});

describe('the confirm and cycle counts', () => {
  it('a count under way at the face or at the source refuses the confirm (409 LOCATION_UNDER_COUNT, nothing moves); counted, it confirms', async () => {
    const sku = await newProduct(t);
    await put({ siteId: site.id, sku, locationId: otherFace.id, min: 4, max: 10 });
    await receive(sku, otherFace.id, 2);
    await receive(sku, reserve.id, 20);
    const rpl = await t.post<{ id: string; quantity: number }>('/api/v1/replenishments', { siteId: site.id, sku, locationId: otherFace.id }, 'manager');
    expect(rpl.body.quantity).toBe(8);
    const countAt = async (locationId: string, quantity: number, confirmWhileOpen: () => Promise<void>) => {
      const opened = await t.post('/api/v1/inventory/counts', { siteId: site.id, sku, locationIds: [locationId], toleranceUnits: 0 }, 'manager');
      expect(opened.status, JSON.stringify(opened.body)).toBe(201);
      const [count] = opened.body.items as { id: string }[];
      await confirmWhileOpen();
      const submitted = await t.post(`/api/v1/inventory/counts/${count!.id}/submit`, { attempt: 1, quantity, workerId: 'counter' }, 'operator');
      expect(submitted.body.status).toBe('COMPLETED');
    };
    const refused = async (): Promise<void> => {
      const before = await movementCount(t);
      const answer = await t.post(`/api/v1/replenishments/${rpl.body.id}/confirm`, { locationId: otherFace.id }, 'operator');
      expect([answer.status, answer.body.code]).toEqual([409, 'LOCATION_UNDER_COUNT']);
      expect(await movementCount(t)).toBe(before);
    };
    // The counter at the face counts its 2 units while the replenishment would land 8 more: they would be written off.
    await countAt(otherFace.id, 2, refused);
    await countAt(reserve.id, 20, refused);
    const done = await t.post(`/api/v1/replenishments/${rpl.body.id}/confirm`, { locationId: otherFace.id }, 'operator');
    expect(done.body).toMatchObject({ status: 'COMPLETED', moved: 8 });
    const at = await t.getAll<{ sku: string; onHand: number }>(`/api/v1/inventory/balances?siteId=${site.id}&sku=${sku}`);
    expect(at.map((b) => b.onHand).sort((x, y) => x - y)).toEqual([10, 12]);
  });
});

describe('a face that is not ACTIVE is not replenished', () => {
  it('a request by hand for a BLOCKED or INACTIVE face is refused (409 LOCATION_NOT_ACTIVE, nothing written); emptying it by hand asks for nothing', async () => {
    const sku = await newProduct(t);
    const deadFace = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 4 });
    await put({ siteId: site.id, sku, locationId: deadFace.id, min: 4, max: 10 });
    await receive(sku, deadFace.id, 5);
    await receive(sku, reserve.id, 20);
    expect((await t.post(`/api/v1/locations/${deadFace.id}/block`, { reason: 'rack damaged' }, 'manager')).status).toBe(200);
    await t.settle();
    const ask = () => t.post('/api/v1/replenishments', { siteId: site.id, sku, locationCode: deadFace.code, quantity: 5 }, 'manager');
    const before = await movementCount(t);
    const blocked = await ask();
    expect([blocked.status, blocked.body.code, blocked.body.errors]).toEqual([409, 'LOCATION_NOT_ACTIVE', [{ field: '/locationCode', message: 'location is BLOCKED' }]]);
    expect((await t.post(`/api/v1/locations/${deadFace.id}/unblock`, {}, 'manager')).status).toBe(200);
    expect((await t.post(`/api/v1/locations/${deadFace.id}/deactivate`, {}, 'manager')).status).toBe(200);
    await t.settle();
    const inactive = await ask();
    expect([inactive.status, inactive.body.code]).toEqual([409, 'LOCATION_NOT_ACTIVE']);
    // The units leave the dead face by hand, below its min: the low-stock trigger asks nothing for it (it could never be confirmed).
    expect((await t.post('/api/v1/inventory/moves', { siteId: site.id, sku, quantity: 5, fromLocationId: deadFace.id, toLocationId: otherFace.id })).status).toBe(201);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect(await movementCount(t)).toBe(before + 2);
  });

  it('a face deactivated under an open replenishment: the replenishment is CANCELLED naming the deactivation, its task withdrawn, nothing moved', async () => {
    const sku = await newProduct(t);
    const lateFace = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 5 });
    await receive(sku, reserve.id, 12);
    const asked = await t.post('/api/v1/replenishments', { siteId: site.id, sku, locationCode: lateFace.code, quantity: 4 }, 'manager');
    expect(asked.status).toBe(201);
    await t.settle();
    const tasks = async () => (await t.getAll<{ reference: string; status: string }>(`/api/v1/tasks?siteId=${site.id}&type=REPLENISH`))
      .filter((x) => x.reference === asked.body.id).map((x) => x.status);
    expect(await tasks()).toEqual(['QUEUED']);
    // Blocked, it may come back: the replenishment waits.
    expect((await t.post(`/api/v1/locations/${lateFace.id}/block`, { reason: 'inspection' }, 'manager')).status).toBe(200);
    await t.settle();
    expect((await t.get(`/api/v1/replenishments/${asked.body.id}`)).body.status).toBe('OPEN');
    expect((await t.post(`/api/v1/locations/${lateFace.id}/unblock`, {}, 'manager')).status).toBe(200);
    const before = await movementCount(t);
    expect((await t.post(`/api/v1/locations/${lateFace.id}/deactivate`, { reason: 'rack removed' }, 'manager')).status).toBe(200);
    await t.settle();
    expect((await t.get(`/api/v1/replenishments/${asked.body.id}`)).body).toMatchObject({ status: 'CANCELLED', moved: 0 });
    const [cancelled] = (await t.get(`/api/v1/events?type=inventory.replenishment.cancelled.v1&subject=${asked.body.id}`)).body.items as { data: { reason: string } }[];
    expect(cancelled!.data.reason).toBe(`face ${lateFace.id} was deactivated (rack removed): nothing is put to it`);
    expect(await tasks()).toEqual(['CANCELLED']);
    expect(await movementCount(t)).toBe(before);
  });
});

describe('a source under count', () => {
  it('is passed over for another reserve; with none other, a manual request is refused naming the count, nothing written; asked again once it closes', async () => {
    const sku = await newProduct(t);
    const second = await newLocation(t, site, { type: 'RESERVE', pickSequence: 4 });
    await put({ siteId: site.id, sku, locationId: face.id, min: 2, max: 10 });
    await receive(sku, reserve.id, 6);
    await receive(sku, second.id, 6);
    const opened = await t.post<{ items: { id: string }[] }>('/api/v1/inventory/counts', { siteId: site.id, locationIds: [reserve.id], sku }, 'manager');
    expect(opened.status).toBe(201);
    const rpl = await t.post<{ id: string; fromLocationId: string }>('/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id }, 'manager');
    expect([rpl.status, rpl.body.fromLocationId]).toEqual([201, second.id]);
    expect((await t.post(`/api/v1/replenishments/${rpl.body.id}/cancel`, { reason: 'test' }, 'manager')).status).toBe(200);

    // The other reserve under count too: no task nobody could do.
    const both = await t.post<{ items: { id: string }[] }>('/api/v1/inventory/counts', { siteId: site.id, locationIds: [second.id], sku }, 'manager');
    expect(both.status).toBe(201);
    const before = await movementCount(t);
    const refused = await t.post('/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id }, 'manager');
    expect([refused.status, refused.body.code]).toEqual([409, 'NO_REPLENISHMENT_SOURCE']);
    expect(refused.body.detail).toContain('under count');
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect(await movementCount(t)).toBe(before);
    for (const c of [...opened.body.items, ...both.body.items]) {
      expect((await t.post(`/api/v1/inventory/counts/${c.id}/reject`, { reason: 'later' }, 'manager')).status).toBe(200);
    }
    expect((await t.post('/api/v1/replenishments', { siteId: site.id, sku, locationId: face.id }, 'manager')).status).toBe(201);
  });
});

describe('a face that needs units with no source to bring them from', () => {
  const exceptionsOf = async (sku: string, status: 'OPEN' | 'RESOLVED') => {
    await t.settle();
    const items = (await t.get(`/api/v1/exceptions?siteId=${site.id}&kind=NO_REPLENISHMENT_SOURCE&status=${status}&limit=200`, 'manager')).body.items as
      { id: string; subject: string; actions: string[]; resolution: string | null; details: Record<string, unknown> }[];
    return items.filter((x) => x.details['sku'] === sku);
  };

  it('every source under count: NO_REPLENISHMENT_SOURCE in the queue, raised once; the count closed, the replenishment is asked for by itself and the case resolves', async () => {
    const sku = await newProduct(t);
    const bay = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 5 });
    const bin = await newLocation(t, site, { type: 'RESERVE', pickSequence: 6 });
    await put({ siteId: site.id, sku, locationId: bay.id, min: 4, max: 10 });
    await receive(sku, bay.id, 6);
    await receive(sku, bin.id, 20);
    const opened = await t.post<{ items: { id: string }[] }>('/api/v1/inventory/counts', { siteId: site.id, locationIds: [bin.id], sku }, 'manager');
    expect(opened.status).toBe(201);
    // The face falls below min twice: no replenishment, one visible case naming the count's location.
    for (const q of [3, 1]) expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: bay.id, delta: -q, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    const raised = await exceptionsOf(sku, 'OPEN');
    expect(raised).toEqual([expect.objectContaining({ actions: ['acknowledge'], details: expect.objectContaining({ faceLocationId: bay.id, underCount: [bin.id], trigger: 'LOW_STOCK' }) })]);
    // The count closes: the face asks again by itself, and the case resolves.
    expect((await t.post(`/api/v1/inventory/counts/${opened.body.items[0]!.id}/reject`, { reason: 'later' }, 'manager')).status).toBe(200);
    await t.settle();
    expect(await openOf(sku)).toEqual([expect.objectContaining({ fromLocationId: bin.id, toLocationId: bay.id, quantity: 8 })]);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    expect(await exceptionsOf(sku, 'RESOLVED')).toEqual([expect.objectContaining({ id: raised[0]!.id, resolution: expect.stringMatching(/^auto:/) })]);
  });

  it('the only reserve units on HOLD: the case is raised; the need gone (units moved into the face), it resolves with no replenishment', async () => {
    const sku = await newProduct(t);
    const bay = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 7 });
    const bin = await newLocation(t, site, { type: 'RESERVE', pickSequence: 8 });
    await put({ siteId: site.id, sku, locationId: bay.id, min: 4, max: 10 });
    await receive(sku, bay.id, 5);
    await receive(sku, bin.id, 10);
    expect((await t.post('/api/v1/inventory/holds', { siteId: site.id, sku, locationId: bin.id, quantity: 10, status: 'HOLD', reason: 'check' }, 'manager')).status).toBe(201);
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: bay.id, delta: -3, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([expect.objectContaining({ details: expect.objectContaining({ faceLocationId: bay.id, underCount: [] }) })]);
    // Units found elsewhere and received straight into the face: above min, nothing to ask for, the case resolves.
    await receive(sku, bay.id, 5);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    expect(await exceptionsOf(sku, 'RESOLVED')).toHaveLength(1);
  });

  it('the face deactivated while it waits: the wait ends and the case resolves by itself (nothing is ever put to an INACTIVE face)', async () => {
    const sku = await newProduct(t);
    const bay = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 9 });
    await put({ siteId: site.id, sku, locationId: bay.id, min: 4, max: 10 });
    await receive(sku, bay.id, 5);
    // Run dry: no units left at the face to leave ATP with the deactivation.
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: bay.id, delta: -5, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    const raised = await exceptionsOf(sku, 'OPEN');
    expect(raised).toEqual([expect.objectContaining({ details: expect.objectContaining({ faceLocationId: bay.id }) })]);
    expect((await t.post(`/api/v1/locations/${bay.id}/deactivate`, { reason: 'rack removed' }, 'manager')).status).toBe(200);
    // No stock of the SKU needs to be freed for it: the deactivation itself ends the wait.
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    // Stock of the SKU arrives in reserve later: still nothing to ask for the INACTIVE face, nothing raised again.
    const bin = await newLocation(t, site, { type: 'RESERVE', pickSequence: 10 });
    await receive(sku, bin.id, 10);
    await t.settle();
    expect(await openOf(sku)).toEqual([]);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    expect(await exceptionsOf(sku, 'RESOLVED')).toEqual([expect.objectContaining({ id: raised[0]!.id, resolution: expect.stringMatching(/^auto:/) })]);
  });

  it('the face\'s min/max removed while it waits: the wait ends and the case resolves by itself (the face asks for nothing any more)', async () => {
    const sku = await newProduct(t);
    const bay = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 11 });
    await put({ siteId: site.id, sku, locationId: bay.id, min: 4, max: 10 });
    await receive(sku, bay.id, 5);
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: bay.id, delta: -5, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    const raised = await exceptionsOf(sku, 'OPEN');
    expect(raised).toHaveLength(1);
    expect((await t.request('DELETE', `/api/v1/replenishment-settings?siteId=${site.id}&sku=${sku}&locationId=${bay.id}`, { role: 'manager' })).status).toBe(200);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    expect(await exceptionsOf(sku, 'RESOLVED')).toEqual([expect.objectContaining({ id: raised[0]!.id, resolution: expect.stringMatching(/^auto:/) })]);
  });
  it('units of a customer return restocked into reserve end the wait: the face asks for them by itself and the case resolves', async () => {
    const sku = await newProduct(t);
    const bay = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 12 });
    const bin = await newLocation(t, site, { type: 'RESERVE', pickSequence: 13 });
    const dock = await newLocation(t, site, { type: 'RECEIVING' });
    await put({ siteId: site.id, sku, locationId: bay.id, min: 4, max: 10 });
    await receive(sku, bay.id, 5);
    // The face falls below min with no reserve units anywhere: it waits, one case raised.
    expect((await t.post('/api/v1/inventory/adjustments', { siteId: site.id, sku, locationId: bay.id, delta: -3, reason: 'DAMAGED' }, 'manager')).status).toBe(201);
    const raised = await exceptionsOf(sku, 'OPEN');
    expect(raised).toHaveLength(1);
    // A customer returns 6 units; inspected as new, they are restocked straight into the reserve bin.
    const rma = await t.post<{ id: string; lines: { lineId: string }[] }>('/api/v1/rmas', { siteId: site.id, customerRef: 'C-WAIT', lines: [{ sku, quantity: 6, reason: 'unwanted' }] }, 'manager');
    expect(rma.status, JSON.stringify(rma.body)).toBe(201);
    const lineId = rma.body.lines[0]!.lineId;
    expect((await t.post(`/api/v1/rmas/${rma.body.id}/receive`, { locationId: dock.id, lines: [{ lineId, quantity: 6 }] }, 'manager')).status).toBe(200);
    const restocked = await t.post(`/api/v1/rmas/${rma.body.id}/lines/${lineId}/inspect`, { disposition: 'RESTOCK', quantity: 6, locationId: bin.id }, 'manager');
    expect(restocked.status, JSON.stringify(restocked.body)).toBe(200);
    await t.settle();
    expect(await openOf(sku)).toEqual([expect.objectContaining({ fromLocationId: bin.id, toLocationId: bay.id, quantity: 6 })]);
    expect(await exceptionsOf(sku, 'OPEN')).toEqual([]);
    expect(await exceptionsOf(sku, 'RESOLVED')).toEqual([expect.objectContaining({ id: raised[0]!.id, resolution: expect.stringMatching(/^auto:/) })]);
  });
});

describe('a replenishment to a location nobody picks from', () => {
  it('is confirmed only with pickable units no order was promised: it never leaves allocations uncovered', async () => {
    const sku = await newProduct(t);
    const staging = await newLocation(t, site, { type: 'STAGING' });
    await receive(sku, reserve.id, 5);
    // An order is promised every unit the reserve holds.
    const order = await t.post('/api/v1/orders', {
      externalId: `RPL-COVER-${sku}`, siteId: site.id, carrier: 'OWN_FLEET',
      shipTo: { name: 'A Customer', line1: '1 Main Street', city: 'Springfield', postalCode: '12345', country: 'US' },
      lines: [{ sku, quantity: 5 }],
    }, 'manager');
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    await t.settle();
    const atp = async () => (await t.get(`/api/v1/inventory/atp?siteId=${site.id}&sku=${sku}`)).body.items[0] as {
      onHandAvailable: number; unpickable: number; allocated: number; atp: number;
    };
    expect(await atp()).toMatchObject({ onHandAvailable: 5, unpickable: 0, allocated: 5, atp: 0 });
    // A planner asks for the units at a staging location by hand: the request names any location of the site.
    const asked = await t.post('/api/v1/replenishments', { siteId: site.id, sku, locationId: staging.id, quantity: 3 }, 'manager');
    expect(asked.status, JSON.stringify(asked.body)).toBe(201);
    const confirmed = await t.post(`/api/v1/replenishments/${asked.body.id}/confirm`, { locationId: staging.id, workerId: 'rpl-cover' }, 'operator');
    expect([confirmed.status, confirmed.body.code], JSON.stringify(confirmed.body)).toEqual([409, 'INSUFFICIENT_STOCK']);
    await t.settle();
    // Nothing moved: the order's 5 units are still where a picker takes them.
    const after = await atp();
    expect(after.onHandAvailable - after.unpickable).toBeGreaterThanOrEqual(after.allocated);
    expect(after).toMatchObject({ onHandAvailable: 5, unpickable: 0, allocated: 5 });
    expect((await t.post(`/api/v1/replenishments/${asked.body.id}/cancel`, { reason: 'not a pick face' }, 'manager')).status).toBe(200);
  });
});
