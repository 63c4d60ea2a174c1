// Original file: paklog/floor/v1/floor.proto

import type { PickLine as _paklog_floor_v1_PickLine, PickLine__Output as _paklog_floor_v1_PickLine__Output } from '../../../paklog/floor/v1/PickLine.ts';

/**
 * A pick list with its lines in pick sequence (GET /pick-lists/{id}).
 */
export interface PickList {
  'id'?: (string);
  'siteId'?: (string);
  'waveId'?: (string);
  'orderIds'?: (string)[];
  'status'?: (string);
  'priority'?: (number);
  'routeLength'?: (number | string);
  'createdAt'?: (string);
  'updatedAt'?: (string);
  'completedAt'?: (string);
  'lines'?: (_paklog_floor_v1_PickLine)[];
  '_routeLength'?: "routeLength";
  '_completedAt'?: "completedAt";
}

/**
 * A pick list with its lines in pick sequence (GET /pick-lists/{id}).
 */
export interface PickList__Output {
  'id': (string);
  'siteId': (string);
  'waveId': (string);
  'orderIds': (string)[];
  'status': (string);
  'priority': (number);
  'routeLength'?: (number);
  'createdAt': (string);
  'updatedAt': (string);
  'completedAt'?: (string);
  'lines': (_paklog_floor_v1_PickLine__Output)[];
  '_routeLength'?: "routeLength";
  '_completedAt'?: "completedAt";
}
