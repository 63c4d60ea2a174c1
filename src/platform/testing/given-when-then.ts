import { expect } from 'vitest';
import type { Decide } from '../decider.ts';
import type { ErrorCode, Outcome } from '../errors.ts';

/** A fixed instant for decider tests that do not care about time (2026-01-15 12:00 UTC). */
export const T0 = new Date('2026-01-15T12:00:00.000Z');

interface When<Decision, Code extends ErrorCode> {
  /** The decision the use case takes; `expected` is compared deeply (or run as assertions when a function). */
  then(expected: Decision | ((decision: Decision) => void)): Decision;
  /** The rejection the use case returns: its code, and optionally a fragment of its message and the fields named. */
  thenRejects(code: Code, detail?: { message?: string | RegExp; fields?: readonly string[] }): void;
}

/**
 * Given/When/Then over a pure decider: `given(state).when(command, now).then(decision)` or `.thenRejects(code)`.
 *
 *   const spec = deciderSpec(decideConfirm);
 *   spec.given(openLine).when({ quantity: 3 }).thenRejects('QUANTITY_EXCEEDS_OPEN');
 */
export function deciderSpec<State, Command, Decision, Code extends ErrorCode>(decide: Decide<State, Command, Decision, Code>) {
  return {
    given(state: State) {
      return {
        when(command: Command, now: Date = T0): When<Decision, Code> {
          const outcome: Outcome<Decision, Code> = decide(state, command, now);
          return {
            then(expected) {
              if (!outcome.ok) throw new Error(`expected a decision, got the rejection ${outcome.code}: ${outcome.message}`);
              if (typeof expected === 'function') (expected as (d: Decision) => void)(outcome.value);
              else expect(outcome.value).toEqual(expected);
              return outcome.value;
            },
            thenRejects(code, detail) {
              if (outcome.ok) throw new Error(`expected the rejection ${code}, got the decision ${JSON.stringify(outcome.value)}`);
              expect(outcome.code).toBe(code);
              if (detail?.message !== undefined) expect(outcome.message).toMatch(detail.message);
              if (detail?.fields !== undefined) expect((outcome.errors ?? []).map((e) => e.field)).toEqual(detail.fields);
            },
          };
        },
      };
    },
  };
}
