import { decideInTx } from '../../../../platform/decider.ts';
import { ok, reject, type Outcome } from '../../../../platform/errors.ts';
import type { PlatformDeps } from '../../../../platform/module.ts';
import * as owners from '../../owners-store.ts';
import { decideCreateOwner, type CreateOwnerInput } from './decide.ts';

/** POST /owners: decides on the owner holding the code, inserts (a racing insert of the same code is refused too). */
export function createOwnerHandler(deps: PlatformDeps) {
  return async (input: CreateOwnerInput): Promise<Outcome<owners.OwnerRow, 'VALIDATION_FAILED' | 'OWNER_CODE_TAKEN'>> => decideInTx(deps.db, async (tx) => {
    const decision = decideCreateOwner({ sameCode: await owners.ownerByCode(tx, input.code) }, { ...input, id: deps.ids.next('own') }, deps.clock.now());
    if (!decision.ok) return decision;
    const row = await owners.insertOwner(tx, decision.value);
    if (row === undefined) return reject('OWNER_CODE_TAKEN', `Another owner has the code ${input.code}`, [{ field: '/code', message: 'is taken' }]);
    return ok(row);
  });
}
