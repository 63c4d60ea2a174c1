/** ASNs and putaways as the API shows them. */
import type { AsnDiscrepancy, AsnStatus, PutawayStatus, StockStatus } from '../../contracts/inventory.ts';
import { fromLotKey } from './domain/stock.ts';
import type { AsnLineRow, AsnRow, DiscrepancyRow, PutawayConfirmationRow, PutawayRow } from './inbound-store.ts';
import type { ScanConfirmation } from './views.ts';

export interface AsnView {
  readonly id: string;
  readonly siteId: string;
  /** Whose units (ADR 0028). */
  readonly ownerId: string;
  readonly supplier: string;
  readonly reference: string | null;
  readonly expectedOn: string | null;
  readonly status: AsnStatus;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly lines: readonly {
    readonly lineNo: number; readonly sku: string; readonly lot: string | null; readonly expiresOn: string | null;
    readonly serials: readonly string[]; readonly expectedLpn: string | null;
    readonly expected: number; readonly received: number; readonly damaged: number;
    /** Units still expected (0 once received in full or over). */
    readonly open: number;
  }[];
  /** Recorded when the ASN was closed (empty before, and when everything arrived as expected). */
  readonly discrepancies: readonly AsnDiscrepancy[];
}

export function asnView(a: AsnRow, lines: readonly AsnLineRow[], discrepancies: readonly DiscrepancyRow[]): AsnView {
  return {
    id: a.id, siteId: a.site_id, ownerId: a.owner_id, supplier: a.supplier, reference: a.reference, expectedOn: a.expected_on, status: a.status, reason: a.reason,
    createdAt: a.created_at.toISOString(), closedAt: a.closed_at?.toISOString() ?? null,
    lines: lines.filter((l) => l.asn_id === a.id).map((l) => ({
      lineNo: l.line_no, sku: l.sku, lot: fromLotKey(l.lot), expiresOn: l.expires_on, serials: l.serials, expectedLpn: l.expected_lpn,
      expected: l.quantity, received: l.received, damaged: l.damaged, open: Math.max(0, l.quantity - l.received),
    })),
    discrepancies: discrepancies.filter((d) => d.asn_id === a.id).map((d) => ({
      lineNo: d.line_no, sku: d.sku, lot: fromLotKey(d.lot), kind: d.kind, expected: d.expected, received: d.received, damaged: d.damaged,
      quantity: d.quantity,
    })),
  };
}

export interface PutawayView {
  readonly id: string;
  readonly siteId: string;
  readonly asnId: string | null;
  readonly lineNo: number | null;
  readonly receiptMovementId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly stockStatus: StockStatus;
  readonly quantity: number;
  readonly putAway: number;
  readonly open: number;
  readonly status: PutawayStatus;
  readonly fromLocationId: string;
  readonly suggestedLocationId: string | null;
  readonly confirmedLocationId: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  readonly createdAt: string;
  readonly confirmations: readonly ScanConfirmation[];
}

export function putawayView(p: PutawayRow, confirmations: readonly PutawayConfirmationRow[]): PutawayView {
  return {
    id: p.id, siteId: p.site_id, asnId: p.asn_id, lineNo: p.line_no, receiptMovementId: p.receipt_movement_id, sku: p.sku, lot: fromLotKey(p.lot),
    stockStatus: p.stock_status, quantity: p.quantity, putAway: p.put_away, open: p.quantity - p.put_away, status: p.status,
    fromLocationId: p.from_location_id, suggestedLocationId: p.suggested_location_id, confirmedLocationId: p.confirmed_location_id,
    confirmedBy: p.confirmed_by, confirmedAt: p.confirmed_at?.toISOString() ?? null, createdAt: p.created_at.toISOString(),
    confirmations: confirmations.filter((c) => c.putaway_id === p.id).map((c) => ({
      movementId: c.id, locationId: c.location_id, quantity: c.quantity, confirmedBy: c.confirmed_by, confirmedAt: c.confirmed_at.toISOString(),
      scanId: c.scan_id,
    })),
  };
}
