import { useState, type FormEvent } from 'react';
import { api, apiAll, ApiError, newKey, qs } from '../lib/api.ts';
import { useData, useLiveVersion } from '../lib/hooks.ts';
import { counted } from '../lib/words.ts';
import { when, type Ctx } from './ctx.ts';
import { Status } from './Lists.tsx';
import { OrderLink } from './links.tsx';

interface PoolOrder { orderId: string; carrier: string; priority: number; lines: { sku: string; quantity: number }[]; allocatedAt: string; waveId: string | null }
interface WaveSummary { id: string; carrier: string; status: string; orderCount: number; maxOrders: number; createdAt: string; releasedAt: string | null; completedAt: string | null }
interface Wave extends WaveSummary {
  orders: { orderId: string; position: number; priority: number; lines: { sku: string; quantity: number }[]; active: boolean; removed: boolean; picked: boolean }[];
}

const ACTIVE = ['PLANNED', 'RELEASED', 'IN_PROGRESS'];
/** The pool is shown this many orders at a time, up to the most GET /waves/pool answers. */
const POOL_PAGE = 200;
const POOL_MAX = 1000;
/** Order ids per GET /orders?ids= read (the request line stays a few kB). */
const REFS_BATCH = 100;

/** Why an order is in the wave where it is: the planner takes one carrier, priority 1 first, then the oldest. */
const why = (o: { priority: number }, pool: PoolOrder | undefined, carrier: string): string =>
  `${carrier}, priority ${o.priority}${pool === undefined ? '' : `, allocated ${when(pool.allocatedAt)}`}`;

/** The pool's caption: the orders no wave holds yet, and those of the list a planned wave holds (its Wave column). */
function waitingCaption(items: readonly { waveId: string | null }[]): string {
  const waiting = items.filter((o) => o.waveId === null).length;
  const planned = items.length - waiting;
  return `Waiting to be waved (${counted(waiting, 'orders')})${planned === 0 ? '' : `; ${planned} more listed ${planned === 1 ? 'is' : 'are'} in a planned wave until it is released or cancelled`}`;
}

