import { describe, expect, it } from 'vitest';
import { checkNesting } from './nesting.ts';

describe('LPN nesting', () => {
  it('lets a tote go into a case on a pallet (three levels)', () => {
    expect(checkNesting('tote', 1, ['case', 'pallet'])).toEqual({ ok: true, value: { levels: 3 } });
    expect(checkNesting('case', 2, ['pallet'])).toEqual({ ok: true, value: { levels: 3 } });
  });

  it('refuses a fourth level', () => {
    expect(checkNesting('tote', 1, ['case', 'pallet', 'trailer'])).toMatchObject({ ok: false, code: 'NESTING_TOO_DEEP' });
    expect(checkNesting('case', 2, ['pallet', 'outer'])).toMatchObject({ ok: false, code: 'NESTING_TOO_DEEP' });
  });

  it('refuses cycles: into itself or into one it contains', () => {
    expect(checkNesting('pallet', 1, ['pallet'])).toMatchObject({ ok: false, code: 'NESTING_CYCLE' });
    expect(checkNesting('pallet', 2, ['case', 'pallet'])).toMatchObject({ ok: false, code: 'NESTING_CYCLE' });
  });
});
