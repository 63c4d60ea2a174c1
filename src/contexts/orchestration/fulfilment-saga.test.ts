import { describe, expect, it } from 'vitest';
import type { ExceptionKind } from '../../contracts/orchestration.ts';
import type { SagaSignal, StepContext } from '../../platform/saga/saga.ts';
import type { ExceptionService } from './exceptions.ts';
import { applySignals, fulfilmentSaga, type FulfilmentData, type OrderMoved } from './fulfilment-saga.ts';

/** The exception service as the saga uses it: what it raised and cleared, nothing stored. */
function recordingExceptions() {
  const raised: string[] = [];
  const cleared: { kinds: readonly ExceptionKind[]; subject: string; why: string }[] = [];
  const service = {
    raiseNow: async (x: { kind: string }) => { raised.push(x.kind); return undefined; },
    raiseRepeatingNow: async (x: { kind: string }) => { raised.push(x.kind); return { raised: undefined, repeatAt: null }; },
    clearNow: async (kinds: readonly ExceptionKind[], subject: string, why: string) => { cleared.push({ kinds, subject, why }); return 0; },
  } as unknown as ExceptionService;
  return { service, raised, cleared };
}

const data = (over: Partial<FulfilmentData> = {}): FulfilmentData => ({
  orderId: 'ord_1', siteId: 'sit_1', carrier: 'OWN_FLEET', skus: ['A'], status: 'PICKED', lastMoveAt: '2026-12-05T00:00:00.000Z',
  shipBy: null, outcome: null, ...over,
});
const signal = (seq: number, m: OrderMoved): SagaSignal => ({ seq, name: m.status.toLowerCase(), data: m, receivedAt: new Date(m.at) });
const ctx = (d: FulfilmentData, signals: readonly SagaSignal[], now: Date): StepContext<FulfilmentData> => ({
  sagaId: 'sag_1', type: 'order-fulfilment', key: d.orderId, siteId: d.siteId, data: d, attempt: 1, idempotencyKey: 'k', signals, now,
});

