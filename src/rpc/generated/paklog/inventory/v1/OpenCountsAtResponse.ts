// Original file: paklog/inventory/v1/inventory.proto

import type { OpenCountAt as _paklog_inventory_v1_OpenCountAt, OpenCountAt__Output as _paklog_inventory_v1_OpenCountAt__Output } from '../../../paklog/inventory/v1/OpenCountAt.ts';

export interface OpenCountsAtResponse {
  'counts'?: (_paklog_inventory_v1_OpenCountAt)[];
}

export interface OpenCountsAtResponse__Output {
  'counts': (_paklog_inventory_v1_OpenCountAt__Output)[];
}
