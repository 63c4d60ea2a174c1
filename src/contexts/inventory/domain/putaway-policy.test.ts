import { describe, expect, it } from 'vitest';
import { location } from '../use-cases/decider-fixtures.ts';
import { closestFreePolicy, type PutawayCandidate, type PutawayRequestFacts } from './putaway-policy.ts';

const dock = location({ id: 'loc_dock', code: 'RCV-01', type: 'RECEIVING', x: 0, y: 0 });
const request = (o: Partial<PutawayRequestFacts> = {}): PutawayRequestFacts => ({
  sku: 'SKU-A', status: 'AVAILABLE', quantity: 10, unit: { volumeCm3: 1000, weightG: 500 }, from: dock, ...o,
});
const empty = { units: 0, volumeCm3: 0, weightG: 0, skus: [] };
const candidate = (id: string, x: number, o: Partial<PutawayCandidate> = {}): PutawayCandidate => ({
  location: location({ id, code: id.toUpperCase(), x, y: 0, pickSequence: null }), capacity: null, contents: empty, ...o,
});

describe('the closest-free putaway strategy', () => {
  it('suggests the nearest empty location', () => {
    expect(closestFreePolicy(request(), [candidate('far', 30), candidate('near', 5), candidate('mid', 10)])?.id).toBe('near');
  });

  it('skips locations that are full of other SKUs, blocked, or the one the units stand at', () => {
    const held = { units: 4, volumeCm3: 0, weightG: 0, skus: ['SKU-B'] };
    const blocked = { ...candidate('blocked', 1), location: location({ id: 'blocked', status: 'BLOCKED', x: 1, y: 0 }) };
    const self = { ...candidate('loc_dock', 0), location: dock };
    expect(closestFreePolicy(request(), [self, blocked, candidate('other', 2, { contents: held }), candidate('free', 9)])?.id).toBe('free');
  });

  it('respects capacity in units, volume and weight when the location has limits', () => {
    const c = (id: string, x: number, capacity: PutawayCandidate['capacity']) => candidate(id, x, { capacity });
    expect(closestFreePolicy(request(), [c('units', 1, { units: 9 }), c('ok', 4, { units: 10 })])?.id).toBe('ok');
    expect(closestFreePolicy(request(), [c('volume', 1, { volumeCm3: 9_999 }), c('ok', 4, { volumeCm3: 10_000 })])?.id).toBe('ok');
    expect(closestFreePolicy(request(), [c('weight', 1, { weightG: 4_999 }), c('ok', 4, {})])?.id).toBe('ok');
    // Unknown product dimensions: only the unit limit can be checked.
    expect(closestFreePolicy(request({ unit: null }), [c('volume', 1, { volumeCm3: 1 })])?.id).toBe('volume');
  });

  it('counts what a location holds against its capacity', () => {
    const half = { units: 6, volumeCm3: 6000, weightG: 3000, skus: ['SKU-A'] };
    expect(closestFreePolicy(request(), [candidate('half', 1, { capacity: { units: 12 }, contents: half })])).toBeUndefined();
    expect(closestFreePolicy(request({ quantity: 6 }), [candidate('half', 1, { capacity: { units: 12 }, contents: half })])?.id).toBe('half');
  });

  it('without an empty location, tops up the nearest one holding only this SKU; else suggests nothing', () => {
    const a = { units: 3, volumeCm3: 0, weightG: 0, skus: ['SKU-A'] };
    const mixed = { units: 3, volumeCm3: 0, weightG: 0, skus: ['SKU-A', 'SKU-B'] };
    expect(closestFreePolicy(request(), [candidate('mixed', 1, { contents: mixed }), candidate('a', 8, { contents: a })])?.id).toBe('a');
    expect(closestFreePolicy(request(), [candidate('mixed', 1, { contents: mixed })])).toBeUndefined();
  });

  it('sends damaged or quarantined units to the nearest location that fits, whatever it holds', () => {
    const mixed = { units: 3, volumeCm3: 0, weightG: 0, skus: ['SKU-B', 'SKU-C'] };
    expect(closestFreePolicy(request({ status: 'DAMAGED' }), [candidate('mixed', 1, { contents: mixed }), candidate('empty', 8)])?.id).toBe('mixed');
    expect(closestFreePolicy(request({ status: 'QUARANTINE' }), [candidate('full', 1, { capacity: { units: 3 }, contents: mixed }), candidate('empty', 8)])?.id)
      .toBe('empty');
  });

  it('breaks a distance tie by pick sequence, then code', () => {
    const seq = (id: string, pickSequence: number | null) => ({ ...candidate(id, 5), location: location({ id, code: id, x: 5, y: 0, pickSequence }) });
    expect(closestFreePolicy(request(), [seq('b', 20), seq('a', null), seq('c', 10)])?.id).toBe('c');
    expect(closestFreePolicy(request(), [seq('b', null), seq('a', null)])?.id).toBe('a');
  });
});
