import { Type, type Static, type TInteger, type TSchema } from '@fastify/type-provider-typebox';
import { IDENTIFIER_LIST_PATTERN, IDENTIFIER_PATTERN, MULTILINE_TEXT_PATTERN, OPTIONAL_TEXT_PATTERN, SEARCH_PATTERN, TEXT_PATTERN } from '../text.ts';

/** HTTP schemas every context shares, so one id, SKU or page looks the same across the API (and in OpenAPI). */

export { IDENTIFIER_MESSAGE, IDENTIFIER_PATTERN } from '../text.ts';

/** What the string schemas below may say besides their rule. */
type StringOptions = { description?: string; examples?: readonly string[]; default?: string };

/** An identifier-like string of 1 to `maxLength` characters ({@link IDENTIFIER_PATTERN}). */
export const Identifier = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: IDENTIFIER_PATTERN, ...options });

/** Identifiers separated by commas, up to `maxLength` characters in all ({@link IDENTIFIER_LIST_PATTERN}): a filter of several event types. */
export const IdentifierList = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: IDENTIFIER_LIST_PATTERN, ...options });

/** What a person types into a search box, up to `maxLength` characters ({@link SEARCH_PATTERN}): spaces kept, no control nor invisible character. */
export const SearchText = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ maxLength, pattern: SEARCH_PATTERN, ...options });

/**
 * Free text on one line of 1 to `maxLength` characters (a name, an address line, a reason, a description, a label):
 * no white space at either end, no control character (tab and line breaks included), no bidi control nor other
 * invisible format character ({@link TEXT_PATTERN}, platform/text.ts). README, "Identifiers and free text".
 */
export const Text = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: TEXT_PATTERN, ...options });

/** Optional free text a client may also send empty (`""`, as the field absent): otherwise as {@link Text}. */
export const TextOrEmpty = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ maxLength, pattern: OPTIONAL_TEXT_PATTERN, ...options });

/** Free text that may run over several lines (notes): as {@link Text}, with line feeds and tabs inside ({@link MULTILINE_TEXT_PATTERN}). */
export const MultilineText = (maxLength: number, options: StringOptions = {}) =>
  Type.String({ minLength: 1, maxLength, pattern: MULTILINE_TEXT_PATTERN, ...options });

/** An entity id in a path, query or body (`ord_…`, `tsk_…`; sites also by their code where a route says so). */
export const Id = Identifier(100);

/** A list's location filter: a location's id, or its code at the site the request names, as commands take it (422 UNKNOWN_LOCATION when neither). */
export const LocationFilter = Identifier(100, { description: 'A location id, or its code at the site (e.g. DEMO-A-03-05-1)' });

/** A stock-keeping unit. */
export const Sku = Identifier(64);

/** Who did the work, when a command names a worker (a signed-in person may name only themselves). */
export const WorkerId = (description?: string) => Identifier(100, description === undefined ? {} : { description });

/** `?limit=`: page size of a list, 1 to `maximum`. */
export const Limit = (maximum: number, defaultLimit: number) => Type.Integer({ minimum: 1, maximum, default: defaultLimit });

/**
 * The longest `?cursor=` a list takes: room for the longest key any list returns, base64url-encoded (4 characters for
 * 3 bytes). The longest are a stock-as-of key (SKU, location, a 64-character lot of up to 4 UTF-8 bytes a character,
 * status and owner, as JSON: about 560) and a position's (`equipment:` and a 100-character id: about 550); at 200 their
 * own next page was refused (400 on /querystring/cursor).
 */
export const CURSOR_MAX_LENGTH = 1024;

/** `?cursor=`: the `nextCursor` of the previous page (opaque; platform/http/paging.ts). */
export const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: CURSOR_MAX_LENGTH, description: 'The nextCursor of the previous page' }));

/** A page of a list: its items and the cursor of the next page (null on the last). */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * A site's figures by status (`GET /orders/counts` and the like): `siteId` and `byStatus`, every status present (0 when
 * none). One exact count per status, read by one statement, for a dashboard that must not page through lists to count.
 */
export const StatusCounts = <T extends string>(statuses: readonly T[], what: string) => Type.Object({
  siteId: Type.String({ description: 'The site counted (its id)' }),
  byStatus: Type.Object(Object.fromEntries(statuses.map((s) => [s, Type.Integer({ minimum: 0 })])) as Record<T, TInteger>, {
    additionalProperties: false, description: `How many ${what} of the site are in each status (every status, 0 when none)`,
  }),
}, { additionalProperties: false });

/** Every status at 0, then the counts a `GROUP BY status` found. */
export function byStatus<T extends string>(statuses: readonly T[], rows: readonly { status: string; n: number }[]): Record<T, number> {
  const out = Object.fromEntries(statuses.map((s) => [s, 0])) as Record<T, number>;
  for (const r of rows) if (Object.hasOwn(out, r.status)) out[r.status as T] = r.n;
  return out;
}

/**
 * `?ids=a,b,c`: a comma-separated batch of ids or SKUs (at most `max`), so one request answers what a client (the GraphQL
 * adapter's loaders) would otherwise ask one by one. Split it with {@link splitList}.
 */
export const IdList = (max: number, what = 'ids') => Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,100}(,[A-Za-z0-9._:-]{1,100}){0,' + String(max - 1) + '}$',
  maxLength: max * 101,
  description: `Up to ${max} ${what}, separated by commas`,
});

/** The items of an {@link IdList} value, without duplicates. */
export const splitList = (value: string): string[] => [...new Set(value.split(','))];

/** A value or null (OpenAPI 3.0: `nullable: true`). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One of `values` or null: null is listed in the enum too, as OpenAPI 3.0 (and Ajv) need for a nullable enum. */
export const NullableEnum = <T extends string>(values: readonly T[]) => Type.Unsafe<T | null>({ type: ['string', 'null'], enum: [...values, null] });

