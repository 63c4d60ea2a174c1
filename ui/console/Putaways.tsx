import { useEffect, useRef, useState } from 'react';
import { api, apiAll, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, LocationsFailed, shown, Status } from './Lists.tsx';
import { asnHref, putawayHref } from './links.tsx';

export interface Putaway {
  id: string; siteId: string; asnId: string | null; lineNo: number | null; sku: string; lot: string | null; stockStatus: string;
  quantity: number; putAway: number; open: number; status: string; fromLocationId: string; suggestedLocationId: string | null;
  confirmedLocationId: string | null; confirmedBy: string | null; confirmedAt: string | null; createdAt: string;
}

/** The site's location codes by id (a big site has more than a page): the screens show the code on the label. */
const useCodes = (siteId: string) => useData(async () => new Map((await apiAll<{ id: string; code: string }>(`/sites/${siteId}/locations`, 1000))
  .map((l) => [l.id, l.code])), [siteId]);

/** Where the units of a putaway should go, in words: the suggestion, or why there is none. */
const suggestion = (p: Putaway, code: (id: string) => string): string => {
  if (p.suggestedLocationId !== null) return code(p.suggestedLocationId);
  return p.stockStatus === 'AVAILABLE' ? 'none fits: any storage location'
    : `none: ${p.stockStatus} units go to a QUARANTINE location only (the site may have none)`;
};

/** A balance or a putaway's units at a location: its SKU, lot and stock status there. */
const stockKey = (locationId: string, sku: string, lot: string | null, status: string): string => [locationId, sku, lot ?? '', status].join('\u0000');

/**
 * Per OPEN putaway, the units of it on the shelf at its receiving location: what that location holds of its SKU, lot
 * and stock status, given to the oldest putaways first (a dock losing units takes them from the newest, lpn6). Fewer
 * than `open` while its units are lost with an LPN there (on HOLD, LPN_LOST) or held: the column said `open` alone,
 * units nobody would find at the dock. Undefined until the balances are read.
 */
function unitsOnShelf(putaways: readonly Putaway[], stock: ReadonlyMap<string, number> | undefined): Map<string, number> | undefined {
  if (stock === undefined) return undefined;
  const left = new Map(stock);
  const out = new Map<string, number>();
  for (const p of [...putaways].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))) {
    const k = stockKey(p.fromLocationId, p.sku, p.lot, p.stockStatus);
    const take = Math.max(0, Math.min(p.open, left.get(k) ?? 0));
    left.set(k, (left.get(k) ?? 0) - take);
    out.set(p.id, take);
  }
  return out;
}

/**
 * The putaways still waiting at the dock (OPEN), on the Inbound screen: each opens its own screen, where a manager may
 * cancel it. A putaway nobody can finish (damaged units on a site with no QUARANTINE location: every scan refused, its
 * PUTAWAY task FAILED) had no way out in the console. "Units" is what it received and in which status; "Still at the
 * dock" what of its open units is on the shelf there (`unitsOnShelf`), with the rest named when some are not.
 */
