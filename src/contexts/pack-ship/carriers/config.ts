import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';

const Service = Type.Object({ code: Type.String({ minLength: 1 }), name: Type.String(), transitDays: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
const Code = Type.String({ pattern: '^[A-Z][A-Z0-9_]{1,31}$' });

/** The carriers file (PAKLOG_CARRIERS_FILE): the rate-table and REST carriers an installation books besides its own fleet. */
export const CarriersFileSchema = Type.Object({
  carriers: Type.Array(Type.Union([
    Type.Object({
      kind: Type.Literal('rate-table'),
      code: Code,
      trackingPrefix: Type.String({ pattern: '^[A-Z0-9]{1,6}$' }),
      table: Type.Object({
        currency: Type.String({ pattern: '^[A-Z]{3}$' }),
        dimDivisor: Type.Number({ exclusiveMinimum: 0 }),
        roundUpKg: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        zones: Type.Array(Type.Object({
          zone: Type.String(), country: Type.String({ pattern: '^[A-Za-z]{2}$' }), postalPrefixes: Type.Optional(Type.Array(Type.String())),
        }, { additionalProperties: false })),
        services: Type.Array(Type.Object({
          code: Type.String({ minLength: 1 }), name: Type.String(), transitDays: Type.Integer({ minimum: 0 }),
          weightBreaks: Type.Array(Type.Object({ upToKg: Type.Number({ exclusiveMinimum: 0 }), prices: Type.Record(Type.String(), Type.Number({ minimum: 0 })) }, { additionalProperties: false })),
        }, { additionalProperties: false }), { minItems: 1 }),
        surcharges: Type.Optional(Type.Array(Type.Object({
          code: Type.String(), kind: Type.Union([Type.Literal('PER_PARCEL'), Type.Literal('PERCENT')]), amount: Type.Number(),
          longestSideOverCm: Type.Optional(Type.Number()), actualWeightOverKg: Type.Optional(Type.Number()), zones: Type.Optional(Type.Array(Type.String())),
        }, { additionalProperties: false }))),
      }, { additionalProperties: false }),
    }, { additionalProperties: false }),
    Type.Object({
      kind: Type.Literal('rest'),
      code: Code,
      baseUrl: Type.String({ pattern: '^https?://' }),
      /** The name of the environment variable holding the API key (never the key itself in the file). */
      apiKeyEnv: Type.Optional(Type.String()),
      timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 120_000 })),
      services: Type.Array(Service, { minItems: 1 }),
    }, { additionalProperties: false }),
  ])),
}, { additionalProperties: false });
export type CarriersFile = Static<typeof CarriersFileSchema>;
export type CarrierConfig = CarriersFile['carriers'][number];

/** Parses and validates the carriers file; throws with every problem named. */
export function parseCarriersFile(text: string, source = 'carriers file'): CarriersFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  if (!Value.Check(CarriersFileSchema, json)) {
    const problems = [...Value.Errors(CarriersFileSchema, json)].slice(0, 10).map((e) => `${e.instancePath || '/'} ${e.message}`);
    throw new Error(`${source}: ${problems.join('; ')}`);
  }
  const codes = json.carriers.map((c) => c.code);
  const twice = codes.find((c, i) => codes.indexOf(c) !== i || c === 'OWN_FLEET');
  if (twice !== undefined) throw new Error(`${source}: carrier code ${twice} is used twice or is the built-in OWN_FLEET`);
  return json;
}
