import { describe, expect, it } from 'vitest';
import { PICK_LINE_STATUSES, PICK_LIST_STATUSES } from '../../../contracts/picking.ts';
import { decideConfirm, type LineToPick } from '../use-cases/confirm-pick/decide.ts';
import { PICK_LINE_TRANSITIONS, PICK_LIST_TRANSITIONS, listOutcome, pickLineLifecycle, pickListLifecycle } from './pick-lifecycle.ts';

const canMoveLine = pickLineLifecycle.can;
const canMoveList = pickListLifecycle.can;
import { pickSequenceOrder } from './pick-sequence.ts';

describe('pick line and list lifecycles', () => {
  it('closes a line once: PENDING → PICKED | SHORT | SKIPPED, nothing after', () => {
    for (const to of ['PICKED', 'SHORT', 'SKIPPED'] as const) expect(canMoveLine('PENDING', to)).toBe(true);
    for (const from of ['PICKED', 'SHORT', 'SKIPPED'] as const) for (const to of PICK_LINE_STATUSES) expect(canMoveLine(from, to)).toBe(false);
    expect(Object.keys(PICK_LINE_TRANSITIONS).sort()).toEqual([...PICK_LINE_STATUSES].sort());
  });

  it('moves a list CREATED → IN_PROGRESS → COMPLETED | PARTIAL, or CANCELLED', () => {
    expect(canMoveList('CREATED', 'IN_PROGRESS')).toBe(true);
    expect(canMoveList('IN_PROGRESS', 'COMPLETED')).toBe(true);
    expect(canMoveList('IN_PROGRESS', 'PARTIAL')).toBe(true);
    expect(canMoveList('CREATED', 'CANCELLED')).toBe(true);
    expect(canMoveList('CREATED', 'COMPLETED')).toBe(false);
    expect(canMoveList('COMPLETED', 'IN_PROGRESS')).toBe(false);
    expect(canMoveList('PARTIAL', 'COMPLETED')).toBe(false);
    expect(Object.keys(PICK_LIST_TRANSITIONS).sort()).toEqual([...PICK_LIST_STATUSES].sort());
  });

  it('completes a list when no line is pending: COMPLETED when all picked, PARTIAL when any went short', () => {
    expect(listOutcome(['PICKED', 'PENDING'])).toBe('IN_PROGRESS');
    expect(listOutcome(['PICKED', 'PICKED'])).toBe('COMPLETED');
    expect(listOutcome(['PICKED', 'SHORT'])).toBe('PARTIAL');
  });
});

describe('confirming a pick', () => {
  const TODAY = '2026-12-06';
  const line: LineToPick = {
    status: 'PENDING', sku: 'SKU-1', expectedBarcode: '4006381333931', locationId: 'loc_1', locationCode: 'DC1-A-01-01-1', lot: null, quantity: 5, picked: 2,
  };
  const scan = { locationCode: 'DC1-A-01-01-1', barcode: '4006381333931', quantity: 3 };

  it('accepts the right location, GTIN or SKU, and up to the open quantity', () => {
    expect(decideConfirm(line, scan, TODAY)).toEqual({ ok: true, value: { picked: 5, status: 'PICKED' } });
    expect(decideConfirm(line, { ...scan, barcode: 'SKU-1', quantity: 1 }, TODAY)).toEqual({ ok: true, value: { picked: 3, status: 'PENDING' } });
  });

  it('rejects a wrong location, a wrong product and too many units, each with its code', () => {
    expect(decideConfirm(line, { ...scan, locationCode: 'DC1-A-01-02-1' }, TODAY)).toMatchObject({ ok: false, code: 'WRONG_LOCATION' });
    expect(decideConfirm(line, { ...scan, barcode: '0000000000000' }, TODAY)).toMatchObject({ ok: false, code: 'WRONG_PRODUCT' });
    expect(decideConfirm(line, { ...scan, quantity: 4 }, TODAY)).toMatchObject({ ok: false, code: 'QUANTITY_EXCEEDS_OPEN' });
    expect(decideConfirm(line, { ...scan, quantity: 0 }, TODAY)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  // A lot reserved while good and past its expiry by the time of the pick was picked and shipped (failed before: ok).
  it('refuses a lot past its expiry (LOT_EXPIRED, the way out is a short, reason EXPIRED); its expiry day is still good', () => {
    const dated = { ...line, lot: 'L1', expiresOn: '2026-12-05' };
    const refused = decideConfirm(dated, scan, TODAY);
    expect(refused).toMatchObject({ ok: false, code: 'LOT_EXPIRED' });
    expect(!refused.ok && refused.message).toMatch(/L1 of SKU-1 expired on 2026-12-05.*reason EXPIRED/);
    expect(decideConfirm({ ...dated, expiresOn: TODAY }, scan, TODAY).ok).toBe(true);
    expect(decideConfirm({ ...dated, expiresOn: null }, scan, TODAY).ok).toBe(true);
  });

  it('refuses a closed line', () => {
    expect(decideConfirm({ ...line, status: 'PICKED', picked: 5 }, scan, TODAY)).toMatchObject({ ok: false, code: 'ILLEGAL_TRANSITION' });
  });

  it('matches the location id when the location master did not know the code', () => {
    const unknown = { ...line, locationCode: null };
    expect(decideConfirm(unknown, { ...scan, locationCode: 'loc_1' }, TODAY).ok).toBe(true);
    expect(decideConfirm(unknown, scan, TODAY)).toMatchObject({ ok: false, code: 'WRONG_LOCATION' });
  });
});

describe('pick sequence order', () => {
  it('orders by pick sequence, then code, with unknown locations last', () => {
    const stop = (key: string, pickSequence: number | null, locationCode: string | null) =>
      ({ key, locationId: `loc_${key}`, locationCode, pickSequence, x: null, y: null });
    const { stops, routeLength } = pickSequenceOrder.sequence([
      stop('a', null, null), stop('b', 20, 'B'), stop('c', 10, 'Z'), stop('d', null, 'A'), stop('e', 10, 'C'),
    ]);
    expect(stops.map((s) => s.key)).toEqual(['e', 'c', 'b', 'd', 'a']);
    expect(routeLength).toBeNull();
  });
});

describe('pickLineLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(pickLineLifecycle.unreachable()).toEqual([]);
  });
});

describe('pickListLifecycle (platform/lifecycle.ts)', () => {
  it('every state is reachable from the initial ones', () => {
    expect(pickListLifecycle.unreachable()).toEqual([]);
  });
});
