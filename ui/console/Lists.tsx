import { useState } from 'react';
import { api, apiAll, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion, usePaged, useSettled, type Paged } from '../lib/hooks.ts';
import { counted } from '../lib/words.ts';
import { ACTION_WORDS, FINAL_ORDER_STATUSES, when, type Ctx } from './ctx.ts';
import { ImportOrders } from './ImportOrders.tsx';
import { NewOrder } from './NewOrder.tsx';
import { OrderLink, PutawayLink } from './links.tsx';

const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
/** Where an order can be put on hold: before a wave takes it (ADR 0052). */
const HOLDABLE = ['RECEIVED', 'ALLOCATED', 'BACKORDERED'];
/** An order can be cancelled at any moment before it ships; the floor withdraws its work. */
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

/** Rows read per page of a console list; "Load more" reads the next page of that many. */
const PAGE = 200;

/** A list's caption: how many rows it shows, and that there are more when the API has rows past them. */
export function shown(list: Paged<unknown>, noun: string): string {
  if (list.items === undefined) return list.error === undefined ? 'Loading…' : `No ${noun} read`;
  const n = list.items.length;
  return list.more ? `Showing the first ${n} ${noun}: there are more (Load more below)` : counted(n, noun);
}

/** Under a cut list: the way to the rest of it. */
export function LoadMore({ list, noun }: { list: Paged<unknown>; noun: string }) {
  if (list.items === undefined || !list.more) return null;
  return (
    <p className="more">
      {list.items.length} {noun} shown, more to come.{' '}
      <button type="button" disabled={list.loadingMore} onClick={list.loadMore}>{list.loadingMore ? 'Loading…' : `Load more ${noun}`}</button>
    </p>
  );
}

/**
 * The site's locations (their codes) could not be read: said, with a way to read them again. The screen shows location
 * ids meanwhile, and a location filter typed as a code is not applied (it cannot be known), nor said unknown.
 */
export function LocationsFailed({ codes }: { codes: { error: string | undefined; loading: boolean; reload: () => void } }) {
  if (codes.error === undefined) return null;
  return (
    <p role="alert" className="error">
      Could not read the site&apos;s locations: {codes.error}. Locations show as ids.{' '}
      <button type="button" disabled={codes.loading} onClick={codes.reload}>{codes.loading ? 'Loading…' : 'Read the locations again'}</button>
    </p>
  );
}

/**
 * The owners (3PL clients) could not be read on a form that asks whose units they are: said, with a way to read them
 * again. Without them the form offers no owner, and what it sends goes to the default owner — not to be done unknowingly.
 */
