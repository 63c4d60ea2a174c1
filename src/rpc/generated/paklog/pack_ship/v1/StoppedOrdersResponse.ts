// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface StoppedOrdersResponse {
  'orderIds'?: (string)[];
}

export interface StoppedOrdersResponse__Output {
  'orderIds': (string)[];
}
