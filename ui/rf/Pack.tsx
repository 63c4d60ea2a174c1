import { useEffect, useState } from 'react';
import { api, ApiError } from '../lib/api.ts';
import { useRecheckOnLive } from '../lib/hooks.ts';
import { shortFate, stepAfterShort, type PackShortAnswer, type PackStep } from '../lib/pack-short.ts';
import { goodScanFeedback } from './feedback.ts';
import { ScanInput } from './ScanInput.tsx';

/** What may stop a pack under way: its order cancelled, its task withdrawn. */
const PACK_MAY_STOP = ['orders.order.cancelled', 'tasks.task.cancelled'];

/** A PACK task's order (its reference) as the handheld needs it. */
export interface PackTask { id: string; type: string; reference: string; status: string }
interface ToteUnit { lineId: string; sku: string; quantity: number; gtin: string | null }
interface Tote { toteId: string; orderId: string; units: ToteUnit[]; suggestion: { packages: { cartonCode: string }[] } | null; openPackageIds: string[] }
interface PackageLine { lineId: string; sku: string; quantity: number }
interface Pkg { id: string; orderId: string; cartonCode: string; status: string; lines: PackageLine[]; sscc: string | null; weighedG: number | null }
interface WeightCheck { status: 'WITHIN' | 'OUT' | 'UNCHECKED'; weighedG: number; expectedG: number | null; tolerancePct: number; deviationPct: number | null }

const same = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const describe = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));

/**
 * The pack flow of a PACK task (its reference is the order): scan the order's tote, open the suggested carton, scan
 * each unit in, weigh, seal; the next carton while units are left; then the task is finished. Every command carries
 * its own Idempotency-Key; scans, weights and seals go through the handheld's offline queue like picks (`send`), but a
 * carton is opened and the tote read only online (their answers name the package and what is left).
 */