/** One of `values`. */
export const Enum = <T extends string>(values: readonly T[], options: { description?: string; default?: T; examples?: readonly T[] } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/**
 * The instants and days the API takes, in UTC: years 1970 to 9999. Every `date-time` and `date` the API reads is checked
 * against it by the validators (validation.ts), so a year 0000 or 10000 is a 400 naming the field at every route, not the
 * database's refusal (it has no year zero) nor an answer about a time no warehouse saw. docs/api.md, "Dates and times".
 */
export const DATE_RANGE = { from: '1970-01-01T00:00:00Z', to: '9999-12-31T23:59:59.999Z' } as const;
const FIRST_MS = Date.parse(DATE_RANGE.from);
const LAST_MS = Date.parse(DATE_RANGE.to);

/**
 * Whether a well-formed RFC 3339 date-time is an instant of {@link DATE_RANGE} (its offset applied: 9999-12-31T23:00-05:00
 * is not) that JavaScript reads. A leap second (23:59:60) is not: JavaScript has none, so every handler's `new Date` of it
 * was an Invalid Date (a 400 naming no field, or a 422 after the format had taken it); none was inserted since 2016.
 */
export function instantInRange(value: string): boolean {
  const ms = Date.parse(value.toUpperCase());
  return ms >= FIRST_MS && ms <= LAST_MS;
}

/** Whether a well-formed day (YYYY-MM-DD) is one of {@link DATE_RANGE}. */
export function dayInRange(value: string): boolean {
  const year = Number(value.slice(0, 4));
  return year >= 1970 && year <= 9999;
}

/** An instant, ISO 8601 with an offset; years 1970 to 9999 ({@link DATE_RANGE}). */
export const DateTime = Type.String({ format: 'date-time' });

/** Who did something (ADR 0019): a person, an API key, or the app's own calls, with the role it acted in. */
export const Actor = Type.Object({
  kind: Enum(['user', 'key', 'internal'] as const),
  id: Type.String({ description: 'A user id (usr_…), an API key id (key_…) or the internal caller' }),
  role: Type.String(),
}, { description: 'Who did it' });

/** A site named by its id or its code (e.g. DEMO, the demo warehouse `npm start` seeds). */
export const SiteRef = Identifier(100, { description: 'Site id or code (e.g. DEMO)', examples: ['DEMO'] });

/** The query of a counts route: the site, by id or code (required: counts are about one site). */
export const CountsQuery = Type.Object({ siteId: { ...SiteRef, maxLength: 64 } }, { additionalProperties: false });

/**
 * What the request examples in the OpenAPI document refer to: the demo warehouse `npm start` seeds (src/seed/demo.ts)
 * and, for generated ids, a stand-in in the id's format whose description names the call that returns the real one
 * (test/e2e/openapi-examples.test.ts sends every example in that order, replacing only these stand-ins).
 */
export const EXAMPLES = {
  site: 'DEMO',
  /** Created by the POST /sites example (the demo site already has a layout). */
  newSite: 'DC2',
  sku: 'MUG-CERAMIC',
  /** Created by the POST /products example (GTIN-13 with a valid GS1 check digit). */
  newSku: 'WALK-MUG',
  newGtin: '4006381333931',
  receivingDock: 'DEMO-RCV-01',
  pickFace: 'DEMO-A-03-05-1',
  /** Created by the POST /users example, then signed in by the POST /auth/login example. */
  user: { username: 'ana.lopez', displayName: 'Ana López', password: 'correct horse battery staple' },
  ids: {
    location: 'loc_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    movement: 'mov_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    order: 'ord_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    orderLine: 'oln_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    wave: 'wav_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    task: 'tsk_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    pickList: 'pkl_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    pickLine: 'pln_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    package: 'pkg_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    shipment: 'shp_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    apiKey: 'key_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    deadLetter: 'dlq_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    user: 'usr_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    saga: 'sga_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    exception: 'exc_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    return: 'rtn_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    asn: 'asn_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    putaway: 'put_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    webhookSubscription: 'whs_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    webhookDelivery: 'whd_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    trackingAlert: 'alr_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    storefrontChannel: 'sfc_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    ediDocument: 'edi_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    count: 'cnt_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    replenishment: 'rpl_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    rma: 'rma_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    inspectionPlan: 'qpl_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    inspection: 'qin_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    nonConformance: 'qnc_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    manifest: 'mnf_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    partnerMessage: 'pms_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    /** Not an id but a tracking number POST /shipments returns; the same kind of stand-in. */
    trackingNumber: 'PK0000000000000000',
    lpn: 'lpn_0197b1c2d3e47f5a8b9c0d1e2f3a4b5c',
    /** Not an id but the time a carrier's event happened, after the dispatch (POST /shipments/{id}/dispatch); the same kind of stand-in. */
    carrierEventAt: '2026-12-02T15:04:05.000Z',
    /** Not an id but a secret POST /auth/login (or /auth/refresh) returns; the same kind of stand-in. */
    refreshToken: 'prt_Zk3xQw9vR2mT7bN4cY8pL1sD6hJ0gF5aE3uK9oI2wXq',
  },
} as const;

/** An id path parameter with its stand-in example and the call that returns a real one. */
export const IdParam = (kind: keyof typeof EXAMPLES.ids, from: string) =>
  Identifier(100, { description: `The id ${from} returns`, examples: [EXAMPLES.ids[kind]] });

/** An array the handler may return as readonly (the views are; TypeBox's arrays are mutable). */
export const List = <T extends TSchema>(item: T, options: { description?: string } = {}) =>
  Type.Unsafe<readonly Static<T>[]>(Type.Array(item, options));
