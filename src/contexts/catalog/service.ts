import { CURSOR_SHAPES, cursorKey, nextCursor } from '../../platform/http/paging.ts';
import { CatalogEvents, type Product, type ProductActiveChanged, type ProductCreated, type ProductUpdated } from '../../contracts/catalog.ts';
import type { EventMeta } from '../../platform/bus/envelope.ts';
import { ok, reject, type FieldError, type Outcome } from '../../platform/errors.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { validateNewProduct, type NewProduct } from './domain/product.ts';
import {
  gtinOwner, insertProduct, isGtinTaken, listProducts, productBySku, productsBySkus, setProductActive, takenKeys, updateProduct, type ProductFields,
} from './store.ts';

/** Cache key of a product by SKU: every receipt, move, order and pack reads its products so. */
const KEY_PREFIX = 'catalog:product:';
export const productKey = (sku: string): string => KEY_PREFIX + sku;
/**
 * How long a cached product may live if an invalidation is ever missed. Products change by an import (upsert,
 * ADR 0037), a PATCH or a (de)activation (ADR 0045), each of which drops their keys once it commits; an unknown SKU is not cached at all, so a product created after a
 * miss is found by the next read.
 */
export const PRODUCT_TTL_S = 300;

export interface ProductPage {
  readonly items: Product[];
  readonly nextCursor: string | null;
}

