import { useEffect, useRef, useState } from 'react';
import { api, apiAll, ApiError, newKey, qs } from '../lib/api.ts';
import { useData, useLiveVersion } from '../lib/hooks.ts';
import type { PackShortAnswer } from '../lib/pack-short.ts';
import { ACTION_WORDS, FINAL_ORDER_STATUSES as FINAL, when, type Ctx } from './ctx.ts';
import { Status } from './Lists.tsx';

/** Where an order can be put on hold: before a wave takes it (ADR 0052). */
export const HOLDABLE = ['RECEIVED', 'ALLOCATED', 'BACKORDERED'];
/** An order can be cancelled at any moment before it ships; the floor withdraws its work. */
/**
 * Where units of a line can be cancelled (POST /orders/{id}/lines/{lineId}/cancel): before a wave takes the order and
 * with no short pick waiting, as for a change of its lines (ADR 0046 addendum 2026-12-05). Held: release the hold first.
 */
export const LINES_CANCELLABLE = ['RECEIVED', 'ALLOCATED', 'BACKORDERED'];

interface Line { id: string; lineNo: number; sku: string; ordered: number; allocated: number; picked: number; shorted: number; packed: number; shipped: number; cancelled: number; shortAtPack: number }
interface Order {
  id: string; externalId: string; siteId: string; ownerId: string; carrier: string; priority: number; shipBy: string | null; status: string;
  waveId: string | null; cancelReason: string | null; shipComplete: boolean; backorderReason: string | null; createdAt: string; updatedAt: string;
  shipTo: { name: string; company?: string; line1: string; line2?: string; line3?: string; city: string; state?: string; postalCode: string; country: string };
  hold: { reason: string; from: string; resumeTo: string } | null;
  lines: Line[];
  statusHistory: { from: string | null; to: string; at: string; cause: string | null }[];
}
interface Shipment {
  id: string; carrier: string; service: string; status: string; trackingNumber: string | null; packageIds: string[];
  createdAt: string; labelledAt: string | null; dispatchedAt: string | null; deliveredAt: string | null; voidedAt: string | null;
}
interface ExceptionRow { id: string; kind: string; subject: string; reason: string; actions: string[]; status: string; raisedAt: string }
/** An event of the order (GET /api/v1/events, CloudEvents envelopes): who caused it is in its actor extensions. */
interface EventEnvelope { id: string; type: string; time: string; actorid?: string; actorkind?: string; actorrole?: string }

/** What each command does, said before it is sent (the confirmation) and after (the outcome). */
type Command = { kind: 'hold' } | { kind: 'cancel' } | { kind: 'release' } | { kind: 'reprioritise' } | { kind: 'exception'; exception: ExceptionRow; action: string }
  | { kind: 'cancel-line'; line: Line } | { kind: 'short-at-pack'; line: Line };

/** A line's open units: ordered and neither shipped nor cancelled (what a line cancel may take). */
const openUnits = (l: Line): number => l.ordered - l.shipped - l.cancelled - l.shortAtPack;
/**
 * What a backordered order (not after a short pick) waits for, in words: the lines not allocated — each is allocated
 * whole or not at all (ADR 0008) — and the ways on. It said BACKORDERED and nothing more (walk10).
 */
function backorderWords(lines: readonly Line[], canPlan: boolean): string {
  const waiting = lines.filter((l) => l.allocated < openUnits(l));
  if (waiting.length === 0) return 'waiting for stock';
  const which = waiting.map((l) => `line ${l.lineNo} (${l.sku}) has ${l.allocated} of ${openUnits(l)} unit${openUnits(l) === 1 ? '' : 's'} allocated`).join('; ');
  const them = waiting.length === 1 ? 'the line' : 'those lines';
  return `waiting for stock: ${which} (a line is allocated whole or not at all). It is allocated by itself as stock arrives (a receipt, a move, held units released); `
    + (canPlan ? `or cancel units of ${them}, or the order` : `or a manager cancels units of ${them}, or the order`);
}
/**
 * The most units of a line a short at packing may name (POST /pack-station/shorts): picked, neither packed in a sealed
 * package nor shorted at packing already. Units scanned into an open carton are among them here; the API refuses them
 * (SHORT_EXCEEDS_OPEN_UNITS) and the refusal is said in words.
 */
