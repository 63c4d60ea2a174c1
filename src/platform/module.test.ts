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
});
