import { describe, expect, it } from 'vitest';
import { planReservation, rotationOrder, type ReservationCandidate } from './reservation-policy.ts';

const c = (locationId: string, free: number, o: Partial<ReservationCandidate> = {}): ReservationCandidate => ({
  locationId, lot: '', free, expiresOn: null, firstReceivedAt: '2024-01-01T00:00:00.000Z', pickFace: false, pickSequence: null, ...o,
});

describe('reservation policy', () => {
  it('FEFO takes the earliest expiry first, even when a later lot could cover the line alone', () => {
    const takes = planReservation('FEFO', 5, [
      c('L1', 10, { lot: 'LATE', expiresOn: '2031-01-01' }),
      c('L2', 3, { lot: 'EARLY', expiresOn: '2030-01-01' }),
    ]);
    expect(takes).toEqual([{ locationId: 'L2', lot: 'EARLY', quantity: 3 }, { locationId: 'L1', lot: 'LATE', quantity: 2 }]);
  });

  it('FEFO prefers one balance of the earliest expiry that covers the line over splitting', () => {
    const takes = planReservation('FEFO', 4, [
      c('L1', 2, { lot: 'A', expiresOn: '2030-01-01', firstReceivedAt: '2023-01-01T00:00:00.000Z' }),
      c('L2', 6, { lot: 'A', expiresOn: '2030-01-01' }),
    ]);
    expect(takes).toEqual([{ locationId: 'L2', lot: 'A', quantity: 4 }]);
  });

  it('FIFO takes the oldest receipt when it covers the line', () => {
    const takes = planReservation('FIFO', 3, [
      c('NEW', 10, { firstReceivedAt: '2024-02-01T00:00:00.000Z' }),
      c('OLD', 5, { firstReceivedAt: '2024-01-01T00:00:00.000Z' }),
    ]);
    expect(takes).toEqual([{ locationId: 'OLD', lot: '', quantity: 3 }]);
  });

  it('FIFO uses fewest locations: one balance covering the line beats splitting older ones', () => {
    const takes = planReservation('FIFO', 6, [
      c('OLD', 2, { firstReceivedAt: '2024-01-01T00:00:00.000Z' }),
      c('NEW', 10, { firstReceivedAt: '2024-02-01T00:00:00.000Z' }),
    ]);
    expect(takes).toEqual([{ locationId: 'NEW', lot: '', quantity: 6 }]);
  });

  it('splits in rotation order when no balance covers the line, and returns fewer units when short', () => {
    const takes = planReservation('FIFO', 10, [
      c('B', 3, { firstReceivedAt: '2024-02-01T00:00:00.000Z' }),
      c('A', 4, { firstReceivedAt: '2024-01-01T00:00:00.000Z' }),
    ]);
    expect(takes).toEqual([{ locationId: 'A', lot: '', quantity: 4 }, { locationId: 'B', lot: '', quantity: 3 }]);
  });

  it('ignores empty balances and prefers pick faces at equal age', () => {
    expect(rotationOrder('FIFO', [c('R', 5), c('P', 5, { pickFace: true }), c('E', 0)]).map((x) => x.locationId)).toEqual(['P', 'R']);
    expect(planReservation('FIFO', 0, [c('R', 5)])).toEqual([]);
    expect(planReservation('FIFO', 1, [])).toEqual([]);
  });
});