export function PackFlow(props: {
  task: PackTask; site: string; busy: boolean; started: boolean;
  /** Starts the claimed task with the first scan; false when PakLog refused it (the handheld is back on Ready then). */
  start: () => Promise<boolean>;
  send: <T>(call: { key: string; method: 'POST'; path: string; label: string; body: unknown }) => Promise<T | 'queued'>;
  /** What to say of the command `send` just answered 'queued' for: `offline` when kept offline, else PakLog's TIMEOUT. */
  saysQueued: (what: string, offline: string) => string;
  /**
   * Sends the offline queue first; false (said to the operator) while it cannot be. The commands that are not queued
   * (open a carton, repack, a unit missing) wait for it: sent before queued scans or a queued seal, they overtook them.
   */
  drained: () => Promise<boolean>;
  newKey: () => string;
  setBusy: (b: boolean) => void;
  fail: (message: string) => void;
  inform: (message: string | undefined) => void;
  /** The order is gone (cancelled) or the task is no longer this operator's: back to Ready with the message. */
  abandon: (message: string) => void;
  finish: () => Promise<void>;
  onReject: () => void;
  onPause: () => void;
  /**
   * The order waits for units shorted at packing to be picked again (a shipComplete order): its task is paused, back
   * to Ready with `message`; resumed from there once they are picked. Without it, `onPause`.
   */
  setAside?: (message: string) => void;
  onCannot: () => void;
}) {
  const { task } = props;
  const orderId = task.reference;
  const [step, setStep] = useState<PackStep>('tote');
  const [label, setLabel] = useState(orderId);
  const [totes, setTotes] = useState<string[]>([]);
  const [tote, setTote] = useState<Tote | undefined>(undefined);
  const [pkg, setPkg] = useState<Pkg | undefined>(undefined);
  const [weight, setWeight] = useState('');

  // What the operator is told to look for: the order's client id and the totes its units were picked into.
  useEffect(() => {
    void (async () => {
      try {
        const order = await api<{ externalId: string | null }>('GET', `/orders/${orderId}`);
        if (order.externalId !== null) setLabel(order.externalId);
      } catch {
        // The order id stays the label.
      }
      try {
        const lists = await api<{ items: { lines: { orderId?: string; toteId: string | null; picked: number }[] }[] }>('GET', `/pick-lists?orderId=${orderId}&limit=50`);
        setTotes([...new Set(lists.items.flatMap((l) => l.lines.filter((x) => (x.orderId === undefined || x.orderId === orderId) && x.picked > 0 && x.toteId !== null)
          .map((x) => x.toteId!)))]);
      } catch {
        // Without the hint the operator scans the tote they were handed.
      }
    })();
  }, [orderId]);

  /** A refusal PakLog gave: a cancelled order ends the task; anything else is shown and the step stays. */
  const refused = (e: unknown): void => {
    if (e instanceof ApiError && e.code === 'ORDER_CANCELLED') {
      props.abandon(`${describe(e)}. Put tote ${tote?.toteId ?? ''} aside for returns; the pack task is withdrawn with the order`);
      return;
    }
    props.fail(describe(e));
  };

  /**
   * The order cancelled while its pack screen is open (told by the live stream, as the pick screen is): the packer
   * learns it now, not at their next scan, with what to do with the tote. Not while a command is out: its answer
   * (ORDER_CANCELLED) says it.
   */
  const recheck = async (): Promise<void> => {
    if (props.busy) return;
    const order = await api<{ status: string }>('GET', `/orders/${orderId}`).catch(() => undefined);
    if (order?.status !== 'CANCELLED') return;
    const aside = tote?.toteId ?? (totes.length === 0 ? undefined : totes.join(', '));
    props.abandon(`Order ${label} was cancelled: stop packing it. Put ${aside === undefined ? 'its tote' : `tote ${aside}`} aside for returns; the pack task is withdrawn with the order`);
  };
  useRecheckOnLive(PACK_MAY_STOP, recheck, orderId);

  /** Reads the tote again: what is left decides the next step (another carton, or the order is packed). */
  const readTote = async (toteId: string): Promise<Tote | undefined> => {
    try {
      const t = await api<Tote>('GET', `/pack-station/totes/${encodeURIComponent(toteId)}?siteId=${encodeURIComponent(props.site)}&orderId=${orderId}`);
      setTote(t);
      return t;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTE_EMPTY') return undefined;
      throw e;
    }
  };

  const run = async (work: () => Promise<void>): Promise<void> => {
    props.setBusy(true);
    try {
      await work();
    } catch (e) {
      refused(e);
    } finally {
      props.setBusy(false);
    }
  };

  const onTote = (value: string): Promise<void> => run(async () => {
    const toteId = value.trim();
    if (toteId === '') return;
    let t: Tote | undefined;
    try {
      t = await readTote(toteId);
    } catch (e) {
      props.fail(describe(e));
      return;
    }
    if (t === undefined) {
      // The order cancelled before the tote was scanned: nothing of it is to pack any more, and its task is withdrawn.
      // Said so, back to Ready (it said "scan the order's tote (<the tote just scanned>)", and only "Not me" was left).
      const order = await api<{ status: string }>('GET', `/orders/${orderId}`).catch(() => undefined);
      if (order?.status === 'CANCELLED') {
        props.abandon(`Order ${label} was cancelled: nothing to pack. Put tote ${toteId} aside for returns; the pack task is withdrawn with the order`);
        return;
      }
      props.fail(`Tote ${toteId} holds nothing to pack for order ${label}: scan the order's tote${totes.length === 0 ? '' : ` (${totes.join(', ')})`}`);
      return;
    }
    goodScanFeedback();
    if (!props.started && !(await props.start())) return;
    // A carton this order already has open (a paused task, a reload) is filled on, not opened twice.
    const open = t.openPackageIds[0];
    if (open !== undefined) {
      const carton = await api<Pkg>('GET', `/packages/${open}`);
      // The tote's units are those no carton holds yet: with the open carton's added back, what is left to scan into
      // it is counted as when it was opened (none left: it waits to be weighed).
      const units = t.units.map((u) => ({ ...u }));
      for (const l of carton.lines) {
        const unit = units.find((u) => u.lineId === l.lineId);
        if (unit !== undefined) unit.quantity += l.quantity;
        else units.push({ lineId: l.lineId, sku: l.sku, quantity: l.quantity, gtin: null });
      }
      const whole = { ...t, units };
      setTote(whole);
      setPkg(carton);
      if (left(whole, carton).length === 0) {
        setStep('weight');
        props.inform(`Tote ${toteId}: carton ${carton.cartonCode} is open with every item in it: weigh it`);
      } else {
        setStep('items');
        props.inform(`Tote ${toteId}: carton ${carton.cartonCode} is open, scan its items`);
      }
    } else {
      setStep('carton');
      props.inform(`Tote ${toteId}: order ${label}`);
    }
  });

  const openCarton = (): Promise<void> => run(async () => {
    if (tote === undefined || !await props.drained()) return;
    const opened = await api<Pkg>('POST', '/pack-station/packages', { body: { orderId, toteId: tote.toteId }, idempotencyKey: props.newKey() });
    setPkg(opened);
    setStep('items');
    props.inform(`Carton ${opened.cartonCode} open: scan each item`);
  });

  /** Units of the tote not yet in this carton, per order line. */
  const left = (t: Tote | undefined, p: Pkg | undefined): ToteUnit[] => (t?.units ?? []).map((u) => ({
    ...u, quantity: u.quantity - (p?.lines.filter((l) => l.lineId === u.lineId).reduce((n, l) => n + l.quantity, 0) ?? 0),
  })).filter((u) => u.quantity > 0);
  const remaining = left(tote, pkg);

  const onItem = (value: string): Promise<void> => run(async () => {
    if (pkg === undefined) return;
    const barcode = value.trim();
    if (barcode === '') return;
    const unit = remaining.find((u) => same(barcode, u.sku) || (u.gtin !== null && same(barcode, u.gtin)));
    if (unit === undefined) {
      const packed = tote?.units.some((u) => same(barcode, u.sku) || (u.gtin !== null && same(barcode, u.gtin)));
      props.fail(packed === true
        ? `${barcode}: every unit of it is already in the carton`
        : `Wrong item ${barcode}: not on order ${label}. Put it aside; scan ${remaining.map((u) => u.sku).join(', ')}`);
      return;
    }
    const key = props.newKey();
    const answer = await props.send<Pkg>({ key, method: 'POST', path: `/packages/${pkg.id}/scans`, label: `pack ${unit.sku}`, body: { barcode } });
    const after: Pkg = answer === 'queued'
      ? { ...pkg, lines: [...pkg.lines.filter((l) => l.lineId !== unit.lineId), { lineId: unit.lineId, sku: unit.sku, quantity: (pkg.lines.find((l) => l.lineId === unit.lineId)?.quantity ?? 0) + 1 }] }
      : answer;
    setPkg(after);
    goodScanFeedback();
    props.inform(answer === 'queued' ? props.saysQueued(`Packed 1 × ${unit.sku}`, `Packed 1 × ${unit.sku} (saved offline, will be sent)`) : `Packed 1 × ${unit.sku}`);
    if (left(tote, after).length === 0) setStep('weight');
  });

  const weigh = (): Promise<void> => run(async () => {
    if (pkg === undefined) return;
    const grams = Number(weight);
    if (!Number.isInteger(grams) || grams < 1) {
      props.fail('Weight must be a whole number of grams, 1 or more');
      return;
    }
    const answer = await props.send<{ package: Pkg; check: WeightCheck }>({
      key: props.newKey(), method: 'POST', path: `/packages/${pkg.id}/weight`, label: `weight ${grams} g`, body: { weightG: grams },
    });
    if (answer === 'queued') {
      setStep('seal');
      props.inform(props.saysQueued(`Weight ${grams} g`, `Weight ${grams} g saved offline, will be sent`));
      return;
    }
    setPkg(answer.package);
    if (answer.check.status === 'OUT') {
      // Right contents weighed again fail again when the catalogue is wrong (a product's weight, the carton's tare): said too.
      props.fail(`Weighs ${grams} g; it should weigh ${answer.check.expectedG ?? '?'} g (±${answer.check.tolerancePct} %). Check the contents, weigh again, or repack. `
        + `Contents right? Then the catalogue's weight of a product or of carton ${answer.package.cartonCode} is wrong: a manager corrects it, then weigh again`);
      return;
    }
    setStep('seal');
    props.inform(answer.check.status === 'UNCHECKED' ? `Weight ${grams} g recorded (not checked: a product has no weight)` : `Weight ${grams} g: within tolerance`);
  });

  const seal = (): Promise<void> => run(async () => {
    if (pkg === undefined || tote === undefined) return;
    const answer = await props.send<Pkg>({ key: props.newKey(), method: 'POST', path: `/packages/${pkg.id}/seal`, label: `seal ${pkg.id}`, body: undefined });
    const sealed = answer === 'queued' ? undefined : answer;
    setPkg(undefined);
    setWeight('');
    // Units left for another carton (no single carton takes them all), or the order is packed. A tote this carton took
    // every unit of is not read again: it is empty, and PakLog answers 404 TOTE_EMPTY for it.
    const more = answer === 'queued' || left(tote, pkg).length === 0 ? undefined : await readTote(tote.toteId);
    if (more !== undefined && more.units.length > 0) {
      setStep('carton');
      props.inform(`Package ${sealed?.sscc ?? pkg.id} sealed; ${more.units.reduce((n, u) => n + u.quantity, 0)} unit(s) left: open the next carton`);
    } else {
      setStep('done');
      props.inform(answer === 'queued' ? props.saysQueued(`Seal of ${pkg.id}`, 'Seal saved offline, will be sent') : `Package sealed, SSCC ${sealed?.sscc ?? ''}`);
    }
  });

  const repack = (): Promise<void> => run(async () => {
    if (pkg === undefined || tote === undefined || !await props.drained()) return;
    await api<Pkg>('POST', `/packages/${pkg.id}/repack`, { idempotencyKey: props.newKey() });
    setPkg(undefined);
    setWeight('');
    await readTote(tote.toteId);
    setStep('carton');
    props.inform(`Carton ${pkg.cartonCode} emptied: its items go back to pack`);
  });

  /**
   * One unit of a line is not in the tote, or is damaged (POST /pack-station/shorts): the order ships without it, or,
   * a shipComplete order, it is picked again and the order ships complete (the answer's `pickedAgain`, ADR 0024
   * addendum 2026-12-07). What is left decides the step: the carton's weight, another carton, or the order packed
   * already; an order whose unit is picked again is not packed until it comes, so the packer sets the tote and any
   * open carton aside and takes the next order (never led to weigh and seal).
   */
  const shortUnit = (unit: ToteUnit, reason: 'MISSING' | 'DAMAGED'): Promise<void> => run(async () => {
    if (tote === undefined || !await props.drained()) return;
    const answer = await api<PackShortAnswer>('POST', '/pack-station/shorts', {
      body: { orderId, lineId: unit.lineId, quantity: 1, reason, toteId: tote.toteId }, idempotencyKey: props.newKey(),
    });
    const after: Tote = { ...tote, units: tote.units.map((u) => (u.lineId === unit.lineId ? { ...u, quantity: u.quantity - 1 } : u)).filter((u) => u.quantity > 0) };
    setTote(after);
    const next = stepAfterShort(answer, { unitsLeft: left(after, pkg).length, cartonHasUnits: pkg !== undefined && pkg.lines.length > 0 });
    props.inform(`1 × ${unit.sku} ${reason === 'MISSING' ? 'missing' : 'damaged (put it aside)'}: ${shortFate(answer, 1)}${next === 'aside' ? `. ${asideWhat(after)}` : ''}`);
    if (next === 'done') setPkg(undefined);
    if (next !== undefined) setStep(next);
  });
  /** What to set aside while the order's units are picked again: its tote, and the open carton with what it holds. */
  const asideWhat = (t: Tote | undefined): string => {
    const carton = pkg === undefined ? '' : ` and carton ${pkg.cartonCode}${pkg.lines.length === 0 ? '' : ` (${pkg.lines.reduce((n, l) => n + l.quantity, 0)} unit(s) in it)`}`;
    return `Set tote ${t?.toteId ?? ''}${carton} aside for order ${label}: it is packed when the unit comes`;
  };
  const setAside = (): void => {
    const message = `Order ${label} set aside (tote ${tote?.toteId ?? ''}${pkg === undefined ? '' : `, carton ${pkg.cartonCode}`}): it waits for units picked again. `
      + 'Its pack task is paused: resume it from this screen once they are picked';
    if (props.setAside !== undefined) props.setAside(message);
    else props.onPause();
  };
  const shortButtons = (
    <div className="stack" aria-label="Missing or damaged">
      {remaining.flatMap((u) => [
        <button key={`${u.lineId}-m`} type="button" className="big secondary" disabled={props.busy} onClick={() => void shortUnit(u, 'MISSING')}>1 × {u.sku} missing</button>,
        <button key={`${u.lineId}-d`} type="button" className="big secondary" disabled={props.busy} onClick={() => void shortUnit(u, 'DAMAGED')}>1 × {u.sku} damaged</button>,
      ])}
    </div>
  );

  const card = (
    <div className="rf-card">
      <div className="rf-loc">Order {label}</div>
      {tote === undefined
        ? <div className="rf-qty">{totes.length === 0 ? 'Tote: ask the pick area' : `Tote ${totes.join(', ')}`}</div>
        : <div className="rf-qty">Tote {tote.toteId}{pkg === undefined ? '' : ` · carton ${pkg.cartonCode}`}</div>}
    </div>
  );
  const taskButtons = step === 'done' || step === 'aside' ? null : !props.started ? (
    <div className="stack">
      <button type="button" className="big secondary" disabled={props.busy} onClick={props.onReject}>Not me: reject task</button>
    </div>
  ) : (
    <div className="stack">
      <button type="button" className="big secondary" disabled={props.busy} onClick={props.onPause}>Pause task</button>
      <button type="button" className="big secondary" disabled={props.busy} onClick={props.onCannot}>Cannot do this task</button>
    </div>
  );

  return (
    <>
      <section aria-labelledby="pack-h">
        <p className="rf-pos">Pack task {task.id}</p>
        {card}
        {step === 'tote' ? (
          <>
            <h1 id="pack-h">Scan the tote to pack</h1>
            <ScanInput key="tote" onScan={(v) => void onTote(v)} />
          </>
        ) : step === 'carton' ? (
          <>
            <h1 id="pack-h">Take carton {tote?.suggestion?.packages[0]?.cartonCode ?? '(none fits: ask your supervisor)'}</h1>
            <ul>{remaining.map((u) => <li key={u.lineId}>{u.quantity} × {u.sku}</li>)}</ul>
            <div className="stack">
              <button type="button" className="big primary" autoFocus disabled={props.busy || tote?.suggestion === null} onClick={() => void openCarton()}>Open carton</button>
            </div>
            {shortButtons}
          </>
        ) : step === 'items' ? (
          <>
            <h1 id="pack-h">Scan each item into the carton</h1>
            <ul aria-label="Left to pack">{remaining.map((u) => <li key={u.lineId}>{u.quantity} × {u.sku}</li>)}</ul>
            <ScanInput key={`items-${pkg?.id ?? ''}`} onScan={(v) => void onItem(v)} />
            <div className="stack">
              {pkg !== undefined && pkg.lines.length > 0 && remaining.length > 0
                ? <button type="button" className="big secondary" disabled={props.busy} onClick={() => setStep('weight')}>Carton full: weigh it</button> : null}
              <button type="button" className="big secondary" disabled={props.busy} onClick={() => void repack()}>Empty the carton (repack)</button>
            </div>
            {shortButtons}
          </>
        ) : step === 'weight' ? (
          <>
            <h1 id="pack-h">Put the carton on the scale</h1>
            <form className="stack" onSubmit={(e) => { e.preventDefault(); void weigh(); }}>
              <label className="field">Weight (g)
                <input name="weight" type="number" inputMode="numeric" min={1} value={weight} autoFocus onChange={(e) => setWeight(e.target.value)} />
              </label>
              <button type="submit" className="big primary" disabled={props.busy}>Record weight</button>
            </form>
            <div className="stack">
              <button type="button" className="big secondary" disabled={props.busy} onClick={() => void repack()}>Empty the carton (repack)</button>
            </div>
          </>
        ) : step === 'seal' ? (
          <>
            <h1 id="pack-h">Seal the carton</h1>
            <div className="stack">
              <button type="button" className="big primary" autoFocus disabled={props.busy} onClick={() => void seal()}>Seal package</button>
              <button type="button" className="big secondary" disabled={props.busy} onClick={() => setStep('weight')}>Weigh again</button>
            </div>
          </>
        ) : step === 'aside' ? (
          <>
            <h1 id="pack-h">Set the order aside</h1>
            <p>
              The order ships complete: the unit will be picked again, and the order is packed when it comes. {asideWhat(tote)}.
              Do not weigh or seal{pkg === undefined ? '' : ' the carton'} now; take the next order.
            </p>
            {remaining.length === 0 ? null : <ul aria-label="Left in the tote">{remaining.map((u) => <li key={u.lineId}>{u.quantity} × {u.sku}</li>)}</ul>}
            <div className="stack">
              <button type="button" className="big primary" autoFocus disabled={props.busy} onClick={setAside}>Set aside: next order</button>
            </div>
            {remaining.length === 0 ? null : shortButtons}
          </>
        ) : (
          <>
            <h1 id="pack-h">Order packed</h1>
            <div className="stack">
              <button type="button" className="big primary" autoFocus disabled={props.busy} onClick={() => void props.finish()}>Finish task</button>
            </div>
          </>
        )}
      </section>
      {taskButtons}
    </>
  );
}
