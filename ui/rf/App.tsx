import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, isNetworkError, newKey, signOut, whenSignedOut, whoAmI } from '../lib/api.ts';
import type { Me } from '../lib/session.ts';
import { SignIn } from '../lib/SignIn.tsx';
import { goodScanFeedback, wrongScanFeedback } from './feedback.ts';
import { enqueue, pending, replay, type QueuedCall } from './queue.ts';

interface Line {
  id: string; seq: number; sku: string; expectedBarcode: string | null; locationId: string; locationCode: string | null;
  quantity: number; picked: number; shortQuantity: number; status: string;
}
interface PickList { id: string; status: string; lines: Line[] }
interface Task { id: string; type: string; reference: string; status: string }
interface Shift { workerId: string; site: string }

const SHIFT = 'paklog.rf.shift';
const REASONS = [['NOT_FOUND', 'Not found'], ['DAMAGED', 'Damaged'], ['OTHER', 'Other']] as const;
const same = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();

export function App() {
  const [me, setMe] = useState<Me | undefined | null>(null);
  const [shift, setShift] = useState<Shift | undefined>(() => {
    const raw = sessionStorage.getItem(SHIFT);
    return raw === null ? undefined : JSON.parse(raw) as Shift;
  });
  const [workerId, setWorkerId] = useState('');
  const [site, setSite] = useState('DEMO');
  useEffect(() => {
    whenSignedOut(() => setMe(undefined));
    void whoAmI().then(setMe);
  }, []);
  if (me === null) return <p className="rf-msg">Loading…</p>;
  if (me === undefined || shift === undefined) {
    return (
      <SignIn className="rf-signin" title="PakLog handheld" onSignedIn={(who) => {
        const s = { workerId: who.workerId ?? workerId.trim(), site: site.trim() };
        // A key names no worker: without one every task call would be refused later, with a message about a JSON field.
        if (s.workerId === '') throw new ApiError(0, 'WORKER_ID_REQUIRED', 'Enter your worker id: a key sign-in needs it');
        sessionStorage.setItem(SHIFT, JSON.stringify(s));
        setShift(s);
        setMe(who);
      }} extra={(
        <>
          <label className="field">Worker id (API key sign-in)
            <input name="workerId" value={workerId} onChange={(e) => setWorkerId(e.target.value)} autoComplete="off" />
          </label>
          <label className="field">Site
            <input name="site" value={site} onChange={(e) => setSite(e.target.value)} required autoComplete="off" />
          </label>
        </>
      )} />
    );
  }
  return <Handheld shift={shift} onSignOut={() => { signOut(); sessionStorage.removeItem(SHIFT); setShift(undefined); setMe(undefined); }} />;
}

type Step = 'tote' | 'location' | 'product' | 'quantity' | 'short';

