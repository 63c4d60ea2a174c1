import { describe, expect, it } from 'vitest';
import { formatEntry } from './pretty.ts';

describe('pretty log lines', () => {
  it('puts time, level, message, request and response on one line, with the other fields as key=value', () => {
    const line = JSON.stringify({
      'log.level': 'info', time: '2026-01-02T12:03:04.567Z', 'process.pid': 1, 'host.hostname': 'h', 'service.name': 'paklog',
      reqId: 'r-1', res: { statusCode: 201 }, req: { method: 'POST', url: '/api/v1/orders' }, responseTime: 4.24, message: 'request completed', orderId: 'ord_1',
    });
    expect(formatEntry(line, false)).toBe('12:03:04.567 INFO  request completed POST /api/v1/orders → 201 (4.2 ms) reqId=r-1 orderId=ord_1\n');
  });

  it('shows an error with its stack, and passes anything that is not JSON through', () => {
    const line = JSON.stringify({ 'log.level': 'error', time: '2026-01-02T12:03:04.567Z', message: 'relay failed', err: { message: 'boom', stack: 'Error: boom\n    at x' } });
    expect(formatEntry(line, false)).toBe('12:03:04.567 ERROR relay failed\nError: boom\n    at x\n');
    expect(formatEntry('plain text', false)).toBe('plain text\n');
  });
});
