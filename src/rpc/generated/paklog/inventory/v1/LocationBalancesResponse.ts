// Original file: paklog/inventory/v1/inventory.proto

import type { LocationBalance as _paklog_inventory_v1_LocationBalance, LocationBalance__Output as _paklog_inventory_v1_LocationBalance__Output } from '../../../paklog/inventory/v1/LocationBalance.ts';

export interface LocationBalancesResponse {
  'balances'?: (_paklog_inventory_v1_LocationBalance)[];
}

export interface LocationBalancesResponse__Output {
  'balances': (_paklog_inventory_v1_LocationBalance__Output)[];
}
