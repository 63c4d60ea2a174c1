// Original file: paklog/pack_ship/v1/pack_ship.proto


export interface ClaimDockShipRequest {
  'claimId'?: (string);
  'siteId'?: (string);
  'orderIds'?: (string)[];
}

export interface ClaimDockShipRequest__Output {
  'claimId': (string);
  'siteId': (string);
  'orderIds': (string)[];
}
