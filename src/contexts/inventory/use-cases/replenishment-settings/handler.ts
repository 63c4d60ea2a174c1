import type { Tx } from '../../../../platform/db/database.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { located } from '../../domain/command-checks.ts';
import * as replenishments from '../../replenishment-store.ts';
import { settingView, type ReplenishmentSettingView } from '../../views-replenishment.ts';
import { findLocation, type StockApis } from '../ledger-writes.ts';
import { decideSetting, settingRef, type SettingInput, type SettingRejection } from './decide.ts';

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
    const gone = await replenishments.deleteSetting(deps.db, face.value.id, input.sku);
    return gone ? ok(face.value.id) : reject('NOT_FOUND', `No min/max for ${input.sku} at ${face.value.code}`);
  }

  return { put, remove };
}
