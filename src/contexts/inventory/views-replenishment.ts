/** Replenishment settings and replenishments as the API shows them. */
import type { ReplenishmentStatus, ReplenishmentTrigger } from '../../contracts/inventory.ts';
import { fromLotKey } from './domain/stock.ts';
import type { ReplenishmentRow, SettingRow } from './replenishment-store.ts';

export interface ReplenishmentSettingView {
  readonly siteId: string;
  readonly locationId: string;
  readonly sku: string;
  readonly min: number;
  readonly max: number;
  readonly updatedAt: string;
}

export const settingView = (s: SettingRow): ReplenishmentSettingView => ({
  siteId: s.site_id, locationId: s.location_id, sku: s.sku, min: s.min_quantity, max: s.max_quantity, updatedAt: s.updated_at.toISOString(),
});

export interface ReplenishmentView {
  readonly id: string;
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly lot: string | null;
  readonly fromLocationId: string;
  readonly toLocationId: string;
  readonly quantity: number;
  readonly moved: number;
  readonly status: ReplenishmentStatus;
  readonly trigger: ReplenishmentTrigger;
  readonly triggerReference: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: string | null;
  readonly createdAt: string;
}

export const replenishmentView = (r: ReplenishmentRow): ReplenishmentView => ({
  id: r.id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku, lot: fromLotKey(r.lot), fromLocationId: r.from_location_id, toLocationId: r.to_location_id,
  quantity: r.quantity, moved: r.moved, status: r.status, trigger: r.trigger, triggerReference: r.trigger_reference,
  confirmedBy: r.confirmed_by, confirmedAt: r.confirmed_at?.toISOString() ?? null, createdAt: r.created_at.toISOString(),
});
