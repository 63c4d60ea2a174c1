import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every rejection code picking can return is stated by a Given/When/Then decider test: the codes are read from the
 * sources (`reject('CODE'`, `new AppError('CODE'`), the statements from the use cases' decide.test.ts files
 * (`thenRejects('CODE'`). A new code without its test fails here.
 */
const PICKING = new URL('../', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const codes = (paths: readonly string[], pattern: RegExp): Set<string> =>
  new Set(paths.flatMap((p) => [...readFileSync(p, 'utf8').matchAll(pattern)].map((m) => m[1]!)));

describe('picking rejections', () => {
  const all = files(PICKING).filter((p) => p.endsWith('.ts'));
  const returned = codes(all.filter((p) => !p.endsWith('.test.ts')), /(?:\breject|new AppError)\(\s*'([A-Z_]+)'/g);
  const stated = codes(all.filter((p) => p.endsWith('/decide.test.ts')), /thenRejects\(\s*'([A-Z_]+)'/g);

  it('finds the codes the sources return (the scan reads what it should)', () => {
    expect([...returned]).toEqual(expect.arrayContaining(['NOT_FOUND', 'ILLEGAL_TRANSITION', 'QUANTITY_EXCEEDS_OPEN', 'SCAN_ID_REUSED']));
  });

  it('states every one of them in a decide.test.ts', () => {
    expect([...returned].filter((c) => !stated.has(c)).sort()).toEqual([]);
  });
});
