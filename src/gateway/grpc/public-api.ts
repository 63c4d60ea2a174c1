/**
 * The public gRPC API: `paklog.floor.v1.Floor` for handhelds and `paklog.integration.v1.Integration` for storefronts
 * and ERPs, each method one REST operation run in-process (rest-bridge.ts, ADR 0020). Served by `paklog start` and by
 * `paklog gateway` on PAKLOG_GRPC_PORT, with server reflection and the health service.
 */
import type { Logger } from 'pino';
import type { HttpApp } from '../../platform/http/server.ts';
import { startRpcServer, type RpcServer, type RpcService } from '../../platform/rpc/rpc-server.ts';
import type { FloorHandlers } from '../../rpc/generated/paklog/floor/v1/Floor.ts';
import type { NextTaskResponse } from '../../rpc/generated/paklog/floor/v1/NextTaskResponse.ts';
import type { PickList } from '../../rpc/generated/paklog/floor/v1/PickList.ts';
import type { ShortAtPackResponse } from '../../rpc/generated/paklog/floor/v1/ShortAtPackResponse.ts';
import type { Task } from '../../rpc/generated/paklog/floor/v1/Task.ts';
import type { CreateOrderResponse } from '../../rpc/generated/paklog/integration/v1/CreateOrderResponse.ts';
import type { GetAtpResponse } from '../../rpc/generated/paklog/integration/v1/GetAtpResponse.ts';
import type { IntegrationHandlers } from '../../rpc/generated/paklog/integration/v1/Integration.ts';
import type { Order } from '../../rpc/generated/paklog/integration/v1/Order.ts';
import type { CountsRequest__Output as CountsRequest } from '../../rpc/generated/paklog/integration/v1/CountsRequest.ts';
import type { StatusCounts } from '../../rpc/generated/paklog/integration/v1/StatusCounts.ts';
import type { SafetyStock } from '../../rpc/generated/paklog/integration/v1/SafetyStock.ts';
import type { ListSafetyStocksResponse } from '../../rpc/generated/paklog/integration/v1/ListSafetyStocksResponse.ts';
import { publicProtos, publicServices } from '../../rpc/protos.ts';
import { pathPart, restHandler, type RestAnswer } from './rest-bridge.ts';

export const FLOOR_SERVICE = 'paklog.floor.v1.Floor';
export const INTEGRATION_SERVICE = 'paklog.integration.v1.Integration';

/** A body without the fields the request left unset (REST tells a missing field from an empty one). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in fields) if (fields[k] !== undefined && fields[k] !== null) out[k] = fields[k];
  return out;
}

/**
 * A request's worker_id as REST's workerId: empty is absent, so a signed-in person acts as themselves (REST fills in
 * their worker id, ADR 0019) and a key that names no worker is refused by REST's validation, or for FailTask reports
 * as a supervisor. A non-empty one is REST's to judge (ACTING_AS_ANOTHER_WORKER, TASK_NOT_ASSIGNED_TO_WORKER).
 */
const worker = (workerId: string): string | undefined => (workerId === '' ? undefined : workerId);

// The REST answers have the messages' shape (field for field, camelCase; null is an unset optional field): the
// protobuf serializer reads them as they are.
const as = <T>() => (answer: RestAnswer): T => answer.body as T;

