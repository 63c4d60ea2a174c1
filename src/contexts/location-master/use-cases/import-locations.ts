import {
  LocationMasterEvents, type Location, type LocationCreated, type LocationImportResult, type LocationImportRow, type LocationStatusChanged,
} from '../../../contracts/location-master.ts';
import type { PublishedEvent } from '../../../contracts/events.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import type { PlatformDeps } from '../../../platform/module.ts';
import { validateNewLocation } from '../domain/location.ts';
import { decideStatusChange } from '../domain/location-status.ts';
import { openCountIds, type OpenCountsLookup } from '../service.ts';
import * as store from '../store.ts';

type RowError = LocationImportResult['errors'][number];

/** The attributes an import compares but never changes: five contexts keep projections of them (ADR 0040). */
const FIXED = ['type', 'zone', 'aisle', 'bay', 'level', 'x', 'y', 'z', 'pickSequence'] as const;
const same = (a: unknown, b: unknown): boolean => (typeof a === 'number' || typeof b === 'number' ? a !== null && b !== null && Number(a) === Number(b) : a === b);

/** Thrown to roll the transaction back with the result in hand. */
class RolledBack extends Error {
  constructor(readonly result: LocationImportResult) {
    super('rolled back');
  }
}

/**
 * CSV import of a site's locations (ADR 0040): new codes are created (one `location.created` event each, as POST does);
 * a known code is unchanged, or has its status changed by the lifecycle (one `location.status-changed` event), or is an
 * error when another attribute differs. One transaction; any error or a dry run writes nothing.
 */
export function importLocationsHandler(deps: PlatformDeps, forget: (siteId: string, code: string) => void, counts: OpenCountsLookup = () => undefined) {
  return async (siteId: string, rows: readonly LocationImportRow[], o: { readonly dryRun: boolean }, meta: EventMeta): Promise<LocationImportResult> => {
    const errors: RowError[] = [];
    const firstRow = new Map<string, number>();
    // Codes ignore letter case (ADR 0007, addendum 2026-12-07): `a-1` and `A-1` in one file are one location twice.
    const firstFolded = new Map<string, number>();
    rows.forEach((r, index) => {
      errors.push(...validateNewLocation(r).map((e) => ({ index, ...e })));
      const first = firstFolded.get(r.code.toUpperCase());
      if (first === undefined) {
        firstFolded.set(r.code.toUpperCase(), index);
        firstRow.set(r.code, index);
      } else {
        errors.push({ index, field: '/code', message: rows[first]!.code === r.code ? `${r.code} is in the file twice` : `${r.code} is in the file twice (as ${rows[first]!.code} on row ${first + 1}: codes ignore letter case)` });
      }
    });
    // A location an open count holds is not deactivated (LOCATION_UNDER_COUNT, as POST /locations/{id}/deactivate).
    // Inventory is asked before the transaction, of every known code the file deactivates.
    const deactivated = (await Promise.all(rows.filter((r) => r.status === 'INACTIVE').map((r) => store.locationByCode(deps.db, siteId, r.code))))
      .flatMap((l) => (l === undefined || l.status === 'INACTIVE' ? [] : [l.id]));
    const underCount = await openCountIds(counts, siteId, deactivated);
    try {
      return await deps.db.tx(async (tx) => {
        const existing = new Map((await store.lockLocationsByCodes(tx, siteId, rows.map((r) => r.code))).map((l) => [l.code, l]));
        const inOtherCase = await store.codesInOtherCase(tx, siteId, rows.filter((r) => !existing.has(r.code)).map((r) => r.code));
        const creates: LocationImportRow[] = [];
        const changes: { location: Location; to: LocationImportRow['status']; reason: string | null }[] = [];
        let unchanged = 0;
        rows.forEach((r, index) => {
          const current = existing.get(r.code);
          if (current === undefined) {
            const other = inOtherCase.get(r.code);
            if (other !== undefined) errors.push({ index, field: '/code', message: `location ${other} exists: location codes ignore letter case` });
            else if (firstRow.get(r.code) === index) creates.push(r);
            return;
          }
          const differs = FIXED.filter((k) => !same(current[k], r[k]));
          if (differs.length > 0) {
            for (const k of differs) {
              errors.push({ index, field: `/${k}`, message: `location ${r.code} exists with ${k} ${String(current[k])}: an import changes a location's status only` });
            }
            return;
          }
          if (current.status === r.status) {
            unchanged += 1;
            return;
          }
          const decision = decideStatusChange(current.status, r.status, r.status === 'BLOCKED' ? 'blocked by CSV import' : null, underCount.get(current.id) ?? []);
          if (!decision.ok) errors.push({ index, field: '/status', message: decision.message });
          else changes.push({ location: current, to: decision.value.to, reason: decision.value.reason });
        });
        const result = { created: creates.length, updated: changes.length, unchanged, errors: errors.sort((a, b) => a.index - b.index), written: false };
        if (errors.length > 0 || o.dryRun) return result;
        const now = deps.clock.now();
        const inserted = await store.insertLocations(tx, siteId, 'MANUAL', creates.map((c) => ({ id: deps.ids.next('loc'), ...c })), now);
        if (inserted.length !== creates.length) {
          // Another writer created some of these codes since the lock was taken: nothing is written, the rows are named.
          const taken = new Set(inserted.map((l) => l.code));
          throw new RolledBack({
            ...result,
            errors: rows.flatMap((r, index) => (creates.includes(r) && !taken.has(r.code) ? [{ index, field: '/code', message: `${r.code} was created meanwhile` }] : [])),
          });
        }
        const events: PublishedEvent[] = inserted.map((l) => {
          const data: LocationCreated = l;
          return { type: LocationMasterEvents.locationCreated, subject: l.id, siteId, data };
        });
        for (const c of changes) {
          await store.updateStatus(tx, c.location.id, c.to, c.reason);
          const data: LocationStatusChanged = { locationId: c.location.id, siteId, from: c.location.status, to: c.to, reason: c.reason, type: c.location.type };
          events.push({ type: LocationMasterEvents.locationStatusChanged, subject: c.location.id, siteId, data });
          tx.afterCommit(() => forget(siteId, c.location.code));
        }
        await deps.bus.append(tx, 'location-master', events, meta);
        return { ...result, written: true };
      });
    } catch (e) {
      if (e instanceof RolledBack) return e.result;
      throw e;
    }
  };
}
