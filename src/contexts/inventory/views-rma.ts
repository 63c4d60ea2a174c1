/** Customer returns (RMAs) as the API shows them. */
import type { RmaStatus } from '../../contracts/inventory.ts';
import { awaitingInspection } from './domain/rma.ts';
import { fromLotKey } from './domain/stock.ts';
import type { RmaLineRow, RmaRow } from './rma-store.ts';

export interface RmaLineView {
  readonly lineId: string;
  readonly sku: string;
  readonly reason: string;
  readonly authorised: number;
  readonly received: number;
  readonly awaitingInspection: number;
  readonly restocked: number;
  readonly quarantined: number;
  readonly scrapped: number;
  readonly returnedToVendor: number;
  readonly lot: string | null;
  readonly receivedLocationId: string | null;
  readonly condition: string | null;
  readonly inspectionNotes: string | null;
}

export interface RmaView {
  readonly id: string;
  readonly siteId: string;
  /** Whose units (ADR 0028). */
  readonly ownerId: string;
  readonly customerRef: string;
  readonly orderRef: string | null;
  readonly status: RmaStatus;
  readonly notes: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly lines: readonly RmaLineView[];
}

export function rmaView(r: RmaRow, lines: readonly RmaLineRow[]): RmaView {
  return {
    id: r.id, siteId: r.site_id, ownerId: r.owner_id, customerRef: r.customer_ref, orderRef: r.order_ref, status: r.status, notes: r.notes, version: r.version,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(),
    lines: lines.filter((l) => l.rma_id === r.id).map((l) => ({
      lineId: l.line_id, sku: l.sku, reason: l.reason, authorised: l.authorised, received: l.received, awaitingInspection: awaitingInspection(l),
      restocked: l.restocked, quarantined: l.quarantined, scrapped: l.scrapped, returnedToVendor: l.returned_to_vendor,
      lot: fromLotKey(l.lot), receivedLocationId: l.received_location_id, condition: l.condition, inspectionNotes: l.inspection_notes,
    })),
  };
}
