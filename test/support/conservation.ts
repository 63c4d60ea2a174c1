/**
 * The conservation checks at the end of an order-to-ship run, shared by every protocol's end-to-end flow (REST in
 * order-to-ship.test.ts, gRPC for the floor steps in grpc-floor.test.ts): every order SHIPPED (the shorted one
 * partially, unless another location covered the short), one shipped event each, and per SKU received − shipped ± adjustments = on-hand, with the raw ledger
 * adding up to the same numbers and nothing left reserved or allocated.
 */
import { expect } from 'vitest';
import type { TestApp } from './test-app.ts';

export interface FlowRun {
  readonly siteId: string;
  readonly orders: readonly { id: string; lines: readonly { sku: string; quantity: number }[] }[];
  /** Units ordered per SKU. */
  readonly ordered: ReadonlyMap<string, number>;
  /** The one line shorted by one unit. */
  readonly short: { sku: string; orderId: string };
  /** The short was re-reserved at another location and picked there (ADR 0024): every order ships complete. */
  readonly recovered?: boolean;
  readonly receivedPerSku: number;
  readonly skus: number;
}

interface LedgerRow { type: string; sku: string; deltaOnHand: number }

export async function expectStockConserved(t: TestApp, run: FlowRun): Promise<void> {
  const { siteId, orders, ordered, short } = run;
  const missing = run.recovered === true ? 0 : 1;
  for (const o of orders) {
    const res = await t.get(`/api/v1/orders/${o.id}`, 'viewer');
    expect(res.body.status, o.id).toBe('SHIPPED');
    const shippedUnits = (res.body.lines as { shipped: number }[]).reduce((s, l) => s + l.shipped, 0);
    const orderedUnits = o.lines.reduce((s, l) => s + l.quantity, 0);
    expect(shippedUnits).toBe(o.id === short.orderId ? orderedUnits - missing : orderedUnits);
  }
  const shippedEvents = await t.get(`/api/v1/events?type=orders.order.shipped.v1&limit=100`);
  expect(shippedEvents.body.items).toHaveLength(orders.length);
  expect(shippedEvents.body.items.filter((e: { data: { partial: boolean } }) => e.data.partial)).toHaveLength(missing);

  const summary = await t.get(`/api/v1/inventory/summary?siteId=${siteId}`);
  expect(summary.body.items).toHaveLength(run.skus);
  for (const s of summary.body.items as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number; allocated: number }[]) {
    const expectedShipped = (ordered.get(s.sku) ?? 0) - (s.sku === short.sku ? missing : 0);
    expect(s.received, s.sku).toBe(run.receivedPerSku);
    expect(s.shipped, s.sku).toBe(expectedShipped);
    expect(s.adjusted, s.sku).toBe(s.sku === short.sku ? -1 : 0);
    expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
    expect(s.reserved, s.sku).toBe(0);
    expect(s.allocated, s.sku).toBe(0);
    // Independently of the summary: the raw ledger's movements add up to the same numbers.
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(s.sku)}`);
    const sum = (type: string) => rows.filter((r) => r.type === type).reduce((a, r) => a + r.deltaOnHand, 0);
    expect(sum('RECEIPT')).toBe(run.receivedPerSku);
    expect(-sum('SHIP')).toBe(expectedShipped);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0)).toBe(s.onHand);
  }
  const balances = await t.get(`/api/v1/inventory/balances?siteId=${siteId}`);
  for (const b of balances.body.items as { onHand: number; reserved: number }[]) {
    expect(b.onHand).toBeGreaterThanOrEqual(0);
    expect(b.reserved).toBeLessThanOrEqual(b.onHand);
  }
}

interface SummaryRow {
  sku: string; received: number; shipped: number; adjusted: number; onHand: number; onHandAvailable: number; reserved: number; allocated: number;
  ledgerOnHand: number; ledgerReserved: number; ledgerAllocated: number;
}

/**
 * At any moment, not only at the end of a flow: per SKU the ledger's sums equal the balances (on hand, reserved,
 * allocated), received − shipped ± adjusted = on hand, and the raw ledger adds up to the same on-hand. Units on their
 * way (in a tote, waiting for a return to stock) count where they are. Returns the summary per SKU.
 */
export async function expectLedgerConserved(t: TestApp, siteId: string): Promise<Map<string, SummaryRow>> {
  await t.settle();
  const summary = (await t.get(`/api/v1/inventory/summary?siteId=${siteId}`)).body.items as SummaryRow[];
  for (const s of summary) {
    expect(s.received - s.shipped + s.adjusted, s.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, s.sku).toBe(s.onHand);
    expect(s.ledgerReserved, s.sku).toBe(s.reserved);
    expect(s.ledgerAllocated, s.sku).toBe(s.allocated);
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(s.sku)}`);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0), s.sku).toBe(s.onHand);
  }
  return new Map(summary.map((s) => [s.sku, s]));
}

/** What a small flow expects per SKU at its end: units received, shipped and adjusted, and what is still allocated. */
export interface SkuExpectation {
  readonly sku: string;
  readonly received: number;
  readonly shipped: number;
  readonly adjusted: number;
  /** Units still reserved / allocated at the end (0 once every order shipped or was cancelled). */
  readonly reserved?: number;
  readonly allocated?: number;
}

/**
 * Stock conservation for any flow, per SKU: the summary's ledger sums are as expected, received − shipped ± adjusted =
 * on-hand, the ledger's on-hand equals the balances', the raw movements add up to the same, and no balance is negative
 * or over-reserved.
 */
export async function expectSkusConserved(t: TestApp, siteId: string, expected: readonly SkuExpectation[]): Promise<void> {
  const summary = await t.get(`/api/v1/inventory/summary?siteId=${siteId}`);
  const items = summary.body.items as { sku: string; received: number; shipped: number; adjusted: number; onHand: number; ledgerOnHand: number; reserved: number; allocated: number }[];
  for (const e of expected) {
    const s = items.find((i) => i.sku === e.sku);
    expect(s, e.sku).toBeDefined();
    if (s === undefined) continue;
    expect({ received: s.received, shipped: s.shipped, adjusted: s.adjusted }, e.sku).toEqual({ received: e.received, shipped: e.shipped, adjusted: e.adjusted });
    expect(s.received - s.shipped + s.adjusted, e.sku).toBe(s.onHand);
    expect(s.ledgerOnHand, e.sku).toBe(s.onHand);
    expect(s.reserved, e.sku).toBe(e.reserved ?? 0);
    expect(s.allocated, e.sku).toBe(e.allocated ?? 0);
    const rows = await t.getAll<LedgerRow>(`/api/v1/inventory/ledger?siteId=${siteId}&sku=${encodeURIComponent(e.sku)}`);
    expect(rows.reduce((a, r) => a + r.deltaOnHand, 0), e.sku).toBe(s.onHand);
  }
  const balances = await t.getAll<{ onHand: number; reserved: number }>(`/api/v1/inventory/balances?siteId=${siteId}`);
  for (const b of balances) {
    expect(b.onHand).toBeGreaterThanOrEqual(0);
    expect(b.reserved).toBeLessThanOrEqual(b.onHand);
  }
}
