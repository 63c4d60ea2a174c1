import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { httpClient } from './client.ts';

describe('paklog simulate --url', () => {
  it('takes the API URL the start banner prints (…/api/v1) as well as the server\'s address: it called /api/v1/api/v1/… (404)', async () => {
    const asked: string[] = [];
    const api = createServer((req, res) => {
      asked.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"items":[]}');
    });
    await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
    const server = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
    try {
      for (const url of [server, `${server}/`, `${server}/api/v1`, `${server}/api/v1/`]) {
        expect((await httpClient(url, 'k').request('GET', '/api/v1/sites')).status, url).toBe(200);
      }
      expect(new Set(asked)).toEqual(new Set(['/api/v1/sites']));
    } finally {
      await new Promise<void>((ok) => api.close(() => ok()));
    }
  });
});
