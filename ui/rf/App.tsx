import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, errorSays, isNetworkError, newKey, noAnswerSays, qs, signOut } from '../lib/api.ts';
import type { Me } from '../lib/session.ts';
import { SignIn } from '../lib/SignIn.tsx';
import { useRecheckOnLive, useWhoAmI } from '../lib/hooks.ts';
import { goodScanFeedback, wrongScanFeedback } from './feedback.ts';
import { CountFlow, PutawayFlow, ReplenishFlow, ReturnFlow, type FloorProps } from './FloorWork.tsx';
import { MoveFlow, ReceiveFlow } from './Dock.tsx';
import { PackFlow } from './Pack.tsx';
import { enqueue, ownerOf, pending, queuedSays, replay, type QueuedCall } from './queue.ts';
import { ScanInput } from './ScanInput.tsx';

interface Line {
  id: string; seq: number; orderId?: string; sku: string; expectedBarcode: string | null; locationId: string; locationCode: string | null;
  /** The lot the line's reservation took (FEFO): the one to pick. */
  lot?: string | null;
  quantity: number; picked: number; shortQuantity: number; toteId?: string | null; status: string;
}
interface PickList { id: string; status: string; lines: Line[] }
interface Task { id: string; type: string; reference: string; status: string }
/** The shift signed in on this tab; `owner`: the sign-in its scans are queued under (ownerOf), kept for when PakLog cannot say who is signed in. */
interface Shift { workerId: string; site: string; owner?: string }

const SHIFT = 'paklog.rf.shift';
/** The work the operator asked for on the Ready screen (kept for the tab): pick, pack, putaway, replenish, return-to-stock (MOVE) or count tasks. */
const WORK = 'paklog.rf.work';
const WORKS = [['PICK', 'Pick'], ['PACK', 'Pack'], ['PUTAWAY', 'Putaway'], ['REPLENISH', 'Replenish'], ['MOVE', 'Return to stock'], ['COUNT', 'Count']] as const;
type Work = typeof WORKS[number][0];
const isWork = (w: string | null): w is Work => WORKS.some(([code]) => code === w);
/** Task types worked by a flow of their own beside the pick list (PackFlow, FloorWork.tsx). */
const FLOWS = ['PACK', 'PUTAWAY', 'REPLENISH', 'MOVE', 'COUNT'];
const REASONS = [['NOT_FOUND', 'Not found'], ['DAMAGED', 'Damaged'], ['EXPIRED', 'Expired'], ['OTHER', 'Other']] as const;
/** Why a whole task cannot be done (POST /tasks/{id}/fail): it goes back to the queue for someone else, or to a supervisor. */
const TASK_FAILURES = [['EQUIPMENT', 'Equipment broken'], ['LOCATION_INACCESSIBLE', 'Location blocked'], ['DAMAGED_GOODS', 'Damaged goods'], ['OTHER', 'Other']] as const;
/**
 * Why an operator declines a task offered to them before starting it (POST /tasks/{id}/reject, free text): it goes back
 * to the queue and is not offered to them again for 5 minutes.
 */
const REJECT_REASONS = [['WRONG_ZONE', 'Not my zone'], ['EQUIPMENT', 'No equipment for it'], ['LOCATION_INACCESSIBLE', 'Cannot get there'], ['OTHER', 'Other']] as const;
/** Pick lists the floor can no longer work (the order was cancelled, the wave withdrawn, or it is done, some lines short). */
const CLOSED_LISTS = ['CANCELLED', 'COMPLETED', 'PARTIAL'];
/**
 * The live stream's events after which a pick list on the screen may have lines withdrawn: an order cancelled (picking
 * cancels its open lines), a list closed, a task withdrawn.
 */
const MAY_WITHDRAW = ['orders.order.cancelled', 'picking.list.', 'tasks.task.cancelled', 'tasks.task.completed'];
/** The live stream's events after which the task on the screen may no longer be the operator's (takenOff). */
const TASK_TAKEN_OFF = ['tasks.task.failed', 'tasks.task.requeued', 'tasks.task.timed-out', 'tasks.task.assigned'];

/**
 * What the operator is told when lines they still had to pick were cancelled with their order (undefined: none were):
 * stop picking them, and what was already picked for that order stays in the tote, to go back to stock by a Return to
 * stock (MOVE) task, which PakLog queues for it (docs/operations/way-out.md).
 */
function withdrawnSays(before: PickList, fresh: PickList): string | undefined {
  const withdrawn = before.lines.filter((l) => l.status === 'PENDING' && fresh.lines.find((f) => f.id === l.id)?.status === 'CANCELLED');
  if (withdrawn.length === 0) return undefined;
  const orders = [...new Set(withdrawn.map((l) => l.orderId).filter((o): o is string => o !== undefined))];
  const theOrder = orders.length === 0 ? 'The order' : `Order${orders.length === 1 ? '' : 's'} ${orders.join(', ')}`;
  const picked = fresh.lines.filter((l) => l.picked > 0 && (orders.length === 0 || (l.orderId !== undefined && orders.includes(l.orderId))));
  const units = picked.reduce((n, l) => n + l.picked, 0);
  const totes = [...new Set(picked.map((l) => l.toteId).filter((t): t is string => typeof t === 'string' && t !== ''))];
  const open = fresh.lines.filter((l) => l.status === 'PENDING').length;
  return `${theOrder} ${orders.length > 1 ? 'were' : 'was'} cancelled: stop picking ${orders.length > 1 ? 'them' : 'it'}. `
    + (units === 0 ? 'Nothing was picked for it, nothing to put back. '
      : `Keep the ${units} unit${units === 1 ? '' : 's'} you picked for it in ${totes.length === 0 ? 'your tote' : `tote ${totes.join(', ')}`}: `
        + 'they go back to stock by a Return to stock task (choose Return to stock on the Ready screen). ')
    + (open === 0 ? 'Take the next task' : `${open} line${open === 1 ? '' : 's'} of other orders ${open === 1 ? 'is' : 'are'} still to pick`);
}

const same = (a: string, b: string): boolean => a.trim().toUpperCase() === b.trim().toUpperCase();
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
/**
 * A finished list in units, as its lines and the order count them: "2 units picked, 2 short (3 lines)". It said
 * "2 picked, 1 short", counting lines, beside the units every other figure is in (a line partly picked and shorted is
 * both).
 */
