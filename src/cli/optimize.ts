import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import type { Layout, Pick } from '../optimize/geometry/layout.ts';
import { route } from '../optimize/routing/index.ts';
import { batchOrders } from '../optimize/batching/index.ts';
import { pack } from '../optimize/cartonization/index.ts';

/** Bad input for `paklog route|batch|pack`: the message names the field; the CLI exits with code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const Num = Type.Number();
const LayoutSchema = Type.Object({
  aisles: Type.Integer({ minimum: 1 }),
  blocks: Type.Integer({ minimum: 1 }),
  blockLength: Type.Number({ exclusiveMinimum: 0 }),
  aislePitch: Type.Number({ exclusiveMinimum: 0 }),
  crossAisleWidth: Type.Number({ minimum: 0 }),
  depot: Type.Object({ x: Num, y: Num }),
});
const PickSchema = Type.Object({ aisle: Type.Integer({ minimum: 0 }), block: Type.Integer({ minimum: 0 }), offset: Type.Number({ minimum: 0 }) });
const METHODS = ['optimal', 's-shape', 'return', 'midpoint', 'largest-gap', 'combined', 'combined-plus'] as const;

const RouteInput = Type.Object({
  layout: LayoutSchema,
  picks: Type.Array(PickSchema),
  method: Type.Optional(Type.Union(METHODS.map((m) => Type.Literal(m)))),
});
const BatchInput = Type.Object({
  layout: LayoutSchema,
  capacity: Type.Integer({ minimum: 1 }),
  orders: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), picks: Type.Array(PickSchema, { minItems: 1 }) })),
  method: Type.Optional(Type.Union((['ils', 'fcfs', 'seed', 'savings'] as const).map((m) => Type.Literal(m)))),
  seed: Type.Optional(Type.Integer()),
  timeBudgetMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
});
const Positive = Type.Number({ exclusiveMinimum: 0 });
const PackInput = Type.Object({
  cartons: Type.Array(Type.Object({ id: Type.String({ minLength: 1 }), length: Positive, width: Positive, height: Positive, maxWeight: Positive, cost: Type.Number({ minimum: 0 }) }), { minItems: 1 }),
  items: Type.Array(Type.Object({
    id: Type.String({ minLength: 1 }), length: Positive, width: Positive, height: Positive, weight: Type.Number({ minimum: 0 }),
    quantity: Type.Optional(Type.Integer({ minimum: 1 })), upright: Type.Optional(Type.Boolean()),
  }), { minItems: 1 }),
  dimDivisor: Type.Optional(Positive),
});

function parse<S extends TSchema>(schema: S, input: unknown): Static<S> {
  const first = [...Value.Errors(schema, input)][0];
  if (first !== undefined) {
    const field = first.instancePath === '' ? '(input)' : first.instancePath.slice(1).replaceAll('/', '.');
    throw new InputError(`${field} ${first.message}`);
  }
  return input as Static<S>;
}

/** Geometry errors from the algorithms (RangeError naming `layout.x` or `picks[i].y`) are input errors too. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError || (e instanceof Error && /must|invalid|exceeds|capacity/i.test(e.message))) throw new InputError(e.message);
    throw e;
  }
}

export function runRoute(input: unknown): { length: number; sequence: number[]; method: string } {
  const r = parse(RouteInput, input);
  const result = guarded(() => route(r.layout as Layout, r.picks as Pick[], r.method ?? 'optimal'));
  return { length: result.length, sequence: [...result.sequence], method: result.method };
}

export function runBatch(input: unknown): { batches: string[][]; length: number } {
  const b = parse(BatchInput, input);
  const layout = b.layout as Layout;
  const result = guarded(() =>
    batchOrders({
      layout, capacity: b.capacity, orders: b.orders,
      router: (l, picks) => route(l, picks), seed: b.seed ?? 1, timeBudgetMs: b.timeBudgetMs ?? 1000,
    }, b.method ?? 'ils'),
  );
  return { batches: result.batches, length: result.length };
}

export function runPack(input: unknown): { packages: { cartonId: string; placements: unknown[] }[]; cost: number } {
  const p = parse(PackInput, input);
  const result = pack(p);
  if (!result.ok) throw new InputError(result.itemId === undefined ? result.message : `items (${result.itemId}): ${result.message}`);
  return { packages: result.packages.map((pk) => ({ cartonId: pk.cartonId, placements: [...pk.placements] })), cost: result.cost };
}
