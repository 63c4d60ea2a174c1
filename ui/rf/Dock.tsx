import { useState, type FormEvent } from 'react';
import { api, ApiError, errorSays, isNetworkError, newKey } from '../lib/api.ts';
import { goodScanFeedback } from './feedback.ts';
import { ScanInput } from './ScanInput.tsx';

/**
 * The dock's own screens, worked without a task: Receive (against an ASN, by its id, reference or an expected pallet
 * label, or blind) and Move (units from a location, or a whole LPN, to another location). Neither goes through the
 * offline queue (queue.ts): a receipt or a move is decided on PakLog's answer (OVER_RECEIPT, NOT_ON_ASN, the lot rules,
 * INSUFFICIENT_STOCK …), which the operator must see before the units are put down, so without a connection the screen
 * says so and nothing is kept. Each call carries its Idempotency-Key, so pressing Confirm again after a lost answer does
 * the receipt or the move once.
 */
export interface DockProps {
  site: string; workerId: string; online: boolean; busy: boolean; setBusy: (b: boolean) => void;
  fail: (message: string) => void; inform: (message: string | undefined) => void;
  /** Back to Ready, with what to say there. */
  done: (message?: string) => void;
}

interface Product { sku: string; gtin: string | null; lotControlled: boolean; expiryControlled: boolean; active?: boolean }
interface AsnLine { lineNo: number; sku: string; lot: string | null; expectedLpn: string | null; expected: number; received: number; damaged: number; open: number }
interface Asn { id: string; status: string; supplier: string; reference: string | null; lines: AsnLine[] }
interface Lpn { id: string; code: string; status: string; locationId: string | null; contents: { sku: string; lot: string | null; owner: string | null; orderId: string | null; quantity: number }[]; childIds: string[] }

export const OFFLINE_SAYS = 'No connection: a receipt or a move needs PakLog\'s answer, so it is not kept on this handheld. Try again when the connection is back';
const same = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const gtin14 = (code: string): string | undefined => (/^(?:[0-9]{8}|[0-9]{12,14})$/.test(code.trim()) ? code.trim().padStart(14, '0') : undefined);
/**
 * A refusal with its code; no answer: offline, nothing kept; PakLog not answering in time (TIMEOUT), confirm again: the
 * same Idempotency-Key goes again, so it is done once whether or not the first attempt reached PakLog.
 */
const says = (e: unknown): string => (e instanceof ApiError && e.code === 'TIMEOUT'
  ? 'TIMEOUT: PakLog did not answer in time. Confirm again: it goes with the same Idempotency-Key, so it is done once, never twice'
  : isNetworkError(e) ? OFFLINE_SAYS : errorSays(e));

