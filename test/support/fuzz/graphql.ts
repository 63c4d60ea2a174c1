/**
 * GraphQL documents generated from the schema the app answers by introspection (ADR 0044): a root field of Query or
 * Mutation with random, wrong-typed, missing or unknown arguments, a random selection (unions through fragments),
 * unknown fields, deep nesting, aliases and plain garbage.
 */
import { NASTY_NUMBERS, NASTY_STRINGS, word, type Pools, type Rand } from './values.ts';

export const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name
  fields { name args { name type { ...T } } type { ...T } }
  inputFields { name type { ...T } } enumValues { name } possibleTypes { name } } } }
  fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }`;

interface TypeRef { kind: string; name: string | null; ofType: TypeRef | null }
interface Field { name: string; args: { name: string; type: TypeRef }[]; type: TypeRef }
interface FullType { kind: string; name: string; fields: Field[] | null; inputFields: { name: string; type: TypeRef }[] | null; enumValues: { name: string }[] | null; possibleTypes: { name: string }[] | null }

export interface GraphqlSchema {
  readonly types: ReadonlyMap<string, FullType>;
  readonly query: string;
  readonly mutation: string | undefined;
}

export function graphqlSchema(introspection: any): GraphqlSchema {
  const s = introspection.__schema;
  return { types: new Map((s.types as FullType[]).map((t) => [t.name, t])), query: s.queryType.name as string, mutation: s.mutationType?.name as string | undefined };
}

const named = (t: TypeRef): TypeRef => (t.ofType === null ? t : named(t.ofType));
const nonNull = (t: TypeRef): boolean => t.kind === 'NON_NULL';
const str = (s: string): string => JSON.stringify(s);

function literal(schema: GraphqlSchema, t: TypeRef, r: Rand, pools: Pools, name: string, depth: number, bad: boolean): string {
  if (bad && r.chance(0.3)) {
    return r.pick(['null', '1', '-1', '1.5', 'true', str(r.pick(NASTY_STRINGS).slice(0, 500)), '[]', '{}', '{ x: 1 }', 'NOPE', `[${str('a')}, 1]`, '99999999999999999999', '$undefinedVar']);
  }
  if (t.kind === 'NON_NULL') return literal(schema, t.ofType!, r, pools, name, depth, bad);
  if (t.kind === 'LIST') return `[${Array.from({ length: r.int(3) }, () => literal(schema, t.ofType!, r, pools, name, depth + 1, bad)).join(', ')}]`;
  const type = schema.types.get(t.name ?? '');
  switch (t.kind) {
    case 'ENUM': return r.pick(type?.enumValues ?? [{ name: 'X' }]).name;
    case 'INPUT_OBJECT': {
      if (depth > 4) return '{}';
      const fields = (type?.inputFields ?? []).filter((f) => nonNull(f.type) || r.chance(0.5));
      return `{ ${fields.map((f) => `${f.name}: ${literal(schema, f.type, r, pools, f.name, depth + 1, bad)}`).join(', ')} }`;
    }
    default:
      switch (t.name) {
        case 'Int': return String(bad ? r.pick(NASTY_NUMBERS.filter(Number.isInteger)) : 1 + r.int(20));
        case 'Float': return String(bad ? r.pick(NASTY_NUMBERS) : r.int(100) / 4);
        case 'Boolean': return r.chance(0.5) ? 'true' : 'false';
        case null:
        default: {
          const lower = name.toLowerCase();
          if (!bad && lower.endsWith('id') && pools.ids.length > 0 && r.chance(0.8)) return str(r.pick(pools.ids));
          if (!bad && pools.codes.length > 0 && r.chance(0.4)) return str(r.pick(pools.codes));
          return str(bad ? r.pick(NASTY_STRINGS).slice(0, 2000) : word(r).toUpperCase());
        }
      }
  }
}

function selection(schema: GraphqlSchema, t: TypeRef, r: Rand, depth: number, maxDepth: number): string {
  const type = schema.types.get(named(t).name ?? '');
  if (type === undefined || type.kind === 'SCALAR' || type.kind === 'ENUM') return '';
  if (type.kind === 'UNION' || type.kind === 'INTERFACE') {
    const parts = (type.possibleTypes ?? []).filter(() => r.chance(0.7)).map((p) => {
      const inner = selection(schema, { kind: 'OBJECT', name: p.name, ofType: null }, r, depth, maxDepth);
      return inner === '' ? '' : `... on ${p.name} ${inner}`;
    });
    return `{ __typename ${parts.join(' ')} }`;
  }
  const fields = (type.fields ?? []).filter((f) => f.args.every((a) => !nonNull(a.type)));
  const picked = fields.filter(() => r.chance(0.5));
  const parts = ['__typename'];
  for (const f of picked) {
    const leaf = ['SCALAR', 'ENUM'].includes(schema.types.get(named(f.type).name ?? '')?.kind ?? 'SCALAR');
    if (leaf) parts.push(f.name);
    else if (depth < maxDepth) {
      const inner = selection(schema, f.type, r, depth + 1, maxDepth);
      if (inner !== '') parts.push(`${f.name} ${inner}`);
    }
  }
  if (r.chance(0.03)) parts.push(`unknownField${word(r, 2, 5)}`);
  return `{ ${parts.join(' ')} }`;
}

export interface GraphqlRequest {
  readonly body: string;
  readonly mutation: boolean;
  readonly what: string;
  readonly field: string;
}

const GARBAGE = ['{', 'query {', '}', 'mutation { }', '{ __schema { types { name } }', 'subscription { x }', 'query Q($a: Int) { a }', '# nothing', '', '{ a b c }', 'fragment F on Query { ...F } { ...F }',
  `{ ${'a { '.repeat(3000)}b${' }'.repeat(3000)} }`, `{ ${'__typename '.repeat(20_000)}}`, `query { __typename(${'a: 1, '.repeat(2000)}) }`];

/** One POST /graphql body. */
export function graphqlRequest(schema: GraphqlSchema, r: Rand, pools: Pools): GraphqlRequest {
  const roll = r.next();
  if (roll < 0.04) {
    const garbage = r.pick(GARBAGE);
    return { body: r.chance(0.3) ? garbage : JSON.stringify({ query: garbage }), mutation: false, what: 'garbage', field: '-' };
  }
  if (roll < 0.06) {
    return { body: JSON.stringify(r.pick([{ query: 1 }, { query: null }, {}, { query: '{ __typename }', variables: 'x' }, { query: '{ __typename }', operationName: 7 }, [{ query: '{ __typename }' }]])), mutation: false, what: 'bad envelope', field: '-' };
  }
  const mutation = schema.mutation !== undefined && r.chance(0.6);
  const root = schema.types.get(mutation && schema.mutation !== undefined ? schema.mutation : schema.query)!;
  const field = r.pick(root.fields ?? []);
  const bad = r.chance(0.6);
  const args = field.args.filter((a) => nonNull(a.type) ? !(bad && r.chance(0.15)) : r.chance(0.5))
    .map((a) => `${a.name}: ${literal(schema, a.type, r, pools, a.name, 0, bad)}`);
  if (bad && r.chance(0.1)) args.push(`${word(r, 3, 6)}: 1`);
  const deep = r.chance(0.05);
  const sel = selection(schema, field.type, r, 0, deep ? 12 : 3);
  const call = `${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''} ${sel}`;
  const aliases = r.chance(0.05) ? 2 + r.int(3) : 1;
  const body = Array.from({ length: aliases }, (_, i) => (aliases > 1 ? `a${i}: ${call}` : call)).join(' ');
  const query = `${mutation ? 'mutation' : 'query'} { ${body} }`;
  return { body: JSON.stringify({ query }), mutation, what: `${bad ? 'bad args' : 'valid-looking'}${deep ? ', deep' : ''}${aliases > 1 ? ', aliases' : ''}`, field: field.name };
}
