import { describe, expect, it } from 'vitest';
import { CURSOR_MAX_LENGTH } from './schemas.ts';
import { clearCursorKey, CURSOR_SHAPES, cursorKey, cursorSeq, decodeCursor, encodeCursor, nextCursor } from './paging.ts';

describe('the cursor codec', () => {
  it('round-trips a key and refuses what it did not make', () => {
    expect(decodeCursor(encodeCursor('ord_1'))).toBe('ord_1');
    expect(decodeCursor(encodeCursor(42))).toBe('42');
    expect(decodeCursor('***')).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it('text and sequence cursors: first page, next page, 400 for anything else', () => {
    expect(cursorKey(undefined, CURSOR_SHAPES.text)).toEqual({ ok: true, value: null });
    expect(cursorKey(encodeCursor('SKU-1'), CURSOR_SHAPES.text)).toEqual({ ok: true, value: 'SKU-1' });
    expect(cursorKey('!!', CURSOR_SHAPES.text)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cursorSeq(undefined)).toEqual({ ok: true, value: 0 });
    expect(cursorSeq(encodeCursor(17))).toEqual({ ok: true, value: 17 });
    expect(cursorSeq(encodeCursor('99999999999999999999'))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(cursorSeq(encodeCursor('x1'))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('a key of another shape than the list\'s own is refused: a tampered base64 text, a NUL, a control character', () => {
    expect(cursorKey(encodeCursor('ord_0190a1b2c3d4'), CURSOR_SHAPES.id)).toEqual({ ok: true, value: 'ord_0190a1b2c3d4' });
    expect(cursorKey(encodeCursor('[1,2,3]'), CURSOR_SHAPES.id)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', errors: [{ field: '/querystring/cursor' }] });
    expect(cursorKey(encodeCursor('xyz_1'), CURSOR_SHAPES.id)).toMatchObject({ ok: false });
    // A list's own kind only: an order's cursor is no wave list's.
    expect(cursorKey(encodeCursor('wav_0190a1b2c3d4'), CURSOR_SHAPES.idOf('wav'))).toEqual({ ok: true, value: 'wav_0190a1b2c3d4' });
    expect(cursorKey(encodeCursor('ord_0190a1b2c3d4'), CURSOR_SHAPES.idOf('wav'))).toMatchObject({ ok: false, errors: [{ field: '/querystring/cursor' }] });
    expect(cursorKey(encodeCursor('SKU\u0000'), CURSOR_SHAPES.text)).toMatchObject({ ok: false });
    expect(cursorKey(encodeCursor('S'.repeat(101)), CURSOR_SHAPES.text)).toMatchObject({ ok: false });
    // Characters as the schemas count them: a worker id of 100 emoji (200 UTF-16 units) is a key its list returns.
    expect(cursorKey(encodeCursor('😀'.repeat(100)), CURSOR_SHAPES.text)).toEqual({ ok: true, value: '😀'.repeat(100) });
    expect(cursorKey(encodeCursor('😀'.repeat(101)), CURSOR_SHAPES.text)).toMatchObject({ ok: false });
    expect(clearCursorKey('tsk_000001', CURSOR_SHAPES.id)).toEqual({ ok: true, value: 'tsk_000001' });
    expect(clearCursorKey('\u0000', CURSOR_SHAPES.id)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(clearCursorKey(undefined, CURSOR_SHAPES.id)).toEqual({ ok: true, value: null });
  });

  it('?cursor= takes the longest key a list returns, base64url-encoded (a 100-emoji worker id: 536 characters)', () => {
    const longest = encodeCursor('😀'.repeat(100));
    expect(longest.length).toBeGreaterThan(200);
    expect(longest.length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
    expect(encodeCursor(JSON.stringify(['S'.repeat(64), `loc_${'x'.repeat(96)}`, '😀'.repeat(64), 'QUARANTINE', `own_${'x'.repeat(96)}`])).length).toBeLessThanOrEqual(CURSOR_MAX_LENGTH);
  });

  it('a next cursor only after a full page', () => {
    expect(nextCursor([{ id: 'a' }, { id: 'b' }], 2, (r) => r.id)).toBe(encodeCursor('b'));
    expect(nextCursor([{ id: 'a' }], 2, (r) => r.id)).toBeNull();
  });
});
