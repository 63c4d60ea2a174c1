import { describe, expect, it } from 'vitest';
import { qualityHoldRefusal, type HeldCarton } from './quality-hold.ts';

const held = (...h: HeldCarton[]) => new Map(h.map((x) => [x.packageId, x]));
const pallet = { id: 'lpn_p', code: 'PAL-1', parent_id: null };
const kase = { id: 'lpn_c', code: 'CASE-1', parent_id: 'lpn_p' };
const carton = { id: 'lpn_k', code: 'pkg_1', parent_id: 'lpn_c' };

describe('a SHIP scan and quality holds', () => {
  it('ships a tree with no held carton', () => {
    expect(qualityHoldRefusal(pallet, [pallet, kase, carton], held())).toBeUndefined();
    expect(qualityHoldRefusal(pallet, [pallet, kase, carton], held({ packageId: 'pkg_2', inspectionId: 'qin_1', status: 'HELD' }))).toBeUndefined();
  });

  it('refuses the held carton itself, naming its inspection', () => {
    const r = qualityHoldRefusal(carton, [carton], held({ packageId: 'pkg_1', inspectionId: 'qin_1', status: 'HELD' }));
    expect(r).toMatchObject({ ok: false, code: 'LPN_ON_QUALITY_HOLD' });
    expect(r?.ok === false && r.message).toContain('inspection qin_1: on hold until a disposition');
  });

  it('refuses a pallet carrying one, naming the outermost LPN below it to take off; a scrapped one too', () => {
    const r = qualityHoldRefusal(pallet, [pallet, kase, carton], held({ packageId: 'pkg_1', inspectionId: 'qin_1', status: 'SCRAPPED' }));
    expect(r).toMatchObject({ ok: false, code: 'LPN_ON_QUALITY_HOLD' });
    expect(r?.ok === false && r.message).toContain('scrapped, it never ships');
    expect(r?.ok === false && r.message).toContain('in CASE-1');
  });
});
