// Original file: paklog/integration/v1/integration.proto

import type { ShipTo as _paklog_integration_v1_ShipTo, ShipTo__Output as _paklog_integration_v1_ShipTo__Output } from '../../../paklog/integration/v1/ShipTo.ts';
import type { OrderLine as _paklog_integration_v1_OrderLine, OrderLine__Output as _paklog_integration_v1_OrderLine__Output } from '../../../paklog/integration/v1/OrderLine.ts';
import type { StatusChange as _paklog_integration_v1_StatusChange, StatusChange__Output as _paklog_integration_v1_StatusChange__Output } from '../../../paklog/integration/v1/StatusChange.ts';
import type { OrderHold as _paklog_integration_v1_OrderHold, OrderHold__Output as _paklog_integration_v1_OrderHold__Output } from '../../../paklog/integration/v1/OrderHold.ts';

/**
 * An order (GET /orders/{id}).
 */
export interface Order {
  'id'?: (string);
  'externalId'?: (string);
  'siteId'?: (string);
  'carrier'?: (string);
  'priority'?: (number);
  'shipBy'?: (string);
  'shipTo'?: (_paklog_integration_v1_ShipTo | null);
  'status'?: (string);
  'waveId'?: (string);
  'cancelReason'?: (string);
  'version'?: (number);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'lines'?: (_paklog_integration_v1_OrderLine)[];
  'statusHistory'?: (_paklog_integration_v1_StatusChange)[];
  /**
   * The owner (3PL client) the order is fulfilled for (ADR 0028).
   */
  'ownerId'?: (string);
  /**
   * The short-pick policy it was received with (ADR 0024).
   */
  'shipComplete'?: (boolean);
  /**
   * SHORT_PICK while a ship_complete order waits for stock after a short pick; unset otherwise.
   */
  'backorderReason'?: (string);
  /**
   * While ON_HOLD (ADR 0052): the hold; unset otherwise.
   */
  'hold'?: (_paklog_integration_v1_OrderHold | null);
  '_shipBy'?: "shipBy";
  '_waveId'?: "waveId";
  '_cancelReason'?: "cancelReason";
  '_backorderReason'?: "backorderReason";
  '_hold'?: "hold";
}

/**
 * An order (GET /orders/{id}).
 */
export interface Order__Output {
  'id': (string);
  'externalId': (string);
  'siteId': (string);
  'carrier': (string);
  'priority': (number);
  'shipBy'?: (string);
  'shipTo': (_paklog_integration_v1_ShipTo__Output | null);
  'status': (string);
  'waveId'?: (string);
  'cancelReason'?: (string);
  'version': (number);
  'createdAt': (string);
  'updatedAt': (string);
  'lines': (_paklog_integration_v1_OrderLine__Output)[];
  'statusHistory': (_paklog_integration_v1_StatusChange__Output)[];
  /**
   * The owner (3PL client) the order is fulfilled for (ADR 0028).
   */
  'ownerId': (string);
  /**
   * The short-pick policy it was received with (ADR 0024).
   */
  'shipComplete': (boolean);
  /**
   * SHORT_PICK while a ship_complete order waits for stock after a short pick; unset otherwise.
   */
  'backorderReason'?: (string);
  /**
   * While ON_HOLD (ADR 0052): the hold; unset otherwise.
   */
  'hold'?: (_paklog_integration_v1_OrderHold__Output | null);
  '_shipBy'?: "shipBy";
  '_waveId'?: "waveId";
  '_cancelReason'?: "cancelReason";
  '_backorderReason'?: "backorderReason";
  '_hold'?: "hold";
}
