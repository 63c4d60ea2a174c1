import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { counter, SITE } from '../decider-fixtures.ts';
import type { FreeBalance, LocationFacts } from '../reserve-wave/decide.ts';
import { decideRecovery, type RecoverCommand, type RecoveryState } from './decide.ts';

const spec = deciderSpec(decideRecovery);
const facts = (type: LocationFacts['type'], status: LocationFacts['status'] = 'ACTIVE'): LocationFacts => ({ site_id: SITE, type, status, pick_sequence: 1 });
const balance = (location_id: string, on_hand: number, o: Partial<FreeBalance> = {}): FreeBalance => ({
  location_id, lot: '', on_hand, reserved: 0, expires_on: null, first_received_at: new Date('2026-01-01T00:00:00Z'), ...o,
});
const state = (o: Partial<RecoveryState> = {}): RecoveryState => ({
  balances: [balance('loc_a', 5), balance('loc_b', 2)],
  locations: new Map([['loc_a', facts('PICK_FACE')], ['loc_b', facts('PICK_FACE')], ['loc_r', facts('RESERVE')]]),
  allocatable: 10, shipComplete: false, reserveStock: [], ...o,
});
const short = (o: Partial<RecoverCommand> = {}): RecoverCommand => ({
  orderId: 'ord_1', lineId: 'l1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', waveId: 'wav_1', pickListId: 'pkl_1', pickLineId: 'pln_1',
  shortedLocationId: 'loc_a', quantity: 2, mode: 'short', newReservationId: counter('rsv'), ...o,
});

