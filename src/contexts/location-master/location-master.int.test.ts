import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';

let t: TestApp;
let api: LocationMasterApi;
beforeAll(async () => {
  t = await startTestApp();
  api = t.app.modules.find((m) => m.name === 'location-master')!.api as LocationMasterApi;
});
afterAll(async () => {
  await t.close();
});

const count = async (sql: string, params: unknown[] = []): Promise<number> => (await t.app.db.query<{ n: number }>(sql, params))[0]!.n;
const locationCount = (siteId: string) => count('SELECT count(*) AS n FROM location_master.locations WHERE site_id = $1', [siteId]);
const eventCount = (type: string) => count('SELECT count(*) AS n FROM platform.events WHERE type = $1', [type]);
const newSite = async (code: string): Promise<string> => {
  const res = await t.post('/api/v1/sites', { code, name: `Site ${code}` });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const newLocation = (over: Record<string, unknown> = {}): Record<string, unknown> => ({ code: 'X-01', type: 'STORAGE', zone: 'A', x: 1, y: 2, ...over });

describe('sites', () => {
  it('creates a site with site.created, lists and gets it; a duplicate code is 409', async () => {
    const res = await t.post('/api/v1/sites', { code: 'DC1', name: 'Main DC' }, 'manager');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'DC1', name: 'Main DC', id: expect.stringMatching(/^sit_/) as unknown });
    expect((await t.get(`/api/v1/sites/${res.body.id as string}`, 'viewer')).body).toEqual(res.body);
    expect((await t.get('/api/v1/sites')).body.items).toEqual(expect.arrayContaining([res.body]));
    await t.settle();
    expect(await eventCount('location-master.site.created.v1')).toBeGreaterThanOrEqual(1);
    expect(await api.getSite(res.body.id as string)).toEqual(res.body);

    const dup = await t.post('/api/v1/sites', { code: 'DC1', name: 'Again' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'DUPLICATE', errors: [{ field: '/code' }] });
  });

  it('answers an unknown site with 404 and bad input with 400 naming fields, writing nothing', async () => {
    expect((await t.get('/api/v1/sites/sit_nope')).status).toBe(404);
    expect((await t.get('/api/v1/sites/sit_nope/locations')).status).toBe(404);
    expect((await t.post('/api/v1/sites/sit_nope/locations', newLocation())).status).toBe(404);
    expect((await t.post('/api/v1/sites/sit_nope/layout', { aisles: 1, bays: 1, levels: 1 })).status).toBe(404);
    const sites = await count('SELECT count(*) AS n FROM location_master.sites');
    const bad = await t.post('/api/v1/sites', { code: 'D-C', name: '', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/code', '/name', '/extra']));
    expect(await count('SELECT count(*) AS n FROM location_master.sites')).toBe(sites);
  });

  it('needs a key (401) and a master-data role (403 for viewer and operator)', async () => {
    expect((await t.post('/api/v1/sites', { code: 'NOKEY', name: 'x' }, null)).status).toBe(401);
    expect((await t.get('/api/v1/sites', null)).status).toBe(401);
    expect((await t.post('/api/v1/sites', { code: 'VIEW', name: 'x' }, 'viewer')).status).toBe(403);
    expect((await t.post('/api/v1/sites', { code: 'OPER', name: 'x' }, 'operator')).status).toBe(403);
    expect(await count(`SELECT count(*) AS n FROM location_master.sites WHERE code IN ('NOKEY', 'VIEW', 'OPER')`)).toBe(0);
  });
});

describe('locations', () => {
  let siteId: string;
  beforeAll(async () => {
    siteId = await newSite('LOC');
  });

  it('creates one location (201, location.created), gets and lists it with filters', async () => {
    const res = await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-PF-1', type: 'PICK_FACE', aisle: 1, bay: 2, level: 1, x: 3.25, y: 4.5, pickSequence: 7 }), 'integration');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^loc_/) as unknown, siteId, code: 'LOC-PF-1', type: 'PICK_FACE', zone: 'A', aisle: 1, bay: 2, level: 1,
      x: 3.25, y: 4.5, z: 0, pickSequence: 7, status: 'ACTIVE',
    });
    expect((await t.get(`/api/v1/locations/${res.body.id as string}`, 'viewer')).body).toEqual(res.body);
    await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-Q-1', type: 'QUARANTINE', zone: 'Q' }));
    const list = await t.get(`/api/v1/sites/${siteId}/locations?type=PICK_FACE`);
    expect(list.body).toEqual({ items: [res.body], nextCursor: null });
    expect((await t.get(`/api/v1/sites/${siteId}/locations?zone=Q`)).body.items.map((l: { code: string }) => l.code)).toEqual(['LOC-Q-1']);
    await t.settle();
    const events = await t.app.db.query(`SELECT 1 FROM platform.events WHERE type = 'location-master.location.created.v1' AND subject = $1`, [res.body.id]);
    expect(events).toHaveLength(1);
    expect(await api.getLocationByCode(siteId, 'LOC-PF-1')).toEqual(res.body);
    expect([...(await api.getLocations([res.body.id as string, 'loc_missing'])).keys()]).toEqual([res.body.id]);
  });

  it('refuses a duplicate code in the site (409), bad input (400 naming fields), and writes nothing', async () => {
    const before = await locationCount(siteId);
    const dup = await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-PF-1' }));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ code: 'DUPLICATE', errors: [{ field: '/code' }] });
    const bad = await t.post(`/api/v1/sites/${siteId}/locations`, { code: 'bad code', type: 'SHELF', x: 'far' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/code', '/type', '/x', '/y']));
    expect(await locationCount(siteId)).toBe(before);
  });

  it('answers an unknown location with 404', async () => {
    expect((await t.get('/api/v1/locations/loc_missing')).status).toBe(404);
    const block = await t.post('/api/v1/locations/loc_missing/block', { reason: 'x' });
    expect(block.status).toBe(404);
    expect(block.body.code).toBe('NOT_FOUND');
  });

  it('blocks with a reason, unblocks, deactivates, and refuses illegal transitions with 409 ILLEGAL_TRANSITION', async () => {
    const loc = (await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-T-1' }))).body as { id: string };
    const url = (action: string) => `/api/v1/locations/${loc.id}/${action}`;

    const noReason = await t.post(url('block'), {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors).toEqual([expect.objectContaining({ field: '/reason' })]);

    const blocked = await t.post(url('block'), { reason: 'rack damaged' }, 'manager');
    expect(blocked.status).toBe(200);
    expect(blocked.body.status).toBe('BLOCKED');
    const again = await t.post(url('block'), { reason: 'still damaged' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ILLEGAL_TRANSITION');
    expect((await t.post(url('deactivate'))).body.code).toBe('ILLEGAL_TRANSITION');

    const unblocked = await t.post(url('unblock'));
    expect(unblocked.status).toBe(200);
    expect(unblocked.body.status).toBe('ACTIVE');
    expect((await t.post(url('unblock'), {})).status).toBe(409);

    expect((await t.post(url('deactivate'), { reason: 'rack removed' })).body.status).toBe('INACTIVE');
    for (const action of ['block', 'unblock', 'deactivate']) {
      const res = await t.post(url(action), { reason: 'x' });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('ILLEGAL_TRANSITION');
    }
    expect((await t.get(`/api/v1/locations/${loc.id}`)).body.status).toBe('INACTIVE');

    await t.settle();
    const changes = await t.app.db.query<{ data: { from: string; to: string; reason: string | null } }>(
      `SELECT envelope->'data' AS data FROM platform.events WHERE type = 'location-master.location.status-changed.v1' AND subject = $1 ORDER BY seq`, [loc.id],
    );
    expect(changes.map((c) => c.data)).toEqual([
      expect.objectContaining({ from: 'ACTIVE', to: 'BLOCKED', reason: 'rack damaged' }),
      expect.objectContaining({ from: 'BLOCKED', to: 'ACTIVE', reason: null }),
      expect.objectContaining({ from: 'ACTIVE', to: 'INACTIVE', reason: 'rack removed' }),
    ]);
  });

  it('lets viewers read but not write locations, and operators not block', async () => {
    const loc = (await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-R-1' }))).body as { id: string };
    expect((await t.get(`/api/v1/sites/${siteId}/locations`, 'viewer')).status).toBe(200);
    expect((await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'LOC-V' }), 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/locations/${loc.id}/block`, { reason: 'x' }, 'viewer')).status).toBe(403);
    expect((await t.post(`/api/v1/locations/${loc.id}/block`, { reason: 'x' }, 'operator')).status).toBe(403);
    expect((await t.post(`/api/v1/locations/${loc.id}/block`, { reason: 'x' }, null)).status).toBe(401);
    expect((await t.get(`/api/v1/locations/${loc.id}`)).body.status).toBe('ACTIVE');
  });
});

describe('layout generation', () => {
  it('creates every location in one go with one layout.generated event, walkable by pick sequence', async () => {
    const siteId = await newSite('DC7');
    const res = await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 4, bays: 10, levels: 3, packStations: 3 }, 'manager');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      siteId, siteCode: 'DC7', locationCount: 4 * 10 * 3 + 6,
      countsByType: { PICK_FACE: 40, RESERVE: 80, DEPOT: 1, RECEIVING: 1, PACK_STATION: 3, SHIPPING_DOCK: 1 },
      parameters: { aisles: 4, bays: 10, levels: 3, aislePitch: 3, bayWidth: 1.2, levelHeight: 1.5, crossAisleWidth: 3, packStations: 3 },
    });
    expect(await locationCount(siteId)).toBe(126);

    const depot = await api.listLocations(siteId, ['DEPOT']);
    expect(depot).toEqual([expect.objectContaining({ code: 'DC7-DEPOT', y: 0, status: 'ACTIVE' })]);
    const walk = await api.listLocations(siteId, ['PICK_FACE', 'RESERVE']);
    expect(walk).toHaveLength(120);
    expect(walk.slice(0, 4).map((l) => l.code)).toEqual(['DC7-A-01-01-1', 'DC7-A-01-01-2', 'DC7-A-01-01-3', 'DC7-A-01-02-1']);
    expect(walk[30]?.code).toBe('DC7-A-02-10-1');
    expect(await api.getLocationByCode(siteId, 'DC7-A-02-10-1')).toMatchObject({ x: 6, y: 3 + 9.5 * 1.2, z: 1.5, pickSequence: 31 });

    const page1 = await t.get(`/api/v1/sites/${siteId}/locations?type=PACK_STATION&limit=2`);
    expect(page1.body.items.map((l: { code: string }) => l.code)).toEqual(['DC7-PACK-01', 'DC7-PACK-02']);
    const page2 = await t.get(`/api/v1/sites/${siteId}/locations?type=PACK_STATION&limit=2&cursor=${page1.body.nextCursor as string}`);
    expect(page2.body).toEqual({ items: [expect.objectContaining({ code: 'DC7-PACK-03' })], nextCursor: null });

    await t.settle();
    const events = await t.app.db.query<{ data: { locationCount: number } }>(
      `SELECT envelope->'data' AS data FROM platform.events WHERE type = 'location-master.layout.generated.v1' AND subject = $1`, [siteId],
    );
    expect(events.map((e) => e.data.locationCount)).toEqual([126]);
  });

  it('refuses a second layout for the site with 409 and writes nothing', async () => {
    const siteId = await newSite('DC8');
    expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 2, bays: 2, levels: 1 })).status).toBe(201);
    const events = await eventCount('location-master.layout.generated.v1');
    const again = await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 3, bays: 3, levels: 1 });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('DUPLICATE');
    expect(await locationCount(siteId)).toBe(2 * 2 + 5);
    expect(await eventCount('location-master.layout.generated.v1')).toBe(events);
  });

  it('lets exactly one of two concurrent layout requests win', async () => {
    const siteId = await newSite('DC9');
    const results = await Promise.all([1, 2].map(() => t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 3, bays: 5, levels: 2 })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    expect(await locationCount(siteId)).toBe(3 * 5 * 2 + 5);
  });

  it('rolls back the whole layout when a generated code is already taken', async () => {
    const siteId = await newSite('DCX');
    expect((await t.post(`/api/v1/sites/${siteId}/locations`, newLocation({ code: 'DCX-A-02-01-1' }))).status).toBe(201);
    const res = await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 2, bays: 2, levels: 1 });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/DCX-A-02-01-1/);
    expect(await locationCount(siteId)).toBe(1);
    expect(await count('SELECT count(*) AS n FROM location_master.layouts WHERE site_id = $1', [siteId])).toBe(0);
  });

  it('bounds the parameters (400 naming fields), needs the plan role, and writes nothing', async () => {
    const siteId = await newSite('DCB');
    const bad = await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 100, bays: 0, levels: 11, aislePitch: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(expect.arrayContaining(['/aisles', '/bays', '/levels', '/aislePitch']));
    expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 1, bays: 1, levels: 1 }, 'integration')).status).toBe(403);
    expect((await t.post(`/api/v1/sites/${siteId}/layout`, { aisles: 1, bays: 1, levels: 1 }, 'operator')).status).toBe(403);
    expect(await locationCount(siteId)).toBe(0);
  });
});

describe('site maintenance (ADR 0045)', () => {
  it('renames a site by code or id with site.updated; a blank name or an empty body changes nothing', async () => {
    const id = await newSite('REN');
    const res = await t.request('PATCH', '/api/v1/sites/REN', { body: { name: 'Renamed' }, role: 'integration' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, code: 'REN', name: 'Renamed', active: true });
    expect(await eventCount('location-master.site.updated.v1')).toBe(1);
    expect((await t.request('PATCH', `/api/v1/sites/${id}`, { body: { name: 'Renamed' } })).status).toBe(200);
    expect(await eventCount('location-master.site.updated.v1')).toBe(1);
    expect((await t.request('PATCH', '/api/v1/sites/REN', { body: { name: '   ' } })).body.code).toBe('VALIDATION_FAILED');
    expect((await t.request('PATCH', '/api/v1/sites/REN', { body: {} })).body.code).toBe('VALIDATION_FAILED');
    expect((await t.get('/api/v1/sites/REN')).body.name).toBe('Renamed');
    // The contract API's cached copy follows at once in this process.
    expect((await api.getSite('REN'))?.name).toBe('Renamed');
  });

  it('a deactivated site takes no location, layout or location import (SITE_INACTIVE, nothing written); reactivated, it does', async () => {
    const id = await newSite('OFF');
    expect((await api.getSite('OFF'))?.active).toBe(true);
    const off = await t.post('/api/v1/sites/OFF/deactivate', undefined, 'manager');
    expect(off.body).toMatchObject({ id, active: false });
    expect((await api.getSite(id))?.active).toBe(false);
    expect((await t.post('/api/v1/sites/OFF/deactivate')).status).toBe(200);
    expect(await eventCount('location-master.site.deactivated.v1')).toBe(1);
    const location = await t.post('/api/v1/sites/OFF/locations', newLocation({ code: 'OFF-1' }));
    expect(location.status).toBe(422);
    expect(location.body.code).toBe('SITE_INACTIVE');
    const layout = await t.post(`/api/v1/sites/${id}/layout`, { aisles: 1, bays: 2, levels: 1 });
    expect(layout.body.code).toBe('SITE_INACTIVE');
    const csv = 'code,type,zone,aisle,bay,level,x,y,z,pickSequence,status\nOFF-2,STORAGE,A,,,,1,1,0,,ACTIVE\n';
    const imported = await t.request('POST', '/api/v1/imports/locations?site=OFF', { body: csv, headers: { 'content-type': 'text/csv' } });
    expect(imported.body.code).toBe('SITE_INACTIVE');
    expect(await locationCount(id)).toBe(0);
    expect((await t.get('/api/v1/sites?active=false')).body.items.map((s: { code: string }) => s.code)).toEqual(['OFF']);
    expect((await t.post('/api/v1/sites/OFF/reactivate')).body.active).toBe(true);
    expect(await eventCount('location-master.site.reactivated.v1')).toBe(1);
    expect((await t.post('/api/v1/sites/OFF/locations', newLocation({ code: 'OFF-1' }))).status).toBe(201);
    expect((await t.post('/api/v1/sites/NOPE/deactivate')).status).toBe(404);
  });
});
