import { describe, expect, it } from 'vitest';
import { cursorKey, cursorSeq, decodeCursor, encodeCursor, nextCursor } from './paging.ts';

describe('the cursor codec', () => {
  it('round-trips a key and refuses what it did not make', () => {
    expect(decodeCursor(encodeCursor('ord_1'))).toBe('ord_1');
    expect(decodeCursor(encodeCursor(42))).toBe('42');
    expect(decodeCursor('***')).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it('text and sequence cursors: first page, next page, 400 for anything else', () => {
    expect(cursorKey(undefined)).toEqual({ ok: true, value: null });
    expect(cursorKey(encodeCursor('SKU-1'))).toEqual({ ok: true, value: 'SKU-1' });
    expect(cursorKey('!!')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cursorSeq(undefined)).toEqual({ ok: true, value: 0 });
    expect(cursorSeq(encodeCursor(17))).toEqual({ ok: true, value: 17 });
    expect(cursorSeq(encodeCursor('99999999999999999999'))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cursorSeq(encodeCursor('x1'))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('a next cursor only after a full page', () => {
    expect(nextCursor([{ id: 'a' }, { id: 'b' }], 2, (r) => r.id)).toBe(encodeCursor('b'));
    expect(nextCursor([{ id: 'a' }], 2, (r) => r.id)).toBeNull();
  });
});
