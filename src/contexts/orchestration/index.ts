import { defineContext, siteOfRow, type ContextModule, type PlatformDeps } from '../../platform/module.ts';
import { sagaRuntime, type SagaBoundary, type SagaRuntime } from '../../platform/saga/saga-runtime.ts';
import type { SagaDefinition } from '../../platform/saga/saga.ts';
import type { LocationMasterApi } from '../../contracts/location-master.ts';
import type { PackShipApi } from '../../contracts/pack-ship.ts';
import { OrchestrationEvents } from '../../contracts/orchestration.ts';
import { exceptionService, type ExceptionPorts } from './exceptions.ts';
import { applySignals, FULFILMENT, fulfilmentSaga, type FulfilmentData } from './fulfilment-saga.ts';
import { orchestrationRoutes } from './http.ts';
import { orchestrationService } from './service.ts';
import { stuckWorkScan } from './stuck-work.ts';
import { orchestrationSubscriptions } from './subscriptions.ts';

export interface OrchestrationOptions {
  readonly locations: Pick<LocationMasterApi, 'getSite'>;
  /**
   * The carriers pack & ship can book, which a cut-off table may name (in-process, or over gRPC where PAKLOG_RPC_PEERS
   * names pack & ship's process); asked when a table is set. Undefined where neither: the table is taken unchecked.
   */
  readonly packShip?: (() => Pick<PackShipApi, 'bookableCarriers'> | undefined) | undefined;
  /** The commands the exception actions run (those of the contexts this process runs) and the bus's dead letters. */
  readonly ports: Omit<ExceptionPorts, 'orderFacts' | 'retrySaga'>;
  /** PAKLOG_ORDER_STALL_S */
  readonly orderStallS: number;
  /** PAKLOG_TASK_STALL_S */
  readonly taskStallS: number;
  /** PAKLOG_TASK_WORK_STALL_S */
  readonly taskWorkStallS: number;
  /** PAKLOG_CUTOFF_MARGIN_MIN */
  readonly cutoffMarginMin: number;
  /** PAKLOG_EXCEPTION_SCAN_MS: period of the stuck-work scan. */
  readonly scanEveryMs: number;
  /** PAKLOG_SAGA_TICK_MS: period of the saga runner. */
  readonly sagaTickMs: number;
  /** Fault injection at saga step boundaries (PAKLOG_SAGA_CRASH_AT, crash tests only). */
  readonly sagaBoundary?: ((b: SagaBoundary) => void) | undefined;
}

/** The orchestration context: its module plus its saga runtime and scan (callable directly, e.g. by tests). */
export interface OrchestrationModule extends ContextModule {
  readonly sagas: SagaRuntime;
  /** Runs the stuck-work scan now; returns how many exceptions it raised. */
  scanStuckWork(): Promise<number>;
}

const TERMINAL_EVENT = {
  COMPLETED: OrchestrationEvents.sagaCompleted,
  COMPENSATED: OrchestrationEvents.sagaCompensated,
  FAILED: OrchestrationEvents.sagaFailed,
} as const;

