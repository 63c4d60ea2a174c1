import { useState } from 'react';
import { api, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';

const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
/** Where an order can be put on hold: before a wave takes it (ADR 0052). */
const HOLDABLE = ['RECEIVED', 'ALLOCATED', 'BACKORDERED'];
/** An order can be cancelled at any moment before it ships; the floor withdraws its work. */
const FINAL = ['SHIPPED', 'CANCELLED'];
const TASK_STATUSES = ['QUEUED', 'ASSIGNED', 'IN_PROGRESS', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED'];
const TASK_TYPES = ['PICK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT', 'PACK', 'LOAD'];

function Select(props: { label: string; value: string; options: readonly string[]; onChange: (v: string) => void; any?: string }) {
  return (
    <label className="field inline">{props.label}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.any ?? 'Any'}</option>
        {props.options.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

export function Status({ value }: { value: string }) {
  return <span className={`status s-${value.toLowerCase().replace(/[^a-z_]/g, '')}`}>{value}</span>;
}

interface Order {
  id: string; externalId: string; status: string; priority: number; carrier: string; shipBy: string | null; createdAt?: string; waveId: string | null;
  hold?: { reason: string; from: string; resumeTo: string } | null;
}

export function Orders({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  /** The order whose reason form is open, and for what. */
  const [editing, setEditing] = useState<{ id: string; kind: 'hold' | 'cancel' } | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  // One command at a time: a double click would send a second one that can only be refused (already on hold, …).
  const [busy, setBusy] = useState(false);
  const version = useLiveVersion(ctx.live, ['orders.']);
  const { data, error, reload } = useData(() => api<Page<Order>>('GET', `/orders${qs({ siteId: ctx.siteId, status, externalId: search.trim(), limit: 200 })}`),
    [ctx.siteId, status, search, version]);
  const run = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
      setMessage({ ok: true, text: what });
      setEditing(undefined);
      setReason('');
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      reload();
    }
  };
  const hold = (o: Order): void => {
    void run(`Order ${o.externalId} is on hold: no wave takes it until the hold is released`, () =>
      api('POST', `/orders/${o.id}/hold`, { idempotencyKey: newKey(), body: { reason: reason.trim() } }));
  };
  const cancel = (o: Order): void => {
    void run(`Order ${o.externalId} cancelled: the floor withdraws its picks and puts picked units back`, () =>
      api('POST', `/orders/${o.id}/cancel`, { idempotencyKey: newKey(), body: { reason: reason.trim() } }));
  };
  const release = (o: Order): void => {
    void run(`Order ${o.externalId}: hold released`, () => api('POST', `/orders/${o.id}/release-hold`, { idempotencyKey: newKey() }));
  };
  const open = (id: string, kind: 'hold' | 'cancel'): void => {
    setEditing({ id, kind });
    setReason('');
  };
  const actions = (o: Order) => {
    if (editing?.id === o.id) {
      const cancelling = editing.kind === 'cancel';
      return (
        <form className="inline" onSubmit={(e) => { e.preventDefault(); if (cancelling) cancel(o); else hold(o); }}>
          <input aria-label={`Why ${cancelling ? 'cancel' : 'hold'} ${o.externalId}`} required value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason" maxLength={500} autoFocus />
          <button type="submit" className="primary" disabled={busy || reason.trim() === ''}>{cancelling ? 'Cancel order' : 'Put on hold'}</button>
          <button type="button" onClick={() => setEditing(undefined)}>Keep</button>
        </form>
      );
    }
    // Only the buttons this role may use (a viewer sees none): a button that can only answer 403 is a trap.
    const buttons = [
      ctx.can.intake && o.status === 'ON_HOLD' ? <button key="release" type="button" disabled={busy} onClick={() => release(o)}>Release hold</button> : null,
      ctx.can.intake && HOLDABLE.includes(o.status) ? <button key="hold" type="button" onClick={() => open(o.id, 'hold')}>Hold…</button> : null,
      ctx.can.plan && !FINAL.includes(o.status) ? <button key="cancel" type="button" onClick={() => open(o.id, 'cancel')}>Cancel…</button> : null,
    ].filter((b) => b !== null);
    return buttons.length === 0 ? null : <span className="actions">{buttons}</span>;
  };
  return (
    <>
      <div className="filters" role="search">
        <Select label="Status" value={status} options={ORDER_STATUSES} onChange={setStatus} />
        <label className="field inline">Client order id
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="exact id" />
        </label>
      </div>
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      <table>
        <caption>{data === undefined ? 'Loading…' : `${data.items.length}${data.nextCursor === null ? '' : '+'} orders`}</caption>
        <thead><tr><th scope="col">Order</th><th scope="col">Client id</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Carrier</th><th scope="col">Ship by</th><th scope="col">Wave</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(data?.items ?? []).map((o) => (
            <tr key={o.id}>
              <td className="mono">{o.id}</td><td>{o.externalId}</td>
              <td><Status value={o.status} />{o.hold == null ? null : <span className="muted"> {o.hold.reason}</span>}</td>
              <td>{o.priority}</td><td>{o.carrier}</td><td>{when(o.shipBy)}</td><td className="mono">{o.waveId ?? '—'}</td><td>{actions(o)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface Task { id: string; type: string; status: string; priority: number; workerId: string | null; reference: string; createdAt: string; dueAt: string | null }

export function Tasks({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const version = useLiveVersion(ctx.live, ['tasks.']);
  const { data, error, reload } = useData(() => api<Page<Task>>('GET', `/tasks${qs({ siteId: ctx.siteId, status, type, limit: 200 })}`), [ctx.siteId, status, type, version]);
  /**
   * The way out of a task its worker left (went home, handheld died; TASK_NOT_FINISHED only acknowledges): a supervisor
   * reports it failed, which puts it back in the queue below the failure limit; a FAILED one is requeued.
   */
  const act = async (t: Task): Promise<void> => {
    setBusy(true);
    try {
      const after = t.status === 'FAILED'
        ? await api<Task>('POST', `/tasks/${t.id}/requeue`, { idempotencyKey: newKey(), body: { note: 'Requeued from the console' } })
        : await api<Task>('POST', `/tasks/${t.id}/fail`, { idempotencyKey: newKey(), body: { reason: 'OTHER', note: `Sent back to the queue from the console (held by ${t.workerId ?? 'nobody'})` } });
      // At the failure limit a fail leaves the task FAILED (exception TASK_FAILED) instead of queueing it: say so.
      setMessage(after.status === 'FAILED'
        ? { ok: false, text: `Task ${t.id} has failed as often as allowed: it stays FAILED (exception TASK_FAILED). Requeue it once the cause is fixed` }
        : { ok: true, text: `Task ${t.id} is back in the queue` });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      reload();
    }
  };
  const action = (t: Task) => {
    if (!ctx.can.plan) return null;
    if (t.status === 'FAILED') return <button type="button" disabled={busy} onClick={() => void act(t)} aria-label={`Requeue ${t.id}`}>Requeue</button>;
    if (t.status === 'IN_PROGRESS' || t.status === 'PAUSED') {
      return <button type="button" disabled={busy} onClick={() => void act(t)} aria-label={`Back to the queue ${t.id}`}>Back to the queue</button>;
    }
    return null;
  };
  return (
    <>
      <div className="filters" role="search">
        <Select label="Status" value={status} options={TASK_STATUSES} onChange={setStatus} />
        <Select label="Type" value={type} options={TASK_TYPES} onChange={setType} />
      </div>
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      <table>
        <caption>{data === undefined ? 'Loading…' : `${data.items.length}${data.nextCursor === null ? '' : '+'} tasks`}</caption>
        <thead><tr><th scope="col">Task</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Worker</th><th scope="col">Works on</th><th scope="col">Due</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(data?.items ?? []).map((t) => (
            <tr key={t.id}><td className="mono">{t.id}</td><td>{t.type}</td><td><Status value={t.status} /></td><td>{t.priority}</td><td>{t.workerId ?? '—'}</td><td className="mono">{t.reference}</td><td>{when(t.dueAt)}</td><td>{action(t)}</td></tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface Balance { sku: string; locationId: string; lot: string | null; status: string; onHand: number; reserved: number; available: number; expiresOn: string | null }

export function Inventory({ ctx }: { ctx: Ctx }) {
  const [sku, setSku] = useState('');
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const codes = useData(async () => {
    const page = await api<Page<{ id: string; code: string }>>('GET', `/sites/${ctx.siteId}/locations?limit=1000`).catch(() => ({ items: [], nextCursor: null }));
    return new Map(page.items.map((l) => [l.id, l.code]));
  }, [ctx.siteId]);
  const { data, error } = useData(() => api<Page<Balance>>('GET', `/inventory/balances${qs({ siteId: ctx.siteId, sku: sku.trim(), limit: 500 })}`), [ctx.siteId, sku, version]);
  return (
    <>
      <div className="filters" role="search">
        <label className="field inline">SKU
          <input type="search" value={sku} onChange={(e) => setSku(e.target.value)} placeholder="e.g. MUG-CERAMIC" />
        </label>
      </div>
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      <table>
        <caption>{data === undefined ? 'Loading…' : `${data.items.length}${data.nextCursor === null ? '' : '+'} balances`}</caption>
        <thead><tr><th scope="col">SKU</th><th scope="col">Location</th><th scope="col">Lot</th><th scope="col">Status</th><th scope="col" className="num">On hand</th><th scope="col" className="num">Reserved</th><th scope="col" className="num">Available</th><th scope="col">Expires</th></tr></thead>
        <tbody>
          {(data?.items ?? []).map((b) => (
            <tr key={`${b.sku}|${b.locationId}|${b.lot ?? ''}|${b.status}`}>
              <td>{b.sku}</td><td className="mono">{codes.data?.get(b.locationId) ?? b.locationId}</td><td>{b.lot ?? '—'}</td><td>{b.status}</td>
              <td className="num">{b.onHand}</td><td className="num">{b.reserved}</td><td className="num">{b.available}</td><td>{b.expiresOn ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

interface ExceptionRow { id: string; kind: string; subject: string; reason: string; actions: string[]; status: string; raisedAt: string; resolution: string | null }

export function Exceptions({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('OPEN');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const version = useLiveVersion(ctx.live, ['orchestration.']);
  const { data, error, reload } = useData(() => api<Page<ExceptionRow>>('GET', `/exceptions${qs({ siteId: ctx.siteId, status, limit: 200 })}`), [ctx.siteId, status, version]);
  const act = async (x: ExceptionRow, action: string): Promise<void> => {
    setBusy(true);
    try {
      await api('POST', `/exceptions/${x.id}/actions/${action}`, { idempotencyKey: newKey() });
      setMessage({ ok: true, text: `${action}: done for ${x.subject}` });
    } catch (e) {
      setMessage({ ok: false, text: `${action} failed: ${e instanceof ApiError ? `${e.code} — ${e.message}` : String(e)}` });
    }
    setBusy(false);
    reload();
  };
  return (
    <>
      <div className="filters" role="search">
        <Select label="Status" value={status} options={['OPEN', 'RESOLVED']} onChange={setStatus} />
      </div>
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      <table>
        <caption>{data === undefined ? 'Loading…' : `${data.items.length} exceptions`}</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">About</th><th scope="col">Reason</th><th scope="col">Raised</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(data?.items ?? []).map((x) => (
            <tr key={x.id}>
              <td>{x.kind}</td><td className="mono">{x.subject}</td><td>{x.reason}</td><td>{when(x.raisedAt)}</td><td><Status value={x.status} /></td>
              <td className="actions">{x.status === 'OPEN' ? (!ctx.can.plan ? '—' : x.actions.map((a) => (
                <button key={a} type="button" disabled={busy} onClick={() => void act(x, a)} aria-label={`${a} ${x.subject}`}>{a}</button>
              ))) : (x.resolution ?? '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