function Handheld({ shift, onSignOut }: { shift: Shift; onSignOut: () => void }) {
  const [online, setOnline] = useState(navigator.onLine);
  const [queued, setQueued] = useState<QueuedCall[]>(pending());
  const [task, setTask] = useState<Task | undefined>(undefined);
  const [list, setList] = useState<PickList | undefined>(undefined);
  const [tote, setTote] = useState('');
  const [step, setStep] = useState<Step>('tote');
  const [error, setError] = useState<string | undefined>(undefined);
  const [info, setInfo] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [qty, setQty] = useState(1);

  const flush = useCallback(async () => {
    if (pending().length === 0) return;
    const outcome = await replay();
    setQueued(pending());
    if (outcome.refused.length > 0) setError(outcome.refused.map((r) => `${r.call.label}: ${r.error.message}`).join('; '));
    if (outcome.sent > 0) setInfo(`${outcome.sent} queued scan${outcome.sent === 1 ? '' : 's'} sent`);
    if (outcome.left === 0 && list !== undefined) {
      try {
        setList(await api<PickList>('GET', `/pick-lists/${list.id}`));
      } catch {
        // The local copy stays until the next answer.
      }
    }
  }, [list]);
  useEffect(() => {
    const up = (): void => {
      setOnline(true);
      void flush();
    };
    const down = (): void => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, [flush]);
  // Once, at start: scans queued before a reload go out first.
  useEffect(() => {
    if (navigator.onLine) void flush();
  }, []);
  // Scans queued while the browser still said "online" (the server was out of reach): try again every few seconds.
  useEffect(() => {
    if (queued.length === 0 || !online) return undefined;
    const timer = window.setTimeout(() => void flush(), 3_000);
    return () => window.clearTimeout(timer);
  }, [queued, online, flush]);

  const line = list?.lines.find((l) => l.status === 'PENDING');
  useEffect(() => {
    if (line !== undefined) setQty(line.quantity - line.picked);
  }, [line?.id, line?.picked]);

  /**
   * Sends a floor command, or queues it when there is no connection (or older scans still wait: order is kept).
   * Answers the pick list from the API, or undefined when the call was queued (the caller updates its copy).
   */
  const send = async (call: QueuedCall): Promise<PickList | 'queued'> => {
    if (!navigator.onLine || pending().length > 0) {
      enqueue(call);
      setQueued(pending());
      if (navigator.onLine) void flush();
      return 'queued';
    }
    try {
      return await api<PickList>(call.method, call.path, { body: call.body, idempotencyKey: call.key });
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      // No answer: the scan may or may not have reached PakLog. Sent again with the same key, it counts once either way.
      enqueue(call);
      setQueued(pending());
      void flush();
      return 'queued';
    }
  };

  const fail = (message: string): void => {
    setError(message);
    setInfo(undefined);
    wrongScanFeedback();
  };

  const nextTask = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      const t = await api<Task | undefined>('POST', '/tasks/next', { body: { workerId: shift.workerId, siteId: shift.site, types: ['PICK'] }, idempotencyKey: newKey() });
      if (t === undefined) {
        setInfo('No work right now');
        return;
      }
      if (t.status === 'ASSIGNED') await api('POST', `/tasks/${t.id}/start`, { body: { workerId: shift.workerId }, idempotencyKey: newKey() });
      setList(await api<PickList>('GET', `/pick-lists/${t.reference}`));
      setTask(t);
      setTote('');
      setStep('tote');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const onScan = (value: string): void => {
    if (line === undefined || value.trim() === '') return;
    setError(undefined);
    if (step === 'tote') {
      setTote(value.trim());
      setStep('location');
      goodScanFeedback();
    } else if (step === 'location') {
      const expected = line.locationCode ?? line.locationId;
      if (!same(value, expected) && !same(value, line.locationId)) return fail(`Wrong location ${value.trim()}: go to ${expected}`);
      setStep('product');
      goodScanFeedback();
    } else if (step === 'product') {
      if (!same(value, line.expectedBarcode ?? line.sku) && !same(value, line.sku)) return fail(`Wrong product ${value.trim()}: pick ${line.sku}`);
      setStep('quantity');
      goodScanFeedback();
    }
  };

  /** After a command: the API's list, or (queued) our own copy moved on as the API will. */
  const advance = (answer: PickList | 'queued', local: (l: Line) => Line, done: string): void => {
    if (answer === 'queued') {
      setList((l) => (l === undefined ? l : { ...l, lines: l.lines.map((x) => (x.id === line?.id ? local(x) : x)) }));
      setInfo(`${done} (saved offline, will be sent)`);
    } else {
      setList(answer);
      setInfo(done);
    }
    setStep('location');
  };

  const confirm = async (): Promise<void> => {
    if (line === undefined || list === undefined) return;
    const open = line.quantity - line.picked;
    if (!Number.isInteger(qty) || qty < 1 || qty > open) return fail(`Quantity must be 1 to ${open}`);
    setBusy(true);
    try {
      const key = newKey();
      const answer = await send({
        key, method: 'POST', path: `/pick-lists/${list.id}/lines/${line.id}/confirm`, label: `${qty} × ${line.sku}`,
        body: { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: qty, toteId: tote, scanId: key },
      });
      advance(answer, (l) => ({ ...l, picked: l.picked + qty, status: l.picked + qty >= l.quantity ? 'PICKED' : l.status }), `Picked ${qty} × ${line.sku}`);
    } catch (e) {
      fail(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  const short = async (reason: string): Promise<void> => {
    if (line === undefined || list === undefined) return;
    setBusy(true);
    try {
      const key = newKey();
      const answer = await send({ key, method: 'POST', path: `/pick-lists/${list.id}/lines/${line.id}/short`, label: `short ${line.sku}`, body: { reason, scanId: key } });
      advance(answer, (l) => ({ ...l, shortQuantity: l.quantity - l.picked, status: 'SHORT' }), `Short: ${line.sku} (${reason})`);
    } catch (e) {
      fail(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    } finally {
      setBusy(false);
    }
  };

  const finish = async (): Promise<void> => {
    if (task === undefined) return;
    setBusy(true);
    try {
      await send({ key: newKey(), method: 'POST', path: `/tasks/${task.id}/complete`, label: 'task done', body: { workerId: shift.workerId } });
      setInfo('Pick list done');
    } catch (e) {
      // The pick list's completion may have closed the task already: nothing to do then.
      if (!(e instanceof ApiError && e.code === 'ILLEGAL_TRANSITION')) setError(e instanceof ApiError ? e.message : String(e));
      else setInfo('Pick list done');
    } finally {
      setTask(undefined);
      setList(undefined);
      setBusy(false);
    }
  };

  const done = list !== undefined && line === undefined;
  return (
    <div className="rf">
      <header className="rf-top">
        <span className="rf-brand">PakLog</span>
        <span className={online ? 'net on' : 'net off'} role="status">{online ? 'Online' : 'Offline'}{queued.length > 0 ? ` · ${queued.length} queued` : ''}</span>
        <span className="rf-who">{shift.workerId} @ {shift.site}</span>
        <button type="button" className="rf-link" onClick={onSignOut}>Sign out</button>
      </header>
      <main className="rf-main">
        {error === undefined ? null : <p role="alert" className="rf-error">{error}</p>}
        {info === undefined ? null : <p role="status" className="rf-info">{info}</p>}
        {list === undefined ? (
          <>
            <h1>Ready</h1>
            <button type="button" className="big primary" disabled={busy} onClick={() => void nextTask()}>Next task</button>
          </>
        ) : done ? (
          <>
            <h1>Pick list complete</h1>
            <p>{list.lines.filter((l) => l.status === 'PICKED').length} picked, {list.lines.filter((l) => l.status === 'SHORT').length} short.</p>
            <button type="button" className="big primary" disabled={busy} onClick={() => void finish()}>Finish task</button>
          </>
        ) : line === undefined ? null : (
          <PickStep line={line} step={step} tote={tote} qty={qty} setQty={setQty} busy={busy} onScan={onScan}
            position={`${list.lines.filter((l) => l.status !== 'PENDING').length + 1} of ${list.lines.length}`}
            onConfirm={() => void confirm()} onShort={() => setStep('short')} onReason={(r) => void short(r)} onBack={() => setStep('location')} />
        )}
      </main>
    </div>
  );
}

function PickStep(props: {
  line: Line; step: Step; tote: string; qty: number; position: string; busy: boolean;
  setQty: (n: number) => void; onScan: (v: string) => void; onConfirm: () => void; onShort: () => void; onReason: (r: string) => void; onBack: () => void;
}) {
  const { line, step } = props;
  const open = line.quantity - line.picked;
  const where = line.locationCode ?? line.locationId;
  if (step === 'short') {
    return (
      <section aria-labelledby="short-h">
        <h1 id="short-h">Short {line.sku}</h1>
        <p>{open} unit{open === 1 ? '' : 's'} at {where} will be reported short. Why?</p>
        <div className="stack">
          {REASONS.map(([code, label]) => <button key={code} type="button" className="big" disabled={props.busy} onClick={() => props.onReason(code)}>{label}</button>)}
          <button type="button" className="big secondary" onClick={props.onBack}>Back</button>
        </div>
      </section>
    );
  }
  const prompt = step === 'tote' ? 'Scan your tote' : step === 'location' ? `Go to ${where} and scan the location` : step === 'product' ? `Scan ${line.sku}` : 'How many did you pick?';
  return (
    <section aria-labelledby="step-h">
      <p className="rf-pos">Line {props.position}{props.tote === '' ? '' : ` · tote ${props.tote}`}</p>
      <div className="rf-card">
        <div className="rf-loc">{where}</div>
        <div className="rf-sku">{line.sku}</div>
        <div className="rf-qty">{open} to pick</div>
      </div>
      <h1 id="step-h">{prompt}</h1>
      {step === 'quantity' ? (
        <form onSubmit={(e) => { e.preventDefault(); props.onConfirm(); }} className="stack">
          <label className="field">Quantity
            <input name="quantity" type="number" inputMode="numeric" min={1} max={open} value={props.qty} autoFocus onChange={(e) => props.setQty(Number(e.target.value))} />
          </label>
          <button type="submit" className="big primary" disabled={props.busy}>Confirm pick</button>
        </form>
      ) : <ScanInput key={`${line.id}-${step}`} onScan={props.onScan} />}
      {step === 'tote' ? null : <button type="button" className="big secondary" disabled={props.busy} onClick={props.onShort}>Short pick</button>}
    </section>
  );
}

/** The scan field: a keyboard-wedge scanner types the code and Enter; a person can type it too, or use the camera. */
function ScanInput({ onScan }: { onScan: (v: string) => void }) {
  const [value, setValue] = useState('');
  const [camera, setCamera] = useState<string | undefined>(undefined);
  const input = useRef<HTMLInputElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  const stopCamera = useRef<(() => void) | undefined>(undefined);
  useEffect(() => () => stopCamera.current?.(), []);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onScan(value);
    setValue('');
    input.current?.focus();
  };
  const useCamera = async (): Promise<void> => {
    if (video.current === null) return;
    setCamera('Point the camera at the barcode');
    try {
      const { scanWithCamera } = await import('./camera.ts');
      const scan = await scanWithCamera(video.current);
      stopCamera.current = scan.stop;
      const text = await scan.text;
      setCamera(undefined);
      onScan(text);
    } catch {
      setCamera('No camera available: type or scan the code');
    }
  };
  return (
    <form onSubmit={submit} className="stack">
      <label className="field">Scan or type the code
        <input ref={input} name="scan" value={value} onChange={(e) => setValue(e.target.value)} autoFocus autoComplete="off" autoCapitalize="characters" spellCheck={false} enterKeyHint="go" />
      </label>
      <button type="submit" className="big primary">Enter</button>
      {'mediaDevices' in navigator ? <button type="button" className="big secondary" onClick={() => void useCamera()}>Use camera</button> : null}
      <video ref={video} className={camera === undefined ? 'hidden' : 'rf-video'} muted playsInline aria-hidden="true" />
      {camera === undefined ? null : <p role="status">{camera}</p>}
    </form>
  );
}
