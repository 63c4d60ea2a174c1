import { createHash } from 'node:crypto';
import { GraphQLScalarType, Kind, type GraphQLResolveInfo, type ValueNode } from 'graphql';
import type { IResolvers, MercuriusContext, MercuriusLoaders } from 'mercurius';
import { assertNever } from '../../platform/errors.ts';
import { IDEMPOTENCY_KEY_MAX } from '../../platform/http/idempotency.ts';
import { credentialsEndedCount } from '../../platform/identity/revocations.ts';
import { orderTopic, siteTasksTopic, waveTopic, type Progress } from './progress.ts';
import { command, problemError, read, type Rest, type RestOptions } from './rest.ts';

declare module 'mercurius' {
  /** What every resolver gets: the REST client of the caller, and the request's Idempotency-Key (mutations derive theirs). */
  interface MercuriusContext {
    rest: Rest;
    idempotencyKey: string | undefined;
    /** A subscription's: the owner a key scoped to one acts for (null or absent: any other caller). */
    ownerScope?: string | null;
  }
}
export type GraphqlContext = MercuriusContext;

type Args = Record<string, unknown>;
type Obj = Record<string, unknown>;
interface Page<T = Obj> { items: T[]; nextCursor: string | null }

/** Ids per REST batch call: 100 ids of ~30 characters keep the URL well below the 16 KiB header limit of a real socket. */
const BATCH = 100;

/**
 * An argument as a URL component. A string that is no well-formed Unicode (a lone surrogate, JSON's "\ud800" in a
 * variable) has no UTF-8 form: encodeURIComponent threw "URI malformed", an error with no code. Refused as REST refuses
 * such a string (400 VALIDATION_FAILED, wellFormedUnicodeHook), naming the argument where it is known.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const enc = (value: string, field?: string): string => {
  if (LONE_SURROGATE.test(value)) {
    throw problemError({
      status: 400, code: 'VALIDATION_FAILED', detail: `${field ?? 'An argument'} is not well-formed Unicode (a lone surrogate)`,
      ...(field === undefined ? {} : { errors: [{ field, message: 'must be well-formed Unicode (no lone surrogate)' }] }),
    });
  }
  return encodeURIComponent(value);
};

/**
 * A query string of the defined arguments (GraphQL `first`/`after` → REST `limit`/`cursor`). A list argument is REST's
 * comma-separated list: an element with a comma in it is no one SKU or id, and is refused (400 VALIDATION_FAILED naming
 * it), not split into two (`products(skus: ["A,B"])` read A and B as if two elements had been sent).
 */