describe('recovering a short pick', () => {
  it('step 1: re-reserves the units at another pickable location, never the shorted one, allocating them again', () => {
    spec.given(state()).when(short()).then((d) => {
      expect(d.outcome).toBe('RE_RESERVED');
      expect(d.reservations).toEqual([expect.objectContaining({ id: 'rsv_1', location_id: 'loc_b', quantity: 2, wave_id: 'wav_1', order_id: 'ord_1' })]);
      expect(d.movements.map((m) => [m.type, m.deltaAllocated ?? m.deltaReserved])).toEqual([['ALLOCATE', 2], ['RESERVE', 2]]);
      expect(d.events[0]?.data).toMatchObject({ outcome: 'RE_RESERVED', task: null, reservations: [{ locationId: 'loc_b', quantity: 2 }] });
    });
  });

  it('a short at packing (origin PACK, addendum 2026-12-07) may take the location the units were picked from, and says so', () => {
    spec.given(state({ balances: [balance('loc_a', 5)] })).when(short({ origin: 'PACK', pickListId: 'pack:evt_1', pickLineId: 'pack:evt_1' })).then((d) => {
      expect(d.outcome).toBe('RE_RESERVED');
      expect(d.reservations).toEqual([expect.objectContaining({ location_id: 'loc_a', quantity: 2 })]);
      expect(d.events[0]?.data).toMatchObject({ outcome: 'RE_RESERVED', origin: 'PACK', pickLineId: 'pack:evt_1' });
    });
    spec.given(state({ balances: [balance('loc_a', 5)] })).when(short()).then((d) => expect(d.events[0]?.data).not.toHaveProperty('origin'));
    spec.given(state({ balances: [], shipComplete: true })).when(short({ origin: 'PACK' })).then((d) => {
      expect(d.events[0]?.data).toMatchObject({ outcome: 'AWAITING_STOCK', origin: 'PACK', task: { type: 'COUNT', locationId: 'loc_a' } });
    });
  });

  it('takes all the units or none: a location too small for them is no recovery', () => {
    spec.given(state({ balances: [balance('loc_b', 1)] })).when(short()).then((d) => {
      expect(d.outcome).toBe('SHIPS_SHORT');
      expect(d.reservations).toEqual([]);
    });
  });

  it('never takes stock promised to another order, nor blocked or expired stock', () => {
    spec.given(state({ allocatable: 1 })).when(short()).then((d) => expect(d.outcome).toBe('SHIPS_SHORT'));
    const blocked = new Map([['loc_b', facts('PICK_FACE', 'BLOCKED')]]);
    spec.given(state({ locations: blocked })).when(short()).then((d) => expect(d.outcome).toBe('SHIPS_SHORT'));
    spec.given(state({ balances: [balance('loc_b', 5, { expires_on: '2026-01-01' })] })).when(short()).then((d) => expect(d.outcome).toBe('SHIPS_SHORT'));
  });

  it('step 2: with nothing to re-reserve, a COUNT at the shorted location, or a REPLENISH when reserve/storage holds the SKU', () => {
    spec.given(state({ balances: [] })).when(short()).then((d) => {
      expect(d.events[0]?.data).toMatchObject({ outcome: 'SHIPS_SHORT', task: { type: 'COUNT', locationId: 'loc_a', reference: 'loc_a:SKU-A:pln_1' } });
    });
    spec.given(state({ balances: [], reserveStock: [{ location_id: 'loc_r', quantity: 40 }] })).when(short()).then((d) => {
      expect(d.events[0]?.data).toMatchObject({ task: { type: 'REPLENISH', locationId: 'loc_r' } });
    });
  });

  it('step 2 with a replenishment of the shorted face (issue 11): the REPLENISH task is the replenishment\'s', () => {
    const replenishment = { id: 'rpl_7', fromLocationId: 'loc_r' };
    spec.given(state({ balances: [], reserveStock: [{ location_id: 'loc_r2', quantity: 40 }], replenishment })).when(short()).then((d) => {
      expect(d.events[0]?.data).toMatchObject({ task: { type: 'REPLENISH', locationId: 'loc_r', reference: 'rpl_7' } });
    });
  });

  it('a waiting recovery\'s retry may take the shorted face, where a replenishment brings the units; the short itself never does', () => {
    const refilled = state({ balances: [balance('loc_a', 6)] });
    spec.given(refilled).when(short()).then((d) => expect(d.outcome).toBe('SHIPS_SHORT'));
    spec.given(refilled).when(short({ mode: 'retry' })).then((d) => {
      expect(d.outcome).toBe('RE_RESERVED');
      expect(d.reservations).toEqual([expect.objectContaining({ location_id: 'loc_a', quantity: 2 })]);
    });
  });

  it('a retry takes the shorted face only when units arrived there: not on a deallocation (arrived nowhere), nor on units that arrived elsewhere', () => {
    const atShorted = state({ balances: [balance('loc_a', 6)], shipComplete: true });
    spec.given(atShorted).when(short({ mode: 'retry', arrivedAt: [] })).then((d) => expect(d.outcome).toBeUndefined());
    spec.given(atShorted).when(short({ mode: 'retry', arrivedAt: ['loc_b'] })).then((d) => expect(d.outcome).toBeUndefined());
    spec.given(atShorted).when(short({ mode: 'retry', arrivedAt: ['loc_a'] })).then((d) => {
      expect(d.outcome).toBe('RE_RESERVED');
      expect(d.reservations).toEqual([expect.objectContaining({ location_id: 'loc_a', quantity: 2 })]);
    });
  });

  it('step 3: shipComplete waits for stock; its retry re-reserves once stock is there and says nothing until then', () => {
    spec.given(state({ balances: [], shipComplete: true })).when(short()).then((d) => expect(d.outcome).toBe('AWAITING_STOCK'));
    spec.given(state({ balances: [] })).when(short({ mode: 'retry' })).then((d) => {
      expect(d.outcome).toBeUndefined();
      expect(d.events).toEqual([]);
    });
    spec.given(state()).when(short({ mode: 'retry' })).then((d) => {
      expect(d.outcome).toBe('RE_RESERVED');
      expect(d.events[0]?.data).toMatchObject({ outcome: 'RE_RESERVED', pickLineId: 'pln_1' });
    });
  });

  it('a short that took nothing from the line (its order was cancelled) is settled at once, with no task', () => {
    spec.given(state()).when(short({ quantity: 0 })).then((d) => {
      expect(d.outcome).toBe('SHIPS_SHORT');
      expect(d.events[0]?.data).toMatchObject({ quantity: 0, task: null });
    });
  });
});
