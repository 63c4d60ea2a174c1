/** location-tracking: where LPNs, workers and equipment are now (scans and RTLS over MQTT), zone occupancy, dwell, alerts. */
import { Type, type Static } from 'typebox';
import type { ErrorSpecs } from '../platform/errors.ts';

/** What is tracked. The MQTT topic names it: `paklog/<site>/positions/<kind>/<id>`. */
export const TRACKED_KINDS = ['worker', 'equipment', 'lpn'] as const;
export type TrackedKind = (typeof TRACKED_KINDS)[number];

/** Where a position came from: an RTLS tag (MQTT or `POST /positions`) or a scan physical-tracking recorded. */
export const POSITION_SOURCES = ['rtls', 'scan'] as const;
export type PositionSource = (typeof POSITION_SOURCES)[number];

export const ALERT_TYPES = ['LPN_STAGED_TOO_LONG', 'WORKER_IDLE'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/**
 * The payload of an RTLS position report (the MQTT message body, JSON). `timestamp` is when the tag was seen; a report
 * older than the position already held never replaces it.
 */
export const PositionReportSchema = Type.Object({
  x: Type.Number({ description: 'Metres, in the site\'s coordinates (the same as its locations\').' }),
  y: Type.Number({ description: 'Metres.' }),
  zone: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'The zone the RTLS engine placed the tag in; absent: the zone of the nearest location.' })),
  timestamp: Type.String({ format: 'date-time', description: 'ISO-8601 time the tag was seen.' }),
  seq: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'The sender\'s sequence number, kept with the position (lets a feed check nothing was lost); at most 2^53 − 1, kept exactly.' })),
}, { additionalProperties: false });
export type PositionReport = Static<typeof PositionReportSchema>;

export const LocationTrackingEvents = {
  zoneEntered: 'location-tracking.zone.entered.v1',
  zoneExited: 'location-tracking.zone.exited.v1',
  alertRaised: 'location-tracking.alert.raised.v1',
  alertCleared: 'location-tracking.alert.cleared.v1',
} as const;

const Subject = {
  siteId: Type.String(),
  kind: Type.Enum(TRACKED_KINDS),
  id: Type.String({ description: 'The worker id, equipment id or LPN id.' }),
};

/** The payload of every location-tracking event, by type name; the description says when it is emitted. */
export const LocationTrackingEventSchemas = {
  [LocationTrackingEvents.zoneEntered]: Type.Object({
    ...Subject, zone: Type.String(), at: Type.String({ description: 'ISO-8601: the time of the position that entered.' }),
    fromZone: Type.Union([Type.String(), Type.Null()], { description: 'The zone it came from (null: none known, or a zone of another site).' }),
  }, { description: 'A tracked worker, piece of equipment or LPN was first seen in a zone (an RTLS report or a scan placed it there).' }),
  [LocationTrackingEvents.zoneExited]: Type.Object({
    ...Subject, zone: Type.String(), at: Type.String({ description: 'ISO-8601: the time of the first position outside the zone.' }),
    enteredAt: Type.String(), dwellS: Type.Number({ description: 'Seconds spent in the zone.' }),
    toZone: Type.Union([Type.String(), Type.Null()], { description: 'The zone it went to (null: none, or a zone of another site).' }),
  }, { description: 'A tracked thing left a zone: published with its dwell time there, at the site of the zone left (a move to another site leaves the old site\'s zone).' }),
  [LocationTrackingEvents.alertRaised]: Type.Object({
    alertId: Type.String(), ...Subject, type: Type.Enum(ALERT_TYPES),
    zone: Type.Union([Type.String(), Type.Null()]), locationId: Type.Union([Type.String(), Type.Null()]),
    since: Type.String({ description: 'ISO-8601: since when the condition holds (staged since, idle since).' }),
    thresholdS: Type.Integer({ description: 'The configured limit it passed, seconds.' }),
  }, { description: 'An LPN stayed at a STAGING location longer than PAKLOG_RTLS_STAGED_MAX_MIN, or a worker stayed idle in a zone longer than PAKLOG_RTLS_IDLE_MAX_MIN (the alert scan).' }),
  [LocationTrackingEvents.alertCleared]: Type.Object({
    alertId: Type.String(), ...Subject, type: Type.Enum(ALERT_TYPES),
  }, { description: 'The condition of an open alert ended (the LPN left staging, the worker moved), or a supervisor closed it (POST /tracking-alerts/{id}/close).' }),
} as const;

type Payload<T extends keyof typeof LocationTrackingEventSchemas> = Static<(typeof LocationTrackingEventSchemas)[T]>;
export type ZoneEntered = Payload<typeof LocationTrackingEvents.zoneEntered>;
export type ZoneExited = Payload<typeof LocationTrackingEvents.zoneExited>;
export type AlertRaised = Payload<typeof LocationTrackingEvents.alertRaised>;

/** Coded errors of location tracking. */
export const LocationTrackingErrors = {
  UNKNOWN_TRACKED: { status: 422, title: 'Nothing of that kind and id is tracked' },
  UNKNOWN_LPN: { status: 422, title: 'Physical tracking knows no LPN of that id at the site' },
  POSITION_OUTSIDE_SITE: { status: 422, title: 'The position is outside the site' },
  POSITION_IN_FUTURE: { status: 422, title: 'The report is timestamped in the future' },
  POSITION_TOO_OLD: { status: 422, title: 'The report is timestamped more than 24 hours before now: it says where the thing was, not where it is' },
  TRACKING_ALERT_NOT_OPEN: { status: 409, title: 'The location alert is no longer open (its condition ended, or it was closed)' },
} as const satisfies ErrorSpecs;