/** Commands and queries of the item master. */
export function catalogService(deps: PlatformDeps) {
  const created = deps.metrics.counter('paklog_products_created_total', 'Products created in the catalog');

  async function updateInTx(sku: string, patch: Partial<ProductFields>, meta: EventMeta): Promise<Outcome<Product>> {
    return deps.db.tx(async (tx): Promise<Outcome<Product>> => {
      const current = await productBySku(tx, sku, { lock: true });
      if (current === undefined) return reject('NOT_FOUND', `No product with SKU ${sku}`);
      const { id: _id, sku: _sku, createdAt: _createdAt, active: _active, ...was } = current;
      const next: ProductFields = { ...was, ...patch };
      const errors = validateNewProduct({ ...next, sku, uom: next.uom as NewProduct['uom'] });
      if (errors.length > 0) return reject('UNPROCESSABLE', 'The product is not valid', errors);
      if (next.gtin !== null && next.gtin !== was.gtin) {
        const owner = await gtinOwner(tx, next.gtin, sku);
        if (owner !== undefined) return reject('DUPLICATE', `GTIN ${next.gtin} belongs to product ${owner}`, [{ field: '/gtin', message: `belongs to product ${owner}` }]);
      }
      if ((Object.keys(next) as (keyof ProductFields)[]).every((k) => next[k] === was[k])) return ok(current);
      const product = await updateProduct(tx, sku, next);
      const data: ProductUpdated = product;
      await deps.bus.append(tx, 'catalog', [{ type: CatalogEvents.productUpdated, subject: product.id, data }], meta);
      tx.afterCommit(() => void deps.cache.delete(productKey(sku)));
      return ok(product);
    });
  }

  return {
    /** Validates, inserts and announces a product in one transaction; a taken SKU or GTIN is DUPLICATE. */
    async createProduct(input: NewProduct, meta: EventMeta): Promise<Outcome<Product>> {
      const errors = validateNewProduct(input);
      if (errors.length > 0) return reject('UNPROCESSABLE', 'The product is not valid', errors);
      const outcome = await deps.db.tx(async (tx): Promise<Outcome<Product>> => {
        // The GTIN in another GS1 length (a GTIN-12 beside its GTIN-13 with a leading 0) is the same GTIN: taken too.
        const twin = input.gtin === null ? undefined : await gtinOwner(tx, input.gtin, input.sku);
        const product = twin === undefined ? await insertProduct(tx, deps.ids.next('prd'), input, deps.clock.now()) : undefined;
        if (product === undefined) {
          const taken = await takenKeys(tx, input.sku, input.gtin);
          const fields: FieldError[] = [];
          if (taken.sku) fields.push({ field: '/sku', message: `SKU ${input.sku} already exists` });
          if (taken.gtin) fields.push({ field: '/gtin', message: `GTIN ${input.gtin ?? ''} belongs to another product` });
          return reject('DUPLICATE', fields.map((f) => f.message).join('; ') || 'The product already exists', fields);
        }
        const data: ProductCreated = product;
        await deps.bus.append(tx, 'catalog', [{ type: CatalogEvents.productCreated, subject: product.id, data }], meta);
        // Nothing should be cached under a SKU that did not exist; a copy left by an earlier database of the same
        // installation namespace would be, so it goes once this product is committed.
        tx.afterCommit(() => void deps.cache.delete(productKey(product.sku)));
        return ok(product);
      });
      if (outcome.ok) created.inc();
      return outcome;
    },

    /**
     * Changes a product's editable fields (ADR 0045): the product locked, the fields merged over it and checked by the
     * rules of POST /products, a GTIN of another product refused (DUPLICATE), then written with `catalog.product.updated.v1`
     * (the whole product, so projections such as picking's GTINs follow). A patch that changes nothing writes no event.
     */
    async updateProduct(sku: string, patch: Partial<ProductFields>, meta: EventMeta): Promise<Outcome<Product>> {
      try {
        return await updateInTx(sku, patch, meta);
      } catch (e) {
        // The GTIN taken by another writer (a create, an import) after the check: DUPLICATE naming it, as the check
        // answers, not the store's bare CONFLICT.
        const gtin = patch.gtin;
        if (!isGtinTaken(e) || gtin === undefined || gtin === null) throw e;
        const owner = await gtinOwner(deps.db, gtin, sku);
        if (owner === undefined) throw e;
        return reject('DUPLICATE', `GTIN ${gtin} belongs to product ${owner}`, [{ field: '/gtin', message: `belongs to product ${owner}` }]);
      }
    },

    /**
     * Deactivates or reactivates a product (ADR 0045) with `catalog.product.deactivated.v1` / `reactivated.v1`; one that
     * is already so is returned unchanged, without an event (a retried request is harmless).
     */
    async setActive(sku: string, active: boolean, meta: EventMeta): Promise<Outcome<Product>> {
      return deps.db.tx(async (tx): Promise<Outcome<Product>> => {
        const current = await productBySku(tx, sku, { lock: true });
        if (current === undefined) return reject('NOT_FOUND', `No product with SKU ${sku}`);
        if (current.active === active) return ok(current);
        const product = await setProductActive(tx, sku, active);
        const data: ProductActiveChanged = { productId: product.id, sku };
        await deps.bus.append(tx, 'catalog', [{ type: active ? CatalogEvents.productReactivated : CatalogEvents.productDeactivated, subject: product.id, data }], meta);
        tx.afterCommit(() => void deps.cache.delete(productKey(sku)));
        return ok(product);
      });
    },

    async getProduct(sku: string): Promise<Outcome<Product>> {
      const product = await deps.cache.getOrLoad(productKey(sku), PRODUCT_TTL_S, () => productBySku(deps.db, sku));
      return product === undefined ? reject('NOT_FOUND', `No product with SKU ${sku}`) : ok(product);
    },

    /** A page of products; `skus` narrows it to a batch (one statement, like the page itself). */
    async listProducts(q: { limit: number; cursor?: string | undefined; search?: string | undefined; skus?: readonly string[]; active?: boolean | undefined }): Promise<Outcome<ProductPage>> {
      const after = cursorKey(q.cursor, CURSOR_SHAPES.text); // the last SKU of the previous page
      if (!after.ok) return after;
      const search = q.search === undefined || q.search.trim() === '' ? null : q.search.trim();
      const items = await listProducts(deps.db, { limit: q.limit, afterSku: after.value, search, skus: q.skus ?? null, active: q.active ?? null });
      return ok({ items, nextCursor: nextCursor(items, q.limit, (l) => l.sku) });
    },

    /** From the cache, and one query for the SKUs it does not hold, whatever their number. */
    async getBySkus(skus: readonly string[]): Promise<ReadonlyMap<string, Product>> {
      const cached = await deps.cache.getManyOrLoad(skus.map(productKey), PRODUCT_TTL_S, async (missing) => {
        const products = await productsBySkus(deps.db, missing.map((k) => k.slice(KEY_PREFIX.length)));
        return new Map(products.map((p) => [productKey(p.sku), p]));
      });
      return new Map([...cached.values()].map((p: Product) => [p.sku, p]));
    },
  };
}

export type CatalogService = ReturnType<typeof catalogService>;