/** The product a scan names: its SKU, or its GTIN in any GS1 length. */
async function findProduct(value: string): Promise<Product | undefined> {
  const v = value.trim();
  try {
    return await api<Product>('GET', `/products/${encodeURIComponent(v)}`);
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  const g = gtin14(v);
  if (g === undefined) return undefined;
  const page = await api<{ items: Product[] }>('GET', `/products?search=${encodeURIComponent(v.replace(/^0+/, ''))}&limit=50`);
  return page.items.find((p) => p.gtin !== null && gtin14(p.gtin) === g);
}

/** The ASN a scan names: its id, its reference, or a pallet label one of its lines expects (OPEN or RECEIVING ones). */
async function findAsn(site: string, value: string): Promise<Asn | undefined> {
  const v = value.trim();
  if (/^asn_/i.test(v)) {
    try {
      return await api<Asn>('GET', `/inventory/asns/${encodeURIComponent(v)}`);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
  }
  for (const status of ['RECEIVING', 'OPEN']) {
    const page = await api<{ items: Asn[] }>('GET', `/inventory/asns?siteId=${encodeURIComponent(site)}&status=${status}&limit=500`);
    const found = page.items.find((a) => (a.reference !== null && same(a.reference, v)) || same(a.id, v) || a.lines.some((l) => l.expectedLpn !== null && same(l.expectedLpn, v)));
    if (found !== undefined) return found;
  }
  return undefined;
}

function Lines({ asn }: { asn: Asn }) {
  return (
    <table className="rf-lines" aria-label={`Lines of ${asn.id}`}>
      <thead><tr><th>Line</th><th>SKU</th><th>Expected</th><th>Received</th><th>Damaged</th><th>Open</th></tr></thead>
      <tbody>
        {asn.lines.map((l) => (
          <tr key={l.lineNo}><td>{l.lineNo}</td><td>{l.sku}{l.lot === null ? '' : ` lot ${l.lot}`}</td><td>{l.expected}</td><td>{l.received}</td><td>{l.damaged}</td><td>{l.open}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

type ReceiveStep = 'source' | 'dock' | 'product' | 'details';

/** Receive at the dock: the ASN (or blind) → the dock location → the product → quantity, lot, expiry, damaged → confirm. */
export function ReceiveFlow({ site, online, busy, setBusy, fail, inform, done }: DockProps) {
  const [step, setStep] = useState<ReceiveStep>('source');
  /** The ASN received against; null: a blind receipt. */
  const [asn, setAsn] = useState<Asn | null>(null);
  const [dock, setDock] = useState<string | undefined>(undefined);
  const [product, setProduct] = useState<Product | undefined>(undefined);
  const [qty, setQty] = useState(1);
  const [lot, setLot] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [damaged, setDamaged] = useState(false);
  /** PakLog refused the receipt as more than expected: the operator may take it anyway (a dock lead's decision). */
  const [over, setOver] = useState(false);
  const [key, setKey] = useState(newKey);

  const go = async (what: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await what();
    } catch (e) {
      fail(says(e));
    } finally {
      setBusy(false);
    }
  };
  const onSource = (value: string): void => void go(async () => {
    if (value.trim() === '') return;
    const found = await findAsn(site, value);
    if (found === undefined) return fail(`No open ASN ${value.trim()} at ${site}: scan the ASN, its reference or a pallet label it expects, or receive blind`);
    if (!['OPEN', 'RECEIVING'].includes(found.status)) return fail(`ASN ${found.id} is ${found.status}: nothing more is received against it`);
    goodScanFeedback();
    inform(undefined);
    setAsn(found);
    setStep('dock');
  });
  const onDock = (value: string): void => {
    if (value.trim() === '') return;
    goodScanFeedback();
    inform(undefined);
    setDock(value.trim());
    setStep('product');
  };
  const onProduct = (value: string): void => void go(async () => {
    if (value.trim() === '') return;
    const p = await findProduct(value);
    if (p === undefined) return fail(`UNKNOWN_SKU: no product ${value.trim()}`);
    if (asn !== null && !asn.lines.some((l) => l.sku === p.sku)) return fail(`NOT_ON_ASN: ASN ${asn.id} expects no ${p.sku}: receive it blind`);
    goodScanFeedback();
    inform(undefined);
    setProduct(p);
    setQty(1);
    setLot('');
    setExpiresOn('');
    setDamaged(false);
    setOver(false);
    setKey(newKey());
    setStep('details');
  });
  const confirm = (e: FormEvent): void => {
    e.preventDefault();
    if (product === undefined) return;
    if (!online) return fail(OFFLINE_SAYS);
    void go(async () => {
      const body = {
        sku: product.sku, quantity: qty,
        ...(product.lotControlled && lot.trim() !== '' ? { lot: lot.trim() } : {}),
        ...((product.lotControlled || product.expiryControlled) && expiresOn !== '' ? { expiresOn } : {}),
        ...(damaged ? { status: 'DAMAGED' } : {}),
        ...(dock === undefined ? {} : { locationCode: dock }),
      };
      try {
        const r = asn === null
          ? await api<{ quantity: number; putaway: { id: string } }>('POST', '/inventory/inbound-receipts', { body: { siteId: site, ...body }, idempotencyKey: key })
          : await api<{ quantity: number; putaway: { id: string } }>('POST', `/inventory/asns/${asn.id}/receipts`, { body: { ...body, ...(over ? { acceptOver: true } : {}) }, idempotencyKey: key });
        goodScanFeedback();
        inform(`Received ${r.quantity} × ${product.sku}${damaged ? ' (damaged)' : ''}: putaway ${r.putaway.id} is queued for the floor`);
        if (asn !== null) setAsn(await api<Asn>('GET', `/inventory/asns/${asn.id}`));
        setProduct(undefined);
        setStep('product');
      } catch (err) {
        // A refusal changed nothing: the next attempt is a new request (the key of the refused one answers the refusal again).
        if (err instanceof ApiError && !isNetworkError(err)) setKey(newKey());
        if (err instanceof ApiError && err.code === 'OVER_RECEIPT') setOver(true);
        throw err;
      }
    });
  };
  const cancel = <button type="button" className="big secondary" disabled={busy} onClick={() => done('Receiving cancelled: nothing more received')}>Cancel</button>;
  const offline = online ? null : <p className="rf-hint">{OFFLINE_SAYS}</p>;
  return (
    <section aria-labelledby="receive-h">
      {step === 'source' ? (
        <>
          <h1 id="receive-h">Receive: scan the ASN</h1>
          <p className="rf-hint">The ASN, its reference, or a pallet label it expects. Receipts are sent at once, never kept offline.</p>
          {offline}
          <ScanInput onScan={onSource} />
          <button type="button" className="big secondary" disabled={busy} onClick={() => { inform(undefined); setAsn(null); setStep('dock'); }}>Blind receipt (no ASN)</button>
          {cancel}
        </>
      ) : step === 'dock' ? (
        <>
          <h1 id="receive-h">{asn === null ? 'Blind receipt' : `ASN ${asn.id}`}: scan the dock location</h1>
          {asn === null ? null : <Lines asn={asn} />}
          <ScanInput onScan={onDock} />
          <button type="button" className="big secondary" disabled={busy} onClick={() => { setDock(undefined); setStep('product'); }}>The site&apos;s receiving location</button>
          <button type="button" className="big secondary" disabled={busy} onClick={() => setStep('source')}>Back</button>
          {cancel}
        </>
      ) : step === 'product' ? (
        <>
          <h1 id="receive-h">{asn === null ? 'Blind receipt' : `ASN ${asn.id}`}: scan the product</h1>
          <p className="rf-hint">At {dock ?? 'the site\'s receiving location'}. Its SKU or GTIN.</p>
          {asn === null ? null : <Lines asn={asn} />}
          {offline}
          <ScanInput onScan={onProduct} />
          <button type="button" className="big secondary" disabled={busy} onClick={() => setStep('dock')}>Back</button>
          <button type="button" className="big secondary" disabled={busy} onClick={() => done(asn === null ? 'Blind receipt done' : `Receiving against ${asn.id} done`)}>Done</button>
        </>
      ) : product === undefined ? null : (
        <>
          <h1 id="receive-h">Receive {product.sku}</h1>
          {asn === null ? null : <Lines asn={{ ...asn, lines: asn.lines.filter((l) => l.sku === product.sku) }} />}
          {offline}
          <form className="stack" onSubmit={confirm}>
            <label className="field">Quantity
              <input name="quantity" type="number" min={1} inputMode="numeric" value={qty} onChange={(e) => { setQty(Math.max(1, Number(e.target.value) || 1)); setOver(false); }} />
            </label>
            {product.lotControlled ? <label className="field">Lot<input name="lot" value={lot} onChange={(e) => setLot(e.target.value)} autoComplete="off" /></label> : null}
            {product.lotControlled || product.expiryControlled
              ? <label className="field">Expiry date<input name="expiresOn" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} /></label> : null}
            <label><input type="checkbox" name="damaged" checked={damaged} onChange={(e) => setDamaged(e.target.checked)} /> Damaged</label>
            {over ? <p className="rf-hint">More than the ASN still expects: Confirm again to take it anyway (the dock lead&apos;s decision), or lower the quantity.</p> : null}
            <button type="submit" className="big primary" disabled={busy}>{over ? 'Take more than expected' : 'Confirm receipt'}</button>
          </form>
          <button type="button" className="big secondary" disabled={busy} onClick={() => { inform(undefined); setStep('product'); }}>Back</button>
          {cancel}
        </>
      )}
    </section>
  );
}

/** The one content line of an LPN the handheld moves whole (one product and lot, no LPN inside, nothing picked for an order). */
const loneContent = (lpn: Lpn): Lpn['contents'][number] | undefined =>
  (lpn.childIds.length === 0 && lpn.contents.length === 1 && lpn.contents[0]!.orderId === null ? lpn.contents[0] : undefined);

interface Balance { ownerId: string; lot: string | null; status: string; onHand: number; reserved: number; available: number }

/**
 * What of an LPN's units may move with it, by the books at its location: unreserved AVAILABLE units of its product,
 * lot and owner move; held ones (HOLD, QUARANTINE, DAMAGED) and reserved ones do not. Undefined when all of them may.
 * The LPN's contents count every status (walk12: its held units beside, a whole move of it was refused
 * INSUFFICIENT_STOCK with no way on, typically after some of its good units had been moved singly).
 */
interface LpnShort { where: string; units: number; movable: number; says: string[] }
async function lpnShort(site: string, lpn: Lpn, one: Lpn['contents'][number]): Promise<LpnShort | undefined> {
  const owner = one.owner ?? 'own_default';
  const rows = (await api<{ items: Balance[] }>('GET', `/inventory/balances?siteId=${encodeURIComponent(site)}&sku=${encodeURIComponent(one.sku)}`
    + `&locationId=${encodeURIComponent(lpn.locationId ?? '')}&owner=${encodeURIComponent(owner)}&limit=1000`)).items.filter((b) => b.lot === one.lot && b.ownerId === owner);
  const available = rows.filter((b) => b.status === 'AVAILABLE').reduce((n, b) => n + b.available, 0);
  if (available >= one.quantity) return undefined;
  const where = await api<{ code: string }>('GET', `/locations/${encodeURIComponent(lpn.locationId ?? '')}`).then((l) => l.code, () => lpn.locationId ?? '');
  const held = rows.filter((b) => b.status !== 'AVAILABLE' && b.onHand > 0);
  const reserved = rows.reduce((n, b) => n + b.reserved, 0);
  const onBooks = rows.reduce((n, b) => n + b.onHand, 0);
  const what = `${one.sku}${one.lot === null ? '' : ` lot ${one.lot}`}`;
  const says = [`The books at ${where} have ${available} unreserved available unit${available === 1 ? '' : 's'} of ${what} to move.`];
  if (held.length > 0) {
    says.push(`${held.map((b) => `${b.onHand} ${b.status}`).join(', ')}: held units move only once a manager releases them (console: Stock holds) or moves them with their status.`);
  }
  if (reserved > 0) says.push(`${reserved} reserved for orders: they are picked from here.`);
  if (onBooks < one.quantity) says.push(`The books hold ${onBooks} here, fewer than the LPN's ${one.quantity}: count ${where} (a manager's count) before moving the rest.`);
  return { where, units: one.quantity, movable: Math.min(available, one.quantity), says };
}

type MoveStep = 'from' | 'product' | 'quantity' | 'short' | 'to';

/**
 * Move at the dock or on the floor: the from-location → the product → quantity → the to-location → confirm
 * (POST /inventory/moves); or an LPN scanned first, moved whole: its units of one product and lot move by the inventory
 * move, which carries the LPN (lpns.md, MOVE), then the LPN move. An LPN holding several products, lots, LPNs or picked
 * units is not moved whole here (the LPN move alone would leave the books behind): the screen says to move by location.
 */
export function MoveFlow({ site, workerId, online, busy, setBusy, fail, inform, done }: DockProps) {
  const [step, setStep] = useState<MoveStep>('from');
  const [from, setFrom] = useState('');
  const [lpn, setLpn] = useState<Lpn | undefined>(undefined);
  // An LPN some of whose units may not move (held, reserved, or not on the books there): what may, and whether the
  // operator chose to move just those (the LPN staying where it is with the rest).
  const [short, setShort] = useState<LpnShort | undefined>(undefined);
  const [partLpn, setPartLpn] = useState(false);
  const [product, setProduct] = useState<Product | undefined>(undefined);
  const [qty, setQty] = useState(1);
  const [lot, setLot] = useState('');
  const [key, setKey] = useState(newKey);

  const go = async (what: () => Promise<void>): Promise<void> => {
    setBusy(true);
    try {
      await what();
    } catch (e) {
      if (e instanceof ApiError && !isNetworkError(e)) setKey(newKey());
      fail(says(e));
    } finally {
      setBusy(false);
    }
  };
  const onFrom = (value: string): void => void go(async () => {
    const v = value.trim();
    if (v === '') return;
    const lpns = (await api<{ items: Lpn[] }>('GET', `/lpns?siteId=${encodeURIComponent(site)}&code=${encodeURIComponent(v)}&limit=50`)).items
      .filter((l) => ['OPEN', 'CLOSED', 'STAGED', 'LOST'].includes(l.status) && l.locationId !== null);
    goodScanFeedback();
    inform(undefined);
    setKey(newKey());
    setShort(undefined);
    setPartLpn(false);
    if (lpns.length > 0) {
      const found = lpns[lpns.length - 1]!;
      const one = loneContent(found);
      if (one === undefined) {
        return fail(`LPN ${found.code} holds ${found.childIds.length > 0 ? 'other LPNs' : found.contents.length === 0 ? 'nothing' : 'several products, lots or picked units'}: `
          + 'the handheld moves a whole LPN of one product and lot only (the books move with it). Scan its location and move the units product by product');
      }
      setLpn(found);
      const cannot = await lpnShort(site, found, one);
      setShort(cannot);
      setStep(cannot === undefined ? 'to' : 'short');
      return;
    }
    setLpn(undefined);
    setFrom(v);
    setStep('product');
  });
  const onProduct = (value: string): void => void go(async () => {
    if (value.trim() === '') return;
    const p = await findProduct(value);
    if (p === undefined) return fail(`UNKNOWN_SKU: no product ${value.trim()}`);
    goodScanFeedback();
    inform(undefined);
    setProduct(p);
    setQty(1);
    setLot('');
    setStep('quantity');
  });
  const onTo = (value: string): void => {
    const to = value.trim();
    if (to === '') return;
    if (!online) return fail(OFFLINE_SAYS);
    void go(async () => {
      const part = lpn === undefined ? undefined : loneContent(lpn);
      if (lpn !== undefined && partLpn && short !== undefined && part !== undefined) {
        // The units that may move, by a plain move from the LPN's location: physical tracking takes them out of the LPN,
        // which stays there with the rest.
        await api('POST', '/inventory/moves', {
          body: { siteId: site, sku: part.sku, quantity: short.movable, ...(part.lot === null ? {} : { lot: part.lot }), ...(part.owner === null ? {} : { ownerId: part.owner }), fromLocationId: lpn.locationId, toLocationCode: to },
          idempotencyKey: key,
        });
        goodScanFeedback();
        done(`Moved ${short.movable} × ${part.sku} of LPN ${lpn.code} from ${short.where} to ${to}; the LPN stays at ${short.where} with the other ${short.units - short.movable}`);
        return;
      }
      if (lpn !== undefined) {
        const one = loneContent(lpn);
        if (one !== undefined) {
          // The books move with the pallet: the inventory move of exactly its units carries the LPN along; the LPN move
          // then puts its physical record there at once (a no-op once physical tracking heard the inventory move).
          try {
            await api('POST', '/inventory/moves', {
              body: { siteId: site, sku: one.sku, quantity: one.quantity, ...(one.lot === null ? {} : { lot: one.lot }), ...(one.owner === null ? {} : { ownerId: one.owner }), fromLocationId: lpn.locationId, toLocationCode: to },
              idempotencyKey: key,
            });
          } catch (e) {
            // Fewer of its units may move than it holds since it was scanned (held, reserved meanwhile): what may, and why.
            const cannot = e instanceof ApiError && e.code === 'INSUFFICIENT_STOCK' ? await lpnShort(site, lpn, one) : undefined;
            if (cannot === undefined) throw e;
            setKey(newKey());
            setShort(cannot);
            setStep('short');
            return;
          }
        }
        await api('POST', `/lpns/${lpn.id}/move`, { body: { locationId: to, workerId }, idempotencyKey: `${key}-lpn` });
        goodScanFeedback();
        done(`LPN ${lpn.code} moved to ${to}`);
        return;
      }
      if (product === undefined) return;
      await api('POST', '/inventory/moves', {
        body: { siteId: site, sku: product.sku, quantity: qty, ...(lot.trim() === '' ? {} : { lot: lot.trim() }), fromLocationCode: from, toLocationCode: to },
        idempotencyKey: key,
      });
      goodScanFeedback();
      done(`Moved ${qty} × ${product.sku} from ${from} to ${to}`);
    });
  };
  const cancel = <button type="button" className="big secondary" disabled={busy} onClick={() => done('Move cancelled: nothing moved')}>Cancel</button>;
  const offline = online ? null : <p className="rf-hint">{OFFLINE_SAYS}</p>;
  return (
    <section aria-labelledby="move-h">
      {step === 'from' ? (
        <>
          <h1 id="move-h">Move: scan the location or LPN to move from</h1>
          <p className="rf-hint">An LPN scanned here moves whole. Moves are sent at once, never kept offline.</p>
          {offline}
          <ScanInput onScan={onFrom} />
          {cancel}
        </>
      ) : step === 'product' ? (
        <>
          <h1 id="move-h">From {from}: scan the product</h1>
          <ScanInput onScan={onProduct} />
          <button type="button" className="big secondary" disabled={busy} onClick={() => setStep('from')}>Back</button>
          {cancel}
        </>
      ) : step === 'quantity' && product !== undefined ? (
        <>
          <h1 id="move-h">Move {product.sku} from {from}</h1>
          <form className="stack" onSubmit={(e) => { e.preventDefault(); inform(undefined); setStep('to'); }}>
            <label className="field">Quantity
              <input name="quantity" type="number" min={1} inputMode="numeric" value={qty} onChange={(e) => setQty(Math.max(1, Number(e.target.value) || 1))} />
            </label>
            {product.lotControlled ? <label className="field">Lot<input name="lot" value={lot} onChange={(e) => setLot(e.target.value)} autoComplete="off" /></label> : null}
            <button type="submit" className="big primary" disabled={busy}>Next</button>
          </form>
          <button type="button" className="big secondary" disabled={busy} onClick={() => setStep('product')}>Back</button>
          {cancel}
        </>
      ) : step === 'short' && lpn !== undefined && short !== undefined ? (
        <>
          <h1 id="move-h">LPN {lpn.code} holds {short.units} units at {short.where}; {short.movable === 0 ? 'none' : short.movable} of them can move now</h1>
          {short.says.map((line) => <p key={line} className="rf-hint">{line}</p>)}
          <p className="rf-hint">{short.movable === 0
            ? 'Nothing of it moves until then.'
            : `Move the ${short.movable} that can move now: the LPN stays at ${short.where} with the other ${short.units - short.movable}.`}</p>
          {short.movable > 0
            ? <button type="button" className="big primary" autoFocus disabled={busy} onClick={() => { inform(undefined); setPartLpn(true); setStep('to'); }}>Move the {short.movable} that can move</button>
            : null}
          <button type="button" className="big secondary" disabled={busy} onClick={() => { inform(undefined); setStep('from'); }}>Back</button>
          {cancel}
        </>
      ) : (
        <>
          <h1 id="move-h">{lpn !== undefined && partLpn && short !== undefined
            ? `Move ${short.movable} × ${loneContent(lpn)?.sku ?? ''} of LPN ${lpn.code}`
            : lpn !== undefined ? `Move LPN ${lpn.code} (${lpn.contents.reduce((n, c) => n + c.quantity, 0)} units)` : `Move ${qty} × ${product?.sku ?? ''}`}: scan the location to move to</h1>
          {offline}
          <ScanInput onScan={onTo} />
          <button type="button" className="big secondary" disabled={busy} onClick={() => { inform(undefined); if (partLpn) setPartLpn(false); setStep(lpn !== undefined ? (partLpn ? 'short' : 'from') : 'quantity'); }}>Back</button>
          {cancel}
        </>
      )}
    </section>
  );
}