const unpackedUnits = (l: Line): number => Math.max(0, l.picked - l.packed - l.shortAtPack);
/** Why units are shorted at packing, as the packer saw them. */
const SHORT_REASONS = [
  { value: 'MISSING', words: 'Missing: not in the tote' },
  { value: 'DAMAGED', words: 'Damaged: there, not fit to ship' },
] as const;

/** The priorities an order may be given: 1 is the most urgent, 9 the least. */
const PRIORITIES = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/** The API's refusal in words: its detail first, its code after (what support asks for). */
const refusal = (what: string, e: unknown): string =>
  (e instanceof ApiError ? `Could not ${what}: ${e.message} (${e.code})` : `Could not ${what}: ${String(e)}`);

/** An event type as words: `orders.order.held-on-request.v1` → `order held on request (orders)`. */
const eventWords = (type: string): string => {
  const parts = type.split('.');
  const context = parts[0] ?? type;
  const rest = parts.slice(1).filter((p) => !/^v\d+$/.test(p)).join(' ').replace(/[-_]/g, ' ');
  return rest === '' ? type : `${rest} (${context})`;
};

/**
 * An order's screen (`#/orders/{id}`): its lines (ordered, allocated, picked, shorted at picking and at packing, packed,
 * shipped), its shipments and
 * tracking, the exceptions open about it, its status history and its events, and the commands a role may give it
 * (hold, release, change its priority, cancel, an exception's retry), each confirmed first, a refusal said in words.
 */
