import { AjvCompiler } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { isUtf8 } from 'node:buffer';
import type { FastifyRequest, FastifyServerOptions } from 'fastify';
import { AppError } from '../errors.ts';
import { dayInRange, instantInRange } from './schemas.ts';

type Compilers = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type BuildValidator = NonNullable<Compilers['buildValidator']>;
type BuildSerializer = NonNullable<Compilers['buildSerializer']>;
type Compile = ReturnType<BuildValidator>;

/**
 * Compiled validators and serializers by what they were compiled from (the schema's JSON, the request part or status,
 * the shared schemas). Compiling is most of the cost of building an app (ajv and fast-json-stringify generate code for
 * every route: 40 % of `buildApp` in a profile); a process that builds several apps (the test workers, the bench) compiles
 * each distinct schema once. Compiled functions are pure, so sharing them is safe; the cache holds one entry per distinct
 * schema of the code base.
 */
const compiled = new Map<string, unknown>();
function once<T>(key: string, build: () => T): T {
  const hit = compiled.get(key);
  if (hit !== undefined) return hit as T;
  const made = build();
  compiled.set(key, made);
  return made;
}

/**
 * Keys of schemas that are built once per process and never change (openapi.ts's problem schemas, frozen): the key
 * they were built from stands for their JSON in the caches above. The problem responses are most of the response
 * schemas of the ~700 routes, and their JSON (each lists its codes and titles) was 2 MB of text per app built, a tenth
 * of an app's start in a test worker (2026-12-05).
 */
const stableKeys = new WeakMap<object, string>();

/** `schema`, deeply frozen, cached above under `key` instead of its JSON: `key` must name everything it is built from. */
export function stableSchema<T extends object>(schema: T, key: string): T {
  stableKeys.set(deepFreeze(schema), `stable ${key}`);
  return schema;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const member of Object.values(value)) deepFreeze(member);
  return Object.freeze(value);
}

/** The cache key of a schema: its stable key, or its JSON. */
const schemaKey = (schema: unknown): string =>
  (typeof schema === 'object' && schema !== null ? stableKeys.get(schema) : undefined) ?? JSON.stringify(schema);

/**
 * The JSON of `value` with each stable schema inside it written as its key: a text (`"\u0000stable …"`) that no
 * schema can be, since a schema is an object or a boolean.
 */
export const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_name, v: unknown) => {
    const key = typeof v === 'object' && v !== null ? stableKeys.get(v) : undefined;
    return key === undefined ? v : `\u0000${key}`;
  });

/**
 * A validator compiled on its first call instead of when its route is registered: a process start compiles only the
 * schemas of the routes it serves (ajv and fast-json-stringify were 1.7 s of a 4 s start in a profile, issue 18 b).
 * `errors` is the compiled validator's, read right after the call as fastify does.
 */
type Validate = ((data: unknown) => unknown) & { errors?: unknown };
function lazyValidator(make: () => Validate): Validate {
  let real: Validate | undefined;
  const lazy: Validate = (data) => {
    real ??= make();
    const result = real(data);
    lazy.errors = real.errors;
    return result;
  };
  lazy.errors = null;
  return lazy;
}

/** Options of every validator; the body's differs only in not coercing types. */
export const AJV_OPTIONS = { allErrors: true, removeAdditional: false, useDefaults: true } as const;

interface ObjectSchema {
  readonly type?: unknown;
  readonly required?: readonly string[];
}

/** A body schema whose object has no required field: a request may leave the body out (or send it empty). */
export function bodyIsOptional(schema: unknown): boolean {
  if (typeof schema !== 'object' || schema === null) return false;
  const s = schema as ObjectSchema;
  return s.type === 'object' && (s.required === undefined || s.required.length === 0);
}

/** The pattern {@link refuseBlank} adds: at least one character that is not white space. */
export const NOT_BLANK = '\\S';

