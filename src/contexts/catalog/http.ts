import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { Cursor, EXAMPLES, IdList, Limit, Nullable, Page, SearchText, Sku, splitList, Text } from '../../platform/http/schemas.ts';
import { problems, type Tag } from '../../platform/http/openapi.ts';
import { UOMS } from '../../contracts/catalog.ts';
import { unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { DESCRIPTION_MAX, MAX_G, MAX_MM } from './domain/product.ts';
import type { CatalogService } from './service.ts';

const tags: Tag[] = ['Master data'];

const ProductSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  description: Type.String(),
  gtin: Nullable(Type.String()),
  uom: Type.String(),
  lengthMm: Type.Integer(),
  widthMm: Type.Integer(),
  heightMm: Type.Integer(),
  weightG: Type.Integer(),
  lotControlled: Type.Boolean(),
  expiryControlled: Type.Boolean(),
  serialControlled: Type.Boolean({ description: 'Every unit is received and picked with its own serial number (ADR 0058): receipts carry one serial per unit, pick confirms the serials scanned' }),
  createdAt: Type.String({ format: 'date-time' }),
  active: Type.Boolean({ description: 'False once deactivated: new orders, ASNs and receipts naming it are refused (422 PRODUCT_INACTIVE)' }),
});

const CreateProductBody = Type.Object({
  sku: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: '1–64 characters of A–Z, a–z, 0–9, ".", "_", "-"' }),
  description: Text(DESCRIPTION_MAX),
  // Length and check digit are checked by the service so that a bad barcode is a 422 naming /gtin. Null comes first:
  // with type coercion on, ajv would otherwise turn null into "" for the string branch.
  gtin: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 32, description: 'GTIN-8/12/13/14 with a valid GS1 check digit' })])),
  uom: Type.Union(UOMS.map((u) => Type.Literal(u)), { default: 'EA' }),
  lengthMm: Type.Integer({ minimum: 1, maximum: MAX_MM }),
  widthMm: Type.Integer({ minimum: 1, maximum: MAX_MM }),
  heightMm: Type.Integer({ minimum: 1, maximum: MAX_MM }),
  weightG: Type.Integer({ minimum: 1, maximum: MAX_G }),
  lotControlled: Type.Boolean({ default: false }),
  expiryControlled: Type.Boolean({ default: false }),
  serialControlled: Type.Boolean({ default: false, description: 'Receipts and picks of it carry one serial per unit (ADR 0058)' }),
}, {
  additionalProperties: false,
  examples: [{
    sku: EXAMPLES.newSku, description: 'Walkthrough mug', gtin: EXAMPLES.newGtin, uom: 'EA', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350,
    lotControlled: false, expiryControlled: false, serialControlled: false,
  }],
});

// Every editable field of POST /products, none required, at least one; the SKU is the product's key and never changes.
const { sku: _sku, ...editable } = CreateProductBody.properties;
const UpdateProductBody = Type.Object(
  Object.fromEntries(Object.entries(editable).map(([k, v]) => {
    const { default: _default, ...schema } = v as { default?: unknown };
    return [k, Type.Optional(schema as typeof v)];
  })) as { [K in keyof typeof editable]: ReturnType<typeof Type.Optional<(typeof editable)[K]>> },
  { additionalProperties: false, minProperties: 1, examples: [{ description: 'Walkthrough mug, blue', lengthMm: 120 }] },
);
const SkuParams = Type.Object({ sku: { ...Sku, examples: [EXAMPLES.newSku] } }, { additionalProperties: false });

