/**
 * Browser tests of the console and the handheld (test/ui): Debian's chromium driven by playwright-core, against a test
 * app listening on a free port. Without chromium the tests fail under CI=true (.ci/run installs it) and are left out
 * elsewhere, saying why. A worker launches chromium once for all its browser files (`isolate: false`), each file
 * driving it in contexts of its own (`launchChromium`: docs/performance.md, "One chromium per worker").
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page, type ViewportSize } from 'playwright-core';
import { buildUi, uiIsStale } from '../../scripts/build-ui.ts';
import { seedDemo } from '../../src/seed/demo.ts';
import { startTestApp, type TestApp } from './test-app.ts';
import { repoRoot } from './paklog-process.ts';

export const CHROMIUM = process.env.PAKLOG_CHROMIUM ?? '/usr/bin/chromium';
/** Browser tests run where chromium is, and always under CI (where a missing chromium is a failure). */
export const browserTestsRun = existsSync(CHROMIUM) || process.env.CI === 'true';
/** Screenshots of each screen, kept as test artifacts (git-ignored). */
export const ARTIFACTS = join(repoRoot, 'test-results', 'ui');

const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
  // The pages of one site in one context share a renderer process: a file's second page costs a tab, not a process.
  '--process-per-site',
];

/** This process's chromium: launched by the first browser file of a worker, kept for the next (`isolate: false`). */
let shared: Promise<Browser> | undefined;

/** The worker's chromium, launched on the first call and again once it has crashed or been closed. Exported for its test. */
export async function sharedChromium(): Promise<Browser> {
  const running = await shared?.catch(() => undefined);
  if (running?.isConnected() === true) return running;
  if (!existsSync(CHROMIUM)) throw new Error(`chromium is not at ${CHROMIUM}: apt-get install -y chromium (.ci/run does it)`);
  // Playwright kills the browsers it launched when this process exits (its own 'exit' handler): nothing to close here.
  const launching = chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
  shared = launching;
  try {
    const browser = await launching;
    // A crashed or killed browser is launched again for the next file.
    browser.on('disconnected', () => { if (shared === launching) shared = undefined; });
    return browser;
  } catch (e) {
    if (shared === launching) shared = undefined;
    throw e;
  }
}

/**
 * What a browser file drives: the worker's one chromium (launching one cost ~0.5–0.85 s of CPU a file), with contexts
 * of the file's own. `close()` closes those and leaves the browser to the next file.
 */
export interface FileBrowser {
  /** A context of its own: storage apart from every other context's (a second person, a second phone). */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
  /**
   * A new tab in the file's page context: a document and sessionStorage of its own (where the console keeps its
   * sign-in), the file's cookies, localStorage and HTTP cache, and the renderer process of the file's other pages of
   * that site (a new renderer cost ~1 s of CPU). Its viewport is `viewport` (playwright's default 1280×720 without one).
   */
  newPage(options?: { viewport?: ViewportSize }): Promise<Page>;
  /** Closes every context and page of this file; the browser stays. */
  close(): Promise<void>;
}

export async function launchChromium(): Promise<FileBrowser> {
  const browser = await sharedChromium();
  const contexts = new Set<BrowserContext>();
  const newContext = async (options?: BrowserContextOptions): Promise<BrowserContext> => {
    const context = await browser.newContext(options);
    contexts.add(context);
    context.on('close', () => contexts.delete(context));
    return context;
  };
  let pages: Promise<BrowserContext> | undefined;
  /** A page kept open on the site of the last page closed, so that its renderer waits for the file's next page. */
  let keeper: Page | undefined;
  const keepRenderer = async (context: BrowserContext, closing: Page): Promise<void> => {
    if (keeper !== undefined || closing.isClosed() || !closing.url().startsWith('http')) return;
    const { origin } = new URL(closing.url());
    if (context.pages().some((p) => p !== closing && p.url().startsWith(origin))) return;
    try {
      keeper = await context.newPage();
      // The app's cheapest answer on that origin (JSON): it is the site, not the screen, that holds the process.
      await keeper.goto(`${origin}/health/live`);
    } catch {
      // The context closed meanwhile: nothing to keep.
    }
  };
  return {
    newContext,
    async newPage(options) {
      pages ??= newContext();
      const context = await pages;
      const page = await context.newPage();
      await page.setViewportSize(options?.viewport ?? { width: 1280, height: 720 });
      const close = page.close.bind(page);
      page.close = async (o) => {
        await keepRenderer(context, page);
        await close(o);
      };
      return page;
    },
    async close() {
      pages = undefined;
      keeper = undefined;
      await Promise.all([...contexts].map((c) => c.close()));
    },
  };
}

/** Builds ui/dist when a UI source is newer than the last build (as `npm start` does). */
export async function ensureUiBuilt(): Promise<void> {
  if (uiIsStale()) await buildUi();
}

/** The test app on a real socket (the browser needs one); answers its base URL. */
export async function listen(t: TestApp): Promise<string> {
  const address = await t.app.http.listen({ port: 0, host: '127.0.0.1' });
  return address;
}

/** What a browser test starts from: the demo warehouse in a test app of its own, on a real socket, and chromium. */
export interface DemoUi {
  readonly t: TestApp;
  /** The demo site's id. */
  readonly siteId: string;
  /** The app's base URL. */
  readonly base: string;
  readonly browser: FileBrowser;
}

export async function startDemoUi(): Promise<DemoUi> {
  await ensureUiBuilt();
  const t = await startTestApp();
  await seedDemo(t.app);
  await t.settle();
  const siteId = (await t.get('/api/v1/sites/DEMO')).body.id as string;
  const base = await listen(t);
  return { t, siteId, base, browser: await launchChromium() };
}

/**
 * A desktop-sized page (the console) whose uncaught errors, and console errors but the HTTP statuses in `allowed`,
 * are pushed to `errors` for the test to check at its end. The sign-in page asks who is signed in before anyone is: a
 * 401 there is expected. `allowed: 'all'` keeps console errors out (a test that makes the API fail on purpose).
 */
export async function consolePage(browser: FileBrowser, errors: string[], allowed: readonly string[] | 'all' = ['401']): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => errors.push(e.message));
  if (allowed !== 'all') {
    page.on('console', (m) => {
      if (m.type() === 'error' && !allowed.some((status) => m.text().includes(status))) errors.push(m.text());
    });
  }
  return page;
}

/**
 * Signs the console in afresh with an API key (the tab's stored sign-in cleared first) on the screen at `route`
 * (`#/orders`, `#/inbound`…), resolved once that screen's heading `heading` shows.
 */
export async function signInToConsole(page: Page, base: string, key: string, route: string, heading: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.evaluate('sessionStorage.clear()');
  await page.goto(`${base}/${route}`);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: number }

/** axe-core run in the page against WCAG 2.1 A and AA: the serious and critical violations. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated, not added as a <script>: the app's CSP refuses inline scripts, as it should.
  await page.evaluate(axeSource);
  // A string, run in the page (the test's own TypeScript has no DOM types).
  const result = await page.evaluate<AxeViolation[]>(`(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  })()`);
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
