/**
 * The credential of this browser tab, kept in sessionStorage (ADR 0035): it lives as long as the tab, is never written
 * to the bundle, and another tab signs in on its own. An API key is sent as X-Api-Key; a person's access token as
 * `Authorization: Bearer`, refreshed once with its refresh token when the API answers 401.
 */
export type Credential =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'user'; readonly accessToken: string; readonly refreshToken: string };

export interface Me {
  readonly kind: 'user' | 'key' | 'internal';
  readonly id: string;
  readonly name: string;
  readonly role: string;
  readonly sites: Record<string, string>;
  readonly workerId: string | null;
  /** A client's key (3PL, docs/operations/owners.md) is scoped to its owner; a person or a staff key has none. */
  readonly ownerId?: string | null;
}

const STORE_KEY = 'paklog.credential';

export function loadCredential(): Credential | undefined {
  const raw = sessionStorage.getItem(STORE_KEY);
  if (raw === null) return undefined;
  try {
    const v = JSON.parse(raw) as Credential;
    return v.kind === 'key' || v.kind === 'user' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function saveCredential(c: Credential | undefined): void {
  if (c === undefined) sessionStorage.removeItem(STORE_KEY);
  else sessionStorage.setItem(STORE_KEY, JSON.stringify(c));
}

export function authHeaders(c: Credential | undefined): Record<string, string> {
  if (c === undefined) return {};
  return c.kind === 'key' ? { 'X-Api-Key': c.key } : { Authorization: `Bearer ${c.accessToken}` };
}
