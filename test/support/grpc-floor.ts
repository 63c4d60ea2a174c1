/**
 * A handheld's gRPC client of the public floor API (`paklog.floor.v1.Floor`), as the end-to-end test and the api bench
 * drive it: grpc-js with the repository's `.proto` files, credentials in the call metadata.
 */
import * as grpc from '@grpc/grpc-js';
import pino from 'pino';
import { serveGrpcApi } from '../../src/gateway/grpc/public-api.ts';
import type { RpcServer } from '../../src/platform/rpc/rpc-server.ts';
import { publicProtos, type PublicProtos } from '../../src/rpc/protos.ts';
import type { FloorClient } from '../../src/rpc/generated/paklog/floor/v1/Floor.ts';
import type { NextTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/NextTaskRequest.ts';
import type { NextTaskResponse__Output } from '../../src/rpc/generated/paklog/floor/v1/NextTaskResponse.ts';
import type { GetPickListRequest } from '../../src/rpc/generated/paklog/floor/v1/GetPickListRequest.ts';
import type { PickList__Output } from '../../src/rpc/generated/paklog/floor/v1/PickList.ts';
import type { IntegrationClient } from '../../src/rpc/generated/paklog/integration/v1/Integration.ts';
import type { CreateOrderRequest } from '../../src/rpc/generated/paklog/integration/v1/CreateOrderRequest.ts';
import type { CreateOrderResponse__Output } from '../../src/rpc/generated/paklog/integration/v1/CreateOrderResponse.ts';
import type { CancelOrderRequest } from '../../src/rpc/generated/paklog/integration/v1/CancelOrderRequest.ts';
import type { CancelOrderLineRequest } from '../../src/rpc/generated/paklog/integration/v1/CancelOrderLineRequest.ts';
import type { Order__Output } from '../../src/rpc/generated/paklog/integration/v1/Order.ts';
import type { GetAtpRequest } from '../../src/rpc/generated/paklog/integration/v1/GetAtpRequest.ts';
import type { GetAtpResponse__Output } from '../../src/rpc/generated/paklog/integration/v1/GetAtpResponse.ts';
import type { SetSafetyStockRequest } from '../../src/rpc/generated/paklog/integration/v1/SetSafetyStockRequest.ts';
import type { ClearSafetyStockRequest } from '../../src/rpc/generated/paklog/integration/v1/ClearSafetyStockRequest.ts';
import type { GetSafetyStockRequest } from '../../src/rpc/generated/paklog/integration/v1/GetSafetyStockRequest.ts';
import type { SafetyStock__Output } from '../../src/rpc/generated/paklog/integration/v1/SafetyStock.ts';
import type { ListSafetyStocksRequest } from '../../src/rpc/generated/paklog/integration/v1/ListSafetyStocksRequest.ts';
import type { ListSafetyStocksResponse__Output } from '../../src/rpc/generated/paklog/integration/v1/ListSafetyStocksResponse.ts';
import type { CountsRequest } from '../../src/rpc/generated/paklog/integration/v1/CountsRequest.ts';
import type { StatusCounts__Output } from '../../src/rpc/generated/paklog/integration/v1/StatusCounts.ts';
import type { StartTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/StartTaskRequest.ts';
import type { CompleteTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/CompleteTaskRequest.ts';
import type { ConfirmPickRequest } from '../../src/rpc/generated/paklog/floor/v1/ConfirmPickRequest.ts';
import type { ShortPickRequest } from '../../src/rpc/generated/paklog/floor/v1/ShortPickRequest.ts';
import type { ShortAtPackRequest } from '../../src/rpc/generated/paklog/floor/v1/ShortAtPackRequest.ts';
import type { ShortAtPackResponse__Output } from '../../src/rpc/generated/paklog/floor/v1/ShortAtPackResponse.ts';
import type { RejectTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/RejectTaskRequest.ts';
import type { PauseTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/PauseTaskRequest.ts';
import type { ResumeTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/ResumeTaskRequest.ts';
import type { FailTaskRequest } from '../../src/rpc/generated/paklog/floor/v1/FailTaskRequest.ts';
import type { Task__Output } from '../../src/rpc/generated/paklog/floor/v1/Task.ts';
import type { FloorOps } from './flow-driver.ts';
import { startTestApp, type TestApp } from './test-app.ts';

export interface PublicClients {
  readonly floor: FloorClient;
  readonly integration: IntegrationClient;
  close(): void;
}

/**
 * Clients of both public services over one channel to `target` (`host:port`). grpc-js shares one connection among the
 * channels of a process that have the same target and options; `ownConnection` gives this channel a connection of its
 * own, as a separate handheld has.
 */
export function publicClients(target: string, o: { ownConnection?: boolean } = {}): PublicClients {
  const { floor, integration } = (grpc.loadPackageDefinition(publicProtos()) as unknown as PublicProtos).paklog;
  const f = new floor.v1.Floor(target, grpc.credentials.createInsecure(), o.ownConnection === true ? { 'grpc.use_local_subchannel_pool': 1 } : {});
  // The second client shares the first one's channel.
  const i = new integration.v1.Integration(target, grpc.credentials.createInsecure(), { channelOverride: f.getChannel() });
  return { floor: f, integration: i, close: () => f.close() };
}

/** Metadata carrying an API key (`x-api-key`) or a bearer token (`authorization`). */
export function credentialsMetadata(c: { apiKey?: string; bearer?: string; extra?: Record<string, string> }): grpc.Metadata {
  const m = new grpc.Metadata();
  if (c.apiKey !== undefined) m.set('x-api-key', c.apiKey);
  if (c.bearer !== undefined) m.set('authorization', `Bearer ${c.bearer}`);
  for (const [k, v] of Object.entries(c.extra ?? {})) m.set(k, v);
  return m;
}

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<Res>) => grpc.ClientUnaryCall;

/** One unary call as a promise; rejects with the grpc-js ServiceError (code, details, metadata = trailers). */
export function unary<Req, Res>(method: Unary<Req, Res>, request: Req, metadata: grpc.Metadata, deadlineMs = 10_000): Promise<Res> {
  return new Promise((resolve, reject) => {
    method(request, metadata, { deadline: Date.now() + deadlineMs }, (error, response) => {
      if (error !== null) reject(error);
      else if (response === undefined) reject(new Error('no response'));
      else resolve(response);
    });
  });
}

/** The method `name` of a generated client, bound to it, as one typed promise-returning function. */
const typed = <Req, Res>(client: grpc.Client, name: string) => (request: Req, metadata: grpc.Metadata, deadlineMs?: number): Promise<Res> =>
  unary((client as unknown as Record<string, Unary<Req, Res>>)[name]!.bind(client), request, metadata, deadlineMs);

/** Every public method as a typed promise (the generated clients' overloads defeat inference). */
export function rpcMethods(c: PublicClients) {
  const { floor: f, integration: i } = c;
  return {
    nextTask: typed<NextTaskRequest, NextTaskResponse__Output>(f, 'NextTask'),
    startTask: typed<StartTaskRequest, Task__Output>(f, 'StartTask'),
    completeTask: typed<CompleteTaskRequest, Task__Output>(f, 'CompleteTask'),
    rejectTask: typed<RejectTaskRequest, Task__Output>(f, 'RejectTask'),
    pauseTask: typed<PauseTaskRequest, Task__Output>(f, 'PauseTask'),
    resumeTask: typed<ResumeTaskRequest, Task__Output>(f, 'ResumeTask'),
    failTask: typed<FailTaskRequest, Task__Output>(f, 'FailTask'),
    getPickList: typed<GetPickListRequest, PickList__Output>(f, 'GetPickList'),
    confirmPick: typed<ConfirmPickRequest, PickList__Output>(f, 'ConfirmPick'),
    shortPick: typed<ShortPickRequest, PickList__Output>(f, 'ShortPick'),
    shortAtPack: typed<ShortAtPackRequest, ShortAtPackResponse__Output>(f, 'ShortAtPack'),
    createOrder: typed<CreateOrderRequest, CreateOrderResponse__Output>(i, 'CreateOrder'),
    getAtp: typed<GetAtpRequest, GetAtpResponse__Output>(i, 'GetAtp'),
    cancelOrder: typed<CancelOrderRequest, Order__Output>(i, 'CancelOrder'),
    cancelOrderLine: typed<CancelOrderLineRequest, Order__Output>(i, 'CancelOrderLine'),
    setSafetyStock: typed<SetSafetyStockRequest, SafetyStock__Output>(i, 'SetSafetyStock'),
    clearSafetyStock: typed<ClearSafetyStockRequest, SafetyStock__Output>(i, 'ClearSafetyStock'),
    getSafetyStock: typed<GetSafetyStockRequest, SafetyStock__Output>(i, 'GetSafetyStock'),
    listSafetyStocks: typed<ListSafetyStocksRequest, ListSafetyStocksResponse__Output>(i, 'ListSafetyStocks'),
    countOrders: typed<CountsRequest, StatusCounts__Output>(i, 'CountOrders'),
    countWaves: typed<CountsRequest, StatusCounts__Output>(i, 'CountWaves'),
    countTasks: typed<CountsRequest, StatusCounts__Output>(i, 'CountTasks'),
    countExceptions: typed<CountsRequest, StatusCounts__Output>(i, 'CountExceptions'),
  };
}

/** The floor steps over gRPC; `timings` records each call's latency under the same step names as REST's. */
export function grpcFloor(client: FloorClient, metadata: () => grpc.Metadata, timings?: Map<string, number[]>): FloorOps {
  const timed = async <T>(step: string, run: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      if (timings !== undefined) {
        const list = timings.get(step) ?? [];
        list.push(performance.now() - t0);
        timings.set(step, list);
      }
    }
  };
  const m = rpcMethods({ floor: client, integration: client as unknown as IntegrationClient, close: () => undefined });
  return {
    async nextTask(workerId, siteId) {
      const res = await timed('next task', () => m.nextTask({ workerId, siteId }, metadata()));
      return res.task ?? undefined;
    },
    startTask: async (taskId, workerId) => { await timed('start task', () => m.startTask({ taskId, workerId }, metadata())); },
    pickList: async (pickListId) => {
      const list = await timed('get pick list', () => m.getPickList({ pickListId }, metadata()));
      return { id: list.id, orderIds: list.orderIds, lines: list.lines.map((l) => ({ ...l, expectedBarcode: l.expectedBarcode ?? null, locationCode: l.locationCode ?? null })) };
    },
    confirm: async (pickListId, lineId, scan) => { await timed('confirm pick', () => m.confirmPick({ pickListId, lineId, ...scan }, metadata())); },
    short: async (pickListId, lineId, reason) => { await timed('short pick', () => m.shortPick({ pickListId, lineId, reason }, metadata())); },
    complete: async (taskId, workerId) => { await timed('complete task', () => m.completeTask({ taskId, workerId }, metadata())); },
  };
}

/** A test app with the public gRPC API served beside it on a free port, and clients of it. */
export interface GrpcTestApp {
  readonly t: TestApp;
  readonly server: RpcServer;
  readonly clients: PublicClients;
  readonly rpc: ReturnType<typeof rpcMethods>;
  /** Operator credentials, with any extra metadata (an idempotency key). */
  operator(extra?: Record<string, string>): grpc.Metadata;
  close(): Promise<void>;
}

export async function startGrpcTestApp(options: Parameters<typeof startTestApp>[0] = {}): Promise<GrpcTestApp> {
  const t = await startTestApp(options);
  const server = await serveGrpcApi({ http: t.app.http, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
  const clients = publicClients(`127.0.0.1:${server.port}`);
  return {
    t, server, clients, rpc: rpcMethods(clients),
    operator: (extra = {}) => credentialsMetadata({ apiKey: t.keys.operator, extra }),
    close: async () => {
      clients.close();
      await server.close();
      await t.close();
    },
  };
}

/** How a call expected to fail was refused: its status name, PakLog code and field errors (trailers), and message. */
export async function grpcRefusal(p: Promise<unknown>): Promise<{ status: string; code: unknown; details: string; fields: string[] }> {
  try {
    await p;
  } catch (e) {
    const error = e as grpc.ServiceError;
    const [bin] = error.metadata.get('paklog-field-errors-bin');
    const fields = bin === undefined ? [] : (JSON.parse((bin as Buffer).toString('utf8')) as { field: string }[]).map((f) => f.field);
    return { status: grpc.status[error.code], code: error.metadata.get('paklog-error-code')[0], details: error.details, fields };
  }
  throw new Error('the call succeeded');
}
