import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { heldKarp } from '../optimize/routing/index.ts';
import { verifyPacking } from '../optimize/cartonization/index.ts';
import { InputError, runBatch, runPack, runRoute } from './optimize.ts';

const layout = { aisles: 5, blocks: 1, blockLength: 20, aislePitch: 3, crossAisleWidth: 2, depot: { x: 0, y: 0 } };
const picks = [{ aisle: 1, block: 0, offset: 4 }, { aisle: 3, block: 0, offset: 15 }, { aisle: 0, block: 0, offset: 10 }, { aisle: 4, block: 0, offset: 2 }];

describe('paklog route', () => {
  it('returns the optimal length and a visiting sequence of every pick', () => {
    const out = runRoute({ layout, picks });
    expect([...out.sequence].sort()).toEqual([0, 1, 2, 3]);
    expect(out.length).toBeCloseTo(heldKarp(layout, picks).length, 9);
    expect(out.method).toBe('ratliff-rosenthal');
  });

  it('runs a classic heuristic on request, never shorter than optimal', () => {
    const out = runRoute({ layout, picks, method: 's-shape' });
    expect(out.method).toBe('s-shape');
    expect(out.length).toBeGreaterThanOrEqual(runRoute({ layout, picks }).length - 1e-9);
  });

  it('names the bad field', () => {
    expect(() => runRoute({ layout: { ...layout, aisles: 0 }, picks })).toThrow(/aisles/);
    expect(() => runRoute({ layout, picks: [{ aisle: 9, block: 0, offset: 1 }] })).toThrow(InputError);
    expect(() => runRoute({ layout, picks: [{ aisle: 9, block: 0, offset: 1 }] })).toThrow(/picks\[0\]\.aisle/);
    expect(() => runRoute({ layout, picks, method: 'teleport' })).toThrow(/method/);
  });
});

describe('paklog batch', () => {
  it('covers every order once within the capacity', () => {
    const orders = Array.from({ length: 8 }, (_, i) => ({ id: `o${i}`, picks: picks.slice(0, 1 + (i % 3)) }));
    const out = runBatch({ layout, capacity: 5, orders, seed: 3, timeBudgetMs: 50 });
    expect(out.batches.flat().sort()).toEqual(orders.map((o) => o.id).sort());
    for (const b of out.batches) {
      expect(b.reduce((s, id) => s + orders.find((o) => o.id === id)!.picks.length, 0)).toBeLessThanOrEqual(5);
    }
    expect(out.length).toBeGreaterThan(0);
  });

  it('rejects an order larger than the cart', () => {
    expect(() => runBatch({ layout, capacity: 1, orders: [{ id: 'big', picks }] })).toThrow(InputError);
  });
});

describe('paklog pack', () => {
  const cartons = [
    { id: 'S', length: 200, width: 150, height: 100, maxWeight: 5000, cost: 1 },
    { id: 'M', length: 400, width: 300, height: 200, maxWeight: 15000, cost: 2 },
  ];
  it('packs into the cheapest carton that holds the items, with verifiable placements', () => {
    const items = [{ id: 'mug', length: 120, width: 90, height: 100, weight: 350, quantity: 2 }];
    const out = runPack({ cartons, items });
    expect(out.packages).toHaveLength(1);
    expect(out.packages[0]!.cartonId).toBe('S');
    expect(out.cost).toBe(1);
    const placements = out.packages[0]!.placements as { itemId: string; x: number; y: number; z: number; length: number; width: number; height: number }[];
    expect(placements).toHaveLength(2);
    const check = verifyPacking({ cartons, items }, [{ cartonId: 'S', placements }]);
    expect(check.ok).toBe(true);
  });

  it('names an item that fits no carton', () => {
    expect(() => runPack({ cartons, items: [{ id: 'sofa', length: 2000, width: 900, height: 800, weight: 40000 }] })).toThrow(/sofa/);
    expect(() => runPack({ cartons, items: [{ id: 'x', length: -1, width: 1, height: 1, weight: 1 }] })).toThrow(/items\.0\.length/);
  });
});

describe('the paklog command', () => {
  const bin = resolve(import.meta.dirname, '../../bin/paklog.js');
  const run = (args: string[], stdin?: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = execFile(process.execPath, [bin, ...args], (err, stdout, stderr) => done({ code: err === null ? 0 : (err.code as number), stdout, stderr }));
      if (stdin !== undefined) child.stdin?.end(stdin);
    });

  it('reads a file or stdin, prints JSON, and exits 2 on bad input', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'paklog-cli-')), 'route.json');
    writeFileSync(file, JSON.stringify({ layout, picks }));
    const fromFile = await run(['route', file]);
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout).sequence).toHaveLength(4);
    const bad = await run(['route'], JSON.stringify({ layout, picks: [{ aisle: 1, block: 0 }] }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/picks\.0.*offset/);
    const notJson = await run(['pack'], '{oops');
    expect(notJson.code).toBe(2);
  }, 30_000);
});
