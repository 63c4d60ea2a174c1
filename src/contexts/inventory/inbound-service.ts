import type { PlatformDeps } from '../../platform/module.ts';
import { closestFreePolicy, type PutawayPolicy } from './domain/putaway-policy.ts';
import { cancelAsnHandler } from './use-cases/cancel-asn/handler.ts';
import { cancelPutawayHandler } from './use-cases/cancel-putaway/handler.ts';
import { closeAsnHandler } from './use-cases/close-asn/handler.ts';
import { confirmPutawayHandler } from './use-cases/confirm-putaway/handler.ts';
import { createAsnHandler } from './use-cases/create-asn/handler.ts';
import type { StockApis } from './use-cases/ledger-writes.ts';
import { inventoryCounters } from './use-cases/metrics.ts';
import { inboundReceiptHandler } from './use-cases/receive-inbound/handler.ts';

/**
 * Inbound's commands, composed from their use cases: ASNs, receipts against them or blind, putaways confirmed by scan
 * (or cancelled).
 * The putaway strategy is a policy (default: the nearest free location that fits).
 */
export function inboundService(deps: PlatformDeps, apis: StockApis, options: { putawayPolicy?: PutawayPolicy } = {}) {
  const counters = inventoryCounters(deps.metrics);
  return {
    createAsn: createAsnHandler(deps, apis),
    cancelAsn: cancelAsnHandler(deps),
    closeAsn: closeAsnHandler(deps),
    receiveInbound: inboundReceiptHandler(deps, apis, counters, options.putawayPolicy ?? closestFreePolicy),
    confirmPutaway: confirmPutawayHandler(deps, apis),
    cancelPutaway: cancelPutawayHandler(deps),
  };
}

export type InboundService = ReturnType<typeof inboundService>;
