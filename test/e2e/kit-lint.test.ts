import { join, resolve } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- eslint.config.js is plain JavaScript (checked with // @ts-check) and ships no declaration file
import { kitRules as kitRulesJs } from '../../eslint.config.js';

const kitRules = kitRulesJs as Linter.Config;

const root = resolve(import.meta.dirname, '../..');

/** Lints `code` as if it were a context's file, with the kit's rules only (no type information needed). */
async function lint(code: string, path = 'src/contexts/demo/service.ts'): Promise<string[]> {
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, kitRules] });
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? ''}: ${m.message}`);
}

describe('the context kit lint rules (eslint.config.js kitRules)', () => {
  it('refuse a context\'s own copy of a transition check, never-check or cursor codec', async () => {
    const copies = [
      'export function canTransition(from: string, to: string): boolean { return from !== to; }',
      'export const canMoveLine = (a: string, b: string): boolean => a !== b;',
      'function assertNeverStatus(x: never): never { throw new Error(String(x)); }',
      "export const encodeCursor = (k: string): string => Buffer.from(k).toString('base64url');",
    ];
    for (const code of copies) {
      const messages = await lint(code);
      expect(messages.length, code).toBeGreaterThan(0);
      expect(messages.every((m) => m.startsWith('no-restricted-syntax'))).toBe(true);
    }
  });

  it('refuse a private timer in a context: background work is a declared job', async () => {
    expect(await lint('export const t = setInterval(() => undefined, 1000);')).toEqual([
      expect.stringContaining('Background work is a job'),
    ]);
  });

  it('let a context use the platform helpers, and tests alias them', async () => {
    expect(await lint("import { defineLifecycle } from '../../platform/lifecycle.ts';\nexport const l = defineLifecycle('x', { A: [] }, ['A']);\n")).toEqual([]);
    expect(await lint('const canTransition = (a: string) => a;\nexport { canTransition };', 'src/contexts/demo/domain/x.test.ts')).toEqual([]);
    expect(await lint('export const t = setInterval(() => undefined, 1000);', 'src/platform/jobs.ts')).toEqual([]);
  });
});
