import type { ShortReason } from '../../../../contracts/picking.ts';
import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { PickList } from '../../domain/pick-list.ts';
import type { FloorActions } from '../floor-action.ts';
import { decideShortPick } from './decide.ts';

/** `POST /pick-lists/{id}/lines/{lineId}/short`. */
export function shortPickHandler(deps: Pick<PlatformDeps, 'metrics'>, act: FloorActions) {
  const unitsShorted = deps.metrics.counter('paklog_units_short_picked_total', 'Units closed short at picking');
  return async (listId: string, lineId: string, reason: ShortReason, meta: EventMeta, scanId?: string, actingWorker?: string, heldBy?: string): Promise<Outcome<PickList>> => {
    const result = await act({ listId, lineId, action: { kind: 'short', reason }, scanId, actingWorker, heldBy }, decideShortPick, meta);
    if (result.ok) unitsShorted.inc(result.value.lines.find((l) => l.id === lineId)?.shortQuantity ?? 0);
    return result;
  };
}
