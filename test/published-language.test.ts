import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONTEXT_ERRORS, contextErrors } from '../src/contracts/errors.ts';
import { PublishedEvents, on, type PublishedEvent } from '../src/contracts/events.ts';
import { OrderEvents } from '../src/contracts/orders.ts';
import { AppError, PLATFORM_ERRORS, registerErrors } from '../src/platform/errors.ts';
import { toProblem } from '../src/platform/http/problem.ts';

const SRC = new URL('../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the published language', () => {
  it('connects events to payloads by type, not by cast: no `.data as` is left in src/ (tests aside)', () => {
    const casts = sourceFiles(SRC).flatMap((file) => readFileSync(file, 'utf8').split('\n')
      .flatMap((line, i) => (/\bdata as\b/.test(line) && /\.data as |event\.data as/.test(line) ? [`${file.slice(SRC.length)}:${i + 1}: ${line.trim()}`] : [])));
    expect(casts).toEqual([]);
  });

  it('hands a subscription handler the payload, its envelope and the transaction', async () => {
    const seen: unknown[] = [];
    const sub = PublishedEvents.on(OrderEvents.received, async (data, event, tx) => {
      seen.push(data.orderId, event.type, tx);
    });
    expect(sub.types).toEqual(['orders.order.received.v1']);
    const envelope = { specversion: '1.0', id: 'evt_1', type: OrderEvents.received, source: 'orders', subject: 'ord_1', time: '2026-01-01T00:00:00Z', datacontenttype: 'application/json', data: { orderId: 'ord_1' } } as const;
    await sub.handle(envelope, 'tx' as never);
    expect(seen).toEqual(['ord_1', 'orders.order.received.v1', 'tx']);
    expect(() => PublishedEvents.on('orders.order.teleported.v1' as never, async () => undefined)).toThrow(/unknown event type/);
  });

  it('types appended events and handler payloads by name (typecheck proves the @ts-expect-error lines are errors)', () => {
    const good: PublishedEvent = { type: OrderEvents.cancelled, subject: 'ord_1', data: { orderId: 'ord_1', siteId: 's', previousStatus: 'WAVED', lines: [], reason: null } };
    // @ts-expect-error the data of orders.order.cancelled.v1 has no `status`, and misses `previousStatus`
    const wrongData: PublishedEvent = { type: OrderEvents.cancelled, subject: 'ord_1', data: { orderId: 'ord_1', siteId: 's', status: 'WAVED', lines: [], reason: null } };
    // @ts-expect-error not a published type
    const unknownType: PublishedEvent = { type: 'orders.order.teleported.v1', subject: 'ord_1', data: {} };
    on(OrderEvents.received, async (order) => {
      // @ts-expect-error an order received has no `previousStatus`
      void order.previousStatus;
    });
    expect([good, wrongData, unknownType].map((e) => e.type)).toEqual([OrderEvents.cancelled, OrderEvents.cancelled, 'orders.order.teleported.v1']);
  });

  it('checks a payload against its schema', () => {
    const good = { orderId: 'o', externalId: 'x', siteId: 's', carrier: 'OWN', priority: 5, lines: [{ lineId: 'l', lineNo: 1, sku: 'A', quantity: 1 }] };
    expect(PublishedEvents.problems({ type: OrderEvents.received, data: good })).toEqual([]);
    expect(PublishedEvents.problems({ type: OrderEvents.received, data: { ...good, priority: 'high' } })).not.toEqual([]);
    expect(PublishedEvents.problems({ type: 'orders.order.teleported.v1', data: {} })).toEqual(['orders.order.teleported.v1 is not a published event type']);
  });
});

describe('the error catalogue', () => {
  it('declares each context code once, in one contract, and never over a platform code', () => {
    const all = Object.values(CONTEXT_ERRORS).flatMap((c) => Object.keys(c));
    expect(new Set(all).size).toBe(all.length);
    for (const code of all) expect(code in PLATFORM_ERRORS, code).toBe(false);
  });

  it('maps every code, the platform\'s and the contracts\', to its status and title through the one HTTP mapper', () => {
    registerErrors(contextErrors());
    const every = { ...PLATFORM_ERRORS, ...contextErrors() };
    expect(Object.keys(every).length).toBeGreaterThanOrEqual(41);
    for (const [code, spec] of Object.entries(every)) {
      const problem = toProblem(new AppError(code as never, 'x'), 'req_1');
      expect({ code: problem.code, status: problem.status, title: problem.title }).toEqual({ code, status: spec.status, title: spec.title });
    }
    expect(toProblem(new AppError('ORDER_SHIPPED', 'gone'), 'r').status).toBe(409);
  });

  it('refuses a code registered twice with another meaning', () => {
    expect(() => registerErrors({ ORDER_SHIPPED: { status: 400, title: 'something else' } })).toThrow(/already registered/);
    expect(() => registerErrors({ NOT_FOUND: { status: 410, title: 'Gone' } })).toThrow(/already registered/);
  });
});
