import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { exportCsv } from './csv.ts';

/** A port nobody listens on (taken, then freed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

describe('paklog export', () => {
  it('an API that cannot be reached, or a URL that is none, is named in the error and nothing is written to stdout (not even the header)', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => { written += c.toString(); });
    const url = `http://127.0.0.1:${await closedPort()}`;
    await expect(exportCsv('products', { url, apiKey: 'k' }, out)).rejects.toThrow(`cannot reach PakLog at ${url} (--url, PAKLOG_URL): ECONNREFUSED`);
    await expect(exportCsv('products', { url: 'localhost:8080', apiKey: 'k' }, out)).rejects.toThrow('--url (PAKLOG_URL) localhost:8080 is not an http(s) URL');
    expect(written).toBe('');
  });

  it('takes the API URL the start banner prints (…/api/v1) as well as the server\'s address: it called /api/v1/api/v1/… (404)', async () => {
    const asked: string[] = [];
    const api = createHttpServer((req, res) => {
      asked.push(req.url ?? '');
      const known = req.url === '/api/v1/products?limit=500';
      res.writeHead(known ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(known ? { items: [{ sku: 'MUG-1' }], nextCursor: null } : { code: 'NOT_FOUND', detail: `No route GET ${req.url}` }));
    });
    await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
    const server = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
    try {
      for (const url of [server, `${server}/`, `${server}/api/v1`, `${server}/api/v1/`]) {
        const out = new PassThrough();
        let written = '';
        out.on('data', (c: Buffer) => { written += c.toString(); });
        await expect(exportCsv('products', { url, apiKey: 'k' }, out), url).resolves.toBe(1);
        expect(written, url).toMatch(/^sku,.*\nMUG-1,/);
      }
      expect(new Set(asked)).toEqual(new Set(['/api/v1/products?limit=500']));
    } finally {
      await new Promise<void>((ok) => api.close(() => ok()));
    }
  });
});
