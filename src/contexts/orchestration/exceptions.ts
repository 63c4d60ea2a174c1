import { randomUUID } from 'node:crypto';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { Executor, Tx } from '../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { byStatus } from '../../platform/http/schemas.ts';
import type { InventoryCommands } from '../../contracts/inventory.ts';
import {
  ACTIONS_OF, EXCEPTION_STATUSES, OrchestrationEvents, type ExceptionAction, type ExceptionKind, type ExceptionStatus,
} from '../../contracts/orchestration.ts';
import type { OrderCommands } from '../../contracts/orders.ts';
import type { PackShipCommands } from '../../contracts/pack-ship.ts';
import type { TaskCommands } from '../../contracts/tasks.ts';
import { orchestrationStore as store, type ExceptionFilter, type SupervisorException } from './store.ts';

/** A dead letter as the stuck-work scan sees it (the platform's table, through the bus). */
export interface OpenDeadLetter {
  readonly id: string;
  readonly consumer: string;
  readonly type: string;
  readonly eventId: string;
  readonly siteId: string | null;
  readonly lastError: string;
  /** Its failed deliveries in all: grows when it is dead-lettered again (a replay that failed). */
  readonly attempts: number;
  /** What the event is about: its subject and the order, pick list and task ids its data names. */
  readonly about?: Readonly<Record<string, unknown>>;
}

/**
 * What the exception actions act on. Each is there when its context runs in this process (orders, inventory and
 * tasks in-process; dead letters through this process's bus) or, for inventory, pack & ship and tasks, when PAKLOG_RPC_PEERS says
 * where it runs (their commands over gRPC, ADR 0054); a missing one makes its actions answer 409 ACTION_UNAVAILABLE
 * rather than pretend.
 */
export interface ExceptionPorts {
  readonly orders?: OrderCommands | undefined;
  readonly inventory?: Pick<InventoryCommands, 'retryBackorders'> | undefined;
  readonly tasks?: TaskCommands | undefined;
  /** LABEL_VOID_FAILED's and LABEL_BOOKING_UNSETTLED's retries: in-process, or over gRPC where PAKLOG_RPC_PEERS names pack & ship's process (ADR 0054). */
  readonly packShip?: Pick<PackShipCommands, 'retryLabelVoid' | 'retryBooking'> | undefined;
  readonly deadLetters?: {
    open(): Promise<readonly OpenDeadLetter[]>;
    replay(id: string): Promise<'handled' | 'duplicate' | 'dead-lettered' | 'published' | 'not-found' | 'not-subscribed'>;
    /** Marks it discarded: listed for the record, no longer waiting (nor counted by paklog_dead_letters). */
    discard(id: string): Promise<boolean>;
  } | undefined;
  /** The order's current facts, as the fulfilment saga follows them (for retry). */
  readonly orderFacts: (orderId: string) => Promise<{ siteId: string; status: string; skus: readonly string[]; backorderReason: string | null } | undefined>;
  /**
   * A FAILED saga compensates again (SAGA_FAILED's retry), in `tx` (the exception's resolution commits with it): the saga
   * after it, undefined when there is none.
   */
  readonly retrySaga: (sagaId: string, tx: Tx) => Promise<{ status: string } | undefined>;
}

export interface RaiseException {
  readonly kind: ExceptionKind;
  readonly caseKey: string;
  readonly subject: string;
  readonly siteId: string | null;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
}

/** The kinds that are about an order (resolved when the order ships or is cancelled). */
export const ORDER_KINDS: readonly ExceptionKind[] = [
  'CUTOFF_AT_RISK', 'CUTOFF_MISSED', 'ORDER_NOT_MOVING', 'RESERVATION_SHORTAGE', 'PICKED_UNITS_LOST', 'SHIP_BY_MISSED',
];

