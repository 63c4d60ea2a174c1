import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { Cursor, EXAMPLES, IdList, Limit, Nullable, Page, Sku, splitList } from '../../platform/http/schemas.ts';
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
  createdAt: Type.String({ format: 'date-time' }),
});

const CreateProductBody = Type.Object({
  sku: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: '1–64 characters of A–Z, a–z, 0–9, ".", "_", "-"' }),
  description: Type.String({ minLength: 1, maxLength: DESCRIPTION_MAX }),
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
}, {
  additionalProperties: false,
  examples: [{
    sku: EXAMPLES.newSku, description: 'Walkthrough mug', gtin: EXAMPLES.newGtin, uom: 'EA', lengthMm: 120, widthMm: 90, heightMm: 100, weightG: 350,
    lotControlled: false, expiryControlled: false,
  }],
});

export function catalogRoutes(deps: PlatformDeps, service: CatalogService): (app: HttpApp) => Promise<void> {
  return async (app) => {
    app.post('/products', {
      config: { roles: CAN.masterData, idempotent: true },
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
      }, requestMeta(req))));
    });

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
        description: '`search` matches SKU, description or GTIN. `skus=` reads a batch of products. Pages with `limit` and the previous page\'s `nextCursor`.',
        querystring: Type.Object({
          limit: Limit(500, 50),
          cursor: Cursor,
          search: Type.Optional(Type.String({ maxLength: 200, examples: ['MUG'] })),
          skus: Type.Optional(IdList(500, 'SKUs')),
        }, { additionalProperties: false }),
        response: { 200: Page(ProductSchema) },
      },
    }, async (req) => {
      const { skus, ...q } = req.query;
      return unwrap(await service.listProducts(skus === undefined ? q : { ...q, skus: splitList(skus) }));
    });
  };
}
