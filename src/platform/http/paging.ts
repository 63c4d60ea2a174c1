import { reject, ok, type Outcome } from '../errors.ts';
import { ID_PREFIXES, type IdPrefix } from '../ids.ts';

/**
 * The one cursor codec of every list. A cursor is opaque to clients: the page's last key (an id, a code, a SKU or a
 * sequence number), base64url-encoded. Decoding refuses anything this API did not return, so a list answers 400 for
 * a made-up cursor instead of reading from somewhere arbitrary.
 */
export function encodeCursor(key: string | number): string {
  return Buffer.from(String(key), 'utf8').toString('base64url');
}

/** The key of a cursor this API returned, or undefined. */
export function decodeCursor(cursor: string): string | undefined {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  return key.length > 0 && encodeCursor(key) === cursor ? key : undefined;
}

const refused = (): Outcome<never, 'VALIDATION_FAILED'> =>
  reject('VALIDATION_FAILED', 'The cursor is not valid', [{ field: '/querystring/cursor', message: 'is not a cursor this API returned' }]);

/**
 * What the keys of one list's cursors look like: a well-formed base64url text of any other shape (`[1,2,3]`, a NUL) is
 * no cursor that list returned, so it is refused like a malformed one instead of paging from an arbitrary key.
 */
export type CursorShape = (key: string) => boolean;

const CONTROL = /\p{Cc}/u;
/** A text's length in code points, as JSON Schema's maxLength counts it (not UTF-16 units). */
const codePoints = (text: string): number => [...text].length;
const TYPED_ID = new RegExp(`^(?:${ID_PREFIXES.join('|')})_[A-Za-z0-9_-]{1,96}$`);

/** Shapes of the keys lists page by. */
export const CURSOR_SHAPES = {
  /** An id this API made (`ord_…`, `tsk_…`): a typed prefix, then letters, digits, `_` or `-`. */
  id: (key: string): boolean => TYPED_ID.test(key),
  /**
   * An id of the one kind a list holds (`idOf('ord')`: the orders list's cursors): a cursor of another list (a wave's id
   * handed to the orders list) is refused, not paged from, where any typed id would otherwise compare as a key.
   */
  idOf: (prefix: IdPrefix): CursorShape => (key: string): boolean => key.startsWith(`${prefix}_`) && TYPED_ID.test(key),
  /**
   * A SKU, a code or a worker id: 1 to 100 characters, none a control character. Characters as the schemas count them
   * (code points): a worker id of 100 emoji is 200 UTF-16 units, and its list's next page was refused.
   */
  text: (key: string): boolean => codePoints(key) <= 100 && !CONTROL.test(key),
} as const satisfies Record<string, CursorShape | ((prefix: IdPrefix) => CursorShape)>;

/** `?cursor=` of a list keyed by text: null on the first page, a 400 rejection when it is no cursor of ours (or its key has not the list's shape). */
export function cursorKey(cursor: string | undefined, shape: CursorShape): Outcome<string | null, 'VALIDATION_FAILED'> {
  if (cursor === undefined) return ok(null);
  const key = decodeCursor(cursor);
  return key === undefined || !shape(key) ? refused() : ok(key);
}

/** `?cursor=` of the one list whose cursor is its last key in the clear (tasks): null on the first page, 400 when not of `shape`. */
export function clearCursorKey(cursor: string | undefined, shape: CursorShape): Outcome<string | null, 'VALIDATION_FAILED'> {
  if (cursor === undefined) return ok(null);
  return shape(cursor) ? ok(cursor) : refused();
}

/** `?cursor=` of a list keyed by a sequence number (a bigint column): 0 on the first page, 400 beyond the safe integers. */
export function cursorSeq(cursor: string | undefined): Outcome<number, 'VALIDATION_FAILED'> {
  if (cursor === undefined) return ok(0);
  const key = decodeCursor(cursor);
  const seq = key !== undefined && /^\d{1,16}$/.test(key) ? Number(key) : NaN;
  return Number.isSafeInteger(seq) ? ok(seq) : refused();
}

/** Key of the next page: the last row's key when the page came back full, else null (no more rows). */
export function nextKey<T, K>(rows: readonly T[], limit: number, keyOf: (last: T) => K): K | null {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined ? keyOf(last) : null;
}

/** Cursor of the next page: the last row's key, encoded, when the page came back full, else null (no more rows). */
export function nextCursor<T>(rows: readonly T[], limit: number, keyOf: (last: T) => string | number): string | null {
  const key = nextKey(rows, limit, keyOf);
  return key === null ? null : encodeCursor(key);
}
