import type { CatalogApi } from '../../../../contracts/catalog.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as safety from '../../safety-stock-store.ts';
import { appendEvents } from '../ledger-writes.ts';
import { decideSafetyStock, type SafetyStockInput } from './decide.ts';

/** A SKU's safety stock for one owner at a site, as the routes answer it. */
export interface SafetyStockView {
  readonly siteId: string;
  readonly ownerId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly updatedAt: string | null;
}

export const safetyStockView = (siteId: string, ownerId: string, sku: string, row: safety.SafetyStockRow | undefined): SafetyStockView => ({
  siteId, ownerId, sku, quantity: row?.safety_stock ?? 0, updatedAt: row?.safety_stock_updated_at?.toISOString() ?? null,
});

/**
 * PUT / DELETE /inventory/safety-stock/{siteId}/{sku} (ADR 0057): the catalogue is asked first (an unknown SKU changes
 * nothing); then, in one transaction, the SKU row is locked as allocation locks it, the figure written and
 * `inventory.safety-stock.set` appended to the outbox when it changed. The retry of backorders a lowered figure allows
 * runs on that event's delivery, as a receipt's does.
 */
export function setSafetyStockHandler(deps: PlatformDeps, apis: { catalog: Pick<CatalogApi, 'getBySkus'> }) {
  return async (input: SafetyStockInput, meta: EventMeta): Promise<Outcome<SafetyStockView, 'UNKNOWN_SKU'>> => {
    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    return decideInTx(deps.db, async (tx) => {
      const previous = product === undefined ? 0 : await safety.lockSafetyStock(tx, input.siteId, input.ownerId, input.sku, input.quantity > 0);
      const d = decideSafetyStock({ product, previous }, input, deps.clock.now());
      if (!d.ok) return d;
      if (!d.value.changed) return ok(safetyStockView(input.siteId, input.ownerId, input.sku, await safety.safetyStock(tx, input.siteId, input.ownerId, input.sku)));
      const row = await safety.writeSafetyStock(tx, input.siteId, input.ownerId, input.sku, d.value.quantity);
      await appendEvents(tx, deps, [{ events: d.value.events, meta }]);
      return ok(safetyStockView(input.siteId, input.ownerId, input.sku, row));
    });
  };
}

