import { useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged, useSettled } from '../lib/hooks.ts';
import { withOpenRow } from '../lib/open-row.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, LocationsFailed, shown, Status } from './Lists.tsx';

const COUNT_STATUSES = ['OPEN', 'RECOUNT', 'AWAITING_APPROVAL', 'COMPLETED', 'REJECTED'];
/** A count still waiting for a counter: a manager may abandon it (reject), e.g. when nobody will count it. */
const WAITING = ['OPEN', 'RECOUNT'];

interface Count {
  id: string; locationId: string; sku: string; lot: string | null; status: string; attempt: number | null; createdAt: string; closedAt: string | null;
  decidedBy: string | null; decisionReason: string | null; applied: number | null;
  submissions: { attempt: number; counted: number; expected: number; variance: number; withinTolerance: boolean; workerId: string | null }[];
}

const signed = (n: number): string => (n > 0 ? `+${n}` : String(n));

/**
 * Cycle counts: a recount beyond tolerance waits for a manager (AWAITING_APPROVAL) and holds its location under count
 * until then. Without this screen that count had no way out in the console: it is approved (the variance is applied)
 * or rejected (nothing is adjusted) here, with a reason, and a count nobody will count is abandoned.
 */
export function Counts({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('AWAITING_APPROVAL');
  const [sku, setSku] = useState('');
  /** The count whose decision form is open, as it was when it opened: it stays on the screen while open (ui/lib/open-row.ts). */
  const [editing, setEditing] = useState<{ count: Count; approve: boolean } | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  /** The SKU of "Count a SKU now". */
  const [toCount, setToCount] = useState('');
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const codes = useData(async () => {
    const locations = await apiAll<{ id: string; code: string }>(`/sites/${ctx.siteId}/locations`, 1000);
    return new Map(locations.map((l) => [l.id, l.code]));
  }, [ctx.siteId]);
  // Read once the user stops typing (or presses Enter): a partial SKU is no unknown SKU yet.
  const [skuTerm, applySku] = useSettled(sku.trim());
  const list = usePaged((cursor) => api<Page<Count>>('GET', `/inventory/counts${qs({ siteId: ctx.siteId, status, sku: skuTerm, limit: 200, cursor })}`),
    [ctx.siteId, status, skuTerm], [version]);
  const kept = withOpenRow(list.items, editing?.count);
  const listError = sku.trim() === skuTerm ? list.error : undefined;
  const where = (c: Count): string => `${c.sku}${c.lot === null ? '' : ` lot ${c.lot}`} at ${codes.data?.get(c.locationId) ?? c.locationId}`;
  const decide = async (c: Count, approve: boolean): Promise<void> => {
    setBusy(true);
    try {
      const r = reason.trim();
      const after = await api<Count>('POST', `/inventory/counts/${c.id}/${approve ? 'approve' : 'reject'}`,
        { idempotencyKey: newKey(), body: r === '' ? {} : { reason: r } });
      setMessage({ ok: true, text: approve
        ? `Count of ${where(c)} approved: on hand changed by ${signed(after.applied ?? 0)}`
        : `Count of ${where(c)} rejected: nothing adjusted, the location is free again` });
      setEditing(undefined);
      setReason('');
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const request = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const wanted = toCount.trim();
    setBusy(true);
    try {
      const opened = await api<{ items: Count[] }>('POST', '/inventory/counts', { idempotencyKey: newKey(), body: { siteId: ctx.siteId, sku: wanted } });
      setMessage({ ok: true, text: `${opened.items.length} count${opened.items.length === 1 ? '' : 's'} of ${wanted} opened: a COUNT task each is queued, their locations are under count until closed` });
      setToCount('');
      // What was just opened is what the manager looks at next.
      setStatus('');
      setSku(wanted);
    } catch (err) {
      setMessage({ ok: false, text: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const actions = (c: Count) => {
    const closed = c.decidedBy === null && c.decisionReason === null ? null : <span className="muted">{c.decisionReason ?? ''}{c.decidedBy === null ? '' : ` (${c.decidedBy})`}</span>;
    const open = c.status === 'AWAITING_APPROVAL' || WAITING.includes(c.status);
    if (ctx.can.plan && editing?.count.id === c.id) {
      const changed = kept.left ? 'no longer listed' : kept.now !== undefined && kept.now.status !== editing.count.status ? `now ${kept.now.status}` : undefined;
      const approve = editing.approve;
      const verb = approve ? 'Approve' : c.status === 'AWAITING_APPROVAL' ? 'Reject' : 'Abandon';
      const last = c.submissions.at(-1);
      const effect = approve
        ? `the variance${last === undefined ? '' : ` (${signed(last.variance)})`} is applied to on-hand stock. It cannot be undone`
        : 'nothing is adjusted and the count closes. It cannot be undone';
      return (
        <form className="inline" onSubmit={(e) => { e.preventDefault(); void decide(c, approve); }}>
          {changed === undefined ? null : <span role="note" className="muted">Changed since this form opened: {changed} (someone may have decided it meanwhile). </span>}
          <span className="muted">{verb}: {effect}.</span>
          <input aria-label={`Reason to ${verb.toLowerCase()} count ${c.id}`} required={!approve} value={reason} onChange={(e) => setReason(e.target.value)}
            placeholder={approve ? 'reason (optional)' : 'reason'} maxLength={500} autoFocus />
          <button type="submit" className="primary" disabled={busy || (!approve && reason.trim() === '')}>{verb} count of {where(c)}</button>
          <button type="button" onClick={() => setEditing(undefined)}>Keep</button>
        </form>
      );
    }
    if (!ctx.can.plan || !open) return closed;
    const start = (approve: boolean): void => {
      setEditing({ count: c, approve });
      setReason('');
    };
    return (
      <span className="actions">
        {c.status === 'AWAITING_APPROVAL' ? <button type="button" onClick={() => start(true)} aria-label={`Approve count ${c.id}…`}>Approve…</button> : null}
        <button type="button" onClick={() => start(false)} aria-label={`${c.status === 'AWAITING_APPROVAL' ? 'Reject' : 'Abandon'} count ${c.id}…`}>
          {c.status === 'AWAITING_APPROVAL' ? 'Reject…' : 'Abandon…'}
        </button>
      </span>
    );
  };
  return (
    <>
      {ctx.can.plan ? (
        <form className="filters" onSubmit={(e) => void request(e)} aria-label="Count a SKU now">
          <label className="field inline">Product code to count now
            <input required pattern="[A-Za-z0-9._\-]{1,64}" title="Letters, digits, . _ - (up to 64)" value={toCount} onChange={(e) => setToCount(e.target.value)} />
          </label>
          <button type="submit" className="primary" disabled={busy}>Count it everywhere</button>
        </form>
      ) : null}
      <div className="filters" role="search">
        <label className="field inline">Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {COUNT_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label className="field inline">SKU
          <input type="search" value={sku} onChange={(e) => setSku(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applySku(); }} placeholder="e.g. MUG-CERAMIC" />
        </label>
      </div>
      {listError === undefined ? null : <p role="alert" className="error">{listError}</p>}
      <LocationsFailed codes={codes} />
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {status === 'AWAITING_APPROVAL' && list.items !== undefined && kept.rows.length === 0 ? <p className="muted">No count waits for a manager at this site.</p> : null}
      <table>
        <caption>{shown(list, 'counts')}</caption>
        <thead><tr><th scope="col">Count</th><th scope="col">Counts</th><th scope="col">Status</th><th scope="col">Submitted</th><th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {kept.rows.map((c) => (
            <tr key={c.id}>
              <td className="mono">{c.id}</td><td>{where(c)}</td><td><Status value={c.status} /></td>
              <td>{c.submissions.length === 0 ? '—' : c.submissions.map((s) => (
                <span key={s.attempt} className="muted">
                  {s.attempt === 1 ? 'count' : 'recount'} {s.counted} of {s.expected} expected ({signed(s.variance)}){s.workerId === null ? '' : ` by ${s.workerId}`}{' '}
                </span>
              ))}</td>
              <td>{when(c.createdAt)}</td><td>{actions(c)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="counts" />
    </>
  );
}
