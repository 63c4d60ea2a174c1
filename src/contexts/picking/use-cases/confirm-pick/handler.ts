import type { EventMeta } from '../../../../platform/bus/envelope.ts';
import type { Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import type { PickList } from '../../domain/pick-list.ts';
import type { FloorActions } from '../floor-action.ts';
import { decideConfirmPick, type PickScan } from './decide.ts';

/** A scan confirmation as the handheld sends it: the tote is per confirm (batch picking: one tote per order on the cart). */
export type Confirm = PickScan & {
  readonly toteId: string; readonly scanId?: string | undefined; readonly actingWorker?: string | undefined;
  /** The holder of the list's PICK task as tasks answered before the scan (FloorCommand.heldBy). */
  readonly heldBy?: string | undefined;
};

/** `POST /pick-lists/{id}/lines/{lineId}/confirm`. */
export function confirmPickHandler(deps: Pick<PlatformDeps, 'metrics'>, act: FloorActions) {
  const unitsPicked = deps.metrics.counter('paklog_units_picked_total', 'Units confirmed picked');
  const confirms = deps.metrics.counter('paklog_pick_confirmations_total', 'Pick confirmations (scans confirming a pick line, whole or partial)');
  return async (listId: string, lineId: string, scan: Confirm, meta: EventMeta): Promise<Outcome<PickList>> => {
    const { quantity, toteId, locationCode, barcode, serials } = scan;
    const action = { kind: 'confirm', quantity, toteId, locationCode, barcode, ...(serials === undefined ? {} : { serials }) } as const;
    const result = await act({ listId, lineId, action, scanId: scan.scanId, actingWorker: scan.actingWorker, heldBy: scan.heldBy }, decideConfirmPick, meta);
    if (result.ok) {
      unitsPicked.inc(scan.quantity);
      confirms.inc();
    }
    return result;
  };
}
