// Original file: paklog/picking/v1/picking.proto


export interface StopPickingResponse {
}

export interface StopPickingResponse__Output {
}
