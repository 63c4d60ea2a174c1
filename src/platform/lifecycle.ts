import { AppError, reject, type Outcome } from './errors.ts';

/**
 * A lifecycle is data: a transition table `Record<State, State[]>` (who may move where) and the states an aggregate
 * is born in. `defineLifecycle` turns the table into the one thing the code enforces (`can`, `check`, `assertCan`)
 * and can prove the table sane (`unreachable`). A state listed in its own targets (reservations' OPEN → OPEN) is a
 * legal update that keeps the status; otherwise from === to is not a transition.
 */
export interface Lifecycle<S extends string> {
  /** What the aggregate is called in messages (`task`, `pick list`). */
  readonly name: string;
  readonly table: Readonly<Record<S, readonly S[]>>;
  /** The states an aggregate is created in. */
  readonly initial: readonly S[];
  /** Whether the table allows `from → to` (a plain function: `const canMove = lifecycle.can` is fine). */
  readonly can: (from: S, to: S) => boolean;
  /** `from → to` as a typed outcome: the target, or an ILLEGAL_TRANSITION rejection a command returns. */
  check(from: S, to: S, message?: string): Outcome<S, 'ILLEGAL_TRANSITION'>;
  /** Throws a coded ILLEGAL_TRANSITION AppError (409) unless the table allows `from → to`: a broken invariant. */
  assertCan(from: S, to: S, message?: string): void;
  /** Every state reachable from the initial ones by legal moves (the initial ones included). */
  reachable(): ReadonlySet<S>;
  /** The states of the table that no legal path reaches: a table is sane when this is empty. */
  unreachable(): readonly S[];
}

export function defineLifecycle<S extends string>(
  name: string, table: Readonly<Record<S, readonly S[]>>, initial: readonly S[],
): Lifecycle<S> {
  const can = (from: S, to: S): boolean => table[from].includes(to);
  const illegal = (from: S, to: S): string => `A ${name} that is ${from} cannot become ${to}`;
  const reachable = (): ReadonlySet<S> => {
    const seen = new Set<S>(initial);
    const todo = [...initial];
    for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
      for (const next of table[s]) if (!seen.has(next)) { seen.add(next); todo.push(next); }
    }
    return seen;
  };
  return {
    name, table, initial, can,
    check: (from, to, message) => (can(from, to) ? { ok: true, value: to } : reject('ILLEGAL_TRANSITION', message ?? illegal(from, to))),
    assertCan(from, to, message) {
      if (!can(from, to)) throw new AppError('ILLEGAL_TRANSITION', message ?? illegal(from, to));
    },
    reachable,
    unreachable() {
      const seen = reachable();
      return (Object.keys(table) as S[]).filter((s) => !seen.has(s));
    },
  };
}