const pickedSummary = (list: PickList): string => {
  const picked = list.lines.reduce((n, l) => n + l.picked, 0);
  const short = list.lines.reduce((n, l) => n + l.shortQuantity, 0);
  return `${plural(picked, 'unit')} picked, ${short} short (${plural(list.lines.length, 'line')})`;
};
/** A GTIN in its 14-digit form (a GTIN-8/12/13 with leading zeros), as PakLog compares a product scan (contracts/catalog.ts gtin14). */
const gtin14 = (code: string): string | undefined => (/^(?:[0-9]{8}|[0-9]{12,14})$/.test(code.trim()) ? code.trim().padStart(14, '0') : undefined);
/** Whether a scan names the product: its SKU, or its GTIN in any GS1 length (a UPC-A read as the EAN-13 with a leading 0). */
const sameProduct = (value: string, sku: string, gtin: string | null): boolean =>
  same(value, sku) || (gtin !== null && (same(value, gtin) || (gtin14(value) !== undefined && gtin14(value) === gtin14(gtin))));
/** The roles that may do floor work (claim and work tasks); the others are refused on the sign-in form. */
const FLOOR_ROLES = ['admin', 'manager', 'operator'];

/**
 * What Sign out says while scans of this sign-in are still queued (undefined: none are): they stay on the handheld, sent
 * when the same person signs in here again; the operator confirms with "Sign out anyway".
 */
const unsentSays = (n: number, workerId: string): string | undefined => (n === 0 ? undefined
  : `${n} scan${n === 1 ? ' is' : 's are'} not sent yet: ${n === 1 ? 'it stays' : 'they stay'} on this handheld and ${n === 1 ? 'is' : 'are'} sent when you sign in here again (as ${workerId}), never under someone else's sign-in. Sign out anyway?`);
/**
 * The queued scans of a shift whose sign-in PakLog could not check (who it is is not known): those of its owner, or,
 * for a shift kept before owners were, those made under its worker id.
 */
const shiftQueued = (shift: Shift | undefined): number => (shift === undefined ? 0
  : shift.owner !== undefined ? pending(shift.owner).length
    : pending().filter((c) => c.owner === undefined || c.owner.endsWith(`/${shift.workerId}`)).length);

export function App() {
  const { me, setMe, error: meError, retry } = useWhoAmI();
  const [shift, setShift] = useState<Shift | undefined>(() => {
    const raw = sessionStorage.getItem(SHIFT);
    return raw === null ? undefined : JSON.parse(raw) as Shift;
  });
  const [workerId, setWorkerId] = useState('');
  const [site, setSite] = useState('DEMO');
  /** Sign out was asked on the could-not-check screen with scans of the shift still queued: said, and confirmed. */
  const [leaving, setLeaving] = useState(false);
  const endShift = (): void => {
    signOut();
    sessionStorage.removeItem(SHIFT);
    setShift(undefined);
    setMe(undefined);
    setLeaving(false);
  };
  if (me === null && meError !== undefined) {
    // Sign out here drops the shift as the Sign out of the work screens does, and warns the same of scans still queued.
    const unsent = unsentSays(shiftQueued(shift), shift?.workerId ?? '');
    return (
      <main className="rf-signin">
        <h1>PakLog handheld</h1>
        <p role="alert" className="rf-msg">Could not check your sign-in: {meError}</p>
        {leaving && unsent !== undefined ? <p role="alert" className="rf-error">{unsent}</p> : null}
        <button type="button" onClick={() => { setLeaving(false); retry(); }}>Try again</button>
        <button type="button" onClick={() => {
          if (unsent === undefined || leaving) endShift();
          else {
            setLeaving(true);
            wrongScanFeedback();
          }
        }}>{leaving && unsent !== undefined ? 'Sign out anyway' : 'Sign out'}</button>
      </main>
    );
  }
  if (me === null) return <p className="rf-msg">Loading…</p>;
  if (me === undefined || shift === undefined) {
    return (
      <SignIn className="rf-signin" title="PakLog handheld" onSignedIn={async (who) => {
        const s = { workerId: who.workerId ?? workerId.trim(), site: site.trim() };
        // A key names no worker: without one every task call would be refused later, with a message about a JSON field.
        if (s.workerId === '') throw new ApiError(0, 'WORKER_ID_REQUIRED', 'Enter your worker id: a key sign-in needs it');
        // A mistyped site would be taken, and every Next task refused with "No site …": check it here, on the form.
        let siteId: string;
        try {
          siteId = (await api<{ id: string }>('GET', `/sites/${encodeURIComponent(s.site)}`)).id;
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) throw new ApiError(0, 'UNKNOWN_SITE', `No site ${s.site}: check the site code`);
          throw e;
        }
        // A viewer's or an integration's credential would be signed in, and its first Next task refused with a route name.
        const role = who.sites[siteId] ?? who.role;
        if (!FLOOR_ROLES.includes(role)) throw new ApiError(0, 'NOT_FLOOR_ROLE', `A${/^[aeiou]/.test(role) ? 'n' : ''} ${role} cannot do floor work at ${s.site}: sign in as an operator (or a manager)`);
        const kept: Shift = { ...s, owner: ownerOf(who, s.workerId) };
        sessionStorage.setItem(SHIFT, JSON.stringify(kept));
        setShift(kept);
        setMe(who);
      }} extra={(
        <>
          <label className="field">Worker id (API key sign-in)
            <input name="workerId" value={workerId} onChange={(e) => setWorkerId(e.target.value)} autoComplete="off" aria-describedby="worker-hint" />
            {/* A new user signing in with the printed admin key has no worker id yet: any name of theirs will do. */}
            <small id="worker-hint">Who works on this handheld: your badge id, or any name of yours (e.g. alice). A username sign-in needs none</small>
          </label>
          <label className="field">Site
            <input name="site" value={site} onChange={(e) => setSite(e.target.value)} required autoComplete="off" />
          </label>
        </>
      )} />
    );
  }
  return <Handheld shift={shift} me={me} owner={ownerOf(me, shift.workerId)} onSignOut={endShift} />;
}

type Step = 'tote' | 'location' | 'product' | 'quantity' | 'short' | 'cannot' | 'reject';

/**
 * Whether the signed-in person may plan (admin, manager) at a site, as the API's CAN.plan decides: a dock lead's
 * handheld offers the manager's ways out (cancel a putaway) that an operator's does not.
 */
const canPlanAt = (me: Me, siteId: string): boolean => {
  const role = me.sites[siteId] ?? me.sites['*'] ?? (Object.keys(me.sites).length === 0 ? me.role : undefined);
  return role === 'admin' || role === 'manager';
};

