import type { LiveEvent } from '../lib/live.ts';
import type { Me } from '../lib/session.ts';

/** What every console screen gets: the chosen site, the shared live stream, who is signed in. */
export interface Ctx {
  readonly siteId: string;
  readonly siteCode: string;
  readonly live: (fn: (events: LiveEvent[]) => void) => () => void;
  readonly me: Me;
}

export const when = (iso: string | null | undefined): string => (iso === null || iso === undefined ? '—' : new Date(iso).toLocaleString());
