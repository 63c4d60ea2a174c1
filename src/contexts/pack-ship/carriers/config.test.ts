import { describe, expect, it } from 'vitest';
import { parseCarriersFile } from './config.ts';

const rest = { kind: 'rest', code: 'RESTCO', baseUrl: 'https://api.example/v1', services: [{ code: 'NEXTDAY', name: 'Next day', transitDays: 1 }] };
const table = {
  kind: 'rate-table', code: 'PARCELCO', trackingPrefix: 'PC',
  table: { currency: 'EUR', dimDivisor: 5000, zones: [{ zone: 'Z1', country: 'DE' }], services: [{ code: 'ECO', name: 'Eco', transitDays: 3, weightBreaks: [{ upToKg: 5, prices: { Z1: 4 } }] }] },
};

describe('the carriers file', () => {
  it('reads rate-table and REST carriers', () => {
    expect(parseCarriersFile(JSON.stringify({ carriers: [rest, table] })).carriers.map((c) => c.code)).toEqual(['RESTCO', 'PARCELCO']);
  });

  it('names what is wrong: not JSON, a bad field, a code used twice or the own fleet', () => {
    expect(() => parseCarriersFile('{', 'c.json')).toThrow(/c\.json: not JSON/);
    expect(() => parseCarriersFile(JSON.stringify({ carriers: [{ ...rest, baseUrl: 'ftp://x' }] }))).toThrow(/baseUrl|pattern|anyOf|match/i);
    expect(() => parseCarriersFile(JSON.stringify({ carriers: [{ ...table, table: { ...table.table, dimDivisor: 0 } }] }))).toThrow();
    expect(() => parseCarriersFile(JSON.stringify({ carriers: [rest, rest] }))).toThrow(/RESTCO is used twice/);
    expect(() => parseCarriersFile(JSON.stringify({ carriers: [{ ...rest, code: 'OWN_FLEET' }] }))).toThrow(/OWN_FLEET/);
  });
});
