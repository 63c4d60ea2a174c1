import type { CatalogApi, CatalogCommands, ProductImportRow } from '../../../contracts/catalog.ts';
import type { ImportKind } from '../../../contracts/integrations.ts';
import { DEFAULT_OWNER_ID, type InventoryCommands, type StockCountRow } from '../../../contracts/inventory.ts';
import {
  LOCATION_STATUSES, LOCATION_TYPES, resolveSiteId, type LocationImportRow, type LocationMasterApi, type LocationMasterCommands,
} from '../../../contracts/location-master.ts';
import type { OrderCommands, OrderIntake } from '../../../contracts/orders.ts';
import type { EventMeta } from '../../../platform/bus/envelope.ts';
import type { Database } from '../../../platform/db/database.ts';
import { ok, reject, type Outcome } from '../../../platform/errors.ts';
import { IMPORT_COLUMNS, SUPPORTED_IMPORTS, type SupportedImportKind } from './columns.ts';
import { readCsv, RowReader, type CsvRecord, type RowError } from './csv.ts';

export interface ImportOptions {
  readonly dryRun: boolean;
  /** Import the good rows and report the bad ones (default: a file with any bad row imports nothing). */
  readonly partial: boolean;
  /** The site of the rows when the file has no siteId column (id or code); a locations import needs it. */
  readonly site?: string | undefined;
  /**
   * Called with each site the import names (its `site`, the rows' siteId), before anything is written: it throws to refuse a
   * caller that may not act there (403 FORBIDDEN_AT_SITE, ADR 0019). Absent: every site (the CLI, the ERP's inbox).
   */
  readonly mayActAt?: ((siteId: string) => void) | undefined;
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
  /** Location-master's import command, when it runs in this process (CSV location imports). */
  readonly locationCommands: () => LocationMasterCommands | undefined;
  /** Inventory's stock count command, when it runs in this process (CSV stock imports). */
  readonly inventory: () => Pick<InventoryCommands, 'applyStockCounts'> | undefined;
  /** The process's database: an all-or-nothing orders import writes its orders in one transaction of it. */
  readonly db: Pick<Database, 'openTx' | 'unitOfWork' | 'tx'>;
}

/** An all-or-nothing orders import rolled back: an order the intake refused at the write (a concurrent writer). */
class ImportRolledBack extends Error {
  constructor(readonly errors: RowError[]) {
    super('import rolled back');
  }
}

/** What a command of the owning context answers for a batch: counts, its errors by index in the batch, whether it wrote. */
interface BatchResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly errors: readonly { readonly index: number; readonly field: string; readonly message: string }[];
  readonly written: boolean;
}