function Handheld({ shift, me, owner, onSignOut }: { shift: Shift; me: Me; owner: string; onSignOut: () => void }) {
  const [online, setOnline] = useState(navigator.onLine);
  const [queued, setQueued] = useState<QueuedCall[]>(pending(owner));
  /** Scans another sign-in left queued on this handheld: sent when that person signs in again, never under this one. */
  const othersQueued = pending().length - queued.length;
  /** Sign out was asked with scans still queued: the operator is told they stay here, and confirms. */
  const [leaving, setLeaving] = useState(false);
  const [task, setTask] = useState<Task | undefined>(undefined);
  const [list, setList] = useState<PickList | undefined>(undefined);
  const [tote, setTote] = useState('');
  const [step, setStep] = useState<Step>('tote');
  /**
   * The pick step the short, cannot-do or reject screen was opened from: its Back returns there. It went to the location
   * scan, dropping the product and quantity scans, and from the tote scan of a list taken up again (resumed, after a
   * reload) skipped the tote: every pick then went without one, refused (400 VALIDATION_FAILED, /toteId).
   */
  const [asideFrom, setAsideFrom] = useState<Step>('tote');
  const aside = (kind: 'short' | 'cannot' | 'reject'): void => {
    setAsideFrom(step);
    setError(undefined);
    setStep(kind);
  };
  /**
   * Whether the task is started (IN_PROGRESS). A claimed task stays ASSIGNED until the operator's first scan (the tote),
   * so that until then they can still decline it (reject: only an ASSIGNED task can be); the start goes out with that
   * scan, through the offline queue like the picks, and confirms wait for it (`starting`).
   */
  const [started, setStarted] = useState(false);
  const starting = useRef<Promise<boolean> | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [info, setInfo] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [qty, setQty] = useState(1);
  const [paused, setPaused] = useState<Task[]>([]);
  /**
   * The worker's tasks IN_PROGRESS while the handheld is on Ready: one started before the phone was reloaded (or on
   * another handheld). Next task gives it back only while the worker may hold no other (maxTasks 1): with maxTasks 2 it
   * claimed another, and the one in progress was offered nowhere on the handheld.
   */
  const [inProgress, setInProgress] = useState<Task[]>([]);
  /** A task this handheld cannot work (a LOAD…): the operator hands it back or leaves it to a supervisor. */
  const [other, setOther] = useState<Task | undefined>(undefined);
  /** The PACK, PUTAWAY, REPLENISH, MOVE or COUNT task being worked: its flow (PackFlow, FloorWork.tsx) holds its steps. */
  const [packTask, setPackTask] = useState<Task | undefined>(undefined);
  /** That task's reject or cannot-do screen, shown over its flow (which stays mounted, its steps kept). */
  const [packAside, setPackAside] = useState<'reject' | 'cannot' | undefined>(undefined);
  /** The dock screen open instead of Ready (Dock.tsx): receive, or move, worked without a task. */
  const [dock, setDock] = useState<'receive' | 'move' | undefined>(undefined);
  const [work, setWork] = useState<Work>(() => {
    const kept = sessionStorage.getItem(WORK);
    return isWork(kept) ? kept : 'PICK';
  });

  const loadPaused = useCallback(async () => {
    const mine = (status: string) => api<{ items: Task[] }>('GET', `/tasks?siteId=${encodeURIComponent(shift.site)}&workerId=${encodeURIComponent(shift.workerId)}&status=${status}&limit=50`);
    try {
      const [p, held] = await Promise.all([mine('PAUSED'), mine('IN_PROGRESS')]);
      setPaused(p.items);
      setInProgress(held.items);
    } catch {
      // The lists of paused tasks and tasks in progress are a convenience: without them Ready still offers the next task.
    }
  }, [shift]);
  useEffect(() => {
    if (task === undefined) void loadPaused();
  }, [task, loadPaused]);
  // On Ready, the paused tasks and those in progress follow the live stream: one a supervisor sent back to the queue
  // (or gave to someone else) stayed offered until pressed, then refused.
  // Only the events that take a task off its worker: a floor's every claim and completion would read them again.
  useRecheckOnLive(['tasks.task.failed', 'tasks.task.requeued', 'tasks.task.timed-out', 'tasks.task.cancelled'], loadPaused, task === undefined ? shift.workerId : undefined);

  /** The last call that got no answer: whether the handheld is offline or PakLog did not answer in time (TIMEOUT). */
  const lastNoAnswer = useRef<ApiError | undefined>(undefined);
  const flush = useCallback(async () => {
    if (pending(owner).length === 0) return;
    const outcome = await replay(owner);
    lastNoAnswer.current = outcome.noAnswer;
    setQueued(pending(owner));
    if (outcome.refused.length > 0) setError(outcome.refused.map((r) => `${r.call.label}: ${errorSays(r.error)}`).join('; '));
    if (outcome.sent > 0) setInfo(`${outcome.sent} queued scan${outcome.sent === 1 ? '' : 's'} sent`);
    // A pause that went out from the queue: the task is now among the paused ones offered on Ready.
    if (outcome.sent > 0) void loadPaused();
    // A "task done" sent from the queue that PakLog refused because lines are still open (a queued scan of it was
    // refused): the operator is taken back to those lines, not left on Ready with a task nobody works.
    const reopened = outcome.refused.find((r) => r.error.code === 'PICK_LINES_OPEN' && /^\/tasks\/[^/]+\/complete$/.test(r.call.path));
    if (reopened !== undefined) {
      await backToOpenLines(reopened.call.path.split('/')[2] ?? '', reopened.error);
      return;
    }
    if (outcome.left === 0 && list !== undefined) {
      try {
        const fresh = await api<PickList>('GET', `/pick-lists/${list.id}`);
        // Only onto the same list still on the screen: the operator may have left it meanwhile (a queued pause).
        setList((current) => (current?.id === fresh.id ? fresh : current));
      } catch {
        // The local copy stays until the next answer.
      }
    }
  }, [list, loadPaused]);
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

  /**
   * Lines of the list on the screen cancelled with their order meanwhile (told by the live stream): the operator learns
   * it now, not at their next scan, with what to do with what they picked. Not while a command is out or scans wait in
   * the queue (their answer reads the list anyway); a list without open lines left goes back to Ready.
   */
  const recheck = async (): Promise<void> => {
    if (list === undefined || busy || pending(owner).length > 0) return;
    let fresh: PickList;
    try {
      fresh = await api<PickList>('GET', `/pick-lists/${list.id}`);
    } catch {
      return;
    }
    const says = withdrawnSays(list, fresh);
    if (says === undefined) return;
    if (fresh.lines.every((l) => l.status !== 'PENDING')) {
      leaveTask();
    } else {
      setList(fresh);
      if (fresh.lines.find((l) => l.status === 'PENDING')?.id !== line?.id) setStep(tote === '' ? 'tote' : 'location');
    }
    fail(says);
  };
  useRecheckOnLive(MAY_WITHDRAW, recheck, list?.id);

  /**
   * The task on the screen taken off the operator meanwhile (told by the live stream): a supervisor sent it back to the
   * queue (the console's "Back to the queue"), it failed for good, or it went to someone else. The operator learns it
   * now and goes back to Ready: it said nothing, and they went on picking a list that was another worker's. Not while a
   * command is out or scans wait in the queue (the operator's own pause or report among them); the work's own end
   * (completed, withdrawn) is said by its screen.
   */
  const takenOff = async (): Promise<void> => {
    const t = task;
    if (t === undefined || busy || pending(owner).length > 0) return;
    let now: Task & { workerId: string | null };
    try {
      now = await api<Task & { workerId: string | null }>('GET', `/tasks/${t.id}`);
    } catch {
      return;
    }
    const mine = now.workerId !== null && now.workerId.toLowerCase() === shift.workerId.toLowerCase();
    if ((mine && ['ASSIGNED', 'IN_PROGRESS', 'PAUSED'].includes(now.status)) || now.status === 'COMPLETED' || now.status === 'CANCELLED') return;
    const how = now.status === 'QUEUED' ? 'was sent back to the queue'
      : now.status === 'FAILED' ? 'was reported failed: it waits for a supervisor' : `was given to ${now.workerId ?? 'someone else'}`;
    let kept: string;
    if (t.type === 'PICK' && list !== undefined) {
      const units = list.lines.reduce((n, l) => n + l.picked, 0);
      kept = units === 0 ? 'nothing of it was picked'
        : `the ${plural(units, 'unit')} you picked ${units === 1 ? 'stays' : 'stay'} picked${tote === '' ? '' : ` in tote ${tote}`}: take ${units === 1 ? 'it' : 'them'} to packing`;
    } else {
      kept = DONE_STAYS[t.type] ?? 'what you did stays done';
    }
    leaveTask();
    fail(`Task ${t.id} ${how}: it is no longer yours. Stop working it; ${kept}. Take the next task`);
  };
  useRecheckOnLive(TASK_TAKEN_OFF, takenOff, task?.id);
  useEffect(() => {
    if (line !== undefined) setQty(line.quantity - line.picked);
  }, [line?.id, line?.picked]);

  /** Why the last command `send` answered 'queued' went to the queue: the no-answer (NETWORK, TIMEOUT), or undefined offline. */
  const queuedBy = useRef<ApiError | undefined>(undefined);
  /** What the screen says of that command: `offline` when it was kept offline, else that PakLog did not answer in time. */
  const saysQueued = (what: string, offline: string): string => queuedSays(what, offline, queuedBy.current);

  /**
   * Sends a floor command, or queues it when there is no connection (or older scans still wait: order is kept).
   * Answers the pick list from the API, or undefined when the call was queued (the caller updates its copy).
   */
  const send = async <T = PickList>(scan: Omit<QueuedCall, 'owner'>): Promise<T | 'queued'> => {
    const call: QueuedCall = { ...scan, owner };
    if (!navigator.onLine || pending(owner).length > 0) {
      // Behind older scans while online: what holds those (no connection, or PakLog not answering in time) holds it.
      queuedBy.current = navigator.onLine ? lastNoAnswer.current : undefined;
      enqueue(call);
      setQueued(pending(owner));
      if (navigator.onLine) void flush();
      return 'queued';
    }
    try {
      return await api<T>(call.method, call.path, { body: call.body, idempotencyKey: call.key });
    } catch (e) {
      if (!isNetworkError(e)) throw e;
      lastNoAnswer.current = e as ApiError;
      queuedBy.current = e as ApiError;
      // No answer: the scan may or may not have reached PakLog. Sent again with the same key, it counts once either way.
      enqueue(call);
      setQueued(pending(owner));
      void flush();
      return 'queued';
    }
  };

  const fail = (message: string): void => {
    setError(message);
    setInfo(undefined);
    wrongScanFeedback();
  };

  /**
   * Commands that are not queued (take the next task, resume a paused one) go out only once the queue is empty: a
   * queued pause or task done still on its way would otherwise be overtaken by them. Answers whether it is empty; when
   * not (no connection yet), says so.
   */
  const drained = async (): Promise<boolean> => {
    if (pending(owner).length > 0) await flush();
    const left = pending(owner).length;
    if (left === 0) return true;
    const why = lastNoAnswer.current?.code === 'TIMEOUT' ? noAnswerSays(lastNoAnswer.current) : 'no connection to PakLog';
    setError(`${left} queued scan${left === 1 ? ' is' : 's are'} not sent yet (${why}): ${left === 1 ? 'it goes' : 'they go'} first, then try again`);
    return false;
  };

  /**
   * Work of the kind chosen may be queued and still not offered to this worker: a recount never goes to whoever counted
   * first (counting.md), a task they turned down waits 5 minutes, their profile's zones or equipment do not fit it.
   * "No work right now" then left a worker alone on the floor asking again and again (walk10): said, with who takes it.
   * Undefined when nothing of that kind is queued, or the read fails (the plain words then).
   */
  const queuedNotOffered = async (chosen: string): Promise<string | undefined> => {
    try {
      const queued = await api<{ items: unknown[]; nextCursor: string | null }>('GET', `/tasks${qs({ siteId: shift.site, status: 'QUEUED', type: work, limit: 100 })}`);
      const n = queued.items.length;
      if (n === 0) return undefined;
      const many = queued.nextCursor === null ? String(n) : `${n} or more`;
      const why = [work === 'COUNT' ? 'a recount never goes to whoever counted first' : undefined, 'a task you turned down waits 5 minutes',
        'or your profile\'s zones or equipment do not fit it'].filter((w) => w !== undefined).join('; ');
      return `No ${chosen} work for you right now: ${many} ${chosen} task${n === 1 ? ' is' : 's are'} queued but not offered to you (${why}). `
        + `Another worker takes ${n === 1 ? 'it' : 'them'}; or choose other work above, or ask again later`;
    } catch {
      return undefined;
    }
  };

  const nextTask = async (): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      if (!await drained()) return;
      const t = await api<Task | undefined>('POST', '/tasks/next', { body: { workerId: shift.workerId, siteId: shift.site, types: [work] }, idempotencyKey: newKey() });
      if (t === undefined) {
        // Said for the work chosen: other work (packing after the picks) may be waiting under another choice.
        const chosen = WORKS.find(([w]) => w === work)?.[1].toLowerCase() ?? 'such';
        setInfo((await queuedNotOffered(chosen)) ?? `No ${chosen} work right now: choose other work above, or ask again later`);
        return;
      }
      await take(t);
    } catch (e) {
      setError(errorSays(e));
    } finally {
      setBusy(false);
    }
  };

  /**
   * Works a task on the handheld: a pick's list is shown (a claimed one is started by the first scan, so it can still be
   * rejected until then; a paused one is resumed); any other type is offered back.
   */
  const take = async (t: Task): Promise<void> => {
    if (t.type !== 'PICK' && !FLOWS.includes(t.type)) {
      setOther(t);
      return;
    }
    if (t.status === 'PAUSED') await api('POST', `/tasks/${t.id}/resume`, { body: { workerId: shift.workerId }, idempotencyKey: newKey() });
    if (t.type !== 'PICK') {
      setTask(t);
      setPackTask(t);
      setPackAside(undefined);
      setStarted(t.status !== 'ASSIGNED');
      starting.current = undefined;
      setOther(undefined);
      return;
    }
    setList(await api<PickList>('GET', `/pick-lists/${t.reference}`));
    setTask(t);
    setStarted(t.status !== 'ASSIGNED');
    starting.current = undefined;
    setOther(undefined);
    setTote('');
    setStep('tote');
  };

  /**
   * Starts the claimed task (ASSIGNED → IN_PROGRESS) with the operator's first scan; queued like a scan when offline.
   * Refused (the claim timed out, the order was cancelled meanwhile): the task is not theirs to work, back to Ready.
   */
  const startTask = async (t: Task): Promise<boolean> => {
    try {
      await send({ key: newKey(), method: 'POST', path: `/tasks/${t.id}/start`, label: `start ${t.id}`, body: { workerId: shift.workerId } });
      return true;
    } catch (e) {
      leaveTask();
      fail(`${e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)}. Take the next task`);
      return false;
    }
  };
  /** Back to Ready: no task, list or pack on the screen. */
  const leaveTask = (): void => {
    setTask(undefined);
    setList(undefined);
    setOther(undefined);
    setPackTask(undefined);
    setPackAside(undefined);
  };

  /**
   * PakLog refused to complete a pick task because lines of its list are open (409 PICK_LINES_OPEN: a queued scan of
   * it was refused, or the handheld's copy was stale): the task is still the operator's, so the handheld reads the
   * task and its list again and shows the first open line, to pick or short.
   */
  const backToOpenLines = async (taskId: string, e: ApiError): Promise<void> => {
    try {
      const t = await api<Task>('GET', `/tasks/${taskId}`);
      const fresh = await api<PickList>('GET', `/pick-lists/${t.reference}`);
      setTask(t);
      setList(fresh);
      setPackTask(undefined);
      setOther(undefined);
      setStarted(t.status !== 'ASSIGNED');
      starting.current = undefined;
      setStep(tote === '' ? 'tote' : 'location');
      const open = fresh.lines.filter((l) => l.status === 'PENDING').length;
      fail(`Task not finished: ${open} line${open === 1 ? '' : 's'} of the pick list ${open === 1 ? 'is' : 'are'} still open. Pick or short ${open === 1 ? 'it' : 'them'}, then finish (${e.code})`);
    } catch (again) {
      leaveTask();
      fail(`${errorSays(e)} (${errorSays(again)})`);
    }
  };

  /** Waits for the start that went out with the first scan: false when it was refused (nothing more is sent). */
  const startedOk = async (): Promise<boolean> => (starting.current === undefined ? true : await starting.current);

  /**
   * A floor command on the task itself (pause, fail, reject): back to the Ready screen with what happened. It goes
   * through the offline queue like the scans, behind those still queued: sent straight away it overtook them (the
   * task paused or handed back before its picks arrived, which PakLog then refused or counted to no one's task).
   */
  const taskCommand = async (t: Task, action: 'pause' | 'fail' | 'reject', body: Record<string, unknown>, says: Says): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await send<unknown>({ key: newKey(), method: 'POST', path: `/tasks/${t.id}/${action}`, label: `${action} ${t.id}`, body: { workerId: shift.workerId, ...body } });
      leaveTask();
      const done = typeof says === 'string' ? says : says(answer === 'queued' ? undefined : answer);
      setInfo(answer === 'queued' ? saysQueued(done, `${done} (saved offline, will be sent after the scans before it)`) : done);
    } catch (e) {
      const message = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
      // 404/409: the task is not this operator's to act on any more (cancelled with its order, timed out, taken over):
      // staying on its screen would be a dead end, so back to Ready.
      if (e instanceof ApiError && (e.status === 404 || e.status === 409)) {
        leaveTask();
        fail(`${message}. Task ${t.id} is no longer yours: take the next task`);
      } else {
        fail(message);
      }
    } finally {
      setBusy(false);
    }
  };

  const resume = async (t: Task): Promise<void> => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      if (!await drained()) return;
      if (t.status === 'PAUSED') {
        await take(t);
        return;
      }
      // A task in progress as Ready last read it: the scans just sent may have finished its work, or a supervisor taken it back.
      const now = await api<Task & { workerId: string | null }>('GET', `/tasks/${t.id}`);
      if (now.status !== 'IN_PROGRESS' || now.workerId?.toLowerCase() !== shift.workerId.toLowerCase()) {
        setInfo(`Task ${t.id} is ${now.status.toLowerCase()}${now.status === 'IN_PROGRESS' ? ` for ${now.workerId ?? 'someone else'}` : ''}: nothing to take up. Take the next task`);
        void loadPaused();
        return;
      }
      await take(now);
    } catch (e) {
      setError(errorSays(e));
      void loadPaused();
    } finally {
      setBusy(false);
    }
  };

  /**
   * PakLog refused a scan (the order was cancelled, the line withdrawn meanwhile): the copy on the handheld is stale.
   * Read the list again; a list nobody can work any more sends the operator back to the Ready screen.
   */
  const refused = async (e: unknown): Promise<void> => {
    const message = e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
    if (!(e instanceof ApiError) || e.status < 400 || e.status >= 500 || list === undefined) return fail(message);
    let fresh: PickList | undefined;
    try {
      fresh = await api<PickList>('GET', `/pick-lists/${list.id}`);
    } catch {
      return fail(message);
    }
    const says = withdrawnSays(list, fresh);
    if (CLOSED_LISTS.includes(fresh.status) && fresh.lines.every((l) => l.status !== 'PENDING')) {
      setTask(undefined);
      setList(undefined);
      fail(`${message}. ${says ?? `Pick list ${fresh.status.toLowerCase()}: put back what you picked for it and take the next task`}`);
      return;
    }
    setList(fresh);
    setStep('location');
    fail(says === undefined ? message : `${message}. ${says}`);
  };

  const onScan = (value: string): void => {
    if (line === undefined || value.trim() === '') return;
    setError(undefined);
    if (step === 'tote') {
      setTote(value.trim());
      setStep('location');
      goodScanFeedback();
      if (!started && task !== undefined) {
        setStarted(true);
        starting.current = startTask(task);
      }
    } else if (step === 'location') {
      const expected = line.locationCode ?? line.locationId;
      if (!same(value, expected) && !same(value, line.locationId)) return fail(`Wrong location ${value.trim()}: go to ${expected}`);
      setStep('product');
      goodScanFeedback();
    } else if (step === 'product') {
      if (!sameProduct(value, line.sku, line.expectedBarcode)) return fail(`Wrong product ${value.trim()}: pick ${line.sku}`);
      setStep('quantity');
      goodScanFeedback();
    }
  };

  /** After a command: the API's list, or (queued) our own copy moved on as the API will. */
  const advance = (answer: PickList | 'queued', local: (l: Line) => Line, done: string): void => {
    if (answer === 'queued') {
      setList((l) => (l === undefined ? l : { ...l, lines: l.lines.map((x) => (x.id === line?.id ? local(x) : x)) }));
      setInfo(saysQueued(done, `${done} (saved offline, will be sent)`));
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
      if (!await startedOk()) return;
      const key = newKey();
      const answer = await send({
        key, method: 'POST', path: `/pick-lists/${list.id}/lines/${line.id}/confirm`, label: `${qty} × ${line.sku}`,
        body: { locationCode: line.locationCode ?? line.locationId, barcode: line.expectedBarcode ?? line.sku, quantity: qty, toteId: tote, scanId: key },
      });
      advance(answer, (l) => ({ ...l, picked: l.picked + qty, status: l.picked + qty >= l.quantity ? 'PICKED' : l.status }), `Picked ${qty} × ${line.sku}`);
    } catch (e) {
      await refused(e);
    } finally {
      setBusy(false);
    }
  };

  const short = async (reason: string): Promise<void> => {
    if (line === undefined || list === undefined) return;
    setBusy(true);
    try {
      if (!await startedOk()) return;
      const key = newKey();
      const answer = await send({ key, method: 'POST', path: `/pick-lists/${list.id}/lines/${line.id}/short`, label: `short ${line.sku}`, body: { reason, scanId: key } });
      advance(answer, (l) => ({ ...l, shortQuantity: l.quantity - l.picked, status: 'SHORT' }), `Short: ${line.sku} (${reason})`);
    } catch (e) {
      await refused(e);
    } finally {
      setBusy(false);
    }
  };

  const finish = async (): Promise<void> => {
    if (task === undefined) return;
    const doneSays = task.type === 'PICK' ? 'Pick list done' : `${task.type.charAt(0)}${task.type.slice(1).toLowerCase()} task done`;
    setBusy(true);
    try {
      const answer = await send<unknown>({ key: newKey(), method: 'POST', path: `/tasks/${task.id}/complete`, label: 'task done', body: { workerId: shift.workerId } });
      setInfo(answer === 'queued' ? saysQueued(doneSays, doneSays) : doneSays);
      leaveTask();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PICK_LINES_OPEN') {
        await backToOpenLines(task.id, e);
        return;
      }
      // The work's completion (the list's last line, the order's last package) may have closed the task already.
      if (!(e instanceof ApiError && e.code === 'ILLEGAL_TRANSITION')) setError(errorSays(e));
      else setInfo(doneSays);
      leaveTask();
    } finally {
      setBusy(false);
    }
  };

  /**
   * What a putaway, replenish or count flow needs: its start is sent once, with the first scan (a second call waits for
   * that one), and its ways out are the pack task's (the reject or cannot-do screen over the flow, pause).
   */
  const floorProps = (t: Task): FloorProps => ({
    task: t, workerId: shift.workerId, busy, started, newKey, setBusy,
    start: async () => {
      if (starting.current === undefined && !started) {
        setStarted(true);
        starting.current = startTask(t);
      }
      return startedOk();
    },
    send: (call) => send(call), saysQueued,
    fail, inform: (m) => { setError(undefined); setInfo(m); },
    abandon: (m) => { leaveTask(); fail(m); },
    leave: (m) => { leaveTask(); setError(undefined); setInfo(m); },
    canPlan: (siteId) => canPlanAt(me, siteId),
    finish,
    onReject: () => setPackAside('reject'),
    onPause: () => void taskCommand(t, 'pause', {}, 'Task paused: resume it from this screen'),
    onCannot: () => setPackAside('cannot'),
  });

  const done = list !== undefined && line === undefined;
  return (
    <div className="rf">
      <header className="rf-top">
        <span className="rf-brand">PakLog</span>
        <span className={online ? 'net on' : 'net off'} role="status">{online ? 'Online' : 'Offline'}{queued.length > 0 ? ` · ${queued.length} queued` : ''}{othersQueued > 0 ? ` · ${othersQueued} of another sign-in` : ''}</span>
        <span className="rf-who">{shift.workerId} @ {shift.site}</span>
        <button type="button" className="rf-link" onClick={() => {
          if (queued.length === 0 || leaving) {
            onSignOut();
            return;
          }
          setLeaving(true);
          fail(unsentSays(queued.length, shift.workerId) ?? '');
        }}>{leaving ? 'Sign out anyway' : 'Sign out'}</button>
      </header>
      <main className="rf-main">
        {error === undefined ? null : <p role="alert" className="rf-error">{error}</p>}
        {info === undefined ? null : <p role="status" className="rf-info">{info}</p>}
        {other !== undefined ? (
          <section aria-labelledby="other-h">
            <h1 id="other-h">A {other.type.toLowerCase()} task is yours</h1>
            <p>This handheld works pick, pack, putaway, replenish, return-to-stock and count tasks only. Hand {other.id} back to the queue, or ask your supervisor.</p>
            <div className="stack">
              {other.status === 'ASSIGNED'
                ? <button type="button" className="big primary" autoFocus disabled={busy} onClick={() => void taskCommand(other, 'reject', { reason: `A ${other.type} task: the handheld cannot work it` }, `Task ${other.id} handed back`)}>Hand it back</button>
                : <button type="button" className="big primary" autoFocus disabled={busy} onClick={() => void taskCommand(other, 'pause', {}, `Task ${other.id} paused: a supervisor can take it over`)}>Pause it</button>}
              <button type="button" className="big secondary" onClick={() => setOther(undefined)}>Back</button>
            </div>
          </section>
        ) : packTask !== undefined ? (
          <>
            {packAside === undefined ? null : (
              <TaskAside task={packTask} kind={packAside} busy={busy} onBack={() => setPackAside(undefined)}
                onCommand={(action, reason, done) => void taskCommand(packTask, action, { reason }, done)} />
            )}
            <div hidden={packAside !== undefined}>
              {packTask.type === 'PACK' ? (
                <PackFlow task={packTask} site={shift.site} busy={busy} started={started} newKey={newKey} setBusy={setBusy}
                  start={async () => {
                    setStarted(true);
                    starting.current = startTask(packTask);
                    return starting.current;
                  }}
                  send={(call) => send(call)} saysQueued={saysQueued} drained={drained}
                  fail={fail} inform={(m) => { setError(undefined); setInfo(m); }}
                  abandon={(m) => { leaveTask(); fail(m); }}
                  finish={finish}
                  onReject={() => setPackAside('reject')}
                  onPause={() => void taskCommand(packTask, 'pause', {}, 'Task paused: resume it from this screen')}
                  setAside={(m) => void taskCommand(packTask, 'pause', {}, m)}
                  onCannot={() => setPackAside('cannot')} />
              ) : <FloorFlow key={packTask.id} {...floorProps(packTask)} />}
            </div>
          </>
        ) : dock !== undefined && list === undefined ? (
          dock === 'receive'
            ? <ReceiveFlow site={shift.site} workerId={shift.workerId} online={online} busy={busy} setBusy={setBusy} fail={fail}
              inform={(m) => { setError(undefined); setInfo(m); }} done={(m) => { setDock(undefined); setError(undefined); setInfo(m); }} />
            : <MoveFlow site={shift.site} workerId={shift.workerId} online={online} busy={busy} setBusy={setBusy} fail={fail}
              inform={(m) => { setError(undefined); setInfo(m); }} done={(m) => { setDock(undefined); setError(undefined); setInfo(m); }} />
        ) : list === undefined ? (
          <>
            <h1>Ready</h1>
            <fieldset className="segmented">
              <legend>Work</legend>
              {WORKS.map(([w, label]) => (
                <label key={w}>
                  <input type="radio" name="work" value={w} checked={work === w} onChange={() => { setWork(w); sessionStorage.setItem(WORK, w); }} />
                  {label}
                </label>
              ))}
            </fieldset>
            <button type="button" className="big primary" autoFocus disabled={busy} onClick={() => void nextTask()}>Next task</button>
            <div className="stack">
              <button type="button" className="big secondary" disabled={busy} onClick={() => { setError(undefined); setInfo(undefined); setDock('receive'); }}>Receive</button>
              <button type="button" className="big secondary" disabled={busy} onClick={() => { setError(undefined); setInfo(undefined); setDock('move'); }}>Move</button>
            </div>
            {inProgress.length === 0 ? null : (
              <section aria-labelledby="in-progress-h">
                <h2 id="in-progress-h">Your tasks in progress</h2>
                <p className="rf-hint">Started before this handheld was reloaded, or on another: take it up here.</p>
                <div className="stack">
                  {inProgress.map((p) => (
                    <button key={p.id} type="button" className="big secondary" disabled={busy} onClick={() => void resume(p)}>Continue {p.type.toLowerCase()} {p.id}</button>
                  ))}
                </div>
              </section>
            )}
            {paused.length === 0 ? null : (
              <section aria-labelledby="paused-h">
                <h2 id="paused-h">Paused tasks</h2>
                <div className="stack">
                  {paused.map((p) => (
                    <button key={p.id} type="button" className="big secondary" disabled={busy} onClick={() => void resume(p)}>Resume {p.type.toLowerCase()} {p.id}</button>
                  ))}
                </div>
              </section>
            )}
          </>
        ) : done ? (
          <>
            <h1>Pick list complete</h1>
            <p>{pickedSummary(list)}</p>
            <button type="button" className="big primary" autoFocus disabled={busy} onClick={() => void finish()}>Finish task</button>
          </>
        ) : line === undefined || task === undefined ? null : step === 'cannot' || step === 'reject' ? (
          <TaskAside task={task} kind={step} busy={busy} onBack={() => setStep(asideFrom)}
            onCommand={(action, reason, done) => void taskCommand(task, action, { reason }, done)} />
        ) : (
          <>
            <PickStep line={line} step={step} tote={tote} qty={qty} setQty={setQty} busy={busy} onScan={onScan}
              position={`${list.lines.filter((l) => l.status !== 'PENDING').length + 1} of ${list.lines.length}`}
              onConfirm={() => void confirm()} onShort={() => aside('short')} onReason={(r) => void short(r)} onBack={() => setStep(asideFrom)}
              previous={previousPickStep(step, list)} onPrevious={(s) => { setError(undefined); setStep(s); }} />
            {step === 'short' ? null : !started ? (
              // Claimed, nothing scanned yet: the operator may still decline it (the first scan starts it).
              <div className="stack">
                <button type="button" className="big secondary" disabled={busy} onClick={() => aside('reject')}>Not me: reject task</button>
              </div>
            ) : (
              <div className="stack">
                <button type="button" className="big secondary" disabled={busy} onClick={() => void taskCommand(task, 'pause', {}, 'Task paused: resume it from this screen')}>Pause task</button>
                <button type="button" className="big secondary" disabled={busy} onClick={() => aside('cannot')}>Cannot do this task</button>
              </div>
            )}
          </>
        )}
      </main>
    </div>
  );
}

