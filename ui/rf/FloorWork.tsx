import { useEffect, useRef, useState } from 'react';
import { api, ApiError, isNetworkError, noAnswerSays } from '../lib/api.ts';
import { goodScanFeedback } from './feedback.ts';
import { ScanInput } from './ScanInput.tsx';

/** A PUTAWAY, REPLENISH, MOVE or COUNT task: its reference names the inventory work (a putaway, replenishment, return or count id). */
export interface FloorTask { id: string; type: string; reference: string; status: string }
interface Putaway { id: string; siteId: string; sku: string; lot: string | null; stockStatus: string; quantity: number; open: number; status: string; fromLocationId: string; suggestedLocationId: string | null }
interface Replenishment { id: string; sku: string; lot: string | null; quantity: number; moved: number; status: string; fromLocationId: string; toLocationId: string }
interface Return { id: string; orderId: string; sku: string; lot: string | null; quantity: number; returned: number; open: number; status: string; fromLocationId: string; suggestedLocationId: string }
interface Count { id: string; sku: string; lot: string | null; ownerId: string; locationId: string; status: string; attempt: number | null }

const same = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const describe = (e: unknown): string => (e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
/** The code a location is scanned by (its id when the site's layout cannot be read). */
const codeOf = async (locationId: string): Promise<string> => {
  try {
    return (await api<{ code: string }>('GET', `/locations/${locationId}`)).code;
  } catch {
    return locationId;
  }
};

/** An owner (3PL client) as the floor knows it: its name and code (`Acme Outdoor (ACME)`); its id only when it cannot be read. */
const ownerOf = async (ownerId: string): Promise<string> => {
  try {
    const o = await api<{ code: string; name: string }>('GET', `/owners/${encodeURIComponent(ownerId)}`);
    return o.name === o.code ? o.code : `${o.name} (${o.code})`;
  } catch {
    return ownerId;
  }
};

/** What every floor flow gets from the handheld (as PackFlow does): the task, the offline-aware send, the ways out. */
export interface FloorProps {
  task: FloorTask; workerId: string; busy: boolean; started: boolean;
  /** Starts the claimed task with the first scan; false when PakLog refused it (the handheld is back on Ready then). */
  start: () => Promise<boolean>;
  send: <T>(call: { key: string; method: 'POST'; path: string; label: string; body: unknown }) => Promise<T | 'queued'>;
  /** What to say of the command `send` just answered 'queued' for: `offline` when kept offline, else PakLog's TIMEOUT. */
  saysQueued: (what: string, offline: string) => string;
  newKey: () => string;
  setBusy: (b: boolean) => void;
  fail: (message: string) => void;
  inform: (message: string | undefined) => void;
  /** The work is gone (cancelled, closed) or the task is no longer this operator's: back to Ready with the message. */
  abandon: (message: string) => void;
  /** The task ended another way (its work withdrawn from this handheld): back to Ready, the message said as news. */
  leave: (message: string) => void;
  /** Whether the signed-in person may plan at the site (admin, manager): a dock lead's ways out (cancel a putaway). */
  canPlan: (siteId: string) => boolean;
  finish: () => Promise<void>;
  onReject: () => void;
  onPause: () => void;
  onCannot: () => void;
}

/**
 * A refusal that means the work cannot go on from this handheld (withdrawn, done by someone else, not this
 * operator's task): back to Ready. Anything else (a wrong or blocked location, a quantity) is shown and the step stays.
 */
const FINAL = ['NOT_FOUND', 'ILLEGAL_TRANSITION', 'ACTING_AS_ANOTHER_WORKER', 'COUNT_ATTEMPT_MISMATCH', 'RECOUNT_BY_SAME_COUNTER'];

/** The ways out of a task, on every step: before the first scan "Not me", after it pause or "cannot do". */
function WaysOut({ started, busy, onReject, onPause, onCannot }: Pick<FloorProps, 'started' | 'busy' | 'onReject' | 'onPause' | 'onCannot'>) {
  return !started ? (
    <div className="stack">
      <button type="button" className="big secondary" disabled={busy} onClick={onReject}>Not me: reject task</button>
    </div>
  ) : (
    <div className="stack">
      <button type="button" className="big secondary" disabled={busy} onClick={onPause}>Pause task</button>
      <button type="button" className="big secondary" disabled={busy} onClick={onCannot}>Cannot do this task</button>
    </div>
  );
}

/**
 * While the task's work is read: says so, with the ways out (else a slow network shows a blank screen with only "Not
 * me: reject task"). A read PakLog refused is said by the app's alert instead.
 */
function Reading(props: FloorProps & { error: string | undefined }) {
  return (
    <>
      {props.error === undefined ? <p className="rf-msg" role="status">Reading task {props.task.id}…</p> : null}
      <WaysOut {...props} />
    </>
  );
}

/** How long the handheld waits before reading a task's work again after the connection dropped. */
const READ_AGAIN_MS = 3_000;

/**
 * Reads the task's work once; a read PakLog refuses is said on the screen, with the ways out. A read that got no answer
 * (the connection dropped) is no task that cannot be worked: it is said so once, and read again every few seconds
 * until PakLog answers (the screen says "Reading task …" meanwhile, with the ways out).
 */
function useWork<T>(path: string, props: FloorProps): [T | undefined, (t: T) => void, string | undefined] {
  const [work, setWork] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  const offlineSaid = useRef(false);
  useEffect(() => {
    let current = true;
    let timer: number | undefined;
    void (async () => {
      try {
        const read = await api<T>('GET', path);
        if (!current) return;
        setWork(read);
        // The "no connection" said while it was read again is over.
        if (offlineSaid.current) props.inform(undefined);
        offlineSaid.current = false;
      } catch (e) {
        if (!current) return;
        if (isNetworkError(e)) {
          if (!offlineSaid.current) props.fail(`${noAnswerSays(e) ?? 'No connection to PakLog'}: task ${props.task.id} is read again as soon as PakLog answers`);
          offlineSaid.current = true;
          timer = window.setTimeout(() => setAttempt((n) => n + 1), READ_AGAIN_MS);
          return;
        }
        setError(describe(e));
        props.fail(`${describe(e)}. Task ${props.task.id} cannot be worked here: hand it back or ask your supervisor`);
      }
    })();
    return () => {
      current = false;
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [path, attempt]);
  return [work, setWork, error];
}

/**
 * Sends the work's confirm (or submit) through the handheld's queue. Answers the API's record, 'queued' (offline, or
 * PakLog did not answer in time: the operator is told which and sent back to Ready, the scan goes out again with its
 * key when PakLog answers), or undefined when refused
 * (said on the screen; a final refusal ends the task on this handheld).
 */
async function confirmWork<T>(props: FloorProps, call: { path: string; label: string; body: Record<string, unknown> }): Promise<T | 'queued' | undefined> {
  props.setBusy(true);
  try {
    if (!await props.start()) return undefined;
    const key = props.newKey();
    const answer = await props.send<T>({ key, method: 'POST', path: call.path, label: call.label, body: { ...call.body, workerId: props.workerId } });
    if (answer === 'queued') props.abandon(props.saysQueued(call.label, `${call.label}: saved offline, will be sent when the connection returns`));
    return answer;
  } catch (e) {
    if (e instanceof ApiError && FINAL.includes(e.code)) props.abandon(`${describe(e)}. Take the next task`);
    else props.fail(describe(e));
    return undefined;
  } finally {
    props.setBusy(false);
  }
}

/**
 * A PUTAWAY task: received units wait at the dock. The operator takes them to the suggested location (or any other
 * valid one: the scan decides), scans it and confirms how many were put there; units left stay open for another scan.
 * A location PakLog refuses (unknown, blocked, under count, not for these units) is said and another can be scanned.
 */
export function PutawayFlow(props: FloorProps) {
  const [p, setP, readError] = useWork<Putaway>(`/inventory/putaways/${props.task.reference}`, props);
  /**
   * The codes of the receiving and suggested locations; undefined until read (the screen says "Reading task …"): it
   * said "any storage location", "Put the units away and scan the location" meanwhile, which a quick operator acted on.
   */
  const [codes, setCodes] = useState<{ from: string; suggested: string | null } | undefined>(undefined);
  const [scanned, setScanned] = useState<string | undefined>(undefined);
  const [qty, setQty] = useState(0);
  /** A dock lead asked to cancel the putaway: the reasons are offered (PutawayCancel). */
  const [cancelling, setCancelling] = useState(false);
  useEffect(() => {
    if (p === undefined) return;
    setQty(p.open);
    void (async () => setCodes({ from: await codeOf(p.fromLocationId), suggested: p.suggestedLocationId === null ? null : await codeOf(p.suggestedLocationId) }))();
  }, [p?.id, p?.open]);
  if (p === undefined || codes === undefined) return <Reading {...props} error={readError} />;

  const onScan = (value: string): void => {
    if (value.trim() === '') return;
    props.inform(undefined);
    setScanned(value.trim());
    goodScanFeedback();
    // The first location scan starts the claimed task, as a pick's tote scan does.
    if (!props.started) void props.start();
  };
  const confirm = async (): Promise<void> => {
    if (scanned === undefined) return;
    if (!Number.isInteger(qty) || qty < 1 || qty > p.open) return props.fail(`Quantity must be 1 to ${p.open}`);
    const answer = await confirmWork<Putaway>(props, {
      path: `/inventory/putaways/${p.id}/confirm`, label: `put away ${qty} × ${p.sku} at ${scanned}`, body: { locationCode: scanned, quantity: qty, scanId: props.newKey() },
    });
    if (answer === 'queued') return;
    // Refused: the scan is dropped, so the operator scans another location.
    setScanned(undefined);
    if (answer === undefined) return;
    setP(answer);
    if (answer.open === 0) {
      props.inform(`Put away ${qty} × ${p.sku} at ${scanned}`);
      await props.finish();
    } else {
      props.inform(`Put away ${qty} × ${p.sku} at ${scanned}: ${answer.open} left to put away`);
    }
  };
  if (cancelling) return <PutawayCancel {...props} putaway={p} from={codes.from} onBack={() => setCancelling(false)} />;
  // Held, quarantined or damaged units go to a QUARANTINE location only (inventory's putawayTargetTypes): with no
  // suggestion, "any storage location" sent the operator to shelves PakLog then refused one scan after another.
  const good = p.stockStatus === 'AVAILABLE';
  const where = codes.suggested ?? (good ? 'any storage location' : 'a QUARANTINE location');
  return (
    <>
      <section aria-labelledby="putaway-h">
        <p className="rf-pos">Putaway {p.id}{p.stockStatus === 'AVAILABLE' ? '' : ` · ${p.stockStatus.toLowerCase()} units`}</p>
        <div className="rf-card">
          <div className="rf-loc">{where}</div>
          <div className="rf-sku">{p.sku}{p.lot === null ? '' : ` · lot ${p.lot}`}</div>
          <div className="rf-qty">{p.open} to put away{codes.from === '' ? '' : ` from ${codes.from}`}</div>
        </div>
        <h1 id="putaway-h">{scanned === undefined ? (codes.suggested === null ? (good ? 'Put the units away and scan the location' : 'Take them to a QUARANTINE location and scan it') : `Take them to ${codes.suggested} and scan the location`) : `Put away at ${scanned}`}</h1>
        {scanned === undefined ? <ScanInput key={`${p.id}-${p.open}`} onScan={onScan} /> : (
          <form onSubmit={(e) => { e.preventDefault(); void confirm(); }} className="stack">
            <label className="field">Quantity
              <input name="quantity" type="number" inputMode="numeric" min={1} max={p.open} value={qty} autoFocus
                onFocus={(e) => e.currentTarget.select()} onChange={(e) => setQty(Number(e.target.value))} />
              {p.open > 1 ? <small>Fewer than {p.open} leaves the rest to put away elsewhere</small> : null}
            </label>
            <button type="submit" className="big primary" disabled={props.busy}>Confirm putaway</button>
            <button type="button" className="big secondary" disabled={props.busy} onClick={() => setScanned(undefined)}>Scan another location</button>
          </form>
        )}
      </section>
      <WaysOut {...props} />
      {/* A putaway nobody can finish (damaged units, no QUARANTINE location; units gone from the dock): a dock lead
          cancels it here, as on the console's putaway screen; an operator reports it (Cannot do this task). */}
      {props.canPlan(p.siteId) ? (
        <div className="stack">
          <button type="button" className="big secondary" disabled={props.busy} onClick={() => { props.inform(undefined); setCancelling(true); }}>Cancel putaway…</button>
        </div>
      ) : null}
    </>
  );
}

/** Why a dock lead cancels a putaway on the handheld: the reason PakLog records (`POST /inventory/putaways/{id}/cancel`). */
const CANCEL_REASONS = [
  'Damaged: no quarantine location to take them to', 'Moved off the dock by hand', 'Units not found at the dock',
] as const;

/**
 * A dock lead cancels the putaway (the console's Cancel, with a reason): its PUTAWAY task is withdrawn, whoever holds
 * it, and nothing moves: the units still open stay at the receiving location, not promised to orders, until moved or
 * (held ones) released. Refused (done or cancelled meanwhile) ends the task here; offline, it is sent when PakLog answers.
 */
function PutawayCancel(props: FloorProps & { putaway: Putaway; from: string; onBack: () => void }) {
  const p = props.putaway;
  const where = props.from === '' ? 'the receiving location' : props.from;
  const cancel = async (reason: string): Promise<void> => {
    props.setBusy(true);
    const label = `cancel putaway ${p.id}`;
    try {
      const answer = await props.send<Putaway>({ key: props.newKey(), method: 'POST', path: `/inventory/putaways/${p.id}/cancel`, label, body: { reason } });
      if (answer === 'queued') {
        props.leave(props.saysQueued(label, `${label}: saved offline, will be sent when the connection returns`));
        return;
      }
      props.leave(`Putaway ${p.id} cancelled (${reason}): its task is withdrawn; the ${answer.open} unit${answer.open === 1 ? '' : 's'} stay at ${where}, `
        + 'not promised to orders, until moved or released');
    } catch (e) {
      if (e instanceof ApiError && FINAL.includes(e.code)) props.abandon(`${describe(e)}. Take the next task`);
      else props.fail(describe(e));
    } finally {
      props.setBusy(false);
    }
  };
  return (
    <section aria-labelledby="putaway-cancel-h">
      <h1 id="putaway-cancel-h">Cancel putaway {p.id}?</h1>
      <p>Its task is withdrawn. Nothing moves: the {p.open} {p.sku} unit{p.open === 1 ? '' : 's'} still open stay at {where}, not promised to orders,
        until moved or released. Units already put away stay put away. Why?</p>
      <div className="stack">
        {CANCEL_REASONS.map((reason, i) => (
          <button key={reason} type="button" className="big" autoFocus={i === 0} disabled={props.busy} onClick={() => void cancel(reason)}>{reason}</button>
        ))}
        <button type="button" className="big secondary" disabled={props.busy} onClick={props.onBack}>Back: keep the putaway</button>
      </div>
    </section>
  );
}

/**
 * A REPLENISH task: units from a reserve location to a pick face. Scan the source (checked here: nothing is sent for a
 * wrong one), take the units, scan the face (PakLog checks it: 422 WRONG_LOCATION, a blocked face…) and confirm how
 * many were brought (fewer when fewer were found). Every step has a way back: the face step to the source scan, the
 * quantity to the face scan (nothing is sent by either), besides pause and "cannot do".
 */
export function ReplenishFlow(props: FloorProps) {
  const [r, , readError] = useWork<Replenishment>(`/replenishments/${props.task.reference}`, props);
  const [codes, setCodes] = useState<{ from: string; to: string } | undefined>(undefined);
  const [step, setStep] = useState<'from' | 'to' | 'quantity'>('from');
  const [scanned, setScanned] = useState('');
  const [qty, setQty] = useState(0);
  useEffect(() => {
    if (r === undefined) return;
    setQty(r.quantity);
    void (async () => setCodes({ from: await codeOf(r.fromLocationId), to: await codeOf(r.toLocationId) }))();
  }, [r?.id]);
  if (r === undefined || codes === undefined) return <Reading {...props} error={readError} />;

  const onScan = (value: string): void => {
    if (value.trim() === '') return;
    props.inform(undefined);
    if (step === 'from') {
      if (!same(value, codes.from) && !same(value, r.fromLocationId)) return props.fail(`Wrong location ${value.trim()}: take the units from ${codes.from}`);
      setStep('to');
      goodScanFeedback();
      // The source scan starts the claimed task, as a pick's tote scan does.
      if (!props.started) void props.start();
      return;
    }
    setScanned(value.trim());
    setStep('quantity');
    goodScanFeedback();
  };
  const confirm = async (): Promise<void> => {
    if (!Number.isInteger(qty) || qty < 1 || qty > r.quantity) return props.fail(`Quantity must be 1 to ${r.quantity}`);
    const answer = await confirmWork<Replenishment>(props, {
      path: `/replenishments/${r.id}/confirm`, label: `replenish ${qty} × ${r.sku} to ${scanned}`, body: { locationCode: scanned, quantity: qty },
    });
    if (answer === 'queued') return;
    if (answer === undefined) {
      setStep('to');
      return;
    }
    props.inform(`Replenished ${answer.moved} × ${r.sku} into ${codes.to}`);
    await props.finish();
  };
  const prompt = step === 'from' ? `Go to ${codes.from} and scan it` : step === 'to' ? `Take them to ${codes.to} and scan it` : `How many did you bring to ${scanned}?`;
  return (
    <>
      <section aria-labelledby="replenish-h">
        <p className="rf-pos">Replenishment {r.id}</p>
        <div className="rf-card">
          <div className="rf-loc">{step === 'from' ? codes.from : codes.to}</div>
          <div className="rf-sku">{r.sku}{r.lot === null ? '' : ` · lot ${r.lot}`}</div>
          <div className="rf-qty">{r.quantity} from {codes.from} to {codes.to}</div>
        </div>
        <h1 id="replenish-h">{prompt}</h1>
        {step === 'quantity' ? (
          <form onSubmit={(e) => { e.preventDefault(); void confirm(); }} className="stack">
            <label className="field">Quantity
              <input name="quantity" type="number" inputMode="numeric" min={1} max={r.quantity} value={qty} autoFocus
                onFocus={(e) => e.currentTarget.select()} onChange={(e) => setQty(Number(e.target.value))} />
            </label>
            <button type="submit" className="big primary" disabled={props.busy}>Confirm replenishment</button>
            <button type="button" className="big secondary" disabled={props.busy} onClick={() => setStep('to')}>Scan another location</button>
          </form>
        ) : (
          <>
            <ScanInput key={step} onScan={onScan} />
            {/* The source scanned by mistake (another reserve slot of the same code, the units not there): back to the source
                step. Nothing is sent: the task stays started (its start, queued offline or not, is not undone). */}
            {step === 'to' ? <button type="button" className="big secondary" disabled={props.busy} onClick={() => { props.inform(undefined); setStep('from'); }}>Back: scan the source again</button> : null}
          </>
        )}
      </section>
      <WaysOut {...props} />
    </>
  );
}

/**
 * A COUNT task (reference: the count id, `<id>:recount` for the recount). Blind: the counter sees the location, SKU
 * and lot, never the quantity the ledger expects. Scan the location (checked here), count every unit of the SKU and lot
 * on the shelf, held ones included, and submit; PakLog completes the task with the submission.
 */
export function CountFlow(props: FloorProps) {
  const countId = props.task.reference.replace(/:recount$/, '');
  const [c, , readError] = useWork<Count>(`/inventory/counts/${countId}`, props);
  const [code, setCode] = useState<string | undefined>(undefined);
  /** The owner as the floor knows it (its name and code), not its id. */
  const [owner, setOwner] = useState<string | undefined>(undefined);
  const [step, setStep] = useState<'location' | 'quantity'>('location');
  const [qty, setQty] = useState('');
  useEffect(() => {
    if (c === undefined) return;
    void (async () => setCode(await codeOf(c.locationId)))();
    void (async () => setOwner(await ownerOf(c.ownerId)))();
  }, [c?.id]);
  if (c === undefined || code === undefined) return <Reading {...props} error={readError} />;

  const onScan = (value: string): void => {
    if (value.trim() === '') return;
    props.inform(undefined);
    if (!same(value, code) && !same(value, c.locationId)) return props.fail(`Wrong location ${value.trim()}: count ${code}`);
    setStep('quantity');
    goodScanFeedback();
    if (!props.started) void props.start();
  };
  const submit = async (): Promise<void> => {
    const counted = Number(qty);
    if (qty.trim() === '' || !Number.isInteger(counted) || counted < 0) return props.fail('Enter the units you counted: 0 or more');
    if (c.attempt === null) return props.abandon(`Count ${c.id} is ${c.status.toLowerCase()}: nothing to count. Take the next task`);
    const answer = await confirmWork<Count>(props, {
      path: `/inventory/counts/${c.id}/submit`, label: `count ${counted} × ${c.sku} at ${code}`, body: { attempt: c.attempt, quantity: counted },
    });
    if (answer === 'queued' || answer === undefined) return;
    props.inform(`Counted ${counted} × ${c.sku} at ${code}`);
    await props.finish();
  };
  return (
    <>
      <section aria-labelledby="count-h">
        <p className="rf-pos">{c.attempt === 2 ? 'Recount' : 'Count'} {c.id}</p>
        <div className="rf-card">
          <div className="rf-loc">{code}</div>
          <div className="rf-sku">{c.sku}{c.lot === null ? '' : ` · lot ${c.lot}`}</div>
          <div className="rf-qty">Owner {owner ?? '…'}</div>
        </div>
        <h1 id="count-h">{step === 'location' ? `Go to ${code} and scan it` : `Count every ${c.sku}${c.lot === null ? '' : ` of lot ${c.lot}`} on the shelf`}</h1>
        {step === 'location' ? <ScanInput onScan={onScan} /> : (
          <form onSubmit={(e) => { e.preventDefault(); void submit(); }} className="stack">
            <label className="field">Units counted
              <input name="quantity" type="number" inputMode="numeric" min={0} value={qty} autoFocus onChange={(e) => setQty(e.target.value)} />
              <small>Held and damaged units on the shelf count too</small>
            </label>
            <button type="submit" className="big primary" disabled={props.busy}>Submit count</button>
            <button type="button" className="big secondary" disabled={props.busy} onClick={() => { props.inform(undefined); setQty(''); setStep('location'); }}>Back: scan the location again</button>
          </form>
        )}
      </section>
      <WaysOut {...props} />
    </>
  );
}

/**
 * A MOVE task: a return to stock (reference: the return id), units of an order cancelled after picking, waiting in its
 * tote. Scan the tote (one the order was picked into, or its in-process location; checked here), scan the item
 * (its GTIN or SKU; checked here), say how many you take out, then scan where you put them: that scan sends the
 * confirm (`POST /inventory/returns/{id}/confirm`), the suggested location or any other active one. A location PakLog
 * refuses (unknown, blocked, under count, a tote) is said and another can be scanned; units left in the tote take the
 * next item scan.
 */
export function ReturnFlow(props: FloorProps) {
  const [r, setR, readError] = useWork<Return>(`/inventory/returns/${props.task.reference}`, props);
  const [where, setWhere] = useState<{ suggested: string; totes: string[]; barcodes: string[] } | undefined>(undefined);
  const [step, setStep] = useState<'tote' | 'item' | 'quantity' | 'location'>('tote');
  const [qty, setQty] = useState(0);
  useEffect(() => {
    if (r === undefined) return;
    setQty(r.open);
    void (async () => {
      let totes: string[] = [];
      let barcodes = [r.sku];
      try {
        // The totes the order was picked into: what the operator is told to look for, and what the source scan accepts.
        const lists = await api<{ items: { lines: { orderId?: string; sku: string; toteId: string | null; picked: number }[] }[] }>('GET', `/pick-lists?orderId=${r.orderId}&limit=50`);
        totes = [...new Set(lists.items.flatMap((l) => l.lines.filter((x) => (x.orderId === undefined || x.orderId === r.orderId) && x.sku === r.sku && x.picked > 0 && x.toteId !== null)
          .map((x) => x.toteId!)))];
      } catch {
        // Without the list the tote's in-process location (or any tote the operator was handed) is scanned.
      }
      try {
        const gtin = (await api<{ gtin: string | null }>('GET', `/products/${encodeURIComponent(r.sku)}`)).gtin;
        if (gtin !== null) barcodes = [gtin, r.sku];
      } catch {
        // The SKU itself is accepted.
      }
      setWhere({ suggested: await codeOf(r.suggestedLocationId), totes, barcodes });
    })();
  }, [r?.id]);
  if (r === undefined || where === undefined) return <Reading {...props} error={readError} />;
  if (r.open === 0) {
    return (
      <>
        <p className="rf-msg">Return {r.id} is {r.status.toLowerCase()}: nothing left in the tote to put back.</p>
        <button type="button" className="big primary" autoFocus disabled={props.busy} onClick={() => void props.finish()}>Finish task</button>
        <WaysOut {...props} />
      </>
    );
  }
  const toteSays = where.totes.length === 0 ? `the tote of order ${r.orderId}` : `tote ${where.totes.join(' or ')}`;

  const onScan = (value: string): void => {
    const v = value.trim();
    if (v === '') return;
    props.inform(undefined);
    if (step === 'tote') {
      const known = where.totes.some((x) => same(x, v)) || same(v, r.fromLocationId);
      // Without the order's totes on record, the tote the operator was handed is taken at their word.
      if (!known && where.totes.length > 0) return props.fail(`Wrong tote ${v}: the units are in ${toteSays}`);
      setStep('item');
      goodScanFeedback();
      // The tote scan starts the claimed task, as a pick's tote scan does.
      if (!props.started) void props.start();
      return;
    }
    if (step === 'item') {
      if (!where.barcodes.some((b) => same(b, v))) return props.fail(`Wrong item ${v}: take ${r.sku}${r.lot === null ? '' : ` of lot ${r.lot}`} out of the tote`);
      setQty(r.open);
      setStep('quantity');
      goodScanFeedback();
      return;
    }
    void putBack(v);
  };
  const takeOut = (): void => {
    if (!Number.isInteger(qty) || qty < 1 || qty > r.open) return props.fail(`Quantity must be 1 to ${r.open}`);
    props.inform(undefined);
    setStep('location');
  };
  const putBack = async (location: string): Promise<void> => {
    const answer = await confirmWork<Return>(props, {
      path: `/inventory/returns/${r.id}/confirm`, label: `put back ${qty} × ${r.sku} at ${location}`, body: { locationCode: location, quantity: qty, scanId: props.newKey() },
    });
    // Refused: the step stays, so the operator scans another location.
    if (answer === 'queued' || answer === undefined) return;
    setR(answer);
    if (answer.open === 0) {
      props.inform(`Put back ${qty} × ${r.sku} at ${location}`);
      await props.finish();
    } else {
      props.inform(`Put back ${qty} × ${r.sku} at ${location}: ${answer.open} left in the tote`);
      setQty(answer.open);
      setStep('item');
    }
  };
  const prompt = step === 'tote' ? `Scan ${toteSays}` : step === 'item' ? `Scan ${r.sku} from the tote`
    : step === 'quantity' ? 'How many do you take out?' : `Put them back at ${where.suggested} and scan the location`;
  return (
    <>
      <section aria-labelledby="return-h">
        <p className="rf-pos">Return to stock {r.id}</p>
        <div className="rf-card">
          <div className="rf-loc">{step === 'tote' ? toteSays : where.suggested}</div>
          <div className="rf-sku">{r.sku}{r.lot === null ? '' : ` · lot ${r.lot}`}</div>
          <div className="rf-qty">{r.open} to put back from {toteSays}</div>
        </div>
        <h1 id="return-h">{prompt}</h1>
        {step === 'quantity' ? (
          <form onSubmit={(e) => { e.preventDefault(); takeOut(); }} className="stack">
            <label className="field">Quantity
              <input name="quantity" type="number" inputMode="numeric" min={1} max={r.open} value={qty} autoFocus
                onFocus={(e) => e.currentTarget.select()} onChange={(e) => setQty(Number(e.target.value))} />
              <small>Fewer than {r.open} leaves the rest in the tote for another scan</small>
            </label>
            <button type="submit" className="big primary" disabled={props.busy}>Take them out</button>
            <button type="button" className="big secondary" disabled={props.busy} onClick={() => setStep('item')}>Scan the item again</button>
          </form>
        ) : (
          <>
            <ScanInput key={`${step}-${r.open}`} onScan={onScan} />
            {step === 'location' ? <button type="button" className="big secondary" disabled={props.busy} onClick={() => setStep('quantity')}>Change the quantity ({qty})</button> : null}
            {/* The wrong tote scanned (the order picked into several): back to the tote step; nothing is sent. */}
            {step === 'item' ? <button type="button" className="big secondary" disabled={props.busy} onClick={() => { props.inform(undefined); setStep('tote'); }}>Back: scan the tote again</button> : null}
          </>
        )}
      </section>
      <WaysOut {...props} />
    </>
  );
}
