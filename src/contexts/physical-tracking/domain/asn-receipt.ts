import { ok, reject, type Outcome } from '../../../platform/errors.ts';

/**
 * What a RECEIVE_LPN scan of a label receives: the lines the ASNs that announce it expect, less those of ASNs whose
 * LPN of that label was received already (an LPN carries the ASN it came from, whatever its status now). Without
 * this, a pallet picked clean (CONSUMED: its label free again) and its old label scanned once more was received a
 * second time with every unit the ASN announced — units no receipt would ever book. LPN_CODE_TAKEN when nothing is
 * left to receive.
 */
export function asnLinesToReceive<L extends { readonly asn_id: string }>(
  code: string, announced: readonly L[], received: ReadonlyMap<string, { readonly lpnId: string; readonly status: string }>,
): Outcome<L[], 'LPN_CODE_TAKEN'> {
  const lines = announced.filter((l) => !received.has(l.asn_id));
  if (lines.length > 0 || announced.length === 0) return ok(lines);
  const [asnId, lpn] = [...received].find(([a]) => announced.some((l) => l.asn_id === a))!;
  return reject('LPN_CODE_TAKEN', `LPN ${code} of ASN ${asnId} was received already (LPN ${lpn.lpnId}, now ${lpn.status}): an ASN's LPN is received once`,
    [{ field: '/barcode', message: 'already received' }]);
}