function floorService(http: HttpApp, log: Logger): RpcService {
  const implementation: FloorHandlers = {
    NextTask: restHandler(http, log, (r) => ({
      method: 'POST', url: '/tasks/next', body: defined({ workerId: worker(r.workerId), siteId: r.siteId, types: r.types.length === 0 ? undefined : r.types }),
    }), (a): NextTaskResponse => (a.status === 204 ? {} : { task: a.body as Task })),
    StartTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/start`, body: defined({ workerId: worker(r.workerId) }),
    }), as<Task>()),
    CompleteTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/complete`, body: defined({ workerId: worker(r.workerId) }),
    }), as<Task>()),
    // The ways out of a task the worker cannot do: the REST operations of the task engine, as they are.
    RejectTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/reject`, body: defined({ workerId: worker(r.workerId), reason: r.reason }),
    }), as<Task>()),
    PauseTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/pause`, body: defined({ workerId: worker(r.workerId) }),
    }), as<Task>()),
    ResumeTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/resume`, body: defined({ workerId: worker(r.workerId) }),
    }), as<Task>()),
    FailTask: restHandler(http, log, (r) => ({
      method: 'POST', url: `/tasks/${pathPart('task_id', r.taskId)}/fail`, body: defined({ workerId: worker(r.workerId), reason: r.reason, note: r.note }),
    }), as<Task>()),
    GetPickList: restHandler(http, log, (r) => ({ method: 'GET', url: `/pick-lists/${pathPart('pick_list_id', r.pickListId)}` }), as<PickList>()),
    ConfirmPick: restHandler(http, log, (r) => ({
      method: 'POST',
      url: `/pick-lists/${pathPart('pick_list_id', r.pickListId)}/lines/${pathPart('line_id', r.lineId)}/confirm`,
      body: defined({
        locationCode: r.locationCode, barcode: r.barcode, quantity: r.quantity, toteId: r.toteId, scanId: r.scanId,
        // Empty is absent in proto3 (repeated): a product without the flag takes none.
        serials: r.serials === undefined || r.serials.length === 0 ? undefined : r.serials,
      }),
    }), as<PickList>()),
    ShortPick: restHandler(http, log, (r) => ({
      method: 'POST',
      url: `/pick-lists/${pathPart('pick_list_id', r.pickListId)}/lines/${pathPart('line_id', r.lineId)}/short`,
      body: defined({ reason: r.reason, scanId: r.scanId }),
    }), as<PickList>()),
    // The short at the pack bench (ADR 0024 addenda 2026-12-06 and 2026-12-07): REST's answer as it is, pickedAgain included.
    ShortAtPack: restHandler(http, log, (r) => ({
      method: 'POST', url: '/pack-station/shorts',
      body: defined({ orderId: r.orderId, lineId: r.lineId, quantity: r.quantity, reason: r.reason, toteId: r.toteId, note: r.note }),
    }), as<ShortAtPackResponse>()),
  };
  return { name: FLOOR_SERVICE, definition: publicServices().floor, implementation };
}

/** `GET /<resource>/counts?siteId=`: the dashboard's figures, REST's answer as it is. */
const counts = (http: HttpApp, log: Logger, resource: 'orders' | 'waves' | 'tasks' | 'exceptions') => restHandler(http, log, (r: CountsRequest) => ({
  method: 'GET', url: `/${resource}/counts?${new URLSearchParams({ siteId: r.siteId }).toString()}`,
}), as<StatusCounts>());

/** `/inventory/safety-stock/{site}/{sku}`, each a path field (empty, `.` or `..`: INVALID_ARGUMENT once the caller is checked). */
const safetyStockPath = (siteId: string, sku: string): string => `/inventory/safety-stock/${pathPart('site_id', siteId)}/${pathPart('sku', sku)}`;

/** A query string of the set fields ('' when none). */
const query = (fields: Record<string, string | null | undefined>): string => {
  const q = new URLSearchParams(defined(fields) as Record<string, string>).toString();
  return q === '' ? '' : `?${q}`;
};

function integrationService(http: HttpApp, log: Logger): RpcService {
  const implementation: IntegrationHandlers = {
    CreateOrder: restHandler(http, log, (r) => ({
      method: 'POST', url: '/orders',
      body: defined({
        externalId: r.externalId, siteId: r.siteId, ownerId: r.ownerId, shipComplete: r.shipComplete, carrier: r.carrier, priority: r.priority, shipBy: r.shipBy,
        shipTo: r.shipTo === null ? undefined : defined({
          name: r.shipTo.name, company: r.shipTo.company, line1: r.shipTo.line1, line2: r.shipTo.line2, line3: r.shipTo.line3, city: r.shipTo.city,
          state: r.shipTo.state, postalCode: r.shipTo.postalCode, country: r.shipTo.country, phone: r.shipTo.phone, email: r.shipTo.email,
        }),
        lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
      }),
    }), (a): CreateOrderResponse => ({ order: a.body as Order, created: a.status === 201 })),
    CancelOrder: restHandler(http, log, (r) => ({
      method: 'POST', url: `/orders/${pathPart('order_id', r.orderId)}/cancel`, body: defined({ reason: r.reason }),
    }), as<Order>()),
    CancelOrderLine: restHandler(http, log, (r) => ({
      method: 'POST', url: `/orders/${pathPart('order_id', r.orderId)}/lines/${pathPart('line_id', r.lineId)}/cancel`, body: defined({ quantity: r.quantity, reason: r.reason }),
    }), as<Order>()),
    GetAtp: restHandler(http, log, (r) => ({
      method: 'GET', url: `/inventory/atp?${new URLSearchParams(defined({ siteId: r.siteId, owner: r.owner, sku: r.sku }) as Record<string, string>).toString()}`,
    }), as<GetAtpResponse>()),
    // Safety stock (ADR 0057): REST's PUT, DELETE and GET of one SKU at a site, and its list, as they are.
    SetSafetyStock: restHandler(http, log, (r) => ({
      method: 'PUT', url: safetyStockPath(r.siteId, r.sku), body: defined({ quantity: r.quantity, ownerId: r.ownerId }),
    }), as<SafetyStock>()),
    ClearSafetyStock: restHandler(http, log, (r) => ({
      method: 'DELETE', url: `${safetyStockPath(r.siteId, r.sku)}${query({ ownerId: r.ownerId })}`,
    }), as<SafetyStock>()),
    GetSafetyStock: restHandler(http, log, (r) => ({
      method: 'GET', url: `${safetyStockPath(r.siteId, r.sku)}${query({ owner: r.owner })}`,
    }), as<SafetyStock>()),
    // REST's list: the same filters, its `limit` and `cursor` (unset: REST's default page, the first page), its
    // `nextCursor` (null, unset on the wire, on the last page).
    ListSafetyStocks: restHandler(http, log, (r) => ({
      method: 'GET',
      url: `/inventory/safety-stock${query({
        siteId: r.siteId, owner: r.owner, sku: r.sku, limit: r.limit === null || r.limit === undefined ? undefined : String(r.limit), cursor: r.cursor,
      })}`,
    }), as<ListSafetyStocksResponse>()),
    CountOrders: counts(http, log, 'orders'),
    CountWaves: counts(http, log, 'waves'),
    CountTasks: counts(http, log, 'tasks'),
    CountExceptions: counts(http, log, 'exceptions'),
  };
  return { name: INTEGRATION_SERVICE, definition: publicServices().integration, implementation };
}

/** Serves the public API over `http` (the all-in-one app, or the gateway that routes to the services) on `host:port`. */
export function serveGrpcApi(o: { http: HttpApp; host: string; port: number; log: Logger }): Promise<RpcServer> {
  return startRpcServer({
    host: o.host, port: o.port, protos: publicProtos(), log: o.log,
    services: [floorService(o.http, o.log), integrationService(o.http, o.log)],
  });
}
