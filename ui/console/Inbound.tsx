import { useEffect, useRef, useState } from 'react';
import { api, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, shown, Status } from './Lists.tsx';
import { asnHref } from './links.tsx';
import { NewAsn } from './NewAsn.tsx';

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
 * Inbound: the site's ASNs (what suppliers announced) with their status and how much arrived, read-only; an ASN's own
 * screen (`#/inbound/{id}`) shows each line's expected, received, damaged and open units and the discrepancies.
 */
export function Inbound({ ctx, asnId }: { ctx: Ctx; asnId: string | undefined }) {
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
        (<code>POST /api/v1/inventory/asns</code>); receipts against it come from the dock (<code>…/receipts</code>; see <a href="/docs">/docs</a>).
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
    </>
  );
}

function AsnDetail({ ctx, id }: { ctx: Ctx; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const asn = useData(() => api<Asn>('GET', `/inventory/asns/${encodeURIComponent(id)}`), [id, version]);
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
