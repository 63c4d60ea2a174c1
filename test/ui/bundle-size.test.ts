import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UI_DIST } from '../../src/platform/http/ui-routes.ts';
import { ensureUiBuilt } from '../support/ui-browser.ts';

/**
 * Acceptance (c): what a browser must download before the console (≤ 300 kB of JavaScript, gzipped) or the handheld
 * (≤ 150 kB) can start, measured on the build: the entry script of the page and every chunk it imports statically (the
 * page's modulepreload links and their own static imports). Chunks loaded on demand, such as the camera scanner, do not count.
 */
const KB = 1000;

function firstLoad(page: string): Map<string, number> {
  const html = readFileSync(join(UI_DIST, page), 'utf8');
  const queue = [...html.matchAll(/<script type="module"[^>]*src="\/assets\/([^"]+)"|<link rel="modulepreload"[^>]*href="\/assets\/([^"]+)"/g)]
    .map((m) => m[1] ?? m[2]!);
  const sizes = new Map<string, number>();
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (sizes.has(name)) continue;
    const code = readFileSync(join(UI_DIST, 'assets', name));
    sizes.set(name, gzipSync(code).length);
    // Static imports only (`import … from "./x.js"` / `import "./x.js"`); `import("./x.js")` is loaded on demand.
    for (const m of code.toString('utf8').matchAll(/\bimport\s*(?:[\w$*{}\s,]+from\s*)?["']\.\/([^"']+\.js)["']/g)) queue.push(m[1]!);
  }
  return sizes;
}

const total = (sizes: Map<string, number>): number => [...sizes.values()].reduce((a, b) => a + b, 0);

describe('the built UI', () => {
  beforeAll(async () => {
    await ensureUiBuilt();
  }, 120_000);

  it('the console loads at most 300 kB of JavaScript (gzipped) before it starts', () => {
    const sizes = firstLoad('index.html');
    expect(sizes.size).toBeGreaterThan(0);
    expect([...sizes.keys()].some((n) => n.startsWith('console-'))).toBe(true);
    expect(total(sizes), JSON.stringify(Object.fromEntries(sizes))).toBeLessThanOrEqual(300 * KB);
  });

  it('the handheld loads at most 150 kB of JavaScript (gzipped); the camera scanner comes only when asked for', () => {
    const sizes = firstLoad('rf/index.html');
    expect([...sizes.keys()].some((n) => n.startsWith('rf-'))).toBe(true);
    expect(total(sizes), JSON.stringify(Object.fromEntries(sizes))).toBeLessThanOrEqual(150 * KB);
    // @zxing is the largest library of the handheld: it must stay out of the first load.
    for (const name of sizes.keys()) expect(readFileSync(join(UI_DIST, 'assets', name), 'utf8')).not.toContain('BrowserMultiFormatReader');
  });
});
