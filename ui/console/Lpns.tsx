import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, qs, type Page } from '../lib/api.ts';
import { useData, usePaged } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, Status } from './Lists.tsx';
import { asnHref, OrderLink } from './links.tsx';

interface ContentLine { sku: string; lot: string | null; serial: string | null; owner: string | null; orderId: string | null; quantity: number }
interface Lpn {
  id: string; siteId: string; code: string; codeKind: string; type: string; status: string; parentId: string | null; childIds: string[];
  locationId: string | null; contents: ContentLine[]; units: number; asnId: string | null; createdAt: string; updatedAt: string; sscc: string | null;
}
interface Scan {
  id: string; at: string; workerId: string | null; deviceId: string | null; locationId: string | null; fromLocationId: string | null;
  lpnId: string | null; relatedLpnId: string | null; barcode: string; meaning: string; sku: string | null; quantity: number | null;
}

/**
 * The scans of an LPN's timeline read at a time, oldest first: "Load more scans" reads the next ones (the API's cursor),
 * so a tote reused for many orders shows its latest scans too, not only its first 100.
 */
const TIMELINE = 100;


/**
 * The LPN a label names (its code, or a carton's shipping SSCC, as GET /lpns?code= matches them): the live or lost one
 * carrying it, else the newest that carried it (a shipped tote frees its label for the next).
 */
async function lookUp(siteId: string, term: string): Promise<Lpn | undefined> {
  if (/^lpn_/.test(term)) return api<Lpn>('GET', `/lpns/${encodeURIComponent(term)}`);
  const carried = await apiAll<Lpn>(`/lpns${qs({ siteId, code: term })}`, 500);
  return carried.find((l) => !['SHIPPED', 'CONSUMED'].includes(l.status)) ?? carried.at(-1);
}

/**
 * LPNs: look up a pallet, case, tote or carton by its label (the code or SSCC on it) or its id: what it is, where it
 * rests, what it holds (and for which order), what it sits in and holds, and its timeline of scans. Read-only, for
 * every role.
 */
