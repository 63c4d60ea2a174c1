import { useState } from 'react';
import { api, apiAll, ApiError, downloadFile, newKey, qs, type Page } from '../lib/api.ts';
import { useLiveVersion, usePaged } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, shown, Status } from './Lists.tsx';
import { OrderLink } from './links.tsx';

/** Orders the shipping screen shows: packed (to book, to dispatch) and shipped (their tracking). */
const SHOWN = ['PACKED', 'SHIPPED'];
/** Orders read per page; "Load more" reads the next page of that many. */
const PAGE = 200;

interface Order { id: string; externalId: string; status: string; carrier: string; shipBy: string | null }
interface Shipment { id: string; orderId: string; carrier: string; service: string; trackingNumber: string | null; status: string; labelledAt: string | null; dispatchedAt: string | null; manifestId: string | null; packageIds: string[] }

/** A shipment whose label exists: booked and not voided (after dispatch too, for a reprint). */
const LABELLED = new Set(['LABELLED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'EXCEPTION']);

/**
 * Shipments: the packed orders of the site, booked with their carrier ("Book shipment"), their label voided or the
 * shipment dispatched — the last two cannot be undone, so each says what it does and asks again — and the shipped ones
 * with their tracking number. Without this screen a packed order had no way to ship but the API.
 */
export function Shipping({ ctx }: { ctx: Ctx }) {
  const [status, setStatus] = useState('PACKED');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<{ id: string; action: 'dispatch' | 'void' } | undefined>(undefined);
  const version = useLiveVersion(ctx.live, ['orders.', 'pack-ship.']);
  // A page of orders with the shipments of those orders (every one of them: a voided label leaves a second shipment).
  const list = usePaged(async (cursor) => {
    const page = await api<Page<Order>>('GET', `/orders${qs({ siteId: ctx.siteId, status, limit: PAGE, cursor })}`);
    const shipments = page.items.length === 0 ? [] : await apiAll<Shipment>(`/shipments${qs({ siteId: ctx.siteId, orderIds: page.items.map((o) => o.id).join(',') })}`, 500);
    return { items: page.items.map((order) => ({ order, shipments: shipments.filter((x) => x.orderId === order.id) })), nextCursor: page.nextCursor };
  }, [ctx.siteId, status], [version]);
  const run = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    setConfirming(undefined);
    setBusy(true);
    try {
      await fn();
      setMessage({ ok: true, text: what });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const book = (o: Order): void => {
    void run(`Order ${o.externalId} booked with ${o.carrier} and labelled: dispatch it when the carrier collects it`, () =>
      api('POST', '/shipments', { idempotencyKey: newKey(), body: { orderId: o.id } }));
  };
  /** A document of the shipment saved as a PDF download; a refusal is said on the screen. */
  const download = async (path: string, filename: string): Promise<void> => {
    try {
      await downloadFile(path, filename);
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    }
  };
  /**
   * The labels (one per package) and the packing slip of a booked shipment: without them a manager who booked a
   * shipment had no way to print what goes on the cartons but the API. Each name starts with the words the button
   * shows (WCAG 2.5.3 label in name): a speech user saying "Label (PDF)" reaches it.
   */
  const documents = (o: Order, current: Shipment | undefined) => {
    if (current === undefined || !LABELLED.has(current.status)) return null;
    const many = current.packageIds.length > 1;
    return (
      <span className="actions">
        {current.packageIds.map((id, i) => (
          <button key={id} type="button" onClick={() => void download(`/packages/${encodeURIComponent(id)}/label?format=pdf`, `label-${id}.pdf`)}
            aria-label={`Label${many ? ` ${i + 1}` : ''} (PDF) of ${o.externalId}`}>{many ? `Label ${i + 1} (PDF)` : 'Label (PDF)'}</button>
        ))}
        <button type="button" onClick={() => void download(`/shipments/${encodeURIComponent(current.id)}/packing-slip`, `packing-slip-${current.id}.pdf`)}
          aria-label={`Packing slip (PDF) of ${o.externalId}`}>Packing slip (PDF)</button>
      </span>
    );
  };
  const actions = (o: Order, current: Shipment | undefined) => {
    if (!ctx.can.plan) return null;
    if (o.status !== 'PACKED') return null;
    if (current === undefined) return <button type="button" disabled={busy} onClick={() => book(o)} aria-label={`Book shipment of ${o.externalId}`}>Book shipment</button>;
    if (current.status !== 'LABELLED') return null;
    if (confirming?.id === current.id) {
      const dispatching = confirming.action === 'dispatch';
      return (
        <span className="actions">
          <span className="muted">{dispatching
            ? 'Dispatch: the units leave stock and the order is SHIPPED. It cannot be undone.'
            : 'Void the label: the carrier is told and the packages are packed again, to book anew. It cannot be undone.'}</span>
          <button type="button" className="primary" disabled={busy} onClick={() => void (dispatching
            ? run(`Order ${o.externalId} dispatched: SHIPPED`, () => api('POST', `/shipments/${current.id}/dispatch`, { idempotencyKey: newKey() }))
            : run(`Label of ${o.externalId} voided: book it again when ready`, () => api('POST', `/shipments/${current.id}/void`, { idempotencyKey: newKey() })))}>
            {dispatching ? `Yes, dispatch ${o.externalId}` : `Yes, void the label of ${o.externalId}`}
          </button>
          <button type="button" onClick={() => setConfirming(undefined)}>Keep</button>
        </span>
      );
    }
    return (
      <span className="actions">
        <button type="button" disabled={busy} onClick={() => setConfirming({ id: current.id, action: 'dispatch' })} aria-label={`Dispatch ${o.externalId}…`}>Dispatch…</button>
        {current.manifestId === null
          ? <button type="button" disabled={busy} onClick={() => setConfirming({ id: current.id, action: 'void' })} aria-label={`Void label of ${o.externalId}…`}>Void label…</button>
          : null}
      </span>
    );
  };
  const rows = list.items;
  return (
    <>
      <div className="filters" role="search">
        <label className="field inline">Orders
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {SHOWN.map((s) => <option key={s} value={s}>{s === 'PACKED' ? 'Packed: to ship' : 'Shipped'}</option>)}
          </select>
        </label>
      </div>
      {list.error === undefined ? null : <p role="alert" className="error">{list.error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      <table>
        <caption>{shown(list, status === 'PACKED' ? 'packed orders' : 'shipped orders')}</caption>
        <thead><tr><th scope="col">Client id</th><th scope="col">Order</th><th scope="col">Carrier</th><th scope="col">Ship by</th><th scope="col">Shipment</th><th scope="col">Tracking</th><th scope="col">Actions</th></tr></thead>
        <tbody>
          {(rows ?? []).map(({ order: o, shipments: mine }) => {
            // The shipment that counts: the newest one not voided (a voided label leaves the order to book again).
            const current = mine.filter((s) => s.status !== 'VOIDED').at(-1);
            return (
              <tr key={o.id}>
                <td>{o.externalId}</td><td><OrderLink id={o.id} /></td><td>{current === undefined ? o.carrier : `${current.carrier} ${current.service}`}</td><td>{when(o.shipBy)}</td>
                <td>{current === undefined ? (o.status === 'PACKED' ? 'not booked' : '—') : <Status value={current.status} />}</td>
                <td className="mono">{current?.trackingNumber ?? '—'}</td><td>{actions(o, current)}{documents(o, current)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LoadMore list={list} noun={status === 'PACKED' ? 'packed orders' : 'shipped orders'} />
    </>
  );
}
