import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, newKey, qs, refusedField, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, shown, Status } from './Lists.tsx';
import { asnHref } from './links.tsx';
import { NewAsn } from './NewAsn.tsx';
import { OpenPutaways, PutawayDetail } from './Putaways.tsx';

const ASN_STATUSES = ['OPEN', 'RECEIVING', 'CLOSED', 'CANCELLED'];
const PAGE = 200;

interface AsnLine { lineNo: number; sku: string; lot: string | null; expiresOn: string | null; expectedLpn: string | null; expected: number; received: number; damaged: number; open: number }
interface Discrepancy { lineNo: number; sku: string; lot: string | null; kind: string; expected: number; received: number; damaged: number; quantity: number }
interface Asn {
  id: string; siteId: string; ownerId: string; supplier: string; reference: string | null; expectedOn: string | null; status: string; reason: string | null;
  createdAt: string; closedAt: string | null; lines: AsnLine[]; discrepancies: Discrepancy[];
}

const sum = (lines: readonly AsnLine[], f: 'expected' | 'received' | 'damaged'): number => lines.reduce((n, l) => n + l[f], 0);

/** A line's difference as words: what is over, short or damaged against what was announced ("" when it matches). */
export function difference(l: Pick<AsnLine, 'expected' | 'received' | 'damaged'>): string {
  const parts: string[] = [];
  if (l.received > l.expected) parts.push(`${l.received - l.expected} over`);
  if (l.received < l.expected) parts.push(`${l.expected - l.received} short`);
  if (l.damaged > 0) parts.push(`${l.damaged} damaged`);
  return parts.join(', ');
}

/** What differs on an ASN: recorded discrepancies once it is closed, else the differences received so far. */
const differs = (a: Asn): number => (a.status === 'CLOSED' ? a.discrepancies.length : a.lines.filter((l) => l.received > 0 && difference(l) !== '').length);

/**
 * Inbound: the site's ASNs (what suppliers announced) with their status and how much arrived; an ASN's own screen
 * (`#/inbound/{id}`) shows each line's expected, received, damaged and open units and the discrepancies, and, for the
 * roles that receive, a form to receive units against it. Below the ASNs, the putaways still waiting at the dock; a
 * putaway's own screen (`#/inbound/put_…`) lets a manager cancel one nobody can finish.
 */
export function Inbound({ ctx, asnId }: { ctx: Ctx; asnId: string | undefined }) {
  if (asnId?.startsWith('put_') === true) return <PutawayDetail ctx={ctx} id={asnId} />;
  return asnId === undefined ? <AsnList ctx={ctx} /> : <AsnDetail ctx={ctx} id={asnId} />;
}

