/**
 * The set-up most in-process end-to-end files start with: the whole app on its own database (startTestApp), an admin
 * client, a site laid out by setupWarehouse and, where asked, stock received at its faces (receiveStock);
 * or the app and clients of some roles; and two sites with a key scoped to one of them.
 */
import { expect } from 'vitest';
import type { Role } from '../../src/platform/http/roles.ts';
import { injectClient, receiveStock, setupWarehouse, type Call, type Warehouse } from './flow-driver.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export interface SiteApp {
  t: TestApp;
  /** An admin client. */
  call: Call;
  w: Warehouse;
}

/**
 * The app, an admin client and the site; with `stock`, receiveStock's `quantity` units of every SKU at each of
 * `locationsPerSku` faces. The app is closed again if the site cannot be set up.
 */
export async function startSiteApp(
  site: Parameters<typeof setupWarehouse>[1], o: { stock?: { quantity: number; locationsPerSku: number } } = {},
): Promise<SiteApp> {
  const t = await startTestApp();
  try {
    const call = injectClient(t.app, t.keys.admin);
    const w = await setupWarehouse(call, site);
    if (o.stock !== undefined) await receiveStock(call, w, o.stock.quantity, o.stock.locationsPerSku);
    return { t, call, w };
  } catch (error) {
    await t.close().catch(() => undefined);
    throw error;
  }
}

/** The whole app on its own database (startTestApp) and a client of each role asked for. */
export async function startWithClients<R extends Role>(...roles: R[]): Promise<{ t: TestApp } & Record<R, Call>> {
  const t = await startTestApp();
  const clients = Object.fromEntries(roles.map((role) => [role, injectClient(t.app, t.keys[role])])) as Record<R, Call>;
  return { t, ...clients };
}

/**
 * Two sites set up by an admin, and a new API key of the role limited to the first (`a`): the key and a client that
 * sends it.
 */
export async function scopedSites(
  t: TestApp, sites: { a: Parameters<typeof setupWarehouse>[1]; b: Parameters<typeof setupWarehouse>[1] }, key: { name: string; role: Role },
): Promise<{ a: Warehouse; b: Warehouse; key: string; scoped: Call }> {
  const admin = injectClient(t.app, t.keys.admin);
  const a = await setupWarehouse(admin, sites.a);
  const b = await setupWarehouse(admin, sites.b);
  const res = await t.post('/api/v1/api-keys', { ...key, siteIds: [a.siteId] });
  expect(res.status).toBe(201);
  const scopedKey = res.body.key as string;
  return { a, b, key: scopedKey, scoped: injectClient(t.app, scopedKey) };
}
