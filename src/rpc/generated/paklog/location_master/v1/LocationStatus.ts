// Original file: paklog/location_master/v1/location_master.proto

/**
 * LocationStatus in the contract.
 */
export const LocationStatus = {
  LOCATION_STATUS_UNSPECIFIED: 'LOCATION_STATUS_UNSPECIFIED',
  LOCATION_STATUS_ACTIVE: 'LOCATION_STATUS_ACTIVE',
  LOCATION_STATUS_BLOCKED: 'LOCATION_STATUS_BLOCKED',
  LOCATION_STATUS_INACTIVE: 'LOCATION_STATUS_INACTIVE',
} as const;

/**
 * LocationStatus in the contract.
 */
export type LocationStatus =
  | 'LOCATION_STATUS_UNSPECIFIED'
  | 0
  | 'LOCATION_STATUS_ACTIVE'
  | 1
  | 'LOCATION_STATUS_BLOCKED'
  | 2
  | 'LOCATION_STATUS_INACTIVE'
  | 3

/**
 * LocationStatus in the contract.
 */
export type LocationStatus__Output = typeof LocationStatus[keyof typeof LocationStatus]
