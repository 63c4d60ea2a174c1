// Original file: paklog/integration/v1/integration.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelOrderLineRequest as _paklog_integration_v1_CancelOrderLineRequest, CancelOrderLineRequest__Output as _paklog_integration_v1_CancelOrderLineRequest__Output } from '../../../paklog/integration/v1/CancelOrderLineRequest.ts';
import type { CancelOrderRequest as _paklog_integration_v1_CancelOrderRequest, CancelOrderRequest__Output as _paklog_integration_v1_CancelOrderRequest__Output } from '../../../paklog/integration/v1/CancelOrderRequest.ts';
import type { ClearSafetyStockRequest as _paklog_integration_v1_ClearSafetyStockRequest, ClearSafetyStockRequest__Output as _paklog_integration_v1_ClearSafetyStockRequest__Output } from '../../../paklog/integration/v1/ClearSafetyStockRequest.ts';
import type { CountsRequest as _paklog_integration_v1_CountsRequest, CountsRequest__Output as _paklog_integration_v1_CountsRequest__Output } from '../../../paklog/integration/v1/CountsRequest.ts';
import type { CreateOrderRequest as _paklog_integration_v1_CreateOrderRequest, CreateOrderRequest__Output as _paklog_integration_v1_CreateOrderRequest__Output } from '../../../paklog/integration/v1/CreateOrderRequest.ts';
import type { CreateOrderResponse as _paklog_integration_v1_CreateOrderResponse, CreateOrderResponse__Output as _paklog_integration_v1_CreateOrderResponse__Output } from '../../../paklog/integration/v1/CreateOrderResponse.ts';
import type { GetAtpRequest as _paklog_integration_v1_GetAtpRequest, GetAtpRequest__Output as _paklog_integration_v1_GetAtpRequest__Output } from '../../../paklog/integration/v1/GetAtpRequest.ts';
import type { GetAtpResponse as _paklog_integration_v1_GetAtpResponse, GetAtpResponse__Output as _paklog_integration_v1_GetAtpResponse__Output } from '../../../paklog/integration/v1/GetAtpResponse.ts';
import type { GetSafetyStockRequest as _paklog_integration_v1_GetSafetyStockRequest, GetSafetyStockRequest__Output as _paklog_integration_v1_GetSafetyStockRequest__Output } from '../../../paklog/integration/v1/GetSafetyStockRequest.ts';
import type { ListSafetyStocksRequest as _paklog_integration_v1_ListSafetyStocksRequest, ListSafetyStocksRequest__Output as _paklog_integration_v1_ListSafetyStocksRequest__Output } from '../../../paklog/integration/v1/ListSafetyStocksRequest.ts';
import type { ListSafetyStocksResponse as _paklog_integration_v1_ListSafetyStocksResponse, ListSafetyStocksResponse__Output as _paklog_integration_v1_ListSafetyStocksResponse__Output } from '../../../paklog/integration/v1/ListSafetyStocksResponse.ts';
import type { Order as _paklog_integration_v1_Order, Order__Output as _paklog_integration_v1_Order__Output } from '../../../paklog/integration/v1/Order.ts';
import type { SafetyStock as _paklog_integration_v1_SafetyStock, SafetyStock__Output as _paklog_integration_v1_SafetyStock__Output } from '../../../paklog/integration/v1/SafetyStock.ts';
import type { SetSafetyStockRequest as _paklog_integration_v1_SetSafetyStockRequest, SetSafetyStockRequest__Output as _paklog_integration_v1_SetSafetyStockRequest__Output } from '../../../paklog/integration/v1/SetSafetyStockRequest.ts';
import type { StatusCounts as _paklog_integration_v1_StatusCounts, StatusCounts__Output as _paklog_integration_v1_StatusCounts__Output } from '../../../paklog/integration/v1/StatusCounts.ts';