describe('the fulfilment saga', () => {
  const stallMs = 1_000;
  const pack = () => fulfilmentSaga(recorder.service, { stallMs, cutoffMarginMs: 0 }).steps.find((s) => s.name === 'pack')!;
  let recorder = recordingExceptions();

  it('raises ORDER_NOT_MOVING from the facts it has, and clears what it raised when it hears the order shipped', async () => {
    recorder = recordingExceptions();
    // A step that runs past the stall limit with facts that are already behind (the shipment's event is being handled
    // at that moment, and its clear of the order's exceptions commits before this alarm does).
    const stalled = await pack().run(ctx(data(), [], new Date('2026-12-05T00:00:05.000Z')));
    expect(recorder.raised).toEqual(['ORDER_NOT_MOVING']);
    expect(stalled).toMatchObject({ kind: 'wait', data: { alerted: true } });
    // The next run reads the shipment's signal: the saga ends and clears the order's exceptions (the late alarm).
    const shipped = await pack().run(ctx(stalled.data, [signal(1, { status: 'SHIPPED', at: '2026-12-05T00:00:04.000Z' })], new Date('2026-12-05T00:00:06.000Z')));
    expect(shipped).toMatchObject({ kind: 'finish', data: { outcome: 'SHIPPED' } });
    expect(recorder.cleared).toEqual([{ kinds: ['CUTOFF_AT_RISK', 'CUTOFF_MISSED', 'ORDER_NOT_MOVING', 'RESERVATION_SHORTAGE', 'PICKED_UNITS_LOST', 'SHIP_BY_MISSED'], subject: 'ord_1', why: 'order shipped' }]);
  });

  // The order's own shipBy was stored and drove nothing (failed before: nothing raised, the wait ran to the stall limit).
  it("raises SHIP_BY_MISSED at the order's own ship-by when it has not shipped, and waits until then before it", async () => {
    recorder = recordingExceptions();
    const late = data({ status: 'ALLOCATED', lastMoveAt: '2026-12-05T00:00:00.000Z', orderShipBy: '2026-12-05T00:00:00.500Z' });
    const step = fulfilmentSaga(recorder.service, { stallMs: 60_000, cutoffMarginMs: 0 }).steps.find((s) => s.name === 'release')!;
    const before = await step.run(ctx(late, [], new Date('2026-12-05T00:00:00.200Z')));
    expect(recorder.raised).toEqual([]);
    expect(before).toMatchObject({ kind: 'wait', until: new Date('2026-12-05T00:00:00.500Z') });
    const after = await step.run(ctx(late, [], new Date('2026-12-05T00:00:00.500Z')));
    expect(recorder.raised).toEqual(['SHIP_BY_MISSED']);
    expect(after).toMatchObject({ kind: 'wait', data: { alerted: true } });
  });

  // An order in flight across the deploy that began keeping orderShipBy: its saga's data has none, and its ship-by
  // passed with nothing raised (failed before: no SHIP_BY_MISSED, the wait ran to the stall limit).
  it("reads the order's own ship-by from orders when its data predates it (an order in flight across the deploy), once, and keeps it", async () => {
    recorder = recordingExceptions();
    const asked: string[] = [];
    const shipBys: Record<string, string | null | undefined> = { ord_1: '2026-12-05T00:00:00.500Z', ord_none: null, ord_gone: undefined };
    const saga = fulfilmentSaga(recorder.service, {
      stallMs: 60_000, cutoffMarginMs: 0, orderShipByOf: async (id) => { asked.push(id); return shipBys[id]; },
    });
    const step = saga.steps.find((s) => s.name === 'release')!;
    const legacy = data({ status: 'ALLOCATED', lastMoveAt: '2026-12-05T00:00:00.000Z' });
    expect('orderShipBy' in legacy).toBe(false);
    const before = await step.run(ctx(legacy, [], new Date('2026-12-05T00:00:00.200Z')));
    expect(recorder.raised).toEqual([]);
    expect(before).toMatchObject({ kind: 'wait', until: new Date('2026-12-05T00:00:00.500Z'), data: { orderShipBy: '2026-12-05T00:00:00.500Z' } });
    const after = await step.run(ctx(before.data, [], new Date('2026-12-05T00:00:00.500Z')));
    expect(recorder.raised).toEqual(['SHIP_BY_MISSED']);
    expect(after).toMatchObject({ kind: 'wait', data: { alerted: true } });
    expect(asked).toEqual(['ord_1']);

    // An order that gave none: kept as null, never asked again, nothing raised. Orders not knowing it: asked next time.
    const none = await step.run(ctx(data({ orderId: 'ord_none', status: 'ALLOCATED' }), [], new Date('2026-12-05T00:00:00.200Z')));
    expect(none.data.orderShipBy).toBeNull();
    await step.run(ctx(none.data, [], new Date('2026-12-05T00:00:00.300Z')));
    const gone = await step.run(ctx(data({ orderId: 'ord_gone', status: 'ALLOCATED' }), [], new Date('2026-12-05T00:00:00.200Z')));
    expect('orderShipBy' in gone.data).toBe(false);
    expect(asked).toEqual(['ord_1', 'ord_none', 'ord_gone']);
    expect(recorder.raised).toEqual(['SHIP_BY_MISSED']);
    // A saga started now knows it (null when none): orders is not asked.
    await step.run(ctx(data({ orderId: 'ord_new', status: 'ALLOCATED', orderShipBy: null }), [], new Date('2026-12-05T00:00:00.200Z')));
    expect(asked).not.toContain('ord_new');
  });

  it('does no exception work at its end when it raised nothing', async () => {
    recorder = recordingExceptions();
    const cancelled = await pack().run(ctx(data(), [signal(1, { status: 'CANCELLED', at: '2026-12-05T00:00:00.500Z' })], new Date('2026-12-05T00:00:00.600Z')));
    expect(cancelled).toMatchObject({ kind: 'finish', data: { outcome: 'CANCELLED' } });
    expect([recorder.raised, recorder.cleared]).toEqual([[], []]);
  });

  it('follows the SKUs of a line change (what a retry re-drives), also when the status does not move', () => {
    const changed = applySignals(data({ status: 'RECEIVED' }), [signal(1, { status: 'RECEIVED', at: '2026-12-05T00:00:01.000Z', skus: ['B', 'C'] })]);
    expect(changed).toMatchObject({ status: 'RECEIVED', skus: ['B', 'C'] });
    expect(applySignals(changed, [signal(2, { status: 'BACKORDERED', at: '2026-12-05T00:00:02.000Z' })]).skus).toEqual(['B', 'C']);
  });

  it('keeps why a backordered order waits (SHORT_PICK) until it moves on', () => {
    const waiting = applySignals(data({ status: 'PICKING' }), [signal(1, { status: 'BACKORDERED', at: '2026-12-05T00:00:01.000Z', reason: 'SHORT_PICK' })]);
    expect(waiting).toMatchObject({ status: 'BACKORDERED', backorderReason: 'SHORT_PICK' });
    const onAgain = applySignals(waiting, [signal(2, { status: 'PICKING', at: '2026-12-05T00:00:02.000Z' })]);
    expect(onAgain.status).toBe('PICKING');
    expect('backorderReason' in onAgain).toBe(false);
  });
});

