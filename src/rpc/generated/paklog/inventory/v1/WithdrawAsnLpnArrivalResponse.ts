// Original file: paklog/inventory/v1/inventory.proto


export interface WithdrawAsnLpnArrivalResponse {
}

export interface WithdrawAsnLpnArrivalResponse__Output {
}
