/** A row with an open form stays on a live list that no longer holds it: ui/lib/open-row.ts. */
import { expect, it } from 'vitest';
import { withOpenRow } from './open-row.ts';

const a = { id: 'a', status: 'HELD' };
const b = { id: 'b', status: 'HELD' };

it('keeps the row whose form is open when a re-read list no longer holds it, and says it left', () => {
  expect(withOpenRow([b], a)).toEqual({ rows: [a, b], now: undefined, left: true });
  expect(withOpenRow([a, b], undefined)).toEqual({ rows: [a, b], now: undefined, left: false });
});

it('shows the row as the list holds it now while it is still listed', () => {
  const changed = { id: 'a', status: 'SCRAPPED' };
  expect(withOpenRow([changed, b], a)).toEqual({ rows: [changed, b], now: changed, left: false });
});

it('says nothing left while the list is not read yet', () => {
  expect(withOpenRow(undefined, a)).toEqual({ rows: [a], now: undefined, left: false });
});
