import { fromLotKey } from './domain/stock.ts';
import type { BalanceRow } from './store.ts';

export interface BalanceView {
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly status: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly available: number;
  readonly expiresOn: string | null;
  readonly firstReceivedAt: string;
}

/** What a receipt or an adjustment answers. */
export interface StockChangeResult {
  readonly movementId: string;
  readonly siteId: string;
  readonly sku: string;
  readonly locationId: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly balance: BalanceView;
}

export function balanceView(b: BalanceRow): BalanceView {
  return {
    siteId: b.site_id, sku: b.sku, locationId: b.location_id, lot: fromLotKey(b.lot), status: b.status,
    onHand: b.on_hand, reserved: b.reserved, available: b.on_hand - b.reserved, expiresOn: b.expires_on,
    firstReceivedAt: b.first_received_at.toISOString(),
  };
}
