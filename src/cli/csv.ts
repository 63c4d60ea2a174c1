import { stringify } from 'csv-stringify/sync';
import type { ImportReport } from '../contexts/integrations/imports/service.ts';
import { apiBase } from '../platform/http/api-base.ts';

/** A progress bar on stderr (a TTY redraws one line; a pipe or a log gets a line per phase). */
export function progressBar(stream: NodeJS.WriteStream = process.stderr): (phase: string, done: number, total: number) => void {
  let lastPhase = '';
  let lastDraw = 0;
  return (phase, done, total) => {
    const now = Date.now();
    const pct = total === 0 ? (phase === 'done' ? 100 : 0) : Math.min(100, Math.floor((done / total) * 100));
    if (!stream.isTTY) {
      if (phase !== lastPhase) stream.write(`${phase}${total > 0 ? ` ${done}/${total}` : ''}\n`);
      lastPhase = phase;
      return;
    }
    if (phase === lastPhase && now - lastDraw < 50 && phase !== 'done') return;
    lastPhase = phase;
    lastDraw = now;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    stream.write(`\r${phase.padEnd(9)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${total > 0 ? `${done}/${total}` : ''}\x1b[K`);
    if (phase === 'done') stream.write('\n');
  };
}

/** The report as people read it: the counts, then each bad row. */
export function describeReport(r: ImportReport): string {
  const counts = `created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}; ${r.rejected} rows rejected`;
  const head = r.dryRun ? `${r.kind}: dry run, nothing written: would import ${r.rows - r.rejected} of ${r.rows} rows (${counts})`
    : r.written ? `${r.kind}: imported ${r.imported} of ${r.rows} rows (${counts})`
      : `${r.kind}: imported nothing: ${r.rows} rows, ${r.rejected} rejected`;
  const lines = [head];
  if (!r.dryRun && !r.written && r.errors.length > 0) lines.push('the file has rows in error: fix them, or import the good rows only with --partial');
  for (const e of r.errors) lines.push(`  row ${e.row}${e.column === '' ? '' : `, column ${e.column}`}: ${e.message}`);
  return lines.join('\n');
}

/** The export kinds: the API list each reads and its columns. */
type Item = Record<string, unknown>;
export const EXPORTS: Record<string, { path: (site: string | undefined, at?: string) => string | readonly string[]; columns: readonly string[]; needsSite?: boolean }> = {
  products: {
    path: () => '/api/v1/products?limit=500',
    columns: ['sku', 'description', 'gtin', 'uom', 'lengthMm', 'widthMm', 'heightMm', 'weightG', 'lotControlled', 'expiryControlled'],
  },
  locations: {
    path: (site) => `/api/v1/sites/${encodeURIComponent(site ?? '')}/locations?limit=500`, needsSite: true,
    columns: ['code', 'type', 'zone', 'aisle', 'bay', 'level', 'x', 'y', 'z', 'pickSequence', 'status'],
  },
  /** The balances as a person reads them: site, owner and location by their codes; their ids last, for machines. */
  stock: {
    path: (site) => `/api/v1/inventory/balances?limit=1000&siteId=${encodeURIComponent(site ?? '')}`, needsSite: true,
    columns: ['site', 'owner', 'sku', 'location', 'lot', 'expiresOn', 'status', 'onHand', 'reserved', 'available', 'siteId', 'ownerId', 'locationId'],
  },
  /** The AVAILABLE stock as `paklog import stock` reads it: import it elsewhere, or edit the quantities and import it back. */
  'stock-counts': {
    path: (site) => `/api/v1/inventory/balances?limit=1000&siteId=${encodeURIComponent(site ?? '')}`, needsSite: true,
    columns: ['sku', 'location', 'lot', 'ownerId', 'expiresOn', 'quantity'],
  },
  /** On-hand and reserved per key as of an instant (--at; default now), rebuilt from the ledger (GET /inventory/as-of). */
  snapshot: {
    path: (site, at) => `/api/v1/inventory/as-of?limit=5000&siteId=${encodeURIComponent(site ?? '')}&at=${encodeURIComponent(at ?? new Date().toISOString())}`,
    needsSite: true, columns: ['sku', 'location', 'locationId', 'lot', 'status', 'ownerId', 'onHand', 'reserved'],
  },
  shipments: {
    // The shipments of the site's shipped orders, 500 orders per GET /shipments: SHIPPED, and DELIVERED, which comes
    // after it once the carrier delivered every shipment (ADR 0053). The order list filters one status at a time.
    path: (site) => ['SHIPPED', 'DELIVERED'].map((status) => `/api/v1/orders?status=${status}&limit=500${site === undefined ? '' : `&siteId=${encodeURIComponent(site)}`}`),
    columns: ['id', 'orderId', 'siteId', 'carrier', 'service', 'trackingNumber', 'status', 'packageIds', 'createdAt', 'dispatchedAt', 'deliveredAt'],
  },
};

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => cell(x)).join(' ');
  if (typeof v === 'object') return JSON.stringify(v);
  return typeof v === 'string' ? v : JSON.stringify(v);
};