/**
 * The schema with every string that must not be empty (`minLength` ≥ 1) also refused when it is only white space
 * (spaces, tabs, no-break spaces…): a name, reason, code or id of `"   "` is as empty as `""`, and would be stored and
 * shown as such (an EDI partner's ISA id of spaces, which its pattern allowed, reached the database's check: a 500).
 * Strings with a format, enum or const are left to those. Inside `not` nothing changes (a
 * pattern there would invert). The problem says `must not be blank` (problem.ts).
 */
export function refuseBlank(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(refuseBlank);
  if (typeof schema !== 'object' || schema === null) return schema;
  const s = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'properties' || k === 'patternProperties') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([name, sub]) => [name, refuseBlank(sub)]));
    } else if (['items', 'additionalProperties', 'anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(k)) {
      out[k] = refuseBlank(v);
    } else {
      out[k] = v;
    }
  }
  const isString = s.type === 'string' || (Array.isArray(s.type) && s.type.includes('string'));
  if (isString && typeof s.minLength === 'number' && s.minLength >= 1 && s.format === undefined && s.enum === undefined && s.const === undefined) {
    // A pattern of its own may allow spaces (an ISA id is padded with them): both must hold.
    if (s.pattern === undefined) out.pattern = NOT_BLANK;
    else out.allOf = [...(Array.isArray(out.allOf) ? out.allOf as unknown[] : []), { pattern: NOT_BLANK }];
  }
  return out;
}

interface FormatCheck { validate: (value: string) => boolean }
interface Formats { formats: Record<string, unknown>; addFormat: (name: string, format: FormatCheck) => unknown }

/**
 * The `date-time` and `date` formats of ajv-formats, narrowed to the years the API takes (schemas.ts, DATE_RANGE): one
 * place for every route's instants and days, whichever schema names the format.
 */
function limitDates(ajv: unknown): void {
  const a = ajv as Formats;
  for (const [name, inRange] of [['date-time', instantInRange], ['date', dayInRange]] as const) {
    const given = a.formats[name] as FormatCheck | RegExp | undefined;
    if (given === undefined) throw new Error(`ajv has no ${name} format to narrow`);
    const wellFormed = given instanceof RegExp ? (v: string) => given.test(v) : given.validate;
    a.addFormat(name, { validate: (value: string) => wellFormed(value) && inRange(value) });
  }
}

/**
 * Validators per request part: query strings, path parameters and headers are text on the wire, so their numbers and
 * booleans are coerced (`?limit=10`); a JSON body already carries types, so `"quantity": true` or `[2]` is refused
 * instead of read as 1 or 2. A body whose schema requires nothing may be absent: it is then validated as `{}` (which
 * also applies the schema's defaults), so `POST /orders/{id}/cancel` works with no body, as the OpenAPI document says.
 */
export function partValidators(): BuildValidator {
  const coercing = AjvCompiler();
  const strict = AjvCompiler();
  // The server's `ajv` option is not used: these are the only options, so no other part of the code can loosen them.
  return (externalSchemas) => {
    const shared = JSON.stringify(externalSchemas ?? null);
    const text = coercing(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: 'array' }, onCreate: limitDates });
    const json = strict(externalSchemas, { customOptions: { ...AJV_OPTIONS, coerceTypes: false }, onCreate: limitDates });
    const compile = (route: Parameters<Compile>[0]): unknown =>
      once(`validator ${route.httpPart ?? ''} ${shared} ${JSON.stringify(route.schema)}`, () => lazyValidator(() => compileUncached(route) as Validate));
    const compileUncached = (given: Parameters<Compile>[0]): unknown => {
      const route = { ...given, schema: refuseBlank(given.schema) as typeof given.schema };
      if (route.httpPart !== 'body') return plainNumbers(route.schema, text(route) as Validate);
      const validate = json(route);
      if (!bodyIsOptional(route.schema)) return validate;
      const optionalBody = (data: unknown): boolean | { value: unknown } => {
        const value = data === null || data === undefined ? {} : data;
        const valid = validate(value) as boolean;
        optionalBody.errors = validate.errors;
        return valid && value !== data ? { value } : valid;
      };
      optionalBody.errors = null as typeof validate.errors;
      return optionalBody;
    };
    // fastify accepts `{ value }` from a validator (it then replaces the body); ajv's own type does not say so.
    return compile as Compile;
  };
}

