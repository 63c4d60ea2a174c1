import { useState } from 'react';
import { api, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useLiveVersion, usePaged } from '../lib/hooks.ts';
import { withOpenRow } from '../lib/open-row.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, shown, Status } from './Lists.tsx';

const HOLD_STATUSES = ['HELD', 'NONE', 'RELEASED', 'SCRAPPED', 'RETURNED'];
const INSPECTION_STATUSES = ['OPEN', 'PASSED', 'FAILED', 'CANCELLED'];
/**
 * What a held target can become (POST /inspections/{id}/disposition): back to stock, or out of it. The words are the
 * inspection's: a receiving (or picking) inspection holds units of stock, a packing one a package (quality.md §4); a
 * package is not returned to a vendor (422), so it is not offered.
 */
const DISPOSITIONS = [
  ['RELEASE', 'Release'], ['REWORK', 'Rework'], ['SCRAP', 'Scrap'], ['RETURN_TO_VENDOR', 'Return to vendor'],
] as const;
type Disposition = (typeof DISPOSITIONS)[number][0];
const isPackage = (i: Pick<Inspection, 'stage' | 'target'>): boolean => i.target.kind === 'PACKAGE' || i.stage === 'PACKING';
/** What a disposition does to this inspection's target, as said before and after it is sent. */
const effectOf = (i: Pick<Inspection, 'stage' | 'target'>, d: Disposition): string => {
  if (isPackage(i)) {
    switch (d) {
      case 'RELEASE': return 'the package may ship';
      case 'REWORK': return 'reworked (resealed, repacked in place): the package may ship';
      case 'SCRAP': return 'the carton never ships: repack the order\'s units in a new package';
      case 'RETURN_TO_VENDOR': return 'a package is not returned to a vendor';
    }
  }
  const dock = i.stage === 'RECEIVING' ? ' (units still at the receiving location get a putaway)' : '';
  switch (d) {
    case 'RELEASE': return `the units go back to available stock${dock}`;
    case 'REWORK': return `reworked: the units go back to available stock${dock}`;
    case 'SCRAP': return 'the units leave stock for good';
    case 'RETURN_TO_VENDOR': return 'the units leave stock, back to the supplier';
  }
};
const dispositionsOf = (i: Inspection) => DISPOSITIONS.filter(([code]) => !(isPackage(i) && code === 'RETURN_TO_VENDOR'));
type ChecklistItem = Inspection['checklist'][number];

/** Whether the inspector's answer fails the item: "fail" chosen, or a measure outside its range. */
const fails = (c: ChecklistItem, answer: string | undefined): boolean => {
  if (answer === undefined || answer === '') return false;
  if (c.kind === 'PASS_FAIL') return answer === 'fail';
  const v = Number(answer);
  return (c.min !== null && v < c.min) || (c.max !== null && v > c.max);
};

interface Inspection {
  id: string; stage: string; sourceRef: string; status: string; holdStatus: string; disposition: string | null; dispositionNote: string | null;
  target: { kind: string; sku: string | null; skus: string[]; quantity: number; lot: string | null; packageId: string | null; orderId: string | null };
  defects: number | null; sampleSize: number; acceptance: number; openedAt: string; completedAt: string | null;
  checklist: ({ code: string; label: string; kind: 'PASS_FAIL' } | { code: string; label: string; kind: 'MEASURE'; unit: string | null; min: number | null; max: number | null })[];
}

const what = (i: Inspection): string => (i.target.kind === 'PACKAGE'
  ? `package ${i.target.packageId ?? '?'}${i.target.orderId === null ? '' : ` of order ${i.target.orderId}`}`
  : `${i.target.quantity} × ${i.target.sku ?? i.target.skus.join(', ')}${i.target.lot === null ? '' : ` lot ${i.target.lot}`}`);

/**
 * What the Holds column says: the target only while it is HELD. An OPEN inspection holds nothing yet (its units stay
 * available until it fails), and a passed or disposed one nothing any more; the target is said beside, as inspected.
 */
const holds = (i: Inspection): string => (i.holdStatus === 'HELD' ? what(i)
  : i.status === 'OPEN' ? `Nothing yet (inspects ${what(i)})`
    : i.status === 'CANCELLED' ? `Nothing (withdrawn: ${what(i)} is gone)` : `Nothing (inspected ${what(i)})`);

/**
 * Quality holds: what a failed inspection holds (stock out of ATP, a package that cannot ship) until a manager disposes
 * of it. Without this screen the hold had no way out in the console.
 */
