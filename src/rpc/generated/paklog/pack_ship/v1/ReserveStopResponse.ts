// Original file: paklog/pack_ship/v1/pack_ship.proto

import type { StopReserved as _paklog_pack_ship_v1_StopReserved, StopReserved__Output as _paklog_pack_ship_v1_StopReserved__Output } from '../../../paklog/pack_ship/v1/StopReserved.ts';
import type { Stopped as _paklog_pack_ship_v1_Stopped, Stopped__Output as _paklog_pack_ship_v1_Stopped__Output } from '../../../paklog/pack_ship/v1/Stopped.ts';
import type { AlreadyDispatched as _paklog_pack_ship_v1_AlreadyDispatched, AlreadyDispatched__Output as _paklog_pack_ship_v1_AlreadyDispatched__Output } from '../../../paklog/pack_ship/v1/AlreadyDispatched.ts';
import type { ShippingAtDock as _paklog_pack_ship_v1_ShippingAtDock, ShippingAtDock__Output as _paklog_pack_ship_v1_ShippingAtDock__Output } from '../../../paklog/pack_ship/v1/ShippingAtDock.ts';

export interface ReserveStopResponse {
  'reserved'?: (_paklog_pack_ship_v1_StopReserved | null);
  'stopped'?: (_paklog_pack_ship_v1_Stopped | null);
  'alreadyDispatched'?: (_paklog_pack_ship_v1_AlreadyDispatched | null);
  'shippingAtDock'?: (_paklog_pack_ship_v1_ShippingAtDock | null);
  'result'?: "reserved"|"stopped"|"alreadyDispatched"|"shippingAtDock";
}

export interface ReserveStopResponse__Output {
  'reserved'?: (_paklog_pack_ship_v1_StopReserved__Output | null);
  'stopped'?: (_paklog_pack_ship_v1_Stopped__Output | null);
  'alreadyDispatched'?: (_paklog_pack_ship_v1_AlreadyDispatched__Output | null);
  'shippingAtDock'?: (_paklog_pack_ship_v1_ShippingAtDock__Output | null);
  'result'?: "reserved"|"stopped"|"alreadyDispatched"|"shippingAtDock";
}