/** How an integer, or a number, is written in a query string, path or header: decimal digits (a sign, a fraction). */
const PLAIN_INTEGER = /^-?[0-9]+$/;
const PLAIN_NUMBER = /^-?[0-9]+(?:\.[0-9]+)?$/;

/** `integer`, `number` or undefined: what a property's schema (or the items of an array of them) takes. */
function numericKind(schema: unknown): 'integer' | 'number' | undefined {
  if (typeof schema !== 'object' || schema === null) return undefined;
  const s = schema as { type?: unknown; items?: unknown; anyOf?: unknown; oneOf?: unknown };
  const types = Array.isArray(s.type) ? s.type as unknown[] : [s.type];
  if (types.includes('string')) return undefined;
  if (types.includes('integer')) return 'integer';
  if (types.includes('number')) return 'number';
  if (types.includes('array')) return numericKind(s.items);
  for (const alternatives of [s.anyOf, s.oneOf]) {
    if (!Array.isArray(alternatives)) continue;
    // Nullable(Type.Integer()) and the like: numeric when every alternative but `null` is.
    const kinds = alternatives.filter((a) => !isNullSchema(a)).map(numericKind);
    if (kinds.length === 0 || kinds.includes(undefined)) return undefined;
    return kinds.includes('number') ? 'number' : 'integer';
  }
  return undefined;
}
const isNullSchema = (schema: unknown): boolean => typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'null';

/**
 * A text part's validator (query string, path, headers) that takes a number only as plain decimal digits. ajv coerces
 * any text JavaScript reads as a number, so `?limit=0x10` was 16, and `1e1`, ` 5`, `+5` were 10 and 5: a value the
 * caller never wrote, taken silently. Such a text is refused as the schema's own type check would be: 400
 * VALIDATION_FAILED naming the parameter (`/querystring/limit`), for every integer and number parameter of every route.
 */
function plainNumbers(schema: unknown, validate: Validate): Validate {
  const properties = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (typeof properties !== 'object' || properties === null) return validate;
  const numeric = Object.entries(properties).flatMap(([name, sub]) => {
    const kind = numericKind(sub);
    return kind === undefined ? [] : [[name, kind] as const];
  });
  if (numeric.length === 0) return validate;
  const checked: Validate = (data) => {
    const errors: { instancePath: string; keyword: string; message: string; params: Record<string, unknown> }[] = [];
    if (typeof data === 'object' && data !== null) {
      for (const [name, kind] of numeric) {
        const value = (data as Record<string, unknown>)[name];
        const texts = Array.isArray(value) ? value : [value];
        texts.forEach((v, i) => {
          if (typeof v !== 'string' || (kind === 'integer' ? PLAIN_INTEGER : PLAIN_NUMBER).test(v)) return;
          const path = `/${name.replaceAll('~', '~0').replaceAll('/', '~1')}${Array.isArray(value) ? `/${i}` : ''}`;
          errors.push({
            instancePath: path, keyword: 'type', params: { type: kind },
            message: kind === 'integer' ? 'must be an integer written in decimal digits (such as 10)' : 'must be a number written in decimal digits (such as 1.5)',
          });
        });
      }
    }
    if (errors.length > 0) {
      checked.errors = errors;
      return false;
    }
    const result = validate(data);
    checked.errors = validate.errors;
    return result;
  };
  checked.errors = null;
  return checked;
}

