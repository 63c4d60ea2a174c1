import { describe, expect, it } from 'vitest';
import { duplicateKey, jsonTooDeep, MAX_JSON_DEPTH } from './validation.ts';

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
