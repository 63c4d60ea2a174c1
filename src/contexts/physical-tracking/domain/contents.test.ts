import { describe, expect, it } from 'vitest';
import { addLines, holdsOnlyOwner, takeUnits, type ContentLine } from './contents.ts';

const line = (sku: string, quantity: number, more: Partial<ContentLine> = {}): ContentLine =>
  ({ sku, lot: null, serial: null, owner: null, orderId: null, quantity, ...more });

describe('LPN contents', () => {
  it('merges lines of the same SKU, lot, serial, owner and order', () => {
    expect(addLines([line('A', 2)], [line('A', 3), line('A', 1, { lot: 'L1' }), line('B', 0)])).toEqual([line('A', 5), line('A', 1, { lot: 'L1' })]);
  });

  it('never merges two lines of a serial: a serial names one unit, so two units of one serial stay two lines (lpn7)', () => {
    expect(addLines([line('A', 1, { serial: 'S1' })], [line('A', 1, { serial: 'S1' }), line('A', 1, { serial: 'S2' })]))
      .toEqual([line('A', 1, { serial: 'S1' }), line('A', 1, { serial: 'S1' }), line('A', 1, { serial: 'S2' })]);
  });

  it('takes units first lines first, keeping their lot', () => {
    const out = takeUnits([line('A', 2, { lot: 'L1' }), line('B', 1), line('A', 5, { lot: 'L2' })], { sku: 'A', quantity: 4 });
    expect(out).toEqual({ ok: true, value: { taken: [line('A', 2, { lot: 'L1' }), line('A', 2, { lot: 'L2' })], remaining: [line('B', 1), line('A', 3, { lot: 'L2' })] } });
  });

  it('takes only the lot or order asked for', () => {
    const out = takeUnits([line('A', 2, { orderId: 'o1' }), line('A', 2, { orderId: 'o2' })], { sku: 'A', orderId: 'o2', quantity: 2 });
    expect(out.ok && out.value.remaining).toEqual([line('A', 2, { orderId: 'o1' })]);
  });

  it('takes only the owner asked for: a line naming none holds the default owner\'s units (found by the stock hunt)', () => {
    const mixed = [line('A', 2, { owner: 'own_client' }), line('A', 3)];
    expect(takeUnits(mixed, { sku: 'A', owner: 'own_client', quantity: 3 }).ok).toBe(false);
    expect(takeUnits(mixed, { sku: 'A', owner: 'own_default', quantity: 3 })).toEqual({ ok: true, value: { taken: [line('A', 3)], remaining: [line('A', 2, { owner: 'own_client' })] } });
    expect(takeUnits(mixed, { sku: 'A', owner: null, quantity: 1 }).ok && takeUnits(mixed, { sku: 'A', owner: null, quantity: 1 })).toMatchObject({ value: { taken: [line('A', 1)] } });
  });

  it("tells an LPN of one owner's units from one holding several owners' (what a putaway carries whole)", () => {
    const mixed = [line('A', 2, { owner: 'own_client' }), line('A', 3)];
    expect([holdsOnlyOwner(mixed, 'own_client'), holdsOnlyOwner(mixed, null), holdsOnlyOwner(mixed, 'own_default')]).toEqual([false, false, false]);
    expect([holdsOnlyOwner([line('A', 3)], 'own_default'), holdsOnlyOwner([line('A', 3), line('B', 1)], undefined), holdsOnlyOwner([line('A', 2, { owner: 'own_client' })], 'own_client')])
      .toEqual([true, true, true]);
    expect([holdsOnlyOwner([line('A', 2, { owner: 'own_client' })], null), holdsOnlyOwner([], 'own_client')]).toEqual([false, true]);
  });

  it('refuses to take more than the LPN holds', () => {
    expect(takeUnits([line('A', 2)], { sku: 'A', quantity: 3 })).toMatchObject({ ok: false, code: 'INSUFFICIENT_CONTENTS' });
    expect(takeUnits([line('A', 2, { lot: 'L1' })], { sku: 'A', lot: 'L2', quantity: 1 })).toMatchObject({ ok: false, code: 'INSUFFICIENT_CONTENTS' });
  });
});
