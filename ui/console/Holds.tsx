import { useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged, useSettled } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, LocationsFailed, OwnersFailed, shown, Status } from './Lists.tsx';

/** The statuses held units are in (GET /inventory/holds?status=). */
const HELD_STATUSES = ['HOLD', 'QUARANTINE', 'DAMAGED'];
/** Rows read per page; "Load more" reads the next page of that many. */
const PAGE = 200;

interface Actor { kind: string; id: string; role: string }
interface HoldMovement { movementId: string; type: string; quantity: number; reason: string | null; at: string; actor: Actor | null }
interface Held {
  siteId: string; ownerId: string; sku: string; locationId: string; lot: string | null; status: string; quantity: number; since: string;
  holds: HoldMovement[];
}

const keyOf = (h: Held): string => `${h.ownerId}|${h.sku}|${h.locationId}|${h.lot ?? ''}|${h.status}`;
const who = (a: Actor | null | undefined): string => (a == null ? '—' : `${a.role} (${a.id})`);
/** Who placed a hold: the role it acted in, then its user or key id (long: allowed to break). */
function Who({ actor }: { actor: Actor | null | undefined }) {
  return actor == null ? <>—</> : <>{actor.role} <span className="mono muted id">({actor.id})</span></>;
}

/**
 * Stock holds: the units held at the site (HOLD, QUARANTINE, DAMAGED) with who put them there, when and why
 * (GET /inventory/holds), and, for a manager, a new hold on AVAILABLE units (POST /inventory/holds) and their release
 * back to AVAILABLE with a reason (POST /inventory/hold-releases).
 */
