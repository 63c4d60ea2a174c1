import { describe, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import { decideRoster } from './decide.ts';

const spec = deciderSpec(decideRoster);

describe('a roster', () => {
  it('is a list of shifts in minutes of the day', () => {
    spec.given(null).when({ shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:30' }, { workerId: 'ana', zone: 'B', from: '14:30', to: '24:00' }] })
      .then([{ workerId: 'ana', zone: 'A', fromMin: 360, toMin: 870 }, { workerId: 'ana', zone: 'B', fromMin: 870, toMin: 1440 }]);
  });
  it('refuses a shift that ends before it starts', () => {
    spec.given(null).when({ shifts: [{ workerId: 'ana', zone: 'A', from: '14:00', to: '06:00' }] }).thenRejects('SHIFT_EMPTY', { fields: ['/shifts/0/to'] });
  });
  it("refuses a worker's overlapping shifts", () => {
    spec.given(null).when({ shifts: [{ workerId: 'ana', zone: 'A', from: '06:00', to: '14:00' }, { workerId: 'bo', zone: 'A', from: '06:00', to: '14:00' },
      { workerId: 'ana', zone: 'B', from: '13:00', to: '18:00' }] }).thenRejects('ROSTER_OVERLAP', { fields: ['/shifts/2/from'] });
  });
});
