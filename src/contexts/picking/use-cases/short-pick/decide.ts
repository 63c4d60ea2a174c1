import { PickingEvents, type LineShorted } from '../../../../contracts/picking.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { decideFloorAction, type FloorCode, type FloorCommand, type FloorDecision, type FloorState } from '../../domain/floor-action.ts';
import type { LineAction } from '../../domain/pick-list.ts';

export type ShortPick = FloorCommand<Extract<LineAction, { kind: 'short' }>>;
export type ShortCode = 'ORDER_CANCELLED';

/** Closes a line SHORT for what is still open on it (what was picked stays picked). */
export const decideShortPick: Decide<FloorState, ShortPick, FloorDecision, ShortCode | FloorCode> = (state, command, now) => {
  const { reason } = command.action;
  return decideFloorAction(state, command, now, (line) => {
    if (line.status === 'CANCELLED') return reject('ORDER_CANCELLED', 'The order of this line was cancelled: nothing is left to pick');
    if (line.status !== 'PENDING') return reject('ILLEGAL_TRANSITION', `The line is ${line.status}; it cannot go short`);
    const shortQuantity = line.quantity - line.picked;
    return ok({ picked: line.picked, shortQuantity, shortReason: reason, toteId: line.toteId, status: 'SHORT' as const });
  }, (list, line) => {
    const data: LineShorted = {
      pickListId: list.id, pickLineId: line.id, orderId: line.orderId, lineId: line.orderLineId, reservationId: line.reservationId,
      siteId: line.siteId, sku: line.sku, locationId: line.locationId, lot: line.lot, shortQuantity: line.shortQuantity, reason,
    };
    return { type: PickingEvents.lineShorted, subject: list.id, siteId: list.siteId, data };
  });
};
