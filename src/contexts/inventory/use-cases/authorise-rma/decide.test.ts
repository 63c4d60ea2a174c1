import { describe, expect, it } from 'vitest';
import { rmaLifecycle } from '../../domain/rma.ts';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideAuthoriseRma, type AuthoriseRmaCommand } from './decide.ts';

const spec = deciderSpec(decideAuthoriseRma);
const products = new Map([['SKU-A', { sku: 'SKU-A' }], ['SKU-B', { sku: 'SKU-B' }]]);
const authorise = (o: Partial<AuthoriseRmaCommand> = {}): AuthoriseRmaCommand => ({
  rmaId: 'rma_1', siteId: SITE, ownerId: 'own_default', customerRef: 'CUST-9', orderRef: 'SO-1',
  lines: [{ sku: 'SKU-A', quantity: 2, reason: 'wrong size' }, { sku: 'SKU-B', quantity: 1, reason: 'broken' }], ...o,
});

describe('authorising a customer return', () => {
  it('numbers the lines and announces the RMA; nothing moves', () => {
    spec.given({ products }).when(authorise()).then((d) => {
      expect(d.rma.lines).toEqual([
        { line_id: '1', sku: 'SKU-A', reason: 'wrong size', authorised: 2 }, { line_id: '2', sku: 'SKU-B', reason: 'broken', authorised: 1 },
      ]);
      expect(d.events.map((e) => e.type)).toEqual(['inventory.rma.authorised.v1']);
    });
  });

  it('refuses no lines, a quantity that is not positive, and an unknown SKU', () => {
    spec.given({ products }).when(authorise({ lines: [] })).thenRejects('VALIDATION_FAILED', { fields: ['/lines'] });
    spec.given({ products }).when(authorise({ lines: [{ sku: 'SKU-A', quantity: 0, reason: 'x' }] })).thenRejects('VALIDATION_FAILED');
    spec.given({ products }).when(authorise({ lines: [{ sku: 'NOPE', quantity: 1, reason: 'x' }] })).thenRejects('UNKNOWN_SKU', { fields: ['/lines/0/sku'] });
  });

  it('the lifecycle table reaches every state', () => {
    expect(rmaLifecycle.unreachable()).toEqual([]);
    expect(rmaLifecycle.can('RECEIVED', 'CANCELLED')).toBe(false);
    expect(rmaLifecycle.can('RECEIVED', 'CLOSED')).toBe(false);
  });
});
