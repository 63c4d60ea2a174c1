import { useState, type FormEvent } from 'react';
import { api, ApiError, qs, type Page } from '../lib/api.ts';
import { useLiveVersion, usePaged, useSettled } from '../lib/hooks.ts';
import { when, type Ctx } from './ctx.ts';
import { LoadMore, shown } from './Lists.tsx';

/** Rows read per page; "Load more" reads the next page of that many. */
const PAGE = 200;

interface SafetyStock { siteId: string; ownerId: string; sku: string; quantity: number; updatedAt: string | null }

const keyOf = (s: SafetyStock): string => `${s.ownerId}|${s.sku}`;
const path = (siteId: string, sku: string): string => `/inventory/safety-stock/${encodeURIComponent(siteId)}/${encodeURIComponent(sku)}`;
const said = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/**
 * Safety stock (ADR 0057, docs/operations/safety-stock.md): the SKUs of the site with units kept back from orders
 * (GET /inventory/safety-stock), and, for a manager, setting one (PUT /inventory/safety-stock/{site}/{sku}) and
 * clearing one, asked again first (DELETE). A refusal (an unknown SKU, a bad figure, another site's manager) is said
 * with PakLog's code and words, nothing changed.
 */
export function SafetyStocks({ ctx }: { ctx: Ctx }) {
  const [sku, setSku] = useState('');
  const [skuTerm, applySku] = useSettled(sku.trim());
  const typing = sku.trim() !== skuTerm;
  const version = useLiveVersion(ctx.live, ['inventory.safety-stock']);
  const list = usePaged((cursor) => api<Page<SafetyStock>>('GET', `/inventory/safety-stock${qs({ siteId: ctx.siteId, sku: skuTerm, limit: PAGE, cursor })}`),
    [ctx.siteId, skuTerm], [version]);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  /** The row whose clear is being asked again. */
  const [clearing, setClearing] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const clear = async (s: SafetyStock): Promise<void> => {
    setBusy(true);
    try {
      await api('DELETE', `${path(ctx.siteId, s.sku)}${qs({ ownerId: s.ownerId === 'own_default' ? undefined : s.ownerId })}`);
      setMessage({ ok: true, text: `Safety stock of ${s.sku} cleared: all its units may be promised to orders again (backorders are retried)` });
      setClearing(undefined);
    } catch (e) {
      setMessage({ ok: false, text: `Not cleared. ${said(e)}` });
    } finally {
      setBusy(false);
      list.reload();
    }
  };
  const set = (text: string): void => {
    setMessage({ ok: true, text });
    list.reload();
  };
  return (
    <>
      <p className="muted">
        Units of a SKU that orders are never allocated: a buffer kept for count variances, damage and late replenishment. ATP
        is net of it; lowering or clearing it allocates backordered orders at once. It is not a hold: picks and moves may still
        take the units (see <a href="/docs">/docs</a>, <code>/inventory/safety-stock</code>).
      </p>
      {ctx.can.plan ? <SetSafetyStock ctx={ctx} onSet={set} onRefused={(text) => setMessage({ ok: false, text })} /> : null}
      <div className="filters" role="search">
        <label className="field inline">SKU
          <input type="search" value={sku} onChange={(e) => setSku(e.target.value)} onKeyDown={(e) => { if (e.key === 'Enter') applySku(); }} placeholder="e.g. MUG-CERAMIC" />
        </label>
      </div>
      {typing || list.error === undefined ? null : <p role="alert" className="error">{list.error}</p>}
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {list.items?.length === 0 && skuTerm === '' ? <p className="muted">No SKU has a safety stock at this site.</p> : null}
      <table>
        <caption>{shown(list, 'safety stocks')}</caption>
        <thead>
          <tr><th scope="col">SKU</th><th scope="col">Owner</th><th scope="col" className="num">Units kept back</th><th scope="col">Last set</th><th scope="col">Actions</th></tr>
        </thead>
        <tbody>
          {(list.items ?? []).map((s) => (
            <tr key={keyOf(s)}>
              <td>{s.sku}</td><td className="mono">{s.ownerId}</td><td className="num">{s.quantity}</td><td>{when(s.updatedAt)}</td>
              <td>
                {!ctx.can.plan ? null : clearing === keyOf(s) ? (
                  <span className="inline wrap">
                    <span className="muted">Clear it? Every unit of {s.sku} may be promised again.</span>
                    <button type="button" className="primary" disabled={busy} onClick={() => void clear(s)}>Yes, clear the safety stock of {s.sku}</button>
                    <button type="button" disabled={busy} onClick={() => setClearing(undefined)}>Keep it</button>
                  </span>
                ) : (
                  <button type="button" aria-label={`Clear the safety stock of ${s.sku}…`} onClick={() => { setClearing(keyOf(s)); setMessage(undefined); }}>Clear…</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore list={list} noun="safety stocks" />
    </>
  );
}

/** "Set safety stock": a SKU's units kept back at the site (PUT; 0 clears it), for the default owner or one named. */
function SetSafetyStock({ ctx, onSet, onRefused }: { ctx: Ctx; onSet: (said: string) => void; onRefused: (said: string) => void }) {
  const [sku, setSku] = useState('');
  const [quantity, setQuantity] = useState('');
  const [owner, setOwner] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api<SafetyStock>('PUT', path(ctx.siteId, sku.trim()), {
        body: { quantity: Number(quantity), ...(owner.trim() === '' ? {} : { ownerId: owner.trim() }) },
      });
      onSet(r.quantity === 0 ? `Safety stock of ${r.sku} cleared` : `Safety stock of ${r.sku} set to ${r.quantity}: those units are never promised to orders`);
      setSku('');
      setQuantity('');
    } catch (err) {
      onRefused(`Not set. ${said(err)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form className="panel" aria-labelledby="ss-set-h" onSubmit={(e) => void submit(e)}>
      <h2 id="ss-set-h">Set a safety stock</h2>
      <div className="filters">
        <label className="field inline">SKU to keep back
          <input required maxLength={64} value={sku} onChange={(e) => setSku(e.target.value)} placeholder="e.g. MUG-CERAMIC" />
        </label>
        <label className="field inline">Units kept back
          <input type="number" required min={0} max={1_000_000} step={1} value={quantity} onChange={(e) => setQuantity(e.target.value)} className="qty" />
        </label>
        <label className="field inline">Owner
          <input maxLength={40} value={owner} onChange={(e) => setOwner(e.target.value)} placeholder="own_… (default owner)" />
        </label>
      </div>
      <p className="actions"><button type="submit" className="primary" disabled={busy}>{busy ? 'Setting…' : 'Set safety stock'}</button></p>
    </form>
  );
}