/** fastify's own serializer compiler (fast-json-stringify), its results shared as above. */
export function cachedSerializers(): BuildSerializer {
  const select = SerializerSelector();
  return (externalSchemas, options) => {
    const build = select(externalSchemas, options);
    const shared = JSON.stringify({ externalSchemas: externalSchemas ?? null, options: options ?? null });
    // Compiled on first use, as the validators are.
    return (route) => once(`serializer ${route.httpStatus} ${shared} ${schemaKey(route.schema)}`, () => {
      let real: ((data: unknown) => string) | undefined;
      return (data: unknown) => (real ??= build(route) as (data: unknown) => string)(data);
    });
  };
}

/**
 * How deeply a JSON body may nest objects and arrays. No request of the API comes near it (an order with its lines
 * and ship-to is 3 levels; a storefront's or an ERP's document some 5); past it a body is refused before anything reads
 * it: code that walks or writes a value again (the Idempotency-Key's fingerprint, an ERP document's checks) recurses,
 * and a body of 100,000 levels overflowed its stack (a 500) where the schema's own check never looks that deep.
 */
export const MAX_JSON_DEPTH = 64;

/** VALIDATION_FAILED when `value` (a parsed JSON body) nests objects and arrays deeper than {@link MAX_JSON_DEPTH}. */
export function jsonTooDeep(value: unknown): AppError | undefined {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [v, depth] = next;
    if (typeof v !== 'object' || v === null) continue;
    if (depth > MAX_JSON_DEPTH) {
      return new AppError('VALIDATION_FAILED', `The JSON body nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`, {
        errors: [{ field: '/', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }],
      });
    }
    for (const member of Object.values(v)) if (typeof member === 'object' && member !== null) stack.push([member, depth + 1]);
  }
  return undefined;
}

/**
 * The JSON pointer of the first member an object of `text` names twice (`{"quantity": 1, "quantity": -1}`), or
 * undefined. JSON.parse keeps the last one silently, so such a body was taken with a value the sender may not have
 * meant (and another parser, a proxy's or a log reader's, may keep the first). `text` is JSON that parsed; names are
 * compared as parsed (`"a"` and `"\u0061"` are one name).
 */
export function duplicateKey(text: string): string | undefined {
  // One entry per open container: an object's names so far and the member being read, or an array's index.
  const open: { names: Set<string> | null; member: string }[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length && text.charCodeAt(j) !== 0x22) {
        if (text.charCodeAt(j) === 0x5c) {
          escaped = true;
          j += 1;
        }
        j += 1;
      }
      const top = open[open.length - 1];
      if (expectName && top?.names != null) {
        const raw = text.slice(i + 1, j);
        const name = escaped ? JSON.parse(`"${raw}"`) as string : raw;
        top.member = name;
        if (top.names.has(name)) return open.map((o) => `/${o.member.replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
        top.names.add(name);
        expectName = false;
      }
      i = j;
    } else if (c === 0x7b) {
      open.push({ names: new Set(), member: '' });
      expectName = true;
    } else if (c === 0x5b) {
      open.push({ names: null, member: '0' });
    } else if (c === 0x7d || c === 0x5d) {
      open.pop();
    } else if (c === 0x2c) {
      const top = open[open.length - 1];
      if (top?.names === null) top.member = String(Number(top.member) + 1);
      else expectName = true;
    }
  }
  return undefined;
}

/** VALIDATION_FAILED for a parsed JSON body that nests too deep ({@link jsonTooDeep}) or names a member twice ({@link duplicateKey}). */
export function refuseJsonBody(text: string, value: unknown): AppError | undefined {
  const deep = jsonTooDeep(value);
  if (deep !== undefined) return deep;
  const twice = duplicateKey(text);
  return twice === undefined ? undefined : new AppError('VALIDATION_FAILED', `The JSON body names ${twice} twice: an object names each member once`, {
    errors: [{ field: twice, message: 'is named twice in its object' }],
  });
}

/** The `charset` parameter of a Content-Type header (lower case, unquoted), or undefined when it names none. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType ?? '');
  return match?.[1]?.toLowerCase();
}

/**
 * The text of a request body read as UTF-8, the only encoding the API reads (JSON, CSV, X12). A body that declares
 * another charset (`application/json; charset=latin1`) is 415 UNSUPPORTED_MEDIA_TYPE, and bytes that are no UTF-8
 * (a Windows-1252 "Caf\xe9") are 400 VALIDATION_FAILED: read as UTF-8 they became U+FFFD, and the request was taken with
 * a value that was not the one sent ("Caf\ufffd" stored as a site's name).
 */
export function utf8BodyText(contentType: string | undefined, body: Buffer | string): string {
  const charset = charsetOf(contentType);
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The body is read as UTF-8; charset "${charset}" is not supported`, {
      errors: [{ field: '/headers/content-type', message: 'must name charset=utf-8 or no charset' }],
    });
  }
  if (typeof body === 'string') return body;
  if (!isUtf8(body)) {
    throw new AppError('VALIDATION_FAILED', 'The body is not UTF-8 text: send it encoded in UTF-8', {
      errors: [{ field: '/', message: 'must be UTF-8 text' }],
    });
  }
  return body.toString('utf8');
}

