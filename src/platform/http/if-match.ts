import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';

/**
 * A parsed `If-Match` request header (RFC 9110 §13.1.1), for routes whose ETag is an aggregate's version (`"<n>"`).
 * `any`: the header was `*`, which matches any current representation. Otherwise `versions` holds the versions named
 * by the header's strong entity-tags: If-Match uses the strong comparison, so a weak tag (`W/"3"`) never matches, and
 * neither does a strong tag that is no version (our ETags always are one); a list matches when any member does.
 */
export type IfMatch = { readonly any: true } | { readonly any: false; readonly versions: readonly number[]; readonly header: string };

/** One entity-tag of the list: optional `W/`, then a quoted opaque tag (no quote inside); bare digits are tolerated. */
const ENTITY_TAG = /^(?:(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"|([0-9]{1,15}))$/;

/**
 * Parses the If-Match header: undefined when absent. A header that is no `*` and no list of entity-tags is a 400
 * VALIDATION_FAILED (it changes nothing); a well-formed one that names no current version fails later, with 412.
 */
export function parseIfMatch(header: string | readonly string[] | undefined): IfMatch | undefined {
  if (header === undefined) return undefined;
  const text = (typeof header === 'string' ? header : header.join(',')).trim();
  if (text === '*') return { any: true };
  const versions: number[] = [];
  const members = text.split(',').map((m) => m.trim()).filter((m) => m !== '');
  const invalid = (): AppError => new AppError('VALIDATION_FAILED', 'If-Match must be *, or a list of entity-tags such as "3"', {
    errors: [{ field: '/headers/if-match', message: 'is not * or a list of entity-tags' }],
  });
  if (members.length === 0) throw invalid();
  for (const m of members) {
    const tag = ENTITY_TAG.exec(m);
    if (tag === null) throw invalid();
    if (tag[1] !== undefined) continue; // weak: never matches under the strong comparison
    const opaque = tag[2] ?? tag[3] ?? '';
    if (/^[0-9]{1,15}$/.test(opaque)) versions.push(Number(opaque));
  }
  return { any: false, versions, header: text };
}

/** Whether the aggregate at `version` satisfies the precondition (true when there is none). */
export function ifMatchHolds(cond: IfMatch | undefined, version: number): boolean {
  return cond === undefined || cond.any || cond.versions.includes(version);
}

/** The sentence the OpenAPI description of a route honouring If-Match carries. */
export const IF_MATCH_DOC = 'If-Match (RFC 9110): `*` matches any current version; `"<version>"` (the ETag), or a list such as `"3", "4"` '
  + '(matching when any member does), must name the current version; a weak tag `W/"<version>"` never matches (strong comparison). '
  + 'A precondition that does not hold is 412 VERSION_MISMATCH and changes nothing; a header that is no entity-tag list is 400 VALIDATION_FAILED.';

/** Whether a route's schema declares the If-Match header (it compares it with a version: {@link parseIfMatch}). */
export function takesIfMatch(schema: unknown): boolean {
  const headers = (schema as { headers?: { properties?: unknown } } | undefined)?.headers;
  return typeof headers?.properties === 'object' && headers.properties !== null && Object.hasOwn(headers.properties, 'if-match');
}

/**
 * preValidation hook: If-Match on a route that has no version to compare it with (every route but those declaring the
 * header: an order's cancellation, a day's roster) is refused with 400 PRECONDITION_NOT_SUPPORTED, and nothing changes.
 * It used to be ignored, so a client that meant "only if nobody changed it" had its command applied unconditionally.
 * A gateway's forwarded route leaves it to the service that owns the route, which knows whether the route takes it.
 */
export async function ifMatchPolicyHook(request: FastifyRequest): Promise<void> {
  if (request.headers['if-match'] === undefined) return;
  const options = request.routeOptions;
  if (options.url === undefined || options.config.forwarded === true || takesIfMatch(options.schema)) return;
  throw new AppError('PRECONDITION_NOT_SUPPORTED', `${request.method} ${options.url} has no version to compare If-Match with; send the request without it`, {
    errors: [{ field: '/headers/if-match', message: 'is not supported by this route' }],
  });
}
