import type { OrderLineData } from '../../../../contracts/orders.ts';
import type { Decide } from '../../../../platform/decider.ts';
import { ok, reject } from '../../../../platform/errors.ts';
import { hasShipped } from '../../domain/order-lifecycle.ts';
import type { OrderLine, OrderSummary } from '../../store.ts';

/** The order as its row lock read it, with its lines. */
export interface CancelLineState {
  readonly order: Pick<OrderSummary, 'id' | 'externalId' | 'status' | 'backorderReason' | 'waveId' | 'hold'>;
  readonly lines: readonly OrderLine[];
}

/** `POST /orders/{id}/lines/{lineId}/cancel`: `quantity` absent cancels every open unit of the line. */
export interface CancelLineCommand {
  readonly lineId: string;
  readonly quantity?: number | undefined;
}

export type CancelLineDecision =
  /** The line has no open unit left and no quantity was asked for: the same cancel again changes nothing. */
  | { readonly kind: 'unchanged' }
  /** No line would keep an open unit: the whole order is cancelled, through the whole-order path. */
  | { readonly kind: 'cancel-order' }
  /**
   * `quantity` units of the line are cancelled: `previousLines` (the open units before) are what inventory releases,
   * `lines` (the same line ids, open units after, lines with none left out) what it allocates again.
   */
  | {
    readonly kind: 'cancel-units'; readonly lineId: string; readonly sku: string; readonly quantity: number;
    readonly previousLines: readonly OrderLineData[]; readonly lines: readonly OrderLineData[];
  };

export type CancelLineCode = 'NOT_FOUND' | 'ORDER_CANCELLED' | 'ORDER_SHIPPED' | 'ORDER_ON_HOLD' | 'ORDER_IN_FULFILMENT' | 'UNPROCESSABLE';

/** A line's open units: ordered and neither shipped, cancelled nor shorted at packing. */
export const openUnits = (l: Pick<OrderLine, 'ordered' | 'shipped' | 'cancelled' | 'shortAtPack'>): number => l.ordered - l.shipped - l.cancelled - l.shortAtPack;

/** The lines with open units, each with its open units as `quantity`: what inventory allocates for the order. */
export const openLineData = (lines: readonly OrderLine[]): OrderLineData[] =>
  lines.filter((l) => openUnits(l) > 0).map((l) => ({ lineId: l.id, lineNo: l.lineNo, sku: l.sku, quantity: openUnits(l) }));

/**
 * Cancelling units of one line (ADR 0046 addendum 2026-12-05). Only where a change of the lines is accepted (RECEIVED,
 * ALLOCATED, BACKORDERED with no short pick waiting): once a wave has the order its lines are the floor's, and the
 * answer is ORDER_IN_FULFILMENT naming the ways out (cancel the whole order, or short the line at picking), never a
 * half-applied state. A final order answers ORDER_CANCELLED / ORDER_SHIPPED; a held one ORDER_ON_HOLD, as for a change.
 */
export const decideCancelLine: Decide<CancelLineState, CancelLineCommand, CancelLineDecision, CancelLineCode> = (state, command) => {
  const { order: o, lines } = state;
  const line = lines.find((l) => l.id === command.lineId);
  if (line === undefined) return reject('NOT_FOUND', `Order ${o.externalId} has no line ${command.lineId}`);
  if (o.status === 'CANCELLED') return reject('ORDER_CANCELLED', `Order ${o.externalId} is cancelled`);
  if (hasShipped(o.status)) return reject('ORDER_SHIPPED', `Order ${o.externalId} has shipped; its lines can no longer be cancelled`);
  if (o.status === 'ON_HOLD') {
    return reject('ORDER_ON_HOLD', `Order ${o.externalId} is on hold (${o.hold?.reason ?? 'no reason'}): release the hold (POST /orders/${o.id}/release-hold) `
      + `before cancelling a line, or cancel the whole order (POST /orders/${o.id}/cancel)`);
  }
  if ((o.status !== 'RECEIVED' && o.status !== 'ALLOCATED' && o.status !== 'BACKORDERED') || o.backorderReason !== null) {
    return reject('ORDER_IN_FULFILMENT', `Order ${o.externalId} is ${o.status}${o.waveId === null ? '' : ` in wave ${o.waveId}`}`
      + `${o.backorderReason === null ? '' : ` (${o.backorderReason})`}: a line can be cancelled only before a wave takes the order; `
      + `cancel the whole order (POST /orders/${o.id}/cancel; picked units go back to stock) or short the line at picking`);
  }
  const open = openUnits(line);
  if (command.quantity === undefined && open === 0) return ok({ kind: 'unchanged' });
  const quantity = command.quantity ?? open;
  if (!Number.isInteger(quantity) || quantity <= 0) {
    return reject('UNPROCESSABLE', `The quantity to cancel must be a positive whole number, not ${quantity}`, [{ field: '/quantity', message: 'must be at least 1' }]);
  }
  if (quantity > open) {
    return reject('UNPROCESSABLE', `Line ${line.lineNo} (${line.sku}) of order ${o.externalId} has ${open} open unit(s); ${quantity} cannot be cancelled`,
      [{ field: '/quantity', message: `must be at most ${open}, the line's open units` }]);
  }
  const after = lines.map((l) => (l.id === line.id ? { ...l, cancelled: l.cancelled + quantity } : l));
  if (after.every((l) => openUnits(l) === 0)) return ok({ kind: 'cancel-order' });
  return ok({ kind: 'cancel-units', lineId: line.id, sku: line.sku, quantity, previousLines: openLineData(lines), lines: openLineData(after) });
};
