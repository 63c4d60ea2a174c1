import type { Product } from '../../contracts/catalog.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Camelized, Selectable } from '../../platform/db/row-types.ts';
import type { CatalogProducts } from './db-types.ts';
import type { NewProduct } from './domain/product.ts';

const COLUMNS = `id, sku, description, gtin, uom, length_mm AS "lengthMm", width_mm AS "widthMm", height_mm AS "heightMm",
  weight_g AS "weightG", lot_controlled AS "lotControlled", expiry_controlled AS "expiryControlled", created_at AS "createdAt",
  active, serial_controlled AS "serialControlled"`;

/** A product as COLUMNS reads it: the table's row under camelCase aliases. */
type ProductRow = Camelized<Selectable<CatalogProducts>>;

const toProduct = (r: ProductRow): Product => ({ ...r, createdAt: r.createdAt.toISOString() });

/** Inserts unless the SKU or GTIN exists; undefined means a unique key was taken (the caller finds out which). */
export async function insertProduct(db: Executor, id: string, p: NewProduct, createdAt: Date): Promise<Product | undefined> {
  const rows = await db.query<ProductRow>(
    `INSERT INTO catalog.products (id, sku, description, gtin, uom, length_mm, width_mm, height_mm, weight_g, lot_controlled, expiry_controlled, created_at, serial_controlled)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [id, p.sku, p.description, p.gtin, p.uom, p.lengthMm, p.widthMm, p.heightMm, p.weightG, p.lotControlled, p.expiryControlled, createdAt, p.serialControlled],
  );
  const row = rows[0];
  return row === undefined ? undefined : toProduct(row);
}

/** Which of the unique keys already belong to a product. */
export async function takenKeys(db: Executor, sku: string, gtin: string | null): Promise<{ sku: boolean; gtin: boolean }> {
  const rows = await db.query<{ sku: boolean; gtin: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM catalog.products WHERE sku = $1) AS sku,
            EXISTS (SELECT 1 FROM catalog.products WHERE $2::text IS NOT NULL AND lpad(gtin, 14, '0') = lpad($2, 14, '0')) AS gtin`,
    [sku, gtin],
  );
  return rows[0] ?? { sku: false, gtin: false };
}

export async function productBySku(db: Executor, sku: string, options: { lock?: boolean } = {}): Promise<Product | undefined> {
  const rows = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM catalog.products WHERE sku = $1${options.lock === true ? ' FOR UPDATE' : ''}`, [sku]);
  const row = rows[0];
  return row === undefined ? undefined : toProduct(row);
}

export async function productsBySkus(db: Executor, skus: readonly string[]): Promise<Product[]> {
  if (skus.length === 0) return [];
  const rows = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM catalog.products WHERE sku = ANY($1::text[])`, [[...new Set(skus)]]);
  return rows.map(toProduct);
}

/** The editable fields of a product (ADR 0045): everything but its SKU, id, creation time and active flag. */
export type ProductFields = Omit<Product, 'id' | 'sku' | 'createdAt' | 'active'>;

/** Writes a product's editable fields; the caller holds its row lock. */
export async function updateProduct(db: Executor, sku: string, f: ProductFields): Promise<Product> {
  const rows = await db.query<ProductRow>(
    `UPDATE catalog.products SET description = $2, gtin = $3, uom = $4, length_mm = $5, width_mm = $6, height_mm = $7, weight_g = $8,
       lot_controlled = $9, expiry_controlled = $10, serial_controlled = $11,
       -- A twin kept from before migration 004 whose GTIN changes is one no more: its new GTIN is unique like any other.
       gtin_shared = gtin_shared AND gtin IS NOT DISTINCT FROM $3
     WHERE sku = $1 RETURNING ${COLUMNS}`,
    [sku, f.description, f.gtin, f.uom, f.lengthMm, f.widthMm, f.heightMm, f.weightG, f.lotControlled, f.expiryControlled, f.serialControlled],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`product ${sku} vanished while locked`);
  return toProduct(row);
}

export async function setProductActive(db: Executor, sku: string, active: boolean): Promise<Product> {
  const rows = await db.query<ProductRow>(`UPDATE catalog.products SET active = $2 WHERE sku = $1 RETURNING ${COLUMNS}`, [sku, active]);
  const row = rows[0];
  if (row === undefined) throw new Error(`product ${sku} vanished while locked`);
  return toProduct(row);
}

/**
 * Which other product than `sku` has this GTIN, in any of its GS1 lengths (`gtin14`: 012345678905 is 0012345678905),
 * or undefined.
 */
export async function gtinOwner(db: Executor, gtin: string, sku: string): Promise<string | undefined> {
  const rows = await db.query<{ sku: string }>(`SELECT sku FROM catalog.products WHERE lpad(gtin, 14, '0') = lpad($1, 14, '0') AND sku <> $2`, [gtin, sku]);
  return rows[0]?.sku;
}

/** Products in SKU order after `afterSku`, optionally those whose SKU, description or GTIN contains `search`, or of one `active` state. */
export async function listProducts(
  db: Executor, q: { limit: number; afterSku: string | null; search: string | null; skus?: readonly string[] | null; active?: boolean | null },
): Promise<Product[]> {
  // LIKE wildcards in the search text are matched literally.
  const pattern = q.search === null ? null : `%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const rows = await db.query<ProductRow>(
    `SELECT ${COLUMNS} FROM catalog.products
     WHERE ($1::text IS NULL OR sku > $1)
       AND ($2::text IS NULL OR sku ILIKE $2 OR description ILIKE $2 OR gtin LIKE $2)
       AND ($4::text[] IS NULL OR sku = ANY($4))
       AND ($5::boolean IS NULL OR active = $5)
     ORDER BY sku LIMIT $3`,
    [q.afterSku, pattern, q.limit, q.skus ?? null, q.active ?? null],
  );
  return rows.map(toProduct);
}

/**
 * A unique key on a product's GTIN refused a write (a concurrent writer committed the same GTIN first): the exact
 * string's, or its 14-digit form's (migration 004: the GTIN in another GS1 length).
 */
export function isGtinTaken(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, constraint } = e as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === 'products_gtin_key' || constraint === 'products_gtin14_key');
}
