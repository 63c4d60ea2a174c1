import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, inject, it } from 'vitest';
import { codegenBin, generateRowTypes } from '../scripts/db-types.ts';

const root = new URL('../', import.meta.url);
const bin = codegenBin();
// Outside CI a machine without the devDependency skips; CI installs it with `npm ci`, so there a missing tool fails.
const skip = bin === undefined && process.env['CI'] !== 'true';

describe('row types generated from the migrated schema (ADR 0013)', () => {
  it.skipIf(skip)('the committed db-types files are what `npm run db:types` generates now', async () => {
    if (bin === undefined) throw new Error('kysely-codegen is not installed: `npm ci` installs it (devDependency)');
    const generated = await generateRowTypes(inject('pgServerUrl'), bin);
    expect(generated.size).toBeGreaterThanOrEqual(9);
    for (const [path, text] of generated) {
      let committed: string | undefined;
      try { committed = readFileSync(new URL(path, root), 'utf8'); } catch { committed = undefined; }
      expect(committed, `${path} is stale: run \`npm run db:types\` and commit the result`).toBe(text);
    }
    // A context whose schema is gone keeps no orphaned types.
    const contexts = readdirSync(new URL('src/contexts/', root), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    const committedFiles = contexts.map((c) => `src/contexts/${c}/db-types.ts`).filter((p) => sources().some((f) => f.path === p));
    expect(committedFiles.filter((p) => !generated.has(p))).toEqual([]);
  }, 120_000);
});

/** Every TypeScript file under src/, tests included. */
function sources(dir = new URL('src/', root)): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return sources(new URL(`${e.name}/`, dir));
    if (!e.name.endsWith('.ts')) return [];
    const url = new URL(e.name, dir);
    return [{ path: url.pathname.slice(root.pathname.length), text: readFileSync(url, 'utf8') }];
  });
}

/** `SELECT *`, `RETURNING *` and `t.*` in a select list: every column of a table, whatever a migration adds. */
const STAR = /\b(SELECT|RETURNING)\s+(DISTINCT\s+)?(\w+\.)?\*|,\s*\w+\.\*(?!\w)/i;
/** A row type over any: `Record<string, any>`, a query typed with any, a `…Row` declared with any, or a lint escape for it. */
const ANY_ROW = /Record<string,\s*any>|query<[^>(]*\bany\b|\bany\b[^(]*Row\b|Row\b[^=]*=[^;]*\bany\b|no-explicit-any/;

const offending = (pattern: RegExp, files = sources()) =>
  files.flatMap(({ path, text }) => text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])));

describe('rows are typed from the schema', () => {
  it('no SQL in src/ selects * (columns are listed, or a column list constant is)', () => {
    expect(offending(STAR)).toEqual([]);
  });

  it('no row type in src/ is built over any', () => {
    const code = sources().filter((f) => !f.path.endsWith('.test.ts'));
    expect(offending(ANY_ROW, code)).toEqual([]);
  });

  it('the checks bite: a SELECT * and a row over any are found', () => {
    const bad = [{
      path: 'src/x/store.ts',
      text: [
        'const rows = await db.query<Record<string, any>>(`SELECT * FROM x.t`);',
        'type TRow = { id: any };',
        '`UPDATE x.t SET a = 1 RETURNING *`',
        '`UPDATE x.t t SET a = 1 FROM s RETURNING t.*, s.worker_id`',
        '`SELECT s.id, t.* FROM x.t t`',
        'const n = await db.query<{ n: number }>(`SELECT count(*) AS n FROM x.t`); // fine',
      ].join('\n'),
    }];
    expect(offending(STAR, bad).map((l) => l.split(':')[1])).toEqual(['1', '3', '4', '5']);
    expect(offending(ANY_ROW, bad).map((l) => l.split(':')[1])).toEqual(['1', '2']);
  });
});
