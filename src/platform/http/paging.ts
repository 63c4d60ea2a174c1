/** Cursor of the next page: the last row's cursor when the page came back full, else null (no more rows). */
export function nextCursor<T, C>(rows: readonly T[], limit: number, cursorOf: (last: T) => C): C | null {
  const last = rows.at(-1);
  return rows.length === limit && last !== undefined ? cursorOf(last) : null;
}
