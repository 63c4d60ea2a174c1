import { api, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion } from '../lib/hooks.ts';
import type { Ctx } from './ctx.ts';

const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;

/** A count read from one page of a list: `more` when the list goes on past it (shown as "500+", not as 500). */
interface Count { readonly n: number; readonly more: boolean }
const plus = (...counts: Count[]): Count => ({ n: counts.reduce((s, c) => s + c.n, 0), more: counts.some((c) => c.more) });
const text = (c: Count): string => `${c.n}${c.more ? '+' : ''}`;

/** How many rows a filtered list holds (one page of up to `limit`; "limit+" beyond). */
async function count(path: string, params: Record<string, string | number | undefined>, limit = 500): Promise<Count> {
  const page = await api<Page<unknown>>('GET', `${path}${qs({ ...params, limit })}`);
  return { n: page.items.length, more: page.nextCursor !== null };
}

interface Kpis {
  orders: { status: string; count: Count }[];
  wavesInProgress: Count;
  wavesPlanned: Count;
  /** Undefined for a role that may not read the exception queue (operator, integration). */
  openExceptions: Count | undefined;
  tasksQueued: Count;
  tasksActive: Count;
}

export function Dashboard({ ctx }: { ctx: Ctx }) {
  const version = useLiveVersion(ctx.live, ['orders.', 'waves.', 'orchestration.', 'tasks.']);
  const { data, error } = useData<Kpis>(async () => {
    const site = { siteId: ctx.siteId };
    const [orders, released, inProgress, planned, openExceptions, tasksQueued, assigned, started] = await Promise.all([
      Promise.all(ORDER_STATUSES.map(async (status) => ({ status, count: await count('/orders', { ...site, status }) }))),
      count('/waves', { ...site, status: 'RELEASED' }), count('/waves', { ...site, status: 'IN_PROGRESS' }), count('/waves', { ...site, status: 'PLANNED' }),
      ctx.can.exceptions ? count('/exceptions', { ...site, status: 'OPEN' }) : Promise.resolve(undefined),
      count('/tasks', { ...site, status: 'QUEUED' }), count('/tasks', { ...site, status: 'ASSIGNED' }), count('/tasks', { ...site, status: 'IN_PROGRESS' }),
    ]);
    return { orders, wavesInProgress: plus(released, inProgress), wavesPlanned: planned, openExceptions, tasksQueued, tasksActive: plus(assigned, started) };
  }, [ctx.siteId, ctx.can.exceptions, version]);
  // Picked units per hour from the event store (a role that may not read events simply sees no chart).
  const pickVersion = useLiveVersion(ctx.live, ['picking.line.picked']);
  const units = useData(async () => {
    const hour = 3_600_000;
    const start = Math.floor(Date.now() / hour) * hour - 7 * hour;
    const page = await api<Page<{ time: string; data: { quantity?: number } }>>('GET',
      `/events${qs({ siteId: ctx.siteId, type: 'picking.line.picked.v1', from: new Date(start).toISOString(), limit: 1000 })}`).catch(() => undefined);
    if (page === undefined) return undefined;
    const bars = Array.from({ length: 8 }, (_, i) => ({ label: `${new Date(start + i * hour).getHours().toString().padStart(2, '0')}:00`, value: 0 }));
    for (const e of page.items) {
      const bar = bars[Math.floor((Date.parse(e.time) - start) / hour)];
      if (bar !== undefined) bar.value += e.data.quantity ?? 0;
    }
    return bars;
  }, [ctx.siteId, pickVersion]);
  if (error !== undefined) return <p role="alert" className="error">{error}</p>;
  if (data === undefined) return <p>Loading…</p>;
  const open = plus(...data.orders.filter((o) => !['SHIPPED', 'DELIVERED', 'CANCELLED'].includes(o.status)).map((o) => o.count));
  return (
    <>
      <section aria-label="Key figures" className="kpis">
        <Kpi label="Open orders" value={text(open)} href="#/orders" />
        <Kpi label="Waves in progress" value={text(data.wavesInProgress)} href="#/waves" />
        <Kpi label="Waves planned" value={text(data.wavesPlanned)} href="#/waves" />
        {data.openExceptions === undefined ? null : <Kpi label="Open exceptions" value={text(data.openExceptions)} href="#/exceptions" warn={data.openExceptions.n > 0} />}
        <Kpi label="Tasks queued" value={text(data.tasksQueued)} href="#/tasks" />
        <Kpi label="Tasks being worked" value={text(data.tasksActive)} href="#/tasks" />
      </section>
      <section className="panel">
        <h2 id="orders-by-status">Orders by status</h2>
        <BarChart labelledBy="orders-by-status" bars={data.orders.map((o) => ({ label: o.status, value: o.count.n, text: text(o.count) }))} />
      </section>
      {units.data === undefined ? null : (
        <section className="panel">
          <h2 id="units-per-hour">Units picked per hour (last 8 hours)</h2>
          <BarChart labelledBy="units-per-hour" bars={units.data} />
        </section>
      )}
    </>
  );
}

function Kpi(props: { label: string; value: string; href: string; warn?: boolean }) {
  return (
    <a className={props.warn === true ? 'kpi warn' : 'kpi'} href={props.href}>
      <span className="kpi-value">{props.value}</span>
      <span className="kpi-label">{props.label}</span>
    </a>
  );
}

/** A horizontal bar chart in plain SVG, with the numbers as text so it reads without colour too. */
export function BarChart({ bars, labelledBy }: { bars: { label: string; value: number; text?: string }[]; labelledBy: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const row = 26;
  const labelW = 120;
  const width = 560;
  return (
    <svg className="chart" role="img" aria-labelledby={labelledBy} viewBox={`0 0 ${width} ${bars.length * row + 4}`} width="100%">
      <title>{bars.map((b) => `${b.label}: ${b.text ?? b.value}`).join(', ')}</title>
      {bars.map((b, i) => {
        const w = ((width - labelW - 50) * b.value) / max;
        return (
          <g key={b.label} transform={`translate(0, ${i * row + 2})`}>
            <text x={labelW - 8} y={row / 2 + 4} textAnchor="end" className="chart-label">{b.label}</text>
            <rect x={labelW} y={3} width={Math.max(w, b.value > 0 ? 2 : 0)} height={row - 8} className="chart-bar" rx={3} />
            <text x={labelW + w + 6} y={row / 2 + 4} className="chart-value">{b.text ?? b.value}</text>
          </g>
        );
      })}
    </svg>
  );
}
