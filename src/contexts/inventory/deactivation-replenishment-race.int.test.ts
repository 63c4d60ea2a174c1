import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelope as raceEnvelope, handlerOf as contextHandler, overlapped as heldOpen } from '../../../test/support/overlap.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { DEFAULT_OWNER_ID, InventoryEvents } from '../../contracts/inventory.ts';
import { LocationMasterEvents, type LocationStatusChanged } from '../../contracts/location-master.ts';
import { Database, type Tx } from '../../platform/db/database.ts';
import { newLocation, newProduct, newSite } from './test-fixtures.ts';

/**
 * A face deactivated while a pick (or a move, an adjustment) out of it asks for its replenishment, each in its own
 * consumer's transaction at the same time (a split deployment hears location-master and picking/inventory on different
 * topics). Before the fix neither saw the other's writes: the trigger read the face ACTIVE, the deactivation found no
 * open replenishment to withdraw, and the replenishment (and its REPLENISH task) to an INACTIVE face stayed OPEN for
 * good. The two handlers are inventory's own subscriptions, called in transactions held open on purpose.
 */
let t: TestApp;
let db: Database;
let site: { id: string; code: string };
let reserve: { id: string; code: string };

beforeAll(async () => {
  t = await startTestApp();
  db = new Database(t.databaseUrl, { max: 4 });
  site = await newSite(t);
  reserve = await newLocation(t, site, { type: 'RESERVE', pickSequence: 9 });
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

/** A face with a min/max for a new SKU, holding fewer units than its min, and a reserve to replenish it from. */
async function lowFace(): Promise<{ face: { id: string }; sku: string }> {
  const face = await newLocation(t, site, { type: 'PICK_FACE', pickSequence: 1 });
  const sku = await newProduct(t);
  expect((await t.request('PUT', '/api/v1/replenishment-settings', { body: { siteId: site.id, sku, locationId: face.id, min: 4, max: 10 }, role: 'manager' })).status).toBe(200);
  for (const [locationId, quantity] of [[face.id, 2], [reserve.id, 20]] as const) {
    expect((await t.post('/api/v1/inventory/receipts', { siteId: site.id, sku, locationId, quantity })).status).toBe(201);
  }
  await t.settle();
  return { face, sku };
}

const deactivate = (face: { id: string }) => (tx: Tx) => handlerOf(LocationMasterEvents.locationStatusChanged)(
  envelope<LocationStatusChanged>(LocationMasterEvents.locationStatusChanged, face.id,
    { locationId: face.id, siteId: site.id, from: 'ACTIVE', to: 'INACTIVE', reason: 'rack removed', type: 'PICK_FACE' }), tx);
/** A unit adjusted away at the face (the trigger a pick's run calls too): the face is below its min. */
const lowered = (face: { id: string }, sku: string) => (tx: Tx) => handlerOf(InventoryEvents.adjusted)(
  envelope(InventoryEvents.adjusted, face.id, { siteId: site.id, ownerId: DEFAULT_OWNER_ID, sku, locationId: face.id, movementId: `mov_dr${++seq}`, delta: -1 }), tx);

const openTo = async (face: { id: string }): Promise<number> =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inventory.replenishments WHERE to_location_id = $1 AND status = 'OPEN'`, [face.id]))[0]!.n;

describe('a face deactivated while a low-stock trigger asks for its replenishment', () => {
  it('deactivation first (not yet committed), then the trigger: no replenishment is asked for the INACTIVE face', async () => {
    const { face, sku } = await lowFace();
    const waited = !(await overlapped(deactivate(face), lowered(face, sku)));
    expect(await openTo(face)).toBe(0);
    expect(waited).toBe(true);
  });

  it('trigger first (not yet committed), then the deactivation: the replenishment it asked for is withdrawn', async () => {
    const { face, sku } = await lowFace();
    const waited = !(await overlapped(lowered(face, sku), deactivate(face)));
    expect(await openTo(face)).toBe(0);
    expect(waited).toBe(true);
  });

  it('the trigger alone (control): a face below its min asks for one replenishment', async () => {
    const { face, sku } = await lowFace();
    await db.tx(lowered(face, sku));
    expect(await openTo(face)).toBe(1);
  });
});
