import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import type { OwnerRow } from '../../owners-store.ts';

export interface CreateOwnerInput {
  /** Short, stable and upper-case (`ACME`): what people and files name the client by. */
  readonly code: string;
  readonly name: string;
}

export type CreateOwnerCommand = CreateOwnerInput & { readonly id: string };

export interface CreateOwnerState {
  /** The owner that has the code already, if any. */
  readonly sameCode: OwnerRow | undefined;
}

/** A new owner (3PL client, ADR 0028): a free code and a name. Owners are never deleted: stock and orders name them. */
export const decideCreateOwner: Decide<CreateOwnerState, CreateOwnerCommand, Pick<OwnerRow, 'id' | 'code' | 'name'>, 'VALIDATION_FAILED' | 'OWNER_CODE_TAKEN'> = (state, cmd) => {
  const name = cmd.name.trim();
  if (name === '') return reject('VALIDATION_FAILED', 'An owner needs a name', [{ field: '/name', message: 'must not be blank' }]);
  if (state.sameCode !== undefined) {
    return reject('OWNER_CODE_TAKEN', `Owner ${state.sameCode.id} has the code ${cmd.code}`, [{ field: '/code', message: 'is taken' }]);
  }
  return ok({ id: cmd.id, code: cmd.code, name });
};