function qs(params: Readonly<Record<string, unknown>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    const name = k === 'first' ? 'limit' : k === 'after' ? 'cursor' : k;
    const joined = Array.isArray(v) ? v.findIndex((x) => typeof x === 'string' && x.includes(',')) : -1;
    if (joined >= 0) {
      throw problemError({
        status: 400, code: 'VALIDATION_FAILED', detail: `${k}[${joined}] holds a comma: each element of ${k} is one value`,
        errors: [{ field: `/${k}/${joined}`, message: 'must not contain a comma (one value per element)' }],
      });
    }
    parts.push(`${name}=${enc(Array.isArray(v) ? v.join(',') : typeof v === 'string' ? v : JSON.stringify(v), `/${k}`)}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** A REST page as a connection; the page's cursor is the last edge's and the endCursor. */
function toConnection<T>(page: Page<T>): { edges: { cursor: string | null; node: T }[]; nodes: T[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } {
  const last = page.items.length - 1;
  return {
    edges: page.items.map((node, i) => ({ node, cursor: i === last ? page.nextCursor : null })),
    nodes: page.items,
    pageInfo: { endCursor: page.nextCursor, hasNextPage: page.nextCursor !== null },
  };
}

const list = async (rest: Rest, url: string): Promise<ReturnType<typeof toConnection>> => toConnection((await read<Page>(rest, url)) ?? { items: [], nextCursor: null });

function chunks<T>(items: readonly T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** An order id and the site of the parent that names it (a wave's, a pick list's, a shipment's, the order's own). */
interface OrderRef { readonly id: string; readonly siteId: unknown }

/**
 * Orders by id, with their lines, in one REST call per site and 100 ids (`GET /orders?siteId=&ids=&include=lines`). The
 * call names the parent's site: a caller of some sites only must name one on a list (SITE_REQUIRED otherwise), as on
 * REST, and a nested field of a parent it may read is of that parent's site.
 */
async function ordersByIds(rest: Rest, refs: readonly OrderRef[]): Promise<Map<string, Obj>> {
  const bySite = new Map<string | undefined, Set<string>>();
  for (const r of refs) {
    const site = typeof r.siteId === 'string' ? r.siteId : undefined;
    bySite.set(site, (bySite.get(site) ?? new Set<string>()).add(r.id));
  }
  const calls = [...bySite].flatMap(([siteId, ids]) => chunks([...ids]).map((c) => `/orders${qs({ siteId, ids: c, include: 'lines', limit: c.length })}`));
  const pages = await Promise.all(calls.map((url) => read<Page>(rest, url)));
  return new Map(pages.flatMap((p) => p?.items ?? []).map((o) => [o.id as string, o]));
}

/** Products by SKU in one REST call per 100 SKUs (`GET /products?skus=`). */
async function productsBySkus(rest: Rest, skus: readonly string[]): Promise<Map<string, Obj>> {
  const unique = [...new Set(skus)];
  const pages = await Promise.all(chunks(unique).map((c) => read<Page>(rest, `/products${qs({ skus: c, limit: c.length })}`)));
  return new Map(pages.flatMap((p) => p?.items ?? []).map((p) => [p.sku as string, p]));
}

/** Each distinct id read once (`GET /<resource>/{id}`), for resources without a batch filter and few distinct ids. */
async function eachOnce(rest: Rest, resource: string, ids: readonly string[]): Promise<Map<string, Obj | null>> {
  const unique = [...new Set(ids)];
  const rows = await Promise.all(unique.map((id) => read<Obj>(rest, `/${resource}/${enc(id)}`, true)));
  return new Map(unique.map((id, i) => [id, rows[i] ?? null]));
}

/** Every page of a list (a wave's pick lists): nested fields show the whole collection. */
async function all(rest: Rest, url: string): Promise<Obj[]> {
  const items: Obj[] = [];
  let cursor: string | null = null;
  do {
    const page: Page | null = await read<Page>(rest, `${url}${cursor === null ? '' : `&cursor=${enc(cursor)}`}`);
    items.push(...(page?.items ?? []));
    cursor = page?.nextCursor ?? null;
  } while (cursor !== null);
  return items;
}

type Queries = { obj: Obj; params: Args }[];

/** `/inventory/safety-stock/{siteId}/{sku}` of the arguments (the site's id or code). */
const safetyStockPath = (a: Args): string => `/inventory/safety-stock/${enc(a.siteId as string)}/${enc(a.sku as string)}`;

/** `GET /<resource>/counts?siteId=`: REST's answer, and its figures as a list too. */
async function statusCounts(rest: Rest, resource: 'orders' | 'waves' | 'tasks' | 'exceptions', siteId: string): Promise<Obj> {
  const answer = await read<{ siteId: string; byStatus: Record<string, number> }>(rest, `/${resource}/counts${qs({ siteId })}`);
  const figures = answer?.byStatus ?? {};
  return { siteId: answer?.siteId, byStatus: figures, counts: Object.entries(figures).map(([status, count]) => ({ status, count })) };
}

const productLoader = async (queries: Queries, ctx: GraphqlContext): Promise<(Obj | null)[]> => {
  const products = await productsBySkus(ctx.rest, queries.map((q) => q.obj.sku as string));
  return queries.map((q) => products.get(q.obj.sku as string) ?? null);
};

const orderLoader = (idOf: (obj: Obj) => string | null) => async (queries: Queries, ctx: GraphqlContext): Promise<(Obj | null)[]> => {
  const refs = queries.flatMap((q) => {
    const id = idOf(q.obj);
    return id === null ? [] : [{ id, siteId: q.obj.siteId }];
  });
  const orders = await ordersByIds(ctx.rest, refs);
  return queries.map((q) => {
    const id = idOf(q.obj);
    return id === null ? null : orders.get(id) ?? null;
  });
};

/** The order ids of waves: a wave read by id has them; a wave from a list is read by id once. */
async function waveOrderIds(rest: Rest, waves: readonly Obj[]): Promise<string[][]> {
  const missing = waves.filter((w) => !Array.isArray(w.orderIds)).map((w) => w.id as string);
  const details = missing.length === 0 ? new Map<string, Obj | null>() : await eachOnce(rest, 'waves', missing);
  return waves.map((w) => (Array.isArray(w.orderIds) ? w.orderIds : details.get(w.id as string)?.orderIds ?? []) as string[]);
}

/**
 * Nested fields are loaders (mercurius batches every parent of a field in one call per level): a wave with 100 orders,
 * their lines and products is 3 REST calls, each a bounded number of SQL statements (test/e2e/graphql-batching.test.ts).
 */
export const loaders: MercuriusLoaders<GraphqlContext> = {
  Wave: {
    orderIds: async (queries: Queries, ctx) => waveOrderIds(ctx.rest, queries.map((q) => q.obj)),
    orders: async (queries: Queries, ctx) => {
      const idLists = await waveOrderIds(ctx.rest, queries.map((q) => q.obj));
      const orders = await ordersByIds(ctx.rest, idLists.flatMap((ids, i) => ids.map((id) => ({ id, siteId: queries[i]!.obj.siteId }))));
      return idLists.map((ids) => ids.map((id) => orders.get(id)).filter((o) => o !== undefined));
    },
    pickLists: async (queries: Queries, ctx) => Promise.all(queries.map((q) => all(ctx.rest, `/pick-lists?waveId=${enc(q.obj.id as string)}&limit=200`))),
  },
  Order: {
    lines: async (queries: Queries, ctx) => {
      const missing = queries.filter((q) => !Array.isArray(q.obj.lines)).map((q) => ({ id: q.obj.id as string, siteId: q.obj.siteId }));
      const orders = missing.length === 0 ? new Map<string, Obj>() : await ordersByIds(ctx.rest, missing);
      return queries.map((q) => (Array.isArray(q.obj.lines) ? q.obj.lines : orders.get(q.obj.id as string)?.lines ?? []));
    },
    // The list does not carry the history; asking for it reads each order (as REST would).
    statusHistory: async (queries: Queries, ctx) => {
      const missing = queries.filter((q) => !Array.isArray(q.obj.statusHistory)).map((q) => q.obj.id as string);
      const orders = missing.length === 0 ? new Map<string, Obj | null>() : await eachOnce(ctx.rest, 'orders', missing);
      return queries.map((q) => (Array.isArray(q.obj.statusHistory) ? q.obj.statusHistory : orders.get(q.obj.id as string)?.statusHistory ?? []));
    },
    wave: async (queries: Queries, ctx) => {
      const ids = queries.map((q) => q.obj.waveId).filter((id): id is string => typeof id === 'string');
      const waves = await eachOnce(ctx.rest, 'waves', ids);
      return queries.map((q) => (typeof q.obj.waveId === 'string' ? waves.get(q.obj.waveId) ?? null : null));
    },
    shipments: async (queries: Queries, ctx) => {
      const ids = [...new Set(queries.map((q) => q.obj.id as string))];
      const pages = await Promise.all(chunks(ids).map((c) => read<Page>(ctx.rest, `/shipments${qs({ orderIds: c })}`)));
      const shipments = pages.flatMap((p) => p?.items ?? []);
      return queries.map((q) => shipments.filter((s) => s.orderId === q.obj.id));
    },
    packages: async (queries: Queries, ctx) =>
      Promise.all(queries.map(async (q) => (await read<Page>(ctx.rest, `/packages?orderId=${enc(q.obj.id as string)}`))?.items ?? [])),
  },
  OrderLine: { product: productLoader },
  PickLine: { product: productLoader },
  Balance: { product: productLoader },
  HeldStock: { product: productLoader },
  SafetyStock: { product: productLoader },
  PickList: {
    orders: async (queries: Queries, ctx) => {
      const orders = await ordersByIds(ctx.rest, queries.flatMap((q) => (q.obj.orderIds as string[]).map((id) => ({ id, siteId: q.obj.siteId }))));
      return queries.map((q) => (q.obj.orderIds as string[]).map((id) => orders.get(id)).filter((o) => o !== undefined));
    },
  },
  Task: {
    pickList: async (queries: Queries, ctx) => {
      const refs = queries.filter((q) => q.obj.type === 'PICK').map((q) => q.obj.reference as string);
      const lists = await eachOnce(ctx.rest, 'pick-lists', refs);
      return queries.map((q) => (q.obj.type === 'PICK' ? lists.get(q.obj.reference as string) ?? null : null));
    },
  },
  Shipment: { order: orderLoader((s) => s.orderId as string) },
};

/**
 * The mutation's Idempotency-Key: its argument, else the request's header suffixed with the field's response key. A
 * header of up to REST's 200 characters plus the response key can pass 200: that combination is then replaced by its
 * SHA-256 (`graphql-sha256-<hex>`, no colon, so it is never another header's `key:field`), still one key per mutation
 * and the same one when the document is sent again.
 */
function keyOf(args: Args, ctx: GraphqlContext, info: GraphQLResolveInfo): RestOptions {
  if (typeof args.idempotencyKey === 'string') return { idempotencyKey: args.idempotencyKey };
  if (ctx.idempotencyKey === undefined) return {};
  const combined = `${ctx.idempotencyKey}:${String(info.path.key)}`;
  return { idempotencyKey: combined.length <= IDEMPOTENCY_KEY_MAX ? combined : `graphql-sha256-${createHash('sha256').update(combined).digest('hex')}` };
}

/** Arguments that are set, for a REST body (GraphQL's null means "not given" here). */
function defined(args: Args, ...names: string[]): Obj {
  const out: Obj = {};
  for (const n of names) if (args[n] !== undefined && args[n] !== null) out[n] = args[n];
  return out;
}

type Resolver = (root: unknown, args: Args, ctx: GraphqlContext, info: GraphQLResolveInfo) => unknown;

/** A mutation that is one REST command: `url` and `body` from the arguments, its result typed `typename`. */
const mutation = (typename: string, url: (a: Args) => string, body: (a: Args) => unknown = () => undefined): Resolver =>
  async (_root, args, ctx, info) => command(ctx.rest, url(args), body(args), typename, keyOf(args, ctx, info));

function parseJsonLiteral(ast: ValueNode): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, parseJsonLiteral(f.value)]));
    case Kind.LIST:
      return ast.values.map(parseJsonLiteral);
    case Kind.ENUM:
      return ast.value;
    case Kind.NULL:
    case Kind.VARIABLE:
      return null;
    default:
      return assertNever(ast);
  }
}

export const resolvers: IResolvers<unknown, GraphqlContext> = {
  JSON: new GraphQLScalarType({ name: 'JSON', serialize: (v) => v, parseValue: (v) => v, parseLiteral: parseJsonLiteral }),
  Event: {
    siteId: (e: Obj) => e.siteid ?? null,
    correlationId: (e: Obj) => e.correlationid ?? null,
    causationId: (e: Obj) => e.causationid ?? null,
    actorId: (e: Obj) => e.actorid ?? null,
    actorKind: (e: Obj) => e.actorkind ?? null,
    actorRole: (e: Obj) => e.actorrole ?? null,
  },
  Query: {
    orders: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/orders${qs(defined(a, 'siteId', 'owner', 'status', 'externalId', 'waveId', 'first', 'after'))}`),
    order: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/orders/${enc(a.id as string)}`, true),
    waves: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/waves${qs(defined(a, 'siteId', 'status', 'first', 'after'))}`),
    wave: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/waves/${enc(a.id as string)}`, true),
    tasks: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/tasks${qs(defined(a, 'siteId', 'status', 'workerId', 'type', 'first', 'after'))}`),
    task: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/tasks/${enc(a.id as string)}`, true),
    pickLists: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/pick-lists${qs(defined(a, 'siteId', 'waveId', 'orderId', 'status', 'first', 'after'))}`),
    pickList: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/pick-lists/${enc(a.id as string)}`, true),
    inventoryBalances: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/inventory/balances${qs(defined(a, 'siteId', 'owner', 'sku', 'locationId', 'first', 'after'))}`),
    holds: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/inventory/holds${qs(defined(a, 'siteId', 'owner', 'sku', 'locationId', 'status', 'first', 'after'))}`),
    ledger: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/inventory/ledger${qs(defined(a, 'siteId', 'owner', 'sku', 'lot', 'type', 'first', 'after'))}`),
    atp: async (_r, a: Args, ctx: GraphqlContext) => (await read<Page>(ctx.rest, `/inventory/atp${qs(defined(a, 'siteId', 'owner', 'sku'))}`))?.items ?? [],
    safetyStock: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `${safetyStockPath(a)}${qs(defined(a, 'owner'))}`, true),
    safetyStocks: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/inventory/safety-stock${qs(defined(a, 'siteId', 'owner', 'sku', 'first', 'after'))}`),
    serialTrace: (_r, a: Args, ctx: GraphqlContext) =>
      read(ctx.rest, `/inventory/serials/${enc(a.serial as string)}${qs(defined(a, 'siteId', 'sku', 'owner'))}`, true),
    serials: (_r, a: Args, ctx: GraphqlContext) =>
      list(ctx.rest, `/inventory/serials${qs(defined(a, 'siteId', 'sku', 'orderId', 'status', 'owner', 'first', 'after'))}`),
    locations: (_r, a: Args, ctx: GraphqlContext) =>
      list(ctx.rest, `/sites/${enc(a.siteId as string)}/locations${qs(defined(a, 'type', 'zone', 'status', 'first', 'after'))}`),
    products: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/products${qs(defined(a, 'search', 'skus', 'first', 'after'))}`),
    product: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/products/${enc(a.sku as string)}`, true),
    shipments: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/shipments${qs(defined(a, 'siteId', 'status', 'orderIds', 'first', 'after'))}`),
    shipment: (_r, a: Args, ctx: GraphqlContext) => read(ctx.rest, `/shipments/${enc(a.id as string)}`, true),
    packages: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/packages${qs({ orderId: a.orderId })}`),
    events: (_r, a: Args, ctx: GraphqlContext) => list(ctx.rest, `/events${qs(defined(a, 'siteId', 'subject', 'type', 'from', 'to', 'first', 'after'))}`),
    // The dashboard's exact figures: REST's counts reads, with their roles and site checks.
    orderCounts: (_r, a: Args, ctx: GraphqlContext) => statusCounts(ctx.rest, 'orders', a.siteId as string),
    waveCounts: (_r, a: Args, ctx: GraphqlContext) => statusCounts(ctx.rest, 'waves', a.siteId as string),
    taskCounts: (_r, a: Args, ctx: GraphqlContext) => statusCounts(ctx.rest, 'tasks', a.siteId as string),
    exceptionCounts: (_r, a: Args, ctx: GraphqlContext) => statusCounts(ctx.rest, 'exceptions', a.siteId as string),
  },
  Mutation: {
    createOrder: mutation('Order', () => '/orders', (a) => {
      const input = a.input as Args;
      return { ...defined(input, 'externalId', 'siteId', 'ownerId', 'carrier', 'priority', 'shipBy', 'shipComplete'), shipTo: defined(input.shipTo as Args, 'name', 'company', 'line1', 'line2', 'line3', 'city', 'state', 'postalCode', 'country', 'phone', 'email'), lines: input.lines };
    }),
    cancelOrder: async (_root: unknown, args: Args, ctx: GraphqlContext, info: GraphQLResolveInfo) => command(
      ctx.rest, `/orders/${enc(args.id as string)}/cancel`, defined(args, 'reason'), 'Order',
      { ...keyOf(args, ctx, info), ...(typeof args.expectedVersion === 'number' ? { headers: { 'if-match': `"${args.expectedVersion}"` } } : {}) },
    ),
    cancelOrderLine: mutation('Order', (a) => `/orders/${enc(a.id as string)}/lines/${enc(a.lineId as string)}/cancel`, (a) => defined(a, 'quantity', 'reason')),
    holdOrder: mutation('Order', (a) => `/orders/${enc(a.id as string)}/hold`, (a) => defined(a, 'reason')),
    releaseOrderHold: mutation('Order', (a) => `/orders/${enc(a.id as string)}/release-hold`),
    planWave: mutation('Wave', () => '/waves', (a) => defined(a, 'siteId', 'maxOrders', 'carrier')),
    releaseWave: mutation('Wave', (a) => `/waves/${enc(a.id as string)}/release`, (a) => defined(a, 'pickStrategy', 'cartCapacity')),
    cancelWave: mutation('Wave', (a) => `/waves/${enc(a.id as string)}/cancel`),
    nextTask: async (_root: unknown, args: Args, ctx: GraphqlContext, info: GraphQLResolveInfo) => {
      const answer = await command(ctx.rest, '/tasks/next', defined(args, 'workerId', 'siteId', 'types'), 'Task', keyOf(args, ctx, info));
      // 204: no work for the worker now.
      return answer.__typename === 'Task' && answer.id === undefined ? { __typename: 'NoTask', message: 'No task is waiting for this worker' } : answer;
    },
    startTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/start`, (a) => defined(a, 'workerId')),
    completeTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/complete`, (a) => defined(a, 'workerId')),
    rejectTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/reject`, (a) => defined(a, 'workerId', 'reason')),
    failTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/fail`, (a) => defined(a, 'workerId', 'reason', 'note')),
    pauseTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/pause`, (a) => defined(a, 'workerId')),
    resumeTask: mutation('Task', (a) => `/tasks/${enc(a.id as string)}/resume`, (a) => defined(a, 'workerId')),
    confirmPick: mutation('PickList', (a) => `/pick-lists/${enc(a.pickListId as string)}/lines/${enc(a.lineId as string)}/confirm`,
      (a) => defined(a, 'locationCode', 'barcode', 'quantity', 'toteId', 'scanId', 'serials')),
    shortPick: mutation('PickList', (a) => `/pick-lists/${enc(a.pickListId as string)}/lines/${enc(a.lineId as string)}/short`,
      (a) => defined(a, 'reason', 'scanId')),
    packOrder: mutation('Package', () => '/packages', (a) => defined(a, 'orderId', 'units', 'cartonCode', 'weightG')),
    shortAtPack: mutation('PackShort', () => '/pack-station/shorts', (a) => defined(a, 'orderId', 'lineId', 'quantity', 'reason', 'toteId', 'note')),
    createShipment: mutation('Shipment', () => '/shipments', (a) => defined(a, 'orderId', 'carrier')),
    dispatchShipment: mutation('Shipment', (a) => `/shipments/${enc(a.id as string)}/dispatch`),
    // A setting, not a command with an Idempotency-Key: the same figure again changes nothing (REST keeps no key for it).
    setSafetyStock: async (_root: unknown, args: Args, ctx: GraphqlContext) =>
      command(ctx.rest, safetyStockPath(args), defined(args, 'quantity', 'ownerId'), 'SafetyStock', { method: 'PUT' }),
    clearSafetyStock: async (_root: unknown, args: Args, ctx: GraphqlContext) =>
      command(ctx.rest, `${safetyStockPath(args)}${qs(defined(args, 'ownerId'))}`, undefined, 'SafetyStock', { method: 'DELETE' }),
  },
  Subscription: {
    // Subscribing reads the subject through REST with the subscriber's credentials: the same authentication and roles,
    // and NotFound for an unknown id. The payload is the Progress itself. The same read is made again while the socket
    // lives (whileAuthorized): a revoked key, an ended session or a role taken away at the subject's site stops receiving.
    orderProgress: {
      subscribe: async (_root: unknown, args: Args, ctx: GraphqlContext) => {
        const url = `/orders/${enc(args.orderId as string)}`;
        await read(ctx.rest, url);
        const events = await ctx.pubsub.subscribe(orderTopic(args.orderId as string));
        const scope = ctx.ownerScope ?? null;
        return whileAuthorized(readable(ctx.rest, url), scope === null ? events : ownersOnly(events as AsyncIterable<Progress>, args.orderId as string, scope));
      },
      resolve: (payload: unknown) => payload,
    },
    waveProgress: {
      subscribe: async (_root: unknown, args: Args, ctx: GraphqlContext) => {
        const url = `/waves/${enc(args.waveId as string)}`;
        await read(ctx.rest, url);
        return whileAuthorized(readable(ctx.rest, url), await ctx.pubsub.subscribe(waveTopic(args.waveId as string)));
      },
      resolve: (payload: unknown) => payload,
    },
    taskUpdates: {
      subscribe: async (_root: unknown, args: Args, ctx: GraphqlContext) => {
        const site = await read<{ id: string }>(ctx.rest, `/sites/${enc(args.siteId as string)}`);
        // Operators see the floor's tasks: the same read REST allows them.
        const url = `/tasks?siteId=${enc(site?.id ?? '')}&limit=1`;
        await read(ctx.rest, url);
        return whileAuthorized(readable(ctx.rest, url), await ctx.pubsub.subscribe(siteTasksTopic(site?.id ?? '')));
      },
      resolve: (payload: unknown) => payload,
    },
  },
} as IResolvers<unknown, GraphqlContext>;

