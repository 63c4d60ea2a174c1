// Original file: paklog/integration/v1/integration.proto

import type { AtpItem as _paklog_integration_v1_AtpItem, AtpItem__Output as _paklog_integration_v1_AtpItem__Output } from '../../../paklog/integration/v1/AtpItem.ts';

export interface GetAtpResponse {
  'items'?: (_paklog_integration_v1_AtpItem)[];
}

export interface GetAtpResponse__Output {
  'items': (_paklog_integration_v1_AtpItem__Output)[];
}
