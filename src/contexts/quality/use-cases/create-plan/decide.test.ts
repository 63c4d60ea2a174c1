import { describe, expect, it } from 'vitest';
import { deciderSpec, T0 } from '../../../../platform/testing/given-when-then.ts';
import { decideCreatePlan, type CreatePlanCommand } from './decide.ts';

const cmd = (over: Partial<CreatePlanCommand> = {}): CreatePlanCommand => ({
  id: 'qpl_1', siteId: 'sit_A', name: 'Inbound mugs', stage: 'RECEIVING', sku: 'MUG', supplierId: null, ownerId: null,
  sampling: { kind: 'AQL', aql: 2.5 }, ncOwner: 'inbound-team',
  checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }, { code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }],
  ...over,
});
const spec = deciderSpec(decideCreatePlan);

describe('creating an inspection plan', () => {
  it('given a known SKU, when the plan is valid, then it is active and has seen nothing', () => {
    spec.given({ skuKnown: true }).when(cmd()).then((p) => {
      expect(p).toMatchObject({ id: 'qpl_1', active: true, seen: 0, createdAt: T0.toISOString(), sampling: { kind: 'AQL', aql: 2.5 } });
    });
  });

  it('rejects an AQL that is not a column of Table 2-A', () => {
    spec.given({ skuKnown: true }).when(cmd({ sampling: { kind: 'AQL', aql: 0.5 } })).thenRejects('UNSUPPORTED_AQL', { fields: ['/sampling/aql'] });
  });

  it('rejects an unknown SKU', () => {
    spec.given({ skuKnown: false }).when(cmd()).thenRejects('UNKNOWN_SKU', { fields: ['/sku'] });
  });

  it('rejects an unknown owner; a known one, or none, is kept', () => {
    spec.given({ skuKnown: true, ownerKnown: false }).when(cmd({ ownerId: 'own_nobody' })).thenRejects('UNKNOWN_OWNER', { message: /own_nobody/, fields: ['/ownerId'] });
    spec.given({ skuKnown: true, ownerKnown: true }).when(cmd({ ownerId: 'own_acme' })).then((p) => expect(p.ownerId).toBe('own_acme'));
  });

  it('rejects a bad percent, a bad n, duplicate codes and measured items without sane limits', () => {
    spec.given({ skuKnown: true }).when(cmd({ sampling: { kind: 'PERCENT', percent: 0 } })).thenRejects('VALIDATION_FAILED', { fields: ['/sampling/percent'] });
    spec.given({ skuKnown: true }).when(cmd({ sampling: { kind: 'EVERY_NTH', n: 0 } })).thenRejects('VALIDATION_FAILED', { fields: ['/sampling/n'] });
    spec.given({ skuKnown: true }).when(cmd({ checklist: [
      { code: 'A', label: 'a', kind: 'PASS_FAIL' }, { code: 'A', label: 'b', kind: 'PASS_FAIL' },
      { code: 'M', label: 'm', kind: 'MEASURE', unit: null, min: null, max: null },
      { code: 'N', label: 'n', kind: 'MEASURE', unit: null, min: 5, max: 1 },
    ] })).thenRejects('VALIDATION_FAILED', { fields: ['/checklist/1/code', '/checklist/2', '/checklist/3/min'] });
    spec.given({ skuKnown: true }).when(cmd({ checklist: [] })).thenRejects('VALIDATION_FAILED', { fields: ['/checklist'] });
  });

  it('rejects item codes that differ only in letter case or width: an inspector cannot tell `seal` from `SEAL` (ADR 0007, 2026-12-07)', () => {
    spec.given({ skuKnown: true }).when(cmd({ checklist: [
      { code: 'SEAL', label: 'Seal intact', kind: 'PASS_FAIL' }, { code: 'seal', label: 'Seal clean', kind: 'PASS_FAIL' },
      { code: 'ＳＥＡＬ', label: 'Seal dry', kind: 'PASS_FAIL' },
    ] })).thenRejects('VALIDATION_FAILED', { fields: ['/checklist/1/code', '/checklist/2/code'] });
  });
});
