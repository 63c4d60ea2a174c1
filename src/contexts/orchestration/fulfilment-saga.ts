/**
 * The order fulfilment saga: one per order, from intake to shipment. It owns no stock and moves none (the contexts
 * do that by choreography, ADR 0011); it follows the order through its milestones, keeps its SLA timers (ship-by =
 * the carrier's next cut-off, and "not moving" in any state) and raises exceptions when they fire. The catalogue is in
 * docs/operations/sagas.md.
 */
import { advance, defineSaga, finish, wait, type SagaDefinition, type SagaSignal, type StepContext, type StepResult } from '../../platform/saga/saga.ts';
import type { OrderStatus } from '../../contracts/orders.ts';
import { ORDER_KINDS, type ExceptionService } from './exceptions.ts';
import type { SupervisorException } from './store.ts';

export const FULFILMENT = 'order-fulfilment';

/** What the saga remembers of its order. */
export interface FulfilmentData {
  readonly orderId: string;
  readonly siteId: string;
  readonly carrier: string;
  readonly skus: readonly string[];
  readonly status: OrderStatus;
  /** When the order last changed status (ISO). */
  readonly lastMoveAt: string;
  /** The carrier's next cut-off after intake (ISO), null when the site has none for the carrier. */
  readonly shipBy: string | null;
  /**
   * The order's own ship-by as given at intake (ISO; SHIP_BY_MISSED watches it), null when it gave none. Absent in a
   * saga started before it was kept here (2026-12-06): read from orders at the saga's next step (`orderShipByOf`), then kept.
   */
  readonly orderShipBy?: string | null;
  /** How it ended: SHIPPED or CANCELLED. */
  readonly outcome: 'SHIPPED' | 'CANCELLED' | null;
  /** An alarm was raised: the exceptions to clear when the order moves (none to look for otherwise). */
  readonly alerted?: boolean;
  /** Why it is BACKORDERED when that is not plain allocation (SHORT_PICK: a short waits for stock); absent otherwise. */
  readonly backorderReason?: string;
}

/** The signal every orders event becomes: the status the order moved to, and when. */
export interface OrderMoved {
  readonly status: OrderStatus;
  readonly at: string;
  readonly reason?: string | null;
  /** The order's SKUs when its lines changed (`orders.order.lines-changed`, ADR 0046): what a retry re-drives since. */
  readonly skus?: readonly string[];
}

/** How far along an order is (BACKORDERED is back at the start, waiting for stock; ON_HOLD waits for its release). */
const PROGRESS: Record<OrderStatus, number> = {
  RECEIVED: 0, BACKORDERED: 0, ON_HOLD: 0, ALLOCATED: 1, WAVED: 2, RELEASED: 3, PICKING: 4, PICKED: 5, PACKED: 6, SHIPPED: 7, DELIVERED: 8, CANCELLED: 7,
};

export interface FulfilmentOptions {
  /** PAKLOG_ORDER_STALL_S: an order in one non-final state this long raises ORDER_NOT_MOVING. */
  readonly stallMs: number;
  /** PAKLOG_CUTOFF_MARGIN_MIN: an order not PACKED this long before its ship-by raises CUTOFF_AT_RISK. */
  readonly cutoffMarginMs: number;
  /**
   * The order's own ship-by from orders (null: none), for a saga whose data does not have it (started before it was
   * kept); undefined when orders cannot say now (not run in this process, no such order): asked again at the next step.
   */
  readonly orderShipByOf?: ((orderId: string) => Promise<string | null | undefined>) | undefined;
}

/** An order's ship-by: the carrier's next cut-off (minutes after midnight UTC) strictly after intake. */
export function shipByOf(intake: Date, cutoffMin: number | undefined): Date | null {
  if (cutoffMin === undefined) return null;
  const day = Date.UTC(intake.getUTCFullYear(), intake.getUTCMonth(), intake.getUTCDate());
  const today = day + cutoffMin * 60_000;
  return new Date(today > intake.getTime() ? today : today + 86_400_000);
}

