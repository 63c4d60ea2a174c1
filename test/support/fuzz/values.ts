/**
 * Values for the fuzzer (ADR 0044): a seeded random source, "valid-looking" values drawn from a JSON schema (the
 * OpenAPI document's request schemas), and the mutations that turn one into bad input. Everything is drawn from the
 * one seeded generator, so a seed replays the same requests.
 */
import { createRng } from '../../../src/optimize/random.ts';

export interface Rand {
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

export function rand(seed: number): Rand {
  const rng = createRng(seed);
  return {
    next: () => rng.next(),
    int: (n) => rng.int(n),
    pick: <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!,
    chance: (p) => rng.next() < p,
  };
}

/** Strings that break naive code: empty, huge, control characters, NUL, lone surrogates, right-to-left, injections. */
export const NASTY_STRINGS: readonly string[] = [
  '', ' ', '\t\n\r', 'x'.repeat(300), 'y'.repeat(20_000), 'A\u0000B', '\u0000', '\u0007\u001b[31m', '\ud800', 'a\udfffb',
  '\u202egnp.exe', 'Ünïcødé ß 漢字 😀'.repeat(3), '😀'.repeat(200), "'; DROP TABLE orders; --", '" OR 1=1 --', '<script>alert(1)</script>',
  '../../etc/passwd', '%00', '%', '\\', '{}', '[]', 'null', 'NaN', 'Infinity', '-1', '1e309', '0x10', 'true', '\u00a0', '\ufeff',
  '$where', '__proto__', 'constructor', '2026-13-45T99:99:99Z', '0000-00-00', 'ord_', 'ord_00000000000000000000000000',
];

export const NASTY_NUMBERS: readonly number[] = [0, -1, -0, 0.5, -2.5, 1e-9, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 2 ** 63, -(2 ** 53), 1e308, -1e308, 123456789012];

export const NASTY_VALUES: readonly unknown[] = [null, true, false, [], {}, [null], [[[]]], { a: { b: { c: {} } } }, '', 0, -1, 'x', [1, 'a', null]];

export type Schema = Record<string, any>;

/** A random identifier-ish string. */
export function word(r: Rand, min = 1, max = 12): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz-_';
  const n = min + r.int(Math.max(1, max - min + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

export interface Pools {
  /** Ids and codes seen in responses (real entities), by prefix-less bucket: used as path params and id fields. */
  readonly ids: string[];
  readonly codes: string[];
}

const asTypes = (s: Schema): string[] => (Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type]);

/** A value that the schema (probably) accepts: what a real client would send, with real ids where a field names one. */
export function validValue(s: Schema | undefined, r: Rand, pools: Pools, name = '', depth = 0): unknown {
  if (s === undefined || depth > 6) return null;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return r.pick(s.enum);
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) {
    const nonNull = branches.filter((b) => b.type !== 'null');
    return validValue(r.pick(nonNull.length > 0 ? nonNull : branches), r, pools, name, depth);
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) return validValue(Object.assign({}, ...s.allOf), r, pools, name, depth);
  const types = asTypes(s).filter((t) => t !== 'null');
  const type = types.length > 0 ? r.pick(types) : s.properties !== undefined ? 'object' : s.items !== undefined ? 'array' : 'string';
  switch (type) {
    case 'string': return stringFor(s, r, pools, name);
    case 'integer': {
      const lo = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : 0;
      const hi = typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : lo + 20;
      return lo + r.int(Math.max(1, Math.min(hi - lo + 1, 1000)));
    }
    case 'number': {
      const lo = typeof s.minimum === 'number' ? s.minimum : 0;
      const hi = typeof s.maximum === 'number' ? s.maximum : lo + 100;
      return Math.round((lo + r.next() * (hi - lo)) * 100) / 100;
    }
    case 'boolean': return r.chance(0.5);
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = Math.min(typeof s.maxItems === 'number' ? s.maxItems : min + 3, min + 3);
      const n = min + r.int(max - min + 1);
      return Array.from({ length: n }, () => validValue(s.items as Schema | undefined, r, pools, name, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const required = new Set<string>(Array.isArray(s.required) ? s.required : []);
      for (const [k, sub] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        if (required.has(k) || r.chance(0.5)) out[k] = validValue(sub, r, pools, k, depth + 1);
      }
      return out;
    }
    default: return null;
  }
}

function stringFor(s: Schema, r: Rand, pools: Pools, name: string): string {
  const lower = name.toLowerCase();
  switch (s.format) {
    case 'date-time': return new Date(Date.UTC(2026, r.int(12), 1 + r.int(28), r.int(24))).toISOString();
    case 'date': return `2026-${String(1 + r.int(12)).padStart(2, '0')}-${String(1 + r.int(28)).padStart(2, '0')}`;
    case 'email': return `${word(r, 3, 8).toLowerCase()}@example.com`;
    case 'uri': return `https://example.com/${word(r)}`;
    default: break;
  }
  if (lower.endsWith('id') && pools.ids.length > 0 && r.chance(0.7)) return r.pick(pools.ids);
  if ((lower.endsWith('code') || lower === 'sku' || lower === 'site') && pools.codes.length > 0 && r.chance(0.7)) return r.pick(pools.codes);
  if (lower.includes('country')) return r.pick(['DE', 'US', 'FR', 'XX']);
  const min = typeof s.minLength === 'number' ? s.minLength : 1;
  const max = typeof s.maxLength === 'number' ? Math.min(s.maxLength, min + 16) : min + 12;
  return word(r, min, Math.max(min, max)).toUpperCase();
}

/** A value of the wrong kind for anything: a nasty string, number or structure. */
export function nastyValue(r: Rand): unknown {
  switch (r.int(3)) {
    case 0: return r.pick(NASTY_STRINGS);
    case 1: return r.pick(NASTY_NUMBERS);
    default: return r.pick(NASTY_VALUES);
  }
}

/** The paths (arrays of keys) of every node of a JSON value, the root included. */
function nodes(v: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(path);
  if (Array.isArray(v)) v.forEach((x, i) => nodes(x, [...path, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) nodes(x, [...path, k], out);
  return out;
}

/** One mutation of a (valid) value at a random node: a field dropped, retyped, nulled, added, made huge or nasty. */
export function mutate(value: unknown, r: Rand): { value: unknown; what: string } {
  const copy: unknown = value === undefined ? undefined : structuredClone(value);
  const paths = nodes(copy);
  const path = r.pick(paths);
  const kind = r.pick(['drop', 'null', 'nasty', 'nasty', 'wrong-type', 'extra', 'huge-array', 'number-edge', 'string-edge'] as const);
  if (path.length === 0) {
    return { value: kind === 'extra' && typeof copy === 'object' && copy !== null ? { ...copy, [word(r)]: nastyValue(r) } : nastyValue(r), what: `root ${kind}` };
  }
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], copy);
  const key = path[path.length - 1]!;
  const old: unknown = parent[key];
  switch (kind) {
    case 'drop': if (Array.isArray(parent)) parent.splice(Number(key), 1); else delete parent[key]; break;
    case 'null': parent[key] = null; break;
    case 'nasty': parent[key] = nastyValue(r); break;
    case 'wrong-type': parent[key] = typeof old === 'string' ? r.pick([1, true, [old], { value: old }]) : typeof old === 'number' ? String(old) : typeof old === 'object' ? 'object' : 7; break;
    case 'extra': if (typeof old === 'object' && old !== null && !Array.isArray(old)) (old as Record<string, unknown>)[word(r)] = nastyValue(r); else parent[word(r)] = nastyValue(r); break;
    case 'huge-array': parent[key] = Array.from({ length: 1 + r.int(2000) }, () => old); break;
    case 'number-edge': parent[key] = r.pick(NASTY_NUMBERS); break;
    case 'string-edge': parent[key] = r.pick(NASTY_STRINGS); break;
  }
  return { value: copy, what: `${kind} /${path.join('/')}` };
}
