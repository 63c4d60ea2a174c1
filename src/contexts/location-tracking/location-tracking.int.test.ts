import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.ts';
import { signAccessToken } from '../../platform/identity/tokens.ts';
import { startTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { LocationTrackingModule } from './index.ts';

const clock = manualClock(new Date('2026-03-02T08:00:00Z'));
let t: TestApp;
let tracking: LocationTrackingModule['tracking'];
let site: { id: string; code: string };
let face: { id: string; x: number; y: number; zone: string };
let staging: { id: string; x: number; y: number };
const later = (s: number): string => new Date(clock.now().getTime() + s * 1000).toISOString();

const events = async (type: string): Promise<{ subject: string; data: any }[]> =>
  t.app.db.query(`SELECT subject, envelope->'data' AS data FROM platform.events WHERE type = $1 ORDER BY seq`, [type]);

beforeAll(async () => {
  t = await startTestApp({ clock });
  tracking = (t.app.modules.find((m) => m.name === 'location-tracking') as LocationTrackingModule).tracking;
  site = (await t.post('/api/v1/sites', { code: 'LT1', name: 'Tracking site' })).body;
  expect((await t.post(`/api/v1/sites/${site.id}/layout`, { aisles: 3, bays: 4, levels: 1, packStations: 1 })).status).toBe(201);
  staging = (await t.post(`/api/v1/sites/${site.id}/locations`, { code: 'LT1-STG-01', type: 'STAGING', zone: 'DOCK', x: 1, y: 2 })).body;
  const faces = (await t.get(`/api/v1/sites/${site.id}/locations?type=PICK_FACE&limit=100`)).body.items;
  face = faces[0];
  await t.settle();
});
afterAll(async () => t.close());

describe('location tracking over the API', () => {
  it('a registered forklift reports positions: where-is, positions by zone, the newest kept when reports come out of order', async () => {
    expect((await t.request('PUT', '/api/v1/tracked/equipment/FLT-01', { body: { siteId: 'LT1', label: 'Reach truck 1' }, role: 'manager' })).body)
      .toMatchObject({ kind: 'equipment', id: 'FLT-01', siteId: site.id, label: 'Reach truck 1' });
    const report = (x: number, y: number, s: number) => t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-01', x, y, timestamp: later(s) }, 'integration');
    const first = await report(face.x + 0.3, face.y, 0);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'applied', position: { siteId: site.id, zone: face.zone, locationId: face.id, source: 'rtls' } });
    expect((await report(face.x, face.y + 0.5, 10)).body.outcome).toBe('applied');
    expect((await report(face.x + 1, face.y + 1, 5)).body.outcome).toBe('stale');
    const where = (await t.get('/api/v1/where-is/equipment/FLT-01', 'viewer')).body;
    expect([where.x, where.y, where.at]).toEqual([face.x, face.y + 0.5, later(10)]);
    expect((await t.get(`/api/v1/positions?siteId=LT1&zone=${face.zone}`)).body.items.map((p: { id: string }) => p.id)).toEqual(['FLT-01']);
    expect((await t.get(`/api/v1/positions?siteId=LT1&zone=PACK`)).body.items).toEqual([]);
    expect((await t.get(`/api/v1/positions?siteId=LT1&locationId=${face.id}`)).body.items).toHaveLength(1);
    expect((await t.get('/api/v1/where-is/equipment/FLT-99')).status).toBe(404);
  });

  it('a retired forklift has a way out: DELETE /tracked takes it off the live positions and the zone, its reports are refused (found by the gap hunt)', async () => {
    expect((await t.request('PUT', '/api/v1/tracked/equipment/FLT-OLD', { body: { siteId: 'LT1', label: 'Old truck' }, role: 'manager' })).status).toBe(200);
    const report = (s: number) => t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-OLD', x: face.x, y: face.y, timestamp: later(s) }, 'integration');
    expect((await report(20)).body.outcome).toBe('applied');
    const listed = async (): Promise<string[]> => (await t.get(`/api/v1/positions?siteId=LT1&kind=equipment`)).body.items.map((p: { id: string }) => p.id);
    expect(await listed()).toContain('FLT-OLD');
    // Before: no way to unregister it; a sold or scrapped truck stayed in the live positions and the zone's occupancy for good.
    expect((await t.request('DELETE', '/api/v1/tracked/equipment/FLT-OLD', { role: 'operator' })).status).toBe(403);
    const gone = await t.request('DELETE', '/api/v1/tracked/equipment/FLT-OLD', { role: 'manager' });
    expect([gone.status, gone.body]).toEqual([200, { kind: 'equipment', id: 'FLT-OLD', siteId: site.id }]);
    expect(await listed()).not.toContain('FLT-OLD');
    expect((await t.get('/api/v1/where-is/equipment/FLT-OLD')).status).toBe(404);
    const occupancy = (await t.get(`/api/v1/zones/${face.zone}/occupancy?siteId=LT1`)).body;
    expect(JSON.stringify(occupancy)).not.toContain('FLT-OLD');
    const refused = await report(30);
    expect([refused.status, refused.body.code]).toEqual([422, 'UNKNOWN_TRACKED']);
    expect(await listed()).not.toContain('FLT-OLD');
    expect((await t.request('DELETE', '/api/v1/tracked/equipment/FLT-OLD', { role: 'manager' })).body.code).toBe('NOT_FOUND');
  });

  it('positions at a location take the location by code as by id; a location of nothing at the site is 422 UNKNOWN_LOCATION, not an empty list', async () => {
    const faceCode = (face as unknown as { code: string }).code;
    const byId = (await t.get(`/api/v1/positions?siteId=LT1&locationId=${face.id}`, 'viewer')).body.items;
    expect(byId.map((p: { id: string }) => p.id)).toEqual(['FLT-01']);
    expect((await t.get(`/api/v1/positions?siteId=LT1&locationId=${faceCode}`, 'viewer')).body.items).toEqual(byId);
    expect((await t.get('/api/v1/positions?siteId=LT1&locationId=LT1-STG-01', 'viewer')).body.items).toEqual([]);
    const elsewhere = (await t.post('/api/v1/sites', { code: 'LT9', name: 'Elsewhere' })).body;
    const theirs = (await t.post(`/api/v1/sites/${elsewhere.id}/locations`, { code: 'LT9-STG-01', type: 'STAGING', x: 1, y: 1 })).body;
    await t.settle();
    for (const ref of ['loc_nope', 'LT1-NO-SUCH-PLACE', theirs.id, theirs.code]) {
      const res = await t.get(`/api/v1/positions?siteId=LT1&locationId=${ref}`, 'viewer');
      expect([res.status, res.body.code, res.body.errors], ref).toEqual([422, 'UNKNOWN_LOCATION', [{ field: '/querystring/locationId', message: expect.any(String) }]]);
    }
  });

  it('tracks an LPN only when physical tracking knows it at the site: an unknown one or another site\'s is 422 UNKNOWN_LPN, nothing written', async () => {
    const other = (await t.post('/api/v1/sites', { code: 'LT2', name: 'Other tracking site' })).body;
    const mine = (await t.post('/api/v1/lpns', { siteId: site.id, type: 'PALLET', code: 'LT1-PAL-1' })).body;
    const theirs = (await t.post('/api/v1/lpns', { siteId: other.id, type: 'PALLET', code: 'LT2-PAL-1' })).body;
    const tracked = async (): Promise<number> => (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM location_tracking.tracked WHERE kind = 'lpn'`))[0]!.n;
    const before = await tracked();
    const ghost = await t.request('PUT', '/api/v1/tracked/lpn/lpn_ghost', { body: { siteId: site.id }, role: 'manager' });
    expect([ghost.status, ghost.body.code, ghost.body.errors]).toEqual([422, 'UNKNOWN_LPN', [{ field: '/id', message: 'is not the id of an LPN' }]]);
    const foreign = await t.request('PUT', `/api/v1/tracked/lpn/${theirs.id}`, { body: { siteId: site.id }, role: 'manager' });
    expect([foreign.status, foreign.body.code, foreign.body.errors]).toEqual([422, 'UNKNOWN_LPN', [{ field: '/id', message: 'is an LPN of another site' }]]);
    expect(await tracked()).toBe(before);
    expect((await t.get(`/api/v1/where-is/lpn/${theirs.id}`)).status).toBe(404);
    const ok = await t.request('PUT', `/api/v1/tracked/lpn/${mine.id}`, { body: { siteId: 'LT1', label: 'Pallet 1' }, role: 'manager' });
    expect([ok.status, ok.body]).toMatchObject([200, { kind: 'lpn', id: mine.id, siteId: site.id, label: 'Pallet 1' }]);
    expect(await tracked()).toBe(before + 1);
  });

  it('refuses a report of something not tracked, outside the site or at an unknown site, and writes nothing', async () => {
    const before = (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n;
    const unknown = await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'GHOST', x: face.x, y: face.y, timestamp: later(20) }, 'integration');
    expect([unknown.status, unknown.body.code]).toEqual([422, 'UNKNOWN_TRACKED']);
    await t.request('PUT', '/api/v1/tracked/equipment/FLT-02', { body: { siteId: site.id } });
    const outside = await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-02', x: 5000, y: 5, timestamp: later(20) }, 'integration');
    expect([outside.status, outside.body.code]).toEqual([422, 'POSITION_OUTSIDE_SITE']);
    const noSite = await t.post('/api/v1/positions', { siteId: 'NOPE', kind: 'equipment', id: 'FLT-02', x: 1, y: 1, timestamp: later(20) }, 'integration');
    expect([noSite.status, noSite.body.code]).toEqual([422, 'UNKNOWN_SITE']);
    // A seq past 2^53 − 1 would be kept as another number (found by the black-box hunt).
    const hugeSeq = await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-02', x: face.x, y: face.y, timestamp: later(20), seq: 2 ** 53 }, 'integration');
    expect([hugeSeq.status, hugeSeq.body.code, hugeSeq.body.errors?.[0]?.field]).toEqual([400, 'VALIDATION_FAILED', '/seq']);
    expect((await t.get('/api/v1/where-is/equipment/FLT-02')).status).toBe(404);
    expect((await t.get('/api/v1/where-is/equipment/GHOST')).status).toBe(404);
    expect((await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n).toBe(before);
    const metrics = (await t.get('/metrics', null)).body as string;
    expect(metrics).toMatch(/paklog_rtls_rejected_total\{reason="unknown_id"\} [1-9]/);
    expect(metrics).toMatch(/paklog_rtls_rejected_total\{reason="outside_site"\} [1-9]/);
  });

  it('refuses a report from the future (beyond 5 minutes of clock skew): it would make every real report stale (found by the black-box hunt)', async () => {
    await t.request('PUT', '/api/v1/tracked/equipment/FLT-03', { body: { siteId: site.id } });
    const before = (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n;
    const future = await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-03', x: face.x, y: face.y, timestamp: '9999-12-31T23:59:59Z' }, 'integration');
    expect([future.status, future.body.code, future.body.errors?.[0]?.field]).toEqual([422, 'POSITION_IN_FUTURE', '/timestamp']);
    expect((await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-03', x: face.x, y: face.y, timestamp: later(301) }, 'integration')).body.code).toBe('POSITION_IN_FUTURE');
    expect((await t.get('/api/v1/where-is/equipment/FLT-03')).status).toBe(404);
    expect((await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n).toBe(before);
    // A sender's clock a little ahead is skew, not the future.
    const skewed = await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'equipment', id: 'FLT-03', x: face.x, y: face.y, timestamp: later(299) }, 'integration');
    expect([skewed.status, skewed.body.outcome]).toEqual([200, 'applied']);
    expect((await t.get('/metrics', null)).body as string).toMatch(/paklog_rtls_rejected_total\{reason="future_timestamp"\} 2/);
  });

  it('refuses a report dated more than 24 hours ago (a tag whose clock reset to 1970): it made the worker idle since 1970 (found by the black-box hunt)', async () => {
    await t.request('PUT', '/api/v1/tracked/worker/old-clock', { body: { siteId: site.id } });
    const before = (await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n;
    const report = (timestamp: string) => t.post('/api/v1/positions', { siteId: 'LT1', kind: 'worker', id: 'old-clock', x: face.x, y: face.y, timestamp }, 'integration');
    for (const timestamp of ['1970-01-01T00:00:00Z', later(-24 * 3600 - 1)]) {
      const old = await report(timestamp);
      expect([old.status, old.body.code, old.body.errors?.[0]?.field], timestamp).toEqual([422, 'POSITION_TOO_OLD', '/timestamp']);
    }
    expect((await t.get('/api/v1/where-is/worker/old-clock')).status).toBe(404);
    expect((await t.app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM platform.events WHERE source = 'location-tracking'`))[0]!.n).toBe(before);
    await tracking.scanAlerts();
    expect((await t.get('/api/v1/tracking-alerts?siteId=LT1&status=OPEN')).body.items.filter((a: { trackedId: string }) => a.trackedId === 'old-clock')).toEqual([]);
    expect((await t.get('/metrics', null)).body as string).toMatch(/paklog_rtls_rejected_total\{reason="past_timestamp"\} 2/);
    // A report an hour late (a feed catching up) is within the window.
    const late = await report(later(-3600));
    expect([late.status, late.body.outcome]).toEqual([200, 'applied']);
  });

  it('a worker with a task profile is tracked; moving between zones publishes exit (with dwell) and entry through the outbox', async () => {
    expect((await t.request('PUT', '/api/v1/workers/dora/profile', { body: { siteId: site.id }, role: 'manager' })).status).toBe(200);
    await t.settle();
    const pack = (await t.get(`/api/v1/sites/${site.id}/locations?type=PACK_STATION&limit=10`)).body.items[0];
    const at = (x: number, y: number, s: number) => t.post('/api/v1/positions', { siteId: site.id, kind: 'worker', id: 'dora', x, y, timestamp: later(s) }, 'integration');
    expect((await at(face.x, face.y, 100)).body.position.zone).toBe(face.zone);
    expect((await at(pack.x, pack.y, 190)).body.position.zone).toBe('PACK');
    await t.settle();
    const entered = (await events('location-tracking.zone.entered.v1')).filter((e) => e.data.id === 'dora').map((e) => [e.data.zone, e.data.fromZone]);
    expect(entered).toEqual([[face.zone, null], ['PACK', face.zone]]);
    const exited = (await events('location-tracking.zone.exited.v1')).filter((e) => e.data.id === 'dora').map((e) => [e.data.zone, e.data.dwellS, e.data.toZone]);
    expect(exited).toEqual([[face.zone, 90, 'PACK']]);
    const occupancy = (await t.get(`/api/v1/zones/PACK/occupancy?siteId=LT1`)).body;
    expect(occupancy).toMatchObject({ zone: 'PACK', count: 1, byKind: { worker: 1, equipment: 0, lpn: 0 }, locations: [{ locationId: pack.id, count: 1 }] });
    const zoneA = (await t.get(`/api/v1/zones/${face.zone}/occupancy?siteId=LT1`)).body;
    expect([zoneA.visitsLast24h, zoneA.meanDwellS]).toEqual([1, 90]);
  });

  it('a worker id ignores letter case (ADR 0019): a report, a registration or a where-is of ELLA is worker ella\'s, one worker with one position (found by the black-box hunt)', async () => {
    expect((await t.request('PUT', '/api/v1/workers/ella/profile', { body: { siteId: site.id }, role: 'manager' })).status).toBe(200);
    await t.settle();
    // Before: the RTLS engine's ELLA was refused as not tracked (422 UNKNOWN_TRACKED); registered as ELLA, she became a
    // second worker beside ella, with a position of her own.
    const report = await t.post('/api/v1/positions', { siteId: site.id, kind: 'worker', id: 'ELLA', x: face.x, y: face.y, timestamp: later(200) }, 'integration');
    expect([report.status, report.body.outcome, report.body.position?.id, report.body.code]).toEqual([200, 'applied', 'ella', undefined]);
    const again = await t.request('PUT', '/api/v1/tracked/worker/Ella', { body: { siteId: 'LT1', label: 'Ella' }, role: 'manager' });
    expect([again.status, again.body.id, again.body.label]).toEqual([200, 'ella', 'Ella']);
    expect((await t.post('/api/v1/positions', { siteId: site.id, kind: 'worker', id: 'Ella', x: face.x + 0.5, y: face.y, timestamp: later(210) }, 'integration')).body.outcome)
      .toBe('applied');
    for (const id of ['ella', 'ELLA']) {
      const where = await t.get(`/api/v1/where-is/worker/${id}`, 'viewer');
      expect([where.status, where.body.id, where.body.x], id).toEqual([200, 'ella', face.x + 0.5]);
    }
    const workers = (await t.get('/api/v1/positions?siteId=LT1&kind=worker', 'viewer')).body.items.map((p: { id: string }) => p.id);
    expect(workers.filter((id: string) => id.toLowerCase() === 'ella')).toEqual(['ella']);
    expect((await t.app.db.query<{ id: string }>(`SELECT id FROM location_tracking.tracked WHERE kind = 'worker' AND lower(id) = 'ella'`)).map((r) => r.id)).toEqual(['ella']);
    // Equipment and LPN ids stay exact: FLT-01 is not flt-01.
    const other = await t.post('/api/v1/positions', { siteId: site.id, kind: 'equipment', id: 'flt-01', x: face.x, y: face.y, timestamp: later(220) }, 'integration');
    expect([other.status, other.body.code]).toEqual([422, 'UNKNOWN_TRACKED']);
  });

  it('a person signed in as an operator finds where they are, not where a colleague is; a supervisor finds both (found by the roles hunt)', async () => {
    const password = 'a long enough password for an operator';
    const token = async (username: string, role: 'operator' | 'manager'): Promise<Record<string, string>> => {
      const user = await t.post('/api/v1/users', { username, password, grants: [{ siteId: site.id, role }] });
      expect(user.status, JSON.stringify(user.body)).toBe(201);
      // Signed with the real time: the app's clock is manual (in the past), the token's check is not.
      return { authorization: `Bearer ${(await signAccessToken(t.app.identity.jwtSecret, user.body.id as string, 600)).token}` };
    };
    for (const id of ['fay', 'gus']) {
      expect((await t.request('PUT', `/api/v1/tracked/worker/${id}`, { body: { siteId: 'LT1' }, role: 'manager' })).status).toBe(200);
      expect((await t.post('/api/v1/positions', { siteId: 'LT1', kind: 'worker', id, x: staging.x, y: staging.y, timestamp: later(300) }, 'integration')).status).toBe(200);
    }
    const fay = await token('fay', 'operator');
    const boss = await token('lt-boss', 'manager');
    const as = async (headers: Record<string, string>, url: string) => t.request('GET', url, { role: null, headers });
    expect((await as(fay, '/api/v1/where-is/worker/fay')).body).toMatchObject({ kind: 'worker', id: 'fay', locationId: staging.id });
    const gus = await as(fay, '/api/v1/where-is/worker/gus');
    expect([gus.status, gus.body.code]).toEqual([403, 'ACTING_AS_ANOTHER_WORKER']);
    expect((await as(fay, '/api/v1/where-is/worker/nobody-seen')).body.code).toBe('ACTING_AS_ANOTHER_WORKER');
    expect((await as(boss, '/api/v1/where-is/worker/gus')).body).toMatchObject({ id: 'gus', locationId: staging.id });
    const workers = async (headers: Record<string, string>) =>
      (await as(headers, '/api/v1/positions?siteId=LT1&kind=worker&zone=DOCK')).body.items.map((p: { id: string }) => p.id);
    expect([await workers(fay), await workers(boss)]).toEqual([['fay'], ['fay', 'gus']]);
    const dock = async (headers: Record<string, string>) => (await as(headers, '/api/v1/zones/DOCK/occupancy?siteId=LT1')).body;
    const [seenByFay, seenByBoss] = [await dock(fay), await dock(boss)];
    expect(seenByFay.occupants.filter((o: { kind: string }) => o.kind === 'worker').map((o: { id: string }) => o.id)).toEqual(['fay']);
    expect(seenByBoss.occupants.filter((o: { kind: string }) => o.kind === 'worker').map((o: { id: string }) => o.id).sort()).toEqual(['fay', 'gus']);
    expect(seenByFay.byKind).toEqual(seenByBoss.byKind);
  });

  it('a thing that moves to another site leaves the zone of the site it left: the exit and the visit are that site\'s (found by the black-box hunt)', async () => {
    const far = (await t.post('/api/v1/sites', { code: 'LT3', name: 'Another tracking site' })).body;
    // The same zone name at the other site: a zone is a site's own, whatever it is called.
    const there = (await t.post(`/api/v1/sites/${far.id}/locations`, { code: 'LT3-A-01', type: 'PICK_FACE', zone: face.zone, x: 5, y: 5 })).body;
    await t.settle();
    await t.request('PUT', '/api/v1/tracked/equipment/FLT-MOVE', { body: { siteId: site.id } });
    const report = (siteId: string, x: number, y: number, s: number) => t.post('/api/v1/positions', { siteId, kind: 'equipment', id: 'FLT-MOVE', x, y, timestamp: later(s) }, 'integration');
    expect((await report(site.id, face.x, face.y, 10)).body.outcome).toBe('applied');
    const moved = await report(far.id, there.x, there.y, 70);
    expect(moved.body.position).toMatchObject({ siteId: far.id, zone: face.zone, locationId: there.id });
    await t.settle();
    const mine = async (type: string) => (await t.app.db.query<{ siteid: string; data: any }>(
      `SELECT envelope->>'siteid' AS siteid, envelope->'data' AS data FROM platform.events WHERE type = $1 AND envelope->'data'->>'id' = 'FLT-MOVE' ORDER BY seq`, [type]));
    expect((await mine('location-tracking.zone.exited.v1')).map((e) => [e.siteid, e.data.siteId, e.data.zone, e.data.dwellS, e.data.toZone]))
      .toEqual([[site.id, site.id, face.zone, 60, null]]);
    expect((await mine('location-tracking.zone.entered.v1')).map((e) => [e.siteid, e.data.siteId, e.data.fromZone]))
      .toEqual([[site.id, site.id, null], [far.id, far.id, null]]);
    const visits = await t.app.db.query<{ site_id: string }>(`SELECT site_id FROM location_tracking.zone_visits WHERE tracked_id = 'FLT-MOVE'`);
    expect(visits.map((v) => v.site_id)).toEqual([site.id]);
    expect((await t.get(`/api/v1/zones/${face.zone}/occupancy?siteId=LT3`)).body).toMatchObject({ count: 1, visitsLast24h: 0 });
  });

  it('places no position at a deactivated location (out of use for good): a report there is at no location of it (found by the black-box hunt)', async () => {
    const retired = (await t.post(`/api/v1/sites/${site.id}/locations`, { code: 'LT1-RET-01', type: 'STAGING', zone: 'RETIRED', x: 1, y: 40 })).body;
    await t.settle();
    await t.request('PUT', '/api/v1/tracked/equipment/FLT-RET', { body: { siteId: site.id } });
    const report = (s: number) => t.post('/api/v1/positions', { siteId: site.id, kind: 'equipment', id: 'FLT-RET', x: 1, y: 40, timestamp: later(s) }, 'integration');
    expect((await report(1)).body.position).toMatchObject({ locationId: retired.id, zone: 'RETIRED' });
    expect((await t.post(`/api/v1/locations/${retired.id}/deactivate`, {})).status).toBe(200);
    await t.settle();
    const after = await report(2);
    expect([after.status, after.body.outcome]).toEqual([200, 'applied']);
    expect(after.body.position).toMatchObject({ locationId: null, zone: null });
    expect((await t.get(`/api/v1/positions?siteId=LT1&locationId=${retired.id}`)).body.items).toEqual([]);
  });

  it('a recorded scan places its LPN and worker at the scanned location; a staged LPN raises an alert after the limit, cleared when it leaves', async () => {
    const scan = { scanId: 'scn_1', siteId: site.id, at: later(0), workerId: 'erin', deviceId: 'HH-7', locationId: staging.id, lpnId: 'lpn_A', barcode: 'LT1-STG-01', meaning: 'LPN_STAGED' };
    const placed = await tracking.recordScanPosition(scan);
    expect(placed.placed).toEqual([{ kind: 'lpn', id: 'lpn_A', outcome: 'applied' }, { kind: 'worker', id: 'erin', outcome: 'applied' }]);
    expect(await tracking.recordScanPosition(scan)).toEqual({ placed: [{ kind: 'lpn', id: 'lpn_A', outcome: 'stale' }, { kind: 'worker', id: 'erin', outcome: 'stale' }] });
    expect(await tracking.recordScanPosition({ ...scan, scanId: 'scn_2', locationId: 'loc_nowhere' })).toEqual({ placed: [], reason: 'unknown_location' });
    expect(await tracking.recordScanPosition({ ...scan, scanId: 'scn_3', locationId: null })).toEqual({ placed: [], reason: 'no_location' });
    expect((await t.get('/api/v1/where-is/lpn/lpn_A')).body).toMatchObject({ locationId: staging.id, zone: 'DOCK', source: 'scan', x: 1, y: 2 });

    await tracking.scanAlerts();
    expect((await t.get('/api/v1/tracking-alerts?status=OPEN')).body.items.filter((a: { trackedId: string }) => a.trackedId === 'lpn_A')).toEqual([]);
    clock.advance(2 * 3600_000 + 1000);
    await tracking.scanAlerts();
    const open = (await t.get('/api/v1/tracking-alerts?siteId=LT1&status=OPEN')).body.items;
    expect(open.find((a: { trackedId: string }) => a.trackedId === 'lpn_A')).toMatchObject({ type: 'LPN_STAGED_TOO_LONG', kind: 'lpn', locationId: staging.id, thresholdS: 7200, clearedAt: null });
    // The worker who scanned stood still in DOCK as long: idle too (10 minutes by default).
    expect(open.map((a: { type: string; trackedId: string }) => `${a.type}:${a.trackedId}`)).toContain('WORKER_IDLE:erin');
    await tracking.scanAlerts(); // raised once
    expect((await events('location-tracking.alert.raised.v1')).filter((e) => e.data.id === 'lpn_A')).toHaveLength(1);

    await tracking.recordScanPosition({ ...scan, scanId: 'scn_4', at: later(0), locationId: face.id, meaning: 'LPN_MOVED' });
    await tracking.scanAlerts();
    const cleared = (await t.get('/api/v1/tracking-alerts?status=CLEARED')).body.items.map((a: { type: string; trackedId: string }) => `${a.type}:${a.trackedId}`);
    expect(cleared).toEqual(expect.arrayContaining(['LPN_STAGED_TOO_LONG:lpn_A', 'WORKER_IDLE:erin']));
    expect((await events('location-tracking.alert.cleared.v1')).map((e) => e.data.id)).toEqual(expect.arrayContaining(['lpn_A', 'erin']));
  });

  it('an LPN shipped from the dock raises no LPN_STAGED_TOO_LONG: it left, and its open alert clears (found by the edge hunt)', async () => {
    const pallet = await t.post('/api/v1/lpns', { siteId: site.id, type: 'PALLET', code: 'LT1-SHIP-PAL', locationId: staging.id, workerId: 'sam' }, 'operator');
    expect(pallet.status).toBe(201);
    await t.settle();
    for (let i = 0; i < 100 && (await t.get(`/api/v1/where-is/lpn/${pallet.body.id}`)).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await t.get(`/api/v1/where-is/lpn/${pallet.body.id}`)).body).toMatchObject({ locationId: staging.id });
    const openFor = async (id: string) => (await t.get('/api/v1/tracking-alerts?siteId=LT1&status=OPEN')).body.items
      .filter((a: { trackedId: string; type: string }) => a.trackedId === id && a.type === 'LPN_STAGED_TOO_LONG');
    // Staged too long while it waits: raised, as it should be.
    clock.advance(2 * 3600_000 + 1000);
    await tracking.scanAlerts();
    expect(await openFor(pallet.body.id)).toHaveLength(1);
    // Loaded and gone. Nothing reports an LPN that left the building, so its last position stays at the dock: the alert
    // stayed open for good and a pallet shipped before the limit raised one later (failed before: still open).
    const shipped = await t.post('/api/v1/scans', { siteId: site.id, barcode: 'LT1-SHIP-PAL', meaning: 'SHIP', workerId: 'sam' }, 'operator');
    expect([shipped.status, shipped.body.lpn?.status]).toEqual([201, 'SHIPPED']);
    await t.settle();
    await tracking.scanAlerts();
    expect(await openFor(pallet.body.id)).toEqual([]);
    const second = await t.post('/api/v1/lpns', { siteId: site.id, type: 'PALLET', code: 'LT1-SHIP-PAL2', locationId: staging.id, workerId: 'sam' }, 'operator');
    expect((await t.post('/api/v1/scans', { siteId: site.id, barcode: 'LT1-SHIP-PAL2', meaning: 'SHIP', workerId: 'sam' }, 'operator')).status).toBe(201);
    await t.settle();
    clock.advance(2 * 3600_000 + 1000);
    await tracking.scanAlerts();
    expect(await openFor(second.body.id)).toEqual([]);
  });

  it('a WORKER_IDLE whose worker\'s tag stopped reporting has a way out: a supervisor closes it, and the scan does not raise that episode again (found by the black-box hunt)', async () => {
    await t.request('PUT', '/api/v1/tracked/worker/silent', { body: { siteId: site.id } });
    const report = (x: number, y: number, s: number) => t.post('/api/v1/positions', { siteId: 'LT1', kind: 'worker', id: 'silent', x, y, timestamp: later(s) }, 'integration');
    expect((await report(face.x, face.y, 0)).body.outcome).toBe('applied');
    const mine = async (status: string) => (await t.get(`/api/v1/tracking-alerts?siteId=LT1&status=${status}&limit=500`)).body.items
      .filter((a: { trackedId: string; type: string }) => a.trackedId === 'silent' && a.type === 'WORKER_IDLE');
    clock.advance(11 * 60_000);
    await tracking.scanAlerts();
    const [open] = await mine('OPEN');
    expect(open).toMatchObject({ clearedAt: null, closedBy: null, closeReason: null });
    // The tag goes silent: the condition never ends by itself, the alert stayed open for good (failed before: no route).
    clock.advance(8 * 3600_000);
    await tracking.scanAlerts();
    expect(await mine('OPEN')).toHaveLength(1);
    // Idle time is a supervisor's to read: an operator signed in sees no colleague's alert, the worker sees their own (roles hunt).
    const personal = async (username: string): Promise<string[]> => {
      const user = await t.post('/api/v1/users', { username, password: 'a long enough password for an operator', grants: [{ siteId: site.id, role: 'operator' }] });
      expect(user.status).toBe(201);
      const headers = { authorization: `Bearer ${(await signAccessToken(t.app.identity.jwtSecret, user.body.id as string, 600)).token}` };
      const res = await t.request('GET', '/api/v1/tracking-alerts?siteId=LT1&status=OPEN&limit=500', { role: null, headers });
      return res.body.items.filter((a: { type: string }) => a.type === 'WORKER_IDLE').map((a: { trackedId: string }) => a.trackedId);
    };
    expect(await personal('ida')).not.toContain('silent');
    expect(await personal('silent')).toContain('silent');
    const close = (id: string, body: object, role?: 'operator' | 'manager') => t.request('POST', `/api/v1/tracking-alerts/${id}/close`, { body, ...(role === undefined ? {} : { role }) });
    expect((await close(open.id, { reason: 'tag on the charger' }, 'operator')).status).toBe(403);
    const noReason = await close(open.id, {}, 'manager');
    expect([noReason.status, noReason.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await close('alr_nope', { reason: 'x' }, 'manager')).status).toBe(404);
    expect(await mine('OPEN')).toHaveLength(1);
    const closed = await close(open.id, { reason: 'tag on the charger' }, 'manager');
    expect([closed.status, closed.body]).toMatchObject([200, { id: open.id, clearedAt: clock.now().toISOString(), closedBy: expect.any(String), closeReason: 'tag on the charger' }]);
    await t.settle();
    expect((await events('location-tracking.alert.cleared.v1')).filter((e) => e.subject === open.id)).toHaveLength(1);
    const again = await close(open.id, { reason: 'again' }, 'manager');
    expect([again.status, again.body.code]).toEqual([409, 'TRACKING_ALERT_NOT_OPEN']);
    // The same episode (idle since the same moment) is not raised again.
    await tracking.scanAlerts();
    expect(await mine('OPEN')).toEqual([]);
    // The tag reports again, elsewhere, then stands still: a new episode, raised as usual.
    expect((await report(staging.x, staging.y, 0)).body.outcome).toBe('applied');
    clock.advance(11 * 60_000);
    await tracking.scanAlerts();
    const [fresh] = await mine('OPEN');
    expect(fresh.since).toBe(later(-11 * 60));
    // Two supervisors close it at once: closed once, one alert.cleared, the other 409.
    const both = await Promise.all([close(fresh.id, { reason: 'one' }, 'manager'), close(fresh.id, { reason: 'two' }, 'manager')]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    await t.settle();
    expect((await events('location-tracking.alert.cleared.v1')).filter((e) => e.subject === fresh.id)).toHaveLength(1);
  });
});

describe('registrations racing (race8)', () => {
  it('PUTs and DELETEs of one thing at once: every answer is 200 or 404, each PUT answers the label it sent', async () => {
    for (let round = 0; round < 20; round++) {
      const url = `/api/v1/tracked/equipment/FLT-RACE-${round % 4}`;
      const labels = ['Reach 1', 'Reach 2', 'Reach 3'].map((l) => `${l}.${round}`);
      const answers = await Promise.all([
        ...labels.map((label) => t.request('PUT', url, { body: { siteId: 'LT1', label }, role: 'manager' })),
        t.request('DELETE', url, { role: 'manager' }), t.request('DELETE', url, { role: 'manager' }),
      ]);
      for (const [i, a] of answers.slice(0, 3).entries()) {
        expect([a.status, a.body.label], `round ${round}, PUT ${i}: ${JSON.stringify(a.body)}`).toEqual([200, labels[i]]);
      }
      for (const a of answers.slice(3)) expect([200, 404], `round ${round}, DELETE: ${JSON.stringify(a.body)}`).toContain(a.status);
    }
  });
});
