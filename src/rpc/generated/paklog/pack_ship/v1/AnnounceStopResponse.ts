// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface AnnounceStopResponse {
}

export interface AnnounceStopResponse__Output {
}
