import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const depcruise = join(root, 'node_modules/.bin/depcruise');
const dirs: string[] = [];

/** A throwaway tree with the project's boundary rules, so the rule is tested on code that breaks it. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'paklog-boundaries-'));
  dirs.push(dir);
  copyFileSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

async function cruise(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['src', '--config', '.dependency-cruiser.cjs'], { cwd: dir });
    return { code: 0, output: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: `${err.stdout}${err.stderr}` };
  }
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('import boundaries (ADR 0001)', () => {
  it('fails when a context imports another context', async () => {
    const dir = tree({
      'src/contexts/orders/index.ts': "import { reserve } from '../inventory/store.ts';\nexport const x = reserve;\n",
      'src/contexts/inventory/store.ts': 'export const reserve = 1;\n',
    });
    const result = await cruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('context-imports-other-context');
  });

  it('fails when the platform imports a context or optimize does I/O', async () => {
    const dir = tree({
      'src/platform/x.ts': "import { y } from '../contexts/orders/y.ts';\nexport const x = y;\n",
      'src/contexts/orders/y.ts': 'export const y = 1;\n',
      'src/optimize/route.ts': "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
    });
    const result = await cruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('platform-imports-context');
    expect(result.output).toContain('optimize-is-pure');
  });

  it('fails when a context\'s http.ts reaches a store (store.ts or *-store.ts)', async () => {
    const dir = tree({
      'src/contexts/orders/http.ts': "import { rows } from './store.ts';\nexport const x = rows;\n",
      'src/contexts/orders/store.ts': 'export const rows = 1;\n',
      'src/contexts/picking/http.ts': "import { lines } from './pick-store.ts';\nexport const y = lines;\n",
      'src/contexts/picking/pick-store.ts': 'export const lines = 1;\n',
    });
    const result = await cruise(dir);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('http-reaches-no-store');
    expect(result.output).toContain('src/contexts/orders/http.ts');
    expect(result.output).toContain('src/contexts/picking/http.ts');
  });

  it('lets http.ts call the service, which reaches the store', async () => {
    const dir = tree({
      'src/contexts/orders/http.ts': "import { list } from './service.ts';\nexport const x = list;\n",
      'src/contexts/orders/service.ts': "import { rows } from './store.ts';\nexport const list = rows;\n",
      'src/contexts/orders/store.ts': 'export const rows = 1;\n',
    });
    const result = await cruise(dir);
    expect(result.output).not.toContain('http-reaches-no-store');
    expect(result.code).toBe(0);
  });

  it('passes when contexts meet only through contracts', async () => {
    const dir = tree({
      'src/contracts/inventory.ts': 'export interface InventoryApi { atp(): number }\n',
      'src/contexts/orders/index.ts': "import type { InventoryApi } from '../../contracts/inventory.ts';\nexport type X = InventoryApi;\n",
      'src/platform/db.ts': 'export const db = 1;\n',
      'src/contexts/inventory/index.ts': "import { db } from '../../platform/db.ts';\nexport const y = db;\n",
    });
    const result = await cruise(dir);
    expect(result.output).not.toContain('error');
    expect(result.code).toBe(0);
  });
});
