import { ok, reject, type Outcome } from '../../../platform/errors.ts';

/** Pallet ⊃ case ⊃ tote: at most three levels of LPNs, counting the outermost. */
export const MAX_NESTING_LEVELS = 3;

/**
 * May `child` (whose own subtree is `childHeight` levels deep, 1 for an LPN with no children) go inside `parent`,
 * whose chain up to the outermost LPN is `parentChain` (the parent first)? Refuses a cycle (the child is the parent
 * or one of its ancestors) and a fourth level.
 */
export function checkNesting(
  child: string, childHeight: number, parentChain: readonly string[],
): Outcome<{ levels: number }, 'NESTING_CYCLE' | 'NESTING_TOO_DEEP'> {
  if (parentChain.includes(child)) return reject('NESTING_CYCLE', `LPN ${child} cannot go inside ${parentChain[0] ?? child}: it would contain itself`);
  const levels = parentChain.length + childHeight;
  if (levels > MAX_NESTING_LEVELS) {
    return reject('NESTING_TOO_DEEP', `Putting LPN ${child} (${childHeight} level${childHeight === 1 ? '' : 's'}) inside ${parentChain[0] ?? ''} `
      + `(${parentChain.length} level${parentChain.length === 1 ? '' : 's'} deep) makes ${levels} levels; at most ${MAX_NESTING_LEVELS} nest`);
  }
  return ok({ levels });
}
