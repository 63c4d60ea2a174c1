import type { Logger } from 'pino';
import { PACK_WORK_STATES, type AlreadyDispatched, type PackShipApi, type PackShipCommands, type PackWorkState, type ShippingAtDock } from '../contracts/pack-ship.ts';
import { AppError, assertNever, errorSpec, reject, type Outcome } from '../platform/errors.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { PackShipCommandServiceDefinition, PackShipCommandServiceHandlers } from './generated/paklog/pack_ship/v1/PackShipCommandService.ts';
import type { PackShipServiceDefinition, PackShipServiceHandlers } from './generated/paklog/pack_ship/v1/PackShipService.ts';
import { eventMeta, metaMessage } from './event-meta.ts';
import { paklogServices } from './protos.ts';

const isPackWorkState = (s: string): s is PackWorkState => (PACK_WORK_STATES as readonly string[]).includes(s);

/** Pack & ship's in-process API served as `paklog.pack_ship.v1.PackShipService`. */
export function packShipService(api: PackShipApi, log: Logger): RpcService {
  const implementation: PackShipServiceHandlers = {
    BookableCarriers: unaryHandler(log, async () => ({ carriers: [...await api.bookableCarriers()] })),
    StopShipping: unaryHandler(log, async (req) => {
      const outcome = await api.stopShipping({ orderId: req.orderId, siteId: req.siteId, reason: req.reason ?? null, announce: !req.deferAnnounce }, eventMeta(req.meta));
      if (outcome.stopped) return { stopped: {} };
      return 'shipmentId' in outcome ? { alreadyDispatched: { shipmentId: outcome.shipmentId } } : { shippingAtDock: { state: outcome.dockShip } };
    }),
    ReserveStop: unaryHandler(log, async (req) => {
      const outcome = await api.reserveStop({ orderId: req.orderId, siteId: req.siteId, stopId: req.stopId });
      if ('reserved' in outcome) return { reserved: {} };
      if (outcome.stopped) return { stopped: {} };
      return 'shipmentId' in outcome ? { alreadyDispatched: { shipmentId: outcome.shipmentId } } : { shippingAtDock: { state: outcome.dockShip } };
    }),
    DropStop: unaryHandler(log, async (req) => {
      await api.dropStop({ orderId: req.orderId, stopId: req.stopId });
      return {};
    }),
    AnnounceStop: unaryHandler(log, async (req) => {
      await api.announceStop(req.orderId, eventMeta(req.meta));
      return {};
    }),
    OpenPackWork: unaryHandler(log, async (req) => {
      const work = await api.openPackWork(req.orderId);
      return work === undefined ? { found: false }
        : { found: true, orderId: work.orderId, unitsPicked: work.unitsPicked, unitsToPack: work.unitsToPack, unitsToPickAgain: work.unitsToPickAgain, openPackageIds: [...work.openPackageIds] };
    }),
    PackWorkState: unaryHandler(log, async (req) => {
      const state = await api.packWorkState(req.orderId);
      return state === undefined ? { found: false } : { found: true, state };
    }),
    StoppedOrders: unaryHandler(log, async (req) => ({ orderIds: [...await api.stoppedOrders(req.orderIds)] })),
    ClaimDockShip: unaryHandler(log, async (req) => {
      const claim = await api.claimDockShip({ claimId: req.claimId, siteId: req.siteId, orderIds: req.orderIds, packageIds: req.packageIds });
      return { stopped: [...claim.stopped], unready: [...claim.unready], stopping: [...claim.stopping] };
    }),
    SettleDockShip: unaryHandler(log, async (req) => {
      await api.settleDockShip({ claimId: req.claimId, shipped: req.shipped });
      return {};
    }),
    PackageSsccs: unaryHandler(log, async (req) => ({ packages: (await api.packageSsccs(req.packageIds)).map((p) => ({ ...p })) })),
  };
  return { name: 'paklog.pack_ship.v1.PackShipService', definition: paklogServices().packShip, implementation };
}