export function Quality({ ctx }: { ctx: Ctx }) {
  const [hold, setHold] = useState('HELD');
  const [status, setStatus] = useState('');
  /**
   * The held lot whose disposition is being written, as it was when its form opened: it stays on the screen while the
   * form is open even when a live update takes it off the list (someone disposed of it meanwhile), so the note typed is
   * kept and the refusal, if it comes, is said next to it.
   */
  const [editing, setEditing] = useState<{ inspection: Inspection; disposition: Disposition } | undefined>(undefined);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  /** The OPEN inspection whose checklist is being filled in, and the answers so far (by item code). */
  const [recording, setRecording] = useState<string | undefined>(undefined);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  /** Sampled units failing each failed item (by item code): an AQL sample passes with up to Ac of them, so one is not all. */
  const [failing, setFailing] = useState<Record<string, string>>({});
  const [inspector, setInspector] = useState(ctx.me.name);
  const version = useLiveVersion(ctx.live, ['quality.']);
  const list = usePaged((cursor) => api<Page<Inspection>>('GET', `/inspections${qs({ siteId: ctx.siteId, holdStatus: hold, status, limit: 200, cursor })}`),
    [ctx.siteId, hold, status], [version]);
  const open = withOpenRow(list.items, editing?.inspection);
  const rows = open.rows;
  const dispose = async (i: Inspection, d: Disposition): Promise<void> => {
    setBusy(true);
    try {
      await api('POST', `/inspections/${i.id}/disposition`, { idempotencyKey: newKey(), body: { disposition: d, ...(note.trim() === '' ? {} : { note: note.trim() }) } });
      const [, label] = DISPOSITIONS.find(([code]) => code === d)!;
      setMessage({ ok: true, text: `${label}: ${what(i)} — ${effectOf(i, d)}` });
      setEditing(undefined);
      setNote('');
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const record = async (i: Inspection): Promise<void> => {
    setBusy(true);
    try {
      const items = i.checklist.map((c) => {
        const defects = fails(c, answers[c.code]) ? { defects: Number(failing[c.code] ?? '1') } : {};
        return c.kind === 'PASS_FAIL' ? { code: c.code, passed: answers[c.code] === 'pass', ...defects } : { code: c.code, value: Number(answers[c.code]), ...defects };
      });
      const after = await api<Inspection>('POST', `/inspections/${i.id}/results`, { idempotencyKey: newKey(), body: { inspector: inspector.trim(), items } });
      setMessage(after.status === 'PASSED'
        ? { ok: true, text: `Inspection of ${what(i)} PASSED: nothing is held` }
        : { ok: false, text: `Inspection of ${what(i)} FAILED: it is held until disposed of (Hold: HELD, listed below with its dispositions)` });
      // A failed one leaves the list of open inspections the manager was on ("0 inspections"): the held ones show it,
      // with the release, rework, scrap and return buttons it now needs.
      if (after.status !== 'PASSED') {
        setHold('HELD');
        setStatus('');
      }
      setRecording(undefined);
      setAnswers({});
      setFailing({});
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const results = (i: Inspection) => (
    <form onSubmit={(e) => { e.preventDefault(); void record(i); }} aria-label={`Results of ${i.id}`}>
      <p className="muted">
        Sample: {i.sampleSize} unit{i.sampleSize === 1 ? '' : 's'}; it passes with at most {i.acceptance} defect{i.acceptance === 1 ? '' : 's'} in all
        (a defect: one sampled unit failing one item).
      </p>
      <label className="field">Inspector
        <input required maxLength={100} value={inspector} onChange={(e) => setInspector(e.target.value)} />
      </label>
      {i.checklist.map((c) => (
        <span key={c.code}>
          {c.kind === 'PASS_FAIL' ? (
            <label className="field">{c.label}
              <select required value={answers[c.code] ?? ''} onChange={(e) => setAnswers((a) => ({ ...a, [c.code]: e.target.value }))}>
                <option value="">Choose…</option><option value="pass">Pass</option><option value="fail">Fail</option>
              </select>
            </label>
          ) : (
            <label className="field">{c.label}{c.unit === null ? '' : ` (${c.unit})`}{c.min === null && c.max === null ? '' : `, ${c.min ?? '…'} to ${c.max ?? '…'}`}
              <input type="number" step="any" required value={answers[c.code] ?? ''} onChange={(e) => setAnswers((a) => ({ ...a, [c.code]: e.target.value }))} />
            </label>
          )}
          {fails(c, answers[c.code]) && i.sampleSize > 1 ? (
            <label className="field">Sampled units failing “{c.label}” (of {i.sampleSize})
              <input type="number" required min={1} max={i.sampleSize} step={1} value={failing[c.code] ?? '1'}
                onChange={(e) => setFailing((f) => ({ ...f, [c.code]: e.target.value }))} />
            </label>
          ) : null}
        </span>
      ))}
      <span className="actions">
        <button type="submit" className="primary" disabled={busy}>Record results of {i.id}</button>
        <button type="button" onClick={() => setRecording(undefined)}>Not now</button>
      </span>
    </form>
  );
  const actions = (i: Inspection) => {
    // An OPEN inspection waits for its checklist: recorded here (else it had no way forward in the console).
    if (ctx.can.plan && i.status === 'OPEN') {
      return recording === i.id ? results(i) : (
        <button type="button" onClick={() => { setRecording(i.id); setAnswers({}); setFailing({}); setMessage(undefined); }} aria-label={`Record results of ${i.id}…`}>Record results…</button>
      );
    }
    if (ctx.can.plan && editing?.inspection.id === i.id) {
      const [, label] = DISPOSITIONS.find(([code]) => code === editing.disposition)!;
      const effect = effectOf(i, editing.disposition);
      return (
        <form className="inline" onSubmit={(e) => { e.preventDefault(); void dispose(i, editing.disposition); }}>
          {open.left || (open.now !== undefined && open.now.holdStatus !== 'HELD') ? (
            <span role="note" className="muted">Changed since this form opened: {open.now === undefined ? 'no longer listed' : `now ${open.now.holdStatus}`} (someone may have disposed of it meanwhile). </span>
          ) : null}
          <span className="muted">{effect}.</span>
          <input aria-label={`Note on ${label.toLowerCase()} of ${i.id}`} value={note} onChange={(e) => setNote(e.target.value)} placeholder="note (optional)" maxLength={500} autoFocus />
          <button type="submit" className="primary" disabled={busy}>{label} {what(i)}</button>
          <button type="button" onClick={() => setEditing(undefined)}>Keep held</button>
        </form>
      );
    }
    if (!ctx.can.plan || i.holdStatus !== 'HELD') return i.disposition === null ? null : <span className="muted">{i.disposition}{i.dispositionNote === null ? '' : `: ${i.dispositionNote}`}</span>;
    return (
      <span className="actions">
        {dispositionsOf(i).map(([code, label]) => (
          <button key={code} type="button" onClick={() => { setEditing({ inspection: i, disposition: code }); setNote(''); setMessage(undefined); }} aria-label={`${label} ${i.id}…`}>{label}…</button>
        ))}
      </span>
    );
  };
  return (
    <>
      <div className="filters" role="search">
        <label className="field inline">Hold
          <select value={hold} onChange={(e) => setHold(e.target.value)}>
            <option value="">Any</option>
            {HOLD_STATUSES.map((h) => <option key={h} value={h}>{h}</option>)}
          </select>
        </label>
        <label className="field inline">Inspection
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">Any</option>
            {INSPECTION_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
      </div>
      {status === 'OPEN' ? null : (
        <p><button type="button" onClick={() => { setHold(''); setStatus('OPEN'); }}>Show open inspections (waiting for results)</button></p>
      )}
      {list.error === undefined ? null : <p role="alert" className="error">{list.error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {hold === 'HELD' && list.items !== undefined && rows.length === 0 ? <p className="muted">Nothing is held by a failed inspection at this site.</p> : null}
      <table>
        <caption>{shown(list, 'inspections')}</caption>
        <thead><tr><th scope="col">Inspection</th><th scope="col">Stage</th><th scope="col">Holds</th><th scope="col">Result</th><th scope="col">Hold</th><th scope="col">Completed</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {rows.map((i) => (
            <tr key={i.id}>
              <td className="mono">{i.id}</td><td>{i.stage}</td><td>{holds(i)}</td>
              <td><Status value={i.status} />{i.defects === null ? null : <span className="muted"> {i.defects} defect{i.defects === 1 ? '' : 's'} in {i.sampleSize}</span>}</td>
              <td><Status value={i.holdStatus} /></td><td>{when(i.completedAt)}</td><td>{actions(i)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="inspections" />
    </>
  );
}
