import { useRef } from 'react';
import { api, qs, type Page } from '../lib/api.ts';
import { useData, useLiveVersion } from '../lib/hooks.ts';
import type { Ctx } from './ctx.ts';

const ORDER_STATUSES = ['RECEIVED', 'ALLOCATED', 'BACKORDERED', 'ON_HOLD', 'WAVED', 'RELEASED', 'PICKING', 'PICKED', 'PACKED', 'SHIPPED', 'DELIVERED', 'CANCELLED'] as const;

/** A site's exact figures by status, as `GET /orders/counts` (and waves, tasks, exceptions) answer them. */
interface Counts { readonly siteId: string; readonly byStatus: Readonly<Record<string, number>> }
const counts = (path: string, siteId: string): Promise<Counts> => api<Counts>('GET', `${path}/counts${qs({ siteId })}`);
const sum = (c: Counts, ...statuses: string[]): number => statuses.reduce((s, st) => s + (c.byStatus[st] ?? 0), 0);

interface Kpis {
  orders: { status: string; count: number }[];
  wavesInProgress: number;
  wavesPlanned: number;
  /** Undefined for a role that may not read the exception queue (operator, integration). */
  openExceptions: number | undefined;
  tasksQueued: number;
  tasksActive: number;
}

export function Dashboard({ ctx }: { ctx: Ctx }) {
  const version = useLiveVersion(ctx.live, ['orders.', 'waves.', 'orchestration.', 'tasks.']);
  // Four exact counts, one statement each on the server: no list is paged through to count.
  const { data, error } = useData<Kpis>(async () => {
    const [orders, waves, exceptions, tasks] = await Promise.all([
      counts('/orders', ctx.siteId), counts('/waves', ctx.siteId),
      ctx.can.exceptions ? counts('/exceptions', ctx.siteId) : Promise.resolve(undefined),
      counts('/tasks', ctx.siteId),
    ]);
    return {
      orders: ORDER_STATUSES.map((status) => ({ status, count: sum(orders, status) })),
      wavesInProgress: sum(waves, 'RELEASED', 'IN_PROGRESS'), wavesPlanned: sum(waves, 'PLANNED'),
      openExceptions: exceptions === undefined ? undefined : sum(exceptions, 'OPEN'),
      tasksQueued: sum(tasks, 'QUEUED'), tasksActive: sum(tasks, 'ASSIGNED', 'IN_PROGRESS'),
    };
  }, [ctx.siteId, ctx.can.exceptions, version]);
  // Picked units per hour from the event store. A role that may not read events (an operator) sees no chart and asks
  // nothing (the read was sent anyway, a 403 in the browser on every pick); a read that fails is said, not hidden.
  const pickVersion = useLiveVersion(ctx.live, ['picking.line.picked']);
  const readsEvents = ctx.can.events;
  // Each hour's picks are read to the end (every page of the event store), not the first 1,000 of the 8 hours: a busy
  // floor's later hours showed nothing. An hour over (a minute past, for picks committed late) does not change: read once.
  const pastHours = useRef(new Map<string, number>());
  const units = useData(async () => {
    if (!readsEvents) return undefined;
    const hour = 3_600_000;
    const now = Date.now();
    const start = Math.floor(now / hour) * hour - 7 * hour;
    const unitsFrom = async (from: number, to: number | undefined): Promise<number> => {
      let n = 0;
      let cursor: string | undefined;
      do {
        const page: Page<{ data: { quantity?: number } }> = await api('GET', `/events${qs({
          siteId: ctx.siteId, type: 'picking.line.picked.v1', from: new Date(from).toISOString(), to: to === undefined ? undefined : new Date(to).toISOString(), limit: 1000, cursor,
        })}`);
        for (const e of page.items) n += e.data.quantity ?? 0;
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      return n;
    };
    return Promise.all(Array.from({ length: 8 }, async (_, i) => {
      const from = start + i * hour;
      const label = `${new Date(from).getHours().toString().padStart(2, '0')}:00`;
      const key = `${ctx.siteId}@${from}`;
      const over = from + hour + 60_000 <= now;
      const known = over ? pastHours.current.get(key) : undefined;
      if (known !== undefined) return { label, value: known };
      // The current hour is read to now (no end): a pick committed as it ends is counted.
      const value = await unitsFrom(from, i === 7 ? undefined : from + hour);
      if (over) pastHours.current.set(key, value);
      return { label, value };
    }));
  }, [ctx.siteId, pickVersion, readsEvents]);
  if (error !== undefined) return <p role="alert" className="error">{error}</p>;
  if (data === undefined) return <p>Loading…</p>;
  const open = data.orders.filter((o) => !['SHIPPED', 'DELIVERED', 'CANCELLED'].includes(o.status)).reduce((n, o) => n + o.count, 0);
  return (
    <>
      <section aria-label="Key figures" className="kpis">
        <Kpi label="Open orders" value={String(open)} href="#/orders" />
        <Kpi label="Waves in progress" value={String(data.wavesInProgress)} href="#/waves" />
        <Kpi label="Waves planned" value={String(data.wavesPlanned)} href="#/waves" />
        {data.openExceptions === undefined ? null : <Kpi label="Open exceptions" value={String(data.openExceptions)} href="#/exceptions" warn={data.openExceptions > 0} />}
        <Kpi label="Tasks queued" value={String(data.tasksQueued)} href="#/tasks" />
        <Kpi label="Tasks being worked" value={String(data.tasksActive)} href="#/tasks" />
      </section>
      <section className="panel">
        <h2 id="orders-by-status">Orders by status</h2>
        <BarChart labelledBy="orders-by-status" bars={data.orders.map((o) => ({ label: o.status, value: o.count }))} />
      </section>
      {!readsEvents ? null : (
        <section className="panel">
          <h2 id="units-per-hour">Units picked per hour (last 8 hours)</h2>
          {units.error !== undefined ? <p role="alert" className="error">{units.error}</p>
            : units.data === undefined ? <p>Loading…</p> : <BarChart labelledBy="units-per-hour" bars={units.data} />}
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