/**
 * A stop's answer (StopShipping's, or ReserveStop's past `reserved`): stopped, or the order ships anyway (dispatched,
 * claimed by a dock SHIP scan). An answer with none of them is the remote's fault.
 */
function stopAnswer(call: string, result: 'stopped' | 'alreadyDispatched' | 'shippingAtDock' | undefined, res: {
  readonly alreadyDispatched?: { readonly shipmentId: string } | null | undefined; readonly shippingAtDock?: { readonly state: string } | null | undefined;
}): { readonly stopped: true } | AlreadyDispatched | ShippingAtDock {
  switch (result) {
    case 'stopped': return { stopped: true };
    case 'alreadyDispatched':
      if (res.alreadyDispatched != null) return { stopped: false, shipmentId: res.alreadyDispatched.shipmentId };
      break;
    case 'shippingAtDock': {
      const state = res.shippingAtDock?.state;
      if (state === 'IN_FLIGHT' || state === 'SHIPPED') return { stopped: false, dockShip: state };
      break;
    }
    case undefined: break;
    default: return assertNever(result, `${call} result`);
  }
  throw new AppError('INTERNAL', `${call} answered neither stopped, alreadyDispatched nor shippingAtDock`);
}

/**
 * PackShipApi over gRPC; `stopShipping`, `reserveStop`, `dropStop`, `announceStop`, `claimDockShip` and `settleDockShip`
 * are idempotent, so the channel may retry them.
 */
export function packShipClient(channel: RpcChannel, service: PackShipServiceDefinition = paklogServices().packShip): PackShipApi {
  return {
    async bookableCarriers() {
      return (await channel.call(service.BookableCarriers, {})).carriers;
    },
    async stopShipping(input, meta) {
      const res = await channel.call(service.StopShipping, {
        orderId: input.orderId, siteId: input.siteId, ...(input.reason === null ? {} : { reason: input.reason }), meta: metaMessage(meta),
        deferAnnounce: input.announce === false,
      });
      return stopAnswer('StopShipping', res.result, res);
    },
    async reserveStop(input) {
      const res = await channel.call(service.ReserveStop, { orderId: input.orderId, siteId: input.siteId, stopId: input.stopId });
      return res.result === 'reserved' ? { reserved: true } : stopAnswer('ReserveStop', res.result, res);
    },
    async dropStop(input) {
      await channel.call(service.DropStop, { orderId: input.orderId, stopId: input.stopId });
    },
    async announceStop(orderId, meta) {
      await channel.call(service.AnnounceStop, { orderId, meta: metaMessage(meta) });
    },
    async openPackWork(orderId) {
      const res = await channel.call(service.OpenPackWork, { orderId });
      return res.found
        ? { orderId: res.orderId, unitsPicked: Number(res.unitsPicked), unitsToPack: Number(res.unitsToPack), unitsToPickAgain: Number(res.unitsToPickAgain), openPackageIds: res.openPackageIds }
        : undefined;
    },
    async packWorkState(orderId) {
      const res = await channel.call(service.PackWorkState, { orderId });
      if (!res.found) return undefined;
      if (!isPackWorkState(res.state)) throw new AppError('INTERNAL', `PackWorkState answered an unknown state ${res.state}`);
      return res.state;
    },
    async stoppedOrders(orderIds) {
      if (orderIds.length === 0) return [];
      return (await channel.call(service.StoppedOrders, { orderIds: [...orderIds] })).orderIds;
    },
    async claimDockShip(input) {
      const res = await channel.call(service.ClaimDockShip, { claimId: input.claimId, siteId: input.siteId, orderIds: [...input.orderIds], packageIds: [...input.packageIds ?? []] });
      return { stopped: res.stopped, unready: res.unready, stopping: res.stopping };
    },
    async settleDockShip(input) {
      await channel.call(service.SettleDockShip, { claimId: input.claimId, shipped: input.shipped });
    },
    async packageSsccs(packageIds) {
      if (packageIds.length === 0) return [];
      return (await channel.call(service.PackageSsccs, { packageIds: [...packageIds] })).packages.map((p) => ({ packageId: p.packageId, sscc: p.sscc }));
    },
  };
}