/** What moves an order on from a status no retry re-drives: said by a refused ORDER_NOT_MOVING retry. */
function wayOn(orderId: string, status: string): string {
  switch (status) {
    case 'RECEIVED': return ': it waits for its allocation, which runs by itself';
    case 'ALLOCATED': return ': plan a wave with it (POST /waves) and release it';
    case 'WAVED': return ': release its wave (POST /waves/{id}/release)';
    case 'RELEASED':
    case 'PICKING': return ': its pick task is to be worked (a task nobody takes or finishes is TASK_NOT_STARTED / TASK_NOT_FINISHED; a manager can confirm or short its lines)';
    case 'PICKED': return ': pack it; a unit missing from its tote or damaged is shorted at packing (POST /pack-station/shorts) and the rest ships';
    case 'PACKED': return `: book its shipment (POST /shipments with orderId ${orderId}; name another carrier when its own refuses) and dispatch it`;
    default: return '';
  }
}

/** The supervisors' queue: raise (once per case), resolve (by an action, or when the case clears), list. */
export function exceptionService(deps: PlatformDeps, ports: ExceptionPorts) {
  const raisedTotal = deps.metrics.counter('paklog_exceptions_raised_total', 'Exceptions raised for supervisors, by kind', ['kind']);
  const resolvedTotal = deps.metrics.counter('paklog_exceptions_resolved_total', 'Exceptions resolved, by kind and resolution', ['kind', 'resolution']);

  /** Raises the exception in `tx` unless its case has one (open or resolved): the new one, or undefined. */
  async function raise(tx: Tx, x: RaiseException, meta: EventMeta): Promise<SupervisorException | undefined> {
    const actions = ACTIONS_OF[x.kind];
    const created = await store.insertException(tx, { ...x, id: deps.ids.next('exc'), actions, details: x.details ?? {} }, deps.clock.now());
    if (created === undefined) return undefined;
    await deps.bus.append(tx, 'orchestration', [{
      type: OrchestrationEvents.exceptionRaised, subject: created.id, ...(created.siteId === null ? {} : { siteId: created.siteId }),
      data: { exceptionId: created.id, siteId: created.siteId, kind: created.kind, subject: created.subject, reason: created.reason, actions: [...created.actions] },
    }], meta);
    tx.afterCommit(() => raisedTotal.inc({ kind: x.kind }));
    return created;
  }

  /**
   * Raises a case that lasts (an order or a task that does not move) once, and again each time a person resolved (acknowledged)
   * it and it still lasts `repeatAfterMs` later: a new exception (`caseKey#2`, `#3`…, the next generation), never
   * while one of the case is open. Concurrent runs compute the same next key: one of them inserts it.
   * The new one, if any, and when the case is due to be raised again (null: open, or raised now).
   */
  async function raiseRepeating(tx: Tx, x: RaiseException, repeatAfterMs: number, meta: EventMeta): Promise<{ raised: SupervisorException | undefined; repeatAt: Date | null }> {
    const latest = (await store.generationsOf(tx, x.kind, x.subject, x.caseKey))[0];
    if (latest === undefined) return { raised: await raise(tx, x, meta), repeatAt: null };
    const last = latest.exception;
    if (last.status === 'OPEN' || last.resolvedAt === null) return { raised: undefined, repeatAt: null };
    const due = new Date(new Date(last.resolvedAt).getTime() + repeatAfterMs);
    if (deps.clock.now().getTime() < due.getTime()) return { raised: undefined, repeatAt: due };
    const again = `${x.reason}; raised again: ${last.id} was resolved (${last.resolution ?? ''}${last.resolvedBy === null ? '' : ` by ${last.resolvedBy}`}) at ${last.resolvedAt} and the case still lasts`;
    const raised = await raise(tx, {
      ...x, caseKey: `${x.caseKey}#${latest.generation + 1}`, reason: again, details: { ...(x.details ?? {}), previousExceptionId: last.id },
    }, meta);
    return { raised, repeatAt: null };
  }

  async function resolveIn(tx: Tx, id: string, resolution: string, resolvedBy: string | null, meta: EventMeta): Promise<SupervisorException | undefined> {
    const done = await store.resolve(tx, id, resolution, resolvedBy, deps.clock.now());
    if (done === undefined) return undefined;
    await deps.bus.append(tx, 'orchestration', [{
      type: OrchestrationEvents.exceptionResolved, subject: done.id, ...(done.siteId === null ? {} : { siteId: done.siteId }),
      data: { exceptionId: done.id, siteId: done.siteId, kind: done.kind, subject: done.subject, resolution: done.resolution ?? resolution, resolvedBy: done.resolvedBy },
    }], meta);
    const recorded = done.resolution ?? resolution;
    tx.afterCommit(() => resolvedTotal.inc({ kind: done.kind, resolution: recorded.startsWith('auto') ? 'auto' : recorded }));
    return done;
  }

  /**
   * The case cleared by itself (the order moved, the task was taken): its open exceptions of these kinds resolve, but
   * those `keep` answers true for (a case that still lasts).
   */
  async function clear(tx: Tx, kinds: readonly ExceptionKind[], subject: string, why: string, meta: EventMeta, keep?: (x: SupervisorException) => boolean): Promise<number> {
    const open = (await store.openAbout(tx, kinds, subject)).filter((x) => keep?.(x) !== true);
    for (const x of open) await resolveIn(tx, x.id, `auto: ${why}`, null, meta);
    return open.length;
  }

  /**
   * `clear` for several cases in one look-up, with the effect of clearing them one after the other: each open exception
   * is resolved by the first case (in the list's order) that covers it, cases in order, each case's exceptions in id order.
   */
  async function clearMany(tx: Tx, cases: readonly { kinds: readonly ExceptionKind[]; subject: string; why: string; meta: EventMeta }[]): Promise<number> {
    if (cases.length === 0) return 0;
    const open = await store.openAboutAny(tx, cases);
    const resolved = new Set<string>();
    for (const c of cases) {
      for (const x of open) {
        if (resolved.has(x.id) || x.subject !== c.subject || !c.kinds.includes(x.kind)) continue;
        resolved.add(x.id);
        await resolveIn(tx, x.id, `auto: ${c.why}`, null, c.meta);
      }
    }
    return resolved.size;
  }

  const unavailable = (what: string) => reject('ACTION_UNAVAILABLE', `${what} does not run in this process: run the action where it runs, or run orchestration beside it`);

  /** Does what the action says; ok(resolution) when the case is resolved by it, a rejection saying why not otherwise. */
  async function perform(x: SupervisorException, action: ExceptionAction, by: string, meta: EventMeta): Promise<Outcome<string>> {
    switch (action) {
      case 'acknowledge':
        return ok('acknowledge');
      case 'discard':
        // The dead letter stays listed (GET /dead-letters, with discardedAt) for the record; it is no longer anyone's open
        // case, nor waiting (paklog_dead_letters, the PakLogDeadLetters alert). One replayed meanwhile is left as it is.
        if (ports.deadLetters !== undefined) await ports.deadLetters.discard(x.subject);
        return ok('discard');
      case 'expedite': {
        // The most urgent priority: the wave pool, the order's open pick lists and their tasks not started yet follow.
        if (ports.orders === undefined) return unavailable('orders');
        const done = await ports.orders.reprioritise(x.subject, 1, meta);
        if (!done.ok) return reject('ACTION_FAILED', `The order could not be expedited: ${done.message}`);
        return ok('expedite');
      }
      case 'cancel': {
        if (ports.orders === undefined) return unavailable('orders');
        const done = await ports.orders.cancel(x.subject, `exception ${x.id} (${x.kind}): cancelled by a supervisor`, meta);
        // A SHIP scan of the order deciding at the dock is answered as the order's own cancel answers it (409
        // ORDER_SHIPPING: ask again, the answer is then final), not as an action that failed for good (race12).
        if (!done.ok && done.code === 'ORDER_SHIPPING') return reject('ORDER_SHIPPING', `The order could not be cancelled yet: ${done.message}`);
        if (!done.ok) return reject('ACTION_FAILED', `The order could not be cancelled: ${done.message}`);
        return ok('cancel');
      }
      case 'retry': {
        if (x.kind === 'LABEL_VOID_FAILED') {
          if (ports.packShip === undefined) return unavailable('pack & ship');
          const done = await ports.packShip.retryLabelVoid(x.subject);
          if (!done.ok) return reject('ACTION_FAILED', `The label could not be voided: ${done.message}`);
          return ok('retry');
        }
        if (x.kind === 'LABEL_BOOKING_UNSETTLED') {
          // The carrier is asked once more with the same key: it answers the booking it made (recorded, or voided when
          // the order was cancelled or booked otherwise) or still does not answer (the exception stays open).
          if (ports.packShip === undefined) return unavailable('pack & ship');
          const done = await ports.packShip.retryBooking(x.subject);
          if (!done.ok) return reject('ACTION_FAILED', `The booking could not be settled: ${done.message}`);
          return ok('retry');
        }
        if (x.kind === 'SAGA_FAILED') {
          // The person fixed what made the compensation fail: it runs again; failing again escalates a new exception.
          // The saga is orchestration's own: its retry and this resolution commit together, so a process killed between
          // them leaves neither (the saga FAILED, the exception open: retried again), not a saga retried behind an open
          // exception whose next retry answers ACTION_FAILED (ADR 0054 addendum, crash7).
          return deps.db.tx(async (tx): Promise<Outcome<string>> => {
            const saga = await ports.retrySaga(x.subject, tx);
            if (saga === undefined) return reject('ACTION_FAILED', `No saga ${x.subject}`);
            if (saga.status !== 'COMPENSATING') return reject('ACTION_FAILED', `Saga ${x.subject} is ${saga.status}: only a FAILED saga is retried`);
            await resolveIn(tx, x.id, 'retry', by, meta);
            return ok('retry');
          });
        }
        const order = await ports.orderFacts(x.subject);
        if (order === undefined) return reject('ACTION_FAILED', `Orchestration does not follow order ${x.subject}`);
        if (order.status === 'ON_HOLD') {
          return reject('ACTION_FAILED', `Order ${x.subject} is ON_HOLD: a retry does not move a held order; release its hold (POST /orders/${x.subject}/release-hold), cancel it, or acknowledge`);
        }
        if (order.status !== 'BACKORDERED') {
          return reject('ACTION_FAILED', `Order ${x.subject} is ${order.status}: only a backordered order can be re-driven (retry its allocation)${wayOn(x.subject, order.status)}; `
            + 'cancel or acknowledge instead');
        }
        if (order.backorderReason === 'SHORT_PICK') {
          // Allocated already: it waits for a short's units, which no allocation retry brings (ADR 0024).
          return reject('ACTION_FAILED', `Order ${x.subject} is allocated and waits for the units a short pick left missing (SHORT_PICK; it ships `
            + 'complete): it moves on by itself when units arrive at a pickable location other than where they were shorted (receive, move, '
            + 'replenish or count them there); cancel it, or acknowledge');
        }
        if (ports.inventory === undefined) return unavailable('inventory');
        // Named: allocated already (an earlier retry whose resolution a restart lost, freed stock), not heard here yet,
        // it is answered as allocated, not as "still not enough stock" until the events clear the case (exc8).
        const allocated = await ports.inventory.retryBackorders(order.siteId, order.skus, meta, x.subject);
        if (!allocated.includes(x.subject)) {
          return reject('ACTION_FAILED', `Still not enough available stock to allocate order ${x.subject} (SKUs ${order.skus.join(', ')}); receive or move stock, or cancel`);
        }
        return ok('retry');
      }
      case 'replay': {
        if (ports.deadLetters === undefined) return unavailable('the bus');
        const outcome = await ports.deadLetters.replay(x.subject);
        switch (outcome) {
          case 'handled': case 'duplicate': case 'published': return ok('replay');
          case 'dead-lettered': return reject('ACTION_FAILED', `Dead letter ${x.subject} failed again; see its error in GET /dead-letters, fix the cause, then replay or discard`);
          case 'not-found': return reject('ACTION_FAILED', `Dead letter ${x.subject} is gone; discard the exception`);
          case 'not-subscribed': return unavailable(`the consumer of dead letter ${x.subject}`);
          default: return outcome;
        }
      }
      case 'reprioritise': {
        if (ports.tasks === undefined) return unavailable('tasks');
        const done = await ports.tasks.reprioritise(x.subject, 1, meta);
        if (!done.ok) return reject('ACTION_FAILED', `The task could not be reprioritised: ${done.message}`);
        return ok('reprioritise');
      }
      case 'requeue': {
        // A task that failed PAKLOG_TASK_MAX_FAILURES times goes back to the queue with its count reset.
        if (ports.tasks === undefined) return unavailable('tasks');
        const done = await ports.tasks.requeue(x.subject, `${by} (exception ${x.id})`, meta);
        if (!done.ok) return reject('ACTION_FAILED', `The task could not be re-queued: ${done.message}`);
        return ok('requeue');
      }
      default:
        return action;
    }
  }

  return {
    raise,
    clearMany,
    /** Raises in its own transaction (a saga step runs outside one). */
    raiseNow: (x: RaiseException, meta: EventMeta = {}) => deps.db.tx((tx) => raise(tx, x, meta)),
    /** `raiseRepeating` in its own transaction (the fulfilment saga's stall alarm, the stuck-work scan's task waits). */
    raiseRepeatingNow: (x: RaiseException, repeatAfterMs: number, meta: EventMeta = {}) => deps.db.tx((tx) => raiseRepeating(tx, x, repeatAfterMs, meta)),
    clear,
    clearNow: (kinds: readonly ExceptionKind[], subject: string, why: string, meta: EventMeta = {}, keep?: (x: SupervisorException) => boolean) =>
      deps.db.tx((tx) => clear(tx, kinds, subject, why, meta, keep)),
    resolveIn,

    /**
     * Runs an action the exception offers: it resolves the exception, or answers why not (409) and leaves it open.
     * The action's own command runs first (it is idempotent on its side or refuses); the resolution is then recorded
     * once (a concurrent resolution wins, and this call answers it).
     */
    async act(id: string, action: ExceptionAction, by: string, meta: EventMeta): Promise<Outcome<SupervisorException>> {
      const x = await store.exception(deps.db, id);
      if (x === undefined) return reject('NOT_FOUND', `No exception ${id}`);
      if (x.status !== 'OPEN') return reject('EXCEPTION_RESOLVED', `Exception ${id} was resolved (${x.resolution ?? ''}) at ${x.resolvedAt ?? ''}`);
      if (!x.actions.includes(action)) return reject('ACTION_NOT_OFFERED', `Exception ${id} (${x.kind}) offers ${x.actions.join(', ')}, not ${action}`);
      // Marked first: the action's own effect may clear the case before it is resolved here (a cancel's order.cancelled
      // resolves the order's exceptions), and that clearing is then recorded as this action, by this person.
      const token = randomUUID();
      if (!await store.markActing(deps.db, id, { action, by, token }, deps.clock.now())) {
        return reject('EXCEPTION_RESOLVED', `Exception ${id} was resolved meanwhile`);
      }
      // Refused, or thrown (a context down, a timeout): the mark goes, or a clearing later would be taken as this action.
      let done: Awaited<ReturnType<typeof perform>>;
      try {
        done = await perform(x, action, by, meta);
      } catch (e) {
        await store.unmarkActing(deps.db, id, token);
        throw e;
      }
      if (!done.ok) {
        await store.unmarkActing(deps.db, id, token);
        return done;
      }
      // (Resolved already when the action's effect committed with its resolution: SAGA_FAILED's retry.)
      await deps.db.tx((tx) => resolveIn(tx, id, done.value, by, meta));
      const now = await store.exception(deps.db, id);
      return now === undefined ? reject('NOT_FOUND', `No exception ${id}`) : ok(now);
    },

    get: (id: string) => store.exception(deps.db, id),
    list: (f: ExceptionFilter) => store.listExceptions(deps.db, f),
    openOfKind: (db: Executor, kind: ExceptionKind) => store.openOfKind(db, kind),
    openCounts: () => store.openCounts(deps.db),
    /** How many of a site's exceptions are in each status; every status, 0 when none. */
    counts: async (siteId: string): Promise<Record<ExceptionStatus, number>> => byStatus(EXCEPTION_STATUSES, await store.countByStatus(deps.db, siteId)),
  };
}

export type ExceptionService = ReturnType<typeof exceptionService>;
