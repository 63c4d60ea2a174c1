// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface SettleDockShipRequest {
  'claimId'?: (string);
  'shipped'?: (boolean);
}

export interface SettleDockShipRequest__Output {
  'claimId': (string);
  'shipped': (boolean);
}