/** The order's facts after the signals, oldest first (an older status never overwrites a final one). */
export function applySignals(d: FulfilmentData, signals: readonly SagaSignal[]): FulfilmentData {
  let next = d;
  for (const s of signals) {
    // Saga signals are the runtime's, not published events: what this saga's subscriptions put in (`OrderMoved`).
    const payload: unknown = s.data;
    const m = payload as OrderMoved;
    if (next.outcome !== null) break;
    // A line change moves the order even when its status stays (RECEIVED again): its stall is counted from then.
    if (m.skus !== undefined) next = { ...next, skus: m.skus, lastMoveAt: m.at };
    if (m.status === 'SHIPPED' || m.status === 'CANCELLED') next = { ...next, status: m.status, lastMoveAt: m.at, outcome: m.status };
    else if (m.status !== next.status) next = { ...next, status: m.status, lastMoveAt: m.at };
    if (m.status === 'BACKORDERED' && typeof m.reason === 'string' && m.reason !== '') {
      next = { ...next, backorderReason: m.reason };
    } else if (next.backorderReason !== undefined && next.status !== 'BACKORDERED') {
      const { backorderReason: _left, ...rest } = next;
      next = rest;
    }
  }
  return next;
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

export function fulfilmentSaga(exceptions: ExceptionService, o: FulfilmentOptions): SagaDefinition<FulfilmentData> {
  /** The alarms that are due now, raised once per case; whether one is raised, and the time of the next one (or null). */
  async function alarms(d: FulfilmentData, now: Date): Promise<{ raised: boolean; next: Date | null }> {
    let raised = false;
    const movedAt = new Date(d.lastMoveAt).getTime();
    const stallAt = movedAt + o.stallMs;
    let next: number | null = null;
    if (now.getTime() >= stallAt) {
      raised = true;
      // Raised again when a supervisor acknowledged it and the order still has not moved a stall limit later.
      const { repeatAt } = await exceptions.raiseRepeatingNow({
        kind: 'ORDER_NOT_MOVING', caseKey: `${d.orderId}:${d.status}:${d.lastMoveAt}`, subject: d.orderId, siteId: d.siteId,
        reason: `Order ${d.orderId} has been ${d.status} since ${d.lastMoveAt} (${minutes(now.getTime() - movedAt)} min, limit ${minutes(o.stallMs)} min)`,
        details: { orderId: d.orderId, status: d.status, since: d.lastMoveAt },
      }, o.stallMs);
      if (repeatAt !== null) next = repeatAt.getTime();
    } else {
      next = stallAt;
    }
    if (d.shipBy !== null && PROGRESS[d.status] < PROGRESS.PACKED) {
      const shipBy = new Date(d.shipBy).getTime();
      const riskAt = shipBy - o.cutoffMarginMs;
      if (now.getTime() >= riskAt) {
        raised = true;
        await exceptions.raiseNow({
          kind: 'CUTOFF_AT_RISK', caseKey: `${d.orderId}:${d.shipBy}`, subject: d.orderId, siteId: d.siteId,
          reason: `Order ${d.orderId} (${d.carrier}) is ${d.status} and must ship by ${d.shipBy}: not packed ${minutes(o.cutoffMarginMs)} min before the cut-off`,
          details: { orderId: d.orderId, status: d.status, carrier: d.carrier, shipBy: d.shipBy },
        });
      } else {
        next = next === null ? riskAt : Math.min(next, riskAt);
      }
    }
    // Packed (or booked) and still here at its ship-by: the truck left without it. CUTOFF_AT_RISK is for orders not
    // packed yet; this one was, so nothing else said so until ORDER_NOT_MOVING an hour on.
    if (d.shipBy !== null && d.status === 'PACKED') {
      const shipBy = new Date(d.shipBy).getTime();
      if (now.getTime() >= shipBy) {
        raised = true;
        await exceptions.raiseNow({
          kind: 'CUTOFF_MISSED', caseKey: `${d.orderId}:${d.shipBy}`, subject: d.orderId, siteId: d.siteId,
          reason: `Order ${d.orderId} (${d.carrier}) is PACKED and was not dispatched by its ship-by ${d.shipBy}: it missed the cut-off. `
            + `Book it (POST /shipments, another carrier if its own refuses) and dispatch it on the next truck, or cancel it`,
          details: { orderId: d.orderId, status: d.status, carrier: d.carrier, shipBy: d.shipBy },
        });
      } else {
        next = next === null ? shipBy : Math.min(next, shipBy);
      }
    }
    // The order's own ship-by (given at intake) passed before it shipped: whatever its status, it is late for its
    // customer. Raised once per order and ship-by; the carrier cut-off cases above are about the truck, this one is
    // about the promise the order came with.
    if (typeof d.orderShipBy === 'string') {
      const due = new Date(d.orderShipBy).getTime();
      if (now.getTime() >= due) {
        raised = true;
        await exceptions.raiseNow({
          kind: 'SHIP_BY_MISSED', caseKey: `${d.orderId}:${d.orderShipBy}`, subject: d.orderId, siteId: d.siteId,
          reason: `Order ${d.orderId} is ${d.status} and was not shipped by its ship-by ${d.orderShipBy}: expedite it (priority 1), `
            + 'cancel it, or acknowledge that it ships late',
          details: { orderId: d.orderId, status: d.status, carrier: d.carrier, shipBy: d.orderShipBy },
        });
      } else {
        next = next === null ? due : Math.min(next, due);
      }
    }
    return { raised, next: next === null ? null : new Date(next) };
  }

  /**
   * The data with the order's own ship-by: a saga started before it was kept (an order in flight across that deploy)
   * has none, and its order's SHIP_BY_MISSED was never raised; orders says it (once, then it is kept).
   */
  async function withOrderShipBy(d: FulfilmentData): Promise<FulfilmentData> {
    if (d.orderShipBy !== undefined || o.orderShipByOf === undefined) return d;
    let shipBy: string | null | undefined;
    try {
      shipBy = await o.orderShipByOf(d.orderId);
    } catch {
      // Orders cannot answer now: the timers run on what the saga knows, and the next step asks again.
      return d;
    }
    return shipBy === undefined ? d : { ...d, orderShipBy: shipBy };
  }

  /** The step that waits for the order to reach `target` (or beyond), keeping the timers meanwhile. */
  const follow = (target: OrderStatus) => async (ctx: StepContext<FulfilmentData>): Promise<StepResult<FulfilmentData>> => {
    const before = ctx.data;
    const d = applySignals(before, ctx.signals);
    if (d.outcome !== null) {
      // The subscriptions clear the order's exceptions when it ships or is cancelled; an alarm this saga raised from
      // facts that were already behind (its step ran while the shipment's event was being handled) came after that
      // clear, so the saga's end clears what it raised. A saga that raised nothing does no exception work.
      if (d.alerted === true) await exceptions.clearNow(ORDER_KINDS, d.orderId, `order ${d.outcome === 'SHIPPED' ? 'shipped' : 'cancelled'}`);
      return finish(d);
    }
    // Moved (its status, or a line change; also there and back again in one run): the stall it was alarmed for is over.
    // Not the stall it is in now: a pass whose record a crash lost raised that one already (its raise commits apart from
    // the record), and the pass run again from the record hears the same move; clearing it would raise it again as a
    // repeat once the stall limit passed (saga-crash.test.ts saw one case twice).
    if (d.lastMoveAt !== before.lastMoveAt && d.alerted === true) {
      const current = (x: SupervisorException): boolean => x.details.status === d.status && x.details.since === d.lastMoveAt;
      await exceptions.clearNow(['ORDER_NOT_MOVING'], d.orderId, `the order moved to ${d.status}`, {}, current);
      if (PROGRESS[d.status] >= PROGRESS.PACKED) await exceptions.clearNow(['CUTOFF_AT_RISK'], d.orderId, 'the order is packed');
    }
    if (PROGRESS[d.status] >= PROGRESS[target]) return advance(d);
    const known = await withOrderShipBy(d);
    const { raised, next } = await alarms(known, ctx.now);
    return wait(raised ? { ...known, alerted: true } : known, next);
  };

  const step = (name: string, target: OrderStatus) => ({
    name, run: follow(target),
    // The waiting step's timeout is the stall limit; its timeout path is the same check (raising ORDER_NOT_MOVING).
    onTimeout: follow(target),
    timeoutMs: o.stallMs,
    retry: { attempts: 5, backoffMs: 1_000 },
  });
  return defineSaga<FulfilmentData>({
    type: FULFILMENT,
    steps: [
      step('allocate', 'ALLOCATED'),
      step('release', 'RELEASED'),
      step('pick', 'PICKED'),
      step('pack', 'PACKED'),
      step('ship', 'SHIPPED'),
    ],
  });
}
