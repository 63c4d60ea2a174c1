/** The console's captions say one row in the singular ("1 order", not "1 orders"): ui/lib/words.ts. */
import { expect, it } from 'vitest';
import { counted } from './words.ts';

it('says one of a list in the singular and any other number in the plural', () => {
  expect(['orders', 'held balances', 'packed orders', 'exceptions'].map((noun) => counted(1, noun))).toEqual(['1 order', '1 held balance', '1 packed order', '1 exception']);
  expect([0, 2, 200].map((n) => counted(n, 'orders'))).toEqual(['0 orders', '2 orders', '200 orders']);
});
