import type { LinePicked } from '../../../../contracts/picking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Tx } from '../../../../platform/db/database.ts';
import { unwrap } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import { reservedBalance, type BalanceKey } from '../../domain/ledger.ts';
import type { NewReturn } from '../../domain/returns.ts';
import type { ReservationStatus } from '../../domain/stock.ts';
import { unpromisedAt, whereabouts } from '../../domain/pickability.ts';
import { lockWhereabouts } from '../../pickability.ts';
import * as serialStore from '../../serial-store.ts';
import * as store from '../../store.ts';
import { changeBalanceOrFail, record, recordMany } from '../ledger-writes.ts';
import type { InventoryCounters } from '../metrics.ts';
import { decidePick, type PickDecision } from './decide.ts';

/**
 * On `picking.line.picked`. Locks the reservation, then (when open, or cancelled: the units go to the tote and wait for
 * their return) its location's projection row and its balance.
 */
export function pickLineHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, pick: LinePicked, meta: EventMeta): Promise<void> => {
    const reservation = await store.lockReservation(tx, pick.reservationId);
    let sourcePickable = true;
    let sourceExpiresOn: string | null = null;
    let sourceFree = 0;
    let sourceUnpromised = Infinity;
    if (reservation?.status === 'OPEN' || reservation?.status === 'CANCELLED') {
      const where = await lockWhereabouts(tx, reservation.location_id);
      sourcePickable = where.pickable;
      const source = await store.lockBalance(tx, reservedBalance(reservation));
      sourceExpiresOn = source?.expires_on ?? null;
      sourceFree = source === undefined ? 0 : source.on_hand - source.reserved;
      // Units kept in a cancelled order's tote cover no allocation: the SKU row (after the balance, as every path locks
      // them) says how many may leave the pickable cover.
      if (reservation.status === 'CANCELLED' && (where.pickable || where.paused)) {
        const sku = await store.lockSkuStock(tx, reservation.site_id, reservation.owner_id, reservation.sku);
        sourceUnpromised = unpromisedAt(sku, where, source?.on_hand ?? 0);
      }
    }
    // A rejection is thrown: the event is retried, then dead-lettered, as before use cases returned outcomes.
    const command = { ...pick, newReturnId: () => deps.ids.next('rtn') };
    const d = unwrap(decidePick({ reservation, sourcePickable, sourceExpiresOn, sourceFree, sourceUnpromised }, command, deps.clock.now()));
    if (d.take !== undefined) {
      const { from, to, quantity: q } = d.take;
      await changeBalanceOrFail(tx, from, -q, -d.take.reserved, `balance at ${from.locationId} cannot give ${q} units`);
      await store.changeUnpickable(tx, from.siteId, from.ownerId, from.sku, d.unpickable);
      await store.addOnHand(tx, to, q, d.take.expiresOn);
    }
    if (d.returnRequest !== undefined) await store.insertReturns(tx, [d.returnRequest.row]);
    if (d.reservationChange !== undefined) {
      const c = d.reservationChange;
      await store.updateReservation(tx, c.id, c.picked, c.shorted, c.status);
    }
    await record(tx, deps, d.movements, d.events, meta);
    await markPickedSerials(tx, deps, [pick]);
    if (d.units > 0) tx.afterCommit(() => counters.picked.inc(d.units));
  };
}

/**
 * The serials scanned at pick (ADR 0058) marked PICKED for their order in the registry, in the pick's transaction; a
 * serial the registry does not hold IN_STOCK (picking's view of it was ahead or behind) is logged, and the pick stands.
 */
async function markPickedSerials(tx: Tx, deps: Pick<PlatformDeps, 'clock' | 'log'>, picks: readonly LinePicked[]): Promise<void> {
  const named = picks.filter((p) => p.serials !== undefined && p.serials.length > 0).map((p) => ({
    siteId: p.siteId, sku: p.sku, serials: p.serials ?? [], orderId: p.orderId, pickListId: p.pickListId, locationId: p.locationId,
  }));
  if (named.length === 0) return;
  const expected = named.reduce((n, p) => n + p.serials.length, 0);
  const marked = await serialStore.markPicked(tx, named, deps.clock.now());
  if (marked !== expected) {
    deps.log.warn({ picks: named.map((p) => ({ pickListId: p.pickListId, sku: p.sku, serials: p.serials })), marked, expected },
      'inventory: serials picked that the registry does not hold IN_STOCK; the pick stands');
  }
}

