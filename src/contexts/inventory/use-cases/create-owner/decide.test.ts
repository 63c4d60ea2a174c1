import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideCreateOwner } from './decide.ts';

const spec = deciderSpec(decideCreateOwner);
const acme = { id: 'own_1', code: 'ACME', name: 'Acme Outdoor', created_at: new Date('2026-01-01T00:00:00Z') };

describe('creating an owner (3PL client)', () => {
  it('keeps the code and the trimmed name', () => {
    spec.given({ sameCode: undefined }).when({ id: 'own_2', code: 'BETA', name: '  Beta Foods ' })
      .then((d) => expect(d).toEqual({ id: 'own_2', code: 'BETA', name: 'Beta Foods' }));
  });

  it('refuses a code another owner has, and a blank name', () => {
    spec.given({ sameCode: acme }).when({ id: 'own_2', code: 'ACME', name: 'Other' }).thenRejects('OWNER_CODE_TAKEN', { fields: ['/code'] });
    spec.given({ sameCode: undefined }).when({ id: 'own_2', code: 'BETA', name: '   ' }).thenRejects('VALIDATION_FAILED', { fields: ['/name'] });
  });
});