/** What stays done when a started task is given up, by task type. */
const DONE_STAYS: Record<string, string> = {
  PACK: 'packages you sealed stay sealed', PUTAWAY: 'units you put away stay put away', REPLENISH: 'nothing was moved yet', MOVE: 'units you put back stay put back', COUNT: 'nothing was counted yet',
};

/** The flow of a putaway, replenish, return-to-stock (MOVE) or count task (FloorWork.tsx). */
function FloorFlow(props: FloorProps) {
  switch (props.task.type) {
    case 'PUTAWAY': return <PutawayFlow {...props} />;
    case 'REPLENISH': return <ReplenishFlow {...props} />;
    case 'MOVE': return <ReturnFlow {...props} />;
    default: return <CountFlow {...props} />;
  }
}

/** What the handheld says once a task command is done: words, or words made from PakLog's answer (undefined: sent offline). */
type Says = string | ((answer: unknown) => string);

/**
 * What a reported failure did: below PAKLOG_TASK_MAX_FAILURES the task is QUEUED for someone else; at the limit it is
 * FAILED and waits for a supervisor (exception TASK_FAILED), which "it goes to someone else" hid from the operator.
 */
const failureSays = (code: string) => (answer: unknown): string => {
  const task = answer as { status?: unknown; failures?: unknown } | undefined;
  return task?.status === 'FAILED'
    ? `Task reported (${code}): it failed ${typeof task.failures === 'number' ? task.failures : 'too many'} times, the limit: it waits for a supervisor, who puts it back in the queue once the cause is fixed. Take the next task`
    : `Task reported (${code}): it goes to someone else`;
};

