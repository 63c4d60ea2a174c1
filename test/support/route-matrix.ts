/**
 * The requests of a role matrix generated from a route table (test/e2e/authorization-matrix.test.ts for the all-in-one,
 * test/e2e/gateway-roles.test.ts through the split gateway): one request per route, built from its schema's examples.
 */
import type { Role } from '../../src/platform/http/roles.ts';

/** A registered route as the matrix reads it (Fastify's onRoute: method, url, the `roles` of its config, its schema). */
export interface RouteRow {
  readonly method: string;
  readonly url: string;
  readonly roles: readonly Role[];
  readonly schema: { querystring?: unknown; body?: unknown; params?: unknown };
}

/**
 * Whether `role` may send `body` to the route: its `roles`, narrowed where the body decides. POST /scans is open to the
 * roles that receive, but an integration key records RECEIVE_LPN scans only (every other meaning is floor work).
 */
export function mayCall(r: RouteRow, role: Role, body?: unknown): boolean {
  if (!r.roles.includes(role)) return false;
  const meaning = (body as { meaning?: unknown } | undefined)?.meaning;
  if (r.method === 'POST' && r.url.endsWith('/scans') && role === 'integration') return meaning === 'RECEIVE_LPN';
  return true;
}

/** A JSON schema's properties (empty when it has none). */
export const props = (schema: unknown): Record<string, { examples?: unknown[] }> =>
  ((schema as { properties?: Record<string, { examples?: unknown[] }> } | undefined)?.properties ?? {});
/** A JSON schema's required property names. */
export const required = (schema: unknown): string[] => (schema as { required?: string[] } | undefined)?.required ?? [];

/** A path parameter from a closed set (an enum such as a tracked kind): its example, else a value the route refuses. */
function closedSetExample(schema: unknown): string | undefined {
  const s = schema as { enum?: unknown[]; anyOf?: { const?: unknown }[]; examples?: unknown[] } | undefined;
  const closed = s?.enum !== undefined || (s?.anyOf !== undefined && s.anyOf.every((x) => x.const !== undefined));
  const example = s?.examples?.[0] ?? s?.enum?.[0] ?? s?.anyOf?.[0]?.const;
  return closed && typeof example === 'string' ? example : undefined;
}

/**
 * The request a matrix row sends: path ids that match nothing (a closed set's example where the path names one), the
 * required query parameters' examples, and the route's own example body when it has one; `site` fills every siteId.
 */
export function requestOf(r: RouteRow, site?: string): { url: string; body?: unknown } {
  const isSite = (name: string): boolean => name === 'siteId' || (name === 'id' && /\/sites\/:id/.test(r.url));
  const url = r.url.replace(/:([A-Za-z]+)/g, (_, name: string) => (isSite(name) && site !== undefined
    ? site : closedSetExample(props(r.schema.params)[name]) ?? `x_none_${name}`));
  const query = new URLSearchParams();
  const q = r.schema.querystring;
  for (const name of required(q)) {
    const example = props(q)[name]?.examples?.[0];
    if (typeof example === 'string' || typeof example === 'number') query.set(name, String(example));
  }
  if (site !== undefined && 'siteId' in props(q)) query.set('siteId', site);
  const full = query.size === 0 ? url : `${url}?${query.toString()}`;
  if (r.method === 'GET' || r.method === 'DELETE') return { url: full };
  const example = (r.schema.body as { examples?: unknown[] } | undefined)?.examples?.[0];
  const body = typeof example === 'object' && example !== null ? { ...example } as Record<string, unknown> : {};
  if (site !== undefined && 'siteId' in props(r.schema.body)) body.siteId = site;
  return { url: full, body };
}
