import { describe, expect, it } from 'vitest';
import type { Reservation, StockReserved } from '../../../../contracts/inventory.ts';
import { sequentialIds } from '../../../../platform/ids.ts';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import { pickSequenceOrder } from '../../domain/pick-sequence.ts';
import { decideBuildPickLists, type ListingState } from './decide.ts';

const spec = deciderSpec(decideBuildPickLists);
const rsv = (id: string, orderId: string, sku: string, locationId: string, quantity = 1): Reservation =>
  ({ reservationId: id, orderId, lineId: `oln_${id}`, sku, locationId, lot: null, quantity });
const reserved = (reservations: Reservation[]): StockReserved =>
  ({ waveId: 'wav_1', siteId: 'sit_1', reservations, shortages: [], backordered: [] });
const known: ListingState = {
  unlistable: new Set(), batches: undefined, priorities: new Map([['ord_a', 7], ['ord_b', 2]]),
  products: new Map([['PEN', { gtin: '4006381333931' }], ['INK', { gtin: null }]]),
  locations: new Map([
    ['loc_1', { code: 'A-01', pickSequence: 30, x: 3, y: 1 }],
    ['loc_2', { code: 'A-02', pickSequence: 10, x: 1, y: 1 }],
  ]),
  sequencer: pickSequenceOrder,
};
const build = (reservations: Reservation[]) => ({ reserved: reserved(reservations), ids: sequentialIds() });

describe('build pick lists from a wave\'s reservations', () => {
  it('makes one list per order, lines in pick sequence, with the GTIN and location code picking\'s projections know', () => {
    const decision = spec.given(known).when(build([rsv('r1', 'ord_a', 'PEN', 'loc_1', 3), rsv('r2', 'ord_a', 'INK', 'loc_2', 2)]))
      .then(() => undefined);
    expect(decision.lists).toHaveLength(1);
    const [list] = decision.lists;
    expect(list).toMatchObject({ id: 'pkl_000001', waveId: 'wav_1', orderIds: ['ord_a'], status: 'CREATED', priority: 7, routeLength: null,
      createdAt: T0.toISOString(), completedAt: null });
    expect(list!.lines.map((l) => [l.id, l.seq, l.sku, l.locationCode, l.pickSequence, l.expectedBarcode, l.quantity, l.status])).toEqual([
      ['pln_000001', 1, 'INK', 'A-02', 10, null, 2, 'PENDING'],
      ['pln_000002', 2, 'PEN', 'A-01', 30, '4006381333931', 3, 'PENDING'],
    ]);
    expect(decision.events).toEqual([{
      type: 'picking.list.created.v1', subject: 'pkl_000001', siteId: 'sit_1',
      data: {
        pickListId: 'pkl_000001', waveId: 'wav_1', siteId: 'sit_1', orderIds: ['ord_a'], lineCount: 2, routeLength: null, priority: 7,
        firstLocationId: 'loc_2', lastLocationId: 'loc_1',
      },
    }]);
  });

  it('makes a line the projections know nothing of: no GTIN (the SKU is scanned), no code (the id is scanned), last in sequence', () => {
    const { lists } = spec.given(known).when(build([rsv('r1', 'ord_a', 'PAD', 'loc_9'), rsv('r2', 'ord_a', 'PEN', 'loc_1')]))
      .then(() => undefined);
    expect(lists[0]!.lines.map((l) => [l.sku, l.locationId, l.locationCode, l.pickSequence, l.expectedBarcode])).toEqual([
      ['PEN', 'loc_1', 'A-01', 30, '4006381333931'],
      ['PAD', 'loc_9', null, null, null],
    ]);
  });

  it('skips empty reservations, those already listed and those of orders picking knows are cancelled; nothing left, no list', () => {
    const given = { ...known, unlistable: new Set(['r2']) };
    const { lists } = spec.given(given)
      .when(build([rsv('r1', 'ord_a', 'PEN', 'loc_1', 0), rsv('r2', 'ord_b', 'PEN', 'loc_1'), rsv('r3', 'ord_c', 'INK', 'loc_2')]))
      .then(() => undefined);
    expect(lists.map((l) => l.orderIds)).toEqual([['ord_c']]);
    expect(lists[0]!.priority).toBe(5);
    spec.given(given).when(build([rsv('r2', 'ord_b', 'PEN', 'loc_1')])).then({ lists: [], events: [] });
  });

  it('makes one list per cart batch of a batch-released wave, with its most urgent order\'s priority', () => {
    const { lists } = spec.given({ ...known, batches: [['ord_a', 'ord_b']] })
      .when(build([rsv('r1', 'ord_a', 'PEN', 'loc_1'), rsv('r2', 'ord_b', 'INK', 'loc_2'), rsv('r3', 'ord_c', 'PEN', 'loc_2')]))
      .then(() => undefined);
    expect(lists.map((l) => [l.orderIds, l.priority, l.lines.map((x) => x.orderId)])).toEqual([
      [['ord_a', 'ord_b'], 2, ['ord_b', 'ord_a']],
      [['ord_c'], 5, ['ord_c']],
    ]);
  });
});
