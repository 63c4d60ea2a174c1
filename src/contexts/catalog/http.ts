import { requestMeta } from '../../platform/bus/envelope.ts';
import { Type } from '@fastify/type-provider-typebox';
import { Cursor, IdList, Limit, Page, Sku, splitList } from '../../platform/http/schemas.ts';
import { UOMS } from '../../contracts/catalog.ts';
import { unwrap } from '../../platform/errors.ts';
import { CAN } from '../../platform/http/roles.ts';
import type { HttpApp } from '../../platform/http/server.ts';
import type { PlatformDeps } from '../../platform/module.ts';
import { DESCRIPTION_MAX, MAX_G, MAX_MM } from './domain/product.ts';
import type { CatalogService } from './service.ts';

const tags = ['catalog'];

const ProductSchema = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  description: Type.String(),
  gtin: Type.Union([Type.String(), Type.Null()]),
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
}, { additionalProperties: false });

export function catalogRoutes(deps: PlatformDeps, service: CatalogService): (app: HttpApp) => Promise<void> {
  return async (app) => {
    app.post('/products', {
      config: { roles: CAN.masterData },
      schema: {
        tags, summary: 'Create a product (Idempotency-Key supported)', body: CreateProductBody,
        response: { 201: ProductSchema },
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
        tags, summary: 'A product by SKU', params: Type.Object({ sku: Sku }, { additionalProperties: false }),
        response: { 200: ProductSchema },
      },
    }, async (req) => unwrap(await service.getProduct(req.params.sku)));

    app.get('/products', {
      config: { roles: CAN.read },
      schema: {
        tags, summary: 'Products in SKU order; `search` matches SKU, description or GTIN; `skus=` reads a batch of products',
        querystring: Type.Object({
          limit: Limit(500, 50),
          cursor: Cursor,
          search: Type.Optional(Type.String({ maxLength: 200 })),
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
