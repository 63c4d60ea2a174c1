import { postMessage } from '../ports/http-call.ts';
import type { ErpPort, PartnerMessageKind } from '../ports/port.ts';

/** Where each message goes, under PAKLOG_ERP_URL. */
export const ERP_REST_PATHS: Record<Exclude<PartnerMessageKind, 'LOAD_BOOKING'>, string> = {
  SHIPMENT_CONFIRMATION: '/shipment-confirmations',
  INVENTORY_ADJUSTMENT: '/inventory-adjustments',
  INVENTORY_SNAPSHOT: '/inventory-snapshots',
};

/**
 * The REST ERP adapter (docs/integrations/erp.md): each message POSTed as JSON to `<PAKLOG_ERP_URL><path>` with
 * `Authorization: Bearer $PAKLOG_ERP_TOKEN` and `Idempotency-Key`. Items and ASNs come in by the ERP calling PakLog
 * (`POST /integrations/erp/inbound/{items|asns}`), so this adapter has no inbox.
 */
export function restErp(o: { url: string; token: string | undefined; timeoutMs: number }): ErpPort {
  const base = o.url.replace(/\/+$/, '');
  return {
    kind: 'rest',
    async send(message) {
      if (message.kind === 'LOAD_BOOKING') throw new Error('a load booking is the TMS port\'s');
      await postMessage('ERP', { url: `${base}${ERP_REST_PATHS[message.kind]}`, token: o.token, timeoutMs: o.timeoutMs }, message);
    },
  };
}
