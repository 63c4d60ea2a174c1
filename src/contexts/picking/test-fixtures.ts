import type { CountedPickList, PickLine } from './domain/pick-list.ts';

/** A PENDING line of 3 × SKU-1 (GTIN 4006381333931) at DC1-A-01-01-1, nothing picked yet, on list pkl_1. */
export function newPickLine(over: Partial<PickLine> = {}): PickLine {
  return {
    id: 'pln_1', pickListId: 'pkl_1', seq: 1, orderId: 'ord_1', orderLineId: 'oln_1', reservationId: 'rsv_1', siteId: 'sit_1',
    sku: 'SKU-1', expectedBarcode: '4006381333931', locationId: 'loc_1', locationCode: 'DC1-A-01-01-1', pickSequence: 10, lot: null,
    quantity: 3, picked: 0, shortQuantity: 0, shortReason: null, toteId: null, status: 'PENDING', updatedAt: '2026-01-15T11:00:00.000Z',
    ...over,
  };
}

/** A CREATED list pkl_1 of wave wav_1 for ord_1, with one open line. */
export function newPickList(over: Partial<CountedPickList> = {}): CountedPickList {
  return {
    id: 'pkl_1', siteId: 'sit_1', waveId: 'wav_1', orderIds: ['ord_1'], status: 'CREATED', priority: 5, routeLength: null,
    createdAt: '2026-01-15T11:00:00.000Z', updatedAt: '2026-01-15T11:00:00.000Z', completedAt: null, openLines: 1, shortLines: 0,
    ...over,
  };
}