const byRow = (a: RowError, b: RowError): number => a.row - b.row;
const column = (field: string): string => field.replace(/^\//, '').split('/')[0] ?? field;

/** An order of an orders import: its rows (lines), the header they share, its lines by row. */
interface OrderGroup {
  readonly rows: number[];
  readonly header: string;
  readonly intake: Omit<OrderIntake, 'lines'>;
  readonly lines: { sku: string; quantity: number; row: number }[];
}

/** The CSV column of an order intake's field (`/shipTo/postalCode` → shipToPostalCode). */
const ORDER_COLUMNS: Readonly<Record<string, string>> = { siteId: 'siteId', carrier: 'carrier', priority: 'priority', shipTo: 'shipToName' };

/**
 * The intake's refusal of an import's order as row errors: a line's field on the first row of its SKU, the ship-to's
 * field in its column, anything else (the order as a whole) on its first row under externalId; each message says the code.
 */
function intakeErrors(g: OrderGroup, intake: OrderIntake, refusal: { code: string; message: string; errors?: readonly { field: string; message: string }[] | undefined }): RowError[] {
  const first = g.rows[0] ?? 0;
  const fields = refusal.errors ?? [];
  if (fields.length === 0) return [{ row: first, column: 'externalId', message: `${refusal.code}: ${refusal.message}` }];
  return fields.map((f) => {
    const [head = '', index, leaf] = f.field.replace(/^\//, '').split('/');
    const message = `${refusal.code}: ${f.message}`;
    if (head === 'lines') {
      const sku = index !== undefined && /^[0-9]+$/.test(index) ? intake.lines[Number(index)]?.sku : undefined;
      const rows = g.lines.filter((l) => l.sku === sku);
      // A SKU on several rows is one line of their sum: its quantity is refused on the last of them, saying so (the first
      // row's 60000 was named "must be an integer from 1 to 100000" when 60000 and 40001 were added up).
      if (leaf === 'quantity' && rows.length > 1) {
        const total = rows.reduce((a, l) => a + l.quantity, 0);
        return { row: rows.at(-1)!.row, column: 'quantity', message: `${message} (${sku ?? ''} on rows ${rows.map((l) => l.row).join(', ')} adds up to ${total})` };
      }
      return { row: rows[0]?.row ?? first, column: leaf === 'quantity' ? 'quantity' : 'sku', message };
    }
    if (head === 'shipTo' && index !== undefined) return { row: first, column: `shipTo${index.charAt(0).toUpperCase()}${index.slice(1)}`, message };
    return { row: first, column: ORDER_COLUMNS[head] ?? 'externalId', message };
  });
}

/**
 * CSV imports (ADR 0037): a file read and every row checked before anything is written; any bad row → nothing written,
 * unless `partial`, which writes the good rows (a row is written whole or not at all). A dry run writes nothing and
 * reports what would happen. Products go to the catalog in one set-based transaction (upsert by SKU); orders through
 * the order intake (its rows grouped by externalId), idempotent on externalId: all of them in one transaction, or (partial)
 * one order at a time.
 */
export function importService(apis: ImportApis) {
  async function importProducts(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const catalog = apis.catalog();
    if (catalog === undefined) return reject('IMPORT_UNAVAILABLE', 'run the catalog context in the process that imports products');
    const errors: RowError[] = [];
    const good: { row: number; product: ProductImportRow }[] = [];
    const skuRows = new Map<string, number>();
    const gtinRows = new Map<string, number>();
    records.forEach((rec, i) => {
      const r = new RowReader(rec);
      const product = {
        sku: r.text('sku', { required: true, max: 64 }), description: r.text('description', { required: true, max: 500 }), gtin: r.text('gtin') ?? null,
        uom: r.text('uom') ?? 'EA', lengthMm: r.int('lengthMm', { required: true }), widthMm: r.int('widthMm', { required: true }),
        heightMm: r.int('heightMm', { required: true }), weightG: r.int('weightG', { required: true }),
        lotControlled: r.bool('lotControlled'), expiryControlled: r.bool('expiryControlled'),
      };
      // A SKU or GTIN on two rows: the later row is in error, naming the file's row of the first.
      const skuRow = product.sku === undefined ? undefined : skuRows.get(product.sku);
      const gtinRow = product.gtin === null ? undefined : gtinRows.get(product.gtin);
      if (skuRow !== undefined) r.errors.push({ row: rec.row, column: 'sku', message: `SKU ${product.sku ?? ''} is also on row ${skuRow}` });
      if (gtinRow !== undefined) r.errors.push({ row: rec.row, column: 'gtin', message: `GTIN ${product.gtin ?? ''} is also on row ${gtinRow}` });
      if (product.sku !== undefined && skuRow === undefined) skuRows.set(product.sku, rec.row);
      if (product.gtin !== null && gtinRow === undefined) gtinRows.set(product.gtin, rec.row);
      if (r.errors.length > 0) errors.push(...r.errors);
      else good.push({ row: rec.row, product: product as ProductImportRow });
      if (i % 1000 === 999) o.onProgress?.('checking', i + 1, records.length);
    });
    return ok(await checkThenWrite('products', records.length, o, errors, good.map((g) => ({ row: g.row, value: g.product })),
      (values, dryRun) => catalog.upsertProducts(values, { dryRun }, meta)));
  }

  /**
   * The rows that parsed checked by the owning context's command (a dry run: its own rules and keys), then — unless this
   * is a dry run, or errors stop an all-or-nothing import — the good rows written in one call of it (one transaction).
   */
  async function checkThenWrite<T>(
    kind: SupportedImportKind, rows: number, o: ImportOptions, errors: RowError[], good: readonly { row: number; value: T }[],
    run: (values: T[], dryRun: boolean) => Promise<BatchResult>,
  ): Promise<ImportReport> {
    const check = await run(good.map((g) => g.value), true);
    errors.push(...check.errors.map((e) => ({ row: good[e.index]?.row ?? 0, column: column(e.field), message: e.message })));
    const bad = new Set(errors.map((e) => e.row));
    const writable = good.filter((g) => !bad.has(g.row));
    const report = (written: boolean, c: BatchResult): ImportReport => ({
      kind, dryRun: o.dryRun, partial: o.partial, rows, imported: written ? writable.length : 0,
      created: c.created, updated: c.updated, unchanged: c.unchanged, rejected: bad.size, written, errors: errors.sort(byRow),
    });
    if (o.dryRun || (errors.length > 0 && !o.partial) || writable.length === 0) {
      return report(false, errors.length === 0 ? check : await run(writable.map((g) => g.value), true));
    }
    o.onProgress?.('writing', 0, writable.length);
    const done = await run(writable.map((g) => g.value), false);
    // Another writer took a key between the check and the write: nothing was written; say which rows.
    if (!done.written) errors.push(...done.errors.map((e) => ({ row: writable[e.index]?.row ?? 0, column: column(e.field), message: e.message })));
    return report(done.written, done);
  }

  /** Locations of one site (--site): created by code, a known code unchanged or its status changed (ADR 0040). */
  async function importLocations(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const commands = apis.locationCommands();
    if (commands === undefined) return reject('IMPORT_UNAVAILABLE', 'run the location-master context in the process that imports locations');
    if (o.site === undefined) return reject('UNPROCESSABLE', 'a locations import needs its site (--site, ?site=)', [{ field: '/querystring/site', message: 'is required for locations' }]);
    const site = await resolveSiteId(apis.locations, o.site, '/querystring/site', { active: true });
    if (!site.ok) return site;
    o.mayActAt?.(site.value);
    const errors: RowError[] = [];
    const good: { row: number; value: LocationImportRow }[] = [];
    for (const rec of records) {
      const r = new RowReader(rec);
      const value = {
        code: r.text('code', { required: true, max: 64 }), type: r.oneOf('type', LOCATION_TYPES), zone: r.text('zone', { max: 32 }) ?? null,
        aisle: r.int('aisle', { min: 0 }) ?? null, bay: r.int('bay', { min: 0 }) ?? null, level: r.int('level', { min: 0 }) ?? null,
        x: r.num('x', { required: true }), y: r.num('y', { required: true }), z: r.num('z') ?? 0,
        pickSequence: r.int('pickSequence', { min: 0 }) ?? null, status: r.oneOf('status', LOCATION_STATUSES, 'ACTIVE'),
      };
      if (r.errors.length > 0) errors.push(...r.errors);
      else good.push({ row: rec.row, value: value as LocationImportRow });
    }
    o.onProgress?.('checking', records.length, records.length);
    return ok(await checkThenWrite('locations', records.length, o, errors, good, (values, dryRun) => commands.importLocations(site.value, values, { dryRun }, meta)));
  }

  /**
   * Counted stock: per row the AVAILABLE on-hand of a SKU, location and lot is set to `quantity` by an ADJUST movement
   * (reason COUNT) of the difference, through inventory's command (ADR 0040). Keys the file does not name stay as they are.
   */
  async function importStock(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const inventory = apis.inventory();
    if (inventory === undefined) return reject('IMPORT_UNAVAILABLE', 'run the inventory context in the process that imports stock');
    const errors: RowError[] = [];
    const good: { row: number; value: StockCountRow }[] = [];
    const siteOf = siteResolver(o);
    for (const rec of records) {
      const r = new RowReader(rec);
      const siteId = await siteOf(r, rec.row, o.site, errors);
      const value = {
        siteId, ownerId: r.text('ownerId', { max: 64 }) ?? DEFAULT_OWNER_ID, sku: r.text('sku', { required: true, max: 64 }),
        locationCode: r.text('location', { required: true, max: 64 }), lot: r.text('lot', { max: 64 }) ?? null,
        expiresOn: r.date('expiresOn') ?? null, quantity: r.int('quantity', { required: true, min: 0, max: 100_000_000 }),
      };
      if (r.errors.length > 0) errors.push(...r.errors);
      else if (siteId !== undefined) good.push({ row: rec.row, value: value as StockCountRow });
    }
    o.onProgress?.('checking', records.length, records.length);
    return ok(await checkThenWrite('stock', records.length, o, errors, good, (values, dryRun) => inventory.applyStockCounts(values, { dryRun }, meta)));
  }

  /** The site of a row: its siteId column, else the import's site; each id or code looked up once. */
  function siteResolver(o: ImportOptions) {
    const sites = new Map<string, string | undefined>();
    return async (r: RowReader, row: number, fallback: string | undefined, errors: RowError[]): Promise<string | undefined> => {
      const ref = r.text('siteId') ?? fallback;
      if (ref === undefined) {
        errors.push({ row, column: 'siteId', message: 'is required (or give --site)' });
        return undefined;
      }
      if (!sites.has(ref)) {
        const s = await resolveSiteId(apis.locations, ref);
        sites.set(ref, s.ok ? s.value : undefined);
        if (s.ok) o.mayActAt?.(s.value);
      }
      const id = sites.get(ref);
      if (id === undefined) errors.push({ row, column: 'siteId', message: `no site ${ref}` });
      return id;
    };
  }

  async function importOrders(records: readonly CsvRecord[], o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    const orders = apis.orders();
    if (orders === undefined) return reject('IMPORT_UNAVAILABLE', 'run the orders context in the process that imports orders');
    const errors: RowError[] = [];
    const siteOf = siteResolver(o);
    const groups = new Map<string, OrderGroup>();
    for (const rec of records) {
      const r = new RowReader(rec);
      const externalId = r.text('externalId', { required: true, max: 100 });
      const siteId = await siteOf(r, rec.row, o.site, errors);
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
    const rowsInError = new Set(errors.map((e) => e.row));
    const rowChecked = [...groups.values()].filter((g) => !g.rows.some((row) => rowsInError.has(row)));
    const intakeOf = (g: OrderGroup): OrderIntake => {
      const quantities = new Map<string, number>();
      for (const l of g.lines) quantities.set(l.sku, (quantities.get(l.sku) ?? 0) + l.quantity);
      return { ...g.intake, lines: [...quantities].map(([sku, quantity]) => ({ sku, quantity })) };
    };
    // Then each order as the intake would answer it, writing nothing: what only the intake knows (a deactivated product
    // or site, a carrier it cannot book, the externalId received with other content) is a bad row too, before any write.
    let created = 0;
    let unchanged = 0;
    for (const [i, g] of rowChecked.entries()) {
      const intake = intakeOf(g);
      const checked = await orders.check(intake);
      if (!checked.ok) errors.push(...intakeErrors(g, intake, checked));
      else if (checked.value.created) created += 1;
      else unchanged += 1;
      if (i % 50 === 49) o.onProgress?.('checking', i + 1, rowChecked.length);
    }
    const badRows = new Set(errors.map((e) => e.row));
    const writable = rowChecked.filter((g) => !g.rows.some((row) => badRows.has(row)));
    const rejected = records.length - writable.reduce((a, g) => a + g.rows.length, 0);
    const base = { kind: 'orders' as const, dryRun: o.dryRun, partial: o.partial, rows: records.length, updated: 0, rejected };
    if (o.dryRun || (errors.length > 0 && !o.partial) || writable.length === 0) {
      return ok({ ...base, imported: 0, created: o.dryRun ? created : 0, unchanged: o.dryRun ? unchanged : 0, written: false, errors: errors.sort(byRow) });
    }
    // Each order written whole, with its RECEIVED event. All or nothing (not partial): every order of the file in ONE
    // transaction, so an order another writer took since the check (its externalId with other content, a product
    // deactivated) rolls back the orders written before it and the file answers "nothing imported" naming it.
    const writeAll = async (): Promise<{ imported: number; created: number; unchanged: number; refused: RowError[] }> => {
      const w = { imported: 0, created: 0, unchanged: 0, refused: [] as RowError[] };
      for (const [i, g] of writable.entries()) {
        const intake = intakeOf(g);
        const received = await orders.receive(intake, meta);
        // Only a race refuses an order here (another writer took its externalId, or deactivated a product, since the check).
        if (!received.ok) {
          const refused = intakeErrors(g, intake, received);
          if (!o.partial) throw new ImportRolledBack(refused);
          w.refused.push(...refused);
          continue;
        }
        w.imported += g.rows.length;
        if (received.value.created) w.created += 1;
        else w.unchanged += 1;
        if (i % 50 === 49) o.onProgress?.('writing', i + 1, writable.length);
      }
      return w;
    };
    try {
      const w = o.partial ? await writeAll() : apis.db.openTx() === undefined ? await apis.db.unitOfWork(writeAll) : await apis.db.tx(writeAll);
      errors.push(...w.refused);
      return ok({ ...base, imported: w.imported, created: w.created, unchanged: w.unchanged, written: w.imported > 0, errors: errors.sort(byRow) });
    } catch (e) {
      if (!(e instanceof ImportRolledBack)) throw e;
      errors.push(...e.errors);
      const bad = new Set(errors.map((x) => x.row));
      const rejectedRows = records.filter((r) => bad.has(r.row)).length;
      return ok({ ...base, rejected: rejectedRows, imported: 0, created: 0, unchanged: 0, written: false, errors: errors.sort(byRow) });
    }
  }

  /** Imports a CSV file of `kind`. 422 IMPORT_ROWS_INVALID is the caller's to decide (the report lists the rows). */
  async function importCsv(kind: ImportKind, text: string, o: ImportOptions, meta: EventMeta): Promise<Outcome<ImportReport>> {
    if (!(SUPPORTED_IMPORTS as string[]).includes(kind)) return reject('UNPROCESSABLE', `importing ${kind} is not supported yet (supported: ${SUPPORTED_IMPORTS.join(', ')})`);
    const k = kind;
    // A `site` naming no site is the request's mistake (422 UNKNOWN_SITE naming it), as on the locations import and every
    // other route, not an error repeated on each row that has no siteId of its own.
    if (o.site !== undefined && (k === 'stock' || k === 'orders')) {
      const site = await resolveSiteId(apis.locations, o.site, '/querystring/site');
      if (!site.ok) return site;
    }
    const cols = IMPORT_COLUMNS[k];
    o.onProgress?.('reading', 0, 0);
    const { records, errors } = readCsv(text, cols.required, [...cols.required, ...cols.optional]);
    if (errors.length > 0) {
      return ok({ kind: k, dryRun: o.dryRun, partial: o.partial, rows: records.length, imported: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, written: false, errors });
    }
    o.onProgress?.('checking', 0, records.length);
    const run = { products: importProducts, locations: importLocations, stock: importStock, orders: importOrders }[k];
    const report = await run(records, o, meta);
    if (report.ok) o.onProgress?.('done', report.value.rows, report.value.rows);
    return report;
  }

  return { importCsv };
}

export type ImportService = ReturnType<typeof importService>;
