/** What every inventory decision is made of: balances it names, movements it appends, events it announces. Pure. */
import type { PublishedEvent } from '../../../contracts/events.ts';
import { DEFAULT_OWNER_ID, InventoryEvents, type MovementType, type StockDeallocated, type StockStatus } from '../../../contracts/inventory.ts';


/** The owner of an order's units: the one it names, else the default owner (orders from before owners existed). */
export const ownerOfOrder = (order: { readonly ownerId?: string | undefined }): string => order.ownerId ?? DEFAULT_OWNER_ID;

export interface BalanceKey {
  readonly siteId: string;
  /** Whose units these are (ADR 0028): part of the key, so one owner's units never meet another's in a balance. */
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string;
  readonly status: StockStatus;
}

/** A movement a decision appends; the handler gives it an id unless an event already names it. */
/** What a decider reads of a locked balance its units leave: how many, how many reserved, and what they carry along. */
export interface SourceBalance {
  readonly on_hand: number;
  readonly reserved: number;
  readonly expires_on: string | null;
  readonly first_received_at: Date;
}

export interface PlannedMovement {
  readonly id?: string;
  readonly type: MovementType;
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly locationId: string | null;
  readonly lot: string;
  readonly status?: StockStatus;
  readonly deltaOnHand?: number;
  readonly deltaReserved?: number;
  readonly deltaAllocated?: number;
  readonly reason?: string | null;
  readonly reference?: string | null;
}

/** The AVAILABLE balance a reservation holds units of. */
export function reservedBalance(r: { site_id: string; owner_id: string; sku: string; location_id: string; lot: string }): BalanceKey {
  return { siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, locationId: r.location_id, lot: r.lot, status: 'AVAILABLE' };
}

/**
 * One owner's stock of one SKU, as a map key (ADR 0028): what allocation, reservation and retries plan against, so one
 * owner's units never cover another owner's line.
 */
export const stockKey = (ownerId: string, sku: string): string => `${ownerId}\u0000${sku}`;

/**
 * Events as published: `ownerId` is left out where it is the default owner (ADR 0012: absent = `own_default`), so the
 * events of a single-owner site read as they did before owners existed.
 */
export function withoutDefaultOwner(events: readonly PublishedEvent[]): PublishedEvent[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v !== 'object' || v === null) return v;
    return Object.fromEntries(Object.entries(v).filter(([k, x]) => !(k === 'ownerId' && x === DEFAULT_OWNER_ID)).map(([k, x]) => [k, strip(x)]));
  };
  return events.map((e) => ({ ...e, data: strip(e.data) }) as PublishedEvent);
}

/** SKU, then line: the order SKU rows are locked and lines are allocated in, everywhere. */
export function skuThenLine(a: { sku: string; line: string }, b: { sku: string; line: string }): number {
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  return a.line < b.line ? -1 : a.line > b.line ? 1 : 0;
}

export const isoDate = (d: Date): string => d.toISOString().slice(0, 10);

export type DeallocatedLine = StockDeallocated['lines'][number];

/** `inventory.stock.deallocated` per order for partial releases (short picks, reservation shortages): they free units too. */
export function deallocatedEvents(siteId: string, released: readonly (DeallocatedLine & { orderId: string })[]): PublishedEvent[] {
  const byOrder = new Map<string, DeallocatedLine[]>();
  for (const r of released) byOrder.set(r.orderId, [...(byOrder.get(r.orderId) ?? []), { lineId: r.lineId, sku: r.sku,
    quantity: r.quantity }]);
  return [...byOrder].map(([orderId, lines]) => {
    const data: StockDeallocated = { orderId, siteId, lines };
    return { type: InventoryEvents.deallocated, subject: orderId, siteId, data };
  });
}
