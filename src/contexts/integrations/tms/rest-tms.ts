import { isIdentifier } from '../../../platform/text.ts';
import { postMessage } from '../ports/http-call.ts';
import { PartnerUnavailable, type TmsPort } from '../ports/port.ts';

/**
 * The REST TMS adapter (docs/integrations/tms.md): a dispatched shipment's load is POSTed to `<PAKLOG_TMS_URL>/loads`
 * with `Idempotency-Key: load:<shipmentId>`; the TMS answers `{ "loadId": "…", "status"?: "…" }` (the same key again:
 * the same load). An answer without a loadId is refused as the TMS being unavailable, and retried.
 */
export function restTms(o: { url: string; token: string | undefined; timeoutMs: number }): TmsPort {
  const url = `${o.url.replace(/\/+$/, '')}/loads`;
  return {
    kind: 'rest',
    async bookLoad(message) {
      const answer = await postMessage('TMS', { url, token: o.token, timeoutMs: o.timeoutMs }, message);
      const a = (typeof answer === 'object' && answer !== null ? answer : {}) as Record<string, unknown>;
      if (typeof a.loadId !== 'string' || a.loadId === '') throw new PartnerUnavailable('TMS', `POST ${url} answered no loadId`);
      // As POST /integrations/tms/tracking names a load: an id it could not name (a control character, white space at an
      // end, past 100 characters) would leave the load untrackable, or fail the recording (a NUL byte).
      if (a.loadId.length > 100 || !isIdentifier(a.loadId)) throw new PartnerUnavailable('TMS', `POST ${url} answered loadId ${JSON.stringify(a.loadId.slice(0, 120))}, which is no identifier of at most 100 characters`);
      return { loadId: a.loadId, ...(typeof a.status === 'string' ? { status: a.status.slice(0, 100) } : {}) };
    },
  };
}
