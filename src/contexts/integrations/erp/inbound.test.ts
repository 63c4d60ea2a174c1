import { describe, expect, it } from 'vitest';
import type { RowError } from '../ports/port.ts';
import { itemsAsCsv, kindOfFile, oneDraftPerAsn, readAsns } from './inbound.ts';

describe('ERP inbound documents', () => {
  it('knows a file by its name', () => {
    expect(kindOfFile('items-2026-12-01.json')).toEqual({ kind: 'items', format: 'json' });
    expect(kindOfFile('ASNS_0001.CSV')).toEqual({ kind: 'asns', format: 'csv' });
    expect(kindOfFile('orders.json')).toBeUndefined();
    expect(kindOfFile('items.json.part')).toBeUndefined();
  });

  it('turns JSON items into the product import CSV, naming unknown and nested fields', () => {
    const r = itemsAsCsv(JSON.stringify({ items: [{ sku: 'A', description: 'Mug, "blue"', lengthMm: 1, widthMm: 2, heightMm: 3, weightG: 4, lotControlled: true }] }), 'json');
    expect(r.errors).toEqual([]);
    expect(r.csv.split('\n')[1]).toBe('A,"Mug, ""blue""",1,2,3,4,,,true,');
    expect(r.rowOf(2)).toBe(1);
    const bad = itemsAsCsv(JSON.stringify({ items: [{ sku: 'A', colour: 'red', weightG: { g: 1 } }, 7] }), 'json');
    expect(bad.errors).toEqual([
      { row: 1, field: '/items/0/colour', message: expect.stringContaining('unknown field') },
      { row: 1, field: '/items/0/weightG', message: 'must be a number, not an object' },
      { row: 2, field: '/items/1', message: 'must be an object' },
    ]);
    expect(itemsAsCsv('{"products": []}', 'json').errors).toEqual([{ row: 0, field: '/items', message: 'the document must be an object with an array "items"' }]);
    expect(itemsAsCsv('{', 'json').errors[0]!.message).toMatch(/^not JSON/);
  });

  it('refuses a document nested past any real one\'s depth as a row error, not a stack overflow (found by the black-box hunt)', () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    for (const [kind, read] of [['items', (t: string) => itemsAsCsv(t, 'json').errors], ['asns', (t: string) => readAsns(t, 'json').errors]] as const) {
      expect(read(`{"${kind}":[],"note":${deep}}`), kind).toEqual([{ row: 0, field: '', message: 'nests objects and arrays deeper than 64 levels' }]);
    }
  });

  it('refuses a JSON document naming a member twice, or holding members beside its array, naming them (found by the bad-input hunt)', () => {
    // JSON.parse kept the last of two `quantity` members silently (a dropped file's ASN line of 500 units, not 1; REST
    // refuses the same body 400), and a member beside the kind's array was ignored: an `asns` array in an items file,
    // or an `itemz` typo, was "processed" with nothing of it imported.
    const line = (q: string): string => `{"asns":[{"asnNumber":"PO-1","siteId":"DEMO","supplier":"Acme","lines":[{"sku":"A",${q}}]}]}`;
    expect(readAsns(line('"quantity":1,"quantity":500'), 'json').errors).toEqual([
      { row: 1, field: '/asns/0/lines/0/quantity', message: 'is named twice in its object: an object names each member once' },
    ]);
    expect(readAsns(line('"quantity":1'), 'json').errors).toEqual([]);
    expect(itemsAsCsv('{"items":[],"items":[{"sku":"A"}]}', 'json').errors).toEqual([
      { row: 0, field: '/items', message: 'is named twice in its object: an object names each member once' },
    ]);
    expect(itemsAsCsv('{"items":[],"asns":[{"asnNumber":"PO-1"}]}', 'json').errors).toEqual([
      { row: 0, field: '/asns', message: 'unknown field: an items document holds only "items"' },
    ]);
    expect(readAsns('{"itemz":[],"asns":[]}', 'json').errors).toEqual([
      { row: 0, field: '/itemz', message: 'unknown field: an asns document holds only "asns"' },
    ]);
  });

  it('reads ASNs from CSV rows grouped by number, and refuses rows that disagree or lack fields', () => {
    const csv = ['asnNumber,siteId,supplier,expectedOn,sku,quantity,lot', 'PO-1,DEMO,Acme,2026-12-24,A,10,', 'PO-1,DEMO,Acme,2026-12-24,B,5,L1', 'PO-2,DEMO,Beta,,A,0,', 'PO-1,DEMO,Other,2026-12-24,C,1,'].join('\n');
    const r = readAsns(csv, 'csv');
    expect(r.drafts.map((d) => [d.asnNumber, d.lines.map((l) => [l.sku, l.quantity, l.lot])])).toEqual([['PO-1', [['A', 10, undefined], ['B', 5, 'L1']]]]);
    expect(r.errors).toEqual([
      { row: 4, field: 'quantity', message: 'must be a whole number from 1 to 1000000, not "0"' },
      { row: 5, field: 'asnNumber', message: 'ASN PO-1: supplier, owner or expectedOn differ from its row 2' },
    ]);
  });

  it('reads ASNs from JSON, naming fields by pointer', () => {
    const r = readAsns(JSON.stringify({ asns: [
      { asnNumber: 'PO-1', siteId: 'DEMO', supplier: 'Acme', lines: [{ sku: 'A', quantity: 2 }, { sku: 'B', quantity: 'x', colour: 1 }, { sku: 'D', quantity: 0.5 }] },
      { asnNumber: 'PO-2', siteId: 'DEMO', lines: [] },
      { asnNumber: 'PO-1', siteId: 'DEMO', supplier: 'Acme', lines: [{ sku: 'C', quantity: 1 }] },
    ] }), 'json');
    expect(r.rows).toBe(3);
    expect(r.errors).toEqual([
      { row: 1, field: '/asns/0/lines/1/colour', message: 'unknown field' },
      { row: 1, field: '/asns/0/lines/1/quantity', message: 'must be a number, not a string' },
      { row: 1, field: '/asns/0/lines/2/quantity', message: 'must be a whole number from 1 to 1000000, not "0.5"' },
      { row: 2, field: '/asns/1/lines', message: 'an ASN has at least one line' },
      { row: 3, field: '/asns/2/asnNumber', message: 'ASN PO-1 is in this document twice (first at 1)' },
    ]);
  });
  it('takes rows of one ASN naming its site by code and by id as one ASN: CSV lines in file order, a JSON ASN twice an error (prop10)', () => {
    const site = (ref: string): string | undefined => ({ S1: 'site_1', site_1: 'site_1' } as Record<string, string>)[ref];
    const csv = 'asnNumber,siteId,supplier,sku,quantity\nN1,S1,Acme,A,3\nN1,site_1,Acme,B,4\nN1,S1,Acme,C,5\n';
    const errors: RowError[] = [];
    const drafts = oneDraftPerAsn(readAsns(csv, 'csv').drafts, site, 'csv', errors);
    expect(errors).toEqual([]);
    expect(drafts.map((d) => d.lines.map((l) => [l.sku, l.quantity]))).toEqual([[['A', 3], ['B', 4], ['C', 5]]]);
    const differ = 'asnNumber,siteId,supplier,sku,quantity\nN1,S1,Acme,A,3\nN1,site_1,Other,B,4\n';
    oneDraftPerAsn(readAsns(differ, 'csv').drafts, site, 'csv', errors);
    expect(errors).toEqual([{ row: 3, field: 'asnNumber', message: 'ASN N1: supplier, owner or expectedOn differ from its row 2' }]);
    const json = JSON.stringify({ asns: [
      { asnNumber: 'N1', siteId: 'S1', supplier: 'Acme', lines: [{ sku: 'A', quantity: 3 }] },
      { asnNumber: 'N1', siteId: 'site_1', supplier: 'Acme', lines: [{ sku: 'B', quantity: 4 }] },
    ] });
    const jsonErrors: RowError[] = [];
    expect(oneDraftPerAsn(readAsns(json, 'json').drafts, site, 'json', jsonErrors)).toHaveLength(1);
    expect(jsonErrors).toEqual([{ row: 2, field: '/asns/1/asnNumber', message: 'ASN N1 is in this document twice (first at 1, its site named S1 there)' }]);
    const spaced = JSON.stringify({ asns: [
      { asnNumber: 'N1', siteId: 'S1', supplier: 'Acme', lines: [{ sku: 'A', quantity: 3 }] },
      { asnNumber: 'N1 ', siteId: ' S1', supplier: 'Acme', lines: [{ sku: 'B', quantity: 4 }] },
    ] });
    expect(readAsns(spaced, 'json').errors).toEqual([{ row: 2, field: '/asns/1/asnNumber', message: 'ASN N1 is in this document twice (first at 1)' }]);
    // Unknown sites stay apart (the caller names each).
    expect(oneDraftPerAsn(readAsns('asnNumber,siteId,supplier,sku,quantity\nN1,X,Acme,A,3\nN1,Y,Acme,B,4\n', 'csv').drafts, site, 'csv', [])).toHaveLength(2);
  });

  it('refuses a JSON value of the wrong type, naming the field, as REST refuses it in a body (found by edge9: "quantity": "5" was read as 5)', () => {
    const asn = (line: string, header = '"asnNumber":"PO-1","siteId":"DEMO","supplier":"Acme"'): string => `{"asns":[{${header},"lines":[{"sku":"A",${line}}]}]}`;
    expect(readAsns(asn('"quantity":"5"'), 'json').errors).toEqual([{ row: 1, field: '/asns/0/lines/0/quantity', message: 'must be a number, not a string' }]);
    expect(readAsns(asn('"quantity":true'), 'json').errors).toEqual([{ row: 1, field: '/asns/0/lines/0/quantity', message: 'must be a number, not a boolean' }]);
    expect(readAsns(asn('"quantity":5,"lot":7'), 'json').errors).toEqual([{ row: 1, field: '/asns/0/lines/0/lot', message: 'must be a string, not a number' }]);
    expect(readAsns(asn('"quantity":5', '"asnNumber":4711,"siteId":"DEMO","supplier":"Acme"'), 'json').errors).toEqual([{ row: 1, field: '/asns/0/asnNumber', message: 'must be a string, not a number' }]);
    const ok = readAsns(asn('"quantity":5,"lot":null'), 'json');
    expect([ok.errors, ok.drafts[0]!.lines[0]!.quantity]).toEqual([[], 5]);
    const item = (fields: string): RowError[] => itemsAsCsv(`{"items":[{"sku":"A","description":"Mug","lengthMm":1,"widthMm":2,"heightMm":3,${fields}}]}`, 'json').errors;
    expect(item('"weightG":"250"')).toEqual([{ row: 1, field: '/items/0/weightG', message: 'must be a number, not a string' }]);
    expect(item('"weightG":250,"lotControlled":"true"')).toEqual([{ row: 1, field: '/items/0/lotControlled', message: 'must be a boolean, not a string' }]);
    expect(item('"weightG":250,"gtin":4006381333931')).toEqual([{ row: 1, field: '/items/0/gtin', message: 'must be a string, not a number' }]);
    expect(item('"weightG":250,"gtin":null,"lotControlled":false')).toEqual([]);
  });
});
