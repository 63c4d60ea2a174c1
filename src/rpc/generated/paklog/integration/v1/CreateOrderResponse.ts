// Original file: paklog/integration/v1/integration.proto

import type { Order as _paklog_integration_v1_Order, Order__Output as _paklog_integration_v1_Order__Output } from '../../../paklog/integration/v1/Order.ts';

export interface CreateOrderResponse {
  'order'?: (_paklog_integration_v1_Order | null);
  'created'?: (boolean);
}

export interface CreateOrderResponse__Output {
  'order': (_paklog_integration_v1_Order__Output | null);
  'created': (boolean);
}
