import type { EventEnvelope } from '../../platform/bus/envelope.ts';
import type { TestApp } from '../../../test/support/test-app.ts';

/** Factories for inventory's integration tests: master data through the owners' routes, upstream events by hand. */

let n = 0;
export const unique = (prefix: string): string => `${prefix}${Date.now().toString(36)}${(n++).toString(36)}`.toUpperCase();

export async function newProduct(t: TestApp, o: { lotControlled?: boolean; expiryControlled?: boolean } = {}): Promise<string> {
  const sku = unique('SKU-');
  const res = await t.post('/api/v1/products', {
    sku, description: `test product ${sku}`, lengthMm: 100, widthMm: 100, heightMm: 100, weightG: 500,
    lotControlled: o.lotControlled ?? false, expiryControlled: o.expiryControlled ?? false,
  });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return sku;
}

export async function newSite(t: TestApp): Promise<{ id: string; code: string }> {
  const code = unique('S').replace(/-/g, '').slice(0, 16);
  const res = await t.post<{ id: string }>('/api/v1/sites', { code, name: `site ${code}` });
  if (res.status !== 201) throw new Error(`site: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, code };
}

export async function newLocation(t: TestApp, site: { id: string; code: string }, o: { type?: string; status?: string; pickSequence?: number; x?: number } = {}): Promise<{ id: string; code: string }> {
  const code = `${site.code}-${unique('L')}`;
  const res = await t.post<{ id: string }>(`/api/v1/sites/${site.id}/locations`, {
    code, type: o.type ?? 'STORAGE', x: o.x ?? 1, y: 1, pickSequence: o.pickSequence ?? null, ...(o.status === undefined ? {} : { status: o.status }),
  });
  if (res.status !== 201) throw new Error(`location: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, code };
}

/** Appends an upstream event as its owner would, and waits until every consumer handled it. */
export async function publish(t: TestApp, source: string, type: string, subject: string, siteId: string, data: unknown): Promise<EventEnvelope> {
  const [env] = await t.app.db.tx((tx) => t.app.bus.append(tx, source, [{ type, subject, siteId, data }]));
  await t.settle();
  return env!;
}

/** An envelope that never went through the outbox: for calling the inventory consumer directly. */
export function envelope(type: string, source: string, subject: string, data: unknown): EventEnvelope {
  return { specversion: '1.0', id: unique('evt_test_'), type, source, subject, time: new Date().toISOString(), datacontenttype: 'application/json', data };
}

export async function eventsOf(t: TestApp, type: string, subject?: string): Promise<EventEnvelope<Record<string, unknown>>[]> {
  const q = new URLSearchParams({ type, limit: '1000', ...(subject === undefined ? {} : { subject }) });
  const res = await t.get<{ items: EventEnvelope<Record<string, unknown>>[] }>(`/api/v1/events?${q.toString()}`);
  return res.body.items;
}

export async function summaryOf(t: TestApp, siteId: string, sku: string): Promise<Record<string, number>> {
  const res = await t.get<{ items: Record<string, number>[] }>(`/api/v1/inventory/summary?siteId=${siteId}&sku=${sku}`);
  return res.body.items[0] ?? { received: 0, shipped: 0, adjusted: 0, onHand: 0, onHandAvailable: 0, reserved: 0, allocated: 0, ledgerOnHand: 0, ledgerReserved: 0, ledgerAllocated: 0 };
}

export async function movementCount(t: TestApp): Promise<number> {
  const rows = await t.app.db.query<{ n: number }>(`SELECT count(*)::int8 AS n FROM inventory.movements`);
  return rows[0]!.n;
}