export function OwnersFailed({ owners }: { owners: { error: string | undefined; loading: boolean; reload: () => void } }) {
  if (owners.error === undefined) return null;
  return (
    <p role="alert" className="error">
      Could not read the owners: {owners.error}. Until they are read no owner can be chosen: this goes to the default owner.{' '}
      <button type="button" disabled={owners.loading} onClick={owners.reload}>{owners.loading ? 'Loading…' : 'Read the owners again'}</button>
    </p>
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
  /** The New order form is open. */
  const [creating, setCreating] = useState(false);
  /** The Import orders (CSV) form is open. */
  const [importing, setImporting] = useState(false);
  const version = useLiveVersion(ctx.live, ['orders.']);
  // The search takes the client's id or PakLog's own (ord_…, the first column): a new user pastes either.
  const term = search.trim();
  const byId = /^ord_[A-Za-z0-9]+$/.test(term);
  const list = usePaged((cursor) => api<Page<Order>>('GET', `/orders${qs({ siteId: ctx.siteId, status, ...(byId ? { ids: term } : { externalId: term }), limit: PAGE, cursor })}`),
    [ctx.siteId, status, search], [version]);
  const { error, reload } = list;
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
    void run(`Order ${o.externalId} cancelled: its open picks are withdrawn; units already picked go back to a shelf by a Return to stock task`, () =>
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
      ctx.can.plan && !FINAL_ORDER_STATUSES.includes(o.status) ? <button key="cancel" type="button" onClick={() => open(o.id, 'cancel')}>Cancel…</button> : null,
    ].filter((b) => b !== null);
    return buttons.length === 0 ? null : <span className="actions">{buttons}</span>;
  };
  const created = (externalId: string, orderStatus: string): void => {
    setCreating(false);
    setMessage({ ok: true, text: `Order ${externalId} received: ${orderStatus}` });
    // The new order is what the manager looks for next: the list shows it.
    setStatus('');
    setSearch(externalId);
    reload();
  };
  return (
    <>
      {creating ? <NewOrder ctx={ctx} onCreated={created} onClose={() => setCreating(false)} /> : null}
      {importing ? <ImportOrders ctx={ctx} onImported={() => { setStatus(''); setSearch(''); reload(); }} onClose={() => setImporting(false)} /> : null}
      {creating || importing || !ctx.can.intake ? null : (
        <p className="actions">
          <button type="button" className="primary" onClick={() => { setCreating(true); setMessage(undefined); }}>New order…</button>
          <button type="button" onClick={() => { setImporting(true); setMessage(undefined); }}>Import orders (CSV)…</button>
        </p>
      )}
      <div className="filters" role="search">
        <Select label="Status" value={status} options={ORDER_STATUSES} onChange={setStatus} />
        <label className="field inline">Client order id
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="exact id" aria-describedby="order-search-hint" />
        </label>
        <small id="order-search-hint" className="muted">or PakLog&apos;s order id (ord_…)</small>
      </div>
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      <table>
        <caption>{shown(list, 'orders')}</caption>
        <thead><tr><th scope="col">Order</th><th scope="col">Client id</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Carrier</th><th scope="col">Ship by</th><th scope="col">Wave</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(list.items ?? []).map((o) => (
            <tr key={o.id}>
              <td><OrderLink id={o.id} /></td><td>{o.externalId}</td>
              <td><Status value={o.status} />{o.hold == null ? null : <span className="muted"> {o.hold.reason}</span>}</td>
              <td>{o.priority}</td><td>{o.carrier}</td><td>{when(o.shipBy)}</td><td className="mono">{o.waveId ?? '—'}</td><td>{actions(o)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="orders" />
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
  const list = usePaged((cursor) => api<Page<Task>>('GET', `/tasks${qs({ siteId: ctx.siteId, status, type, limit: PAGE, cursor })}`), [ctx.siteId, status, type], [version]);
  const { error, reload } = list;
  // The client's order ids (DEMO-1001) of the orders the tasks work on (a PACK task's reference is its order), read
  // with the site: the link to the order's screen is named by the id a manager knows, as on the other screens.
  const orderIds = [...new Set((list.items ?? []).map((x) => x.reference).filter((r) => r.startsWith('ord_')))];
  const orderIdsKey = orderIds.join(',');
  const refs = useData(async () => {
    const batches = Array.from({ length: Math.ceil(orderIds.length / 100) }, (_, i) => orderIds.slice(i * 100, (i + 1) * 100));
    const pages = await Promise.all(batches.map((ids) => api<Page<{ id: string; externalId: string }>>('GET', `/orders${qs({ siteId: ctx.siteId, ids: ids.join(','), limit: 100 })}`)));
    return new Map(pages.flatMap((p) => p.items.map((o) => [o.id, o.externalId] as const)));
  }, [ctx.siteId, orderIdsKey]);
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
        <caption>{shown(list, 'tasks')}</caption>
        <thead><tr><th scope="col">Task</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Worker</th><th scope="col">Works on</th><th scope="col">Due</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(list.items ?? []).map((t) => (
            <tr key={t.id}><td className="mono">{t.id}</td><td>{t.type}</td><td><Status value={t.status} /></td><td>{t.priority}</td><td>{t.workerId ?? '—'}</td>
              <td>{t.reference.startsWith('ord_') ? <OrderLink id={t.reference} reference={refs.data?.get(t.reference)} />
                : t.reference.startsWith('put_') ? <PutawayLink id={t.reference} /> : <span className="mono">{t.reference}</span>}</td><td>{when(t.dueAt)}</td><td>{action(t)}</td></tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="tasks" />
    </>
  );
}

interface Balance { sku: string; locationId: string; lot: string | null; status: string; onHand: number; reserved: number; available: number; expiresOn: string | null }

/**
 * A balance's status in words: the API's `available` is on hand − reserved whatever the status, so a DAMAGED row or an
 * order's tote showed units "available" that no order can have. Only AVAILABLE units are stock to allocate; held ones
 * wait for a release, in-process ones (picked, not shipped: IN_PROCESS:<order>) are the order's.
 */
function BalanceStatus({ status }: { status: string }) {
  if (status === 'AVAILABLE') return <>AVAILABLE</>;
  const order = /^IN_PROCESS:(.+)$/.exec(status)?.[1];
  if (order !== undefined) return <>IN_PROCESS <span className="muted">(picked for order <OrderLink id={order} />: not stock to allocate)</span></>;
  return <>{status} <span className="muted">(held: not stock to allocate until released)</span></>;
}

export function Inventory({ ctx }: { ctx: Ctx }) {
  const [sku, setSku] = useState('');
  const [location, setLocation] = useState('');
  const version = useLiveVersion(ctx.live, ['inventory.']);
  const codes = useData(async () => {
    // Every location of the site (a big site has more than a page); without them the table shows location ids.
    const locations = await apiAll<{ id: string; code: string }>(`/sites/${ctx.siteId}/locations`, 1000);
    return { codes: new Map(locations.map((l) => [l.id, l.code])), ids: new Map(locations.map((l) => [l.code.toLowerCase(), l.id])) };
  }, [ctx.siteId]);
  // Read once the user stops typing (or presses Enter): a partial SKU is no unknown SKU yet.
  const [skuTerm, applySku] = useSettled(sku.trim());
  // What is in a location: its code as on the label (or its id, loc_…), as on the Stock holds screen.
  const [term, applyLocation] = useSettled(location.trim());
  const locationId = term === '' ? undefined : /^loc_/.test(term) ? term : codes.data?.ids.get(term.toLowerCase());
  const unknownLocation = term !== '' && locationId === undefined && codes.data !== undefined;
  const codesPending = term !== '' && locationId === undefined && codes.data === undefined;
  const list = usePaged(async (cursor) => (unknownLocation || codesPending
    ? { items: [], nextCursor: null }
    : api<Page<Balance>>('GET', `/inventory/balances${qs({ siteId: ctx.siteId, sku: skuTerm, locationId, limit: 500, cursor })}`)),
  [ctx.siteId, skuTerm, locationId, unknownLocation, codesPending], [version]);
  const typing = sku.trim() !== skuTerm || location.trim() !== term;
  const error = typing ? undefined : list.error;
  return (
    <>
      <div className="filters" role="search">
        <label className="field inline">SKU
          <input type="search" value={sku} onChange={(e) => setSku(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applySku(); }} placeholder="e.g. MUG-CERAMIC" />
        </label>
        <label className="field inline">Location
          <input type="search" value={location} onChange={(e) => setLocation(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applyLocation(); }} placeholder="code" />
        </label>
      </div>
      {unknownLocation && !typing ? <p className="muted">No location {term} at this site.</p> : null}
      <LocationsFailed codes={codes} />
      {error === undefined ? null : <p role="alert" className="error">{error}</p>}
      <p className="muted">
        Unreserved is on hand − reserved (the API&apos;s <code>available</code>) in every row: only AVAILABLE rows are stock an order
        may be given; held units (HOLD, QUARANTINE, DAMAGED) wait for a release, and IN_PROCESS ones are picked for their order.
      </p>
      <table>
        <caption>{shown(list, 'balances')}</caption>
        <thead><tr><th scope="col">SKU</th><th scope="col">Location</th><th scope="col">Lot</th><th scope="col">Status</th><th scope="col" className="num">On hand</th><th scope="col" className="num">Reserved</th><th scope="col" className="num" title="On hand − reserved (the API's available), whatever the status">Unreserved</th><th scope="col">Expires</th></tr></thead>
        <tbody>
          {(list.items ?? []).map((b) => (
            <tr key={`${b.sku}|${b.locationId}|${b.lot ?? ''}|${b.status}`}>
              <td>{b.sku}</td><td className="mono">{codes.data?.codes.get(b.locationId) ?? b.locationId}</td><td>{b.lot ?? '—'}</td><td><BalanceStatus status={b.status} /></td>
              <td className="num">{b.onHand}</td><td className="num">{b.reserved}</td><td className="num">{b.available}</td><td>{b.expiresOn ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="balances" />
    </>
  );
}

/** Exception actions that cannot be undone: the screen says what they do and asks again before sending them. */
const IRREVERSIBLE: Readonly<Record<string, string>> = {
  cancel: 'cancels the order: its open picks are withdrawn; units already picked go back to a shelf by a Return to stock task. It cannot be undone',
  discard: 'drops the event for good: its consumer never applies it. It cannot be undone',
};

interface ExceptionRow {
  id: string; kind: string; subject: string; reason: string; actions: string[]; status: string; raisedAt: string; resolution: string | null;
  details?: Record<string, unknown>;
}
/** The putaway a task's exception is about (its details' reference, put_…): linked, so a manager can cancel it there. */
const putawayOf = (x: ExceptionRow): string | undefined => {
  const ref = x.details?.['reference'];
  return typeof ref === 'string' && ref.startsWith('put_') ? ref : undefined;
};

export function Exceptions({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('OPEN');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  /** An irreversible action asked for, waiting for its confirmation. */
  const [confirming, setConfirming] = useState<{ id: string; action: string } | undefined>(undefined);
  const version = useLiveVersion(ctx.live, ['orchestration.']);
  const list = usePaged((cursor) => api<Page<ExceptionRow>>('GET', `/exceptions${qs({ siteId: ctx.siteId, status, limit: PAGE, cursor })}`), [ctx.siteId, status], [version]);
  const { error, reload } = list;
  const act = async (x: ExceptionRow, action: string): Promise<void> => {
    setConfirming(undefined);
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
        <caption>{shown(list, 'exceptions')}</caption>
        <thead><tr><th scope="col">Kind</th><th scope="col">About</th><th scope="col">Reason</th><th scope="col">Raised</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(list.items ?? []).map((x) => (
            <tr key={x.id}>
              <td>{x.kind}</td><td>{x.subject.startsWith('ord_') ? <OrderLink id={x.subject} /> : <span className="mono">{x.subject}</span>}
                {putawayOf(x) === undefined ? null : <> (putaway <PutawayLink id={putawayOf(x)!} />)</>}</td><td>{x.reason}</td><td>{when(x.raisedAt)}</td><td><Status value={x.status} /></td>
              <td className="actions">{x.status === 'OPEN' ? (!ctx.can.plan ? '—' : confirming?.id === x.id ? (
                <>
                  <span className="muted">{confirming.action} {IRREVERSIBLE[confirming.action]}.</span>
                  <button type="button" className="primary" disabled={busy} onClick={() => void act(x, confirming.action)}>Yes, {confirming.action} {x.subject}</button>
                  <button type="button" onClick={() => setConfirming(undefined)}>Keep</button>
                </>
              ) : (
                <>
                  {x.actions.map((a) => (
                    <button key={a} type="button" disabled={busy} aria-label={`${a} ${x.subject}`}
                      onClick={() => (IRREVERSIBLE[a] === undefined ? void act(x, a) : setConfirming({ id: x.id, action: a }))}>{a}{IRREVERSIBLE[a] === undefined ? '' : '…'}</button>
                  ))}
                  {/* What each button does, before it is pressed (a reversible one is sent at once). */}
                  <small className="muted">{x.actions.map((a) => ACTION_WORDS[a] ?? a).join('. ')}.</small>
                </>
              )) : (x.resolution ?? '—')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="exceptions" />
    </>
  );
}
