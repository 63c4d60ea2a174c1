import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideRecordResults, type RecordResultsCommand, type RecordResultsState } from './decide.ts';

const open: RecordResultsState = {
  status: 'OPEN', sampleSize: 80, acceptance: 2, ncOwner: 'inbound-team',
  checklist: [{ code: 'LABEL', label: 'Label readable', kind: 'PASS_FAIL' }, { code: 'WEIGHT', label: 'Unit weight', kind: 'MEASURE', unit: 'g', min: 300, max: 340 }],
};
const cmd = (items: RecordResultsCommand['items'], over: Partial<RecordResultsCommand> = {}): RecordResultsCommand => ({
  inspectionId: 'qin_1', inspector: 'ines', nonConformanceId: 'qnc_1', items, ...over,
});
const spec = deciderSpec(decideRecordResults);

describe('recording the results of an inspection', () => {
  it('given Ac 2, when every item passes, then PASSED with no defect; opportunities = sample × items', () => {
    spec.given(open).when(cmd([{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 320 }])).then({
      status: 'PASSED', defects: 0, opportunities: 160, nonConformance: null,
      items: [{ code: 'LABEL', passed: true, value: null, defects: 0 }, { code: 'WEIGHT', passed: true, value: 320, defects: 0 }],
    });
  });

  it('given Ac 2, when 2 defects are found, then it still passes (the lot is accepted)', () => {
    spec.given(open).when(cmd([{ code: 'LABEL', passed: false, defects: 2 }, { code: 'WEIGHT', value: 310 }]))
      .then((d) => expect(d).toMatchObject({ status: 'PASSED', defects: 2 }));
  });

  it('given Ac 2, when 3 defects are found (Re 3), then FAILED with a non-conformance naming the failed items and the plan owner', () => {
    spec.given(open).when(cmd([{ code: 'LABEL', passed: false, defects: 2 }, { code: 'WEIGHT', value: 355 }])).then((d) => {
      expect(d.status).toBe('FAILED');
      expect(d.defects).toBe(3);
      expect(d.nonConformance).toEqual({ id: 'qnc_1', cause: 'Failed: LABEL, WEIGHT = 355 (3 defect(s), Ac 2)', owner: 'inbound-team' });
    });
    spec.given({ ...open, acceptance: 0 }).when(cmd([{ code: 'LABEL', passed: false }, { code: 'WEIGHT', value: 320 }], { cause: 'Smudged print', owner: 'supplier-quality' }))
      .then((d) => expect(d.nonConformance).toEqual({ id: 'qnc_1', cause: 'Smudged print', owner: 'supplier-quality' }));
  });

  it('rejects results that do not match the checklist: unknown, repeated, missing, wrong kind, defects beyond the sample', () => {
    spec.given(open).when(cmd([{ code: 'LABEL', passed: true }])).thenRejects('CHECKLIST_MISMATCH', { fields: ['/items'] });
    spec.given(open).when(cmd([{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 300 }, { code: 'COLOUR', passed: true }]))
      .thenRejects('CHECKLIST_MISMATCH', { fields: ['/items/2/code'] });
    spec.given(open).when(cmd([{ code: 'LABEL', value: 1 }, { code: 'WEIGHT', passed: true }])).thenRejects('CHECKLIST_MISMATCH', { fields: ['/items/0', '/items/1'] });
    spec.given(open).when(cmd([{ code: 'LABEL', passed: true }, { code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 300 }]))
      .thenRejects('CHECKLIST_MISMATCH', { fields: ['/items/1/code'] });
    spec.given(open).when(cmd([{ code: 'LABEL', passed: false, defects: 81 }, { code: 'WEIGHT', value: 300 }])).thenRejects('CHECKLIST_MISMATCH', { fields: ['/items/0/defects'] });
  });

  it('rejects a second recording: the inspection is no longer OPEN', () => {
    spec.given({ ...open, status: 'FAILED' }).when(cmd([{ code: 'LABEL', passed: true }, { code: 'WEIGHT', value: 320 }])).thenRejects('ILLEGAL_TRANSITION');
  });
});