/**
 * The events of an order a key scoped to its owner may hear (it read the order: REST let it): those about this order
 * alone, its own events (subject) and those naming it as their `orderId`, unless they name another order too
 * (`orderIds`: a pick list or wave of several owners' orders) or another owner. An event of several orders carries
 * the others' ids and lines, which are not the key's to see (REST's order reads keep owners apart).
 */
export async function* ownersOnly(source: AsyncIterable<Progress>, orderId: string, ownerId: string): AsyncGenerator<Progress> {
  for await (const p of source) {
    const data = (typeof p.data === 'object' && p.data !== null ? p.data : {}) as Record<string, unknown>;
    const about = p.subject === orderId || data.orderId === orderId;
    const others = Array.isArray(data.orderIds) && data.orderIds.some((id) => id !== orderId);
    const owner = typeof data.ownerId === 'string' ? data.ownerId : undefined;
    if (about && !others && (owner === undefined || owner === ownerId)) yield p;
  }
}

/** How long a subscription's authorization is trusted before the next event makes it ask again (its subject's read). */
export const SUBSCRIPTION_RECHECK_MS = 5_000;

/** Whether the subscriber may still make the REST read `url` that authorized its subscription (a 200). */
const readable = (rest: Rest, url: string) => async (): Promise<boolean> => (await rest('GET', url)).status === 200;

/**
 * The events of `source` while the subscriber may still read its subject: before an event is sent, an authorization
 * last checked more than {@link SUBSCRIPTION_RECHECK_MS} ago is checked again (`stillAllowed`: the REST read the
 * subscription began with), and a refused one ends the subscription (the client gets `complete`). A revoked key, a
 * signed-out session or a role taken away at the subject's site thus stops receiving within a few seconds, as REST
 * refuses it. (Checking the credential alone, `GET /auth/me`, kept a person who lost the subject's site but kept
 * another one receiving.)
 */
export async function* whileAuthorized<T>(stillAllowed: () => Promise<boolean>, source: AsyncIterable<T>, recheckMs = SUBSCRIPTION_RECHECK_MS): AsyncGenerator<T> {
  let checkedAt = Date.now();
  let endedSeen = credentialsEndedCount();
  for await (const item of source) {
    // Also at once after this process ended some credentials (a logout, a key revoked): they may be the subscriber's.
    if (Date.now() - checkedAt >= recheckMs || credentialsEndedCount() !== endedSeen) {
      endedSeen = credentialsEndedCount();
      if (!(await stillAllowed())) return;
      checkedAt = Date.now();
    }
    yield item;
  }
}