export function Waves({ ctx }: { ctx: Ctx }) {
  const version = useLiveVersion(ctx.live, ['waves.', 'orders.', 'picking.']);
  const [maxOrders, setMaxOrders] = useState(5);
  const [carrier, setCarrier] = useState('');
  const [strategy, setStrategy] = useState('discrete');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  /** How much of the pool is shown: it has no cursor, only a limit (at most POOL_MAX); "Show more" raises it. */
  const [poolShown, setPoolShown] = useState(POOL_PAGE);
  const pool = useData(async () => {
    // One row more than shown tells whether the pool goes on past what is shown.
    const page = await api<{ items: PoolOrder[] }>('GET', `/waves/pool${qs({ siteId: ctx.siteId, limit: Math.min(poolShown + 1, POOL_MAX) })}`);
    return { items: page.items.slice(0, poolShown), more: page.items.length > poolShown || page.items.length === POOL_MAX };
  }, [ctx.siteId, version, poolShown]);
  const waves = useData(async () => {
    // Waves are listed oldest first: the newest (the one just planned) are on the last page, so every page is read.
    const all = await apiAll<WaveSummary>(`/waves${qs({ siteId: ctx.siteId })}`, 500);
    const recent = all.slice(-12).reverse();
    // The waves still open, with their orders: what is planned (to release) and how far the released ones are. Every
    // PLANNED wave, however old: one planned before a dozen newer waves was shown nowhere, with no Release or Cancel,
    // and its orders held out of the pool.
    const shown = recent.filter((w) => ACTIVE.includes(w.status) || w.status === 'COMPLETED').slice(0, 8);
    const buried = all.filter((w) => w.status === 'PLANNED' && !shown.some((x) => x.id === w.id));
    const open = await Promise.all([...shown, ...buried].map((w) => api<Wave>('GET', `/waves/${w.id}`)));
    return { recent, details: new Map(open.map((w) => [w.id, w])) };
  }, [ctx.siteId, version]);
  // The client's order ids (DEMO-1001) of the orders listed: a manager knows those, not PakLog's ord_… ids. Asked with
  // the site: a person whose grant is at one site may read that site's orders only.
  const listed = [...new Set([...(pool.data?.items ?? []).map((o) => o.orderId),
    ...[...(waves.data?.details.values() ?? [])].filter((w) => w.status === 'PLANNED').flatMap((w) => w.orders.map((o) => o.orderId))])].sort();
  const listedKey = listed.join(',');
  const refs = useData(async () => {
    const batches = Array.from({ length: Math.ceil(listed.length / REFS_BATCH) }, (_, i) => listed.slice(i * REFS_BATCH, (i + 1) * REFS_BATCH));
    const pages = await Promise.all(batches.map((ids) => api<{ items: { id: string; externalId: string }[] }>('GET', `/orders${qs({ siteId: ctx.siteId, ids: ids.join(','), limit: REFS_BATCH })}`)));
    return new Map(pages.flatMap((p) => p.items.map((o) => [o.id, o.externalId] as const)));
  }, [ctx.siteId, listedKey]);
  const refOf = (id: string): string | undefined => refs.data?.get(id);
  const poolById = new Map((pool.data?.items ?? []).map((o) => [o.orderId, o]));
  const carriers = [...new Set((pool.data?.items ?? []).map((o) => o.carrier))];

  const run = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    try {
      await fn();
      setMessage({ ok: true, text: what });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? `${e.code}: ${e.message}` : String(e) });
    } finally {
      setBusy(false);
      pool.reload();
      waves.reload();
    }
  };
  const plan = (e: FormEvent): void => {
    e.preventDefault();
    void run('Wave planned: check its orders below, then release it', () =>
      api('POST', '/waves', { idempotencyKey: newKey(), body: { siteId: ctx.siteId, maxOrders, ...(carrier === '' ? {} : { carrier }) } }));
  };
  const release = (w: Wave): void => {
    void run(`Wave ${w.id} released to the floor`, () => api('POST', `/waves/${w.id}/release`, { idempotencyKey: newKey(), body: { pickStrategy: strategy } }));
  };
  const cancel = (w: Wave): void => {
    void run(`Wave ${w.id} cancelled; its orders wait in the pool again`, () => api('POST', `/waves/${w.id}/cancel`, { idempotencyKey: newKey() }));
  };
  const details = [...(waves.data?.details.values() ?? [])];
  const planned = details.filter((w) => w.status === 'PLANNED');
  const running = details.filter((w) => w.status !== 'PLANNED');
  return (
    <>
      {message === undefined ? null : <p role={message.ok ? 'status' : 'alert'} className={message.ok ? 'ok' : 'error'}>{message.text}</p>}
      {pool.error === undefined ? null : <p role="alert" className="error">Could not read the wave pool: {pool.error}</p>}
      {waves.error === undefined ? null : <p role="alert" className="error">Could not read the waves: {waves.error}</p>}
      <section className="panel">
        <h2>Plan a wave</h2>
        {ctx.can.plan ? (
        <form className="filters" onSubmit={plan}>
          <label className="field inline">Orders at most
            <input type="number" min={1} max={500} value={maxOrders} onChange={(e) => setMaxOrders(Number(e.target.value))} />
          </label>
          <label className="field inline">Carrier
            <select value={carrier} onChange={(e) => setCarrier(e.target.value)}>
              <option value="">The first order&apos;s</option>
              {carriers.map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <button type="submit" className="primary" disabled={busy}>Plan wave</button>
        </form>
        ) : <p className="muted">Your role ({ctx.me.role}) sees the pool and the waves; planning and releasing them is for a manager.</p>}
        <table>
          <caption>
            {pool.data === undefined ? 'Waiting to be waved (…)' : pool.data.more
              ? `Waiting to be waved: the first ${pool.data.items.length} orders shown, there are more`
              : waitingCaption(pool.data.items)}, in planning order: priority 1 first, then the oldest
          </caption>
          <thead><tr><th scope="col">Order</th><th scope="col">Carrier</th><th scope="col">Priority</th><th scope="col" className="num">Units</th><th scope="col">Allocated</th><th scope="col">Wave</th></tr></thead>
          <tbody>
            {(pool.data?.items ?? []).map((o) => (
              <tr key={o.orderId}>
                <td><OrderLink id={o.orderId} reference={refOf(o.orderId)} /></td><td>{o.carrier}</td><td>{o.priority}</td>
                <td className="num">{o.lines.reduce((n, l) => n + l.quantity, 0)}</td><td>{when(o.allocatedAt)}</td><td className="mono">{o.waveId ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {pool.data?.more !== true ? null : poolShown >= POOL_MAX ? (
          <p className="more">The first {POOL_MAX} orders of the pool are shown; a wave takes them in this order.</p>
        ) : (
          <p className="more">
            {pool.data.items.length} orders shown, more to come.{' '}
            <button type="button" disabled={pool.loading} onClick={() => setPoolShown((n) => Math.min(n + POOL_PAGE, POOL_MAX))}>Load more orders of the pool</button>
          </p>
        )}
      </section>
      {planned.map((w) => (
        <section key={w.id} className="panel" aria-labelledby={`plan-${w.id}`}>
          <h2 id={`plan-${w.id}`}>Planned wave {w.id}</h2>
          <p>{counted(w.orderCount, 'orders')} for {w.carrier}. They go together because they ship with the same carrier; they were taken by priority, then age.</p>
          <table>
            <caption>Orders in pick order</caption>
            <thead><tr><th scope="col">#</th><th scope="col">Order</th><th scope="col">Why here</th><th scope="col">Lines</th></tr></thead>
            <tbody>
              {w.orders.filter((o) => !o.removed).map((o) => (
                <tr key={o.orderId}>
                  <td>{o.position}</td><td><OrderLink id={o.orderId} reference={refOf(o.orderId)} /></td><td>{why(o, poolById.get(o.orderId), w.carrier)}</td>
                  <td>{o.lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {ctx.can.plan ? (
          <div className="filters">
            <label className="field inline">Picking
              <select value={strategy} onChange={(e) => setStrategy(e.target.value)}>
                <option value="discrete">Discrete (a list per order)</option>
                <option value="batch">Batch (carts of several orders)</option>
              </select>
            </label>
            <button type="button" className="primary" disabled={busy} onClick={() => release(w)}>Release wave</button>
            <button type="button" disabled={busy} onClick={() => cancel(w)}>Cancel wave</button>
          </div>
          ) : null}
        </section>
      ))}
      <section className="panel">
        <h2>Waves</h2>
        <table>
          <caption>The latest waves (newest first)</caption>
          <thead><tr><th scope="col">Wave</th><th scope="col">Carrier</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Released</th><th scope="col">Completed</th></tr></thead>
          <tbody>
            {(waves.data?.recent ?? []).map((s) => {
              const d = running.find((w) => w.id === s.id);
              const active = d?.orders.filter((o) => !o.removed) ?? [];
              const picked = active.filter((o) => o.picked).length;
              return (
                <tr key={s.id} data-wave={s.id}>
                  <td className="mono">{s.id}</td><td>{s.carrier}</td><td><Status value={s.status} /></td>
                  <td>{d === undefined ? counted(s.orderCount, 'orders') : (
                    <span className="progress">
                      <progress max={Math.max(1, active.length)} value={picked} aria-label={`Orders picked in wave ${s.id}`} />
                      {' '}{picked}/{active.length} orders picked
                    </span>
                  )}</td>
                  <td>{when(s.releasedAt)}</td><td>{when(s.completedAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </>
  );
}