export function Holds({ ctx }: { ctx: Ctx }) {
  const [sku, setSku] = useState('');
  const [location, setLocation] = useState('');
  const [status, setStatus] = useState('');
  /** The row whose release form is open, with what it will send. */
  const [releasing, setReleasing] = useState<{ key: string; quantity: string; reason: string } | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  // One release at a time: a double click would send a second one that can only be refused (nothing left held).
  const [busy, setBusy] = useState(false);
  const version = useLiveVersion(ctx.live, ['inventory.']);
  // Every location of the site (a big site has more than a page): rows show codes, and the filter takes one.
  const locations = useData(async () => {
    const all = await apiAll<{ id: string; code: string }>(`/sites/${ctx.siteId}/locations`, 1000);
    return { codes: new Map(all.map((l) => [l.id, l.code])), ids: new Map(all.map((l) => [l.code.toLowerCase(), l.id])) };
  }, [ctx.siteId]);
  const codeOf = (id: string): string => locations.data?.codes.get(id) ?? id;
  // The location filter takes the code on the label (what a manager reads), or an id (loc_…).
  // Both filters are read once the user stops typing (or presses Enter): a partial code is not unknown yet.
  const [skuTerm, applySku] = useSettled(sku.trim());
  const [term, applyLocation] = useSettled(location.trim());
  const typing = sku.trim() !== skuTerm || location.trim() !== term;
  const locationId = term === '' ? undefined : /^loc_/.test(term) ? term : locations.data?.ids.get(term.toLowerCase());
  const unknownLocation = term !== '' && locationId === undefined && locations.data !== undefined;
  // A code typed while the locations are not read (yet, or they could not be): not applied, so not the whole site's holds.
  const codesPending = term !== '' && locationId === undefined && locations.data === undefined;
  const list = usePaged(async (cursor) => (unknownLocation || codesPending
    ? { items: [], nextCursor: null }
    : api<Page<Held>>('GET', `/inventory/holds${qs({ siteId: ctx.siteId, sku: skuTerm, locationId, status, limit: PAGE, cursor })}`)),
  [ctx.siteId, skuTerm, locationId, unknownLocation, codesPending, status], [version]);
  const listError = typing ? undefined : list.error;
  const release = async (h: Held, quantity: number, reason: string): Promise<void> => {
    setBusy(true);
    try {
      await api('POST', '/inventory/hold-releases', {
        idempotencyKey: newKey(),
        body: { siteId: h.siteId, ownerId: h.ownerId, sku: h.sku, locationId: h.locationId, ...(h.lot === null ? {} : { lot: h.lot }), quantity, fromStatus: h.status, reason },
      });
      setMessage({ ok: true, text: `Released ${quantity} × ${h.sku} at ${codeOf(h.locationId)} from ${h.status}: back to AVAILABLE` });
      setReleasing(undefined);
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  /** The "Place a hold" form is open. */
  const [placing, setPlacing] = useState(false);
  const placed = (text: string): void => {
    setPlacing(false);
    setMessage({ ok: true, text });
    list.reload();
  };
  const actions = (h: Held) => {
    // Releasing is a manager's (the API's CAN.plan): a viewer sees no button that could only answer 403.
    if (!ctx.can.plan) return null;
    const label = `${h.sku} at ${codeOf(h.locationId)}${h.lot === null ? '' : ` lot ${h.lot}`} (${h.status})`;
    if (releasing?.key !== keyOf(h)) {
      return (
        <button type="button" disabled={busy} aria-label={`Release ${label}…`}
          onClick={() => { setReleasing({ key: keyOf(h), quantity: String(h.quantity), reason: '' }); setMessage(undefined); }}>Release…</button>
      );
    }
    const quantity = Number(releasing.quantity);
    return (
      <form className="inline wrap" onSubmit={(e) => { e.preventDefault(); void release(h, quantity, releasing.reason.trim()); }}>
        <input type="number" aria-label={`Units of ${label} to release`} required min={1} max={h.quantity} step={1} value={releasing.quantity}
          className="qty" onChange={(e) => setReleasing({ ...releasing, quantity: e.target.value })} />
        <input aria-label={`Why release ${label}`} required maxLength={500} placeholder="reason" value={releasing.reason} autoFocus
          onChange={(e) => setReleasing({ ...releasing, reason: e.target.value })} />
        <button type="submit" className="primary" disabled={busy || releasing.reason.trim() === '' || !Number.isInteger(quantity) || quantity < 1}>
          Release {releasing.quantity} × {h.sku}
        </button>
        <button type="button" onClick={() => setReleasing(undefined)}>Keep held</button>
      </form>
    );
  };
  return (
    <>
      {/* Placing a hold is a manager's (POST /inventory/holds: CAN.plan), as releasing is. */}
      {!ctx.can.plan ? null : placing ? <PlaceHold ctx={ctx} onPlaced={placed} onClose={() => setPlacing(false)} /> : (
        <p><button type="button" className="primary" onClick={() => { setPlacing(true); setMessage(undefined); }}>Place a hold…</button></p>
      )}
      <div className="filters" role="search">
        <label className="field inline">SKU
          <input type="search" value={sku} onChange={(e) => setSku(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applySku(); }} placeholder="e.g. MUG-CERAMIC" />
        </label>
        <label className="field inline">Location
          <input type="search" value={location} onChange={(e) => setLocation(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applyLocation(); }} placeholder="code" />
        </label>
        <label className="field inline">Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {HELD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      {unknownLocation && !typing ? <p className="muted">No location {term} at this site.</p> : null}
      <LocationsFailed codes={locations} />
      {listError === undefined ? null : <p role="alert" className="error">{listError}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {list.items?.length === 0 && term === '' && skuTerm === '' && status === '' ? <p className="muted">Nothing is held at this site.</p> : null}
      <table>
        <caption>{shown(list, 'held balances')}</caption>
        <thead>
          <tr>
            <th scope="col">SKU</th><th scope="col">Lot</th><th scope="col">Location</th><th scope="col" className="num">Quantity</th><th scope="col">Status</th>
            <th scope="col">Reason</th><th scope="col">Who</th><th scope="col">When</th><th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((h) => {
            const [latest, ...earlier] = h.holds;
            return (
              <tr key={keyOf(h)}>
                <td>{h.sku}</td><td>{h.lot ?? '—'}</td><td className="mono">{codeOf(h.locationId)}</td><td className="num">{h.quantity}</td><td><Status value={h.status} /></td>
                <td>
                  {latest?.reason ?? (latest === undefined ? '—' : latest.type)}
                  {earlier.length === 0 ? null : (
                    <details>
                      <summary>{earlier.length} earlier</summary>
                      <ul>{earlier.map((m) => <li key={m.movementId}>{m.quantity} × {m.reason ?? m.type}, {who(m.actor)}, {when(m.at)}</li>)}</ul>
                    </details>
                  )}
                </td>
                <td><Who actor={latest?.actor} /></td><td>{when(latest?.at ?? h.since)}</td><td>{actions(h)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadMore list={list} noun="held balances" />
    </>
  );
}

interface Owner { id: string; code: string; name: string }

/**
 * "Place a hold": AVAILABLE units of a SKU at a location put on HOLD, QUARANTINE or DAMAGED with a reason
 * (POST /inventory/holds, an Idempotency-Key per hold): they stay where they are and leave ATP at once. PakLog's
 * refusal (units reserved or promised to orders, more than are available there) is said on the form with its code and
 * words, the form keeping what was typed.
 */
function PlaceHold({ ctx, onPlaced, onClose }: { ctx: Ctx; onPlaced: (said: string) => void; onClose: () => void }) {
  const [sku, setSku] = useState('');
  const [location, setLocation] = useState('');
  const [lot, setLot] = useState('');
  const [quantity, setQuantity] = useState('1');
  const [status, setStatus] = useState<string>('HOLD');
  const [reason, setReason] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The owner is asked only when there is a choice; else the default owner's units, as the API decides.
  const owners = useData(() => apiAll<Owner>('/owners', 500), []);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    const units = Number(quantity);
    try {
      await api('POST', '/inventory/holds', {
        idempotencyKey: newKey(),
        body: {
          siteId: ctx.siteId, sku: sku.trim(), locationCode: location.trim(), quantity: units, status, reason: reason.trim(),
          ...(lot.trim() === '' ? {} : { lot: lot.trim() }), ...(ownerId === '' ? {} : { ownerId }),
        },
      });
      onPlaced(`Held ${units} × ${sku.trim()} at ${location.trim()} as ${status}: out of ATP until released`);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="place-hold-h">
      <h2 id="place-hold-h">Place a hold</h2>
      <p className="muted">Available units stay where they are and are neither allocated nor picked until released.</p>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error === undefined ? undefined : 'place-hold-error'}>
        <div className="filters">
          <label className="field inline">SKU to hold
            <input required maxLength={64} value={sku} onChange={(e) => setSku(e.target.value)} autoFocus />
          </label>
          <label className="field inline">At location (code)
            <input required maxLength={64} value={location} onChange={(e) => setLocation(e.target.value)} />
          </label>
          <label className="field inline">Lot (if any)
            <input maxLength={100} value={lot} onChange={(e) => setLot(e.target.value)} />
          </label>
          <label className="field inline">Units to hold
            <input type="number" required min={1} max={1_000_000} step={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} className="qty" />
          </label>
          <label className="field inline" htmlFor="place-hold-status">Hold as
            <select id="place-hold-status" value={status} onChange={(e) => setStatus(e.target.value)}>
              {HELD_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>
          {(owners.data ?? []).length > 1 ? (
            <label className="field inline">Owner
              <select value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
                <option value="">Default owner</option>
                {(owners.data ?? []).map((o) => <option key={o.id} value={o.id}>{o.code} — {o.name}</option>)}
              </select>
            </label>
          ) : null}
          <label className="field inline">Why hold
            <input required maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. carton crushed, awaiting QA" />
          </label>
        </div>
        <OwnersFailed owners={owners} />
        {error === undefined ? null : <p id="place-hold-error" role="alert" className="error">{error}</p>}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Holding…' : 'Hold units'}</button>
          <button type="button" onClick={onClose}>Close</button>
        </p>
      </form>
    </section>
  );
}
