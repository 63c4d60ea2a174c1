import type { ReplenishmentStatus } from '../../contracts/inventory.ts';
import { resolveLocationId } from '../../contracts/location-master.ts';
import { ok, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { nextCursor } from '../../platform/http/paging.ts';
import * as replenishments from './replenishment-store.ts';
import { cancelReplenishmentHandler, confirmReplenishmentHandler, withdrawReplenishmentsAtDeactivatedHandler } from './use-cases/confirm-replenishment/handler.ts';
import type { StockApis } from './use-cases/ledger-writes.ts';
import { replenishmentSettingsHandler } from './use-cases/replenishment-settings/handler.ts';
import { replenishmentTriggers } from './use-cases/request-replenishment/handler.ts';
import { replenishmentView, settingView } from './views-replenishment.ts';

/**
 * Replenishment (issue 11), composed from its use cases: min/max per pick face and SKU, the triggers (low stock after
 * a pick, move or adjustment; a released wave's demand; a short pick, in recover-short), a person's request, and the
 * confirm by scan that moves the units and finishes the REPLENISH task.
 */
export function replenishmentService(deps: PlatformDeps, apis: StockApis) {
  const settings = replenishmentSettingsHandler(deps, apis);
  const triggers = replenishmentTriggers(deps, apis);
  return {
    putSetting: settings.put,
    deleteSetting: settings.remove,
    /**
     * Settings of a site by face and SKU. The face filter names the face as commands do, by id or by code at the site,
     * and is kept as its id; neither is 422 UNKNOWN_LOCATION on /querystring/locationId (not an empty list).
     */
    async listSettings(q: { siteId: string; sku?: string | undefined; locationId?: string | undefined; limit: number; after: string | null }): Promise<
      Outcome<{ items: ReturnType<typeof settingView>[]; nextCursor: string | null }>
    > {
      let { locationId } = q;
      if (locationId !== undefined) {
        const face = await resolveLocationId(apis.locations, q.siteId, locationId, '/querystring/locationId');
        if (!face.ok) return face;
        locationId = face.value;
      }
      const rows = await replenishments.listSettings(deps.db, { ...q, locationId });
      return ok({ items: rows.map(settingView), nextCursor: nextCursor(rows, q.limit, (r) => `${r.location_id}\u0001${r.sku}`) });
    },
    request: triggers.requestByHand,
    afterFaceChange: triggers.afterFaceChange,
    afterFacesChange: triggers.afterFacesChange,
    afterWaveReserved: triggers.afterWaveReserved,
    retryWaits: triggers.retryWaits,
    confirm: confirmReplenishmentHandler(deps, apis),
    cancel: cancelReplenishmentHandler(deps),
    /** A face deactivated: its open replenishments are cancelled (`withdrawReplenishmentsAtDeactivatedHandler`). */
    withdrawAtDeactivated: withdrawReplenishmentsAtDeactivatedHandler(deps),
    async list(q: { siteId: string; status?: ReplenishmentStatus | undefined; sku?: string | undefined; limit: number; after: string | null }) {
      const rows = await replenishments.listReplenishments(deps.db, q);
      return { items: rows.map(replenishmentView), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },
    async get(id: string) {
      const r = await replenishments.getReplenishment(deps.db, id);
      return r === undefined ? undefined : replenishmentView(r);
    },
  };
}

export type ReplenishmentService = ReturnType<typeof replenishmentService>;
