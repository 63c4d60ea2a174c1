// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface BookableCarriersRequest {
}

export interface BookableCarriersRequest__Output {
}
