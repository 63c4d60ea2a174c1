import { uuidv7 } from 'uuidv7';

/** Typed id prefixes: an id says what it names (`ord_…`, `wav_…`). */
export const ID_PREFIXES = [
  'prd', 'sit', 'loc', 'ord', 'oln', 'wav', 'tsk', 'pkl', 'pln', 'lpn', 'pkg', 'shp',
  'mov', 'alc', 'rsv', 'evt', 'key', 'dlq', 'rcp', 'adj', 'usr', 'rft', 'sga', 'exc', 'rtn', 'cnt',
  // Inbound: advance shipping notices and putaway requests.
  'asn', 'put',
  // Replenishments and customer returns (RMAs) of inventory (issue 11).
  'rpl', 'rma',
  // Quality (issue 13): inspection plans, inspections, non-conformance records.
  'qpl', 'qin', 'qnc',
  // End-of-day carrier manifests of pack & ship (issue 13).
  'mnf',
  // Scans recorded by physical tracking (issue 12).
  'scn',
  // Alerts of location tracking (issue 12).
  'alr',
  // Webhook subscriptions and deliveries, storefront channels (integrations, ADR 0034).
  'whs', 'whd', 'sfc', 'edp', 'edi',
  // Messages to an ERP or TMS and files from a file-drop ERP (integrations, ADR 0039).
  'pms', 'erf',
  // Owners: the 3PL clients stock and orders belong to (ADR 0028).
  'own',
  // Order line changes waves holds an order for (ADR 0046).
  'chg',
  // Order holds waves keeps an order out of planning for (ADR 0052).
  'hld',
  // A pick face's wait for a replenishment source (inventory, docs/operations/replenishment.md).
  'rpw',
  // A SHIP scan's claim at pack & ship on the orders it would ship (ADR 0011, addendum 2026-12-06 bis).
  'dsc',
  // A cancel's pending stop at pack & ship, between its two phases (ADR 0011, addendum 2026-12-07 quater).
  'stp',
  // A life of a serial-controlled unit in inventory's serial registry (ADR 0058).
  'ser',
] as const;
export type IdPrefix = (typeof ID_PREFIXES)[number];

/** Makes ids; injectable so tests and the simulator control them. */
export interface IdGenerator {
  next<P extends IdPrefix>(prefix: P): `${P}_${string}`;
}

/** Time-ordered ids: the prefix, then a UUIDv7 in 32 lowercase hex digits, so ids sort by creation time. */
export const uuidv7Ids: IdGenerator = {
  next(prefix) {
    return `${prefix}_${uuidv7().replaceAll('-', '')}`;
  },
};

/** Deterministic ids for tests: `ord_000001`, `ord_000002`, … per prefix. */
export function sequentialIds(): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}_${String(n).padStart(6, '0')}`;
    },
  };
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`);
}
