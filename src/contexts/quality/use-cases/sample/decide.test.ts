import { describe, it, expect } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { Plan } from '../../domain/plan.ts';
import { decideSampling, type Trigger } from './decide.ts';

const plan = (over: Partial<Plan>): Plan => ({
  id: 'qpl_1', siteId: 'sit_A', name: 'Receiving', stage: 'RECEIVING', sku: null, supplierId: null, ownerId: null,
  sampling: { kind: 'AQL', aql: 1.0 }, checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }], ncOwner: 'quality',
  active: true, seen: 0, createdAt: '2026-01-01T00:00:00.000Z', version: 1, ...over,
});
const receipt = (over: Partial<Trigger['target']> = {}, trigger: Partial<Trigger> = {}): { trigger: Trigger; inspectionId: string } => ({
  inspectionId: 'qin_1',
  trigger: {
    siteId: 'sit_A', stage: 'RECEIVING', sourceRef: 'mov_1', supplierId: null, ownerId: null,
    target: { kind: 'STOCK', sku: 'MUG', skus: ['MUG'], locationId: 'loc_1', lot: null, quantity: 1000, packageId: null, orderId: null, ...over },
    ...trigger,
  },
});
const spec = deciderSpec(decideSampling);

describe('sampling: which plan inspects a trigger, and how much of it', () => {
  it('given an AQL 1.0 plan, when 1,000 units are received, then an inspection of 80 units, Ac 2 Re 3, is opened', () => {
    spec.given({ plans: [plan({})] }).when(receipt()).then({
      plan: { id: 'qpl_1', seen: 1 }, inspection: { id: 'qin_1', planId: 'qpl_1', sampleSize: 80, acceptance: 2, rejection: 3 },
    });
  });

  it('given no plan of the stage, site or scope, then nothing is inspected and no counter moves', () => {
    const none = { plan: null, inspection: null };
    spec.given({ plans: [plan({ stage: 'PACKING' })] }).when(receipt()).then(none);
    spec.given({ plans: [plan({ siteId: 'sit_B' })] }).when(receipt()).then(none);
    spec.given({ plans: [plan({ sku: 'TEA' })] }).when(receipt()).then(none);
    spec.given({ plans: [plan({ supplierId: 'ACME' })] }).when(receipt({}, { supplierId: 'OTHER' })).then(none);
    spec.given({ plans: [plan({ active: false })] }).when(receipt()).then(none);
  });

  it('given a generic and a SKU plan, then the more specific one decides', () => {
    const generic = plan({ id: 'qpl_g', createdAt: '2025-01-01T00:00:00.000Z' });
    const mug = plan({ id: 'qpl_mug', sku: 'MUG', sampling: { kind: 'PERCENT', percent: 10 } });
    spec.given({ plans: [generic, mug] }).when(receipt({ quantity: 25 })).then((d) => {
      expect(d.plan?.id).toBe('qpl_mug');
      expect(d.inspection).toMatchObject({ sampleSize: 3, acceptance: 0, rejection: 1 });
    });
    // A supplier plan matches receipts of that supplier's ASNs.
    spec.given({ plans: [generic, plan({ id: 'qpl_acme', supplierId: 'ACME' })] }).when(receipt({}, { supplierId: 'ACME' }))
      .then((d) => expect(d.plan?.id).toBe('qpl_acme'));
    // … and only those: the generic plan saw the receipt itself already.
    spec.given({ plans: [generic] }).when(receipt({}, { supplierId: 'ACME' })).then({ plan: null, inspection: null });
  });

  it('given PERCENT, then a share of the units, at least one and at most the lot', () => {
    spec.given({ plans: [plan({ sampling: { kind: 'PERCENT', percent: 5 } })] }).when(receipt({ quantity: 3 }))
      .then((d) => expect(d.inspection?.sampleSize).toBe(1));
    spec.given({ plans: [plan({ sampling: { kind: 'PERCENT', percent: 100 } })] }).when(receipt({ quantity: 7 }))
      .then((d) => expect(d.inspection?.sampleSize).toBe(7));
  });

  it('given EVERY_NTH 3, then the 1st, 4th and 7th triggers are inspected whole and the counter always moves', () => {
    const picked: number[] = [];
    for (let seen = 0; seen < 7; seen++) {
      const d = spec.given({ plans: [plan({ sampling: { kind: 'EVERY_NTH', n: 3 }, seen })] }).when(receipt({ quantity: 4 })).then(() => undefined);
      expect(d.plan?.seen).toBe(seen + 1);
      if (d.inspection !== null) {
        expect(d.inspection.sampleSize).toBe(4);
        picked.push(seen + 1);
      }
    }
    expect(picked).toEqual([1, 4, 7]);
  });

  it('given a packing plan for a SKU, then a package holding that SKU among others is inspected', () => {
    const pkg = { trigger: { ...receipt().trigger, stage: 'PACKING' as const, target: { kind: 'PACKAGE' as const, sku: null, skus: ['MUG', 'TEA'],
      locationId: null, lot: null, quantity: 3, packageId: 'pkg_1', orderId: 'ord_1' } }, inspectionId: 'qin_2' };
    spec.given({ plans: [plan({ stage: 'PACKING', sku: 'TEA', sampling: { kind: 'EVERY_NTH', n: 1 } })] }).when(pkg)
      .then((d) => expect(d.inspection).toEqual({ id: 'qin_2', planId: 'qpl_1', sampleSize: 3, acceptance: 0, rejection: 1 }));
  });
});
