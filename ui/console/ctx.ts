import type { LiveEvent } from '../lib/live.ts';
import type { Me } from '../lib/session.ts';

/** What every console screen gets: the chosen site, the shared live stream, who is signed in. */
export interface Ctx {
  readonly siteId: string;
  readonly siteCode: string;
  readonly live: (fn: (events: LiveEvent[]) => void) => () => void;
  readonly me: Me;
  /** What the signed-in role may do at this site (the API's role table, src/platform/http/roles.ts): buttons follow it. */
  readonly can: Can;
}

export interface Can {
  /** Waves, cancellations, exception actions (admin, manager). */
  readonly plan: boolean;
  /** Order intake and holds (admin, manager, integration). */
  readonly intake: boolean;
  /** Receiving at the dock against an ASN (admin, manager, operator, integration). */
  readonly receive: boolean;
  /** The exception queue (admin, manager, viewer). */
  readonly exceptions: boolean;
  /** The event store, GET /events (admin, manager, viewer, integration). */
  readonly events: boolean;
}

/** The role at a site: its own grant, else the all-sites one (as the API decides). */
export function canAt(me: Me, siteId: string): Can {
  const role = me.sites[siteId] ?? me.sites['*'] ?? (Object.keys(me.sites).length === 0 ? me.role : undefined);
  const any = (roles: readonly string[]): boolean => role !== undefined && roles.includes(role);
  return { plan: any(['admin', 'manager']), intake: any(['admin', 'manager', 'integration']),
    receive: any(['admin', 'manager', 'operator', 'integration']), exceptions: any(['admin', 'manager', 'viewer']),
    events: any(['admin', 'manager', 'viewer', 'integration']) };
}

/** Order statuses that take no more commands: dispatched (SHIPPED, then DELIVERED) or CANCELLED. */
export const FINAL_ORDER_STATUSES: readonly string[] = ['SHIPPED', 'DELIVERED', 'CANCELLED'];

export const when = (iso: string | null | undefined): string => (iso === null || iso === undefined ? '—' : new Date(iso).toLocaleString());

/**
 * What each exception action does, as a manager reads it: on the order's screen (asked again with these words) and on
 * the Exceptions screen (under its buttons), so no action is a bare code pressed blind.
 */
export const ACTION_WORDS: Readonly<Record<string, string>> = {
  retry: 'Retry: PakLog tries the stuck step again (allocation, the fulfilment saga)',
  cancel: 'Cancel the order: its open picks are withdrawn; units already picked go back to a shelf by a Return to stock task. It cannot be undone',
  expedite: 'Expedite: the order goes to the front of the pool (priority 1)',
  acknowledge: 'Acknowledge: the exception is closed; nothing else changes',
  reprioritise: 'Reprioritise: the task goes first in the queue',
  requeue: 'Requeue: the failed task goes back in the queue',
  replay: 'Replay: the event is delivered to its consumer again',
  discard: 'Discard: the event is dropped for good; its consumer never applies it. It cannot be undone',
};