/** A surrogate code point alone: with the `u` flag a well-formed pair is one astral code point, so only a lone one matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The first string in `value` (a parsed body, query or params) that is no well-formed Unicode: its JSON pointer. */
function malformedString(value: unknown, pointer: string, depth = 0): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? pointer : undefined;
  // Bodies deeper than this are refused when parsed (jsonTooDeep); the walk stays bounded whatever is sent.
  // Bytes (the split gateway forwards bodies unparsed) are the service's to read.
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null || value instanceof Uint8Array) return undefined;
  for (const [key, member] of Object.entries(value)) {
    const found = malformedString(member, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1);
    if (found !== undefined) return found;
    if (LONE_SURROGATE.test(key)) return `${pointer}/${key.replace(new RegExp(LONE_SURROGATE.source, 'gu'), '\ufffd')}`;
  }
  return undefined;
}

/**
 * Refuses a request carrying a string that is no well-formed Unicode (a lone surrogate such as JSON's `"\ud800"`): UTF-8
 * cannot encode one, so the database driver stored U+FFFD instead and the write succeeded with a value that was not the
 * one sent. 400 VALIDATION_FAILED naming the field (the body's fields as `/name`, the others as `/querystring/…`).
 */
export async function wellFormedUnicodeHook(request: FastifyRequest): Promise<void> {
  // GraphQL answers in its own shape: the REST operations its fields run refuse such a string there.
  if (request.routeOptions.url?.startsWith('/graphql') === true) return;
  const escaped = badQueryEscape(request.url);
  if (escaped !== undefined) {
    throw new AppError('VALIDATION_FAILED', `${escaped} holds a %-escape that is no UTF-8 text (%FF, %E9, a lone %)`, {
      errors: [{ field: escaped, message: 'must be percent-encoded UTF-8' }],
    });
  }
  const field = malformedString(request.body, '')
    ?? malformedString(request.query, '/querystring') ?? malformedString(request.params, '/params');
  if (field === undefined) return;
  throw new AppError('VALIDATION_FAILED', `${field === '' ? 'The body' : field} is not well-formed Unicode (a lone surrogate)`, {
    errors: [{ field, message: 'must be well-formed Unicode (no lone surrogate)' }],
  });
}

