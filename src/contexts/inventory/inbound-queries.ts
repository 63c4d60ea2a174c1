/** The read side of inbound for the HTTP edge: ASNs and putaways with their lines, discrepancies and confirms. */
import type { AsnStatus, PutawayStatus } from '../../contracts/inventory.ts';
import type { Executor } from '../../platform/db/database.ts';
import { nextCursor } from '../../platform/http/paging.ts';
import * as inbound from './inbound-store.ts';
import { asnView, putawayView, type AsnView, type PutawayView } from './inbound-views.ts';

export function inboundQueries(db: Executor) {
  async function asnViews(rows: readonly inbound.AsnRow[]): Promise<AsnView[]> {
    const ids = rows.map((r) => r.id);
    const [lines, discrepancies] = [await inbound.asnLines(db, ids), await inbound.discrepanciesOf(db, ids)];
    return rows.map((r) => asnView(r, lines, discrepancies));
  }
  async function putawayViews(rows: readonly inbound.PutawayRow[]): Promise<PutawayView[]> {
    const confirmations = await inbound.putawayConfirmationsOf(db, rows.map((r) => r.id));
    return rows.map((r) => putawayView(r, confirmations));
  }
  return {
    async asns(q: { siteId: string; ownerId?: string | undefined; status?: AsnStatus | undefined; limit: number; after: string | null }) {
      const rows = await inbound.listAsns(db, q);
      return { items: await asnViews(rows), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },
    async asn(id: string): Promise<AsnView | undefined> {
      const a = await inbound.getAsn(db, id);
      return a === undefined ? undefined : (await asnViews([a]))[0];
    },
    async putaways(q: { siteId: string; status?: PutawayStatus | undefined; asnId?: string | undefined; limit: number; after: string | null }) {
      const rows = await inbound.listPutaways(db, q);
      return { items: await putawayViews(rows), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },
    async putaway(id: string): Promise<PutawayView | undefined> {
      const p = await inbound.getPutaway(db, id);
      return p === undefined ? undefined : (await putawayViews([p]))[0];
    },
  };
}