/**
 * Why an operator gives a task up: "cannot do it" (fail, after it started; back to the queue or a supervisor) or
 * "not me" (reject, before; back to the queue, not offered to them for 5 minutes).
 */
function TaskAside({ task, kind, busy, onBack, onCommand }: {
  task: Task; kind: 'cannot' | 'reject'; busy: boolean; onBack: () => void;
  onCommand: (action: 'fail' | 'reject', reason: string, says: Says) => void;
}) {
  if (kind === 'cannot') {
    return (
      <section aria-labelledby="cannot-h">
        <h1 id="cannot-h">Why can you not do this task?</h1>
        <p>It goes back to the queue for someone else (or to a supervisor); {DONE_STAYS[task.type] ?? 'picks you confirmed stay picked'}.</p>
        <div className="stack">
          {TASK_FAILURES.map(([code, label], i) => (
            <button key={code} type="button" className="big" autoFocus={i === 0} disabled={busy}
              onClick={() => onCommand('fail', code, failureSays(code))}>{label}</button>
          ))}
          <button type="button" className="big secondary" onClick={onBack}>Back</button>
        </div>
      </section>
    );
  }
  return (
    <section aria-labelledby="reject-h">
      <h1 id="reject-h">Why not you?</h1>
      <p>The task goes back to the queue for someone else; it is not offered to you again for 5 minutes.</p>
      <div className="stack">
        {REJECT_REASONS.map(([code, label], i) => (
          <button key={code} type="button" className="big" autoFocus={i === 0} disabled={busy}
            onClick={() => onCommand('reject', code, `Task ${task.id} handed back (${code}): it goes to someone else`)}>{label}</button>
        ))}
        <button type="button" className="big secondary" onClick={onBack}>Back</button>
      </div>
    </section>
  );
}

