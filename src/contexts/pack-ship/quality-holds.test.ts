import { describe, expect, it } from 'vitest';
import { holdRefusal, inspectionRefusal, repackRefusal } from './quality-holds.ts';

describe('quality holds on packages', () => {
  it('refuse booking and dispatch while HELD or SCRAPPED', () => {
    expect(holdRefusal([])).toBeUndefined();
    expect(holdRefusal([{ package_id: 'pkg_1', status: 'HELD' }])).toMatchObject({ ok: false, code: 'PACKAGE_ON_QUALITY_HOLD' });
    expect(holdRefusal([{ package_id: 'pkg_1', status: 'SCRAPPED' }])).toMatchObject({ ok: false, code: 'PACKAGE_ON_QUALITY_HOLD' });
  });

  it('refuse a repack while HELD only: the disposition comes first, and SCRAP asks for the repack', () => {
    const refused = repackRefusal('pkg_1', { inspection_id: 'qin_1', status: 'HELD' });
    expect(refused).toMatchObject({ ok: false, code: 'PACKAGE_ON_QUALITY_HOLD' });
    expect(refused?.ok === false && refused.message).toContain('POST /inspections/qin_1/disposition');
    expect(repackRefusal('pkg_1', { inspection_id: 'qin_1', status: 'SCRAPPED' })).toBeUndefined();
    expect(repackRefusal('pkg_1', { inspection_id: 'qin_1', status: 'RELEASED' })).toBeUndefined();
    expect(repackRefusal('pkg_1', undefined)).toBeUndefined();
  });

  it('refuse a repack while a packing inspection is OPEN, naming it; a HELD hold is named first', () => {
    const refused = repackRefusal('pkg_1', undefined, ['qin_2']);
    expect(refused).toMatchObject({ ok: false, code: 'PACKAGE_UNDER_INSPECTION' });
    expect(refused?.ok === false && refused.message).toContain('POST /inspections/qin_2/results');
    expect(repackRefusal('pkg_1', { inspection_id: 'qin_1', status: 'HELD' }, ['qin_2'])).toMatchObject({ code: 'PACKAGE_ON_QUALITY_HOLD' });
    expect(repackRefusal('pkg_1', { inspection_id: 'qin_1', status: 'RELEASED' }, ['qin_2'])).toMatchObject({ code: 'PACKAGE_UNDER_INSPECTION' });
    expect(inspectionRefusal('pkg_1', [])).toBeUndefined();
  });
});
