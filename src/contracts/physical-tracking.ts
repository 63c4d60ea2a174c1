/** physical-tracking: handling units (LPNs) on the floor, every scan that touched them, physical vs logical stock. */
import { Type, type Static } from 'typebox';
import type { ErrorSpecs } from '../platform/errors.ts';

export const LPN_TYPES = ['PALLET', 'CASE', 'TOTE', 'CARTON'] as const;
export type LpnType = (typeof LPN_TYPES)[number];
export const LPN_STATUSES = ['OPEN', 'CLOSED', 'STAGED', 'IN_TRANSIT', 'SHIPPED', 'CONSUMED', 'LOST'] as const;
export type LpnStatus = (typeof LPN_STATUSES)[number];
/** How an LPN is labelled: a GS1 SSCC-18 (check digit validated) or a PakLog internal code. */
export const LPN_CODE_KINDS = ['SSCC', 'INTERNAL'] as const;
export type LpnCodeKind = (typeof LPN_CODE_KINDS)[number];

/**
 * The GS1 mod-10 check digit of a string of data digits (any length; SSCC: 17): weights 3 and 1 alternating from the
 * rightmost data digit, the check digit brings the weighted sum to a multiple of ten (GS1 General Specifications §7.9.1).
 */
export function gs1CheckDigit(data: string): number {
  if (!/^\d+$/.test(data)) throw new Error(`gs1CheckDigit: ${JSON.stringify(data)} is not digits`);
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const digit = data.charCodeAt(data.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** An SSCC as printed or scanned: 18 digits, optionally behind its application identifier `00` / `(00)`; the 18 digits, or undefined. */
export function normaliseSscc(barcode: string): string | undefined {
  const s = barcode.replace(/\s+/g, '');
  const digits = s.startsWith('(00)') ? s.slice(4) : /^00\d{18}$/.test(s) ? s.slice(2) : s;
  return /^\d{18}$/.test(digits) ? digits : undefined;
}

/** Whether `code` is an SSCC-18 with a valid check digit (after normalising the AI). */
export function isValidSscc(code: string): boolean {
  const n = normaliseSscc(code);
  return n !== undefined && gs1CheckDigit(n.slice(0, 17)) === Number(n[17]);
}

/**
 * Whether a label can be an LPN's: anything but what reads as an SSCC (18 digits, optionally behind `00`/`(00)`) with a
 * wrong check digit, which physical tracking refuses (INVALID_SSCC). An ASN announces only labels an LPN can carry.
 */
export const isLpnLabel = (label: string): boolean => normaliseSscc(label) === undefined || isValidSscc(label);
/** What a scan meant: the step of the floor flow it recorded. */
export const SCAN_MEANINGS = [
  'RECEIVE_LPN', 'PUTAWAY_TARGET', 'PICK_INTO_TOTE', 'PACK_INTO_CARTON', 'LOAD_ONTO_PALLET', 'SHIP', 'MOVE',
  'BUILD', 'CONSOLIDATE', 'SPLIT', 'CLOSE', 'STAGE', 'LOST', 'FOUND', 'REOPEN',
] as const;
export type ScanMeaning = (typeof SCAN_MEANINGS)[number];

export const PhysicalTrackingEvents = {
  scanRecorded: 'physical-tracking.scan.recorded.v1',
  lpnLost: 'physical-tracking.lpn.lost.v1',
  lpnFound: 'physical-tracking.lpn.found.v1',
} as const;

const Optional = (description: string) => Type.Optional(Type.String({ description }));

/** The payload of every physical-tracking event, by type name; the description says when it is emitted. */
export const PhysicalTrackingEventSchemas = {
  [PhysicalTrackingEvents.scanRecorded]: Type.Object({
    scanId: Type.String(), siteId: Type.String(),
    at: Type.String({ description: 'When the scan happened (ISO-8601).' }),
    workerId: Optional('Who scanned, when known.'),
    deviceId: Optional('The handheld or fixed reader, when known.'),
    locationId: Optional('Where the scan happened (the location scanned or stood at), when known.'),
    lpnId: Optional('The LPN the scan was about, when it named one.'),
    barcode: Type.String({ description: 'What was scanned, as read.' }),
    meaning: Type.Enum(SCAN_MEANINGS),
  }, { description: 'A scan was recorded (`POST /scans`, an LPN command, or a floor event of another context: putaway, move, pick, pack, dispatch).' }),
  [PhysicalTrackingEvents.lpnLost]: Type.Object({
    lpnId: Type.String({ description: 'The LPN reported lost.' }), siteId: Type.String(),
    code: Type.String({ description: 'Its label.' }),
    at: Type.String({ description: 'When it was reported lost (ISO-8601).' }),
    reason: Type.String({ description: 'Why, as the supervisor wrote it.' }),
    locationId: Type.Union([Type.String(), Type.Null()], { description: 'Where it was last: the location its units are on the books at (null: it was carried).' }),
    lpns: Type.Array(Type.Object({
      lpnId: Type.String(), code: Type.String(),
      previousStatus: Type.Enum(LPN_STATUSES, { description: 'Its status before it was lost.' }),
    }), { description: 'Every LPN lost with it: itself first, then those inside it (they are lost together).' }),
    lines: Type.Array(Type.Object({
      lpnId: Type.String({ description: 'The LPN (of `lpns`) holding the units directly.' }),
      sku: Type.String(), lot: Type.Union([Type.String(), Type.Null()]),
      owner: Type.Union([Type.String(), Type.Null()], { description: 'The stock owner (3PL client) the line names, if any.' }),
      orderId: Type.Union([Type.String(), Type.Null()], { description: 'Units picked for this order (in process), if any.' }),
      quantity: Type.Integer({ minimum: 1 }),
    }), { description: 'The units the lost LPNs hold: what inventory puts on HOLD (reason LPN_LOST) at `locationId`.' }),
  }, { description: 'An LPN (with the LPNs inside it) was reported lost (`POST /lpns/{id}/lost`): nobody is sent to it, and inventory puts its units at `locationId` on HOLD.' }),
  [PhysicalTrackingEvents.lpnFound]: Type.Object({
    lpnId: Type.String({ description: 'The LPN found.' }), siteId: Type.String(), code: Type.String(),
    at: Type.String({ description: 'When it was found (ISO-8601).' }),
    locationId: Type.String({ description: 'Where it was found (a location id): its units belong there now.' }),
    lostAtLocationId: Type.Union([Type.String(), Type.Null()], { description: 'Where it was when it was lost (its units are on the books there until inventory moves them).' }),
    lpns: Type.Array(Type.Object({
      lpnId: Type.String(), code: Type.String(),
      status: Type.Enum(LPN_STATUSES, { description: 'Its status now (OPEN or CLOSED).' }),
    }), { description: 'Every LPN found with it: itself first, then the lost LPNs inside it.' }),
  }, { description: 'A LOST LPN was found (`POST /lpns/{id}/found`, or a MOVE / PUTAWAY_TARGET scan of it): inventory moves its held units to `locationId` and releases the LPN_LOST hold.' }),
} as const;

export type LpnLost = Static<(typeof PhysicalTrackingEventSchemas)[typeof PhysicalTrackingEvents.lpnLost]>;
export type LpnFound = Static<(typeof PhysicalTrackingEventSchemas)[typeof PhysicalTrackingEvents.lpnFound]>;
export type ScanRecorded = Static<(typeof PhysicalTrackingEventSchemas)[typeof PhysicalTrackingEvents.scanRecorded]>;

/** Coded errors of physical-tracking. */
export const PhysicalTrackingErrors = {
  INVALID_SSCC: { status: 422, title: 'The SSCC is not 18 digits with a valid GS1 check digit' },
  NESTING_TOO_DEEP: { status: 409, title: 'LPNs nest at most three levels deep' },
  NESTING_CYCLE: { status: 409, title: 'An LPN cannot be put inside itself or inside one it contains' },
  LPN_CODE_TAKEN: { status: 409, title: 'Another live LPN of the site carries this code' },
  INSUFFICIENT_CONTENTS: { status: 409, title: 'The LPN does not hold the units asked for' },
  UNKNOWN_ASN_LPN: { status: 404, title: 'No ASN of the site expects an LPN with this barcode' },
  SITE_MISMATCH: { status: 409, title: 'The LPNs belong to different sites' },
  LPN_SHIPPED: { status: 409, title: 'The LPN shipped (a pallet or case ships with its last carton): it is no longer on the floor and takes no scan' },
  LPN_CONSUMED: { status: 409, title: 'The LPN was emptied (consumed): it is no longer on the floor and takes no scan; its label is free' },
  LPN_LOST: { status: 409, title: 'The LPN is LOST: report it found (POST /lpns/{id}/found, or a MOVE scan where it is) first' },
  LPN_HOLDS_CANCELLED_ORDER: { status: 409, title: 'The LPN holds units of a cancelled order, which never ship: take them off (move that LPN to a location) first' },
  LPN_ON_QUALITY_HOLD: { status: 409, title: 'The LPN is, or carries, the carton of a package a failed quality inspection holds: it does not ship until a disposition releases it' },
} as const satisfies ErrorSpecs;

/** An LPN as other contexts may see it (`PhysicalTrackingApi.getLpn`): which site it belongs to and where its life stands. */
export interface LpnRef {
  readonly id: string;
  readonly siteId: string;
  /** Its label (SSCC or internal code). */
  readonly code: string;
  readonly status: LpnStatus;
  /** A carton's second code, its shipping label's SSCC-18 (ADR 0029 addendum 2026-12-06); absent for any other LPN. */
  readonly sscc?: string;
}

/** What other contexts may ask physical tracking synchronously (a query: safe to retry). */
export interface PhysicalTrackingApi {
  /** The LPN with this id, or undefined when physical tracking knows none. */
  getLpn(id: string): Promise<LpnRef | undefined>;
}
