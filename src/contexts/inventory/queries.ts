import type { ActorKind } from '../../platform/bus/envelope.ts';
import type { Executor } from '../../platform/db/database.ts';
import { nextCursor } from '../../platform/http/paging.ts';
import { fromLotKey } from './domain/stock.ts';
import { balanceView, returnView } from './views.ts';
import { HELD_STATUSES, type HeldStatus, type ReturnStatus } from '../../contracts/inventory.ts';
import * as store from './store.ts';

/** A held balance's status; the query reads held statuses only, so anything else is a broken invariant. */
function heldStatus(status: string): HeldStatus {
  if ((HELD_STATUSES as readonly string[]).includes(status)) return status as HeldStatus;
  throw new Error(`a held balance has status ${status}`);
}

/** How many of the movements that put units into a held balance `GET /inventory/holds` shows (newest first). */
export const HOLD_HISTORY = 10;

function movementView(m: store.MovementRow) {
  return {
    id: m.id, type: m.type, siteId: m.site_id, ownerId: m.owner_id, sku: m.sku, locationId: m.location_id, lot: fromLotKey(m.lot), status: m.status,
    deltaOnHand: m.delta_on_hand, deltaReserved: m.delta_reserved, deltaAllocated: m.delta_allocated,
    reason: m.reason, reference: m.reference, createdAt: m.created_at.toISOString(),
    // Who caused it (ADR 0019): the caller of the request at the root of the chain; null for jobs and older movements.
    // The three columns are written together (store.ts); the kind is one of ActorKind (a CHECK constraint).
    actor: m.actor_id === null || m.actor_kind === null || m.actor_role === null
      ? null
      : { kind: m.actor_kind as ActorKind, id: m.actor_id, role: m.actor_role },
  };
}

/**
 * The read side of the stock ledger as the HTTP edge shows it: pages and views over the store (http.ts never reaches
 * the store itself). Balances and movements are listed by their seq (a bigint): the cursor is the last seq of the page.
 */
export function inventoryQueries(db: Executor) {
  return {
    async balances(q: { siteId: string; ownerId?: string | undefined; sku?: string | undefined; locationId?: string | undefined; limit: number; after: number }) {
      const rows = await store.listBalances(db, { siteId: q.siteId, ownerId: q.ownerId, sku: q.sku, locationId: q.locationId, limit: q.limit, cursor: q.after });
      return { items: rows.map(balanceView), nextCursor: nextCursor(rows, q.limit, (l) => l.seq) };
    },

    /**
     * Stock still held at a site (HOLD, QUARANTINE, DAMAGED balances with units on hand), each with the movements that
     * put units there (who, when, why), newest first: the record a manager lists of the holds placed by hand and the rest.
     */
    async holds(q: { siteId: string; ownerId?: string | undefined; sku?: string | undefined; locationId?: string | undefined; status?: string | undefined; limit: number; after: number }) {
      const rows = await store.listHeldBalances(db, { ...q, cursor: q.after });
      const into = await store.movementsIntoBalances(db, q.siteId, rows, HOLD_HISTORY);
      return {
        items: rows.map((b) => ({
          siteId: b.site_id, ownerId: b.owner_id, sku: b.sku, locationId: b.location_id, lot: fromLotKey(b.lot), status: heldStatus(b.status),
          quantity: b.on_hand, since: b.first_received_at.toISOString(),
          holds: (into.get(Number(b.seq)) ?? []).map((m) => ({
            movementId: m.id, type: m.type, quantity: m.delta_on_hand, reason: m.reason, at: m.created_at.toISOString(), actor: movementView(m).actor,
          })),
        })),
        nextCursor: nextCursor(rows, q.limit, (l) => l.seq),
      };
    },

    async movements(q: { siteId: string; ownerId?: string | undefined; sku?: string | undefined; lot?: string | undefined; type?: string | undefined; limit: number; after: number }) {
      const rows = await store.listMovements(db, { siteId: q.siteId, ownerId: q.ownerId, sku: q.sku, lot: q.lot, type: q.type, limit: q.limit, cursor: q.after });
      return { items: rows.map(movementView), nextCursor: nextCursor(rows, q.limit, (l) => l.seq) };
    },

    async movement(id: string) {
      const m = await store.getMovement(db, id);
      return m === undefined ? undefined : movementView(m);
    },

    async reservations(filter: { waveId?: string | undefined; orderId?: string | undefined }) {
      const rows = await store.listReservations(db, filter);
      return rows.map((r) => ({
        reservationId: r.id, waveId: r.wave_id, orderId: r.order_id, lineId: r.line_id, siteId: r.site_id, ownerId: r.owner_id, sku: r.sku,
        locationId: r.location_id, lot: fromLotKey(r.lot), quantity: r.quantity, picked: r.picked, shorted: r.shorted, status: r.status,
      }));
    },

    async returns(q: { siteId: string; status?: ReturnStatus | undefined; orderId?: string | undefined; limit: number; after: string | null }) {
      const rows = await store.listReturns(db, q);
      const confirmations = await store.confirmationsOf(db, rows.map((r) => r.id));
      return { items: rows.map((r) => returnView(r, confirmations)), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },

    async return(id: string) {
      const r = await store.getReturn(db, id);
      return r === undefined ? undefined : returnView(r, await store.confirmationsOf(db, [r.id]));
    },

    async summary(q: store.SummaryPageQuery) {
      const rows = await store.summary(db, q);
      return {
        items: rows.map((r) => ({
          sku: r.sku, received: r.received, shipped: r.shipped, adjusted: r.adjusted,
          onHand: r.on_hand, onHandAvailable: r.on_hand_available, reserved: r.reserved, allocated: r.allocated,
          ledgerOnHand: r.ledger_on_hand, ledgerReserved: r.ledger_reserved, ledgerAllocated: r.ledger_allocated,
        })),
        nextCursor: nextCursor(rows, q.limit, (r) => r.sku),
      };
    },
  };
}

/** Every balance of a site with units on hand or reserved, in key order (InventoryCommands.stockSnapshot). */
export async function stockSnapshot(db: Executor, siteId: string) {
  const rows = await db.query<{ sku: string; locationId: string; lot: string; status: string; ownerId: string; onHand: number; reserved: number }>(
    `SELECT sku, location_id AS "locationId", lot, status, owner_id AS "ownerId", on_hand AS "onHand", reserved FROM inventory.balances
     WHERE site_id = $1 AND (on_hand <> 0 OR reserved <> 0) ORDER BY sku, location_id, lot, status, owner_id`, [siteId]);
  return rows.map((r) => ({ ...r, lot: fromLotKey(r.lot) }));
}
