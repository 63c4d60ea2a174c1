import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENTS_DOC, renderEventsDoc } from '../scripts/events-doc.ts';

describe('docs/events.md', () => {
  it('is what `npm run docs:events` generates from the contracts today (run it and commit when this fails)', () => {
    expect(readFileSync(EVENTS_DOC, 'utf8')).toBe(renderEventsDoc());
  });

  it('lists every published event with its producer and the contexts that subscribe to it', () => {
    const doc = renderEventsDoc();
    expect(doc).toContain('| [`orders.order.cancelled.v1`](#ordersordercancelledv1) | orders | integrations, inventory, orchestration, pack-ship, picking, quality, waves, workload |');
    expect(doc).toContain('### waves.wave.released.v1');
    expect(doc).toContain('| `orders[].lines[].sku` | string | yes |  |');
  });
});
