/**
 * A count of the credentials this process has ended — a session signed out, a key revoked, a user disabled, a password
 * changed or reset, a grant taken away — so that what keeps a caller's authorization for a few seconds (an open GraphQL
 * subscription, a /live stream) checks it again at its next event after any of them, not only once its last check is
 * old: a signed-out person's open subscription hears nothing more (ADR 0019 addendum). Other processes' ends are seen at
 * the next periodic check. Module-wide: several apps in one process (tests) only check again more often.
 */
let ended = 0;

/** Says that this process ended some credentials. */
export function credentialsEnded(): void {
  ended += 1;
}

/** How many times this process ended credentials: a change since a check means check again. */
export const credentialsEndedCount = (): number => ended;
