/**
 * REST requests generated from the OpenAPI document the app serves (`/docs/json`): for every operation, a request
 * with valid-looking path, query and body values from its schemas, then mostly mutated (ADR 0044).
 */
import { mutate, nastyValue, NASTY_STRINGS, validValue, word, type Pools, type Rand, type Schema } from './values.ts';

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly pathParams: readonly { name: string; schema: Schema }[];
  readonly queryParams: readonly { name: string; schema: Schema; required: boolean }[];
  readonly body: Schema | undefined;
}

export interface RestRequest {
  readonly operation: Operation;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  /** A string is sent as is (malformed JSON, another content type); anything else as JSON. */
  readonly payload: string | undefined;
  /** Which credential: a role, `none`, or a bogus one. */
  readonly credential: string;
  readonly what: string;
}

/** Operations the fuzzer leaves alone: revoking keys (its own admin key among them) would only measure 401s. */
const SKIPPED = [/^\/api\/v1\/api-keys\/\{[^}]+\}/, /^\/api\/v1\/auth\/logout/];

function resolve(doc: any, s: Schema | undefined, seen = 0): Schema | undefined {
  if (s === undefined || seen > 20) return s;
  if (typeof s.$ref === 'string') {
    const target = s.$ref.replace(/^#\//, '').split('/').reduce<any>((o, k) => o?.[k], doc);
    return resolve(doc, target as Schema | undefined, seen + 1);
  }
  const out: Schema = { ...s };
  if (s.properties !== undefined) out.properties = Object.fromEntries(Object.entries(s.properties as Record<string, Schema>).map(([k, v]) => [k, resolve(doc, v, seen + 1)]));
  if (s.items !== undefined) out.items = resolve(doc, s.items as Schema, seen + 1);
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) if (Array.isArray(s[k])) out[k] = (s[k] as Schema[]).map((b) => resolve(doc, b, seen + 1));
  return out;
}

export function operationsOf(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Record<string, Record<string, any>>)) {
    if (!path.startsWith('/api/') || SKIPPED.some((re) => re.test(path))) continue;
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const params = ((op.parameters ?? []) as any[]).map((p) => ({ ...p, schema: resolve(doc, p.schema as Schema) ?? { type: 'string' } }));
      const content = op.requestBody?.content as Record<string, { schema?: Schema }> | undefined;
      ops.push({
        method: method.toUpperCase(), path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name as string, schema: p.schema as Schema })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name as string, schema: p.schema as Schema, required: p.required === true })),
        body: resolve(doc, content?.['application/json']?.schema ?? (content === undefined ? undefined : Object.values(content)[0]?.schema)),
      });
    }
  }
  return ops;
}

/** encodeURIComponent, with a lone surrogate sent as the (invalid) UTF-8 bytes of one rather than thrown on. */
const enc = (s: string): string => s.split(/([\ud800-\udfff])/).map((part, i) => (i % 2 === 1 ? '%ED%A0%80' : encodeURIComponent(part))).join('');

const BAD_PATH_VALUES = ['unknown_1', 'ord_nope', '0', '-1', '%00', '%2e%2e', '..', '%25', 'x'.repeat(600), '%E2%80%AE', '%F0%9F%98%80', '%FF', 'null', '%20', 'a%2Fb'];

function pathValue(r: Rand, pools: Pools, name: string): string {
  const roll = r.next();
  if (roll < 0.55 && pools.ids.length > 0 && !/code|sku/i.test(name)) return enc(r.pick(pools.ids));
  if (roll < 0.7 && pools.codes.length > 0) return enc(r.pick(pools.codes));
  if (roll < 0.85) return r.pick(BAD_PATH_VALUES);
  return enc(r.pick(NASTY_STRINGS).slice(0, 2000)) || 'x';
}

function queryValue(r: Rand, pools: Pools, p: { name: string; schema: Schema }): string {
  if (r.chance(0.7)) {
    const v = validValue(p.schema, r, pools, p.name);
    return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(',') : typeof v === 'string' ? v : JSON.stringify(v) ?? '';
  }
  const v = nastyValue(r);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

const LOW_ROLES = ['viewer', 'operator', 'integration', 'manager'] as const;

/** One request for one operation. */
export function restRequest(op: Operation, r: Rand, pools: Pools): RestRequest {
  const whats: string[] = [];
  let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => pathValue(r, pools, name));
  const query: string[] = [];
  for (const p of op.queryParams) {
    if (p.required || r.chance(0.4)) query.push(`${enc(p.name)}=${enc(queryValue(r, pools, p))}`);
  }
  if (r.chance(0.1)) query.push(`${word(r)}=${enc(String(nastyValue(r)))}`);
  if (query.length > 0) url += `?${query.join('&')}`;

  const headers: Record<string, string> = {};
  let payload: string | undefined;
  const mutating = op.method !== 'GET';
  if (mutating) {
    const roll = r.next();
    if (roll < 0.05) {
      payload = r.pick(['{', '{"a":', 'not json', '[1,2', '{"a":1}}', '\u0000', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', 'null', '"str"', '1e999']);
      headers['content-type'] = 'application/json';
      whats.push('malformed json');
    } else if (roll < 0.09) {
      payload = 'a=1&b=2';
      headers['content-type'] = r.pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'foo']);
      whats.push(`content-type ${headers['content-type']}`);
    } else if (op.body !== undefined || r.chance(0.3)) {
      let body = validValue(op.body, r, pools);
      const n = r.chance(0.15) ? 0 : 1 + r.int(3);
      for (let i = 0; i < n; i++) {
        const m = mutate(body, r);
        body = m.value;
        whats.push(m.what);
      }
      if (n === 0) whats.push('valid-looking');
      payload = JSON.stringify(body ?? null);
      headers['content-type'] = 'application/json';
    }
    if (r.chance(0.2)) headers['idempotency-key'] = r.chance(0.8) ? `fz-${word(r, 8, 20)}` : r.pick(NASTY_STRINGS.filter((s) => [...s].every((c) => c >= ' ' && c <= '~')));
  }
  if (r.chance(0.03)) headers['if-match'] = r.pick(['"1"', '"nope"', '*', 'W/"3"']);
  const roll = r.next();
  const credential = roll < 0.8 ? 'admin' : roll < 0.88 ? 'none' : roll < 0.96 ? r.pick(LOW_ROLES) : r.pick(['bogus-key', 'bogus-bearer']);
  return { operation: op, method: op.method, url, headers, payload, credential, what: whats.join('; ') };
}
