import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)]));
}

const matches = (texts: readonly string[], re: RegExp): string[] => texts.flatMap((t) => [...t.matchAll(re)].map((m) => m[1] ?? ''));

/**
 * The claim "every rejection a context's use case returns has a Given/When/Then test" as a test that can fail: the
 * codes come from the context's sources (`reject('CODE'`, `new AppError('CODE'`), the tests from the use cases'
 * `decide.test.ts` files (`thenRejects('CODE'`). `contextDir` is the context's folder (a URL); `someCodes` are codes
 * the scan must find, proof that it reads the sources at all.
 */
export function rejectionCoverage(name: string, contextDir: URL, someCodes: readonly string[]): void {
  const files = sources(fileURLToPath(contextDir)).filter((f) => f.endsWith('.ts'));
  const code = files.filter((f) => !f.endsWith('.test.ts')).map((f) => readFileSync(f, 'utf8'));
  const deciderTests = files.filter((f) => f.endsWith('decide.test.ts')).map((f) => readFileSync(f, 'utf8')).join('\n');

  describe(`${name} rejections`, () => {
    const returned = new Set(matches(code, /\breject\(\s*'([A-Z_]+)'/g));
    const thrown = new Set(matches(code, /\bnew AppError\(\s*'([A-Z_]+)'/g));
    const tested = new Set(matches([deciderTests], /\.thenRejects\(\s*'([A-Z_]+)'/g));

    it('are found in the sources (the scan works)', () => {
      expect([...returned]).toEqual(expect.arrayContaining([...someCodes]));
    });

    it('are all named with a literal code, so the scan sees every one', () => {
      expect(matches(code, /\breject\(\s*([^'\s)][^,)]*)/g)).toEqual([]);
    });

    it('each have a thenRejects in a decide.test.ts', () => {
      const untested = [...new Set([...returned, ...thrown])].filter((c) => !tested.has(c)).sort();
      expect(untested).toEqual([]);
    });
  });
}
