// Original file: paklog/integration/v1/integration.proto


export interface OrderLine {
  'id'?: (string);
  'lineNo'?: (number);
  'sku'?: (string);
  'ordered'?: (number);
  /**
   * Units of the line promised to the order by SKU-level allocation and still held for it; 0 once a cancel (of the order or of a line) released them.
   */
  'allocated'?: (number);
  'picked'?: (number);
  'shorted'?: (number);
  'packed'?: (number);
  'shipped'?: (number);
  'cancelled'?: (number);
  /**
   * Units picked but found missing or damaged at the pack station (REST's POST /pack-station/shorts): never packed
   * nor shipped. A finished line adds up: ordered = shipped + cancelled + shorted + short_at_pack.
   */
  'shortAtPack'?: (number);
}

export interface OrderLine__Output {
  'id': (string);
  'lineNo': (number);
  'sku': (string);
  'ordered': (number);
  /**
   * Units of the line promised to the order by SKU-level allocation and still held for it; 0 once a cancel (of the order or of a line) released them.
   */
  'allocated': (number);
  'picked': (number);
  'shorted': (number);
  'packed': (number);
  'shipped': (number);
  'cancelled': (number);
  /**
   * Units picked but found missing or damaged at the pack station (REST's POST /pack-station/shorts): never packed
   * nor shipped. A finished line adds up: ordered = shipped + cancelled + shorted + short_at_pack.
   */
  'shortAtPack': (number);
}