/**
 * On a run of `picking.line.picked` events (ADR 0043): the effect of `pickLineHandler` on each in turn, in one statement
 * each for the reservation locks (id order), the location projection rows (FOR SHARE), the source balances (key order),
 * the guarded balance changes (summed per balance), unpickable units, the in-process balances, returns, reservations,
 * the ledger and the events, whatever the number of picks. The decider runs pick by pick against what the earlier
 * picks of the run left (reservation and source balance), so two picks of one reservation are checked as one after
 * the other; a rejection fails the run, which the bus then delivers event by event.
 */
export function pickLinesHandler(deps: PlatformDeps, counters: InventoryCounters) {
  return async (tx: Tx, picks: readonly { readonly pick: LinePicked; readonly meta: EventMeta }[]): Promise<void> => {
    if (picks.length === 0) return;
    const reservations = await store.lockReservations(tx, picks.map((p) => p.pick.reservationId));
    const live = [...reservations.values()].filter((r) => r.status === 'OPEN' || r.status === 'CANCELLED');
    const locations = await store.shareLocations(tx, live.map((r) => r.location_id));
    const balances = await store.lockBalancesByKey(tx, live.map((r) => reservedBalance(r)));
    // The SKU rows of cancelled reservations picked from a location that covers allocations (after the balances, as
    // every path locks them): units kept in a cancelled order's tote cover none, so the rows bound how many may stay.
    const covers = (r: { location_id: string }): boolean => {
      const row = locations.get(r.location_id);
      if (row === undefined) return true;
      const w = whereabouts(row);
      return w.pickable || w.paused;
    };
    const skuRows = await lockSkuRows(tx, live.filter((r) => r.status === 'CANCELLED' && covers(r)));
    /** Units each such SKU's earlier picks of the run kept in a cancelled order's tote, out of its pickable cover. */
    const keptFromCover = new Map<string, number>();
    // What the run has done so far: the reservations and the source balances as the earlier picks left them.
    const current = new Map([...reservations].map(([id, r]) => [id, { ...r }]));
    const free = new Map([...balances].map(([k, b]) => [k, b.on_hand - b.reserved]));
    const taken = new Map<string, { key: BalanceKey; deltaOnHand: number; deltaReserved: number }>();
    const landed = new Map<string, { key: BalanceKey; quantity: number; expiresOn: string | null }>();
    const unpickable = new Map<string, { siteId: string; ownerId: string; sku: string; delta: number }>();
    const changed = new Map<string, { id: string; picked: number; shorted: number; status: ReservationStatus }>();
    const returns: NewReturn[] = [];
    const decisions: { movements: PickDecision['movements']; events: PickDecision['events']; meta: EventMeta }[] = [];
    let units = 0;
    for (const { pick, meta } of picks) {
      const reservation = current.get(pick.reservationId);
      const live = reservation?.status === 'OPEN' || reservation?.status === 'CANCELLED';
      const sourceKey = reservation === undefined ? '' : store.balanceKeyOf(reservedBalance(reservation));
      const source = live ? balances.get(sourceKey) : undefined;
      const state = {
        reservation,
        sourcePickable: live ? (locations.get(reservation.location_id)?.pickable ?? true) : true,
        sourceExpiresOn: source?.expires_on ?? null,
        sourceFree: live && source !== undefined ? (free.get(sourceKey) ?? 0) : 0,
        sourceUnpromised: Infinity,
      };
      const skuKey = reservation === undefined ? '' : skuKeyOf(reservation);
      const skuRow = skuRows.get(skuKey);
      if (reservation?.status === 'CANCELLED' && skuRow !== undefined && covers(reservation)) {
        const row = locations.get(reservation.location_id);
        const where = row === undefined ? { pickable: true, paused: false } : whereabouts(row);
        const here = balances.get(sourceKey)?.on_hand ?? 0;
        state.sourceUnpromised = unpromisedAt(skuRow, where, here) - (keptFromCover.get(skuKey) ?? 0);
      }
      const d = unwrap(decidePick(state, { ...pick, newReturnId: () => deps.ids.next('rtn') }, deps.clock.now()));
      if (d.take !== undefined) {
        const { from, to, quantity: q } = d.take;
        const t = taken.get(sourceKey) ?? { key: from, deltaOnHand: 0, deltaReserved: 0 };
        taken.set(sourceKey, { key: from, deltaOnHand: t.deltaOnHand - q, deltaReserved: t.deltaReserved - d.take.reserved });
        free.set(sourceKey, (free.get(sourceKey) ?? 0) - q + d.take.reserved);
        const toKey = store.balanceKeyOf(to);
        const l = landed.get(toKey);
        const expiresOn = l === undefined ? d.take.expiresOn : l.expiresOn === null ? d.take.expiresOn : d.take.expiresOn === null ? l.expiresOn
          : (l.expiresOn < d.take.expiresOn ? l.expiresOn : d.take.expiresOn);
        landed.set(toKey, { key: to, quantity: (l?.quantity ?? 0) + q, expiresOn });
        if (reservation?.status === 'CANCELLED' && skuRows.has(skuKey)) keptFromCover.set(skuKey, (keptFromCover.get(skuKey) ?? 0) + q);
        const u = unpickable.get(skuKey) ?? { siteId: from.siteId, ownerId: from.ownerId, sku: from.sku, delta: 0 };
        unpickable.set(skuKey, { ...u, delta: u.delta + d.unpickable });
      }
      if (d.returnRequest !== undefined) returns.push(d.returnRequest.row);
      if (d.reservationChange !== undefined) {
        const c = d.reservationChange;
        changed.set(c.id, { id: c.id, picked: c.picked, shorted: c.shorted, status: c.status });
        const r = current.get(c.id);
        if (r !== undefined) current.set(c.id, { ...r, picked: c.picked, shorted: c.shorted, status: c.status });
      }
      decisions.push({ movements: d.movements, events: d.events, meta });
      units += d.units;
    }
    // The guarded UPDATE stays the last word: a decision the locked rows cannot cover is a broken invariant.
    const changes = [...taken.values()];
    if ((await store.changeBalances(tx, changes)) !== changes.length) throw new Error('a source balance cannot give the units a run of picks took');
    await store.changeUnpickables(tx, [...unpickable.values()]);
    await store.addOnHands(tx, [...landed.values()]);
    await store.insertReturns(tx, returns);
    await store.updateReservations(tx, [...changed.values()]);
    await recordMany(tx, deps, decisions);
    await markPickedSerials(tx, deps, picks.map((p) => p.pick));
    if (units > 0) tx.afterCommit(() => counters.picked.inc(units));
  };
}

const skuKeyOf = (r: { readonly site_id: string; readonly owner_id: string; readonly sku: string }): string =>
  [r.site_id, r.owner_id, r.sku].join('\u0000');

/** The SKU rows of these reservations, locked FOR UPDATE per site and owner in SKU order (`lockSkuStocks`), by `skuKeyOf`. */
async function lockSkuRows(tx: Tx, reservations: readonly { readonly site_id: string; readonly owner_id: string; readonly sku: string }[]) {
  const rows = new Map<string, store.SkuStockRow>();
  const groups = new Map<string, { siteId: string; ownerId: string; skus: string[] }>();
  for (const r of reservations) {
    const g = groups.get(`${r.site_id}\u0000${r.owner_id}`) ?? { siteId: r.site_id, ownerId: r.owner_id, skus: [] };
    g.skus.push(r.sku);
    groups.set(`${r.site_id}\u0000${r.owner_id}`, g);
  }
  for (const [, g] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    for (const row of await store.lockSkuStocks(tx, g.siteId, g.ownerId, g.skus)) rows.set(skuKeyOf(row), row);
  }
  return rows;
}
