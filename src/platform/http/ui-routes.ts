import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import type { HttpApp } from './server.ts';

/** Where `vite build` (ui/vite.config.ts) puts the console and the handheld UI. */
export const UI_DIST = fileURLToPath(new URL('../../../ui/dist/', import.meta.url));

/**
 * The browser apps load only their own files; they talk to this origin's API and are never framed. React sets styles
 * through the DOM (not markup), so no inline style or script is allowed.
 */
const UI_CSP = "default-src 'self'; base-uri 'self'; connect-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
  + "font-src 'self'; object-src 'none'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'";

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json', '.woff2': 'font/woff2',
};
/** Built asset names: hashed, flat, no path segments (so no way out of the folder). */
const ASSET = /^[A-Za-z0-9_.-]+$/;

/**
 * The web console at `/` and the handheld UI at `/rf/` (ADR 0035): static files, served without credentials like
 * `/docs`; every API call they make is authenticated. When the UI has not been built, `/` says how to build it.
 */
export async function uiRoutes(app: HttpApp, options: { dir?: string } = {}): Promise<void> {
  const dir = options.dir ?? UI_DIST;
  const send = async (reply: FastifyReply, file: string, cache: string): Promise<FastifyReply> => {
    let body: Buffer;
    try {
      body = await readFile(join(dir, file));
    } catch {
      return reply.code(file.endsWith('.html') ? 503 : 404).header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-store')
        .send(file.endsWith('.html') ? 'The PakLog console is not built yet: run `npm run build:ui` (npm install does it), then reload.\n' : 'Not found\n');
    }
    return reply.header('content-type', TYPES[extname(file)] ?? 'application/octet-stream').header('cache-control', cache)
      .header('content-security-policy', UI_CSP).send(body);
  };
  const page = (file: string) => async (_req: unknown, reply: FastifyReply) => send(reply, file, 'no-cache');
  const config = { public: true };
  const schema = { hide: true };
  app.get('/', { config, schema }, page('index.html'));
  app.get('/rf', { config, schema }, async (_req, reply) => reply.redirect('/rf/', 308));
  app.get('/rf/', { config, schema }, page('rf/index.html'));
  app.get('/assets/:name', { config, schema }, async (req, reply) => {
    const { name } = req.params as { name: string };
    if (!ASSET.test(name) || name.startsWith('.')) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send('Not found\n');
    // File names carry their content hash: a browser may keep them for good.
    return send(reply, join('assets', name), 'public, max-age=31536000, immutable');
  });
}

/** Whether the UI has been built (the banner and the tests ask). */
export async function uiBuilt(dir = UI_DIST): Promise<boolean> {
  try {
    return (await stat(join(dir, 'index.html'))).isFile() && (await stat(join(dir, 'rf', 'index.html'))).isFile();
  } catch {
    return false;
  }
}
