import { Type, type TSchema } from '@fastify/type-provider-typebox';

/** HTTP schemas every context shares, so one id, SKU or page looks the same across the API (and in OpenAPI). */

/** An entity id in a path, query or body (`ord_…`, `tsk_…`; sites also by their code where a route says so). */
export const Id = Type.String({ minLength: 1, maxLength: 100 });

/** A stock-keeping unit. */
export const Sku = Type.String({ minLength: 1, maxLength: 64 });

/** `?limit=`: page size of a list, 1 to `maximum`. */
export const Limit = (maximum: number, defaultLimit: number) => Type.Integer({ minimum: 1, maximum, default: defaultLimit });

/** `?cursor=`: the `nextCursor` of the previous page (opaque; platform/http/paging.ts). */
export const Cursor = Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The nextCursor of the previous page' }));

/** A page of a list: its items and the cursor of the next page (null on the last). */
export const Page = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/**
 * `?ids=a,b,c`: a comma-separated batch of ids or SKUs (at most `max`), so one request answers what a client (the GraphQL
 * adapter's loaders) would otherwise ask one by one. Split it with {@link splitList}.
 */
export const IdList = (max: number, what = 'ids') => Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,100}(,[A-Za-z0-9._:-]{1,100}){0,' + String(max - 1) + '}$',
  maxLength: max * 101,
  description: `Up to ${max} ${what}, separated by commas`,
});

/** The items of an {@link IdList} value, without duplicates. */
export const splitList = (value: string): string[] => [...new Set(value.split(','))];