export interface IntegrationClient extends grpc.Client {
  /**
   * POST /orders/{order_id}/cancel: at any moment before the order ships (the floor withdraws open picks, returns picked
   * units to stock, voids packages and labels); a cancelled order answers as it is again (one cancellation). Once
   * dispatched FAILED_PRECONDITION ORDER_SHIPPED; the `if-match` metadata is REST's If-Match (a version not the order's:
   * FAILED_PRECONDITION VERSION_MISMATCH); `idempotency-key` as REST's. Roles as REST's (admin, manager).
   */
  CancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  /**
   * POST /orders/{order_id}/cancel: at any moment before the order ships (the floor withdraws open picks, returns picked
   * units to stock, voids packages and labels); a cancelled order answers as it is again (one cancellation). Once
   * dispatched FAILED_PRECONDITION ORDER_SHIPPED; the `if-match` metadata is REST's If-Match (a version not the order's:
   * FAILED_PRECONDITION VERSION_MISMATCH); `idempotency-key` as REST's. Roles as REST's (admin, manager).
   */
  cancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrder(argument: _paklog_integration_v1_CancelOrderRequest, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /orders/{order_id}/lines/{line_id}/cancel: a line's open units (all when `quantity` is absent) before a wave takes
   * the order; the last open units cancel the order. Once a wave has it FAILED_PRECONDITION ORDER_IN_FULFILMENT (cancel
   * the order, or short the line); a quantity out of range INVALID_ARGUMENT UNPROCESSABLE. Roles as REST's (admin, manager).
   */
  CancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  CancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  /**
   * POST /orders/{order_id}/lines/{line_id}/cancel: a line's open units (all when `quantity` is absent) before a wave takes
   * the order; the last open units cancel the order. Once a wave has it FAILED_PRECONDITION ORDER_IN_FULFILMENT (cancel
   * the order, or short the line); a quantity out of range INVALID_ARGUMENT UNPROCESSABLE. Roles as REST's (admin, manager).
   */
  cancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  cancelOrderLine(argument: _paklog_integration_v1_CancelOrderLineRequest, callback: grpc.requestCallback<_paklog_integration_v1_Order__Output>): grpc.ClientUnaryCall;
  
  /**
   * DELETE /inventory/safety-stock/{site_id}/{sku}: as SetSafetyStock with quantity 0.
   */
  ClearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  ClearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  ClearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  ClearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  /**
   * DELETE /inventory/safety-stock/{site_id}/{sku}: as SetSafetyStock with quantity 0.
   */
  clearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  clearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  clearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  clearSafetyStock(argument: _paklog_integration_v1_ClearSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  
  CountExceptions(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountExceptions(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountExceptions(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountExceptions(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countExceptions(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countExceptions(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countExceptions(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countExceptions(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  
  /**
   * The dashboard's exact figures of a site, one per status (0 when none), as REST answers them with the same roles
   * and site checks: GET /orders/counts (an owner-scoped key counts its own orders), /waves/counts, /tasks/counts and
   * /exceptions/counts. An unknown site is INVALID_ARGUMENT UNKNOWN_SITE; a caller of other sites only
   * PERMISSION_DENIED FORBIDDEN_AT_SITE.
   */
  CountOrders(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountOrders(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountOrders(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountOrders(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  /**
   * The dashboard's exact figures of a site, one per status (0 when none), as REST answers them with the same roles
   * and site checks: GET /orders/counts (an owner-scoped key counts its own orders), /waves/counts, /tasks/counts and
   * /exceptions/counts. An unknown site is INVALID_ARGUMENT UNKNOWN_SITE; a caller of other sites only
   * PERMISSION_DENIED FORBIDDEN_AT_SITE.
   */
  countOrders(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countOrders(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countOrders(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countOrders(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  
  CountTasks(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountTasks(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountTasks(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountTasks(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countTasks(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countTasks(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countTasks(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countTasks(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  
  CountWaves(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountWaves(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountWaves(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  CountWaves(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countWaves(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countWaves(argument: _paklog_integration_v1_CountsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countWaves(argument: _paklog_integration_v1_CountsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  countWaves(argument: _paklog_integration_v1_CountsRequest, callback: grpc.requestCallback<_paklog_integration_v1_StatusCounts__Output>): grpc.ClientUnaryCall;
  
  /**
   * POST /orders: idempotent on external_id (and on the idempotency-key metadata); `created` is false when the same
   * order already existed (REST 200), true when it was received now (REST 201).
   */
  CreateOrder(argument: _paklog_integration_v1_CreateOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  CreateOrder(argument: _paklog_integration_v1_CreateOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  CreateOrder(argument: _paklog_integration_v1_CreateOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  CreateOrder(argument: _paklog_integration_v1_CreateOrderRequest, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  /**
   * POST /orders: idempotent on external_id (and on the idempotency-key metadata); `created` is false when the same
   * order already existed (REST 200), true when it was received now (REST 201).
   */
  createOrder(argument: _paklog_integration_v1_CreateOrderRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  createOrder(argument: _paklog_integration_v1_CreateOrderRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  createOrder(argument: _paklog_integration_v1_CreateOrderRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  createOrder(argument: _paklog_integration_v1_CreateOrderRequest, callback: grpc.requestCallback<_paklog_integration_v1_CreateOrderResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GET /inventory/atp: available to promise per SKU at a site.
   */
  GetAtp(argument: _paklog_integration_v1_GetAtpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  GetAtp(argument: _paklog_integration_v1_GetAtpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  GetAtp(argument: _paklog_integration_v1_GetAtpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  GetAtp(argument: _paklog_integration_v1_GetAtpRequest, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GET /inventory/atp: available to promise per SKU at a site.
   */
  getAtp(argument: _paklog_integration_v1_GetAtpRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  getAtp(argument: _paklog_integration_v1_GetAtpRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  getAtp(argument: _paklog_integration_v1_GetAtpRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  getAtp(argument: _paklog_integration_v1_GetAtpRequest, callback: grpc.requestCallback<_paklog_integration_v1_GetAtpResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * GET /inventory/safety-stock/{site_id}/{sku}: quantity 0 (no updated_at) when none was set. Any role.
   */
  GetSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  GetSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  GetSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  GetSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  /**
   * GET /inventory/safety-stock/{site_id}/{sku}: quantity 0 (no updated_at) when none was set. Any role.
   */
  getSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  getSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  getSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  getSafetyStock(argument: _paklog_integration_v1_GetSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  
  /**
   * GET /inventory/safety-stock: the safety stocks set at a site (above 0 only), by SKU then owner, filtered by `owner`
   * and `sku` as REST's; paged by `limit` and `cursor` (pass a page's `next_cursor` for the next; unset: the last page).
   * Any role; a caller of other sites only PERMISSION_DENIED FORBIDDEN_AT_SITE; an unknown site, SKU or owner
   * INVALID_ARGUMENT UNKNOWN_SITE / UNKNOWN_SKU / UNKNOWN_OWNER; a bad limit or cursor INVALID_ARGUMENT VALIDATION_FAILED.
   */
  ListSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  ListSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  ListSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  ListSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  /**
   * GET /inventory/safety-stock: the safety stocks set at a site (above 0 only), by SKU then owner, filtered by `owner`
   * and `sku` as REST's; paged by `limit` and `cursor` (pass a page's `next_cursor` for the next; unset: the last page).
   * Any role; a caller of other sites only PERMISSION_DENIED FORBIDDEN_AT_SITE; an unknown site, SKU or owner
   * INVALID_ARGUMENT UNKNOWN_SITE / UNKNOWN_SKU / UNKNOWN_OWNER; a bad limit or cursor INVALID_ARGUMENT VALIDATION_FAILED.
   */
  listSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  listSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  listSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  listSafetyStocks(argument: _paklog_integration_v1_ListSafetyStocksRequest, callback: grpc.requestCallback<_paklog_integration_v1_ListSafetyStocksResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Safety stock (ADR 0057): units of a SKU at a site that allocation never promises to orders; ATP is net of it.
   * PUT /inventory/safety-stock/{site_id}/{sku}: set or change it (0 clears it); the same figure again changes nothing.
   * Roles as REST's (admin, manager; a manager of some sites at those, else PERMISSION_DENIED FORBIDDEN_AT_SITE). A
   * negative or too large quantity is INVALID_ARGUMENT VALIDATION_FAILED, an unknown SKU, site or owner
   * INVALID_ARGUMENT UNKNOWN_SKU / UNKNOWN_SITE / UNKNOWN_OWNER; a refusal changes nothing.
   */
  SetSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  SetSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  SetSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  SetSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  /**
   * Safety stock (ADR 0057): units of a SKU at a site that allocation never promises to orders; ATP is net of it.
   * PUT /inventory/safety-stock/{site_id}/{sku}: set or change it (0 clears it); the same figure again changes nothing.
   * Roles as REST's (admin, manager; a manager of some sites at those, else PERMISSION_DENIED FORBIDDEN_AT_SITE). A
   * negative or too large quantity is INVALID_ARGUMENT VALIDATION_FAILED, an unknown SKU, site or owner
   * INVALID_ARGUMENT UNKNOWN_SKU / UNKNOWN_SITE / UNKNOWN_OWNER; a refusal changes nothing.
   */
  setSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  setSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  setSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  setSafetyStock(argument: _paklog_integration_v1_SetSafetyStockRequest, callback: grpc.requestCallback<_paklog_integration_v1_SafetyStock__Output>): grpc.ClientUnaryCall;
  
}

export interface IntegrationHandlers extends grpc.UntypedServiceImplementation {
  /**
   * POST /orders/{order_id}/cancel: at any moment before the order ships (the floor withdraws open picks, returns picked
   * units to stock, voids packages and labels); a cancelled order answers as it is again (one cancellation). Once
   * dispatched FAILED_PRECONDITION ORDER_SHIPPED; the `if-match` metadata is REST's If-Match (a version not the order's:
   * FAILED_PRECONDITION VERSION_MISMATCH); `idempotency-key` as REST's. Roles as REST's (admin, manager).
   */
  CancelOrder: grpc.handleUnaryCall<_paklog_integration_v1_CancelOrderRequest__Output, _paklog_integration_v1_Order>;
  
  /**
   * POST /orders/{order_id}/lines/{line_id}/cancel: a line's open units (all when `quantity` is absent) before a wave takes
   * the order; the last open units cancel the order. Once a wave has it FAILED_PRECONDITION ORDER_IN_FULFILMENT (cancel
   * the order, or short the line); a quantity out of range INVALID_ARGUMENT UNPROCESSABLE. Roles as REST's (admin, manager).
   */
  CancelOrderLine: grpc.handleUnaryCall<_paklog_integration_v1_CancelOrderLineRequest__Output, _paklog_integration_v1_Order>;
  
  /**
   * DELETE /inventory/safety-stock/{site_id}/{sku}: as SetSafetyStock with quantity 0.
   */
  ClearSafetyStock: grpc.handleUnaryCall<_paklog_integration_v1_ClearSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock>;
  
  CountExceptions: grpc.handleUnaryCall<_paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts>;
  
  /**
   * The dashboard's exact figures of a site, one per status (0 when none), as REST answers them with the same roles
   * and site checks: GET /orders/counts (an owner-scoped key counts its own orders), /waves/counts, /tasks/counts and
   * /exceptions/counts. An unknown site is INVALID_ARGUMENT UNKNOWN_SITE; a caller of other sites only
   * PERMISSION_DENIED FORBIDDEN_AT_SITE.
   */
  CountOrders: grpc.handleUnaryCall<_paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts>;
  
  CountTasks: grpc.handleUnaryCall<_paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts>;
  
  CountWaves: grpc.handleUnaryCall<_paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts>;
  
  /**
   * POST /orders: idempotent on external_id (and on the idempotency-key metadata); `created` is false when the same
   * order already existed (REST 200), true when it was received now (REST 201).
   */
  CreateOrder: grpc.handleUnaryCall<_paklog_integration_v1_CreateOrderRequest__Output, _paklog_integration_v1_CreateOrderResponse>;
  
  /**
   * GET /inventory/atp: available to promise per SKU at a site.
   */
  GetAtp: grpc.handleUnaryCall<_paklog_integration_v1_GetAtpRequest__Output, _paklog_integration_v1_GetAtpResponse>;
  
  /**
   * GET /inventory/safety-stock/{site_id}/{sku}: quantity 0 (no updated_at) when none was set. Any role.
   */
  GetSafetyStock: grpc.handleUnaryCall<_paklog_integration_v1_GetSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock>;
  
  /**
   * GET /inventory/safety-stock: the safety stocks set at a site (above 0 only), by SKU then owner, filtered by `owner`
   * and `sku` as REST's; paged by `limit` and `cursor` (pass a page's `next_cursor` for the next; unset: the last page).
   * Any role; a caller of other sites only PERMISSION_DENIED FORBIDDEN_AT_SITE; an unknown site, SKU or owner
   * INVALID_ARGUMENT UNKNOWN_SITE / UNKNOWN_SKU / UNKNOWN_OWNER; a bad limit or cursor INVALID_ARGUMENT VALIDATION_FAILED.
   */
  ListSafetyStocks: grpc.handleUnaryCall<_paklog_integration_v1_ListSafetyStocksRequest__Output, _paklog_integration_v1_ListSafetyStocksResponse>;
  
  /**
   * Safety stock (ADR 0057): units of a SKU at a site that allocation never promises to orders; ATP is net of it.
   * PUT /inventory/safety-stock/{site_id}/{sku}: set or change it (0 clears it); the same figure again changes nothing.
   * Roles as REST's (admin, manager; a manager of some sites at those, else PERMISSION_DENIED FORBIDDEN_AT_SITE). A
   * negative or too large quantity is INVALID_ARGUMENT VALIDATION_FAILED, an unknown SKU, site or owner
   * INVALID_ARGUMENT UNKNOWN_SKU / UNKNOWN_SITE / UNKNOWN_OWNER; a refusal changes nothing.
   */
  SetSafetyStock: grpc.handleUnaryCall<_paklog_integration_v1_SetSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock>;
  
}

export interface IntegrationDefinition extends grpc.ServiceDefinition {
  CancelOrder: MethodDefinition<_paklog_integration_v1_CancelOrderRequest, _paklog_integration_v1_Order, _paklog_integration_v1_CancelOrderRequest__Output, _paklog_integration_v1_Order__Output>
  CancelOrderLine: MethodDefinition<_paklog_integration_v1_CancelOrderLineRequest, _paklog_integration_v1_Order, _paklog_integration_v1_CancelOrderLineRequest__Output, _paklog_integration_v1_Order__Output>
  ClearSafetyStock: MethodDefinition<_paklog_integration_v1_ClearSafetyStockRequest, _paklog_integration_v1_SafetyStock, _paklog_integration_v1_ClearSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock__Output>
  CountExceptions: MethodDefinition<_paklog_integration_v1_CountsRequest, _paklog_integration_v1_StatusCounts, _paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts__Output>
  CountOrders: MethodDefinition<_paklog_integration_v1_CountsRequest, _paklog_integration_v1_StatusCounts, _paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts__Output>
  CountTasks: MethodDefinition<_paklog_integration_v1_CountsRequest, _paklog_integration_v1_StatusCounts, _paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts__Output>
  CountWaves: MethodDefinition<_paklog_integration_v1_CountsRequest, _paklog_integration_v1_StatusCounts, _paklog_integration_v1_CountsRequest__Output, _paklog_integration_v1_StatusCounts__Output>
  CreateOrder: MethodDefinition<_paklog_integration_v1_CreateOrderRequest, _paklog_integration_v1_CreateOrderResponse, _paklog_integration_v1_CreateOrderRequest__Output, _paklog_integration_v1_CreateOrderResponse__Output>
  GetAtp: MethodDefinition<_paklog_integration_v1_GetAtpRequest, _paklog_integration_v1_GetAtpResponse, _paklog_integration_v1_GetAtpRequest__Output, _paklog_integration_v1_GetAtpResponse__Output>
  GetSafetyStock: MethodDefinition<_paklog_integration_v1_GetSafetyStockRequest, _paklog_integration_v1_SafetyStock, _paklog_integration_v1_GetSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock__Output>
  ListSafetyStocks: MethodDefinition<_paklog_integration_v1_ListSafetyStocksRequest, _paklog_integration_v1_ListSafetyStocksResponse, _paklog_integration_v1_ListSafetyStocksRequest__Output, _paklog_integration_v1_ListSafetyStocksResponse__Output>
  SetSafetyStock: MethodDefinition<_paklog_integration_v1_SetSafetyStockRequest, _paklog_integration_v1_SafetyStock, _paklog_integration_v1_SetSafetyStockRequest__Output, _paklog_integration_v1_SafetyStock__Output>
}
