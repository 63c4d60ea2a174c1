import type { Logger } from 'pino';
import type { CatalogApi, Product } from '../contracts/catalog.ts';
import type { RpcChannel } from '../platform/rpc/rpc-client.ts';
import { unaryHandler, type RpcService } from '../platform/rpc/rpc-server.ts';
import type { CatalogServiceDefinition, CatalogServiceHandlers } from './generated/paklog/catalog/v1/CatalogService.ts';
import type { Product as ProductMessage, Product__Output as ProductOutput } from './generated/paklog/catalog/v1/Product.ts';
import { paklogServices } from './protos.ts';

function productMessage(p: Product): ProductMessage {
  const { gtin, ...rest } = p;
  return gtin === null ? rest : { ...rest, gtin };
}

function product(m: ProductOutput): Product {
  return {
    id: m.id, sku: m.sku, description: m.description, gtin: m.gtin ?? null, uom: m.uom,
    lengthMm: m.lengthMm, widthMm: m.widthMm, heightMm: m.heightMm, weightG: m.weightG,
    lotControlled: m.lotControlled, expiryControlled: m.expiryControlled, createdAt: m.createdAt, active: m.active ?? true,
    serialControlled: m.serialControlled ?? false,
  };
}

/** The catalog's in-process API served as `paklog.catalog.v1.CatalogService`. */
export function catalogService(api: CatalogApi, log: Logger): RpcService {
  const implementation: CatalogServiceHandlers = {
    GetBySkus: unaryHandler(log, async (req) => {
      const products = await api.getBySkus(req.skus);
      return { products: Object.fromEntries([...products].map(([sku, p]) => [sku, productMessage(p)])) };
    }),
  };
  return { name: 'paklog.catalog.v1.CatalogService', definition: paklogServices().catalog, implementation };
}

/** CatalogApi over gRPC. */
export function catalogClient(channel: RpcChannel, service: CatalogServiceDefinition = paklogServices().catalog): CatalogApi {
  return {
    async getBySkus(skus) {
      const res = await channel.call(service.GetBySkus, { skus: [...skus] });
      return new Map(Object.entries(res.products).map(([sku, p]) => [sku, product(p)]));
    },
  };
}
