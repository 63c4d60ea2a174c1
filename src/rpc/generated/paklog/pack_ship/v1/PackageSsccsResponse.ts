// Original file: paklog/pack_ship/v1/pack_ship.proto

import type { PackageSscc as _paklog_pack_ship_v1_PackageSscc, PackageSscc__Output as _paklog_pack_ship_v1_PackageSscc__Output } from '../../../paklog/pack_ship/v1/PackageSscc.ts';

export interface PackageSsccsResponse {
  'packages'?: (_paklog_pack_ship_v1_PackageSscc)[];
}

export interface PackageSsccsResponse__Output {
  'packages': (_paklog_pack_ship_v1_PackageSscc__Output)[];
}