export function OrderDetail({ ctx, id }: { ctx: Ctx; id: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const version = useLiveVersion(ctx.live, ['orders.', 'pack-ship.', 'picking.', 'orchestration.', 'waves.']);
  const [command, setCommand] = useState<Command | undefined>(undefined);
  const [reason, setReason] = useState('');
  const [priority, setPriority] = useState(1);
  // The units a line cancel asks for, as typed (a number input's text): every open unit of the line until changed.
  const [lineUnits, setLineUnits] = useState('');
  // A short at packing's reason (MISSING or DAMAGED).
  const [shortReason, setShortReason] = useState<'MISSING' | 'DAMAGED'>('MISSING');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  // One command at a time: a double click would send a second one that can only be refused.
  const [busy, setBusy] = useState(false);
  const order = useData(() => api<Order>('GET', `/orders/${encodeURIComponent(id)}`), [id, version]);
  const o = order.data?.id === id ? order.data : undefined;
  // The owner as people know it (its name and code), not its id.
  const owner = useData(async () => (o === undefined ? undefined
    : api<{ code: string; name: string }>('GET', `/owners/${encodeURIComponent(o.ownerId)}`).then((w) => `${w.name} (${w.code})`, () => o.ownerId)), [o?.ownerId]);
  const shipments = useData(async () => (await api<{ items: Shipment[] }>('GET', `/shipments${qs({ orderIds: id })}`)).items, [id, version]);
  // The open exceptions about the order, its shipments, its saga and its PACK task: the server filters them (?orderId=).
  // With the order's site: a person whose grant is at one site lists that site's only.
  const exceptions = useData(async () => (!ctx.can.exceptions || o === undefined ? []
    : apiAll<ExceptionRow>(`/exceptions${qs({ siteId: o.siteId, orderId: id, status: 'OPEN' })}`, 500)), [id, o?.siteId, version, ctx.can.exceptions]);
  // The order's events from the event store (admins, managers and viewers read it; an operator is told so, not shown a 403).
  const readsEvents = ctx.can.exceptions;
  const events = useData(async () => (!readsEvents || o === undefined ? []
    : apiAll<EventEnvelope>(`/events${qs({ subject: id, siteId: o.siteId })}`, 1000)), [id, o?.siteId, version, readsEvents]);
  useEffect(() => {
    // Opened from a list: the heading takes the focus, so a keyboard or screen reader user starts at the order.
    heading.current?.focus();
    setCommand(undefined);
    setMessage(undefined);
  }, [id]);

  const name = o === undefined ? id : `${o.externalId}`;
  const run = async <T,>(what: string, done: string | ((answer: T) => string), fn: () => Promise<T>): Promise<void> => {
    setBusy(true);
    try {
      const answer = await fn();
      setMessage({ ok: true, text: typeof done === 'string' ? done : done(answer) });
      setCommand(undefined);
      setReason('');
    } catch (e) {
      setMessage({ ok: false, text: refusal(what, e) });
    } finally {
      setBusy(false);
      order.reload();
      shipments.reload();
      exceptions.reload();
      events.reload();
    }
  };
  const send = (c: Command): void => {
    const path = `/orders/${encodeURIComponent(id)}`;
    switch (c.kind) {
      case 'hold':
        void run(`hold order ${name}`, `Order ${name} is on hold: no wave takes it until the hold is released`, () =>
          api('POST', `${path}/hold`, { idempotencyKey: newKey(), body: { reason: reason.trim() } }));
        return;
      case 'release':
        void run(`release the hold on order ${name}`, `Order ${name}: hold released, waves can take it again`, () =>
          api('POST', `${path}/release-hold`, { idempotencyKey: newKey() }));
        return;
      case 'cancel':
        void run(`cancel order ${name}`, `Order ${name} cancelled: its open picks are withdrawn; units already picked go back to a shelf by a Return to stock task`, () =>
          api('POST', `${path}/cancel`, { idempotencyKey: newKey(), body: reason.trim() === '' ? {} : { reason: reason.trim() } }));
        return;
      case 'reprioritise':
        void run(`change the priority of order ${name}`, `Order ${name} now has priority ${priority}`, () =>
          api('POST', `${path}/reprioritise`, { idempotencyKey: newKey(), body: { priority } }));
        return;
      case 'exception':
        void run(`${c.action} (${c.exception.kind})`, `${c.action}: done for order ${name} (${c.exception.kind})`, () =>
          api('POST', `/exceptions/${c.exception.id}/actions/${c.action}`, { idempotencyKey: newKey() }));
        return;
      case 'cancel-line': {
        const l = c.line;
        const quantity = Number(lineUnits);
        // The last open units of the order cancel the whole order (the API's answer says which it was).
        void run(`cancel units of line ${l.lineNo} (${l.sku}) of order ${name}`, (after: Order) => (after.status === 'CANCELLED'
          ? `Order ${name} cancelled: line ${l.lineNo} (${l.sku}) had its last open units`
          : `Order ${name}: ${quantity} unit${quantity === 1 ? '' : 's'} of line ${l.lineNo} (${l.sku}) cancelled; their stock is released and the order is allocated again`), () =>
          api<Order>('POST', `${path}/lines/${encodeURIComponent(l.id)}/cancel`, {
            idempotencyKey: newKey(), body: reason.trim() === '' ? { quantity } : { quantity, reason: reason.trim() },
          }));
        return;
      }
      case 'short-at-pack': {
        const l = c.line;
        const quantity = Number(lineUnits);
        const units = `${quantity} unit${quantity === 1 ? '' : 's'}`;
        // The answer says which way the units go (pickedAgain: a shipComplete order's are picked again, ADR 0024 addendum 2026-12-07).
        void run(`short ${units} of line ${l.lineNo} (${l.sku}) of order ${name} at packing`, (after: PackShortAnswer) => (after.orderPacked
          ? `Order ${name}: ${units} of line ${l.lineNo} (${l.sku}) shorted at packing (${shortReason}); the rest is packed: the order can be booked`
          : `Order ${name}: ${units} of line ${l.lineNo} (${l.sku}) shorted at packing (${shortReason}); ${after.pickedAgain === true ? 'they will be picked again; the order ships complete' : 'the order ships without them'}`), () =>
          api<PackShortAnswer>('POST', '/pack-station/shorts', {
            idempotencyKey: newKey(),
            body: { orderId: id, lineId: l.id, quantity, reason: shortReason, ...(reason.trim() === '' ? {} : { note: reason.trim() }) },
          }));
        return;
      }
    }
  };
  const ask = (c: Command): void => {
    setCommand(c);
    setReason('');
    if (c.kind === 'reprioritise' && o !== undefined) setPriority(o.priority === 1 ? 2 : 1);
    if (c.kind === 'cancel-line') setLineUnits(String(openUnits(c.line)));
    if (c.kind === 'short-at-pack') { setLineUnits('1'); setShortReason('MISSING'); }
    setMessage(undefined);
  };

  if (order.error !== undefined && o === undefined) {
    return (
      <>
        <p><a href="#/orders">← Orders</a></p>
        <h1 ref={heading} tabIndex={-1}>Order {id}</h1>
        <p role="alert" className="error">Could not read order {id}: {order.error}</p>
      </>
    );
  }
  if (o === undefined) {
    return (
      <>
        <p><a href="#/orders">← Orders</a></p>
        <h1 ref={heading} tabIndex={-1}>Order {id}</h1>
        <p>Loading…</p>
      </>
    );
  }

  const commands = [
    ctx.can.intake && o.status === 'ON_HOLD' ? <button key="release" type="button" disabled={busy} onClick={() => ask({ kind: 'release' })}>Release hold…</button> : null,
    ctx.can.intake && HOLDABLE.includes(o.status) ? <button key="hold" type="button" disabled={busy} onClick={() => ask({ kind: 'hold' })}>Hold…</button> : null,
    ctx.can.plan && !FINAL.includes(o.status) ? <button key="priority" type="button" disabled={busy} onClick={() => ask({ kind: 'reprioritise' })}>Change priority…</button> : null,
    ctx.can.plan && !FINAL.includes(o.status) ? <button key="cancel" type="button" disabled={busy} onClick={() => ask({ kind: 'cancel' })}>Cancel order…</button> : null,
  ].filter((b) => b !== null);
  const linesCancellable = ctx.can.plan && LINES_CANCELLABLE.includes(o.status) && o.backorderReason === null;
  // Picked units missing from the tote or damaged, found at packing: shorted so the order ships without them, or, a
  // shipComplete order (never partial), so they are picked again and the order ships complete (ADR 0024 addendum 2026-12-07).
  const linesShortable = ctx.can.plan && o.status === 'PICKED';
  const lineCommands = linesCancellable || linesShortable;
  // A line cancel is asked under the lines (where its button is); every other command under the summary.
  const confirmation = command === undefined || command.kind === 'cancel-line' || command.kind === 'short-at-pack' ? null : (
    <form className="panel confirm" aria-labelledby="confirm-h" onSubmit={(e) => { e.preventDefault(); send(command); }}>
      <h2 id="confirm-h">{command.kind === 'hold' ? `Put order ${name} on hold?` : command.kind === 'release' ? `Release the hold on order ${name}?`
        : command.kind === 'cancel' ? `Cancel order ${name}?` : command.kind === 'reprioritise' ? `Change the priority of order ${name}?`
          : `${command.action} for order ${name}?`}</h2>
      <p>
        {command.kind === 'hold' ? 'No wave takes it until the hold is released; it keeps what is allocated to it.'
          : command.kind === 'release' ? `It goes back to ${o.hold?.resumeTo ?? 'the pool'}: the next wave can take it.`
            : command.kind === 'cancel' ? 'Its open picks are withdrawn and its packages voided; units already picked or packed stay in its tote until a Return to stock task puts them back on a shelf (not at once). It cannot be undone.'
              : command.kind === 'reprioritise' ? `It has priority ${o.priority} now. The wave pool orders by priority; its pick and pack tasks not started yet take a more urgent one.`
              : (ACTION_WORDS[command.action] ?? command.action)}
      </p>
      {command.kind === 'hold' || command.kind === 'cancel' ? (
        <label className="field">{command.kind === 'hold' ? 'Why (required)' : 'Why (optional)'}
          <input value={reason} onChange={(e) => setReason(e.target.value)} required={command.kind === 'hold'} maxLength={500} autoFocus
            placeholder={command.kind === 'hold' ? 'credit check, address check…' : 'customer changed their mind…'} />
        </label>
      ) : null}
      {command.kind === 'reprioritise' ? (
        <label className="field">New priority (1 is the most urgent)
          <select value={priority} onChange={(e) => setPriority(Number(e.target.value))} autoFocus>
            {PRIORITIES.map((p) => <option key={p} value={p}>{p === o.priority ? `${p} (now)` : p}</option>)}
          </select>
        </label>
      ) : null}
      <p className="actions">
        <button type="submit" className="primary" disabled={busy || (command.kind === 'hold' && reason.trim() === '') || (command.kind === 'reprioritise' && priority === o.priority)}
          autoFocus={command.kind === 'release' || command.kind === 'exception'}>
          {command.kind === 'hold' ? 'Yes, put on hold' : command.kind === 'release' ? 'Yes, release the hold'
            : command.kind === 'cancel' ? `Yes, cancel order ${name}` : command.kind === 'reprioritise' ? `Yes, give it priority ${priority}` : `Yes, ${command.action}`}
        </button>
        <button type="button" onClick={() => setCommand(undefined)}>{command.kind === 'cancel' ? 'Keep the order' : 'No, go back'}</button>
      </p>
    </form>
  );
  const cancelling = command?.kind === 'cancel-line' ? command.line : undefined;
  const lineUnitsValid = cancelling !== undefined && /^\d+$/.test(lineUnits) && Number(lineUnits) >= 1 && Number(lineUnits) <= openUnits(cancelling);
  const lineConfirmation = cancelling === undefined ? null : (
    <form className="panel confirm" aria-labelledby="confirm-line-h" onSubmit={(e) => { e.preventDefault(); if (command !== undefined) send(command); }}>
      <h2 id="confirm-line-h">Cancel units of line {cancelling.lineNo} ({cancelling.sku}) of order {name}?</h2>
      <p>
        It has {openUnits(cancelling)} open unit{openUnits(cancelling) === 1 ? '' : 's'} (ordered {cancelling.ordered}, cancelled {cancelling.cancelled}). The line
        keeps the units that are not cancelled; the cancelled ones go back to available stock and the order is allocated again.
        When no line keeps an open unit the whole order is cancelled. It cannot be undone.
      </p>
      <label className="field">Units to cancel (1 to {openUnits(cancelling)})
        <input type="number" inputMode="numeric" min={1} max={openUnits(cancelling)} step={1} required value={lineUnits}
          onChange={(e) => setLineUnits(e.target.value)} autoFocus />
      </label>
      <label className="field">Why (optional)
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder="customer removed the item…" />
      </label>
      <p className="actions">
        <button type="submit" className="primary" disabled={busy || !lineUnitsValid}>
          {lineUnitsValid ? `Yes, cancel ${lineUnits} unit${lineUnits === '1' ? '' : 's'}` : 'Yes, cancel the units'}
        </button>
        <button type="button" onClick={() => setCommand(undefined)}>Keep the line</button>
      </p>
    </form>
  );
  const shorting = command?.kind === 'short-at-pack' ? command.line : undefined;
  const shortUnitsValid = shorting !== undefined && /^\d+$/.test(lineUnits) && Number(lineUnits) >= 1 && Number(lineUnits) <= unpackedUnits(shorting);
  const shortConfirmation = shorting === undefined ? null : (
    <form className="panel confirm" aria-labelledby="confirm-short-h" onSubmit={(e) => { e.preventDefault(); if (command !== undefined) send(command); }}>
      <h2 id="confirm-short-h">Short units of line {shorting.lineNo} ({shorting.sku}) of order {name} at packing{o.shipComplete ? ' and pick them again' : ''}?</h2>
      {o.shipComplete ? (
        <p>
          Picked units the packer could not find in the tote, or found damaged. They are written off the order&apos;s in-process
          stock and <strong>will be picked again</strong>: the order ships complete (never partial). They are re-reserved from good
          stock, or the order waits backordered until stock arrives; it is not packed nor booked until they are picked, so the
          tote and any open carton wait at the bench. It cannot be undone. Units scanned into an open carton are in it: repack it first.
        </p>
      ) : (
        <p>
          Picked units the packer could not find in the tote, or found damaged. They are never packed nor shipped: the order
          ships without them, packed once the rest is, and they are written off the order&apos;s in-process stock. It cannot be undone.
          Units scanned into an open carton are in it: repack it first.
        </p>
      )}
      <label className="field">Units to short (1 to {unpackedUnits(shorting)})
        <input type="number" inputMode="numeric" min={1} max={unpackedUnits(shorting)} step={1} required value={lineUnits}
          onChange={(e) => setLineUnits(e.target.value)} autoFocus />
      </label>
      <label className="field">Reason
        <select value={shortReason} onChange={(e) => setShortReason(e.target.value === 'DAMAGED' ? 'DAMAGED' : 'MISSING')}>
          {SHORT_REASONS.map((r) => <option key={r.value} value={r.value}>{r.words}</option>)}
        </select>
      </label>
      <label className="field">Note (optional)
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder="crushed corner…" />
      </label>
      <p className="actions">
        <button type="submit" className="primary" disabled={busy || !shortUnitsValid}>
          {shortUnitsValid ? `Yes, short ${lineUnits} unit${lineUnits === '1' ? '' : 's'}` : 'Yes, short the units'}
        </button>
        <button type="button" onClick={() => setCommand(undefined)}>Keep the units</button>
      </p>
    </form>
  );
  const units = (f: keyof Pick<Line, 'ordered' | 'allocated' | 'picked' | 'shorted' | 'packed' | 'shipped' | 'cancelled' | 'shortAtPack'>): number => o.lines.reduce((n, l) => n + l[f], 0);
  const addr = o.shipTo;
  return (
    <>
      <p><a href="#/orders">← Orders</a></p>
      <h1 ref={heading} tabIndex={-1}>Order {o.externalId} <Status value={o.status} /></h1>
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {order.error === undefined ? null : <p role="alert" className="error">Could not read the order again: {order.error}</p>}
      <section className="panel" aria-labelledby="summary-h">
        <h2 id="summary-h">Summary</h2>
        <dl className="facts">
          <dt>PakLog id</dt><dd className="mono">{o.id}</dd>
          <dt>Client order id</dt><dd>{o.externalId}</dd>
          <dt>Status</dt><dd><Status value={o.status} />
            {o.hold === null ? null : <> on hold: {o.hold.reason} (held from {o.hold.from}, resumes to {o.hold.resumeTo})</>}
            {o.cancelReason === null ? null : <> {o.cancelReason}</>}
            {o.backorderReason === null ? null : <> waiting for stock after a short pick</>}
            {o.status === 'BACKORDERED' && o.backorderReason === null ? <> {backorderWords(o.lines, ctx.can.plan)}</> : null}
          </dd>
          <dt>Priority</dt><dd>{o.priority} <span className="muted">(1 is the most urgent)</span></dd>
          <dt>Carrier</dt><dd>{o.carrier}</dd>
          <dt>Ship by</dt><dd>{when(o.shipBy)}</dd>
          <dt>Ships</dt><dd>{o.shipComplete ? 'complete only (never partial)' : 'what is picked (partial allowed)'}</dd>
          <dt>Wave</dt><dd className="mono">{o.waveId === null ? '—' : <a href="#/waves">{o.waveId}</a>}</dd>
          <dt>Owner</dt><dd>{owner.data ?? o.ownerId}</dd>
          <dt>Ship to</dt>
          <dd>{[addr.name, addr.company, addr.line1, addr.line2, addr.line3, `${addr.postalCode} ${addr.city}${addr.state === undefined ? '' : `, ${addr.state}`}`, addr.country]
            .filter((x) => x !== undefined && x !== '').join(', ')}</dd>
          <dt>Received</dt><dd>{when(o.createdAt)}</dd>
          <dt>Last change</dt><dd>{when(o.updatedAt)}</dd>
        </dl>
        {commands.length === 0 ? (
          <p className="muted">{FINAL.includes(o.status) ? `A ${o.status.toLowerCase()} order takes no more commands.` : `Your role (${ctx.me.role}) reads the order; its commands are for a manager.`}</p>
        ) : <p className="actions" aria-label="Commands">{commands}</p>}
        {confirmation}
      </section>
      <section className="panel" aria-labelledby="lines-h">
        <h2 id="lines-h">Lines</h2>
        <table>
          <caption>Units per line, from ordered to shipped</caption>
          <thead>
            <tr>
              <th scope="col">#</th><th scope="col">SKU</th><th scope="col" className="num">Ordered</th><th scope="col" className="num">Allocated</th>
              <th scope="col" className="num">Picked</th><th scope="col" className="num">Short at picking</th><th scope="col" className="num">Short at packing</th>
              <th scope="col" className="num">Packed</th><th scope="col" className="num">Shipped</th><th scope="col" className="num">Cancelled</th>
              {lineCommands ? <th scope="col">Commands</th> : null}
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l) => (
              <tr key={l.id}>
                <td>{l.lineNo}</td><td>{l.sku}</td><td className="num">{l.ordered}</td><td className="num">{l.allocated}</td><td className="num">{l.picked}</td>
                <td className="num">{l.shorted}</td><td className="num">{l.shortAtPack}</td><td className="num">{l.packed}</td><td className="num">{l.shipped}</td>
                <td className="num">{l.cancelled}</td>
                {linesCancellable ? (
                  <td className="actions">{openUnits(l) === 0 ? '—' : (
                    <button type="button" disabled={busy} aria-label={`Cancel units of line ${l.lineNo} (${l.sku})…`}
                      onClick={() => ask({ kind: 'cancel-line', line: l })}>Cancel units…</button>
                  )}</td>
                ) : linesShortable ? (
                  <td className="actions">{unpackedUnits(l) === 0 ? '—' : (
                    <button type="button" disabled={busy}
                      aria-label={o.shipComplete ? `Short at packing, picked again… line ${l.lineNo} (${l.sku})` : `Short at packing… line ${l.lineNo} (${l.sku})`}
                      title={o.shipComplete ? 'The order ships complete: units shorted at packing are picked again' : undefined}
                      onClick={() => ask({ kind: 'short-at-pack', line: l })}>{o.shipComplete ? 'Short at packing (picked again)…' : 'Short at packing…'}</button>
                  )}</td>
                ) : null}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>All lines</th><td className="num">{units('ordered')}</td><td className="num">{units('allocated')}</td><td className="num">{units('picked')}</td>
              <td className="num">{units('shorted')}</td><td className="num">{units('shortAtPack')}</td><td className="num">{units('packed')}</td><td className="num">{units('shipped')}</td>
              <td className="num">{units('cancelled')}</td>
              {lineCommands ? <td /> : null}
            </tr>
          </tfoot>
        </table>
        {ctx.can.plan && !linesCancellable && !FINAL.includes(o.status) ? (
          <p className="muted">{o.status === 'ON_HOLD' ? 'Units of a line can be cancelled once the hold is released.'
            : 'A wave has the order: its lines can no longer be cancelled one by one. Cancel the whole order, or short the line at picking.'}</p>
        ) : null}
        {lineConfirmation}
        {shortConfirmation}
      </section>
      <section className="panel" aria-labelledby="shipments-h">
        <h2 id="shipments-h">Shipments</h2>
        {shipments.error === undefined ? null : <p role="alert" className="error">Could not read the shipments: {shipments.error}</p>}
        {shipments.data?.length === 0 ? <p className="muted">Not shipped yet: a shipment is booked once the order is packed.</p> : (
          <table>
            <caption>Shipments and tracking</caption>
            <thead>
              <tr>
                <th scope="col">Shipment</th><th scope="col">Carrier</th><th scope="col">Status</th><th scope="col">Tracking number</th>
                <th scope="col" className="num">Packages</th><th scope="col">Labelled</th><th scope="col">Dispatched</th><th scope="col">Delivered</th>
              </tr>
            </thead>
            <tbody>
              {(shipments.data ?? []).map((s) => (
                <tr key={s.id}>
                  <td className="mono">{s.id}</td><td>{s.carrier} {s.service}</td><td><Status value={s.status} />{s.voidedAt === null ? null : <span className="muted"> voided {when(s.voidedAt)}</span>}</td>
                  <td className="mono">{s.trackingNumber ?? '—'}</td><td className="num">{s.packageIds.length}</td>
                  <td>{when(s.labelledAt)}</td><td>{when(s.dispatchedAt)}</td><td>{when(s.deliveredAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {ctx.can.exceptions ? (
        <section className="panel" aria-labelledby="exceptions-h">
          <h2 id="exceptions-h">Open exceptions</h2>
          {exceptions.error === undefined ? null : <p role="alert" className="error">Could not read the exceptions: {exceptions.error}</p>}
          {exceptions.data?.length === 0 ? <p className="muted">None: nothing about this order waits for a supervisor.</p> : (
            <table>
              <caption>Stuck cases about this order, with what may be done</caption>
              <thead><tr><th scope="col">Kind</th><th scope="col">Reason</th><th scope="col">Raised</th><th scope="col">Actions</th></tr></thead>
              <tbody>
                {(exceptions.data ?? []).map((x) => (
                  <tr key={x.id}>
                    <td>{x.kind}</td><td>{x.reason}</td><td>{when(x.raisedAt)}</td>
                    <td className="actions">{!ctx.can.plan ? '—' : x.actions.map((a) => (
                      <button key={a} type="button" disabled={busy} aria-label={`${a} ${x.kind}…`}
                        onClick={() => ask({ kind: 'exception', exception: x, action: a })}>{a}…</button>
                    ))}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="history-h">
        <h2 id="history-h">Status history</h2>
        <table>
          <caption>Every status the order went through, oldest first</caption>
          <thead><tr><th scope="col">When</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Why</th></tr></thead>
          <tbody>
            {o.statusHistory.map((h, i) => (
              <tr key={`${h.at}-${i}`}>
                <td>{when(h.at)}</td><td>{h.from === null ? '—' : <Status value={h.from} />}</td><td><Status value={h.to} /></td><td>{h.cause === null ? '—' : <span title={h.cause}>{causeWords(h.cause)}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="events-h">
        <h2 id="events-h">Events</h2>
        {!readsEvents ? <p className="muted">Your role ({ctx.me.role}) does not read the event store; the status history above is the order&apos;s story.</p> : (
          <>
            {events.error === undefined ? null : <p role="alert" className="error">Could not read the events: {events.error}</p>}
            <table>
              <caption>What happened to the order and who did it, oldest first</caption>
              <thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">By</th></tr></thead>
              <tbody>
                {(events.data ?? []).map((e) => (
                  <tr key={e.id}>
                    <td>{when(e.time)}</td><td>{eventWords(e.type)} <span className="mono muted">{e.type}</span></td>
                    <td>{e.actorid === undefined ? 'PakLog' : <>{e.actorrole ?? e.actorkind ?? ''} <span className="mono muted id">({e.actorid})</span></>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
    </>
  );
}

/**
 * A status change's cause in words: an event's name (`inventory.stock.allocated.v1`) without its context and version,
 * `stock allocated`; the name stays as the cell's title. A cause in words already (`hold released`) is kept.
 */
export function causeWords(cause: string): string {
  const m = /^[a-z][a-z0-9-]*\.([a-z0-9.-]+)\.v\d+$/.exec(cause);
  return m === null ? cause : (m[1] ?? cause).replace(/[.-]/g, ' ');
}
