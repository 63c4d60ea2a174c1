import { instantInRange } from '../../../platform/http/schemas.ts';
import { isText } from '../../../platform/text.ts';
import { TRACKING_STATUSES, type Carrier, type CarrierService, type MalformedTrackingEvent, type Parcel, type RateQuote, type TrackingUpdate } from '../domain/carrier.ts';

/** A REST carrier's request timeout when its configuration sets none. */
export const REST_CARRIER_TIMEOUT_MS = 10_000;

/** Configuration of a carrier reached through PakLog's generic carrier REST API (docs/dev/carriers.md). */
export interface RestCarrierConfig {
  readonly code: string;
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set. */
  readonly apiKey?: string;
  readonly services: readonly CarrierService[];
  /** Per request; default 10 s. */
  readonly timeoutMs?: number;
}

/** The carrier could not be reached or answered with an error: nothing was booked, or the booking is unknown. */
export class CarrierUnavailable extends Error {
  constructor(readonly carrier: string, message: string) {
    super(`${carrier}: ${message}`);
  }
}

/**
 * The carrier does not know the label asked to be voided (`DELETE /shipments/{trackingNumber}` answered 404): it holds
 * no valid label under that number — most often voided already by an earlier attempt whose answer was lost. Still a
 * CarrierUnavailable for callers that need the carrier's word; pack & ship's void takes it as voided (nothing valid
 * is left to void), so the shipment is not stuck LABELLED behind a label the carrier no longer has.
 */
export class LabelUnknownToCarrier extends CarrierUnavailable {}

/** The longest carrier reason PakLog quotes (in an answer's detail, an event, an exception). */
export const CARRIER_REASON_MAX = 300;

/**
 * The carrier answered and refused the booking (a 4xx other than 408 and 429: a bad address, a service it does not
 * offer there, a weight over its limit…), with its reason: nothing was booked, and asking again with the same request
 * is refused again. A CarrierUnavailable for callers that only need "not booked" (rates); a booking is not
 * retried on it (docs/dev/carriers.md). `what` is `void` when it refused to void a label (already scanned at pickup,
 * past its void window…): the label stays valid, and asking again is refused again (409 CARRIER_REFUSED_VOID).
 */
export class CarrierRefused extends CarrierUnavailable {
  constructor(carrier: string, readonly status: number, readonly reason: string, readonly what: 'booking' | 'void' = 'booking') {
    super(carrier, `refused the ${what} (${status}): ${reason}`);
  }
}

/** The carrier's reason from a refusal's body: its `message`, `error`, `detail` or `title`, else the text; capped. */
function refusalReason(status: number, text: string): string {
  let reason = text.trim();
  try {
    const body: unknown = JSON.parse(text);
    if (isRecord(body)) {
      const said = [body.message, body.error, body.detail, body.title, body.reason].find((v) => typeof v === 'string' && v.trim() !== '');
      if (typeof said === 'string') reason = said.trim();
    }
  } catch { /* not JSON: its text */ }
  reason = reason.replace(/\s+/g, ' ');
  if (reason === '') reason = `HTTP ${status}, no reason given`;
  return reason.length > CARRIER_REASON_MAX ? `${reason.slice(0, CARRIER_REASON_MAX - 1)}…` : reason;
}

/**
 * A 4xx that is the carrier's word on the booking — not PakLog's credentials or address for it (401, 403, 404: fixed
 * in the configuration, the booking then goes through), a timeout (408), a key still being processed (409, 425) or a
 * rate limit (429), which stay CarrierUnavailable (owed, asked again).
 */
const NOT_A_REFUSAL = new Set([401, 403, 404, 408, 409, 425, 429]);
const isRefusal = (status: number): boolean => status >= 400 && status < 500 && !NOT_A_REFUSAL.has(status);

const parcelBody = (p: Parcel) => ({ reference: p.packageId, sscc: p.sscc, weightG: p.weightG, lengthMm: p.lengthMm, widthMm: p.widthMm, heightMm: p.heightMm });

/** An RFC 3339 instant with its offset, of the years the API takes (as POST /carrier-events' `at`). */
const RFC3339 = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/i;
const isInstant = (v: unknown): v is string => typeof v === 'string' && RFC3339.test(v) && instantInRange(v);
/** A tracking event's detail as POST /carrier-events takes it: text (no control characters), at most 500 characters. */
const TRACKING_DETAIL_MAX = 500;
const isDetail = (v: unknown): v is string => typeof v === 'string' && v.length <= TRACKING_DETAIL_MAX && (v === '' || isText(v));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The generic REST carrier adapter: `POST /rates`, `POST /shipments`, `DELETE /shipments/{trackingNumber}`,
 * `GET /tracking?numbers=…`, JSON both ways. Any answer not of the documented shape is refused (CarrierUnavailable),
 * never guessed at.
 */
