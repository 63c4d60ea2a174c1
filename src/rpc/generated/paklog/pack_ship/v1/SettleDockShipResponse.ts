// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface SettleDockShipResponse {
}

export interface SettleDockShipResponse__Output {
}
