/**
 * Concurrent PUTs of one resource (race8): several clients replace the same settings at once. Every answer is 200, is
 * what that PUT wrote (not another writer's, read after its commit), and what stays is one of them whole (never a
 * union, never a 5xx from two replacements colliding on a key). Settings without a version: the last writer wins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSiteApp } from '../support/site-app.ts';
import type { Warehouse } from '../support/flow-driver.ts';
import type { TestApp } from '../support/test-app.ts';

let t: TestApp;
let w: Warehouse;
const ROUNDS = 16;

beforeAll(async () => {
  ({ t, w } = await startSiteApp({ siteCode: 'CPUTS', aisles: 1, bays: 4, levels: 1, skus: 1 }));
}, 60_000);
afterAll(async () => t.close());

describe('a site\'s carrier cut-offs replaced by several planners at once', () => {
  it(`each answers 200 with the table it sent, and the site keeps one of them whole (${ROUNDS} rounds)`, async () => {
    const url = `/api/v1/sites/${w.siteId}/carrier-cutoffs`;
    for (let round = 0; round < ROUNDS; round++) {
      const tables = ['14:00', '15:00', '16:00', '17:00'].map((cutoff, i) => (i === 3 && round % 2 === 0 ? [] : [{ carrier: 'OWN_FLEET', cutoff }]));
      const answers = await Promise.all(tables.map((cutoffs) => t.request('PUT', url, { body: { cutoffs }, role: 'manager' })));
      for (const [i, a] of answers.entries()) {
        expect([a.status, a.body], `round ${round}, PUT ${i}`).toEqual([200, { siteId: w.siteId, cutoffs: tables[i] }]);
      }
      const held = (await t.get(url, 'viewer')).body.cutoffs;
      expect(tables, `round ${round}`).toContainEqual(held);
    }
  });
});

describe('a site\'s pack-station settings replaced by several managers at once', () => {
  it(`each answers 200 with the settings it sent (${ROUNDS} rounds)`, async () => {
    const url = `/api/v1/pack-station/settings/${w.siteId}`;
    for (let round = 0; round < ROUNDS; round++) {
      const bodies = [1, 2, 3, 4].map((n) => ({
        weightTolerancePct: n + round * 0.25,
        shipFrom: n % 2 === 0 ? null : { name: `Depot ${n}`, line1: `${n} Depot Road`, city: 'Springfield', postalCode: '12345', country: 'US' },
      }));
      const answers = await Promise.all(bodies.map((body) => t.request('PUT', url, { body, role: 'manager' })));
      for (const [i, a] of answers.entries()) {
        expect(a.status, `round ${round}, PUT ${i}`).toBe(200);
        expect(a.body, `round ${round}, PUT ${i}`).toMatchObject({ siteId: w.siteId, ...bodies[i] });
      }
    }
  });
});

describe('a worker\'s profile replaced by several planners at once', () => {
  it(`each answers 200 with the profile it sent (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const workerId = `cput-${round % 3}`;
      const bodies = [1, 2, 3, 4].map((n) => ({ siteId: w.siteId, zones: [`Z${n}`], skills: [`skill-${n}`], equipment: [], maxTasks: n }));
      const answers = await Promise.all(bodies.map((body) => t.request('PUT', `/api/v1/workers/${workerId}/profile`, { body, role: 'manager' })));
      for (const [i, a] of answers.entries()) {
        expect(a.status, `round ${round}, PUT ${i}`).toBe(200);
        expect(a.body, `round ${round}, PUT ${i}`).toMatchObject({ workerId, zones: bodies[i]!.zones, skills: bodies[i]!.skills, maxTasks: bodies[i]!.maxTasks });
      }
      const versions = answers.map((a) => a.body.version as number);
      if (versions.every((v) => typeof v === 'number')) expect(new Set(versions).size, `round ${round}`).toBe(4);
    }
  });
});
