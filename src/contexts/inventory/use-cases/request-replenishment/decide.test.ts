import { describe, expect, it } from 'vitest';
import { deciderSpec } from '../../../../platform/testing/given-when-then.ts';
import type { SourceBalance } from '../../domain/replenishment.ts';
import { SITE } from '../decider-fixtures.ts';
import { decideReplenishmentRequest, type ReplenishmentRequestCommand, type ReplenishmentRequestState } from './decide.ts';

const spec = deciderSpec(decideReplenishmentRequest);
const source = (location_id: string, on_hand: number, o: Partial<SourceBalance> = {}): SourceBalance => ({
  location_id, lot: '', on_hand, reserved: 0, expires_on: null, first_received_at: new Date('2026-01-01T00:00:00Z'), type: 'RESERVE',
  status: 'ACTIVE', ...o,
});
const state = (o: Partial<ReplenishmentRequestState> = {}): ReplenishmentRequestState => ({
  setting: { min_quantity: 4, max_quantity: 10 }, face: { on_hand: 3, reserved: 0 }, open: undefined,
  sources: [source('loc_r1', 30)], ...o,
});
const ask = (o: Partial<ReplenishmentRequestCommand> = {}): ReplenishmentRequestCommand => ({
  id: 'rpl_1', siteId: SITE, ownerId: 'own_default', sku: 'SKU-A', toLocationId: 'loc_face', trigger: 'LOW_STOCK', triggerReference: 'mov_1', ...o,
});

describe('asking for a replenishment', () => {
  it('a face below min gets units from reserve up to its max, and tasks hears of it', () => {
    spec.given(state()).when(ask()).then((d) => {
      if (d.kind !== 'new') throw new Error(d.kind);
      expect(d.row).toMatchObject({ id: 'rpl_1', from_location_id: 'loc_r1', to_location_id: 'loc_face', quantity: 7, trigger: 'LOW_STOCK' });
      expect(d.events.map((e) => e.type)).toEqual(['inventory.replenishment.requested.v1']);
      expect(d.events[0]!.data).toMatchObject({ replenishmentId: 'rpl_1', fromLocationId: 'loc_r1', toLocationId: 'loc_face', quantity: 7 });
    });
  });

  it('asks nothing for a BLOCKED or INACTIVE face (its confirm would be refused), even with one open; a person\'s request is refused', () => {
    for (const faceStatus of ['BLOCKED', 'INACTIVE'] as const) {
      for (const trigger of ['LOW_STOCK', 'WAVE_DEMAND', 'SHORT_PICK'] as const) {
        spec.given(state({ faceStatus })).when(ask({ trigger, quantity: 5 })).then({ kind: 'none', why: 'FACE_NOT_ACTIVE' });
      }
      spec.given(state({ faceStatus, open: { id: 'rpl_0', from_location_id: 'loc_r1' } })).when(ask({ trigger: 'MANUAL', quantity: 5 }))
        .thenRejects('LOCATION_NOT_ACTIVE');
    }
    spec.given(state({ faceStatus: null })).when(ask()).then((d) => expect(d.kind).toBe('new'));
  });

  it('measures min against free units (on-hand − reserved) and max against on-hand', () => {
    spec.given(state({ face: { on_hand: 8, reserved: 6 } })).when(ask()).then((d) => expect(d.kind === 'new' && d.row.quantity).toBe(2));
    spec.given(state({ face: { on_hand: 8, reserved: 0 } })).when(ask()).then((d) => expect(d).toEqual({ kind: 'none', why: 'ABOVE_MIN' }));
  });

  it('takes the source that expires first (FEFO), then the oldest; never a face, a dock, an inactive or expired one', () => {
    const sources = [
      source('loc_late', 50, { expires_on: '2027-06-01' }), source('loc_soon', 2, { expires_on: '2027-01-01' }),
      source('loc_face2', 50, { type: 'PICK_FACE', expires_on: '2026-06-01' }), source('loc_taken', 5, { reserved: 5, expires_on: '2026-06-01' }), source('loc_dock', 50, { type: 'RECEIVING' }),
      source('loc_gone', 50, { status: 'INACTIVE', expires_on: '2026-06-01' }), source('loc_expired', 50, { expires_on: '2026-01-01' }),
    ];
    spec.given(state({ sources })).when(ask()).then((d) => {
      if (d.kind !== 'new') throw new Error(d.kind);
      // Only 2 free at the source that expires first: the replenishment brings those.
      expect([d.row.from_location_id, d.row.quantity]).toEqual(['loc_soon', 2]);
    });
  });

  it('one open replenishment per face and SKU: a second trigger finds it', () => {
    spec.given(state({ open: { id: 'rpl_0', from_location_id: 'loc_r1' } })).when(ask({ trigger: 'WAVE_DEMAND', quantity: 5 }))
      .then((d) => expect(d).toEqual({ kind: 'existing', id: 'rpl_0', fromLocationId: 'loc_r1' }));
  });

  it('a wave whose demand faces could not meet asks even above min; without a min/max a trigger asks nothing', () => {
    spec.given(state({ face: { on_hand: 6, reserved: 0 } })).when(ask({ trigger: 'WAVE_DEMAND', quantity: 3 }))
      .then((d) => expect(d.kind === 'new' && d.row.quantity).toBe(4));
    spec.given(state({ face: { on_hand: 6, reserved: 0 } })).when(ask({ trigger: 'WAVE_DEMAND', quantity: 0 }))
      .then((d) => expect(d.kind).toBe('none'));
    spec.given(state({ setting: undefined })).when(ask()).then((d) => expect(d).toEqual({ kind: 'none', why: 'NO_SETTING' }));
  });

  it('a short pick asks at least for the units it missed, with or without a min/max', () => {
    spec.given(state({ setting: undefined, face: { on_hand: 0, reserved: 0 } })).when(ask({ trigger: 'SHORT_PICK', quantity: 2 }))
      .then((d) => expect(d.kind === 'new' && d.row.quantity).toBe(2));
    spec.given(state({ face: { on_hand: 0, reserved: 0 } })).when(ask({ trigger: 'SHORT_PICK', quantity: 2 }))
      .then((d) => expect(d.kind === 'new' && d.row.quantity).toBe(10));
  });

  it('a trigger with no source is nothing; a person\'s request is refused', () => {
    spec.given(state({ sources: [] })).when(ask()).then((d) => expect(d).toEqual({ kind: 'none', why: 'NO_SOURCE', underCount: [] }));
    spec.given(state({ sources: [] })).when(ask({ trigger: 'MANUAL' })).thenRejects('NO_REPLENISHMENT_SOURCE');
  });

  it('a person\'s request needs a quantity without min/max, a face below max, and a positive quantity', () => {
    spec.given(state({ setting: undefined })).when(ask({ trigger: 'MANUAL' })).thenRejects('VALIDATION_FAILED', { fields: ['/quantity'] });
    spec.given(state({ face: { on_hand: 10, reserved: 0 } })).when(ask({ trigger: 'MANUAL' })).thenRejects('VALIDATION_FAILED');
    spec.given(state()).when(ask({ trigger: 'MANUAL', quantity: -1 })).thenRejects('VALIDATION_FAILED');
    spec.given(state({ setting: undefined })).when(ask({ trigger: 'MANUAL', quantity: 5 })).then((d) => expect(d.kind === 'new' && d.row.quantity).toBe(5));
  });
});
