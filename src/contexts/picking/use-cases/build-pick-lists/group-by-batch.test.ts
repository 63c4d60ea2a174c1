import { describe, expect, it } from 'vitest';
import { groupByBatch } from './decide.ts';

const r = (orderId: string, n: number) => ({ orderId, reservationId: `rsv_${orderId}_${n}` });

describe('pick lists per cart batch', () => {
  const reservations = [r('o1', 1), r('o2', 1), r('o1', 2), r('o3', 1), r('o4', 1)];

  it('makes one group per batch with the lines of all its orders', () => {
    expect(groupByBatch(reservations, [['o2', 'o1'], ['o3', 'o4']])).toEqual([
      { orderIds: ['o2', 'o1'], reservations: [r('o2', 1), r('o1', 1), r('o1', 2)] },
      { orderIds: ['o3', 'o4'], reservations: [r('o3', 1), r('o4', 1)] },
    ]);
  });

  it('falls back to one group per order without batches (reserved before released, or a discrete wave)', () => {
    expect(groupByBatch(reservations, []).map((g) => g.orderIds)).toEqual([['o1'], ['o2'], ['o3'], ['o4']]);
  });

  it('drops batch members without reservations, skips empty batches, and lists orders outside every batch alone', () => {
    expect(groupByBatch(reservations, [['o9'], ['o1', 'o8', 'o1'], ['o1', 'o3']]).map((g) => g.orderIds)).toEqual([['o1'], ['o3'], ['o2'], ['o4']]);
  });
});
