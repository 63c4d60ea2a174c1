/**
 * The partner ports of integrations (ADR 0039): what PakLog sends an ERP or a TMS, and the adapters that carry it.
 * An adapter only moves bytes: PakLog's side (which events become messages, idempotency keys, retries, the delivery
 * log, replay) is the same for every adapter, in ports/service.ts.
 */

export const PARTNERS = ['ERP', 'TMS'] as const;
export type Partner = (typeof PARTNERS)[number];
export const PARTNER_MESSAGE_KINDS = ['SHIPMENT_CONFIRMATION', 'INVENTORY_ADJUSTMENT', 'INVENTORY_SNAPSHOT', 'LOAD_BOOKING'] as const;
export type PartnerMessageKind = (typeof PARTNER_MESSAGE_KINDS)[number];
export const PARTNER_MESSAGE_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type PartnerMessageStatus = (typeof PARTNER_MESSAGE_STATUSES)[number];

/** The `type` of each message's JSON document, versioned like PakLog's events. */
export const MESSAGE_TYPES: Record<PartnerMessageKind, string> = {
  SHIPMENT_CONFIRMATION: 'paklog.erp.shipment-confirmation.v1',
  INVENTORY_ADJUSTMENT: 'paklog.erp.inventory-adjustment.v1',
  INVENTORY_SNAPSHOT: 'paklog.erp.inventory-snapshot.v1',
  LOAD_BOOKING: 'paklog.tms.load.v1',
};

/** One outbound message as an adapter receives it: `document` is what goes on the wire (JSON). */
export interface OutboundMessage {
  readonly id: string;
  readonly kind: PartnerMessageKind;
  /** Stable across retries and replays: the receiver deduplicates on it (REST header `Idempotency-Key`, file name). */
  readonly idempotencyKey: string;
  readonly document: MessageDocument;
}

/** The JSON every message is: an envelope around its data. */
export interface MessageDocument {
  readonly type: string;
  readonly messageId: string;
  readonly idempotencyKey: string;
  readonly createdAt: string;
  readonly data: Record<string, unknown>;
}

/** The partner did not take the message (unreachable, an error status, an answer of another shape): it is retried. */
export class PartnerUnavailable extends Error {
  constructor(readonly partner: Partner, message: string) {
    super(`${partner}: ${message}`);
  }
}

/** The ERP port: outbound messages; inbound item master and ASNs come through `pickUp` when the adapter has an inbox. */
export interface ErpPort {
  readonly kind: 'rest' | 'file-drop';
  /** Delivers one message; resolves once the ERP has it, throws PartnerUnavailable otherwise. Idempotent per key. */
  send(message: OutboundMessage): Promise<void>;
  /** Inbound files waiting (file-drop): each handed to `handle`, then moved to processed/ or error/. Answers how many. */
  pickUp?(handle: (file: InboundFile) => Promise<InboundOutcome>): Promise<number>;
}

export interface InboundFile {
  readonly name: string;
  readonly text: string;
  /**
   * Names this dropped file (its name, modification time, size and content, hashed), when the adapter picks files up:
   * a file found again with a fingerprint already logged was handled (its process stopped before moving it) and is
   * answered as it was, not imported again.
   */
  readonly fingerprint?: string | undefined;
}

export interface RowError {
  /** 1-based: the line of a CSV file (the header is line 1), the element of a JSON array (the first is 1). */
  readonly row: number;
  readonly field: string;
  readonly message: string;
}

export interface InboundOutcome {
  readonly kind: 'items' | 'asns' | 'unknown';
  readonly accepted: boolean;
  readonly rows: number;
  readonly summary: Record<string, number>;
  readonly errors: readonly RowError[];
}

/** What the TMS answered a load booking with. */
export interface LoadBooked {
  readonly loadId: string;
  readonly status?: string | undefined;
}

/** The TMS port: loads booked for dispatched shipments; tracking comes back by POST /integrations/tms/tracking. */
export interface TmsPort {
  readonly kind: 'rest';
  /** Books the load; idempotent per key (the same key answers the same load). Throws PartnerUnavailable. */
  bookLoad(message: OutboundMessage): Promise<LoadBooked>;
}
