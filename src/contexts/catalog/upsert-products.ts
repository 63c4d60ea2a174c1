import { CatalogEvents, gtin14, type ImportRowError, type Product, type ProductImportRow, type UpsertResult } from '../../contracts/catalog.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { validateNewProduct, type NewProduct } from './domain/product.ts';
import { productKey } from './service.ts';
import { isGtinTaken } from './store.ts';

/** Rows per INSERT … SELECT FROM jsonb_to_recordset statement (all in one transaction). */
const CHUNK = 2_500;

const COLUMNS = `id, sku, description, gtin, uom, length_mm AS "lengthMm", width_mm AS "widthMm", height_mm AS "heightMm",
  weight_g AS "weightG", lot_controlled AS "lotControlled", expiry_controlled AS "expiryControlled", created_at AS "createdAt", active,
  serial_controlled AS "serialControlled"`;

/** COLUMNS of the upserted row (`p`): EXCLUDED has the same names. */
const RETURNING = `p.id, p.sku, p.description, p.gtin, p.uom, p.length_mm AS "lengthMm", p.width_mm AS "widthMm", p.height_mm AS "heightMm",
  p.weight_g AS "weightG", p.lot_controlled AS "lotControlled", p.expiry_controlled AS "expiryControlled", p.created_at AS "createdAt", p.active,
  p.serial_controlled AS "serialControlled"`;

type Row = Omit<Product, 'createdAt'> & { createdAt: Date };
const same = (a: Row, b: ProductImportRow): boolean =>
  a.description === b.description && a.gtin === b.gtin && a.uom === b.uom && a.lengthMm === b.lengthMm && a.widthMm === b.widthMm
  && a.heightMm === b.heightMm && a.weightG === b.weightG && a.lotControlled === b.lotControlled && a.expiryControlled === b.expiryControlled;

/**
 * The catalog's bulk upsert (ADR 0037): rows checked against POST /products' rules, duplicates in the batch and GTINs
 * of other products, classified against what exists (one read per key kind), then — unless a dry run or any error —
 * written in one transaction by set-based statements, with one created or updated event per product that changed.
 */
