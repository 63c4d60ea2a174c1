import type { RmaStatus } from '../../contracts/inventory.ts';
import { nextCursor } from '../../platform/http/paging.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import * as rmas from './rma-store.ts';
import { authoriseRmaHandler } from './use-cases/authorise-rma/handler.ts';
import { closeRmaHandler } from './use-cases/close-rma/handler.ts';
import { inspectRmaHandler } from './use-cases/inspect-rma/handler.ts';
import type { StockApis } from './use-cases/ledger-writes.ts';
import { receiveRmaHandler } from './use-cases/receive-rma/handler.ts';
import { rmaView } from './views-rma.ts';

/** Customer returns (RMA, issue 11), composed from their use cases: authorise, receive, inspect with a disposition, close or cancel. */
export function rmaService(deps: PlatformDeps, apis: StockApis) {
  const close = closeRmaHandler(deps);
  return {
    authorise: authoriseRmaHandler(deps, apis),
    receive: receiveRmaHandler(deps, apis),
    inspect: inspectRmaHandler(deps, apis),
    close,
    async get(id: string) {
      const r = await rmas.getRma(deps.db, id);
      return r === undefined ? undefined : rmaView(r, await rmas.linesOf(deps.db, id));
    },
    async list(q: { siteId: string; ownerId?: string | undefined; status?: RmaStatus | undefined; limit: number; after: string | null }) {
      const rows = await rmas.listRmas(deps.db, q);
      const lines = await rmas.linesOfRmas(deps.db, rows.map((r) => r.id));
      return { items: rows.map((r) => rmaView(r, lines)), nextCursor: nextCursor(rows, q.limit, (r) => r.id) };
    },
  };
}

export type RmaService = ReturnType<typeof rmaService>;