/** The first string in `value` (a parsed query or params) holding a NUL character (U+0000): its JSON pointer. */
function nulString(value: unknown, pointer: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : undefined;
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null || value instanceof Uint8Array) return undefined;
  for (const [key, member] of Object.entries(value)) {
    const at = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    if (key.includes('\u0000')) return at;
    const found = nulString(member, at, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * After the schemas: refuses a NUL character (U+0000) in a query or path parameter the route's schema let through, 400
 * VALIDATION_FAILED naming it. PostgreSQL cannot hold one in text, so it failed as the database's unnamed "cannot be
 * stored" (a product search, an event subject or type, an order's externalId filter). Identifiers are refused by their
 * own rule first (a control character). Bodies are not looked into: their fields have their rules, and a document a
 * route reads whole (an ERP file, a storefront's payload) reports a NUL as its reader's row error.
 */
export async function nulCharacterHook(request: FastifyRequest): Promise<void> {
  // The API's routes only: GraphQL's fields run them (and refuse there); the documentation's file server answers 404.
  if (request.routeOptions.url?.startsWith('/api/') !== true) return;
  const field = nulString(request.query, '/querystring') ?? nulString(request.params, '/params');
  if (field === undefined) return;
  throw new AppError('VALIDATION_FAILED', `${field} holds a NUL character (U+0000), which no text can hold`, {
    errors: [{ field, message: 'must not hold a NUL character (U+0000)' }],
  });
}

/**
 * The JSON pointer (`/querystring/<name>`) of the first query parameter of `url` whose name or value holds a %-escape
 * that decodes to no UTF-8 (`?sku=Caf%E9`, `?externalId=%FF`, `?a=%`), or undefined. The query parser keeps such a
 * value as typed, so `%E9` was looked up literally (an empty list, or "Unknown SKU Caf%E9") where a path holding it is
 * refused as no valid URL component.
 */
export function badQueryEscape(url: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0 || !url.includes('%', at)) return undefined;
  for (const pair of url.slice(at + 1).split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    try {
      decodeURIComponent(pair.replaceAll('+', ' '));
    } catch {
      let shown = name;
      try {
        shown = decodeURIComponent(name.replaceAll('+', ' '));
      } catch { /* the name itself is the bad part: shown as sent */ }
      return `/querystring/${shown.replaceAll('~', '~0').replaceAll('/', '~1')}`;
    }
  }
  return undefined;
}

/** Members whose text is a secret compared byte for byte (a password, a signing secret): never rewritten. */
const SECRET_MEMBER = /password|secret/i;
/** A code point from U+0300 (the combining marks) up: text without one (ASCII, Latin-1, Latin Extended) is NFC already. */
const MAY_NORMALISE = /[\u0300-\u{10ffff}]/u;

/** `value` with every string in NFC (the same object when nothing changes); secrets ({@link SECRET_MEMBER}) are left. */
function nfc(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return MAY_NORMALISE.test(value) ? value.normalize('NFC') : value;
  if (depth > MAX_JSON_DEPTH || typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) {
    const items = value.map((v) => nfc(v, depth + 1));
    return items.some((v, i) => v !== value[i]) ? items : value;
  }
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value as Record<string, unknown>)) {
    const k = nfc(key) as string;
    const v = SECRET_MEMBER.test(key) ? member : nfc(member, depth + 1);
    if (k !== key || v !== member) changed = true;
    out[k] = v;
  }
  return changed ? out : value;
}

/**
 * preValidation hook: every text of a request (body, query string, path) in Unicode Normalization Form C, before the
 * schemas check it. "é" is one code point (U+00E9, NFC) or two (e + U+0301, NFD) depending on the keyboard, scanner or
 * system that sent it; both look alike and mean the same, but compared as sent they were two lots, two SKUs, two
 * workers. Identifiers (lots, SKUs, location and site codes, worker ids, external ids) and names are all stored and
 * compared in NFC, whichever form arrives; a password or a signing secret is compared as it was sent and is left
 * alone. Bytes the split gateway forwards unparsed are normalised by the service that parses them.
 */
export async function nfcHook(request: FastifyRequest): Promise<void> {
  if (request.routeOptions.url?.startsWith('/graphql') === true) return;
  const body: unknown = nfc(request.body);
  if (body !== request.body) request.body = body;
  const query = nfc(request.query);
  if (query !== request.query) request.query = query;
  const params = nfc(request.params);
  if (params !== request.params) request.params = params;
}
