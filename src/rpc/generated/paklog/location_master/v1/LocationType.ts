// Original file: paklog/location_master/v1/location_master.proto

/**
 * LocationType in the contract, prefixed as protobuf enums are.
 */
export const LocationType = {
  LOCATION_TYPE_UNSPECIFIED: 'LOCATION_TYPE_UNSPECIFIED',
  LOCATION_TYPE_RECEIVING: 'LOCATION_TYPE_RECEIVING',
  LOCATION_TYPE_STORAGE: 'LOCATION_TYPE_STORAGE',
  LOCATION_TYPE_PICK_FACE: 'LOCATION_TYPE_PICK_FACE',
  LOCATION_TYPE_RESERVE: 'LOCATION_TYPE_RESERVE',
  LOCATION_TYPE_STAGING: 'LOCATION_TYPE_STAGING',
  LOCATION_TYPE_PACK_STATION: 'LOCATION_TYPE_PACK_STATION',
  LOCATION_TYPE_SHIPPING_DOCK: 'LOCATION_TYPE_SHIPPING_DOCK',
  LOCATION_TYPE_QUARANTINE: 'LOCATION_TYPE_QUARANTINE',
  LOCATION_TYPE_DEPOT: 'LOCATION_TYPE_DEPOT',
} as const;

/**
 * LocationType in the contract, prefixed as protobuf enums are.
 */
export type LocationType =
  | 'LOCATION_TYPE_UNSPECIFIED'
  | 0
  | 'LOCATION_TYPE_RECEIVING'
  | 1
  | 'LOCATION_TYPE_STORAGE'
  | 2
  | 'LOCATION_TYPE_PICK_FACE'
  | 3
  | 'LOCATION_TYPE_RESERVE'
  | 4
  | 'LOCATION_TYPE_STAGING'
  | 5
  | 'LOCATION_TYPE_PACK_STATION'
  | 6
  | 'LOCATION_TYPE_SHIPPING_DOCK'
  | 7
  | 'LOCATION_TYPE_QUARANTINE'
  | 8
  | 'LOCATION_TYPE_DEPOT'
  | 9

/**
 * LocationType in the contract, prefixed as protobuf enums are.
 */
export type LocationType__Output = typeof LocationType[keyof typeof LocationType]