function AsnList({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('');
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const list = usePaged((cursor) => api<Page<Asn>>('GET', `/inventory/asns${qs({ siteId: ctx.siteId, status, limit: PAGE, cursor })}`), [ctx.siteId, status], [version]);
  /** The New ASN form is open. */
  const [creating, setCreating] = useState(false);
  const [message, setMessage] = useState<string | undefined>(undefined);
  const created = (asn: { id: string; supplier: string }): void => {
    setCreating(false);
    setMessage(`ASN ${asn.id} from ${asn.supplier} announced: OPEN, the dock can receive against it`);
    setStatus('');
    list.reload();
  };
  return (
    <>
      <p className="muted">
        What suppliers announced (ASNs) and what the dock received against it. A manager announces a delivery with New ASN
        (<code>POST /api/v1/inventory/asns</code>); the dock receives against it on the ASN's screen (Receive) or through <code>…/receipts</code> (see <a href="/docs">/docs</a>).
      </p>
      {creating ? <NewAsn ctx={ctx} onCreated={created} onClose={() => setCreating(false)} /> : ctx.can.intake ? (
        <p><button type="button" className="primary" onClick={() => { setCreating(true); setMessage(undefined); }}>New ASN…</button></p>
      ) : null}
      {message === undefined ? null : <p role="status" className="ok">{message}</p>}
      <div className="filters" role="search">
        <label className="field inline">Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {ASN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      {list.error === undefined ? null : <p role="alert" className="error">{list.error}</p>}
      {list.items?.length === 0 && status === '' ? <p>No ASN at this site yet.</p> : null}
      <table>
        <caption>{shown(list, 'ASNs')}</caption>
        <thead>
          <tr>
            <th scope="col">ASN</th><th scope="col">Supplier</th><th scope="col">Reference</th><th scope="col">Expected on</th><th scope="col">Status</th>
            <th scope="col" className="num">Expected</th><th scope="col" className="num">Received</th><th scope="col">Discrepancies</th>
          </tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((a) => {
            const n = differs(a);
            return (
              <tr key={a.id}>
                <td><a className="mono" href={asnHref(a.id)}>{a.id}</a></td><td>{a.supplier}</td><td>{a.reference ?? '—'}</td><td>{a.expectedOn ?? '—'}</td>
                <td><Status value={a.status} /></td><td className="num">{sum(a.lines, 'expected')}</td><td className="num">{sum(a.lines, 'received')}</td>
                <td>{n === 0 ? '—' : <strong className="error">{n} {a.status === 'CLOSED' ? 'recorded' : 'so far'}</strong>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadMore list={list} noun="ASNs" />
      <OpenPutaways ctx={ctx} />
    </>
  );
}

function AsnDetail({ ctx, id }: { ctx: Ctx; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const version = useLiveVersion(ctx.live, ['inventory.']);
  /** Receipts made on this screen: the ASN is read again after each (the live stream may be late or off). */
  const [receipts, setReceipts] = useState(0);
  const asn = useData(() => api<Asn>('GET', `/inventory/asns/${encodeURIComponent(id)}`), [id, version, receipts]);
  /** The ASN closed on this screen (its close said once it is read again). */
  const [closedHere, setClosedHere] = useState<string | undefined>(undefined);
  /** The ASN cancelled on this screen (said once it is read again). */
  const [cancelledHere, setCancelledHere] = useState<string | undefined>(undefined);
  useEffect(() => heading.current?.focus(), [id]);
  const a = asn.data?.id === id ? asn.data : undefined;
  const back = <p><a href="#/inbound">← Inbound</a></p>;
  if (a === undefined) {
    return (
      <>
        {back}
        <h1 ref={heading} tabIndex={-1}>ASN {id}</h1>
        {asn.error === undefined ? <p>Loading…</p> : <p role="alert" className="error">Could not read ASN {id}: {asn.error}</p>}
      </>
    );
  }
  return (
    <>
      {back}
      <h1 ref={heading} tabIndex={-1}>ASN {a.id} <Status value={a.status} /></h1>
      <section className="panel" aria-labelledby="asn-summary-h">
        <h2 id="asn-summary-h">Summary</h2>
        <dl className="facts">
          <dt>Supplier</dt><dd>{a.supplier}</dd>
          <dt>Reference</dt><dd>{a.reference ?? '—'}</dd>
          <dt>Expected on</dt><dd>{a.expectedOn ?? '—'}</dd>
          <dt>Status</dt><dd><Status value={a.status} />{a.reason === null ? null : <> {a.reason}</>}</dd>
          <dt>Owner</dt><dd className="mono">{a.ownerId}</dd>
          <dt>Announced</dt><dd>{when(a.createdAt)}</dd>
          <dt>Closed</dt><dd>{when(a.closedAt)}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="asn-lines-h">
        <h2 id="asn-lines-h">Lines</h2>
        <table>
          <caption>Expected against received, per line</caption>
          <thead>
            <tr>
              <th scope="col">#</th><th scope="col">SKU</th><th scope="col">Lot</th><th scope="col" className="num">Expected</th><th scope="col" className="num">Received</th>
              <th scope="col" className="num">Damaged</th><th scope="col" className="num">Still expected</th><th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody>
            {a.lines.map((l) => (
              <tr key={l.lineNo}>
                <td>{l.lineNo}</td><td>{l.sku}</td><td>{l.lot ?? '—'}</td><td className="num">{l.expected}</td><td className="num">{l.received}</td>
                <td className="num">{l.damaged}</td><td className="num">{l.open}</td>
                <td>{difference(l) === '' ? (l.received === 0 ? '—' : 'as announced') : <strong className="error">{difference(l)}</strong>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      {ctx.can.receive && (a.status === 'OPEN' || a.status === 'RECEIVING') ? <Receive ctx={ctx} asn={a} onReceived={() => setReceipts((n) => n + 1)} /> : null}
      {ctx.can.plan && (a.status === 'OPEN' || a.status === 'RECEIVING') ? <CloseAsn asn={a} onClosed={() => { setClosedHere(a.id); setReceipts((n) => n + 1); }} /> : null}
      {ctx.can.plan && a.status === 'OPEN' ? <CancelAsn asn={a} onCancelled={() => { setCancelledHere(a.id); setReceipts((n) => n + 1); }} /> : null}
      {cancelledHere === a.id && a.status === 'CANCELLED' ? <p role="status" className="ok">ASN {a.id} cancelled{a.reason === null ? '' : `: ${a.reason}`}. Nothing can be received against it.</p> : null}
      {closedHere === a.id && a.status === 'CLOSED' ? <p role="status" className="ok">ASN {a.id} closed: {a.discrepancies.length === 0 ? 'every line arrived as announced' : `${a.discrepancies.length} discrepanc${a.discrepancies.length === 1 ? 'y' : 'ies'} recorded`}</p> : null}
      <section className="panel" aria-labelledby="asn-disc-h">
        <h2 id="asn-disc-h">Discrepancies</h2>
        {a.status !== 'CLOSED' ? <p className="muted">Recorded when the ASN is closed; the Difference column shows them so far.</p>
          : a.discrepancies.length === 0 ? <p>None: every line arrived as announced.</p> : (
            <table>
              <caption>Recorded when the ASN was closed</caption>
              <thead><tr><th scope="col">#</th><th scope="col">SKU</th><th scope="col">Lot</th><th scope="col">Kind</th><th scope="col" className="num">Units</th></tr></thead>
              <tbody>
                {a.discrepancies.map((d) => (
                  <tr key={`${d.lineNo}-${d.kind}`}>
                    <td>{d.lineNo}</td><td>{d.sku}</td><td>{d.lot ?? '—'}</td><td>{d.kind}</td><td className="num">{d.quantity}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
      </section>
    </>
  );
}

/** What a receipt may be received as (the API's RECEIPT_STATUSES), as the dock says it. */
const CONDITIONS = [['AVAILABLE', 'Good (available)'], ['DAMAGED', 'Damaged'], ['QUARANTINE', 'Quarantine (held at once)']] as const;

/**
 * "Receive": units of an ASN line that arrived at the dock (POST /inventory/asns/{id}/receipts), for the roles that
 * receive (admin, manager, operator, integration). They land at the receiving location typed (or the site's first
 * active one) and a putaway is queued. More than the line still expects is refused (409 OVER_RECEIPT) unless "take more
 * than expected" is ticked; every refusal is said with PakLog's code and words, nothing changed.
 */
function Receive({ ctx, asn, onReceived }: { ctx: Ctx; asn: Asn; onReceived: () => void }) {
  const first = asn.lines.find((l) => l.open > 0) ?? asn.lines[0];
  const [lineNo, setLineNo] = useState(String(first?.lineNo ?? ''));
  const line = asn.lines.find((l) => String(l.lineNo) === lineNo);
  const [quantity, setQuantity] = useState(String(Math.max(1, first?.open ?? 1)));
  const [condition, setCondition] = useState<string>('AVAILABLE');
  const [location, setLocation] = useState('');
  const [lot, setLot] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [acceptOver, setAcceptOver] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const locations = useData(async () => new Map((await apiAll<{ id: string; code: string }>(`/sites/${ctx.siteId}/locations`, 1000)).map((l) => [l.id, l.code])), [ctx.siteId]);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (line === undefined) return;
    setBusy(true);
    setMessage(undefined);
    const units = Number(quantity);
    const lotSent = line.lot ?? (lot.trim() === '' ? undefined : lot.trim());
    try {
      const r = await api<{ quantity: number; sku: string; status: string; locationId: string; putaway: { id: string } }>('POST', `/inventory/asns/${asn.id}/receipts`, {
        idempotencyKey: newKey(),
        body: {
          sku: line.sku, lineNo: line.lineNo, quantity: units, status: condition,
          ...(lotSent === undefined ? {} : { lot: lotSent }),
          ...(expiresOn === '' ? {} : { expiresOn }),
          ...(location.trim() === '' ? {} : { locationCode: location.trim() }),
          ...(acceptOver ? { acceptOver: true } : {}),
        },
      });
      const where = locations.data?.get(r.locationId) ?? r.locationId;
      setMessage({ ok: true, text: `Received ${r.quantity} × ${r.sku} (${r.status}) at ${where}: putaway ${r.putaway.id} queued` });
      setAcceptOver(false);
      onReceived();
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="asn-receive-h">
      <h2 id="asn-receive-h">Receive</h2>
      <p className="muted">Units of a line that arrived at the dock. They land at the receiving location (the site&apos;s first one when none is typed) and a putaway is queued.</p>
      <form onSubmit={(e) => void submit(e)} aria-describedby={message === undefined ? undefined : 'asn-receive-said'}>
        <div className="filters">
          {/* Named by its label alone (a wrapping label would add the chosen option's words to its name). */}
          <label className="field inline" htmlFor="asn-receive-line">Line
            <select id="asn-receive-line" value={lineNo} onChange={(e) => {
              setLineNo(e.target.value);
              const l = asn.lines.find((x) => String(x.lineNo) === e.target.value);
              if (l !== undefined) setQuantity(String(Math.max(1, l.open)));
            }}>
              {asn.lines.map((l) => <option key={l.lineNo} value={l.lineNo}>{l.lineNo}: {l.sku}{l.lot === null ? '' : ` lot ${l.lot}`} ({l.open} still expected)</option>)}
            </select>
          </label>
          <label className="field inline">Units received
            <input type="number" required min={1} max={1_000_000} step={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} className="qty" />
          </label>
          <label className="field inline" htmlFor="asn-receive-condition">Condition
            <select id="asn-receive-condition" value={condition} onChange={(e) => setCondition(e.target.value)}>
              {CONDITIONS.map(([c, label]) => <option key={c} value={c}>{label}</option>)}
            </select>
          </label>
          <label className="field inline">Receiving location
            <input maxLength={64} value={location} onChange={(e) => setLocation(e.target.value)} placeholder="code (optional)" />
          </label>
          {line?.lot === null ? (
            <label className="field inline">Lot
              <input maxLength={100} value={lot} onChange={(e) => setLot(e.target.value)} placeholder="if the product has lots" />
            </label>
          ) : null}
          <label className="field inline">Expires on
            <input type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />
          </label>
          <label className="field inline check">
            <input type="checkbox" checked={acceptOver} onChange={(e) => setAcceptOver(e.target.checked)} /> Take more than expected (recorded as over)
          </label>
        </div>
        {message === undefined ? null : <p id="asn-receive-said" role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy || line === undefined}>{busy ? 'Receiving…' : 'Receive'}</button>
        </p>
      </form>
    </section>
  );
}

/**
 * "Close": the dock is done with the ASN (POST /inventory/asns/{id}/close, admin and manager): nothing more is received
 * against it and every line's differences are recorded as discrepancies. Asked once more before it is sent (it cannot
 * be undone). A pallet of the ASN scanned in at the dock (RECEIVE_LPN) with none of its units booked keeps it open:
 * PakLog's refusal (409 ILLEGAL_TRANSITION naming `/acceptUnbooked`) is said with its words, and the manager may close
 * it anyway on purpose — the pallet holds nothing of the ASN or is not there — which sends the close again with
 * `acceptUnbooked` (its lines UNDER, the pallet's units off the books). Any other refusal is said as it is.
 */
function CloseAsn({ asn, onClosed }: { asn: Asn; onClosed: () => void }) {
  /** Asked: the confirmation shows. */
  const [asking, setAsking] = useState(false);
  /** PakLog refused the close for a pallet scanned in and not booked: what it said of the pallet. */
  const [unbooked, setUnbooked] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const close = async (acceptUnbooked: boolean): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/inventory/asns/${asn.id}/close`, { idempotencyKey: newKey(), body: acceptUnbooked ? { acceptUnbooked: true } : {} });
      setAsking(false);
      setUnbooked(undefined);
      onClosed();
    } catch (err) {
      const pallet = acceptUnbooked ? undefined : refusedField(err, '/acceptUnbooked');
      setUnbooked(pallet);
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="asn-close-h">
      <h2 id="asn-close-h">Close</h2>
      <p className="muted">When the delivery is done: nothing more is received against the ASN, and every line&apos;s over, short and damaged units are recorded as discrepancies.</p>
      {error === undefined ? null : <p id="asn-close-said" role="alert" className="error">{error}</p>}
      {unbooked !== undefined ? (
        <div className="actions" role="group" aria-label="Close with an unbooked pallet">
          <p>Not closed: {unbooked}. Book what is on the pallet with Receive, then close. If it holds nothing of the ASN (scanned by mistake, or not
            there), close anyway: its lines are recorded short and the pallet&apos;s units stay off the books until the LPN is corrected.</p>
          <button type="button" className="primary" disabled={busy} onClick={() => void close(true)}>Close and accept the unbooked pallet (its units stay off the books)</button>
          <button type="button" disabled={busy} onClick={() => { setUnbooked(undefined); setError(undefined); setAsking(false); }}>Keep it open</button>
        </div>
      ) : asking ? (
        <p className="actions">
          <span className="muted">Close ASN {asn.id}? Nothing more can be received against it; it cannot be undone.</span>
          <button type="button" className="primary" disabled={busy} onClick={() => void close(false)}>{busy ? 'Closing…' : `Yes, close ASN ${asn.id}`}</button>
          <button type="button" disabled={busy} onClick={() => { setAsking(false); setError(undefined); }}>Keep it open</button>
        </p>
      ) : (
        <p className="actions"><button type="button" onClick={() => { setAsking(true); setError(undefined); }}>Close ASN…</button></p>
      )}
    </section>
  );
}

/**
 * "Cancel": a delivery that will never come (POST /inventory/asns/{id}/cancel, admin and manager), offered while the ASN
 * is OPEN. Asked once more, with an optional reason, before it is sent (it cannot be undone). PakLog cancels only an ASN
 * nothing arrived against: once units were received, or a pallet of it was scanned in at the dock, it refuses (409
 * ILLEGAL_TRANSITION, naming the pallet) and that refusal is said with its code and words, nothing changed: close it instead.
 */
function CancelAsn({ asn, onCancelled }: { asn: Asn; onCancelled: () => void }) {
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const cancel = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await api('POST', `/inventory/asns/${asn.id}/cancel`, { idempotencyKey: newKey(), body: reason.trim() === '' ? {} : { reason: reason.trim() } });
      setAsking(false);
      onCancelled();
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="asn-cancel-h">
      <h2 id="asn-cancel-h">Cancel</h2>
      <p className="muted">When the delivery will never come. Only an ASN nothing arrived against is cancelled; one goods arrived against is closed instead.</p>
      {error === undefined ? null : <p id="asn-cancel-said" role="alert" className="error">Not cancelled. {error}</p>}
      {asking ? (
        <div className="actions" role="group" aria-label={`Cancel ASN ${asn.id}`}>
          <label className="field inline">Reason
            <input maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="optional, e.g. supplier cancelled" />
          </label>
          <span className="muted">Cancel ASN {asn.id}? Nothing can be received against it afterwards; it cannot be undone.</span>
          <button type="button" className="primary" disabled={busy} onClick={() => void cancel()}>{busy ? 'Cancelling…' : `Yes, cancel ASN ${asn.id}`}</button>
          <button type="button" disabled={busy} onClick={() => { setAsking(false); setError(undefined); }}>Keep the ASN</button>
        </div>
      ) : (
        <p className="actions"><button type="button" onClick={() => { setAsking(true); setError(undefined); }}>Cancel ASN…</button></p>
      )}
    </section>
  );
}
