import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
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

