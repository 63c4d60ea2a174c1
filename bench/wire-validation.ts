// Wire validation benchmark (issue 8 §3): what checking an event against its contract schema costs, per event, as the
// relay does before publishing and a consumer does on receipt. The reference is what every broker transport already
// pays per event: one JSON.stringify of the envelope on publish and one JSON.parse on receipt. `--ms=N` sets how long
// each case runs (default 2000).
import { Value } from 'typebox/value';
import { machine, writeResult } from './machine.ts';
import { PublishedEvents } from '../src/contracts/events.ts';
import { OrderEvents } from '../src/contracts/orders.ts';
import type { EventEnvelope } from '../src/platform/bus/envelope.ts';
import { publishedLanguage } from '../src/platform/bus/published-language.ts';

const round = (x: number, d = 0): number => Math.round(x * 10 ** d) / 10 ** d;

const lines = Array.from({ length: 5 }, (_, i) => ({ lineId: `oln_${i}`, lineNo: i + 1, sku: `SKU-${100 + i}`, quantity: 1 + i }));
const received = { orderId: 'ord_01', externalId: 'SHOP-1', siteId: 'sit_01', carrier: 'OWN', priority: 5, lines };
/** Realistic payloads: an order with five lines in and out, and the status change most events are. */
const SAMPLES: readonly { name: string; type: string; data: unknown }[] = [
  { name: 'order received, 5 lines', type: OrderEvents.received, data: received },
  { name: 'order waved (status change)', type: OrderEvents.waved, data: { orderId: 'ord_01', siteId: 'sit_01', from: 'ALLOCATED', to: 'WAVED' } },
  {
    name: 'order shipped, 5 lines', type: OrderEvents.shipped,
    data: { orderId: 'ord_01', siteId: 'sit_01', partial: false, lines: lines.map((l) => ({ lineId: l.lineId, sku: l.sku, ordered: l.quantity, shipped: l.quantity })) },
  },
];

const envelopeOf = (type: string, data: unknown): EventEnvelope => ({
  specversion: '1.0', id: 'evt_0192f0c2-7a1b-7cde-8f00-0123456789ab', type, source: type.split('.')[0] ?? '', subject: 'ord_01',
  time: '2026-12-01T10:00:00.000Z', datacontenttype: 'application/json', data,
});

/** Runs `fn` for about `ms` (after a warm-up), in blocks so the clock is read rarely; returns calls per second. */
function perSecond(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 20_000; i++) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 10_000; i++) fn();
    calls += 10_000;
    now = performance.now();
  }
  return calls / ((now - start) / 1000);
}

export async function main(args: string[]): Promise<void> {
  const ms = Number(args.find((a) => a.startsWith('--ms='))?.slice(5) ?? 2000);
  let sink = 0;
  const cases = SAMPLES.map((s) => {
    if (PublishedEvents.problems(s).length > 0) throw new Error(`sample ${s.name} does not conform: ${PublishedEvents.problems(s).join('; ')}`);
    const envelope = envelopeOf(s.type, s.data);
    const json = JSON.stringify(envelope);
    // Distinct objects, parsed from JSON as a consumer receives them (one object checked over and over would let the
    // engine keep it hot and flatter the figure).
    const received = Array.from({ length: 4096 }, (_, i) => {
      const parsed = JSON.parse(json.replace('ord_01', `ord_${i}`)) as EventEnvelope;
      return { type: parsed.type, data: parsed.data };
    });
    let i = 0;
    const validate = perSecond(() => { sink += PublishedEvents.problems(received[i++ & 4095]!).length; }, ms);
    const stringify = perSecond(() => { sink += JSON.stringify(envelope).length; }, ms);
    const parse = perSecond(() => { sink += (JSON.parse(json) as EventEnvelope).id.length; }, ms);
    return {
      name: s.name, type: s.type, envelopeBytes: json.length,
      validationsPerSecond: round(validate), microsPerValidation: round(1e6 / validate, 3),
      jsonStringifyPerSecond: round(stringify), jsonParsePerSecond: round(parse),
      /** Validation time as a share of the serialisation a broker transport already does per event (stringify + parse). */
      validationVsJson: round((1 / validate) / (1 / stringify + 1 / parse), 3),
    };
  });

  // Every published type, on the smallest payload its schema accepts (TypeBox Value.Create): the spread across the language.
  const everyType = Object.entries(PublishedEvents.schemas).map(([type, schema]) => ({ type, data: Value.Create(schema) }));
  const conforming = everyType.filter((e) => PublishedEvents.problems(e).length === 0);
  let next = 0;
  const sweep = perSecond(() => {
    const e = conforming[next++ % conforming.length]!;
    sink += PublishedEvents.problems(e).length;
  }, ms);

  // The refusal path: a payload with a wrong field, where TypeBox also collects the errors (rare by design).
  const broken = { type: OrderEvents.received, data: { ...received, priority: 'high' } };
  const refusal = perSecond(() => { sink += PublishedEvents.problems(broken).length; }, ms);

  // First use of a type compiles its validator; a fresh language so nothing is cached.
  const fresh = publishedLanguage(PublishedEvents.schemas);
  const compileStart = performance.now();
  for (const e of everyType) sink += fresh.problems(e).length;
  const compileAllMs = performance.now() - compileStart;

  const result = {
    benchmark: 'wire-validation',
    machine: machine(),
    setup: { msPerCase: ms, validator: 'typebox/compile Compile(), one per event type, cached in the published language' },
    samples: cases,
    everyPublishedType: { types: everyType.length, conformingMinimalPayloads: conforming.length, validationsPerSecond: round(sweep) },
    refusal: { name: 'order received with priority "high"', problemsPerSecond: round(refusal) },
    compileEveryTypeOnFirstUseMs: round(compileAllMs, 1),
    sink: sink > 0,
  };
  const file = writeResult('wire-validation', result);
  console.log(JSON.stringify(result, null, 2));
  console.log(`written to ${file}`);
}