export function restCarrier(config: RestCarrierConfig): Carrier {
  const base = config.baseUrl.replace(/\/+$/, '');
  async function call(method: string, path: string, body?: unknown, unknown?: (status: number) => boolean, idempotencyKey?: string, refusable?: 'booking' | 'void'): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(config.apiKey === undefined ? {} : { authorization: `Bearer ${config.apiKey}` }),
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(config.timeoutMs ?? REST_CARRIER_TIMEOUT_MS),
      });
    } catch (e) {
      throw new CarrierUnavailable(config.code, `${method} ${path} failed: ${(e as Error).message}`);
    }
    if (!res.ok && unknown?.(res.status) === true) throw new LabelUnknownToCarrier(config.code, `${method} ${path} answered ${res.status}: the carrier holds no such label`);
    if (!res.ok && refusable !== undefined && isRefusal(res.status)) {
      const text = await res.text().catch(() => '');
      throw new CarrierRefused(config.code, res.status, refusalReason(res.status, text), refusable);
    }
    if (!res.ok) throw new CarrierUnavailable(config.code, `${method} ${path} answered ${res.status}`);
    if (res.status === 204) return undefined;
    try {
      return await res.json();
    } catch {
      throw new CarrierUnavailable(config.code, `${method} ${path} answered no JSON`);
    }
  }
  const known = new Set(config.services.map((s) => s.code));
  return {
    code: config.code,
    services: config.services,
    async rate(request) {
      if (request.shipTo === null) return [];
      const answer = await call('POST', '/rates', { shipFrom: request.shipFrom, shipTo: request.shipTo, parcels: request.packages.map(parcelBody) });
      if (!isRecord(answer) || !Array.isArray(answer.quotes)) throw new CarrierUnavailable(config.code, 'POST /rates answered no quotes array');
      const quotes: RateQuote[] = [];
      for (const q of answer.quotes as unknown[]) {
        if (!isRecord(q) || typeof q.service !== 'string' || typeof q.price !== 'number' || typeof q.currency !== 'string' || typeof q.transitDays !== 'number') {
          throw new CarrierUnavailable(config.code, `POST /rates answered a malformed quote: ${JSON.stringify(q)}`);
        }
        // A service the configuration does not name cannot be requested or printed: it is left out.
        if (known.has(q.service)) quotes.push({ carrier: config.code, service: q.service, price: q.price, currency: q.currency, transitDays: q.transitDays });
      }
      return quotes;
    },
    async book(shipment) {
      const answer = await call('POST', '/shipments', {
        reference: shipment.shipmentId, orderId: shipment.orderId, service: shipment.service,
        shipFrom: shipment.shipFrom, shipTo: shipment.shipTo, parcels: shipment.packages.map(parcelBody),
      }, undefined, shipment.bookingKey, 'booking');
      if (!isRecord(answer) || typeof answer.trackingNumber !== 'string' || answer.trackingNumber === '') {
        throw new CarrierUnavailable(config.code, 'POST /shipments answered no trackingNumber');
      }
      return { trackingNumber: answer.trackingNumber, ...(typeof answer.labelZpl === 'string' ? { labelZpl: answer.labelZpl } : {}) };
    },
    async void(trackingNumber) {
      // 404/410: the carrier holds no such label (voided already); another 4xx but 401, 403, 408, 409, 425, 429 is its
      // refusal to void it (CarrierRefused, its reason), not "unavailable": asking again is refused again.
      await call('DELETE', `/shipments/${encodeURIComponent(trackingNumber)}`, undefined, (status) => status === 404 || status === 410, undefined, 'void');
    },
    async track(trackingNumbers) {
      if (trackingNumbers.length === 0) return [];
      const answer = await call('GET', `/tracking?numbers=${trackingNumbers.map(encodeURIComponent).join(',')}`);
      if (!isRecord(answer) || !Array.isArray(answer.events)) throw new CarrierUnavailable(config.code, 'GET /tracking answered no events array');
      const out: (TrackingUpdate | MalformedTrackingEvent)[] = [];
      for (const e of answer.events as unknown[]) {
        // `at` an instant as POST /carrier-events takes it, `detail` text of at most 500 characters: an event of another
        // shape ("soon", a NUL byte) reached the database's refusal, and failed the tracking poll at every run. Such an
        // event is returned as malformed (the poll skips it, logged and counted), not the whole answer refused: one bad
        // event held back every shipment of the carrier until the carrier stopped sending it.
        const why = !isRecord(e) ? 'no object' : typeof e.trackingNumber !== 'string' || e.trackingNumber === '' ? 'no trackingNumber'
          : !isInstant(e.at) ? '`at` is no RFC 3339 instant' : !(TRACKING_STATUSES as readonly unknown[]).includes(e.status) ? `status is none of ${TRACKING_STATUSES.join(', ')}`
            : e.detail !== undefined && e.detail !== null && !isDetail(e.detail) ? `detail is no text of at most ${TRACKING_DETAIL_MAX} characters` : undefined;
        if (why !== undefined || !isRecord(e) || typeof e.trackingNumber !== 'string' || !isInstant(e.at)) {
          const text = JSON.stringify(e) ?? String(e);
          out.push({
            trackingNumber: isRecord(e) && typeof e.trackingNumber === 'string' && e.trackingNumber !== '' ? e.trackingNumber.slice(0, 100) : null,
            malformed: `GET /tracking answered a malformed event: ${text.length > 300 ? `${text.slice(0, 299)}…` : text} (${why ?? 'malformed'})`,
          });
          continue;
        }
        out.push({ trackingNumber: e.trackingNumber, status: e.status as TrackingUpdate['status'], at: e.at, ...(typeof e.detail === 'string' ? { detail: e.detail } : {}) });
      }
      return out;
    },
  };
}
