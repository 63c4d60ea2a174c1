import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReservationCandidate } from './reservation-policy.ts';
import { planWaveReservations, type SkuSupply, type WaveLine } from './wave-reservation.ts';

const candidate = (locationId: string, free: number): ReservationCandidate => ({
  locationId, lot: '', free, expiresOn: null, firstReceivedAt: '2026-01-01T00:00:00.000Z', pickFace: false, pickSequence: null,
});
const supply = (entries: Record<string, [string, number][]>): Map<string, SkuSupply> =>
  new Map(Object.entries(entries).map(([sku, cs]) => [sku, { policy: 'FIFO', candidates: cs.map(([l, f]) => candidate(l, f)) }]));

describe('wave reservations are all-or-nothing per order', () => {
  it('reserves every order in full when stock suffices', () => {
    const lines: WaveLine[] = [{ orderId: 'o1', lineId: 'a', sku: 'X', quantity: 2 }, { orderId: 'o2', lineId: 'b', sku: 'X', quantity: 3 }];
    const plan = planWaveReservations(lines, supply({ X: [['L1', 5]] }));
    expect(plan.backordered).toEqual([]);
    expect(plan.shortages).toEqual([]);
    expect(plan.takes.map((t) => t.takes.reduce((n, x) => n + x.quantity, 0))).toEqual([2, 3]);
  });

  it('sends an order with one short line back whole and gives its stock to the next order', () => {
    // o1 needs X 5 and Y 1 (no Y anywhere); o2 needs X 5: only 5 X exist. o1 goes back, o2 gets the X.
    const lines: WaveLine[] = [
      { orderId: 'o1', lineId: 'a', sku: 'X', quantity: 5 },
      { orderId: 'o1', lineId: 'b', sku: 'Y', quantity: 1 },
      { orderId: 'o2', lineId: 'c', sku: 'X', quantity: 5 },
    ];
    const plan = planWaveReservations(lines, supply({ X: [['L1', 5]] }));
    expect(plan.backordered).toEqual(['o1']);
    expect(plan.takes.map((t) => [t.line.orderId, t.takes.reduce((n, x) => n + x.quantity, 0)])).toEqual([['o2', 5]]);
    expect(plan.shortages.map((s) => [s.line.orderId, s.line.lineId, s.missing])).toEqual([['o1', 'b', 1]]);
  });

  it('never over-commits supply and reserves remaining orders in full (property)', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ orderId: fc.constantFrom('o1', 'o2', 'o3', 'o4'), sku: fc.constantFrom('X', 'Y'), quantity: fc.integer({ min: 1, max: 6 }) }), { maxLength: 12 }),
      fc.array(fc.record({ sku: fc.constantFrom('X', 'Y'), loc: fc.constantFrom('L1', 'L2', 'L3'), free: fc.integer({ min: 0, max: 8 }) }), { maxLength: 6 }),
      (raw, stock) => {
        const lines: WaveLine[] = raw.map((l, i) => ({ ...l, lineId: `l${i}` }));
        const bySku: Record<string, [string, number][]> = {};
        for (const s of stock) {
          const list = (bySku[s.sku] ??= []);
          if (!list.some(([l]) => l === s.loc)) list.push([s.loc, s.free]);
        }
        const sup = supply(bySku);
        const plan = planWaveReservations(lines, sup);
        const used = new Map<string, number>();
        for (const t of plan.takes) {
          expect(plan.backordered).not.toContain(t.line.orderId);
          expect(t.takes.reduce((n, x) => n + x.quantity, 0)).toBe(t.line.quantity);
          for (const x of t.takes) used.set(`${t.line.sku}/${x.locationId}`, (used.get(`${t.line.sku}/${x.locationId}`) ?? 0) + x.quantity);
        }
        for (const [sku, cs] of Object.entries(bySku)) for (const [loc, free] of cs) expect(used.get(`${sku}/${loc}`) ?? 0).toBeLessThanOrEqual(free);
        const reservedOrders = new Set(plan.takes.map((t) => t.line.orderId));
        for (const l of lines) expect(reservedOrders.has(l.orderId) !== plan.backordered.includes(l.orderId)).toBe(true);
      },
    ));
  });
});
