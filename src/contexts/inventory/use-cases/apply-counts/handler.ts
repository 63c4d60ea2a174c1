import { expiryRule } from '../../../../contracts/catalog.ts';
import type { Location } from '../../../../contracts/location-master.ts';
import type { StockCountResult, StockCountRow } from '../../../../contracts/inventory.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { expectedOnShelf } from '../../domain/counts.ts';
import { toLotKey } from '../../domain/stock.ts';
import { learnLocation } from '../../pickability.ts';
import * as owners from '../../owners-store.ts';
import * as store from '../../store.ts';
import { decideAdjust } from '../adjust/decide.ts';
import { changeBalanceOrFail, changeSkuOnHandOrFail, record, type StockApis } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import type { PutawayRow } from '../../inbound-store.ts';
import { lockDockPutaways, withdrawTakenOffDock } from '../reput-released/handler.ts';

type RowError = StockCountResult['errors'][number];

class RolledBack extends Error {
  constructor(readonly result: StockCountResult) {
    super('rolled back');
  }
}

/**
 * Counted quantities applied as ADJUST movements (reason COUNT) in one transaction (CSV stock import, ADR 0040). Rows are
 * applied in balance-key order (SKU, location, lot), so two imports lock in the same order. A dry run applies them too,
 * then rolls back: it answers exactly what the write would do.
 */
