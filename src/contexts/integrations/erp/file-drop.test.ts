import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxFileName } from './file-drop.ts';

describe('outboxFileName', () => {
  it('is the idempotency key with what a file name cannot hold as `_`, as erp.md shows a snapshot\'s', () => {
    const guide = readFileSync(resolve(import.meta.dirname, '../../../../docs/integrations/erp.md'), 'utf8');
    const example = /a snapshot's `…([^`]+)` becomes\s+`…([^`]+)`/.exec(guide);
    expect(example, 'erp.md shows how a snapshot\'s key becomes its file name').not.toBeNull();
    const key = `inventory-snapshot.sit_01a2.${example![1]!}`;
    expect(outboxFileName(key)).toBe(`inventory-snapshot.sit_01a2.${example![2]!}`);
    expect(outboxFileName('shipment-confirmation.shp_01a2')).toBe('shipment-confirmation.shp_01a2.json');
  });
});
