import type { CatalogApi, CatalogCommands, ProductImportRow } from '../../../contracts/catalog.ts';
import type { ImportKind } from '../../../contracts/integrations.ts';
import { resolveSiteId, type LocationMasterApi } from '../../../contracts/location-master.ts';
import type { OrderCommands, OrderIntake } from '../../../contracts/orders.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import { readCsv, RowReader, type CsvRecord, type RowError } from './csv.ts';

/** The columns of each kind: the required ones first. `paklog export` writes the same header. */
export const IMPORT_COLUMNS = {
  products: {
    required: ['sku', 'description', 'lengthMm', 'widthMm', 'heightMm', 'weightG'],
    optional: ['gtin', 'uom', 'lotControlled', 'expiryControlled'],
  },
  orders: {
    required: ['externalId', 'sku', 'quantity', 'shipToName', 'shipToLine1', 'shipToCity', 'shipToPostalCode', 'shipToCountry'],
    optional: ['siteId', 'carrier', 'priority', 'shipToCompany', 'shipToLine2', 'shipToLine3', 'shipToState', 'shipToPhone', 'shipToEmail'],
  },
} as const;
export type SupportedImportKind = keyof typeof IMPORT_COLUMNS;
export const SUPPORTED_IMPORTS = Object.keys(IMPORT_COLUMNS) as SupportedImportKind[];

export interface ImportOptions {
  readonly dryRun: boolean;
  /** Import the good rows and report the bad ones (default: a file with any bad row imports nothing). */
  readonly partial: boolean;
  /** The site orders go to when the file has no siteId column (id or code). */
  readonly site?: string | undefined;
  /** Called as the import goes: the phase and the rows done of the total. */
  readonly onProgress?: ((phase: 'reading' | 'checking' | 'writing' | 'done', done: number, total: number) => void) | undefined;
}

export interface ImportReport {
  readonly kind: SupportedImportKind;
  readonly dryRun: boolean;
  readonly partial: boolean;
  /** Data rows in the file. */
  readonly rows: number;
  /** Rows written (0 in a dry run, and when errors stopped an all-or-nothing import). */
  readonly imported: number;
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** Rows with at least one error (none of their values is written). */
  readonly rejected: number;
  readonly written: boolean;
  readonly errors: readonly RowError[];
}

export interface ImportApis {
  readonly catalog: () => CatalogCommands | undefined;
  readonly catalogQueries: () => Pick<CatalogApi, 'getBySkus'> | undefined;
  readonly orders: () => OrderCommands | undefined;
  readonly locations: Pick<LocationMasterApi, 'getSite'>;
}

