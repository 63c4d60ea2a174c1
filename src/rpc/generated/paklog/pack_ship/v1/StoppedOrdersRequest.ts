// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface StoppedOrdersRequest {
  'orderIds'?: (string)[];
}

export interface StoppedOrdersRequest__Output {
  'orderIds': (string)[];
}