export function applyStockCountsHandler(deps: PlatformDeps, apis: StockApis, counters: InventoryCounters) {
  return async (rows: readonly StockCountRow[], o: { readonly dryRun: boolean }, meta: EventMeta): Promise<StockCountResult> => {
    const errors: RowError[] = [];
    const products = await apis.catalog.getBySkus([...new Set(rows.map((r) => r.sku))]);
    const sites = new Map<string, Map<string, Location>>();
    for (const siteId of new Set(rows.map((r) => r.siteId))) {
      sites.set(siteId, new Map((await apis.locations.listLocations(siteId)).map((l) => [l.code, l])));
    }
    const knownOwners = new Set<string>();
    for (const id of new Set(rows.map((r) => r.ownerId))) if ((await owners.getOwner(deps.db, id)) !== undefined) knownOwners.add(id);
    const keyOf = (r: StockCountRow): string => `${r.siteId}\u0000${r.ownerId}\u0000${r.sku}\u0000${r.locationCode}\u0000${r.lot ?? ''}`;
    const firstRow = new Map<string, number>();
    const planned: { index: number; row: StockCountRow; location: Location }[] = [];
    rows.forEach((row, index) => {
      const product = products.get(row.sku);
      const location = sites.get(row.siteId)?.get(row.locationCode);
      if (!knownOwners.has(row.ownerId)) errors.push({ index, field: '/ownerId', message: `no owner ${row.ownerId}` });
      if (product === undefined) errors.push({ index, field: '/sku', message: `no product with SKU ${row.sku}` });
      if (location === undefined) errors.push({ index, field: '/location', message: `no location ${row.locationCode} at this site` });
      const first = firstRow.get(keyOf(row));
      if (first !== undefined) errors.push({ index, field: '/location', message: 'the same SKU, location and lot are in the file twice' });
      else firstRow.set(keyOf(row), index);
      if (product !== undefined && location !== undefined && first === undefined && knownOwners.has(row.ownerId)) planned.push({ index, row, location });
    });
    planned.sort((a, b) => (a.row.sku < b.row.sku ? -1 : a.row.sku > b.row.sku ? 1 : a.location.id < b.location.id ? -1 : a.location.id > b.location.id ? 1
      : toLotKey(a.row.lot) < toLotKey(b.row.lot) ? -1 : 1));
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    let added = 0;
    let removed = 0;
    const result = (written: boolean): StockCountResult => ({
      created, updated, unchanged, added, removed, errors: errors.sort((a, b) => a.index - b.index), written,
    });
    try {
      return await deps.db.tx(async (tx) => {
        // The OPEN putaways of the rows at a dock, locked first (in the rows' order), before any location or balance: the
        // order a putaway confirm locks in. A row counting fewer there has them give up what the dock no longer has.
        const dockPutaways = new Map<number, PutawayRow[]>();
        for (const { index, row, location } of planned) {
          dockPutaways.set(index, await lockDockPutaways(tx, location, { siteId: row.siteId, ownerId: row.ownerId, sku: row.sku, lot: toLotKey(row.lot) }));
        }
        for (const { index, row, location } of planned) {
          const learned = await learnLocation(tx, location);
          if (learned.underCount) {
            errors.push({ index, field: '/location', message: `${location.code} is under count: its count sets the quantity` });
            continue;
          }
          const key = { siteId: row.siteId, ownerId: row.ownerId, sku: row.sku, locationId: location.id, lot: toLotKey(row.lot), status: 'AVAILABLE' as const };
          const balance = await store.lockBalance(tx, key);
          // A product that is neither lot- nor expiry-controlled is dated by no expiry (`expiryRule`; its lot-less units
          // would all take it), save the one its balance already has (an export of such stock imports back).
          const product = products.get(row.sku);
          const undated = product === undefined ? undefined : expiryRule(product, row.expiresOn);
          if (undated !== undefined && row.expiresOn !== (balance?.expires_on ?? null)) {
            errors.push({ index, field: '/expiresOn', message: `${row.sku} is ${undated}` });
            continue;
          }
          // Units counted over the AVAILABLE ones are an LPN's reported lost there first, up to its HOLD units
          // (`expectedOnShelf`, as a cycle count's): on the books already, released once by its find. Set absolutely,
          // the import added them as found stock and the find released them too: 20 on the books for 10 (lpn8).
          const { lost } = await store.heldOnShelf(tx, { siteId: key.siteId, ownerId: key.ownerId, sku: key.sku, locationId: key.locationId, lot: key.lot });
          const delta = row.quantity - expectedOnShelf({ balance, lostThere: lost }, row.quantity);
          if (delta === 0) {
            unchanged += 1;
            continue;
          }
          if (products.get(row.sku)?.expiryControlled === true && balance === undefined && row.expiresOn === null) {
            errors.push({ index, field: '/expiresOn', message: `${row.sku} is expiry-controlled: give the expiry of new stock` });
            continue;
          }
          const skuStock = await store.lockExistingSkuStock(tx, row.siteId, row.ownerId, row.sku);
          const movementId = deps.ids.next('mov');
          // The lot rule (`lotRule`) as for any adjustment: units added name their lot for a lot-controlled product and
          // none for another where none of that lot are on hand; lot-less units on hand of a product made lot-controlled
          // later are counted down (or as they are: the export of such stock imports back), never up.
          const decision = decideAdjust({ product: products.get(row.sku), location, pickable: learned.pickable, paused: learned.paused, balance, skuStock },
            { siteId: row.siteId, ownerId: row.ownerId, sku: row.sku, locationId: location.id, lot: row.lot ?? undefined, delta, reason: 'COUNT', movementId },
            deps.clock.now());
          if (!decision.ok) {
            errors.push({ index, field: decision.errors?.[0]?.field === '/lot' ? '/lot' : '/quantity', message: decision.message });
            continue;
          }
          const d = decision.value;
          // The row's expiry dates units added where the key has no balance yet (docs/integrations/csv.md), and none given
          // there the lot's known one (undated, the units would never expire). Units found where there is a balance are
          // of it: an expiry given with them moved the whole balance's (a balance keeps its earliest), so a count of one
          // more unit dated yesterday took every unit of the lot there out of ATP as expired.
          const dated = balance === undefined ? row.expiresOn ?? await store.knownLotExpiry(tx, d.key.ownerId, d.key.sku, d.key.lot) : null;
          if (d.delta > 0) await store.addOnHand(tx, d.key, d.delta, dated);
          else await changeBalanceOrFail(tx, d.key, d.delta, 0, `count of ${row.quantity} refused at ${location.code}`);
          await changeSkuOnHandOrFail(tx, d.key.siteId, d.key.ownerId, d.key.sku, d.delta, d.unpickable, `count of ${row.quantity} ${row.sku} went below allocated`);
          const { status: _status, ...dockKey } = d.key;
          const withdrawn = d.delta >= 0 ? [] : await withdrawTakenOffDock(tx, deps, dockPutaways.get(index) ?? [], dockKey, -d.delta, movementId,
            `counted off the receiving location (stock count import, movement ${movementId}): nothing left there to put away`);
          await record(tx, deps, d.movements, [...learned.events, ...d.events, ...withdrawn], meta);
          if (balance === undefined || balance.on_hand === 0) created += 1;
          else updated += 1;
          if (delta > 0) added += delta;
          else removed -= delta;
        }
        if (errors.length > 0 || o.dryRun) throw new RolledBack(result(false));
        counters.adjusted.inc(added + removed);
        return result(true);
      });
    } catch (e) {
      if (e instanceof RolledBack) return e.result;
      throw e;
    }
  };
}
