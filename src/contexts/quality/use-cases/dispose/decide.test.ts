import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideDisposition } from './decide.ts';

const spec = deciderSpec(decideDisposition);

describe('disposing of a quality hold', () => {
  it('given a held lot, then RELEASE and REWORK release it, SCRAP scraps it, RETURN_TO_VENDOR returns it', () => {
    const held = { holdStatus: 'HELD' as const, targetKind: 'STOCK' as const };
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'RELEASE' }).then({ holdStatus: 'RELEASED' });
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'REWORK' }).then({ holdStatus: 'RELEASED' });
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'SCRAP' }).then({ holdStatus: 'SCRAPPED' });
    spec.given(held).when({ inspectionId: 'qin_1', disposition: 'RETURN_TO_VENDOR' }).then({ holdStatus: 'RETURNED' });
  });

  it('rejects a disposition of what is not held: a passed inspection, one disposed of already', () => {
    spec.given({ holdStatus: 'NONE', targetKind: 'STOCK' }).when({ inspectionId: 'qin_1', disposition: 'RELEASE' }).thenRejects('INSPECTION_NOT_HELD');
    spec.given({ holdStatus: 'SCRAPPED', targetKind: 'STOCK' }).when({ inspectionId: 'qin_1', disposition: 'RELEASE' }).thenRejects('INSPECTION_NOT_HELD');
  });

  it('rejects returning a package to a vendor', () => {
    spec.given({ holdStatus: 'HELD', targetKind: 'PACKAGE' }).when({ inspectionId: 'qin_1', disposition: 'RETURN_TO_VENDOR' })
      .thenRejects('UNPROCESSABLE', { fields: ['/disposition'] });
  });
});
