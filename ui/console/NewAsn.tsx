import { useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, newKey, qs, type Page } from '../lib/api.ts';
import { useData } from '../lib/hooks.ts';
import type { Ctx } from './ctx.ts';
import { OwnersFailed } from './Lists.tsx';

interface Line { sku: string; quantity: string }
interface Owner { id: string; code: string; name: string }

/**
 * "New ASN": a delivery a supplier announced (POST /inventory/asns), typed in by a manager — supplier, their document
 * number, the day it is expected and its lines (SKU and quantity), and whose units they are when PakLog keeps several
 * owners' stock. The API's refusal (an unknown SKU, a lot-controlled SKU needing its lot) is said on the form with its
 * code and words, the form keeping what was typed.
 */
export function NewAsn({ ctx, onCreated, onClose }: { ctx: Ctx; onCreated: (asn: { id: string; supplier: string }) => void; onClose: () => void }) {
  const [supplier, setSupplier] = useState('');
  const [reference, setReference] = useState('');
  const [expectedOn, setExpectedOn] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [lines, setLines] = useState<Line[]>([{ sku: '', quantity: '1' }]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const products = useData(async () => (await api<Page<{ sku: string }>>('GET', `/products${qs({ active: 'true', limit: 500 })}`)).items.map((p) => p.sku), []);
  // The owner is asked only when there is a choice; else the ASN is the default owner's, as the API decides.
  const owners = useData(() => apiAll<Owner>('/owners', 500), []);
  const setLine = (i: number, patch: Partial<Line>): void => setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...patch } : l)));
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const asn = await api<{ id: string; supplier: string }>('POST', '/inventory/asns', {
        idempotencyKey: newKey(),
        body: {
          siteId: ctx.siteId, supplier: supplier.trim(),
          ...(reference.trim() === '' ? {} : { reference: reference.trim() }),
          ...(expectedOn === '' ? {} : { expectedOn }),
          ...(ownerId === '' ? {} : { ownerId }),
          lines: lines.map((l) => ({ sku: l.sku.trim(), quantity: Number(l.quantity) })),
        },
      });
      onCreated(asn);
    } catch (err) {
      setError(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    } finally {
      setBusy(false);
    }
  };
  const ownerChoice = (owners.data ?? []).length > 1;
  return (
    <section className="panel" aria-labelledby="new-asn">
      <h2 id="new-asn">New ASN</h2>
      <datalist id="new-asn-skus">{(products.data ?? []).map((s) => <option key={s} value={s} />)}</datalist>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error === undefined ? undefined : 'new-asn-error'}>
        <div className="filters">
          <label className="field inline">Supplier
            <input required maxLength={200} value={supplier} onChange={(e) => setSupplier(e.target.value)} autoFocus />
          </label>
          <label className="field inline">Supplier&apos;s reference
            <input maxLength={100} value={reference} onChange={(e) => setReference(e.target.value)} placeholder="e.g. delivery note number" />
          </label>
          <label className="field inline">Expected on
            <input type="date" value={expectedOn} onChange={(e) => setExpectedOn(e.target.value)} />
          </label>
          {ownerChoice ? (
            <label className="field inline">Owner
              <select value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
                <option value="">Default owner</option>
                {(owners.data ?? []).map((o) => <option key={o.id} value={o.id}>{o.code} — {o.name}</option>)}
              </select>
            </label>
          ) : null}
        </div>
        <OwnersFailed owners={owners} />
        <fieldset>
          <legend>Lines</legend>
          {lines.map((l, i) => (
            <div className="filters" key={i}>
              <label className="field inline">SKU (line {i + 1})
                <input required list="new-asn-skus" pattern="[A-Za-z0-9._\-]{1,64}" title="Letters, digits, . _ - (up to 64)" value={l.sku} onChange={(e) => setLine(i, { sku: e.target.value })} />
              </label>
              <label className="field inline">Quantity (line {i + 1})
                <input type="number" required min={1} max={1_000_000} step={1} value={l.quantity} onChange={(e) => setLine(i, { quantity: e.target.value })} />
              </label>
              {lines.length === 1 ? null : <button type="button" onClick={() => setLines((ls) => ls.filter((_, j) => j !== i))}>Remove line {i + 1}</button>}
            </div>
          ))}
          <button type="button" onClick={() => setLines((ls) => [...ls, { sku: '', quantity: '1' }])}>Add a line</button>
        </fieldset>
        {error === undefined ? null : <p id="new-asn-error" role="alert" className="error">{error}</p>}
        <p className="actions">
          <button type="submit" className="primary" disabled={busy}>{busy ? 'Creating…' : 'Create ASN'}</button>
          <button type="button" onClick={onClose}>Close</button>
        </p>
      </form>
    </section>
  );
}
