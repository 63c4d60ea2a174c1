// Original file: paklog/waves/v1/waves.proto

import type { Held as _paklog_waves_v1_Held, Held__Output as _paklog_waves_v1_Held__Output } from '../../../paklog/waves/v1/Held.ts';
import type { AlreadyWaved as _paklog_waves_v1_AlreadyWaved, AlreadyWaved__Output as _paklog_waves_v1_AlreadyWaved__Output } from '../../../paklog/waves/v1/AlreadyWaved.ts';

export interface HoldForChangeResponse {
  'held'?: (_paklog_waves_v1_Held | null);
  'alreadyWaved'?: (_paklog_waves_v1_AlreadyWaved | null);
  'result'?: "held"|"alreadyWaved";
}

export interface HoldForChangeResponse__Output {
  'held'?: (_paklog_waves_v1_Held__Output | null);
  'alreadyWaved'?: (_paklog_waves_v1_AlreadyWaved__Output | null);
  'result'?: "held"|"alreadyWaved";
}