/** orchestration: durable sagas across contexts (order fulfilment) and the supervisors' exception queue. */
export function orchestrationContext(deps: PlatformDeps, options: OrchestrationOptions): OrchestrationModule {
  // The runtime and the exception service need each other (a step raises exceptions, a failed saga escalates):
  // the exception service reads the fulfilment sagas through this late-bound reference.
  const late: { sagas?: SagaRuntime } = {};
  const exceptions = exceptionService(deps, {
    ...options.ports,
    orderFacts: async (orderId) => {
      const saga = await late.sagas?.byKey(deps.db, FULFILMENT, orderId);
      const stored: unknown = saga?.data;
      if (stored === undefined || late.sagas === undefined) return undefined;
      // The order as orchestration has heard of it: the saga's data after the signals its next tick will read (the
      // exception a backordered event raised is visible before the saga's step has read that event's signal).
      const d = applySignals(stored as FulfilmentData, await late.sagas.pendingSignals(deps.db, FULFILMENT, orderId));
      return { siteId: d.siteId, status: d.status, skus: d.skus, backorderReason: d.backorderReason ?? null };
    },
    retrySaga: async (sagaId, tx) => late.sagas?.retry(sagaId, tx),
  });
  const orders = options.ports.orders;
  const fulfilment = fulfilmentSaga(exceptions, {
    stallMs: options.orderStallS * 1000, cutoffMarginMs: options.cutoffMarginMin * 60_000,
    // An order in flight across the deploy that began keeping its own ship-by: orders says it (where orders runs here).
    orderShipByOf: orders === undefined ? undefined : (orderId) => orders.shipByOf(orderId),
  });
  const runtime = sagaRuntime({
    db: deps.db, clock: deps.clock, ids: deps.ids, log: deps.log, metrics: deps.metrics, schema: 'orchestration',
    sagas: [fulfilment as unknown as SagaDefinition<never>],
    boundary: options.sagaBoundary,
    async onFinished(tx, saga, escalate) {
      const status = saga.status === 'COMPLETED' || saga.status === 'COMPENSATED' || saga.status === 'FAILED' ? saga.status : undefined;
      if (status === undefined) return;
      const site = saga.siteId === null ? {} : { siteId: saga.siteId };
      await deps.bus.append(tx, 'orchestration', [{
        type: TERMINAL_EVENT[status], subject: saga.id, ...site,
        data: { sagaId: saga.id, type: saga.type, key: saga.key, siteId: saga.siteId, status, lastError: status === 'COMPLETED' ? null : saga.lastError },
      }], {});
      if (escalate) {
        // One case per failure: a saga retried (the exception's `retry`) that fails again is escalated again.
        await exceptions.raise(tx, {
          kind: 'SAGA_FAILED', caseKey: `${saga.id}:${saga.updatedAt.toISOString()}`, subject: saga.id, siteId: saga.siteId,
          reason: `Saga ${saga.type} for ${saga.key} failed: a compensation failed after its retries (${saga.lastError ?? 'no error recorded'}); fix the cause and retry it, or undo by hand what it could not and acknowledge`,
          details: { sagaId: saga.id, type: saga.type, key: saga.key, step: saga.currentStep },
        }, {});
      }
    },
  });
  late.sagas = runtime;
  const scan = stuckWorkScan(deps, exceptions, options.ports, { taskStallMs: options.taskStallS * 1000, taskWorkStallMs: options.taskWorkStallS * 1000 });
  const service = orchestrationService(deps, runtime, exceptions);

  deps.metrics.gauge('paklog_sagas', 'Sagas by type and state: running, compensating, stuck (past a deadline or due for over a minute), failed',
    ['type', 'state'], async (g) => {
      g.reset();
      for (const c of await runtime.counts()) {
        for (const state of ['running', 'compensating', 'stuck', 'failed'] as const) g.set({ type: c.type, state }, c[state]);
      }
    });
  deps.metrics.gauge('paklog_exceptions_open', 'Open exceptions in the supervisors\' queue, by kind', ['kind'], async (g) => {
    g.reset();
    for (const c of await exceptions.openCounts()) g.set({ kind: c.kind }, c.n);
  });

  const module = defineContext({
    name: 'orchestration',
    schema: 'orchestration',
    migrations: new URL('./migrations/', import.meta.url),
    requires: { locations: options.locations },
    routes: orchestrationRoutes(deps, service, options.locations, options.packShip),
    sitesOf: { sga: siteOfRow(deps.db, 'orchestration.sagas'), exc: siteOfRow(deps.db, 'orchestration.exceptions') },
    subscriptions: orchestrationSubscriptions(runtime, exceptions),
    jobs: [
      // Each tick runs every due saga one step; a saga whose step has more to do is due again at once.
      { name: 'orchestration.sagas', everyMs: options.sagaTickMs, run: () => runtime.drain(20) },
      { name: 'orchestration.stuck-work', everyMs: options.scanEveryMs, run: scan },
    ],
  });
  return { ...module, sagas: runtime, scanStuckWork: scan };
}