export function productUpserter(deps: PlatformDeps) {
  /**
   * `retries`: the same file imported by several requests at once (rows of new SKUs with GTINs) — each classifies them as
   * new, the first to commit inserts them, and another's insert, arbitrated on the SKU, can meet the GTIN's unique key
   * first (a unique key that is not the ON CONFLICT arbiter refuses a concurrent insert of the same row). The GTINs are
   * then the file's own SKUs': the upsert runs again, classified against what is there now (the CSV import's race,
   * 2026-12-08: a 409 CONFLICT in a CI run under load).
   */
  async function upsertProducts(rows: readonly ProductImportRow[], options: { dryRun: boolean }, meta: EventMeta, retries = 3): Promise<UpsertResult> {
    const errors: ImportRowError[] = [];
    const firstSku = new Map<string, number>();
    const firstGtin = new Map<string, number>();
    rows.forEach((r, index) => {
      for (const e of validateNewProduct(r as NewProduct)) errors.push({ index, ...e });
      const seen = firstSku.get(r.sku);
      if (seen !== undefined) errors.push({ index, field: '/sku', message: `SKU ${r.sku} is also on row index ${seen} of this batch` });
      else firstSku.set(r.sku, index);
      // One GTIN in any of its GS1 lengths (`gtin14`): 012345678905 and 0012345678905 are one.
      if (r.gtin !== null) {
        const key = gtin14(r.gtin) ?? r.gtin;
        const g = firstGtin.get(key);
        if (g !== undefined) errors.push({ index, field: '/gtin', message: `GTIN ${r.gtin} is also on row index ${g} of this batch` });
        else firstGtin.set(key, index);
      }
    });
    const existing = new Map((await deps.db.query<Row>(`SELECT ${COLUMNS} FROM catalog.products WHERE sku = ANY($1::text[])`, [[...firstSku.keys()]])).map((p) => [p.sku, p]));
    const gtinOwners = await ownersOf([...firstGtin.keys()]);
    let created = 0;
    let updated = 0;
    let unchanged = 0;
    rows.forEach((r, index) => {
      const owner = r.gtin === null ? undefined : gtinOwners.get(gtin14(r.gtin) ?? r.gtin);
      if (owner !== undefined && owner !== r.sku) errors.push({ index, field: '/gtin', message: `GTIN ${r.gtin ?? ''} belongs to product ${owner}` });
      if (firstSku.get(r.sku) !== index) return;
      const had = existing.get(r.sku);
      if (had === undefined) created += 1;
      else if (same(had, r)) unchanged += 1;
      else updated += 1;
    });
    errors.sort((a, b) => a.index - b.index);
    if (errors.length > 0 || options.dryRun) return { created, updated, unchanged, errors, written: false };

    const now = deps.clock.now();
    const changed = rows.filter((r) => { const had = existing.get(r.sku); return had === undefined || !same(had, r); });
    try {
      await write(changed, now, meta);
    } catch (e) {
      // Another writer (POST /products, a PATCH, another import) took one of the file's GTINs after the check above: the
      // unique key refused the write, which rolled back whole. Answered as the check would answer it now, the code a
      // single create answers for a taken GTIN (DUPLICATE) first: each row whose GTIN went, not the store's bare CONFLICT.
      if (!isGtinTaken(e)) throw e;
      const raced = await takenGtins(rows);
      if (raced.length === 0 && retries > 0) return upsertProducts(rows, options, meta, retries - 1);
      if (raced.length === 0) throw e;
      return { created, updated, unchanged, errors: raced, written: false };
    }
    return { created, updated, unchanged, errors: [], written: true };
  }

  /** The SKU holding each GTIN (14-digit forms, `gtin14`) in any of its GS1 lengths. */
  async function ownersOf(gtins: readonly string[]): Promise<Map<string, string>> {
    const rows = await deps.db.query<{ sku: string; gtin14: string }>(
      `SELECT sku, lpad(gtin, 14, '0') AS gtin14 FROM catalog.products WHERE lpad(gtin, 14, '0') = ANY($1::text[])`, [gtins]);
    return new Map(rows.map((p) => [p.gtin14, p.sku]));
  }

  /** The rows whose GTIN belongs to another product now (read once the rival write committed). */
  async function takenGtins(rows: readonly ProductImportRow[]): Promise<ImportRowError[]> {
    const owners = await ownersOf([...new Set(rows.flatMap((r) => (r.gtin === null ? [] : [gtin14(r.gtin) ?? r.gtin])))]);
    return rows.flatMap((r, index) => {
      const owner = r.gtin === null ? undefined : owners.get(gtin14(r.gtin) ?? r.gtin);
      return owner === undefined || owner === r.sku ? [] : [{
        index, field: '/gtin', message: `DUPLICATE: GTIN ${r.gtin ?? ''} belongs to product ${owner}, which took it while this import was being written`,
      }];
    });
  }

  async function write(changed: readonly ProductImportRow[], now: Date, meta: EventMeta): Promise<void> {
    await deps.db.tx(async (tx) => {
      const written: (Row & { inserted: boolean })[] = [];
      for (let i = 0; i < changed.length; i += CHUNK) {
        const chunk = changed.slice(i, i + CHUNK).map((r) => ({
          id: deps.ids.next('prd'), sku: r.sku, description: r.description, gtin: r.gtin, uom: r.uom, length_mm: r.lengthMm, width_mm: r.widthMm,
          height_mm: r.heightMm, weight_g: r.weightG, lot_controlled: r.lotControlled, expiry_controlled: r.expiryControlled,
        }));
        // An existing SKU keeps its id and created_at; a row equal to the product is not touched (no event either).
        written.push(...await tx.query<Row & { inserted: boolean }>(
          `INSERT INTO catalog.products AS p (id, sku, description, gtin, uom, length_mm, width_mm, height_mm, weight_g, lot_controlled, expiry_controlled, created_at)
           SELECT r.id, r.sku, r.description, r.gtin, r.uom, r.length_mm, r.width_mm, r.height_mm, r.weight_g, r.lot_controlled, r.expiry_controlled, $2
           FROM jsonb_to_recordset($1::jsonb) AS r(id text, sku text, description text, gtin text, uom text, length_mm int4, width_mm int4, height_mm int4,
                                                   weight_g int4, lot_controlled boolean, expiry_controlled boolean)
           ON CONFLICT (sku) DO UPDATE SET description = EXCLUDED.description, gtin = EXCLUDED.gtin, uom = EXCLUDED.uom, length_mm = EXCLUDED.length_mm,
             width_mm = EXCLUDED.width_mm, height_mm = EXCLUDED.height_mm, weight_g = EXCLUDED.weight_g, lot_controlled = EXCLUDED.lot_controlled,
             expiry_controlled = EXCLUDED.expiry_controlled, gtin_shared = p.gtin_shared AND p.gtin IS NOT DISTINCT FROM EXCLUDED.gtin
           WHERE (p.description, p.gtin, p.uom, p.length_mm, p.width_mm, p.height_mm, p.weight_g, p.lot_controlled, p.expiry_controlled)
             IS DISTINCT FROM (EXCLUDED.description, EXCLUDED.gtin, EXCLUDED.uom, EXCLUDED.length_mm, EXCLUDED.width_mm, EXCLUDED.height_mm,
                               EXCLUDED.weight_g, EXCLUDED.lot_controlled, EXCLUDED.expiry_controlled)
           RETURNING ${RETURNING}, (xmax = 0) AS inserted`,
          [JSON.stringify(chunk), now]));
      }
      await deps.bus.append(tx, 'catalog', written.map(({ inserted, ...p }) => ({
        type: inserted ? CatalogEvents.productCreated : CatalogEvents.productUpdated, subject: p.id, data: { ...p, createdAt: p.createdAt.toISOString() },
      })), meta);
      // Readers cache products by SKU: the changed ones go once this commits.
      const keys = written.map((p) => productKey(p.sku));
      tx.afterCommit(() => void deps.cache.delete(...keys));
    });
  }
  return upsertProducts;
}