/** The pack & ship commands another process runs (LABEL_VOID_FAILED's and LABEL_BOOKING_UNSETTLED's retries) as `paklog.pack_ship.v1.PackShipCommandService`. */
export function packShipCommandService(commands: Pick<PackShipCommands, 'retryLabelVoid' | 'retryBooking'>, log: Logger): RpcService {
  const implementation: PackShipCommandServiceHandlers = {
    RetryBooking: unaryHandler(log, async (req) => {
      const done = await commands.retryBooking(req.shipmentId);
      if (!done.ok) throw new AppError(done.code, done.message, done.errors === undefined ? {} : { errors: done.errors });
      const { trackingNumber, ...rest } = done.value;
      return { ...rest, ...(trackingNumber === null ? {} : { trackingNumber }) };
    }),
    RetryLabelVoid: unaryHandler(log, async (req) => {
      const done = await commands.retryLabelVoid(req.shipmentId);
      // A refused command is the call's error, with its contract code (the client turns it back into the refusal).
      if (!done.ok) throw new AppError(done.code, done.message, done.errors === undefined ? {} : { errors: done.errors });
      return done.value;
    }),
  };
  return { name: 'paklog.pack_ship.v1.PackShipCommandService', definition: paklogServices().packShipCommands, implementation };
}

/**
 * A refusal the remote answered, as the in-process command returns it: a 4xx, or CARRIER_UNAVAILABLE (a 503 the
 * command answers as its outcome: the carrier, not the remote, did not answer) or CARRIER_ANSWER_UNRECORDABLE (a 502: the
 * carrier's answer, not the remote, could not be recorded). Undefined for anything else.
 */
function remoteRefusal(error: unknown): Outcome<never> | undefined {
  if (!(error instanceof AppError) || (errorSpec(error.code).status >= 500 && error.code !== 'CARRIER_UNAVAILABLE' && error.code !== 'CARRIER_ANSWER_UNRECORDABLE')) return undefined;
  return reject(error.code, error.message, error.errors.length === 0 ? undefined : error.errors);
}

/**
 * The same commands over gRPC. A refusal the remote answered (NOT_FOUND, ILLEGAL_TRANSITION, CARRIER_REFUSED_BOOKING,
 * CARRIER_UNAVAILABLE) comes back as the same refusal; an unreachable remote stays an error (503 UNAVAILABLE for the caller).
 */
export function packShipCommandClient(
  channel: RpcChannel, service: PackShipCommandServiceDefinition = paklogServices().packShipCommands,
): Pick<PackShipCommands, 'retryLabelVoid' | 'retryBooking'> {
  return {
    async retryBooking(shipmentId) {
      try {
        const res = await channel.call(service.RetryBooking, { shipmentId });
        if (res.outcome !== 'LABELLED' && res.outcome !== 'VOIDED' && res.outcome !== 'SETTLED') throw new AppError('INTERNAL', `RetryBooking answered an unknown outcome ${res.outcome}`);
        return { ok: true, value: { shipmentId: res.shipmentId, outcome: res.outcome, trackingNumber: res.trackingNumber ?? null } };
      } catch (error) {
        const refused = remoteRefusal(error);
        if (refused === undefined) throw error;
        return refused;
      }
    },
    async retryLabelVoid(shipmentId): Promise<Outcome<{ shipmentId: string; trackingNumber: string }>> {
      try {
        const res = await channel.call(service.RetryLabelVoid, { shipmentId });
        return { ok: true, value: { shipmentId: res.shipmentId, trackingNumber: res.trackingNumber } };
      } catch (error) {
        const refused = remoteRefusal(error);
        if (refused === undefined) throw error;
        return refused;
      }
    },
  };
}