/** The export asked for cannot be run as written (unknown kind, a missing --site or one naming no site, a --url that is no URL, an --at that is no instant): exit code 2. */
export class ExportUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportUsageError';
  }
}

/** Writes a list of the PakLog API as CSV to `out`, page by page (the API's cursor). Returns the rows written. */
export async function exportCsv(kind: string, o: { url: string; apiKey: string; site?: string | undefined; at?: string | undefined }, out: NodeJS.WritableStream): Promise<number> {
  const spec = EXPORTS[kind];
  if (spec === undefined) throw new ExportUsageError(`unknown export ${kind} (one of ${Object.keys(EXPORTS).join(', ')})`);
  if (spec.needsSite === true && o.site === undefined) throw new ExportUsageError(`export ${kind} needs --site`);
  const base = apiBase(o.url);
  if (!URL.canParse(base) || !/^https?:$/.test(new URL(base).protocol)) throw new ExportUsageError(`--url (PAKLOG_URL) ${o.url} is not an http(s) URL`);
  const get = async (path: string): Promise<{ items: Item[]; nextCursor: string | null }> => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': o.apiKey, accept: 'application/json' } }).catch((e: unknown) => {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`cannot reach PakLog at ${base} (--url, PAKLOG_URL): ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    });
    const body = await res.json().catch(() => {
      throw new Error(`GET ${base}${path} → ${res.status}, not JSON: is ${base} a PakLog API?`);
    }) as { items?: Item[]; nextCursor?: string | null; detail?: string; code?: string };
    if (!res.ok) {
      // --at that the API cannot read is the command line's mistake, as a --site naming nothing is (exit code 2).
      if (res.status === 400 && body.code === 'VALIDATION_FAILED' && body.detail?.startsWith('/querystring/at ') === true) {
        throw new ExportUsageError(`--at ${o.at ?? ''}: ${body.detail.slice('/querystring/at '.length)}`);
      }
      throw new Error(`GET ${path} → ${res.status} ${body.code ?? ''}: ${body.detail ?? ''}`);
    }
    return { items: body.items ?? [], nextCursor: body.nextCursor ?? null };
  };
  // A --site naming no site is said as such, before any list is read (as `paklog inventory reconcile --site` says it).
  let siteCode: string | undefined;
  if (o.site !== undefined) {
    const res = await fetch(`${base}/api/v1/sites/${encodeURIComponent(o.site)}`, { headers: { 'x-api-key': o.apiKey, accept: 'application/json' } }).catch(() => undefined);
    const body = res === undefined ? {} : (await res.json().catch(() => ({}))) as { code?: unknown };
    if (res?.status === 404 && body.code === 'NOT_FOUND') throw new ExportUsageError(`no site ${o.site}`);
    if (res?.ok === true && typeof body.code === 'string') siteCode = body.code;
  }
  // Stock rows name locations (and owners) by id; the codes (what a floor and an import use) are read once.
  const paged = async (path: string, each: (i: Item) => void): Promise<void> => {
    let after: string | null = null;
    do {
      const page = await get(`${path}${after === null ? '' : `&cursor=${encodeURIComponent(after)}`}`);
      page.items.forEach(each);
      after = page.nextCursor;
    } while (after !== null);
  };
  const codes = new Map<string, string>();
  const owners = new Map<string, string>();
  if (kind === 'stock' || kind === 'stock-counts' || kind === 'snapshot') {
    await paged(`/api/v1/sites/${encodeURIComponent(o.site ?? '')}/locations?limit=500`, (l) => codes.set(String(l.id), String(l.code)));
  }
  if (kind === 'stock') await paged('/api/v1/owners?limit=500', (w) => owners.set(String(w.id), String(w.code)));
  const located = (i: Item): Item => ({
    ...i, location: codes.get(String(i.locationId)) ?? i.locationId, quantity: i.onHand,
    site: siteCode ?? i.siteId, owner: owners.get(String(i.ownerId)) ?? i.ownerId,
  });
  const paths = spec.path(o.site, o.at);
  let n = 0;
  let header = false;
  for (const path of typeof paths === 'string' ? [paths] : paths) {
    let cursor: string | null = null;
    do {
      const page = await get(`${path}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`);
      // The header once the first page came: a refused or unreachable API writes nothing to stdout.
      if (!header) out.write(stringify([spec.columns]));
      header = true;
      const items = kind === 'shipments' && page.items.length > 0
        ? (await get(`/api/v1/shipments?orderIds=${page.items.map((i) => String(i.id)).join(',')}`)).items
        : kind === 'stock-counts' ? page.items.filter((i) => i.status === 'AVAILABLE' && !String(i.locationId).startsWith('IN_PROCESS:')).map(located)
          : kind === 'snapshot' || kind === 'stock' ? page.items.map(located) : page.items;
      out.write(stringify(items.map((i) => spec.columns.map((c) => cell(i[c])))));
      n += items.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
  }
  return n;
}
