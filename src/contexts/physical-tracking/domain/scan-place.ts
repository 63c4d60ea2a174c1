/**
 * Where a status scan that names a location (CLOSE, STAGE at a lane) leaves the LPN: when it rests somewhere else, it
 * was carried there, so it moves there as a MOVE does — with everything inside it, and out of the LPN it sat in; when
 * it rests there already, or no location was scanned, nothing moves (a case closed on its pallet stays on it).
 */
export function scanMove(lpn: { readonly locationId: string | null }, scanned: string | undefined): { readonly to: string } | undefined {
  return scanned === undefined || scanned === lpn.locationId ? undefined : { to: scanned };
}
