// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface PackageSscc {
  'packageId'?: (string);
  'sscc'?: (string);
}

export interface PackageSscc__Output {
  'packageId': (string);
  'sscc': (string);
}
