import { useState, type FormEvent } from 'react';
import { api, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData } from '../lib/hooks.ts';
import type { Ctx } from './ctx.ts';

interface Line { sku: string; quantity: string }
const EMPTY_ADDRESS = { name: '', line1: '', city: '', postalCode: '', country: '' };

/**
 * "New order": what an integration posts (POST /orders), typed in by a manager (a phone order, a replacement). The
 * browser checks what it can (required fields, a priority 1–9, a quantity ≥ 1, a two-letter country); the API's refusal
 * (an unknown SKU, a client id taken by another order) is said on the form, which keeps what was typed.
 */
export function NewOrder({ ctx, onCreated, onClose }: { ctx: Ctx; onCreated: (externalId: string, status: string) => void; onClose: () => void }) {
  const [externalId, setExternalId] = useState('');
  const [carrier, setCarrier] = useState('OWN_FLEET');
  const [priority, setPriority] = useState('5');
  const [address, setAddress] = useState(EMPTY_ADDRESS);
  const [lines, setLines] = useState<Line[]>([{ sku: '', quantity: '1' }]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  // The SKUs offered while typing (the first page of active products); any SKU may still be typed.
  const products = useData(async () => (await api<Page<{ sku: string; description?: string }>>('GET', `/products${qs({ active: 'true', limit: 500 })}`)).items
    .map((p) => p.sku), []);
  const setLine = (i: number, patch: Partial<Line>): void => setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const field = (key: keyof typeof EMPTY_ADDRESS) => ({ value: address[key], onChange: (e: { target: { value: string } }) => setAddress((a) => ({ ...a, [key]: e.target.value })) });
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const skus = lines.map((l) => l.sku.trim());
    if (new Set(skus).size !== skus.length) {
      setError('Each SKU once: put the quantities of a SKU on one line');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const order = await api<{ externalId: string; status: string }>('POST', '/orders', {
        idempotencyKey: newKey(),
        body: {
          externalId: externalId.trim(), siteId: ctx.siteId, carrier: carrier.trim(), priority: Number(priority),
          shipTo: { name: address.name.trim(), line1: address.line1.trim(), city: address.city.trim(), postalCode: address.postalCode.trim(), country: address.country.trim().toUpperCase() },
          lines: lines.map((l) => ({ sku: l.sku.trim(), quantity: Number(l.quantity) })),
        },
      });
      onCreated(order.externalId, order.status);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="new-order">
      <h2 id="new-order">New order</h2>
      <datalist id="new-order-skus">{(products.data ?? []).map((s) => <option key={s} value={s} />)}</datalist>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error === undefined ? undefined : 'new-order-error'}>
        <div className="filters">
          <label className="field inline">Client order id
            <input required maxLength={100} value={externalId} onChange={(e) => setExternalId(e.target.value)} placeholder="e.g. PHONE-1001" autoFocus />
          </label>
          <label className="field inline">Carrier
            <input required maxLength={64} value={carrier} onChange={(e) => setCarrier(e.target.value)} />
          </label>
          <label className="field inline">Priority (1 most urgent)
            <input type="number" required min={1} max={9} step={1} value={priority} onChange={(e) => setPriority(e.target.value)} />
          </label>
        </div>
        <fieldset className="filters">
          <legend>Ship to</legend>
          <label className="field inline">Name<input required maxLength={200} autoComplete="off" {...field('name')} /></label>
          <label className="field inline">Address<input required maxLength={200} autoComplete="off" {...field('line1')} /></label>
          <label className="field inline">City<input required maxLength={100} autoComplete="off" {...field('city')} /></label>
          <label className="field inline">Postal code<input required maxLength={20} autoComplete="off" {...field('postalCode')} /></label>
          <label className="field inline">Country (2 letters)
            <input required pattern="[A-Za-z]{2}" maxLength={2} autoComplete="off" title="Two letters, e.g. DE" {...field('country')} />
          </label>
        </fieldset>
        <fieldset>
          <legend>Lines</legend>
          {lines.map((l, i) => (
            <div className="filters" key={i}>
              <label className="field inline">SKU (line {i + 1})
                <input required list="new-order-skus" pattern="[A-Za-z0-9._\-]{1,64}" title="Letters, digits, . _ - (up to 64)" value={l.sku} onChange={(e) => setLine(i, { sku: e.target.value })} />
              </label>
              <label className="field inline">Quantity (line {i + 1})
                <input type="number" required min={1} step={1} value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} />
              </label>
              {lines.length === 1 ? null : <button type="button" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>Remove line {i + 1}</button>}
            </div>
          ))}
          <button type="button" onClick={() => setLines((ls) => [...ls, { sku: '', quantity: '1' }])}>Add a line</button>
        </fieldset>
        {error === undefined ? null : <p id="new-order-error" role="alert" className="error">{error}</p>}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create order'}</button>
          <button type="button" onClick={onClose}>Close</button>
        </p>
      </form>
    </section>
  );
}
