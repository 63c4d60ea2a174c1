import { InventoryEvents, type ReplenishmentWaitEnded } from '../../../../contracts/inventory.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { withoutDefaultOwner } from '../../domain/ledger.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { located } from '../../domain/command-checks.ts';
import * as replenishments from '../../replenishment-store.ts';
import { settingView, type ReplenishmentSettingView } from '../../views-replenishment.ts';
import { findLocation, type StockApis } from '../ledger-writes.ts';
import { decideSetting, settingRef, type SettingInput, type SettingRejection } from './decide.ts';

/**
 * In `tx`: a face's min/max for the SKU deleted (false: there was none) and the face's waits for a source of it ended
 * (`inventory.replenishment.wait-ended`, NOT_NEEDED: NO_REPLENISHMENT_SOURCE resolves). The DELETE locks the setting row
 * first, the row a low-stock trigger reads FOR SHARE: a trigger at the same moment either waits for this commit and
 * finds no min/max, or committed its wait before the DELETE got the row, and the waits are read after it.
 */
export async function removeSetting(tx: Tx, deps: Pick<PlatformDeps, 'bus'>, faceId: string, sku: string): Promise<boolean> {
  if (!await replenishments.deleteSetting(tx, faceId, sku)) return false;
  // Without a min/max the face asks for nothing: a wait for a source of the SKU there ends (NO_REPLENISHMENT_SOURCE resolves).
  for (const w of await replenishments.endWaitsAt(tx, faceId, sku)) {
    const data: ReplenishmentWaitEnded = {
      waitId: w.id, siteId: w.site_id, ownerId: w.owner_id, sku: w.sku, faceLocationId: w.location_id, outcome: 'NOT_NEEDED', replenishmentId: null,
    };
    await deps.bus.append(tx, 'inventory', withoutDefaultOwner([{ type: InventoryEvents.replenishmentWaitEnded, subject: w.id, siteId: w.site_id, data }]), {});
  }
  return true;
}

/** PUT and DELETE /replenishment-settings: a pick face's min/max per SKU (catalog and location-master asked first). */
export function replenishmentSettingsHandler(deps: PlatformDeps, apis: StockApis) {
  async function put(input: SettingInput): Promise<Outcome<ReplenishmentSettingView, SettingRejection>> {
    const product = (await apis.catalog.getBySkus([input.sku])).get(input.sku);
    const location = await findLocation(apis.locations, input.siteId, settingRef(input));
    const d = decideSetting({ product, location }, input, deps.clock.now());
    if (!d.ok) return d;
    return decideInTx(deps.db, async (tx: Tx) => ok(settingView(await replenishments.upsertSetting(tx, {
      location_id: d.value.locationId, sku: input.sku, site_id: input.siteId, min_quantity: input.min, max_quantity: input.max,
    }))));
  }

  /** Removes a face's min/max (the face named by id or code at the site); answers the face's id. */
  async function remove(input: { siteId: string; sku: string; locationId?: string | undefined; locationCode?: string | undefined }): Promise<
    Outcome<string, 'NOT_FOUND' | 'UNKNOWN_LOCATION' | 'VALIDATION_FAILED'>> {
    const ref = settingRef(input);
    const face = located(input.siteId, ref, await findLocation(apis.locations, input.siteId, ref));
    if (!face.ok) return face;
    const faceId = face.value.id;
    return decideInTx(deps.db, async (tx: Tx) => (await removeSetting(tx, deps, faceId, input.sku)
      ? ok(faceId) : reject('NOT_FOUND', `No min/max for ${input.sku} at ${face.value.code}`)));
  }

  return { put, remove };
}
