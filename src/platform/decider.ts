import type { Tx } from './db/database.ts';
import type { ErrorCode, Outcome } from './errors.ts';

/**
 * A use case's business rule as a pure function (docs/dev/contexts.md, "Use cases"): the state its handler loaded
 * (rows locked in key order), the command, and the time → a decision (what to write, what to announce) or a typed
 * rejection. No I/O, no clock, no ids that are not handed in: a decider is tested with Given/When/Then alone
 * (`src/platform/testing/given-when-then.ts`); its handler loads, decides and writes, and the database's conditional
 * UPDATEs stay the last guard behind it.
 */
export type Decide<State, Command, Decision, Code extends ErrorCode = ErrorCode> =
  (state: State, command: Command, now: Date) => Outcome<Decision, Code>;

/**
 * Runs `fn` in one transaction that commits only when the use case accepts: a returned rejection rolls back whatever
 * the handler wrote before deciding (and its after-commit hooks never run), then is returned as the outcome. Faults
 * (thrown errors) roll back and propagate as before.
 */
export async function decideInTx<T, C extends ErrorCode>(
  db: { tx<R>(fn: (tx: Tx) => Promise<R>): Promise<R> },
  fn: (tx: Tx) => Promise<Outcome<T, C>>,
): Promise<Outcome<T, C>> {
  try {
    return await db.tx(async (tx) => {
      const outcome = await fn(tx);
      if (!outcome.ok) throw new Rejection(outcome);
      return outcome;
    });
  } catch (e) {
    if (e instanceof Rejection) return e.outcome as Outcome<T, C>;
    throw e;
  }
}

/** Carries a rejected outcome out of `db.tx` so the transaction rolls back; never escapes `decideInTx`. */
class Rejection extends Error {
  constructor(readonly outcome: Outcome<never, ErrorCode>) {
    super(outcome.ok ? 'rejected' : `${outcome.code}: ${outcome.message}`);
  }
}
