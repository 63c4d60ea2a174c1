// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface DropStopResponse {
}

export interface DropStopResponse__Output {
}
