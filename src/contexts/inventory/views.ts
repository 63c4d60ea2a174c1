import { fromLotKey } from './domain/stock.ts';
import type { BalanceRow, ReturnConfirmationRow, ReturnRow } from './store.ts';
import type { ReturnStatus } from '../../contracts/inventory.ts';

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

/** A return to stock as the API shows it, with every confirm so far (oldest first). */
export interface ReturnView {
  readonly id: string;
  readonly siteId: string;
  readonly orderId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly quantity: number;
  readonly returned: number;
  readonly open: number;
  readonly status: ReturnStatus;
  readonly fromLocationId: string;
  readonly suggestedLocationId: string;
  readonly confirmedLocationId: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  readonly createdAt: string;
  readonly confirmations: readonly {
    readonly movementId: string; readonly locationId: string; readonly quantity: number; readonly confirmedBy: string | null;
    readonly confirmedAt: string; readonly scanId: string | null;
  }[];
}

export function returnView(r: ReturnRow, confirmations: readonly ReturnConfirmationRow[]): ReturnView {
  return {
    id: r.id, siteId: r.site_id, orderId: r.order_id, sku: r.sku, lot: fromLotKey(r.lot), quantity: r.quantity, returned: r.returned,
    open: r.quantity - r.returned, status: r.status, fromLocationId: r.from_location_id, suggestedLocationId: r.suggested_location_id,
    confirmedLocationId: r.confirmed_location_id, confirmedBy: r.confirmed_by, confirmedAt: r.confirmed_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    confirmations: confirmations.filter((c) => c.return_id === r.id).map((c) => ({
      movementId: c.id, locationId: c.location_id, quantity: c.quantity, confirmedBy: c.confirmed_by,
      confirmedAt: c.confirmed_at.toISOString(), scanId: c.scan_id,
    })),
  };
}