const byRow = (a: RowError, b: RowError): number => a.row - b.row;
const column = (field: string): string => field.replace(/^\//, '').split('/')[0] ?? field;

/**
 * CSV imports (ADR 0037): a file read and every row checked before anything is written; any bad row → nothing written,
 * unless `partial`, which writes the good rows (a row is written whole or not at all). A dry run writes nothing and
 * reports what would happen. Products go to the catalog in one set-based transaction (upsert by SKU); orders through
 * the order intake, one order (its rows grouped by externalId) at a time, idempotent on externalId.
 */
export function importService(apis: ImportApis) {
  async function importProducts(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const catalog = apis.catalog();
    if (catalog === undefined) return reject('IMPORT_UNAVAILABLE', 'run the catalog context in the process that imports products');
    const errors: RowError[] = [];
    const good: { row: number; product: ProductImportRow }[] = [];
    records.forEach((rec, i) => {
      const r = new RowReader(rec);
      const product = {
        sku: r.text('sku', { required: true, max: 64 }), description: r.text('description', { required: true, max: 500 }), gtin: r.text('gtin') ?? null,
        uom: r.text('uom') ?? 'EA', lengthMm: r.int('lengthMm', { required: true }), widthMm: r.int('widthMm', { required: true }),
        heightMm: r.int('heightMm', { required: true }), weightG: r.int('weightG', { required: true }),
        lotControlled: r.bool('lotControlled'), expiryControlled: r.bool('expiryControlled'),
      };
      if (r.errors.length > 0) errors.push(...r.errors);
      else good.push({ row: rec.row, product: product as ProductImportRow });
      if (i % 1000 === 999) o.onProgress?.('checking', i + 1, records.length);
    });
    // The catalog's own rules and keys (SKU twice, a GTIN of another product), over the rows that parsed.
    const check = await catalog.upsertProducts(good.map((g) => g.product), { dryRun: true }, meta);
    errors.push(...check.errors.map((e) => ({ row: good[e.index]?.row ?? 0, column: column(e.field), message: e.message })));
    const bad = new Set(errors.map((e) => e.row));
    const writable = good.filter((g) => !bad.has(g.row));
    const report = (written: boolean, c: { created: number; updated: number; unchanged: number }): ImportReport => ({
      kind: 'products', dryRun: o.dryRun, partial: o.partial, rows: records.length, imported: written ? writable.length : 0, ...c,
      rejected: bad.size, written, errors: errors.sort(byRow),
    });
    if (o.dryRun || (errors.length > 0 && !o.partial) || writable.length === 0) {
      const would = errors.length === 0 ? check : await catalog.upsertProducts(writable.map((g) => g.product), { dryRun: true }, meta);
      return ok(report(false, would));
    }
    o.onProgress?.('writing', 0, writable.length);
    const done = await catalog.upsertProducts(writable.map((g) => g.product), { dryRun: false }, meta);
    if (!done.written) {
      // Another writer took a key between the check and the write: nothing was written; say which rows.
      errors.push(...done.errors.map((e) => ({ row: writable[e.index]?.row ?? 0, column: column(e.field), message: e.message })));
      return ok(report(false, done));
    }
    return ok(report(true, done));
  }

  async function importOrders(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const orders = apis.orders();
    if (orders === undefined) return reject('IMPORT_UNAVAILABLE', 'run the orders context in the process that imports orders');
    const errors: RowError[] = [];
    const sites = new Map<string, string | undefined>();
    const siteOf = async (idOrCode: string): Promise<string | undefined> => {
      if (!sites.has(idOrCode)) {
        const s = await resolveSiteId(apis.locations, idOrCode);
        sites.set(idOrCode, s.ok ? s.value : undefined);
      }
      return sites.get(idOrCode);
    };
    const groups = new Map<string, { rows: number[]; header: string; intake: Omit<OrderIntake, 'lines'>; lines: { sku: string; quantity: number; row: number }[] }>();
    for (const rec of records) {
      const r = new RowReader(rec);
      const externalId = r.text('externalId', { required: true, max: 100 });
      const siteRef = r.text('siteId') ?? o.site;
      if (siteRef === undefined) errors.push({ row: rec.row, column: 'siteId', message: 'is required (or give --site)' });
      const siteId = siteRef === undefined ? undefined : await siteOf(siteRef);
      if (siteRef !== undefined && siteId === undefined) errors.push({ row: rec.row, column: 'siteId', message: `no site ${siteRef}` });
      const sku = r.text('sku', { required: true, max: 64 });
      const quantity = r.int('quantity', { required: true, min: 1, max: 1_000_000 });
      const priority = r.int('priority', { min: 1, max: 9 });
      const country = r.text('shipToCountry', { required: true });
      if (country !== undefined && !/^[A-Z]{2}$/.test(country)) errors.push({ row: rec.row, column: 'shipToCountry', message: 'must be an ISO 3166-1 alpha-2 code' });
      const opt = (key: string, col: string, max: number): Record<string, string> => { const v = r.text(col, { max }); return v === undefined ? {} : { [key]: v }; };
      const carrier = r.text('carrier', { max: 64 });
      const intake = {
        externalId: externalId ?? '', siteId: siteId ?? '', ...(carrier === undefined ? {} : { carrier }), ...(priority === undefined ? {} : { priority }),
        shipTo: {
          name: r.text('shipToName', { required: true, max: 200 }) ?? '', line1: r.text('shipToLine1', { required: true, max: 200 }) ?? '',
          city: r.text('shipToCity', { required: true, max: 100 }) ?? '', postalCode: r.text('shipToPostalCode', { required: true, max: 20 }) ?? '', country: country ?? '',
          ...opt('company', 'shipToCompany', 200), ...opt('line2', 'shipToLine2', 200), ...opt('line3', 'shipToLine3', 200), ...opt('state', 'shipToState', 100),
          ...opt('phone', 'shipToPhone', 50), ...opt('email', 'shipToEmail', 200),
        },
      };
      errors.push(...r.errors);
      if (externalId === undefined) continue;
      // Every row of an order repeats its header: the first row's header is the order's, another one is an error.
      const header = JSON.stringify(intake);
      const g = groups.get(externalId);
      if (g === undefined) groups.set(externalId, { rows: [rec.row], header, intake, lines: sku === undefined || quantity === undefined ? [] : [{ sku, quantity, row: rec.row }] });
      else {
        g.rows.push(rec.row);
        if (g.header !== header) errors.push({ row: rec.row, column: 'externalId', message: `order ${externalId}: site, carrier, priority or ship-to differ from its row ${g.rows[0] ?? ''}` });
        if (sku !== undefined && quantity !== undefined) g.lines.push({ sku, quantity, row: rec.row });
      }
    }
    o.onProgress?.('checking', records.length, records.length);
    const catalog = apis.catalogQueries();
    if (catalog !== undefined) {
      const known = await catalog.getBySkus([...new Set([...groups.values()].flatMap((g) => g.lines.map((l) => l.sku)))]);
      for (const g of groups.values()) for (const l of g.lines) if (!known.has(l.sku)) errors.push({ row: l.row, column: 'sku', message: `no product with SKU ${l.sku}` });
    }
    // An order is written whole: a bad row rejects every row of its order.
    const badRows = new Set(errors.map((e) => e.row));
    const writable = [...groups.values()].filter((g) => !g.rows.some((row) => badRows.has(row)));
    const rejected = records.length - writable.reduce((a, g) => a + g.rows.length, 0);
    const base = { kind: 'orders' as const, dryRun: o.dryRun, partial: o.partial, rows: records.length, updated: 0, rejected };
    if (o.dryRun || (errors.length > 0 && !o.partial)) {
      return ok({ ...base, imported: 0, created: o.dryRun ? writable.length : 0, unchanged: 0, written: false, errors: errors.sort(byRow) });
    }
    let created = 0;
    let unchanged = 0;
    let imported = 0;
    for (const [i, g] of writable.entries()) {
      const quantities = new Map<string, number>();
      for (const l of g.lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
      const received = await orders.receive({ ...g.intake, lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })) }, meta);
      if (!received.ok) {
        errors.push({ row: g.rows[0] ?? 0, column: 'externalId', message: `${received.code}: ${received.message}` });
        continue;
      }
      imported += g.rows.length;
      if (received.value.created) created += 1;
      else unchanged += 1;
      if (i % 50 === 49) o.onProgress?.('writing', i + 1, writable.length);
    }
    return ok({ ...base, imported, created, unchanged, written: imported > 0, errors: errors.sort(byRow) });
  }

  /** Imports a CSV file of `kind`. 422 IMPORT_ROWS_INVALID is the caller's to decide (the report lists the rows). */
  async function importCsv(kind: ImportKind, text: string, o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    if (!(SUPPORTED_IMPORTS as string[]).includes(kind)) return reject('UNPROCESSABLE', `importing ${kind} is not supported yet (supported: ${SUPPORTED_IMPORTS.join(', ')})`);
    const k = kind as SupportedImportKind;
    const cols = IMPORT_COLUMNS[k];
    o.onProgress?.('reading', 0, 0);
    const { records, errors } = readCsv(text, cols.required, [...cols.required, ...cols.optional]);
    if (errors.length > 0) {
      return ok({ kind: k, dryRun: o.dryRun, partial: o.partial, rows: records.length, imported: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, written: false, errors });
    }
    o.onProgress?.('checking', 0, records.length);
    const report = k === 'products' ? await importProducts(records, o, meta) : await importOrders(records, o, meta);
    if (report.ok) o.onProgress?.('done', report.value.rows, report.value.rows);
    return report;
  }

  return { importCsv };
}

export type ImportService = ReturnType<typeof importService>;
