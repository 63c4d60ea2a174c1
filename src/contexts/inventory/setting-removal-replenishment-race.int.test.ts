import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope as raceEnvelope, handlerOf as contextHandler, overlapped as heldOpen } from '../../../test/support/overlap.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { Database, type Tx } from '../../platform/db/database.ts';
import { removeSetting } from './use-cases/replenishment-settings/handler.ts';
import { newLocation, newProduct, newSite } from './test-fixtures.ts';

/**
 * A face's min/max removed while a pick (or a move, an adjustment) out of it asks for its replenishment and finds no
 * source, each in its own transaction at the same time (the removal is a person's DELETE, the trigger a consumer of
 * picking's or inventory's topic). Before the fix the trigger read the setting plainly: a removal not yet committed
 * did not stop it, and the removal ended the face's waits before the trigger's wait was committed, so the wait (and
 * its NO_REPLENISHMENT_SOURCE) stayed for a face with no min/max. The trigger is inventory's own subscription, the
 * removal the handler's transaction body, each in a transaction held open on purpose.
 */
let t: TestApp;
let db: Database;
let site: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  db = new Database(t.databaseUrl, { max: 4 });
  site = await newSite(t);
});
afterAll(async () => {
  await db.close();
  await t.close();
});

let seq = 0;
const handlerOf = (type: string) => contextHandler(t, 'inventory', type);
const envelope = <T>(type: string, subject: string, data: T) => raceEnvelope(type, subject, data, site.id);
/** Runs `first` in a transaction kept open while `second` runs in its own (test/support/overlap.ts). */
const overlapped = (first: (tx: Tx) => Promise<unknown>, second: (tx: Tx) => Promise<unknown>) => heldOpen(db, first, () => db.tx(second));

/** A face with a min/max for a new SKU, holding fewer units than its min, and no stock anywhere else to replenish it from. */
async function lowFaceWithoutSource(): Promise<{ face: { id: string }; sku: string }> {
  const face = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 1 });
  const sku = await newProduct(t);
  expect((await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: site.id, sku, locationId: face.id, min: 4, max: 10 }, role: 'manager' })).status).toBe(200);
  expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId: face.id, quantity: 2 })).status).toBe(201);
  await t.settle();
  return { face, sku };
}

const removed = (face: { id: string }, sku: string) => async (tx: Tx) => {
  expect(await removeSetting(tx, { bus: t.app.bus }, face.id, sku)).toBe(true);
};
/** A unit adjusted away at the face (the trigger a pick's run calls too): the face is below its min, with no source. */
const lowered = (face: { id: string }, sku: string) => (tx: Tx) => handlerOf(InventoryEvents.adjusted)(
  envelope(InventoryEvents.adjusted, face.id, { siteId: site.id, ownerId: DEFAULT_OWNER_ID, sku, locationId: face.id, movementId: `mov_sr${++seq}`, delta: -1 }), tx);

const waitsAt = async (face: { id: string }): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.replenishment_waits WHERE location_id = $1`, [face.id]))[0]!.n;

describe("a face's min/max removed while a low-stock trigger finds no source for it", () => {
  it('removal first (not yet committed), then the trigger: no wait is started for the face without a min/max', async () => {
    const { face, sku } = await lowFaceWithoutSource();
    const waited = !(await overlapped(removed(face, sku), lowered(face, sku)));
    expect(await waitsAt(face)).toBe(0);
    expect(waited).toBe(true);
  });

  it('trigger first (not yet committed), then the removal: the wait it started is ended', async () => {
    const { face, sku } = await lowFaceWithoutSource();
    const waited = !(await overlapped(lowered(face, sku), removed(face, sku)));
    expect(await waitsAt(face)).toBe(0);
    expect(waited).toBe(true);
  });

  it('the trigger alone (control): a face below its min with no source waits', async () => {
    const { face, sku } = await lowFaceWithoutSource();
    await db.tx(lowered(face, sku));
    expect(await waitsAt(face)).toBe(1);
  });
});
