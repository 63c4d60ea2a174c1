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
  /**
   * The owner (3PL client, `own_…`) the order is fulfilled for (ADR 0028). Unset: the default owner, or the owner of
   * an owner-scoped key. An unknown owner is INVALID_ARGUMENT UNKNOWN_OWNER; an owner-scoped key naming another owner
   * PERMISSION_DENIED OWNER_NOT_ALLOWED (REST's 422 and 403).
   */
  'ownerId'?: (string);
  /**
   * Short-pick policy (ADR 0024): true never ships partial, it waits for stock (BACKORDERED, reason SHORT_PICK);
   * unset or false ships what was picked.
   */
  'shipComplete'?: (boolean);
  '_carrier'?: "carrier";
  '_priority'?: "priority";
  '_shipBy'?: "shipBy";
  '_ownerId'?: "ownerId";
  '_shipComplete'?: "shipComplete";
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
  /**
   * The owner (3PL client, `own_…`) the order is fulfilled for (ADR 0028). Unset: the default owner, or the owner of
   * an owner-scoped key. An unknown owner is INVALID_ARGUMENT UNKNOWN_OWNER; an owner-scoped key naming another owner
   * PERMISSION_DENIED OWNER_NOT_ALLOWED (REST's 422 and 403).
   */
  'ownerId'?: (string);
  /**
   * Short-pick policy (ADR 0024): true never ships partial, it waits for stock (BACKORDERED, reason SHORT_PICK);
   * unset or false ships what was picked.
   */
  'shipComplete'?: (boolean);
  '_carrier'?: "carrier";
  '_priority'?: "priority";
  '_shipBy'?: "shipBy";
  '_ownerId'?: "ownerId";
  '_shipComplete'?: "shipComplete";
}
