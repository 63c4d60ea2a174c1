// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface BookableCarriersResponse {
  'carriers'?: (string)[];
}

export interface BookableCarriersResponse__Output {
  'carriers': (string)[];
}