export function catalogRoutes(deps: PlatformDeps, service: CatalogService): (app: HttpApp) => Promise<void> {
  return async (app) => {
    app.post('/products', {
      config: { roles: CAN.masterData, idempotent: true, network: true },
      schema: {
        operationId: 'createProduct', tags, summary: 'Create a product',
        description: 'A product (SKU) with its dimensions and weight, which packing and cartonization use. A GTIN must be 8, 12, 13 or 14 '
          + 'digits with a valid GS1 check digit (422 UNPROCESSABLE naming /gtin otherwise); a SKU that exists is 409 DUPLICATE.',
        body: CreateProductBody,
        response: { 201: ProductSchema, ...problems('DUPLICATE', 'UNPROCESSABLE') },
      },
    }, async (req, reply) => {
      const b = req.body;
      return deps.idempotency.run(req, reply, 201, async () => unwrap(await service.createProduct({
        sku: b.sku, description: b.description, gtin: b.gtin ?? null, uom: b.uom, lengthMm: b.lengthMm, widthMm: b.widthMm,
        heightMm: b.heightMm, weightG: b.weightG, lotControlled: b.lotControlled, expiryControlled: b.expiryControlled,
        serialControlled: b.serialControlled,
      }, requestMeta(req))));
    });

    app.patch('/products/:sku', {
      config: { roles: CAN.masterData, network: true },
      schema: {
        operationId: 'updateProduct', tags, summary: 'Change a product',
        description: 'Changes the fields given (at least one; the SKU never changes) and announces the product with catalog.product.updated.v1 '
          + '(ADR 0045). The rules of POST /products apply to the result (422 UNPROCESSABLE naming the field); a GTIN of another product is '
          + '409 DUPLICATE; 404 NOT_FOUND for an unknown SKU. A patch that changes nothing answers the product and announces nothing.',
        params: SkuParams, body: UpdateProductBody,
        response: { 200: ProductSchema, ...problems('NOT_FOUND', 'DUPLICATE', 'UNPROCESSABLE') },
      },
    }, async (req) => unwrap(await service.updateProduct(req.params.sku, req.body, requestMeta(req))));

    for (const t of [
      { path: 'deactivate', operationId: 'deactivateProduct', active: false, summary: 'Deactivate a product (no new orders, ASNs or receipts)' },
      { path: 'reactivate', operationId: 'reactivateProduct', active: true, summary: 'Reactivate a deactivated product' },
    ] as const) {
      app.post(`/products/:sku/${t.path}`, {
        config: { roles: CAN.masterData, idempotent: true, network: true },
        schema: {
          operationId: t.operationId, tags, summary: t.summary,
          description: 'ADR 0045: a deactivated product is refused by new orders (every intake channel), ASNs and receipts with 422 '
            + 'PRODUCT_INACTIVE; open orders, stock and receipts against ASNs already announced still complete. A product already '
            + 'in that state is answered unchanged (no event). 404 NOT_FOUND for an unknown SKU.',
          params: SkuParams,
          response: { 200: ProductSchema, ...problems('NOT_FOUND', 'UNPROCESSABLE') },
        },
      }, async (req, reply) => deps.idempotency.run(req, reply, 200, async () => unwrap(await service.setActive(req.params.sku, t.active, requestMeta(req)))));
    }

    app.get('/products/:sku', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'getProduct', tags, summary: 'A product by SKU', description: 'The product with this SKU (404 NOT_FOUND when there is none).',
        params: Type.Object({ sku: { ...Sku, examples: [EXAMPLES.sku] } }, { additionalProperties: false }),
        response: { 200: ProductSchema, ...problems('NOT_FOUND') },
      },
    }, async (req) => unwrap(await service.getProduct(req.params.sku)));

    app.get('/products', {
      config: { roles: CAN.read },
      schema: {
        operationId: 'listProducts', tags, summary: 'Products in SKU order',
        description: '`search` matches SKU, description or GTIN. `skus=` reads a batch of products. `active=true|false` keeps active or '
          + 'deactivated products only (default: both). Pages with `limit` and the previous page\'s `nextCursor`.',
        querystring: Type.Object({
          limit: Limit(500, 50),
          cursor: Cursor,
          search: Type.Optional(SearchText(200, { examples: ['MUG'] })),
          skus: Type.Optional(IdList(500, 'SKUs')),
          active: Type.Optional(Type.Boolean({ description: 'Only active (true) or deactivated (false) products' })),
        }, { additionalProperties: false }),
        response: { 200: Page(ProductSchema) },
      },
    }, async (req) => {
      const { skus, ...q } = req.query;
      return unwrap(await service.listProducts(skus === undefined ? q : { ...q, skus: splitList(skus) }));
    });
  };
}
