import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from './envelope.ts';
import { InlineTransport } from './transport.ts';

const event = (type: string): EventEnvelope => ({
  specversion: '1.0', id: `evt_${type}`, type, source: 'test', subject: 's', time: new Date(0).toISOString(),
  datacontenttype: 'application/json', data: {},
});

describe('inline transport', () => {
  it('a consumer that fails does not let publish settle while another consumer is still handling', async () => {
    const t = new InlineTransport(4);
    let slowDone = false;
    await t.subscribe('fails', ['a'], async () => {
      throw new Error('database went away');
    });
    await t.subscribe('slow', ['a'], async () => {
      await new Promise((r) => setTimeout(r, 50));
      slowDone = true;
    });
    // The relay rolls its batch back and may dispatch it again (or the app may close the pool) as soon as publish
    // settles: no consumer may still be running then.
    await expect(t.publish([event('a')])).rejects.toThrow('database went away');
    expect(slowDone).toBe(true);
  });
});
