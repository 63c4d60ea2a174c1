// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface PackageSsccsRequest {
  'packageIds'?: (string)[];
}

export interface PackageSsccsRequest__Output {
  'packageIds': (string)[];
}