export function OpenPutaways({ ctx }: { ctx: Ctx }) {
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const list = usePaged((cursor) => api<Page<Putaway>>('GET', `/inventory/putaways${qs({ siteId: ctx.siteId, status: 'OPEN', limit: 200, cursor })}`),
    [ctx.siteId], [version]);
  const codes = useCodes(ctx.siteId);
  const code = (id: string): string => codes.data?.get(id) ?? id;
  const docks = [...new Set((list.items ?? []).map((p) => p.fromLocationId))].sort();
  const stock = useData(async () => {
    const m = new Map<string, number>();
    for (const locationId of docks) {
      for (const b of await apiAll<{ sku: string; locationId: string; lot: string | null; status: string; onHand: number }>(
        `/inventory/balances${qs({ siteId: ctx.siteId, locationId })}`, 1000)) {
        const k = stockKey(b.locationId, b.sku, b.lot, b.status);
        m.set(k, (m.get(k) ?? 0) + b.onHand);
      }
    }
    return m;
  }, [ctx.siteId, docks.join(','), version]);
  const onShelf = unitsOnShelf(list.items ?? [], stock.data);
  const stillThere = (p: Putaway): string => {
    const n = onShelf?.get(p.id);
    if (n === undefined || n >= p.open) return String(p.open);
    return `${n} (${p.open - n} of its ${p.open} not there ${p.stockStatus}: lost with an LPN, or held)`;
  };
  return (
    <section className="panel" aria-labelledby="putaways-h">
      <h2 id="putaways-h">Putaways waiting at the dock</h2>
      <p className="muted">Received units not yet put away (each has a PUTAWAY task). One nobody can finish is cancelled on its screen by a manager.</p>
      {list.error === undefined ? null : <p role="alert" className="error">{list.error}</p>}
      <LocationsFailed codes={codes} />
      <table>
        <caption>{shown(list, 'open putaways')}</caption>
        <thead>
          <tr>
            <th scope="col">Putaway</th><th scope="col">SKU</th><th scope="col">Units</th><th scope="col" className="num">Still at the dock</th>
            <th scope="col">At</th><th scope="col">Suggested location</th><th scope="col">ASN</th><th scope="col">Since</th>
          </tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((p) => (
            <tr key={p.id}>
              <td><a className="mono" href={putawayHref(p.id)}>{p.id}</a></td><td>{p.sku}{p.lot === null ? '' : ` lot ${p.lot}`}</td><td>{p.quantity} {p.stockStatus}</td>
              <td className="num">{stillThere(p)}</td><td className="mono">{code(p.fromLocationId)}</td><td>{suggestion(p, code)}</td>
              <td>{p.asnId === null ? '—' : <a className="mono" href={asnHref(p.asnId)}>{p.asnId}</a>}</td><td>{when(p.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="open putaways" />
    </section>
  );
}

/**
 * A putaway's screen (`#/inbound/put_…`, linked from the Inbound screen, the Tasks screen and a PUTAWAY task's
 * exception): what it holds and where, and, for a manager while it is OPEN, Cancel… with a reason
 * (`POST /inventory/putaways/{id}/cancel`): its PUTAWAY task is withdrawn and the units stay where they are.
 */
export function PutawayDetail({ ctx, id }: { ctx: Ctx; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const [changes, setChanges] = useState(0);
  const putaway = useData(() => api<Putaway>('GET', `/inventory/putaways/${encodeURIComponent(id)}`), [id, version, changes]);
  const codes = useCodes(ctx.siteId);
  const code = (l: string): string => codes.data?.get(l) ?? l;
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => heading.current?.focus(), [id]);
  const p = putaway.data?.id === id ? putaway.data : undefined;
  const back = <p><a href="#/inbound">← Inbound</a></p>;
  if (p === undefined) {
    return (
      <>
        {back}
        <h1 ref={heading} tabIndex={-1}>Putaway {id}</h1>
        {putaway.error === undefined ? <p>Loading…</p> : <p role="alert" className="error">Could not read putaway {id}: {putaway.error}</p>}
      </>
    );
  }
  const cancel = async (): Promise<void> => {
    setBusy(true);
    setMessage(undefined);
    try {
      await api('POST', `/inventory/putaways/${encodeURIComponent(p.id)}/cancel`, { idempotencyKey: newKey(), body: { reason: reason.trim() } });
      setAsking(false);
      setMessage({ ok: true, text: `Putaway ${p.id} cancelled: its PUTAWAY task is withdrawn; the ${p.open} unit${p.open === 1 ? '' : 's'} stay at ${code(p.fromLocationId)}, not promised to orders, until moved or released` });
    } catch (err) {
      setMessage({ ok: false, text: `Not cancelled. ${err instanceof ApiError ? `${err.code}: ${err.message}` : String(err)}` });
    } finally {
      setBusy(false);
      setChanges((n) => n + 1);
    }
  };
  return (
    <>
      {back}
      <h1 ref={heading} tabIndex={-1}>Putaway {p.id} <Status value={p.status} /></h1>
      <section className="panel" aria-labelledby="putaway-h">
        <h2 id="putaway-h">Summary</h2>
        <LocationsFailed codes={codes} />
        <dl className="facts">
          <dt>SKU</dt><dd>{p.sku}{p.lot === null ? '' : ` lot ${p.lot}`}</dd>
          <dt>Units</dt><dd>{p.quantity} {p.stockStatus}; {p.putAway} put away, {p.open} still at the receiving location</dd>
          <dt>Receiving location</dt><dd className="mono">{code(p.fromLocationId)}</dd>
          <dt>Suggested location</dt><dd>{suggestion(p, code)}</dd>
          <dt>Put away at</dt><dd>{p.confirmedLocationId === null ? '—' : `${code(p.confirmedLocationId)} by ${p.confirmedBy ?? '?'} ${when(p.confirmedAt)}`}</dd>
          <dt>ASN</dt><dd>{p.asnId === null ? '— (received without an ASN)' : <a className="mono" href={asnHref(p.asnId)}>{p.asnId}</a>}</dd>
          <dt>Received</dt><dd>{when(p.createdAt)}</dd>
        </dl>
      </section>
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {ctx.can.plan && p.status === 'OPEN' ? (
        <section className="panel" aria-labelledby="putaway-cancel-h">
          <h2 id="putaway-cancel-h">Cancel</h2>
          <p className="muted">
            For a putaway nobody will finish (damaged units with no QUARANTINE location to go to, units moved off the dock by hand): its PUTAWAY
            task is withdrawn, even a FAILED one. Nothing moves: the units stay at the receiving location, not promised to orders, until moved
            (<code>POST /api/v1/inventory/moves</code>) or, held ones, released on Stock holds (which queues a new putaway).
          </p>
          {asking ? (
            <form className="actions" aria-label={`Cancel putaway ${p.id}`} onSubmit={(e) => { e.preventDefault(); void cancel(); }}>
              <label className="field inline">Reason
                <input required maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="e.g. damaged: no quarantine location" autoFocus />
              </label>
              <button type="submit" className="primary" disabled={busy || reason.trim() === ''}>{busy ? 'Cancelling…' : `Yes, cancel putaway ${p.id}`}</button>
              <button type="button" disabled={busy} onClick={() => setAsking(false)}>Keep the putaway</button>
            </form>
          ) : (
            <p className="actions"><button type="button" onClick={() => { setAsking(true); setReason(''); setMessage(undefined); }}>Cancel putaway…</button></p>
          )}
        </section>
      ) : null}
    </>
  );
}
