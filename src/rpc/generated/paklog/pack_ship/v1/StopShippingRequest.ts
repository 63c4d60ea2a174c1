// Original file: paklog/pack_ship/v1/pack_ship.proto

import type { EventMeta as _paklog_common_v1_EventMeta, EventMeta__Output as _paklog_common_v1_EventMeta__Output } from '../../../paklog/common/v1/EventMeta.ts';

export interface StopShippingRequest {
  'orderId'?: (string);
  'siteId'?: (string);
  /**
   * Absent when no reason was given (null in the contract).
   */
  'reason'?: (string);
  'meta'?: (_paklog_common_v1_EventMeta | null);
  /**
   * The cancel's announcement (shipping-stopped) is owed until AnnounceStop: orders' cancel stops the order's picking
   * in between. False (absent): announced at once.
   */
  'deferAnnounce'?: (boolean);
  '_reason'?: "reason";
}

export interface StopShippingRequest__Output {
  'orderId': (string);
  'siteId': (string);
  /**
   * Absent when no reason was given (null in the contract).
   */
  'reason'?: (string);
  'meta': (_paklog_common_v1_EventMeta__Output | null);
  /**
   * The cancel's announcement (shipping-stopped) is owed until AnnounceStop: orders' cancel stops the order's picking
   * in between. False (absent): announced at once.
   */
  'deferAnnounce': (boolean);
  '_reason'?: "reason";
}
