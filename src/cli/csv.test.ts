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
});
