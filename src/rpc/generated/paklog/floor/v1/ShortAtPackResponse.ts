// Original file: paklog/floor/v1/floor.proto

import type { PackLine as _paklog_floor_v1_PackLine, PackLine__Output as _paklog_floor_v1_PackLine__Output } from '../../../paklog/floor/v1/PackLine.ts';

export interface ShortAtPackResponse {
  'orderId'?: (string);
  'lineId'?: (string);
  'sku'?: (string);
  'quantity'?: (number);
  'reason'?: (string);
  /**
   * Units of the line shorted at packing so far.
   */
  'shortAtPack'?: (number);
  /**
   * What is left to pack, per line.
   */
  'unitsLeftToPack'?: (_paklog_floor_v1_PackLine)[];
  /**
   * True when this short completed the order's packing: it can be booked now.
   */
  'orderPacked'?: (boolean);
  /**
   * True for a shipComplete order: the units are picked again and the order ships complete (not packed nor bookable
   * until they are picked); false: the order ships without them.
   */
  'pickedAgain'?: (boolean);
}

export interface ShortAtPackResponse__Output {
  'orderId': (string);
  'lineId': (string);
  'sku': (string);
  'quantity': (number);
  'reason': (string);
  /**
   * Units of the line shorted at packing so far.
   */
  'shortAtPack': (number);
  /**
   * What is left to pack, per line.
   */
  'unitsLeftToPack': (_paklog_floor_v1_PackLine__Output)[];
  /**
   * True when this short completed the order's packing: it can be booked now.
   */
  'orderPacked': (boolean);
  /**
   * True for a shipComplete order: the units are picked again and the order ships complete (not packed nor bookable
   * until they are picked); false: the order ships without them.
   */
  'pickedAgain': (boolean);
}
