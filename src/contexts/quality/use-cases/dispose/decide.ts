import type { Disposition, TargetKind } from '../../../../contracts/quality.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { assertNever, ok, reject } from '../../../../platform/errors.ts';
import { holdLifecycle, type HoldStatus } from '../../domain/lifecycles.ts';

export interface DisposeState {
  readonly holdStatus: HoldStatus;
  readonly targetKind: TargetKind;
}
export interface DisposeCommand {
  readonly inspectionId: string;
  readonly disposition: Disposition;
}

/** The hold's new status. */
export const holdStatusAfter = (d: Disposition): HoldStatus => {
  switch (d) {
    case 'RELEASE':
    case 'REWORK':
      return 'RELEASED';
    case 'SCRAP':
      return 'SCRAPPED';
    case 'RETURN_TO_VENDOR':
      return 'RETURNED';
    default:
      return assertNever(d, 'disposition');
  }
};

/**
 * A HELD target is disposed of once (INSPECTION_NOT_HELD otherwise: it passed, or was disposed of already). RELEASE and
 * REWORK (reworked, then released) release it; SCRAP and RETURN_TO_VENDOR take units out of stock. A package is not
 * returned to a vendor (UNPROCESSABLE): it is released, reworked (repacked) or scrapped.
 */
export const decideDisposition: Decide<DisposeState, DisposeCommand, { readonly holdStatus: HoldStatus }, 'INSPECTION_NOT_HELD' | 'UNPROCESSABLE'> = (state, cmd) => {
  if (state.holdStatus !== 'HELD') {
    return reject('INSPECTION_NOT_HELD', `Inspection ${cmd.inspectionId} holds nothing (${state.holdStatus === 'NONE' ? 'it did not fail' : `already ${state.holdStatus}`})`);
  }
  if (state.targetKind === 'PACKAGE' && cmd.disposition === 'RETURN_TO_VENDOR') {
    return reject('UNPROCESSABLE', 'A package cannot be returned to a vendor: release, rework or scrap it', [{ field: '/disposition', message: 'not for a package' }]);
  }
  const holdStatus = holdStatusAfter(cmd.disposition);
  holdLifecycle.assertCan(state.holdStatus, holdStatus);
  return ok({ holdStatus });
};
