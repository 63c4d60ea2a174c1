import { describe, expect, it } from 'vitest';
import { defineContext } from './module.ts';

const migrations = new URL('../contexts/tasks/migrations/', import.meta.url);

describe('defineContext', () => {
  it('loads the migrations and records what the context requires', () => {
    const m = defineContext({ name: 'shelf-life', schema: 'shelf_life', migrations, requires: { catalog: {}, locations: {} }, api: { ping: () => 'pong' } });
    expect(m.migrations.length).toBeGreaterThan(0);
    expect(m.migrations[0]!.name).toMatch(/^001_.*\.sql$/);
    expect(m.requires).toEqual(['catalog', 'locations']);
    expect(m.api.ping()).toBe('pong');
  });

  it('refuses names the platform cannot rely on', () => {
    expect(() => defineContext({ name: 'ShelfLife', schema: 'shelf_life', migrations })).toThrow(/kebab-case/);
    expect(() => defineContext({ name: 'shelf-life', schema: 'shelf-life', migrations })).toThrow(/snake_case/);
    const run = async () => undefined;
    expect(() => defineContext({ name: 'shelf-life', schema: 'shelf_life', migrations, jobs: [{ name: 'sweep', run }] })).toThrow(/shelf-life\.<what>/);
    expect(() => defineContext({ name: 'shelf-life', schema: 'shelf_life', migrations, jobs: [{ name: 'shelf-life.a', run }, { name: 'shelf-life.a', run }] }))
      .toThrow(/share a name/);
  });

  it('adds the projections\' handlers to the subscriptions, and refuses projections a replay could not rebuild safely', () => {
    const handle = async () => undefined;
    const own = { types: ['orders.order.received.v1'], handle };
    const fed = { types: ['catalog.product.created.v1'], handle };
    const m = defineContext({ name: 'shelf-life', schema: 'shelf_life', migrations, subscriptions: [own], projections: [{ name: 'products', tables: ['products'], subscriptions: [fed] }] });
    expect(m.subscriptions).toEqual([own, fed]);
    expect(m.projections?.map((p) => p.name)).toEqual(['products']);
    const define = (...projections: { name: string; tables: string[]; subscriptions: typeof fed[] }[]) =>
      () => defineContext({ name: 'shelf-life', schema: 'shelf_life', migrations, projections });
    expect(define({ name: 'Products', tables: ['products'], subscriptions: [fed] })).toThrow(/projection name Products is not kebab-case/);
    expect(define({ name: 'products', tables: [], subscriptions: [fed] })).toThrow(/names no table/);
    expect(define({ name: 'products', tables: ['products'], subscriptions: [] })).toThrow(/has no handler/);
    expect(define({ name: 'products', tables: ['catalog.products'], subscriptions: [fed] })).toThrow(/not an unqualified snake_case name/);
    expect(define({ name: 'products', tables: ['inbox'], subscriptions: [fed] })).toThrow(/the inbox is the bus's/);
    expect(define({ name: 'a', tables: ['t'], subscriptions: [fed] }, { name: 'a', tables: ['u'], subscriptions: [fed] })).toThrow(/two projections are named a/);
    expect(define({ name: 'a', tables: ['t'], subscriptions: [fed] }, { name: 'b', tables: ['t'], subscriptions: [fed] })).toThrow(/table t belongs to two projections/);
  });
});
