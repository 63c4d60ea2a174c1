import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import { decideInTx } from '../../../../platform/decider.ts';
import { ok, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as rmas from '../../rma-store.ts';
import { rmaView, type RmaView } from '../../views-rma.ts';
import { decideCloseRma, type CloseRmaCommand } from './decide.ts';

/** POST /rmas/{id}/close and /cancel. */
export function closeRmaHandler(deps: PlatformDeps) {
  return async (cmd: CloseRmaCommand, meta: EventMeta): Promise<Outcome<RmaView, 'NOT_FOUND' | 'ILLEGAL_TRANSITION'>> =>
    decideInTx(deps.db, async (tx) => {
      const rma = await rmas.lockRma(tx, cmd.rmaId);
      const d = decideCloseRma({ rma }, cmd, deps.clock.now());
      if (!d.ok) return d;
      await rmas.setRmaStatus(tx, cmd.rmaId, cmd.to);
      await deps.bus.append(tx, 'inventory', d.value.events, meta);
      return ok(rmaView((await rmas.getRma(tx, cmd.rmaId))!, await rmas.linesOf(tx, cmd.rmaId)));
    });
}
