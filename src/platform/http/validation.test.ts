import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { toProblem } from './problem.ts';
import { IDENTIFIER_MESSAGE, IDENTIFIER_PATTERN, Identifier, MultilineText, Text, TextOrEmpty, WorkerId } from './schemas.ts';
import { isText, MULTILINE_TEXT_MESSAGE, TEXT_MESSAGE } from '../text.ts';
import { duplicateKey, jsonTooDeep, MAX_JSON_DEPTH, nfcHook, partValidators } from './validation.ts';

describe('JSON bodies the parser takes but the API refuses', () => {
  it('finds a member named twice in one object, by its pointer, names compared as parsed', () => {
    expect(duplicateKey('{"code":"A","code":"B"}')).toBe('/code');
    expect(duplicateKey('{"a":1,"\\u0061":2}')).toBe('/a');
    expect(duplicateKey('{"lines":[{"sku":"A"},{"sku":"B","quantity":1,"quantity":2}]}')).toBe('/lines/1/quantity');
    expect(duplicateKey('{"a/b~":{"x":1,"x":1}}')).toBe('/a~1b~0/x');
    expect(duplicateKey('[{"a":1},{"a":1}]')).toBeUndefined();
    expect(duplicateKey('{"a":{"b":1},"b":{"a":1},"c":"{\\"c\\":1,\\"c\\":2}","d":["a","a"]}')).toBeUndefined();
    expect(duplicateKey('"{\\"a\\":1,\\"a\\":2}"')).toBeUndefined();
    expect(duplicateKey('{"":1,"":2}')).toBe('/');
  });

  it('finds a body nested deeper than the limit', () => {
    const nested = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(jsonTooDeep(nested(MAX_JSON_DEPTH + 1))?.code).toBe('VALIDATION_FAILED');
    expect(jsonTooDeep(nested(100_000))?.errors).toEqual([{ field: '/', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` }]);
    expect(jsonTooDeep({ a: [1, 2, { b: 'c' }] })).toBeUndefined();
  });
});

describe('text parts: numbers and Unicode forms', () => {
  type Check = ((data: unknown) => boolean) & { errors?: { instancePath: string; message: string }[] | null };
  const querystring = (properties: Record<string, unknown>): Check =>
    (partValidators()({}) as unknown as (route: unknown) => Check)({
      schema: { type: 'object', properties, additionalProperties: false }, httpPart: 'querystring', method: 'GET', url: '/x',
    });

  it('an integer or number parameter takes decimal digits only: 0x10, 1e1, " 5", "+5" are refused naming it', () => {
    const check = querystring({ limit: { type: 'integer', minimum: 1 }, ratio: { type: 'number' }, ids: { type: 'array', items: { type: 'integer' } }, q: { type: 'string' } });
    for (const bad of ['0x10', '1e1', ' 5', '+5', '5.0', 'Infinity', '']) {
      expect(check({ limit: bad }), bad).toBe(false);
      expect(check.errors?.[0]?.instancePath, bad).toBe('/limit');
    }
    expect(check({ ratio: '1e3' })).toBe(false);
    expect(check({ ids: ['1', '0x2'] })).toBe(false);
    expect(check.errors?.[0]?.instancePath).toBe('/ids/1');
    const ok = { limit: '05', ratio: '-1.5', ids: ['1', '2'], q: '0x10' };
    expect(check(ok)).toBe(true);
    expect(ok).toEqual({ limit: 5, ratio: -1.5, ids: [1, 2], q: '0x10' });
  });

  it('normalises every string of body, query and path to NFC, secrets left as sent', async () => {
    const request = {
      routeOptions: { url: '/api/v1/x' },
      body: { lot: 'LOT-e\u0301', lines: [{ zone: 'Zo\u0301na' }], password: 'pa\u0301ss', ascii: 'plain' },
      query: { worker: 'Jose\u0301' }, params: { id: 'Jos\u00e9' },
    } as unknown as FastifyRequest;
    const params = request.params;
    await nfcHook(request);
    expect(request.body).toEqual({ lot: 'LOT-\u00e9', lines: [{ zone: 'Z\u00f3na' }], password: 'pa\u0301ss', ascii: 'plain' });
    expect(request.query).toEqual({ worker: 'Jos\u00e9' });
    expect(request.params).toBe(params); // nothing to change: the same object
  });
});


describe('identifiers (schemas.ts, Identifier)', () => {
  type Check = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: { pattern?: string } }[] | null };
  const body = (properties: Record<string, unknown>): Check =>
    (partValidators()({}) as unknown as (route: unknown) => Check)({
      schema: { type: 'object', properties, additionalProperties: false }, httpPart: 'body', method: 'POST', url: '/x',
    });

  it('refuses white space at either end, control characters and invisible format characters; keeps inner spaces and letters', () => {
    const check = body({ workerId: WorkerId(), barcode: Type.String({ minLength: 1, maxLength: 200 }) });
    for (const bad of ['alice ', ' alice', 'alice\t', '\u00a0alice', 'ali\u0007ce', 'a\u001bb', 'a\u0085b', 'a\u007fb', 'ab\u202e', 'a\u2066b\u2069',
      'a\u200bb', '\ufeffalice', 'a\u2028b', 'a\nb', 'a\u001db']) {
      expect(check({ workerId: bad }), JSON.stringify(bad)).toBe(false);
      expect(check.errors?.[0]?.instancePath, JSON.stringify(bad)).toBe('/workerId');
      expect(check.errors?.[0]?.params.pattern).toBe(IDENTIFIER_PATTERN);
    }
    for (const good of ['alice', 'a', 'ord_0197b1c2', 'DEMO-A-03-05-1', 'Jos\u00e9 Mar\u00eda', '\u5f20\u4f1f', 'x.y:z']) expect(check({ workerId: good }), good).toBe(true);
    // A GS1 barcode carries GS (U+001D) between its element strings: barcode fields are no identifiers and take it.
    expect(check({ barcode: '0104006381333931\u001d10LOT42' })).toBe(true);
  });

  it('the problem names the field and says what is wrong, not the pattern', () => {
    const check = body({ externalId: Identifier(100) });
    expect(check({ externalId: 'SHOP\u00071' })).toBe(false);
    const problem = toProblem(Object.assign(new Error('x'), { validation: check.errors, validationContext: 'body' }), 't');
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors).toEqual([{ field: '/externalId', message: IDENTIFIER_MESSAGE }]);
    // An empty one is too short, said once (not also as a broken identifier).
    expect(check({ externalId: '' })).toBe(false);
    expect(toProblem(Object.assign(new Error('x'), { validation: check.errors, validationContext: 'body' }), 't').errors)
      .toEqual([{ field: '/externalId', message: 'must NOT have fewer than 1 characters' }]);
    // A blank one is blank, said once (not also as a broken identifier).
    expect(check({ externalId: ' \t ' })).toBe(false);
    expect(toProblem(Object.assign(new Error('x'), { validation: check.errors, validationContext: 'body' }), 't').errors)
      .toEqual([{ field: '/externalId', message: 'must not be blank' }]);
  });
});

/** 🏴󠁧󠁢󠁳󠁣󠁴󠁿 and 🏴󠁧󠁢󠁷󠁬󠁳󠁿: U+1F3F4, the tag characters of gbsct / gbwls, the cancel tag U+E007F. */
const SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
const WALES = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0077}\u{E006C}\u{E0073}\u{E007F}';

describe('free text (schemas.ts, Text, TextOrEmpty, MultilineText)', () => {
  type Check = ((data: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; params: { pattern?: string } }[] | null };
  const body = (properties: Record<string, unknown>): Check =>
    (partValidators()({}) as unknown as (route: unknown) => Check)({
      schema: { type: 'object', properties, additionalProperties: false }, httpPart: 'body', method: 'POST', url: '/x',
    });
  const problemOf = (check: Check) => toProblem(Object.assign(new Error('x'), { validation: check.errors, validationContext: 'body' }), 't');
  // Refused by all three: controls (C0 but LF/TAB for notes, DEL, C1), bidi controls and marks, zero-width space, BOM, separators, edges.
  const refused = ['Ana\u0000', 'A\u0007na', 'Ana\u001b[2J', 'A\u007fna', 'A\u0085na', 'A\u202ena', 'A\u2066na\u2069', 'A\u200fna', 'A\u061cna',
    'A\u200bna', '\ufeffAna', 'A\u2028na', 'A\u2029na', 'A\rna', 'Ana ', ' Ana', 'Ana\n', '\tAna', 'Ana\u00a0',
    // Tag characters outside an emoji tag sequence: after another base, unterminated, a lone cancel tag, tags after the end.
    'A\u{E0067}na', '\u{1F3F4}\u{E0067}\u{E0062}', 'Ana\u{E007F}', '\u{1F3F4}\u{E007F}', `${SCOTLAND}\u{E0067}`, 'x\u{E0067}\u{E007F}'];
  const kept = ['Ana', 'A', 'José Müller-Łukasz', '李 伟', 'می\u200cخواهم', '👩\u200d💻 dev', 'A & B, "Ltd." <x>', 'C/ Mayor 1, 3º-2ª',
    // Subdivision flags (emoji tag sequences, UTS #51): refused before 2026-12-06 as invisible format characters.
    SCOTLAND, `Glasgow ${SCOTLAND}`, `${SCOTLAND} & ${WALES} team`, `${WALES}${SCOTLAND}`, '🏴 black flag'];

  it('Text refuses control, bidi and invisible format characters, line breaks and tabs, and white space at an end; keeps what people write', () => {
    const check = body({ name: Text(200), line2: TextOrEmpty(200) });
    for (const bad of [...refused, 'A\nna', 'A\tna']) {
      for (const field of ['name', 'line2']) {
        expect(check({ name: 'x', [field]: bad }), `${field} ${JSON.stringify(bad)}`).toBe(false);
        expect(problemOf(check).errors, `${field} ${JSON.stringify(bad)}`).toEqual([{ field: `/${field}`, message: TEXT_MESSAGE }]);
      }
    }
    for (const good of kept) expect(check({ name: good, line2: good }), good).toBe(true);
    // An optional line may be sent empty; a required name may not (said once, as too short), nor blank.
    expect(check({ name: 'x', line2: '' })).toBe(true);
    expect(check({ name: '' })).toBe(false);
    expect(problemOf(check).errors).toEqual([{ field: '/name', message: 'must NOT have fewer than 1 characters' }]);
    expect(check({ name: '   ' })).toBe(false);
    expect(problemOf(check).errors).toEqual([{ field: '/name', message: 'must not be blank' }]);
  });

  it('MultilineText takes line feeds and tabs inside, and refuses the rest as Text does', () => {
    const check = body({ notes: MultilineText(2000) });
    for (const bad of refused) {
      expect(check({ notes: bad }), JSON.stringify(bad)).toBe(false);
      expect(problemOf(check).errors, JSON.stringify(bad)).toEqual([{ field: '/notes', message: MULTILINE_TEXT_MESSAGE }]);
    }
    for (const good of [...kept, 'Box torn.\nSeal broken:\tyes', 'a\n\nb']) expect(check({ notes: good }), JSON.stringify(good)).toBe(true);
  });

  it('the predicates the imports use say what the schemas say', () => {
    for (const bad of [...refused, 'A\nna']) expect(isText(bad), JSON.stringify(bad)).toBe(false);
    for (const good of kept) expect(isText(good), good).toBe(true);
  });
});
