import { ok, reject, type Outcome } from '../../../../platform/errors.ts';

/** Every command on a plan, an inspection or a non-conformance starts here: an unknown id is 404 NOT_FOUND and writes nothing. */
export function decideFound<T>(state: T | undefined, cmd: { readonly what: string; readonly id: string }): Outcome<T, 'NOT_FOUND'> {
  return state === undefined ? reject('NOT_FOUND', `No ${cmd.what} ${cmd.id}`) : ok(state);
}