export function Lpns({ ctx }: { ctx: Ctx }) {
  const [term, setTerm] = useState('');
  const [found, setFound] = useState<Lpn | undefined>(undefined);
  const [said, setSaid] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const locations = useData(async () => new Map((await apiAll<{ id: string; code: string }>(`/sites/${ctx.siteId}/locations`, 1000)).map((l) => [l.id, l.code])), [ctx.siteId]);
  const codeOf = (id: string | null): string => (id === null ? '—' : locations.data?.get(id) ?? id);
  const find = async (value: string): Promise<void> => {
    const label = value.trim();
    if (label === '') return;
    setBusy(true);
    setSaid(undefined);
    try {
      const lpn = await lookUp(ctx.siteId, label);
      setFound(lpn);
      if (lpn === undefined) setSaid(`No LPN with the label ${label} at ${ctx.siteCode}: look it up by its id (lpn_…)`);
    } catch (e) {
      setFound(undefined);
      setSaid(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    void find(term);
  };
  const open = (id: string): void => {
    setTerm(id);
    void find(id);
  };
  return (
    <>
      <p className="muted">A pallet, case, tote or carton by the label on it (its code, or a carton&apos;s shipping SSCC) or its id.</p>
      <form className="filters" role="search" onSubmit={submit}>
        <label className="field inline">LPN label or id
          <input type="search" value={term} onChange={(e) => setTerm(e.target.value)} required placeholder="e.g. an SSCC or TOTE-0001" autoFocus />
        </label>
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Looking up…' : 'Look up'}</button>
      </form>
      {said === undefined ? null : <p role="alert" className="error">{said}</p>}
      {found === undefined ? null : <LpnView ctx={ctx} lpn={found} codeOf={codeOf} onOpen={open} />}
    </>
  );
}

function LpnView({ ctx, lpn, codeOf, onOpen }: { ctx: Ctx; lpn: Lpn; codeOf: (id: string | null) => string; onOpen: (id: string) => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [lpn.id]);
  const timeline = usePaged((cursor) => api<Page<Scan>>('GET', `/lpns/${encodeURIComponent(lpn.id)}/timeline${qs({ limit: TIMELINE, cursor })}`), [lpn.id], [lpn.updatedAt]);
  return (
    <>
      <section className="panel" aria-labelledby="lpn-h">
        <h2 id="lpn-h" ref={heading} tabIndex={-1}>{lpn.type} {lpn.code} <Status value={lpn.status} /></h2>
        <dl className="facts">
          <dt>Id</dt><dd className="mono">{lpn.id}</dd>
          <dt>Label</dt><dd className="mono">{lpn.code} ({lpn.codeKind === 'SSCC' ? 'SSCC-18' : 'internal code'})</dd>
          {lpn.sscc === null ? null : <><dt>Shipping label SSCC</dt><dd className="mono">{lpn.sscc}</dd></>}
          <dt>Where</dt><dd className="mono">{lpn.locationId === null ? 'nowhere at rest (carried, or gone)' : codeOf(lpn.locationId)}</dd>
          <dt>Units</dt><dd>{lpn.units}</dd>
          <dt>Inside</dt><dd>{lpn.parentId === null ? '—' : <button type="button" className="link mono" onClick={() => onOpen(lpn.parentId!)}>{lpn.parentId}</button>}</dd>
          <dt>Holds</dt>
          <dd>{lpn.childIds.length === 0 ? '—' : lpn.childIds.map((c) => <button key={c} type="button" className="link mono" onClick={() => onOpen(c)}>{c}</button>)}</dd>
          <dt>Received from</dt><dd>{lpn.asnId === null ? '—' : <a className="mono" href={asnHref(lpn.asnId)}>{lpn.asnId}</a>}</dd>
          <dt>Made</dt><dd>{when(lpn.createdAt)}</dd>
          <dt>Last change</dt><dd>{when(lpn.updatedAt)}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="lpn-contents-h">
        <h2 id="lpn-contents-h">Contents</h2>
        {lpn.contents.length === 0 ? <p>Nothing directly in it{lpn.childIds.length === 0 ? '' : ' (its units are in the LPNs it holds)'}.</p> : (
          <table>
            <caption>Units directly in {lpn.code}</caption>
            <thead><tr><th scope="col">SKU</th><th scope="col">Lot</th><th scope="col">Serial</th><th scope="col">Owner</th><th scope="col">For order</th><th scope="col" className="num">Units</th></tr></thead>
            <tbody>
              {lpn.contents.map((c, i) => (
                <tr key={i}>
                  <td>{c.sku}</td><td>{c.lot ?? '—'}</td><td>{c.serial ?? '—'}</td><td className="mono">{c.owner ?? '—'}</td>
                  <td>{c.orderId === null ? '—' : <OrderLink id={c.orderId} />}</td><td className="num">{c.quantity}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="lpn-timeline-h">
        <h2 id="lpn-timeline-h">Timeline</h2>
        {timeline.error === undefined ? null : <p role="alert" className="error">Could not read the timeline: {timeline.error}</p>}
        <table>
          <caption>Scans of {lpn.code} and of what its units went into, oldest first{timeline.more ? ` (the first ${timeline.items?.length ?? 0}: Load more below)` : ''}</caption>
          <thead><tr><th scope="col">When</th><th scope="col">Scan</th><th scope="col">Barcode</th><th scope="col">Where</th><th scope="col">SKU</th><th scope="col" className="num">Units</th><th scope="col">Who</th></tr></thead>
          <tbody>
            {(timeline.items ?? []).map((s) => (
              <tr key={s.id}>
                <td>{when(s.at)}</td><td>{s.meaning}</td><td className="mono">{s.barcode}</td><td className="mono">{codeOf(s.locationId)}</td>
                <td>{s.sku ?? '—'}</td><td className="num">{s.quantity ?? '—'}</td><td>{s.workerId ?? '—'}{s.deviceId === null ? '' : ` (${s.deviceId})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore list={timeline} noun="scans" />
      </section>
      {ctx.siteId === lpn.siteId ? null : <p className="muted">This LPN is at another site than the one chosen above.</p>}
    </>
  );
}
