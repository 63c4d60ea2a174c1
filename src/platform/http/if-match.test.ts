import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { ifMatchHolds, parseIfMatch } from './if-match.ts';

describe('parseIfMatch (RFC 9110 §13.1.1)', () => {
  it('* matches any version; a strong tag or list matches the versions it names; a weak tag never matches', () => {
    expect(ifMatchHolds(parseIfMatch('*'), 12)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('"3"'), 3)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('"3"'), 4)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('"3", "4"'), 4)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('"3","4"'), 5)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('W/"3"'), 3)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('W/"3", "3"'), 3)).toBe(true);
    expect(ifMatchHolds(parseIfMatch('"abc"'), 3)).toBe(false);
    expect(ifMatchHolds(parseIfMatch('3'), 3)).toBe(true);
    expect(ifMatchHolds(undefined, 3)).toBe(true);
  });

  it('a header that is no entity-tag list is VALIDATION_FAILED', () => {
    for (const bad of ['', ',', 'three', '"3', 'W/3', '*, "3"', '"a"b"']) {
      expect(() => parseIfMatch(bad), bad).toThrow(AppError);
    }
  });
});
