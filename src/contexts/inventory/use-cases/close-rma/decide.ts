import type { PublishedEvent } from '../../../../contracts/events.ts';
import { InventoryEvents, type RmaStatus } from '../../../../contracts/inventory.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { rmaLifecycle } from '../../domain/rma.ts';
import type { RmaRow } from '../../rma-store.ts';

export interface CloseRmaCommand {
  readonly rmaId: string;
  /** CLOSED: an inspected RMA is done (units never sent stay unreceived); CANCELLED: nothing arrived and none will. */
  readonly to: Extract<RmaStatus, 'CLOSED' | 'CANCELLED'>;
  readonly reason?: string | undefined;
}

/** Closing an inspected RMA, or cancelling one nothing was received against (the lifecycle table says which). */
export const decideCloseRma: Decide<{ readonly rma: RmaRow | undefined }, CloseRmaCommand, { readonly events: readonly PublishedEvent[] },
  'NOT_FOUND' | 'ILLEGAL_TRANSITION'> = (state, cmd) => {
  const rma = state.rma;
  if (rma === undefined) return reject('NOT_FOUND', `No RMA ${cmd.rmaId}`);
  const check = rmaLifecycle.check(rma.status, cmd.to, cmd.to === 'CLOSED'
    ? `RMA ${rma.id} is ${rma.status}: only an RMA whose received units are all inspected is closed`
    : `RMA ${rma.id} is ${rma.status}: only an RMA nothing was received against is cancelled`);
  if (!check.ok) return check;
  const events: PublishedEvent[] = cmd.to === 'CLOSED'
    ? [{ type: InventoryEvents.rmaClosed, subject: rma.id, siteId: rma.site_id, data: { rmaId: rma.id, siteId: rma.site_id } }]
    : [{ type: InventoryEvents.rmaCancelled, subject: rma.id, siteId: rma.site_id, data: { rmaId: rma.id, siteId: rma.site_id, reason: cmd.reason ?? '' } }];
  return ok({ events });
};