/**
 * The way back from a pick step (nothing is sent, offline neither): the quantity to the product scan, the product to
 * the location scan, and the location to the tote scan while nothing of the list is picked yet (a tote grabbed by
 * mistake; once units went into a tote, the list's picks go with it).
 */
function previousPickStep(step: Step, list: PickList): { step: Step; label: string } | undefined {
  switch (step) {
    case 'quantity': return { step: 'product', label: 'Back: scan the product again' };
    case 'product': return { step: 'location', label: 'Back: scan the location again' };
    case 'location': return list.lines.every((l) => l.picked === 0 && l.status === 'PENDING') ? { step: 'tote', label: 'Back: scan another tote' } : undefined;
    case 'tote': case 'short': case 'cannot': case 'reject': return undefined;
  }
}

function PickStep(props: {
  line: Line; step: Step; tote: string; qty: number; position: string; busy: boolean;
  setQty: (n: number) => void; onScan: (v: string) => void; onConfirm: () => void; onShort: () => void; onReason: (r: string) => void; onBack: () => void;
  /** The step before this one, when it may be taken again (nothing is sent): undefined on the tote scan. */
  previous: { step: Step; label: string } | undefined; onPrevious: (step: Step) => void;
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
          {REASONS.map(([code, label], i) => <button key={code} type="button" className="big" autoFocus={i === 0} disabled={props.busy} onClick={() => props.onReason(code)}>{label}</button>)}
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
        <div className="rf-sku">{line.sku}{line.lot === null || line.lot === undefined ? '' : ` · lot ${line.lot}`}</div>
        <div className="rf-qty">{open} to pick</div>
      </div>
      <h1 id="step-h">{prompt}</h1>
      {/* A new operator has no idea what a tote scan wants: the code on the tote or cart they pick into, any one. */}
      {step === 'tote' ? <p className="rf-hint">The code on the tote (or cart) you pick into; the picks go with it to packing.</p> : null}
      {step === 'quantity' ? (
        <form onSubmit={(e) => { e.preventDefault(); props.onConfirm(); }} className="stack">
          <label className="field">Quantity
            <input name="quantity" type="number" inputMode="numeric" min={1} max={open} value={props.qty} autoFocus
              // Selected, so what the operator types replaces the suggested quantity instead of adding digits to it.
              onFocus={(e) => e.currentTarget.select()} onChange={(e) => props.setQty(Number(e.target.value))} />
          </label>
          <button type="submit" className="big primary" disabled={props.busy}>Confirm pick</button>
        </form>
      ) : <ScanInput key={`${line.id}-${step}`} onScan={props.onScan} />}
      {step === 'tote' ? null : <button type="button" className="big secondary" disabled={props.busy} onClick={props.onShort}>Short pick</button>}
      {props.previous === undefined ? null : (
        <button type="button" className="big secondary" disabled={props.busy} onClick={() => props.onPrevious(props.previous!.step)}>{props.previous.label}</button>
      )}
    </section>
  );
}
