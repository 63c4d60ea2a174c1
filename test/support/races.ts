/**
 * The set-up and checks the in-process race files share (test/e2e/*-races*.test.ts and the like): one app on its own
 * database with a site and its receiving dock, owners, and the rule every raced answer keeps (a success or a coded 4xx).
 */
import { expect } from 'vitest';
import type { Call, setupWarehouse, Warehouse } from './flow-driver.ts';
import { startSiteApp } from './site-app.ts';
import type { TestApp } from './test-app.ts';

export type Answer = { status: number; body: any };

/** Every answer is a success or a coded 4xx: the others, described. */
export function badAnswers(what: string, answers: readonly Answer[]): string[] {
  return answers.filter((a) => a.status >= 500 || (a.status >= 400 && typeof a.body?.code !== 'string'))
    .map((a) => `${what}: ${a.status} ${JSON.stringify(a.body)}`);
}

/** The site's first RECEIVING location (its dock). */
export async function receivingDock(call: Call, siteId: string): Promise<{ id: string; code: string }> {
  return (await call<{ items: { id: string; code: string }[] }>('docks', 'GET', `/api/v1/sites/${siteId}/locations?type=RECEIVING`)).body.items[0]!;
}

export interface RaceSite {
  t: TestApp;
  /** An admin client. */
  call: Call;
  w: Warehouse;
  dock: { id: string; code: string };
}

/** The app, an admin client and a site (startSiteApp), and the site's dock. */
export async function startRaceSite(site: Parameters<typeof setupWarehouse>[1]): Promise<RaceSite> {
  const app = await startSiteApp(site);
  try {
    return { ...app, dock: await receivingDock(app.call, app.w.siteId) };
  } catch (error) {
    await app.t.close().catch(() => undefined);
    throw error;
  }
}

/** One owner per code (named `Owner <code>`), created in order: their ids. */
export async function createOwners(t: TestApp, codes: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const code of codes) {
    const res = await t.post('/api/v1/owners', { code, name: `Owner ${code}` });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    ids.push(res.body.id as string);
  }
  return ids;
}
