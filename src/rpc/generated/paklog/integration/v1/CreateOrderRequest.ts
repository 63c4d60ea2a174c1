// Original file: paklog/integration/v1/integration.proto

import type { ShipTo as _paklog_integration_v1_ShipTo, ShipTo__Output as _paklog_integration_v1_ShipTo__Output } from '../../../paklog/integration/v1/ShipTo.ts';
import type { OrderLineRequest as _paklog_integration_v1_OrderLineRequest, OrderLineRequest__Output as _paklog_integration_v1_OrderLineRequest__Output } from '../../../paklog/integration/v1/OrderLineRequest.ts';

export interface CreateOrderRequest {
  'externalId'?: (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId'?: (string);
  /**
   * Default OWN_FLEET.
   */
  'carrier'?: (string);
  /**
   * 1 (most urgent) to 9; default as REST.
   */
  'priority'?: (number);
  /**
   * ISO-8601 time.
   */
  'shipBy'?: (string);
  'shipTo'?: (_paklog_integration_v1_ShipTo | null);
  'lines'?: (_paklog_integration_v1_OrderLineRequest)[];
  '_carrier'?: "carrier";
  '_priority'?: "priority";
  '_shipBy'?: "shipBy";
}

export interface CreateOrderRequest__Output {
  'externalId': (string);
  /**
   * Site id or code (e.g. DEMO).
   */
  'siteId': (string);
  /**
   * Default OWN_FLEET.
   */
  'carrier'?: (string);
  /**
   * 1 (most urgent) to 9; default as REST.
   */
  'priority'?: (number);
  /**
   * ISO-8601 time.
   */
  'shipBy'?: (string);
  'shipTo': (_paklog_integration_v1_ShipTo__Output | null);
  'lines': (_paklog_integration_v1_OrderLineRequest__Output)[];
  '_carrier'?: "carrier";
  '_priority'?: "priority";
  '_shipBy'?: "shipBy";
}
